"""One analysed query: forms, kind, and the provinces, agencies, years and numbers a question names."""
import pytest

from policyqa.query import analyse, analyse_for
from policyqa.question import question_kind


def test_forms_and_named_things():
    q = analyse("Sở Nội vụ Hải Phòng phải làm những việc gì theo Kế hoạch 12/KH-UBND?", ["Hải Phòng"], {"so noi vu"})
    assert q.kind == "agency_tasks" and q.provinces == ["Hải Phòng"] and q.numbers == ["12/KH-UBND"]
    assert [(a["canonical"], a["key"], a["known"]) for a in q.agencies] == [("Sở Nội vụ", "so noi vu", True)]
    assert q.folded.startswith("so noi vu hai phong") and q.accented and q.syllables[:3] == ["sở", "nội", "vụ"]


def test_baseline_years_are_not_target_years():
    q = analyse("Lạng Sơn giảm bao nhiêu % chi trực tiếp so với giai đoạn 2016 - 2020?")
    assert q.years == [] and q.baseline_years == ["2016", "2020"] and q.kind == "target"
    q = analyse("Mục tiêu giảm biên chế sự nghiệp đến năm 2030 so với năm 2025 là bao nhiêu?")
    assert q.years == ["2030"] and q.baseline_years == ["2025"]


def test_months_references_and_abbreviations():
    q = analyse("Những kế hoạch nào có nhiệm vụ phải hoàn thành trong tháng 02/2024?")
    assert q.kind == "due" and q.months == [(2024, 2)]
    assert analyse("Văn bản nào triển khai Kết luận 50?").references == [("ket luan", "50")]
    q = analyse("Sở KH&ĐT chủ trì những việc nào?", [], {"so ke hoach va dau tu"})
    assert q.expanded.startswith("Sở Kế hoạch và Đầu tư") and q.agencies[0]["known"] and q.role == "lead"
    # typed without diacritics: found by the corpus's agency keys
    q = analyse("so noi vu phoi hop trong nhung viec nao", [], {"so noi vu"})
    assert [a["key"] for a in q.agencies] == ["so noi vu"] and q.role == "coordinating" and not q.accented


@pytest.mark.parametrize("text,agency,kind", [
    ("Trách nhiệm của Sở Nội vụ trong việc sắp xếp đơn vị hành chính là gì?", True, "agency_tasks"),
    ("Sở Nội vụ phối hợp trong những nhiệm vụ nào?", True, "agency_tasks"),
    ("Sở Nội vụ phối hợp với cơ quan nào để vận hành đô thị thông minh?", True, "coordinating"),
    ("Phòng nào tham mưu xây dựng định mức kinh tế - kỹ thuật?", False, "lead"),
    ("Sắp xếp đơn vị hành chính cấp huyện, cấp xã thực hiện trong giai đoạn nào?", False, "timeframe"),
    ("Ngày nào hằng năm phải báo cáo kết quả thực hiện kế hoạch?", False, "timeframe"),
    ("Chậm nhất tháng mấy phải trình chính sách hỗ trợ?", False, "timeframe"),
    ("Mục tiêu của kế hoạch là gì?", False, "purpose"),
    ("Mục tiêu giảm biên chế đến năm 2025 là bao nhiêu?", False, "target"),
    ("Ai ký Kế hoạch 12/KH-UBND?", False, "document"),
    ("103/KH-UBND ban hành ngày nào?", False, "document"),
    ("Văn bản nào triển khai Kết luận 50?", False, "document"),
    ("Cơ quan nào lo việc cổ phần hóa đơn vị sự nghiệp?", False, "lead"),
])
def test_wider_wording_of_kinds(text, agency, kind):
    assert question_kind(text, agency) == kind


def test_the_engine_reads_a_question_once(engine):
    q = analyse_for(engine, "Báo Hải Phòng được giao việc gì?")
    assert q.provinces == ["Hải Phòng"] and [a["key"] for a in q.agencies] == ["bao hai phong"]
    with pytest.raises(ValueError):
        analyse("  ")
