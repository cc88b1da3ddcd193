"""Document metadata: the curated file (corpus/metadata.json) first; for documents it does not list, what the
document states about itself, read by the layout of Nghị định 30/2020/NĐ-CP: the issuing body under the line of
its superior body, số và ký hiệu, địa danh và ngày, tên loại và trích yếu in the header; chức vụ và người ký and
nơi nhận at the end; "Căn cứ …" / "Thực hiện …" references in the preamble.

Headers arrive in many shapes: two columns flattened with "|" (a row, or a cell, per line), a website's metadata
table in front ("Số hiệu | 12/KH-UBND | Loại văn bản | Kế hoạch …"), the official gazette's own layout. The header
is therefore read as a stream of cells, and each field is recognised by its own form, not by its position."""
from __future__ import annotations

import json
import re
from pathlib import Path

from . import gazetteer, issuer as bodies, references
from .clean import normalize, strip_markdown
from .lines import is_upper
from .structure import Parsed

FIELDS = ("title", "number", "type", "issuer", "province", "level", "date", "signer", "implements")
NEW_FIELDS = ("place", "superior", "signer_title", "recipients", "references")
METADATA_FILE = "metadata.json"

# Tên loại (Nghị định 30/2020/NĐ-CP, Phụ lục III; the legal-drafting law; party documents).
DOC_TYPES = ("Luật", "Bộ luật", "Pháp lệnh", "Lệnh", "Hiến pháp", "Nghị định", "Nghị quyết liên tịch", "Nghị quyết",
             "Thông tư liên tịch", "Thông tư", "Quyết định", "Chỉ thị", "Quy chế", "Quy định", "Thông cáo", "Thông báo",
             "Hướng dẫn", "Chương trình hành động", "Chương trình", "Kế hoạch", "Phương án", "Đề án", "Dự án",
             "Báo cáo", "Biên bản", "Tờ trình", "Công điện", "Công văn", "Kết luận", "Văn bản hợp nhất", "Thông tri",
             "Giấy mời")
_TYPE_OF_UPPER = {t.upper(): t for t in DOC_TYPES}
# Ký hiệu -> tên loại. The first part of the ký hiệu names the type; an issuer abbreviation there ("123/UBND-KT")
# means a công văn, which has no type code.
TYPE_CODES = {"NĐ": "Nghị định", "ND": "Nghị định", "TT": "Thông tư", "TTLT": "Thông tư liên tịch",
              "QĐ": "Quyết định", "QD": "Quyết định", "NQ": "Nghị quyết", "NQLT": "Nghị quyết liên tịch",
              "KH": "Kế hoạch", "CT": "Chỉ thị", "CTr": "Chương trình", "CTR": "Chương trình", "TB": "Thông báo",
              "BC": "Báo cáo", "ĐA": "Đề án", "DA": "Dự án", "HD": "Hướng dẫn", "KL": "Kết luận", "QC": "Quy chế",
              "QyĐ": "Quy định", "QYĐ": "Quy định", "TTr": "Tờ trình", "TTR": "Tờ trình", "PA": "Phương án",
              "BB": "Biên bản", "CĐ": "Công điện", "TC": "Thông cáo", "VBHN": "Văn bản hợp nhất", "CV": "Công văn",
              "L": "Lệnh", "PL": "Pháp lệnh", "GM": "Giấy mời", "HĐ": "Hợp đồng"}

_QUOC_HIEU_RE = re.compile(r"^(CỘNG H[OÒ]A\b|CHỦ NGHĨA VIỆT NAM|Độc lập\s*-|ĐỘC LẬP\s*-|ĐẢNG CỘNG SẢN VIỆT NAM)", re.I)
_SEPARATOR_RE = re.compile(r"^[\s\-–—_=*~.·•]*$")
_GAZETTE_LABEL_RE = re.compile(r"^(PHẦN\s+)?VĂN BẢN (QUY PHẠM PHÁP LUẬT|PHÁP LUẬT KHÁC|KHÁC|HỢP NHẤT)\b")
_URGENCY_RE = re.compile(r"^(HỎA TỐC|THƯỢNG KHẨN|KHẨN|MẬT|TỐI MẬT|TUYỆT MẬT|DỰ THẢO|BẢN SAO)\b")
# "Số: 12/KH-UBND", "Luật số: 51/2024/QH15", "Nghị quyết số: 89/2025/UBTVQH15" (a header's own number, not "số" in a
# sentence)
_NUMBER_RE = re.compile(rf"(?<![\w])(?:(?:Luật|Nghị quyết|Pháp lệnh|Lệnh|Quyết định|Văn bản hợp nhất)\s+số\s*:|Số|SỐ)"
                        rf"(?:\s+hiệu)?\s*[:.]?\s*(?P<n>{references.NUMBER})")
_BLANK_NUMBER_RE = re.compile(r"(?<![\w])Số\s*:?\s*[._…\s]*/\s*(?P<code>[A-ZĐ][\wĐ]*(?:\s*-\s*[\wĐ]+)*)")
_PLACE_DATE_RE = re.compile(r"^\s*(?P<place>[^\d,|:;()/]{2,40}?)\s*,\s*ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s*|[/.-]\s*)"
                            r"(?P<m>\d{1,2})\s*(?:năm\s*|[/.-]\s*)(?P<y>\d{4})")
