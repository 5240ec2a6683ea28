"""The documents of each segment's commonest characters (的, 法, 工 …), found once and saved beside the segment.

A search of a common word reads every occurrence of its characters; a server keeps the documents of each
segment's commonest characters (:meth:`search.index.segment_reader.Grams.starting_with`). Finding them took a
second of every server's start at eight million paragraphs; a segment never changes, so they are found once —
by the indexer after its commit, or by the first server — saved as a mapped file in the segment's folder and
mapped by every later server."""

from __future__ import annotations

from search.index.arrayfile import map_saved_for, save_arrays
from search.index.segment_reader import COMMON_CHARACTERS_KEPT, Segment

COMMONEST_FILE = "commonest_characters.arrays"


def keep_commonest_characters(segment: Segment) -> None:
    """Have ``segment`` keep its commonest characters' documents: mapped from its folder where they were saved,
    else found and saved."""
    saved = _saved(segment)
    found = saved if saved is not None else _found_and_saved(segment)
    for code, docs in found.items():
        segment.grams.keep(code, docs)


def save_commonest_characters(segment: Segment) -> None:
    """Find and save ``segment``'s commonest characters' documents unless they are saved (the indexer: it keeps
    none of them)."""
    if _saved(segment) is None:
        _found_and_saved(segment)


def _saved(segment: Segment) -> dict | None:
    saved = map_saved_for(segment.folder / COMMONEST_FILE, count=segment.count, kept=COMMON_CHARACTERS_KEPT)
    if saved is None:
        return None
    header, arrays = saved
    try:
        return {int(code): arrays[str(code)] for code in header["codes"]}
    except (KeyError, TypeError, ValueError):
        return None


def _found_and_saved(segment: Segment) -> dict:
    found = segment.grams.commonest_characters(segment.count)
    header = {"count": segment.count, "kept": COMMON_CHARACTERS_KEPT, "codes": list(found)}
    save_arrays(segment.folder / COMMONEST_FILE, header, {str(code): docs for code, docs in found.items()})
    return found
