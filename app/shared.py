"""What every page shares: the engine (loaded once per process), filters, and HTML for clause cards.
No retrieval or parsing logic here: pages call the library and render what it returns."""
from __future__ import annotations

import html
from urllib.parse import quote

import streamlit as st

from policyqa.citation import fmt_date
from policyqa.config import Settings
from policyqa.highlight import render

CSS = """
<style>
.pq-card {border:1px solid #d9dde3; border-radius:8px; padding:0.7rem 0.9rem; margin-bottom:0.7rem; background:#fff;}
.pq-cite {font-size:0.85rem; color:#334; font-weight:600; margin-bottom:0.3rem;}
.pq-path {display:inline-block; background:#e8eefc; color:#1d3f8f; border-radius:4px; padding:0 6px; margin-right:6px;}
.pq-text {font-size:0.95rem; line-height:1.5; white-space:pre-wrap; overflow-wrap:anywhere;}
.pq-fields {font-size:0.85rem; color:#0b5d3b; margin-top:0.35rem;}
.pq-crumb {font-size:0.78rem; color:#667; margin-bottom:0.2rem;}
mark {background:#ffe58a; padding:0 1px;}
ins {background:#d4f7d4; text-decoration:none;}
del {background:#fbd3d3;}
.pq-missing {color:#9a1c1c; font-weight:600;}
table.pq-table {width:100%; border-collapse:collapse; table-layout:fixed; font-size:0.88rem;}
table.pq-table td, table.pq-table th {border:1px solid #d9dde3; padding:6px; vertical-align:top; overflow-wrap:anywhere;}
table.pq-table th {background:#f3f5f8;}
.pq-selected {background:#fff6d6; border-left:4px solid #f0b400; padding-left:6px;}
</style>
"""


def setup(title: str) -> None:
    st.markdown(CSS, unsafe_allow_html=True)
    st.title(title)


def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner="Đang nạp mô hình và chỉ mục…")
def _engine(home: str):
    from policyqa.engine import Engine

    return Engine.load(Settings.from_env(home=home))


def engine():
    """The shared engine; shows a clear message (and stops the page) when there is no usable index."""
    try:
        return _engine(str(settings().home))
    except FileNotFoundError as e:
        st.error(f"Chưa có chỉ mục: {e}. Hãy chạy `policyqa build` (hoặc `make run`).")
    except RuntimeError as e:  # IndexMismatchError and model problems
        st.error(f"Chỉ mục không khớp với mô hình hoặc kho văn bản hiện tại: {e}")
    st.stop()


def reload_engine() -> None:
    _engine.clear()


def filters_sidebar(eng, key: str = "f"):
    """Province / document / level / date filters in the sidebar; returns policyqa.search.Filters."""
    from policyqa.search import Filters

    docs = list(eng.docs.values())
    provinces = sorted({d["meta"].get("province") for d in docs} - {None})
    levels = sorted({d["meta"].get("level") for d in docs} - {None})
    with st.sidebar:
        st.subheader("Bộ lọc")
        province = st.selectbox("Tỉnh/thành phố", ["(tất cả)"] + provinces, key=f"{key}_prov")
        labels = {d["doc_id"]: doc_label(d) for d in docs}
        doc = st.selectbox("Văn bản", ["(tất cả)"] + list(labels), format_func=lambda x: labels.get(x, x), key=f"{key}_doc")
        level = st.selectbox("Cấp ban hành", ["(tất cả)"] + levels, key=f"{key}_level")
        use_dates = st.checkbox("Lọc theo ngày ban hành", key=f"{key}_usedate")
        d_from = d_to = None
        if use_dates:
            import datetime as dt

            d_from = st.date_input("Từ ngày", dt.date(2023, 1, 1), key=f"{key}_from")
            d_to = st.date_input("Đến ngày", dt.date.today(), key=f"{key}_to")
            st.caption("Văn bản không ghi ngày sẽ bị loại khi lọc theo ngày.")
    pick = lambda v: None if v == "(tất cả)" else v  # noqa: E731
    return Filters(pick(province), pick(doc), pick(level), d_from.isoformat() if d_from else None,
                   d_to.isoformat() if d_to else None)


def doc_label(d: dict) -> str:
    m = d["meta"]
    return f"{m.get('province') or m.get('issuer') or d['doc_id']} — {m.get('number') or 'không số'}"


def esc(s) -> str:
    return html.escape(str(s)) if s is not None else ""


def viewer_link(clause_id: str) -> str:
    return f"./van-ban?clause={quote(clause_id)}"


def fields_line(fields: dict) -> str:
    parts = []
    if fields.get("lead"):
        parts.append(f"<b>Chủ trì:</b> {esc(fields['lead'])}")
    if fields.get("coordinating"):
        parts.append(f"<b>Phối hợp:</b> {esc(fields['coordinating'])}")
    if fields.get("timeframe"):
        parts.append(f"<b>Thời gian:</b> {esc(fields['timeframe'])}")
    if fields.get("targets"):
        parts.append("<b>Chỉ tiêu:</b> " + esc(", ".join(f"{t['value']}" + (f" ({t['year']})" if t["year"] else "")
                                                    for t in fields["targets"])))
    return f'<div class="pq-fields">{" · ".join(parts)}</div>' if parts else ""


def hit_card(h: dict, show_score: bool = True) -> str:
    d = h["doc"]
    cite = " · ".join(esc(x) for x in (d.get("number") or "không số", d.get("issuer") or "không rõ cơ quan",
                                        d.get("province") or "không rõ tỉnh", fmt_date(d.get("date")) or "không ghi ngày"))
    crumb = " › ".join(esc(c) for c in h.get("breadcrumb") or [])
    body = render(h["text"], [tuple(s) for s in h.get("highlights") or []], "<mark>", "</mark>", esc)
    score = f' <span style="color:#889;font-weight:400">điểm {h["score"]:.4f}</span>' if show_score else ""
    return (f'<div class="pq-card"><div class="pq-cite"><span class="pq-path">{esc(h["section"])}</span>{cite}{score}</div>'
            f'<div class="pq-crumb">{crumb}</div><div class="pq-text">{body}</div>{fields_line(h.get("fields") or {})}'
            f'<div style="font-size:0.8rem;margin-top:0.3rem"><a href="{viewer_link(h["clause_id"])}" target="_self">'
            f'Xem trong văn bản ↗</a> <span style="color:#889">{esc(h["source"])}</span></div></div>')


INGEST_PROBLEMS = {
    "empty": "tệp rỗng",
    "binary": "tệp nhị phân, không phải văn bản",
    "encoding": "không phải mã UTF-8 (ví dụ Windows-1258); hãy lưu lại tệp dưới dạng UTF-8",
    "unsupported": "định dạng không được hỗ trợ",
    "too_large": "tệp quá lớn",
    "no_text": "tệp không có chữ (PDF scan cần nhận dạng chữ trước)",
    "docx": "không mở được tệp DOCX",
    "pdf": "không đọc được tệp PDF",
    "no_clauses": "không tìm thấy điều khoản nào",
    "duplicate": "nội dung trùng với một văn bản đã có",
    "name_taken": "đã có văn bản cùng tên trong kho",
}


def ingest_problem(err) -> str:
    """An ingestion problem worded in Vietnamese, with the library's detail after it."""
    return f"{err.path}: {INGEST_PROBLEMS.get(err.code, 'không thể thêm')} ({err.reason})"

