import tempfile
from pathlib import Path

import streamlit as st

from app import shared
from policyqa.evaluation import runner

shared.setup("Đánh giá chất lượng truy hồi")
eng = shared.engine()
s = shared.settings()
st.markdown("Đo Recall@1/5/10, MRR@10, nDCG@10 cho cả ba chế độ tìm kiếm trên bộ câu hỏi có nhãn, cùng độ chính xác "
            "của câu trả lời. Định dạng bộ dữ liệu: xem `eval/README.md`.")
src = st.radio("Bộ dữ liệu", ["Bộ có sẵn (eval/)", "Tải lên queries.jsonl + qrels.jsonl"], key="e_src")
folder = s.home / "eval"
ready = True
if src.startswith("Tải"):
    qf = st.file_uploader("queries.jsonl", type=["jsonl"], key="e_q")
    rf = st.file_uploader("qrels.jsonl", type=["jsonl"], key="e_r")
    ready = qf is not None and rf is not None
if st.button("Chạy đánh giá", disabled=not ready, key="e_go"):
    out = Path(tempfile.mkdtemp(prefix="policyqa-eval-"))
    if src.startswith("Tải"):
        folder = out / "uploaded"
        folder.mkdir()
        (folder / "queries.jsonl").write_bytes(qf.getvalue())
        (folder / "qrels.jsonl").write_bytes(rf.getvalue())
    try:
        with st.spinner("Đang đánh giá…"):
            st.session_state["e_report"] = runner.run_corpus(s, eng, str(folder), ["hybrid", "dense", "bm25"], str(out / "report"))
    except (ValueError, KeyError) as e:
        st.error(f"Bộ dữ liệu không hợp lệ: {e}")
rep = st.session_state.get("e_report")
if rep is not None:
    import pandas as pd

    from policyqa.evaluation.report import LABELS

    st.subheader(f"Kết quả: {rep.n_queries} câu hỏi có nhãn")
    st.dataframe(pd.DataFrame([{"Chế độ": mode, **{LABELS[k]: round(v, 3) for k, v in m.items()}}
                               for mode, m in rep.metrics.items()]), hide_index=True, use_container_width=True)
    st.image(rep.files["chart"])
    if rep.answers:
        st.markdown(f"**Độ chính xác câu trả lời:** {rep.answers['accuracy']:.3f} ({rep.answers['correct']}/{rep.answers['total']})")
    for n in rep.notes:
        st.warning(n)
    if rep.failures:
        st.subheader("Các truy vấn chưa đạt (kết hợp: có điều khoản đúng nằm ngoài top 5)")
        st.dataframe(pd.DataFrame([{"Mã": f["id"], "Loại": f["type"], "Truy vấn": f["query"],
                                    "Hạng đúng đầu tiên": f["first_rank"] or ">100", "Top 3": ", ".join(f["top3"])}
                                   for f in rep.failures]), hide_index=True, use_container_width=True)