_DATE_RE = re.compile(r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4})")
_PASSED_RE = re.compile(r"thông qua ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})")
_SUBJECT_RE = re.compile(r"^(V/v|V/V|Về việc)\s*:?\s*(?P<t>.+)$")
# A website's metadata table in front of the header.
_SITE_KEYS = {"số hiệu": "number", "loại văn bản": "type", "ngày ban hành": "date", "cơ quan ban hành": "issuer",
              "nơi ban hành": "issuer", "người ký": "signer", "lĩnh vực": None, "ngày hiệu lực": None,
              "ngày có hiệu lực": None, "tình trạng": None, "tình trạng hiệu lực": None, "ngày công báo": None,
              "số công báo": None, "ngày hết hiệu lực": None, "nguồn thu thập": None, "ngày đăng công báo": None}
_SITE_KEY_RE = re.compile(r"^(?P<k>" + "|".join(sorted(map(re.escape, _SITE_KEYS), key=len, reverse=True))
                          + r")\s*:?\s*(?P<v>.*)$", re.I)
# The start of the body: after it nothing belongs to the header.
_BODY_START_RE = re.compile(r"^(Căn cứ|CĂN CỨ|Thực hiện|Triển khai|Theo đề nghị|Điều\s+1\b|Chương\s+[IVX1]"
                            r"|CHƯƠNG\s+[IVX1]|Phần\s+(I|thứ|1)|PHẦN\s+(I|THỨ|1)|I\s*[.-]\s|1\.\s|Kính gửi)")
# Chức vụ of the signer and the authority it signs for (TM. = thay mặt, KT. = ký thay, TL. = thừa lệnh,
# TUQ. = thừa ủy quyền, Q. = quyền).
_AUTHORITY_RE = re.compile(r"^(TM|T/M|T\.M|KT|K/T|K\.T|TL|T/L|TUQ|T/UQ|Q|QUYỀN)\s*[./:]?\s+\S")
_TITLE_WORDS = ("CHỦ TỊCH", "BỘ TRƯỞNG", "THỨ TRƯỞNG", "THỦ TƯỚNG", "BÍ THƯ", "GIÁM ĐỐC", "CHÁNH VĂN PHÒNG",
                "TRƯỞNG BAN", "CHỦ NHIỆM", "TỔNG GIÁM ĐỐC", "VIỆN TRƯỞNG", "CHÁNH ÁN", "THỐNG ĐỐC", "TỔNG KIỂM TOÁN",
                "TỔNG THƯ KÝ", "TRƯỞNG PHÒNG", "CỤC TRƯỞNG", "VỤ TRƯỞNG", "TỔNG CỤC TRƯỞNG", "CHÁNH THANH TRA",
                "TỔNG THANH TRA", "TRƯỞNG ĐOÀN", "THƯỜNG TRỰC", "PHÓ TRƯỞNG", "CHỦ TỊCH NƯỚC", "BỘ TRƯỞNG, CHỦ NHIỆM",
                "KIỂM TOÁN TRƯỞNG", "TRƯỞNG CÔNG AN", "CHỈ HUY TRƯỞNG", "HIỆU TRƯỞNG")
_TITLE_RE = re.compile(r"^(PHÓ\s+|Q\.\s*|QUYỀN\s+)?(" + "|".join(map(re.escape, _TITLE_WORDS)) + r")\b")
_SIGNED_RE = re.compile(r"^[\[(]?\s*(đã ký|Đã ký|ĐÃ KÝ|ký|Ký|signed|daky|Ký tên|Chữ ký)[^\])]*[\])]?$|^[\[\]()]+$")
# Common family names, to tell a signer's name written in capitals from a body's name.
_SURNAMES = {"NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "HUỲNH", "PHAN", "VŨ", "VÕ", "ĐẶNG", "BÙI", "ĐỖ", "HỒ", "NGÔ",
             "DƯƠNG", "LÝ", "ĐINH", "ĐÀO", "ĐOÀN", "TRỊNH", "LƯƠNG", "MAI", "TRƯƠNG", "LÂM", "HÀ", "CAO", "LƯU",
             "TÔ", "TẠ", "CHÂU", "QUÁCH", "THÁI", "VƯƠNG", "TRIỆU", "LA", "HẦU", "NÔNG", "LỤC", "KIỀU", "TỐNG", "MẠC",
             "ÔNG", "TĂNG", "VI", "HOÀNG", "ÂU", "KHỔNG", "THÂN", "PHÙNG", "DIỆP", "ĐÀM", "LẠI", "QUAN", "CHU", "TIÊU"}
_NAME_RE = re.compile(r"^[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]"
                      r"[\wÀ-ỹ]*(?:\s+[A-ZĐÂĂÊÔƠƯÀ-Ỹ][\wÀ-ỹ]*){1,5}$")
