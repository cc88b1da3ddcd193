"""Exact BM25 top-k without scoring every posting (index.lexical.BM25Index.top / scores_of) gives the same clauses,
order (ties by row) and float32 scores as scoring every clause with bm25s, with and without filters; clause rows
come back identical whichever way the Arrow table is read."""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

import numpy as np
import pytest

from index.dense import top_rows
from index.lexical import BM25Index, tokenize, tokenize_both

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpora"


def full_top(idx: BM25Index, toks: list[str], n: int, allowed: np.ndarray | None):
    """The old path: every clause scored by bm25s, then the n best with a score > 0 (stable: ties by row)."""
    s = idx.scores(toks)
    ok = s > 0
    if allowed is not None:
        ok &= allowed
    rows = top_rows(s, np.flatnonzero(ok), n)
    return rows, s[rows], s


def assert_same(idx: BM25Index, toks: list[str], n: int, allowed: np.ndarray | None, rng) -> None:
    rows, scores, s = full_top(idx, toks, n, allowed)
    got_rows, got_scores = idx.top(toks, n, allowed)
    assert got_rows.tolist() == rows.tolist(), toks
    assert np.array_equal(got_scores, scores), toks  # bit-identical float32
    some = rng.integers(0, idx.num_docs, 50)
    assert np.array_equal(idx.scores_of(toks, some), s[some])


def counting_full(idx: BM25Index) -> list[int]:
    """Counts the calls that score every clause (the fall-back), so the tests can check the MaxScore path ran."""
    calls = [0]
    full = idx._all

    def wrapped(tids):
        calls[0] += 1
        return full(tids)

    idx._all = wrapped
    return calls


def snippet_queries(texts: list[str], rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        w = rng.choice(texts).split()
        s = rng.randrange(max(1, len(w) - 2))
        out.append(" ".join(w[s:s + rng.randint(1, 12)]))
    return out


def check_corpus(texts: list[str], queries: list[str], seed: int = 0) -> int:
    """Equality on every query, unfiltered and with random filters; returns how many ran without full scoring."""
    acc, _ = tokenize_both(texts)
    idx = BM25Index.build(acc)
    assert idx.exact_topk
    idx.FULL_IF_POSTINGS = 0  # a small corpus: take the MaxScore path whenever it can
    calls = counting_full(idx)
    rng = np.random.default_rng(seed)
    early = 0
    for i, q in enumerate(queries):
        toks = tokenize(q)
        before = calls[0]
        for n in (1, 10, 100):
            assert_same(idx, toks, n, None, rng)
        early += calls[0] == before
        allowed = rng.random(idx.num_docs) < [0.002, 0.05, 0.5, 0.95][i % 4]
        assert_same(idx, toks, 10, allowed, rng)
    return early


def test_bundled_backend_equals_full_scoring(engine):
    """Every eval query on the bundled index, accented and folded, with the filters search uses."""
    from policyqa.backend import ClauseFilter

    be = engine.backend
    qs = [json.loads(l)["query"] for l in (REPO / "eval" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
          if l.strip()]
    provinces = sorted({d["meta"]["province"] for d in be.documents().values() if d["meta"].get("province")})
    flts = [ClauseFilter(), ClauseFilter(provinces=(provinces[0],)), ClauseFilter(doc_ids=(be.clause_ids()[0].split(":")[0],))]
    ids = be.clause_ids()
    for q in qs:
        for folded in (False, True):
            toks = tokenize(q, folded=folded)
            idx = be._bm25[folded]
            s = idx.scores(toks)
            for f in flts:
                mask = be._mask(f) if f.active() else None
                rows = top_rows(s, np.flatnonzero((s > 0) & (mask if mask is not None else True)), 100)
                assert be.lexical(toks, folded, f, 100) == [(ids[r], float(s[r])) for r in rows]
            some = ids[::7]
            assert np.array_equal(be.lexical_scores(toks, folded, some), s[[be.table.row_of[c] for c in some]])


def test_many_ties_and_random_queries_on_recombined_clauses(engine):
    """20,000 clauses made of the bundled clauses' sentences (many exact duplicates: ties at every cut-off)."""
    texts0 = [c["search_text"] for c in engine.rows]
    sentences = [x for t in texts0 for x in re.split(r"(?<=[.;:])\s+", t) if len(x) > 10]
    rng = random.Random(1)
    texts = [" ".join(rng.sample(sentences, rng.randint(1, 3))) for _ in range(20_000)]
    early = check_corpus(texts, snippet_queries(texts, rng, 60) + ["", "xyz không có", "và của các"], seed=1)
    assert early >= 20  # most queries were answered without scoring every clause


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/corpora not present")
def test_random_queries_on_real_gazette_paragraphs():
    paras = []
    for f in sorted(SHARED.rglob("*.md"))[::4]:
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            line = re.sub(r"[#*|>_`]+", " ", line).strip()
            if 40 <= len(line) <= 4000:
                paras.append(line)
    paras = paras[:30_000]
    rng = random.Random(2)
    early = check_corpus(paras, snippet_queries(paras, rng, 60), seed=2)
    assert early >= 20


def test_clause_rows_same_by_slices_and_take(engine):
    import pyarrow as pa

    from index.clause_table import _record

    t = engine.backend.table
    n = len(t)
    rng = random.Random(3)
    for idx in ([0], [n - 1], list(range(5, 17)), rng.sample(range(n), 10), [3, 3, 1], list(range(n))):
        want = [_record(r) for r in t.table.take(pa.array(idx, pa.int64())).to_pylist()]
        assert t.rows(idx) == want


def test_service_encodes_queries_with_the_index_path(settings):
    """The service's query encoder is the index's own path (ONNX for the default build), not torch."""
    from api.state import _default_embedder
    from index.embedder import QUERY_PATH
    from index.manifest import embedding_class, embedding_path
    from index.store import read_manifest

    emb = _default_embedder(settings)
    assert emb.embedding_path == QUERY_PATH[embedding_class(embedding_path(read_manifest(settings.index_dir)))]
    assert emb.embedding_path.startswith("onnx")


def test_column_order_check():
    """The exact top-k and the lookups rely on rows ascending within each column; a drop between columns is fine."""
    import numpy as np

    from index.lexical import _columns_sorted

    indptr = np.array([0, 3, 5, 5, 7])
    assert _columns_sorted(np.array([1, 4, 9, 0, 2, 3, 8], dtype=np.int32), indptr)
    assert not _columns_sorted(np.array([1, 9, 4, 0, 2, 3, 8], dtype=np.int32), indptr)  # 9 before 4 in a column
    assert not _columns_sorted(np.array([1, 4, 9, 0, 2, 3, 3], dtype=np.int32), indptr)  # a row twice in a column
    assert _columns_sorted(np.array([5], dtype=np.uint32), np.array([0, 1]))
