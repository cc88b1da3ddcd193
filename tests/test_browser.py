"""The app in a real headless browser: Debian's chromium driven by Playwright (never a downloaded browser),
against one `streamlit run` on 127.0.0.1 for the whole module (its own copy of the home, so uploads do not change
the other tests' corpus). Screenshots at 1440×900 and 390×844 go to tests/artifacts/ (and to docs/screenshots/
with POLICYQA_UPDATE_SCREENSHOTS=1)."""
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from urllib.parse import quote

import pytest

from tests.conftest import DOCS, REPO
from tests.servers import free_port

CHROMIUM = "/usr/bin/chromium"
ART = REPO / "tests" / "artifacts"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "mật-khẩu-thử"
pytestmark = pytest.mark.browser
LONG = 120_000
# Words of Streamlit's own interface and of English error messages; none is a Vietnamese word.
ENGLISH = re.compile(r"\b(the|and|with|file|files|not|found|error|empty|press|enter|apply|drag|drop|browse|limit|"
                     r"choose|option|options|select|submit|running|deploy|made|streamlit|record|screen|settings|"
                     r"rerun|download|loading|please|results|upload|allowed|missing|invalid|none|null|true|false|"
                     r"dense|bm25|score|clause|source)\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def server(home, model_dir, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: `make setup` installs Debian's chromium")
    from policyqa import auth

    root = tmp_path_factory.mktemp("browser")
    own = root / "home"
    shutil.copytree(home, own)
    port = free_port()
    env = {**os.environ, "POLICYQA_HOME": str(own), "POLICYQA_MODEL": str(model_dir), "HF_HUB_OFFLINE": "1",
           "POLICYQA_EDITORS": "bientap:" + auth.hash_password(PASSWORD, iterations=1000)}
    log = open(root / "streamlit.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app" / "main.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], env=env, stdout=log, stderr=subprocess.STDOUT,
                            cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("streamlit did not start: " + (root / "streamlit.log").read_text(errors="replace")[-2000:])
    yield url, own
    proc.terminate()
    proc.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    ART.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    url, _ = server
    ctx = browser.new_context(viewport=DESKTOP, permissions=["clipboard-read", "clipboard-write"], accept_downloads=True)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=url)
    pg = ctx.new_page()
    pg.set_default_timeout(LONG)
    from playwright.sync_api import expect

    expect.set_options(timeout=LONG)  # a rerun that parses or indexes takes seconds on 2 shared cores
    yield pg
    ctx.close()


def wait_ready(pg) -> None:
    """Streamlit has finished running the page script (the app's own status widget is hidden, so wait on the
    app's state attribute)."""
    pg.wait_for_function("() => { const a = document.querySelector('[data-testid=stApp]');"
                         " return a && a.getAttribute('data-test-script-state') === 'notRunning'; }", timeout=LONG)
    pg.wait_for_timeout(300)


def visible_text(pg) -> str:
    """What a user reads: the page's text without Material icon ligatures (their names are not shown)."""
    return pg.evaluate("""() => { const b = document.querySelector('[data-testid=stApp]').cloneNode(true);
        b.querySelectorAll('[data-testid=stIconMaterial], style, script').forEach(e => e.remove());
        return b.innerText; }""")


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(ART / f"{name}.png"), full_page=False)


def test_search_restored_from_address_and_after_back(page, server):
    url, _ = server
    page.goto(url + "/", wait_until="domcontentloaded")
    wait_ready(page)
    box = page.get_by_label("Nội dung cần tìm (gõ có dấu hoặc không dấu)")
    box.fill("ai chủ trì xây dựng định mức kinh tế - kỹ thuật")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.wait_for_url(re.compile(r"\?q=ai"))
    wait_ready(page)
    from playwright.sync_api import expect

    expect(page.locator(".pq-card").first).to_be_visible()
    expect(page.locator(".pq-cite").first).to_contain_text("Kế hoạch số 103/KH-UBND ngày 10/05/2024")
    searched = page.url
    # the address alone restores the search (a link sent by email)
    other = page.context.new_page()
    other.goto(searched, wait_until="domcontentloaded")
    wait_ready(other)
    expect(other.locator(".pq-card").first).to_contain_text("định mức kinh tế")
    expect(other.get_by_label("Nội dung cần tìm (gõ có dấu hoặc không dấu)")).to_have_value(
        "ai chủ trì xây dựng định mức kinh tế - kỹ thuật")
    other.close()
    # open the clause, then Back: the search is still there
    page.locator(".pq-card a", has_text="Xem trong văn bản").first.click()
    page.wait_for_url(re.compile(r"/van-ban\?doc="))
    wait_ready(page)
    sel = page.locator(".pq-selected")
    expect(sel).to_have_count(1)
    expect(sel).to_be_in_viewport()
    page.go_back()
    page.wait_for_url(searched)
    wait_ready(page)
    expect(page.locator(".pq-card").first).to_contain_text("định mức kinh tế")


