"""Each page of the Streamlit app, headless through AppTest, on the index built from corpus/: state restored
from the address, official citations, the no-match state, no internals shown, editors' sign-in."""
import re
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import DOCS, REPO

VIEWS = REPO / "app" / "views"


def load(name: str, **params) -> AppTest:
    at = AppTest.from_file(str(VIEWS / f"{name}.py"), default_timeout=180)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def page(home):
    return load


def html(at) -> str:
    return "\n".join(m.value for m in at.markdown)


def cards(at) -> str:
    return "\n".join(m.value for m in at.markdown if "pq-card" in m.value)


def test_search_restored_from_address(page):
    at = page("search", q="định mức kinh tế - kỹ thuật")
    assert at.text_input(key="s_query").value == "định mức kinh tế - kỹ thuật"  # the form shows the address's query
    out = cards(at)
    assert "mục II.2.b Kế hoạch số 103/KH-UBND ngày 10/05/2024 của UBND tỉnh Lạng Sơn" in out
    assert "<mark>" in out and "Chủ trì:" in out and 'class="pq-copy"' in out
    assert "./van-ban?doc=000_309250c117fea7bd&clause=000_309250c117fea7bd%3AII.2.b" in out
    # no internals on the cards: raw scores, file paths, ids, retriever names
    assert not re.search(r"corpus/|điểm \d|\(dense\)|\(BM25\)|000_309250c117fea7bd:", re.sub(r"href=\S+|data-text=\"[^\"]*\"", "", out))
    assert at.dataframe  # the details toggle holds the scores


def test_search_form_writes_the_address(page):
    at = page("search")
    assert "Gõ nội dung cần tìm" in at.info[0].value
    at.text_input(key="s_query").input("tuyên truyền")
    at.selectbox(key="f_prov").set_value("Hải Phòng")
    at.button[0].click().run()
    assert at.query_params["q"] == "tuyên truyền" and at.query_params["tinh"] == "Hải Phòng"
    out = cards(at)
    assert "12/KH-UBND" in out and "103/KH-UBND" not in out


def test_search_grouped_and_sorted_by_date(page):
    at = page("search", q="tuyên truyền", nhom="1", xep="date")
    heads = [m.value for m in at.markdown if m.value.startswith("#### ")]
    assert len(heads) >= 3 and "103/KH-UBND" in heads[0] and "12/KH-UBND" in heads[1]  # newest first (10/05, 18/01/2024)


def test_document_type_from_the_address(page):
    at = page("search", q="tuyên truyền", loai="Kế hoạch")
    assert "12/KH-UBND" in cards(at)
    at = page("search", q="tuyên truyền", loai="Nghị định")  # no such document: filtered out, not ignored
    assert "KH-UBND" not in cards(at) and at.warning[0].value.startswith("Không có kết quả phù hợp")


def test_no_match_says_so(page):
    at = page("search", q="xyz abc không liên quan")
    assert at.warning[0].value.startswith("Không có kết quả phù hợp")
    at = page("ask", q="Ai chủ trì xây dựng sân bay quốc tế?")
    assert at.warning[0].value.startswith("Không có kết quả phù hợp")


def test_ask_answer_with_official_citation(page):
    at = page("ask", q="Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?")
    out = html(at)
    assert "Phòng Tài chính - Kế hoạch" in out and "mục II.3" in out and "pq-copy" in out


def test_compare_task_view(page):
    at = page("compare", q="thu hút nhân tài")
    out = html(at)
    assert "Không có nhiệm vụ tương ứng (mục gần nhất" in out and "<table" in out
    assert "Cơ quan chủ trì:" not in out.split("<table", 1)[1]  # assignment lines are columns, not diffed text
    assert {b.proto.label for b in at.get("download_button")} == {"Tải Excel", "Tải CSV"}


def test_compare_two_documents(page):
    at = page("compare", kieu="doi-chieu", a=DOCS["langson"], b=DOCS["kontum"])
    out = html(at)
    assert "mục của A có mục tương ứng ở B" in out and "Không có mục tương ứng" in out


def test_viewer_highlights_clause_with_header_and_related(page):
    at = page("documents", clause="004_d5bd9329e3929aa8:III.2.(14)")
    out = html(at)
    assert out.count("pq-clause pq-selected") == 1 and "Đề án Tổ chức chính quyền đô thị" in out
    assert "Số: 12/KH-UBND" in out and "Hải Phòng, ngày 18 tháng 01 năm 2024" in out
    assert "Trích dẫn: mục III.2.(14) Kế hoạch số 12/KH-UBND ngày 18/01/2024" in out
    assert "./van-ban?ref=" in out  # what it implements, as links
    assert [b.proto.label for b in at.get("download_button")] == ["Tải tệp gốc"]


def test_reference_page_lists_implementing_plans(page):
    at = page("documents", ref="62-KL/TW")
    out = html(at)
    assert "Kon Tum" in out and "Quảng Ngãi" in out and f"./van-ban?doc={DOCS['kontum']}" in out


def test_document_list_and_truncated_flag(page):
    at = page("documents")
    out = html(at)
    assert out.count("./van-ban?doc=") == 5 and "Văn bản nguồn bị cắt" in out


def test_tasks_page(page):
    at = page("tasks")
    out = html(at)
    assert out.count("pq-tasks") >= 4 and "Phòng Tài chính - Kế hoạch" in out  # one table per plan
    assert {b.proto.label for b in at.get("download_button")} == {"Tải Excel", "Tải Word"}
    at = page("tasks", coquan="Sở Nội vụ", xem="thoi-han")
    out = html(at)
    assert "Sở Nội vụ" in out and out.count("./van-ban?doc=") >= 1
    at.text_input(key="t_agency").input("Sở Tài chính")
    at.button[0].click().run()
    assert at.query_params["coquan"] == "Sở Tài chính" and at.query_params["xem"] == "thoi-han"


def test_editing_needs_sign_in(page, monkeypatch):
    from policyqa import auth

    at = page("add")
    assert "Chưa cấu hình tài khoản biên tập viên" in at.warning[0].value and not at.get("file_uploader")
    monkeypatch.setenv("POLICYQA_EDITORS", "lan:" + auth.hash_password("đúng", iterations=1000))
    at = page("add")
    at.text_input(key="li_name").input("lan")
    at.text_input(key="li_pw").input("sai")
    at.button[0].click().run()
    assert at.error and "không đúng" in at.error[0].value and not at.get("file_uploader")
    at.text_input(key="li_pw").input("đúng")
    at.button[0].click().run()
    assert not at.exception and at.radio(key="m_task").value == "add" and at.get("file_uploader")


def test_evaluate_runs_in_background(page):
    at = page("evaluate")
    at.button(key="e_go").click().run()
    deadline = time.time() + 600
    while time.time() < deadline:
        time.sleep(3)
        at.run()
        if at.dataframe:
            break
    assert not at.exception and at.dataframe and "Độ chính xác câu trả lời" in html(at)
