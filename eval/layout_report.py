"""Clause-tree coverage on real documents: is every "Điều N." heading of a text found as an article clause?

Expected headings are found in the raw text by a rule independent of the parser: a line that starts with
"Điều <number>." (or ":") followed by a capitalised title or nothing. A heading inside an amending article's
quotation ("Sửa đổi Điều 3 như sau: “Điều 3. …”") is not a unit of the document: it counts as found when the
parser kept it inside the amending clause's text.

    python eval/layout_report.py [FOLDER] [--json]    (default ../shared/corpora/congbao/docs; .txt and .md files)

Prints, over all documents: headings found as articles, headings kept inside an amendment's quotation,
headings missed (with file and line), and documents with colliding ("~") paths."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.noise import repair  # noqa: E402
from ingest.structure import parse  # noqa: E402

HEADING_RE = re.compile(r"^[ \t]*(?:#{1,6}[ \t]+)?[“\"]?Điều\s+(?P<n>\d{1,3}[a-zđ]?(?:\.\d{1,3}\.[A-ZĐ]{2,4}(?:\.\d{1,3}){1,3})?)\s*[.:](?:[ \t]*$|[ \t]+[A-ZĐÀ-Ỹ“\"(])", re.M)
# a line that ends mid-sentence ("… quy định tại khoản 4" / "Điều 89.") makes the next "Điều N." a reference
_MID_SENTENCE_RE = re.compile(r"(?:[a-zđà-ỹ]|\d|,)\s*$")
DEFAULT_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora" / "congbao" / "docs"


def _expected(text: str) -> list[tuple[int, str]]:
    """(offset of the heading's first character, article number) for each heading line."""
    text = repair(text)
    out = []
    for m in HEADING_RE.finditer(text):
        start = m.start() + len(m.group(0)) - len(m.group(0).lstrip(" \t"))
        prev = [t for t in text[:m.start()].splitlines()[-4:] if t.strip()]
        if prev and _MID_SENTENCE_RE.search(prev[-1]) and len(prev[-1].strip()) > 60:
            continue
        out.append((start, m.group("n")))
    return out


def coverage(text: str) -> dict:
    """Per-document figures: expected headings, found as articles, kept quoted, missed offsets, "~" paths."""
    parsed = parse(text)
    articles = {n.lines[0].start: n for n in parsed.clauses if n.kind == "article" and n.lines}
    found = quoted = 0
    missed = []
    for start, number in _expected(text):
        node = articles.get(start)
        if node is not None and node.label == number:
            found += 1
            continue
        holder = next((n for n in parsed.clauses if any(l.start <= start <= l.end for l in n.lines)), None)
        if holder is not None:
            before = text[min(l.start for l in holder.lines):start]
            if "“" in before or '"' in before or text[start] in "“\"":
                quoted += 1
                continue
        line_no = text.count("\n", 0, start) + 1
        missed.append(line_no)
    collisions = [n.path for n in parsed.clauses if "~" in n.path]
    return {"expected": found + quoted + len(missed), "found": found, "quoted": quoted, "missed": missed,
            "collisions": collisions}


def article_coverage(text: str) -> tuple[int, int]:
    """(headings found as article clauses or kept inside an amendment's quotation, headings expected)."""
    c = coverage(text)
    return c["found"] + c["quoted"], c["expected"]


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    folder = Path(args[0]) if args else DEFAULT_DIR
    if not folder.is_dir():
        print(f"{folder}: not found (the shared gazette corpus is needed)", file=sys.stderr)
        return 1
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".txt", ".md") and p.name.lower() != "readme.md")
    total = {"documents": len(files), "expected": 0, "found": 0, "quoted": 0, "missed": 0}
    misses, collided = [], {}
    for f in files:
        c = coverage(f.read_text(encoding="utf-8", errors="replace"))
        for k in ("expected", "found", "quoted"):
            total[k] += c[k]
        total["missed"] += len(c["missed"])
        misses += [f"{f.name}:{ln}" for ln in c["missed"]]
        if c["collisions"]:
            collided[f.name] = c["collisions"]
    total["coverage"] = round((total["found"] + total["quoted"]) / total["expected"], 4) if total["expected"] else None
    total["documents_with_collisions"] = len(collided)
    if "--json" in argv:
        print(json.dumps({"total": total, "missed": misses, "collisions": collided}, ensure_ascii=False, indent=1))
        return 0
    print(f"documents: {total['documents']}")
    print(f"'Điều N.' headings: {total['expected']}; found as article clauses: {total['found']}; "
          f"kept inside an amendment's quotation: {total['quoted']}; missed: {total['missed']}; "
          f"coverage: {total['coverage']:.2%}")
    for m in misses[:30]:
        print(f"  missed {m}")
    print(f"documents with colliding '~' paths: {len(collided)}")
    for name, paths in list(collided.items())[:30]:
        print(f"  {name}: {', '.join(paths[:8])}{' …' if len(paths) > 8 else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
