"""Highlighting: HTML-escaped text and snippets with <mark> around every matched term.

Matching runs on the folded text, which has exactly the offsets of the stored
text (folding maps one character to one character), so no stored text is
re-tokenized to highlight it.
"""

from __future__ import annotations

import re
from html import escape

from search.index.analyze import fold

SNIPPET_CHARS = 120


def match_spans(text: str, forms: list[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of every occurrence of any form in ``text``."""
    folded = fold(text)
    spans = []
    for form in sorted({fold(f) for f in forms if f and f.strip()}, key=len, reverse=True):
        for match in re.finditer(re.escape(form), folded):
            spans.append((match.start(), match.end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escaped ``text[start:end]`` with <mark> around the spans inside it."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for span_start, span_end in spans:
        span_start, span_end = max(span_start, start), min(span_end, end)
        if span_start >= span_end:
            continue
        out.append(escape(text[cursor:span_start]))
        out.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    out.append(escape(text[cursor:end]))
    return "".join(out)


def snippet(text: str, forms: list[str], width: int = SNIPPET_CHARS) -> str:
    """The window of ``text`` holding the most matches, escaped and marked, with … where cut."""
    spans = match_spans(text, forms)
    if len(text) <= width:
        return mark(text, spans)
    start = _best_window(spans, len(text), width)
    end = min(len(text), start + width)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + mark(text, spans, start, end) + suffix


def _best_window(spans: list[tuple[int, int]], length: int, width: int) -> int:
    if not spans:
        return 0
    best_start, best_count = 0, -1
    for index, (span_start, _) in enumerate(spans):
        count = sum(1 for s, _ in spans[index:] if s < span_start + width)
        if count > best_count:
            best_start, best_count = span_start, count
    lead = min(20, width // 5)
    return max(0, min(best_start - lead, length - width))
