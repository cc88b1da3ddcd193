"""Task fields of a clause: who leads, who coordinates, who directs, when, and numeric targets.

These plans state assignments in a few recurring shapes:
  * labelled lines: "Cơ quan chủ trì: …", "Cơ quan phối hợp: …", "Thời gian thực hiện: …",
    "Cơ quan chỉ đạo: …", "Cơ quan tham mưu, thực hiện: X chủ trì, phối hợp với Y";
  * inline sentences: "X chủ trì, phối hợp với Y <verb> …", "Giao X <verb> …";
  * closing notes that govern a group of bullets: "Ban cán sự đảng … lãnh đạo triển khai thực hiện thường xuyên."
"""
from __future__ import annotations

import re

FIELD_LINE_RE = re.compile(
    r"^(?:[-+•]\s*)?(?P<label>Cơ quan chủ trì(?: thực hiện)?|Đơn vị chủ trì|Cơ quan phối hợp|Đơn vị phối hợp"
    r"|Cơ quan chỉ đạo|Phân công chỉ đạo|Cơ quan tham mưu, thực hiện|Cơ quan tham mưu|Cơ quan thực hiện"
    r"|Đơn vị thực hiện|Thời gian(?: thực hiện| hoàn thành)?|Thời hạn(?: hoàn thành)?|Tiến độ(?: thực hiện)?)"
    r"\s*:\s*(?P<value>.+)$", re.IGNORECASE)

_LABEL_KIND = [
    (re.compile(r"phối hợp", re.I), "coordinating"),
    (re.compile(r"chỉ đạo", re.I), "directing"),
    (re.compile(r"thời gian|thời hạn|tiến độ", re.I), "timeframe"),
    (re.compile(r"chủ trì|thực hiện|tham mưu", re.I), "lead"),
]

# Lowercase verbs that end an agency name ("Giao Sở Nội vụ theo dõi …"). Case matters:
# "Ban Tổ chức Tỉnh ủy" is a name, "tổ chức hội nghị" a verb.
_VERBS = ("chủ trì", "phối hợp", "lãnh đạo", "chỉ đạo", "triển khai", "thực hiện", "tổ chức", "xây dựng",
          "theo dõi", "hướng dẫn", "tham mưu", "mở", "đề xuất", "báo cáo", "rà soát", "căn cứ", "chịu trách nhiệm",
          "kiểm tra", "đôn đốc", "ban hành", "trình", "nghiên cứu", "tăng cường", "phụ trách", "giúp", "có trách nhiệm",
          "quán triệt", "tuyên truyền", "hoàn thành", "cụ thể hóa")
# "các tổ chức chính trị - xã hội" and "cơ quan tham mưu, giúp việc" are nouns, not verbs.
_VERB_RE = re.compile(r"(?<![\w])(?<!cơ quan )(?<!các )(?<!những )(?:"
                      + "|".join(re.escape(v) for v in _VERBS) + r")(?![\w])(?! việc)")
_AGENCY_HEAD = re.compile(
    r"^(?:Giao\s+)?(?:các\s+|Các\s+)?(?:Ban|Sở|Phòng|Ủy ban|UBND|Văn phòng|Đài|Báo|Hội đồng|HĐND|Đảng đoàn|Thường trực"
    r"|Mặt trận|Công an|Bộ|Thanh tra|Huyện ủy|Tỉnh ủy|Thành ủy|Hội|Trung tâm|Kho bạc|Cục|Chi cục|Tòa án|Viện"
    r"|Liên đoàn|Tỉnh đoàn|Cơ quan|cơ quan|sở|huyện ủy)\b")
_TIME_RE = re.compile(
    r"(?:hoàn thành|xong)\s+(?:trong|trước|xong trong)?\s*(?:tháng|quý|năm|ngày)\s*[\d/\-]+(?:\s*năm\s*\d{4})?"
    r"|(?:định kỳ\s+)?trước ngày\s+\d{1,2}/\d{1,2}(?:/\d{4})?(?:\s+hàng năm)?", re.IGNORECASE)
_ROUTINE_RE = re.compile(r"\bthường xuyên\b", re.IGNORECASE)
_PCT_RE = re.compile(r"(?P<v>\d+(?:[.,]\d+)?)\s*%")
_YEAR_RE = re.compile(r"(?<!so với )(?:đến|năm|giai đoạn|Đến|Năm|Giai đoạn)\s+(?:năm\s+)?(?P<y>\d{4}(?:\s*-\s*\d{4})?)")


def label_kind(label: str) -> str:
    for rx, kind in _LABEL_KIND:
        if rx.search(label):
            return kind
    return "lead"


def _trim(s: str) -> str:
    s = re.sub(r"\s*\([^)]*\)", "", s)  # "(theo chức năng, nhiệm vụ …)" qualifies, it does not name
    return s.strip(" .;,:-")


