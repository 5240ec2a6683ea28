"""The Markdown tables the benchmarks print, as docs/benchmark-log.md and README quote them."""

from __future__ import annotations

from collections.abc import Iterable


def print_table(columns: Iterable[str], rows: Iterable[Iterable[object]]) -> None:
    """A heading row, its rule and one line per row."""
    columns = list(columns)
    print("| " + " | ".join(columns) + " |")
    print("| " + " | ".join("---" for _ in columns) + " |")
    for row in rows:
        print("| " + " | ".join(str(cell) for cell in row) + " |")
