"""Excel and Word exports of the assignment table, read back with openpyxl and python-docx."""
import io

from docx import Document
from openpyxl import load_workbook

from policyqa import export
from policyqa.tasks import query_tasks


def test_xlsx_reads_back_with_title_header_and_every_task(engine, tmp_path):
    table = query_tasks(engine, doc="12/KH-UBND")
    export.to_xlsx(table, tmp_path / "t.xlsx")
    ws = load_workbook(tmp_path / "t.xlsx").active
    assert ws["A1"].value.startswith("BẢNG PHÂN CÔNG NHIỆM VỤ")
    assert "Kế hoạch số 12/KH-UBND ngày 18/01/2024 của Ủy ban nhân dân thành phố Hải Phòng" in ws["A2"].value
    assert [c.value for c in ws[3]] == export.COLUMNS
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    assert len(rows) == len(table["tasks"]) == 23
    r14 = next(r for r in rows if r[6].startswith("mục III.2.(14) "))
    assert r14[2] == "Sở Nội vụ" and r14[4] == "Hoàn thành trong tháng 12 năm 2023"
    assert r14[1].startswith("Hoàn thành việc xây dựng Đề án Tổ chức chính quyền đô thị")
    assert ws["B4"].alignment.wrap_text and ws.column_dimensions["B"].width == 60 and ws["A3"].font.bold
    assert export.xlsx_bytes(table)[:2] == b"PK"


def test_docx_reads_back_with_title_and_table(engine, tmp_path):
    table = query_tasks(engine, agency="Sở Tài chính")
    export.to_docx(table, tmp_path / "t.docx")
    d = Document(tmp_path / "t.docx")
    assert d.paragraphs[0].text == "BẢNG PHÂN CÔNG NHIỆM VỤ — Sở Tài chính"
    t = d.tables[0]
    assert [c.text for c in t.rows[0].cells] == export.COLUMNS
    body = [[c.text for c in row.cells] for row in t.rows[1:]]
    assert len(body) == 3 and body[2][2] == "Sở Tài chính" and "10% (năm 2025)" in body[2][5]
    assert body[0][3] == "Sở Tài chính và các Sở, ban, ngành có liên quan"
    assert Document(io.BytesIO(export.docx_bytes(table))).tables[0].rows[1].cells[0].text == "1"


def test_csv_has_header_and_rows(engine):
    text = export.csv_bytes(query_tasks(engine, doc="003")).decode("utf-8-sig").splitlines()
    assert text[0].split(",")[:3] == ["STT", "Nhiệm vụ", "Chủ trì"] and len(text) == 11
