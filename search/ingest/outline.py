"""The outline a report numbers its headings in. The standard one (GB/T 9704) is 一、 over （一） over 1. over
（1）, and a line's number gives its level; some reports number their parts 1、 and what is under them （一）,
which that reading turns upside down (every （一） heads the parts after it), and some put 第一部分 over 一、."""

from __future__ import annotations

import re
from collections.abc import Callable

from search.ingest.model import HeadingLine
from search.ingest.normalize import chinese_number

FIRST, SECOND, FIGURES = 1, 2, 3  # 一、, （一）, 1. as paragraphs.numbered_level gives them
SECOND_NUMBER = re.compile(r"^（([一二三四五六七八九十]{1,3})）")
CHAPTER = re.compile(r"^第[一二三四五六七八九十]{1,3}(?:部分|章)|^【[^】]{2,20}】")  # 【存在问题】 is a chapter's peer


def figures_first(lines: list[str], level_of: Callable[[str], int]) -> list[str]:
    """``lines`` with the lines numbered in figures (1、) made the outline's first level where the report numbers
    no line 一、, a line numbered in figures comes before the first （一）, and none stands between two
    consecutive （一）-numbered lines (（二） after it, not a new （一）: there it is an item of theirs). A file that
    marks its headings is left alone."""
    if any(isinstance(line, HeadingLine) for line in lines):
        return lines
    levels = [level_of(line) for line in lines]
    if FIRST in levels or SECOND not in levels or FIGURES not in levels:
        return lines
    if levels.index(FIGURES) > levels.index(SECOND) or _items_of_seconds(lines, levels):
        return lines
    return [HeadingLine(line, FIRST) if level == FIGURES else line for line, level in zip(lines, levels, strict=True)]


def chapters_first(lines: list[str], level_of: Callable[[str], int]) -> list[str]:
    """``lines`` with the lines numbered 第一部分 or 第一章 made the outline's first level and every other
    numbered line one level deeper, where lines numbered 一、 stand under them (第一部分 … 一、加强组织领导): read
    at one level, each 一、 ended the part its 第N部分 had begun, and the part it named was lost."""
    levels = [level_of(line) for line in lines]
    chapters = [bool(CHAPTER.match(line)) for line in lines]
    if True not in chapters:
        return lines
    start = chapters.index(True)
    if not any(level == FIRST and not chapter for level, chapter in zip(levels[start:], chapters[start:], strict=True)):
        return lines
    return [
        HeadingLine(line, FIRST if chapter else level + 1) if chapter or level else line
        for line, level, chapter in zip(lines, levels, chapters, strict=True)
    ]


def _items_of_seconds(lines: list[str], levels: list[int]) -> bool:
    """Whether a line numbered in figures stands between two lines numbered （一） that follow on (（一） … 1. …
    （二）): the figures number items under them, not parts over them."""
    last, figures_since = 0, False
    for line, level in zip(lines, levels, strict=True):
        if level == SECOND:
            number = _second_number(line)
            if figures_since and last and number == last + 1:
                return True
            last, figures_since = number, False
        elif level == FIGURES:
            figures_since = True
    return False


def _second_number(line: str) -> int:
    """The number of a line numbered （一） … （二十九）; 0 if it cannot be read."""
    found = SECOND_NUMBER.match(line)
    return chinese_number(found.group(1)) if found else 0
