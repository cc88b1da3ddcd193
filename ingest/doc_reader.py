"""Old Word (.doc, Word 97-2003) -> text with Debian's antiword: its DocBook output keeps paragraphs and table
rows apart, so tables become "| a | b |" rows like those of DOCX and PDF files (tables.py)."""
from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from .tables import row_line

TIMEOUT_S = 60


class DocReadError(Exception):
    pass


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _walk(el, out: list[str]) -> None:
    for child in el:
        tag = child.tag
        if tag == "informaltable" or tag == "table":
            for row in child.iter("row"):
                cells = [_text(e) for e in row.findall("entry")]
                if any(cells):
                    out.append(row_line(cells))
        elif tag == "para":
            if child.find(".//informaltable") is not None or child.find(".//table") is not None:
                own = (child.text or "").strip()
                if own:
                    out.append(" ".join(own.split()))
                _walk(child, out)
            else:
                t = _text(child)
                if t:
                    out.append(t)
        elif tag in ("title", "bookinfo"):
            continue
        else:
            _walk(child, out)


def read_doc_text(path: Path) -> str:
    exe = shutil.which("antiword")
    if exe is None:
        raise DocReadError("reading .doc files needs antiword (apt-get install antiword; `make setup` installs it)")
    try:
        res = subprocess.run([exe, "-m", "UTF-8.txt", "-x", "db", str(path)], capture_output=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise DocReadError(f"antiword did not finish in {TIMEOUT_S} s") from None
    if res.returncode != 0:
        why = res.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DocReadError(f"not a readable Word 97-2003 document ({why[-1] if why else 'antiword failed'})")
    xml = res.stdout.decode("utf-8", "replace")
    start = xml.find("<book")
    try:
        root = ET.fromstring(xml[start:] if start >= 0 else xml)
    except ET.ParseError as e:
        raise DocReadError(f"antiword output could not be read ({e})") from None
    out: list[str] = []
    _walk(root, out)
    return "\n\n".join(out)
