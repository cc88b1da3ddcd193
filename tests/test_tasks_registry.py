"""The task registry: every task of each bundled plan with the right lead (labelled tables in eval/tasks/),
agencies as entities, deadlines and targets normalised, and `policyqa tasks` filters."""
import json

import pytest
from click.testing import CliRunner

from ingest import agencies
from ingest.tasks import deadline, target_records
from policyqa.cli import main
from policyqa.tasks import query_tasks
from tests.conftest import DOCS, REPO

LABELLED = sorted((REPO / "eval" / "tasks").glob("*.jsonl"))


def _labels(path):
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


@pytest.mark.parametrize("path", LABELLED, ids=[p.stem for p in LABELLED])
def test_every_labelled_task_is_listed_with_its_lead(engine, path):
    table = query_tasks(engine, doc=path.stem)
    got = {r["section"]: r for r in table["tasks"]}
    want = _labels(path)
    assert [w["path"] for w in want] == [r["section"] for r in table["tasks"]]  # every task, no other, in order
    for w in want:
        leads = got[w["path"]]["lead"].get("members") or [got[w["path"]]["lead"]]
        assert [agencies.key(e["name"]) for e in leads] == [agencies.key(n) for n in w["lead"]], w["path"]
        assert [r["stt"] for r in table["tasks"]] == list(range(1, len(want) + 1))


def test_document_without_assignments_has_no_tasks(engine):
    assert query_tasks(engine, doc="002")["tasks"] == []


def test_coordinating_agencies_against_the_labels(engine):
    """Coordinating agencies match the labels except where the report says the extractor misses them."""
    wrong = []
    for path in LABELLED:
        got = {r["section"]: r for r in query_tasks(engine, doc=path.stem)["tasks"]}
        for w in _labels(path):
            have = [agencies.key(e["name"]) for e in got[w["path"]]["coordinating"]]
            if have != [agencies.key(n) for n in w["coordinating"]]:
                wrong.append(f"{path.stem} {w['path']}")
    assert wrong == ["004 III.2.(9)"]


def test_agency_names_and_groups():
    ents = agencies.split("Sở Tài chính và các Sở, ban, ngành có liên quan")
    assert [(e["canonical"], e["group"]) for e in ents] == [("Sở Tài chính", False), ("các sở, ban, ngành có liên quan", True)]
    assert [e["name"] for e in agencies.split("Sở Thông tin và Truyền thông và các cơ quan, đơn vị liên quan")] == [
        "Sở Thông tin và Truyền thông", "các cơ quan, đơn vị liên quan"]
    assert agencies.canonical("UBND cấp huyện") == "Ủy ban nhân dân cấp huyện"
    assert agencies.key("Sở KH&ĐT") == agencies.key("Sở Kế hoạch và Đầu tư") == "so ke hoach va dau tu"
    assert agencies.key("các Sở, ban, ngành") == agencies.key("Các sở, ban, ngành")
    assert [f["canonical"] for f in agencies.find("Sở Y tế phải làm gì?")] == ["Sở Y tế"]
    assert [f["canonical"] for f in agencies.find("Ban Tổ chức Tỉnh ủy được giao việc gì?")] == ["Ban Tổ chức Tỉnh ủy"]


@pytest.mark.parametrize("text,start,end,kind", [
    ("hoàn thành trong tháng 02-2024", "2024-02-01", "2024-02-29", "period"),
    ("Hoàn thành trong tháng 12 năm 2023", "2023-12-01", "2023-12-31", "period"),
    ("Từ năm 2023 đến năm 2030", "2023-01-01", "2030-12-31", "period"),
    ("Từ nay đến năm 2026", "2024-01-18", "2026-12-31", "period"),
    ("năm 2024 và các năm tiếp theo", "2024-01-01", None, "from"),
    ("trước ngày 31/3/2025", None, "2025-03-31", "date"),
    ("quý II năm 2024", "2024-04-01", "2024-06-30", "period"),
    ("Định kỳ trước ngày 15/12 hàng năm", None, None, "recurring"),
    ("Thường xuyên", None, None, "ongoing"),
    ("Sau khi có hướng dẫn của bộ, ngành Trung ương", None, None, "conditional"),
])
def test_deadlines_are_normalised(text, start, end, kind):
    d = deadline(text, issued="2024-01-18")
    assert (d["start"], d["end"], d["kind"]) == (start, end, kind) and d["text"] == text


