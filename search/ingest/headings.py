"""A line's level as a heading: by its number (一、 / （一） / 1. / （1） / ①), by a part heading's other marks
(■ 存在不足, 第二，存在的不足), or as its file marks it (a Word heading style, <h3>)."""

from __future__ import annotations

import re

from search.ingest.classify import load_part_rules
from search.ingest.model import HeadingLine

INNER_BREAK = re.compile(r"[。！？；]")
CIRCLED_LEVEL = 5  # ① ② …: a heading when alone on its line
# Marks some reports give their part headings instead of 一、: 第一，, a bare numeral or a bullet. A line so
# marked is a heading only when what follows names a report part (see names_a_part).
PART_HEADING_MARKS = [
    (
        1,
        re.compile(
            r"^(?:第[一二三四五六七八九十]{1,3}[，,]|[一二三四五六七八九十]{1,3}(?=[^一二三四五六七八九十〇○零是、，,.年]))"
        ),
    ),
    (1, re.compile(r"^[■□◆◇●▲►▶★☆◎]\s*")),
]
PART_HEADING_MAX = 24
HEADING_LEVELS = [
    (
        1,
        re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、，.]|第[一二三四五六七八九十]{1,3}(?:部分|章)|【[^】]{2,20}】)"),
    ),
    (2, re.compile(r"^(?:（[一二三四五六七八九十]{1,3}）|[㈠-㈩])")),
    (3, re.compile(r"^\d{1,2}(?:[、，]|\.(?!\d)|\.(?=(?:19|20)\d\d年))")),  # 4.2026年工作打算: no decimal
    (4, re.compile(r"^（\d{1,2}）")),
    (CIRCLED_LEVEL, re.compile(r"^[①-⑳]")),
]


def numbered_level(line: str) -> int:
    """The level a line's number gives it as a heading (一、 / （一） / 1. / （1）), or 0; a part heading marked
    otherwise (■ 存在不足, 第二，存在的不足) is of the level those marks stand for."""
    for level, pattern in HEADING_LEVELS:
        if pattern.match(line):
            return level
    for level, pattern in PART_HEADING_MARKS:
        if (marked := pattern.match(line)) and names_a_part(line[marked.end() :]):
            return level
    return 0


def names_a_part(phrase: str, longest: int = PART_HEADING_MAX) -> bool:
    """Whether a short phrase, no sentence, names a report part as a heading would (data/parts.json): a bullet
    or 第一， also opens lines of the body, which must not be taken for headings."""
    return (
        2 <= len(phrase) <= longest
        and not INNER_BREAK.search(phrase)
        and "报告" not in phrase  # a title (二〇二一年度…工作情况报告) names a part's words too
        and bool(load_part_rules().named_by_heading([phrase]))
    )


def heading_level(line: str) -> int:
    """A line's level as a heading: as its file marks it (a Word heading style, <h3>; ranked with the numbered
    lines of such a file by :func:`search.ingest.paragraphs.segment`), else by its number; 0 for body text."""
    return line.level if isinstance(line, HeadingLine) else numbered_level(line)
