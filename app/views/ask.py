import streamlit as st

from app import shared
from policyqa.ask import ask

shared.setup("Hỏi đáp có trích dẫn")
eng = shared.engine()
flt = shared.filters_sidebar(eng, "a")
q = st.text_input("Câu hỏi", key="a_query", placeholder="ví dụ: Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?")
st.caption("Câu trả lời chỉ lấy từ các điều khoản tìm được (cơ quan chủ trì, phối hợp, thời hạn, chỉ tiêu); "
           "không có căn cứ thì hệ thống nói rõ là không tìm thấy.")
if q.strip():
    res = ask(eng, q, filters=flt)
    st.markdown(f"**Loại câu hỏi:** {res.kind_label}")
    if res.filters and res.filters.province and not flt.province:
        st.caption(f"Đã giới hạn theo tỉnh/thành nêu trong câu hỏi: {res.filters.province}")
    if res.answers:
        st.subheader("Trả lời")
        for a in res.answers:
            with st.container(border=True):
                st.markdown(f"### {shared.esc(a['text'])}")
                st.markdown(f"<span class='pq-path'>{shared.esc(a['section'])}</span> {shared.esc(a['citation'])}",
                            unsafe_allow_html=True)
                if a.get("directing"):
                    st.caption(f"Cơ quan chỉ đạo: {a['directing']}")
                src = {"field_line": "dòng phân công của điều khoản", "group_note": "dòng giao nhiệm vụ chung cho cả nhóm",
                       "inline": "câu trong điều khoản", "inherited": "mục cha"}.get(a.get("field_source") or "", "")
                if src:
                    st.caption(f"Nguồn: {src}")
                with st.expander("Điều khoản được trích"):
                    st.markdown(f"<div class='pq-text'>{shared.esc(a['clause_text'])}</div>", unsafe_allow_html=True)
                    st.markdown(f"[Xem trong văn bản ↗]({shared.viewer_link(a['clause_id'])})")
    else:
        st.warning(res.message)
    st.subheader("Các điều khoản liên quan" if res.answers else "Các điều khoản gần nhất")
    for h in res.hits[:5]:
        st.markdown(shared.hit_card(h), unsafe_allow_html=True)
