"""Query syntax and its error messages."""

from __future__ import annotations

import pytest

from search.query import SearchRequest
from search.query.parse import AllOf, AnyOf, FieldIs, InHeading, QueryError, Text, parse_query

T = Text


@pytest.mark.parametrize(
    "text,tree,filters",
    [
        ("法律顾问", T("法律顾问", False), {}),
        ("法律顾问 人民调解", AllOf([T("法律顾问", False), T("人民调解", False)]), {}),
        ("法律顾问 OR 律师", AnyOf([T("法律顾问", False), T("律师", False)]), {}),
        ("法律顾问 | 律师", AnyOf([T("法律顾问", False), T("律师", False)]), {}),
        ("普法 -宣传", AllOf([T("普法", False)], [T("宣传", False)]), {}),
        ("NOT 信访 普法", AllOf([T("普法", False)], [T("信访", False)]), {}),
        ('"顾问制度"', T("顾问制度", True), {}),
        ("(普法 OR 宣传) 形式", AllOf([AnyOf([T("普法", False), T("宣传", False)]), T("形式", False)]), {}),
        ("普法 OR 宣传 形式", AllOf([AnyOf([T("普法", False), T("宣传", False)]), T("形式", False)]), {}),
        ("形式 普法 OR 宣传", AllOf([T("形式", False), AnyOf([T("普法", False), T("宣传", False)])]), {}),
        ("township:北屏乡 信访", T("信访", False), {"township": ["北屏乡"]}),
        ("year:2020-2022", None, {"year": ["2020-2022"]}),
        ("乡镇:北屏乡", None, {"township": ["北屏乡"]}),
        ("topic:法律顾问", None, {"topic": ["法律顾问"]}),
        ("part:不足", None, {"part": ["不足"]}),
        ("year:2021-", None, {"year": ["2021-"]}),
        ("year:-2021", None, {"year": ["-2021"]}),
        ("法律顾問", T("法律顾问", False), {}),
        ("标题:法律顾问", InHeading("法律顾问"), {}),
        ("普法 -township:北屏乡", AllOf([T("普法", False)], [FieldIs("township", "北屏乡")]), {}),
    ],
)
def test_valid_queries_parse_into_the_tree_the_syntax_describes(text, tree, filters):
    parsed = parse_query(text)
    assert (parsed.query, parsed.filters) == (tree, filters)


@pytest.mark.parametrize(
    "text,message",
    [
        ('"法律顾问', "引号"),
        ("(普法 OR 宣传", "括号"),
        ("普法)", "右括号"),
        ("OR 普法", "OR 前面"),
        ("普法 OR", "OR 后面"),
        ("普法 OR -宣传", "要排除的词"),
        ("普法 OR township:北屏乡", "字段条件"),
        ("NOT", "NOT 后面"),
        ("year:二〇二〇", "year"),
        ("part:前言", "part"),
        ("foo:bar", "未知字段"),
        ("法" * 600, "太长"),
        ('""', "引号里"),
        ("()", "括号里"),
        ("法律顾问”", "引号"),
    ],
)
def test_malformed_query_has_a_clear_message(text, message):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in str(caught.value)


def test_a_passage_pasted_from_inside_a_quotation_or_bracket_is_searched_as_text(engine):
    """A passage cut from a paragraph to find who else wrote it may start inside a quotation (…”三级调解网络，)
    or end inside a bracket: typed syntax, that is an error to point out; pasted text, only text. 2 of 120
    passages of the test reports failed so; their paragraph is the first hit now."""
    passage = "”三级调解网络，聘请退休法官、律师担任专职调解员"
    assert parse_query(passage).terms == ["三级调解网络，聘请退休法官、律师担任专职调解员"]
    assert parse_query("建立（2021—2025年规划，聘请退休法官担任调解员").terms == [
        "建立",
        "2021—2025年规划，聘请退休法官担任调解员",
    ]
    paragraph = next(
        h["text"] for h in engine.search(SearchRequest(q="法律顾问", limit=50))["hits"] if "，" in h["text"]
    )
    cut = "”" + paragraph[2:40] + "（"
    assert engine.search(SearchRequest(q=cut, limit=3))["hits"][0]["text"] == paragraph


