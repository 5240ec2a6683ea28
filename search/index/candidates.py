"""Candidate pairs of the near-duplicate clustering, made and walked in memory that does not grow with the index.

Paragraphs that share a band key (:mod:`search.index.minhash`) are candidates, each with the first (lowest
numbered) paragraph of its band's group. The clustering walks every pair once, in one ascending order of
``first * total + other``: the order decides which paragraph becomes a centre. Held as one array, the pairs
of eight million paragraphs would be 550 MB, and sorting one band's keys another 500 MB, so:

- a band is read a range of keys at a time (a group of equal keys never spans two ranges), about
  KEY_RANGE_DOCS documents at once;
- each range's pairs are sorted and spilled to one unnamed temporary file beside the index;
- they are read back a window of keys at a time (about WINDOW_PAIRS pairs before they are made unique),
  each window ascending and without repeats. One window after another gives the same ascending array of
  every pair, so the clusters are those found from the whole array.

Windows are cut where every SAMPLE_EVERY-th pair of every run says WINDOW_PAIRS pairs have gone by, not at
fixed ranges of documents: a paragraph copied into thousands of reports pairs its first copy with every
other, so the pairs crowd at the first documents (in the synthetic 8M corpus a window of 4,096 first
documents held over a hundred million pairs).

An incremental clustering with few fresh documents (a reindex of some reports) gathers, band by band, only the
groups of the keys its fresh documents have: every pair it needs lies in one of them. Reading every band a
range at a time for a couple of dozen fresh paragraphs took 36 s of the 8M clustering after one changed report.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import numpy as np

from search.index.bandkeys import in_key_range
from search.index.docsets import distinct

KEY_RANGE_DOCS = 1 << 20
SAMPLE_EVERY = 1 << 10
WINDOW_PAIRS = 1 << 22
FEW_FRESH_SHARE = 1 / 64
PAIR_BYTES = np.dtype(np.int64).itemsize


def spill_file(folder: Path | None) -> IO[bytes]:
    """An unnamed temporary file in ``folder`` (the index's: its disk has room, where the system's temporary
    folder may be a RAM disk), else in the system's temporary folder (a read-only index). It is gone when it
    is closed or its process dies, so a killed indexer leaves nothing behind."""
    if folder is not None:
        try:
            return tempfile.TemporaryFile(dir=folder)
        except OSError:
            pass
    return tempfile.TemporaryFile()


def read_array(handle: IO[bytes], offset: int, count: int, dtype) -> np.ndarray:
    """``count`` items of ``dtype`` from byte ``offset`` of a spill file."""
    result = np.empty(count, dtype=dtype)
    handle.seek(offset)
    handle.readinto(memoryview(result).cast("B"))
    return result


class CandidatePairs:
    """Every pair of eligible documents that share a band key (``first * total + other``), spilled to
    ``spill_dir`` and read back by :meth:`windows` in ascending order. From a ``start`` (an incremental
    clustering) only pairs with a fresh document are kept. Use it as a context manager: the file is closed
    at the end."""

    def __init__(self, bands, eligible: np.ndarray, start=None, spill_dir: Path | None = None) -> None:
        self.total = len(eligible)
        self.count = 0
        self._file = spill_file(spill_dir)
        self._written = 0
        self._runs: list[tuple[int, int]] = []
        self._samples: list[np.ndarray] = []
        candidates = eligible & bands.with_body()
        candidate_count = int(np.count_nonzero(candidates))
        if candidate_count < 2:
            return
        fresh = None if start is None else np.flatnonzero(start.fresh & candidates)
        if fresh is not None and len(fresh) <= candidate_count * FEW_FRESH_SHARE:
            self._spill_sharing(bands, candidates, start, fresh)
            return
        ranges = max(1, math.ceil(candidate_count / KEY_RANGE_DOCS))
        for band in range(bands.columns):
            for key_range in range(ranges):
                self._spill(np.sort(band_pairs(*bands.column(band, key_range, ranges), candidates, start)))

    def _spill_sharing(self, bands, candidates: np.ndarray, start, fresh: np.ndarray) -> None:
        """The pairs of an incremental clustering with few ``fresh`` documents (ascending): a pair with a fresh
        document lies in a group of a key that document has, so each band's groups of the fresh documents' keys
        give the same pairs as the whole band (each band read once, not once per range of keys). At most
        FEW_FRESH_SHARE of the candidates: a reindex of some reports, not the first clustering after a large one."""
        for band in range(bands.columns):
            docs, keys = bands.sharing(band, fresh)
            ranges = max(1, math.ceil(len(docs) / KEY_RANGE_DOCS))
            for key_range in range(ranges):
                self._spill(np.sort(band_pairs(*in_key_range(docs, keys, key_range, ranges), candidates, start)))

    def __enter__(self) -> CandidatePairs:
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def _spill(self, pairs: np.ndarray) -> None:
        if len(pairs):
            self._file.write(memoryview(pairs).cast("B"))
            self._runs.append((self._written, len(pairs)))
            self._samples.append(pairs[::SAMPLE_EVERY].copy())
            self._written += len(pairs)

    def windows(self) -> Iterator[np.ndarray]:
        """The pairs, ascending and each once, a window of keys at a time."""
        cut = self._boundaries() if self._runs else []
        edges = [self._edges(run, cut) for run in range(len(self._runs))]
        for window in range(len(edges[0]) - 1 if edges else 0):
            parts = [
                read_array(self._file, (offset + ends[window]) * PAIR_BYTES, ends[window + 1] - ends[window], np.int64)
                for (offset, _), ends in zip(self._runs, edges, strict=True)
                if ends[window + 1] > ends[window]
            ]
            pairs = distinct(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)
            self.count += len(pairs)
            yield pairs

    def _boundaries(self) -> list[int]:
        """Keys that cut the pairs into windows of about WINDOW_PAIRS (before they are made unique)."""
        samples = np.sort(np.concatenate(self._samples))
        step = max(1, WINDOW_PAIRS // SAMPLE_EVERY)
        return distinct(samples[step::step]).tolist()

    def _edges(self, run: int, cut: list[int]) -> list[int]:
        """Where each window starts in one run (and where the run ends)."""
        return [0] + [self._position(run, key) for key in cut] + [self._runs[run][1]]

    def _position(self, run: int, key: int) -> int:
        """The index of the run's first pair not below ``key``: between two of its samples, found by reading
        the short stretch between them."""
        offset, length = self._runs[run]
        after = int(np.searchsorted(self._samples[run], key))
        if after == 0:
            return 0
        low, high = (after - 1) * SAMPLE_EVERY + 1, min(after * SAMPLE_EVERY, length)
        stretch = read_array(self._file, (offset + low) * PAIR_BYTES, high - low, np.int64)
        return low + int(np.searchsorted(stretch, key))


def band_pairs(docs: np.ndarray, keys: np.ndarray, candidates: np.ndarray, start=None) -> np.ndarray:
    """The pairs one band (its ascending documents and their keys) proposes among the ``candidates``
    (flags), as ``first * total + other``: each document of a group of equal keys with the group's first."""
    total = len(candidates)
    keep = candidates[docs]
    banded, keys = docs[keep], keys[keep]
    if not len(banded):  # a range of keys no document of this band has
        return np.zeros(0, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    sorted_keys = keys[order]
    same_as_previous = np.concatenate(([False], sorted_keys[1:] == sorted_keys[:-1]))
    group_start = np.maximum.accumulate(np.where(same_as_previous, 0, np.arange(len(order))))
    in_order = banded[order]
    first_docs = in_order[group_start][same_as_previous].astype(np.int64)
    other_docs = in_order[same_as_previous]
    if start is not None:
        touched = start.fresh[first_docs] | start.fresh[other_docs]
        first_docs, other_docs = first_docs[touched], other_docs[touched]
    return first_docs * total + other_docs
