"""The ONNX Runtime and OpenVINO paths embed within a stated tolerance of the reference sentence-transformers model, on
real clauses of the bundled plans; an index is never read with vectors from another path.

Tolerances (cosine to the reference, per clause), from measurements on these clauses and on the shared corpora
(scripts/onnx_variants.py): onnx-fp32, the graph fused by ONNX Runtime's optimizer, min >= 0.999 (measured >=
0.99999); openvino-fp32, OpenVINO's own fusion of the unfused graph with f32 precision pinned, the same (and >=
0.99999 to onnx-fp32: measured 1.0 to six decimals on 1,000 clauses of ../shared/corpora); onnx-int8, that graph
with per-channel dynamic int8 weights except the feed-forward output projections (fp32), mean >= 0.997, min >= 0.995
(measured 0.9989 / 0.9982 on these clauses and 0.9990 / 0.9982 on 400 clauses of ../shared/corpora; all-int8 per
channel gave 0.996 / 0.993, per tensor 0.985 / 0.975)."""
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


def test_openvino_fp32_matches_reference_and_onnx(model_dir, clauses, reference):
    e = make_embedder(model_dir, "openvino-fp32")
    p, q = reference
    assert e.embedding_path == "openvino-fp32" and e.device == "cpu" and e.dim == p.shape[1]
    got = e.encode_passages(clauses)
    assert np.allclose(np.linalg.norm(got, axis=1), 1, atol=1e-5)
    assert _cos(got, p).min() >= 0.999
    queries = ["Sở nào chủ trì phát triển du lịch?", "hoa binh"]
    assert _cos(e.encode_queries(queries), q).min() >= 0.999
    # the vectors an openvino-fp32 index holds are what onnx-fp32 (its query path) computes
    onnx = make_embedder(model_dir, "onnx-fp32")
    assert _cos(got, onnx.encode_passages(clauses)).min() >= 0.99999
    assert _cos(e.encode_queries(queries), onnx.encode_queries(queries)).min() >= 0.99999


def test_openvino_graph_keeps_fp32_weights(model_dir):
    """OpenVINO's IR writer halves weights unless told not to; the export keeps them fp32 and records the version."""
    from index import onnx_export

    make_embedder(model_dir, "openvino-fp32").encode_queries(["x"])  # exports on first use
    xml = (onnx_export.onnx_dir(model_dir) / onnx_export.OPENVINO).read_text(encoding="utf-8")
    assert 'element_type="f32"' in xml and 'element_type="f16"' not in xml
    assert onnx_export.read_info(model_dir)["openvino"]


def test_default_build_path_is_openvino_on_cpu(model_dir, monkeypatch):
    import index.embedder as emb

    monkeypatch.setattr(emb, "_cuda_present", lambda: False)
    assert emb.build_path() == "openvino-fp32"
    assert emb.make_embedder(model_dir).embedding_path == "openvino-fp32"
    # queries of an fp32 index, or before any index exists, go through ONNX Runtime (same vectors)
    assert emb.embedder_for_manifest(model_dir, None).embedding_path == "onnx-fp32"
    assert emb.embedder_for_manifest(model_dir, {"embedding": {"path": "openvino-fp32"}}).embedding_path == "onnx-fp32"
    assert emb.embedder_for_manifest(model_dir, {"embedding": {"path": "onnx-int8"}}).embedding_path == "onnx-int8"
    from index.openvino_embedder import OpenVinoEmbedder

    with pytest.raises(ValueError, match="int8 is onnx-int8"):
        OpenVinoEmbedder(model_dir, quantized=True)


def test_onnx_int8_within_tolerance(model_dir, clauses, reference):
    e = make_embedder(model_dir, "onnx-int8")
    c = _cos(e.encode_passages(clauses), reference[0])
    assert c.mean() >= 0.997 and c.min() >= 0.995, (c.mean(), c.min())


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


def test_export_is_the_optimised_graph_of_this_recipe(model_dir):
    """The shipped fp32 graph is ONNX Runtime's fused BERT graph (one attention op per layer, with the model's
    own head count and hidden size), and its int8 copy is quantised from it with the feed-forward output
    projections left fp32; export.json records both."""
    import json

    from index import onnx_export

    make_embedder(model_dir, "onnx-fp32").encode_queries(["x"])  # exports on first use when `make model` did not
    info = onnx_export.read_info(model_dir)
    cfg = json.loads((model_dir / "config.json").read_text())
    assert info["recipe"] == onnx_export.RECIPE
    opt = info["optimiser"]
    assert (opt["num_heads"], opt["hidden_size"]) == (cfg["num_attention_heads"], cfg["hidden_size"])
    attention = opt["fused"].get("Attention", 0) + opt["fused"].get("MultiHeadAttention", 0)
    assert attention == cfg["num_hidden_layers"], opt["fused"]
    assert opt["fused"].get("SkipLayerNormalization", 0) >= cfg["num_hidden_layers"]
    # every feed-forward output projection (one per layer) stays fp32 in the int8 graph
    assert info["int8"] == {"weight_type": "QInt8", **onnx_export.QUANT, "fp32_nodes": cfg["num_hidden_layers"]}
    import onnx

    int8 = onnx.load(str(onnx_export.onnx_dir(model_dir) / onnx_export.INT8), load_external_data=False).graph
    assert sum(n.op_type == "MatMul" for n in int8.node) == cfg["num_hidden_layers"]
    assert len(onnx_export.after_gelu(int8)) == cfg["num_hidden_layers"]


