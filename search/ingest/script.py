"""Reports written in Traditional characters (a site's 繁体 version saved, a report from Hong Kong, Macao or
Taiwan researchers' collections) read as Simplified, so that their headings, places, parts and topics are
found by the same rules as every other report's.

The conversion is OpenCC's character table, one character for one (the same table the index folds search
text with), so a line keeps its length. A report counts as Traditional only when enough of its Chinese
characters are Traditional-only: a Simplified report quoting 乾隆 or a name written 於 is left as written.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import islice
from pathlib import Path

from search.ingest.model import HeadingLine, RawText

TRADITIONAL_SHARE = 0.03
"""Share of the Chinese characters that must be Traditional-only (a Traditional text has 15–30 %; a Simplified
report's stray 乾 or 於 is far below a hundredth)."""
TRADITIONAL_MINIMUM = 3
SAMPLE = 100_000
CHINESE = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]")
TRADITIONAL = "繁体"


@lru_cache(maxsize=1)
def traditional_table() -> dict[int, str]:
    """Each Traditional-only character to its first Simplified form, from OpenCC's TSCharacters."""
    import opencc

    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = target
    return table


def is_traditional(lines: list[str]) -> bool:
    """Whether enough of the Chinese characters of ``lines`` (their first SAMPLE characters: a hostile file's
    millions need not all be looked at) are Traditional-only to read them as Simplified."""
    text = "".join(islice(lines, _lines_to_sample(lines)))[:SAMPLE]
    chinese = len(CHINESE.findall(text))
    traditional = len(text) - len(text.translate(_traditional_removed()))
    return traditional >= TRADITIONAL_MINIMUM and traditional >= TRADITIONAL_SHARE * chinese


def _lines_to_sample(lines: list[str]) -> int:
    size = 0
    for count, line in enumerate(lines, 1):
        size += len(line)
        if size >= SAMPLE:
            return count
    return len(lines)


@lru_cache(maxsize=1)
def _traditional_removed() -> dict[int, None]:
    return dict.fromkeys(traditional_table())


def simplified(text: str) -> str:
    """``text`` with every Traditional-only character in its Simplified form (same length)."""
    return text.translate(traditional_table())


def read_as_simplified(raw: RawText) -> str:
    """Convert ``raw`` in place when it is written in Traditional characters; return the script it was
    written in (:data:`TRADITIONAL`, or "" for Simplified, left untouched)."""
    if not is_traditional(raw.lines):
        return ""
    raw.lines = [_simplified_line(line) for line in raw.lines]
    raw.hints = {key: simplified(value) for key, value in raw.hints.items()}
    return TRADITIONAL


def _simplified_line(line: str) -> str:
    converted = simplified(line)
    return HeadingLine(converted, line.level) if isinstance(line, HeadingLine) else converted
