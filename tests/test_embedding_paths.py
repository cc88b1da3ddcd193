"""The ONNX Runtime paths embed within a stated tolerance of the reference sentence-transformers model,
on real clauses of the bundled plans; an index is never read with vectors from another path.

Tolerances (cosine to the reference, per clause), from measurements on these clauses and on the shared corpora:
onnx-fp32 min >= 0.999 (measured 0.99999); onnx-int8 mean >= 0.98, min >= 0.97 (measured 0.986 / 0.978)."""
from __future__ import annotations

import numpy as np
import pytest

from index.embedder import SentenceTransformerEmbedder, make_embedder
from index.manifest import IndexMismatchError

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def clauses(docs) -> list[str]:
    texts = [c["search_text"] for d in docs.values() for c in d["clauses"]]
    return texts[::2]  # ~60 real clauses, short and long


@pytest.fixture(scope="module")
def reference(model_dir, clauses):
    ref = SentenceTransformerEmbedder(model_dir)
    return ref.encode_passages(clauses), ref.encode_queries(["Sở nào chủ trì phát triển du lịch?", "hoa binh"])


def _cos(a, b):
    return (a * b).sum(1)


def test_onnx_fp32_matches_reference(model_dir, clauses, reference):
    e = make_embedder(model_dir, "onnx-fp32")
    p, q = reference
    assert e.embedding_path == "onnx-fp32" and e.dim == p.shape[1]
    got = e.encode_passages(clauses)
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    assert _cos(got, p).min() >= 0.999
    assert _cos(e.encode_queries(["Sở nào chủ trì phát triển du lịch?", "hoa binh"]), q).min() >= 0.999


def test_onnx_int8_within_tolerance(model_dir, clauses, reference):
    e = make_embedder(model_dir, "onnx-int8")
    c = _cos(e.encode_passages(clauses), reference[0])
    assert c.mean() >= 0.98 and c.min() >= 0.97, (c.mean(), c.min())


def test_batching_and_order_do_not_change_vectors(model_dir, clauses):
    e = make_embedder(model_dir, "onnx-fp32", batch_size=7)
    alone = np.vstack([e.encode_passages([t]) for t in clauses[:5]])
    batched = e.encode_passages(clauses)[:5]
    assert _cos(alone, batched).min() >= 0.9999


def test_long_clause_windows(model_dir):
    """A clause longer than max_len: truncation keeps its start only; windows cover all of it."""
    start = "Sở Giáo dục và Đào tạo chủ trì tổ chức bồi dưỡng giáo viên các cấp học. "
    end = "Sở Nông nghiệp và Phát triển nông thôn hướng dẫn nông dân chuyển đổi cơ cấu cây trồng, vật nuôi."
    text = start * 12 + end
    trunc = make_embedder(model_dir, "onnx-fp32", max_seq_length=64)
    win = make_embedder(model_dir, "onnx-fp32", max_seq_length=64, long_mode="windows")
    q = trunc.encode_queries(["hướng dẫn nông dân chuyển đổi cơ cấu cây trồng"])[0]
    assert win.encode_passages([text])[0] @ q > trunc.encode_passages([text])[0] @ q
    short = "Sở Y tế chủ trì."
    assert np.allclose(win.encode_passages([short]), trunc.encode_passages([short]), atol=1e-6)


def test_unknown_path_is_refused(model_dir):
    with pytest.raises(ValueError, match="onnx-fp32"):
        make_embedder(model_dir, "onnx-fp16")


def test_index_refuses_another_embedding_path(settings, home):
    from index.embedder import QUERY_PATH
    from index.manifest import embedding_class
    from index.store import read_manifest
    from policyqa.engine import Engine

    built = read_manifest(settings.index_dir)["embedding"]["path"]
    other = "onnx-int8" if embedding_class(built) == "fp32" else "onnx-fp32"
    with pytest.raises(IndexMismatchError, match=f"embedding path {built}"):
        Engine.load(settings, embedder=make_embedder(settings.model_dir, other))
    # the two fp32 paths give the same vectors (above): either reads an fp32 index
    if embedding_class(built) == "fp32":
        Engine.load(settings, embedder=SentenceTransformerEmbedder(settings.model_dir))
    # without an explicit choice, queries use the fastest path of the index's kind
    assert Engine.load(settings).embedder.embedding_path == QUERY_PATH[embedding_class(built)]
