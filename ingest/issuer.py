"""Issuing bodies as a header writes them (capitals, wrapped over lines, doubled by a flattened two-column
layout) turned into the name a reader writes: "ỦY BAN NHÂN DÂN / TỈNH NINH THUẬN" -> "Ủy ban nhân dân tỉnh
Ninh Thuận"; with the administrative level (trung ương / tỉnh / huyện / xã) and the province they belong to."""
from __future__ import annotations

import re
from dataclasses import dataclass

from . import gazetteer
from .lines import is_upper

# Localities that follow a body's name ("ỦY BAN NHÂN DÂN TỈNH X"), with the level they give.
_LOCALITY = {"tỉnh": "tỉnh", "thành phố": None, "tp.": None, "tp": None, "huyện": "huyện", "quận": "huyện",
             "thị xã": "huyện", "xã": "xã", "phường": "xã", "thị trấn": "xã", "đặc khu": "xã"}
_LOCALITY_RE = re.compile(r"(?<!\w)(tỉnh|thành phố|tp\.?|huyện|quận|thị xã|xã|phường|thị trấn|đặc khu)\s+(?!ủy\b|hội\b)"
                          r"(?P<name>[^\s,;|()]+(?:\s+[^\s,;|()]+){0,4})", re.IGNORECASE)
# Party committees: "TỈNH ỦY QUẢNG NGÃI", "HUYỆN ỦY SƠN TỊNH", "ĐẢNG ỦY XÃ …".
_PARTY_RE = re.compile(r"(?<!\w)(tỉnh|thành|huyện|quận|thị) ủy\s+(?P<name>[^\s,;|()]+(?:\s+[^\s,;|()]+){0,4})",
                       re.IGNORECASE)
# Bodies of the central state and party.
_CENTRAL_RE = re.compile(
    r"^(quốc hội|ủy ban thường vụ quốc hội|chính phủ|thủ tướng|chủ tịch nước|văn phòng (chính phủ|quốc hội|chủ tịch nước"
    r"|trung ương)|bộ(?! chỉ huy)\s|ngân hàng nhà nước|thanh tra chính phủ|kiểm toán nhà nước|tòa án nhân dân tối cao"
    r"|viện kiểm sát nhân dân tối cao|bảo hiểm xã hội việt nam|ủy ban dân tộc|ban chấp hành trung ương|bộ chính trị"
    r"|ban bí thư|hội đồng dân tộc|ủy ban .* của quốc hội|ban .* trung ương|đảng ủy .* trung ương"
    r"|ủy ban trung ương mặt trận|tổng liên đoàn|trung ương đoàn|kho bạc nhà nước|tổng cục|ủy ban quản lý vốn)", re.I)
# Bodies that only make sense under the line above them ("BAN THƯỜNG VỤ" under "TỈNH ỦY QUẢNG NGÃI").
_NEEDS_SUPERIOR_RE = re.compile(r"^(ban thường vụ|ban chấp hành|thường trực|ban cán sự đảng|đảng đoàn|văn phòng"
                                r"|ban chỉ đạo)$", re.I)

# Fixed spellings, longest first: what capitals cannot tell (which words are proper names).
_PHRASES = [
    "Ủy ban Thường vụ Quốc hội", "Mặt trận Tổ quốc Việt Nam", "Thủ tướng Chính phủ", "Văn phòng Chính phủ",
    "Văn phòng Quốc hội", "Ủy ban nhân dân", "Hội đồng nhân dân", "Ban Chấp hành Trung ương", "Ban Chấp hành",
    "Ban Thường vụ", "Ban Bí thư", "Bộ Chính trị", "Ban Chỉ đạo", "Ban cán sự đảng", "Đảng đoàn", "Thường trực",
    "Ngân hàng Nhà nước Việt Nam", "Ngân hàng Nhà nước", "Kiểm toán Nhà nước", "Kho bạc Nhà nước",
    "Bảo hiểm xã hội Việt Nam", "Bảo hiểm xã hội", "Tòa án nhân dân tối cao", "Viện kiểm sát nhân dân tối cao",
    "Tòa án nhân dân", "Viện kiểm sát nhân dân", "Chính phủ", "Quốc hội", "Chủ tịch nước", "Trung ương", "Việt Nam",
    "Công an", "Bộ Chỉ huy Quân sự", "Bộ Chỉ huy Bộ đội Biên phòng", "Đảng bộ", "Đảng ủy", "Liên đoàn Lao động",
    "Hội Liên hiệp Phụ nữ", "Đoàn Thanh niên Cộng sản Hồ Chí Minh", "Hội Nông dân", "Hội Cựu chiến binh",
    "Tỉnh ủy", "Thành ủy", "Huyện ủy", "Quận ủy", "Thị ủy",
]
_PHRASE_RE = re.compile("|".join(re.escape(p.lower()) for p in sorted(_PHRASES, key=len, reverse=True)))
_PHRASE_OF = {p.lower(): p for p in _PHRASES}
# Head words of an agency whose field name follows ("Sở Tài chính", "Bộ Lao động - Thương binh và Xã hội").
_ORGAN_RE = re.compile(r"^(bộ|sở|cục|tổng cục|chi cục|vụ|ban|văn phòng|phòng|viện|trung tâm|trường|ủy ban|hội đồng"
                       r"|thanh tra|ban quản lý|đài|báo|học viện|bệnh viện|tổng công ty|công ty|hội|liên minh)\s+", re.I)