def test_stale_export_is_redone(tmp_path):
    """An export of an older recipe, or of another model, is not current (the export runs again)."""
    import json

    from index import onnx_export

    model = tmp_path / "m"
    out = onnx_export.onnx_dir(model)
    (out / onnx_export.OPENVINO).parent.mkdir(parents=True)
    for f in (onnx_export.FP32, onnx_export.INT8, onnx_export.OPENVINO):
        (out / f).write_bytes(b"x")
    (out / "export.json").write_text(json.dumps({"source_fingerprint": "abc", "recipe": onnx_export.RECIPE}))
    assert onnx_export.is_current(model, "abc")
    assert not onnx_export.is_current(model, "another model")
    (out / "export.json").write_text(json.dumps({"source_fingerprint": "abc"}))  # before recipes were recorded
    assert not onnx_export.is_current(model, "abc")
    (out / "export.json").write_text(json.dumps({"source_fingerprint": "abc", "recipe": onnx_export.RECIPE}))
    (out / onnx_export.INT8).unlink()
    assert not onnx_export.is_current(model, "abc")
    (out / onnx_export.INT8).write_bytes(b"x")
    (out / onnx_export.OPENVINO).unlink()  # an export from before the OpenVINO graph
    assert not onnx_export.is_current(model, "abc")


class _Counting:
    """The real embedder, counting the texts it is asked to encode."""

    def __init__(self, inner):
        self.inner, self.seen = inner, []
        self.dim, self.fingerprint, self.embedding_path = inner.dim, inner.fingerprint, inner.embedding_path

    def encode_passages(self, texts, progress=None):
        self.seen += texts
        return self.inner.encode_passages(texts, progress)


def test_a_text_repeated_across_documents_is_embedded_once(model_dir, clauses):
    """The codified law repeats gazette articles word for word: one build encodes each distinct text once, and
    every clause with that text gets the same vector."""
    from index.build import embed, text_key

    e = _Counting(make_embedder(model_dir, "onnx-fp32"))
    texts = clauses[:6] + clauses[:3] + [clauses[4]]
    emb, encoded = embed(texts, e, {})
    assert encoded == 6 and sorted(e.seen) == sorted(clauses[:6])
    assert np.array_equal(emb[6:9], emb[:3]) and np.array_equal(emb[9], emb[4])
    # vectors of an earlier build (the cache) are taken as they are; only the other distinct texts are encoded
    emb2, encoded2 = embed(texts, e, {text_key(texts[0]): emb[0], text_key(texts[1]): emb[1]})
    assert encoded2 == 4 and _cos(emb2, emb).min() >= 0.9999


def test_build_reports_encoded_distinct_texts(tmp_path, model_dir):
    """stats: `embedded` counts clauses with a new vector, `encoded` the distinct texts the model ran on."""
    from index.build import docs_from_rows, stage

    rows = [{"clause_id": f"d{i}:{j}", "search_text": t} for i in range(2) for j, t in
            enumerate(["Sở Y tế chủ trì triển khai tiêm chủng.", "Sở Tài chính bảo đảm kinh phí thực hiện."])]
    docs = docs_from_rows([{**r, "doc_id": r["clause_id"].split(":")[0], "text": r["search_text"],
                            "path": r["clause_id"].split(":")[1]} for r in rows])
    st = stage(docs, make_embedder(model_dir, "onnx-fp32"), tmp_path / "index")
    try:
        assert st.stats["clauses"] == 4 and st.stats["embedded"] == 4 and st.stats["encoded"] == 2
    finally:
        st.discard()


def test_int8_index_of_another_export_recipe_is_refused():
    """int8 vectors change with the quantised graph: an int8 index records its export recipe, and queries with
    another recipe's graph are refused (fp32 graphs of every recipe agree with torch, so fp32 is not checked)."""
    from index import manifest, onnx_export

    def man(path, **emb):
        return {"manifest_version": manifest.MANIFEST_VERSION, "model": {"fingerprint": "f", "name": "m"},
                "params": {"tokenizer_version": __import__("index.lexical").lexical.TOKENIZER_VERSION},
                "embedding": {"path": path, "device": "cpu", **emb}}

    same = man("onnx-int8", onnx_recipe=onnx_export.RECIPE)
    old = man("onnx-int8", onnx_recipe=onnx_export.RECIPE - 1)
    assert manifest.problems(same, "f", None, embedding="onnx-int8") == []
    bad = manifest.problems(old, "f", None, embedding="onnx-int8")
    assert len(bad) == 1 and "export recipe" in bad[0]
    assert manifest.problems(man("onnx-fp32", onnx_recipe=1), "f", None, embedding="onnx-fp32") == []
    assert manifest.problems(man("onnx-int8"), "f", None, embedding="onnx-int8") == []  # no recipe recorded


def test_database_manifest_records_the_int8_recipe(model_dir):
    """A database built with the int8 path records the export recipe as a files index does, so queries and
    later builds with another recipe's graph are refused or re-embed (index.postgres.sync)."""
    pytest.importorskip("psycopg")
    from index import manifest, onnx_export
    from index.postgres.sync import wanted_manifest

    man = wanted_manifest(make_embedder(model_dir, "onnx-int8"))
    assert man["embedding"] == {"path": "onnx-int8", "onnx_recipe": onnx_export.RECIPE}
    assert manifest.int8_graph_problem(man) is None
    man["embedding"]["onnx_recipe"] = onnx_export.RECIPE - 1
    assert "export recipe" in manifest.int8_graph_problem(man)
    assert wanted_manifest(make_embedder(model_dir, "torch-fp32"))["embedding"] == {"path": "torch-fp32"}