def split_lead(value: str) -> tuple[str, str | None]:
    """ "Sở Nội vụ chủ trì, phối hợp với các sở …" -> ("Sở Nội vụ", "các sở …")."""
    value = re.sub(r"\s*\([^)]*\)", "", value)
    m = re.search(r"\s*\bchủ trì\b", value)
    if not m:
        verb = _VERB_RE.search(value)
        head = value[:verb.start()] if verb and verb.start() > 0 else value
        return _trim(head), None
    lead = _trim(value[:m.start()])
    rest = value[m.end():]
    coord = None
    cm = re.match(r"\s*,?\s*(?:thực hiện\s*,?\s*)?phối hợp(?:\s+với)?\s+(?P<c>.+)$", rest)
    if cm:
        c = cm.group("c")
        verb = _VERB_RE.search(c)
        coord = _trim(c[:verb.start()] if verb else c) or None
    return lead, coord


def subject_before_verb(sentence: str) -> str | None:
    """The agency that a sentence assigns work to, if it opens with one ("Giao X …", "X chủ trì …")."""
    s = re.sub(r"^[-+•*\s]+", "", sentence)
    if not _AGENCY_HEAD.match(s):
        return None
    s = re.sub(r"^Giao\s+", "", s)
    verb = _VERB_RE.search(s)
    if not verb or verb.start() == 0:
        return None
    return _trim(s[:verb.start()]) or None


def inline_assignment(text: str) -> dict:
    """Fields stated inside a sentence: "X chủ trì, phối hợp với Y …" or "Giao X …"."""
    out: dict = {}
    for sent in re.split(r"(?<=[.;])\s+", text):
        s = re.sub(r"^[-+•*\s]+", "", sent)
        if not _AGENCY_HEAD.match(s):
            continue
        body = re.sub(r"^Giao\s+", "", s)
        if re.search(r"\bchủ trì\b", body):
            lead, coord = split_lead(body)
        else:
            lead, coord = subject_before_verb(s), None
        if lead:
            out.setdefault("lead", lead)
            if coord:
                out.setdefault("coordinating", coord)
    return out


def timeframe_in(text: str, routine_ok: bool = False) -> str | None:
    m = _TIME_RE.search(text)
    if m:
        return m.group(0).strip()
    if routine_ok and _ROUTINE_RE.search(text):
        return "thường xuyên"
    return None


def targets_in(text: str) -> list[dict]:
    """Percentages with the year they are due: "Đến năm 2025: … giảm … 10% biên chế …"."""
    out = []
    for m in _PCT_RE.finditer(text):
        seg_start = max(text.rfind(";", 0, m.start()), text.rfind(". ", 0, m.start())) + 1
        seg_end_c = [i for i in (text.find(";", m.end()), text.find(". ", m.end())) if i != -1]
        seg_end = min(seg_end_c) if seg_end_c else len(text)
        years = [y for y in _YEAR_RE.finditer(text, 0, m.start())]
        out.append({"value": m.group("v").replace(",", ".") + "%",
                    "year": re.sub(r"\s+", "", years[-1].group("y")) if years else None,
                    "text": text[seg_start:seg_end].strip(" ;:.-")})
    return out


# ---------------------------------------------------------------------------------------------------------
# The task registry: every clause (or table row) that assigns work, as one record with normalised fields.

_BASELINE_RE = re.compile(r"so với\s+(?:(?:năm|giai đoạn|thời kỳ)\s+)?(?P<y>\d{4}(?:\s*-\s*\d{4})?)", re.IGNORECASE)


def target_records(text: str) -> list[dict]:
    """Numeric targets with value, unit, target year and baseline year: in "giảm 10% chi trực tiếp … so với
    giai đoạn 2016 - 2020", 2016-2020 is what the figure is measured against, not when it is due."""
    out = []
    for t in targets_in(text):
        seg = t["text"]
        base = _BASELINE_RE.search(seg)
        value = t["value"].rstrip("%")
        out.append({"value": float(value) if "." in value else int(value), "unit": "%", "year": t["year"],
                    "baseline_year": re.sub(r"\s+", "", base.group("y")) if base else None, "text": seg})
    return out


_MONTH_DAYS = {1: 31, 2: 29, 3: 31, 4: 30, 5: 31, 6: 30, 7: 31, 8: 31, 9: 30, 10: 31, 11: 30, 12: 31}
_QUARTERS = {"I": (1, 3), "II": (4, 6), "III": (7, 9), "IV": (10, 12), "1": (1, 3), "2": (4, 6), "3": (7, 9), "4": (10, 12)}


def _month_end(y: int, m: int) -> str:
    d = _MONTH_DAYS[m] if m != 2 or (y % 4 == 0 and (y % 100 or y % 400 == 0)) else 28
    return f"{y:04d}-{m:02d}-{d:02d}"


