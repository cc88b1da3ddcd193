"""The numbering of Vietnamese documents: which line opens which kind of unit, how deep it sits, and how its
path segment and citation read.

Normative documents follow the legal-drafting layout (Phần, Chương, Mục, Tiểu mục, Điều, khoản "1.",
điểm "a)", dashes); plans and other administrative documents use "A.", "I.", "1.", "1.1.", "a)", "(1)",
"-"/"+". A line is recognised here without context; the parser (structure.py) decides, with context, whether a
"1." is a khoản of an Điều or a numbered item of a plan."""
from __future__ import annotations

import re

_ROMAN = "[IVXLC]{1,7}"
_TITLE_END = r"(?=$|\s|[.:\-–])"

# Headings of normative documents (and appendices), recognised by their keyword.
HEADINGS = [
    ("part", re.compile(r"^(?:PHẦN|Phần)\s+(?P<m>(?:THỨ|thứ)\s+[^\s.:]+(?:\s+(?:MỐT|MỘT|HAI|BA|TƯ|BỐN|NĂM|LĂM|SÁU|BẢY|"
                        r"TÁM|CHÍN|một|mốt|hai|ba|tư|bốn|năm|lăm|sáu|bảy|tám|chín)\b)?|" + _ROMAN + r"|\d{1,2})"
                        + _TITLE_END)),
    ("chapter", re.compile(r"^(?:CHƯƠNG|Chương)\s+(?P<m>" + _ROMAN + r"|\d{1,3})" + _TITLE_END)),
    ("subsection", re.compile(r"^(?:TIỂU MỤC|Tiểu mục)\s+(?P<m>\d{1,2}|" + _ROMAN + ")" + _TITLE_END)),
    ("section", re.compile(r"^(?:MỤC|Mục)\s+(?P<m>\d{1,2}|" + _ROMAN + ")" + _TITLE_END)),
    # "Điều 5.", "Điều 48b.", and the codified law's (Pháp điển) "Điều 5.2.LQ.9.", "Điều 14.3.TT.11.11."
    ("article", re.compile(r"^(?:ĐIỀU|Điều)\s+(?P<m>\d{1,3}[a-zđ]?(?:\.\d{1,3}\.[A-ZĐ]{2,4}(?:\.\d{1,3}){1,3})?)"
                           r"\s*(?:[.:](?=\s|$)|$)")),  # "## Điều 1" alone on its line (Markdown) too
    ("form", re.compile(r"^(?:MẪU|Mẫu)(?:\s+(?:SỐ|số))?\s*(?P<m>(?:\d{1,3}|[A-Z]{1,3}\s?\d{0,3}|" + _ROMAN + r")"
                        r"(?:[./\-][\w.]{1,12})?)\s*[.:\-–]?(?=\s|$)")),
    ("appendix", re.compile(r"^(?:PHỤ LỤC|Phụ lục)(?:\s+(?:SỐ|số)?\s*(?P<m>" + _ROMAN + r"|\d{1,2}[a-z]?|[A-Z]))?"
                            r"\s*[.:\-–]?(?=\s|$)")),
]

# Numbering of plans (and of khoản/điểm inside an article), outermost first.
NUMBERING = [
    ("upper", re.compile(r"^(?P<m>[A-HJ-UWYZĐ])\.\s+(?=\S)")),  # not I, V, X: those are roman
    ("roman", re.compile(r"^(?P<m>[IVX]{1,4})\s*[.\-]\s*(?=\S)")),
    ("decimal", re.compile(r"^(?P<m>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=\S)")),
    ("number", re.compile(r"^(?P<m>\d{1,2})\.\s+(?=\S)")),
    ("letter", re.compile(r"^(?P<m>[a-zđ])\)\s*(?=\S)")),
    ("letter", re.compile(r"^(?P<m>[a-zđ])\.\s+(?=[A-ZĐÀ-Ỹ])")),
    ("paren", re.compile(r"^\((?P<m>\d{1,2})\)\s*(?=\S)")),
    ("dash", re.compile(r"^(?P<m>[-+•–])\s*(?=[^\s\-])")),
]

# "(Ban hành kèm theo Quyết định số …)": the line under an attached document's title
ATTACHED_RE = re.compile(r"^\(?\s*(?:\d+\s*)?(?:Ban hành|Được ban hành|Phê duyệt|BAN HÀNH)?\s*(?:kèm|Kèm|KÈM)\s+(?:theo|THEO)\b")

# Nesting rank: a unit is the child of the nearest open unit of a lower rank.
RANK = {"part": 0, "appendix": 0, "form": 0.5, "chapter": 1, "section": 2, "subsection": 3, "article": 4, "upper": 5,
        "roman": 6, "number": 7, "clause": 7, "decimal": 7, "letter": 8, "point": 8, "paren": 9, "dash": 10,
        "table": 6, "table_group": 7, "table_row": 8}