def test_field_terms_become_filters_not_text():
    parsed = parse_query("信访 township:北屏乡 year:2020")
    assert parsed.filters == {"township": ["北屏乡"], "year": ["2020"]}
    assert "信访" in parsed.highlight


def test_negated_words_are_not_highlighted():
    parsed = parse_query("普法 -宣传")
    assert "普法" in parsed.highlight and "宣传" not in parsed.highlight


def test_empty_query_browses():
    assert parse_query("   ").is_empty


def test_a_year_range_written_backwards_means_the_same_years():
    assert parse_query("year:2022-2020").filters == {"year": ["2022-2020"]}
    from search.query.parse import normalize_filter_value

    assert normalize_filter_value("year", "2022-2020") == (2020, 2022)


def test_place_words_leave_off_a_province_or_city_ending_but_not_a_countys_or_townships():
    """浙江, 新疆 and 湖州 are how users write those places; 和平 (和平区) and 建设 (建设乡) are common words."""
    from types import SimpleNamespace

    from search.query.places import PlaceWords

    values = {"province": ["浙江省", "新疆维吾尔自治区"], "city": ["湖州市"], "county": ["和平区", "德清县"]}
    words = PlaceWords(SimpleNamespace(values=values, township_names=["新市镇", "建设乡"]))
    assert words.named("浙江") == (("province", "浙江省"),) == words.named("浙江省")
    assert words.named("新疆") == (("province", "新疆维吾尔自治区"),) and words.named("湖州") == (("city", "湖州市"),)
    assert words.named("和平区") == (("county", "和平区"),) and words.named("和平") == ()
    assert words.named("建设乡") == (("township", "建设乡"),) and words.named("建设") == ()


def test_a_chinese_operator_character_that_joins_nothing_is_searched_as_a_word():
    """或, 且 and 非 are characters of report text too: a query of 或 alone (a substring a user copied) gave
    "OR 前面缺少检索词". Where one can join nothing it is a word; between two terms it is still the operator,
    and the English OR still says what is missing."""
    assert parse_query("或").query == Text("或", exact=False)
    assert parse_query("法律 非").query == AllOf([Text("法律", exact=False), Text("非", exact=False)], [])
    assert isinstance(parse_query("法律 或 顾问").query, AnyOf)
    with pytest.raises(QueryError, match="OR 前面缺少检索词"):
        parse_query("OR 法律")


def test_two_short_terms_joined_by_huozhe_are_either_of_them(engine):
    """人民调解或者行政调解 was one run of words, every one required: the paragraphs on either were no full match.
    Typed so, it is the two terms OR-ed, as 人民调解 或 行政调解 is; quoted, it stays a phrase."""
    from search.query import SearchRequest

    either = engine.search(SearchRequest(q="人民调解或者行政调解", limit=100))
    spaced = engine.search(SearchRequest(q="人民调解 或 行政调解", limit=100))
    assert either["total"] == spaced["total"] > 0
    assert [h["id"] for h in either["hits"]] == [h["id"] for h in spaced["hits"]]
    assert engine.search(SearchRequest(q='"人民调解或者行政调解"'))["total"] == 0


def test_two_short_terms_joined_by_a_single_huo_are_either_but_buke_huoque_is_a_word(engine):
    """人民调解或行政调解 required 或 and both terms; 不可或缺 (或 in a word) stays what it was."""
    from search.query import SearchRequest

    either = engine.search(SearchRequest(q="人民调解或行政调解", limit=100))
    spaced = engine.search(SearchRequest(q="人民调解 OR 行政调解", limit=100))
    assert either["total"] == spaced["total"] > 0
    assert [h["id"] for h in either["hits"]] == [h["id"] for h in spaced["hits"]]
    assert not isinstance(parse_query("不可或缺").query, AnyOf)


