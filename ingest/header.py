"""The parts of a document around its body: the header (quốc hiệu, issuing body, số và ký hiệu, địa danh và
ngày, tên loại và trích yếu) and the footer (nơi nhận, chức vụ và người ký)."""
from __future__ import annotations

import re

from .lines import HEADER_RE, PLACE_DATE_RE, RECIPIENTS_RE, Line, is_upper

DOC_TYPES = ("KẾ HOẠCH", "CHƯƠNG TRÌNH", "QUYẾT ĐỊNH", "NGHỊ QUYẾT", "KẾT LUẬN", "CHỈ THỊ", "THÔNG BÁO",
             "BÁO CÁO", "ĐỀ ÁN", "CÔNG VĂN", "HƯỚNG DẪN", "CHƯƠNG TRÌNH HÀNH ĐỘNG")


def split_header(lines: list[Line]) -> tuple[list[Line], str | None, str | None, int]:
    """Header = lines up to the title (which follows the document-type line)."""
    first_marker = next((i for i, l in enumerate(lines) if l.marker and l.marker[0] != "dash"), len(lines))
    type_idx = next((i for i, l in enumerate(lines[:first_marker]) if l.text.rstrip(":").strip() in DOC_TYPES), None)
    if type_idx is None:
        end = 0
        while end < first_marker and (HEADER_RE.match(lines[end].text) or PLACE_DATE_RE.match(lines[end].text)
                                      or is_upper(lines[end].text) or "bold" in lines[end].marks):
            end += 1
        return lines[:end], None, None, end
    end = type_idx + 1
    title_parts = []
    while end < first_marker:
        l = lines[end]
        if HEADER_RE.match(l.text) or PLACE_DATE_RE.match(l.text):
            end += 1
            continue
        if not title_parts or "bold" in l.marks or is_upper(l.text):
            if not re.fullmatch(r"-+", l.text):
                title_parts.append(l.text)
            end += 1
            continue
        break
    return lines[:end], " ".join(title_parts) or None, lines[type_idx].text.rstrip(":").strip(), end


def split_footer(lines: list[Line]) -> tuple[list[Line], list[str], list[str]]:
    idx = next((i for i, l in enumerate(lines) if RECIPIENTS_RE.match(l.text)), None)
    if idx is None:
        return lines, [], []
    recipients, signature = [], []
    rest = RECIPIENTS_RE.sub("", lines[idx].text).strip()
    if rest:
        signature.append(rest)  # "Nơi nhận: T/M BAN THƯỜNG VỤ" shares a line with the signature block
    for l in lines[idx + 1:]:
        if l.marker and l.marker[0] == "dash":
            recipients.append(l.marker[2])
        elif recipients and not signature and (recipients[-1].endswith(",") or l.text[:1].islower()):
            recipients[-1] += " " + l.text
        elif recipients and not is_upper(l.text) and len(l.text.split()) > 5:
            recipients[-1] += " " + l.text
        else:
            signature.append(l.text)
    return lines[:idx], recipients, signature
