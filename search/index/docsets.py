"""Set operations on ascending arrays of document numbers: what query evaluation combines and what a segment's
postings are intersected with. Each picks between a binary search and a table over every document by size."""

from __future__ import annotations

import numpy as np

SEARCH_BELOW = 16  # look documents up by binary search when the other side is this many times longer
BY_TABLE = 32  # … else through a table over every document once they are more than 1/BY_TABLE of them
NEARLY_ALL = 0.95  # above this share kept, boolean indexing beats np.compress
PIECE = 1 << 20  # elements an elementwise step over millions of matches takes at a time (its temporaries' size)


def union_with(present: np.ndarray, arrays: list[np.ndarray]) -> np.ndarray:
    """The ascending union of the documents flagged in ``present`` (a flag per document, taken over) and
    of ``arrays``."""
    for docs in arrays:
        present[docs] = True
    return np.flatnonzero(present)


def flags_at(size: int, at: np.ndarray) -> np.ndarray:
    """``size`` flags, set at ``at``."""
    flags = np.zeros(size, dtype=bool)
    flags[at] = True
    return flags


def pieces(length: int) -> list[slice]:
    """Slices of PIECE elements covering ``length``: a step over a common word's eight million matches done a
    piece at a time keeps its temporaries (a gather, a conversion to float64 or int64) at 8 MB instead of 61."""
    return [slice(start, start + PIECE) for start in range(0, length, PIECE)]


def select(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``values`` where boolean ``keep`` holds. NumPy's boolean indexing costs about four times what
    ``np.compress`` does when the mask is mixed, and less when nearly all are kept. When all are kept, a
    read-only view rather than a copy: a word every paragraph has was copied a dozen times by one search, most
    of its memory at millions of paragraphs (a caller that writes to the result gets an error, not a change
    of ``values``)."""
    kept = int(np.count_nonzero(keep))
    if kept == len(keep):
        view = values.view()
        view.flags.writeable = False
        return view
    return values[keep] if kept > NEARLY_ALL * len(keep) else np.compress(keep, values)


def intersect(small: np.ndarray, other: np.ndarray, size: int) -> np.ndarray:
    """Sorted ``small`` ∩ sorted ``other`` for document numbers below ``size``."""
    return select(small, members(small, other, size))


def members(docs: np.ndarray, others: np.ndarray, total: int) -> np.ndarray:
    """For each of ``docs``, whether it is in ascending ``others`` (document numbers below ``total``).

    A binary search per document when they are much fewer than ``others`` or both are few, else a table of
    ``total`` flags (linear time, where many binary searches miss the cache)."""
    if not len(others) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    if len(docs) * SEARCH_BELOW < len(others) or not by_table(len(docs) + len(others), total):
        at = np.searchsorted(others, docs)
        at[at == len(others)] = 0
        return others[at] == docs
    present = np.zeros(total, dtype=bool)
    present[others] = True
    return present[docs]


def by_table(size: int, total: int) -> bool:
    """Whether ``size`` documents are many enough to look up through a table of all ``total``."""
    return size * BY_TABLE > total


def subtract(docs: np.ndarray, known: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(docs not in known, docs in known)."""
    present = np.zeros(size, dtype=bool)
    present[known] = True
    inside = present[docs]
    return select(docs, ~inside), select(docs, inside)


def distinct(values: np.ndarray, kind: str | None = None) -> np.ndarray:
    """``np.unique(values)``: its ascending distinct values, by a sort (of ``kind``: "stable" merges runs already
    in order, where the default sorts from scratch). NumPy 2's hash-based ``np.unique`` took 6.4 s for six
    million integers where a sort takes 0.4 (most of a server's start at 8M paragraphs)."""
    values = np.sort(values, axis=None, kind=kind)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def union(arrays: list[np.ndarray], total: int) -> np.ndarray:
    """The ascending union of ascending document arrays below ``total``: a sort when they are few, a table
    of ``total`` flags when they are many."""
    arrays = [docs for docs in arrays if len(docs)]
    if not arrays:
        return np.zeros(0, dtype=np.int64)
    if len(arrays) == 1:
        return arrays[0]
    if not by_table(sum(len(docs) for docs in arrays), total):
        return distinct(np.concatenate(arrays))
    present = np.zeros(total, dtype=bool)
    for docs in arrays:
        present[docs] = True
    return np.flatnonzero(present)


def merged(large: np.ndarray, small: np.ndarray, total: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(the ascending union of ascending ``large`` and ``small``, where each of ``large`` is in it, where each
    of ``small`` is). A text's headings are usually few beside its paragraphs: they are inserted by binary
    search, which also says where each side's documents are, rather than through tables over every document."""
    if not len(small):
        return large, np.arange(len(large)), np.zeros(0, dtype=np.int64)
    if len(small) * SEARCH_BELOW >= len(large):
        docs = union([large, small], total)
        return docs, *locate_all(docs, [large, small], total)
    at = np.searchsorted(large, small)
    inside = at < len(large)
    inside[inside] = large[at[inside]] == small[inside]
    new = np.flatnonzero(~inside)
    insert_at = at[new]
    docs = np.insert(large, insert_at, small[new])
    # Each of ``large`` moves right by the number of documents inserted before it.
    large_at = np.arange(len(large)) + np.cumsum(np.bincount(insert_at, minlength=len(large) + 1))[: len(large)]
    small_at = np.empty(len(small), dtype=np.int64)
    small_at[new] = insert_at + np.arange(len(new))
    old = np.flatnonzero(inside)
    small_at[old] = large_at[at[old]]
    return docs, large_at, small_at


def intersection(arrays: list[np.ndarray], total: int) -> np.ndarray:
    """The ascending intersection of ascending document arrays (the shortest first, so each step shrinks)."""
    result = None
    for docs in sorted(arrays, key=len):
        result = docs if result is None else intersect(result, docs, total)
        if not len(result):
            break
    return np.zeros(0, dtype=np.int64) if result is None else result


def locate(docs: np.ndarray, needles: np.ndarray, total: int, among: bool = True) -> np.ndarray:
    """Where each of ``needles`` is in ascending ``docs`` (document numbers below ``total``); with ``among``
    false, -1 for a needle that is not there."""
    return locate_all(docs, [needles], total, among)[0]


def locate_all(docs: np.ndarray, needles: list[np.ndarray], total: int, among: bool = True) -> list[np.ndarray]:
    """:func:`locate` for several arrays of needles in the same ``docs``.

    A binary search per needle, or for many needles one table over every document (as
    :func:`members`). Needles as many as ``docs`` and among them are ``docs``."""
    if among and all(len(n) == len(docs) for n in needles):
        return [np.arange(len(docs)) for _ in needles]
    if by_table(len(docs) + sum(len(n) for n in needles), total):
        table = np.empty(total, dtype=np.int32) if among else np.full(total, -1, dtype=np.int32)
        table[docs] = np.arange(len(docs), dtype=np.int32)
        return [table[n] for n in needles]
    return [_search(docs, n, among) for n in needles]


def _search(docs: np.ndarray, needles: np.ndarray, among: bool) -> np.ndarray:
    at = np.searchsorted(docs, needles)
    if among:
        return at
    inside = at < len(docs)
    inside[inside] = docs[at[inside]] == needles[inside]
    return np.where(inside, at, -1)
