"""Task fields: lead, coordinating, directing, timeframe, targets, in every document that has them."""
from ingest import tasks
from tests.conftest import clause


def f(docs, key, path, field):
    return clause(docs, key, path)["fields"].get(field, {})


def test_lead_from_labelled_lines_langson(docs):
    assert f(docs, "langson", "II.2.b", "lead")["value"] == "các Sở, ban, ngành, UBND cấp huyện"
    assert f(docs, "langson", "II.2.a", "lead")["value"] == "các Sở, ban, ngành"  # "(theo chức năng …)" dropped
    assert f(docs, "langson", "II.2.a", "coordinating")["value"] == "Sở Tài chính và các Sở, ban, ngành có liên quan"
    assert f(docs, "langson", "II.1", "timeframe")["value"] == "thực hiện thường xuyên"
    assert f(docs, "langson", "II.2.b", "lead")["source"] == "field_line"


def test_group_level_assignment_lines_kontum(docs):
    # "* Ban Tuyên giáo Tỉnh ủy chủ trì … hoàn thành trong tháng 02-2024." closes the first bullet only
    lead = f(docs, "kontum", "II.1-1", "lead")
    assert lead["value"] == "Ban Tuyên giáo Tỉnh ủy" and lead["source"] == "group_note"
    assert f(docs, "kontum", "II.1-1", "timeframe")["value"] == "hoàn thành trong tháng 02-2024"
    # the next note governs the next bullet
    assert f(docs, "kontum", "II.1-2", "lead")["value"].startswith("Ban Tuyên giáo Tỉnh ủy, Ban cán sự đảng")
    # one note after three bullets governs all three
    for p in ("II.2-1", "II.2-2", "II.2-3"):
        assert "Ban Tổ chức Tỉnh ủy" in f(docs, "kontum", p, "lead")["value"]
        assert f(docs, "kontum", p, "lead")["from"].startswith("Đảng đoàn Hội đồng nhân dân tỉnh")
    # bullets and "(1)…(4)" items of section 4 share the closing note
    for p in ("II.4-1", "II.4.(1)", "II.4.(4)"):
        assert f(docs, "kontum", p, "lead")["value"].startswith("Ban cán sự đảng Ủy ban nhân dân tỉnh")
    # a section without bullets gets the note itself
    assert f(docs, "kontum", "II.7", "lead")["value"].startswith("Ban cán sự đảng Ủy ban nhân dân tỉnh")
    assert "các tổ chức chính trị-xã hội tỉnh" in f(docs, "kontum", "II.8", "lead")["value"]


def test_directing_and_staff_agencies_quangngai(docs):
    assert f(docs, "quangngai", "II.2", "directing")["value"] == "Ủy ban nhân dân huyện"
    assert f(docs, "quangngai", "II.2", "lead")["value"] == "Phòng Nội vụ"
    assert f(docs, "quangngai", "II.2", "coordinating")["value"] == "các phòng, ban, ngành liên quan"
    assert f(docs, "quangngai", "II.3", "lead")["value"] == "Phòng Tài chính - Kế hoạch"
    assert f(docs, "quangngai", "III.3", "lead")["value"] == "Ban Tổ chức Huyện ủy"  # "Giao X chủ trì, phối hợp với Y"
    assert f(docs, "quangngai", "III.3", "coordinating")["value"] == "Ủy ban Kiểm tra Huyện ủy và các cơ quan liên quan"
    assert f(docs, "quangngai", "III.2", "lead")["value"] == "UBND huyện"  # "Giao UBND huyện xây dựng …"


def test_haiphong_inline_and_group_timeframe(docs):
    assert f(docs, "haiphong", "III.2.(2)", "lead")["value"] == "Sở Nội vụ"
    assert f(docs, "haiphong", "III.2.(5)", "lead")["value"] == "Sở Tài chính"
    assert f(docs, "haiphong", "III.2.(14)", "timeframe")["value"] == "Hoàn thành trong tháng 12 năm 2023"
    assert f(docs, "haiphong", "III.1-1", "lead")["value"] == "Sở Thông tin và Truyền thông"
    # "Thời gian thực hiện: Thường xuyên." after the bullets of III.1 applies to each of them
    t = f(docs, "haiphong", "III.1-2", "timeframe")
    assert t["value"] == "Thường xuyên" and t["source"] == "inherited" and t["from"] == "III.1"
    assert f(docs, "haiphong", "IV.1.đ", "timeframe")["value"] == "Định kỳ trước ngày 15/12 hàng năm"


def test_targets_with_their_year(docs):
    t = f(docs, "langson", "I.2.a-1", "targets")["value"]
    assert {(x["value"], x["year"]) for x in t} >= {("10%", "2025"), ("20%", "2025"), ("100%", "2025")}
    t30 = f(docs, "langson", "I.2.a-2", "targets")["value"]
    assert {(x["value"], x["year"]) for x in t30} == {("10%", "2030"), ("15%", "2030")}
    hp = f(docs, "haiphong", "III.2.(6)", "targets")["value"]
    assert {(x["value"], x["year"]) for x in hp} == {("5%", "2022-2026"), ("10%", "2022-2026")}


def test_split_lead_and_subject_helpers():
    assert tasks.split_lead("Sở Nội vụ chủ trì, phối hợp với các sở, ngành thực hiện") == ("Sở Nội vụ", "các sở, ngành")
    assert tasks.subject_before_verb("Giao Sở Nội vụ theo dõi, đôn đốc") == "Sở Nội vụ"
    assert tasks.subject_before_verb("Tiếp tục rà soát các quy định") is None
    assert tasks.label_kind("Cơ quan tham mưu, thực hiện") == "lead"
    assert tasks.label_kind("Phân công chỉ đạo") == "directing"
