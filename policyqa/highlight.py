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
    """Character spans of `text` that match the query: runs of words that are adjacent in the query
    too ("định mức kinh tế"), so a lone common syllable ("định" in "quy định") is not marked.
    A one-word query marks that word wherever it occurs. `query`: a string or an analysed Query."""
    query = getattr(query, "text", query)
    q = [fold(w) for w in _WORD.findall(query)]
    terms = query_terms(query)
    pairs = {(a, b) for a, b in zip(q, q[1:]) if a in terms or b in terms}
    words = list(_WORD.finditer(text))
    f = [fold(m.group(0)) for m in words]
    marked = [False] * len(words)
    for i in range(len(words) - 1):
        if (f[i], f[i + 1]) in pairs:
            marked[i] = marked[i + 1] = True
    if len(terms) == 1:
        marked = [m or w in terms for m, w in zip(marked, f)]
    out: list[tuple[int, int]] = []
    for m, w in zip(marked, words):
        if not m:
            continue
        if out and text[out[-1][1]:w.start()].strip(" -") == "":
            out[-1] = (out[-1][0], w.end())  # merge adjacent words into one highlight
        else:
            out.append((w.start(), w.end()))
    return out


def render(text: str, sp: list[tuple[int, int]], before: str, after: str, escape=lambda s: s) -> str:
    out, pos = [], 0
    for s, e in sp:
        out.append(escape(text[pos:s]))
        out.append(before + escape(text[s:e]) + after)
        pos = e
    out.append(escape(text[pos:]))
    return "".join(out)
