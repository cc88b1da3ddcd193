"""The documents a document stands on: "Căn cứ …" (based_on), "Thực hiện …" (implements), "Ban hành kèm theo
Quyết định số …" (attached_to), a title that amends another document (amends), and other documents its
preamble names (mentions); each with its type, number, date and issuer."""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .clean import normalize

RELATIONS = ("based_on", "implements", "attached_to", "amends", "mentions")

_TYPES = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh", "Lệnh", "Nghị định", "Nghị quyết liên tịch", "Nghị quyết",
          "Thông tư liên tịch", "Thông tư", "Quyết định", "Chỉ thị", "Kết luận", "Kế hoạch", "Chương trình hành động",
          "Chương trình", "Đề án", "Công văn", "Văn bản", "Thông báo", "Hướng dẫn", "Quy định", "Quy chế", "Báo cáo",
          "Công điện", "Tờ trình", "Văn bản hợp nhất", "Điều lệ", "Thông tri")
# "số 12/2024/NĐ-CP", "số 62-KL/TW", "12/KH-UBND"
NUMBER = r"\d{1,6}(?:\s*/\s*\d{4})?\s*[/-]\s*[A-ZĐ][A-Za-zĐđ0-9]*(?:\s*[-/]\s*[A-ZĐ][A-Za-zĐđ0-9]*)*(?!\w)"
_NUMBER_RE = re.compile(NUMBER)
_TYPE_RE = "|".join(re.escape(t) for t in sorted(_TYPES, key=len, reverse=True))
# A type word that names a document: followed by "số", a number or a capitalised name ("Luật Tổ chức Chính phủ"),
# not the common noun ("kế hoạch năm").
_TYPE_AT_RE = re.compile(rf"(?<![\w/])(?P<type>{_TYPE_RE})(?=\s+(?:số\b|\d|[A-ZĐ]))")
_DATE_RE = re.compile(r"ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s*|[/.-]\s*)(?P<m>\d{1,2})\s*(?:năm\s*|[/.-]\s*)(?P<y>\d{4})")
_ISSUER_RE = re.compile(r"\bcủa\s+(?P<i>(?:Bộ trưởng\s+|Chủ tịch\s+|Thủ tướng\s+)?[A-ZĐÂƯÔƠÊĂỦ][^,;()]*?)"
                        r"(?=\s+(?:về|quy định|hướng dẫn|ban hành|phê duyệt|sửa đổi|bổ sung|thực hiện|triển khai|"
                        r"đã được|có hiệu lực|tại|đối với)\b|[,;()]|$)")
_RELATION_LEAD = [
    (re.compile(r"^\(?\s*Ban hành kèm theo\b", re.I), "attached_to"),
    (re.compile(r"^Căn cứ\b", re.I), "based_on"),
    (re.compile(r"^(Thực hiện|Triển khai|Để triển khai|Để thực hiện|Tiếp tục thực hiện|Thi hành)\b", re.I), "implements"),
]
_AMENDS_RE = re.compile(r"\b(sửa đổi|bổ sung|bãi bỏ|thay thế|đính chính|điều chỉnh)\b", re.I)
_IMPLEMENTS_TITLE_RE = re.compile(r"\b(thực hiện|triển khai|thi hành)\b", re.I)


@dataclass
class Reference:
    relation: str
    type: str | None
    number: str | None
    date: str | None  # ISO
    issuer: str | None
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


# Text extracted from some PDFs loses its hyphens ("1961/QĐUBND", "30c/NQCP"); a ký hiệu always separates the type
# code from the issuer code, so a code that is exactly a type code glued to a common issuer code gets it back.
_GLUED_RE = re.compile(r"^(?P<head>.*/)(?P<t>QĐ|NĐ|NQ|KH|CT|TT|TB|BC|HD|QC|CTr|KL)(?P<i>UBND|HĐND|CP|TTg|TW|TU|HU|ĐU|UB)$")


