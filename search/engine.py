"""The engine: the operations the command line and the web UI offer, searching and the insights together.

A :class:`search.query.searcher.Searcher` answers searches; the engine adds what no search engine gives — the
report check (:mod:`search.insights.check`), near-duplicate clusters (:mod:`search.insights.duplicates`), the
indicator table (:mod:`search.insights.indicators`), two paragraphs side by side (:mod:`search.insights.copies`),
a township across its years (:mod:`search.insights.township`) and the check of a draft that is not indexed
(:mod:`search.insights.draft`) — each drawn from one index state.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import numpy as np

from search.index.clusters import CLUSTERS_FILE, THRESHOLD
from search.index.commonest import COMMONEST_FILE, save_commonest_characters
from search.index.facts import REQUIRED_PARTS, FactsReading
from search.index.figures import indicator_names
from search.index.heap import return_free_memory
from search.index.readers import ReaderPool, ReadLimits
from search.ingest.read import SUPPORTED_SUFFIXES
from search.insights.check import CHECK_COLUMNS, CHECK_SORTS, check_order, check_row, check_rows, check_summary
from search.insights.copies import side_by_side
from search.insights.draft import DraftError, review_draft
from search.insights.duplicates import list_clusters
from search.insights.indicators import IndicatorTable, indicator_cells, indicator_header
from search.insights.report_table import COPY_RATES_RULES, TABLE_RULES, report_table
from search.insights.township import UNKNOWN_COUNTY, township_history
from search.query.facet_file import FACETS_RULES
from search.query.parse import QueryError
from search.query.request import MAX_LIMIT, SearchRequest
from search.query.searcher import NotFoundError, Searcher
from search.query.state import IndexState

__all__ = ["CHECK_SORTS", "TABLE_MAX_LIMIT", "UNKNOWN_COUNTY", "DraftError", "Engine", "TableExport", "indicator_names"]

TABLE_MAX_LIMIT = 200
DRAFT_SECONDS = 30  # a draft is read while its reviewer waits


class Engine(Searcher):
    """Searches one index directory and draws the insights from it; picks up a reindex's commit on the next
    request."""

    def check(self, request: SearchRequest, sort: str = "missing", descending: bool = True) -> dict:
        """报告体检 for the reports the request's query and filters select (no query: all of them), one page of
        rows (reports missing a required part first, by default) and the counts of the whole selection."""
        _check_table_request(request, sort, CHECK_SORTS)
        with self.using() as state:
            codes = check_order(state, self.selected(state, request), sort, descending)
            shown = codes[(request.page - 1) * request.limit : request.page * request.limit]
            result = check_summary(state, codes)
            result["reports"] = [check_row(state, code) for code in shown.tolist()]
        return {
            "required_parts": list(REQUIRED_PARTS),
            **result,
            **_paging(request, len(codes)),
            "sort": sort,
            "descending": descending,
        }

    def check_export(self, request: SearchRequest, sort: str = "missing", descending: bool = True) -> TableExport:
        """Every selected report's check as CSV rows, streamed from one index state."""
        _check_table_request(request, sort, CHECK_SORTS)

        def rows(state: IndexState) -> tuple[list[str], int, Iterator[list]]:
            codes = check_order(state, self.selected(state, request), sort, descending)
            return CHECK_COLUMNS, len(codes), check_rows(state, codes)

        return self._export(rows)

    def duplicates(self, request: SearchRequest, min_reports: int = 2, paragraph_id: str = "") -> dict:
        """Clusters of near-identical paragraphs among those the request selects; with ``paragraph_id``, only
        that paragraph's cluster."""
        request.check(MAX_LIMIT)
        if not 2 <= min_reports <= 1000:
            raise QueryError("min_reports 应在 2 到 1000 之间")
        started = time.perf_counter()
        with self.using() as state:
            docs = self.selected(state, request)
            if paragraph_id:
                docnum = state.facets.paragraph_docnum(paragraph_id)
                if docnum is None:
                    raise NotFoundError(f"没有编号为 {paragraph_id} 的段落")
                docs = np.zeros_like(docs)
                docs[docnum] = True
            result = list_clusters(state, docs, min_reports, request.page, request.limit)
        result.update(query=request.q, threshold=THRESHOLD, seconds=round(time.perf_counter() - started, 4))
        return result

    def indicators(self, request: SearchRequest, sort: str = "", descending: bool = True) -> dict:
        """Reports × indicators among the paragraphs the request selects: one page of rows, and how many reports
        state each indicator."""
        _check_table_request(request, sort, ("", *indicator_names()))
        with self.using() as state:
            table = IndicatorTable(state, self.selected(state, request), sort, descending)
            shown = table.codes[(request.page - 1) * request.limit : request.page * request.limit]
            result = table.summary()
            result["reports"] = list(table.rows(shown))
        return {**result, **_paging(request, result["total"]), "query": request.q}

    def indicators_export(self, request: SearchRequest, sort: str = "", descending: bool = True) -> TableExport:
        """Every selected report's indicator row as CSV cells, streamed from one index state."""
        _check_table_request(request, sort, ("", *indicator_names()))

        def rows(state: IndexState) -> tuple[list[str], int, Iterator[list]]:
            table = IndicatorTable(state, self.selected(state, request), sort, descending)
            cells = (indicator_cells(row, table.names) for row in table.rows(table.codes))
            return indicator_header(table.names), len(table.codes), cells

        return self._export(rows)

    def _export(self, rows: Callable[[IndexState], tuple[list[str], int, Iterator[list]]]) -> TableExport:
        """A table streamed from the current state, which stays open until the export is read or closed:
        ``rows(state)`` gives the header, the number of rows and the rows (an error there lets the state go)."""
        lease = ExitStack()
        state = lease.enter_context(self.using())
        try:
            header, total, lines = rows(state)
        except BaseException:
            lease.close()
            raise
        return TableExport(header, total, lines, lease.close)

    def side_by_side(self, paragraph_id: str, other_id: str = "") -> dict:
        """A paragraph and a near copy of it side by side (its closest copy in another report unless
        ``other_id`` names one)."""
        with self.using() as state:
            facets = state.facets
            docnum = facets.paragraph_docnum(paragraph_id)
            if docnum is None:
                raise NotFoundError(f"没有编号为 {paragraph_id} 的段落")
            if other_id:
                other = facets.paragraph_docnum(other_id)
                if other is None:
                    raise NotFoundError(f"没有编号为 {other_id} 的段落")
            else:
                copy = state.near_copy(docnum)
                if copy is None:
                    raise NotFoundError(f"段落 {paragraph_id} 在其他报告中没有几乎相同的段落")
                other = facets.paragraph_docnum(copy["id"])
            return side_by_side(state, docnum, other)

    def check_draft(self, path: Path, limits: ReadLimits | None = None) -> dict:
        """草稿体检 of one file, read in a reader process with its limits and never indexed."""
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            kinds = "、".join(sorted(SUPPORTED_SUFFIXES))
            raise DraftError(f"不支持的文件类型“{path.suffix or '无扩展名'}”：可上传 {kinds}", 415)
        with ReaderPool(1, path.parent, limits or ReadLimits(seconds=DRAFT_SECONDS)) as pool:
            ((_, report, _, error),) = list(pool.parse([str(path)]))
        if report is None:
            raise DraftError(f"无法读取这个文件：{error.replace(str(path), path.name)}")
        if not any(paragraph.text.strip() for paragraph in report.paragraphs):
            raise DraftError("文件中没有可检查的正文")
        with self.using() as state:
            return review_draft(state, report)

    def township(self, county: str, township: str) -> dict:
        """乡镇档案: the township ``township`` of ``county`` across its years."""
        with self.using() as state:
            history = township_history(state, county, township)
        if history is None:
            raise NotFoundError(f"没有{county}{township}的报告")
        return history

    def prepare(self) -> None:
        """Load the current state, its clusters and its report table with the reports' copy rates (mapped
        where the indexer saved them, else built and saved once), so that the first request finds them ready
        (a server's workers then share them)."""
        super().prepare()
        with self.using() as state:
            state.save_facets()
            report_table(state).copy_rates(state)

    # What save_derived writes and by which rules: an index whose derived files an older version saved has
    # them saved again by the next index run, even when no report changed.
    DERIVED_RULES = f"{CLUSTERS_FILE}#{COPY_RATES_RULES}#{TABLE_RULES}#{COMMONEST_FILE}#{FACETS_RULES}"

    def save_derived(self) -> None:
        """What the indexer saves for every server after a commit: the facet table, each segment's commonest
        characters' documents, the near-duplicate clusters, each segment's facts, the report table built from
        them and the reports' copy rates. Not a server's warm-up: the indexer searches nothing, and that
        memory would add to its peak."""
        with self.using() as state:
            state.save_facets()
            for segment, _ in state.evaluator.segments:
                save_commonest_characters(segment)
        # The state loaded again maps the facet table just saved: the one built here (432 MB at eight million
        # paragraphs) is not held through the clustering and the report table, the indexer's peak.
        self.close()
        return_free_memory()
        with self.using() as state:
            facts = FactsReading([segment for segment, _ in state.evaluator.segments])
            try:
                state.clusters()
            except BaseException:
                facts.cancel()
                raise
            return_free_memory()  # the clustering's working memory, before the report table is built beside it
            facts.finish()
            report_table(state).copy_rates(state)


class TableExport:
    """A table's rows streamed from one index state, which stays open until the rows are read or the export
    is closed (a client that goes away closes it)."""

    def __init__(self, header: list[str], total: int, rows: Iterator[list], release: Callable[[], None]) -> None:
        self.header, self.total = header, total
        self._rows, self._release = rows, release

    def __iter__(self) -> Iterator[list]:
        try:
            yield from self._rows
        finally:
            self.close()

    def close(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


def _check_table_request(request: SearchRequest, sort: str, sorts: tuple[str, ...]) -> None:
    request.check(TABLE_MAX_LIMIT)
    if sort not in sorts:
        raise QueryError(f"sort_by 只能是 {'、'.join(s for s in sorts if s)}", "sort_by")


def _paging(request: SearchRequest, total: int) -> dict:
    return {"page": request.page, "limit": request.limit, "pages": max(1, -(-total // request.limit))}
