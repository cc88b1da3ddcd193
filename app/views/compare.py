"""So sánh: how documents word the same task (?q=…&vb=A,B), or two whole documents side by side (?kieu=doi-chieu&a=…&b=…)."""
import pandas as pd
import streamlit as st

from app import shared
from policyqa import wording
from policyqa.compare import align, compare, missing_reason

shared.setup("So sánh văn bản")
eng = shared.engine()
labels = {d: shared.doc_label(doc) for d, doc in eng.docs.items()}
ids = list(labels)
KINDS = {"nhiem-vu": "Cùng một nhiệm vụ ở các văn bản", "doi-chieu": "Đối chiếu hai văn bản"}
shared.bind("c_kind", "kieu", "nhiem-vu", lambda v: v if v in KINDS else "nhiem-vu")
kind = st.radio("Cách so sánh", list(KINDS), format_func=KINDS.get, horizontal=True, key="c_kind",
                on_change=lambda: shared.publish({"kieu": st.session_state.c_kind}, {"kieu": "c_kind"}))


def marked(parts, cls) -> str:
    return " ".join(f"<span class='{cls}'>{shared.esc(t)}</span>" if ch else shared.esc(t) for t, ch in parts)


def targets_of(cid: str | None) -> str:
    c = eng.clause(cid) if cid else None
    ts = ((c or {}).get("fields", {}).get("targets") or {}).get("value") or []
    return "; ".join(f"{t['value']}" + (f" (năm {t['year']})" if t.get("year") else "") for t in ts)


def task_view() -> None:
    shared.bind("c_query", "q")
    shared.bind("c_docs", "vb", ids, lambda v: [x for x in v.split(",") if x in labels] or ids)

    def submit():
        s = st.session_state
        chosen = s.c_docs if set(s.c_docs) != set(ids) else []
        shared.publish({"kieu": None, "q": s.c_query.strip(), "vb": ",".join(chosen)}, {"q": "c_query", "vb": "c_docs"})

    with st.form("c_form", border=False):
        st.text_input("Nhiệm vụ (mô tả bằng lời, hoặc mã mục)", key="c_query",
                      placeholder="ví dụ: định mức kinh tế - kỹ thuật")
        st.multiselect("Các văn bản so sánh", ids, format_func=labels.get, key="c_docs", placeholder="Chọn văn bản")
        st.form_submit_button("So sánh", type="primary", on_click=submit)
    q = shared.url_value("q").strip()
    chosen = st.session_state.c_docs
    if not q:
        st.info("Nhập một nhiệm vụ rồi bấm “So sánh”: mỗi văn bản được đối chiếu ở mục nêu nhiệm vụ đó, cùng cơ quan "
                "chủ trì, thời gian và chỉ tiêu; văn bản không có nhiệm vụ này được ghi rõ.")
        return
    res = compare(eng, q, docs=",".join(chosen))
    ref = res.reference
    st.caption("Chỉ so sánh câu chữ của nhiệm vụ (không so các dòng “Cơ quan chủ trì…”, “Thời gian…”, "
               "được tách thành cột riêng). Chữ nền xanh: văn bản này có thêm; chữ nền đỏ: mục đối chiếu có mà văn bản "
               "này không có. Hai cách diễn đạt quá khác nhau thì không tô.")
    if ref:
        st.markdown(f"<div class='pq-card'><div class='pq-cite'>Mục đối chiếu: {shared.esc(shared.official_citation(eng, ref))}"
                    f"</div><div class='pq-text'>{shared.esc(wording.task_wording(eng.clause(ref)['text']))}</div></div>",
                    unsafe_allow_html=True)
    rows, export = [], []
    for r in res.rows:
        name = shared.esc(labels.get(r["doc_id"], r["doc_id"]))
        meta = eng.docs[r["doc_id"]]["meta"]
        if r["status"] == "missing":
            why = missing_reason(r, res)
            rows.append(f"<tr><td data-label='Văn bản'>{name} {shared.truncated_badge(meta)}</td>"
                        f"<td colspan='5' class='pq-missing' data-label='Kết quả'>Không có nhiệm vụ tương ứng ({shared.esc(why)})</td></tr>")
            export.append({"Văn bản": labels[r["doc_id"]], "Mục": "", "Kết quả": "không có nhiệm vụ tương ứng",
                           "Lý do": why, "Cơ quan chủ trì": "", "Cơ quan phối hợp": "", "Thời gian": "", "Chỉ tiêu": "",
                           "Nội dung nhiệm vụ": ""})
            continue
        wording_ = wording.task_wording(r["text"])
        if r["clause_id"] == ref:
            body = "<i>(mục đối chiếu)</i> " + shared.esc(wording_)
        else:
            sbs = wording.side_by_side(eng.clause(ref)["text"], r["text"])
            body = marked(sbs["right"], "pq-ins")
            if sbs["marked"]:
                body += f"<div style='margin-top:4px;color:#667;font-size:0.8rem'>So với mục đối chiếu: {marked(sbs['left'], 'pq-del')}</div>"
            else:
                body += "<div style='color:#667;font-size:0.8rem'>(diễn đạt khác hẳn mục đối chiếu, không tô)</div>"
        link = f"<a href='{shared.viewer_link(r['clause_id'])}' target='_self'>{shared.esc(r['section'])}</a>"
        tg = targets_of(r["clause_id"])
        rows.append(f"<tr><td data-label='Văn bản'>{name}<br>mục {link} {shared.truncated_badge(meta)}</td>"
                    f"<td data-label='Chủ trì'>{shared.esc(r['lead'] or '—')}</td>"
                    f"<td data-label='Phối hợp'>{shared.esc(r['coordinating'] or '—')}</td>"
                    f"<td data-label='Thời gian'>{shared.esc(r['timeframe'] or '—')}</td>"
                    f"<td data-label='Chỉ tiêu'>{shared.esc(tg or '—')}</td>"
                    f"<td data-label='Nhiệm vụ'>{body}</td></tr>")
        export.append({"Văn bản": labels[r["doc_id"]], "Mục": r["section"], "Kết quả": "có nhiệm vụ tương ứng",
                       "Lý do": "", "Cơ quan chủ trì": r["lead"] or "", "Cơ quan phối hợp": r["coordinating"] or "",
                       "Thời gian": r["timeframe"] or "", "Chỉ tiêu": tg, "Nội dung nhiệm vụ": wording_})
    st.markdown("<table class='pq-table pq-stack'><tr class='pq-head'><th style='width:15%'>Văn bản, mục</th>"
                "<th style='width:14%'>Chủ trì</th><th style='width:13%'>Phối hợp</th><th style='width:10%'>Thời gian</th>"
                "<th style='width:10%'>Chỉ tiêu</th><th>Nội dung nhiệm vụ</th></tr>" + "".join(rows) + "</table>",
                unsafe_allow_html=True)
    df = pd.DataFrame(export)
    c1, c2 = st.columns(2)
    c1.download_button("Tải Excel", shared.xlsx_bytes({"So sánh": df}), "so-sanh.xlsx", key="c_xlsx")
    c2.download_button("Tải CSV", shared.csv_bytes(df), "so-sanh.csv", "text/csv", key="c_csv")


