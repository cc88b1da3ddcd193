"""Văn bản: the list of documents, one document (formatted header, table of contents, the cited clause
highlighted, task fields, related documents, original file, print view), or a referenced document's page
(which plans of the corpus implement it, by province and level). Everything is addressed by the URL:
?doc=ID, ?doc=ID&clause=CLAUSE_ID, ?doc=ID&in=1 (print view), ?ref=NUMBER."""
import re

import streamlit as st

from app import shared
from policyqa import related
from policyqa.citation import fmt_date

eng = shared.engine()
params = st.query_params
clause_id = params.get("clause")
doc_id = params.get("doc") or (clause_id.split(":")[0] if clause_id else None)
ref = params.get("ref")
printing = params.get("in") == "1"


def doc_row_link(did: str) -> str:
    return f"<a href='{shared.doc_link(did)}' target='_self'>{shared.esc(shared.doc_label(eng.docs[did]))}</a>"


def date_place(m: dict) -> str:
    where = m.get("place") or m.get("province")
    if not m.get("date"):
        return f"{where}, không ghi ngày" if where else "Không ghi ngày"
    y, mo, d = m["date"].split("-")
    return f"{where + ', ' if where else ''}ngày {int(d):02d} tháng {int(mo):02d} năm {y}"


def header_html(doc: dict) -> str:
    m = doc["meta"]
    motto = next((l for l in doc.get("header") or [] if "CỘNG HÒA" in l.upper() or "ĐẢNG CỘNG SẢN" in l.upper()), None)
    left = (f"<b>{shared.esc((m.get('issuer') or 'Không rõ cơ quan ban hành').upper())}</b><br>"
            f"Số: {shared.esc(m.get('number') or 'không ghi số')}")
    right = (f"<b>{shared.esc(motto)}</b><br>" if motto else "") + f"<i>{shared.esc(date_place(m))}</i>"
    return (f"<div class='pq-doc-head'><div>{left}</div><div>{right}</div></div>"
            f"<div class='pq-doc-title'><div class='type'>{shared.esc(m.get('type') or 'Văn bản')}</div>"
            f"<div class='about'>{shared.esc(m.get('title') or '')}</div></div>")


def anchor(cid: str) -> str:
    return "c-" + re.sub(r"[^0-9A-Za-z]+", "-", cid.split(":", 1)[1]).strip("-")


def show_list() -> None:
    shared.setup("Văn bản trong kho")
    docs = list(eng.docs.values())
    types = sorted({d["meta"].get("type") for d in docs} - {None})
    issuers = sorted({d["meta"].get("issuer") for d in docs} - {None})
    years = sorted({(d["meta"].get("date") or "")[:4] for d in docs} - {""}, reverse=True)
    c1, c2, c3 = st.columns(3)
    t = c1.selectbox("Loại văn bản", [""] + types, format_func=lambda v: v or "Tất cả", key="d_type")
    i = c2.selectbox("Cơ quan ban hành", [""] + issuers, format_func=lambda v: v or "Tất cả", key="d_issuer")
    y = c3.selectbox("Năm ban hành", [""] + years, format_func=lambda v: v or "Tất cả", key="d_year")
    rows = []
    for d in sorted(docs, key=lambda d: d["meta"].get("date") or "", reverse=True):
        m = d["meta"]
        if (t and m.get("type") != t) or (i and m.get("issuer") != i) or (y and not (m.get("date") or "").startswith(y)):
            continue
        rows.append(f"<tr><td data-label='Văn bản'><a href='{shared.doc_link(d['doc_id'])}' target='_self'>"
                    f"{shared.esc(m.get('number') or 'Không số')}</a> {shared.truncated_badge(m)}</td>"
                    f"<td data-label='Trích yếu'>{shared.esc(m.get('title') or '')}</td>"
                    f"<td data-label='Cơ quan ban hành'>{shared.esc(m.get('issuer') or 'không rõ')}</td>"
                    f"<td data-label='Tỉnh/thành'>{shared.esc(m.get('province') or 'không rõ')}</td>"
                    f"<td data-label='Ngày'>{shared.esc(fmt_date(m.get('date')) or 'không ghi')}</td>"
                    f"<td data-label='Số mục'>{len(d['clauses'])}</td></tr>")
    st.caption(f"{len(rows)} văn bản. Bấm số hiệu để mở văn bản.")
    st.markdown("<table class='pq-table pq-stack'><tr class='pq-head'><th style='width:14%'>Số hiệu</th>"
                "<th>Trích yếu</th><th style='width:18%'>Cơ quan ban hành</th><th style='width:11%'>Tỉnh/thành</th>"
                "<th style='width:9%'>Ngày</th><th style='width:6%'>Số mục</th></tr>" + "".join(rows) + "</table>",
                unsafe_allow_html=True)


