import streamlit as st

from app import filters, shared
from policyqa import relevance
from policyqa.ask import ask

shared.setup("Hỏi đáp có trích dẫn")
eng = shared.engine()
KEYS = {"q": "a_query", **filters.KEYS}
shared.bind("a_query", "q")
filters.bind_all(eng)
SOURCES = {"field_line": "dòng phân công của mục", "group_note": "dòng giao nhiệm vụ chung cho cả nhóm",
           "inline": "câu trong mục", "inherited": "mục cha"}


def submit():
    shared.publish({"q": st.session_state.a_query.strip(), **filters.params()}, KEYS)


with st.form("a_form", border=False):
    st.text_input("Câu hỏi", key="a_query", placeholder="ví dụ: Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?")
    with st.expander("Bộ lọc" + filters.summary()):
        filters.widgets(eng)
    st.form_submit_button("Hỏi", type="primary", on_click=submit)
st.caption("Câu trả lời chỉ lấy từ các văn bản (cơ quan chủ trì, phối hợp, thời hạn, chỉ tiêu); "
           "không có căn cứ thì hệ thống nói rõ là không tìm thấy.")

q = shared.url_value("q").strip()
if q:
    flt = filters.current()
    res = ask(eng, q, filters=flt)
    st.markdown(f"**Loại câu hỏi:** {res.kind_label}")
    place = res.filters.province if res.filters and res.filters.province and not flt.province else None
    if place:
        st.caption(f"Đã giới hạn theo tỉnh/thành nêu trong câu hỏi: {place}")
    if res.answers:
        st.markdown("**Trả lời**")
        for a in res.answers:
            cite = shared.official_citation(eng, a["clause_id"])
            meta = eng.docs[a["clause_id"].split(":")[0]]["meta"]
            with st.container(border=True):
                st.markdown(f"<div style='font-size:1.05rem;font-weight:600'>{shared.esc(a['text'])}</div>"
                            f"<div class='pq-cite' style='font-weight:400'>{shared.esc(cite)} "
                            f"{shared.truncated_badge(meta)}</div>", unsafe_allow_html=True)
                if a.get("directing"):
                    st.caption(f"Cơ quan chỉ đạo: {a['directing']}")
                src = SOURCES.get(a.get("field_source") or "", "")
                if src:
                    st.caption(f"Lấy từ: {src}")
                st.markdown(f"<div class='pq-actions'><a href='{shared.viewer_link(a['clause_id'])}' target='_self'>"
                            f"Xem trong văn bản</a>{shared.copy_button(cite)}</div>", unsafe_allow_html=True)
                with st.expander("Nội dung mục được trích"):
                    st.markdown(f"<div class='pq-text'>{shared.esc(a['clause_text'])}</div>", unsafe_allow_html=True)
        st.markdown("**Các mục liên quan**")
        for h in res.hits[:5]:
            st.markdown(shared.hit_card(eng, h), unsafe_allow_html=True)
    else:
        match = relevance.assess(eng, q, res.hits, place)
        if res.content and (not match.good or not res.hits):
            st.warning("Không có kết quả phù hợp: các văn bản không nói về nội dung này.")
            if res.hits:
                with st.expander("Xem các mục gần nhất (không phù hợp)"):
                    for h in res.hits[:5]:
                        st.markdown(shared.hit_card(eng, h), unsafe_allow_html=True)
        else:
            st.warning(f"Không tìm thấy {res.kind_label.lower()} cho nội dung này trong các văn bản."
                       if res.content else res.message)
            st.markdown("**Các mục nói về nội dung này** (không nêu rõ điều được hỏi)")
            for h in res.hits[:5]:
                st.markdown(shared.hit_card(eng, h), unsafe_allow_html=True)
