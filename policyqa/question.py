"""Reading a question: what kind of answer it asks for, and which of its words carry the task content
(the rest only make it a question). Used by ask and by the engine's coverage measure (ask, compare)."""
from __future__ import annotations

import re

from ingest.clean import fold, has_diacritics, normalize, syllables

from .highlight import STOPWORDS, STOPWORDS_ACCENTED

KINDS = {
    "coordinating": "Cơ quan phối hợp",
    "directing": "Cơ quan chỉ đạo",
    "timeframe": "Thời gian / thời hạn",
    "target": "Chỉ tiêu, mục tiêu (con số)",
    "lead": "Cơ quan chủ trì",
    "task": "Nhiệm vụ phải làm",
    "agency_tasks": "Nhiệm vụ của một cơ quan",
    "document": "Thông tin văn bản",
    "due": "Văn bản có nhiệm vụ đến hạn",
    "purpose": "Mục đích, mục tiêu chung",
}
# Patterns on diacritic-free lowercase text, so "ai chu tri" and "Ai chủ trì" read the same. First match wins.
# Measured on the labelled questions (eval/questions.jsonl; `policyqa eval` reports kind accuracy per split).
_DOCUMENT = (r"\bai ky\b|nguoi ky|ky ban hanh|duoc ky|ban hanh (vao )?(ngay|khi|luc) nao|ban hanh ngay|ngay ban hanh"
             r"|ngay thang nam nao|so hieu|so ky hieu|\bso may\b|la so bao nhieu|co quan nao ban hanh|ai ban hanh"
             r"|do (co quan )?nao ban hanh|(van ban|ke hoach|nhung van ban|nhung ke hoach) nao (trien khai|thuc hien|cu the hoa)"
             r"|(trien khai|thuc hien|can cu|cu the hoa) (nhung |cac )?(van ban|nghi quyet|ket luan|ke hoach) nao"
             r"|(duoc )?ban hanh (de )?(thuc hien|trien khai) (nhung |cac )?(van ban|gi)|(ban hanh|ky) nam nao")
_DUE = (r"(ke hoach|van ban|tinh|dia phuong) nao .*(hoan thanh|den han|het han|thoi han|phai xong).*(thang|quy|nam) \d"
        r"|nhiem vu nao .*(hoan thanh|den han|het han|phai xong).*(thang|quy) \d")
_AGENCY_TASKS = (r"phai lam (nhung )?(viec |cong viec )?gi|lam nhung (viec )?gi|(co|gom) (nhung )?nhiem vu gi|nhiem vu (cua|gi)"
                 r"|nhung (nhiem vu|viec|cong viec) (nao|gi)|duoc giao (nhung )?(viec|nhiem vu|lam)|trach nhiem (cua|gi)"
                 r"|(chu tri|phoi hop|tham gia) (trong |thuc hien )?(nhung|cac) (nhiem vu|viec)|duoc phan cong"
                 r"|can lam (nhung )?gi|co trach nhiem (gi|nao)|(phoi hop|chu tri|tham gia) lam (nhung )?(viec )?gi"
                 r"|(chu tri|phoi hop|tham gia|thuc hien|dam nhan|dam nhiem) (nhung |cac )?(nhiem vu|viec|cong viec) nao")
