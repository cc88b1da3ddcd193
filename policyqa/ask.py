"""Grounded, extractive answers: recognise the kind of question, retrieve clauses, and answer from the
task fields extracted at ingestion, per document, with citations. No supporting clause, no answer."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from ingest.clean import fold, has_diacritics, normalize, syllables

from . import citation
from .engine import Engine
from .highlight import STOPWORDS, STOPWORDS_ACCENTED
from .search import Filters, filter_mask, hit, narrow_by_named_province, rank, without_place

KINDS = {
    "coordinating": "Cơ quan phối hợp",
    "directing": "Cơ quan chỉ đạo",
    "timeframe": "Thời gian / thời hạn",
    "target": "Chỉ tiêu, mục tiêu (con số)",
    "lead": "Cơ quan chủ trì",
    "task": "Nhiệm vụ phải làm",
}
# Patterns on diacritic-free lowercase text, so "ai chu tri" and "Ai chủ trì" read the same. First match wins.
_KIND_PATTERNS = [
    ("coordinating", r"phoi hop|cung (voi|tham gia)|ho tro thuc hien"),
    ("directing", r"chi dao"),
    ("timeframe", r"khi nao|bao gio|thoi gian|thoi han|han chot|han cuoi|luc nao|den khi|nam nao|thang nao|tien do"
                  r"|bao lau|truoc ngay nao|deadline"),
    ("target", r"bao nhieu|muc tieu|chi tieu|ty le|ti le|phan tram|%|muc giam|so luong"),
    ("lead", r"\bai\b|co quan nao|don vi nao|chu tri|chiu trach nhiem|giao cho|phu trach|dau moi|cap nao"),
    ("task", r"nhiem vu|lam gi|can lam|phai lam|giai phap|noi dung|the nao|nhu the nao"),
]
# Phrases that only make the question a question; they carry no task content. Matched with diacritics
# when the question has them ("tại" is not "tài", "có" is not "cổ"), without otherwise.
_QUESTION_PHRASES = sorted((
    "cơ quan nào", "đơn vị nào", "sở nào", "ban nào", "cấp nào", "phòng nào", "ai", "chủ trì", "phối hợp", "chỉ đạo",
    "khi nào", "bao giờ", "bao lâu", "lúc nào", "thời gian thực hiện", "thời gian", "thời hạn", "hạn chót", "hạn cuối",
    "bao nhiêu", "phần trăm", "mục tiêu", "chỉ tiêu", "tỷ lệ", "tỉ lệ", "là gì", "làm gì", "như thế nào", "thế nào", "hạn",
    "gồm những gì", "những gì", "trách nhiệm gì", "chịu trách nhiệm", "phải", "cần", "hãy cho biết", "cho biết",
    "nào", "gì", "là", "ở", "được giao", "giao cho", "phụ trách", "đầu mối", "tiến độ", "hoàn thành", "lãnh đạo",
    "tối thiểu", "ít nhất", "đến năm", "năm", "giai đoạn", "tham mưu", "thực hiện", "có", "về", "tại", "trong"),
    key=len, reverse=True)
_PHRASES_ACCENTED = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, _QUESTION_PHRASES)) + r")(?!\w)")
_PHRASES_FOLDED = re.compile(r"(?<!\w)(?:" + "|".join(dict.fromkeys(re.escape(fold(p)) for p in _QUESTION_PHRASES))
                             + r")(?!\w)")
SUPPORT_MIN = 0.6  # IDF-weighted share of the question's content words a supporting clause must contain


def question_kind(question: str) -> str:
    q = fold(normalize(question))
    for kind, pat in _KIND_PATTERNS:
        if re.search(pat, q):
            return kind
    return "task"


def content_units(question: str, folded: bool = True, drop: tuple[str, ...] = ()) -> list[str | None]:
    """The question's syllables with question phrases, function words and `drop` phrases (e.g. a
    province the question names) replaced by None: the gaps stop word pairs from spanning them.
    `folded` selects diacritic-free output and matching (for questions typed without diacritics)."""
    syl = syllables(question)
    toks = [fold(s) for s in syl] if folded else syl
    keep = [True] * len(syl)
    text = " ".join(toks)
    starts = [sum(len(x) + 1 for x in toks[:i]) for i in range(len(toks))]
    conv = fold if folded else (lambda x: x)
    patterns = [_PHRASES_FOLDED if folded else _PHRASES_ACCENTED]
    patterns += [re.compile(r"(?<!\w)" + re.escape(" ".join(conv(x) for x in syllables(d))) + r"(?!\w)")
                 for d in drop if d]
    for rx in patterns:
        for m in rx.finditer(text):
            for i, st in enumerate(starts):
                if m.start() <= st < m.end():
                    keep[i] = False
    stop = STOPWORDS if folded else STOPWORDS_ACCENTED
    out: list[str | None] = []
    for t, k in zip(toks, keep):
        k = k and t not in stop and (not t.isdigit() or re.fullmatch(r"\d{4}", t))
        out.append(t if k else None)
    return out


def content_terms(question: str, drop: tuple[str, ...] = ()) -> list[str]:
    """Content words of the question, diacritic-free (for display and emptiness checks)."""
    folded = not has_diacritics(question)
    return [fold(t) for t in content_units(question, folded, drop) if t]


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
    named = engine.provinces_in(question)
    filters, place = narrow_by_named_province(engine, question, filters)
    terms = content_terms(question, tuple(named))
    mask = filter_mask(engine, filters)
    ranked = rank(engine, without_place(question, place) if place else question, "hybrid", mask)[:k]
    hits = []
    for n, (i, s, parts) in enumerate(ranked):
        h = hit(engine, i, n + 1, s, parts, question)
        r = engine.rows[i]
        h["support"] = round(engine.coverage(question, r["search_text"], tuple(named)), 3)
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