def clean_number(n: str) -> str:
    n = re.sub(r"\s+", "", normalize(n)).strip(".,;:")
    return _GLUED_RE.sub(lambda m: f"{m.group('head')}{m.group('t')}-{m.group('i')}", n)


def _iso(m: re.Match) -> str | None:
    d, mo, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    if 1 <= d <= 31 and 1 <= mo <= 12 and 1945 <= y <= 2100:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def mentions(sentence: str, relation: str) -> list[Reference]:
    """Every document a sentence names ("Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ …")."""
    text = normalize(re.sub(r"\s+", " ", sentence))
    starts = list(_TYPE_AT_RE.finditer(text))
    out = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        semi = text.find(";", m.end(), end)
        tail = text[m.end():semi if semi >= 0 else end]
        num = re.match(rf"\s*(?:số\s*:?\s*)?(?P<n>{NUMBER})", tail) or \
            re.search(rf"\bsố\s*:?\s*(?P<n>{NUMBER})", tail[:160])
        number = clean_number(num.group("n")) if num else None
        dm = _DATE_RE.search(tail[:(num.end() + 60) if num else 200])
        if not number and not dm and m.group("type") not in ("Luật", "Bộ luật", "Hiến pháp", "Pháp lệnh"):
            continue
        im = _ISSUER_RE.search(tail[:300])
        # a document named inside another one's description ("… hướng dẫn một số điều của Luật Thống kê") is
        # only mentioned; the sentence's relation is for the documents it lists
        before = text[:m.start()].rstrip()
        listed = i == 0 or before.endswith((";", ",", " và", ":"))
        out.append(Reference(relation if listed else "mentions", m.group("type"), number, _iso(dm) if dm else None,
                             im.group("i").strip() if im else None, (m.group("type") + tail).strip(" ,.;")))
    return out


def relation_of(line: str) -> str | None:
    for rx, rel in _RELATION_LEAD:
        if rx.match(line.strip()):
            return rel
    return None


def from_lines(preamble: list[str], title: str | None = None) -> list[Reference]:
    """References stated in a document's preamble lines (each "Căn cứ …" / "Thực hiện …" sentence, possibly wrapped
    over several lines) and in its title."""
    refs: list[Reference] = []
    sentences: list[tuple[str, str]] = []
    for line in preamble:
        rel = relation_of(line)
        if rel:
            sentences.append((rel, line))
        elif sentences and not sentences[-1][1].rstrip().endswith((";", ".")):
            sentences[-1] = (sentences[-1][0], sentences[-1][1] + " " + line)
    for rel, s in sentences:
        refs.extend(mentions(s, rel))
    if title:
        rel = "amends" if _AMENDS_RE.search(title) else "implements" if _IMPLEMENTS_TITLE_RE.search(title) else "mentions"
        refs.extend(mentions(title, rel))
    return dedupe(refs)


def attached_to(text: str) -> list[Reference]:
    """ "(Ban hành kèm theo Quyết định số 844/QĐ-TTg ngày 13 tháng 5 năm 2026 của Thủ tướng Chính phủ)" anywhere."""
    out = []
    for m in re.finditer(r"\(\s*(?:Ban hành )?[Kk]èm theo\s+(?P<s>[^)]{5,300})\)", text):
        out.extend(mentions(m.group("s"), "attached_to"))
    return out


def dedupe(refs: list[Reference]) -> list[Reference]:
    """One entry per document; a stronger relation (based_on, implements) wins over a mention of the same number."""
    rank = {r: i for i, r in enumerate(RELATIONS)}
    seen: dict[tuple, Reference] = {}
    for r in refs:
        key = (r.type, r.number) if r.number else (r.type, r.text[:80])
        if key not in seen or rank[r.relation] < rank[seen[key].relation]:
            seen[key] = r if key not in seen else Reference(r.relation, r.type, r.number, r.date or seen[key].date,
                                                             r.issuer or seen[key].issuer, seen[key].text)
    return list(seen.values())
