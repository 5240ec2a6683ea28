"""Reports whose line breaks were lost (the whole text one line, as copied from some pages): a part's heading
runs on from the sentence before it and into its body, a subsection into the sentence before it. What is found
here is cut apart again before the lines are read as front matter, headings and paragraphs
(:mod:`search.ingest.paragraphs`)."""

from __future__ import annotations

import re

from search.ingest.classify import PartRules, load_part_rules
from search.ingest.normalize import spaced_out

# A sentence's end runs straight into a part's heading (…新进展。二、存在的问题和不足一是…), whose words run into
# its body; and, in such a report, into a subsection (。（二）…).
GLUED_PART = re.compile(r"(?<=[。！？；：])(?=[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}部分|【)")
HEADING_MARK = re.compile(r"[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}部分\s*|【[^】]{2,24}】")
SENTENCE_START = re.compile(r"(?<=[。！？])(?=\S)")
HEADING_NEAR = 34  # characters after a heading's mark that hold its last word or its body's first item
GLUED_LONG = 800  # characters of a line that holds several paragraphs whose breaks were lost, at least
GLUED_FRONT_LONG = 80  # characters of a line whose title and addressee lead a body
# — 2 — or 第 3 页 共 9 页 between spaces in a long line: a PDF's page number, its line breaks lost around it
INLINE_PAGE_NUMBER = re.compile(
    r"(?:^|\s+)(?:[—–-]\s*\d{1,3}\s*[—–-]|第\s*\d{1,3}\s*页(?:\s*[，,]?\s*共\s*\d{1,3}\s*页)?)(?=\s|$)"
)
GLUED_SUBSECTION = re.compile(r"(?<=[。！？；])(?=（[一二三四五六七八九十]{1,3}）)")
BODY_START = re.compile(r"（[一二三四五六七八九十]{1,3}）|[一二三四五六七八九十]是|\d{1,2}[、.．]")
HEADING_END = re.compile(
    r"(?:情况|成效|原因|不足|问题|短板|安排|打算|计划|思路|举措|措施|做法)(?=[^，、；。：]*[，、；。：])"
)


# A whole report on one line opens with its title and addressee (…关于报送2024年度法治政府建设的报告 中共海宁市委、海宁市
# 人民政府: 2024年，…), or its title alone: each on its own, as they stand apart on the page.
GLUED_FRONT = re.compile(r"^(\S[^，。；：:！？]{5,70}?(?:报告|总结))\s+(?:([\u4e00-\u9fff、，]{2,30}[：:])\s*)?(?=\S)")
# A report whose paragraphs were joined by spaces into one line: a space after a sentence's end, more than once in
# a long line, is where a paragraph ended.
SPACED_BREAK = re.compile(r"(?<=[。！？.!?])\s+(?=\S)")
SPACED_LONG = 100
SENTENCE_ENDS = ("。", "；", "！", "？", ";", "!", "?")
SPACED_BREAKS = 3
# 一、 / （一） / (一) / 1、: the numbers a heading opens with where whitespace stands for a lost line break (with
# 第…部分, here and in :data:`search.ingest.paragraphs.PARAGRAPH_BREAK`)
SPACED_HEADING_NUMBER = r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|\d{1,2}、"
# 二、存在的不足 执法力量薄弱，…: a heading, whitespace, and its body's sentences, as paragraphs joined by spaces
# stand in a report whose line breaks were lost (a space before 年 is inside a heading: 一、2023 年度…).
HEADING_BEFORE_SPACE = re.compile(
    r"^((?:" + SPACED_HEADING_NUMBER + r"|第[一二三四五六七八九十]{1,3}部分)"
    r"\s*(?:[^\s。；：.;:！？!?]|\s+(?=[年月日])){1,40}?[^\s\d。；：.;:！？!?])\s+(?=\S[^\n]{0,200}?[，。；,.;])"
)


def glued_apart(line: str) -> list[str]:
    """A line in which a sentence's end runs into a part's heading (…新进展。二、存在的问题和不足一是…; 第二部分…,
    【明年打算】…), as a report whose line breaks were lost holds all of itself: each such heading on its own,
    cut from its body (:func:`_heading_cut_from_body`); each subsection of the body (。（二）…) on its own. A
    long line without such headings comes apart at the openings of parts (:func:`_openings_apart`); any other
    line stays as it is: …。二、 without a part's name after it is no heading."""
    rules = load_part_rules()
    cuts = [m.start() for m in GLUED_PART.finditer(line) if rules.named_by_heading([line[m.start() : m.start() + 30]])]
    if not cuts:
        return _openings_apart(line, rules) if len(line) >= GLUED_LONG else [line]
    pieces = [line[start:end] for start, end in zip([0, *cuts], [*cuts, len(line)], strict=True)]
    apart = [pieces[0]]
    for piece in pieces[1:]:
        heading, body = _heading_cut_from_body(piece)
        if body.startswith(SENTENCE_ENDS):  # 第二部分是存在的问题。: a sentence naming a part, no heading
            apart[-1] += piece
            continue
        apart += [heading, *(part for part in GLUED_SUBSECTION.split(body) if part)]
    return apart


def unpaged(line: str) -> str:
    """``line`` without the page numbers a PDF's text joined into it (…达到100%。 — 2 — 三是…), as
    :func:`search.ingest.text.is_page_number` drops those on lines of their own."""
    return INLINE_PAGE_NUMBER.sub(" ", line).strip()


def front_apart(line: str) -> list[str]:
    """A long line led by a report's title and, if any, its addressee (…的报告 中共海宁市委、海宁市人民政府: 2024年，…;
    桃源镇2024年法治政府建设工作报告 2024年，…): title, addressee and the rest apart, its page numbers out
    (:func:`unpaged`); any other line as it is."""
    if len(line) < GLUED_FRONT_LONG:
        return [line]
    line = unpaged(line)
    front = GLUED_FRONT.match(line)
    if not front:
        return [line]
    return [front.group(1), *filter(None, [front.group(2)]), line[front.end() :]]


def spaced_apart(line: str) -> list[str]:
    """A long line whose sentences end before a space three times or more, as a report whose paragraphs were
    joined by spaces into one line holds them: a paragraph at each such space; any other line as it is (a line
    with a space between every two characters, as some PDFs' text is, has one after each full stop too)."""
    if len(line) < SPACED_LONG or spaced_out(line) or len(SPACED_BREAK.findall(line)) < SPACED_BREAKS:
        return [line]
    return [piece for piece in SPACED_BREAK.split(line) if piece]


def heading_apart(piece: str) -> list[str]:
    """二、存在的不足 执法力量薄弱，… : the heading and its body apart, and so on down (一、… （一）… 1.…); any
    other piece as it is (一、2024年 主要工作, with no sentence after the space, is one heading)."""
    apart = []
    while heading := HEADING_BEFORE_SPACE.match(piece):
        apart.append(heading.group(1))
        piece = piece[heading.end() :]
    return [*apart, piece]


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
