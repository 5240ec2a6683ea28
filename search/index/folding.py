"""Folding: Traditional characters to Simplified and Latin letters to lower case, character by character (so
offsets do not move), at index and at query time."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    import opencc

    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = target
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    return table


def fold(text: str) -> str:
    """Traditional → Simplified and upper → lower case; the result has the same length as ``text``."""
    return text.translate(_fold_table())
