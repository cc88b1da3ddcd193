"""Grounded answers with citations; honest "not found"."""
import json

import pytest
from click.testing import CliRunner

from policyqa.ask import ask, question_kind
from policyqa.cli import main
from tests.conftest import DOCS


@pytest.mark.parametrize("q,kind", [
    ("Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?", "lead"),
    ("ai chu tri tuyen truyen", "lead"),
    ("Cơ quan nào phối hợp?", "coordinating"),
    ("Cơ quan nào chỉ đạo việc này?", "directing"),
    ("Khi nào phải hoàn thành?", "timeframe"),
    ("Mục tiêu giảm biên chế đến năm 2025 là bao nhiêu?", "target"),
    ("Cần làm gì để nâng cao năng lực quản trị?", "task"),
])
def test_question_kind(q, kind):
    assert question_kind(q) == kind


def by_doc(res):
    return {a["clause_id"].split(":")[0]: a for a in res.answers}


def test_lead_agencies_in_three_documents_with_citations(engine):
    res = ask(engine, "Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?")
    a = by_doc(res)
    assert a[DOCS["langson"]]["text"] == "các Sở, ban, ngành, UBND cấp huyện"
    assert a[DOCS["langson"]]["section"] == "II.2.b"
    assert a[DOCS["langson"]]["citation"].endswith("Kế hoạch số 103/KH-UBND ngày 10/05/2024 của UBND tỉnh Lạng Sơn")
    assert a[DOCS["quangngai"]]["text"] == "Phòng Tài chính - Kế hoạch"
    # Kon Tum: the lead comes from the group-level assignment line closing section II.2
    kt = a[DOCS["kontum"]]
    assert "Ban Tổ chức Tỉnh ủy" in kt["text"] and kt["field_source"] == "group_note" and kt["section"] == "II.2-2"
    assert "định mức kinh tế - kỹ thuật" in kt["clause_text"]


def test_each_kind_is_answered(engine):
    c = ask(engine, "Cơ quan nào phối hợp rà soát danh mục dịch vụ sự nghiệp công sử dụng ngân sách nhà nước?")
    assert c.kind == "coordinating" and by_doc(c)[DOCS["langson"]]["text"].startswith("Sở Tài chính")
    t = ask(engine, "Khi nào phải hoàn thành xây dựng Đề án Tổ chức chính quyền đô thị?")
    assert by_doc(t)[DOCS["haiphong"]]["text"] == "Hoàn thành trong tháng 12 năm 2023"
    n = ask(engine, "Mục tiêu giảm biên chế sự nghiệp đến năm 2025 là bao nhiêu?")
    assert n.answers[0]["text"].startswith("10% (năm 2025)") and n.answers[0]["section"] == "I.2.a-1"
    w = ask(engine, "Ban Thường vụ Huyện ủy giao Ủy ban nhân dân huyện làm gì?")
    assert w.kind == "task" and by_doc(w)[DOCS["quangngai"]]["text"].startswith("2. Giao UBND huyện xây dựng Kế hoạch")
    d = ask(engine, "Cơ quan nào chỉ đạo việc xây dựng định mức kinh tế - kỹ thuật ở cấp huyện?")
    assert d.kind == "directing" and by_doc(d)[DOCS["quangngai"]]["text"] == "Ủy ban nhân dân huyện"
    r = ask(engine, "Hạn báo cáo kết quả thực hiện kế hoạch hằng năm của Hải Phòng là khi nào?")  # "hằng" = "hàng"
    assert r.answers[0]["text"] == "Định kỳ trước ngày 15/12 hàng năm"
    hp = ask(engine, "Sở nào chủ trì tăng cường mức độ tự chủ tài chính ở Hải Phòng?")
    assert hp.filters.province == "Hải Phòng" and hp.answers[0]["text"] == "Sở Tài chính"


@pytest.mark.parametrize("q", [
    "Ai chủ trì xây dựng sân bay quốc tế Long Thành?",
    "Mức lương tối thiểu vùng năm 2024 là bao nhiêu?",
    "Khi nào hoàn thành đường cao tốc Bắc - Nam?",
    "Cơ quan nào phối hợp tổ chức kỳ thi tuyển sinh đại học?",
    "Khi nào phải hoàn thành?",  # no task named: nothing to ground an answer in
    "Ai chủ trì ban hành tiêu chí, tiêu chuẩn chất lượng dịch vụ sự nghiệp công?",  # clause exists, names no lead
])
def test_unanswerable_questions_get_no_answer(engine, q):
    res = ask(engine, q)
    assert res.answers == [] and res.message.startswith(("Không tìm thấy", "Câu hỏi chưa nêu")) and res.hits


