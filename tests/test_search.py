"""Search behaviour users rely on: phrases, filters, facets, grouping, snippets, similar paragraphs."""

from __future__ import annotations

import re

import numpy as np
import pytest

from search.query import NotFoundError, SearchRequest
from search.query.parse import QueryError, parse_query


def search(engine, q="", limit=100, **kwargs):
    return engine.search(SearchRequest(q=q, limit=limit, **kwargs))


def townships(result):
    return {hit["township"] for hit in result["hits"]}


def test_phrase_query_matches_across_word_boundaries(engine):
    result = search(engine, '"顾问制度"')
    assert result["total"] >= 4
    assert all("顾问制度" in hit["text"] or "顾问制度" in "".join(hit["section"]) for hit in result["hits"])


def test_phrase_matches_contiguous_text_only(engine):
    contiguous = search(engine, '"法律顾问制度"')
    apart = search(engine, "法律顾问 制度")
    assert contiguous["total"] < apart["total"]
    for hit in contiguous["hits"]:
        assert "法律顾问制度" in hit["text"] + "".join(hit["section"])


def test_words_are_anded(engine):
    both = search(engine, "人民调解 成功率", mode="exact")
    assert both["total"] == 2
    assert all("人民调解" in hit["text"] and "成功率" in hit["text"] for hit in both["hits"])


def test_expanded_mode_also_finds_the_equivalents_of_each_word(engine):
    exact = search(engine, "人民调解 成功率", mode="exact")
    expanded = search(engine, "人民调解 成功率")
    strict = [hit for hit in expanded["hits"] if hit["tier"] == "all"]
    assert len(strict) == expanded["total"] > exact["total"]
    assert {hit["id"] for hit in exact["hits"]} <= {hit["id"] for hit in strict}
    found_by_equivalent = [hit for hit in strict if "人民调解" not in hit["text"]]
    assert found_by_equivalent and all("成功率" in hit["text"] for hit in found_by_equivalent)
    assert all("同义：人民调解" in hit["why"] for hit in found_by_equivalent)


def test_strict_matches_rank_above_partial_and_related_ones(engine):
    result = search(engine, "执法力量薄弱")
    tiers = [hit["tier"] for hit in result["hits"]]
    assert tiers[: result["total"]] == ["all"] * result["total"]
    assert tiers == sorted(tiers, key=["all", "partial", "related"].index)
    assert result["partial_total"] and result["related_total"]
    assert result["loose_total"] == result["partial_total"] + result["related_total"] == len(tiers) - result["total"]
    assert sum(v["count"] for v in result["facets"]["township"]) == result["total"]


def test_exact_mode_has_no_looser_tiers(engine):
    result = search(engine, "执法力量薄弱", mode="exact")
    assert result["loose_total"] == 0 and {hit["tier"] for hit in result["hits"]} == {"all"}


def test_quoted_text_stays_exact_in_expanded_mode(engine):
    result = search(engine, '"普法宣传"')
    assert result["loose_total"] == 0
    assert all("普法宣传" in hit["text"] + "".join(hit["section"]) for hit in result["hits"])


def test_unknown_mode_is_a_query_error(engine):
    with pytest.raises(QueryError, match="mode"):
        search(engine, "普法", mode="fuzzy")


def test_mistyped_word_gets_a_did_you_mean_from_the_index(engine):
    result = search(engine, "法律顾闻")
    assert result["total"] == 0
    assert result["did_you_mean"] == {"q": "法律顾问", "total": search(engine, "法律顾问")["total"]}


@pytest.mark.parametrize(
    ("typed", "meant"), [("重大行政决册程序", "重大行政决策程序"), ("规范性文见备案审查", "规范性文件备案审查")]
)
def test_a_mistyped_phrase_of_several_words_gets_a_did_you_mean(engine, typed, meant):
    """A homophone typed for one character of a phrase the index holds as several words got no correction: only
    a whole indexed word one edit away was looked for (20 of 25 typos corrected, 14 before, on the test reports)."""
    result = search(engine, typed)
    assert result["total"] == 0
    assert result["did_you_mean"] == {"q": meant, "total": search(engine, meant)["total"]}


def test_a_phrase_cut_short_is_not_offered_for_a_mistyped_last_character(engine):
    """行政执法责任续 is 行政执法责任制 mistyped; 行政执法责任 (the typo left off) is in every paragraph the right
    phrase is in, and more: a replaced character is offered first."""
    assert search(engine, "行政执法责任续")["did_you_mean"]["q"] == "行政执法责任制"


def test_a_well_typed_query_gets_no_did_you_mean(engine):
    assert search(engine, "法律顾问")["did_you_mean"] is None


@pytest.mark.parametrize("word", ["合同", "复议", "乡长", "公职律师", "云普法"])
def test_a_word_the_reports_use_or_a_term_of_the_domain_is_no_typo(engine, word):
    """合同 was offered as 合法 mistyped, 复议 as 会议, 公职律师 (no sample names it) as 专职律师: 122 of the
    thesaurus's terms got such a did-you-mean over the samples."""
    assert search(engine, word)["did_you_mean"] is None


