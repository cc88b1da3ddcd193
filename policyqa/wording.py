"""A task's wording without its assignment lines, and a side-by-side word diff of two wordings.

Comparing "how two plans word the same task" means comparing the task sentence: the "Cơ quan chủ trì: …" /
"Thời gian thực hiện: …" parts are shown as their own columns, not diffed. When two wordings share too little
(most words differ), marking every word is noise, so the diff is only given above MIN_RATIO."""
from __future__ import annotations

import difflib
import re

from ingest.clean import normalize
from ingest.segment import strip_marker

_LABELS = (r"Cơ quan chủ trì(?: thực hiện)?|Đơn vị chủ trì|Cơ quan phối hợp|Đơn vị phối hợp|Cơ quan chỉ đạo"
           r"|Phân công chỉ đạo|Cơ quan tham mưu, thực hiện|Cơ quan tham mưu|Cơ quan thực hiện|Đơn vị thực hiện"
           r"|Thời gian(?: thực hiện| hoàn thành)?|Thời hạn(?: hoàn thành)?|Tiến độ(?: thực hiện)?")
_FIELD_START = re.compile(rf"(?:^|\s)(?:[-+•]\s*)?(?:{_LABELS})\s*:", re.IGNORECASE)
MIN_RATIO = 0.35  # below this share of common words, two wordings are shown without marks


def task_wording(text: str) -> str:
    """The clause's task sentence(s), without its marker and its assignment lines."""
    body = strip_marker(normalize(text or ""))
    m = _FIELD_START.search(body)
    return (body[:m.start()] if m and m.start() > 0 else body).strip(" -;:")


def side_by_side(ref: str, other: str) -> dict:
    """{"ratio", "marked": bool, "left": [(text, changed)], "right": [(text, changed)]} over task wordings:
    `left` is the reference with the words `other` lacks marked, `right` the other with its own words marked."""
    a, b = task_wording(ref).split(), task_wording(other).split()
    sm = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    ratio = sm.ratio()
    if ratio < MIN_RATIO:
        return {"ratio": round(ratio, 3), "marked": False, "left": [(" ".join(a), False)], "right": [(" ".join(b), False)]}
    left, right = [], []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if i2 > i1:
            left.append((" ".join(a[i1:i2]), tag != "equal"))
        if j2 > j1:
            right.append((" ".join(b[j1:j2]), tag != "equal"))
    return {"ratio": round(ratio, 3), "marked": True, "left": left, "right": right}
