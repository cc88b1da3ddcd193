"""Provincial decisions and plans as officials' websites and PDFs give them: "Điều N." alone on its line, names
broken at their dash, literal "\\r\\n" sequences, decimal numbering. Fixtures are real text (sources below);
the nested-decimal test reads the shared gazette set and skips when it is absent.

Sources of tests/fixtures/layout/:
  binhdinh-qd-1528-2021.txt  https://thuviennhadat.vn/vbpl/quyet-dinh-1528-qd-ubnd-2021-thuc-hien-chuong-trinh-phat-trien-cong-tac-xa-hoi-binh-dinh-475208.html
  tiengiang-qd-33-2009.txt   https://thuvienphapluat.vn/van-ban/Cong-nghe-thong-tin/Quyet-dinh-33-2009-QD-UBND-quan-ly-va-khai-thac-mang-tin-hoc-dien-rong-105414.aspx
  langson-kh-54-2020-webexport.txt  https://dulieuphapluat.vn/van-ban/the-thao-y-te-van-ban/ke-hoach-54kh-ubnd-nam-2020-ve-hanh-dong-thuc-hien-chuong-trinh-cham-soc-dinh-duong-1000-ngay-dau-doi-nham-phong-chong-suy-dinh-duong-ba-me-tre-em-nang-cao-tam-voc-nguoi-viet-nam-den-nam-2025-tam-nhin-den-nam-2030-tinh-lang-son-1153913.html
  hcm-kh-1576-2019-excerpt.txt  https://thuviennhadat.vn/vbpl/ke-hoach-1576-kh-ubnd-2019-danh-gia-hai-long-giai-quyet-thu-tuc-hanh-chinh-ho-chi-minh-541465.html
(excerpts as those pages print them, cut where their previews end)."""
from pathlib import Path

import pytest

from ingest.structure import parse
from policyqa import citation

HERE = Path(__file__).resolve().parent
FIX = HERE / "fixtures" / "layout"
CONGBAO = HERE.parent.parent / "shared" / "corpora" / "congbao" / "docs"


def _clauses(name: str) -> dict:
    return {n.path: n for n in parse((FIX / name).read_text(encoding="utf-8")).clauses}


def test_decision_with_article_headings_on_their_own_line():
    c = _clauses("binhdinh-qd-1528-2021.txt")
    assert [p for p in c] == ["0", "D1", "D2", "D3"]
    assert c["D1"].text.startswith("Điều 1. Ban hành kèm theo Quyết định này Kế hoạch thực hiện Chương trình")
    # "Sở Lao động / - Thương binh và Xã hội" is one name, not a bullet
    assert "Giám đốc các Sở: Lao động - Thương binh và Xã hội, Nội vụ, Tài chính" in c["D3"].text
    assert "Sở Lao động - Thương binh và Xã hội tại Tờ trình số 92/TTr-SLĐTBXH" in c["0"].text
    doc = {"type": "Quyết định", "number": "1528/QĐ-UBND", "date": "2021-04-29", "issuer": "UBND tỉnh Bình Định"}
    assert citation.citation(doc, "D2", c["D2"].citation_path) == \
        "Điều 2 Quyết định số 1528/QĐ-UBND ngày 29/04/2021 của UBND tỉnh Bình Định"


def test_decision_from_a_website_with_column_pipes():
    c = _clauses("tiengiang-qd-33-2009.txt")
    assert [p for p in c if c[p].kind == "article"] == ["D1", "D2", "D3", "D4"]
    assert c["D4"].text.endswith("có trách nhiệm thi hành Quyết định này./.")
    assert not any(n.kind.startswith("table") for n in c.values())


def test_literal_backslash_r_n_sequences_are_line_breaks():
    c = _clauses("langson-kh-54-2020-webexport.txt")
    assert ["1", "2", "2.a", "2.a-1", "2.a-2", "2.b"] == [p for p in c if p != "0"]
    assert c["2.a"].text == "a) Cải thiện tình trạng dinh dưỡng của phụ nữ có thai và trẻ em trên địa bàn tỉnh Lạng Sơn"
    assert not any("\\r\\n" in n.text for n in c.values())
    assert c["2.a-1"].citation_path == "mục 2.a-1"


def test_decimal_numbering_of_a_plan():
    c = _clauses("hcm-kh-1576-2019-excerpt.txt")
    assert ["2.1", "2.2", "2.3", "2.4", "1"] == [p for p in c if p != "0"]
    assert c["2.3"].kind == "number" and c["2.3"].label == "2.3"
    assert c["2.2"].text.endswith("bảo đảm việc thu nhận thông tin đánh giá được đầy đủ, chính xác.")


def test_nested_decimal_numbering_under_letters_and_appendices():
    p = CONGBAO / "nghi-quyet-so-19-2026-nq-cp-469466.txt"
    if not p.exists():
        pytest.skip("shared gazette corpus not available")
    c = {n.path: n for n in parse(p.read_text(encoding="utf-8")).clauses}
    assert c["PL1"].kind == "appendix" and c["PL1.A"].kind == "upper"
    assert c["PL1.A.1.2"].label == "1.2" and c["PL1.A.1.2"].parent is c["PL1.A.1"]
    assert c["PL1.A.1.2"].citation_path == "mục A.1.2 Phụ lục I"
    assert [n.label for n in c.values() if n.kind == "article"] == [str(i) for i in range(1, 9)]


def test_codified_law_markdown_with_codified_article_numbers():
    """Pháp điển (codified law) as Markdown: a key/value table, "Chương I", "Điều 5.2.NĐ.2.2." with khoản and điểm.
    Fixture: the first 50 lines of ../shared/corpora/phapdien/van-ban/can-bo-cong-chuc-vien-chuc/vien-chuc.md."""
    c = _clauses("phapdien-vien-chuc-excerpt.md")
    assert c["r1"].kind == "table_row" and c["r1"].text == "Số hiệu: 52/2014/QH13"
    assert c["C1"].kind == "chapter"
    art = c["D5_2_ND_2_2"]
    assert art.kind == "article" and art.label == "5.2.NĐ.2.2" and art.parent is c["C1"]
    assert c["D5_2_ND_2_2.2.a"].citation_path == "điểm a khoản 2 Điều 5.2.NĐ.2.2"
