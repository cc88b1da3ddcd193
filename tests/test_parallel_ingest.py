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