# Words that, at the end of a line, mean the next line continues the same sentence ("…quy định tại / Điều 5.").
_CONTINUES = re.compile(r"(?:\btại|\btheo|\bcủa|\bvà|\bhoặc|\bvới|\bthuộc|\bkhoản\s+\d+|\bđiểm\s+[a-zđ]|\bcác|"
                        r"\bsố|\bĐiều|\bChương|\bMục|,)\s*$")

# Names written with a dash that PDF and web exports often break at the dash ("Sở Lao động / - Thương binh và Xã
# hội"): a line starting with the second half continues the previous line, it is not a bullet.
_DASHED_NAMES = [("lao dong", "thuong binh"), ("kinh te", "xa hoi"), ("kinh te", "ky thuat"), ("chinh tri", "xa hoi"),
                 ("van hoa", "the thao"), ("tai chinh", "ke hoach"), ("tai nguyen", "moi truong"),
                 ("khoa hoc", "cong nghe"), ("chinh tri", "hanh chinh"), ("kinh te", "ha tang"),
                 ("dan so", "ke hoach hoa"), ("nong nghiep", "phat trien"), ("quoc phong", "an ninh"),
                 ("doc lap", "tu do"), ("tu do", "hanh phuc"), ("cong nghiep", "thuong mai")]

_ORDINAL = {"nhất": 1, "một": 1, "mốt": 1, "nhì": 2, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "lăm": 5,
            "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}
_ROMAN_VAL = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(s: str) -> int | None:
    if not s or any(c not in _ROMAN_VAL for c in s):
        return None
    total = 0
    for a, b in zip(s, s[1:] + " "):
        v = _ROMAN_VAL[a]
        total += -v if b in _ROMAN_VAL and _ROMAN_VAL[b] > v else v
    return total


def ordinal(label: str) -> str:
    """ "II" -> "2", "thứ nhất" -> "1", "3" -> "3" (path segments use arabic numbers)."""
    s = label.strip()
    if s.isdigit():
        return str(int(s))
    if (r := roman_to_int(s)) is not None:
        return str(r)
    words = s.lower().split()
    if words and words[0] == "thứ":
        vals = [_ORDINAL.get(w) for w in words[1:]]
        if vals and all(v is not None for v in vals):
            return str(sum(vals) if vals[0] == 10 else vals[0] * 10 + sum(vals[1:]) if len(vals) > 1 else vals[0])
    return s


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) / len(letters) > 0.8


def match_heading(text: str) -> tuple[str, str, str] | None:
    """(kind, label, rest) for a Phần/Chương/Mục/Tiểu mục/Điều/Phụ lục heading line."""
    for kind, rx in HEADINGS:
        m = rx.match(text)
        if not m:
            continue
        rest = text[m.end():].strip()
        label = m.group("m") or ""
        if kind == "article":
            # "Điều 5. Phạm vi…" / "Điều 5." (title on the next line); not "Điều 5. của Luật" running text
            if rest and not (rest[0].isupper() or rest[0] in "“\"(" or rest[0].isdigit()):
                return None
        elif kind in ("appendix", "form"):
            # "PHỤ LỤC I", "Phụ lục 02: DANH MỤC…"; not a wrapped sentence starting "Phụ lục kèm theo…"
            body = rest.lstrip(".:-– ")
            if not (text[:7] == "PHỤ LỤC" or not body or _is_upper(body) or rest[:1] in ".:-–"):
                return None
        else:
            body = rest.lstrip(".:-– ")
            if body and not (_is_upper(body) or rest[:1] in ".:-–"):
                return None  # "Chương II của Luật này", "Mục 2 quy định…" are references, not headings
        return kind, label, rest
    return None


def match_numbering(text: str) -> tuple[str, str, str] | None:
    for kind, rx in NUMBERING:
        m = rx.match(text)
        if m:
            return kind, m.group("m"), text[m.end():].strip()
    return None


def match(text: str) -> tuple[str, str, str] | None:
    """The unit a line opens, without context: (kind, label, rest)."""
    return match_heading(text) or match_numbering(text)


def dashed_name_continues(prev_text: str, text: str) -> bool:
    """ "…Sở Lao động" + "- Thương binh và Xã hội…": the dash joins a name broken across lines."""
    from .clean import fold

    if not re.match(r"^[-–]\s*\S", text) or prev_text.rstrip().endswith(tuple(".:;!?")):
        return False
    a, b = fold(prev_text).rstrip(), fold(text.lstrip("-– "))
    return any(a.endswith(x) and b.startswith(y) for x, y in _DASHED_NAMES)


def continues(prev_text: str) -> bool:
    """The previous line stops mid-reference, so a heading-like next line is its continuation."""
    return bool(_CONTINUES.search(prev_text))


def strip(text: str) -> str:
    """The text without its leading marker."""
    for _, rx in HEADINGS + NUMBERING:
        m = rx.match(text)
        if m:
            return text[m.end():].lstrip(" .:-–")
    return text
