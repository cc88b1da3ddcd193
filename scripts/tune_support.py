"""Tune the semantic-support thresholds of `ask` (policyqa/ask.py: SEMANTIC_COVERAGE_MIN,
SEMANTIC_COSINE_MIN) on the tune split of the labelled questions and report the chosen pair on the
held-out split. A clause supports an answer when its IDF-weighted word coverage of the question is
>= SUPPORT_MIN, or when coverage >= c and the cosine between question and clause (e5) >= s.
The pair is chosen to maximise tune accuracy with no answer to any unanswerable tune question;
among equals, the strictest (highest cosine, then highest coverage) is kept.

    python scripts/tune_support.py [--home DIR]
"""
from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policyqa import ask as ask_mod  # noqa: E402
from policyqa.config import Settings  # noqa: E402
from policyqa.engine import Engine  # noqa: E402
from policyqa.evaluation import answers, dataset, runner  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", default=None)
    args = ap.parse_args()
    s = Settings.from_env(home=Path(args.home) if args.home else None)
    engine = Engine.load(s)
    folder = Path(__file__).resolve().parent.parent / "eval"
    qs = runner.answer_questions(folder, dataset.load_project(folder, engine.rows))
    metas = {did: d["meta"] for did, d in engine.docs.items()}
    memo: dict = {}
    real = ask_mod.retrieve

    def cached(engine_, q, mode="hybrid", filters=None, *a, **k):  # retrieval does not depend on the thresholds
        key = (q.text, mode, repr(filters))
        if key not in memo:
            memo[key] = real(engine_, q, mode, filters, *a, **k)
        return memo[key]

    ask_mod.retrieve = cached

    def run(split: str, cov: float, cos: float) -> dict:
        ask_mod.SEMANTIC_COVERAGE_MIN, ask_mod.SEMANTIC_COSINE_MIN = cov, cos
        js = [answers.judge(q, ask_mod.ask(engine, q["query"]), metas) for q in qs.values()
              if q.get("split", "tune") == split]
        return answers.summarise(js)

    grid = list(itertools.product([0.2, 0.3, 0.4, 0.5], [0.84, 0.86, 0.88, 0.9, 1.01]))
    best = None
    for cov, cos in grid:
        r = run("tune", cov, cos)
        safe = r["unanswerable_correct"] == r["unanswerable"]
        print(f"coverage>={cov:.2f} cosine>={cos:.2f}: tune {r['correct']}/{r['total']}"
              f"{'' if safe else ' (answers an unanswerable question)'}")
        score = (safe, r["correct"], cos, cov)
        if best is None or score > best[0]:
            best = (score, cov, cos)
    _, cov, cos = best
    base = run("heldout", 0.6, 1.01)  # lexical support only (the cosine condition never holds)
    held = run("heldout", cov, cos)
    print(f"chosen: SEMANTIC_COVERAGE_MIN={cov}, SEMANTIC_COSINE_MIN={cos}")
    print(f"held-out: {held['correct']}/{held['total']} correct, unanswerable {held['unanswerable_correct']}/"
          f"{held['unanswerable']} (lexical support only: {base['correct']}/{base['total']})")


if __name__ == "__main__":
    main()
