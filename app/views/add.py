import tempfile
from pathlib import Path

import streamlit as st

from app import shared
from ingest.readers import SUPPORTED
from policyqa.build import build_all
from policyqa.ingest_check import check_upload

shared.setup("Thêm văn bản")
s = shared.settings()
st.markdown(f"Tải lên văn bản ({', '.join(sorted(SUPPORTED))}). Mỗi tệp được kiểm tra trước; tệp lỗi bị từ chối "
            "và không làm thay đổi kho văn bản hay chỉ mục.")
files = st.file_uploader("Chọn tệp", type=[e.lstrip(".") for e in sorted(SUPPORTED)], accept_multiple_files=True, key="u_files")
if st.button("Kiểm tra và thêm vào kho", disabled=not files, key="u_go"):
    tmp = Path(tempfile.mkdtemp(prefix="policyqa-upload-"))
    accepted = []
    for f in files:
        path = tmp / Path(f.name).name
        path.write_bytes(f.getvalue())
        problem = check_upload(path, s.corpus_dir)
        if problem:
            st.error(shared.ingest_problem(problem))
        else:
            accepted.append(path)
    if accepted:
        bar = st.progress(0.0, text="Đang thêm văn bản…")
        for p in accepted:
            (s.corpus_dir / p.name).write_bytes(p.read_bytes())

        def progress(done, total):
            bar.progress(min(1.0, done / max(total, 1)), text=f"Đang mã hóa điều khoản {done}/{total}")

        rep = build_all(s, embed_progress=progress)
        bar.progress(1.0, text="Xong")
        shared.reload_engine()
        st.success(f"Đã thêm {len(accepted)} văn bản; chỉ mục: {rep.index_stats.get('clauses', 'không đổi')} điều khoản "
                   f"({rep.index_stats.get('embedded', 0)} điều khoản mới được mã hóa).")
        for e in rep.ingest.errors:
            st.error(shared.ingest_problem(e))