def test_target_year_and_baseline_year_are_told_apart():
    t = target_records("Đến năm 2025: tiếp tục giảm bình quân 10% chi trực tiếp từ ngân sách nhà nước cho đơn vị "
                       "sự nghiệp công lập so với giai đoạn 2016 - 2020.")
    assert [(x["value"], x["unit"], x["year"], x["baseline_year"]) for x in t] == [(10, "%", "2025", "2016-2020")]


def test_filters_agency_role_province_and_due_dates(engine):
    hp = query_tasks(engine, agency="Sở Nội vụ", role="lead", province="Hải Phòng")
    assert len(hp["tasks"]) == 10 and {r["doc_id"] for r in hp["tasks"]} == {DOCS["haiphong"]}
    assert hp["filters"] == {"agency": "Sở Nội vụ", "role": "lead", "province": "Hải Phòng"}
    co = query_tasks(engine, agency="Sở Nội vụ", role="coordinating")
    assert [r["section"] for r in co["tasks"]] == ["III.2.(1)"]  # the task it coordinates, not those it leads
    assert [r["section"] for r in query_tasks(engine, agency="Sở KH&ĐT")["tasks"]] == ["III.2.(8)"]
    # "Sở Tài chính" leads one task in Hải Phòng and coordinates two in Lạng Sơn; "các sở" tasks are not its
    st = query_tasks(engine, agency="Sở Tài chính")["tasks"]
    assert [(r["doc_id"][:3], r["section"], r["role"]) for r in st] == [
        ("000", "II.2.a", "coordinating"), ("000", "II.2.b", "coordinating"), ("004", "III.2.(5)", "lead")]
    feb = query_tasks(engine, due_from="2024-02-01", due_to="2024-02-29")["tasks"]
    assert [(r["doc_id"][:3], r["section"]) for r in feb] == [("001", "II.1-1"), ("004", "III.2.(11)")]
    r = next(x for x in query_tasks(engine, doc="12/KH-UBND")["tasks"] if x["section"] == "III.2.(6)")
    assert "Kế hoạch số 12/KH-UBND ngày 18/01/2024" in r["citation"] and r["task_id"] == f"{DOCS['haiphong']}:III.2.(6)#1"
    assert [(t["value"], t["year"], t["baseline_year"]) for t in r["targets"]] == [(5, "2022-2026", "2021"),
                                                                                   (10, "2022-2026", "2021")]


def test_bad_filters_are_clear_errors(engine):
    with pytest.raises(ValueError, match="yyyy-mm-dd"):
        query_tasks(engine, due_from="02/2024")
    with pytest.raises(ValueError, match="no document"):
        query_tasks(engine, doc="999/KH-XYZ")


def test_tasks_command_json_and_files(home, tmp_path):
    r = CliRunner().invoke(main, ["--home", str(home), "tasks", "--doc", "004", "--agency", "Sở Nội vụ", "--json",
                                  "--xlsx", str(tmp_path / "t.xlsx"), "--docx", str(tmp_path / "t.docx"),
                                  "--csv", str(tmp_path / "t.csv")])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out["tasks"]) == 11 and all((tmp_path / f"t.{x}").stat().st_size > 0 for x in ("xlsx", "docx", "csv"))
    bad = CliRunner().invoke(main, ["--home", str(home), "tasks", "--due-to", "tomorrow"])
    assert bad.exit_code == 1 and "yyyy-mm-dd" in bad.output and "Traceback" not in bad.output
