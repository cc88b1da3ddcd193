"""A clause's citation: document number, issuing body, province, date and its place in the document."""
from __future__ import annotations

UNKNOWN = {"number": "không số", "issuer": "không rõ cơ quan ban hành", "province": "không rõ tỉnh/thành",
           "date": "không ghi ngày"}


def fmt_date(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def section_label(path: str) -> str:
    return "phần mở đầu" if path == "0" else f"mục {path}"


def citation(doc: dict, path: str) -> str:
    parts = [doc.get("number") or UNKNOWN["number"], doc.get("issuer") or UNKNOWN["issuer"],
             doc.get("province") or UNKNOWN["province"], fmt_date(doc.get("date")) or UNKNOWN["date"],
             section_label(path)]
    return " · ".join(parts)


def short(doc: dict, path: str) -> str:
    """ "Lạng Sơn (103/KH-UBND, II.2.b)" for answers and comparisons."""
    place = doc.get("province") or doc.get("issuer") or "?"
    return f"{place} ({doc.get('number') or UNKNOWN['number']}, {path})"
