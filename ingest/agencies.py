"""Agencies as entities: split an assignment's agency list into agencies, give each one canonical name
within its province or level, and find agencies named in free text (a question).

"Sở Tài chính và các Sở, ban, ngành có liên quan" is two entities: Sở Tài chính (one agency) and
"các sở, ban, ngành có liên quan" (a group). Abbreviations and variants share one canonical name:
"UBND" / "Ủy ban nhân dân", "Sở KH&ĐT" / "Sở Kế hoạch và Đầu tư", "Sở TT&TT" / "Sở Thông tin và Truyền thông".
The canonical name of a provincial agency carries no province ("Sở Nội vụ"): the province is stored beside
it, so "Sở Nội vụ" in a Hải Phòng question means Hải Phòng's Sở Nội vụ, not Lạng Sơn's.
"""
from __future__ import annotations

import re

from .clean import expand_abbreviations, fold, normalize

# Variants of names these plans (and officials typing questions) use for the same agency.
_VARIANTS = [
    (r"\bSở\s+KH\s*(?:&|và)?\s*ĐT\b|\bSở\s+KHĐT\b", "Sở Kế hoạch và Đầu tư"),
    (r"\bSở\s+TT\s*(?:&|và)?\s*TT\b|\bSở\s+TTTT\b", "Sở Thông tin và Truyền thông"),
    (r"\bSở\s+GD\s*(?:&|và)?\s*ĐT\b|\bSở\s+GDĐT\b", "Sở Giáo dục và Đào tạo"),
    (r"\bSở\s+LĐ\s*-?\s*TB\s*(?:&|và)?\s*XH\b", "Sở Lao động - Thương binh và Xã hội"),
    (r"\bSở\s+NN\s*(?:&|và)?\s*PTNT\b", "Sở Nông nghiệp và Phát triển nông thôn"),
    (r"\bSở\s+TN\s*(?:&|và)?\s*MT\b", "Sở Tài nguyên và Môi trường"),
    (r"\bPhòng\s+TC\s*-\s*KH\b", "Phòng Tài chính - Kế hoạch"),
    (r"\bĐài\s+PT\s*(?:&|và)\s*TH\b", "Đài Phát thanh và Truyền hình"),
    (r"\bVP\s*UBND\b", "Văn phòng Ủy ban nhân dân"),
]
_VARIANT_RES = [(re.compile(p), full) for p, full in _VARIANTS]

# What an agency's name starts with (after "các"): used to find agencies in free text.
HEADS = ("Sở", "Ban", "Phòng", "Ủy ban nhân dân", "Ủy ban", "Văn phòng", "Đài", "Báo", "Hội đồng nhân dân",
         "Đảng đoàn", "Ban cán sự đảng", "Ban Thường vụ", "Mặt trận", "Công an", "Bộ", "Thanh tra", "Huyện ủy",
         "Tỉnh ủy", "Thành ủy", "Trung tâm", "Kho bạc", "Cục", "Chi cục", "Chuyên đề", "Cổng")
_RELATED_TAIL = re.compile(r"\s+(?:có\s+)?liên quan$|\s+thuộc.*$", re.I)
_HEAD_ALT = "|".join(sorted(map(re.escape, HEADS), key=len, reverse=True))
# "và" joins two agencies only when an agency follows ("Sở Nội vụ và các cơ quan …"), never inside a
# name ("Sở Thông tin và Truyền thông", "Đài Phát thanh và Truyền hình").
_SPLIT = re.compile(r"\s*[,;]\s*|\s+và\s+(?=(?:các|Các|những)\s|(?:" + _HEAD_ALT + r"|UBND|HĐND)(?!\w))")


def variants_to_full(text: str) -> str:
    for rx, full in _VARIANT_RES:
        text = rx.sub(full, text)
    return expand_abbreviations(text)


def _is_group(name: str) -> bool:
    return bool(re.match(r"(?:các|những|mọi)\s", name, re.I)) or "," in name


def _plural(name: str) -> bool:
    return bool(re.match(r"(?:các|những|mọi)\s", name, re.I))


def canonical(name: str) -> str:
    """One spelling per agency: abbreviations expanded, spaces unified, a group's words lowercased
    ("các Sở, ban, ngành" = "Các sở, ban, ngành")."""
    s = re.sub(r"\s+", " ", variants_to_full(normalize(name))).strip(" .;,:-")
    if _plural(s):
        return s[0].lower() + s[1:].replace("Sở", "sở")
    return s[0].upper() + s[1:] if s else s


def key(name: str) -> str:
    """What two mentions of one agency share: canonical, diacritic-free, without "có liên quan"."""
    c = _RELATED_TAIL.sub("", canonical(name))
    return " ".join(re.findall(r"\w+", fold(c)))


def split(value: str | None, province: str | None = None) -> list[dict]:
    """An assignment's agency list -> entities [{"name", "canonical", "group", "province"}].
    A fragment that starts in lowercase ("ban", "ngành", "thành ủy", "thị trấn") continues the previous
    name; "các …" and a capitalised word start a new one."""
    if not value:
        return []
    parts: list[str] = []
    for frag in _SPLIT.split(value.strip(" .;:")):
        frag = frag.strip()
        if not frag:
            continue
        starts_new = frag[0].isupper() or re.match(r"(?:các|những)\s", frag)
        if parts and not starts_new:
            parts[-1] += ", " + frag
        else:
            parts.append(frag)
    out = []
    for p in parts:
        name = re.sub(r"\s+", " ", p).strip(" .;,:-")
        if not name:
            continue
        out.append({"name": name, "canonical": canonical(name), "group": _is_group(name), "province": province})
    return out


_HEAD_RE = re.compile(r"(?<!\w)(?:" + _HEAD_ALT + r")(?!\w)")
# Words that end an agency's name in a question ("Sở Y tế phải làm gì", "Sở Nội vụ có nhiệm vụ gì").
_NAME_END = set("""phải có được chủ phối là theo của trong những gì nào làm thực tham giao cần đã sẽ với về tại ở
    cùng đối khi bao nhiệm trách lo đảm hoàn ra tổng đôn hướng triển rà thì mà ai đâu""".split())
def find(text: str, known: set[str] | None = None) -> list[dict]:
    """Agencies named in free text ("Sở Nội vụ Hải Phòng phải làm gì?"): a head word followed by
    capitalised words. With `known` (keys of agencies in the corpus), the longest known key wins, so
    "Phòng Tài chính - Kế hoạch của huyện" is the Phòng, and names typed without diacritics are found."""
    text = variants_to_full(normalize(text))
    found: list[dict] = []
    if known:
        folded = " " + " ".join(re.findall(r"\w+", fold(text))) + " "
        for k in sorted(known, key=len, reverse=True):
            if f" {k} " in folded and not any(f" {k} " in f" {f['key']} " for f in found):
                found.append({"name": k, "canonical": k, "key": k, "group": False})
        return found
    for m in _HEAD_RE.finditer(text):
        if any(f["span"][0] <= m.start() < f["span"][1] for f in found):
            continue
        end, words = m.end(), 0
        for w in re.finditer(r"\s*(-\s*)?([^\W\d_]+)", text[m.end():]):
            if w.start() != end - m.end() or w.group(2).lower() in _NAME_END or words >= 8:
                break
            end, words = m.end() + w.end(), words + 1
        name = text[m.start():end].strip(" -")
        if name in HEADS:  # a bare head word ("Sở", "Ban") names nothing
            continue
        found.append({"name": name, "canonical": canonical(name), "key": key(name), "group": False,
                      "span": (m.start(), end)})
    for f in found:
        f.pop("span", None)
    return found
