"""What every page shares: the engine (loaded once per process), page state kept in the address (query
parameters), the copy-citation button, and HTML for clause cards. No retrieval or parsing logic here: pages
call the library and render what it returns."""
from __future__ import annotations

import html
import json
from urllib.parse import urlencode

import streamlit as st

from policyqa import citation
from policyqa.config import Settings
from policyqa.highlight import render

CSS = """
<style>
/* Streamlit's own English: the running indicator, "Press Enter to …" hints, the uploader's texts */
[data-testid="stStatusWidget"], [data-testid="InputInstructions"] {display:none !important;}
[data-testid="stFileUploaderDropzoneInstructions"] > div > span, [data-testid="stFileUploaderDropzoneInstructions"] > div > small {display:none;}
[data-testid="stFileUploaderDropzoneInstructions"] > div::before {content:"Kéo thả tệp vào đây hoặc bấm “Chọn tệp” (tối đa 20 MB mỗi tệp)"; font-size:0.9rem;}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] {font-size:0 !important;}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] * {display:none;}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"]::after {content:"Chọn tệp"; font-size:0.9rem;}
.pq-card {border:1px solid #d9dde3; border-radius:8px; padding:0.7rem 0.9rem; margin-bottom:0.7rem; background:#fff;}
.pq-cite {font-size:0.88rem; color:#223; font-weight:600; margin-bottom:0.3rem;}
.pq-path {display:inline-block; background:#e8eefc; color:#1d3f8f; border-radius:4px; padding:0 6px; margin-right:6px; font-weight:600;}
.pq-text {font-size:0.95rem; line-height:1.5; white-space:pre-wrap; overflow-wrap:break-word;}
.pq-fields {font-size:0.85rem; color:#0b5d3b; margin-top:0.35rem;}
.pq-crumb {font-size:0.78rem; color:#667; margin-bottom:0.2rem;}
.pq-why {font-size:0.8rem; color:#556; margin-top:0.3rem;}
.pq-actions {font-size:0.85rem; margin-top:0.4rem; display:flex; gap:0.8rem; flex-wrap:wrap; align-items:center;}
.pq-copy {border:1px solid #b8c2d6; background:#f5f7fb; border-radius:5px; padding:1px 8px; font-size:0.82rem; cursor:pointer; color:#1d3f8f;}
.pq-copy.done {background:#d4f7d4;}
.pq-warn {display:inline-block; background:#fff1d6; color:#7a4b00; border-radius:4px; padding:0 6px; font-size:0.78rem; font-weight:600;}
mark {background:#ffe58a; padding:0 1px;}
ins, .pq-ins {background:#d4f7d4; text-decoration:none;}
del, .pq-del {background:#fbd3d3; text-decoration:none;}
.pq-missing {color:#9a1c1c; font-weight:600;}
table.pq-table {width:100%; border-collapse:collapse; font-size:0.88rem;}
table.pq-table td, table.pq-table th {border:1px solid #d9dde3; padding:6px; vertical-align:top; overflow-wrap:break-word; word-break:normal;}
table.pq-table th {background:#f3f5f8; text-align:left;}
.pq-clause {margin-bottom:0.45rem; padding:2px 6px; border-left:4px solid transparent; scroll-margin-top:5rem;}
.pq-selected {background:#fff6d6; border-left:4px solid #f0b400;}
.pq-doc-head {display:flex; justify-content:space-between; gap:1rem; text-align:center; font-size:0.9rem; margin-bottom:0.6rem;}
.pq-doc-head div {flex:1;}
.pq-doc-title {text-align:center; margin:0.6rem 0 1rem 0;}
.pq-doc-title .type {font-weight:700; font-size:1.1rem; text-transform:uppercase;}
.pq-doc-title .about {font-weight:600;}
.pq-toc a {text-decoration:none;}
.pq-toc div {margin:0.1rem 0; font-size:0.88rem;}
h1 {font-size:1.8rem !important;}
@media (max-width: 640px) {
  h1 {font-size:1.3rem !important; padding-top:0.2rem !important;}
  h2, h3 {font-size:1.1rem !important;}
  .pq-doc-head {flex-direction:column; gap:0.2rem;}
  table.pq-table {font-size:0.8rem;}
  table.pq-table.pq-stack, table.pq-table.pq-stack tbody, table.pq-table.pq-stack tr, table.pq-table.pq-stack td {display:block; width:100% !important;}
  table.pq-table.pq-stack thead, table.pq-table.pq-stack tr.pq-head {display:none;}
  table.pq-table.pq-stack tr {margin-bottom:0.6rem; border:1px solid #d9dde3;}
  table.pq-table.pq-stack td {border:none; border-bottom:1px solid #eef0f3;}
  table.pq-table.pq-stack td[data-label]::before {content:attr(data-label) ": "; font-weight:600; color:#445;}
}
@media print {
  [data-testid="stSidebar"], header, [data-testid="stHeader"], .pq-noprint, [data-testid="stSidebarCollapsedControl"] {display:none !important;}
}
</style>
"""

