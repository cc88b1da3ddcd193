"""Vietnam's provinces: the 63 provincial-level units before 1 July 2025 and the 34 after the 2025
rearrangement (Nghị quyết 202/2025/QH15), with diacritic-free forms and the abbreviations documents use.

A document keeps the province it was issued in (the old name for a pre-merger document); `successor` and
`predecessors` map between the two sets so that a search for one can match the other."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .clean import fold, normalize


@dataclass(frozen=True)
class Province:
    name: str  # canonical short name, as documents write it after "tỉnh"/"thành phố" ("Khánh Hòa", "Hồ Chí Minh")
    kind: str  # "tỉnh" | "thành phố" (thành phố trực thuộc trung ương)
    before_2025: bool  # one of the 63 units before 1 July 2025
    after_2025: bool  # one of the 34 units from 1 July 2025
    successor: str  # the post-2025 unit it belongs to (itself when unchanged)
    aliases: tuple[str, ...] = field(default=())

    @property
    def full_name(self) -> str:
        return f"{self.kind} {self.name}"


# The 23 units formed by merging (new name: old units, the first one lending its name and seat where it kept them).
MERGED_2025 = {
    "Tuyên Quang": ("Tuyên Quang", "Hà Giang"),
    "Lào Cai": ("Lào Cai", "Yên Bái"),
    "Thái Nguyên": ("Thái Nguyên", "Bắc Kạn"),
    "Phú Thọ": ("Phú Thọ", "Vĩnh Phúc", "Hòa Bình"),
    "Bắc Ninh": ("Bắc Ninh", "Bắc Giang"),
    "Hưng Yên": ("Hưng Yên", "Thái Bình"),
    "Hải Phòng": ("Hải Phòng", "Hải Dương"),
    "Ninh Bình": ("Ninh Bình", "Hà Nam", "Nam Định"),
    "Quảng Trị": ("Quảng Trị", "Quảng Bình"),
    "Đà Nẵng": ("Đà Nẵng", "Quảng Nam"),
    "Quảng Ngãi": ("Quảng Ngãi", "Kon Tum"),
    "Gia Lai": ("Gia Lai", "Bình Định"),
    "Khánh Hòa": ("Khánh Hòa", "Ninh Thuận"),
    "Lâm Đồng": ("Lâm Đồng", "Đắk Nông", "Bình Thuận"),
    "Đắk Lắk": ("Đắk Lắk", "Phú Yên"),
    "Hồ Chí Minh": ("Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"),
    "Đồng Nai": ("Đồng Nai", "Bình Phước"),
    "Tây Ninh": ("Tây Ninh", "Long An"),
    "Cần Thơ": ("Cần Thơ", "Sóc Trăng", "Hậu Giang"),
    "Vĩnh Long": ("Vĩnh Long", "Bến Tre", "Trà Vinh"),
    "Đồng Tháp": ("Đồng Tháp", "Tiền Giang"),
    "Cà Mau": ("Cà Mau", "Bạc Liêu"),
    "An Giang": ("An Giang", "Kiên Giang"),
}
# The 11 units the rearrangement left as they were. Thừa Thiên Huế became thành phố Huế on 1 January 2025.
UNCHANGED_2025 = ("Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
                  "Nghệ An", "Hà Tĩnh", "Cao Bằng")
# Thành phố trực thuộc trung ương (provincial-level cities).
CITIES_BEFORE = {"Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ"}
CITIES_AFTER = CITIES_BEFORE | {"Huế"}

# Other spellings seen in documents (old tone placement and "Đăk"/"Dak" spellings are folded by normalize/fold).
ALIASES = {
    "Hồ Chí Minh": ("TP.HCM", "TP. HCM", "TPHCM", "TP HCM", "HCM", "TP. Hồ Chí Minh", "TP Hồ Chí Minh",
                    "Thành phố Hồ Chí Minh", "thành phố Hồ Chí Minh", "Sài Gòn"),
    "Hà Nội": ("TP. Hà Nội", "TP.Hà Nội", "Thủ đô Hà Nội"),
    "Huế": ("Thừa Thiên Huế", "Thừa Thiên - Huế", "Thừa Thiên-Huế", "TT Huế", "TT. Huế", "TT-Huế", "TP. Huế"),
    "Thừa Thiên Huế": ("Thừa Thiên - Huế", "Thừa Thiên-Huế", "TT Huế", "TT. Huế", "TT-Huế", "TTH"),
    "Đắk Lắk": ("Đăk Lăk", "Đắc Lắc", "Đắk Lăk", "Daklak", "Dak Lak", "Đaklak"),
    "Đắk Nông": ("Đăk Nông", "Đắc Nông", "Daknong", "Dak Nong"),
    "Bà Rịa - Vũng Tàu": ("Bà Rịa-Vũng Tàu", "Bà Rịa Vũng Tàu", "BR-VT", "BRVT"),
    "Bắc Kạn": ("Bắc Cạn",),
    "Kon Tum": ("Kontum", "KonTum"),
    "Hải Phòng": ("TP. Hải Phòng", "TP.Hải Phòng"),
    "Đà Nẵng": ("TP. Đà Nẵng", "TP.Đà Nẵng"),
    "Cần Thơ": ("TP. Cần Thơ", "TP.Cần Thơ"),
}
# Names that are also ordinary words or a person's name: found in running text only after "tỉnh"/"thành phố"/"TP."
# or in capitals, never on their own ("hòa bình" is peace, "Hồ Chí Minh" the President).
_NEEDS_PREFIX = {"Hòa Bình", "Thái Bình", "Bình Định", "Hồ Chí Minh", "Huế", "Long An", "Nam Định"}


def _build() -> dict[str, Province]:
    new_of = {old: new for new, olds in MERGED_2025.items() for old in olds}
    new_of.update({n: n for n in UNCHANGED_2025})
    new_of["Thừa Thiên Huế"] = "Huế"
    before = [o for olds in MERGED_2025.values() for o in olds] + [n for n in UNCHANGED_2025 if n != "Huế"] \
        + ["Thừa Thiên Huế"]
    after = list(MERGED_2025) + list(UNCHANGED_2025)
    assert len(set(before)) == 63 and len(set(after)) == 34, (len(set(before)), len(set(after)))
    out = {}
    for name in dict.fromkeys(before + after):
        b, a = name in before, name in after
        city = (b and name in CITIES_BEFORE) or (a and name in CITIES_AFTER)
        out[name] = Province(name, "thành phố" if city else "tỉnh", b, a, new_of[name], ALIASES.get(name, ()))
    return out


PROVINCES: dict[str, Province] = _build()
BEFORE_2025 = tuple(p for p in PROVINCES.values() if p.before_2025)
AFTER_2025 = tuple(p for p in PROVINCES.values() if p.after_2025)


def _key(s: str) -> str:
    return " ".join(re.findall(r"\w+", fold(normalize(s))))


@lru_cache(maxsize=1)
def _by_key() -> dict[str, str]:
    keys: dict[str, str] = {}
    for p in PROVINCES.values():
        for form in (p.name, *p.aliases, f"tỉnh {p.name}", f"thành phố {p.name}", f"TP {p.name}"):
            keys.setdefault(_key(form), p.name)
    keys[_key("Huế")] = "Huế"
    return keys


def get(name: str) -> Province | None:
    c = canonical(name)
    return PROVINCES[c] if c else None


def canonical(name: str | None) -> str | None:
    """The canonical name of a province written any common way ("TP.HCM", "Dak Lak", "tỉnh Khánh Hoà"), else None."""
    if not name:
        return None
    return _by_key().get(_key(name))


def successor(name: str) -> str | None:
    """The post-1 July 2025 province an old one belongs to ("Ninh Thuận" -> "Khánh Hòa"); new ones map to themselves."""
    p = get(name)
    return p.successor if p else None


def predecessors(name: str) -> list[str]:
    """The pre-1 July 2025 provinces that form a post-2025 one ("Khánh Hòa" -> ["Khánh Hòa", "Ninh Thuận"])."""
    c = canonical(name)
    if c is None:
        return []
    new = PROVINCES[c].successor
    return [p.name for p in BEFORE_2025 if p.successor == new]


def same_area(a: str, b: str) -> bool:
    """Whether two province names cover the same place before or after the merger (for matching filters)."""
    sa, sb = successor(a), successor(b)
    return sa is not None and sa == sb


def _surface_forms() -> list[tuple[str, str, bool]]:
    """(form, province, needs_prefix) for every written form, accented and not, longest first."""
    forms = {}
    for p in PROVINCES.values():
        for f in (p.name, *p.aliases):
            for v in ({f} if f.isascii() else {normalize(f), fold(normalize(f)).title()}):
                forms.setdefault(v, (p.name, p.name in _NEEDS_PREFIX and f == p.name))
    return sorted(((f, n, np) for f, (n, np) in forms.items()), key=lambda x: -len(x[0]))


_PREFIX = r"(?:tỉnh|Tỉnh|TỈNH|thành phố|Thành phố|THÀNH PHỐ|TP\.?|tp\.?)\s*"


@lru_cache(maxsize=1)
def _find_re() -> re.Pattern:
    parts = []
    for form, _, needs_prefix in _surface_forms():
        alts = [re.escape(form), re.escape(form.upper())]
        body = "(?:" + "|".join(dict.fromkeys(alts)) + ")"
        parts.append(f"(?:{_PREFIX}{body})" if needs_prefix else f"(?:(?:{_PREFIX})?{body})")
    return re.compile(r"(?<![\w.])(?:" + "|".join(parts) + r")(?!\w)")


def find(text: str) -> list[Province]:
    """Provinces named in `text`, in order of first mention, each once. Whole names only ("Khánh Hòa", never
    "Hòa"); case matters for running text (a name is capitalised), except in a text written all in lower case
    (a typed query), which is matched ignoring case and diacritics."""
    if not text:
        return []
    t = normalize(text)
    if t == t.lower():  # a query typed in lower case, maybe without diacritics
        padded = f" {_key(t)} "
        hits = []
        for key, name in sorted(_by_key().items(), key=lambda kv: -len(kv[0])):
            if key == "hoa binh":  # "hòa bình" in a query is peace; the province is asked as "tỉnh Hòa Bình"
                continue
            i = padded.find(f" {key} ")
            if i >= 0:
                hits.append((i, name))
                padded = padded[:i] + " " + "#" * len(key) + " " + padded[i + len(key) + 2:]
        return _unique([n for _, n in sorted(hits)])
    names = []
    for m in _find_re().finditer(t):
        c = canonical(re.sub(r"^" + _PREFIX, "", m.group(0)))
        if c:
            names.append(c)
    return _unique(names)


def _unique(names: list[str]) -> list[Province]:
    return [PROVINCES[n] for n in dict.fromkeys(names)]