_RECIPIENTS_RE = re.compile(r"^Nơi nhận\s*:?\s*", re.I)


def load_curated(corpus_dir: Path) -> dict:
    p = Path(corpus_dir) / METADATA_FILE
    if not p.exists():
        return {}
    try:
        return json.loads(p.read_text(encoding="utf-8")).get("documents", {})
    except json.JSONDecodeError as e:
        raise ValueError(f"{p}: invalid JSON ({e})") from None


# --- reading ---------------------------------------------------------------------------------------------------

# The national motto, which a website may wrap anywhere ("CỘNG\nHÒA XÃ HỘI …", "CỘNG HOÀ XÃ\nHỘI …") or put on the
# same line as the issuing body when it flattens the two header columns with spaces.
_QUOC_HIEU_ANY_RE = re.compile(r"C[ỘO]NG\s+H[OÒ][AÀ]?\s+X[ÃA]\W*\s*H[ỘO]I\s+CH[ỦU]\s+NGH[ĨI]A\s+VI[ỆE]T\s+NAM"
                               r"|Độc\s+lập\s*[-–]?\s*Tự\s+do\s*[-–]?\s*Hạnh\s+phúc|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM")
_SITE_SPLIT_RE = re.compile(r"\s+(?=(?:Số hiệu|Loại văn bản|Nơi ban hành|Cơ quan ban hành|Người ký|Ngày ban hành|"
                            r"Ngày hiệu lực|Ngày công báo|Số công báo|Tình trạng|Lĩnh vực|Ngày hết hiệu lực)\s*:)")


def cells_of(text: str) -> list[str]:
    """The text's non-empty cells, in reading order: lines, split further where a flattened table put "|", where
    the motto shares a line with the issuing body, and where a website's table puts several "Key: value" on a line."""
    text = _QUOC_HIEU_ANY_RE.sub(lambda m: "\n" + re.sub(r"\s+", " ", m.group(0)) + "\n", text)
    out = []
    for line in text.splitlines():
        for cell in line.split("|"):
            for part in _SITE_SPLIT_RE.split(cell):
                c = normalize(strip_markdown(part)[0])
                if c:
                    out.append(c)
    return out


def _place(s: str) -> str:
    """The địa danh before ", ngày …", without what a joined neighbouring cell put in front of it."""
    return re.split(r"[_–—=*]{2,}|-{2,}|Hạnh phúc|HẠNH PHÚC", s)[-1].strip(" -–|")


def _iso(d, m, y) -> str | None:
    d, m, y = int(d), int(m), int(y)
    return f"{y:04d}-{m:02d}-{d:02d}" if 1 <= d <= 31 and 1 <= m <= 12 and 1945 <= y <= 2100 else None


def _type_line(cell: str) -> str | None:
    """ "QUYẾT ĐỊNH", "NGHỊ QUYẾT:", "KẾ HOẠCH HÀNH ĐỘNG" -> the type it names (title case)."""
    c = re.sub(r"\s*\d{1,2}$", "", cell).rstrip(": ").strip()  # footnote number glued to the title
    if c in _TYPE_OF_UPPER:
        return _TYPE_OF_UPPER[c]
    for t in sorted(_TYPE_OF_UPPER, key=len, reverse=True):
        if c.startswith(t + " ") and is_upper(c) and len(c.split()) <= len(t.split()) + 2 \
                and not _OF_BODY_RE.match(c[len(t):].strip()) and not c[len(t):].strip().startswith(("CỦA", "VỀ")):
            return _TYPE_OF_UPPER[t]  # "KẾ HOẠCH HÀNH ĐỘNG", "QUY CHẾ LÀM" (a title wrapped after its first word)
    return None


def type_from_number(number: str | None) -> str | None:
    """Tên loại from the ký hiệu: 30/2020/NĐ-CP -> Nghị định, 12/KH-UBND -> Kế hoạch, 51/2024/QH15 -> Luật,
    62-KL/TW -> Kết luận, 123/UBND-VX -> Công văn."""
    if not number:
        return None
    m = re.match(r"^\d+(?:/\d{4})?[/-](?P<code>.+)$", number)
    if not m:
        return None
    parts = re.split(r"[-/]", m.group("code"))
    first = parts[0]
    if re.fullmatch(r"QH\d*", first):
        return "Luật"  # a Nghị quyết of the Quốc hội has the same ký hiệu; its type line tells them apart
    if re.fullmatch(r"UBTVQH\d*", first):
        return "Nghị quyết"
    if first in TYPE_CODES:
        return TYPE_CODES[first]
    if first.upper() in {k.upper() for k in TYPE_CODES} and first.upper() not in ("ND", "QD"):
        return next(v for k, v in TYPE_CODES.items() if k.upper() == first.upper())
    if len(parts) >= 1 and re.fullmatch(r"[A-ZĐ][A-Za-zĐđ]*", first):
        return "Công văn"
    return None


_BODY_HEADS = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "BAN THƯỜNG VỤ", "BAN CHẤP HÀNH", "THỦ TƯỚNG CHÍNH PHỦ",
               "ỦY BAN THƯỜNG VỤ QUỐC HỘI", "MẶT TRẬN TỔ QUỐC")
