"""Parse accuracy on real documents: header metadata and `Điều N.` coverage.

Two sets:
- the official gazette set (../shared/corpora/congbao: index.jsonl gives each file's number, type and year as the
  gazette lists them; the number is sometimes only the page slug, from which it is derived);
- the labelled provincial set (eval/parse/provincial.jsonl, texts under eval/parse/docs/), split into a tuning
  part and a held-out part; each metadata field's accuracy is reported on both.

    python eval/parse_accuracy.py [--congbao DIR] [--provincial FILE] [--out eval/reports/parse] [--json]

Prints a table and writes report.md and report.json under --out."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.clean import fold, normalize  # noqa: E402
from ingest.document import understand  # noqa: E402
from ingest.readers import IngestError  # noqa: E402

CONGBAO = REPO.parent / "shared" / "corpora" / "congbao"
PROVINCIAL = REPO / "eval" / "parse" / "provincial.jsonl"
FIELDS = ("number", "type", "date", "place", "issuer", "superior", "province", "level", "signer", "signer_title",
          "title")

# The gazette's "loai" column, and the type slug of its page addresses, as tên loại.
GAZETTE_TYPES = {"Luật": "Luật", "Nghị định": "Nghị định", "Thông tư": "Thông tư", "NQ": "Nghị quyết",
                 "QĐ": "Quyết định", "VB HN": "Văn bản hợp nhất", "Văn bản hợp nhất": "Văn bản hợp nhất",
                 "TT Liên tịch": "Thông tư liên tịch"}
SLUG_TYPES = {"luat": "Luật", "bo-luat": "Bộ luật", "nghi-dinh": "Nghị định", "thong-tu": "Thông tư",
              "thong-tu-lien-tich": "Thông tư liên tịch", "nghi-quyet": "Nghị quyết", "quyet-dinh": "Quyết định",
              "chi-thi": "Chỉ thị", "van-ban-hop-nhat": "Văn bản hợp nhất", "phap-lenh": "Pháp lệnh",
              "lenh": "Lệnh", "cong-van": "Công văn", "thong-bao": "Thông báo", "ke-hoach": "Kế hoạch"}
_SLUG_RE = re.compile(r"^(?P<type>[a-z-]+?)-so-(?P<num>.+?)(?:-\d{5,})?$")


def article_coverage(text: str, clauses: list) -> tuple[int, int]:
    """(found, stated): distinct `Điều N.` headings the text opens a line with, and how many of them the clause tree
    has as a clause of their own. Quoted articles (amending text) are not headings of this document."""
    try:  # the layout report, where the layout work provides it
        from eval.layout_report import article_coverage as layout_coverage  # type: ignore
    except ImportError:
        layout_coverage = None
    if layout_coverage is not None:
        r = layout_coverage(text)
        if isinstance(r, tuple) and len(r) == 2:
            return r
    stated = {m.group(1) for m in re.finditer(r"(?m)^[ \t*]*Điều\s+(\d+[a-z]?)\s*\.", text)}
    found = set()
    for c in clauses:
        m = re.match(r"^Điều\s+(\d+[a-z]?)\s*\.", c.text)
        if m:
            found.add(m.group(1))
    return len(found & stated), len(stated)


def slug_number(slug: str) -> tuple[str | None, str | None]:
    """ "luat-so-51-2024-qh15-43559" -> ("Luật", "51/2024/QH15"); "quyet-dinh-so-844-qd-ttg-469526" ->
    ("Quyết định", "844/QD-TTG"). The slug has lost diacritics and case, so numbers derived from it are compared
    without them (see `same_number`)."""
    m = _SLUG_RE.match(slug)
    if not m:
        return None, None
    tokens = m.group("num").split("-")
    if not tokens or not tokens[0].isdigit():
        return SLUG_TYPES.get(m.group("type")), None
    number, rest = tokens[0], tokens[1:]
    if rest and re.fullmatch(r"(19|20)\d\d", rest[0]):
        number += "/" + rest[0]
        rest = rest[1:]
    if not rest:
        return SLUG_TYPES.get(m.group("type")), None
    number += "/" + "-".join(rest).upper()
    return SLUG_TYPES.get(m.group("type")), number


def same_number(predicted: str | None, expected: str | None) -> bool:
    if not predicted or not expected:
        return False
    key = lambda s: re.sub(r"[\s/\-]+", "-", fold(normalize(s))).strip("-")  # noqa: E731
    return key(predicted) == key(expected)


def _number_key(s: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", fold(normalize(s))).strip("-")


def contains_number(text: str, number: str) -> bool:
    """Whether the text states this number anywhere (separators, case and diacritics aside)."""
    return f"-{_number_key(number)}-" in f"-{_number_key(text)}-"


def expected_gazette(row: dict) -> dict:
    so = row.get("so_hieu") or ""
    slug_type, slug_num = slug_number(Path(row["file"]).stem)
    m = re.search(r"số\s+(\S+)$", so)
    number = m.group(1) if m and re.search(r"\d", m.group(1)) else slug_num
    kind = GAZETTE_TYPES.get(row.get("loai")) or slug_type
    year = row.get("nam") if isinstance(row.get("nam"), int) and 1945 <= row["nam"] <= 2100 else None
    if year is not None and number and number.split("/")[0] == str(year):
        year = None  # the index puts some consolidated texts' number in its year column
    if year is None and number and (y := re.search(r"/((?:19|20)\d\d)/", number)):
        year = int(y.group(1))
    return {"number": number, "type": kind, "year": year}


def predicted_year(meta: dict) -> int | None:
    if meta.get("date"):
        return int(meta["date"][:4])
    if meta.get("number") and (y := re.search(r"/((?:19|20)\d\d)/", meta["number"])):
        return int(y.group(1))
    return None


def run_gazette(folder: Path) -> dict:
    rows = [json.loads(l) for l in (folder / "index.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()]
    res = {k: {"right": 0, "checked": 0, "wrong": []} for k in ("number", "type", "year")}
    art_found = art_stated = 0
    docs_with_articles = docs_all_articles = 0
    skipped, unreadable = [], []
    for row in rows:
        path = folder / "docs" / row["file"]
        exp = expected_gazette(row)
        try:
            u = understand(path)
        except IngestError as e:
            skipped.append(str(e))
            continue
        meta = u.meta
        got = {"number": meta.get("number"), "type": meta.get("type"), "year": predicted_year(meta)}
        # A number the file's text does not contain cannot be read from it (the gazette printed the header as an
        # image, or the text continues in another issue): such files are counted apart, not hidden.
        if exp["number"] and not contains_number(u.text, exp["number"]):
            unreadable.append(row["file"])
            continue
        checks = {"number": (exp["number"], same_number(got["number"], exp["number"])),
                  "type": (exp["type"], got["type"] == exp["type"]),
                  "year": (exp["year"], got["year"] == exp["year"])}
        for k, (want, ok) in checks.items():
            if want is None:
                continue
            res[k]["checked"] += 1
            res[k]["right"] += ok
            if not ok:
                res[k]["wrong"].append({"file": row["file"], "expected": want, "got": got[k]})
        f, s = article_coverage(u.text, u.parsed.clauses)
        art_found += f
        art_stated += s
        if s:
            docs_with_articles += 1
            docs_all_articles += f == s
    out = {"documents": len(rows), "skipped": skipped, "unreadable": unreadable}
    for k, r in res.items():
        out[k] = {"accuracy": r["right"] / r["checked"] if r["checked"] else None, "right": r["right"],
                  "checked": r["checked"], "wrong": r["wrong"]}
    out["articles"] = {"found": art_found, "stated": art_stated,
                       "share": art_found / art_stated if art_stated else None,
                       "documents_with_articles": docs_with_articles, "documents_all_found": docs_all_articles}
    return out


def _norm(field: str, v):
    if v is None:
        return None
    s = normalize(str(v))
    if field == "number":
        return re.sub(r"\s+", "", s)
    if field in ("title", "signer_title"):
        return " ".join(re.findall(r"\w+", fold(s)))  # titles are written in capitals or not; compare the words
    return s


def run_provincial(path: Path) -> dict:
    items = [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]
    out: dict = {"items": len(items), "splits": {}, "wrong": []}
    for split in ("tune", "heldout"):
        per = {f: {"right": 0, "checked": 0} for f in FIELDS}
        docs = [it for it in items if it["split"] == split]
        for it in docs:
            u = understand(path.parent / it["file"])
            for f, want in it["labels"].items():
                if f not in per:
                    continue
                got = u.meta.get(f)
                ok = _norm(f, got) == _norm(f, want)
                per[f]["checked"] += 1
                per[f]["right"] += ok
                if not ok:
                    out["wrong"].append({"id": it["id"], "split": split, "field": f, "expected": want, "got": got})
        out["splits"][split] = {"documents": len(docs), "fields": {
            f: {**v, "accuracy": v["right"] / v["checked"] if v["checked"] else None} for f, v in per.items()}}
    return out


def _pct(x) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def render(report: dict) -> str:
    lines = [f"# Parse accuracy ({report['date']})", "", f"Command: `{report['command']}`", ""]
    g = report.get("gazette")
    if g:
        lines += ["## Official gazette set (../shared/corpora/congbao)", "",
                  f"{g['documents']} documents, {len(g['skipped'])} skipped; {len(g['unreadable'])} whose text does not "
                  "contain their own number (header printed as an image, or text continued in another issue) are "
                  "left out of every figure: " + ", ".join(g["unreadable"]) + ". Numbers derived from a page slug "
                  "are compared without diacritics and case (the slug has neither). A year is checked where the "
                  "index gives one or the number contains one.", "",
                  "| field | accuracy | right / checked |", "|---|---|---|"]
        for k in ("number", "type", "year"):
            lines.append(f"| {k} | {_pct(g[k]['accuracy'])} | {g[k]['right']} / {g[k]['checked']} |")
        a = g["articles"]
        lines.append(f"| `Điều N.` headings found as clauses | {_pct(a['share'])} | {a['found']} / {a['stated']} "
                     f"({a['documents_all_found']} of {a['documents_with_articles']} documents complete) |")
        lines.append("")
        for sk in g["skipped"]:
            lines.append(f"- skipped: {sk}")
        for k in ("number", "type", "year"):
            for w in g[k]["wrong"][:15]:
                lines.append(f"- {k} wrong: {w['file']}: expected {w['expected']!r}, got {w['got']!r}")
        lines.append("")
    p = report.get("provincial")
    if p:
        lines += ["## Labelled provincial set (eval/parse/provincial.jsonl)", "",
                  f"{p['items']} documents: {p['splits']['tune']['documents']} tuning, "
                  f"{p['splits']['heldout']['documents']} held out.", "",
                  "| field | tuning | held-out |", "|---|---|---|"]
        for f in FIELDS:
            t, h = p["splits"]["tune"]["fields"][f], p["splits"]["heldout"]["fields"][f]
            lines.append(f"| {f} | {_pct(t['accuracy'])} ({t['right']}/{t['checked']}) | "
                         f"{_pct(h['accuracy'])} ({h['right']}/{h['checked']}) |")
        lines.append("")
        for w in p["wrong"]:
            lines.append(f"- [{w['split']}] {w['id']} {w['field']}: expected {w['expected']!r}, got {w['got']!r}")
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--congbao", type=Path, default=CONGBAO)
    ap.add_argument("--provincial", type=Path, default=PROVINCIAL)
    ap.add_argument("--out", type=Path, default=REPO / "eval" / "reports" / "parse")
    ap.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    report: dict = {"date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                    "command": "python eval/parse_accuracy.py"}
    if (args.congbao / "index.jsonl").exists():
        report["gazette"] = run_gazette(args.congbao)
    if args.provincial.exists():
        report["provincial"] = run_provincial(args.provincial)
    report["seconds"] = round(time.perf_counter() - t0, 1)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    md = render(report)
    (args.out / "report.md").write_text(md, encoding="utf-8")
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
