"""Whoosh's stored fields read a record at a time: the same fields, without an offset per document in memory."""

from __future__ import annotations

from io import BytesIO

import pytest
from whoosh.codec.whoosh3 import STORED_COLUMN
from whoosh.filedb.structfile import BufferFile, StructFile

from search.index.stored_records import STORED, STORED_RECORDS, _RecordReader
from search.query import SearchRequest


def _stored_column(values: dict[int, dict], documents: int) -> tuple[BufferFile, int]:
    """A stored-field column as Whoosh writes one for a segment of ``documents`` documents."""
    buffer = BytesIO()
    writer = STORED_COLUMN.writer(StructFile(buffer))
    for docnum in sorted(values):
        writer.add(docnum, values[docnum])
    writer.finish(documents)
    data = buffer.getvalue()
    return BufferFile(data), len(data)


@pytest.mark.parametrize("documents", [40_000, 50])  # Whoosh writes the offsets only past 32,768 documents
def test_stored_fields_read_a_record_at_a_time_are_those_whoosh_reads(documents):
    values = {
        0: {"title": "城关镇2024年法治政府建设情况报告"},
        documents // 2: {"path": "a/b.docx"},
        documents - 1: {"x": 1},
    }
    column, length = _stored_column(values, documents)
    whooshs = STORED_COLUMN.reader(column, 0, length, documents)
    ours = STORED_RECORDS.reader(column, 0, length, documents)
    for docnum in [0, 1, documents // 2 - 1, documents // 2, documents - 2, documents - 1]:
        assert ours[docnum] == whooshs[docnum]
    if documents > 32_768:
        assert not isinstance(ours._child._offsets, type(whooshs._child._offsets))


def test_a_served_page_reads_report_fields_without_loading_the_stored_column(engine):
    answer = engine.search(SearchRequest(q="法律顾问"))
    assert answer["hits"] and all(hit["title"] for hit in answer["hits"])  # the reports' stored titles
    with engine.using() as state:
        stored = [leaf._perdoc._readers[STORED] for leaf, _ in state.searcher.reader().leaf_readers()]
    assert stored and all(isinstance(column._child, _RecordReader) for column in stored)
