"""DOCX -> text in document order: paragraphs as lines, each table row as one "| a | b |" line (tables.py
reads them back), so a table stays a table instead of run-on text."""
from __future__ import annotations

from pathlib import Path

from .tables import row_line


def _cell_text(cell) -> str:
    return " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())


def table_lines(table) -> list[str]:
    out = []
    for row in table.rows:
        values, seen = [], []
        for cell in row.cells:
            # a horizontally merged cell is returned once per grid column; keep it once
            if any(cell._tc is s for s in seen):
                continue
            seen.append(cell._tc)
            values.append(_cell_text(cell))
        if any(v for v in values):
            out.append(row_line(values))
    return out


def read_docx_text(path: Path) -> str:
    import docx

    d = docx.Document(str(path))
    parts: list[str] = []
    for block in d.iter_inner_content():
        if hasattr(block, "rows"):
            parts.extend(table_lines(block))
        else:
            parts.append(block.text)
    return "\n\n".join(parts)
