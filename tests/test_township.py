"""乡镇档案: one township (a county and a name) across its years."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from search.engine import Engine
from search.index.writer import update_index
from webui import create_app

KEPT = [
    "镇政府聘请重庆某律师事务所律师担任常年法律顾问，法律顾问全程参与重大行政决策合法性审查，对镇政府签订的各类合同逐一审查把关，有效防范了法律风险。",
    "镇党委书记认真履行推进法治建设第一责任人职责，主持召开专题会议研究法治政府建设工作，把法治建设纳入年度目标考核。",
]
NEW = "今年新建成镇公共法律服务工作站，设立法律援助窗口，群众在家门口就能咨询法律问题、申请法律援助，全年接待群众咨询两百余人次。"


def _report(county: str, year: int, mediated: int, extra: list[str]) -> str:
    lines = [
        f"{county}石门乡{year}年度法治政府建设情况报告",
        "一、主要举措和成效",
        f"全年共调解矛盾纠纷{mediated}件，调解成功率{90 + year % 10}%。",
        *KEPT[:1],
        *extra,
        "二、存在的不足和原因",
        f"{year}年执法人员培训不够，部分干部法治意识有待提高。",
        "三、党政主要负责人履行推进法治建设第一责任人职责情况",
        KEPT[1],
    ]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    root = tmp_path_factory.mktemp("township")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "2021.txt").write_text(_report("城口县", 2021, 30, []), encoding="utf-8")
    (corpus / "2022.txt").write_text(_report("城口县", 2022, 42, [NEW]), encoding="utf-8")
    (corpus / "namesake.txt").write_text(_report("巫溪县", 2022, 7, []), encoding="utf-8")
    update_index(corpus, root / "index", jobs=1)
    return root / "index"


def test_each_year_says_what_it_kept_from_the_year_before_and_what_is_new(history):
    engine = Engine(history)
    result = engine.township("城口县", "石门乡")
    engine.close()
    first, second = result["reports"]
    assert (first["year"], second["year"]) == (2021, 2022)
    assert first["copied_from_previous"] is None and first["new"] == []
    assert 0.4 < second["copied_from_previous"] < 1.0
    assert [p["text"][:12] for p in second["new"] if p["text"].startswith("今年")] == [NEW[:12]]
    assert first["indicators"]["矛盾纠纷调解件数"]["value"] == "30件"
    assert second["indicators"]["矛盾纠纷调解件数"]["value"] == "42件"
    assert second["missing"] == ["下一年度安排"]


def test_a_namesake_in_another_county_is_another_township(history):
    engine = Engine(history)
    namesake = engine.township("巫溪县", "石门乡")
    engine.close()
    assert [r["year"] for r in namesake["reports"]] == [2022]
    assert namesake["reports"][0]["indicators"]["矛盾纠纷调解件数"]["value"] == "7件"


def test_the_page_draws_a_line_per_indicator_and_links_back_to_search(history):
    client = create_app(history, testing=True).test_client()
    html = client.get(f"/townships/{quote('城口县')}/{quote('石门乡')}").get_data(as_text=True)
    assert html.count("<polyline") == 2  # mediated and the success rate, each stated in both years
    assert re.search(r'id="township-reports".*?2021.*?2022', html, re.S)
    assert "今年新建成镇公共法律服务工作站" in html
    assert client.get(f"/api/townships/{quote('城口县')}/{quote('石门乡')}").get_json()["county"] == "城口县"
    missing = client.get(f"/api/townships/{quote('城口县')}/{quote('没有这个乡')}")
    assert missing.status_code == 404 and "没有" in missing.get_json()["error"]


def test_search_hits_check_rows_and_compare_cards_link_to_the_township(history):
    client = create_app(history, testing=True).test_client()
    target = f"/townships/{quote('城口县')}/{quote('石门乡')}"
    for page in ("/?q=法律顾问", "/check", "/indicators", "/compare?q=法律顾问"):
        assert target in client.get(page).get_data(as_text=True), page


def test_namesakes_get_a_compare_card_each(history):
    client = create_app(history, testing=True).test_client()
    html = client.get("/compare", query_string={"q": "法律顾问"}).get_data(as_text=True)
    assert "石门乡（城口县）" in html and "石门乡（巫溪县）" in html
    assert html.count('<article class="card">') == 2


def test_check_and_indicator_rows_of_namesakes_link_to_their_own_township(history):
    client = create_app(history, testing=True).test_client()
    rows = client.get("/api/check").get_json()["reports"]
    assert sorted((r["township"], r["county"]) for r in rows) == [
        ("石门乡", "城口县"),
        ("石门乡", "城口县"),
        ("石门乡", "巫溪县"),
    ]
    html = client.get("/check").get_data(as_text=True)
    for county in ("城口县", "巫溪县"):
        link = f"/townships/{quote(county)}/{quote('石门乡')}"
        assert link in html and client.get(link).status_code == 200
