"""Inputs checked at the edges (issue 14, case 9): the CLI refuses bad values with a message that names them
(and the valid range or the closest known values), never a traceback, never an empty result instead.
The service uses the same validators (tests/test_api.py checks its 422s)."""
from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from policyqa import validate
from tests.conftest import DOCS


@pytest.fixture
def cli(engine, home, monkeypatch):
    import policyqa.cli as cli_mod

    monkeypatch.setattr(cli_mod, "_engine", lambda ctx: engine)

    def run(*args):
        r = CliRunner().invoke(cli_mod.main, ["--home", str(home), *args])
        assert r.exception is None or isinstance(r.exception, SystemExit), r.exception  # no traceback
        return r.exit_code, r.output
    return run


@pytest.mark.parametrize("args,words", [
    (["search", "rà soát", "-k", "-1"], "-k must be from 1 to 100, got -1"),
    (["search", "rà soát", "-k", "0"], "-k must be from 1 to 100, got 0"),
    (["search", "rà soát", "-k", "101"], "-k must be from 1 to 100"),
    (["ask", "ai chủ trì", "-k", "0"], "-k must be from 1 to 100, got 0"),
    (["search", "rà soát", "--date-from", "2024-13-01"], "not a valid date"),
    (["search", "rà soát", "--date-from", "tháng 5"], "write YYYY-MM-DD"),
    (["search", "rà soát", "--date-from", "2024-06-01", "--date-to", "2024-01-01"], "is after date_to"),
    (["search", "rà soát", "--doc", "009"], "unknown document '009'; did you mean: 004_d5bd9329e3929aa8"),
    (["search", "rà soát", "--doc", "00"], "matches 5 documents"),
    (["search", "rà soát", "--province", "Hai Phonh"], "did you mean: Hải Phòng"),
    (["ask", "ai chủ trì", "--province", "Đà Nẵng"], "no document of province 'Đà Nẵng'"),
    (["search", "rà soát", "--type", "Nghi dinh"], "no document of type 'Nghi dinh' in the corpus (types: Kế hoạch)"),
    (["compare", "004:II.99"], "has no clause 'II.99'; did you mean: 004_d5bd9329e3929aa8:II."),
    (["compare", f"{DOCS['haiphong']}:IX"], "has no clause 'IX'"),
    (["compare", "rà soát", "--docs", "Ha Noi"], "neither a document nor a province"),
    (["compare", "rà soát", "--threshold", "1.5"], "--threshold must be from 0 to 1"),
    (["compare", "--align", "000", "777"], "unknown document '777'"),
])
def test_bad_values_are_refused_with_a_message(cli, args, words):
    code, out = cli(*args)
    assert code == 2 and words in out, out


def test_dates_are_compared_as_dates(cli):
    code, out = cli("search", "rà soát", "--mode", "bm25", "--date-from", "2024-5-1", "--json")
    res = json.loads(out)
    assert code == 0 and res["filters"]["date_from"] == "2024-05-01" and res["hits"]
    assert all(h["doc"]["date"] >= "2024-05-01" for h in res["hits"])
    code, out = cli("search", "rà soát", "--mode", "bm25", "--date-to", "10/05/2024", "--json")
    assert code == 0 and json.loads(out)["filters"]["date_to"] == "2024-05-10"


def test_id_prefix_works_everywhere(cli):
    code, out = cli("search", "rà soát", "--mode", "bm25", "--doc", "004", "--json")
    hits = json.loads(out)["hits"]
    assert code == 0 and hits and {h["doc_id"] for h in hits} == {DOCS["haiphong"]}
    code, out = cli("ask", "Ai chủ trì rà soát?", "--doc", "004", "--json")
    assert code == 0 and {h["doc_id"] for h in json.loads(out)["hits"]} == {DOCS["haiphong"]}
    code, out = cli("compare", "004:II.2", "--docs", "004,000", "--json")
    res = json.loads(out)
    assert code == 0 and res["reference"] == f"{DOCS['haiphong']}:II.2"
    assert {r["doc_id"] for r in res["rows"]} <= {DOCS["haiphong"], DOCS["langson"]}
    code, out = cli("search", "rà soát", "--mode", "bm25", "--doc", "12/KH-UBND", "--json")  # by number too
    assert code == 0 and {h["doc_id"] for h in json.loads(out)["hits"]} == {DOCS["haiphong"]}


def test_mismatched_model_is_explained_by_compare_as_by_search(home, model_dir, embedder, tmp_path, monkeypatch):
    import policyqa.cli as cli_mod
    import policyqa.engine as engine_mod

    for sub in ("corpus", "data"):
        shutil.copytree(home / sub, tmp_path / sub)
    idx = tmp_path / "data" / "index"
    man = idx / (idx / "CURRENT").read_text().strip() / "manifest.json"
    m = json.loads(man.read_text())
    m["model"]["fingerprint"] = "f" * 64
    man.write_text(json.dumps(m))
    monkeypatch.setattr(engine_mod, "embedder_for_manifest", lambda *a, **k: embedder)  # no second model load
    for args in (["search", "rà soát"], ["compare", "rà soát định mức"], ["compare", "--align", "000", "001"]):
        r = CliRunner().invoke(cli_mod.main, ["--home", str(tmp_path), *args])
        assert r.exit_code == 1 and "does not match: built with model" in r.output, (args, r.output)
        assert isinstance(r.exception, SystemExit)


def test_validators():
    assert validate.k("7") == 7
    with pytest.raises(validate.InvalidInput):
        validate.k(2.5)
    assert validate.date("2024-5-1", "d") == "2024-05-01" and validate.date("1/5/2024", "d") == "2024-05-01"
    assert validate.date(None, "d") is None
    assert validate.level("Tinh") == "tỉnh"
    # every level the header reader gives (central laws and decrees, communes) can be filtered on
    assert validate.level("trung uong") == "trung ương" and validate.level("Xã") == "xã"
    docs = {"001_ab": {"doc_id": "001_ab", "source": "corpus/001_ab.txt", "meta": {"number": "12/KH-UBND",
                                                                                    "province": "Hải Phòng"}},
            "002_cd": {"doc_id": "002_cd", "source": "corpus/002_cd.md", "meta": {"number": None, "province": None}}}
    assert validate.document(docs, "001") == "001_ab" and validate.document(docs, "12 / kh-ubnd") == "001_ab"
    assert validate.document(docs, "002_cd.md") == "002_cd"
    assert validate.province(docs, "hai phong") == "Hải Phòng"
    typed = {"a": {"meta": {"type": "Nghị định"}}, "b": {"meta": {"type": "Thông tư"}}, "c": {"meta": {}}}
    assert validate.doc_type(typed, "NGHI DINH") == "Nghị định" and validate.doc_type(typed, " ") is None
    with pytest.raises(validate.InvalidInput, match="did you mean: Thông tư"):
        validate.doc_type(typed, "Thong tu lien tich")
    assert validate.documents(docs, "Hai Phong,002") == "001_ab,002_cd"
