"""Combining BM25 and dense scores.

Convex combination of min-max normalised scores over the union of both retrievers' candidates,
with the dense weight ALPHA. Measured with scripts/compare_fusion.py (2026-11-22): on our labelled
set (87 queries) ALPHA=0.3 gives Recall@5 0.957 / MRR@10 0.939 where reciprocal rank fusion gives
0.938 / 0.907 (BM25 alone 0.957 / 0.946, dense 0.843 / 0.774); the same setting on ALQAC, not tuned
there, gives 0.946 / 0.868 where RRF gives 0.912 / 0.826 and BM25 0.933 / 0.857."""
from __future__ import annotations

import numpy as np

ALPHA = 0.3


def top(scores: np.ndarray, mask: np.ndarray, n: int) -> list[int]:
    """Indices of the n best-scoring allowed rows, best first."""
    idx = np.flatnonzero(mask)
    if idx.size == 0:
        return []
    order = idx[np.argsort(-scores[idx], kind="stable")]
    return [int(i) for i in order[:n]]


def _minmax(x: np.ndarray) -> np.ndarray:
    lo, hi = float(x.min()), float(x.max())
    return (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)


def convex(candidates: list[int], bm25: np.ndarray, dense: np.ndarray, alpha: float = ALPHA) -> dict[int, float]:
    """`bm25`/`dense`: scores of `candidates`, in that order. Returns candidate -> fused score."""
    if not candidates:
        return {}
    fused = alpha * _minmax(dense) + (1 - alpha) * _minmax(bm25)
    return {c: float(s) for c, s in zip(candidates, fused)}
