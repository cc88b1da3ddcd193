"""PDF -> text with pdfplumber: the text outside tables line by line, and each table found on a page as
"| a | b |" rows (tables.py reads them back) at its place on the page; page numbers printed alone at the top or
bottom of a page are dropped."""
from __future__ import annotations

import re
from pathlib import Path

from .tables import row_line

_PAGE_NO = re.compile(r"^\s*(?:-\s*)?\d{1,4}(?:\s*-)?\s*$|^\s*Trang\s+\d{1,4}(?:\s*/\s*\d{1,4})?\s*$", re.I)


def _inside(obj: dict, boxes: list[tuple]) -> bool:
    cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def page_lines(page) -> list[str]:
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]
    items: list[tuple[float, list[str]]] = []
    rest = page.filter(lambda o: not _inside(o, boxes)) if boxes else page
    lines = rest.extract_text_lines(return_chars=False) if rest is not None else []
    texts = [(l["top"], l["text"]) for l in lines if l["text"].strip()]
    # a page number alone at the top or bottom of the page is page furniture
    if texts and _PAGE_NO.match(texts[-1][1]):
        texts = texts[:-1]
    if texts and _PAGE_NO.match(texts[0][1]):
        texts = texts[1:]
    items += [(top, [text]) for top, text in texts]
    for t in tables:
        rows = [row_line([c or "" for c in r]) for r in t.extract() if any((c or "").strip() for c in r)]
        items.append((t.bbox[1], rows))
    items.sort(key=lambda it: it[0])
    return [line for _, group in items for line in group]


def read_pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        pages = [page_lines(p) for p in pdf.pages]
    return "\n".join("\n".join(p) for p in pages)
