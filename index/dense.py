"""FAISS inner-product index over L2-normalised embeddings (inner product = cosine).

Exact (flat) search up to HNSW_THRESHOLD vectors; HNSW above it. The threshold comes from
scripts/benchmark.py: flat search stays a few ms up to ~50k x 384 on 2 cores, HNSW pays off above."""
from __future__ import annotations

from pathlib import Path

import numpy as np

HNSW_THRESHOLD = 50_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 128


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
