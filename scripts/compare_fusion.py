"""Reproduce the fusion choice: BM25, dense, reciprocal rank fusion and the convex combination used by
hybrid search, on our labelled set (default) or ALQAC (--alqac PATH). Prints Recall@5 / MRR@10 / nDCG@10.

    python scripts/compare_fusion.py [--alqac ../shared/benchmarks/alqac] [--alpha 0.2 0.3 0.4]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from policyqa import fusion  # noqa: E402
from policyqa.config import Settings  # noqa: E402
from policyqa.engine import Engine  # noqa: E402
from policyqa.evaluation import dataset, metrics, runner  # noqa: E402
from policyqa.search import bm25_scores, dense_query_text  # noqa: E402


def rrf(lists, k=60):
    """Reciprocal rank fusion (Cormack et al. 2009), the baseline the convex combination is compared with."""
    out: dict[int, float] = {}
    for lst in lists:
        for r, i in enumerate(lst):
            out[i] = out.get(i, 0.0) + 1.0 / (k + r + 1)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--alqac")
    ap.add_argument("--alpha", type=float, nargs="*", default=[0.2, 0.3, 0.4, 0.5])
    a = ap.parse_args()
    s = Settings.from_env(home=ROOT)
    if a.alqac:
        ds = dataset.load_alqac(Path(a.alqac))
        eng = runner.external_engine(s, ds)
    else:
        eng = Engine.load(s)
        ds = dataset.load_project(ROOT / "eval", eng.rows)
    ids = [q for q in ds.queries if q in ds.qrels]
    qrels = {q: ds.qrels[q] for q in ids}
    qv = eng.embedder.encode_queries([dense_query_text(eng, ds.queries[q]["query"]) for q in ids])
    B = {q: bm25_scores(eng, ds.queries[q]["query"]) for q in ids}
    D = {q: eng.index.embeddings @ v for q, v in zip(ids, qv)}
    allowed = np.ones(len(eng.rows), dtype=bool)
    cid = [r["clause_id"] for r in eng.rows]

    def report(name, run):
        m, _ = metrics.evaluate(qrels, run, name=name)
        print(f"{name:24s} Recall@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}  nDCG@10 {m['ndcg@10']:.3f}", flush=True)

    report("bm25", {q: {cid[i]: float(B[q][i]) for i in fusion.top(B[q], B[q] > 0, 100)} for q in ids})
    report("dense", {q: {cid[i]: float(D[q][i]) for i in fusion.top(D[q], allowed, 100)} for q in ids})
    report("rrf k=60", {q: {cid[i]: s for i, s in rrf([fusion.top(B[q], B[q] > 0, 100), fusion.top(D[q], allowed, 100)]).items()}
                        for q in ids})
    for alpha in a.alpha:
        run = {}
        for q in ids:
            cands = list(dict.fromkeys(fusion.top(B[q], B[q] > 0, 100) + fusion.top(D[q], allowed, 100)))
            fused = fusion.convex(cands, B[q][cands], D[q][cands], alpha)
            run[q] = {cid[i]: v for i, v in fused.items()}
        report(f"convex alpha={alpha}", run)


if __name__ == "__main__":
    main()