_HAS_LOCALITY_RE = re.compile(r"\b(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ(?! HỘI)|PHƯỜNG|THỊ TRẤN|TRUNG ƯƠNG)\b"
                              r"|\b(TỈNH|THÀNH|HUYỆN|QUẬN|THỊ|ĐẢNG) ỦY\b")


def _units(lines: list[str]) -> list[str]:
    """Issuing-body lines joined where one name wraps ("ỦY BAN NHÂN DÂN" / "TỈNH NINH THUẬN", "BỘ LAO ĐỘNG -
    THƯƠNG BINH" / "VÀ XÃ HỘI"), then each distinct name once (a flattened two-column header repeats it)."""
    units: list[str] = []
    for ln in lines:
        ln = ln.strip(" *")
        if not ln:
            continue
        prev = units[-1] if units else None
        wraps = prev is not None and (
            any(h.startswith(prev + " ") for h in _BODY_HEADS)  # "ỦY" / "BAN NHÂN DÂN", "ỦY BAN NHÂN" / "DÂN"
            or
            re.match(r"^(VÀ|&|-|CỦA)\s", ln) or re.search(r"(\sVÀ|-|,|\sCỦA)$", prev)
            or (re.match(r"^(TỈNH|THÀNH PHỐ|TP\.?|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|ĐẶC KHU)\s+(?!ỦY\b)", ln)
                and not _HAS_LOCALITY_RE.search(prev)))
        if wraps:
            units[-1] = f"{prev} {ln}"
        else:
            units.append(ln)
    out: list[str] = []
    for u in units:
        u = re.sub(r"\s+", " ", u)
        if u not in out:
            out.append(u)
    return out


