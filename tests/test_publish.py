"""Fault injection for publishing (issue 14, cases 1-3): a build killed mid-way, a disk that fills up, a file removed
while a build runs, a second build, readers loading while generations are published. In every case searches
during and after the fault return the last published results."""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from index.files_backend import FilesBackend
from index.lock import BuildLockedError
from index.store import STAGING_PREFIX, current_dir, generations, live_name
from policyqa.build import BuildFailedError, build_all
from policyqa.cli import main
from policyqa.config import Settings
from policyqa.engine import Engine
from policyqa.search import search

from tests.conftest import DOCS, REPO

QUERIES = ["tuyên truyền", "định mức kinh tế - kỹ thuật", "sắp xếp đơn vị sự nghiệp", "chuyen doi so"]
NEW_DOC = "009_new_plan.txt"
NEW_TEXT = ("KẾ HOẠCH\n\nThực hiện chuyển đổi số trong cơ quan nhà nước\n\nI. MỤC ĐÍCH\n\n"
            "1. Xây dựng cơ sở dữ liệu quản lý văn bản điện tử dùng chung toàn tỉnh.\n\n"
            "2. Sở Thông tin và Truyền thông chủ trì, phối hợp với Văn phòng UBND tỉnh triển khai kho dữ liệu.\n")


def results(engine, mode="bm25"):
    return {q: [h["clause_id"] for h in search(engine, q, k=10, mode=mode).hits] for q in QUERIES}


def copy_home(home: Path, dst: Path) -> Path:
    shutil.copytree(home / "corpus", dst / "corpus")
    shutil.copytree(home / "data" / "index", dst / "data" / "index")
    return dst


@pytest.fixture
def h(home, tmp_path, model_dir):
    d = copy_home(home, tmp_path / "h")
    return Settings.from_env(home=d, model_dir=model_dir)


@pytest.fixture(scope="module")
def expected(engine):
    return results(engine)


def served(settings, embedder):
    """What a fresh reader gets now."""
    return results(Engine.load(settings, embedder=embedder))


# --- case 1: a build killed mid-way, or failing on a full disk, leaves the published generation serving -----
KILL_SCRIPT = r"""
import sys, time
from pathlib import Path
from index.embedder import folder_fingerprint
from policyqa.build import build_all
from policyqa.config import Settings
home, model, where = sys.argv[1], sys.argv[2], sys.argv[3]
marker = Path(home) / "reached"

def stall(*a, **k):
    marker.write_text(where)
    time.sleep(120)

class Stalling:
    name, dim = "stalling", 384
    fingerprint = folder_fingerprint(Path(model))
    def encode_passages(self, texts, progress=None):
        if where == "embedding":
            stall()
        import numpy as np
        v = np.ones((len(texts), 384), dtype="float32")
        return v / np.linalg.norm(v, axis=1, keepdims=True)

if where == "writing":
    import index.lexical as lexical
    lexical.BM25Index.save = lambda self, path: stall()
build_all(Settings.from_env(home=home, model_dir=model), embedder=Stalling())
"""


@pytest.mark.parametrize("where", ["embedding", "writing"])
def test_build_killed_mid_way_keeps_serving_the_published_generation(h, embedder, expected, where):
    live = live_name(h.index_dir)
    (h.corpus_dir / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    p = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(h.home), str(h.model_dir), where], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            if (h.home / "reached").exists() or p.poll() is not None:
                break
            time.sleep(0.1)
        assert (h.home / "reached").exists(), p.stdout.read().decode()
        # during the build: nothing a reader loads has changed, the second build is refused clearly
        assert live_name(h.index_dir) == live and not (h.data_dir / "docs.jsonl").exists()
        assert served(h, embedder) == expected
        r = CliRunner().invoke(main, ["--home", str(h.home), "build"])
        assert r.exit_code == 1 and "another build" in r.output and isinstance(r.exception, (SystemExit, type(None)))
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    # after the kill: the same generation serves; leftovers are reported, then removed by the next build
    assert live_name(h.index_dir) == live and served(h, embedder) == expected
    left = [x.name for x in h.index_dir.iterdir() if x.name.startswith(STAGING_PREFIX)]
    assert bool(left) == (where == "writing")
    if left:
        c = CliRunner().invoke(main, ["--home", str(h.home), "check", "--json"])
        assert c.exit_code == 1 and json.loads(c.stdout)["generations"]["orphans"] == left
    rep = build_all(h, embedder=embedder)
    assert rep.indexed and rep.generation != live
    assert not [x for x in h.index_dir.iterdir() if x.name.startswith(STAGING_PREFIX)]
    assert any(c.startswith("009_new_plan:") for c in
               (x["clause_id"] for x in search(Engine.load(h, embedder=embedder), "kho dữ liệu", k=3).hits))


