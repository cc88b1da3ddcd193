"""Retrieval metrics with ranx (plain dict qrels/runs in, plain dicts out)."""
from __future__ import annotations

import math

METRICS = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]


def evaluate(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]], metrics=METRICS, name="run"):
    """(mean per metric, per-query scores per metric). Queries with no retrieved doc count as zeros."""
    from ranx import Qrels, Run
    from ranx import evaluate as rx_evaluate

    run = {q: (run.get(q) or {"__none__": 0.0}) for q in qrels}
    r = Run(run, name=name)
    means = rx_evaluate(Qrels(qrels), r, metrics)
    means = {m: float(means[m]) for m in metrics} if isinstance(means, dict) else {metrics[0]: float(means)}
    per_query = {m: {q: float(v) for q, v in r.scores[m].items()} for m in metrics}
    return means, per_query


def compare(qrels, runs: dict[str, dict[str, dict[str, float]]], metrics=METRICS) -> dict:
    """Paired Student's t-test between every pair of modes (ranx.compare); p-values per metric."""
    from ranx import Qrels, Run
    from ranx import compare as rx_compare

    rx_runs = [Run({q: (run.get(q) or {"__none__": 0.0}) for q in qrels}, name=n) for n, run in runs.items()]
    rep = rx_compare(Qrels(qrels), rx_runs, metrics, stat_test="student").to_dict()
    out = {}
    for a in runs:
        for b, pv in rep[a]["comparisons"].items():
            out.setdefault(a, {})[b] = {m: (None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v))
                                        for m, v in pv.items()}
    return out
