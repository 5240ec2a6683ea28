"""The query side: parsing, evaluation over the index arrays, ranking, pages of hits, facets.

What the engine, the command line and the web UI use is exported here; the modules' other names are theirs.
"""

from search.index.writer import FACETS
from search.ingest.classify import PARTS
from search.query.export import csv_chunks, excel_cell
from search.query.facets import FACET_LABELS
from search.query.parse import QueryError
from search.query.request import MAX_LIMIT, SearchRequest
from search.query.searcher import IndexMissingError, NotFoundError, Searcher

__all__ = [
    "FACETS",
    "FACET_LABELS",
    "MAX_LIMIT",
    "PARTS",
    "IndexMissingError",
    "NotFoundError",
    "QueryError",
    "SearchRequest",
    "Searcher",
    "csv_chunks",
    "excel_cell",
]