def read_header(cells: list[str]) -> dict:
    """Fields the header states, from the document's first cells. Keys: number, type, date, place, issuer and
    superior (as written), title, site (what a website's table stated), code_type (the type a blank number's ký
    hiệu names), named_issuer (party layout: "CỦA BAN THƯỜNG VỤ …" under the type line)."""
    out: dict = {"number": None, "type": None, "date": None, "place": None, "issuer": None, "superior": None,
                 "title": None, "site": {}, "code_type": None}
    cells = list(cells)
    body_lines: list[str] = []
    type_idx = last_field = None
    i, n = 0, min(len(cells), 80)
    site = out["site"]
    while i < n:
        c = cells[i]
        km = _SITE_KEY_RE.match(c)
        if km and (km.group("v") or (i + 1 < n and not _SITE_KEY_RE.match(cells[i + 1]))):
            key = _SITE_KEYS[km.group("k").lower()]
            value = km.group("v") or cells[i + 1]
            if not km.group("v"):
                i += 1
            if key and value and key not in site:
                site[key] = value.strip()
            i += 1
            continue
        if type_idx is None and (t := _type_line(c)) and is_upper(c):
            if c.rstrip().endswith(":") and (out["number"] or out["date"]):
                break  # "QUYẾT ĐỊNH:" opens the body (the enacting formula), it is not the tên loại
            type_idx = i
            out["type"] = out["type"] or t  # a consolidated text keeps its own type
            i += 1
            break
        if out["number"] is None and (m := _NUMBER_RE.search(c) or _NUMBER_RE.search(" ".join(cells[i:i + 2]))):
            if _NUMBER_RE.search(c) or re.match(r"^(Luật\s+)?Số", c, re.I):
                number = references.clean_number(m.group("n"))
                step = 1 if _NUMBER_RE.search(c) else 2
                # a long ký hiệu wrapped after a hyphen ("01/2022/TTLT-VKSNDTC-" / "TANDTC-BCA-BQP")
                if c.rstrip().endswith("-") and i + step < n and re.fullmatch(r"[A-ZĐ][\wĐ-]*", cells[i + step]):
                    number += "-" + cells[i + step]
                    step += 1
                out["number"] = number
                last_field = i + step - 1
                rest = c[m.end():].strip(" |") if _NUMBER_RE.search(c) else ""
                if rest:  # "Số: 73/UBND-TH Hậu Giang, ngày …": the other column on the same line
                    cells = cells[:i + step] + [rest] + cells[i + step:]
                    n = min(len(cells), 80)
                i += step
                continue
        if out["number"] is None and (m := _BLANK_NUMBER_RE.search(c)):
            out["code_type"] = type_from_number("0/" + re.sub(r"\s+", "", m.group("code")))
        joined = " ".join(cells[i:i + 2]) if len(c.split()) <= 4 and not is_upper(c) else c  # "Tam" / "Kỳ, ngày …"
        if out["date"] is None and (m := _PLACE_DATE_RE.match(c) or _PLACE_DATE_RE.match(joined)):
            out["date"] = _iso(m.group("d"), m.group("m"), m.group("y"))
            out["place"] = _place(m.group("place"))
            i += 1 if _PLACE_DATE_RE.match(c) else 2
            last_field = i - 1
            continue
        if (s := _SUBJECT_RE.match(c)) and out["title"] is None:
            out["title"] = s.group("t").strip()
            out["type"] = out["type"] or "Công văn"
            j = i + 1
            while j < n and not is_upper(cells[j]) and not _PLACE_DATE_RE.search(cells[j]) \
                    and not _BODY_START_RE.match(cells[j]) and not cells[j].startswith("Kính gửi") \
                    and cells[j][:1].islower():
                out["title"] += " " + cells[j]
                j += 1
            i = j
            continue
        if _BODY_START_RE.match(c) and (out["number"] or out["date"] or body_lines):
            break
        if is_upper(c) and not (_QUOC_HIEU_RE.match(c) or _SEPARATOR_RE.match(c) or _URGENCY_RE.match(c)
                                or re.fullmatch(r"[\d\s.,]+", c) or re.match(r"^(Số|SỐ)\b", c)):
            g = _GAZETTE_LABEL_RE.match(c)
            if g:
                if g.group(2) == "HỢP NHẤT":
                    out["type"] = "Văn bản hợp nhất"
                    rest = c[g.end():].strip(" -–")
                    if rest:
                        out["site"].setdefault("issuer", rest)
            elif out["date"] is None or out["number"] is None:
                body_lines.append(c)
        i += 1
    # tên loại và trích yếu: the lines after the type line (or, where a website dropped the type line, after the
    # date), up to the authority line or the body
    start, parts = None, []
    if type_idx is not None:
        start = type_idx + 1
        extra = _type_line_rest(cells[type_idx])
        if extra:
            parts.append(extra)  # "QUY CHẾ LÀM" / "VIỆC CỦA …": the title starts on the type line
        if start < len(cells) and (m := _OF_BODY_RE.match(cells[start])):
            out["named_issuer"] = m.group(1)  # party layout: "NGHỊ QUYẾT" / "CỦA BAN THƯỜNG VỤ TỈNH ỦY" / trích yếu
            start += 1
    elif last_field is not None and out["title"] is None:
        start = last_field + 1
        while start < len(cells) and not is_upper(cells[start]) and not _BODY_START_RE.match(cells[start]):
            start += 1  # a website's leftovers between the date and the title
    if start is not None and out["title"] is None:
        j = start
        while j < len(cells) and len(parts) < 12:
            c = cells[j]
            if (_BODY_START_RE.match(c) and (parts or re.match(r"^(Căn cứ|CĂN CỨ|Điều|Chương|CHƯƠNG|I\W|1\.)", c))) \
                    or c.startswith(("(Ban hành kèm", "(Kèm theo", "(kèm theo", "Kính gửi")) \
                    or _SEPARATOR_RE.match(c) or _SITE_KEY_RE.match(c) or _QUOC_HIEU_RE.match(c):
                break
            if not re.search(r"[^\W\d_]", c):  # "2020" ending a wrapped title line
                if parts:
                    parts.append(c)
                j += 1
                continue
            if parts and is_upper(c) != is_upper(parts[-1]) and not c[:1].islower():
                break  # "THỦ TƯỚNG CHÍNH PHỦ" under a sentence-case trích yếu: the authority line
            if is_upper(c) and _AUTHORITY_LINE_RE.match(c) and (parts or type_idx is None) \
                    and not _TITLE_CONT_RE.search(parts[-1] if parts else ""):
                break  # "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH": the authority line
            if type_idx is None and not parts and not is_upper(c):
                break
            parts.append(c)
            j += 1
        if parts:
            out["title"] = " ".join(parts)
    units = _units(body_lines)
    if units:
        out["issuer"] = units[-1]
        out["superior"] = units[-2] if len(units) >= 2 else None
    return out


# The thẩm quyền ban hành line under the title ("ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH
# AN GIANG", "HỘI ĐỒNG NHÂN DÂN TỈNH PHÚ YÊN", "THỦ TƯỚNG CHÍNH PHỦ").
_AUTHORITY_LINE_RE = re.compile(r"^(CHỦ TỊCH\s+)?(ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|BỘ TRƯỞNG|THỦ TƯỚNG|BAN THƯỜNG VỤ|"
                                r"BAN CHẤP HÀNH|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|GIÁM ĐỐC|CHÍNH PHỦ|QUỐC HỘI|ỦY BAN THƯỜNG VỤ)"
                                r"(\s+(TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN|KHÓA|KHOÁ|BỘ|CHÍNH PHỦ|QUỐC HỘI)\b.*)?$")
_OF_BODY_RE = re.compile(r"^CỦA\s+((?:BAN|ỦY BAN|HỘI ĐỒNG|TỈNH ỦY|THÀNH ỦY|HUYỆN ỦY|ĐẢNG ỦY|BỘ)\b(?:\s+(?!V/V|VỀ)\S+){0,6})$")


def _type_line_rest(cell: str) -> str | None:
    c = re.sub(r"\s*\d{1,2}$", "", cell).rstrip(": ").strip()
    for t in sorted(_TYPE_OF_UPPER, key=len, reverse=True):
        if c.startswith(t + " "):
            rest = c[len(t):].strip()
            return None if _TYPE_OF_UPPER.get(c) else rest
    return None


