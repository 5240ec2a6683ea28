"""Whoosh's stored fields of a segment, read a record at a time.

Whoosh's reader of the stored-field column first loads an offset and a length for every document of the
segment into memory (50 MB at eight million paragraphs, in every serving process), although a paragraph
stores nothing (see :func:`search.index.writer.stored_fields`) and a page of hits reads the fields of a few
report documents. Here the two arrays stay in the file and a lookup reads its own two numbers: a few
microseconds, under the searcher's stored-fields lock as before. Written for whoosh3 3.54.0's column
layout (``VarBytesColumn``); a reader of another layout keeps Whoosh's own.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

from whoosh import columns

STORED = "_stored"


class _NumbersInFile(Sequence):
    """An array of ``count`` numbers of ``typecode`` at ``start`` in a Whoosh file, read one at a time."""

    def __init__(self, dbfile, start: int, typecode: str, count: int) -> None:
        self._dbfile, self._start, self._typecode, self._count = dbfile, start, typecode, count
        self._size = struct.calcsize(typecode)

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, at: int) -> int:
        if not 0 <= at < self._count:
            raise IndexError(at)
        return self._dbfile.get_array(self._start + at * self._size, self._typecode, 1)[0]


class _RecordReader(columns.CompressedBytesColumn.Reader):
    def _read_offsets_and_lengths(self) -> None:
        """Where the offsets and lengths are (as Whoosh's reader finds them), not the numbers themselves."""
        dbfile, doccount = self._dbfile, self._doccount
        last = self._basepos + self._length - 1
        if chr(dbfile.get_byte(last)) != "X":  # no offsets written (a small column): Whoosh derives them
            super()._read_offsets_and_lengths()
            return
        lengths_code, offsets_code = chr(dbfile.get_byte(last - 2)), chr(dbfile.get_byte(last - 1))
        offsets_start = (last - 2) - doccount * struct.calcsize(offsets_code)
        lengths_start = offsets_start - doccount * struct.calcsize(lengths_code)
        self.had_stored_offsets = True
        self._offsets = _NumbersInFile(dbfile, offsets_start, offsets_code, doccount)
        self._lengths = _NumbersInFile(dbfile, lengths_start, lengths_code, doccount)


class _RecordColumn(columns.CompressedBytesColumn):
    Reader = _RecordReader


STORED_RECORDS = columns.PickleColumn(_RecordColumn())


def read_stored_fields_in_place(searcher) -> None:
    """Have each segment of ``searcher`` read stored fields a record at a time; a segment whose reader is not
    whoosh3's keeps its own."""
    for leaf, _ in searcher.reader().leaf_readers():
        per_document = getattr(leaf, "_perdoc", None)
        readers = getattr(per_document, "_readers", None)
        if isinstance(readers, dict) and STORED not in readers and per_document.has_column(STORED):
            readers[STORED] = per_document.column_reader(STORED, STORED_RECORDS)
