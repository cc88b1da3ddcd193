"""Answer accuracy of `ask` on labelled questions. A question is answered correctly when every expected
answer is there (the clause it must cite, or the document and the words the answer must contain), no
answer comes from outside the expected ones when the question is `exclusive` ("Tỉnh nào …": only the
provinces that say it), and an unanswerable question gets no answer at all. Every answer is also checked
for invented figures and dates: each number it states must appear in the clause or metadata it cites."""
from __future__ import annotations

import re

from ingest.clean import fold, normalize

from ..ask import AskResult

SPLITS = ("tune", "heldout")


def _has(answer_text: str, expected: str) -> bool:
    return " ".join(fold(normalize(expected)).split()) in " ".join(fold(normalize(answer_text)).split())


def _matches(a: dict, exp: dict) -> bool:
    if not a["clause_id"].startswith(exp["doc"]):
        return False
    if exp.get("section") and a["section"] != exp["section"]:
        return False
    return not exp.get("contains") or _has(a["text"], exp["contains"])


def invented(a: dict, meta: dict | None = None) -> list[str]:
    """Numbers (figures, dates, years) an answer states that neither its clause nor its document's
    metadata states: what an extractive answer must never have."""
    src = (a.get("clause_text") or "") + " " + " ".join(a.get("notes") or [])
    src += " " + " ".join(str(v) for v in (a.get("doc") or {}).values() if v)
    src += " " + " ".join(str(v) for v in (meta or {}).values() if isinstance(v, (str, int)))
    src += " " + " ".join(x for v in (meta or {}).values() if isinstance(v, list) for x in v if isinstance(x, str))
    have = set(re.findall(r"\d+", src))
    have |= {n.lstrip("0") for n in have}
    return [n for n in re.findall(r"\d+", a["text"]) if n not in have and n.lstrip("0") not in have]


def judge(q: dict, res: AskResult, metas: dict[str, dict] | None = None) -> dict:
    metas = metas or {}
    made_up = [f"{a['short']} ({', '.join(n)})" for a in res.answers
               if (n := invented(a, metas.get(a["clause_id"].split(":")[0])))]
    if q.get("unanswerable"):
        ok = not res.answers
        why = "" if ok else f"answered an unanswerable question: {res.answers[0]['short']}"
    else:
        exp = q["expected_answers"]
        missing = [f"{e['doc']}: {e.get('section') or ''} {e.get('contains') or ''}".strip() for e in exp
                   if not any(_matches(a, e) for a in res.answers)]
        extra = []
        if q.get("exclusive"):
            extra = [a["short"] for a in res.answers
                     if not any(a["clause_id"].startswith(e["doc"]) and (not e.get("section") or a["section"] == e["section"])
                                for e in exp)]
        ok = not missing and not extra
        why = "" if ok else "; ".join(
            (["missing " + "; ".join(missing)] if missing else []) + (["not expected: " + " | ".join(extra)] if extra else [])
        ) + (f" (got: {' | '.join(a['short'] for a in res.answers) or 'no answer'})" if missing else "")
    ok = ok and not made_up
    if made_up:
        why = (why + "; " if why else "") + "invented: " + " | ".join(made_up)
    kind_ok = q.get("answer_kind") in (None, res.kind)
    return {"id": q["id"], "query": q["query"], "correct": ok, "kind": res.kind, "expected_kind": q.get("answer_kind"),
            "kind_correct": kind_ok, "why": why, "answers": [a["short"] for a in res.answers],
            "split": q.get("split", "tune"), "unanswerable": bool(q.get("unanswerable")), "invented": len(made_up)}


def summarise(judged: list[dict]) -> dict:
    """Accuracy overall, per split and per (expected) kind within each split."""
    def acc(js):
        n = len(js)
        unans = [j for j in js if j["unanswerable"]]
        return {"total": n, "correct": sum(j["correct"] for j in js),
                "accuracy": sum(j["correct"] for j in js) / n if n else 0.0,
                "kind_accuracy": sum(j["kind_correct"] for j in js) / n if n else 0.0,
                "unanswerable": len(unans), "unanswerable_correct": sum(j["correct"] for j in unans),
                "invented": sum(j["invented"] for j in js)}

    out = acc(judged)
    out["splits"] = {}
    for s in SPLITS:
        js = [j for j in judged if j["split"] == s]
        kinds = sorted({j["expected_kind"] or "?" for j in js})
        out["splits"][s] = {**acc(js), "by_kind": {k: acc([j for j in js if (j["expected_kind"] or "?") == k])
                                                   for k in kinds}}
    out["per_query"] = judged
    return out
