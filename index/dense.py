"""FAISS inner-product index over L2-normalised embeddings (inner product = cosine).

Exact (flat) search up to HNSW_THRESHOLD vectors, HNSW above it. Measured with scripts/benchmark.py on
this 2-core machine (2026-11-22): flat search takes 0.7 ms at 10k vectors, 7.5 ms at 50k and 15 ms at
100k (linear), always exact, while query encoding alone takes ~25 ms. HNSW (M=32, efSearch=256) answers
in 1.4 ms at 100k but finds 94% of the exact top 10 on that (clustered) corpus, IVF (nprobe 16) 71%.
Exactness is worth more than 15 ms, so flat stayed up to 200k vectors; the 10^6 measurement below kept that
switch and raised efSearch from 256 to 3072.

At 10^6 synthetic vectors (`python scripts/bench_hnsw.py --clauses 1000000 --params 32:80 --ef 2048,3072,4096`,
2026-11-23 09:48 UTC, load average ~2 on 2 cores), efSearch tuned on half of the eval queries and reported on the
other half: M=32, efConstruction=80 (built in 244 s) reaches recall@10 0.9848 (tuning) / 0.9826 (held out) at
efSearch 3072, p50 13.3 ms, against 63.9 ms for exact search in the same run (efSearch 2048: 0.961 / 0.978, 9.3 ms,
below 0.98; 4096: 0.9935 / 0.9913, 18.0 ms). Exact search is linear (6.2 ms at 10^5 measured that morning, 64 ms at
10^6), so HNSW at efSearch 3072 becomes cheaper near 2*10^5 vectors: the switch stays at 200,000.

"Flat" search is a matrix-vector product over the stored (memory-mapped) embeddings: FAISS's flat index would
only hold a second copy of the same matrix in memory and on disk."""
from __future__ import annotations

from pathlib import Path

import numpy as np

HNSW_THRESHOLD = 200_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 3072  # the smallest measured efSearch with recall@10 >= 0.98 at 10^6 (see above)


def choose_kind(n: int, kind: str = "auto") -> str:
    if kind != "auto":
        return kind
    return "hnsw" if n > HNSW_THRESHOLD else "flat"


def build(emb: np.ndarray, kind: str = "auto"):
    import faiss

    emb = np.ascontiguousarray(emb, dtype=np.float32)
    kind = choose_kind(len(emb), kind)
    d = emb.shape[1]
    if kind == "flat":
        index = faiss.IndexFlatIP(d)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown FAISS index kind {kind!r} (flat|hnsw|auto)")
    if len(emb):
        index.add(emb)
    return index


def search(index, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    k = min(k, index.ntotal)
    if k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    scores, ids = index.search(np.ascontiguousarray(q.reshape(1, -1), dtype=np.float32), k)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def save(index, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path):
    import faiss

    index = faiss.read_index(str(path))
    if hasattr(index, "hnsw"):
        index.hnsw.efSearch = HNSW_EF_SEARCH
    return index


def top_rows(scores: np.ndarray, rows: np.ndarray | None, n: int) -> np.ndarray:
    """Positions of the n best scores, best first; ties keep row order (what a stable sort of all rows gives),
    found without sorting every row: only those scoring at least the n-th best are sorted."""
    if rows is not None:
        scores = scores[rows]
    if n <= 0 or scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    if scores.size > n:
        kth = np.partition(scores, scores.size - n)[scores.size - n]
        cand = np.flatnonzero(scores >= kth)
    else:
        cand = np.arange(scores.size)
    order = cand[np.argsort(-scores[cand], kind="stable")][:n]
    return order if rows is None else rows[order]


def exact(emb: np.ndarray, q: np.ndarray, rows: np.ndarray | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cosine) of the n nearest among `rows` (all when None), exactly."""
    q = np.asarray(q, dtype=np.float32)
    if rows is None:
        s = emb @ q
        got = top_rows(s, None, n)
        return got, s[got]
    s = emb[rows] @ q
    pos = top_rows(s, None, n)
    return rows[pos], s[pos]
