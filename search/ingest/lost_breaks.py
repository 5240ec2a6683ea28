"""Reports whose line breaks were lost (the whole text one line, as copied from some pages): a part's heading
runs on from the sentence before it and into its body, a subsection into the sentence before it. What is found
here is cut apart again before the lines are read as front matter, headings and paragraphs
(:mod:`search.ingest.paragraphs`)."""

from __future__ import annotations

import re

from search.ingest.classify import PartRules, load_part_rules

# A sentence's end runs straight into a part's heading (…新进展。二、存在的问题和不足一是…), whose words run into
# its body; and, in such a report, into a subsection (。（二）…).
GLUED_PART = re.compile(r"(?<=[。！？；：])(?=[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}部分|【)")
HEADING_MARK = re.compile(r"[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}部分\s*|【[^】]{2,24}】")
SENTENCE_START = re.compile(r"(?<=[。！？])(?=\S)")
HEADING_NEAR = 34  # characters after a heading's mark that hold its last word or its body's first item
GLUED_LONG = 800  # characters of a line that holds several paragraphs whose breaks were lost, at least
GLUED_FRONT_LONG = 80  # characters of a line whose title and addressee lead a body
GLUED_SUBSECTION = re.compile(r"(?<=[。！？；])(?=（[一二三四五六七八九十]{1,3}）)")
BODY_START = re.compile(r"（[一二三四五六七八九十]{1,3}）|[一二三四五六七八九十]是|\d{1,2}[、.．]")
HEADING_END = re.compile(
    r"(?:情况|成效|原因|不足|问题|短板|安排|打算|计划|思路|举措|措施|做法)(?=[^，、；。：]*[，、；。：])"
)


# A whole report on one line opens with its title and addressee (…关于报送2024年度法治政府建设的报告 中共海宁市委、海宁市
# 人民政府: 2024年，…): each on its own, as they stand apart on the page.
GLUED_FRONT = re.compile(r"^(\S[^，。；：:！？]{5,70}?(?:报告|总结))\s+([\u4e00-\u9fff、，]{2,30}[：:])\s*(?=\S)")


def glued_apart(line: str) -> list[str]:
    """A line in which a sentence's end runs into a part's heading (…新进展。二、存在的问题和不足一是…; 第二部分…,
    【明年打算】…), as a report whose line breaks were lost holds all of itself: each such heading on its own,
    cut from its body (:func:`_heading_cut_from_body`); each subsection of the body (。（二）…) on its own. A
    long line without such headings comes apart at the openings of parts (:func:`_openings_apart`); any other
    line stays as it is: …。二、 without a part's name after it is no heading."""
    front = GLUED_FRONT.match(line) if len(line) >= GLUED_FRONT_LONG else None
    if front:
        return [front.group(1), front.group(2), *glued_apart(line[front.end() :])]
    rules = load_part_rules()
    cuts = [m.start() for m in GLUED_PART.finditer(line) if rules.named_by_heading([line[m.start() : m.start() + 30]])]
    if not cuts:
        return _openings_apart(line, rules) if len(line) >= GLUED_LONG else [line]
    pieces = [line[start:end] for start, end in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    apart = [pieces[0]]
    for piece in pieces[1:]:
        heading, body = _heading_cut_from_body(piece)
        apart += [heading, *(part for part in GLUED_SUBSECTION.split(body) if part)]
    return apart


def _openings_apart(line: str, rules: PartRules) -> list[str]:
    """A long line without part headings, as a report without headings whose line breaks were lost: a new
    paragraph where a sentence opens as a part's paragraph does (但…仍存在一些不足, 下一步，我镇将…)."""
    cuts = [
        m.start()
        for m in SENTENCE_START.finditer(line)
        if rules.named_by_opening(line[m.start() : m.start() + rules.opening_chars])
    ]
    return [line[start:end] for start, end in zip([0, *cuts], [*cuts, len(line)], strict=True)]


def _heading_cut_from_body(piece: str) -> tuple[str, str]:
    """(heading, body) of a part's heading glued to its body (…计划2023年，我镇将…：一是…): cut after the last
    heading word before its first item (（一）, 一是, 1.) or, with no item near, before the first mark; else where
    the first item starts; 【…】 at its bracket; the whole piece as the heading when nothing is found near."""
    mark = HEADING_MARK.match(piece)
    number = mark.end() if mark else 0
    if mark and mark.group().startswith("【"):
        return piece[:number], piece[number:]
    first_item = BODY_START.search(piece, number, number + HEADING_NEAR)
    limit = first_item.start() if first_item else number + HEADING_NEAR
    ends = [m.end() for m in HEADING_END.finditer(piece, number) if m.end() <= limit]
    cut = ends[-1] if ends else (first_item.start() if first_item else 0)
    return (piece[:cut], piece[cut:]) if cut else (piece, "")
