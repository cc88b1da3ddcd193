"""Limits that keep one bad file from taking the index (and the service) down: a clause is at most
MAX_CLAUSE_CHARS long (a longer paragraph is split into parts at sentence boundaries), and a document has at
most MAX_CLAUSES clauses (a larger file is refused before anything is embedded).

Why these numbers (measured 2026-11-23 on ../shared/corpora, 298 real laws, decrees and circulars, and corpus/):
- MAX_CLAUSE_CHARS = 4000: the longest clause of the bundled plans has 1,224 characters, and 4 of 781,317 lines
  of the shared corpora are longer than 4,000 (tables flattened to one line). The model reads 512 tokens
  (about 1,500-2,000 characters of Vietnamese) anyway; a 3.7-million-character "clause" (a 5 MB file on one
  line) could not be embedded, shown or cited.
- MAX_CLAUSES = 20,000: the largest real document there (hai-quan.md, the customs law codified) has 4,982
  clauses; embedding runs at 2-15 clauses/s on a 2-core machine, so 20,000 clauses is already 20 minutes to
  3 hours for one file. A file with more is a data dump, not one document."""
from __future__ import annotations

import re

MAX_CLAUSE_CHARS = 4000
MAX_CLAUSES = 20_000

_SENTENCE_END = re.compile(r"(?<=[.;:!?…])\s+")


def split_text(text: str, limit: int | None = None) -> list[str]:
    """`text` in parts of at most `limit` (MAX_CLAUSE_CHARS) characters, cut after a sentence end when there is
    one in the second half of the window, else at the last space, else hard (a run without spaces)."""
    limit = limit or MAX_CLAUSE_CHARS
    if len(text) <= limit:
        return [text]
    parts, rest = [], text
    while len(rest) > limit:
        window = rest[:limit + 1]
        cut = max((m.start() for m in _SENTENCE_END.finditer(window) if m.start() >= limit // 2), default=-1)
        if cut < 0:
            cut = window.rfind(" ", limit // 2)
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        parts.append(rest)
    return [p for p in parts if p]


def part_path(path: str, n: int) -> str:
    """Path of the n-th part (1-based) of a split clause: the first keeps the clause's own path (citations of
    it stay valid), the next ones are "<path>.p2", "<path>.p3", …"""
    return path if n == 1 else f"{path}.p{n}"


class TooManyClauses(ValueError):
    def __init__(self, count: int, limit: int):
        self.count = count
        super().__init__(f"{count:,} clauses, more than the limit of {limit:,} per document (the largest real law "
                         f"we index has about 5,000; embedding {count:,} clauses would take hours on a small "
                         "machine). Split the file into its documents, or check that it is one document.")


def check_clause_count(count: int, limit: int | None = None) -> None:
    limit = limit or MAX_CLAUSES
    if count > limit:
        raise TooManyClauses(count, limit)
