"""Streamlit entry point: `policyqa app` or `streamlit run app/main.py`."""
from pathlib import Path

import streamlit as st

st.set_page_config(page_title="PolicyQA — Tra cứu văn bản chính sách", page_icon=":material/gavel:", layout="wide",
                   menu_items={"Get help": None, "Report a bug": None, "About": None})

VIEWS = Path(__file__).parent / "views"
pages = {
    "Tra cứu": [
        st.Page(str(VIEWS / "search.py"), title="Tìm kiếm", icon=":material/search:", default=True),
        st.Page(str(VIEWS / "ask.py"), title="Hỏi đáp", icon=":material/question_answer:", url_path="hoi-dap"),
        st.Page(str(VIEWS / "tasks.py"), title="Phân công nhiệm vụ", icon=":material/assignment_ind:",
                url_path="phan-cong"),
        st.Page(str(VIEWS / "compare.py"), title="So sánh", icon=":material/compare:", url_path="so-sanh"),
        st.Page(str(VIEWS / "documents.py"), title="Văn bản", icon=":material/description:", url_path="van-ban"),
    ],
    "Quản trị": [
        st.Page(str(VIEWS / "add.py"), title="Quản lý văn bản", icon=":material/upload_file:", url_path="them-van-ban"),
        st.Page(str(VIEWS / "evaluate.py"), title="Đánh giá chất lượng", icon=":material/analytics:",
                url_path="danh-gia"),
    ],
}
st.navigation(pages).run()