_TITLE_CONT_RE = re.compile(r"(\sVÀ|,|-|\sCỦA|\sTẠI|\sVỀ|\sTRÊN)$")


def read_signature(cells: list[str]) -> tuple[str | None, str | None]:
    """The first signature block (chức vụ lines, then the signer's name) after the header: (signer, title)."""
    i = 0
    while i < len(cells):
        c = cells[i]
        if (_AUTHORITY_RE.match(c) and is_upper(c)) or (_TITLE_RE.match(c) and is_upper(c) and len(c.split()) <= 8):
            parts = [c]
            j = i + 1
            while j < len(cells) and j <= i + 12:
                d = cells[j]
                if _SIGNED_RE.match(d) or _SEPARATOR_RE.match(d) or re.match(r"^[-+•]\s*\S", d) \
                        or _RECIPIENTS_RE.match(d):
                    j += 1  # a stamp, or the recipients' column interleaved with the signature's
                    continue
                if is_upper(d) and (_AUTHORITY_RE.match(d) or _TITLE_RE.match(d)) and len(d.split()) <= 8:
                    parts.append(d)
                elif is_upper(d) and len(d.split()) <= 6 and d.split()[0] not in _SURNAMES:
                    parts[-1] += " " + d  # a chức vụ wrapped over two lines
                elif (_NAME_RE.match(d) and not is_upper(d) and not d.startswith(("Nơi", "Kính"))) or \
                        (is_upper(d) and _NAME_RE.match(d.title()) and d.split()[0] in _SURNAMES):
                    name = d if not is_upper(d) else " ".join(w.capitalize() for w in d.split())
                    return name, ", ".join(parts)
                else:
                    break
                j += 1
            i = j if j > i else i + 1
            continue
        i += 1
    return None, None


def read_recipients(cells: list[str]) -> list[str]:
    """The "Nơi nhận:" list (the left column of the closing block)."""
    for i, c in enumerate(cells):
        m = _RECIPIENTS_RE.match(c)
        if not m:
            continue
        out = []
        for d in cells[i + 1:i + 40]:
            if re.match(r"^[-+•]\s*", d):
                out.append(re.sub(r"^[-+•]\s*", "", d).rstrip(";,. "))
            elif out and d[:1].islower():
                out[-1] += " " + d.rstrip(";,. ")
            elif _AUTHORITY_RE.match(d) or _TITLE_RE.match(d) or _SIGNED_RE.match(d) or (is_upper(d) and out):
                continue  # the signature column, interleaved with the list
            elif out:
                break
        return out
    return []


def _header_block_elsewhere(cells: list[str], h: dict) -> None:
    """PDF text extraction sometimes puts the header block (issuing body, số, quốc hiệu, địa danh và ngày) after
    the first page's body. When the top of the text has neither number nor date, take them from the first block
    further on where the motto stands next to a "Số: …" line and a place-and-date line."""
    for q in range(12, min(len(cells), 300)):
        if not _QUOC_HIEU_RE.match(cells[q]) or not cells[q].upper().startswith("CỘNG H"):
            continue
        window = cells[max(0, q - 4):q + 5]
        if not (any(_NUMBER_RE.search(c) for c in window) and any(_PLACE_DATE_RE.match(c) for c in window)):
            continue
        block = read_header(window)
        for k in ("number", "date", "place", "issuer", "superior"):
            if h.get(k) is None and block.get(k):
                h[k] = block[k]
        return


def _is_consolidation(cells: list[str]) -> bool:
    """A consolidated text opens with the consolidated document "…, được sửa đổi, bổ sung bởi:" and has no
    number of its own in the header."""
    head = " ".join(cells[:40])
    return bool(re.search(r"được sửa đổi,? bổ sung bởi\s*:", head)) and not _NUMBER_RE.search(" ".join(cells[:12]))


def _find_consolidation(cells: list[str]) -> dict:
    """A consolidated text (văn bản hợp nhất) is numbered and dated in its authentication block at the end."""
    for i, c in enumerate(cells):
        if c.startswith("XÁC THỰC VĂN BẢN HỢP NHẤT"):
            win = cells[max(0, i - 4):i + 6]
            out = {"type": "Văn bản hợp nhất"}
            for w in win:
                if (m := _NUMBER_RE.search(w)) and "VBHN" in w:
                    out["number"] = references.clean_number(m.group("n"))
                if (m := _PLACE_DATE_RE.search(w)) and "date" not in out:
                    out["date"] = _iso(m.group("d"), m.group("m"), m.group("y"))
                    out["place"] = _place(m.group("place"))
            k = i - 1
            while k >= max(0, i - 4) and not is_upper(cells[k]):
                k -= 1
            if k >= 0 and is_upper(cells[k]) and not _NUMBER_RE.search(cells[k]):
                out["issuer"] = cells[k]
            signer, title = read_signature(cells[i + 1:i + 10])
            out["signer"], out["signer_title"] = signer, title
            return out
    return {}


