import streamlit as st

from app import shared
from policyqa.citation import fmt_date

shared.setup("Văn bản")
eng = shared.engine()
import pandas as pd

rows = [{"Mã": did, "Số hiệu": d["meta"].get("number") or "không số", "Loại": d["meta"].get("type"),
         "Cơ quan ban hành": d["meta"].get("issuer"), "Tỉnh/thành": d["meta"].get("province") or "không rõ",
         "Cấp": d["meta"].get("level"), "Ngày": fmt_date(d["meta"].get("date")) or "không ghi",
         "Người ký": d["meta"].get("signer") or "không rõ", "Số điều khoản": len(d["clauses"]),
         "Suy ra": ", ".join(d["meta"].get("inferred") or [])} for did, d in eng.docs.items()]
st.dataframe(pd.DataFrame(rows), hide_index=True, use_container_width=True)

selected_clause = st.query_params.get("clause")
ids = list(eng.docs)
default = ids.index(selected_clause.split(":")[0]) if selected_clause and selected_clause.split(":")[0] in ids else 0
did = st.selectbox("Xem văn bản", ids, index=default, format_func=lambda x: shared.doc_label(eng.docs[x]), key="d_doc")
doc = eng.docs[did]
m = doc["meta"]
st.subheader(m.get("title") or did)
if m.get("inferred"):
    st.caption("Thông tin suy ra từ nội dung: " + "; ".join(f"{k}: {m.get('evidence', {}).get(k, '')}" for k in m["inferred"]))
if m.get("truncated"):
    st.warning("Văn bản nguồn bị cắt (không đầy đủ).")
with st.expander("Phần đầu văn bản, nơi nhận và chữ ký"):
    st.markdown("**Phần đầu:** " + shared.esc(" / ".join(doc["header"])))
    st.markdown("**Nơi nhận:** " + shared.esc("; ".join(doc["recipients"]) or "—"))
    st.markdown("**Ký:** " + shared.esc(" / ".join(doc["signature"]) or "—"))

clauses = {c["clause_id"]: c for c in doc["clauses"]}
pick = st.selectbox("Điều khoản", list(clauses), index=list(clauses).index(selected_clause) if selected_clause in clauses else 0,
                    format_func=lambda c: f"{clauses[c]['path']} — {clauses[c]['heading'][:90]}", key="d_clause")
parts = []
for c in doc["clauses"]:
    cls = "pq-selected" if c["clause_id"] == pick else ""
    indent = 1.2 * c["depth"]
    fields = {k: v["value"] for k, v in c["fields"].items()}
    parts.append(f"<div class='{cls}' style='margin-left:{indent}rem;margin-bottom:0.4rem' id='{shared.esc(c['path'])}'>"
                 f"<span class='pq-path'>{shared.esc(c['path'])}</span><span class='pq-text'>{shared.esc(c['text'])}</span>"
                 f"{shared.fields_line(fields)}</div>")
st.markdown("".join(parts), unsafe_allow_html=True)
