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
# a consolidated text's footnote at the foot of a page: "11 Điểm này được sửa đổi, bổ sung theo quy định tại …"
FOOTNOTE_RE = re.compile(r"^\s*\d{1,3}\s+(?:Điểm|Khoản|Điều|Cụm từ|Tiêu đề|Chương|Mục|Phụ lục|Mẫu|Đoạn|Câu|Tên|Nội dung"
                         r"|Một số|Các|Bổ sung|Sửa đổi|Bãi bỏ|Thay thế|Văn bản|Từ)\b.{0,160}?\b(?:được|bị|đã được)?\s*"
                         r"(?:sửa đổi|bổ sung|bãi bỏ|thay thế|hủy bỏ|bỏ|đính chính|hết hiệu lực|quy định tại)")
_FOOTNOTE_SPAN = 8  # lines a page's footnotes may take before the running header of the next page
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
    # footnotes of a consolidated text run from their first line to the next page's running header
    for i, t in enumerate(texts):
        if i in drop or not FOOTNOTE_RE.match(t):
            continue
        end = next((j for j in range(i + 1, min(n, i + _FOOTNOTE_SPAN + 1)) if PAGE_HEADER_RE.match(texts[j])
                    or (PAGE_NUMBER_RE.match(texts[j]) and j + 1 < n and PAGE_HEADER_RE.match(texts[j + 1]))), None)
        if end is not None:
            drop.update(range(i, end))
    # a lone number as the first or last line of the text is a page number too
    for j in (0, n - 1):
        if 0 <= j < n and PAGE_NUMBER_RE.match(texts[j]):
            drop.add(j)
    return drop


def _stamp_block(texts: list[str], i: int) -> bool:
    near = texts[max(0, i - 3): i + 4]
    return sum(bool(STAMP_RE.match(t) or STAMP_SIDE_RE.match(t)) for t in near) >= 2
