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
