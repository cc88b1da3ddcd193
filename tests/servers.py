"""Real servers the tests start: a free loopback port, `policyqa serve` in a subprocess, waiting until it answers
/health, and stopping it as Ctrl-C would."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import REPO


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_serve(home: Path, model_dir: Path, log_path: Path, *args: str) -> tuple[subprocess.Popen, str]:
    """`policyqa --home HOME serve --port P ARGS…` in a subprocess, its output in `log_path`: (process, base address).
    The caller's own POLICYQA_HOME / POLICYQA_DATABASE_URL are not passed on: the server reads what the test says."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("POLICYQA_DATABASE_URL", "POLICYQA_HOME")}
    env.update({"PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "POLICYQA_MODEL": str(model_dir)})
    with open(log_path, "w") as log:  # the child keeps its own descriptor
        proc = subprocess.Popen([sys.executable, "-m", "policyqa", "--home", str(home), "serve", "--port", str(port),
                                 *args], cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(proc: subprocess.Popen, base: str, log_path: Path, deadline: float, poll_s: float = 0.3) -> None:
    """Until `base`/health answers 200; fails with the server's log if it exits, or at `deadline` (monotonic)."""
    while True:
        assert proc.poll() is None, Path(log_path).read_text()[-3000:]
        try:
            if httpx.get(base + "/health", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(poll_s)


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
