"""Split a document into its own text and the documents it issues or attaches.

A Quyết định "Ban hành kèm theo Quyết định này Kế hoạch …" is followed (after its signature) by a second
header: the attachment's type and title, then "(Ban hành kèm theo Quyết định số …)". Each attachment is parsed
as its own part, with a path prefix naming it ("KH:" for a Kế hoạch, "QC:" for a Quy chế, …). A "PHỤ LỤC"
with its own "(Kèm theo …)" line stays a unit of the part it follows (path "PL1", "PL")."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import layout
from .clean import fold
from .lines import HEADER_RE, PLACE_DATE_RE, RECIPIENTS_RE, Line, is_upper

# The attachment's type line -> (path prefix, name used in citations). Longest first.
ATTACHMENT_TYPES = [
    ("CHƯƠNG TRÌNH HÀNH ĐỘNG", "CTr", "Chương trình hành động"),
    ("KẾ HOẠCH HÀNH ĐỘNG", "KH", "Kế hoạch hành động"),
    ("KẾ HOẠCH", "KH", "Kế hoạch"),
    ("CHƯƠNG TRÌNH", "CTr", "Chương trình"),
    ("QUY CHẾ", "QC", "Quy chế"),
    ("QUY ĐỊNH", "QD", "Quy định"),
    ("ĐIỀU LỆ", "DL", "Điều lệ"),
    ("ĐỀ ÁN", "DA", "Đề án"),
    ("DANH MỤC", "DM", "Danh mục"),
    ("HƯỚNG DẪN", "HD", "Hướng dẫn"),
    ("PHƯƠNG ÁN", "PA", "Phương án"),
    ("CHIẾN LƯỢC", "CL", "Chiến lược"),
    ("QUY HOẠCH", "QH", "Quy hoạch"),
    ("QUY TRÌNH", "QT", "Quy trình"),
    ("BỘ TIÊU CHÍ", "TC", "Bộ tiêu chí"),
    ("TIÊU CHÍ", "TC", "Tiêu chí"),
    ("NỘI QUY", "NQ", "Nội quy"),
    ("CHỈ TIÊU", "CT", "Chỉ tiêu"),
]
APPENDIX = ("PHỤ LỤC", "PL", "Phụ lục")
_ATTACHED_RE = layout.ATTACHED_RE
_LOOKBACK = 8


@dataclass
class Part:
    """A stretch of the document: its own text (kind "main"), an attached document ("attachment"), or an
    appendix ("appendix", parsed inside the part before it)."""
    kind: str
    lines: list[Line]
    prefix: str = ""  # path prefix without ":" ("KH"); "" for the main text
    name: str = ""  # "Kế hoạch" (for citations: "mục II.1 Kế hoạch ban hành kèm theo …")
    title_idx: int = 0  # index (in lines) of the type line
    header_end: int = 0  # index of the first body line
    title: str = ""
    extra: dict = field(default_factory=dict)


def _type_of(text: str) -> tuple[str, str, str] | None:
    t = text.strip().rstrip(":").strip()
    heading = layout.match_heading(t)
    if heading and heading[0] == "appendix":
        return APPENDIX  # "PHỤ LỤC", "Phụ lục IV"
    if not is_upper(t):
        return None
    for key, prefix, name in ATTACHMENT_TYPES:
        if t.startswith(key):
            return key, prefix, name
    return None


def _is_header_line(t: str) -> bool:
    return bool(HEADER_RE.match(t) or PLACE_DATE_RE.match(t) or re.fullmatch(r"[-_–—=.\s]+", t)
                or (is_upper(t) and len(t) < 90))


def split(lines: list[Line]) -> list[Part]:
    """The main text, then each attachment and appendix in document order."""
    starts = []  # (start of its header block, type line index, kèm-theo line index, type)
    for k, line in enumerate(lines):
        if not _ATTACHED_RE.match(line.text):
            continue
        found = None
        for t in range(k - 1, max(-1, k - _LOOKBACK), -1):
            if lines[t].text.rstrip().endswith((".", ";")) and not _type_of(lines[t].text):
                break  # the text before the attachment's title
            if typ := _type_of(lines[t].text):
                found = (t, typ)  # keep going back: "PHỤ LỤC" over "DANH MỤC …" is one title
        if found is None:
            continue
        t, typ = found
        s = t
        while s > 0 and _is_header_line(lines[s - 1].text) and t - s < 6 and _type_of(lines[s - 1].text) is None:
            s -= 1
        if starts and s <= starts[-1][2]:
            continue
        starts.append((s, t, k, typ))
    # An attached text at the very top is the document itself (a Kế hoạch published without its Quyết định).
    if starts and not _has_body(lines[:starts[0][0]]):
        starts = starts[1:]
    parts = [Part("main", lines[:starts[0][0]] if starts else lines)]
    counts: dict[str, int] = {}
    for i, (s, t, k, (_, prefix, name)) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(lines)
        seg = lines[s:end]
        header_end = k - s + 1
        # "(Ban hành kèm theo Quyết định số … / ngày … của …)" may run over two lines
        while header_end < len(seg) and ")" not in " ".join(l.text for l in seg[k - s:header_end]) \
                and header_end - (k - s) < 3:
            header_end += 1
        title = " ".join(l.text for l in seg[t - s:k - s]).strip()
        if prefix == "PL":
            parts.append(Part("appendix", seg, "", name, t - s, header_end, title))
            continue
        counts[prefix] = counts.get(prefix, 0) + 1
        pfx = prefix if counts[prefix] == 1 else f"{prefix}{counts[prefix]}"
        parts.append(Part("attachment", seg, pfx, name, t - s, header_end, title))
    return parts


def _has_body(lines: list[Line]) -> bool:
    """Some numbered unit or article before the attachment: the issuing document's own text."""
    return len(lines) >= 8 and any((l.marker and l.marker[0] != "dash") or RECIPIENTS_RE.match(l.text)
                                   for l in lines)


def name_of(title: str) -> str:
    f = fold(title)
    for key, _, name in ATTACHMENT_TYPES:
        if f.startswith(fold(key)):
            return name
    return "Văn bản"


_SIGN_OPENER = re.compile(r"^(?:TM|T/M|KT|Q|TL|TUQ|PP|Q\.\s*CHỦ TỊCH)\.?\s+[A-ZĐÀ-Ỹ]")
_MAX_SIGNATURE_LINES = 8


def trailing_signature(lines: list[Line]) -> int:
    """Index where a signature block with no "Nơi nhận" before it starts ("…thi hành Quyết định này./." then
    "KT. BỘ TRƯỞNG / THỨ TRƯỞNG / Nguyễn Bá Hoan"); len(lines) when there is none."""
    n = len(lines)
    tail = range(max(0, n - _MAX_SIGNATURE_LINES - 1), n)
    end_mark = max((i for i in tail if lines[i].text.rstrip().endswith(("./.", "/."))), default=None)
    start = end_mark + 1 if end_mark is not None else next((i for i in tail if _SIGN_OPENER.match(lines[i].text)), n)
    rest = lines[start:]
    if not rest or len(rest) > _MAX_SIGNATURE_LINES or any(len(l.text.split()) > 10 for l in rest):
        return n
    if not any(_SIGN_OPENER.match(l.text) or is_upper(l.text) for l in rest):
        return n  # a short last paragraph, not a signature
    return start
