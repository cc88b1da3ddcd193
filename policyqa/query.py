"""A question read once: normalised and diacritic-free forms, syllables, content words, kind, and the
provinces, agencies, years, months and document numbers it names. Search, ask, compare and highlighting
take this object instead of normalising and folding the question again at every stage."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest import agencies
from ingest.clean import fold, has_diacritics, normalize, syllables

from .question import content_terms, content_units, question_kind

# "so với năm 2021", "so với giai đoạn 2016 - 2020": what a figure is measured against, not when it is due
_BASELINE = re.compile(r"so voi\s+(?:(?:nam|giai doan|thoi ky)\s+)?(\d{4})(?:\s*-\s*(\d{4}))?")
_YEAR = re.compile(r"(?<![\d/.-])(19\d\d|20\d\d)(?![\d/])")
_MONTH = re.compile(r"thang\s+(\d{1,2})\s*(?:[/\-.]|nam)\s*(\d{4})")
# "12/KH-UBND", "103/KH-UBND", "Kết luận 50", "Nghị quyết số 19-NQ/TW", "Kế hoạch 248"
_DOCNUM = re.compile(r"\b(\d{1,4})\s*[/-]\s*(?:[a-z]{1,6}\s*[/-]\s*)?[a-z]{1,6}(?:\s*[/-]\s*[a-z]{1,6})?\b", re.I)
_REF = re.compile(r"\b(ket luan|nghi quyet|ke hoach|chuong trinh|thong bao|quyet dinh|chi thi)\s+(?:so\s+)?(\d{1,4})"
                  r"(?:\s*[/-]\s*[a-z0-9/-]+)?", re.I)


@dataclass
class Query:
    text: str  # normalised (NFC, one tone placement)
    expanded: str  # agency abbreviations spelled out ("Sở KH&ĐT" -> "Sở Kế hoạch và Đầu tư")
    folded: str  # diacritic-free, lowercase
    accented: bool  # typed with diacritics: words are compared with them
    syllables: list[str]
    content: list[str | None]  # content units in the matching form (None where a question word was)
    terms: list[str]  # content words, diacritic-free
    kind: str
    provinces: list[str] = field(default_factory=list)
    agencies: list[dict] = field(default_factory=list)  # agencies named ({"name", "canonical", "key", "known"})
    years: list[str] = field(default_factory=list)  # years a figure or task is due
    baseline_years: list[str] = field(default_factory=list)  # years figures are compared with
    months: list[tuple[int, int]] = field(default_factory=list)  # (year, month) named ("tháng 02/2024")
    numbers: list[str] = field(default_factory=list)  # document numbers named ("12/KH-UBND")
    references: list[tuple[str, str]] = field(default_factory=list)  # ("ket luan", "50")
    role: str = "any"  # for agency questions: lead | coordinating | any
    levels: list[str] = field(default_factory=list)  # administrative level named as the place ("ở huyện")
    cache: dict = field(default_factory=dict, repr=False)  # per-question values computed once (query vector)

    def drop(self) -> tuple[str, ...]:
        """Words that name places and agencies: not task content."""
        return tuple(self.provinces) + tuple(a["name"] for a in self.agencies)


def _years(folded: str) -> tuple[list[str], list[str]]:
    base = []
    for m in _BASELINE.finditer(folded):
        base += [y for y in m.groups() if y]
    years = [y for y in _YEAR.findall(folded) if y not in base]
    return list(dict.fromkeys(years)), list(dict.fromkeys(base))


def analyse(question: str, provinces: list[str] | None = None, known_agencies: set[str] | None = None) -> Query:
    """Read `question` once. `provinces`: those of the corpus it names (Engine.provinces_in);
    `known_agencies`: keys of the corpus's agencies (policyqa.tasks.known_agency_keys), so an agency
    typed without diacritics or abbreviated is still recognised."""
    text = normalize(question)
    if not text:
        raise ValueError("empty question")
    folded = fold(text).lower()
    accented = has_diacritics(text)
    found = agencies.find(text)
    provinces = provinces or []
    known_agencies = known_agencies or set()
    for f in found:
        # "Sở Nội vụ Hải Phòng" is Sở Nội vụ, in Hải Phòng — unless the name itself ends with the place
        # ("Báo Hải Phòng", "Đài Phát thanh và Truyền hình Hải Phòng")
        for p in provinces:
            pk = " " + " ".join(re.findall(r"\w+", fold(p).lower()))
            if f["key"].endswith(pk) and f["key"] not in known_agencies and f["key"][: -len(pk)] != agencies.key(f["name"].split()[0]):
                f["key"] = f["key"][: -len(pk)]
                f["name"] = re.sub(r"\s+" + re.escape(p) + "$", "", f["name"])
                f["canonical"] = re.sub(r"\s+" + re.escape(p) + "$", "", f["canonical"])
        # "Phòng Tài chính - Kế hoạch huyện": the corpus's agency is the longest known name it starts with
        if f["key"] not in known_agencies:
            longer = sorted((k for k in known_agencies if f["key"].startswith(k + " ")), key=len, reverse=True)
            if longer:
                f["key"] = longer[0]
        f["known"] = f["key"] in known_agencies or any(k.startswith(f["key"] + " ") for k in known_agencies)
    if known_agencies:  # a corpus agency typed without diacritics, or not found by its head word
        for k in agencies.find(text, known_agencies):
            if not any(f["key"] == k["key"] or f["key"].startswith(k["key"] + " ") or k["key"].startswith(f["key"] + " ")
                       for f in found):
                found.append({**k, "known": True})
    years, base = _years(folded)
    months = [(int(y), int(m)) for m, y in _MONTH.findall(folded) if 1 <= int(m) <= 12]
    numbers = [m.group(0).replace(" ", "").upper() for m in _DOCNUM.finditer(text)
               if not re.fullmatch(r"\d{1,2}[/-]\d{4}", m.group(0).replace(" ", ""))]
    refs = [(m.group(1), m.group(2)) for m in _REF.finditer(folded)]
    kind = question_kind(text, bool(found))
    # "… ở huyện": the district-level plan (a level, not a province)
    levels = ["huyện"] if re.search(r"\b(?:o|cua|tai) huyen\s*[?.!]*$", folded) else []
    role = "coordinating" if re.search(r"phoi hop", folded) else ("lead" if re.search(r"chu tri|chiu trach nhiem chinh",
                                                                                       folded) else "any")
    drop = tuple(provinces)  # agencies stay: in a field question they are part of the task's wording
    return Query(text=text, expanded=agencies.variants_to_full(text), folded=folded, accented=accented, syllables=syllables(text),
                 content=content_units(text, not accented, drop), terms=content_terms(text, drop), kind=kind,
                 provinces=list(provinces), agencies=found, years=years, baseline_years=base, months=months,
                 numbers=numbers, references=refs, role=role, levels=levels)


def analyse_for(engine, question: str) -> Query:
    """analyse() with what the corpus knows: its provinces and its agencies (engine may be None)."""
    if engine is None:
        return analyse(question)
    from .tasks import known_agency_keys

    keys = engine.__dict__.get("_agency_keys")
    if keys is None:
        keys = engine.__dict__["_agency_keys"] = known_agency_keys(engine)
    return analyse(question, engine.provinces_in(question), keys)
