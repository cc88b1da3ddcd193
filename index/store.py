"""Published generations: everything a reader loads, written completely, then made live in one atomic step.

    <index_dir>/CURRENT                 name of the live generation (replaced atomically: write, fsync, rename)
    <index_dir>/<generation>/           one complete, immutable build:
        docs.jsonl                      documents (metadata, header, tasks …), one per line, without clauses
        clauses.arrow                   clause rows, columnar (index.clause_table)
        embeddings.npy                  float32 [clauses x dim], row order of clauses.arrow
        faiss.index                     only for an approximate (HNSW) index; exact search needs no extra copy
        bm25/ bm25_folded/ restore.json lexical indexes and the diacritic restorer
        manifest.json                   written last: model, corpus, params, and size + sha256 of every file above
    <index_dir>/.building-*/            a generation being written (removed if its build fails or was killed)

A reader takes a shared lock on the generation's manifest.json while it loads; old generations are deleted only
when an exclusive lock on it can be had (nobody is loading it), and the previous generation is always kept, so a
reader that read CURRENT just before a publish can still open what it named. Once loaded, files are mapped:
deleting them later does not disturb a running reader."""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path

from ingest import atomic

from .manifest import IndexMismatchError  # noqa: F401  (re-exported: callers import it from here)

MANIFEST = "manifest.json"
CURRENT = "CURRENT"
STAGING_PREFIX = ".building-"
KEEP_PREVIOUS = 1  # generations kept besides the live one
VERIFY_ON_LOAD_MAX = 8 << 20  # files up to this size are hashed on every load; larger ones at build and by `check`


class CorruptIndexError(RuntimeError):
    """A published file does not match its checksum, is missing, or cannot be parsed."""

    def __init__(self, problems: list[str], where: str = ""):
        self.problems = problems
        super().__init__(f"index {where} is damaged: " + "; ".join(problems)
                         + ". It is not used; run `policyqa build` to rebuild what is damaged.")


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)


def checksums(folder: Path) -> dict[str, dict]:
    """{relative path: {"size", "sha256"}} for every file of a generation but the manifest."""
    return {p.relative_to(folder).as_posix(): {"size": p.stat().st_size, "sha256": sha256_file(p)}
            for p in _files(folder)}


# --- writing --------------------------------------------------------------------------------------------------
def new_build_dir(index_dir: Path) -> Path:
    index_dir = Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    d = index_dir / f"{STAGING_PREFIX}{uuid.uuid4().hex[:12]}"
    d.mkdir()
    return d


def _fsync_tree(folder: Path) -> None:
    for p in [*folder.rglob("*"), folder]:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def finish(build_dir: Path, manifest: dict) -> dict:
    """Seal a staged generation: checksums of its files into the manifest, written last, everything synced."""
    manifest = {**manifest, "files": checksums(build_dir)}
    atomic.write_json(build_dir / MANIFEST, manifest)
    _fsync_tree(build_dir)
    return manifest


def publish(index_dir: Path, build_dir: Path, build_id: str) -> Path:
    """Make a sealed generation live (rename, then swap CURRENT atomically) and remove unused old ones."""
    index_dir = Path(index_dir)
    final = index_dir / build_id
    build_dir.rename(final)
    atomic.write_text(index_dir / CURRENT, build_id)
    fd = os.open(index_dir, os.O_RDONLY)
    try:
        os.fsync(fd)  # the rename and the new CURRENT survive a crash
    finally:
        os.close(fd)
    collect(index_dir)
    return final


