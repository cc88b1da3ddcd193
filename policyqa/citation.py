"""A clause's citation in the convention officials use: the unit, then the document.

    điểm a khoản 2 Điều 5 Nghị định 30/2020/NĐ-CP                     (normative: the number names the year)
    mục II.2.b Kế hoạch số 103/KH-UBND ngày 10/05/2024 của UBND tỉnh Lạng Sơn
    mục II.1 Kế hoạch ban hành kèm theo Quyết định số 844/QĐ-TTg ngày 13/05/2026 của Thủ tướng Chính phủ
    mục I.1 Kế hoạch Triển khai thực hiện …                            (no number: cited by its title)

The unit part ("citation_path") is computed at ingestion from the clause tree (ingest/structure.py); for older
records without it, it is rebuilt from the clause path."""
from __future__ import annotations

import re

UNKNOWN = {"number": "không số", "issuer": "không rõ cơ quan ban hành", "province": "không rõ tỉnh/thành",
           "date": "không ghi ngày"}
_NORMATIVE_NUMBER = re.compile(r"/\d{4}/")  # "30/2020/NĐ-CP", "51/2024/QH15"


def fmt_date(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def unit_from_path(path: str) -> str:
    """ "0" -> "phần mở đầu"; "D5.2.a" -> "điểm a khoản 2 Điều 5"; "II.2.b" -> "mục II.2.b"."""
    prefix, _, rest = path.rpartition(":")
    if rest == "0":
        return "phần mở đầu"
    m = re.fullmatch(r"D(\d{1,3}[a-zđ]?)(?:\.(\d{1,2}))?(?:\.([a-zđ]))?", rest)
    if m:
        unit = f"Điều {m.group(1)}"
        if m.group(2):
            unit = f"khoản {m.group(2)} {unit}"
        if m.group(3):
            unit = f"điểm {m.group(3)} {unit}"
        return unit
    return f"mục {rest}"


def document_ref(doc: dict) -> str:
    """ "Nghị định 30/2020/NĐ-CP", "Kế hoạch số 12/KH-UBND ngày 18/01/2024 của UBND thành phố Hải Phòng"."""
    kind = (doc.get("type") or "").strip()
    kind = kind[:1].upper() + kind[1:].lower() if kind else ""
    number = doc.get("number")
    if number:
        if _NORMATIVE_NUMBER.search(number):
            return f"{kind} {number}".strip()
        ref = f"{kind or 'Văn bản'} số {number}"
    else:
        title = (doc.get("title") or "").strip()
        if title and kind and title.lower().startswith(kind.lower()):
            title = title[len(kind):].strip()
        ref = " ".join(x for x in (kind or "Văn bản", title) if x) if title else f"{kind or 'Văn bản'} {UNKNOWN['number']}"
    date = fmt_date(doc.get("date"))
    if date:
        ref += f" ngày {date}"
    issuer = doc.get("issuer")
    if issuer and issuer.lower() not in ref.lower():
        ref += f" của {_issuer_short(issuer)}"
    return ref


def citation(doc: dict, path: str, unit: str | None = None) -> str:
    """The full citation of a clause: its unit (`unit`, the clause record's citation_path) and the document."""
    return f"{unit or unit_from_path(path)} {document_ref(doc)}"


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
    """The citation officials write (the app's "Sao chép trích dẫn"): the same string as `citation`."""
    return citation(doc, path or "0", place) if path or place else document_ref(doc)
