"""Each page of the Streamlit app, headless through AppTest, on the index built from corpus/."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import REPO

VIEWS = REPO / "app" / "views"


@pytest.fixture
def page(home):
    def load(name: str) -> AppTest:
        at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=180)
        at.run()
        assert not at.exception, at.exception
        return at
    return load


def html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_search_page(page):
    at = page("search")
    assert "Gõ nội dung cần tìm" in at.info[0].value
    at.text_input(key="s_query").input("định mức kinh tế - kỹ thuật").run()
    out = html(at)
    assert "II.2.b" in out and "103/KH-UBND" in out and "<mark>" in out and "Chủ trì:" in out
    assert "./van-ban?clause=" in out
    at.sidebar.radio(key="s_mode").set_value("bm25").run()
    at.sidebar.selectbox(key="s_prov").set_value("Hải Phòng").run()
    at.text_input(key="s_query").input("tuyên truyền").run()
    assert not at.exception and "12/KH-UBND" in html(at) and "103/KH-UBND" not in html(at)


def test_search_page_without_diacritics(page):
    at = page("search")
    at.text_input(key="s_query").input("ai chu tri tuyen truyen").run()
    assert any("ai chủ trì tuyên truyền" in c.value for c in at.caption)


def test_ask_page_answer_and_not_found(page):
    at = page("ask")
    at.text_input(key="a_query").input("Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?").run()
    out = html(at)
    assert "Phòng Tài chính - Kế hoạch" in out and "II.2.b" in out
    at.text_input(key="a_query").input("Ai chủ trì xây dựng sân bay quốc tế?").run()
    assert at.warning and at.warning[0].value.startswith("Không tìm thấy")


def test_compare_page(page):
    at = page("compare")
    at.text_input(key="c_query").input("thu hút nhân tài").run()
    out = html(at)
    assert "Không có nhiệm vụ tương ứng" in out and "II.2-1" in out and "<table" in out
    assert at.get("download_button")
    at.button(key="al_go").click().run()
    assert not at.exception and at.dataframe


def test_documents_page_viewer_highlights_selected_clause(page):
    at = AppTest.from_file(str(VIEWS / "documents.py"), default_timeout=180)
    at.query_params["clause"] = "004_d5bd9329e3929aa8:III.2.(14)"
    at.run()
    assert not at.exception
    out = html(at)
    assert "pq-selected" in out and "Đề án Tổ chức chính quyền đô thị" in out
    assert at.dataframe  # metadata table


def test_evaluate_page_runs_bundled_set(page):
    at = page("evaluate")
    at.button(key="e_go").click().run(timeout=600)
    assert not at.exception and at.dataframe and any("Độ chính xác câu trả lời" in m for m in html(at).splitlines())


def test_add_page_rejects_bad_file_and_changes_nothing(page, home):
    at = page("add")
    before = sorted(p.name for p in (home / "corpus").iterdir())
    assert at.button(key="u_go").disabled  # nothing uploaded yet
    from policyqa.ingest_check import check_upload

    bad = home.parent / "bad.txt"
    bad.write_bytes(b"")
    err = check_upload(bad, home / "corpus")
    assert err.code == "empty" and "bad.txt" in str(err)
    dup = home.parent / "dup.txt"
    dup.write_bytes((home / "corpus" / "000_309250c117fea7bd.txt").read_bytes())
    assert check_upload(dup, home / "corpus").code == "duplicate"
    from app.shared import ingest_problem

    assert ingest_problem(err).startswith("bad.txt: tệp rỗng")
    assert sorted(p.name for p in (home / "corpus").iterdir()) == before
