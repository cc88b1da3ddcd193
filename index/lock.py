"""One build at a time per home: an exclusive, non-blocking fcntl lock on <data>/build.lock.

The kernel releases the lock when the holder exits, however it exits (killed included), so a stale lock file
never blocks the next build; the file only says who holds it, for the message."""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = "build.lock"


class BuildLockedError(RuntimeError):
    """Another build of the same home is running."""


def holder(data_dir: Path) -> dict | None:
    """Who holds the build lock ({"pid", "since"}), or None when nobody does."""
    path = Path(data_dir) / LOCK_FILE
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            try:
                return json.loads(path.read_text(encoding="utf-8") or "{}") or {"pid": None, "since": None}
            except ValueError:
                return {"pid": None, "since": None}
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


@contextmanager
def build_lock(data_dir: Path):
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_FILE
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            h = holder(data_dir) or {}
            raise BuildLockedError(
                f"another build of {data_dir.parent} is running (pid {h.get('pid', '?')}, since {h.get('since', '?')}); "
                "the published index keeps serving — run `policyqa build` again when it has finished") from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(),
                                 "since": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}).encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
