"""Turn raw text into logical lines: cleaned, with markdown meaning kept, hard line breaks repaired,
and each line's span in the original text (so a citation can show the exact original words)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import layout, noise
from .clean import normalize, strip_markdown

# Structural markers (normative headings, then plan numbering), outermost first; see layout.py.
MARKERS = layout.HEADINGS + layout.NUMBERING

HEADER_RE = re.compile(
    r"^(Số hiệu|Ngày ban hành|Ngày có hiệu lực|Loại văn bản|Cơ quan ban hành|Người ký|Lĩnh vực|Số\s*:|Số\s+\d"
    r"|CỘNG HÒA|Độc lập|-{3,}|H[ỎO]A TỐC|KHẨN|MẬT)")
PLACE_DATE_RE = re.compile(r"^[^\d,]{2,40},\s*ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")
# "Nơi nhận:" opens the recipients; "nơi nhận, số lượng bản …" inside a sentence does not
RECIPIENTS_RE = re.compile(r"^(?:Nơi nhận|NƠI NHẬN|Nơi Nhận)\s*(?::|$)")
TERMINAL = tuple(".:;!?")
_RULE_RE = re.compile(r"[-_–—=.\s]+")  # a rule under a heading ("________")


@dataclass
class Line:
    text: str  # cleaned (NFC, one tone placement, markdown removed)
    start: int  # span in the original text
    end: int
    marks: set[str] = field(default_factory=set)  # "bold" / "italic" when the whole line carried it

    @property
    def marker(self) -> tuple[str, str, str] | None:
        """(kind, label, rest) when the line opens a structural unit (without context; see layout.py)."""
        if self.text.startswith("|"):
            return None  # a table row (see tables.py)
        return layout.match(self.text)


def is_upper(s: str) -> bool:
    """Mostly capital letters: a title or heading line, not running text."""
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def _starts_lower(s: str) -> bool:
    s = s.lstrip("\"'(“")
    return bool(s) and s[0].islower()


def _blocks_merge(line: Line) -> bool:
    t = line.text
    return bool(line.marker or t.startswith("|") or layout.ATTACHED_RE.match(t) or HEADER_RE.match(t) or PLACE_DATE_RE.match(t) or RECIPIENTS_RE.match(t)
                or "italic" in line.marks)


def physical_lines(raw: str) -> list[Line]:
    raw = noise.repair(raw)
    out, pos, in_bold = [], 0, False
    for part in raw.splitlines(keepends=True):
        body = part.rstrip("\r\n")
        if body.strip():
            plain, marks = strip_markdown(body)
            # bold that spans several lines ("**title line 1 / line 2**") marks every line
            s = body.strip()
            if s.startswith("**") and not s.endswith("**"):
                in_bold, marks = True, marks | {"bold"}
            elif in_bold:
                marks = marks | {"bold"}
                if s.endswith("**"):
                    in_bold = False
            lead = len(body) - len(body.lstrip())
            text = normalize(re.sub(r"^#{1,6}\s+", "", plain))  # a markdown heading's "###"
            if text:
                out.append(Line(text, pos + lead, pos + len(body.rstrip()), marks))
        pos += len(part)
    drop = noise.noise_lines([l.text for l in out])
    return [l for i, l in enumerate(out) if i not in drop]


def is_hard_wrapped(lines: list[Line]) -> bool:
    """PDF conversions break lines mid-sentence; detect it so that capitalised continuations are joined too."""
    if len(lines) < 10:
        return False
    breaks = sum(1 for a, b in zip(lines, lines[1:]) if not a.text.endswith(TERMINAL) and _starts_lower(b.text))
    return breaks / len(lines) > 0.15


def logical_lines(raw: str) -> list[Line]:
    """Physical lines joined where a sentence was broken across lines."""
    lines = physical_lines(raw)
    wrapped = is_hard_wrapped(lines)
    out: list[Line] = []
    for ln in lines:
        prev = out[-1] if out else None
        # A lowercase start continues the previous sentence (even after ";" or ","); in a
        # hard-wrapped file so does any line after one that did not end a sentence.
        if prev is not None and layout.dashed_name_continues(prev.text, ln.text):
            prev.text = prev.text + " " + ln.text
            prev.end = ln.end
            continue
        join = (prev is not None and not _blocks_merge(ln) and prev.marks == ln.marks
                and not HEADER_RE.match(prev.text) and not PLACE_DATE_RE.match(prev.text)
                and not prev.text.startswith("|")
                and "italic" not in prev.marks
                and ((_starts_lower(ln.text) and not prev.text.endswith((".", "!", "?")))
                     or (wrapped and not prev.text.endswith(TERMINAL) and not is_upper(prev.text)
                         and not is_upper(ln.text) and not _RULE_RE.fullmatch(prev.text))))
        if join:
            # "Kế hoạch số 92-" + "KH/HU" is one token; "kinh tế -" + "kỹ thuật" is two words.
            glue = "" if re.search(r"\S-$", prev.text) else " "
            prev.text = prev.text + glue + ln.text
            prev.end = ln.end
        else:
            out.append(Line(ln.text, ln.start, ln.end, set(ln.marks)))
    return out
