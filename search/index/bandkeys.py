"""Band keys stored by column, each band holding only the documents that have a key in it.

Every paragraph with a body has a key in the long bands, but only short bodies (a fifth of a synthetic
million) have keys in the short ones, and a document without a body has none: a dense matrix of
:func:`search.index.minhash.band_columns` keys per document was half NO_BAND (154 MB at 1M, now ~80).
Everything that uses band keys reads them a band at a time, as (documents, keys) of one column.

One file per piece, a single uint32 array: a header (document count, documents with a body, documents with
a short body, long bands, short bands), then the documents with a body, their long bands' keys (row by row),
the documents with a short body and their short bands' keys.
"""

from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np

from search.index.heap import drop_mapped_pages
from search.index.minhash import BANDS, NO_BAND, band_columns

HEADER = 5


class BandKeys:
    """The band keys of one piece's documents (local document numbers)."""

    def __init__(self, count: int, body_docs: np.ndarray, long: np.ndarray, short_docs: np.ndarray, short: np.ndarray):
        self.count = count
        self.body_docs, self.long = body_docs, long
        self.short_docs, self.short = short_docs, short
        self.mapped: mmap.mmap | None = None

    @property
    def columns(self) -> int:
        return self.long.shape[1] + self.short.shape[1]

    @classmethod
    def of_rows(cls, rows: np.ndarray) -> BandKeys:
        """From a dense matrix (a row per document, NO_BAND where a document has no key)."""
        rows = np.asarray(rows, dtype=np.uint32).reshape(len(rows), band_columns())
        body = np.flatnonzero(rows[:, 0] != NO_BAND).astype(np.uint32)
        short = np.flatnonzero(rows[:, BANDS] != NO_BAND).astype(np.uint32) if rows.shape[1] > BANDS else body[:0]
        return cls(len(rows), body, rows[body, :BANDS], short, rows[short, BANDS:])

    def rows(self) -> np.ndarray:
        """The dense matrix again (what a merge copies per document)."""
        rows = np.full((self.count, self.columns), NO_BAND, dtype=np.uint32)
        rows[self.body_docs, : self.long.shape[1]] = self.long
        rows[self.short_docs, self.long.shape[1] :] = self.short
        return rows

    def column(self, band: int) -> tuple[np.ndarray, np.ndarray]:
        """(ascending documents with a key in ``band``, their keys)."""
        if band < self.long.shape[1]:
            return self.body_docs, self.long[:, band]
        return self.short_docs, self.short[:, band - self.long.shape[1]]

    def save(self, handle) -> None:
        header = np.array(
            [self.count, len(self.body_docs), len(self.short_docs), self.long.shape[1], self.short.shape[1]],
            dtype=np.uint32,
        )
        parts = (header, self.body_docs, self.long.ravel(), self.short_docs, self.short.ravel())
        np.save(handle, np.concatenate([np.asarray(part, dtype=np.uint32) for part in parts]))

    @classmethod
    def load(cls, path: Path) -> BandKeys:
        """The keys saved in ``path``, memory-mapped."""
        flat = np.load(path, mmap_mode="r")
        count, bodies, shorts, long_bands, short_bands = (int(v) for v in flat[:HEADER])
        at = HEADER
        body_docs = flat[at : at + bodies]
        at += bodies
        long = flat[at : at + bodies * long_bands].reshape(bodies, long_bands)
        at += bodies * long_bands
        short_docs = flat[at : at + shorts]
        at += shorts
        short = flat[at : at + shorts * short_bands].reshape(shorts, short_bands)
        keys = cls(count, body_docs, long, short_docs, short)
        keys.mapped = getattr(flat, "_mmap", None)
        return keys

    def release_pages(self) -> None:
        """Take the pages of the mapped file out of the process (they stay in the page cache). A band's keys
        are a column of a row-major matrix, so reading one touches every page of the piece; a clustering
        reads every band, and at eight million paragraphs the pages it leaves were 700 MB of its memory."""
        drop_mapped_pages(self.mapped)


