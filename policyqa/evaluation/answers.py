"""Answer accuracy of `ask` on labelled questions: every expected (document, words) must be answered,
and unanswerable questions must get no answer."""
from __future__ import annotations

from ingest.clean import fold, normalize

from ..ask import AskResult


def _has(answer_text: str, expected: str) -> bool:
    return " ".join(fold(normalize(expected)).split()) in " ".join(fold(normalize(answer_text)).split())


def judge(q: dict, res: AskResult) -> dict:
    if q.get("unanswerable"):
        ok = not res.answers
        why = "" if ok else f"answered an unanswerable question: {res.answers[0]['short']}"
    else:
        missing = []
        for exp in q["expected_answers"]:
            if not any(a["clause_id"].startswith(exp["doc"]) and _has(a["text"], exp["contains"]) for a in res.answers):
                missing.append(f"{exp['doc']}: {exp['contains']}")
        ok = not missing
        why = "" if ok else "missing " + "; ".join(missing) + (
            f" (got: {' | '.join(a['short'] for a in res.answers) or 'no answer'})")
    kind_ok = q.get("answer_kind") in (None, res.kind)
    return {"id": q["id"], "query": q["query"], "correct": ok, "kind": res.kind, "expected_kind": q.get("answer_kind"),
            "kind_correct": kind_ok, "why": why, "answers": [a["short"] for a in res.answers]}
