"""A state's facet table grown from the previous state's, for the segments the two states share.

A run that changes a few reports adds a small segment (merging it with other small ones) and deletes the
reports' earlier documents; the large segments before it stay where they were. Building the facet table
again from every segment took 2.8 s of the first search after a one-report reindex at eight million
paragraphs (a code per document and facet remapped from each segment's own value list). Grown, the shared
segments' documents keep their codes — remapped by one gather where the value lists changed — and only the
other segments' are worked out. The result is the table a build from scratch gives
(``tests/test_facet_file.py`` compares every attribute); a state sharing little with the previous one, or
with other topics, is built from scratch."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from search.index.segment_reader import Segment
from search.query.facet_file import SavedFacets
from search.query.facets import CODED_FACETS, FacetTable, code_dtype

SHARED_AT_LEAST = 0.5  # of the documents, for growing to beat building


def grown(
    previous: FacetTable,
    previous_pieces: list[tuple[Segment | None, int]],
    pieces: list[tuple[Segment, int]],
    total: int,
    live: np.ndarray,
) -> FacetTable | None:
    """The facet table of ``pieces`` (``total`` documents, ``live`` flags), grown from ``previous`` (the table
    of ``previous_pieces``); None when they share too few leading segments, or the topics differ."""
    shared = 0
    while (
        shared < min(len(pieces), len(previous_pieces))
        and pieces[shared][0] is previous_pieces[shared][0]
        and pieces[shared][1] == previous_pieces[shared][1]
    ):
        shared += 1
    end = pieces[shared][1] if shared < len(pieces) else total
    topics = sorted(set().union(*(segment.topic_names for segment, _ in pieces)))
    if end < SHARED_AT_LEAST * total or end > len(previous.paragraph) or topics != previous.values["topic"]:
        return None
    dropped, rest = previous_pieces[shared:], pieces[shared:]
    values = {name: _values(previous.values[name], pieces, name, dropped, rest) for name in CODED_FACETS}
    return _grown_table(previous, rest, end, total, live, values)


def grown_from_saved(
    earlier: SavedFacets | None,
    current: list[tuple[str, int, int]],
    loaded: dict[str, list[Segment]],
    pieces: list[tuple[Segment, int]],
    total: int,
    live: np.ndarray,
) -> FacetTable | None:
    """The facet table of ``pieces`` grown from the table saved for an earlier state (see
    :func:`search.query.facet_file.load_saved_facets`): what the step after a reindex's commit and a server
    that starts before it has saved the new table have, where no previous state is in memory. At eight million
    paragraphs building the table took that step 2.0 s.

    The saved state's segments are laid out by their document counts; those the two states share from the
    first on are this state's own pieces (each segment's documents are fixed, deletions only grow). A segment
    with more deletions in the saved table than here is not shared: the table was saved for a later state,
    and its flags would hide documents this state still has."""
    if earlier is None:
        return None
    deleted_now = {segment_id: (count, deleted) for segment_id, count, deleted in current}
    laid_out, offset = [], 0
    for segment_id, count, deleted in earlier.segments:
        now = deleted_now.get(segment_id)
        if now is None or now[0] != count or now[1] < deleted or segment_id not in loaded:
            laid_out.append((None, offset))
        else:
            start = offset
            for piece in loaded[segment_id]:
                laid_out.append((piece, start))
                start += piece.count
        offset += count
    return grown(earlier.table, laid_out, pieces, total, live)


def _grown_table(
    previous: FacetTable,
    rest: list[tuple[Segment, int]],
    end: int,
    total: int,
    live: np.ndarray,
    values: dict[str, list[str]],
) -> FacetTable:
    """The table whose documents before ``end`` are ``previous``'s and the others those of the ``rest``."""
    table = FacetTable.__new__(FacetTable)
    table.paragraph = _extended(previous.paragraph[:end], total, False)
    table.years = _extended(previous.years[:end], total, 0)
    table.id_keys = _extended(previous.id_keys[:end], total, 0)
    table.values = {**values, "topic": previous.values["topic"]}
    table.codes = {}
    for name in CODED_FACETS:
        codes = previous.codes[name][:end]
        if name == "township":  # the earlier documents' labels back to their plain names' codes
            codes = _lookup(values[name], previous.township_names)[codes]
        elif values[name] is not previous.values[name]:
            codes = _lookup(values[name], previous.values[name])[codes]
        table.codes[name] = _extended(codes.astype(code_dtype(name, len(values[name])), copy=False), total, -1)
    table.topic_columns = previous.topic_columns
    table.topic_bits = None if previous.topic_bits is None else _extended(previous.topic_bits[:end], total, 0)
    table.topics = None if previous.topics is None else _extended(previous.topics[:end], total, False)
    for segment, offset in rest:
        table._fill(segment, offset, lambda name, local: _lookup(values[name], local))
    table.live = live
    table.paragraph &= live  # deletions only grow: the earlier flags less the deleted, as a build gives
    table.township_names = table._key_townships_by_county()
    table.topic_order = previous.topic_order
    table.by_report = table._report_columns()
    table._report_documents = None
    table._paragraph_reports = None
    return table


def _values(
    previous: list[str],
    pieces: list[tuple[Segment, int]],
    name: str,
    dropped: list[tuple[Segment | None, int]],
    rest: list[tuple[Segment, int]],
) -> list[str]:
    """The sorted values of facet ``name`` in the ``pieces``: ``previous`` itself (sorted, distinct) when they
    are the same values, as after most reindexes; sorting 320,000 report ids to find that out took 0.15 s.
    Known from the segments that changed alone when the previous state's other segments (``dropped``) are
    known: their values all still in the new ones (``rest``), which add none, leave the values as they were
    — without a union over the shared segments, whose value lists a server mapping its table never read."""
    if name != "township" and all(segment is not None for segment, _ in dropped):
        now = _values_in(rest, name)
        before = _values_if_readable(dropped, name)
        if before is not None and before <= now and all(_holds(previous, value) for value in now):
            return previous
    found = _values_in(pieces, name)
    if len(found) == len(previous) and found.issuperset(previous):
        return previous
    return sorted(found)


def _values_if_readable(pieces: list[tuple[Segment, int]], name: str) -> set[str] | None:
    """The values of facet ``name`` in segments of an earlier state; None when one of them is gone: a merge
    deletes the segments it merged, and a server that mapped its table never read their value lists."""
    try:
        return _values_in(pieces, name)
    except OSError:
        return None


def _values_in(pieces: list[tuple[Segment, int]], name: str) -> set[str]:
    """Every value of facet ``name`` the ``pieces``' segments list."""
    return set().union(*(segment.values[name] for segment, _ in pieces))


def _holds(values: list[str], value: str) -> bool:
    """Whether sorted ``values`` hold ``value``."""
    at = bisect_left(values, value)
    return at < len(values) and values[at] == value


def _lookup(shared: list[str], local: list[str]) -> np.ndarray:
    """Codes into ``local`` → codes into ``shared`` (sorted, holding every local value), with -1 last: a code
    of -1 (no value) picks it."""
    return np.array([*(bisect_left(shared, value) for value in local), -1], dtype=np.int32)


def _extended(array: np.ndarray, total: int, fill) -> np.ndarray:
    """A writable copy of ``array`` (by document) lengthened to ``total`` documents, the new ones ``fill``."""
    result = np.empty((total, *array.shape[1:]), dtype=array.dtype)
    result[: len(array)] = array
    result[len(array) :] = fill
    return result
