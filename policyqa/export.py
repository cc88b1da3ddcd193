"""The assignment table (policyqa.tasks.query_tasks output) as files an official can file as they are:
Excel (openpyxl) and Word (python-docx) with a title naming the plan, a header row, column widths and
wrapped text; CSV for other tools. Each writer has a bytes variant for the app's download buttons."""
from __future__ import annotations

import csv
import io
from pathlib import Path

COLUMNS = ["STT", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Thời hạn", "Chỉ tiêu / sản phẩm", "Trích dẫn"]
WIDTHS = [6, 60, 28, 28, 20, 26, 36]  # Excel character widths; Word uses the same proportions


def cells(row: dict) -> list:
    """One table row as the seven displayed values."""
    extra = "; ".join(x for x in (row.get("targets_text"), row.get("product")) if x)
    return [row["stt"], row["task"], row.get("lead_text") or "", row.get("coordinating_text") or "",
            (row.get("deadline") or {}).get("text") or "", extra, row["citation"]]


def _date_vn(iso: str | None) -> str | None:
    if not iso:
        return None
    y, m, d = iso.split("-")
    return f"{d}/{m}/{y}"


def title(tasks_json: dict) -> tuple[str, str]:
    """(title, subtitle): the plan's citation when the table is one plan's, otherwise the filters."""
    docs = {r["doc_id"]: r["doc"] for r in tasks_json["tasks"]}
    head = "BẢNG PHÂN CÔNG NHIỆM VỤ"
    f = tasks_json.get("filters") or {}
    if f.get("agency"):
        head += f" — {f['agency']}"
    if len(docs) == 1:
        d = next(iter(docs.values()))
        parts = [d.get("type") or "Văn bản", f"số {d['number']}" if d.get("number") else None,
                 f"ngày {_date_vn(d.get('date'))}" if d.get("date") else None,
                 f"của {d['issuer']}" if d.get("issuer") else None]
        sub = " ".join(p for p in parts if p)
        if d.get("title"):
            sub += f": {d['title']}"
        return head, sub
    shown = ", ".join(f"{k}: {v}" for k, v in f.items()) if f else "tất cả văn bản"
    return head, f"{len(tasks_json['tasks'])} nhiệm vụ từ {len(docs)} văn bản ({shown})"


def to_csv(tasks_json: dict, path: str | Path) -> None:
    Path(path).write_bytes(csv_bytes(tasks_json))


def csv_bytes(tasks_json: dict) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in tasks_json["tasks"]:
        w.writerow(cells(r))
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read the file as UTF-8


def xlsx_bytes(tasks_json: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    wb = Workbook()
    ws = wb.active
    ws.title = "Phân công nhiệm vụ"
    head, sub = title(tasks_json)
    ncol = len(COLUMNS)
    ws.append([head])
    ws.append([sub])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
    ws["A1"].font = Font(name="Times New Roman", bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"].font = Font(name="Times New Roman", italic=True, size=12)
    ws["A2"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws.row_dimensions[2].height = 48
    ws.append(COLUMNS)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c in ws[3]:
        c.font = Font(name="Times New Roman", bold=True, size=12)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = border
    for r in tasks_json["tasks"]:
        ws.append(cells(r))
        for c in ws[ws.max_row]:
            c.font = Font(name="Times New Roman", size=12)
            c.alignment = Alignment(vertical="top", wrap_text=True, horizontal="center" if c.column == 1 else "left")
            c.border = border
    for i, w in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = w
    ws.freeze_panes = "A4"
    ws.print_title_rows = "3:3"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToHeight = 0
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def to_xlsx(tasks_json: dict, path: str | Path) -> None:
    Path(path).write_bytes(xlsx_bytes(tasks_json))


def docx_bytes(tasks_json: dict) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.5))
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    head, sub = title(tasks_json)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(head)
    run.bold, run.font.size = True, Pt(14)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.add_run(sub).italic = True
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    usable = 29.7 - 3.0
    widths = [Cm(usable * w / sum(WIDTHS)) for w in WIDTHS]
    for i, name in enumerate(COLUMNS):
        c = table.rows[0].cells[i]
        c.text = ""
        r = c.paragraphs[0].add_run(name)
        r.bold = True
        c.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    # repeat the header row on every page
    trpr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)
    for r in tasks_json["tasks"]:
        row = table.add_row().cells
        for i, v in enumerate(cells(r)):
            row[i].text = str(v)
            if i == 0:
                row[i].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for row in table.rows:
        for i, c in enumerate(row.cells):
            c.width = widths[i]
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_docx(tasks_json: dict, path: str | Path) -> None:
    Path(path).write_bytes(docx_bytes(tasks_json))