def read_document(text: str, doc_type_hint: str | None = None) -> dict:
    """Every metadata field the document states about itself (None where it states nothing)."""
    cells = cells_of(text)
    h = read_header(cells)
    if h["number"] is None and h["date"] is None:
        _header_block_elsewhere(cells, h)
    site = h["site"]
    meta: dict = {k: None for k in FIELDS + NEW_FIELDS}
    evidence: dict = {}
    inferred: list[str] = []
    meta["number"] = h["number"] or (references.clean_number(site["number"]) if site.get("number") else None)
    if h["type"] != "Văn bản hợp nhất" and _is_consolidation(cells):
        h["type"] = "Văn bản hợp nhất"
    consolidated = _find_consolidation(cells) if (h["type"] == "Văn bản hợp nhất" or "VBHN" in text) else {}
    if consolidated.get("number") or h["type"] == "Văn bản hợp nhất":
        for k, v in consolidated.items():
            if v:
                meta[k] = v
    meta["type"] = meta["type"] or h["type"] or (site.get("type") and site["type"].strip().capitalize()) \
        or type_from_number(meta["number"]) or h["code_type"]
    if meta["type"] == "Luật" and h["type"] is None and meta["number"] and not re.search(r"/QH\d*$", meta["number"]):
        meta["type"] = type_from_number(meta["number"])
    meta["date"] = meta["date"] or h["date"] or _site_date(site.get("date"))
    meta["place"] = meta["place"] or h["place"]
    if meta["date"] is None:
        if m := _PASSED_RE.search(normalize(" ".join(cells[-80:]))):  # a law: "… thông qua ngày …"
            meta["date"] = _iso(m.group("d"), m.group("m"), m.group("y"))
    issuer_raw = meta["issuer"] or h["issuer"] or h.get("named_issuer")
    superior_raw = h["superior"] if not meta["issuer"] else None
    if issuer_raw and not superior_raw and bodies.locality([issuer_raw]).level is None \
            and re.fullmatch(r"(ỦY BAN NHÂN DÂN|HỘI ĐỒNG NHÂN DÂN|UBND|HĐND)", issuer_raw):
        # a website dropped the locality line under the body's name: the document still names it, in the
        # authority line under the title, the website's own table, or its địa danh
        completed, source = _complete_locality(issuer_raw, cells, site, h["place"])
        if completed:
            issuer_raw = completed
            inferred.append("issuer")
            evidence["issuer"] = source
    if issuer_raw is None and site.get("issuer"):
        issuer_raw = site["issuer"]
    units = [u for u in (superior_raw, issuer_raw) if u]
    if issuer_raw:
        name = bodies.normal_case(issuer_raw)
        if superior_raw and bodies.is_generic(name):
            name = f"{name} {bodies.normal_case(superior_raw)}"  # "Ban Thường vụ" + "Tỉnh ủy Quảng Ngãi"
        meta["issuer"] = name
    meta["superior"] = bodies.normal_case(superior_raw) if superior_raw else None
    loc = bodies.locality(units) if units else bodies.Locality(None, None)
    meta["level"] = loc.level
    meta["province"] = loc.province
    if meta["province"] is None and loc.level != "trung ương" and meta["place"]:
        p = gazetteer.canonical(meta["place"])
        if p:
            meta["province"] = p
            evidence["province"] = f"địa danh “{meta['place']}”"
            if meta["level"] is None and not _central_context(meta):
                # the địa danh of a provincial body is its province's name (Nghị định 30/2020/NĐ-CP, Phụ lục I)
                meta["level"] = "tỉnh"
                inferred.append("level")
                evidence["level"] = f"địa danh “{meta['place']}” là tên tỉnh/thành phố"
    if meta["province"] is None and loc.level not in ("trung ương",) and issuer_raw:
        # a district or commune body names its province further on ("… trên địa bàn tỉnh Quảng Ngãi")
        found = gazetteer.find(" ".join(cells[:200]))
        if found and loc.level in ("huyện", "xã", None) and not _central_context(meta):
            meta["province"] = found[0].name
            inferred.append("province")
            evidence["province"] = f"văn bản nêu “{found[0].full_name}”"
    if loc.level and loc.evidence:
        evidence.setdefault("level", f"cơ quan ban hành “{bodies.normal_case(loc.evidence)}”")
    meta["title"] = h["title"]
    if meta["type"] == "Văn bản hợp nhất" and meta["title"]:
        # the title is followed by the consolidation formula ("Luật … số … ngày …, được sửa đổi, bổ sung bởi:")
        cut = re.search(r"\s(?:Luật|Bộ luật|Nghị định|Thông tư|Quyết định|Nghị quyết|Pháp lệnh)\b[^;:]{0,200}?\bsố\s+\d",
                        meta["title"])
        meta["title"] = meta["title"][:cut.start()].strip() if cut else meta["title"]
    signer, title = read_signature(cells[_header_end(cells):])
    if consolidated.get("signer"):
        signer, title = consolidated["signer"], consolidated.get("signer_title")
    meta["signer"] = signer or (site.get("signer") if site.get("signer") else None)
    meta["signer_title"] = title
    meta["recipients"] = read_recipients(cells) or None
    meta["inferred"] = inferred
    meta["evidence"] = evidence
    return meta


