"""The search filters (province, document type, level, document, dates), kept in the address like the query."""
from __future__ import annotations

import datetime as dt

import streamlit as st

from app import shared

ALL = ""
KEYS = {"tinh": "f_prov", "vb": "f_doc", "cap": "f_level", "tu": "f_from", "den": "f_to", "loai": "f_type"}


def _date(v: str):
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return None


def bind_all(eng) -> None:
    shared.bind("f_prov", "tinh", ALL)
    shared.bind("f_doc", "vb", ALL, lambda v: v if v in eng.docs else ALL)
    shared.bind("f_level", "cap", ALL)
    shared.bind("f_type", "loai", ALL)
    shared.bind("f_from", "tu", None, _date)
    shared.bind("f_to", "den", None, _date)


def widgets(eng) -> None:
    docs = list(eng.docs.values())
    provinces = sorted({d["meta"].get("province") for d in docs} - {None})
    levels = sorted({d["meta"].get("level") for d in docs} - {None})
    types = sorted({d["meta"].get("type") for d in docs} - {None})
    labels = {d["doc_id"]: shared.doc_label(d) for d in docs}
    c1, c2 = st.columns(2)
    c1.selectbox("Tỉnh/thành phố", [ALL] + provinces, format_func=lambda v: v or "Tất cả", key="f_prov")
    c2.selectbox("Cấp ban hành", [ALL] + levels, format_func=lambda v: v or "Tất cả", key="f_level")
    if len(types) > 1:  # one type only (the bundled plans): nothing to choose
        st.selectbox("Loại văn bản", [ALL] + types, format_func=lambda v: v or "Tất cả", key="f_type")
    st.selectbox("Văn bản", [ALL] + list(labels), format_func=lambda v: labels.get(v, "Tất cả văn bản"), key="f_doc")
    c1, c2 = st.columns(2)
    c1.date_input("Ban hành từ ngày", key="f_from", format="DD/MM/YYYY", min_value=dt.date(1945, 1, 1))
    c2.date_input("đến ngày", key="f_to", format="DD/MM/YYYY", min_value=dt.date(1945, 1, 1))


def params() -> dict:
    s = st.session_state
    return {"tinh": s.get("f_prov") or None, "vb": s.get("f_doc") or None, "cap": s.get("f_level") or None,
            "tu": s["f_from"].isoformat() if s.get("f_from") else None,
            "den": s["f_to"].isoformat() if s.get("f_to") else None, "loai": s.get("f_type") or None}


def current():
    from policyqa.search import Filters

    p = params()
    return Filters(p["tinh"], p["vb"], p["cap"], p["tu"], p["den"], p["loai"])


def summary() -> str:
    n = sum(1 for v in params().values() if v)
    return f" (đang lọc: {n})" if n else ""


def undated_note(eng, flt) -> str | None:
    """Say which documents a date filter leaves out because they state no date (never drop them silently)."""
    if not (flt.date_from or flt.date_to):
        return None
    undated = [shared.doc_label(d) for d in eng.docs.values() if not d["meta"].get("date")]
    if not undated:
        return None
    return (f"Lọc theo ngày bỏ qua {len(undated)} văn bản không ghi ngày ban hành: " + "; ".join(undated) + ".")
