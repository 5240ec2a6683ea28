"""Lines a text file keeps from the page it was copied from (a PDF, a fixed-width page): every full line of a
paragraph ends at the page's width, mid-sentence or not, and a numbered item or a heading broken there looks
like a heading over the rest of its sentence. The lines are joined back as
:func:`search.ingest.text.join_wrapped_lines` joins a PDF's own: a line that reaches the width the text was
wrapped at goes on in the next, unless that one starts a paragraph (an indent, when the text has indents; a
heading's number; a blank line). The width is the text's own: most of its lines end there and none far past it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from search.ingest.model import HeadingLine
from search.ingest.text import is_page_number

MIN_WRAP_WIDTH = 16  # narrower than that, short lines (a list, a signature) would agree on a width by chance
MIN_FULL_LINES = 5
FULL_LINE_SHARE = 0.3  # of the text's lines of 10 characters or more, at least this many end at the width
WIDER_LINE_SHARE = 0.1  # and at most this many are wider than it
SENTENCE_END = "。！？；：…"
SENTENCES_PER_PARAGRAPH = 2
FULL_LINES_ENDING_SENTENCES = 0.25
INDENT = re.compile(r"^[\s\u3000]+")
NARROW = re.compile(r"[\u0000-\u1fff]")  # half a Chinese character wide: digits, Latin letters, ASCII marks


def visual_width(line: str) -> float:
    """The width a line takes on a page, in Chinese characters: a digit or Latin letter takes half."""
    return len(line) - len(NARROW.findall(line)) / 2


def wrap_width(lines: list[str]) -> float:
    """The width ``lines`` were wrapped at, in Chinese characters (indents included); 0 when they were not:
    fewer than five lines, or under 30 % of them, end within a character of one width, or over 10 % are wider."""
    widths = [visual_width(line.rstrip()) for line in lines if len(line.strip()) >= 10]
    if len(widths) < MIN_FULL_LINES:
        return 0
    # Widths are whole or half characters: those within one character of a width are five counts apart at most.
    counts = Counter(widths)
    best_count, best = max((sum(counts[width + step / 2] for step in range(-2, 3)), width) for width in counts)
    wider = sum(width > best + 1.5 for width in widths)
    if (
        best < MIN_WRAP_WIDTH
        or best_count < max(MIN_FULL_LINES, FULL_LINE_SHARE * len(widths))
        or wider > WIDER_LINE_SHARE * len(widths)
    ):
        return 0
    return best


def unwrapped(
    lines: list[str], starts_paragraph: Callable[[str], bool], alone: Callable[[str], bool] = lambda line: False
) -> list[str]:
    """``lines`` with each paragraph a wrapped text broke at the page's width joined again; page numbers between
    its lines (— 2 —) left out. ``starts_paragraph`` says whether a line opens one by its number (一、, （二）),
    ``alone`` whether it is a line of its own, joined to neither neighbour (a web page's chrome)."""
    width = wrap_width(lines)
    if not width:
        return lines
    indents = sum(bool(INDENT.match(line)) for line in lines if line.strip()) >= 2
    sentences_go_on = not indents and _sentences_mostly_go_on(lines, width)
    joined: list[str] = []
    last, last_alone = "", False
    for line in lines:
        if is_page_number(line.strip()):
            continue
        line_alone = alone(line)  # asked once a line: it decides both this join and the next
        if (
            joined
            and not line_alone
            and not last_alone
            and _goes_on(last, line, width, indents, starts_paragraph, sentences_go_on)
        ):
            joined[-1] = joined[-1].rstrip() + line.strip()
        else:
            joined.append(line)
        last, last_alone = line, line_alone
    return joined


def _sentences_mostly_go_on(lines: list[str], width: float) -> bool:
    """Whether, in a text without indents, a sentence that ends at the end of a full line more likely goes on in
    the next line's sentence than ends its paragraph: the text's sentences (。！？) outnumber twice over the
    paragraphs its short lines end, a sentence ending anywhere in a line as likely as a paragraph."""
    sentences = sum(line.count(mark) for line in lines for mark in "。！？")
    paragraphs = sum(1 for line in lines if line.strip() and visual_width(line.rstrip()) < width - 1)
    full = [line.rstrip() for line in lines if line.strip() and visual_width(line.rstrip()) >= width - 1]
    ending = sum(line[-1] in "。！？" for line in full)
    # where most full lines end a sentence, they are paragraphs of one length, not a page's wrapped lines
    return ending < FULL_LINES_ENDING_SENTENCES * len(full) and sentences > SENTENCES_PER_PARAGRAPH * max(paragraphs, 1)


def _goes_on(
    last: str,
    line: str,
    width: float,
    indents: bool,
    starts_paragraph: Callable[[str], bool],
    sentences_go_on: bool = False,
) -> bool:
    """Whether ``line`` goes on with the paragraph whose physical line ``last`` was. Without indents to mark a
    paragraph's start, a full line that ends a sentence ends its paragraph too, unless the text's paragraphs run
    to several sentences (``sentences_go_on``)."""
    text = line.strip()
    if not text or not last.strip() or isinstance(line, HeadingLine) or isinstance(last, HeadingLine):
        return False
    if visual_width(last.rstrip()) < width - 1 or starts_paragraph(text):
        return False
    if indents:
        return not INDENT.match(line)
    return sentences_go_on or last.rstrip()[-1] not in SENTENCE_END