# Copy buttons (".pq-copy" with data-text) and the scroll to the highlighted clause. Installed once per page run;
# a document-level listener serves every card, so cards stay plain Markdown.
JS = """
<script>
(function () {
  if (!document.__pqCopy) {
    document.__pqCopy = true;
    document.addEventListener('click', async (ev) => {
      if (ev.target.closest('.pq-print')) { window.print(); return; }
      const b = ev.target.closest('.pq-copy');
      if (!b) return;
      ev.preventDefault();
      const text = b.getAttribute('data-text');
      try { await navigator.clipboard.writeText(text); }
      catch (e) {
        const ta = document.createElement('textarea'); ta.value = text; document.body.appendChild(ta);
        ta.select(); document.execCommand('copy'); ta.remove();
      }
      b.classList.add('done'); const old = b.textContent; b.textContent = 'Đã sao chép';
      setTimeout(() => { b.classList.remove('done'); b.textContent = old; }, 2000);
    });
  }
  let tries = 0;
  const t = setInterval(() => {
    const el = document.querySelector('.pq-selected');
    tries += 1;
    if (el && document.__pqScrolled !== el.id) {
      document.__pqScrolled = el.id;
      el.scrollIntoView({block: 'center'});
      clearInterval(t);
    } else if (el || tries > 100) { clearInterval(t); }
  }, 100);
})();
</script>
"""


def setup(title: str) -> None:
    st.markdown(CSS, unsafe_allow_html=True)
    st.html(JS, unsafe_allow_javascript=True)
    st.title(title)


def settings() -> Settings:
    return Settings.from_env()


@st.cache_resource(show_spinner="Đang nạp mô hình và chỉ mục…")
def _engine(home: str):
    from policyqa.engine import Engine

    return Engine.load(Settings.from_env(home=home))


def engine():
    """The shared engine; shows a clear message (and stops the page) when there is no usable index."""
    try:
        with _engine(str(settings().home)).snapshot() as current:  # a shared database may hold a newer generation
            return current
    except FileNotFoundError:
        st.error("Chưa có chỉ mục. Người quản trị cần chạy `policyqa build` (hoặc `make run`).")
    except RuntimeError:  # IndexMismatchError and model problems
        st.error("Chỉ mục không khớp với mô hình hoặc kho văn bản hiện tại. Người quản trị cần chạy `policyqa build`.")
    st.stop()


def reload_engine() -> None:
    _engine.clear()


# --- state in the address ------------------------------------------------------------------------------------

def url_value(param: str, default: str = "") -> str:
    return st.query_params.get(param, default)


def bind(key: str, param: str, default="", convert=lambda v: v) -> None:
    """Make widget `key` show the address's `param` whenever the address changed (a link was opened, Back was
    pressed), but leave what the user is typing alone otherwise."""
    raw = st.query_params.get(param)
    marker = f"_url_{key}"
    if st.session_state.get(marker, object()) != raw:
        st.session_state[key] = convert(raw) if raw is not None else default
        st.session_state[marker] = raw


def publish(values: dict[str, str | None], keys: dict[str, str] | None = None) -> None:
    """Write the page state into the address (empty values removed); `keys` maps param -> widget key so bind()
    does not treat our own write as a navigation."""
    params = {k: str(v) for k, v in values.items() if v not in (None, "", False)}
    st.query_params.from_dict(params)
    for param, key in (keys or {}).items():
        st.session_state[f"_url_{key}"] = params.get(param)


def link(page: str, **params) -> str:
    q = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"./{page}" + (f"?{q}" if q else "")


def viewer_link(clause_id: str) -> str:
    return link("van-ban", doc=clause_id.split(":")[0], clause=clause_id)


def doc_link(doc_id: str) -> str:
    return link("van-ban", doc=doc_id)


# --- rendering ----------------------------------------------------------------------------------------------

def esc(s) -> str:
    return html.escape(str(s)) if s is not None else ""


def doc_label(d: dict) -> str:
    """How a document is named in lists: its number (or its title when it has none) and where it comes from."""
    m = d["meta"]
    who = m.get("province") or m.get("issuer") or "không rõ nơi ban hành"
    name = m.get("number") or short_title(m)
    return f"{who} — {name}"