def align_view() -> None:
    shared.bind("al_a", "a", ids[0], lambda v: v if v in labels else ids[0])
    shared.bind("al_b", "b", ids[min(1, len(ids) - 1)], lambda v: v if v in labels else ids[min(1, len(ids) - 1)])

    def submit():
        s = st.session_state
        shared.publish({"kieu": "doi-chieu", "a": s.al_a, "b": s.al_b}, {"a": "al_a", "b": "al_b", "kieu": "c_kind"})

    with st.form("al_form", border=False):
        c1, c2 = st.columns(2)
        c1.selectbox("Văn bản A", ids, format_func=labels.get, key="al_a")
        c2.selectbox("Văn bản B", ids, format_func=labels.get, key="al_b")
        st.form_submit_button("Đối chiếu", type="primary", on_click=submit)
    a, b = shared.url_value("a"), shared.url_value("b")
    if not (a in labels and b in labels):
        st.info("Chọn hai văn bản rồi bấm “Đối chiếu”: mỗi mục của A được đặt cạnh mục tương ứng của B.")
        return
    if a == b:
        st.warning("Hãy chọn hai văn bản khác nhau.")
        return
    al = align(eng, a, b)
    matched = sum(p["status"] == "matched" for p in al.pairs)
    st.markdown(f"**{matched}/{len(al.pairs)}** mục của A có mục tương ứng ở B; **{len(al.pairs) - matched}** chỉ có ở A; "
                f"**{len(al.only_in_b)}** chỉ có ở B (hai mục tương ứng khi trùng từ {al.threshold:.0%} từ ngữ trở lên).")
    show = st.radio("Hiển thị", ["all", "matched", "only"], horizontal=True, key="al_show",
                    format_func={"all": "Tất cả", "matched": "Chỉ các mục tương ứng", "only": "Chỉ các mục khác biệt"}.get)
    rows, export = [], []
    for p in al.pairs:
        if (show == "matched" and p["status"] != "matched") or (show == "only" and p["status"] == "matched"):
            continue
        bb = p["b"]
        rows.append(f"<tr><td data-label='A'><b>{shared.esc(p['a']['section'])}</b> {shared.esc(p['a']['text'])}</td>"
                    f"<td data-label='B'>" + (f"<b>{shared.esc(bb['section'])}</b> {shared.esc(bb['text'])}" if bb
                                               else "<span class='pq-missing'>Không có mục tương ứng</span>") + "</td></tr>")
        export.append({"Trạng thái": "tương ứng" if bb else "chỉ có ở A", "Mục A": p["a"]["section"],
                       "Nội dung A": p["a"]["text"], "Mục B": bb["section"] if bb else "",
                       "Nội dung B": bb["text"] if bb else "", "Độ trùng từ ngữ": p["overlap"]})
    if show != "matched":
        for c in al.only_in_b:
            rows.append(f"<tr><td data-label='A'><span class='pq-missing'>Không có mục tương ứng</span></td>"
                        f"<td data-label='B'><b>{shared.esc(c['section'])}</b> {shared.esc(c['text'])}</td></tr>")
            export.append({"Trạng thái": "chỉ có ở B", "Mục A": "", "Nội dung A": "", "Mục B": c["section"],
                           "Nội dung B": c["text"], "Độ trùng từ ngữ": None})
    st.markdown(f"<table class='pq-table pq-stack'><tr class='pq-head'><th style='width:50%'>A: {shared.esc(labels[a])}</th>"
                f"<th>B: {shared.esc(labels[b])}</th></tr>" + "".join(rows) + "</table>", unsafe_allow_html=True)
    df = pd.DataFrame(export)
    c1, c2 = st.columns(2)
    c1.download_button("Tải Excel", shared.xlsx_bytes({"Đối chiếu": df}), "doi-chieu.xlsx", key="al_xlsx")
    c2.download_button("Tải CSV", shared.csv_bytes(df), "doi-chieu.csv", "text/csv", key="al_csv")


if kind == "doi-chieu":
    align_view()
else:
    task_view()
