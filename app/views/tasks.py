"""Phân công nhiệm vụ: the task registry as an assignment table — per plan, per agency, per deadline — with
filters kept in the address (?vb=…&coquan=…&vai=…&tinh=…&tu=…&den=…&xem=…) and Excel/Word export."""
import datetime as dt

import pandas as pd
import streamlit as st

from app import shared

shared.setup("Phân công nhiệm vụ")
eng = shared.engine()
try:
    from policyqa.tasks import query_tasks
except ImportError:  # the task registry ships with policyqa.tasks; without it there is nothing true to show
    query_tasks = None
if query_tasks is None:
    st.warning("Phiên bản này chưa có sổ nhiệm vụ (policyqa.tasks), nên chưa lập được bảng phân công.")
    st.stop()

labels = {d: shared.doc_label(doc) for d, doc in eng.docs.items()}
provinces = sorted({d["meta"].get("province") for d in eng.docs.values()} - {None})
ROLES = {"any": "Chủ trì hoặc phối hợp", "lead": "Chủ trì", "coordinating": "Phối hợp"}
VIEWS = {"van-ban": "Theo văn bản", "co-quan": "Theo cơ quan", "thoi-han": "Theo thời hạn"}
KEYS = {"vb": "t_doc", "coquan": "t_agency", "vai": "t_role", "tinh": "t_prov", "tu": "t_from", "den": "t_to", "xem": "t_view"}


def _date(v):
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        return None


shared.bind("t_doc", "vb", "", lambda v: v if v in labels else "")
shared.bind("t_agency", "coquan", "")
shared.bind("t_role", "vai", "any", lambda v: v if v in ROLES else "any")
shared.bind("t_prov", "tinh", "", lambda v: v if v in provinces else "")
shared.bind("t_from", "tu", None, _date)
shared.bind("t_to", "den", None, _date)
shared.bind("t_view", "xem", "van-ban", lambda v: v if v in VIEWS else "van-ban")


def submit():
    s = st.session_state
    shared.publish({"vb": s.t_doc, "coquan": s.t_agency.strip(), "vai": None if s.t_role == "any" else s.t_role,
                    "tinh": s.t_prov, "tu": s.t_from.isoformat() if s.t_from else None,
                    "den": s.t_to.isoformat() if s.t_to else None, "xem": None if s.t_view == "van-ban" else s.t_view},
                   KEYS)


with st.form("t_form", border=False):
    c1, c2 = st.columns(2)
    c1.text_input("Cơ quan (chủ trì hoặc phối hợp)", key="t_agency", placeholder="ví dụ: Sở Nội vụ")
    c2.selectbox("Vai trò", list(ROLES), format_func=ROLES.get, key="t_role")
    with st.expander("Thêm bộ lọc: văn bản, tỉnh/thành, thời hạn"):
        st.selectbox("Văn bản", [""] + list(labels), format_func=lambda v: labels.get(v, "Tất cả văn bản"), key="t_doc")
        st.selectbox("Tỉnh/thành phố", [""] + provinces, format_func=lambda v: v or "Tất cả", key="t_prov")
        d1, d2 = st.columns(2)
        d1.date_input("Thời hạn từ ngày", key="t_from", format="DD/MM/YYYY")
        d2.date_input("đến ngày", key="t_to", format="DD/MM/YYYY")
    st.radio("Xem", list(VIEWS), format_func=VIEWS.get, horizontal=True, key="t_view")
    st.form_submit_button("Lập bảng phân công", type="primary", on_click=submit)

p = st.query_params
try:
    res = query_tasks(eng, doc=p.get("vb") or None, agency=p.get("coquan") or None, role=p.get("vai") or "any",
                      province=p.get("tinh") or None, due_from=p.get("tu") or None, due_to=p.get("den") or None)
except ValueError as e:
    st.error(f"Bộ lọc không hợp lệ: {e}")
    st.stop()
tasks = res.get("tasks", [])
if not tasks:
    st.warning("Không có nhiệm vụ nào khớp bộ lọc.")
    st.stop()


def text(v) -> str:
    if v is None:
        return ""
    if isinstance(v, list):
        return "; ".join(text(x) for x in v)
    if isinstance(v, dict):
        return v.get("text") or v.get("value") or v.get("name") or ""
    return str(v)


def row(t: dict) -> dict:
    did = t.get("doc_id") or (t.get("clause_id") or "").split(":")[0]
    return {"Văn bản": labels.get(did, did), "Mục": t.get("section") or t.get("path") or "",
            "Nhiệm vụ": text(t.get("task") or t.get("text") or t.get("heading")),
            "Cơ quan chủ trì": text(t.get("lead")), "Cơ quan phối hợp": text(t.get("coordinating")),
            "Thời hạn": text(t.get("deadline") or t.get("timeframe") or t.get("due")),
            "Chỉ tiêu": text(t.get("targets")), "_clause": t.get("clause_id"), "_due": t.get("due") or ""}


df = pd.DataFrame([row(t) for t in tasks])
st.caption(f"{len(df)} nhiệm vụ.")
view = p.get("xem") or "van-ban"
group_col = {"van-ban": "Văn bản", "co-quan": "Cơ quan chủ trì", "thoi-han": "Thời hạn"}[view]
order = df.sort_values("_due", kind="stable") if view == "thoi-han" else df
for key, part in order.groupby(group_col, sort=view != "thoi-han"):
    st.markdown(f"**{shared.esc(key or 'Chưa ghi')}** ({len(part)})")
    rows = "".join(
        f"<tr><td data-label='Mục'><a href='{shared.viewer_link(r['_clause'])}' target='_self'>{shared.esc(r['Mục'])}</a>"
        f"</td><td data-label='Nhiệm vụ'>{shared.esc(r['Nhiệm vụ'])}</td>"
        f"<td data-label='Chủ trì'>{shared.esc(r['Cơ quan chủ trì'] or '—')}</td>"
        f"<td data-label='Phối hợp'>{shared.esc(r['Cơ quan phối hợp'] or '—')}</td>"
        f"<td data-label='Thời hạn'>{shared.esc(r['Thời hạn'] or '—')}</td>"
        f"<td data-label='Chỉ tiêu'>{shared.esc(r['Chỉ tiêu'] or '—')}</td></tr>" for _, r in part.iterrows()
        if r["_clause"])
    st.markdown("<table class='pq-table pq-stack pq-tasks'><tr class='pq-head'><th style='width:9%'>Mục</th><th>Nhiệm vụ</th>"
                "<th style='width:16%'>Chủ trì</th><th style='width:16%'>Phối hợp</th><th style='width:11%'>Thời hạn</th>"
                "<th style='width:12%'>Chỉ tiêu</th></tr>" + rows + "</table>", unsafe_allow_html=True)

out = df.drop(columns=["_clause", "_due"])
c1, c2 = st.columns(2)
try:
    from policyqa.export import docx_bytes, xlsx_bytes

    c1.download_button("Tải Excel", xlsx_bytes(res), "phan-cong-nhiem-vu.xlsx", key="t_xlsx")
    c2.download_button("Tải Word", docx_bytes(res), "phan-cong-nhiem-vu.docx", key="t_docx")
except ImportError:
    c1.download_button("Tải Excel", shared.xlsx_bytes({"Phân công": out}), "phan-cong-nhiem-vu.xlsx", key="t_xlsx")