class JoinedBandKeys:
    """The band keys of several pieces, as one run of document numbers (an index state's)."""

    def __init__(self, parts: list[tuple[BandKeys, int]], total: int) -> None:
        self.parts, self.total = parts, total
        self.columns = parts[0][0].columns if parts else band_columns()

    def column(self, band: int, key_range: int = 0, ranges: int = 1) -> tuple[np.ndarray, np.ndarray]:
        """(ascending documents with a key in ``band``, their keys); with ``ranges``, only the keys of the
        ``key_range``-th of that many equal ranges of 32-bit keys (a large state's band, a share at a time)."""
        docs, keys = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.uint32)]
        for part, offset in self.parts:
            part_docs, part_keys = in_key_range(*part.column(band), key_range, ranges)
            docs.append(part_docs.astype(np.int64) + offset)
            keys.append(np.array(part_keys))
            part.release_pages()
        return np.concatenate(docs), np.concatenate(keys)

    def with_body(self) -> np.ndarray:
        """Whether each document has a body (a key in the first band)."""
        flags = np.zeros(self.total, dtype=bool)
        flags[self.column(0)[0]] = True
        return flags

    def sharing(self, band: int, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(ascending documents, their keys) of every document whose key in ``band`` is the key there of one of
        ``docs`` (ascending), those included: the groups of a band that an incremental clustering needs, found
        without copying the band (see :func:`select_sharing`)."""
        wanted = [np.zeros(0, dtype=np.uint32)]
        for part, offset in self.parts:
            low, high = np.searchsorted(docs, [offset, offset + part.count])
            if low < high:
                wanted.append(keys_of(*part.column(band), docs[low:high] - offset))
        wanted = np.unique(np.concatenate(wanted))
        found_docs, found_keys = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.uint32)]
        for part, offset in self.parts:
            part_docs, part_keys = select_sharing(*part.column(band), wanted)
            found_docs.append(part_docs.astype(np.int64) + offset)
            found_keys.append(part_keys)
            part.release_pages()
        return np.concatenate(found_docs), np.concatenate(found_keys)


class DenseBandKeys:
    """Band keys held as a dense matrix (a row per document, NO_BAND where it has no key), read by column
    as stored keys are: keys computed on the spot (a benchmark's, a test's)."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows, self.total, self.columns = rows, len(rows), rows.shape[1]

    def column(self, band: int, key_range: int = 0, ranges: int = 1) -> tuple[np.ndarray, np.ndarray]:
        docs = np.flatnonzero(self.rows[:, band] != NO_BAND)
        return in_key_range(docs, self.rows[docs, band], key_range, ranges)

    def with_body(self) -> np.ndarray:
        return self.rows[:, 0] != NO_BAND

    def sharing(self, band: int, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        keys = self.rows[docs, band]
        column_docs = np.flatnonzero(self.rows[:, band] != NO_BAND)
        return select_sharing(column_docs, self.rows[column_docs, band], np.unique(keys[keys != NO_BAND]))


def in_key_range(docs: np.ndarray, keys: np.ndarray, key_range: int, ranges: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents (and keys) whose key falls in the ``key_range``-th of ``ranges`` equal ranges of 32-bit
    keys; all of them when there is one range."""
    if ranges == 1:
        return docs, keys
    inside = (np.asarray(keys, dtype=np.uint64) * np.uint64(ranges)) >> np.uint64(32) == np.uint64(key_range)
    return docs[inside], keys[inside]


FILTER_BITS = 20
FILTER_MASK = np.uint32((1 << FILTER_BITS) - 1)


def keys_of(docs: np.ndarray, keys: np.ndarray, wanted_docs: np.ndarray) -> np.ndarray:
    """The keys of those of ``wanted_docs`` (ascending) that are among ``docs`` (ascending, with ``keys``)."""
    at = np.searchsorted(docs, wanted_docs)
    inside = at < len(docs)
    inside[inside] = docs[at[inside]] == wanted_docs[inside]
    return np.asarray(keys[at[inside]], dtype=np.uint32)


def select_sharing(docs: np.ndarray, keys: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The ``docs`` (and ``keys``) whose key is one of ``wanted`` (ascending). A key's low FILTER_BITS bits
    are looked up in a table first, one gather over the band, and only the few keys that pass are compared
    exactly: a column of millions of keys against a few hundred wanted ones."""
    if not len(wanted) or not len(docs):
        return docs[:0], np.zeros(0, dtype=np.uint32)
    table = np.zeros(1 << FILTER_BITS, dtype=bool)
    table[wanted & FILTER_MASK] = True
    passed = np.flatnonzero(table[keys & FILTER_MASK])
    found = np.asarray(keys[passed], dtype=np.uint32)
    exact = np.isin(found, wanted)
    return docs[passed[exact]], found[exact]
