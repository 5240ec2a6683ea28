"""报告体检: required parts, quantified statements and copied paragraphs, per report."""

from __future__ import annotations

import csv
import io
import json

from search.cli import main
from search.engine import Engine
from search.index.figures import quantified_statements
from search.index.writer import update_index
from search.ingest.pipeline import process_file
from search.query import SearchRequest
from webui import create_app


def test_quantified_statements_are_numbers_with_a_unit():
    assert quantified_statements("调处纠纷共59件，调处成功率达到97.33%，聘请律师3名，2020年") == 3


def test_each_report_says_which_required_parts_it_lacks(engine):
    result = engine.check(SearchRequest())
    by_township = {r["township"]: r for r in result["reports"]}
    assert result["total"] == 5 and set(by_township) == {"北屏乡", "黄石镇", "蒲台乡", "花台乡", "大湾镇"}
    assert by_township["大湾镇"]["missing"] == []
    assert by_township["北屏乡"]["missing"] == ["第一责任人履职"]
    assert by_township["北屏乡"]["mentioned"] == ["第一责任人履职"]  # it speaks of 第一责任人 in its measures
    assert by_township["北屏乡"]["parts"]["主要举措和成效"]["paragraphs"] == 14
    assert all(r["quantified"] > 0 for r in result["reports"])
    assert [len(r["missing"]) for r in result["reports"]] == sorted(
        (len(r["missing"]) for r in result["reports"]), reverse=True
    )


def test_filters_select_the_reports_to_check(engine):
    result = engine.check(SearchRequest(filters={"county": ["巫溪县"]}))
    assert [r["township"] for r in result["reports"]] == ["花台乡"]


def test_a_paragraph_copied_from_another_report_is_flagged_with_where_it_also_stands(corpus, tmp_path):
    copied = process_file(corpus / "000_fb6fe3ad903c3860.txt").paragraphs[4].text.replace("我乡", "我镇")
    (corpus / "copy.txt").write_text(
        "某某镇2021年法治政府建设情况报告\n一、主要举措\n" + copied + "\n二、存在的不足\n人员偏少。\n", encoding="utf-8"
    )
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    result = engine.check(SearchRequest())
    engine.close()
    copier = next(r for r in result["reports"] if r["township"] == "某某镇")
    assert len(copier["copied"]) == 1 and copier["copied"][0]["elsewhere"][0]["township"] == "北屏乡"
    assert set(copier["missing"]) == {"第一责任人履职", "下一年度安排"}
    assert result["with_copies"] == 2  # both reports hold the paragraph


def test_check_command_prints_json_and_excel_csv(sample_index, capsys):
    assert main(["check", "--index", str(sample_index), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 5
    assert main(["check", "--index", str(sample_index), "--csv", "--township", "北屏乡"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[0][0] == "乡镇/单位" and rows[1][0] == "北屏乡" and rows[1][6] == "第一责任人履职"


def test_check_page_api_and_csv(sample_index):
    client = create_app(sample_index, testing=True).test_client()
    html = client.get("/check").get_data(as_text=True)
    assert 'id="check-total">5<' in html and "缺（正文提到）" in html
    assert client.get("/api/check", query_string={"county": "巫溪县"}).get_json()["total"] == 1
    response = client.get("/check.csv")
    assert response.data.startswith(b"\xef\xbb\xbf") and response.headers["X-Total-Count"] == "5"
