"""Tune and check the "no good match" rule (policyqa/relevance.py) on labelled data.

Positives: queries of eval/queries.jsonl that have a relevant clause (eval/qrels.jsonl). Negatives:
eval/nomatch.jsonl (queries about nothing in the corpus). Split in two halves by a hash of the query id:
thresholds are chosen on the tuning half (best balanced accuracy; ties: the lowest thresholds) and reported on
the held-out half, next to the rule the library ships.

    POLICYQA_HOME=… python scripts/relevance_rule.py
"""
from __future__ import annotations

import json
import sys
import zlib
from pathlib import Path

from policyqa import relevance
from policyqa.config import Settings
from policyqa.engine import Engine
from policyqa.search import search


def load(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def scores(rows, cmin, dmin):
    tp = sum(relevance.decide(c, d, cmin, dmin) for c, d, y in rows if y)
    tn = sum(not relevance.decide(c, d, cmin, dmin) for c, d, y in rows if not y)
    pos = sum(y for *_, y in rows)
    neg = len(rows) - pos
    return {"n": len(rows), "positives": pos, "negatives": neg, "recall_match": round(tp / pos, 3),
            "recall_nomatch": round(tn / neg, 3), "accuracy": round((tp + tn) / len(rows), 3),
            "balanced_accuracy": round((tp / pos + tn / neg) / 2, 3)}


def main() -> None:
    settings = Settings.from_env()
    eval_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else settings.home / "eval"
    eng = Engine.load(settings)
    labelled = {q["query_id"] for q in load(eval_dir / "qrels.jsonl")}
    items = [(q["id"], q["query"], True) for q in load(eval_dir / "queries.jsonl") if q["id"] in labelled]
    items += [(q["id"], q["query"], False) for q in load(eval_dir / "nomatch.jsonl")]
    data = {"tune": [], "test": []}
    for qid, query, y in items:
        res = search(eng, query, k=relevance.TOP)
        cov, dense = relevance.signals(eng, query, [h["clause_id"] for h in res.hits],
                                       (res.province_from_query,) if res.province_from_query else ())
        data["tune" if zlib.crc32(qid.encode()) % 2 == 0 else "test"].append((cov, dense, y))
    grid = [(c / 100, d / 1000) for c in range(5, 61) for d in range(820, 951, 5)]
    best = max(grid, key=lambda t: (scores(data["tune"], *t)["balanced_accuracy"], -t[0], -t[1]))
    out = {"tuned": {"coverage_min": best[0], "dense_min": best[1],
                     "tune": scores(data["tune"], *best), "held_out": scores(data["test"], *best)},
           "shipped": {"coverage_min": relevance.COVERAGE_MIN, "dense_min": relevance.DENSE_MIN,
                       "tune": scores(data["tune"], relevance.COVERAGE_MIN, relevance.DENSE_MIN),
                       "held_out": scores(data["test"], relevance.COVERAGE_MIN, relevance.DENSE_MIN)}}
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