def deadline(text: str | None, issued: str | None = None) -> dict | None:
    """A timeframe as stated, with the dates it means where it names a date or a period:
    "hoàn thành trong tháng 02-2024" -> 2024-02-01..2024-02-29; "Từ năm 2023 đến năm 2030" ->
    2023-01-01..2030-12-31; "Từ nay đến năm 2026" -> issue date..2026-12-31; "năm 2024 và các năm tiếp
    theo" -> from 2024-01-01; "Định kỳ trước ngày 15/12 hàng năm" is recurring, "Thường xuyên" ongoing."""
    if not text:
        return None
    t = normalize_spaces(text)
    low = t.lower()
    start = end = None
    kind = "other"
    recurring = bool(re.search(r"hàng năm|hằng năm|định kỳ|hàng quý|hằng quý", low))
    m = re.search(r"(?:trước|chậm nhất|không quá)\s+ngày\s+(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{4})", low)
    month = re.search(r"tháng\s+(\d{1,2})\s*(?:[/\-.]|năm)\s*(\d{4})", low)
    quarter = re.search(r"quý\s+(IV|III|II|I|[1-4])\s*(?:[/\-.]|năm)\s*(\d{4})", t, re.I)
    span = re.search(r"(?:từ\s+(?:năm\s+)?(\d{4})|từ nay)\s+đến\s+(?:hết\s+)?(?:năm\s+)?(\d{4})", low)
    period = re.search(r"giai đoạn\s+(\d{4})\s*-\s*(\d{4})", low)
    since = re.search(r"(?:từ|bắt đầu từ)\s+năm\s+(\d{4})|năm\s+(\d{4})\s+và các năm tiếp theo", low)
    until = re.search(r"(?:đến|trước|trong)\s+năm\s+(\d{4})", low)
    if m:
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        end, kind = f"{y:04d}-{mo:02d}-{d:02d}", "date"
    elif month:
        mo, y = int(month.group(1)), int(month.group(2))
        if 1 <= mo <= 12:
            start, end, kind = f"{y:04d}-{mo:02d}-01", _month_end(y, mo), "period"
    elif quarter:
        a, b = _QUARTERS[quarter.group(1).upper()]
        y = int(quarter.group(2))
        start, end, kind = f"{y:04d}-{a:02d}-01", _month_end(y, b), "period"
    elif span:
        start = f"{span.group(1)}-01-01" if span.group(1) else issued
        end, kind = f"{span.group(2)}-12-31", "period"
    elif period:
        start, end, kind = f"{period.group(1)}-01-01", f"{period.group(2)}-12-31", "period"
    elif since:
        start, kind = f"{since.group(1) or since.group(2)}-01-01", "from"
    elif until:
        end, kind = f"{until.group(1)}-12-31", "period"
    elif recurring:
        kind = "recurring"
    elif re.search(r"thường xuyên|liên tục", low):
        kind = "ongoing"
    elif re.search(r"sau khi|khi có", low):
        kind = "conditional"
    if recurring and kind not in ("recurring",) and not m and not month:
        pass  # "Thường xuyên hàng năm" keeps its dates (none) and says it recurs
    return {"text": t, "start": start, "end": end, "kind": kind, "recurring": recurring}


def normalize_spaces(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip(" .;")


def _task_wording(text: str) -> str:
    """The clause's text without its marker ("(2)", "a)", "-")."""
    return re.sub(r"^\s*(?:\(\d+\)|[a-zđ]\)|\d+(?:\.\d+)*\.|[IVXLC]+\.|[-+•*])\s*", "", text).strip()


def registry(doc_id: str, clauses: list[dict], meta: dict) -> list[dict]:
    """Tasks of a document, from its clause records (ingest.pipeline): every clause or table row with a
    lead agency, except a heading whose sub-items carry their own assignments ("Các cơ quan … có trách
    nhiệm:" above a) … đ)) and the preamble (the issuer adopting the plan assigns no work)."""
    from . import agencies

    province = meta.get("province")
    with_lead_children = {c["parent"] for c in clauses if c.get("parent") and "lead" in c["fields"]}
    out = []
    for c in clauses:
        f = c["fields"]
        if "lead" not in f or c["kind"] == "preamble" or c["clause_id"] in with_lead_children:
            continue
        value = lambda k: (f.get(k) or {}).get("value")  # noqa: E731
        lead_entities = agencies.split(value("lead"), province)
        targets = target_records(c["text"]) if "targets" in f else []
        product = value("product")
        out.append({
            "task_id": f"{c['clause_id']}#1",
            "doc_id": doc_id,
            "clause_id": c["clause_id"],
            "path": c["path"],
            "citation_path": c.get("citation_path"),
            "task": _task_wording(c["text"]),
            "lead": lead_entities[0] if len(lead_entities) == 1 else (
                {"name": value("lead"), "canonical": agencies.canonical(value("lead")), "group": True,
                 "province": province, "members": lead_entities} if lead_entities else None),
            "leads": lead_entities,
            "lead_text": value("lead"),  # as the plan words it
            "coordinating_text": value("coordinating"),
            "coordinating": agencies.split(value("coordinating"), province),
            "directing": agencies.split(value("directing"), province) or None,
            "deadline": deadline(value("timeframe"), meta.get("date")),
            "targets": targets,
            "product": product,
            "province": province,
            "level": meta.get("level"),
            "source": {k: v.get("source") for k, v in f.items() if k in ("lead", "coordinating", "directing",
                                                                          "timeframe", "product")},
        })
    return out