_ABBREV = {"UBND": "ỦY BAN NHÂN DÂN", "HĐND": "HỘI ĐỒNG NHÂN DÂN", "MTTQ": "MẶT TRẬN TỔ QUỐC", "TP.": "THÀNH PHỐ"}
_ABBREV_RE = re.compile(r"(?<!\w)(UBND|HĐND|MTTQ|TP\.)(?!\w)")


_JOINT_RE = re.compile(r"\s+-\s+(?=(?:BỘ|TÒA ÁN|VIỆN|ỦY BAN|HỘI ĐỒNG|BAN|SỞ|CỤC|TỔNG|NGÂN HÀNG|KIỂM TOÁN|BẢO HIỂM"
                       r"|VĂN PHÒNG|THANH TRA|TRUNG ƯƠNG)\b)")


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _title(words: str) -> str:
    return " ".join(_cap(w) for w in words.split())


def normal_case(name: str) -> str:
    """An issuing body's name in normal case. Capitals are kept when the name is already written in normal case."""
    name = re.sub(r"\s+", " ", name).strip(" .,;:-|")
    if not is_upper(name):
        return name
    joint = _JOINT_RE.split(name)  # a joint document: "VIỆN KIỂM SÁT … - TÒA ÁN … - BỘ CÔNG AN"
    if len(joint) > 1:
        return " - ".join(normal_case(p) for p in joint)
    s = _ABBREV_RE.sub(lambda m: _ABBREV[m.group(0)], name).lower()
    # proper names after a locality or a party committee
    s = _LOCALITY_RE.sub(lambda m: f"{m.group(1).lower()} {_title(m.group('name'))}", s)
    s = _PARTY_RE.sub(lambda m: f"{m.group(1)} ủy {_title(m.group('name'))}", s)
    m = _ORGAN_RE.match(s)
    if m and not _PHRASE_RE.match(s):
        head, rest = m.group(1), s[m.end():]
        # the field name: its first word, and the first word after "và", "," or "-", are capitalised
        rest = re.sub(r"(^|\bvà\s+|,\s*|\s-\s*)(\w)", lambda x: x.group(1) + x.group(2).upper(), rest)
        s = f"{head} {rest}"
    s = _PHRASE_RE.sub(lambda m: _PHRASE_OF[m.group(0)], s)
    return _cap(s)


@dataclass
class Locality:
    level: str | None  # "trung ương" | "tỉnh" | "huyện" | "xã"
    province: str | None  # canonical name from the gazetteer
    evidence: str | None = None


def locality(units: list[str]) -> Locality:
    """Level and province of the issuing body, read from the body's line and the superior lines above it."""
    level, province, evidence = None, None, None
    for unit in reversed(units):  # the issuer itself first, then the bodies above it
        u = unit.lower()
        own_level = None
        for m in _LOCALITY_RE.finditer(u):
            kind, place = m.group(1).lower(), m.group("name")
            p = _province_in(place)
            if kind == "tỉnh" or (kind in ("thành phố", "tp", "tp.") and p and gazetteer.get(p).kind == "thành phố"
                                  and _whole(place, p)):
                own_level = own_level or "tỉnh"
                province = province or p
            elif kind in ("thành phố", "tp", "tp."):
                own_level = own_level or "huyện"
                province = province or p  # a provincial city named after its province ("thành phố Kon Tum")
            else:
                own_level = own_level or _LOCALITY[kind]
            evidence = evidence or unit
        for m in _PARTY_RE.finditer(u):
            kind, place = m.group(1), m.group("name")
            p = _province_in(place)
            if kind == "tỉnh" or (kind == "thành" and p and gazetteer.get(p).kind == "thành phố" and _whole(place, p)):
                own_level = own_level or "tỉnh"
                province = province or p
            else:
                own_level = own_level or "huyện"
            evidence = evidence or unit
        if own_level is None and re.search(r"(?<!\w)(tỉnh|thành) ủy$", u):
            own_level = "tỉnh"  # "Ban Thường vụ Tỉnh ủy" without the province's name
            evidence = evidence or unit
        if own_level is None and _CENTRAL_RE.match(u):
            own_level = "trung ương"
        level = level or own_level
    if level == "trung ương":
        province = None
    return Locality(level, province, evidence)


def _province_in(place: str) -> str | None:
    """The province a locality name starts with ("Ninh Thuận", "Hải Phòng"), trying the longest prefix first."""
    words = place.split()
    for n in range(min(len(words), 5), 0, -1):
        c = gazetteer.canonical(" ".join(words[:n]))
        if c:
            return c
    return None


def _whole(place: str, province: str) -> bool:
    """The locality is the province itself, not a city or district sharing its name ("thành phố Kon Tum")."""
    return gazetteer.canonical(place) == province


def is_generic(name: str) -> bool:
    return bool(_NEEDS_SUPERIOR_RE.match(name.strip()))
