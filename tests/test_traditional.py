"""Reports written in Traditional characters (a site's 繁体 version saved as a page, a collection from Hong Kong
or Taiwan): read as Simplified, so their places, parts and topics are found and a search in either script finds
them."""

from __future__ import annotations

import pytest

from search.engine import Engine
from search.index.writer import update_index
from search.ingest.pipeline import process_file
from search.query.request import SearchRequest
from webui import create_app

SIMPLIFIED = [
    "丰收镇2023年法治政府建设年度报告",
    "一、主要举措和成效",
    "镇党委书记认真履行推进法治建设第一责任人职责，全年召开专题会议4次。",
    "聘请律师担任镇政府法律顾问，全年审查合同18份。",
    "二、存在的不足和原因",
    "干部法治意识有待提高，执法力量薄弱。",
    "三、下一年度工作安排",
    "加强干部学法，推进村级法律顾问全覆盖。",
]
# The same report as OpenCC's s2t writes it, and a saved page's chrome line.
TRADITIONAL = [
    "豐收鎮2023年法治政府建設年度報告",
    "發佈時間：2024年01月15日 來源：大安市司法局",
    "一、主要舉措和成效",
    "鎮黨委書記認真履行推進法治建設第一責任人職責，全年召開專題會議4次。",
    "聘請律師擔任鎮政府法律顧問，全年審查合同18份。",
    "二、存在的不足和原因",
    "幹部法治意識有待提高，執法力量薄弱。",
    "三、下一年度工作安排",
    "加強幹部學法，推進村級法律顧問全覆蓋。",
]


def _write(folder, name, lines):
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _described(report):
    return (
        report.title,
        report.township,
        report.county,
        report.province,
        report.year,
        [(p.text, p.part, p.topics) for p in report.paragraphs],
    )


def test_a_report_in_traditional_characters_is_read_as_its_simplified_twin(tmp_path):
    """A Traditional report had no township, county or parts, and its title ran into its first paragraph:
    every rule reads Simplified words (镇, 存在的不足, 发布时间)."""
    twin = process_file(_write(tmp_path, "丰收镇.txt", SIMPLIFIED))
    report = process_file(_write(tmp_path, "豐收鎮.txt", TRADITIONAL))
    assert _described(report) == _described(twin)
    assert (report.township, report.county, report.level) == ("丰收镇", "大安市", "乡镇")
    assert report.script == "繁体" and twin.script == ""
    assert report.chrome_lines == 1 and report.date == "2024-01-15"


def test_a_simplified_report_quoting_a_few_traditional_characters_is_left_as_written(tmp_path):
    lines = [*SIMPLIFIED[:3], "组织干部参观乾隆年间的古县衙旧址，了解於氏家族的家规家训。", *SIMPLIFIED[3:]]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert report.script == ""
    assert any("乾隆" in p.text and "於氏" in p.text for p in report.paragraphs)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    root = tmp_path_factory.mktemp("traditional")
    corpus = root / "corpus"
    corpus.mkdir()
    _write(corpus, "豐收鎮.txt", TRADITIONAL)
    update_index(corpus, root / "index", jobs=1)
    return root / "index"


@pytest.mark.parametrize("query", ["法律顾问", "法律顧問", "township:豐收鎮 法律顾问"])
def test_a_traditional_report_is_found_and_faceted_by_simplified_or_traditional_words(index, query):
    engine = Engine(index)
    result = engine.search(SearchRequest(q=query, filters={"part": ["主要举措和成效"]}))
    engine.close()
    assert [hit["text"] for hit in result["hits"]] == [SIMPLIFIED[3]]
    assert result["hits"][0]["township"] == "丰收镇"


def test_the_reader_says_a_report_was_written_in_traditional_characters(index):
    client = create_app(index, testing=True).test_client()
    hits = client.get("/api/search", query_string={"q": "法律顾问"}).get_json()["hits"]
    report_id = hits[0]["report_id"]
    assert client.get(f"/api/reports/{report_id}").get_json()["script"] == "繁体"
    assert "原文用繁体字书写" in client.get(f"/reports/{report_id}").get_data(as_text=True)
