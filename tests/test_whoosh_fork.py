"""Why whoosh3 is pinned: the 2.7.x bugs the product would hit are fixed there (or handled by us)."""

from __future__ import annotations

import pytest
from whoosh import fields, index, query, writing


def _schema():
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        year=fields.NUMERIC(int, bits=16, signed=False, stored=True, sortable=True),
        tag=fields.ID(stored=True, sortable=True),
    )


def test_open_ended_numeric_range_on_unsigned_field(tmp_path):
    ix = index.create_in(str(tmp_path), _schema())
    with ix.writer() as writer:
        for number, year in enumerate([2019, 2020, 2021, 2022]):
            writer.add_document(id=str(number), year=year, tag="x")
    with ix.searcher() as searcher:
        assert sorted(h["year"] for h in searcher.search(query.NumericRange("year", None, 2020), limit=None)) == [
            2019,
            2020,
        ]
        assert sorted(h["year"] for h in searcher.search(query.NumericRange("year", 2021, None), limit=None)) == [
            2021,
            2022,
        ]


def test_buffered_writer_keeps_sortable_columns_in_order(tmp_path):
    ix = index.create_in(str(tmp_path), _schema())
    buffered = writing.BufferedWriter(ix, period=None, limit=2)
    for number, tag in enumerate("abcde"):
        buffered.add_document(id=str(number), year=2020, tag=tag)
    buffered.commit()
    with ix.searcher() as searcher:
        assert [(h["id"], h["tag"]) for h in searcher.search(query.Every(), sortedby="tag", limit=None)] == [
            ("0", "a"),
            ("1", "b"),
            ("2", "c"),
            ("3", "d"),
            ("4", "e"),
        ]
    buffered.close()


def test_failed_commit_releases_the_write_lock(tmp_path, monkeypatch):
    ix = index.create_in(str(tmp_path), _schema())
    writer = ix.writer()
    writer.add_document(id="1", year=2020, tag="a")

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing.SegmentWriter, "_commit_toc", disk_full)
    with pytest.raises(OSError):
        writer.commit()
    monkeypatch.undo()
    second = ix.writer(timeout=0.5)
    second.add_document(id="2", year=2021, tag="b")
    second.commit()
    with ix.searcher() as searcher:
        assert [h["id"] for h in searcher.search(query.Every(), limit=None)] == ["2"]
