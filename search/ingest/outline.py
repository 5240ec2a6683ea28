"""The outline a report numbers its headings in. The standard one (GB/T 9704) is 一、 over （一） over 1. over
（1）, and a line's number gives its level; some reports number their parts 1、 and what is under them （一）,
which that reading turns upside down (every （一） heads the parts after it)."""

from __future__ import annotations

import re
from collections.abc import Callable

from search.ingest.model import HeadingLine
from search.ingest.normalize import chinese_number

FIRST, SECOND, FIGURES = 1, 2, 3  # 一、, （一）, 1. as paragraphs.numbered_level gives them
SECOND_NUMBER = re.compile(r"^（([一二三四五六七八九十]{1,3})）")


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
