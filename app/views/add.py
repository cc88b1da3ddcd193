"""Quản lý văn bản (editors only): add documents, replace one by a new version, correct its metadata, remove it.
Every change is checked and shown first, and happens only when confirmed (policyqa.corpus_edit)."""
import streamlit as st

from app import shared
from ingest.readers import SUPPORTED
from policyqa import auth, corpus_edit
from policyqa.corpus_edit import EDITABLE, FIELD_LABELS

shared.setup("Quản lý văn bản")
s = shared.settings()


def known_editors() -> dict:
    try:
        table = st.secrets.get("editors", {})
    except Exception:  # no secrets file: configuration may come from the environment only
        table = {}
    return auth.editors(table)


def sign_in() -> None:
    editors = known_editors()
    if not editors:
        st.warning("Chưa cấu hình tài khoản biên tập viên nên chưa ai thêm, thay hay gỡ văn bản được. Người quản trị "
                   "đặt biến môi trường POLICYQA_EDITORS hoặc mục [editors] trong .streamlit/secrets.toml "
                   "(xem hướng dẫn trong README).")
        return
    st.info("Trang này chỉ dành cho biên tập viên: thêm, thay, hiệu chỉnh hoặc gỡ văn bản trong kho dùng chung.")
    with st.form("login"):
        name = st.text_input("Tên đăng nhập", key="li_name")
        pw = st.text_input("Mật khẩu", type="password", key="li_pw")
        if st.form_submit_button("Đăng nhập", type="primary"):
            if auth.verify(name, pw, editors):
                st.session_state.editor = name.strip()
                st.rerun()
            st.error("Tên đăng nhập hoặc mật khẩu không đúng.")


if not st.session_state.get("editor"):
    sign_in()
    st.stop()

c1, c2 = st.columns([3, 1])
c1.caption(f"Đang đăng nhập: **{st.session_state.editor}**")
if c2.button("Đăng xuất", key="logout"):
    st.session_state.pop("editor")
    st.rerun()

eng = shared.engine()
labels = {d: shared.doc_label(doc) for d, doc in eng.docs.items()}
TASKS = {"add": "Thêm văn bản", "replace": "Thay bằng phiên bản mới", "correct": "Hiệu chỉnh thông tin", "remove": "Gỡ văn bản"}
task = st.radio("Việc cần làm", list(TASKS), format_func=TASKS.get, horizontal=True, key="m_task")
exts = sorted(e.lstrip(".") for e in SUPPORTED)


def drop_staging() -> None:
    stg = st.session_state.pop("staging", None)
    if stg is not None:
        corpus_edit.discard(stg)


def stage_uploads(files, replace=None) -> None:
    drop_staging()
    uploads = [(f.name, f.size, f.getvalue) for f in files]
    st.session_state.staging = corpus_edit.stage(s, uploads, replace=replace)


def meta_form(staged, prefix: str) -> dict:
    out = {}
    with st.container(border=True):
        st.markdown(f"**{shared.esc(staged.name)}** — {staged.clauses} mục"
                    + (f" (tên gốc: {shared.esc(staged.original)})" if staged.original != staged.name else ""))
        st.caption("Thông tin đọc được từ phần đầu văn bản. Sửa nếu chưa đúng; để trống nếu văn bản không ghi.")
        cols = st.columns(2)
        for i, k in enumerate(EDITABLE):
            v = staged.meta.get(k)
            out[k] = cols[i % 2].text_input(FIELD_LABELS[k], value="" if v is None else str(v), key=f"{prefix}_{staged.name}_{k}")
    return out


def show_result(rep) -> None:
    shared.reload_engine()
    for d in rep.added:
        st.success(f"Đã thêm và đưa vào chỉ mục: {d}")
    for d in rep.replaced:
        st.success(f"Đã thay bằng phiên bản mới và đưa vào chỉ mục: {d}")
    for msg in rep.refused:
        st.error(f"Không thêm: {msg}")


def review_and_commit(action: str) -> None:
    stg = st.session_state.get("staging")
    if stg is None:
        return
    for e in stg.refused:
        st.error(f"Từ chối: {e}")
    if not stg.accepted:
        drop_staging()
        return
    edits = {}
    with st.form(f"review_{action}"):
        forms = {x.name: (x, meta_form(x, "rv")) for x in stg.accepted}
        c1, c2 = st.columns(2)
        ok = c1.form_submit_button("Xác nhận " + ("thay thế" if action == "replace" else "thêm vào kho"), type="primary")
        cancel = c2.form_submit_button("Hủy, không thay đổi gì")
    if cancel:
        drop_staging()
        st.info("Đã hủy. Kho văn bản không thay đổi.")
        return
    if ok:
        try:
            edits = {name: corpus_edit.clean_corrections(x.meta, vals) for name, (x, vals) in forms.items()}
        except corpus_edit.EditError as e:
            st.error(str(e))
            return
        st.session_state.pop("staging", None)
        bar = st.progress(0.0, text="Đang đưa vào chỉ mục…")

        def progress(done, total):
            bar.progress(min(1.0, done / max(total, 1)), text=f"Đang mã hóa mục {done}/{total}")

        rep = corpus_edit.commit(s, stg, edits, progress=progress)
        bar.empty()
        show_result(rep)


