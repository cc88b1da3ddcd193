"""Schema migrations: versioned SQL files (migrations/NNNN_name.sql) applied in order, each in its own
transaction, recorded in schema_version. Several processes may start at once: an advisory lock lets one migrate."""
from __future__ import annotations

import re
from pathlib import Path

MIGRATIONS = Path(__file__).with_name("migrations")
_LOCK = 7_150_001  # advisory lock key for migrations


def available() -> list[tuple[int, str, Path]]:
    out = []
    for p in sorted(MIGRATIONS.glob("*.sql")):
        m = re.match(r"(\d+)_(.+)\.sql$", p.name)
        if m:
            out.append((int(m.group(1)), m.group(2), p))
    return out


def latest() -> int:
    return max((v for v, _, _ in available()), default=0)


def current(conn) -> int:
    exists = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return 0
    return conn.execute("SELECT coalesce(max(version), 0) FROM schema_version").fetchone()[0]


def migrate(conn) -> list[int]:
    """Bring the database to the latest schema; returns the versions applied. `conn` must be in autocommit mode."""
    applied = []
    conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK,))
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version int PRIMARY KEY, name text NOT NULL, "
                     "applied_at timestamptz NOT NULL DEFAULT now())")
        have = current(conn)
        for version, name, path in available():
            if version <= have:
                continue
            with conn.transaction():
                conn.execute(path.read_text(encoding="utf-8"))
                conn.execute("INSERT INTO schema_version (version, name) VALUES (%s, %s)", (version, name))
            applied.append(version)
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK,))
    return applied
