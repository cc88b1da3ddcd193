"""Bounded soak test: concurrent searches while a document is added and removed again and again (each change a
real `build`, published as a new generation). Reports queries served, failures (goal 0) and results that differ
from what the generation the reader had open should give (goal 0).

    python scripts/soak.py [--seconds 180] [--readers 4] [--modes bm25,hybrid] [--json]

Readers behave like a long-running service: each keeps its backend open and re-opens it when CURRENT names a new
generation. The added document is a copy of a bundled plan under another name, so its clauses reuse the published
embeddings and each build publishes within a second or two; the expected results of both corpus states (without
and with the copy) are computed before the run."""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ["tuyên truyền", "định mức kinh tế - kỹ thuật", "sắp xếp đơn vị sự nghiệp công lập", "chuyen doi so",
           "Sở Nội vụ chủ trì", "tự chủ tài chính"]
EXTRA = "soak_extra.txt"


def _results(engine, modes) -> dict:
    from policyqa.search import search

    return {(m, q): [h["clause_id"] for h in search(engine, q, k=10, mode=m).hits] for m in modes for q in QUERIES}


def soak(settings, embedder, seconds: float, readers: int = 4, modes=("bm25",), source_doc: str | None = None) -> dict:
    """Run against the home of `settings` (a published generation must exist; its corpus is modified and
    restored). Returns the counts."""
    from index.files_backend import FilesBackend
    from index.store import live_name
    from policyqa.build import build_all
    from policyqa.engine import Engine

    corpus = settings.corpus_dir
    src = corpus / source_doc if source_doc else sorted(corpus.glob("*.txt"))[-1]
    extra = corpus / EXTRA
    extra.unlink(missing_ok=True)
    build_all(settings, embedder=embedder)
    expected = {False: _results(Engine.load(settings, embedder=embedder), modes)}
    shutil.copy(src, extra)
    build_all(settings, embedder=embedder)
    expected[True] = _results(Engine.load(settings, embedder=embedder), modes)
    assert expected[True] != expected[False], "the added document must change some results"

    stop = threading.Event()
    lock = threading.Lock()
    c = {"queries": 0, "failures": 0, "differing": 0, "reloads": 0, "builds": 0, "build_failures": 0}
    errors: list[str] = []

    def reader(i: int):
        eng, name = None, None
        k = 0
        while not stop.is_set():
            try:
                cur = live_name(settings.index_dir)
                if eng is None or cur != name:
                    eng = Engine(settings, FilesBackend.open(settings.index_dir), embedder)
                    name = eng.backend.generation()
                    with lock:
                        c["reloads"] += 1
                key = list(expected[False])[(i + k) % len(expected[False])]
                k += 1
                from policyqa.search import search

                got = [h["clause_id"] for h in search(eng, key[1], k=10, mode=key[0]).hits]
                state = EXTRA.rsplit(".", 1)[0] in eng.docs
                with lock:
                    c["queries"] += 1
                    if got != expected[state][key]:
                        c["differing"] += 1
                        errors.append(f"differs: {key} in {name}")
            except Exception as e:  # noqa: BLE001 — every failure is counted and reported
                with lock:
                    c["failures"] += 1
                    errors.append(repr(e))

    def writer():
        while not stop.is_set():
            try:
                if extra.exists():
                    extra.unlink()
                else:
                    shutil.copy(src, extra)
                build_all(settings, embedder=embedder)
                c["builds"] += 1
            except Exception as e:  # noqa: BLE001
                c["build_failures"] += 1
                errors.append(f"build: {e!r}")

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(readers)] + [threading.Thread(target=writer)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    extra.unlink(missing_ok=True)
    build_all(settings, embedder=embedder)
    return {**c, "seconds": round(took, 1), "readers": readers, "modes": list(modes),
            "queries_per_s": round(c["queries"] / took, 1), "errors": errors[:20]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=180)
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--modes", default="bm25,hybrid")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from index.embedder import SentenceTransformerEmbedder
    from policyqa.config import Settings

    work = Path(tempfile.mkdtemp(prefix="pq-soak-"))
    try:
        shutil.copytree(ROOT / "corpus", work / "corpus")
        s = Settings.from_env(home=work, model_dir=Settings.from_env(home=ROOT).model_dir)
        emb = SentenceTransformerEmbedder(s.model_dir)
        out = soak(s, emb, a.seconds, a.readers, tuple(a.modes.split(",")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
           "command": "python scripts/soak.py " + " ".join(sys.argv[1:]), **out}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
