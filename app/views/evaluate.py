"""Đánh giá chất lượng (administration): the labelled-set evaluation, run in a background thread so the page
(and every other page) stays usable; progress and the last result are shown to whoever opens the page."""
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd
import streamlit as st

from app import shared
from policyqa.evaluation import runner

shared.setup("Đánh giá chất lượng tìm kiếm")
eng = shared.engine()
s = shared.settings()

st.markdown(
    "Trang này đo xem hệ thống tìm đúng đến đâu, trên một bộ câu hỏi đã biết trước câu trả lời đúng (bộ có nhãn). "
    "Dành cho người quản trị; việc tra cứu hằng ngày không cần trang này.\n\n"
    "- **Tỷ lệ tìm thấy trong 1 / 5 / 10 kết quả đầu** (Recall@1/5/10): trong bao nhiêu phần câu hỏi, mục đúng "
    "nằm trong 1, 5 hay 10 kết quả đầu tiên. 1,000 nghĩa là mọi câu hỏi.\n"
    "- **Thứ hạng của kết quả đúng** (MRR@10): 1,000 nghĩa là mục đúng luôn đứng đầu; 0,500 nghĩa là trung bình đứng "
    "thứ hai.\n"
    "- **Chất lượng thứ tự** (nDCG@10): giống như trên nhưng tính cả khi có nhiều mục đúng.\n"
    "- **Độ chính xác câu trả lời**: tỷ lệ câu hỏi mà trang Hỏi đáp trả lời đúng cơ quan, thời hạn, chỉ tiêu "
    "(hoặc nói đúng là không có).")


@st.cache_resource
def jobs() -> dict:
    """One evaluation at a time per process: {"thread", "started", "report", "error", "last_seconds"}."""
    return {"lock": threading.Lock()}


def start(folder: Path, out: Path) -> None:
    job = jobs()

    def work():
        t = time.time()
        try:
            job["report"] = runner.run_corpus(s, eng, str(folder), ["hybrid", "dense", "bm25"], str(out / "report"))
            job["error"] = None
            job["last_seconds"] = time.time() - t
        except (ValueError, KeyError, OSError) as e:
            job["error"] = str(e)
        finally:
            job["running"] = False

    with job["lock"]:
        if job.get("running"):
            return
        job.update(running=True, started=time.time(), error=None)
        threading.Thread(target=work, daemon=True, name="policyqa-eval").start()


src = st.radio("Bộ câu hỏi", ["builtin", "upload"], horizontal=True, key="e_src",
               format_func={"builtin": "Bộ có sẵn của hệ thống", "upload": "Tải lên bộ câu hỏi riêng"}.get)
qf = rf = None
if src == "upload":
    st.caption("Hai tệp: queries.jsonl (câu hỏi) và qrels.jsonl (mục đúng của từng câu hỏi); định dạng xem eval/README.md.")
    qf = st.file_uploader("Tệp câu hỏi (queries.jsonl)", type=["jsonl"], key="e_q")
    rf = st.file_uploader("Tệp đáp án (qrels.jsonl)", type=["jsonl"], key="e_r")
ready = src == "builtin" or (qf is not None and rf is not None)
if st.button("Chạy đánh giá", disabled=not ready or bool(jobs().get("running")), key="e_go"):
    out = Path(tempfile.mkdtemp(prefix="policyqa-eval-"))
    folder = s.home / "eval"
    if src == "upload":
        folder = out / "uploaded"
        folder.mkdir()
        (folder / "queries.jsonl").write_bytes(qf.getvalue())
        (folder / "qrels.jsonl").write_bytes(rf.getvalue())
    start(folder, out)


@st.fragment(run_every=2)
def status() -> None:
    job = jobs()
    if job.get("running"):
        elapsed = time.time() - job["started"]
        last = job.get("last_seconds")
        frac = min(0.95, elapsed / last) if last else None
        text = f"Đang đánh giá… đã chạy {elapsed:.0f} giây" + (f" (lần trước mất {last:.0f} giây)" if last else
                                                                " (lần đầu có thể mất vài phút)")
        st.progress(frac if frac is not None else min(0.9, elapsed / 300), text=text)
        st.caption("Bạn có thể sang trang khác; việc đánh giá vẫn tiếp tục chạy.")
        return
    if job.get("error"):
        st.error(f"Bộ câu hỏi không hợp lệ: {job['error']}")
    rep = job.get("report")
    if rep is None:
        return
    labels = {"recall@1": "Tìm thấy trong 1 kết quả đầu", "recall@5": "Tìm thấy trong 5 kết quả đầu",
              "recall@10": "Tìm thấy trong 10 kết quả đầu", "mrr@10": "Thứ hạng của kết quả đúng",
              "ndcg@10": "Chất lượng thứ tự", "recall@100": "Tìm thấy trong 100 kết quả đầu"}
    names = {"hybrid": "Kết hợp (mặc định)", "dense": "Theo nghĩa", "bm25": "Theo từ khóa"}
    st.subheader(f"Kết quả lần gần nhất: {rep.n_queries} câu hỏi có nhãn")
    st.dataframe(pd.DataFrame([{"Cách tìm": names.get(mode, mode), **{labels.get(k, k): round(v, 3) for k, v in m.items()}}
                               for mode, m in rep.metrics.items()]), hide_index=True)
    if rep.answers:
        st.markdown(f"**Độ chính xác câu trả lời:** {rep.answers['accuracy']:.3f} "
                    f"({rep.answers['correct']}/{rep.answers['total']} câu hỏi)")
    if rep.failures:
        with st.expander(f"Các câu hỏi chưa đạt ({len(rep.failures)}: mục đúng nằm ngoài 5 kết quả đầu)"):
            st.dataframe(pd.DataFrame([{"Câu hỏi": f["query"], "Hạng của mục đúng": f["first_rank"] or "ngoài 100"}
                                       for f in rep.failures]), hide_index=True)


status()