def test_clause_link_lands_on_highlighted_clause_and_copies_citation(page, server):
    url, _ = server
    from playwright.sync_api import expect

    cid = "004_d5bd9329e3929aa8:III.2.(14)"
    page.goto(f"{url}/van-ban?doc=004_d5bd9329e3929aa8&clause={quote(cid)}", wait_until="domcontentloaded")
    wait_ready(page)
    sel = page.locator(".pq-selected")
    expect(sel).to_contain_text("Đề án Tổ chức chính quyền đô thị")
    expect(sel).to_be_in_viewport()  # scrolled to, not ~4,000 px down
    expect(page.locator(".pq-doc-head")).to_contain_text("Số: 12/KH-UBND")
    page.get_by_role("button", name="Sao chép trích dẫn").first.click()
    expect(page.get_by_role("button", name="Đã sao chép").first).to_be_visible()
    got = page.evaluate("navigator.clipboard.readText()")
    assert got == "mục III.2.(14) Kế hoạch số 12/KH-UBND ngày 18/01/2024 của UBND thành phố Hải Phòng"
    # the table of contents jumps within the page
    page.locator(".pq-toc a").last.click()
    expect(page.locator(".pq-clause").last).to_be_in_viewport()


def test_no_match_state(page, server):
    url, _ = server
    from playwright.sync_api import expect

    page.goto(url + "/?q=" + quote("xyz abc không liên quan"), wait_until="domcontentloaded")
    wait_ready(page)
    expect(page.get_by_text("Không có kết quả phù hợp").first).to_be_visible()
    expect(page.locator(".pq-card").first).to_be_hidden()  # the nearest clauses stay folded away
    shot(page, "search-nomatch")


def test_assignment_table_and_export(page, server):
    url, _ = server
    from playwright.sync_api import expect

    page.goto(url + "/phan-cong", wait_until="domcontentloaded")
    wait_ready(page)
    expect(page.locator("table.pq-tasks").first).to_be_visible()
    expect(page.locator("table.pq-tasks").first).to_contain_text("Chủ trì")
    with page.expect_download() as dl:
        page.get_by_role("button", name="Tải Excel").click()
    assert dl.value.suggested_filename == "phan-cong-nhiem-vu.xlsx"
    from openpyxl import load_workbook

    with open(dl.value.path(), "rb") as f:
        ws = load_workbook(f).active
    cells = [str(c.value or "") for row in ws.iter_rows(max_row=6) for c in row]
    assert "Nhiệm vụ" in cells and "Chủ trì" in cells
    page.get_by_label("Cơ quan (chủ trì hoặc phối hợp)").fill("Sở Nội vụ")
    page.get_by_role("button", name="Lập bảng phân công").click()
    page.wait_for_url(re.compile(r"coquan="))
    wait_ready(page)
    expect(page.locator("table.pq-tasks").first).to_contain_text("Sở Nội vụ")


def test_related_document_links(page, server):
    url, _ = server
    from playwright.sync_api import expect

    page.goto(f"{url}/van-ban?doc={DOCS['kontum']}", wait_until="domcontentloaded")
    wait_ready(page)
    page.get_by_role("link", name="62-KL/TW", exact=True).first.click()
    page.wait_for_url(re.compile(r"ref="))
    wait_ready(page)
    expect(page.get_by_text("Văn bản triển khai, theo tỉnh/thành và cấp")).to_be_visible()
    table = page.locator("table.pq-table")
    expect(table).to_contain_text("Quảng Ngãi")
    table.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/van-ban\?doc="))
    wait_ready(page)
    expect(page.locator(".pq-doc-head")).to_be_visible()


