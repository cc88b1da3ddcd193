"""Tables in DOCX, PDF and old-Word .doc files are read as tables: a task-assignment table becomes one clause
per row whose task fields come from its columns.

Fixtures (tests/fixtures/layout/qd844-phu-luc.*) are the real assignment appendix of the action plan issued with
Quyết định 844/QĐ-TTg (see scripts/make_layout_fixtures.py for the source and how they were made)."""
import shutil
from pathlib import Path

import pytest

from ingest import tables
from ingest.readers import IngestError, read_document
from ingest.structure import parse

FIX = Path(__file__).resolve().parent / "fixtures" / "layout"
ROW_4 = {"lead": "Bộ Tài chính",
         "coordinating": "Các Bộ, ngành, Ủy ban nhân dân cấp tỉnh, cơ quan, tổ chức, đơn vị có liên quan",
         "timeframe": "Thường xuyên",
         "product": "Các kế hoạch, hoạt động truyền thông về bảo hiểm y tế được triển khai"}


def _needs(ext: str) -> None:
    if ext == "doc" and shutil.which("antiword") is None:
        pytest.skip("antiword not installed (make setup installs it)")


@pytest.mark.parametrize("ext", ["docx", "pdf", "doc"])
def test_assignment_table_rows_become_clauses_with_task_fields(ext):
    _needs(ext)
    clauses = {n.path: n for n in parse(read_document(FIX / f"qd844-phu-luc.{ext}").text).clauses}
    rows = [p for p, n in clauses.items() if n.kind == "table_row"]
    assert rows == ["PL.I.1", "PL.I.2", "PL.I.3", "PL.I.4", "PL.I.5", "PL.II.7", "PL.II.8"]
    assert clauses["PL"].kind == "appendix" and clauses["PL.I"].kind == "table_group"
    r4 = clauses["PL.I.4"]
    assert {k: v["value"] for k, v in r4.fields.items() if k in ROW_4} == ROW_4
    assert all(v["source"] == "table" for k, v in r4.fields.items() if k in ROW_4)
    # a row cut by the PDF's page break is still one row, in reading order
    assert r4.text.startswith("4. Đổi mới nội dung, hình thức, tăng cường công tác truyền thông")
    assert "theo hộ gia đình" in r4.text and "Cơ quan chủ trì: Bộ Tài chính." in r4.text
    assert clauses["PL.I.3"].fields["lead"]["value"] == "Ủy ban nhân dân cấp tỉnh"  # "… trình HĐND cùng cấp"
    assert clauses["PL.II.8"].fields["timeframe"]["value"] == "Tháng 3/2027"
    assert clauses["PL.I.4"].citation_path == "dòng 4 nhóm I Phụ lục"
    # the text before the table keeps its plan numbering; no row is run-on text in another clause
    assert clauses["I.2"].text.startswith("2. Xác định nhiệm vụ cụ thể")
    assert not any("|" in n.text for p, n in clauses.items() if n.kind != "appendix")


def test_header_words_are_matched_on_folded_text():
    roles = tables.column_roles(["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp",
                                 "Thời hạn hoàn thành", "Sản phẩm"])
    assert roles == {0: "stt", 1: "task", 2: "lead", 3: "coordinating", 4: "timeframe", 5: "product"}
    roles = tables.column_roles(["Số TT", "Nhiem vu", "Co quan chu tri", "Co quan phoi hop", "Tien do"])
    assert set(roles.values()) == {"stt", "task", "lead", "coordinating", "timeframe"}


def test_two_header_rows_and_other_tables():
    text = "\n".join([
        "PHỤ LỤC",
        tables.row_line(["STT", "Nhiệm vụ", "Cơ quan thực hiện", "Cơ quan thực hiện", "Thời gian"]),
        tables.row_line(["", "", "Chủ trì", "Phối hợp", ""]),
        tables.row_line(["1", "Rà soát thủ tục hành chính", "Sở Nội vụ", "Các sở, ngành", "Quý I/2024"]),
        "",
        "Bảng tổng hợp:",
        tables.row_line(["Năm", "Số biên chế"]),
        tables.row_line(["2024", "1.250"]),
    ])
    c = {n.path: n for n in parse(text).clauses}
    assert c["PL.1"].fields["lead"]["value"] == "Sở Nội vụ"
    assert c["PL.1"].fields["coordinating"]["value"] == "Các sở, ngành"
    assert c["PL.1"].fields["timeframe"]["value"] == "Quý I/2024"
    other = [n for n in c.values() if n.kind == "table_row" and "lead" not in n.fields]
    assert [n.text for n in other] == ["Năm: 2024. Số biên chế: 1.250."]


def test_unreadable_doc_names_the_file(tmp_path):
    _needs("doc")
    bad = tmp_path / "cong-van.doc"
    bad.write_bytes(b"\xd0\xcf\x11\xe0 not really an OLE2 file" * 40)
    with pytest.raises(IngestError) as e:
        read_document(bad)
    assert str(bad) in str(e.value) and e.value.code == "doc"


def test_broken_pdf_names_the_file(tmp_path):
    bad = tmp_path / "ke-hoach.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage without objects")
    with pytest.raises(IngestError) as e:
        read_document(bad)
    assert str(bad) in str(e.value) and e.value.code in ("pdf", "no_text")
