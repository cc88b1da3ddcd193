import streamlit as st

from app import filters, shared
from policyqa import grouping, relevance
from policyqa.search import search

shared.setup("Tìm kiếm điều khoản")
eng = shared.engine()
MODES = {"hybrid": "Kết hợp từ khóa và ngữ nghĩa (khuyên dùng)", "bm25": "Chỉ theo từ khóa", "dense": "Chỉ theo nghĩa"}
ORDERS = {"relevance": "Mức liên quan", "date": "Ngày ban hành (mới nhất trước)"}
KEYS = {"q": "s_query", "mode": "s_mode", "xep": "s_order", "nhom": "s_group", "k": "s_k", **filters.KEYS}

shared.bind("s_query", "q")
shared.bind("s_mode", "mode", "hybrid", lambda v: v if v in MODES else "hybrid")
shared.bind("s_order", "xep", "relevance", lambda v: v if v in ORDERS else "relevance")
shared.bind("s_group", "nhom", False, lambda v: v == "1")
shared.bind("s_k", "k", 10, lambda v: int(v) if v.isdigit() and 3 <= int(v) <= 30 else 10)
filters.bind_all(eng)


def submit():
    s = st.session_state
    shared.publish({"q": s.s_query.strip(), "mode": s.s_mode if s.s_mode != "hybrid" else None,
                    "xep": s.s_order if s.s_order != "relevance" else None, "nhom": "1" if s.s_group else None,
                    "k": s.s_k if s.s_k != 10 else None, **filters.params()}, KEYS)


with st.form("s_form", border=False):
    st.text_input("Nội dung cần tìm (gõ có dấu hoặc không dấu)", key="s_query",
                  placeholder="ví dụ: ai chủ trì xây dựng định mức kinh tế - kỹ thuật")
    with st.expander("Bộ lọc và cách sắp xếp" + filters.summary(), expanded=False):
        filters.widgets(eng)
        c1, c2 = st.columns(2)
        c1.selectbox("Sắp xếp theo", list(ORDERS), format_func=ORDERS.get, key="s_order")
        c2.selectbox("Cách tìm", list(MODES), format_func=MODES.get, key="s_mode")
        c1.checkbox("Gom kết quả theo văn bản", key="s_group")
        c2.slider("Số kết quả", 3, 30, key="s_k")
    st.form_submit_button("Tìm kiếm", type="primary", on_click=submit)

query = shared.url_value("q").strip()
if query:
    flt = filters.current()
    res = search(eng, query, k=int(st.session_state.s_k), mode=st.session_state.s_mode, filters=flt)
    if res.dense_query and res.dense_query != res.query:
        st.caption(f"Đã hiểu truy vấn là: **{res.dense_query}**")
    if res.province_from_query:
        st.caption(f"Chỉ tìm trong văn bản của **{res.province_from_query}** (tỉnh/thành nêu trong truy vấn).")
    note = filters.undated_note(eng, flt)
    if note:
        st.caption(note)
    match = relevance.assess(eng, query, res.hits, res.province_from_query)
    if not res.hits:
        st.warning("Không có kết quả phù hợp với bộ lọc hiện tại. Hãy bỏ bớt bộ lọc.")
    elif not match.good:
        st.warning("Không có kết quả phù hợp: không điều khoản nào nói về nội dung này. "
                   "Hãy thử từ khóa khác hoặc diễn đạt khác.")
        with st.expander("Xem các điều khoản gần nhất (không phù hợp)"):
            for h in res.hits[:5]:
                st.markdown(shared.hit_card(eng, h), unsafe_allow_html=True)
    else:
        hits = grouping.by_date(res.hits) if st.session_state.s_order == "date" else res.hits
        st.caption(f"{len(hits)} kết quả" + (", sắp theo ngày ban hành; văn bản không ghi ngày ở cuối"
                                             if st.session_state.s_order == "date" else ", sắp theo mức liên quan"))
        if st.session_state.s_group:
            for did, group in grouping.by_document(hits):
                meta = eng.docs[did]["meta"]
                st.markdown(f"#### [{shared.esc(shared.doc_label(eng.docs[did]))}]({shared.doc_link(did)})")
                st.caption(shared.short_title(meta, 200))
                for h in group:
                    st.markdown(shared.hit_card(eng, h), unsafe_allow_html=True)
        else:
            for h in hits:
                st.markdown(shared.hit_card(eng, h), unsafe_allow_html=True)
    if res.hits:
        with st.expander("Chi tiết kỹ thuật (điểm xếp hạng)"):
            st.caption(f"Độ phủ từ khóa tốt nhất {match.coverage:.2f} (cần ≥ {relevance.COVERAGE_MIN}); "
                       f"tương đồng ngữ nghĩa tốt nhất {match.dense:.3f} (cần ≥ {relevance.DENSE_MIN}). "
                       "Điểm chỉ dùng để xếp hạng, không phải xác suất.")
            st.dataframe(shared.details_table(res.hits), hide_index=True)
else:
    st.info("Gõ nội dung cần tìm rồi bấm “Tìm kiếm”. Kết quả là các điều khoản kèm trích dẫn: số hiệu, ngày, "
            "cơ quan ban hành và vị trí trong văn bản. Bộ lọc (tỉnh, văn bản, cấp, ngày) nằm trong mục "
            "“Bộ lọc và cách sắp xếp”.")