def short_title(m: dict, n: int = 70) -> str:
    t = m.get("title") or m.get("type") or "Văn bản không có tên"
    return t if len(t) <= n else t[:n - 1] + "…"


def place_of(clause: dict | None, path: str) -> str | None:
    """The clause's own wording of its place when the layout gives it ("điểm a khoản 2 Điều 5")."""
    return (clause or {}).get("citation_path") or None


def official_citation(eng, clause_id: str) -> str:
    c = eng.clause(clause_id) or {}
    doc = eng.docs.get(clause_id.split(":")[0], {}).get("meta", {})
    path = clause_id.split(":", 1)[1] if ":" in clause_id else None
    return citation.official(doc, path, place_of(c, path))


def copy_button(text: str, label: str = "Sao chép trích dẫn") -> str:
    return f'<button class="pq-copy" type="button" data-text="{esc(text)}">{esc(label)}</button>'


def truncated_badge(meta: dict) -> str:
    return '<span class="pq-warn">Văn bản nguồn bị cắt, không đầy đủ</span>' if meta.get("truncated") else ""


def fields_line(fields: dict) -> str:
    parts = []
    if fields.get("lead"):
        parts.append(f"<b>Chủ trì:</b> {esc(fields['lead'])}")
    if fields.get("coordinating"):
        parts.append(f"<b>Phối hợp:</b> {esc(fields['coordinating'])}")
    if fields.get("directing"):
        parts.append(f"<b>Chỉ đạo:</b> {esc(fields['directing'])}")
    if fields.get("timeframe"):
        parts.append(f"<b>Thời gian:</b> {esc(fields['timeframe'])}")
    html_ = f'<div class="pq-fields">{" · ".join(parts)}</div>' if parts else ""
    if fields.get("targets"):
        items = "".join(f"<li><b>{esc(t['value'])}</b>" + (f" (năm {esc(t['year'])})" if t.get("year") else "")
                        + (f": {esc(t['text'])}" if t.get("text") else "") + "</li>" for t in fields["targets"])
        html_ += f'<div class="pq-fields"><b>Chỉ tiêu:</b><ul style="margin:0">{items}</ul></div>'
    return html_


def unit_word(meta: dict) -> str:
    """ "điều khoản" for normative documents, "mục" for plans and other administrative documents."""
    t = (meta.get("type") or "").lower()
    return "điều khoản" if t in {"luật", "bộ luật", "nghị định", "thông tư", "pháp lệnh", "nghị quyết"} else "mục"


def hit_card(eng, h: dict, why: str = "") -> str:
    meta = eng.docs.get(h["doc_id"], {}).get("meta", h["doc"])
    cite = official_citation(eng, h["clause_id"])
    crumb = " › ".join(esc(c) for c in h.get("breadcrumb") or [])
    body = render(h["text"], [tuple(s) for s in h.get("highlights") or []], "<mark>", "</mark>", esc)
    why = why or ("Khớp các từ được tô vàng." if h.get("highlights") else "Khớp theo nghĩa (không trùng từ nguyên văn).")
    return (f'<div class="pq-card"><div class="pq-cite">{esc(cite)} {truncated_badge(meta)}</div>'
            f'<div class="pq-crumb">{crumb}</div><div class="pq-text">{body}</div>{fields_line(h.get("fields") or {})}'
            f'<div class="pq-why">{esc(why)}</div>'
            f'<div class="pq-actions"><a href="{viewer_link(h["clause_id"])}" target="_self">Xem trong văn bản</a>'
            f'{copy_button(cite)}</div></div>')


def details_table(hits: list[dict]):
    """Raw scores, ids and sources: for the curious, behind a toggle."""
    import pandas as pd

    return pd.DataFrame([{"Hạng": h["rank"], "Điểm tổng hợp": round(h["score"], 4),
                          "Điểm từ khóa (BM25)": h.get("scores", {}).get("bm25"),
                          "Điểm ngữ nghĩa": h.get("scores", {}).get("dense"),
                          "Mã điều khoản": h["clause_id"], "Tệp nguồn": h["source"]} for h in hits])


def csv_bytes(df) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")


def xlsx_bytes(sheets: dict) -> bytes:
    """An Excel workbook from {sheet name: DataFrame}."""
    import io

    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as w:
        for name, df in sheets.items():
            df.to_excel(w, sheet_name=name[:31], index=False)
    return buf.getvalue()


def as_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)
