"""Phân công nhiệm vụ: the task registry as an assignment table — per plan, per agency, per deadline — with
filters kept in the address (?vb=…&coquan=…&vai=…&tinh=…&tu=…&den=…&xem=…) and Excel/Word export."""
import datetime as dt

import streamlit as st

from app import shared
from policyqa import export
from policyqa.tasks import query_tasks

shared.setup("Phân công nhiệm vụ")
eng = shared.engine()

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


def deadline(t: dict) -> str:
    return (t.get("deadline") or {}).get("text") or ""


view = p.get("xem") or "van-ban"
if view == "co-quan":
    key_of = lambda t: (t.get("lead") or {}).get("name") or t.get("lead_text") or "Chưa ghi cơ quan chủ trì"  # noqa: E731
    ordered = sorted(tasks, key=lambda t: key_of(t))
elif view == "thoi-han":
    key_of = lambda t: deadline(t) or "Chưa ghi thời hạn"  # noqa: E731
    # tasks with a dated end first, soonest first; then the rest (ongoing, undated) in document order
    ordered = sorted(tasks, key=lambda t: ((t.get("deadline") or {}).get("end") is None,
                                           (t.get("deadline") or {}).get("end") or "", t["stt"]))
else:
    key_of = lambda t: labels.get(t["doc_id"], t["doc_id"])  # noqa: E731
    ordered = tasks
st.caption(f"{len(tasks)} nhiệm vụ. Bấm số mục để xem nhiệm vụ trong văn bản.")
groups: dict[str, list[dict]] = {}
for t in ordered:
    groups.setdefault(key_of(t), []).append(t)
for key, part in groups.items():
    st.markdown(f"**{shared.esc(key)}** ({len(part)} nhiệm vụ)")
    rows = "".join(
        f"<tr><td data-label='Mục'><a href='{shared.viewer_link(t['clause_id'])}' target='_self'>{shared.esc(t['section'])}</a>"
        + ("" if view == "van-ban" else f"<br><span style='font-size:0.78rem;color:#667'>{shared.esc(labels.get(t['doc_id'], ''))}</span>")
        + f"</td><td data-label='Nhiệm vụ'>{shared.esc(t['task'])}</td>"
        f"<td data-label='Chủ trì'>{shared.esc(t.get('lead_text') or '—')}</td>"
        f"<td data-label='Phối hợp'>{shared.esc(t.get('coordinating_text') or '—')}</td>"
        f"<td data-label='Thời hạn'>{shared.esc(deadline(t) or '—')}</td>"
        f"<td data-label='Chỉ tiêu, sản phẩm'>{shared.esc('; '.join(x for x in (t.get('targets_text'), t.get('product')) if x) or '—')}</td></tr>"
        for t in part)
    st.markdown("<table class='pq-table pq-stack pq-tasks'><tr class='pq-head'><th style='width:10%'>Mục</th><th>Nhiệm vụ</th>"
                "<th style='width:16%'>Chủ trì</th><th style='width:16%'>Phối hợp</th><th style='width:11%'>Thời hạn</th>"
                "<th style='width:13%'>Chỉ tiêu, sản phẩm</th></tr>" + rows + "</table>", unsafe_allow_html=True)

c1, c2 = st.columns(2)
c1.download_button("Tải Excel", export.xlsx_bytes(res), "phan-cong-nhiem-vu.xlsx", key="t_xlsx")
c2.download_button("Tải Word", export.docx_bytes(res), "phan-cong-nhiem-vu.docx", key="t_docx")
