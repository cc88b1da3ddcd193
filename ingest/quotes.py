"""Which lines lie inside a quotation that spans lines: the text an amending article inserts
("Sửa đổi, bổ sung khoản 2 Điều 3 như sau: “2. …”") belongs to the amending clause and opens no unit.

Quotation marks are read from the original text (normalisation turns “ ” into "), so opening and closing
curly marks stay distinct; a straight mark opens or closes by its position (after a space, before a word)."""
from __future__ import annotations

from .lines import Line

_OPEN, _CLOSE, _STRAIGHT = "“", "”", '"'


def _events(text: str):
    """(position, +1 open / -1 close) for each quotation mark of a line."""
    for i, c in enumerate(text):
        if c == _OPEN:
            yield i, 1
        elif c == _CLOSE:
            yield i, -1
        elif c == _STRAIGHT:
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if (before.isspace() or before in "(:[") and not after.isspace():
                yield i, 1
            elif not before.isspace():
                yield i, -1


def inside_flags(lines: list[Line], raw: str | None = None) -> list[bool]:
    """inside[i]: line i starts inside a quotation opened on an earlier line.

    A closing mark with nothing open is ignored; a line that opens a quotation right after a line ending in ":"
    ("… như sau:") starts a new quotation even if an earlier one was never closed; an opening mark never closed
    at all is ignored rather than swallowing the rest of the document."""
    texts = [raw[l.start:l.end] if raw is not None else l.text for l in lines]
    ignored: set[tuple[int, int]] = set()
    for _ in range(3):  # ignoring an unclosed mark can reveal another; a few passes settle it
        flags, unclosed = _scan(texts, ignored)
        if not unclosed:
            return flags
        ignored.update(unclosed)
    return _scan(texts, ignored)[0]


def _scan(texts: list[str], ignored: set[tuple[int, int]]) -> tuple[list[bool], list[tuple[int, int]]]:
    flags: list[bool] = []
    stack: list[tuple[int, int]] = []  # (line, position) of open quotations
    for li, text in enumerate(texts):
        s = text.lstrip()
        if stack and s[:1] in (_OPEN, _STRAIGHT) and li > 0 and texts[li - 1].rstrip().endswith(":"):
            stack.clear()  # "… như sau:" / “…": a new amendment; the previous one was left unclosed
        flags.append(bool(stack))
        for pos, ev in _events(text):
            if (li, pos) in ignored:
                continue
            if ev == 1:
                stack.append((li, pos))
            elif stack:
                stack.pop()
    return flags, stack
