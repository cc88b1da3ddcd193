"""Search finds known clauses for precise, paraphrased, colloquial and diacritic-free queries."""
import json

import pytest
from click.testing import CliRunner

from policyqa.cli import main
from policyqa.search import Filters, search
from tests.conftest import DOCS


def ids(res, k=5):
    return [h["clause_id"] for h in res.hits[:k]]


def cid(key, path):
    return f"{DOCS[key]}:{path}"


@pytest.mark.parametrize("mode", ["hybrid", "dense", "bm25"])
@pytest.mark.parametrize("query,expected", [
    ("định mức kinh tế - kỹ thuật", cid("quangngai", "II.3")),  # keyword
    ("Nghiên cứu sắp xếp, hợp nhất các cơ quan chuyên môn thuộc UBND thành phố", cid("haiphong", "III.2.(2)")),  # precise
    ("điều chỉnh quy mô lớp học, thu gọn điểm trường", cid("kontum", "II.4.(1)")),
])
def test_each_mode_finds_known_clauses(engine, mode, query, expected):
    assert expected in ids(search(engine, query, k=5, mode=mode))


@pytest.mark.parametrize("mode", ["hybrid", "bm25", "dense"])
def test_queries_without_diacritics(engine, mode):
    res = search(engine, "thu hut nhan tai nguoi co chuyen mon gioi", k=5, mode=mode)
    assert cid("kontum", "II.2-1") in ids(res) or cid("quangngai", "II.2") in ids(res)
    res = search(engine, "ai chu tri tuyen truyen", k=5, mode=mode)
    assert cid("haiphong", "III.1-1") in ids(res)
    if mode != "bm25":
        assert res.dense_query == "ai chủ trì tuyên truyền"  # restored from the corpus's own words


@pytest.mark.parametrize("mode", ["hybrid", "dense"])
def test_paraphrase_and_colloquial(engine, mode):
    assert cid("kontum", "II.4.(1)") in ids(search(engine, "đóng bớt điểm trường nhỏ lẻ, giảm số lớp", mode=mode))
    assert cid("haiphong", "III.2.(12)") in ids(search(engine, "xây dựng thành phố thông minh và chính quyền điện tử", mode=mode))


def test_hybrid_beats_or_matches_each_mode_on_a_mixed_query(engine):
    res = search(engine, "Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?", k=3)
    assert {h["clause_id"] for h in res.hits} == {cid("langson", "II.2.b"), cid("kontum", "II.2-2"), cid("quangngai", "II.3")}


def test_filters(engine):
    res = search(engine, "tuyên truyền", k=10, filters=Filters(province="hai phong"))
    assert res.hits and all(h["doc"]["province"] == "Hải Phòng" for h in res.hits)
    res = search(engine, "tuyên truyền", k=10, filters=Filters(level="huyện"))
    assert res.hits and all(h["clause_id"].startswith(DOCS["quangngai"]) for h in res.hits)
    res = search(engine, "tuyên truyền", k=10, filters=Filters(doc="103/KH-UBND"))
    assert res.hits and all(h["doc"]["number"] == "103/KH-UBND" for h in res.hits)
    res = search(engine, "tuyên truyền", k=10, filters=Filters(date_from="2024-03-01", date_to="2024-12-31"))
    assert res.hits and all(h["doc"]["date"] == "2024-05-10" for h in res.hits)  # undated documents excluded
    for mode in ("bm25", "dense"):
        r = search(engine, "tuyên truyền", k=5, mode=mode, filters=Filters(province="Kon Tum"))
        assert r.hits and all(h["doc"]["province"] == "Kon Tum" for h in r.hits)


def test_type_filter(engine):
    from policyqa.search import filter_mask

    assert filter_mask(engine, Filters(type="KE HOACH")).types == ("Kế hoạch",)  # the corpus's spelling
    plain = search(engine, "tuyên truyền", k=5)
    typed = search(engine, "tuyên truyền", k=5, filters=Filters(type="ke hoach"))
    assert [h["clause_id"] for h in typed.hits] == [h["clause_id"] for h in plain.hits]  # every bundled plan is one
    assert typed.filters == {"type": "ke hoach"}
    assert search(engine, "tuyên truyền", k=5, filters=Filters(type="Nghị định")).hits == []


