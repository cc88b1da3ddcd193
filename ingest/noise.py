"""Body noise of real documents that breaks their structure: the gazette's running page headers and page
numbers, digital-signature stamps, literal "\\r\\n" sequences left by web exports, NUL bytes where a PDF
export lost a bullet glyph. Replacements keep every character offset, so clause spans still point into the
original text."""
from __future__ import annotations

import re

# "CÔNG BÁO/Số 1523 + 1524/Ngày 29-12-2024", "CÔNG BÁO/Số 286/Ngày 27-05-2026 ", sometimes with its page number
PAGE_HEADER_RE = re.compile(r"^\s*(?:\d{1,4}\s+)?CÔNG BÁO\s*/\s*Số\s+[\d\s+]+/\s*Ngày\s+\d{1,2}-\d{1,2}-\d{4}\s*(?:\d{1,4})?\s*$")
PAGE_NUMBER_RE = re.compile(r"^\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*$")
# digital-signature stamps printed into the text ("Ký bởi: …", "Email: …", "Thời gian ký: 07.01.2025 16:32:41 +07:00")
STAMP_RE = re.compile(r"^\s*(?:Ký bởi|Email|Thời gian ký|Ngày ký|Signature Not Verified|Signed by)\s*:?", re.IGNORECASE)
STAMP_SIDE_RE = re.compile(r"^\s*(?:Người ký|Cơ quan|Tổ chức)\s*:")
_STAMP_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}|\d{2}\.\d{2}\.\d{4}\s+\d{2}:\d{2}|\+07:00")


def repair(raw: str) -> str:
    """Same-length repairs of the raw text: literal "\\r\\n" / "\\n" become real line breaks, NUL becomes a
    bullet."""
    raw = raw.replace("\\r\\n", "\n   ").replace("\x00", "•")
    return re.sub(r"(?<=[^\\])\\n(?=\S)", "\n ", raw)


def noise_lines(texts: list[str]) -> set[int]:
    """Indices of physical lines that are page furniture or signature stamps, not document text."""
    drop: set[int] = set()
    n = len(texts)
    for i, t in enumerate(texts):
        if PAGE_HEADER_RE.match(t):
            drop.add(i)
            # the page number printed next to the running header (before or after it, possibly on both sides)
            for j in (i - 1, i + 1, i - 2, i + 2):
                if 0 <= j < n and PAGE_NUMBER_RE.match(texts[j]):
                    drop.add(j)
        elif STAMP_RE.match(t) and (_STAMP_TIME_RE.search(t) or _stamp_block(texts, i)):
            drop.add(i)
            for j in (i - 1, i + 1, i - 2, i + 2):
                if 0 <= j < n and (STAMP_SIDE_RE.match(texts[j]) or STAMP_RE.match(texts[j])):
                    drop.add(j)
    # a lone number as the first or last line of the text is a page number too
    for j in (0, n - 1):
        if 0 <= j < n and PAGE_NUMBER_RE.match(texts[j]):
            drop.add(j)
    return drop


def _stamp_block(texts: list[str], i: int) -> bool:
    near = texts[max(0, i - 3): i + 4]
    return sum(bool(STAMP_RE.match(t) or STAMP_SIDE_RE.match(t)) for t in near) >= 2