def test_a_word_naming_a_part_is_never_corrected_away_and_the_rest_is_corrected(engine):
    """调解成功率低 was offered as 调解成功率 (低, the shortcoming asked about, corrected away); 普法宣转不足 got no
    correction at all, the whole run taken for one mistyped word."""
    assert search(engine, "调解成功率低")["did_you_mean"] is None
    assert search(engine, "普法宣转不足")["did_you_mean"]["q"] == "普法宣传不足"


def test_related_terms_come_from_the_best_hits_and_leave_out_the_query(engine):
    result = search(engine, "人民调解")
    terms = result["related_terms"]
    assert terms and not any("调解" in term for term in terms)
    assert all(search(engine, f"人民调解 {term}")["total"] >= 1 for term in terms)


def test_or_and_not(engine):
    either = search(engine, "民法典 OR 社区矫正")
    assert either["total"] == search(engine, "民法典")["total"] + search(engine, "社区矫正")["total"]
    without = search(engine, "普法 -宣传")
    assert without["total"] > 0 and all("宣传" not in hit["text"] for hit in without["hits"])


def test_synonym_finds_the_other_wording(engine):
    result = search(engine, "信访")
    assert any("上访" in hit["text"] and "信访" not in hit["text"] for hit in result["hits"])


def test_traditional_query_finds_simplified_text(engine):
    assert search(engine, "法律顧問")["total"] == search(engine, "法律顾问")["total"] > 0


def test_a_query_typed_in_full_width_finds_what_the_narrow_query_finds(engine):
    """A Chinese input method in full-width mode types ＯＲ, ２０２０ and －: the reports' text has them narrow."""
    for wide, narrow in (
        ("民法典 ＯＲ 社区矫正", "民法典 OR 社区矫正"),
        ("２０２０年", "2020年"),
        ("普法 －宣传", "普法 -宣传"),
    ):
        assert [h["id"] for h in search(engine, wide)["hits"]] == [h["id"] for h in search(engine, narrow)["hits"]]
    assert search(engine, "ＰＰＰ")["total"] == 0


def test_a_term_of_several_words_typed_without_spaces_finds_what_it_finds_typed_with_them(engine):
    """规范性文件备案 and 执法人员培训 are terms of the thesaurus: typed as one they found only the paragraphs with the
    term or its equivalents (1 and 0 strict on the samples), typed with spaces every paragraph with both words
    (2 and 7). A term of several words that each mean something on their own is now both."""
    for joined, spaced in (("规范性文件备案", "规范性文件 备案"), ("执法人员培训", "执法人员 培训")):
        strict = {hit["id"]: hit["why"] for hit in search(engine, joined)["hits"] if hit["tier"] == "all"}
        apart = {hit["id"] for hit in search(engine, spaced)["hits"] if hit["tier"] == "all"}
        assert apart and apart <= set(strict)
    whole = [hit["why"] for hit in search(engine, "规范性文件备案")["hits"] if hit["tier"] == "all"]
    assert "命中：规范性文件备案" in whole and "命中：规范性文件、备案" in whole
    assert search(engine, "谁执法谁普法")["total"] < search(engine, "执法 普法")["total"]
    # its words' equivalents (行政执法人员 of 执法人员) are no reason to leave a related term out
    assert "行政执法人员" in search(engine, "执法人员培训")["related_terms"]


