import streamlit as st

from app import shared
from policyqa.compare import align, compare

shared.setup("So sánh cách các văn bản diễn đạt cùng một nhiệm vụ")
eng = shared.engine()
labels = {d: shared.doc_label(doc) for d, doc in eng.docs.items()}
tab1, tab2 = st.tabs(["Theo nhiệm vụ", "Đối chiếu hai văn bản"])


def diff_html(parts):
    out = []
    for p in parts:
        t = shared.esc(p["text"])
        out.append(t if p["op"] == "equal" else (f"<del>{t}</del>" if p["op"] == "delete" else f"<ins>{t}</ins>"))
    return " ".join(out)


with tab1:
    q = st.text_input("Nhiệm vụ (mô tả bằng lời, hoặc mã điều khoản)", key="c_query",
                      placeholder="ví dụ: định mức kinh tế - kỹ thuật")
    chosen = st.multiselect("Văn bản", list(labels), default=list(labels), format_func=labels.get, key="c_docs")
    if q.strip() and chosen:
        res = compare(eng, q, docs=",".join(chosen))
        st.caption(f"Ngưỡng tương đồng: {res.threshold:.3f}. Chữ xanh: có thêm so với điều khoản đối chiếu; "
                   "chữ đỏ gạch: điều khoản đối chiếu có mà văn bản này không có.")
        rows = []
        for r in res.rows:
            place = shared.esc(f"{r['province'] or r['issuer'] or r['doc_id']} ({r['number'] or 'không số'})")
            if r["status"] == "missing":
                rows.append(f"<tr><td>{place}</td><td colspan='4' class='pq-missing'>Không có nhiệm vụ tương ứng "
                            f"(điều khoản gần nhất chỉ đạt {r['similarity']:.3f})</td></tr>")
                continue
            ref = " <b>(đối chiếu)</b>" if r["clause_id"] == res.reference else ""
            body = shared.esc(r["text"]) if r["clause_id"] == res.reference else diff_html(r.get("diff") or [])
            rows.append(f"<tr><td>{place}<br><span class='pq-path'>{shared.esc(r['section'])}</span>{ref}</td>"
                        f"<td>{r['similarity']:.3f}</td><td>{shared.esc(r['lead'] or '—')}</td>"
                        f"<td>{shared.esc(r['timeframe'] or '—')}</td><td>{body}</td></tr>")
        st.markdown("<table class='pq-table'><colgroup><col style='width:15%'><col style='width:8%'><col style='width:17%'>"
                    "<col style='width:12%'><col style='width:48%'></colgroup><tr><th>Văn bản / mục</th><th>Tương đồng</th>"
                    "<th>Cơ quan chủ trì</th><th>Thời gian</th><th>Nội dung (so với điều khoản đối chiếu)</th></tr>"
                    + "".join(rows) + "</table>", unsafe_allow_html=True)
        st.download_button("Tải CSV", res.to_csv().encode("utf-8-sig"), "so-sanh.csv", "text/csv", key="c_csv")

with tab2:
    ids = list(labels)
    c1, c2 = st.columns(2)
    a = c1.selectbox("Văn bản A", ids, format_func=labels.get, key="al_a")
    b = c2.selectbox("Văn bản B", ids, index=min(1, len(ids) - 1), format_func=labels.get, key="al_b")
    if st.button("Đối chiếu", key="al_go") and a != b:
        st.session_state["al_result"] = align(eng, a, b)
    al = st.session_state.get("al_result")
    if al is not None:
        matched = sum(p["status"] == "matched" for p in al.pairs)
        st.markdown(f"**{matched}/{len(al.pairs)}** điều khoản của A có điều khoản tương ứng ở B; "
                    f"**{len(al.pairs) - matched}** chỉ có ở A; **{len(al.only_in_b)}** chỉ có ở B "
                    f"(độ trùng từ tối thiểu {al.threshold:.2f}).")
        import pandas as pd

        data = [{"Trạng thái": "tương ứng" if p["status"] == "matched" else "chỉ có ở A", "Mục A": p["a"]["section"],
                 "Nội dung A": p["a"]["text"], "Mục B": p["b"]["section"] if p["b"] else "",
                 "Nội dung B": p["b"]["text"] if p["b"] else "", "Độ trùng từ": p["overlap"],
                 "Tương đồng (cosine)": p["similarity"]} for p in al.pairs]
        data += [{"Trạng thái": "chỉ có ở B", "Mục A": "", "Nội dung A": "", "Mục B": c["section"],
                  "Nội dung B": c["text"], "Độ trùng từ": None, "Tương đồng (cosine)": None} for c in al.only_in_b]
        st.dataframe(pd.DataFrame(data), hide_index=True, use_container_width=True,
                     column_config={"Nội dung A": st.column_config.TextColumn(width="large"),
                                    "Nội dung B": st.column_config.TextColumn(width="large")})
        st.download_button("Tải CSV", al.to_csv().encode("utf-8-sig"), "doi-chieu.csv", "text/csv", key="al_csv")