def test_disk_full_while_writing_leaves_the_published_generation(h, embedder, expected, monkeypatch):
    import index.clause_table as clause_table

    live = live_name(h.index_dir)
    (h.corpus_dir / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")

    def full(path, docs, batch=0):
        Path(path).write_bytes(b"\0" * 100)  # a partly written file, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(clause_table, "write", full)
    with pytest.raises(BuildFailedError, match="no space left"):
        build_all(h, embedder=embedder)
    r = CliRunner().invoke(main, ["--home", str(h.home), "build"])
    assert r.exit_code == 1 and "no space left" in r.output and isinstance(r.exception, (SystemExit, type(None)))
    assert live_name(h.index_dir) == live and served(h, embedder) == expected
    assert not [x for x in h.index_dir.iterdir() if x.name.startswith(STAGING_PREFIX)]
    monkeypatch.undo()
    assert build_all(h, embedder=embedder).indexed  # space again: the build goes through


# --- case 2: a file removed while a build runs ---------------------------------------------------------------
def test_file_removed_while_building_publishes_a_generation_that_agrees_with_the_corpus(h, embedder):
    (h.corpus_dir / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    victim = h.corpus_dir / f"{DOCS['noprov']}.txt"
    calls = []

    class RemovesAFile:
        name, dim, fingerprint = embedder.name, embedder.dim, embedder.fingerprint

        def encode_passages(self, texts, progress=None):
            calls.append(len(texts))
            if victim.exists():
                victim.unlink()  # removed by someone else while this build embeds
            return embedder.encode_passages(texts)

    rep = build_all(h, embedder=RemovesAFile())
    assert rep.indexed and calls
    assert any("changed during the build" in w for w in rep.ingest.warnings)
    published = set(FilesBackend.open(h.index_dir).documents())
    assert published == {p.stem for p in h.corpus_dir.glob("*.txt")} and DOCS["noprov"] not in published
    # no second build says "up to date" against a different corpus, and every search works
    assert not build_all(h, embedder=embedder).reasons
    c = CliRunner().invoke(main, ["--home", str(h.home), "check", "--json"])
    assert c.exit_code == 0, c.output
    eng = Engine.load(h, embedder=embedder)
    assert all(not x["doc_id"] == DOCS["noprov"] for q in QUERIES for x in search(eng, q, k=10).hits)


def test_one_build_at_a_time(h, embedder):
    started, release = threading.Event(), threading.Event()

    class Blocking:
        name, dim, fingerprint = embedder.name, embedder.dim, embedder.fingerprint

        def encode_passages(self, texts, progress=None):
            started.set()
            release.wait(60)
            return embedder.encode_passages(texts)

    (h.corpus_dir / NEW_DOC).write_text(NEW_TEXT, encoding="utf-8")
    first = {}
    t = threading.Thread(target=lambda: first.setdefault("rep", build_all(h, embedder=Blocking())))
    t.start()
    try:
        assert started.wait(60)
        with pytest.raises(BuildLockedError, match=f"pid {os.getpid()}"):
            build_all(h, embedder=embedder)
    finally:
        release.set()
        t.join()
    assert first["rep"].indexed


# --- case 3: readers loading while generations are published -------------------------------------------------
def test_readers_never_fail_while_generations_are_published(h, embedder, expected):
    from index.build import stage
    from ingest.pipeline import load_docs

    docs = load_docs(h.docs_path)
    stop = threading.Event()
    loads, failures, wrong = [0], [], []

    def reader():
        while not stop.is_set():
            try:
                eng = Engine(h, FilesBackend.open(h.index_dir), embedder)
                got = results(eng)
                loads[0] += 1
                if got != expected:
                    wrong.append(eng.backend.generation())
            except Exception as e:  # noqa: BLE001 — any failure is what this test counts
                failures.append(repr(e))

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    published = []
    try:
        for _ in range(6):  # like `build --force`: same content, new generation each time
            st = stage(docs, embedder, h.index_dir)
            st.publish()
            published.append(st.build_id)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert failures == [] and wrong == [] and loads[0] >= 6
    # the live generation and the one before it are kept; older ones were removed
    assert live_name(h.index_dir) == published[-1]
    assert len(generations(h.index_dir)) <= 2 + 1  # + one a reader may still have been loading


def test_old_generation_is_kept_while_a_reader_loads_it(h, embedder):
    from index.build import stage
    from index.store import reading
    from ingest.pipeline import load_docs

    docs = load_docs(h.docs_path)
    first = current_dir(h.index_dir)
    with reading(h.index_dir) as (gen, _):
        assert gen == first
        for _ in range(3):
            stage(docs, embedder, h.index_dir).publish()
        assert first.exists()  # locked by this reader: not collected
        FilesBackend.open_folder(gen)  # still complete
    stage(docs, embedder, h.index_dir).publish()
    assert not first.exists()  # collected once nobody reads it


def test_short_soak_serves_every_query_from_a_published_generation(h, embedder):
    """scripts/soak.py, bounded: searches while a document is added and removed by real builds."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("soak", REPO / "scripts" / "soak.py")
    soak = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(soak)
    out = soak.soak(h, embedder, seconds=12, readers=3, modes=("bm25",))
    assert out["failures"] == 0 and out["differing"] == 0 and out["build_failures"] == 0, out["errors"]
    assert out["queries"] > 20 and out["builds"] >= 2 and out["reloads"] > 3
