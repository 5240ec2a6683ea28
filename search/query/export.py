"""What an export writes: cells a spreadsheet opens as text."""

from __future__ import annotations


def excel_cell(value, joiner: str = "、") -> str:
    """One CSV cell for Excel: lists joined, None empty, and text Excel would run as a formula (=, +, -, @)
    prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = joiner.join(str(v) for v in value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