def generations(index_dir: Path) -> list[Path]:
    """Published generation folders, oldest first (by manifest time)."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    out = [p for p in index_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]
    return sorted(out, key=lambda p: (p / MANIFEST).stat().st_mtime if (p / MANIFEST).exists() else 0)


def collect(index_dir: Path, keep: int = KEEP_PREVIOUS) -> list[str]:
    """Delete generations older than the live one and the `keep` before it, unless a reader is loading one.
    Abandoned staging folders are removed by the build that holds the build lock (see clean_staging)."""
    live = live_name(index_dir)
    old = [p for p in generations(index_dir) if p.name != live]
    removed = []
    for p in old[:max(0, len(old) - keep)]:
        if _remove_unused(p):
            removed.append(p.name)
    return removed


def _remove_unused(gen: Path) -> bool:
    lock = gen / MANIFEST
    try:
        fd = os.open(lock, os.O_RDONLY)
    except FileNotFoundError:  # never sealed (old layout or damaged): nobody can load it
        shutil.rmtree(gen, ignore_errors=True)
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a reader is loading it; a later build removes it
        trash = gen.with_name(f".trash-{gen.name}-{uuid.uuid4().hex[:6]}")
        gen.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def clean_staging(index_dir: Path) -> list[str]:
    """Remove staging and trash folders left by a build that was killed (call with the build lock held)."""
    index_dir = Path(index_dir)
    if not index_dir.is_dir():
        return []
    gone = [p for p in index_dir.iterdir() if p.is_dir() and p.name.startswith((STAGING_PREFIX, ".trash-"))]
    for p in gone:
        shutil.rmtree(p, ignore_errors=True)
    return [p.name for p in gone]


# --- reading --------------------------------------------------------------------------------------------------
def live_name(index_dir: Path) -> str | None:
    cur = Path(index_dir) / CURRENT
    try:
        name = cur.read_text(encoding="utf-8").strip()
    except (FileNotFoundError, UnicodeDecodeError):
        return None
    return name or None


def current_dir(index_dir: Path) -> Path | None:
    """The live generation's folder, or None when nothing is published."""
    name = live_name(index_dir)
    if name is None:
        return None
    d = Path(index_dir) / name
    return d if (d / MANIFEST).exists() else None


def read_manifest_file(gen: Path) -> dict:
    p = Path(gen) / MANIFEST
    try:
        m = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise
    except (ValueError, UnicodeDecodeError) as e:
        raise CorruptIndexError([f"{MANIFEST} is not valid JSON ({e})"], str(gen)) from None
    if not isinstance(m, dict) or not isinstance(m.get("files"), dict) or not isinstance(m.get("model"), dict):
        raise CorruptIndexError([f"{MANIFEST} lacks its 'files' or 'model' section (written by an older version "
                                 "or damaged)"], str(gen))
    return m


def read_manifest(index_dir: Path) -> dict | None:
    """The live generation's manifest; None when nothing is published or it cannot be read (a build rebuilds)."""
    d = current_dir(index_dir)
    if d is None:
        return None
    try:
        return read_manifest_file(d)
    except (CorruptIndexError, OSError):
        return None


def verify(gen: Path, manifest: dict, full: bool = True) -> list[str]:
    """Problems with the generation's files, each naming the file. full=False hashes only small files
    (up to VERIFY_ON_LOAD_MAX) and checks the sizes of the others: what every load affords."""
    gen = Path(gen)
    out = []
    want = manifest.get("files", {})
    for rel, w in sorted(want.items()):
        p = gen / rel
        try:
            size = p.stat().st_size
        except FileNotFoundError:
            out.append(f"{rel} is missing")
            continue
        if size != w.get("size"):
            out.append(f"{rel} has {size} bytes, {w.get('size')} were published (truncated or overwritten)")
        elif (full or size <= VERIFY_ON_LOAD_MAX) and sha256_file(p) != w.get("sha256"):
            out.append(f"{rel} does not match its checksum (bytes changed since it was published)")
    extra = sorted(set(p.relative_to(gen).as_posix() for p in _files(gen)) - set(want))
    out += [f"{rel} was not published with this generation" for rel in extra]
    return out


@contextmanager
def reading(index_dir: Path, retries: int = 5):
    """Yield (folder, manifest) of the live generation, holding a shared lock on it while the caller loads.
    If a publish removes the generation between reading CURRENT and locking it, the new CURRENT is used."""
    index_dir = Path(index_dir)
    for _ in range(retries):
        name = live_name(index_dir)
        if name is None:
            raise FileNotFoundError(f"no published index in {index_dir}; run `policyqa build` first")
        gen = index_dir / name
        try:
            fd = os.open(gen / MANIFEST, os.O_RDONLY)
        except FileNotFoundError:
            if live_name(index_dir) == name and not (index_dir / name).exists():
                raise FileNotFoundError(f"{index_dir / CURRENT} names {name}, which does not exist; "
                                        "run `policyqa build`") from None
            continue  # replaced meanwhile: read CURRENT again
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            try:
                same = os.fstat(fd).st_ino == os.stat(gen / MANIFEST).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                continue  # collected between open and lock
            yield gen, read_manifest_file(gen)
            return
        finally:
            os.close(fd)  # also releases the lock
    raise RuntimeError(f"{index_dir}: the published generation kept changing while loading; try again")
