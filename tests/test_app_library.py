"""The library pieces behind the app: official citations, the no-match rule, related documents, task wording
diffs, result grouping and the editors' sign-in."""
import pytest

from policyqa import auth, citation, grouping, related, wording

HP = {"number": "12/KH-UBND", "type": "Kế hoạch", "date": "2024-01-18", "issuer": "Ủy ban nhân dân thành phố Hải Phòng",
      "title": "Kế hoạch thực hiện Kết luận số 62-KL/TW"}


def test_official_citation_forms():
    assert citation.official(HP, "III.2.(6)") == \
        "mục III.2.(6) Kế hoạch số 12/KH-UBND ngày 18/01/2024 của UBND thành phố Hải Phòng"
    untitled = {"number": None, "type": "Kế hoạch", "issuer": "Ban Thường vụ Huyện ủy", "date": None,
                "title": "Kế hoạch triển khai thực hiện Kế hoạch số 248-KH/TU"}
    assert citation.official(untitled, "II.3") == \
        "mục II.3 Kế hoạch triển khai thực hiện Kế hoạch số 248-KH/TU của Ban Thường vụ Huyện ủy"
    assert citation.official({**HP, "type": "Nghị định"}, "5.2.a", place="điểm a khoản 2 Điều 5").startswith(
        "điểm a khoản 2 Điều 5 Nghị định số 12/KH-UBND")
    assert citation.official(HP, "0").startswith("phần mở đầu Kế hoạch số")


def test_no_match_rule_on_real_queries(engine):
    from policyqa import relevance
    from policyqa.search import search

    for q, good in [("định mức kinh tế - kỹ thuật", True), ("thu hút nhân tài", True),
                    ("xyz abc không liên quan", False), ("công thức nấu phở bò Nam Định", False),
                    ("gia ve tau hoa Bac Nam", False)]:
        res = search(engine, q)
        assert relevance.assess(engine, q, res.hits, res.province_from_query).good is good, q
    assert relevance.decide(0.0, 0.0) is False and relevance.decide(1.0, 0.0) and relevance.decide(0.0, 0.99)


def test_related_documents(docs):
    by_id = {k: v for k, v in docs.items()}
    rel = related.related(by_id, "001_dac727ca2465216f")
    numbers = [b["number"] for b in rel["based_on"]]
    assert "62-KL/TW" in numbers and all(b["doc_id"] is None for b in rel["based_on"] if b["number"] == "62-KL/TW")
    groups = related.implementing(by_id, "62/KL-TW")  # separators and case do not matter
    ids = {d for g in groups for d in g["doc_ids"]}
    assert "001_dac727ca2465216f" in ids and len(ids) >= 3
    assert [g["province"] for g in groups if g["province"]] == sorted(g["province"] for g in groups if g["province"])
    # a corpus document another one cites is linked both ways
    fake = {"a": {"meta": {"number": "5/KH-UBND"}}, "b": {"meta": {"number": None, "implements": ["5/KH-UBND"]}},
            "c": {"meta": {"references": [{"number": "5-KH/UBND", "relation": "based_on"}]}}}
    assert related.related(fake, "a")["implemented_by"] == ["b", "c"]
    assert related.related(fake, "b")["based_on"][0]["doc_id"] == "a"


def test_task_wording_and_side_by_side():
    a = "1. Tiếp tục đẩy mạnh công tác tuyên truyền đến cán bộ. - Cơ quan chủ trì: các Sở, ban, ngành; UBND huyện."
    b = "(3) Tiếp tục đẩy mạnh tuyên truyền đến viên chức. Thời gian thực hiện: năm 2025."
    assert wording.task_wording(a) == "Tiếp tục đẩy mạnh công tác tuyên truyền đến cán bộ."
    assert wording.task_wording(b) == "Tiếp tục đẩy mạnh tuyên truyền đến viên chức."
    sbs = wording.side_by_side(a, b)
    assert sbs["marked"] and ("công tác", True) in sbs["left"] and ("viên chức.", True) in sbs["right"]
    assert not any("Cơ quan" in t for t, _ in sbs["left"] + sbs["right"])
    far = wording.side_by_side(a, "Sắp xếp lại các trường học có quy mô nhỏ.")
    assert not far["marked"] and not any(ch for _, ch in far["right"])


def test_grouping_keeps_undated_documents_last():
    hits = [{"doc_id": "x", "doc": {"date": None}}, {"doc_id": "y", "doc": {"date": "2023-01-01"}},
            {"doc_id": "x", "doc": {"date": None}}, {"doc_id": "z", "doc": {"date": "2024-05-10"}}]
    assert [h["doc_id"] for h in grouping.by_date(hits)] == ["z", "y", "x", "x"]
    assert [(d, len(g)) for d, g in grouping.by_document(hits)] == [("x", 2), ("y", 1), ("z", 1)]


def test_sign_in():
    h = auth.hash_password("mật khẩu đúng", iterations=1000)
    known = auth.editors({"lan": h}, {"POLICYQA_EDITORS": "an:" + h + "; bad"})
    assert set(known) == {"lan", "an"}
    assert auth.verify("an", "mật khẩu đúng", known) and auth.verify(" lan ", "mật khẩu đúng", known)
    assert not auth.verify("an", "sai", known) and not auth.verify("ai", "mật khẩu đúng", known)
    assert not auth.verify("x", "y", {"x": "not-a-hash"})
    assert h != auth.hash_password("mật khẩu đúng", iterations=1000)  # salted