def show_ref(number: str) -> None:
    shared.setup(f"Văn bản số {number}")
    own = related.by_number(eng.docs).get(related.number_key(number))
    if own:
        st.markdown(f"Văn bản này có trong kho: {doc_row_link(own)}", unsafe_allow_html=True)
    else:
        st.caption("Văn bản này không có trong kho; dưới đây là các văn bản trong kho triển khai hoặc dẫn chiếu nó.")
    groups = related.implementing(eng.docs, number)
    if not groups:
        st.info("Không có văn bản nào trong kho triển khai hoặc dẫn chiếu văn bản này.")
        return
    st.subheader("Văn bản triển khai, theo tỉnh/thành và cấp")
    rows = []
    for g in groups:
        links = "<br>".join(doc_row_link(d) for d in g["doc_ids"])
        rows.append(f"<tr><td data-label='Tỉnh/thành'>{shared.esc(g['province'] or 'không rõ')}</td>"
                    f"<td data-label='Cấp'>{shared.esc(g['level'] or 'không rõ')}</td>"
                    f"<td data-label='Văn bản'>{links}</td></tr>")
    st.markdown("<table class='pq-table pq-stack'><tr class='pq-head'><th style='width:25%'>Tỉnh/thành</th>"
                "<th style='width:15%'>Cấp</th><th>Văn bản</th></tr>" + "".join(rows) + "</table>",
                unsafe_allow_html=True)