@pytest.mark.parametrize(
    "typed",
    [
        "不含信访的矛盾纠纷",
        "除了信访以外的矛盾纠纷",
        "除信访外的矛盾纠纷",
        "矛盾纠纷不包括信访",
        "矛盾纠纷 不含 信访",
        "不要信访的矛盾纠纷",
        "除了信访，其他的矛盾纠纷",
    ],
)
def test_asking_for_one_thing_without_another_in_words_excludes_it(engine, typed):
    """不含信访的矛盾纠纷 required 不, 含 and 信访 (the paragraphs on petitions first): the user's words for NOT
    are the syntax's NOT."""
    from search.query import SearchRequest

    asked = engine.search(SearchRequest(q=typed, limit=100))
    syntax = engine.search(SearchRequest(q="矛盾纠纷 -信访", limit=100))
    assert asked["total"] == syntax["total"] > 0
    assert [h["id"] for h in asked["hits"]] == [h["id"] for h in syntax["hits"]]


@pytest.mark.parametrize(
    "typed",
    ["法律顾问|人民调解", "法律顾问｜人民调解", "法律顾问||人民调解", "法律顾问/人民调解", "法律顾问／人民调解"],
)
def test_a_bar_or_slash_between_two_terms_is_or_without_spaces(typed):
    """| is the syntax's OR, but only with spaces around it: 法律顾问|人民调解 required both terms (5 full matches
    over the test reports, 151 either way); A/B is how Chinese writes "A or B" (法律顾问/公职律师). A field's value
    keeps its slash."""
    assert parse_query(typed).query == AnyOf([Text("法律顾问", exact=False), Text("人民调解", exact=False)])
    assert parse_query("法律顾问 | 人民调解").query == parse_query(typed).query
    assert parse_query("county:城口县/巫溪县").filters == {"county": ["城口县/巫溪县"]}


@pytest.mark.parametrize(
    ("typed", "syntax"),
    [
        ("2020年到2023年的法律顾问", "法律顾问 year:2020-2023"),
        ("2020至2023年法律顾问", "法律顾问 year:2020-2023"),
        ("2021年以来的法律顾问", "法律顾问 year:2021-"),
        ("2021年至今的法律顾问", "法律顾问 year:2021-"),
    ],
)
def test_years_spanned_in_words_are_every_year_between(engine, typed, syntax):
    """2020年到2023年 found the reports of 2020 or of 2023 (not 2021, 2022) and required 到; 2021年以来 found 2021's
    only: the span in the user's words is the span of the syntax, and a hit says the report's year matched."""
    filtered = engine.search(SearchRequest(q=syntax, limit=100))
    asked = engine.search(SearchRequest(q=typed, limit=100))
    total = filtered["total"]
    assert asked["total"] >= total > 0
    assert {h["id"] for h in filtered["hits"][:total]} <= {h["id"] for h in asked["hits"][: asked["total"]]}
    assert len({h["year"] for h in asked["hits"][:total]}) > 1
    # a year a paragraph or its heading writes counts as a single year's does: a 2020 report's plans for 2021
    extra = [h for h in asked["hits"][: asked["total"]] if h["id"] not in {f["id"] for f in filtered["hits"]}]
    assert all(any(str(year) in h["text"] + "".join(h["section"]) for year in range(2020, 2030)) for h in extra)
    # each says the year it matched by: the one it writes, or its report's (2022（报告年度） of 2020年到2023年)
    assert all(any(str(year) in h["why"] for year in range(2020, 2030)) for h in asked["hits"][: asked["total"]])