def test_without_place():
    from policyqa.search import without_place

    assert without_place("Ai chủ trì tuyên truyền ở Hải Phòng?", "Hải Phòng") == "Ai chủ trì tuyên truyền"
    assert without_place("ai chu tri tuyen truyen o hai phong", "Hải Phòng") == "ai chu tri tuyen truyen"
    assert without_place("định mức tỉnh Lạng Sơn", "Lạng Sơn") == "định mức"


def test_province_named_in_query_narrows_search(engine):
    res = search(engine, "Ai chủ trì thông tin tuyên truyền ở Hải Phòng?", k=5)
    assert res.province_from_query == "Hải Phòng" and res.to_json()["filters"] == {"province": "Hải Phòng"}
    assert res.hits[0]["clause_id"] == cid("haiphong", "III.1-1")
    assert all(h["doc"]["province"] == "Hải Phòng" for h in res.hits)
    off = search(engine, "Ai chủ trì thông tin tuyên truyền ở Hải Phòng?", k=5, province_from_query=False)
    assert off.province_from_query is None and {h["doc"]["province"] for h in off.hits} != {"Hải Phòng"}
    # an explicit filter wins over the query's words
    both = search(engine, "tuyên truyền ở Hải Phòng", k=5, filters=Filters(province="Kon Tum"))
    assert both.province_from_query is None and all(h["doc"]["province"] == "Kon Tum" for h in both.hits)


def test_hits_carry_citation_and_highlights(engine):
    h = search(engine, "định mức kinh tế kỹ thuật Lạng Sơn", k=10).hits
    ls = next(x for x in h if x["clause_id"] == cid("langson", "II.2.b"))
    assert ls["citation"] == "mục II.2.b Kế hoạch số 103/KH-UBND ngày 10/05/2024 của UBND tỉnh Lạng Sơn"
    words = {ls["text"][s:e].lower() for s, e in ls["highlights"]}
    assert any("định mức kinh tế" in w for w in words)
    assert ls["fields"]["lead"] == "các Sở, ban, ngành, UBND cấp huyện"


def test_cli_search_json_schema(home):
    r = CliRunner().invoke(main, ["--home", str(home), "search", "định mức kinh tế - kỹ thuật", "-k", "3", "--json"])
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["query"] == "định mức kinh tế - kỹ thuật" and len(out["hits"]) == 3
    for h in out["hits"]:
        assert {"rank", "score", "text", "source", "clause_id", "section", "citation", "doc"} <= set(h)
        assert set(h["doc"]) == {"number", "title", "issuer", "province", "date", "type"}
        assert h["source"].startswith("corpus/") and h["source"].endswith(".txt")
        assert isinstance(h["rank"], int) and isinstance(h["score"], float)
    assert [h["rank"] for h in out["hits"]] == [1, 2, 3]


def test_changed_corpus_keeps_serving_the_published_index_and_check_reports_it(home, tmp_path):
    import shutil

    h = tmp_path / "stale"
    shutil.copytree(home, h)
    before = CliRunner().invoke(main, ["--home", str(h), "search", "tuyên truyền", "--json"])
    (h / "corpus" / "002_94c13e3fafbcf845.txt").write_text("KẾ HOẠCH\n\nI. MỤC ĐÍCH\n\n1. Nội dung khác.\n", encoding="utf-8")
    # not rebuilt: searches answer from the last published generation, `check` says what is out of date
    r = CliRunner().invoke(main, ["--home", str(h), "search", "tuyên truyền", "--json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["hits"] == json.loads(before.stdout)["hits"]
    c = CliRunner().invoke(main, ["--home", str(h), "check", "--json"])
    assert c.exit_code == 1
    assert json.loads(c.stdout)["corpus"]["changed"] == ["corpus/002_94c13e3fafbcf845.txt"]
