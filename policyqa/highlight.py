"""Which words of a clause match the query, compared without diacritics and ignoring function words."""
from __future__ import annotations

import re

from ingest.clean import fold

STOPWORDS_ACCENTED = set(
    "và của các có là được cho trong với theo để những một ai gì nào không thì này đó về từ đến khi bao "
    "nhiêu như thế hay hoặc do tại trên dưới sẽ đã đang cần phải ra vào lại cũng nếu mà thực hiện".split())
STOPWORDS = {fold(w) for w in STOPWORDS_ACCENTED}  # for queries typed without diacritics
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def query_terms(query: str) -> set[str]:
    words = [w.lower() for w in _WORD.findall(query)]
    return {fold(w) for w in words if w not in STOPWORDS_ACCENTED and (fold(w) != w or w not in STOPWORDS)}


def spans(query: str, text: str) -> list[tuple[int, int]]:
    """Character spans of `text` whose syllables occur in the query."""
    terms = query_terms(query)
    out: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        if fold(m.group(0)) in terms:
            if out and text[out[-1][1]:m.start()].strip() == "":
                out[-1] = (out[-1][0], m.end())  # merge adjacent words into one highlight
            else:
                out.append((m.start(), m.end()))
    return out


def render(text: str, sp: list[tuple[int, int]], before: str, after: str, escape=lambda s: s) -> str:
    out, pos = [], 0
    for s, e in sp:
        out.append(escape(text[pos:s]))
        out.append(before + escape(text[s:e]) + after)
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)
