"""Text normalisation shared by documents and queries.

One function decides what "the same text" means everywhere (ingest, BM25, dense, matching):
NFC, one tone-mark placement convention, unified dashes/quotes/whitespace.
"""
from __future__ import annotations

import re
import unicodedata

# Vietnamese tone marks as combining characters (NFD). Vowel-shape marks (circumflex,
# breve, horn) are not tones and stay where they are.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_TONE_RE = re.compile(f"[{_TONES}]")
# Syllables ending in oa / oe / uy with no final consonant are the only ones whose tone
# placement varies in practice ("hoà"/"hòa", "khoẻ"/"khỏe", "uỷ"/"ủy"). We use the
# traditional placement (on the first vowel), which the bundled corpus mostly uses.
_VARIANT_END = re.compile(r"(?<![qQ])(o[ae]|u[y])$", re.IGNORECASE)
_WORD_RE = re.compile(r"\w+")

_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2012": "-", "\u2212": "-", "\u00a0": " ",
                         "\u2009": " ", "\u200b": "", "\ufeff": "", "\u201c": '"', "\u201d": '"',
                         "\u2018": "'", "\u2019": "'"})


def _fix_tone(match: re.Match) -> str:
    word = match.group(0)
    d = unicodedata.normalize("NFD", word)
    tones = _TONE_RE.findall(d)
    if len(tones) != 1:
        return word
    base = _TONE_RE.sub("", d)
    m = _VARIANT_END.search(base)
    if not m:
        return word
    pos = m.start() + 1  # just after the first vowel of the pair
    return unicodedata.normalize("NFC", base[:pos] + tones[0] + base[pos:])


def normalize_tones(text: str) -> str:
    """Move tone marks of oa/oe/uy syllables to one placement ("hoà" -> "hòa")."""
    return _WORD_RE.sub(_fix_tone, text)


def normalize(text: str) -> str:
    """The canonical form of any text: NFC, one tone placement, plain dashes/quotes, single spaces."""
    text = unicodedata.normalize("NFC", text).translate(_DASHES)
    text = normalize_tones(text)
    return re.sub(r"[ \t]+", " ", text).strip()


def fold(text: str) -> str:
    """Strip all diacritics and lowercase ("Sở Tài chính" -> "so tai chinh"), for diacritic-free matching."""
    d = unicodedata.normalize("NFD", text.lower())
    d = "".join(c for c in d if unicodedata.category(c) != "Mn")
    return d.replace("đ", "d")


def has_diacritics(text: str) -> bool:
    return fold(text) != text.lower()


_SYLLABLE_RE = re.compile(r"[^\W_]+(?:[-/][^\W_]+)*|%")
# Abbreviations these plans use interchangeably with the full name ("UBND huyện" = "Ủy ban nhân dân huyện").
ABBREVIATIONS = {"UBND": "Ủy ban nhân dân", "HĐND": "Hội đồng nhân dân", "MTTQ": "Mặt trận Tổ quốc",
                 "ĐVSN": "đơn vị sự nghiệp", "NSNN": "ngân sách nhà nước", "CNTT": "công nghệ thông tin",
                 "BTV": "Ban Thường vụ", "KT-XH": "kinh tế - xã hội", "CBCCVC": "cán bộ, công chức, viên chức",
                 "UBKT": "Ủy ban Kiểm tra", "TTTT": "Thông tin và Truyền thông"}
_ABBREV_RE = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ABBREVIATIONS)) + r")(?![\w-])")


# Spelling variants used interchangeably in these plans ("hằng năm" / "hàng năm").
_VARIANTS_RE = re.compile(r"\b([Hh])ằng (năm|tháng|quý|tuần|ngày)\b")


def expand_abbreviations(text: str) -> str:
    """For matching only: abbreviations spelled out, spelling variants unified."""
    text = _VARIANTS_RE.sub(lambda m: f"{m.group(1)}àng {m.group(2)}", text)
    return _ABBREV_RE.sub(lambda m: ABBREVIATIONS[m.group(1)], text)


def syllables(text: str) -> list[str]:
    """Lowercased syllables of normalised text, abbreviations expanded; keeps "62-kl/tw" and "%" as units."""
    return _SYLLABLE_RE.findall(expand_abbreviations(normalize(text)).lower())


def strip_markdown(line: str) -> tuple[str, set[str]]:
    """Remove markdown emphasis and say which emphasis the line carried as a whole.

    Returns the plain line and a set with "bold" and/or "italic" when the emphasis
    spans the line (that is when it carries meaning in these plans: bold titles,
    italic assignment notes)."""
    s = line.strip()
    marks: set[str] = set()
    if s.startswith("**") and s.rstrip().endswith("**") and len(s) > 4:
        marks.add("bold")
    elif s.startswith("*") and s.endswith("*") and len(s) > 2:
        marks.add("italic")
    plain = re.sub(r"\*+", "", s)
    return plain.strip(), marks


# --- Noise that real files carry around the text (text level, before lines are read) ---------------------
# Every replacement keeps the text's length, so spans computed on the cleaned text point into the original.
# Page furniture and stamps are recognised by ingest.noise (the same rules the clause tree uses).

# A footnote number glued to a document-type title line ("NGHỊ ĐỊNH1", "LUẬT 2").
_TITLE_FOOTNOTE_RE = re.compile(
    r"^([ \t]*(?:LUẬT|BỘ LUẬT|PHÁP LỆNH|NGHỊ ĐỊNH|NGHỊ QUYẾT|THÔNG TƯ(?: LIÊN TỊCH)?|QUYẾT ĐỊNH|CHỈ THỊ|KẾ HOẠCH"
    r"|THÔNG BÁO|BÁO CÁO|CHƯƠNG TRÌNH|ĐỀ ÁN|HƯỚNG DẪN|KẾT LUẬN|QUY CHẾ|QUY ĐỊNH|LỆNH))\s?(\d{1,2})[ \t\r]*$",
    re.MULTILINE)


def denoise(text: str) -> str:
    """Remove what is not the document's own text, keeping every other character where it was: literal
    "\\r\\n" escapes, the letter Ð (U+00D0) used for Đ, the official gazette's page headers and page numbers,
    digital-signature stamps, and footnote numbers glued to a title ("NGHỊ ĐỊNH1")."""
    from . import noise

    text = noise.repair(text).replace("\u00d0", "\u0110").replace("\u00f0", "\u0111")
    lines = text.split("\n")
    drop = noise.noise_lines(lines)
    text = "\n".join(" " * len(l) if i in drop else l for i, l in enumerate(lines))
    return _TITLE_FOOTNOTE_RE.sub(lambda m: m.group(1) + " " * (len(m.group(0)) - len(m.group(1))), text)
