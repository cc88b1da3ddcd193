"""Grounded, extractive answers: recognise the kind of question, retrieve clauses, and answer from the
task fields extracted at ingestion, per document, with citations. No supporting clause, no answer."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ingest.clean import fold, normalize, syllables

from . import citation
from .engine import Engine
from .question import KINDS, content_terms, question_kind
from .search import Filters, hit, retrieve

SUPPORT_MIN = 0.6  # IDF-weighted share of the question's content words a supporting clause must contain


def support(terms: list[str], text: str) -> float:
    if not terms:
        return 0.0
    have = set(fold(s) for s in syllables(text))
    return sum(t in have for t in terms) / len(terms)


class Answerer(Protocol):
    """Turns supporting clauses into answers. The extractive one below is the only one shipped:
    a local generator could implement this interface, as long as every answer cites its clause."""

    def answer(self, question: str, kind: str, supporting: list[dict]) -> list[dict]: ...


def _target_text(targets: list[dict], question: str) -> str | None:
    """The targets of a clause that fit the question: its year, if it names one, and its words."""
    years = set(re.findall(r"\b(20\d\d)\b", question))
    if years:
        targets = [t for t in targets if t["year"] and any(y in t["year"] for y in years)]
    if not targets:
        return None  # the clause's figures are for another year: not an answer to this question
    terms = content_terms(question)
    best = max(support(terms, t["text"]) for t in targets)
    groups: dict[tuple, list[str]] = {}
    for t in targets:
        if support(terms, t["text"]) >= best - 1e-9:
            groups.setdefault((t["text"], t["year"]), []).append(t["value"])
    parts = [f"{', '.join(dict.fromkeys(v))}" + (f" (năm {y})" if y else "") + f": {txt}"
             for (txt, y), v in list(groups.items())[:3]]
    return "; ".join(parts)


class ExtractiveAnswerer:
    def answer(self, question: str, kind: str, supporting: list[dict]) -> list[dict]:
        out, seen_docs = [], set()
        for h in supporting:
            if h["doc_id"] in seen_docs:
                continue
            f = h["fields"]
            if kind == "target":
                text = _target_text(f.get("targets") or [], question) if f.get("targets") else None
            elif kind == "task":
                text = h["heading"]
            else:
                text = f.get(kind)
            if not text:
                continue
            seen_docs.add(h["doc_id"])
            out.append({
                "text": text,
                "doc": h["doc"],
                "section": h["section"],
                "citation": h["citation"],
                "clause_id": h["clause_id"],
                "source": h["source"],
                "short": f"{citation.short(h['doc'], h['section'])}: {text}",
                "kind": kind,
                "field_source": h.get("field_sources", {}).get(kind),
                "clause_text": h["text"],
                "directing": f.get("directing") if kind == "lead" else None,
                "support": h["support"],
            })
        return out


@dataclass
class AskResult:
    question: str
    kind: str
    answers: list[dict]
    hits: list[dict]
    message: str = ""
    content: list[str] = field(default_factory=list)
    filters: Filters | None = None

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]

    def to_json(self) -> dict:
        return {"question": self.question, "kind": self.kind, "answers": self.answers, "hits": self.hits,
                "message": self.message,
                "filters": {k: v for k, v in vars(self.filters).items() if v} if self.filters else {}}


def ask(engine: Engine, question: str, k: int = 20, filters: Filters | None = None,
        answerer: Answerer | None = None, max_docs: int = 5) -> AskResult:
    question = normalize(question)
    if not question:
        raise ValueError("empty question")
    kind = question_kind(question)
    # "… ở Hải Phòng": a named province narrows the search instead of being a word to match
    got = retrieve(engine, question, "hybrid", filters)
    filters, named = got.filters, tuple(got.named)
    terms = content_terms(question, named)
    hits = []
    for n, (i, s, parts) in enumerate(got.ranked[:k]):
        h = hit(engine, i, n + 1, s, parts, question)
        r = engine.rows[i]
        h["support"] = round(engine.coverage(question, r["search_text"], named), 3)
        h["field_sources"] = {k2: v["source"] for k2, v in r["fields"].items()}
        hits.append(h)
    if not terms:
        return AskResult(question, kind, [], hits,
                         "Câu hỏi chưa nêu nhiệm vụ cụ thể nào, nên không thể trả lời có căn cứ. Hãy nêu rõ nhiệm vụ "
                         "(ví dụ: \"Khi nào phải hoàn thành đề án chính quyền đô thị?\").", terms, filters)
    # best-supported first (in steps, so retrieval order still decides between near-equals)
    supporting = sorted((h for h in hits if h["support"] >= SUPPORT_MIN), key=lambda h: (-round(h["support"] * 10), h["rank"]))
    answers = (answerer or ExtractiveAnswerer()).answer(question, kind, supporting)[:max_docs]
    msg = "" if answers else (f"Không tìm thấy điều khoản nào trong các văn bản nêu {KINDS[kind].lower()} "
                              "cho nội dung này. Dưới đây là các điều khoản gần nhất để tham khảo.")
    return AskResult(question, kind, answers, hits[:10], msg, terms, filters)
