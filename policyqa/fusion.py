"""Combining ranked lists from BM25 and the dense model."""
from __future__ import annotations

import numpy as np

RRF_K = 60


def top(scores: np.ndarray, mask: np.ndarray, n: int) -> list[int]:
    """Indices of the n best-scoring allowed rows, best first (rows scoring 0 in BM25 are no match)."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    order = idx[np.argsort(-scores[idx], kind="stable")]
    return [int(i) for i in order[:n]]


def rrf(*ranked: list[int], k: int = RRF_K, weights: tuple[float, ...] | None = None) -> dict[int, float]:
    """Reciprocal rank fusion (Cormack et al. 2009): robust to the two scorers' different scales."""
    weights = weights or (1.0,) * len(ranked)
    out: dict[int, float] = {}
    for w, lst in zip(weights, ranked):
        for r, i in enumerate(lst):
            out[i] = out.get(i, 0.0) + w / (k + r + 1)
    return out