def test_comparison_view(page, server):
    url, _ = server
    from playwright.sync_api import expect

    page.goto(url + "/so-sanh?q=" + quote("thu hút nhân tài"), wait_until="domcontentloaded")
    wait_ready(page)
    table = page.locator("table.pq-table")
    expect(table).to_contain_text("Không có nhiệm vụ tương ứng (mục gần nhất")
    expect(table.locator("th").first).to_have_text("Văn bản, mục")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(500)
    narrow = page.evaluate("() => Math.min(...[...document.querySelectorAll('table.pq-table td')]"
                           ".filter(td => td.offsetParent).map(td => td.getBoundingClientRect().width))")
    assert narrow > 250  # cells stack on a phone instead of wrapping letter by letter
    page.set_viewport_size(DESKTOP)
    page.goto(f"{url}/so-sanh?kieu=doi-chieu&a={DOCS['langson']}&b={DOCS['kontum']}", wait_until="domcontentloaded")
    wait_ready(page)
    expect(page.get_by_text("mục của A có mục tương ứng ở B")).to_be_visible()
    with page.expect_download() as dl:
        page.get_by_role("button", name="Tải CSV").click()
    head = open(dl.value.path(), encoding="utf-8-sig").readline()
    assert head.startswith("Trạng thái,Mục A,Nội dung A")


PAGES = [("search", "/?q=" + quote("định mức kinh tế - kỹ thuật")),
         ("ask", "/hoi-dap?q=" + quote("Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?")),
         ("tasks", "/phan-cong"),
         ("compare", "/so-sanh?q=" + quote("định mức kinh tế - kỹ thuật")),
         ("documents", "/van-ban?doc=003_05911b6ffd961ba1&clause=" + quote("003_05911b6ffd961ba1:II.3")),
         ("documents-list", "/van-ban"),
         ("reference", "/van-ban?ref=" + quote("62-KL/TW")),
         ("add", "/them-van-ban"),
         ("evaluate", "/danh-gia")]


def test_every_page_in_vietnamese_on_desktop_and_phone(page, server):
    url, _ = server
    browser_ctx = page.context
    found = {}
    for size_name, size in (("", DESKTOP), ("-phone", PHONE)):
        for name, path in PAGES:
            page.close()  # a fresh tab per page keeps the renderer's memory small
            page = browser_ctx.new_page()
            page.set_default_timeout(LONG)
            page.set_viewport_size(size)
            page.goto(url + path, wait_until="domcontentloaded")
            wait_ready(page)
            text = visible_text(page)
            hits = sorted({m.group(0) for m in ENGLISH.finditer(text)})
            if hits:
                found[name + size_name] = hits
            shot(page, name + size_name)
            if size_name:  # the phone layout: nothing wider than the screen, headings compact
                width = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollWidth")
                assert width <= PHONE["width"] + 2, (name, width)
                h1 = page.evaluate("() => { const h = document.querySelector('h1'); return h ? h.getBoundingClientRect().height : 0; }")
                assert h1 < 120, (name, h1)
    assert not found, found
    for name, _ in PAGES:
        assert (ART / f"{name}.png").stat().st_size > 10_000 and (ART / f"{name}-phone.png").stat().st_size > 5_000
    if os.environ.get("POLICYQA_UPDATE_SCREENSHOTS"):
        shutil.copytree(ART, REPO / "docs" / "screenshots", dirs_exist_ok=True)


def sign_in(page, url):
    page.goto(url + "/them-van-ban", wait_until="domcontentloaded")
    wait_ready(page)
    page.get_by_label("Tên đăng nhập").fill("bientap")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    wait_ready(page)


def choose_task(page, label):
    page.locator("[data-testid=stRadio] label", has_text=label).click()
    wait_ready(page)


