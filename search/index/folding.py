"""Folding: Traditional characters to Simplified and Latin letters to lower case, character by character (so
offsets do not move), at index and at query time."""

from __future__ import annotations

from functools import lru_cache

from search.ingest.script import traditional_table


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table = dict(traditional_table())
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    return table


def fold(text: str) -> str:
    """Traditional → Simplified and upper → lower case; the result has the same length as ``text``."""
    return text.translate(_fold_table())
