"""Tables read from DOCX, PDF and .doc files, written into the text as one line per row ("| a | b | c |"), and
read back here: the header row, the columns of a task-assignment table (STT | Nhiệm vụ | Cơ quan chủ trì | Cơ
quan phối hợp | Thời gian hoàn thành | Sản phẩm …; matched on diacritic-free text, since the wording varies),
and the rows."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .clean import fold

ROW_PREFIX = "|"

# Column role -> folded header words that name it. Checked in order: "cơ quan chủ trì" before "cơ quan".
_ROLES = [
    ("stt", re.compile(r"^(stt|tt|so tt|so thu tu|thu tu)$")),
    ("coordinating", re.compile(r"phoi hop")),
    ("lead", re.compile(r"chu tri|don vi thuc hien|co quan thuc hien|don vi thuc hien|co quan, don vi thuc hien"
                        r"|co quan/don vi|trach nhiem|don vi chu tri|phu trach|^co quan$|^don vi$")),
    ("timeframe", re.compile(r"thoi gian|thoi han|tien do|moc thoi gian|han hoan thanh|nam hoan thanh")),
    ("product", re.compile(r"san pham|ket qua|hinh thuc van ban|hinh thuc")),
    ("task", re.compile(r"nhiem vu|noi dung|ten (de an|nhiem vu|van ban|cong viec)|cong viec|hoat dong|de an")),
    ("note", re.compile(r"ghi chu")),
]
_GENERIC_RE = re.compile(r"thuoc tinh|noi dung|thong tin|gia tri|truong|mo ta|chi tiet|ten|muc")
_STT_RE = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,6}|[A-ZĐ]|[a-zđ])\.?\)?$")


def is_row(text: str) -> bool:
    return text.startswith(ROW_PREFIX)


def cells(text: str) -> list[str]:
    """ "| 1 | Xây dựng … | Sở Nội vụ |" -> ["1", "Xây dựng …", "Sở Nội vụ"] (\\| inside a cell kept)."""
    body = text.strip()
    body = body[1:] if body.startswith("|") else body
    body = body[:-1] if body.endswith("|") and not body.endswith("\\|") else body
    return [c.replace("\\|", "|").strip() for c in re.split(r"(?<!\\)\|", body)]


def row_line(values: list[str]) -> str:
    """One table row as a text line (the readers' output format)."""
    clean = [re.sub(r"\s+", " ", (v or "")).strip().replace("|", "\\|") for v in values]
    return "| " + " | ".join(clean) + " |"


def column_roles(header: list[str]) -> dict[int, str]:
    roles: dict[int, str] = {}
    for i, h in enumerate(header):
        f = re.sub(r"\s+", " ", fold(h)).strip(" .:")
        for role, rx in _ROLES:
            if f and rx.search(f) and role not in roles.values():
                roles[i] = role
                break
    return roles


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]  # data rows, header(s) removed
    roles: dict[int, str] = field(default_factory=dict)

    @property
    def is_assignment(self) -> bool:
        """A task-assignment table: who does what (a task column and a lead column)."""
        r = set(self.roles.values())
        return "lead" in r and ("task" in r or "stt" in r)

    def value(self, row: list[str], role: str) -> str | None:
        for i, r in self.roles.items():
            if r == role and i < len(row) and row[i].strip():
                return row[i].strip()
        return None


def _looks_header(row: list[str], rows: list[list[str]]) -> bool:
    """Known column names, or short labels over data rows (no cell a bare number, no STT in front)."""
    if _STT_RE.match(row[0].strip()):
        return False
    if len(column_roles(row)) >= 2:
        return True
    filled = [c.strip() for c in row if c.strip()]
    return (len(rows) > 1 and len(filled) >= 2 and all(len(c) <= 60 for c in filled)
            and not any(re.fullmatch(r"[\d.,%\s]+", c) for c in filled))


def read(lines: list[str]) -> Table:
    """Rows of one table (its text lines) -> header, data rows and column roles. A second header row
    ("Cơ quan thực hiện" over "Chủ trì | Phối hợp") is merged into the first; a header repeated on a new page
    is dropped."""
    rows = [r for r in (cells(t) for t in lines)
            if not all(re.fullmatch(r":?-{3,}:?", c.strip()) for c in r)]  # markdown's "|---|---|"
    if not rows:
        return Table([], [], {})
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    if not _looks_header(rows[0], rows):
        return Table([], rows, {})
    header = rows[0]
    body = rows[1:]
    if body and not _STT_RE.match(body[0][0].strip()) and column_roles(body[0]) \
            and {"lead", "coordinating"} & set(column_roles(body[0]).values()):
        header = [f"{a} {b}".strip() if a != b else a for a, b in zip(header, body[0])]
        body = body[1:]
    # a header column numbering row ("(1) | (2) | (3)") carries no data; a header repeated on a new page neither
    body = [r for r in body if r != rows[0] and not all(re.fullmatch(r"\(?\d{1,2}\)?", c.strip()) for c in r if c.strip())]
    roles = column_roles(header)
    stt_col = next((i for i, r in roles.items() if r == "stt"), None)
    merged: list[list[str]] = []
    for r in body:
        # a row cut by a page break continues on the next page with an empty STT cell
        if stt_col is not None and merged and not r[stt_col].strip() and not _is_group(merged[-1]):
            merged[-1] = [f"{a} {b}".strip() for a, b in zip(merged[-1], r)]
        else:
            merged.append(r)
    return Table(header, merged, roles)


def _is_group(row: list[str]) -> bool:
    return bool(re.fullmatch(r"[IVXLC]{1,6}\.?|[A-ZĐ]\.?", row[0].strip()))


def is_group_row(table: Table, row: list[str]) -> bool:
    """A row that heads a group of tasks ("I. | Đổi mới …" or one cell spanning the table)."""
    first = row[0].strip().rstrip(".")
    filled = [c for c in row if c.strip()]
    distinct = list(dict.fromkeys(c.strip() for c in filled))
    if re.fullmatch(r"[IVXLC]{1,6}|[A-ZĐ]", first):
        return True
    return len(distinct) == 1 and len(row) > 2


def stt(row: list[str]) -> str | None:
    first = row[0].strip().rstrip(".)")
    return first if _STT_RE.match(first) else None


def render(table: Table, row: list[str]) -> str:
    """A row as readable text: "1. Xây dựng … Cơ quan chủ trì: Sở Nội vụ. Thời gian hoàn thành: Quý I/2024."."""
    if not table.header:
        return " | ".join(c for c in row if c.strip())
    if len(row) == 2 and all(_GENERIC_RE.fullmatch(fold(h).strip(" .:")) for h in table.header):
        return f"{row[0].strip()}: {row[1].strip()}".strip(" :")  # a key/value table ("Thuộc tính | Nội dung")
    parts, seen = [], set()
    for i, v in enumerate(row):
        v = v.strip()
        if not v or v in seen:
            continue
        seen.add(v)
        role = table.roles.get(i)
        if role == "stt":
            parts.append(v.rstrip(".") + ".")
        elif role == "task" or not table.header[i].strip():
            parts.append(v if v.endswith((".", ";", ":")) else v + ".")
        else:
            parts.append(f"{table.header[i].strip()}: {v.rstrip('.')}.")
    return " ".join(parts)
