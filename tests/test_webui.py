"""Every route and API through the Flask test client, including the error cases."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import HIT_KEYS

from webui import create_app


@pytest.fixture(scope="module")
def client(sample_index):
    app = create_app(sample_index, testing=True)
    with app.test_client() as client:
        yield client


@pytest.fixture(scope="module")
def a_hit(client):
    return client.get("/api/search", query_string={"q": '"余成龙"'}).get_json()["hits"][0]


def test_search_page_shows_hits_facets_and_time(client):
    page = client.get("/", query_string={"q": "法律顾问"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '共 <strong id="total">12</strong> 个段落' in html
    assert "<mark>法律顾问</mark>" in html
    assert 'name="township" value="北屏乡"' in html and "毫秒" in html
    assert "Content-Security-Policy" in page.headers
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_empty_query_browses_everything(client):
    html = client.get("/").get_data(as_text=True)
    assert '共 <strong id="total">106</strong> 个段落' in html


def test_selected_filters_are_checked_and_shown_as_removable_chips(client):
    html = client.get("/", query_string=[("q", "法律顾问"), ("township", "北屏乡"), ("township", "花台乡")]).get_data(
        as_text=True
    )
    assert 'value="北屏乡" checked' in html and 'value="花台乡" checked' in html
    assert "乡镇：北屏乡" in html
    assert "township=%E8%8A%B1%E5%8F%B0%E4%B9%A1" in html, "the chip for 北屏乡 links to the state without it"
    assert '共 <strong id="total">3</strong> 个段落' in html


def test_no_hits_says_so_and_offers_ways_out(client):
    html = client.get("/", query_string=[("q", "人民调解 宪法"), ("township", "北屏乡")]).get_data(as_text=True)
    assert "没有找到" in html
    assert "去掉筛选条件" in html or "人民调解 OR 宪法" in html


def test_pagination_and_sort_stay_in_the_url(client):
    html = client.get("/", query_string={"q": "法", "sort": "year"}).get_data(as_text=True)
    assert "page=2" in html and "sort=year" in html
    second = client.get("/", query_string={"q": "法", "sort": "year", "page": 2})
    assert second.status_code == 200 and 'class="current">2<' in second.get_data(as_text=True)


def test_malformed_query_shows_its_message_not_a_500(client):
    page = client.get("/", query_string={"q": '"法律顾问'})
    assert page.status_code == 400
    assert "引号没有配对" in page.get_data(as_text=True)
    api = client.get("/api/search", query_string={"q": "(普法"})
    assert api.status_code == 400 and "括号" in api.get_json()["error"]


@pytest.mark.parametrize(
    "args,named",
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"limit": "100000"}, "limit"),
        ({"sort": "random"}, "sort"),
        ({"year": "twenty"}, "year"),
        ({"q": "法" * 501}, "太长"),
        ({"part": "前言"}, "part"),
    ],
)
def test_bad_parameters_are_400_with_a_message_naming_them(client, args, named):
    for url in ("/api/search", "/", "/compare", "/api/compare", "/export.csv"):
        response = client.get(url, query_string=args)
        assert response.status_code == 400, (url, args)
        message = response.get_json()["error"] if response.is_json else response.get_data(as_text=True)
        assert named in message, (url, message[:200])


def test_repeated_and_overlong_parameters_are_bounded(client):
    many = [("township", f"乡{i}") for i in range(50)]
    assert client.get("/api/search", query_string=many).status_code == 400
    assert client.get("/api/search", query_string={"township": "乡" * 500}).status_code == 400


def test_user_text_is_escaped_everywhere(client):
    attack = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
    for url in ("/", "/compare"):
        html = client.get(url, query_string={"q": attack, "township": attack}).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;" in html or "&#34;" in html or "&lt;" in html


def test_api_search_returns_the_cli_json(client):
    data = client.get("/api/search", query_string={"q": "法律顾问", "limit": 3}).get_json()
    assert {"query", "total", "page", "hits", "facets"} <= set(data)
    assert data["total"] == 12 and len(data["hits"]) == 3
    assert set(data["hits"][0]) >= HIT_KEYS


def test_compare_page_and_api_give_one_card_per_township(client):
    html = client.get("/compare", query_string={"q": "法律顾问"}).get_data(as_text=True)
    assert html.count('<article class="card">') == 5
    data = client.get("/api/compare", query_string={"q": "法律顾问", "per": 2}).get_json()
    townships = [hit["township"] for hit in data["hits"]]
    assert len(set(townships)) == 5 and max(townships.count(t) for t in set(townships)) <= 2


def test_report_page_marks_matches_and_the_linked_paragraph(client, a_hit):
    page = client.get(f"/reports/{a_hit['report_id']}", query_string={"q": "法律顾问", "p": a_hit["id"]})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'id="p-{a_hit["id"]}" class="paragraph target matched"' in html
    assert "<mark>法律顾问</mark>" in html
    assert "个段落匹配" in html and "第1处" in html
    assert "提纲" in html and "北屏乡" in html


def test_api_report_and_original_download(client, a_hit, samples):
    data = client.get(f"/api/reports/{a_hit['report_id']}").get_json()
    assert data["township"] == "北屏乡" and len(data["paragraphs"]) == 21
    original = client.get(f"/reports/{a_hit['report_id']}/original")
    assert original.status_code == 200
    assert original.data == samples["北屏乡"].read_bytes()
    assert "attachment" in original.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "url",
    [
        "/reports/nope",
        "/reports/nope/original",
        "/paragraphs/nope/similar",
        "/reports/..%2F..%2Fetc%2Fpasswd",
        "/no-such-page",
    ],
)
def test_unknown_ids_are_404_pages(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "没有找到" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/api/reports/nope", "/api/paragraphs/nope/similar"])
def test_unknown_ids_are_404_json(client, url):
    response = client.get(url)
    assert response.status_code == 404 and response.get_json()["error"]


def test_similar_page_and_api(client, a_hit):
    html = client.get(f"/paragraphs/{a_hit['id']}/similar").get_data(as_text=True)
    assert "其他乡镇的相似段落" in html
    data = client.get(f"/api/paragraphs/{a_hit['id']}/similar", query_string={"limit": 3}).get_json()
    assert len(data["hits"]) == 3 and all(h["township"] != "北屏乡" for h in data["hits"])


def test_csv_export_opens_in_excel_as_utf8(client):
    response = client.get("/export.csv", query_string={"q": "法律顾问"})
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["乡镇", "县区", "地市"]
    assert len(rows) == 13
    assert "attachment" in response.headers["Content-Disposition"]


def test_csv_export_defuses_formulas(client, tmp_path):
    from search.query import excel_cell

    assert excel_cell('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert excel_cell(["法律顾问", "信访"]) == "法律顾问、信访"


def test_json_export_has_every_hit(client):
    data = json.loads(client.get("/export.json", query_string=[("q", "法律顾问"), ("township", "大湾镇")]).data)
    assert data["total"] == 5 and {hit["township"] for hit in data["hits"]} == {"大湾镇"}


def test_stats_page_and_api(client):
    assert "索引概况" in client.get("/stats").get_data(as_text=True)
    data = client.get("/api/stats").get_json()
    assert data["reports"] == 5 and "index_dir" not in data


def test_openapi_describes_every_api(client):
    import re

    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule != "/api/openapi.json"
    }
    assert "/api/facets/{name}" in routes and set(spec["paths"]) == routes


def test_pages_use_no_external_assets(client):
    html = client.get("/", query_string={"q": "法律顾问"}).get_data(as_text=True)
    assert "http://" not in html and "https://" not in html
    css = client.get("/static/style.css").get_data(as_text=True)
    assert "@import" not in css and "url(http" not in css


def test_pages_work_without_javascript(client):
    html = client.get("/", query_string={"q": "法律顾问"}).get_data(as_text=True)
    assert '<form method="get" action="/" id="facet-form">' in html
    assert '<button type="submit" class="apply">应用筛选</button>' in html


def test_looser_matches_follow_a_divider_and_every_hit_says_why(client):
    html = client.get("/", query_string={"q": "执法力量薄弱"}).get_data(as_text=True)
    assert "部分命中：以下段落没有包含全部检索词" in html
    assert html.index('class="hit tier-all"') < html.index("tier-divider") < html.index('class="hit tier-partial"')
    assert "另有部分命中" in html and '<p class="why">命中：执法力量' in html


def test_exact_mode_is_a_toggle_kept_in_the_url(client):
    html = client.get("/", query_string={"q": "普法宣传", "mode": "exact"}).get_data(as_text=True)
    assert "tier-divider" not in html and "<strong>精确检索</strong>" in html
    assert '<input type="hidden" name="mode" value="exact">' in html
    assert 'href="/?q=%E6%99%AE%E6%B3%95%E5%AE%A3%E4%BC%A0">扩展检索</a>' in html
    expanded = client.get("/api/search", query_string={"q": "普法宣传"}).get_json()
    exact = client.get("/api/search", query_string={"q": "普法宣传", "mode": "exact"}).get_json()
    assert exact["mode"] == "exact" and expanded["total"] > exact["total"]


def test_mistyped_query_page_offers_the_correction(client):
    html = client.get("/", query_string={"q": "法律顾闻"}).get_data(as_text=True)
    assert '您是不是要找：<a href="/?q=%E6%B3%95%E5%BE%8B%E9%A1%BE%E9%97%AE">法律顾问</a>' in html


def test_related_term_chips_add_the_term_to_the_query(client):
    data = client.get("/api/search", query_string={"q": "人民调解"}).get_json()
    html = client.get("/", query_string={"q": "人民调解"}).get_data(as_text=True)
    term = data["related_terms"][0]
    assert f"q=%E4%BA%BA%E6%B0%91%E8%B0%83%E8%A7%A3+{''.join(f'%{b:02X}' for b in term.encode())}" in html


def test_unknown_mode_is_a_400_naming_the_parameter(client):
    response = client.get("/api/search", query_string={"q": "普法", "mode": "fuzzy"})
    assert response.status_code == 400 and "mode" in response.get_json()["error"]


def test_export_holds_the_strict_matches_the_total_counts(client):
    data = client.get("/api/search", query_string={"q": "执法力量薄弱"}).get_json()
    rows = list(
        csv.reader(io.StringIO(client.get("/export.csv", query_string={"q": "执法力量薄弱"}).data.decode("utf-8-sig")))
    )
    assert data["loose_total"] > 0 and len(rows) == data["total"] + 1


def test_stats_page_shows_the_report_and_paragraph_counts(client):
    html = client.get("/stats").get_data(as_text=True)
    assert "报告 <strong>5</strong> 份，段落 <strong>106</strong> 个" in html
    data = client.get("/api/stats").get_json()
    assert (data["reports"], data["paragraphs"]) == (5, 106)
    assert sum(item["count"] for item in data["facets"]["township"]) == 106
    assert {item["value"]: item["count"] for item in data["facets"]["township"]} == {
        "大湾镇": 41,
        "北屏乡": 21,
        "蒲台乡": 17,
        "黄石镇": 15,
        "花台乡": 12,
    }


def test_facet_api_lists_every_value_with_the_counts_of_the_search(client):
    hits = client.get("/api/search", query_string={"q": "法律顾问", "limit": 100}).get_json()["hits"]
    expected: dict[str, int] = {}
    for hit in hits:
        if hit["tier"] == "all":
            expected[hit["township"]] = expected.get(hit["township"], 0) + 1
    response = client.get("/api/facets/township", query_string={"q": "法律顾问"})
    assert response.status_code == 200
    data = response.get_json()
    assert {item["value"]: item["count"] for item in data["values"]} == expected
    assert [item["count"] for item in data["values"]] == sorted(expected.values(), reverse=True)
    assert {node["value"]: node["count"] for node in data["tree"]} == {
        "重庆市": 12 - expected["蒲台乡"],
        "青海省": expected["蒲台乡"],
    }
    assert sum(node["count"] for node in data["tree"]) == sum(expected.values()) == 12
    unknown = client.get("/api/facets/colour")
    assert unknown.status_code == 400 and "colour" in unknown.get_json()["error"]


def test_a_questions_trend_names_what_it_asks_not_the_whole_question(client):
    """趋势：…有多少报告写到“看看别人的法律顾问怎么写” claimed reports write the question; they write 法律顾问."""
    page = client.get("/", query_string={"q": "看看别人的法律顾问怎么写"}).get_data(as_text=True)
    assert "有多少报告写到“法律顾问”" in page and "写到“看看别人" not in page
    assert client.get("/api/search", query_string={"q": "执法力量不足怎么办"}).get_json()["asked"] == [
        "执法力量",
        "不足",
    ]


@pytest.fixture(scope="module")
def written_client(tmp_path_factory):
    """Three townships' reports written for the tests: one paragraph with a near copy, a half-similar one and
    an unrelated one elsewhere; and a paragraph that starts like a spreadsheet formula."""
    from search.index.writer import update_index

    root = tmp_path_factory.mktemp("written")
    corpus = root / "corpus"
    corpus.mkdir()
    reports = {
        "a.txt": (
            "石泉县青峰镇",
            ["聘请县城律师事务所两名律师担任镇政府法律顾问，全年审查合同二十一份，出具法律意见书六份。"],
        ),
        "b.txt": (
            "石泉县白水乡",
            [
                "聘请县城律师事务所两名律师担任乡政府法律顾问，全年审查合同十八份，出具法律意见书四份。",
                '=HYPERLINK("http://example.invalid")开展宪法宣传周活动，发放宣传资料五百份。',
            ],
        ),
        "c.txt": (
            "汉阴县柳河镇",
            [
                "镇政府法律顾问参与信访矛盾化解，全年接待群众法律咨询四十余人次。",
                "组织机关干部集中学法四次，开展旁听庭审一次。",
            ],
        ),
    }
    for name, (place, paragraphs) in reports.items():
        text = [f"{place}2022年法治政府建设工作情况报告", "一、主要举措和成效", *paragraphs]
        (corpus / name).write_text("\n".join(text) + "\n", encoding="utf-8")
    assert not update_index(corpus, root / "index", jobs=1).failed
    app = create_app(root / "index", testing=True)
    with app.test_client() as client:
        yield client


def test_similar_paragraphs_come_closest_first_with_their_scores(written_client):
    source = written_client.get("/api/search", query_string={"q": '"二十一份"'}).get_json()["hits"][0]
    data = written_client.get(f"/api/paragraphs/{source['id']}/similar").get_json()
    texts = [hit["text"][:12] for hit in data["hits"]]
    assert texts[:2] == ["聘请县城律师事务所两名律", "镇政府法律顾问参与信访矛"]
    scores = [hit["score"] for hit in data["hits"]]
    assert scores == sorted(scores, reverse=True) and scores[0] > 2 * scores[1] > 0
    assert "组织机关干部集中学法" not in "".join(texts), "a paragraph sharing no distinctive word is not similar"
    html = written_client.get(f"/paragraphs/{source['id']}/similar").get_data(as_text=True)
    assert html.index("白水乡") < html.index("柳河镇")
    assert f"相似度得分 {scores[0]:.1f}" in html


def test_an_exported_cell_that_starts_like_a_formula_is_defused(written_client):
    response = written_client.get("/export.csv", query_string={"q": "宪法宣传周"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    text = rows[1][[label for _, label in __import__("webui.pages", fromlist=["x"]).CSV_COLUMNS].index("段落")]
    assert text.startswith("'=HYPERLINK") and "宪法宣传周" in text
