"""报告体检: required parts, quantified statements and copied paragraphs, per report."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import pytest

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
    assert result["with_copies"] == 2 + 2  # both reports hold it, and the samples' own copy (黄石镇, 蒲台乡)


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


def test_a_reports_copy_rate_tells_other_townships_from_its_own_earlier_report(corpus, tmp_path):
    paragraphs = [p.text for p in process_file(corpus / "000_fb6fe3ad903c3860.txt").paragraphs]
    kept, lent = paragraphs[5], paragraphs[8]  # kept by 甲镇 from its 2021 report; lent to 乙镇
    others = [p.text for p in process_file(corpus / "003_dcd7630493403724.txt").paragraphs]
    for name in list(corpus.iterdir()):
        name.unlink()

    def write(name: str, township: str, year: int, *body: str) -> None:
        text = f"城口县{township}{year}年度法治政府建设情况报告\n一、主要举措和成效\n" + "\n".join(body) + "\n"
        (corpus / name).write_text(text, encoding="utf-8")

    write("a2021.txt", "甲镇", 2021, kept, lent, others[1])
    write("a2022.txt", "甲镇", 2022, kept, others[4])
    write("b2022.txt", "乙镇", 2022, lent, others[5])
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    rows = {(r["township"], r["year"]): r for r in engine.check(SearchRequest())["reports"]}
    engine.close()

    def share(copied: str, *rest: str) -> float:
        return round(len(copied) / (len(copied) + sum(map(len, rest))), 3)

    assert rows["甲镇", 2021]["copied_from_others"] == share(lent, kept, others[1])
    assert rows["甲镇", 2021]["copied_from_own"] == 0  # its paragraph kept in 2022 was not copied from before
    assert rows["甲镇", 2022]["copied_from_own"] == share(kept, others[4])
    assert rows["甲镇", 2022]["copied_from_others"] == 0
    assert rows["乙镇", 2022]["copied_from_others"] == share(lent, others[5])


def test_copy_rates_saved_by_the_indexer_serve_their_state_and_no_other(corpus, tmp_path, monkeypatch):
    from search.cli_search import save_for_servers
    from search.insights.report_table import COPY_RATES_FILE, ReportTable

    lent = [p.text for p in process_file(corpus / "000_fb6fe3ad903c3860.txt").paragraphs][8]
    (corpus / "copy.txt").write_text(
        f"城口县乙镇2022年度法治政府建设情况报告\n一、主要举措和成效\n{lent}\n", encoding="utf-8"
    )
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1, after_commit=lambda: save_for_servers(index))
    assert (index / COPY_RATES_FILE).exists()

    def rates() -> dict:
        engine = Engine(index)
        rows = engine.check(SearchRequest())["reports"]
        engine.close()
        return {(r["township"], r["year"]): r["copied_from_others"] for r in rows}

    counting = ReportTable._count_copy_rates
    monkeypatch.setattr(ReportTable, "_count_copy_rates", lambda *args: pytest.fail("counted, not loaded"))
    saved = rates()
    assert saved["乙镇", 2022] == 1.0
    monkeypatch.setattr(ReportTable, "_count_copy_rates", counting)
    (index / COPY_RATES_FILE).unlink()
    assert rates() == saved

    (corpus / "copy.txt").write_text(
        "城口县乙镇2022年度法治政府建设情况报告\n一、主要举措和成效\n新建调解室一处。\n", encoding="utf-8"
    )
    update_index(corpus, index, jobs=1)  # the saved rates are now another state's
    assert rates()["乙镇", 2022] == 0


def test_report_table_saved_by_the_indexer_is_mapped_for_its_state_and_rebuilt_for_another(
    corpus, tmp_path, monkeypatch
):
    from search.cli_search import save_for_servers
    from search.insights import report_table as table

    index = tmp_path / "index"
    update_index(corpus, index, jobs=1, after_commit=lambda: save_for_servers(index))
    assert (index / table.TABLE_FILE).exists()

    def answers() -> tuple[dict, dict, dict]:
        engine = Engine(index)
        try:
            request = SearchRequest(limit=50)
            return engine.check(request), engine.indicators(request), engine.township("巫溪县", "花台乡")
        finally:
            engine.close()

    building = table.build_arrays
    monkeypatch.setattr(table, "build_arrays", lambda state: pytest.fail("built, not mapped"))
    saved = answers()
    assert saved[0]["total"] == 5 and any(row["cells"] for row in saved[1]["reports"])
    monkeypatch.setattr(table, "build_arrays", building)
    (index / table.TABLE_FILE).write_bytes(b"damaged")
    assert answers() == saved  # a damaged file is built again, and saved
    monkeypatch.setattr(table, "build_arrays", lambda state: pytest.fail("built, not mapped"))
    assert answers() == saved

    (corpus / "new.txt").write_text(
        "城口县乙镇2022年度法治政府建设情况报告\n一、主要举措和成效\n新建调解室一处。\n", encoding="utf-8"
    )
    update_index(corpus, index, jobs=1)  # the saved table is now another state's
    built = []
    monkeypatch.setattr(table, "build_arrays", lambda state: built.append(state) or building(state))
    assert answers()[0]["total"] == 6 and len(built) == 1


def test_packed_texts_read_back_each_string():
    from search.insights.report_table import PackedTexts

    texts = PackedTexts.of(["97.33%", "", "聘请律师3名", "12件"])
    assert len(texts) == 4 and list(texts) == ["97.33%", "", "聘请律师3名", "12件"]
    assert texts[-1] == "12件" and texts[1:3] == ["", "聘请律师3名"]
    with pytest.raises(IndexError):
        texts[4]
    assert len(PackedTexts.of([])) == 0


def test_copy_flags_agree_with_counting_each_cluster_by_hand():
    from search.insights.report_table import _copied_elsewhere_or_before

    rng = np.random.default_rng(3)
    for _ in range(30):
        n = int(rng.integers(1, 300))
        labels = rng.integers(0, 40, n) * 1000
        townships = rng.integers(-5, 6, n)
        years = rng.integers(2019, 2025, n)
        elsewhere, before = _copied_elsewhere_or_before(labels, townships, years)
        for i in range(n):
            same = labels == labels[i]
            assert elsewhere[i] == (len(set(townships[same].tolist())) > 1)
            mine = same & (townships == townships[i])
            assert before[i] == (not elsewhere[i] and bool((years[mine] < years[i]).any()))


def test_a_report_saved_in_two_files_is_named_as_such_not_as_copied(samples, tmp_path, capsys):
    """黄石镇's report as its .txt and as the page that republished it: each file showed 15 copied paragraphs;
    now one (the shortcoming 蒲台乡 shares) and the other file, named by its path in the API, the CLI and the
    CSV. The indicator table lists the report once (its figures twice in a county's table and ranking), and so
    does the township's page (2021 twice, the second 'kept' whole from the first)."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for path in samples.values():
        (corpus / path.name).write_bytes(path.read_bytes())
    lines = [line for line in samples["黄石镇"].read_text(encoding="utf-8").splitlines() if line.strip()]
    page = "".join(f"<p>{line}</p>" for line in lines)
    (corpus / "republished.html").write_text(f"<html><body>{page}<p>发布时间：2022-02-01</p></body></html>", "utf-8")
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    rows = [r for r in engine.check(SearchRequest())["reports"] if r["township"] == "黄石镇"]
    indicators = engine.indicators(SearchRequest())
    history = engine.township("云阳县", "黄石镇")
    engine.close()
    assert [report["year"] for report in history["reports"]] == [2021]
    assert [r["township"] for r in indicators["reports"]].count("黄石镇") == 1  # one row, not two
    assert indicators["total"] == 5 and indicators["same_report_files_left_out"] == 1
    assert len(rows) == 2 and all(r["copied_paragraphs"] == 1 for r in rows)
    named = sorted(other["path"] for r in rows for other in r["same_report_files"])
    assert named == sorted(["republished.html", samples["黄石镇"].name])
    assert all(other["paragraphs"] >= 13 for r in rows for other in r["same_report_files"])
    assert main(["check", "--index", str(tmp_path / "index"), "--csv"]) == 0
    table = list(csv.reader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert table[0][-2] == "同一报告的其他文件" and sorted(row[-2] for row in table[1:] if row[-2]) == named
    page = create_app(tmp_path / "index", testing=True).test_client().get("/check").get_data(as_text=True)
    assert "同一份报告的另一个文件" in page and "republished.html</a>" in page
