"""Real-browser tests in headless Chromium: what a user sees and does. Screenshots go to test-artifacts/."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
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


def _serve(index_dir):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir), "--port", str(port)],
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
    return base, process


@pytest.fixture(scope="module")
def server(sample_index):
    """``reportsearch serve`` in its own process, as a user runs it."""
    base, process = _serve(sample_index)
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def province_server(tmp_path_factory):
    """A server over about 100 synthetic reports of as many townships: province scale in miniature."""
    from benchmarks.generate import generate
    from search.index.writer import update_index

    corpus = tmp_path_factory.mktemp("province")
    generate(corpus, 2500, seed=3)
    index_dir = tmp_path_factory.mktemp("province-index")
    update_index(corpus, index_dir)
    base, process = _serve(index_dir)
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
    expect(page.locator("ol.hits .snippet mark").first).to_have_text("法律顾问")
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


@pytest.fixture(params=[1366, 390], ids=["desktop", "phone"])
def sized(browser, request):
    """A page at desktop or phone width (390 px: a common phone)."""
    width = request.param
    context = browser.new_context(
        viewport={"width": width, "height": 844 if width < 800 else 900},
        accept_downloads=True,
        locale="zh-CN",
        is_mobile=width < 800,
        has_touch=width < 800,
    )
    page = context.new_page()
    page.width = width
    yield page
    context.close()


def _layout_width(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_report_page_fits_the_screen_and_folds_its_outline_on_phones(server, sized):
    sized.goto(server + "/?q=法律顾问")
    sized.locator(".hit h3 a").first.click()
    sized.wait_for_selector(".paragraph.target")
    sized.wait_for_load_state("domcontentloaded")  # app.js is deferred: it folds the outline before this event
    assert _layout_width(sized) <= sized.width + 1
    label = sized.locator(".report-meta dt").first.bounding_box()
    assert label["width"] >= 24, "a metadata label is squeezed to one character a line"
    outline_open = sized.evaluate("document.querySelector('details.outline-box').open")
    assert outline_open == (sized.width >= 800)
    if not outline_open:
        sized.locator("details.outline-box summary").click()
        expect(sized.locator(".outline li").first).to_be_visible()
    shot(sized, f"report-{sized.width}")


def test_first_hit_is_on_the_first_screen_and_the_menu_does_not_wrap(server, sized):
    sized.goto(server + "/?q=法律顾问&township=北屏乡")
    top = sized.locator(".hit").first.bounding_box()["y"]
    assert top < sized.viewport_size["height"], f"first hit {top}px down"
    expect(sized.locator("details.filters summary")).to_contain_text("已选 1 项")
    for link in sized.locator("header.site nav a").all():
        assert link.bounding_box()["height"] < 40, "a menu item wraps"
    assert _layout_width(sized) <= sized.width + 1
    shot(sized, f"search-{sized.width}")


def test_a_new_query_keeps_the_filters_and_can_search_within_results(server, sized):
    sized.goto(server + "/?q=法律顾问&township=大湾镇")
    before = int(sized.locator("#total").inner_text())
    sized.fill("input[name=q]", "律师")
    sized.locator(".searchbox button[type=submit]").click()
    sized.wait_for_url("**q=*")
    assert "township=" in sized.url and "%E5%A4%A7%E6%B9%BE%E9%95%87" in sized.url
    sized.goto(server + "/?q=法律顾问&township=大湾镇")
    sized.fill("input[name=q]", "律师")
    sized.check("input[name=within]")
    sized.locator(".searchbox button[type=submit]").click()
    sized.wait_for_url("**%E6%B3%95%E5%BE%8B%E9%A1%BE%E9%97%AE+%E5%BE%8B%E5%B8%88**")
    assert sized.input_value("input[type=search]") == "法律顾问 律师"
    assert 0 < int(sized.locator("#total").inner_text()) <= before


def test_matches_in_headings_are_marked_and_labelled(server, sized):
    sized.goto(server + "/?q=加强组织领导&mode=exact")
    first = sized.locator(".hit").first
    expect(first.locator(".crumbs mark")).to_have_count(1)
    expect(first.locator(".heading-hit")).to_have_text("标题命中")
    first.locator("h3 a").click()
    expect(sized.locator(".report .heading mark").first).to_be_visible()


def test_report_reader_continues_from_the_linked_match_and_leads_back(server, sized):
    sized.goto(server + "/?q=法律顾问&township=大湾镇")
    sized.locator(".hit h3 a").nth(1).click()
    sized.wait_for_selector(".paragraph.target")
    sized.wait_for_load_state("load")  # the page's script (the n and p keys) has run: a busy CI ran it late
    position = sized.locator("#match-position")
    text = position.inner_text()
    assert text.startswith("第 ") and "/" in text
    number, total = (int(x) for x in text.strip("第 处").split("/"))
    sized.keyboard.press("n")
    expect(position).to_have_text(f"第 {number % total + 1}/{total} 处")
    current = sized.locator(".paragraph.current-match")
    assert current.get_attribute("id") == sized.locator(".paragraph.matched").nth(number % total).get_attribute("id")
    expect(sized.locator(".outline-count").first).to_be_visible() if sized.width >= 800 else None
    sized.locator(".back a").click()
    sized.wait_for_url("**township=**")
    assert "%E5%A4%A7%E6%B9%BE%E9%95%87" in sized.url


def test_keyboard_users_skip_to_results_and_keep_focus_on_a_toggled_filter(server, sized):
    sized.goto(server + "/?q=法律顾问")
    sized.keyboard.press("Tab")
    assert sized.evaluate("document.activeElement.textContent") == "跳到检索结果"
    sized.keyboard.press("Enter")
    assert sized.evaluate("document.activeElement.id") == "results"
    if sized.width < 800:
        sized.locator("details.filters summary").click()
    box = sized.locator('#facet-form input[data-key="township=北屏乡"]')
    box.focus()
    with sized.expect_navigation():
        sized.keyboard.press("Space")
    assert sized.evaluate("document.activeElement.getAttribute('data-key')") == "township=北屏乡"
    assert "township=" in sized.url


def test_counts_say_paragraphs_townships_and_reports_and_facets_can_count_reports(server, sized):
    sized.goto(server + "/?q=法律顾问")
    expect(sized.locator(".summary")).to_contain_text("12 个段落 · 5 个乡镇 · 5 份报告")
    if sized.width < 800:
        sized.locator("details.filters summary").click()
    sized.locator(".count-unit a", has_text="按报告").click()
    sized.wait_for_url("**count=reports**")
    counts = [t.strip() for t in sized.locator('fieldset[data-facet="township"] .count').all_text_contents()]
    assert counts and set(counts) == {"1"}


def test_export_is_named_after_the_query_and_links_each_paragraph(server, sized):
    sized.goto(server + "/?q=法律顾问")
    with sized.expect_download() as download_info:
        sized.locator("a", has_text="导出 CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("法律顾问-") and download.suggested_filename.endswith(".csv")
    header = Path(download.path()).read_bytes().decode("utf-8-sig").splitlines()[0]
    assert "原文链接" in header and "相关度" not in header and "段落编号" not in header


def test_hundreds_of_townships_show_the_top_ten_a_filter_box_and_a_full_tree(province_server, sized):
    sized.goto(province_server + "/?q=法律顾问")
    if sized.width < 800:
        sized.locator("details.filters summary").click()
    township = sized.locator('fieldset[data-facet="township"]')
    expect(township.locator("label.facet-value")).to_have_count(10)
    more = township.locator("a.more")
    total = int(more.inner_text().split("共 ")[1].split(" ")[0])
    assert total > 50
    box = township.locator("input.facet-filter")
    first = township.locator("label.facet-value .value").first.inner_text()
    box.fill(first)
    expect(township.locator("label.facet-value:visible")).to_have_count(1)
    more.click()
    sized.wait_for_url("**/facets/township**")
    leaves = sized.locator("ul.tree ul.leaves label.facet-value")
    expect(leaves).to_have_count(total)
    expect(sized.locator("ul.tree > li > details > summary").first).to_be_visible()
    pick = leaves.nth(3)
    name = pick.inner_text().split(" ")[0].strip()
    pick.locator("input").check()
    sized.locator("button.apply").click()
    sized.wait_for_url("**township=**")
    expect(sized.locator(".chip").first).to_contain_text(name)
    shot(sized, f"facet-tree-{sized.width}")


def test_compare_view_counts_townships_pages_both_ways_and_exports(province_server, sized):
    sized.goto(province_server + "/?q=法律顾问")
    sized.locator(".view-toggle a", has_text="按乡镇").click()
    sized.wait_for_url("**/compare**")
    total = int(sized.locator("#groups-total").inner_text())
    assert total > 20
    expect(sized.locator("article.card")).to_have_count(20)
    sized.locator(".per a", has_text="10").click()
    sized.wait_for_url("**per=10**")
    sized.locator(".pager a[rel=next]").click()
    sized.wait_for_url("**page=2**")
    assert "per=10" in sized.url
    expect(sized.locator(".pager a[rel=prev]")).to_be_visible()
    with sized.expect_download() as download_info:
        sized.locator("a", has_text="导出 CSV").click()
    assert download_info.value.suggested_filename.startswith("法律顾问-按乡镇-")
    more = sized.locator(".card .more a").first
    if more.count():
        more.click()
        sized.wait_for_url("**township=**")
        assert "/compare" not in sized.url


def test_compare_cards_say_how_many_paragraphs_each_township_has(server, sized):
    sized.goto(server + "/compare?q=法律顾问&per=1&township=大湾镇")
    expect(sized.locator("#groups-total")).to_have_text("1")
    expect(sized.locator(".card .group-total")).to_have_text("5 个段落")
    expect(sized.locator(".card .more a")).to_have_text("该乡镇还有 4 段 →")
    expect(sized.locator(".chips .chip").first).to_contain_text("大湾镇")
    assert _layout_width(sized) <= sized.width + 1


def test_home_page_orients_a_first_visitor(server, sized):
    sized.goto(server + "/")
    home = sized.locator("section.home")
    expect(home).to_contain_text("共收录 5 份报告")
    expect(home.locator(".examples a")).to_have_count(6)
    expect(sized.locator("form.sort")).to_have_count(0)
    tile = home.locator(".tiles a").first
    topic = tile.locator(".tile-name").inner_text()
    tile.click()
    sized.wait_for_url("**topic=**")
    expect(sized.locator(".chip").first).to_contain_text(topic)
    shot(sized, f"home-{sized.width}")


def test_every_page_links_its_json_and_the_small_things_are_right(server, sized):
    sized.goto(server + "/?q=法律顾问")
    sized.locator("details.syntax summary").click()
    expect(sized.locator("details.syntax")).to_contain_text("乡镇:北屏乡")
    for path in ("/?q=法律顾问", "/stats", "/compare?q=法律顾问"):
        sized.goto(server + path)
        href = sized.locator("a.json-link").get_attribute("href")
        response = sized.request.get(server + href)
        assert response.ok and response.headers["content-type"].startswith("application/json")
    sized.goto(server + "/stats")
    expect(sized.locator("time")).to_contain_text("（UTC")
    sized.goto(server + "/?q=法律顾问")
    sized.locator("a", has_text="其他乡镇的相似段落").first.click()
    expect(sized.locator(".source-label")).to_contain_text("原段落")
    expect(sized.locator(".score").first).to_contain_text("相似度得分")
    sized.locator(".back a").click()
    sized.wait_for_url("**/reports/**")
    expect(sized.locator(".report-meta a[download]")).to_contain_text("下载《")


def test_advanced_search_form_becomes_an_ordinary_search(server, sized):
    sized.goto(server + "/?q=法律顾问")
    sized.locator("a.advanced-link").click()
    sized.wait_for_url("**/advanced")
    sized.fill("input[name=all]", "法律顾问")
    sized.fill("input[name=none]", "扶贫")
    sized.fill("input[name=township]", "大湾镇 北屏乡")
    sized.fill("input[name=year_from]", "2020")
    sized.select_option("select[name=limit]", "20")
    sized.locator(".advanced button[type=submit]").click()
    sized.wait_for_url("**limit=20**")
    assert sized.input_value("input[type=search]") == "法律顾问 -扶贫"
    expect(sized.locator(".chips .chip")).to_have_count(4)  # two townships, the year, and 清除全部筛选
    expect(sized.locator("#total")).to_have_text("7")
    sized.goto(server + "/advanced")
    sized.fill("input[name=all]", "法律顾问")
    sized.check("input[name=scope][value=heading]")
    sized.locator(".advanced button[type=submit]").click()
    sized.wait_for_url("**q=*")
    assert sized.input_value("input[type=search]") == "标题:法律顾问"
    expect(sized.locator("#total")).to_have_text("2")
    assert _layout_width(sized) <= sized.width + 1


def test_folding_shows_one_hit_per_report_and_says_how_many_more(server, sized):
    sized.goto(server + "/?q=法律顾问")
    sized.locator(".fold-toggle a").click()
    sized.wait_for_url("**fold=1**")
    expect(sized.locator("ol.hits li.hit")).to_have_count(5)
    expect(sized.locator(".fold-toggle")).to_contain_text("每份报告一条")
    more = sized.locator(".folded a", has_text="本报告另有").first
    expect(more).to_be_visible()
    more.click()
    sized.wait_for_url("**/reports/**")
    assert int(sized.locator(".matchbar strong").inner_text()) >= 2


def test_report_check_page_lists_missing_parts_and_exports(server, sized):
    sized.goto(server + "/")
    sized.locator("header.site nav a", has_text="报告体检").click()
    sized.wait_for_url("**/check")
    expect(sized.locator("#check-total")).to_have_text("5")
    expect(sized.locator("#check-missing")).to_have_text("4")
    expect(sized.locator("table.check td.missing").first).to_contain_text("缺")
    assert _layout_width(sized) <= sized.width + 1  # the table scrolls inside its box on phones
    with sized.expect_download() as download_info:
        sized.locator("a", has_text="导出全部 CSV").click()
    assert download_info.value.suggested_filename.endswith(".csv")
    shot(sized, f"check-{sized.width}")


def _api(url: str) -> dict:
    import json

    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def test_a_province_check_shows_a_page_of_reports_and_counts_for_all(province_server, sized):
    whole = _api(province_server + "/api/check")
    sized.goto(province_server + "/check")
    expect(sized.locator("#check-total")).to_have_text(str(whole["total"]))
    expect(sized.locator("#check-missing")).to_have_text(str(whole["missing_parts"]))
    expect(sized.locator("table.check >> nth=-1").locator("tbody tr")).to_have_count(min(50, whole["total"]))
    plans = whole["missing_by_part"]["下一年度安排"]
    expect(sized.locator("#missing-by-part")).to_contain_text(f"缺少“下一年度安排”：{plans} 份")
    sized.locator(".pager a[rel=next]").click()
    sized.wait_for_url("**page=2**")
    expect(sized.locator(".pager .current")).to_contain_text(f"第 2/{whole['pages']} 页")
    sized.locator("th a", has_text="量化表述").click()
    sized.wait_for_url("**sort_by=quantified**")
    cells = sized.locator("table.check >> nth=-1").locator("tbody tr td.quantified").all_inner_texts()
    assert [int(c) for c in cells] == sorted((int(c) for c in cells), reverse=True)
    assert _layout_width(sized) <= sized.width + 1
    shot(sized, f"check-province-{sized.width}")


def test_the_indicator_page_shows_its_counts_and_sorts_by_a_column(province_server, sized):
    whole = _api(province_server + "/api/indicators")
    sized.goto(province_server + "/indicators")
    expect(sized.locator("#indicator-reports")).to_have_text(str(whole["total"]))
    expect(sized.locator("#indicator-values")).to_have_text(str(whole["values"]))
    expect(sized.locator("main")).not_to_contain_text("built-in method")
    sized.locator("th a", has_text="矛盾纠纷调解件数").click()
    sized.wait_for_url("**sort_by=**")
    first = sized.locator("table.indicators tbody tr").first.locator("td").nth(3).inner_text()
    stated = [
        r["cells"]["矛盾纠纷调解件数"]["value"]
        for r in _api(province_server + "/api/indicators?sort_by=" + urllib.parse.quote("矛盾纠纷调解件数"))["reports"]
        if "矛盾纠纷调解件数" in r["cells"]  # the reports stating other indicators only come last
    ]
    assert first.startswith(stated[0])
    with sized.expect_download() as download_info:
        sized.locator("a", has_text="导出全部 CSV").click()
    assert download_info.value.suggested_filename.endswith(".csv")
    shot(sized, f"indicators-{sized.width}")


def test_a_draft_uploaded_as_docx_shows_its_parts_and_a_copied_paragraph_marked(server, sized, samples, tmp_path):
    import docx

    from search.ingest.pipeline import process_file

    mediation = next(p.text for p in process_file(samples["北屏乡"]).paragraphs if "调处纠纷共59件" in p.text)
    document = docx.Document()
    document.add_paragraph("青龙镇2022年度法治政府建设情况报告")
    document.add_paragraph("一、主要举措和成效")
    document.add_paragraph("镇政府聘请两名律师担任法律顾问，全年审查合同15份。")
    document.add_paragraph(mediation.replace("我乡", "我镇").replace("59件", "41件"))
    document.add_paragraph("二、存在的不足")
    document.add_paragraph("执法人员数量不足，专业素养有待提高。")
    path = tmp_path / "青龙镇草稿.docx"
    document.save(path)
    sized.goto(server + "/")
    sized.locator("header.site nav a", has_text="草稿体检").click()
    sized.wait_for_url("**/draft")
    sized.set_input_files("input[type=file]", str(path))
    sized.locator("form.draft-form button").click()
    sized.wait_for_selector("#draft-result")
    expect(sized.locator("#draft-parts tbody tr")).to_have_count(4)
    expect(sized.locator("#draft-parts tbody tr.missing")).to_have_count(2)
    expect(sized.locator(".copy-pair mark")).to_contain_text("调处纠纷共41件")
    expect(sized.locator(".copy-pair h4 a")).to_contain_text("北屏乡")
    expect(sized.locator("#copied-share strong").first).not_to_have_text("0%")
    assert _layout_width(sized) <= sized.width + 1
    shot(sized, f"draft-{sized.width}")


def test_a_township_page_opens_from_the_check_and_shows_its_years(server, sized):
    sized.goto(server + "/check")
    sized.locator("a.township-link").first.click()
    sized.wait_for_url("**/townships/**")
    expect(sized.locator("#township-reports tbody tr")).to_have_count(1)
    expect(sized.locator("#township-name")).not_to_be_empty()
    expect(sized.locator("#township-indicators")).to_be_visible()
    assert _layout_width(sized) <= sized.width + 1
    shot(sized, f"township-{sized.width}")


def test_duplicates_similar_and_side_by_side_pages_show_their_numbers(province_server, sized):
    whole = _api(province_server + "/api/duplicates")
    sized.goto(province_server + "/duplicates")
    expect(sized.locator("#duplicate-total")).to_have_text(str(whole["total"]))
    sized.goto(province_server + "/?q=法律顾问")
    sized.locator("a", has_text="其他乡镇的相似段落").first.click()
    sized.wait_for_url("**/similar")
    expect(sized.locator("ol.hits > li.hit")).to_have_count(10)
    sized.goto(province_server + "/?q=法律顾问&boilerplate=show")
    sized.locator("p.near-copy a", has_text="逐字对照").first.click()
    sized.wait_for_url("**/copy**")
    similarity = int(sized.locator("#copy-similarity").inner_text().rstrip("%"))
    assert 80 <= similarity <= 100
    expect(sized.locator(".copy-pair .side")).to_have_count(2)
    assert _layout_width(sized) <= sized.width + 1
    shot(sized, f"copy-{sized.width}")


def test_trends_are_drawn_without_scripts_and_given_as_numbers(server, sized):
    sized.goto(server + "/?q=法律顾问")
    sized.locator("details.trends summary").click()
    chart = sized.locator("details.trends figure.trend-chart").first
    expect(chart.locator("rect.bar")).to_have_count(3)  # 2020, 2021, 2023
    expect(sized.locator("details.trends .trend-table").first).to_contain_text("3/3")
    assert _layout_width(sized) <= sized.width + 1
    shot(sized, f"trends-{sized.width}")