def _complete_locality(body: str, cells: list[str], site: dict, place: str | None) -> tuple[str | None, str | None]:
    """ "ỦY BAN NHÂN DÂN" -> "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ", from the first of: the authority line that repeats the
    body with its locality, the website table's issuing place ("Tỉnh Thanh Hóa"), the địa danh when it is a
    province's name (Nghị định 30/2020/NĐ-CP: a provincial body's địa danh is its province)."""
    body = {"UBND": "ỦY BAN NHÂN DÂN", "HĐND": "HỘI ĐỒNG NHÂN DÂN"}.get(body, body)
    for c in cells[:60]:
        m = re.match(rf"^(?:CHỦ TỊCH\s+)?{body}\s+((TỈNH|THÀNH PHỐ|HUYỆN|QUẬN|THỊ XÃ|XÃ|PHƯỜNG|THỊ TRẤN)\s+.+)$", c)
        if m and is_upper(c):
            loc = re.split(r"\s+(KHÓA|KHOÁ|KỲ HỌP)\b", m.group(1))[0].strip(" ,-")
            return f"{body} {loc}", f"dòng thẩm quyền “{c}”"
    for value in (site.get("issuer"), place):
        p = gazetteer.get(re.sub(r"^(Tỉnh|Thành phố|tỉnh|thành phố)\s+", "", value)) if value else None
        if p and gazetteer.canonical(value) == p.name:
            return f"{body} {p.full_name.upper()}", f"“{value}”"
    return None, None


def _central_context(meta: dict) -> bool:
    return (meta.get("level") == "trung ương") or bool(meta.get("number") and re.search(r"(CP|TTg|QH\d*|TW)$",
                                                                                       meta["number"]))


def _site_date(value: str | None) -> str | None:
    if not value:
        return None
    m = _DATE_RE.search(value)
    return _iso(m.group("d"), m.group("m"), m.group("y")) if m else None


def _header_end(cells: list[str]) -> int:
    for i, c in enumerate(cells[:120]):
        if _BODY_START_RE.match(c):
            return i
    return min(len(cells), 20)


def preamble_of(cells: list[str]) -> list[str]:
    """The lines between the title and the first unit of the body, where "Căn cứ …" and "Thực hiện …" are."""
    start = _header_end(cells)
    out = []
    for c in cells[start:start + 60]:
        if re.match(r"^(Điều\s+1\b|Chương\s+[IVX1]|Phần\s+(I|thứ)|I\s*[.-]\s|1\.\s|[A-ZĐ ]+:$|QUYẾT ĐỊNH|NGHỊ QUYẾT)",
                    c) and out:
            break
        out.append(c)
    return out


_IMPLEMENTS_RE = re.compile(r"\b\d{1,3}[-/](?:NQ|KL|CT|KH|CTr|QĐ)[-/](?:TW|CP|TU|HU|UBND|TTg)\b")


def from_header(parsed: Parsed, body_text: str, text: str | None = None) -> dict:
    """What the document states about itself; fields it does not state stay None. `text` is the whole (cleaned)
    document; without it only the header and closing lines that `parsed` kept are read."""
    if text is None:
        text = "\n".join([l.text for l in parsed.header] + [body_text[:3000]] + ["Nơi nhận:"]
                         + [f"- {r}" for r in parsed.recipients] + parsed.signature)
    meta = read_document(text)
    if meta["title"] is None and parsed.title:
        meta["title"] = parsed.title
    if meta["type"] is None and parsed.doc_type:
        meta["type"] = _TYPE_OF_UPPER.get(parsed.doc_type.upper(), parsed.doc_type.capitalize())
    cells = cells_of(text)
    refs = references.from_lines(preamble_of(cells), meta["title"]) + references.attached_to("\n".join(cells[:80]))
    refs = [r for r in references.dedupe(refs) if not (r.number and r.number == meta["number"])]
    meta["references"] = [r.to_dict() for r in refs]
    implements = set(_IMPLEMENTS_RE.findall(body_text[:3000]))
    implements |= {r.number for r in refs if r.relation == "implements" and r.number}
    meta["implements"] = sorted(implements) or None
    if meta["recipients"] is None and parsed.recipients:
        meta["recipients"] = parsed.recipients
    return meta


def merge(curated: dict | None, extracted: dict) -> dict:
    """Curated values win; a field only the header gives is marked as extracted automatically."""
    if curated:
        out = {k: curated.get(k) for k in FIELDS}
        out.update({k: v for k, v in curated.items() if k not in FIELDS})
        # fields the curated file does not describe come from the document itself
        for k in NEW_FIELDS:
            out.setdefault(k, extracted.get(k))
        out["metadata_source"] = "curated"
        return out
    out = dict(extracted)
    out.setdefault("inferred", [])
    out.setdefault("evidence", {})
    out["metadata_source"] = "header"
    return out
