"""The engine: the operations the command line and the web UI offer, searching and the insights together.

A :class:`search.query.searcher.Searcher` answers searches; the engine adds what no search engine gives — the
report check (:mod:`search.insights.check`), near-duplicate clusters (:mod:`search.insights.duplicates`) and
the indicator table (:mod:`search.insights.indicators`) — each drawn from the same index state.
"""

from __future__ import annotations

import time

import numpy as np

from search.index.clusters import THRESHOLD
from search.insights.check import REQUIRED_PARTS, check_reports
from search.insights.duplicates import list_clusters
from search.insights.indicators import indicator_table
from search.query.parse import QueryError
from search.query.request import MAX_LIMIT, SearchRequest
from search.query.searcher import NotFoundError, Searcher
from search.query.state import report_label


class Engine(Searcher):
    """Searches one index directory and draws the insights from it; picks up a reindex's commit on the next
    request."""

    def check(self, request: SearchRequest) -> dict:
        """报告体检 for every report the request's query and filters select (no query: all of them):
        reports missing a required part first."""
        request.check(MAX_LIMIT)
        with self.using() as state:
            facets = state.facets
            checks = check_reports(state, self.selected(state, request))
            paragraphs = np.flatnonzero(facets.paragraph)
            codes, first = np.unique(facets.codes["report_id"][paragraphs], return_index=True)
            first_doc = dict(zip(codes.tolist(), paragraphs[first].tolist(), strict=True))
            for report in checks:
                for item in report["copied"]:
                    item["id"] = state.stored(item["docnum"])["id"]
                    item["elsewhere"] = [report_label(facets, first_doc[code]) for code in item.pop("other_reports")]
                    del item["docnum"]
        checks.sort(key=lambda r: (-len(r["missing"]), r["county"], r["township"], -(r["year"] or 0)))
        return {
            "required_parts": list(REQUIRED_PARTS),
            "reports": checks,
            "total": len(checks),
            "missing_parts": sum(1 for r in checks if r["missing"]),
            "with_copies": sum(1 for r in checks if r["copied"]),
        }

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
        """Reports × indicators among the paragraphs the request selects."""
        request.check(MAX_LIMIT)
        with self.using() as state:
            result = indicator_table(state, self.selected(state, request), sort, descending)
        result["query"] = request.q
        return result
