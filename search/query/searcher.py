"""The searcher: one index directory's current state, and the operations on it — search, facet, similar
paragraphs, a report, statistics.

It picks up a reindex's commit on the next request: each operation uses the state of the latest commit
(:mod:`search.query.state`), kept open until the operation ends even when a reindex replaces it meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from search.index.analyze import fold
from search.index.docsets import distinct, select
from search.index.heap import resident_mapped_bytes
from search.index.segment_reader import Segment
from search.index.stored_records import read_stored_fields_in_place
from search.index.writer import FACETS, INDEX_NAME, index_exists, index_is_usable, open_index, read_info
from search.query.facets import others_allowed
from search.query.helper_thread import searching
from search.query.hits import hit_json
from search.query.parse import QueryError, looser_queries
from search.query.reports import report_view
from search.query.request import MAX_LIMIT, Query, SearchRequest
from search.query.results import search_state
from search.query.state import IndexState, load_state
from search.query.suggest import indicator_ranking


class IndexMissingError(Exception):
    """There is no index at the given place yet."""


class NotFoundError(LookupError):
    """An id that names no report or paragraph."""


WARM_UP_QUERY = "法治"
MAPPED_BUDGET_BYTES = 512 << 20


def keep_mapped_pages_within_budget(state: IndexState) -> bool:
    """After a use of the index: past MAPPED_BUDGET_BYTES of resident mapped pages, let the texts' and band
    keys' pages go (True when it did). Verifying a query's candidates in their texts touches a page for
    each; at millions of paragraphs a serving process otherwise ends up holding most of the texts (831 MB at
    2M), where the page cache holds them once for every process."""
    resident = resident_mapped_bytes()
    if resident is None or resident <= MAPPED_BUDGET_BYTES:
        return False
    for segment, _ in state.evaluator.segments:
        segment.release_pages()
    return True


class Searcher:
    """Searches one index directory; picks up a reindex's commit on the next request."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        if not index_exists(self.index_dir):
            raise IndexMissingError(f"{self.index_dir} 中还没有索引：请先运行 reportsearch index")
        if not index_is_usable(self.index_dir):
            raise IndexMissingError(
                f"{self.index_dir} 中的索引不完整或由其他版本写成：请运行 reportsearch index --rebuild"
            )
        self.ix = open_index(self.index_dir)
        self._lock = threading.RLock()
        self._state: IndexState | None = None
        self._segments: dict[str, list[Segment]] = {}

    def close(self) -> None:
        with self._lock:
            if self._state is not None:
                self._retire(self._state)
                self._state = None

    def prepare(self) -> None:
        """Load the current index state and its near-duplicate clusters now rather than on the first request,
        find the documents of each segment's commonest characters, and answer one search of a word every
        report has: what a state builds on its first search (the segmenter, documents grouped by heading, the
        boilerplate table) is then built once, before a server forks its workers, not in each worker on a
        user's first query."""
        with self.using() as state:
            state.clusters()
            state.evaluator.keep_commonest_characters()
        self.warm_up()

    def warm_up(self) -> None:
        """One search in this serving process before it takes requests: its first search otherwise pays for
        memory the process has not touched yet (pages faulted in, the allocator's pools grown) on a user's
        query — at a million paragraphs about a third of that search's time."""
        self.search(SearchRequest(WARM_UP_QUERY))

    def after_fork(self) -> None:
        """In a forked serving process: open its own Whoosh searcher (a searcher's files must not be shared
        between processes, their read offsets would be); the memory-mapped arrays stay shared."""
        with self._lock:
            if self._state is None:
                return
            if not self._state.searcher.up_to_date():
                self._state = None
                return
            self._state = replace(
                self._state,
                searcher=self._open_searcher(),
                stored_lock=threading.Lock(),
                clusters_lock=threading.Lock(),
                start_lock=threading.Lock(),
                users=0,
            )

    @contextmanager
    def using(self) -> Iterator[IndexState]:
        """The current index state, kept open while the caller uses it (a reindex may replace it meanwhile)."""
        with self._lock:
            state = self._current()
            state.users += 1
        try:
            yield state
        finally:
            with self._lock:
                state.users -= 1
                if state.retired and not state.users:
                    state.searcher.close()
            keep_mapped_pages_within_budget(state)

    @staticmethod
    def _retire(state: IndexState) -> None:
        state.retired = True
        if not state.users:
            state.searcher.close()

    def _current(self) -> IndexState:
        """The state of the latest commit (called with the searcher's lock held)."""
        if self._state is not None and self._state.searcher.up_to_date():
            return self._state
        previous = self._state
        if previous is not None:
            self._retire(previous)
        # A fresh searcher, not Searcher.refresh(): refresh reuses segment readers and so misses
        # documents that a reindex deleted from an unchanged segment (whoosh3 3.54.0).
        self._state = load_state(self.index_dir, self._open_searcher(), self._segments, previous)
        return self._state

    def _open_searcher(self):
        """A Whoosh searcher of the latest commit that reads stored fields a record at a time (see
        :mod:`search.index.stored_records`)."""
        searcher = self.ix.searcher()
        read_stored_fields_in_place(searcher)
        return searcher

    def search(self, request: SearchRequest, max_limit: int = MAX_LIMIT) -> dict:
        """One page of hits with total and facets; ``max_limit`` is raised only for exports.

        ``total`` and the facet counts are those of the strict matches; in expanded mode, ranked by
        relevance, the partial and related matches follow them (``loose_total``), each hit saying its tier.
        """
        started = time.perf_counter()
        query = Query.read(request, max_limit)
        with self.using() as state, searching():
            result, weak = search_state(state, query)
        result["did_you_mean"] = self._did_you_mean(state, request, weak, result["total"])
        result["indicator_ranking"] = indicator_ranking(fold(request.q)) if request.q else None
        result["seconds"] = round(time.perf_counter() - started, 4)
        return result

    def _did_you_mean(self, state: IndexState, request: SearchRequest, weak: set[str], total: int) -> dict | None:
        """A corrected query and its total, when a word of a query with few hits looks mistyped."""
        if not weak:
            return None
        corrected = state.suggester.did_you_mean(fold(request.q), weak)
        if not corrected:
            return None
        found = self.search(SearchRequest(q=corrected, filters=request.filters, limit=1, mode=request.mode))["total"]
        return {"q": corrected, "total": found} if found > total else None

    def selected(self, state: IndexState, request: SearchRequest) -> np.ndarray:
        """The documents a request's query and filters select (no query: every document the filters allow), as
        a flag per document of the index."""
        query = Query.read(request, max_limit=None)
        docs = state.evaluator.run(query.parsed.query, request.expand).strict
        for name, values in query.selections.items():
            docs = select(docs, state.facets.allows(name, values, docs))
        chosen = np.zeros(state.evaluator.total, dtype=bool)
        chosen[docs] = True
        return chosen

    def facet(self, request: SearchRequest, name: str) -> dict:
        """Every value of one facet for a search (not only the most frequent), and for places the
        province → county → township tree: what a full facet page lists."""
        if name not in FACETS:
            raise QueryError(f"未知的分面“{name}”：可用 {'、'.join(FACETS)}")
        query = Query.read(request)
        with self.using() as state:
            facets = state.facets
            strict = state.evaluator.run(query.parsed.query, request.expand).strict
            allows = {n: facets.allows(n, values, strict) for n, values in query.selections.items()}
            docs = others_allowed(strict, allows, name)
            values = facets.counts(name, docs, query.selections.get(name), request.count, every_value=True)
            tree = facets.place_tree(docs) if name in ("township", "county", "province") else []
        return {"name": name, "query": request.q, "values": values, "tree": tree}

    def nearby(self, request: SearchRequest) -> list[dict]:
        """Looser queries worth offering when a search finds nothing: each with its number of hits."""
        offers = []
        for candidate in looser_queries(request.q):
            try:
                found = self.search(SearchRequest(q=candidate, filters=request.filters, limit=1))["total"]
            except QueryError:  # a looser form of a query can be malformed where the query was not
                continue
            if found:
                offers.append({"q": candidate, "total": found})
        if request.filters:
            found = self.search(SearchRequest(q=request.q, limit=1))["total"]
            if found:
                offers.append({"q": request.q, "total": found, "without_filters": True})
        return offers

    def similar(self, paragraph_id: str, limit: int = 10) -> dict:
        """Paragraphs of other townships (and other reports) closest to the given one."""
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self.using() as state:
            facets = state.facets
            docnum = facets.paragraph_docnum(paragraph_id)
            if docnum is None:
                raise NotFoundError(f"没有编号为 {paragraph_id} 的段落")
            source = state.stored(docnum)
            exclude = facets.codes["report_id"] == facets.codes["report_id"][docnum]
            township = facets.codes["township"][docnum]
            if township >= 0:
                exclude |= facets.codes["township"] == township
            ranked = state.evaluator.similar(docnum, source["text"], exclude, limit)
            return {
                "id": paragraph_id,
                "source": hit_json(state, docnum, None, []),
                "hits": [hit_json(state, d, s, []) for d, s in ranked],
            }

    def report(self, report_id: str, q: str = "", mode: str = "expanded") -> dict:
        """A whole report in order: metadata, outline and every paragraph; with ``q``, every paragraph also
        carries ``html`` (escaped, matches marked) and ``matches``. ``stale`` says why the file could not
        replace this version at the last reindex (empty when the index holds the file as it is)."""
        with self.using() as state:
            docnum, members = state.facets.report_docnums(report_id)
            if docnum is None:
                raise NotFoundError(f"没有编号为 {report_id} 的报告")
            view = report_view(state, report_id, docnum, members, q, mode)
        stale = {f["path"]: f["error"] for f in read_info(self.index_dir).get("stale", [])}
        view["stale"] = stale.get(view["path"], "")
        return view

    def source_file(self, report_id: str) -> Path:
        """The original file of a report, found through the index (never from a request path)."""
        with self.using() as state:
            docnum, _ = state.facets.report_docnums(report_id)
            if docnum is None:
                raise NotFoundError(f"没有编号为 {report_id} 的报告")
            source = Path(state.stored(docnum)["report"]["source"])
        if not source.is_file():
            raise NotFoundError(f"报告原文件已不存在：{source.name}")
        return source

    def paragraphs(self) -> Iterator[dict]:
        """The stored fields of every live paragraph with its text, in document order."""
        with self.using() as state:
            for docnum in np.flatnonzero(state.facets.paragraph).tolist():
                yield state.stored(docnum)

    def stats(self) -> dict:
        """Reports, paragraphs, every facet's values, the trend by year, the index's size and when it was
        brought up to date, and the reports whose indexed version is older than their file."""
        with self.using() as state:
            facets = state.facets
            reports = len(distinct(facets.codes["report_id"][facets.paragraph]))
            paragraphs = int(np.count_nonzero(facets.paragraph))
            counts = {name: facets.counts(name, facets.paragraph) for name in FACETS}
            trend = facets.trend(facets.paragraph)
        size = sum(p.stat().st_size for p in self.index_dir.rglob("*") if p.is_file())
        info = read_info(self.index_dir)
        return {
            "reports": reports,
            "paragraphs": paragraphs,
            "facets": counts,
            "trend": trend,
            "index_bytes": size,
            "index_dir": str(self.index_dir),
            "index_name": INDEX_NAME,
            "last_indexed": info.get("last_indexed", ""),
            "corpus": info.get("corpus", ""),
            "stale": info.get("stale", []),
        }
