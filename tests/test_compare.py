import csv
import io
import json

from click.testing import CliRunner

from policyqa.cli import main
from policyqa.compare import align, compare, word_diff
from tests.conftest import DOCS


def status(res):
    return {r["doc_id"]: (r["status"], r["section"]) for r in res.rows}


def test_compare_aligns_a_task_across_plans_and_marks_missing(engine):
    res = compare(engine, "định mức kinh tế - kỹ thuật")
    s = status(res)
    assert s[DOCS["langson"]] == ("match", "II.2.b")
    assert s[DOCS["kontum"]] == ("match", "II.2-2")
    assert s[DOCS["quangngai"]] == ("match", "II.3")
    assert s[DOCS["haiphong"]][0] == "missing" and s[DOCS["noprov"]][0] == "missing"
    kt = next(r for r in res.rows if r["doc_id"] == DOCS["kontum"])
    assert "Ban Tổ chức Tỉnh ủy" in kt["lead"] and kt["timeframe"] == "thường xuyên"
    assert any(p["op"] == "insert" for p in kt["diff"]) or kt["clause_id"] == res.reference


def test_compare_talent_task(engine):
    s = status(compare(engine, "thu hút nhân tài"))
    assert s[DOCS["kontum"]] == ("match", "II.2-1") and s[DOCS["quangngai"]] == ("match", "II.2")
    assert {s[DOCS[k]][0] for k in ("langson", "noprov", "haiphong")} == {"missing"}


def test_compare_by_clause_id_and_csv(engine):
    res = compare(engine, f"{DOCS['quangngai']}:II.3", docs="Kon Tum,Lạng Sơn")
    # the reference clause's own document is shown too, as the row the others are diffed against
    assert {r["doc_id"] for r in res.rows} == {DOCS["kontum"], DOCS["langson"], DOCS["quangngai"]}
    assert res.reference == f"{DOCS['quangngai']}:II.3"
    s = status(res)
    assert s[DOCS["kontum"]] == ("match", "II.2-2") and s[DOCS["langson"]] == ("match", "II.2.b")
    rows = list(csv.DictReader(io.StringIO(res.to_csv())))
    assert rows and {"province", "status", "lead", "timeframe", "differences"} <= set(rows[0])


def test_word_diff():
    d = word_diff("Tiếp tục rà soát, xây dựng định mức", "Tiếp tục rà soát, hoàn thiện định mức")
    assert {"op": "delete", "text": "xây dựng"} in d and {"op": "insert", "text": "hoàn thiện"} in d


def test_align_two_documents(engine):
    al = align(engine, DOCS["quangngai"], DOCS["kontum"])
    pairs = {p["a"]["section"]: p for p in al.pairs}
    assert pairs["II.3"]["status"] == "matched" and pairs["II.3"]["b"]["section"] == "II.2-2"
    assert any(p["status"] == "only_in_a" for p in al.pairs)
    assert al.only_in_b  # e.g. Kon Tum's class-size task has no counterpart in the district plan
    assert al.to_csv().startswith("status,section_a")


def test_cli_compare_json_and_csv(home, tmp_path):
    out_csv = tmp_path / "c.csv"
    r = CliRunner().invoke(main, ["--home", str(home), "compare", "định mức kinh tế - kỹ thuật", "--json", "--csv", str(out_csv)])
    data = json.loads(r.stdout)
    assert data["rows"] and out_csv.read_text(encoding="utf-8-sig").startswith("doc_id,province")