_KIND_PATTERNS = [
    ("document", _DOCUMENT),
    ("due", _DUE),
    ("purpose", r"muc (dich|tieu) (chung )?(cua|chinh cua) (ke hoach|van ban)[^?]*(la gi|gom|nhung gi)"
                r"|(ke hoach|van ban)[^?]* (nham )?muc dich gi|muc dich (cua )?(ke hoach|van ban)"),
    ("coordinating", r"phoi hop|cung (voi|tham gia)|ho tro thuc hien"),
    ("directing", r"chi dao"),
    ("timeframe", r"khi nao|bao gio|thoi gian|thoi han|han chot|han cuoi|luc nao|den khi|nam nao|thang nao|tien do"
                  r"|bao lau|truoc ngay nao|deadline|giai doan nao|ngay nao|cham nhat|thang may|thoi diem|moc"),
    ("target", r"bao nhieu|muc tieu|chi tieu|ty le|ti le|phan tram|%|muc giam|so luong"),
    ("lead", r"\bai\b|co quan nao|don vi nao|chu tri|chiu trach nhiem|giao cho|phu trach|dau moi|cap nao"
             r"|(phong|so|ban|nganh|to chuc) nao|tham muu|\blo\b|dam nhiem|dam trach|trach nhiem (chinh|thuoc)"),
    ("task", r"nhiem vu|lam gi|can lam|phai lam|giai phap|noi dung|the nao|nhu the nao"),
]
# Phrases that only make the question a question; they carry no task content. Matched with diacritics
# when the question has them ("tại" is not "tài", "có" is not "cổ"), without otherwise.
_QUESTION_PHRASES = sorted((
    "cơ quan nào", "đơn vị nào", "sở nào", "ban nào", "cấp nào", "phòng nào", "ai", "chủ trì", "phối hợp", "chỉ đạo",
    "khi nào", "bao giờ", "bao lâu", "lúc nào", "thời gian thực hiện", "thời gian", "thời hạn", "hạn chót", "hạn cuối",
    "bao nhiêu", "phần trăm", "mục tiêu", "chỉ tiêu", "tỷ lệ", "tỉ lệ", "là gì", "làm gì", "như thế nào", "thế nào", "hạn",
    "gồm những gì", "những gì", "trách nhiệm gì", "chịu trách nhiệm", "phải", "cần", "hãy cho biết", "cho biết",
    "nào", "gì", "là", "ở", "được giao", "giao cho", "phụ trách", "đầu mối", "tiến độ", "hoàn thành", "lãnh đạo",
    "tối thiểu", "ít nhất", "đến năm", "năm", "giai đoạn", "tham mưu", "thực hiện", "có", "về", "tại", "trong",
    "trách nhiệm", "nhiệm vụ", "những việc", "việc gì", "ngày nào", "chậm nhất", "tháng mấy", "lo việc", "lo",
    "đảm nhiệm", "theo", "kế hoạch", "của", "những", "các", "việc"),
    key=len, reverse=True)
_PHRASES_ACCENTED = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, _QUESTION_PHRASES)) + r")(?!\w)")
_PHRASES_FOLDED = re.compile(r"(?<!\w)(?:" + "|".join(dict.fromkeys(re.escape(fold(p)) for p in _QUESTION_PHRASES))
                             + r")(?!\w)")


def question_kind(question: str, names_agency: bool = False) -> str:
    """The kind of answer asked for. `names_agency`: the question names an agency (ingest.agencies.find),
    so "Sở Nội vụ phải làm gì?" asks for that agency's tasks, not for a task's wording."""
    q = fold(normalize(question)).lower()
    for kind, pat in _KIND_PATTERNS:
        if names_agency and kind in ("coordinating", "directing", "timeframe", "target", "lead") \
                and re.search(_AGENCY_TASKS, q):
            return "agency_tasks"
        if re.search(pat, q):
            return kind
    if names_agency and re.search(_AGENCY_TASKS, q):
        return "agency_tasks"
    return "task"


def content_units(question: str, folded: bool = True, drop: tuple[str, ...] = ()) -> list[str | None]:
    """The question's syllables with question phrases, function words and `drop` phrases (e.g. a
    province the question names) replaced by None: the gaps stop word pairs from spanning them.
    `folded` selects diacritic-free output and matching (for questions typed without diacritics)."""
    syl = syllables(question)
    toks = [fold(s) for s in syl] if folded else syl
    keep = [True] * len(syl)
    text = " ".join(toks)
    starts = [sum(len(x) + 1 for x in toks[:i]) for i in range(len(toks))]
    conv = fold if folded else (lambda x: x)
    patterns = [_PHRASES_FOLDED if folded else _PHRASES_ACCENTED]
    patterns += [re.compile(r"(?<!\w)" + re.escape(" ".join(conv(x) for x in syllables(d))) + r"(?!\w)")
                 for d in drop if d]
    for rx in patterns:
        for m in rx.finditer(text):
            for i, st in enumerate(starts):
                if m.start() <= st < m.end():
                    keep[i] = False
    stop = STOPWORDS if folded else STOPWORDS_ACCENTED
    out: list[str | None] = []
    for t, k in zip(toks, keep):
        k = k and t not in stop and (not t.isdigit() or re.fullmatch(r"\d{4}", t))
        out.append(t if k else None)
    return out


def content_terms(question: str, drop: tuple[str, ...] = ()) -> list[str]:
    """Content words of the question, diacritic-free (for display and emptiness checks)."""
    folded = not has_diacritics(question)
    return [fold(t) for t in content_units(question, folded, drop) if t]
