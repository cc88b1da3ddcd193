import streamlit as st

from app import shared
from policyqa.search import search

shared.setup("Tìm kiếm điều khoản")
eng = shared.engine()
flt = shared.filters_sidebar(eng, "s")
with st.sidebar:
    st.subheader("Cách tìm")
    mode = st.radio("Chế độ", ["hybrid", "dense", "bm25"], key="s_mode",
                    format_func={"hybrid": "Kết hợp (mặc định)", "dense": "Ngữ nghĩa (dense)", "bm25": "Từ khóa (BM25)"}.get)
    k = st.slider("Số kết quả", 3, 30, 10, key="s_k")

query = st.text_input("Nhập câu hỏi hoặc từ khóa (có hoặc không dấu)", key="s_query",
                      placeholder="ví dụ: ai chủ trì xây dựng định mức kinh tế - kỹ thuật")
if query.strip():
    res = search(eng, query, k=k, mode=mode, filters=flt)
    if res.dense_query and res.dense_query != res.query:
        st.caption(f"Đã khôi phục dấu cho truy vấn: **{res.dense_query}**")
    if res.province_from_query:
        st.caption(f"Chỉ tìm trong văn bản của **{res.province_from_query}** (tỉnh/thành nêu trong truy vấn).")
    if not res.hits:
        st.warning("Không tìm thấy điều khoản phù hợp với bộ lọc hiện tại.")
    st.caption(f"{len(res.hits)} điều khoản")
    for h in res.hits:
        st.markdown(shared.hit_card(h), unsafe_allow_html=True)
else:
    st.info("Gõ nội dung cần tìm. Kết quả là các điều khoản kèm trích dẫn: số hiệu, cơ quan ban hành, tỉnh, ngày và vị trí trong văn bản.")