def test_heading_match_counts_extra(tmp_path):
    from search.engine import Engine
    from search.index.writer import update_index

    body = "我镇聘请律师担任法律顾问，参与重大决策合法性审查。"
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "a.txt").write_text(
        f"甲镇2021年法治政府建设报告\n一、主要举措\n（一）组织领导\n{body}", encoding="utf-8"
    )
    (tmp_path / "corpus" / "b.txt").write_text(
        f"乙镇2021年法治政府建设报告\n一、主要举措\n（一）落实法律顾问制度\n{body}", encoding="utf-8"
    )
    update_index(tmp_path / "corpus", tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    hits = engine.search(SearchRequest(q="法律顾问"))["hits"]
    engine.close()
    assert [hit["section"][-1] for hit in hits] == ["（一）落实法律顾问制度", "（一）组织领导"]
    assert hits[0]["score"] > hits[1]["score"]


def _searched(tmp_path, reports: dict[str, str], *queries: tuple[str, str]) -> list[dict]:
    """The answers to (query, mode) over an index of one-heading reports: {township: (heading, paragraph)}."""
    from search.engine import Engine
    from search.index.writer import update_index

    (tmp_path / "corpus").mkdir()
    for township, text in reports.items():
        (tmp_path / "corpus" / f"{township}.txt").write_text(
            f"{township}2023年法治政府建设报告\n{text}\n", encoding="utf-8"
        )
    update_index(tmp_path / "corpus", tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    try:
        return [search(engine, query, mode=mode) for query, mode in queries]
    finally:
        engine.close()


def test_a_query_word_no_paragraph_has_is_searched_as_the_words_it_is_made_of(tmp_path):
    """领导干部带头述法 segments as 领导|干部带头|述法, and no report writes 干部带头: the paragraph with 领导干部,
    带头 and 述法 was no match at all. Exact mode still searches what was typed."""
    reports = {
        "甲镇": "三、第一责任人履职情况\n镇党委书记带头述法，全镇领导干部参加旁听。",
        "乙镇": "一、主要举措\n组织开展普法宣传活动12场。",
    }
    found, exact = _searched(tmp_path, reports, ("领导干部带头述法", "expanded"), ("领导干部带头述法", "exact"))
    assert found["total"] == 1 and townships(found) == {"甲镇"}
    assert exact["total"] == 0


def test_a_hit_of_a_split_word_names_and_marks_the_words_it_was_found_by(tmp_path):
    """The hit for 领导干部带头述法 says it matched 带头 and 干部 (the words the unseen 干部带头 was searched as)
    and marks them, not only 领导 and 述法; so does the report's reader."""
    from search.engine import Engine
    from search.index.writer import update_index

    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "甲镇.txt").write_text(
        "甲镇2023年法治政府建设报告\n三、第一责任人履职情况\n镇党委书记带头述法，全镇领导干部参加旁听。\n",
        encoding="utf-8",
    )
    update_index(tmp_path / "corpus", tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    try:
        (hit,) = search(engine, "领导干部带头述法")["hits"]
        (paragraph,) = engine.report(hit["report_id"], q="领导干部带头述法")["paragraphs"]
    finally:
        engine.close()
    assert {"领导", "干部", "带头", "述法"} <= {reason["term"] for reason in hit["matched"]}
    for html in (hit["snippet"], paragraph["html"]):
        marked = "".join(re.findall("<mark>(.*?)</mark>", html))
        assert "带头" in marked and "干部" in marked


def test_a_county_typed_by_its_former_name_finds_its_reports_but_a_namesake_of_another_level_does_not(tmp_path):
    """南和县 became 南和区 in 2020; a user who knows it by the old name gets its reports. 和平县 (Guangdong) is a
    county of its own today, not Tianjin's 和平区."""
    paragraph = "一、主要举措\n各级人民调解委员会全年调处纠纷59件。"
    reports = {"南和区贾宋镇": paragraph, "和平区劝业场街道": paragraph, "城口县北屏乡": paragraph}
    former, namesake = _searched(tmp_path, reports, ("南和县 人民调解", "expanded"), ("和平县 人民调解", "expanded"))
    assert former["total"] == 1 and former["hits"][0]["township"] == "贾宋镇"
    assert namesake["total"] == 0


def test_a_year_in_the_query_finds_that_years_reports_on_the_subject(tmp_path):
    """2021年 人民调解 found only paragraphs that write 2021: a paragraph seldom writes its report's year. A year
    the index has reports of is also satisfied by their paragraphs, and the hit says so; a year it has none of
    is searched as written."""
    reports = {
        "甲镇": "一、主要举措\n各级人民调解委员会全年调处纠纷59件。",
        "乙镇": "一、主要举措\n人民调解组织调处纠纷40件，2021年计划培训调解员。",
    }
    (tmp_path / "corpus").mkdir()
    for township, text in reports.items():
        year = 2021 if township == "甲镇" else 2020
        (tmp_path / "corpus" / f"{township}.txt").write_text(
            f"{township}{year}年法治政府建设报告\n{text}\n", encoding="utf-8"
        )
    from search.engine import Engine
    from search.index.writer import update_index

    update_index(tmp_path / "corpus", tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    try:
        found = search(engine, "2021年人民调解")
        unknown = search(engine, "2019年人民调解")
    finally:
        engine.close()
    assert found["total"] == 2 and townships(found) == {"甲镇", "乙镇"}
    assert any("2021（报告年度）" in hit["why"] for hit in found["hits"] if hit["township"] == "甲镇")
    assert unknown["total"] == 0


def test_a_quantity_no_paragraph_names_is_asked_of_what_paragraphs_count(tmp_path):
    """便民服务中心办件量: no report writes 办件量, and the dictionary has no words in it; the paragraphs count
    办件 (全年办件4.6万件). A measure ending (量 数 率 额) is left off such a word where its stem is there."""
    reports = {
        "甲镇": "一、主要举措\n镇便民服务中心进驻事项312项，全年办件4.6万件。",
        "乙镇": "一、主要举措\n镇便民服务中心优化窗口设置。",
    }
    (found,) = _searched(tmp_path, reports, ("便民服务中心办件量", "expanded"))
    assert found["total"] == 1 and found["hits"][0]["township"] == "甲镇"


def test_a_place_word_of_the_query_matches_the_paragraphs_of_reports_from_there(tmp_path):
    """A paragraph seldom names its own county or province: 城口县 人民调解 and 浙江人民调解 found nothing. A word
    naming a county, a province (without 省) or a township of the index is satisfied by its reports'
    paragraphs, and the hit says so; exact mode searches only what was typed."""
    paragraph = "一、主要举措\n各级人民调解委员会全年调处纠纷59件。"
    reports = {"城口县北屏乡": paragraph, "德清县新市镇": paragraph, "巫溪县花台乡": "一、主要举措\n聘请法律顾问。"}
    county, province, township, exact = _searched(
        tmp_path,
        reports,
        ("城口县 人民调解", "expanded"),
        ("浙江人民调解", "expanded"),
        ("人民调解 北屏乡", "expanded"),
        ("城口县 人民调解", "exact"),
    )

    def strict(result):
        return {hit["township"] for hit in result["hits"] if hit["tier"] == "all"}

    assert county["total"] == 1 and strict(county) == {"北屏乡"}
    assert {"concept": "城口县", "term": "城口县", "relation": "place"} in county["hits"][0]["matched"]
    assert "城口县（报告所在地）" in county["hits"][0]["why"]
    assert province["total"] == 1 and strict(province) == {"新市镇"}
    assert township["total"] == 1 and strict(township) == {"北屏乡"}
    assert exact["total"] == 0


def test_a_question_on_handling_a_kind_of_issue_finds_the_work_done_on_it(tmp_path):
    """怎么处理信访问题: 问题 named the shortcomings and was required, so the paragraph on how petitions are
    handled (no 问题 in it, not a shortcoming) was no match; only shortcomings mentioning 信访 were."""
    reports = {
        "甲镇": "一、主要举措\n全年受理群众信访事项24件，依法分类处理24件，群众满意率96%。",
        "乙镇": "二、存在的问题\n部分群众信访不信法，依法维权意识有待增强。",
    }
    (found,) = _searched(tmp_path, reports, ("怎么处理信访问题", "expanded"))
    assert found["hits"][0]["tier"] == "all" and found["hits"][0]["township"] == "甲镇"


def test_village_legal_advisers_are_found_however_reports_bracket_the_community(tmp_path):
    """村（居）法律顾问 and 村（社区）法律顾问, as reports write them, are 村居法律顾问: strict hits, not only related."""
    words = {"甲镇": "村（居）法律顾问", "乙镇": "村（社区）法律顾问", "丙镇": "法律顾问"}
    reports = {name: f"一、主要举措\n推进{word}服务，全年提供法律咨询56人次。" for name, word in words.items()}
    (found,) = _searched(tmp_path, reports, ("村居法律顾问", "expanded"))
    assert found["total"] == 2 and townships(found) >= {"甲镇", "乙镇"}


def test_several_values_of_one_facet_are_ored_and_facets_anded(engine):
    one = search(engine, "法律顾问", filters={"township": ["北屏乡"]})["total"]
    two = search(engine, "法律顾问", filters={"township": ["北屏乡", "大湾镇"]})["total"]
    assert two == one + search(engine, "法律顾问", filters={"township": ["大湾镇"]})["total"]
    anded = search(engine, "法律顾问", filters={"township": ["北屏乡", "大湾镇"], "part": ["下一年度安排"]})
    assert anded["total"] < two
    assert {hit["part"] for hit in anded["hits"]} == {"下一年度安排"}


def test_facet_counts_ignore_their_own_selection(engine):
    unfiltered = search(engine, "法律顾问")
    filtered = search(engine, "法律顾问", filters={"township": ["北屏乡"]})
    assert filtered["facets"]["township"] == unfiltered["facets"]["township"]
    assert sum(v["count"] for v in filtered["facets"]["county"]) == filtered["total"]


def test_facet_counts_cover_all_matches_not_just_the_page(engine):
    result = search(engine, "法律顾问", limit=2)
    assert len(result["hits"]) == 2
    assert sum(v["count"] for v in result["facets"]["township"]) == result["total"] == 12


def test_year_range_and_open_ended_years(engine):
    assert {h["year"] for h in search(engine, filters={"year": ["2021-2023"]})["hits"]} == {2021, 2023}
    assert {h["year"] for h in search(engine, filters={"year": ["2021-"]})["hits"]} == {2021, 2023}
    assert {h["year"] for h in search(engine, filters={"year": ["-2020"]})["hits"]} == {2020}
    assert {h["year"] for h in search(engine, "year:2023")["hits"]} == {2023}


def test_topic_and_part_filters_select_exactly_the_paragraphs_with_both(engine, sample_reports):
    expected = sorted(
        (name, ordinal)
        for name, report in sample_reports.items()
        for ordinal, p in enumerate(report.paragraphs)
        if "法律顾问" in p.topics and p.part == "主要举措和成效"
    )
    result = search(engine, filters={"topic": ["法律顾问"], "part": ["主要举措和成效"]}, limit=100)
    assert len(expected) >= 5 and result["total"] == len(expected)
    assert sorted((h["township"], int(h["id"].rsplit("-", 1)[1])) for h in result["hits"]) == expected


def test_empty_query_browses_everything_with_facets(engine):
    result = search(engine, limit=5)
    assert result["total"] == 106
    assert len(result["hits"]) == 5
    assert {v["value"] for v in result["facets"]["township"]} == {"北屏乡", "黄石镇", "蒲台乡", "花台乡", "大湾镇"}


def test_ranking_is_deterministic_and_pages_do_not_overlap(engine):
    first = [h["id"] for h in search(engine, "法", limit=10)["hits"]]
    again = [h["id"] for h in search(engine, "法", limit=10)["hits"]]
    second = [h["id"] for h in search(engine, "法", limit=10, page=2)["hits"]]
    assert first == again
    assert not set(first) & set(second)


def test_sort_by_year(engine):
    years = [h["year"] for h in search(engine, "法律顾问", sort="year")["hits"]]
    assert years == sorted(years, reverse=True)
    years = [h["year"] for h in search(engine, "法律顾问", sort="year_asc")["hits"]]
    assert years == sorted(years)


def test_snippet_marks_every_matched_term_and_escapes_text(engine):
    hit = search(engine, "人民调解 成功率")["hits"][0]
    assert "<mark>人民调解" in hit["snippet"] and "<mark>成功率</mark>" in hit["snippet"]
    assert "<script" not in hit["snippet"]


def test_group_by_township_gives_best_paragraphs_per_township(engine):
    result = search(engine, "法律顾问", limit=10, group_by="township", group_size=2)
    by_township = {}
    for hit in result["hits"]:
        by_township.setdefault(hit["township"], []).append(hit)
    assert set(by_township) == {"北屏乡", "黄石镇", "蒲台乡", "花台乡", "大湾镇"}
    assert all(len(hits) <= 2 for hits in by_township.values())
    best = [hits[0]["score"] for hits in by_township.values()]
    assert best == sorted(best, reverse=True)


def test_similar_paragraphs_come_from_other_townships(engine):
    source = search(engine, '"余成龙"')["hits"][0]
    similar = engine.similar(source["id"], limit=5)
    assert similar["hits"]
    assert all(h["township"] != "北屏乡" for h in similar["hits"])
    assert any("法律顾问" in h["text"] for h in similar["hits"][:3])


def test_unknown_paragraph_is_not_found(engine):
    with pytest.raises(NotFoundError):
        engine.similar("nope-0001")
    with pytest.raises(NotFoundError):
        engine.report("nope")


def test_report_comes_back_whole_and_in_order(engine, sample_reports):
    hit = search(engine, '"余成龙"')["hits"][0]
    report = engine.report(hit["report_id"])
    assert report["township"] == "北屏乡"
    assert [p["text"] for p in report["paragraphs"]] == [p.text for p in sample_reports["北屏乡"].paragraphs]
    assert ["一、主要做法和成效"] in report["outline"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sort": "random"},
        {"limit": 0},
        {"limit": 1000},
        {"page": 0},
        {"filters": {"year": ["abc"]}},
        {"filters": {"colour": ["red"]}},
        {"group_by": "title"},
    ],
)
def test_bad_parameters_raise_query_errors(engine, kwargs):
    with pytest.raises(QueryError):
        engine.search(SearchRequest(**{"q": "法律顾问", **kwargs}))


def test_stats_describe_the_index(engine):
    stats = engine.stats()
    assert stats["reports"] == 5 and stats["paragraphs"] == 106
    assert stats["index_bytes"] > 0 and stats["last_indexed"]
    assert {v["value"] for v in stats["facets"]["part"]} >= {
        "概述",
        "主要举措和成效",
        "存在的不足和原因",
        "下一年度安排",
    }


def test_long_facets_show_the_most_frequent_values_and_every_selected_one(engine, monkeypatch):
    from search.query import facets as facets_module

    monkeypatch.setattr(facets_module, "FACET_LIMIT", 2)
    result = search(engine, "法律顾问", filters={"township": ["黄石镇"]})
    shown = [v["value"] for v in result["facets"]["township"]]
    assert shown[:2] == ["大湾镇", "蒲台乡"]
    assert "黄石镇" in shown and len(shown) == 3


def test_folding_shows_each_report_once_with_its_other_matches_counted(engine):
    flat = search(engine, "法律顾问", mode="exact")
    folded = search(engine, "法律顾问", mode="exact", fold=True)
    assert folded["total"] == flat["total"] and folded["rows"] == flat["reports"]
    assert len({hit["report_id"] for hit in folded["hits"]}) == len(folded["hits"])
    assert sum(hit["folded"]["in_report"] + 1 for hit in folded["hits"]) == flat["total"]
    best = {}
    for hit in flat["hits"]:
        best.setdefault(hit["report_id"], hit["id"])
    assert [hit["id"] for hit in folded["hits"]] == list(best.values())


def test_a_places_name_without_its_ending_matches_the_paragraphs_of_reports_from_there(tmp_path):
    """Users type 城口 for 城口县 and 北屏 for 北屏乡 (鹤龙街 for 鹤龙街道); the segmenter cuts such a name into
    pieces (城 | 口) and none was a place word. A name the reports say less often alone than with its ending names
    the place; 建设, which reports say in 法治建设, stays a word and does not name 建设乡."""
    paragraph = "一、主要举措\n各级人民调解委员会全年调处纠纷59件。"
    reports = {
        "城口县北屏乡": paragraph,
        "德清县新市镇": paragraph,
        "白云区鹤龙街道": paragraph,
        "某某县建设乡": paragraph,
        "巫溪县花台乡": "一、主要举措\n推进法治建设，人民调解组织覆盖各村。",
    }
    county, township, street, common = _searched(
        tmp_path,
        reports,
        ("城口 人民调解", "expanded"),
        ("北屏 人民调解", "expanded"),
        ("鹤龙街 人民调解", "expanded"),
        ("建设 人民调解", "expanded"),
    )

    def strict(result):
        return {hit["township"] for hit in result["hits"] if hit["tier"] == "all"}

    assert strict(county) == strict(township) == {"北屏乡"} and strict(street) == {"鹤龙街道"}
    assert strict(common) == {"花台乡"}


def test_two_places_of_one_kind_in_a_query_are_either(tmp_path):
    """北屏乡和花台乡的人民调解 or 城口县 巫溪县 人民调解 found nothing: each place was required and no report is
    from two townships or two counties. Places of one kind are either's; places of two kinds (城口县 北屏乡) are
    still both required."""
    paragraph = "一、主要举措和成效\n各级人民调解委员会全年调处纠纷59件。"
    reports = {"城口县北屏乡": paragraph, "巫溪县花台乡": paragraph, "德清县新市镇": paragraph}
    together, spaced, counties, kinds = _searched(
        tmp_path,
        reports,
        ("北屏乡和花台乡的人民调解", "expanded"),
        ("北屏乡 花台乡 人民调解", "expanded"),
        ("城口县 巫溪县 人民调解", "expanded"),
        ("城口县 北屏乡 人民调解", "expanded"),
    )

    def strict(result):
        return {hit["township"] for hit in result["hits"] if hit["tier"] == "all"}

    assert strict(together) == strict(spaced) == strict(counties) == {"北屏乡", "花台乡"}
    assert strict(kinds) == {"北屏乡"}
    assert {hit["township"]: hit["why"] for hit in together["hits"] if hit["tier"] == "all"} == {
        "北屏乡": "命中：人民调解、北屏乡（报告所在地）",
        "花台乡": "命中：人民调解、花台乡（报告所在地）",
    }


def test_a_paragraph_copied_into_another_report_with_its_own_place_is_shown_once(tmp_path, corpus):
    from search.engine import Engine
    from search.index.writer import update_index
    from search.ingest.pipeline import process_file

    copied = process_file(corpus / "000_fb6fe3ad903c3860.txt").paragraphs[4].text
    assert copied.startswith("聘请重庆渝万律师事务所")
    (corpus / "copy.txt").write_text(
        "某某镇2021年法治政府建设情况报告\n一、主要举措\n" + copied + "\n", encoding="utf-8"
    )
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    folded = engine.search(SearchRequest(q='"律师余成龙"', fold=True, limit=20))
    engine.close()
    assert folded["total"] == 2 and folded["rows"] == 1
    assert folded["hits"][0]["folded"]["same_text"] == 1


def test_an_equivalent_of_several_words_is_found_wherever_its_text_occurs(engine):
    """化解矛盾纠纷 is an equivalent of 矛盾纠纷化解 but never one token: it must be found as text."""
    from search.query.thesaurus import load_thesaurus

    assert "化解矛盾纠纷" in load_thesaurus().concept("矛盾纠纷化解").equivalents
    with_text = {hit["id"] for hit in search(engine, '"化解矛盾纠纷"')["hits"]}
    strict = {hit["id"] for hit in search(engine, "矛盾纠纷化解")["hits"] if hit["tier"] == "all"}
    assert with_text and with_text <= strict


def test_reports_can_be_filtered_by_level(tmp_path, corpus):
    from search.engine import Engine
    from search.index.writer import update_index

    (corpus / "county.txt").write_text(
        "重庆市长寿区司法局2022年法治政府建设年度报告\n一、主要举措\n局党组聘请律师担任法律顾问，审查合同30份。\n",
        encoding="utf-8",
    )
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    everything = engine.search(SearchRequest(q="法律顾问", limit=50))
    departments = engine.search(SearchRequest(q="法律顾问 级别:部门", limit=50))
    engine.close()
    assert {v["value"] for v in everything["facets"]["level"]} == {"乡镇", "部门"}
    assert departments["total"] == 1 and departments["hits"][0]["county"] == "长寿区"
    with pytest.raises(QueryError, match="级别|level"):
        search(engine, "法律顾问 级别:省直")


def test_trends_count_reports_per_year_against_all_reports_of_that_year(engine):
    result = search(engine, "营商环境", mode="exact")
    by_year = {row["value"]: row for row in result["trend"]["year"]}
    corpus_years = {2020: 3, 2021: 1, 2023: 1}
    assert all(row["reports_total"] == corpus_years[year] for year, row in by_year.items())
    assert all(row["share"] == round(row["reports"] / row["reports_total"], 4) for row in by_year.values())
    assert sum(row["paragraphs"] for row in by_year.values()) == result["total"]
    assert sum(row["reports"] for row in result["trend"]["province"]) == result["reports"]


def test_trends_leave_out_reports_whose_province_is_unknown(tmp_path, corpus):
    from search.engine import Engine
    from search.index.writer import update_index

    (corpus / "unknown.txt").write_text(
        "某地2021年法治政府建设报告\n一、主要举措\n聘请律师担任法律顾问。\n", encoding="utf-8"
    )
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    result = engine.search(SearchRequest(q="法律顾问", mode="exact", limit=50))
    engine.close()
    provinces = {row["value"]: row for row in result["trend"]["province"]}
    known = [hit for hit in result["hits"] if hit["province"]]
    assert sum(row["paragraphs"] for row in provinces.values()) == len(known) < result["total"]
    assert provinces["重庆市"]["paragraphs"] == sum(1 for hit in known if hit["province"] == "重庆市")


def test_grouping_from_a_ranked_prefix_equals_sorting_every_match():
    """Grouped pages come from a prefix of the ranking; they must be those of ranking every match."""
    from types import SimpleNamespace

    import numpy as np

    from search.query.paging import Candidates, grouped

    def by_full_sort(facets, selected, scores, request):
        docs = np.flatnonzero(selected)
        primary = -np.round(scores[docs], 4)
        docs = docs[np.lexsort((facets.id_keys[docs], primary))]
        codes = facets.codes["township"][docs]
        groups, first = np.unique(codes, return_index=True)
        offset = (request.page - 1) * request.limit
        page = groups[np.argsort(first, kind="stable")][offset : offset + request.limit]
        result = []
        for code in page.tolist():
            result += docs[codes == code][: request.group_size].tolist()
        return result

    rng = np.random.default_rng(3)
    for trial in range(40):
        n = int(rng.integers(1, 3000))
        facets = SimpleNamespace(
            id_keys=rng.permutation(n).astype(np.uint64),
            codes={"township": rng.integers(-1, int(rng.integers(1, 400)), n).astype(np.int32)},
            years=np.zeros(n, dtype=np.int64),
        )
        scores = np.round(rng.random(n) * 3, 1).astype(np.float32)  # many ties
        selected = rng.random(n) < 0.7
        request = SearchRequest(
            q="x", group_by="township", page=int(rng.integers(1, 4)), limit=10, group_size=int(rng.integers(1, 4))
        )
        docs = np.flatnonzero(selected)
        ours = [doc for doc, *_ in grouped(facets, Candidates(docs, scores[docs]), request)]
        assert ours == by_full_sort(facets, selected, scores, request), trial


def test_folding_boilerplate_within_a_ranked_prefix_equals_folding_every_match():
    """The page lists the first copy of each boilerplate cluster; ranking a prefix must give the page that
    ranking and folding every candidate gives, for every page, with ties, clusters of every size, and tiers
    of match (only the best tiers that fill the prefix are ranked)."""
    from types import SimpleNamespace

    from search.query.paging import BOILERPLATE_REPORTS, Candidates, FoldedCopies, ranked

    def by_full_sort(facets, candidates, scores, tiers, clusters, request):
        tier = tiers[candidates] if tiers is not None else np.zeros(len(candidates), dtype=np.int8)
        order = candidates[np.lexsort((facets.id_keys[candidates], -np.round(scores[candidates], 4), tier))]
        seen, listed = set(), []
        for doc in order.tolist():
            label = int(clusters.label[doc]) if clusters.reports[doc] >= BOILERPLATE_REPORTS else None
            if label is None or label not in seen:
                listed.append(doc)
            if label is not None:
                seen.add(label)
        offset = (request.page - 1) * request.limit
        return listed[offset : offset + request.limit]

    rng = np.random.default_rng(5)
    for trial in range(40):
        n = int(rng.integers(1, 4000))
        facets = SimpleNamespace(id_keys=rng.permutation(n).astype(np.uint64), years=np.zeros(n, dtype=np.int64))
        label = rng.integers(-1, int(rng.integers(1, 60)), n)
        clusters = SimpleNamespace(label=label, reports=np.where(label >= 0, rng.integers(2, 6, n), 0))
        scores = np.round(rng.random(n) * 3, 1).astype(np.float32)  # many ties
        candidates = np.flatnonzero(rng.random(n) < 0.8)
        folding = np.where(clusters.reports >= BOILERPLATE_REPORTS, clusters.label, -1)
        labels = folding[candidates][folding[candidates] >= 0]
        folded = FoldedCopies(folding, labels, len(labels) - len(set(labels.tolist())))
        request = SearchRequest(q="x", page=int(rng.integers(1, 6)), limit=int(rng.integers(1, 30)))
        # Some trials without tiers (exact mode); in others the best tier is often smaller than a page.
        tiers = None if trial % 3 == 0 else 2 - (rng.random(n) ** int(rng.integers(1, 8)) * 3).astype(np.int8)
        for folding_copies in (folded, FoldedCopies()):
            aligned = Candidates(candidates, scores[candidates], None if tiers is None else tiers[candidates])
            ours = candidates[ranked(facets, aligned, request, folding_copies)].tolist()
            no_clusters = SimpleNamespace(label=np.full(n, -1), reports=np.zeros(n))
            clustered = clusters if folding_copies is folded else no_clusters
            assert ours == by_full_sort(facets, candidates, scores, tiers, clustered, request), trial


def test_facets_counted_by_report_equal_counting_every_paragraph(engine):
    """Township, year … are counted from a tally per report; each count must be the one over paragraphs."""
    with engine.using() as state:
        facets = state.facets
        assert set(facets.by_report) == {"level", "township", "county", "city", "province", "year"}
        by_report = facets.by_report
        for q in ("", "法律顾问", "信访 -制度"):
            for unit in ("paragraphs", "reports"):
                docs = state.evaluator.run(parse_query(q).query).strict if q else np.flatnonzero(facets.live)
                fast = {name: facets.counts(name, docs, unit=unit) for name in by_report}
                trend = [facets.trend(docs), facets.trend(docs, "province")]
                sizes = [facets.distinct(name, docs) for name in ("township", "report_id")]
                facets.by_report = {}
                try:
                    assert fast == {name: facets.counts(name, docs, unit=unit) for name in by_report}, (q, unit)
                    assert trend == [facets.trend(docs), facets.trend(docs, "province")], q
                    assert sizes == [facets.distinct(name, docs) for name in ("township", "report_id")], q
                finally:
                    facets.by_report = by_report


def test_topics_past_the_bit_limit_give_the_same_counts_filters_and_hits(sample_index, monkeypatch):
    # Up to MAX_TOPIC_BITS topics a document's topics are one number; past it a flag per topic.
    from search.engine import Engine
    from search.query import facets

    def answers():
        engine = Engine(sample_index)
        try:
            return [
                {k: v for k, v in search(engine, count=count, **request).items() if k != "seconds"}
                for count in ("paragraphs", "reports")
                for request in ({}, {"q": "调解"}, {"filters": {"topic": ["法律顾问", "人民调解"]}})
            ]
        finally:
            engine.close()

    as_bits = answers()
    monkeypatch.setattr(facets, "MAX_TOPIC_BITS", 0)
    as_flags = answers()
    assert as_flags == as_bits
    assert any(hit["topics"] for hit in as_bits[0]["hits"]) and as_bits[0]["facets"]["topic"]


def test_a_term_written_with_brackets_is_the_term_not_a_group_of_words(engine):
    """村（社区）法律顾问 is how reports write 村居法律顾问, but a query's brackets group words: it was searched as
    村 AND 社区 AND 法律顾问 (村 and 社区 fillers: every paragraph on any 法律顾问). Quoted, it stays a phrase;
    brackets around other words still group them."""
    bracketed = search(engine, "村（社区）法律顾问")
    assert bracketed["total"] == search(engine, "村(社区)法律顾问")["total"] == search(engine, "村居法律顾问")["total"]
    assert bracketed["total"] < search(engine, "法律顾问")["total"]
    assert search(engine, '"村（社区）法律顾问"')["total"] <= bracketed["total"]
    assert search(engine, "(普法 或 宣传) 法律顾问")["total"] > 0
    negated = search(engine, "法律顾问 -村（社区）法律顾问")["total"]
    assert negated == search(engine, "法律顾问 -村居法律顾问")["total"] > 0


def test_a_county_or_city_typed_by_its_short_name_names_its_reports(tmp_path):
    """江华 法律顾问, 玉树 法律顾问, 于都 法律顾问: short names that are not the name without 县 or 市 (江华瑶族自治县,
    玉树藏族自治州), or that the segmenter cuts into two words asking nothing (于 | 都), found nothing, or every
    paragraph on the topic (36 of 1,043 place words of 150 gazetteer townships wrong; 8, all names of two places)."""
    body = "一、主要举措\n聘请律师担任法律顾问，审核合同12份。"
    reports = {"江华瑶族自治县涛圩镇": body, "玉树市结古街道": body, "于都县贡江镇": body, "城口县北屏乡": body}
    found = _searched(tmp_path, reports, *((f"{short} 法律顾问", "expanded") for short in ("江华", "玉树", "于都")))
    strict = [{hit["township"] for hit in result["hits"][: result["total"]]} for result in found]
    assert strict == [{"涛圩镇"}, {"结古街道"}, {"贡江镇"}]


def test_places_whose_official_names_fold_to_other_characters_are_found_and_filtered(tmp_path):
    """乾县 (乾 folds to 干) and 鮜门镇 (鮜 to 鲘): queries and filters are folded, the facet values were not, so the
    county's filter, its place word and a click on its facet value found nothing (32 townships and 2 counties of
    the gazetteer are named so)."""
    body = "一、主要举措\n聘请律师担任法律顾问，审核合同12份。"
    reports = {"乾县梁村镇": body, "海丰县鮜门镇": body, "城口县北屏乡": body}
    queries = ("乾县 法律顾问", "法律顾问 county:乾县", "鮜门镇 法律顾问", "法律顾问 township:鮜门镇")
    found = _searched(tmp_path, reports, *((query, "expanded") for query in queries))
    strict = [{hit["township"] for hit in result["hits"][: result["total"]]} for result in found]
    assert strict == [{"梁村镇"}, {"梁村镇"}, {"鮜门镇"}, {"鮜门镇"}]
