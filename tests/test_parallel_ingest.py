"""Ingestion in worker processes gives the same documents and report as one process."""
from __future__ import annotations

import shutil
from pathlib import Path

from ingest import pipeline

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def test_parallel_equals_serial(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "notes.xyz").write_text("không hỗ trợ", encoding="utf-8")  # refused, reported per file
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 2)
    seen = []
    a, ra = pipeline.ingest_corpus(corpus, tmp_path / "a.jsonl", root=tmp_path, workers=1)
    b, rb = pipeline.ingest_corpus(corpus, tmp_path / "b.jsonl", root=tmp_path, workers=2,
                                   progress=lambda s, done, total: seen.append((done, total)))
    assert a == b
    assert (ra.processed, ra.reused, ra.warnings) == (rb.processed, rb.reused, rb.warnings)
    assert [(str(e), e.code) for e in ra.errors] == [(str(e), e.code) for e in rb.errors]
    assert {e.code for e in rb.errors} >= {"unsupported"} and len(rb.errors) == 2
    assert seen[-1] == (7, 7) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    # unchanged files are reused, not re-parsed
    c, rc = pipeline.ingest_corpus(corpus, tmp_path / "b.jsonl", root=tmp_path, workers=2)
    assert c == b and len(rc.reused) == 5 and not rc.processed


def test_cli_build_ingests_in_worker_processes(tmp_path):
    """`policyqa build` reaches the parallel ingestion: its progress bars must not start a thread first (tqdm's
    monitor did, and every build was parsed in one process)."""
    import json
    import os
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    # 10 files, past PARALLEL_MIN_FILES; the copies differ by trailing newlines (byte-identical files are read once)
    for i, f in enumerate(sorted(CORPUS.glob("*.txt"))):
        (corpus / f"copy{i}.txt").write_bytes(f.read_bytes() + b"\n" * (i + 1))
    probe = ("import sys, json, threading; import ingest.pipeline as p\n"
             "def spy(jobs, workers, done):\n"
             "    print(json.dumps([len(jobs), workers, threading.active_count()])); raise SystemExit(0)\n"
             "p._run_all = spy\n"
             "from policyqa.cli import main\n"
             "main(['--home', sys.argv[1], 'build'] + sys.argv[2:], standalone_mode=False)\n")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "HF_HUB_OFFLINE": "1", "POLICYQA_CORPUS": str(corpus)}
    for extra in ([], ["--json"]):
        r = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "home"), *extra], capture_output=True,
                           text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        jobs, workers, threads = json.loads(r.stdout.strip().splitlines()[-1])
        assert jobs == 10 and threads == 1, (jobs, workers, threads)


def test_threaded_process_ingests_in_worker_processes(tmp_path, monkeypatch):
    """The app and the service are threaded: they must not fork, and must not fall back to one process either
    (a whole corpus added through them was parsed serially). Their workers come from a fork server."""
    import multiprocessing
    import threading

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_FILES", 2)
    serial, _ = pipeline.ingest_docs(corpus, [], root=tmp_path, workers=1)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)  # a server's threads
    other.start()
    children, result = [], {}

    def progress(source, done, total):
        children.append(len(multiprocessing.active_children()))

    try:
        assert threading.active_count() > 1
        result["docs"], result["report"] = pipeline.ingest_docs(corpus, [], root=tmp_path, workers=2,
                                                                progress=progress)
        assert pipeline._pool_context().get_start_method() == "forkserver"
    finally:
        stop.set()
    assert result["docs"] == serial and not result["report"].errors
    assert max(children) == 2, children  # the files were parsed in two worker processes
