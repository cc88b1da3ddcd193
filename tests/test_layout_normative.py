"""Clause tree of normative and administrative documents (laws, decrees, circulars, decisions, resolutions):
articles, khoản and điểm, amending quotations, attached documents, gazette noise, citations.

The excerpt fixture is real text from the official gazette (Luật 51/2024/QH15,
https://congbao.chinhphu.vn/van-ban/luat-so-51-2024-qh15-43559.htm); the other tests read the shared gazette set
(../shared/corpora/congbao) and skip when it is absent."""
from pathlib import Path

import pytest

from ingest.structure import parse
from policyqa import citation

HERE = Path(__file__).resolve().parent
FIX = HERE / "fixtures" / "layout"
CONGBAO = HERE.parent.parent / "shared" / "corpora" / "congbao" / "docs"


def _clauses(text: str) -> dict:
    return {n.path: n for n in parse(text).clauses}


def _gazette(name: str) -> str:
    p = CONGBAO / name
    if not p.exists():
        pytest.skip(f"{p} not available (shared gazette corpus)")
    return p.read_text(encoding="utf-8")


def test_law_articles_clauses_points_and_amending_quotations():
    c = _clauses((FIX / "luat-51-2024-qh15-excerpt.txt").read_text(encoding="utf-8"))
    assert [p for p in c if p.startswith("D")] == [
        "D1", "D1.1", "D1.2", "D1.3", "D1.3.a", "D1.3.b", "D1.4", "D1.5", "D1.5.a", "D1.5.b"]
    assert c["D1"].kind == "article" and c["D1.2"].kind == "clause" and c["D1.3.a"].kind == "point"
    assert c["D1.3.a"].citation_path == "điểm a khoản 3 Điều 1"
    # the quoted "2. Mức đóng …" and "Điều 7a. …" belong to the amending clause; they open no unit
    assert '"2. Mức đóng bảo hiểm y tế' in c["D1.2"].text
    assert '"Điều 7a. Trách nhiệm của Bộ Lao động' in c["D1.4"].text and "2. Thanh tra, kiểm tra" in c["D1.4"].text
    assert not any("~" in p for p in c)
    # page headers, page numbers and the digital-signature stamp are not text of any clause
    text = " ".join(n.text for n in c.values())
    assert "CÔNG BÁO" not in text and "thongtinchinhphu" not in text and "Thời gian ký" not in text
    # a khoản continued across the page break is one clause
    assert c["D1.3.b"].text.endswith("toàn dân;\";") or "4. Ban hành theo thẩm quyền" in c["D1.3.b"].text


def test_citation_of_a_point_in_a_law():
    c = _clauses((FIX / "luat-51-2024-qh15-excerpt.txt").read_text(encoding="utf-8"))
    doc = {"type": "Luật", "number": "51/2024/QH15", "date": "2024-11-27", "issuer": "Quốc hội"}
    assert citation.citation(doc, "D1.3.a", c["D1.3.a"].citation_path) == "điểm a khoản 3 Điều 1 Luật 51/2024/QH15"
    assert citation.citation(doc, "D1.3.a") == "điểm a khoản 3 Điều 1 Luật 51/2024/QH15"  # rebuilt from the path


def test_plan_citation_names_number_date_and_issuer():
    doc = {"type": "Kế hoạch", "number": "12/KH-UBND", "date": "2024-01-18",
           "issuer": "UBND thành phố Hải Phòng"}
    assert citation.citation(doc, "II.2.b") == "mục II.2.b Kế hoạch số 12/KH-UBND ngày 18/01/2024 của UBND thành phố Hải Phòng"
    untitled = {"type": "Kế hoạch", "title": "Kế hoạch sắp xếp tổ chức bộ máy", "issuer": "Ban Thường vụ Tỉnh ủy"}
    assert citation.citation(untitled, "0") == "phần mở đầu Kế hoạch sắp xếp tổ chức bộ máy của Ban Thường vụ Tỉnh ủy"


def test_decree_with_chapters_sections_and_articles():
    c = _clauses(_gazette("nghi-dinh-so-145-2020-nd-cp-32732.txt"))
    arts = [n for n in c.values() if n.kind == "article"]
    assert [n.label for n in arts] == [str(i) for i in range(1, 102)]  # Điều 1 … 101, all found, in order
    assert not any("~" in p for p in c)
    assert c["C3"].citation_path == "Chương III" and c["C3"].text == "Chương III HỢP ĐỒNG LAO ĐỘNG"
    assert c["C3.M1"].kind == "section" and c["C3.M1"].citation_path == "Mục 1 Chương III"
    assert c["D5"].parent is c["C3.M1"]  # articles keep short paths; the tree keeps their chapter and section
    assert c["D5.1"].kind == "clause" and c["D5.1"].citation_path == "khoản 1 Điều 5"


def test_decision_with_attached_action_plan_keeps_both_parts():
    c = _clauses(_gazette("quyet-dinh-so-844-qd-ttg-469526.txt"))
    assert [p for p in c if c[p].kind == "article"] == ["D1", "D2", "D3"]
    assert c["D3"].children == []  # the plan does not hang under Điều 3
    kh = c["KH"]
    assert kh.kind == "attachment" and kh.text.startswith("KẾ HOẠCH HÀNH ĐỘNG Thực hiện Chỉ thị số 52-CT/TW")
    assert c["KH:I"].text == "I. MỤC TIÊU"
    assert c["KH:II.1"].kind == "number" and c["KH:II.1-1"].kind == "dash"
    assert c["KH:II.1"].citation_path == "mục II.1 Kế hoạch hành động ban hành kèm theo"
    doc = {"type": "Quyết định", "number": "844/QĐ-TTg", "date": "2026-05-13", "issuer": "Thủ tướng Chính phủ"}
    assert citation.citation(doc, "KH:II.1", c["KH:II.1"].citation_path) == (
        "mục II.1 Kế hoạch hành động ban hành kèm theo Quyết định số 844/QĐ-TTg ngày 13/05/2026 của Thủ tướng Chính phủ")
    assert c["KH:PL"].kind == "appendix"  # the plan's own appendix stays in the plan


def test_gazette_set_article_coverage():
    """Every 'Điều N.' heading of the gazette set is an article clause or kept inside an amending quotation."""
    if not CONGBAO.is_dir():
        pytest.skip("shared gazette corpus not available")
    from eval.layout_report import article_coverage

    names = ["luat-so-51-2024-qh15-43559.txt", "nghi-dinh-so-74-2025-nd-cp-44712.txt",
             "nghi-quyet-so-18-2026-nq-cp-469465.txt", "quyet-dinh-so-135-qd-bldtbxh-41357.txt"]
    for name in names:
        found, expected = article_coverage(_gazette(name))
        assert expected > 0 and found == expected, name
