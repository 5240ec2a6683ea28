"""The shingle sets a clustering compares, kept within a memory budget.

A pair's shingles are read from the texts and hashed (about 35 µs a paragraph). The clustering keeps them
for later pairs: a centre is compared with each of its members, and a paragraph met as a pair's second
member comes back when its own pairs are walked, much later. Kept in full, they grew with the index (up to
400,000 paragraphs' at a million, 330 MB). Past :data:`BUDGET_BYTES` the least recently used are
written to a temporary file (once each: shingles do not change) and read back when needed again, a few
microseconds instead of hashing anew.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from search.index.candidates import read_array, spill_file
from search.index.docsets import distinct

BUDGET_BYTES = 128 << 20
ENTRY_BYTES = 200  # a cached array's object and its dict slot, beside its shingles
SHINGLE = np.dtype(np.uint32)


class ShingleCache:
    """Shingle sets by document, read with ``shingles_of(docs)`` (views of one array are copied: a kept
    view would keep its whole batch alive)."""

    def __init__(self, shingles_of, total: int, spill_dir: Path | None = None, budget: int | None = None) -> None:
        self.shingles_of, self.spill_dir = shingles_of, spill_dir
        self.budget = BUDGET_BYTES if budget is None else budget
        self.held: dict[int, np.ndarray] = {}
        self.bytes = 0
        self.clock = 0
        self.last_used = np.zeros(total, dtype=np.int32)
        self.spilled_at = np.full(total, -1, dtype=np.int64)
        self.spilled_count = np.zeros(total, dtype=np.int32)
        self.spilled = self.read_back = 0
        self._file = None
        self._end = 0

    def __enter__(self) -> ShingleCache:
        return self

    def __exit__(self, *exc) -> None:
        """Close the spill file and let go of the shingles and the per-document arrays (16 bytes a document):
        the clusters are built next, beside them."""
        if self._file is not None:
            self._file.close()
        self.held, self.bytes = {}, 0
        self.last_used = self.spilled_at = self.spilled_count = None

    def __contains__(self, doc: int) -> bool:
        return doc in self.held

    def __getitem__(self, doc: int) -> np.ndarray:
        return self.held[doc]

    def fetch(self, docs: np.ndarray) -> None:
        """Make sure the shingles of ``docs`` are held: read back those spilled, hash the others in one
        call; then, past the budget, spill the least recently used."""
        self.clock += 1
        docs = distinct(docs)
        self.last_used[docs] = self.clock
        missing = [doc for doc in docs.tolist() if doc not in self.held]
        if missing:
            self._hold_missing(missing)
        if self.bytes > self.budget:
            self._spill_oldest()

    def load(self, doc: int) -> np.ndarray:
        """One document's shingles, held from now on (a paragraph that became a centre within a chunk)."""
        if doc not in self.held:
            self.last_used[doc] = self.clock
            self._hold_missing([doc])
        return self.held[doc]

    def drop(self, doc: int) -> None:
        """Forget a document never compared again (a cluster's member)."""
        shingles = self.held.pop(doc, None)
        if shingles is not None:
            self.bytes -= shingles.nbytes + ENTRY_BYTES

    def _hold_missing(self, missing: list[int]) -> None:
        spilled = [doc for doc in missing if self.spilled_at[doc] >= 0]
        fresh = [doc for doc in missing if self.spilled_at[doc] < 0]
        for doc in sorted(spilled, key=lambda d: int(self.spilled_at[d])):
            self._hold(doc, read_array(self._file, int(self.spilled_at[doc]), int(self.spilled_count[doc]), SHINGLE))
        self.read_back += len(spilled)
        if fresh:
            for doc, shingles in zip(fresh, self.shingles_of(fresh), strict=True):
                self._hold(doc, shingles.copy())

    def _hold(self, doc: int, shingles: np.ndarray) -> None:
        self.held[doc] = shingles
        self.bytes += shingles.nbytes + ENTRY_BYTES

    def _spill_oldest(self) -> None:
        """Spill the least recently used shingles until half the budget is held (those of this chunk stay)."""
        docs = np.fromiter(self.held, dtype=np.int64, count=len(self.held))
        docs = docs[self.last_used[docs] < self.clock]
        for doc in docs[np.argsort(self.last_used[docs], kind="stable")].tolist():
            if self.bytes <= self.budget // 2:
                break
            shingles = self.held.pop(doc)
            self.bytes -= shingles.nbytes + ENTRY_BYTES
            if self.spilled_at[doc] < 0:
                self._write(doc, shingles)

    def _write(self, doc: int, shingles: np.ndarray) -> None:
        if self._file is None:
            self._file = spill_file(self.spill_dir)
        self._file.seek(self._end)
        self._file.write(memoryview(np.ascontiguousarray(shingles, dtype=SHINGLE)).cast("B"))
        self.spilled_at[doc], self.spilled_count[doc] = self._end, len(shingles)
        self._end += shingles.nbytes
        self.spilled += 1