if task == "add":
    st.markdown(f"Tải lên văn bản ({', '.join(exts)}; tối đa 20 MB mỗi tệp). Mỗi tệp được kiểm tra và đọc thử; "
                "bạn xem lại thông tin trước khi xác nhận, và chưa có gì thay đổi cho đến khi xác nhận.")
    files = st.file_uploader("Chọn tệp", type=exts, accept_multiple_files=True, key="u_files")
    if st.button("Kiểm tra", disabled=not files, key="u_go"):
        stage_uploads(files)
    review_and_commit("add")
elif task == "replace":
    did = st.selectbox("Văn bản cần thay", list(labels), format_func=labels.get, key="r_doc")
    st.caption("Phiên bản mới giữ nguyên mã văn bản, nên các liên kết đến văn bản và các mục của nó vẫn dùng được.")
    f = st.file_uploader("Tệp phiên bản mới", type=exts, key="r_file")
    if st.button("Kiểm tra", disabled=f is None, key="r_go"):
        stage_uploads([f], replace=did)
    review_and_commit("replace")
elif task == "correct":
    did = st.selectbox("Văn bản", list(labels), format_func=labels.get, key="k_doc")
    meta = eng.docs[did]["meta"]
    with st.form("k_form"):
        cols = st.columns(2)
        vals = {k: cols[i % 2].text_input(FIELD_LABELS[k], value="" if meta.get(k) is None else str(meta.get(k)),
                                          key=f"k_{did}_{k}") for i, k in enumerate(EDITABLE)}
        ok = st.form_submit_button("Xem thay đổi", type="primary")
    if ok:
        try:
            changed = corpus_edit.clean_corrections(meta, vals)
        except corpus_edit.EditError as e:
            st.error(str(e))
            changed = None
        if changed == {}:
            st.info("Không có thay đổi nào.")
        elif changed:
            st.session_state.pending_fix = (did, {**(meta.get("corrections") or {}), **changed})
    pending = st.session_state.get("pending_fix")
    if pending and pending[0] == did:
        st.markdown("**Sẽ đổi:** " + "; ".join(f"{FIELD_LABELS[k]}: “{meta.get(k) or 'trống'}” → “{v or 'trống'}”"
                                               for k, v in pending[1].items() if meta.get(k) != v))
        c1, c2 = st.columns(2)
        if c1.button("Xác nhận hiệu chỉnh", type="primary", key="k_yes"):
            st.session_state.pop("pending_fix")
            with st.spinner("Đang cập nhật chỉ mục…"):
                corpus_edit.correct(s, did, pending[1])
            shared.reload_engine()
            st.success("Đã lưu hiệu chỉnh và cập nhật chỉ mục.")
        if c2.button("Hủy", key="k_no"):
            st.session_state.pop("pending_fix")
            st.rerun()
    if meta.get("corrections") and st.button("Bỏ mọi hiệu chỉnh của văn bản này", key="k_reset"):
        with st.spinner("Đang cập nhật chỉ mục…"):
            corpus_edit.correct(s, did, {})
        shared.reload_engine()
        st.success("Đã bỏ các hiệu chỉnh; văn bản dùng lại thông tin đọc từ tệp.")
else:
    did = st.selectbox("Văn bản cần gỡ", list(labels), format_func=labels.get, key="x_doc")
    st.caption("Văn bản bị gỡ khỏi kho và chỉ mục; các liên kết đến nó sẽ báo “không có văn bản này”.")
    sure = st.checkbox(f"Tôi chắc chắn muốn gỡ “{labels[did]}”", key=f"x_sure_{did}")
    if st.button("Gỡ văn bản", disabled=not sure, type="primary", key="x_go"):
        with st.spinner("Đang cập nhật chỉ mục…"):
            try:
                corpus_edit.remove(s, did)
                ok = True
            except corpus_edit.EditError as e:
                st.error(str(e))
                ok = False
        shared.reload_engine()
        if ok:
            st.success(f"Đã gỡ: {labels[did]}")
