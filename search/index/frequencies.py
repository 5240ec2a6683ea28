"""Term frequencies stored four bits each: two postings to a byte, frequencies of 15 or more listed apart.

In report prose 81 % of a word's postings in a paragraph have frequency 1 and 99.97 % at most 14 (at 200k
paragraphs), so a byte each (saturating at 255, :data:`search.index.terms.MAX_TF`) was mostly empty: half the
word postings' room at 1M. A posting's frequency is nibble ``i % 2`` (low first) of byte ``i // 2``; a nibble
of ESCAPE says the frequency is in the exceptions, sorted by posting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

ESCAPE = 15


def save_frequencies(folder: Path, name: str, tfs: np.ndarray) -> None:
    """Write ``tfs`` (one per posting, in posting order) as ``<name>_tf_nibbles.npy`` and its exceptions."""
    tfs = np.asarray(tfs, dtype=np.uint8)
    escaped = np.flatnonzero(tfs >= ESCAPE)
    nibbles = np.minimum(tfs, ESCAPE)
    if len(nibbles) % 2:
        nibbles = np.append(nibbles, np.uint8(0))
    np.save(folder / f"{name}_tf_nibbles.npy", (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8))
    np.save(folder / f"{name}_tf_exception_at.npy", escaped.astype(np.int64))
    np.save(folder / f"{name}_tf_exception_values.npy", tfs[escaped])


class Frequencies:
    """A segment's term frequencies, read a posting range at a time. ``read_bytes(start, end)`` gives bytes
    ``start:end`` of the nibbles file's array (see ``segment_reader.Slices``)."""

    def __init__(self, folder: Path, name: str, read_bytes: Callable[[int, int], np.ndarray]) -> None:
        self._read_bytes = read_bytes
        self._at = np.load(folder / f"{name}_tf_exception_at.npy")
        self._values = np.load(folder / f"{name}_tf_exception_values.npy")

    def read(self, start: int, end: int) -> np.ndarray:
        """The frequencies of postings ``start`` to ``end`` (uint8)."""
        if end <= start:
            return np.zeros(0, dtype=np.uint8)
        packed = self._read_bytes(start // 2, (end + 1) // 2)
        both = np.empty(2 * len(packed), dtype=np.uint8)
        both[0::2] = packed & 0x0F
        both[1::2] = packed >> 4
        tfs = both[start % 2 : start % 2 + end - start]
        low, high = np.searchsorted(self._at, [start, end]).tolist()
        if high > low:
            tfs[self._at[low:high] - start] = self._values[low:high]
        return tfs
