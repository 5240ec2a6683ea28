"""报告体检 and 指标表 over a province's reports: a page of rows, counts for the whole selection, paging and
sorting on the server, the full table streamed as CSV, and the numbers behind them read once per segment."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from search.engine import Engine
from search.index import facts as facts_module
from search.index.writer import update_index
from search.query import SearchRequest
from webui import create_app

COUNTIES = ("城口县", "巫溪县", "云阳县", "奉节县", "巫山县", "开州区")
FIRST = "青白红黄金石"
SECOND = "山河溪坪坝岭林田湖桥"
PLANS = "四、下一年度工作安排\n一是继续推进法律顾问制度，二是加强执法人员培训，三是深化普法宣传。"


def _report(county: str, number: int) -> tuple[str, str, set[str]]:
    """(file name, text, the required parts it leaves out): every third report lacks its plans, every fifth
    its shortcomings; each states a mediation count and some a success rate."""
    township = FIRST[number // len(SECOND) % len(FIRST)] + SECOND[number % len(SECOND)] + "镇"
    missing = set()
    lines = [
        f"{county}{township}人民政府关于2022年度法治政府建设情况的报告",
        "一、主要举措和成效",
        f"全年共调解矛盾纠纷{number + 10}件，聘请法律顾问{number % 4 + 1}名，开展普法活动{number % 7 + 2}次。",
        f"{township}严格落实重大行政决策程序，对{number + 3}件合同开展合法性审查。",
    ]
    if number % 2:
        lines.append(f"调解成功率达到{90 + number % 10}%，群众满意度明显提升。")
    if number % 5:
        lines += ["二、存在的不足和原因", f"{township}执法人员法律素养有待提高，培训次数不够。"]
    else:
        missing.add("存在的不足和原因")
    lines += ["三、党政主要负责人履行推进法治建设第一责任人职责情况", "镇党委书记、镇长认真履行第一责任人职责。"]
    if number % 3:
        lines.append(PLANS)
    else:
        missing.add("下一年度安排")
    return f"{county}-{number:02d}.txt", "\n".join(lines) + "\n", missing


REPORTS_PER_COUNTY = 45


@pytest.fixture(scope="module")
def province(tmp_path_factory) -> tuple[Path, dict[str, set[str]]]:
    """An index of 270 reports in six counties, and the parts each report leaves out (by township and county)."""
    root = tmp_path_factory.mktemp("province")
    corpus = root / "corpus"
    corpus.mkdir()
    missing = {}
    for county in COUNTIES:
        for number in range(REPORTS_PER_COUNTY):
            name, text, left_out = _report(county, number)
            (corpus / name).write_text(text, encoding="utf-8")
            missing[name] = left_out
    update_index(corpus, root / "index", jobs=1)
    return root / "index", missing


@pytest.fixture(scope="module")
def client(province):
    return create_app(province[0], testing=True).test_client()


def test_the_check_shows_fifty_reports_and_counts_the_whole_selection(client, province):
    result = client.get("/api/check").get_json()
    expected = list(province[1].values())
    assert result["total"] == len(expected) == 270
    assert len(result["reports"]) == 50 and result["pages"] == 6
    assert result["missing_parts"] == sum(1 for parts in expected if parts)
    assert result["missing_by_part"]["下一年度安排"] == sum(1 for parts in expected if "下一年度安排" in parts) == 90
    assert result["missing_by_part"]["存在的不足和原因"] == 54
    assert result["counties"] == 6
    assert {c["county"]: c["reports"] for c in result["by_county"]} == dict.fromkeys(COUNTIES, REPORTS_PER_COUNTY)
    assert all(c["missing_parts"] == 45 - 45 * 8 // 15 for c in result["by_county"])
    missing_counts = [len(r["missing"]) for r in result["reports"]]
    assert missing_counts[0] == 2 and missing_counts == sorted(missing_counts, reverse=True)


def test_paging_through_the_check_lists_every_report_once(client):
    seen = []
    for page in range(1, 7):
        seen += [r["report_id"] for r in client.get("/api/check", query_string={"page": page}).get_json()["reports"]]
    assert len(seen) == len(set(seen)) == 270
    assert client.get("/api/check", query_string={"page": 7}).get_json()["reports"] == []


def test_the_check_page_links_to_the_next_page_with_its_sort(client):
    html = client.get("/check", query_string={"sort_by": "quantified", "order": "asc"}).get_data(as_text=True)
    assert html.count('class="has-missing"') + html.count('<tr class="">') == 50
    following = re.search(r'<a rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert "sort_by=quantified" in following and "order=asc" in following and "page=2" in following
    second = client.get(following)
    assert second.status_code == 200 and "第 2/6 页" in second.get_data(as_text=True)
    assert len(html.encode()) < 200_000


@pytest.mark.parametrize("column", ["quantified", "paragraphs", "year", "copied"])
def test_the_check_sorts_on_the_server_by_a_column(client, column):
    key = {"copied": "copied_paragraphs"}.get(column, column)
    ascending = client.get("/api/check", query_string={"sort_by": column, "order": "asc", "limit": 200}).get_json()
    values = [r[key] for r in ascending["reports"]]
    assert values == sorted(values)
    descending = client.get("/api/check", query_string={"sort_by": column, "limit": 200}).get_json()
    values = [r[key] for r in descending["reports"]]
    assert values == sorted(values, reverse=True)


def test_a_county_filter_selects_its_reports_and_their_counts(client):
    result = client.get("/api/check", query_string={"county": "巫山县"}).get_json()
    assert result["total"] == REPORTS_PER_COUNTY and {r["county"] for r in result["reports"]} == {"巫山县"}
    assert result["counties"] == 1


def test_the_full_check_streams_as_csv_in_chunks(client, province):
    response = client.get("/check.csv", buffered=False)
    assert response.is_streamed and response.headers["X-Total-Count"] == "270"
    chunks = response.response
    first = next(iter(chunks))
    assert first.decode("utf-8-sig").count("\n") == 101  # the header and one chunk, not the whole table
    rest = b"".join(chunks)
    response.close()
    rows = list(csv.reader(io.StringIO((first + rest).decode("utf-8-sig"))))
    assert rows[0][0] == "乡镇/单位" and len(rows) == 271
    assert sum(1 for row in rows[1:] if row[6] != "无") == sum(1 for parts in province[1].values() if parts) == 126


def test_an_export_closed_early_lets_its_index_state_go(province):
    engine = Engine(province[0])
    export = engine.check_export(SearchRequest())
    rows = iter(export)
    next(rows)
    with engine.using() as state:
        assert state.users == 2
    export.close()
    with engine.using() as state:
        assert state.users == 1
    engine.close()


def test_the_indicator_table_pages_and_counts_the_reports_stating_each(client):
    result = client.get("/api/indicators", query_string={"sort_by": "矛盾纠纷调解件数"}).get_json()
    assert result["total"] == 270 and len(result["reports"]) == 50 and result["pages"] == 6
    assert result["stated"]["矛盾纠纷调解件数"] == 270
    assert result["stated"]["调解成功率"] == 6 * (REPORTS_PER_COUNTY // 2)
    amounts = [r["cells"]["矛盾纠纷调解件数"]["amount"] for r in result["reports"]]
    assert amounts == sorted(amounts, reverse=True) and amounts[0] == REPORTS_PER_COUNTY - 1 + 10
    last = client.get("/api/indicators", query_string={"page": 6, "limit": 50}).get_json()
    assert len(last["reports"]) == 20


def test_the_indicator_page_states_its_counts_and_pages(client):
    html = client.get("/indicators").get_data(as_text=True)
    assert "built-in method" not in html
    values = int(re.search(r'id="indicator-values">(\d+)<', html).group(1))
    assert values == client.get("/api/indicators").get_json()["values"] > 270
    assert 'rel="next"' in html and "第 1/6 页" in html


def test_the_full_indicator_table_streams_as_csv(client):
    response = client.get("/indicators.csv", query_string={"sort_by": "调解成功率", "order": "asc"}, buffered=False)
    assert response.is_streamed
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert len(rows) == 271
    rates = [row[rows[0].index("调解成功率")] for row in rows[1:]]
    stated = [float(rate.rstrip("%")) for rate in rates if rate]
    assert len(stated) == 132 and stated == sorted(stated) and rates[-1] == ""


def test_a_page_size_over_the_limit_is_refused_with_its_parameter(client):
    response = client.get("/api/check", query_string={"limit": 201})
    assert response.status_code == 400 and response.get_json()["parameter"] == "limit"
    response = client.get("/api/check", query_string={"sort_by": "奇怪"})
    assert response.status_code == 400 and response.get_json()["parameter"] == "sort_by"


def test_the_facts_are_read_once_and_saved_beside_each_segment(province, monkeypatch):
    engine = Engine(province[0])
    engine.prepare()
    engine.close()
    saved = list(province[0].rglob(facts_module.FACTS_FILE))
    assert saved

    def unread(segment):
        raise AssertionError(f"facts of {segment.folder} read again")

    monkeypatch.setattr(facts_module, "read_facts", unread)
    engine = Engine(province[0])
    assert engine.check(SearchRequest())["total"] == 270
    engine.close()


def test_a_reindex_reads_the_facts_of_new_segments_only(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(6):
        name, text, _ = _report("城口县", number)
        (corpus / name).write_text(text, encoding="utf-8")
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    engine.prepare()
    engine.close()
    read = []
    original = facts_module.read_facts
    monkeypatch.setattr(facts_module, "read_facts", lambda segment: read.append(segment.count) or original(segment))
    name, text, _ = _report("巫溪县", 7)
    (corpus / name).write_text(text, encoding="utf-8")
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    assert engine.check(SearchRequest())["total"] == 7
    engine.close()
    assert read and sum(read) < 6 * 6  # the new report's segment, not every paragraph again


def test_a_township_page_too_long_for_one_page_lists_counties_that_open_their_townships(client, monkeypatch):
    from webui import pages

    monkeypatch.setattr(pages, "FACET_PAGE_TOWNSHIPS", 100)
    html = client.get("/facets/township", query_string={"q": "法律顾问"}).get_data(as_text=True)
    assert 'id="by-county-note"' in html and 'name="township"' not in html
    link = re.search(r'<a href="([^"]*county=%E5%B7%AB%E5%B1%B1%E5%8E%BF[^"]*)">巫山县</a>', html).group(1)
    townships = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "by-county-note" not in townships
    assert townships.count('name="township"') == REPORTS_PER_COUNTY


def test_the_check_csv_reads_no_paragraph_text(province, monkeypatch):
    """A province's CSV touches each report's title, never its paragraphs' texts (which would map the text
    arrays into the server's memory as it streams)."""
    engine = Engine(province[0])
    engine.prepare()
    with engine.using() as state:

        def unread(docnum):
            raise AssertionError(f"paragraph {docnum} read while streaming the check")

        monkeypatch.setattr(state.evaluator, "written", unread)
        monkeypatch.setattr(state.evaluator, "text", unread)
        export = engine.check_export(SearchRequest())
        rows = list(export)
    engine.close()
    assert len(rows) == 270 and all(row[-1].endswith("情况的报告") for row in rows)