@pytest.mark.parametrize(
    "typed",
    [
        "法律顾问 -重庆",
        "法律顾问 NOT 城口县",
        "除了城口县以外的法律顾问",
        "除了城口县其他乡镇的法律顾问",
        "城口县以外的法律顾问",
    ],
)
def test_excluding_a_place_leaves_out_its_reports(engine, typed):
    """A place's word finds its reports' paragraphs; excluded, it left out only the paragraphs writing it: 法律顾问
    -重庆 still listed 重庆's townships."""
    place = "城口县" if "城口县" in typed else "重庆市"
    field = "county" if place == "城口县" else "province"
    every = engine.search(SearchRequest(q="法律顾问", limit=100))
    asked = engine.search(SearchRequest(q=typed, limit=100))
    assert any(h[field] == place for h in every["hits"][: every["total"]])
    assert 0 < asked["total"] < every["total"]
    assert not any(h[field] == place for h in asked["hits"][: asked["total"]])


def test_what_lies_outside_something_not_a_place_is_no_exclusion():
    """八小时以外的监督 asks for supervision after hours, 职责以外的事项 for matters beyond duties: not NOT."""
    for typed in ("八小时以外的监督", "职责以外的事项"):
        assert not isinstance(parse_query(typed).query, AllOf) or not parse_query(typed).query.exclude


@pytest.mark.parametrize("typed", ["“法律顾问”怎么做", "关于“法律顾问”", '"法律顾问" 怎么 做'])
def test_question_words_around_a_quoted_phrase_ask_nothing(engine, typed):
    """“法律顾问”怎么做 found nothing: beside a quoted phrase the words asking how were required as typed, though
    the same words around an unquoted term are fillers."""
    total = engine.search(SearchRequest(q='"法律顾问"'))["total"]
    assert engine.search(SearchRequest(q=typed))["total"] == total > 0


def test_asking_how_many_times_asks_for_the_subject(engine):
    """普法宣传搞了几次 (how often): 几次 asks a count the paragraphs state in figures, not a word they write."""
    total = engine.search(SearchRequest(q="普法宣传"))["total"]
    assert engine.search(SearchRequest(q="普法宣传搞了几次"))["total"] == total > 0


def test_or_binds_closer_than_the_space_between_terms(engine):
    """重庆 OR 青海 法律顾问 and 重庆或青海 法律顾问 were 重庆 OR (青海 法律顾问): every paragraph of 重庆's reports (92 on
    the samples). As web search engines read it, OR joins the terms beside it: (重庆 OR 青海) 法律顾问."""
    grouped = engine.search(SearchRequest(q="(重庆 OR 青海) 法律顾问"))["total"]
    assert engine.search(SearchRequest(q="重庆 OR 青海 法律顾问"))["total"] == grouped
    assert engine.search(SearchRequest(q="重庆或青海 法律顾问"))["total"] == grouped
    assert grouped < engine.search(SearchRequest(q="重庆"))["total"]


def test_a_municipality_and_a_province_named_together_are_either(engine):
    """青海和重庆的法律顾问 required both: 重庆 names a city and a province (a municipality), so it was not taken as
    a place of 青海's kind, and no report is from two provinces."""
    either = engine.search(SearchRequest(q="青海和重庆的法律顾问"))["total"]
    each = [engine.search(SearchRequest(q=f"{place} 法律顾问"))["total"] for place in ("青海", "重庆")]
    assert either == sum(each) and all(each)
    assert engine.search(SearchRequest(q="青海 重庆 法律顾问"))["total"] == either


@pytest.mark.parametrize(
    "typed", ["北屏乡 vs 花台乡 法律顾问", "北屏乡和花台乡的法律顾问有什么不同", "北屏乡PK花台乡的法律顾问"]
)
def test_asking_to_compare_two_places_finds_either_places_paragraphs(engine, typed):
    """vs, PK and 有什么不同 ask to compare: they were required words, and nothing was found."""
    total = engine.search(SearchRequest(q="北屏乡 花台乡 法律顾问"))["total"]
    assert engine.search(SearchRequest(q=typed))["total"] == total > 0
