"""Real-browser tests in headless Chromium: what a user sees and does. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"

if not CHROMIUM:
    if os.environ.get("REQUIRE_BROWSER"):
        raise RuntimeError("REQUIRE_BROWSER is set but Chromium is not installed (apt-get install chromium)")
    pytest.skip("Chromium is not installed; .ci/run installs it", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def server(sample_index):
    """``reportsearch serve`` in its own process, as a user runs it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "search.cli", "serve", "--index", str(sample_index), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            if time.time() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError(process.stderr.read().decode("utf-8", "replace")) from None
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_search_tick_a_township_compare_and_read_the_report(server, page):
    page.goto(server)
    page.fill("input[name=q]", "法律顾问")
    page.press("input[name=q]", "Enter")
    expect(page.locator("#total")).to_have_text("12")
    expect(page.locator("ol.hits mark").first).to_have_text("法律顾问")
    shot(page, "1-search")

    page.locator("fieldset[data-facet=township] label", has_text="北屏乡").click()
    expect(page.locator("#total")).to_have_text("2")
    expect(page.locator(".chip", has_text="乡镇：北屏乡")).to_be_visible()
    assert "township=" in page.url, "the filter is in the URL"
    assert all("北屏乡" in text for text in page.locator("ol.hits .meta .place").all_inner_texts())
    shot(page, "2-township-ticked")

    page.locator(".chip", has_text="乡镇：北屏乡").click()
    expect(page.locator("#total")).to_have_text("12")
    page.click("text=按乡镇对比")
    expect(page.locator("article.card")).to_have_count(5)
    expect(page.locator("article.card h2").first).to_be_visible()
    shot(page, "3-compare")

    page.goto(server + "/?q=法律顾问")
    first = page.locator("ol.hits li.hit").first
    paragraph_id = first.get_attribute("id").removeprefix("hit-")
    first.locator("h3 a").click()
    target = page.locator(f"#p-{paragraph_id}")
    expect(target).to_have_class("paragraph target matched")
    expect(target).to_be_in_viewport()
    expect(target.locator("mark").first).to_have_text("法律顾问")
    expect(page.locator(".matchbar")).to_contain_text("个段落匹配")
    shot(page, "4-report")

    page.click("#next-match")
    expect(page.locator(".paragraph.current-match")).to_have_count(1)


def test_export_csv_downloads_utf8_with_bom(server, page, tmp_path):
    page.goto(server + "/?q=法律顾问")
    with page.expect_download() as download_info:
        page.click("text=导出 CSV")
    path = tmp_path / "export.csv"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("乡镇,县区,地市,省份,年度")
    assert text.count("\n") == 13
    shot(page, "5-export")


def test_no_hits_page_offers_a_way_out(server, page):
    page.goto(server + "/?q=人民调解 宪法宣传周")
    expect(page.locator(".empty")).to_contain_text("没有找到")
    shot(page, "6-no-hits")
    page.locator(".empty a").first.click()
    assert int(page.locator("#total").inner_text()) > 0


def test_malformed_query_shows_a_message(server, page):
    page.goto(server + '/?q="法律顾问')
    expect(page.locator(".error")).to_contain_text("引号没有配对")
    shot(page, "7-bad-query")


def test_pages_load_no_external_resources(server, page):
    external = []
    page.on("request", lambda request: external.append(request.url) if not request.url.startswith(server) else None)
    page.goto(server + "/?q=信访")
    page.goto(server + "/compare?q=信访")
    assert external == []
