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


def _issuer_short(issuer: str) -> str:
    """ "Ủy ban nhân dân thành phố Hải Phòng" -> "UBND thành phố Hải Phòng", as officials cite it."""
    for long, short_ in (("Ủy ban nhân dân", "UBND"), ("Hội đồng nhân dân", "HĐND")):
        if issuer.lower().startswith(long.lower()):
            return short_ + issuer[len(long):]
    return issuer


def official(doc: dict, path: str | None = None, place: str | None = None) -> str:
    """The citation officials write: "mục III.2.(6) Kế hoạch số 12/KH-UBND ngày 18/01/2024 của UBND thành phố
    Hải Phòng". `place` is the clause's own wording when the layout gives one ("điểm a khoản 2 Điều 5");
    otherwise the path is cited as a "mục". A document without a number is cited by its title."""
    where = place or (section_label(path) if path else "")
    issuer = doc.get("issuer")
    if doc.get("number"):
        name = f"{doc.get('type') or 'Văn bản'} số {doc['number']}"
    else:
        name = doc.get("title") or doc.get("type") or "Văn bản"
    date = fmt_date(doc.get("date"))
    if date:
        name += f" ngày {date}"
    if issuer and issuer.lower() not in name.lower():
        name += f" của {_issuer_short(issuer)}"
    return f"{where} {name}".strip()
