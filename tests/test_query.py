"""Query syntax and its error messages."""

from __future__ import annotations

import pytest

from search.query.parse import QueryError, parse_query


@pytest.mark.parametrize(
    "text",
    [
        "法律顾问",
        "法律顾问 人民调解",
        "法律顾问 OR 律师",
        "普法 -宣传",
        "NOT 信访 普法",
        '"顾问制度"',
        "(普法 OR 宣传) 形式",
        "township:北屏乡 信访",
        "year:2020-2022",
        "乡镇:北屏乡",
        "topic:法律顾问",
        "part:不足",
        "year:2021-",
        "year:-2021",
        "法律顾問",
    ],
)
def test_valid_queries_parse(text):
    parse_query(text)


@pytest.mark.parametrize(
    "text,message",
    [
        ('"法律顾问', "引号"),
        ("(普法 OR 宣传", "括号"),
        ("普法)", "右括号"),
        ("OR 普法", "OR 前面"),
        ("普法 OR", "OR 后面"),
        ("NOT", "NOT 后面"),
        ("year:二〇二〇", "year"),
        ("year:2022-2020", "起始年份"),
        ("part:前言", "part"),
        ("foo:bar", "未知字段"),
        ("法" * 600, "太长"),
        ('""', "引号里"),
        ("()", "括号里"),
    ],
)
def test_malformed_query_has_a_clear_message(text, message):
    with pytest.raises(QueryError) as caught:
        parse_query(text)
    assert message in str(caught.value)


def test_field_terms_become_filters_not_text():
    parsed = parse_query("信访 township:北屏乡 year:2020")
    assert parsed.filters == {"township": ["北屏乡"], "year": ["2020"]}
    assert "信访" in parsed.highlight


def test_negated_words_are_not_highlighted():
    parsed = parse_query("普法 -宣传")
    assert "普法" in parsed.highlight and "宣传" not in parsed.highlight


def test_empty_query_browses():
    assert parse_query("   ").is_empty