def show_doc(did: str) -> None:
    doc = eng.docs[did]
    m = doc["meta"]
    st.markdown(shared.CSS, unsafe_allow_html=True)
    st.html(shared.JS, unsafe_allow_javascript=True)
    unit = shared.unit_word(m)
    if printing:
        st.markdown("<style>[data-testid='stSidebar'], [data-testid='stSidebarCollapsedControl'], header "
                    "{display:none !important;}</style><div class='pq-noprint'><button class='pq-copy pq-print' "
                    "type='button'>In văn bản</button></div>", unsafe_allow_html=True)
    else:
        st.markdown("<div class='pq-noprint'><a href='./van-ban' target='_self'>← Danh sách văn bản</a></div>",
                    unsafe_allow_html=True)
    st.markdown(header_html(doc), unsafe_allow_html=True)
    if m.get("truncated"):
        st.warning("Văn bản nguồn bị cắt, không đầy đủ: phần cuối của văn bản không có trong kho.")
    if not printing:
        facts = [f"Cấp ban hành: {m.get('level') or 'không rõ'}", f"Người ký: {m.get('signer') or 'không rõ'}",
                 f"{len(doc['clauses'])} {unit}"]
        st.caption(" · ".join(facts))
        if m.get("inferred"):
            st.caption("Một số thông tin không ghi trực tiếp trong văn bản mà được suy ra từ nội dung: "
                       + ", ".join(FIELD_NAMES.get(k, k) for k in m["inferred"]) + ".")
        if m.get("corrections"):
            st.caption("Thông tin đã được biên tập viên hiệu chỉnh: "
                       + ", ".join(FIELD_NAMES.get(k, k) for k in m["corrections"]) + ".")
        c1, c2 = st.columns(2)
        src = shared.settings().home / doc["source"]
        if src.is_file():
            c1.download_button("Tải tệp gốc", src.read_bytes(), src.name, key="d_download")
        c2.markdown(f"<a href='{shared.link('van-ban', doc=did, **{'in': '1'})}' target='_blank'>Bản để in</a>",
                    unsafe_allow_html=True)
        rel = related.related(eng.docs, did)
        if rel["based_on"] or rel["implemented_by"]:
            with st.expander("Văn bản liên quan", expanded=True):
                if rel["based_on"]:
                    items = []
                    for b in rel["based_on"]:
                        target = shared.doc_link(b["doc_id"]) if b["doc_id"] else shared.link("van-ban", ref=b["number"])
                        items.append(f"<li><a href='{target}' target='_self'>{shared.esc(b['number'])}</a>"
                                     + (f" — {shared.esc(b['text'])}" if b.get("text") else "") + "</li>")
                    st.markdown("**Căn cứ, triển khai thực hiện:**<ul>" + "".join(items) + "</ul>",
                                unsafe_allow_html=True)
                if rel["implemented_by"]:
                    st.markdown("**Văn bản trong kho triển khai văn bản này:**<ul>"
                                + "".join(f"<li>{doc_row_link(x)}</li>" for x in rel["implemented_by"]) + "</ul>",
                                unsafe_allow_html=True)
        with st.sidebar:
            st.markdown("**Mục lục** (bấm để đến mục)")
            toc = [f"<div style='margin-left:{0.8 * c['depth']}rem'><a href='#{anchor(c['clause_id'])}'>"
                   f"{shared.esc(c['heading'][:70])}</a></div>"
                   for c in doc["clauses"] if c["depth"] <= 1 and c["path"] != "0"]
            st.markdown("<div class='pq-toc'>" + "".join(toc) + "</div>", unsafe_allow_html=True)
        st.caption("Mục lục ở thanh bên trái (trên điện thoại: bấm nút ›› ở góc trên).")
    selected = clause_id if clause_id and clause_id.startswith(did + ":") else None
    if selected and not printing:
        cite = shared.official_citation(eng, selected)
        st.markdown(f"<div class='pq-card'><div class='pq-cite'>Trích dẫn: {shared.esc(cite)}</div>"
                    f"<div class='pq-actions'>{shared.copy_button(cite)}</div></div>", unsafe_allow_html=True)
    parts = []
    for c in doc["clauses"]:
        cls = "pq-clause pq-selected" if c["clause_id"] == selected else "pq-clause"
        fields = {k: v["value"] for k, v in c["fields"].items()}
        link = "" if printing else (f" <a href='{shared.viewer_link(c['clause_id'])}' target='_self' "
                                    f"style='font-size:0.75rem;color:#889' title='Liên kết đến {unit} này'>#</a>")
        parts.append(f"<div class='{cls}' style='margin-left:{1.0 * c['depth']}rem' id='{anchor(c['clause_id'])}'>"
                     f"<span class='pq-text'>{shared.esc(c['text'])}</span>{link}"
                     f"{'' if printing else shared.fields_line(fields)}</div>")
    st.markdown("".join(parts), unsafe_allow_html=True)
    if doc.get("signature") and not printing:
        st.caption("Ký: " + " / ".join(doc["signature"]))


FIELD_NAMES = {"title": "trích yếu", "number": "số hiệu", "type": "loại văn bản", "issuer": "cơ quan ban hành",
               "province": "tỉnh/thành", "level": "cấp ban hành", "date": "ngày ban hành", "signer": "người ký",
               "implements": "văn bản được triển khai"}

if ref:
    show_ref(ref)
elif doc_id and doc_id in eng.docs:
    show_doc(doc_id)
elif doc_id:
    shared.setup("Văn bản")
    st.warning("Không có văn bản này trong kho (có thể đã bị gỡ hoặc thay thế).")
    st.markdown("[← Danh sách văn bản](./van-ban)")
else:
    show_list()
