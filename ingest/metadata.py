"""Document metadata: the curated file (corpus/metadata.json) first; for documents it does not list,
what the header itself states ("Số: …", "Hải Phòng, ngày …", issuing body lines, signature)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from .structure import Parsed

FIELDS = ("title", "number", "type", "issuer", "province", "level", "date", "signer", "implements")
METADATA_FILE = "metadata.json"

_NUMBER_RE = re.compile(r"^(?:Số hiệu|Số)\s*:?\s*(?P<n>\d+\s*/\s*[\w\-/Đđ]+)")
_PLACE_DATE_RE = re.compile(r"^(?P<place>[^\d,]{2,40}),\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})")
_ISO_DATE_RE = re.compile(r"^Ngày ban hành\s+(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})")
_ISSUER_LINE = re.compile(r"^(ỦY BAN NHÂN DÂN|UBND|HỘI ĐỒNG NHÂN DÂN|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|BAN THƯỜNG VỤ|SỞ )")
_IMPLEMENTS_RE = re.compile(r"\b\d{1,3}[-/](?:NQ|KL|CT|KH|CTr|QĐ)[-/](?:TW|CP|TU|HU|UBND|TTg)\b")


def load_curated(corpus_dir: Path) -> dict:
    p = Path(corpus_dir) / METADATA_FILE
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8")).get("documents", {})
    except json.JSONDecodeError as e:
        raise ValueError(f"{p}: invalid JSON ({e})") from None


def from_header(parsed: Parsed, body_text: str) -> dict:
    """What the document states about itself; fields it does not state stay None."""
    meta: dict = {k: None for k in FIELDS}
    meta["title"] = parsed.title
    meta["type"] = parsed.doc_type.capitalize() if parsed.doc_type else None
    issuer_lines = []
    for line in parsed.header:
        t = line.text
        if m := _NUMBER_RE.match(t):
            meta["number"] = re.sub(r"\s+", "", m.group("n"))
        if m := (_PLACE_DATE_RE.match(t) or _ISO_DATE_RE.match(t)):
            meta["date"] = f"{int(m.group('y')):04d}-{int(m.group('m')):02d}-{int(m.group('d')):02d}"
            if "place" in m.groupdict() and m.group("place"):
                meta["province"] = meta["province"] or m.group("place").strip()
        if _ISSUER_LINE.match(t) or (issuer_lines and t.isupper() and t.startswith(("TỈNH", "THÀNH PHỐ", "HUYỆN"))):
            issuer_lines.append(t)
        if m := re.match(r"^Cơ quan ban hành\s+(?P<i>.+)$", t):
            meta["issuer"] = m.group("i").strip()
    if issuer_lines and not meta["issuer"]:
        meta["issuer"] = " ".join(issuer_lines).title()
    for t in issuer_lines:
        if m := re.match(r"^(TỈNH|THÀNH PHỐ|HUYỆN)\s+(?P<p>.+)$", t):
            meta["province"] = m.group("p").title()
            meta["level"] = {"TỈNH": "tỉnh", "THÀNH PHỐ": "thành phố", "HUYỆN": "huyện"}[m.group(1)]
    if parsed.signature:
        last = parsed.signature[-1]
        if len(last.split()) <= 5 and not last.isupper():
            meta["signer"] = last
    meta["implements"] = sorted(set(_IMPLEMENTS_RE.findall(body_text[:3000]))) or None
    return meta


def merge(curated: dict | None, extracted: dict) -> dict:
    """Curated values win; a field only the header gives is marked as extracted automatically."""
    if curated:
        out = {k: curated.get(k) for k in FIELDS}
        out.update({k: v for k, v in curated.items() if k not in FIELDS})
        out["metadata_source"] = "curated"
        return out
    out = dict(extracted)
    out["inferred"] = []
    out["metadata_source"] = "header"
    return out
