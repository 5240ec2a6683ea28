"""What an export writes: cells a spreadsheet opens as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

CSV_CHUNK_ROWS = 100


def excel_cell(value, joiner: str = "、") -> str:
    """One CSV cell for Excel: lists joined, None empty, and text Excel would run as a formula (=, +, -, @)
    prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = joiner.join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_chunks(header: list[str], rows: Iterable[list], chunk: int = CSV_CHUNK_ROWS) -> Iterator[str]:
    """A table as CSV text Excel opens as Chinese (a byte-order mark, then UTF-8 when encoded), formulas
    defused, ``chunk`` rows at a time: a long table is written while it is read."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow([excel_cell(value) for value in row])
        if number % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