def test_editors_add_doc_correct_replace_remove(page, server, tmp_path):
    """Runs last: it changes this module's corpus."""
    url, own = server
    from playwright.sync_api import expect

    page.goto(url + "/them-van-ban", wait_until="domcontentloaded")
    wait_ready(page)
    page.get_by_label("Tên đăng nhập").fill("bientap")
    page.get_by_label("Mật khẩu").fill("sai")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Tên đăng nhập hoặc mật khẩu không đúng.")).to_be_visible()
    expect(page.locator("input[type=file]")).to_have_count(0)
    sign_in(page, url)
    expect(page.get_by_text("Đang đăng nhập: bientap")).to_be_visible()

    # add a .doc (Word 97-2003) and an empty file: the empty one is refused in Vietnamese, nothing changes yet
    before = sorted(p.name for p in (own / "corpus").iterdir())
    empty = tmp_path / "trong.txt"
    empty.write_bytes(b"")
    doc = REPO / "tests" / "fixtures" / "layout" / "qd844-phu-luc.doc"
    page.locator("input[type=file]").set_input_files([str(doc), str(empty)])
    expect(page.get_by_text("qd844-phu-luc.doc").first).to_be_visible()
    page.get_by_role("button", name="Kiểm tra").click()
    wait_ready(page)
    expect(page.get_by_text("Từ chối: trong.txt: tệp rỗng")).to_be_visible()
    assert sorted(p.name for p in (own / "corpus").iterdir()) == before
    shot(page, "add-review")
    # correct the metadata before indexing
    province = page.get_by_label("Tỉnh/thành phố")
    province.fill("Tỉnh Thử Nghiệm")
    page.get_by_role("button", name="Xác nhận thêm vào kho").click()
    expect(page.get_by_text("Đã thêm và đưa vào chỉ mục: qd844-phu-luc")).to_be_visible(timeout=300_000)
    assert (own / "corpus" / "qd844-phu-luc.doc").exists() and not (own / "corpus" / "trong.txt").exists()
    assert not list((own / "data" / "staging").glob("upload-*"))  # temp files removed
    page.goto(url + "/van-ban?doc=qd844-phu-luc", wait_until="domcontentloaded")
    wait_ready(page)
    expect(page.get_by_text("Thông tin đã được biên tập viên hiệu chỉnh: tỉnh/thành.")).to_be_visible()

    # replace the first document (Lạng Sơn) by a new version: same id, new text searchable
    sign_in(page, url)
    choose_task(page, "Thay bằng phiên bản mới")
    new = tmp_path / "lang-son-ban-moi.txt"
    old = (own / "corpus" / f"{DOCS['langson']}.txt").read_text(encoding="utf-8")
    new.write_text(old.replace("định mức kinh tế - kỹ thuật", "định mức kinh tế - kỹ thuật và tiêu chí ứng dụng "
                                                               "chuyển đổi số trong lưu trữ"), encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(new))
    page.get_by_role("button", name="Kiểm tra").click()
    wait_ready(page)
    page.get_by_role("button", name="Xác nhận thay thế").click()
    expect(page.get_by_text(f"Đã thay bằng phiên bản mới và đưa vào chỉ mục: {DOCS['langson']}")).to_be_visible(
        timeout=300_000)
    page.goto(url + "/?q=" + quote("chuyển đổi số trong lưu trữ"), wait_until="domcontentloaded")
    wait_ready(page)
    expect(page.locator(".pq-card").first).to_contain_text("chuyển đổi số trong lưu trữ")
    expect(page.locator(".pq-card").first).to_contain_text("103/KH-UBND")

    # remove it (confirmation required), then its page says it is gone
    sign_in(page, url)
    choose_task(page, "Gỡ văn bản")
    remove = page.get_by_role("button", name="Gỡ văn bản")
    expect(remove).to_be_disabled()
    page.get_by_text("Tôi chắc chắn muốn gỡ").click()
    remove.click()
    expect(page.get_by_text("Đã gỡ:")).to_be_visible(timeout=300_000)
    assert not (own / "corpus" / f"{DOCS['langson']}.txt").exists()
    page.goto(f"{url}/van-ban?doc={DOCS['langson']}", wait_until="domcontentloaded")
    wait_ready(page)
    expect(page.get_by_text("Không có văn bản này trong kho")).to_be_visible()
