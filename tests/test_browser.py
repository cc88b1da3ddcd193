"""One end-to-end run in a real headless browser: Debian's chromium driven by Playwright (never a
downloaded browser), against `streamlit run` on 127.0.0.1. Screenshots go to tests/artifacts/."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import REPO

CHROMIUM = "/usr/bin/chromium"
ART = REPO / "tests" / "artifacts"
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(home, model_dir, tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} missing: `make setup` installs Debian's chromium")
    own = tmp_path_factory.mktemp("browser") / "home"  # uploads must not change the other tests' corpus
    shutil.copytree(home, own)
    port = free_port()
    env = {**os.environ, "POLICYQA_HOME": str(own), "POLICYQA_MODEL": str(model_dir), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(REPO / "app" / "main.py"),
                             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--browser.gatherUsageStats", "false"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
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
        pytest.fail("streamlit did not start: " + proc.stdout.read().decode(errors="replace")[-2000:])
    yield url, own
    proc.terminate()
    proc.wait(timeout=20)


def test_search_ask_compare_in_chromium(server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    server, own = server
    ART.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(server + "/", wait_until="networkidle")
        box = page.get_by_label("Nhập câu hỏi hoặc từ khóa (có hoặc không dấu)")
        box.fill("ai chủ trì xây dựng định mức kinh tế - kỹ thuật")
        box.press("Enter")
        expect(page.locator(".pq-card").first).to_be_visible(timeout=120_000)
        expect(page.locator(".pq-cite").first).to_contain_text("Kế hoạch")
        expect(page.get_by_text("Kế hoạch 103/KH-UBND ngày 10/05/2024 của Ủy ban nhân dân tỉnh Lạng Sơn").first).to_be_visible()
        page.screenshot(path=str(ART / "search.png"), full_page=False)
        # the card's link opens the document viewer at that clause
        page.get_by_text("Xem trong văn bản ↗").first.click()
        expect(page.locator(".pq-selected")).to_be_visible(timeout=120_000)
        expect(page.locator(".pq-selected")).to_contain_text("định mức kinh tế - kỹ thuật")

        page.goto(server + "/hoi-dap", wait_until="networkidle")
        q = page.get_by_label("Câu hỏi")
        q.fill("Ai chủ trì xây dựng định mức kinh tế - kỹ thuật?")
        q.press("Enter")
        expect(page.get_by_text("Phòng Tài chính - Kế hoạch").first).to_be_visible(timeout=120_000)
        page.screenshot(path=str(ART / "ask.png"), full_page=False)

        page.goto(server + "/so-sanh", wait_until="networkidle")
        c = page.get_by_label("Nhiệm vụ (mô tả bằng lời, hoặc mã điều khoản)")
        c.fill("định mức kinh tế - kỹ thuật")
        c.press("Enter")
        expect(page.locator("table.pq-table")).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Không có nhiệm vụ tương ứng").first).to_be_visible()
        page.screenshot(path=str(ART / "compare.png"), full_page=False)

        page.goto(server + "/van-ban?clause=003_05911b6ffd961ba1:II.3", wait_until="networkidle")
        expect(page.locator(".pq-selected")).to_be_visible(timeout=120_000)
        page.locator(".pq-selected").scroll_into_view_if_needed()
        page.screenshot(path=str(ART / "documents.png"), full_page=False)

        # add documents: a bad file is refused and changes nothing; a good one is ingested and searchable
        bad, good = tmp_path / "trong.txt", tmp_path / "ke_hoach_moi.txt"
        bad.write_bytes(b"")
        good.write_text("KẾ HOẠCH\n\nI. NHIỆM VỤ\n\n1. Xây dựng kho dữ liệu số hóa hồ sơ lưu trữ của tỉnh.\n\n"
                        "- Cơ quan chủ trì: Sở Nội vụ.\n\n- Thời gian thực hiện: năm 2025.\n", encoding="utf-8")
        before = sorted(p.name for p in (own / "corpus").iterdir())
        page.goto(server + "/them-van-ban", wait_until="networkidle")
        page.locator("input[type=file]").set_input_files([str(bad), str(good)])
        expect(page.get_by_text("ke_hoach_moi.txt")).to_be_visible(timeout=60_000)
        page.get_by_role("button", name="Kiểm tra và thêm vào kho").click()
        expect(page.get_by_text("trong.txt: tệp rỗng")).to_be_visible(timeout=120_000)
        expect(page.get_by_text("Đã thêm 1 văn bản")).to_be_visible(timeout=180_000)
        assert sorted(p.name for p in (own / "corpus").iterdir()) == sorted(before + ["ke_hoach_moi.txt"])
        page.screenshot(path=str(ART / "add.png"), full_page=False)
        page.goto(server + "/", wait_until="networkidle")
        box = page.get_by_label("Nhập câu hỏi hoặc từ khóa (có hoặc không dấu)")
        box.fill("kho dữ liệu số hóa hồ sơ lưu trữ")
        box.press("Enter")
        expect(page.locator(".pq-card").first).to_contain_text("kho dữ liệu số hóa", timeout=120_000)
        browser.close()
    for name in ("search", "ask", "compare", "documents", "add"):
        assert (ART / f"{name}.png").stat().st_size > 10_000
    if os.environ.get("POLICYQA_UPDATE_SCREENSHOTS"):
        shutil.copytree(ART, REPO / "docs" / "screenshots", dirs_exist_ok=True)