def test_cli_ask_json(home):
    r = CliRunner().invoke(main, ["--home", str(home), "ask", "Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?", "--json"])
    out = json.loads(r.stdout)
    assert out["kind"] == "lead" and out["question"].startswith("Ai chủ trì")
    for a in out["answers"]:
        assert {"text", "doc", "section", "citation", "clause_id", "source"} <= set(a)
    assert out["hits"] and {"rank", "citation", "clause_id"} <= set(out["hits"][0])
    r = CliRunner().invoke(main, ["--home", str(home), "ask", "Ai chủ trì xây dựng sân bay quốc tế?", "--json"])
    assert json.loads(r.stdout)["answers"] == []


def sections(res):
    return [(a["clause_id"].split(":")[0][:3], a["section"]) for a in res.answers]


def test_every_task_an_agency_leads_grouped_by_document(engine):
    res = ask(engine, "Sở Nội vụ Hải Phòng phải làm những việc gì theo Kế hoạch 12/KH-UBND?")
    assert res.kind == "agency_tasks"
    got = sections(res)
    for p in ("III.2.(2)", "III.2.(3)", "III.2.(4)", "III.2.(6)", "III.2.(10)", "III.2.(11)", "III.2.(12)",
              "III.2.(13)", "III.2.(14)", "IV.2"):
        assert ("004", p) in got
    assert {d for d, _ in got} == {"004"} and all("12/KH-UBND" in a["citation"] for a in res.answers)
    # coordinating only: not the tasks it leads
    co = ask(engine, "Sở Nội vụ phối hợp trong những nhiệm vụ nào?")
    assert sections(co) == [("004", "III.2.(1)")] and co.answers[0]["role"] == "coordinating"
    # a plan that never names Sở Tài chính is not cited
    assert {d for d, _ in sections(ask(engine, "Sở Tài chính phải làm gì?"))} == {"000", "004"}
    assert sections(ask(engine, "Phòng Tài chính - Kế hoạch của huyện có những nhiệm vụ gì?")) == [
        ("003", "II.3"), ("003", "II.5"), ("003", "II.7")]


def test_questions_about_documents(engine):
    assert ask(engine, "Ai ký Kế hoạch 12/KH-UBND?").answers[0]["text"] == "Người ký: Nguyễn Văn Tùng"
    assert ask(engine, "103/KH-UBND ban hành ngày nào?").answers[0]["text"] == "Ngày ban hành: 10/05/2024"
    impl = ask(engine, "Văn bản nào triển khai Kết luận 50?")
    assert sections(impl)[0][0] == "004" and len(impl.answers) == 1
    assert {d for d, _ in sections(ask(engine, "Những văn bản nào thực hiện Kết luận 62-KL/TW?"))} == {
        "000", "001", "002", "003"}
    for q in ("Ai ký Kế hoạch 99/KH-UBND?", "Kế hoạch của Kon Tum ban hành ngày nào?"):
        r = ask(engine, q)
        assert r.answers == [] and r.message.startswith("Không tìm thấy")


def test_questions_across_documents(engine):
    due = ask(engine, "Những kế hoạch nào có nhiệm vụ phải hoàn thành trong tháng 02/2024?")
    assert sections(due) == [("001", "II.1-1"), ("004", "III.2.(11)")]
    t = ask(engine, "Tỉnh nào đặt mục tiêu 20% đơn vị tự chủ tài chính?")
    assert [a["clause_id"][:3] for a in t.answers] == ["000"]  # not Hải Phòng's 10%
    b = ask(engine, "Lạng Sơn giảm bao nhiêu % chi trực tiếp từ ngân sách cho đơn vị sự nghiệp so với giai đoạn 2016 - 2020?")
    assert b.answers[0]["text"].startswith("10% (năm 2025)")


def test_wider_wording_and_paraphrase(engine):
    r = ask(engine, "Sắp xếp đơn vị hành chính cấp huyện, cấp xã ở Hải Phòng thực hiện trong giai đoạn nào?")
    assert r.kind == "timeframe" and r.answers[0]["text"] == "Từ năm 2023 đến năm 2030"
    r = ask(engine, "Phòng nào tham mưu xây dựng định mức kinh tế - kỹ thuật?")
    assert r.kind == "lead" and by_doc(r)[DOCS["quangngai"]]["text"] == "Phòng Tài chính - Kế hoạch"
    r = ask(engine, "Cơ quan nào lo việc cổ phần hóa các đơn vị sự nghiệp công lập ở Hải Phòng?")
    assert r.answers[0]["text"] == "Sở Kế hoạch và Đầu tư"
    assert ask(engine, "Mục tiêu của kế hoạch 12/KH-UBND là gì?").kind == "purpose"
