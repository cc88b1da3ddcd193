"""Reading a question: what kind of answer it asks for, and which of its words carry the task content
(the rest only make it a question). Used by ask and by the engine's coverage measure (ask, compare)."""
from __future__ import annotations

import re

from ingest.clean import fold, has_diacritics, normalize, syllables

from .highlight import STOPWORDS, STOPWORDS_ACCENTED

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
