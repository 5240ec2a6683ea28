"""Run searches against the index: ranked hits, facet counts, grouping by township, similar paragraphs.

The per-segment arrays of :mod:`search.index.segment_reader` answer the query; Whoosh
supplies the stored documents of the hits on the page. Facet counts come from
per-document code arrays (NumPy), not from per-hit Python work: a search finds
the matching documents once, and every facet is one ``bincount`` over them.
Counts of a facet ignore that facet's own selection (multi-select), so a user
sees what a second township would add. Loaded segments are kept between index
states: after a reindex only the new segment is loaded.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.index.analyze import RUN, fold
from search.index.clusters import (
    ClusteringCancelled,
    Clusters,
    Layout,
    find_clusters,
    load_clusters,
    save_clusters,
    saved_key,
)
from search.index.docsets import select
from search.index.minhash import bands_and_rows, body_of, jaccard, shingle_hashes, shingle_sets
from search.index.segment_reader import Segment, load_segment
from search.index.terms import NO_KEY, id_key
from search.index.writer import (
    FACETS,
    INDEX_NAME,
    index_exists,
    index_is_usable,
    open_index,
    paragraph_id,
    read_info,
    reindex_running,
    segments_of,
)
from search.ingest.classify import PARTS
from search.query.evaluate import Evaluator, Result
from search.query.overlap import Overlapped, searching
from search.query.parse import ParsedQuery, QueryError, normalize_filter_value, parse_query
from search.query.present import mark, match_spans, snippet
from search.query.rank import (
    TIER_GAP,
    TIERS,
    fact_keys,
    named_part_weight,
    practice_prior,
    practice_share,
    prior_applies,
    tier_of,
    top_scoring,
)
from search.query.suggest import Suggester
from search.query.thesaurus import Concept, describe, explain, highlight_forms, load_thesaurus

MAX_LIMIT = 100
FACET_LIMIT = 100
MAX_PAGE = 1000
NO_YEAR = 65535
CODED_FACETS = ("level", "township", "county", "city", "province", "part", "report_id")
REPORT_FACETS = ("level", "township", "county", "city", "province", "year")
SORTS = ("relevance", "year", "year_asc")
COUNT_UNITS = ("paragraphs", "reports")
MODES = ("expanded", "exact")
BOILERPLATE_MODES = ("fold", "show")
BOILERPLATE_REPORTS = 3
NEAR_COPY_CANDIDATES = 30
NEAR_COPY_BATCH = 6
REPORT_FIELDS_CACHED = 4096  # reports whose title and place a state keeps for the hits it shows
NEAR_COPIES_KEPT = 20_000  # paragraphs whose closest copy a state keeps
_UNKNOWN = object()
INLINE_CLUSTERING = 20_000
CLUSTERS_POLL_SECONDS = 0.5
MAX_TOPIC_BITS = 16
GROUP_PREFIX = 8
FEW_HITS = 3


class IndexMissingError(Exception):
    """There is no index at the given place yet."""


class NotFoundError(LookupError):
    """An id that names no report or paragraph."""


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    group_by: str | None = None
    group_size: int = 1
    mode: str = "expanded"
    count: str = "paragraphs"
    fold: bool = False
    boilerplate: str = "fold"


class Tally:
    """How many paragraphs of a search each report has (``per_report``), kept as the reports that have any
    (``matched``, ascending) and their counts (``weights``), found once for every facet counted from it."""

    def __init__(self, per_report: np.ndarray) -> None:
        self.matched = np.flatnonzero(per_report)
        self.weights = per_report[self.matched]


class FacetTable:
    """Facet values of every document as arrays indexed by document number."""

    def __init__(self, segments: list[tuple[Segment, int]], total: int, live: np.ndarray) -> None:
        self.paragraph = np.zeros(total, dtype=bool)
        self.years = np.zeros(total, dtype=np.int64)
        self.id_keys = np.zeros(total, dtype=np.uint64)
        self.values: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        for name in CODED_FACETS:
            self.values[name] = sorted({v for segment, _ in segments for v in segment.values[name]})
            self.codes[name] = np.full(total, -1, dtype=np.int32)
        self.values["topic"] = sorted({t for segment, _ in segments for t in segment.topic_names})
        code_of = {name: {v: i for i, v in enumerate(self.values[name])} for name in CODED_FACETS}
        self.topics = np.zeros((total, max(1, len(self.values["topic"]))), dtype=bool)
        for segment, offset in segments:
            span = slice(offset, offset + segment.count)
            self.paragraph[span] = segment.paragraph
            self.years[span] = segment.years
            self.id_keys[span] = segment.id_keys
            codes = segment.codes
            for name in CODED_FACETS:
                self.codes[name][span] = _remap(codes[name], segment.values[name], code_of[name])
            columns = [self.values["topic"].index(t) for t in segment.topic_names]
            if columns:
                self.topics[span, columns] = segment.topics[:, : len(columns)]
        self.live = live
        self.paragraph &= live
        self.topic_bits = _topic_bits(self.topics)
        self.by_report = self._report_columns()
        self._report_documents: np.ndarray | None = None
        self._paragraph_reports: np.ndarray | None = None

    def _report_columns(self) -> dict[str, np.ndarray]:
        """Per report, the values of the facets that describe a whole report (township, year …), for each such
        facet whose live documents all agree with their report's: those facets are counted over reports (a
        tally of matches per report) rather than over every matching document."""
        paragraphs = np.flatnonzero(self.paragraph)
        reports = self.codes["report_id"][paragraphs]
        if not len(reports) or reports.min() < 0:
            return {}
        others = np.flatnonzero(self.live & ~self.paragraph)  # reports' own documents: no value of these facets
        columns = {}
        for name in REPORT_FACETS:
            every = self.years if name == "year" else self.codes[name]
            values = every[paragraphs]
            column = np.zeros(len(self.values["report_id"]), dtype=values.dtype)
            column[reports] = values
            valueless = not np.any(every[others] > 0 if name == "year" else every[others] >= 0)
            if valueless and np.array_equal(column[reports], values):
                columns[name] = column
        return columns

    def tally(self, docs: np.ndarray) -> Tally | None:
        """How many paragraphs among ``docs`` (live document numbers) each report has; None when no facet is
        counted by report."""
        if not self.by_report:
            return None
        reports = len(self.values["report_id"])
        if self._paragraph_reports is None:
            # A paragraph's report code, and for any other document one past the last (dropped from the counts).
            self._paragraph_reports = np.where(self.paragraph, self.codes["report_id"], reports).astype(np.int32)
        return Tally(np.bincount(self._paragraph_reports[positions(docs)], minlength=reports + 1)[:reports])

    def paragraph_docnum(self, paragraph_id: str) -> int | None:
        """The document number of a live paragraph, found by its id key (None for an id no paragraph has)."""
        key = id_key(paragraph_id)
        if key == NO_KEY:
            return None
        found = np.flatnonzero((self.id_keys == np.uint64(key)) & self.paragraph)
        return int(found[0]) if len(found) else None

    def report_docnums(self, report_id: str) -> tuple[int | None, np.ndarray]:
        """(the report's own document, its paragraphs' documents) of a live report."""
        values = self.values["report_id"]
        at = bisect_left(values, report_id)
        if at == len(values) or values[at] != report_id:
            return None, np.zeros(0, dtype=np.int64)
        summary = self.report_document(at)
        return (None if summary < 0 else summary), np.flatnonzero((self.codes["report_id"] == at) & self.paragraph)

    def report_document(self, code: int) -> int:
        """The live document of the report whose code is ``code`` (its own, not a paragraph); -1 for none.
        A table by report code, built at the first use: a paragraph shown in a hit reads its report's
        title and place there (see :meth:`_State.stored`)."""
        if self._report_documents is None:
            reports = np.flatnonzero(self.live & ~self.paragraph)[::-1]  # the first document wins
            table = np.full(len(self.values["report_id"]), -1, dtype=np.int64)
            table[self.codes["report_id"][reports]] = reports
            self._report_documents = table
        return int(self._report_documents[code]) if code >= 0 else -1

    def mask(self, name: str, selected: list) -> np.ndarray:
        """Documents having any of the selected values of one facet (a flag per document of the index)."""
        return self.allows(name, selected, slice(None))

    def allows(self, name: str, selected: list, docs: np.ndarray | slice) -> np.ndarray:
        """For each of ``docs`` (document numbers), whether it has any of the selected values of one facet."""
        if name == "year":
            years = self.years[docs]
            result = np.zeros(len(years), dtype=bool)
            for start, end in selected:
                low = start if start is not None else 1
                high = end if end is not None else NO_YEAR - 1
                result |= (years >= low) & (years <= high)
            return result
        if name == "topic":
            columns = [self.values["topic"].index(v) for v in selected if v in self.values["topic"]]
            if not columns:
                return np.zeros(len(self.years[docs]), dtype=bool)
            if self.topic_bits is not None:
                return (self.topic_bits[docs] & sum(1 << column for column in columns)) != 0
            return self.topics[docs][:, columns].any(axis=1)
        codes = [self.values[name].index(v) for v in selected if v in self.values[name]]
        return np.isin(self.codes[name][docs], codes)

    def trend(self, docs: np.ndarray, by: str = "year", tally: Tally | None = None) -> list[dict]:
        """Matching paragraphs and reports per year (or per province), with the share of all reports of
        that year (or province) that match: a trend that the number of reports collected does not bend.
        Counts only (no sorting): a report's year and province come from per-index tables. ``tally`` is
        :meth:`tally` of ``docs`` when the caller has it and ``docs`` are all paragraphs."""
        report_key, totals = self._report_tables(by)
        docs = positions(docs)
        if by in self.by_report:
            if tally is None:
                tally = self.tally(docs)
            keys = report_key[tally.matched]
            known = keys >= 0
            paragraphs = np.bincount(keys[known], tally.weights[known], len(totals)).astype(np.int64)
            reports = np.bincount(keys[known], minlength=len(totals))
        else:
            keys = self.years if by == "year" else self.codes[by]
            selected = docs[self.paragraph[docs]]
            known = keys[selected]
            known = known[known > 0] if by == "year" else known[known >= 0]
            paragraphs = np.bincount(known, minlength=len(totals))
            hit = np.zeros(len(report_key), dtype=bool)
            hit[self.codes["report_id"][selected]] = True
            reports = np.bincount(report_key[hit & (report_key >= 0)], minlength=len(totals))
        rows = []
        for key in np.flatnonzero(reports).tolist():
            total = int(totals[key])
            rows.append(
                {
                    "value": key if by == "year" else self.values[by][key],
                    "paragraphs": int(paragraphs[key]),
                    "reports": int(reports[key]),
                    "reports_total": total,
                    "share": round(int(reports[key]) / total, 4) if total else 0.0,
                }
            )
        return rows

    def _report_tables(self, by: str) -> tuple[np.ndarray, np.ndarray]:
        """(each report's year or province code, -1 unknown; reports per year or province), built once."""
        cache = self.__dict__.setdefault("_trend_tables", {})
        if by not in cache:
            keys = self.years if by == "year" else self.codes[by]
            report_key = np.full(len(self.values["report_id"]), -1, dtype=np.int64)
            known = self.paragraph & (keys > 0 if by == "year" else keys >= 0)
            report_key[self.codes["report_id"][known]] = keys[known]
            size = (int(keys.max()) + 1) if len(keys) else 1
            totals = np.bincount(report_key[report_key >= 0], minlength=max(size, 1))
            cache[by] = (report_key, totals)
        return cache[by]

    def _topic_counts(self, docs: np.ndarray) -> np.ndarray:
        """Paragraphs per topic: each document's topics as one number (a bit per topic), counted per
        combination, then per topic; a gather of rows of the topic matrix costs five times as much."""
        if self.topic_bits is None:
            return np.count_nonzero(self.topics[docs], axis=0)
        combinations = np.bincount(self.topic_bits[docs], minlength=1 << self.topics.shape[1])
        has_topic = (np.arange(len(combinations))[:, None] >> np.arange(self.topics.shape[1])) & 1
        return combinations @ has_topic

    def distinct(self, name: str, docs: np.ndarray, tally: Tally | None = None) -> int:
        """How many different values of a coded facet ``docs`` have (reports, townships): a table of the
        values seen, not a sort. ``tally`` is :meth:`tally` of ``docs`` when the caller has it."""
        if name == "report_id" or name in self.by_report:
            tally = self.tally(docs) if tally is None else tally
            if tally is not None:
                if name == "report_id":
                    return len(tally.matched)
                codes = self.by_report[name][tally.matched]
                seen = np.zeros(len(self.values[name]) + 1, dtype=bool)
                seen[codes] = True
                return int(np.count_nonzero(seen[:-1]))
        codes = self.codes[name][docs]
        seen = np.zeros(len(self.values[name]) + 1, dtype=bool)
        seen[codes] = True  # -1 (no value) lands in the extra last slot
        return int(np.count_nonzero(seen[:-1]))

    def place_tree(self, docs: np.ndarray) -> list[dict]:
        """Province → county → township with paragraph counts over ``docs`` (largest first at each level)."""
        names = ("province", "county", "township")
        codes = np.stack([self.codes[name][docs].astype(np.int64) for name in names], axis=1)
        rows, counts = np.unique(codes, axis=0, return_counts=True) if len(codes) else (codes, np.zeros(0))
        tree: dict[str, dict] = {}
        for (province, county, township), count in zip(rows.tolist(), counts.tolist(), strict=True):
            labels = [
                self.values[n][c] if c >= 0 else "" for n, c in zip(names, (province, county, township), strict=True)
            ]
            top = tree.setdefault(labels[0], {"value": labels[0], "count": 0, "children": {}})
            top["count"] += count
            middle = top["children"].setdefault(labels[1], {"value": labels[1], "count": 0, "children": {}})
            middle["count"] += count
            middle["children"][labels[2]] = {"value": labels[2], "count": count}

        def ordered(level: dict) -> list[dict]:
            items = sorted(level.values(), key=lambda item: (-item["count"], item["value"]))
            for item in items:
                if "children" in item:
                    item["children"] = ordered(item["children"])
            return items

        return ordered(tree)

    def counts(
        self,
        name: str,
        docs: np.ndarray,
        selected: list | None = None,
        unit: str = "paragraphs",
        every_value: bool = False,
        tally: Tally | None = None,
    ) -> list[dict]:
        """Values of a facet with their counts over ``docs``: the FACET_LIMIT most frequent, plus selected ones.
        With ``unit="reports"`` a value counts the reports it has matches in, not the paragraphs. ``tally`` is
        :meth:`tally` of ``docs`` when the caller has it.

        Years come newest first and report parts in the order of the report outline.
        """
        docs = positions(docs)
        if name in self.by_report:
            return self._listed(name, self._counts_by_report(name, docs, unit, tally), selected, every_value)
        reports = self.codes["report_id"][docs].astype(np.int64) if unit == "reports" else None
        if name == "year":
            years = self.years[docs].astype(np.int64)
            keep = years > 0
            if reports is not None:
                pairs = np.unique(years[keep] * (len(self.values["report_id"]) + 1) + reports[keep])
                years = pairs // (len(self.values["report_id"]) + 1)
                keep = np.ones(len(years), dtype=bool)
            known = years[keep]
            low = int(known.min()) if len(known) else 0
            counts = np.bincount(known - low)
            values = np.flatnonzero(counts)
            return [{"value": int(v) + low, "count": int(counts[v])} for v in values[::-1].tolist()]
        if name == "topic":
            if reports is None:
                counts = self._topic_counts(docs)
            else:
                matrix = self.topics[docs]
                counts = np.array([len(np.unique(reports[matrix[:, j]])) for j in range(matrix.shape[1])])
        else:
            codes = self.codes[name][docs].astype(np.int64)
            known = codes >= 0
            codes = codes[known]
            if reports is not None:
                width = len(self.values["report_id"]) + 1
                codes = np.unique(codes * width + reports[known]) // width
            counts = np.bincount(codes, minlength=len(self.values[name]))
        return self._listed(name, counts, selected, every_value)

    def _counts_by_report(self, name: str, docs: np.ndarray, unit: str, tally: Tally | None) -> np.ndarray:
        """Documents (or reports, with ``unit="reports"``) per value of a facet that describes whole reports
        (for years, per year from the earliest: see :meth:`_listed`)."""
        if tally is None:
            tally = self.tally(docs)
        weights = tally.weights if unit == "paragraphs" else None
        values = self.by_report[name][tally.matched]
        known = values > 0 if name == "year" else values >= 0
        if name == "year":
            low = int(values[known].min()) if known.any() else 0
            counts = np.bincount(values[known] - low, None if weights is None else weights[known])
            return np.concatenate((np.zeros(low, dtype=np.int64), counts.astype(np.int64)))
        counts = np.bincount(values[known], None if weights is None else weights[known], len(self.values[name]))
        return counts.astype(np.int64)

    def _listed(self, name: str, counts: np.ndarray, selected: list | None, every_value: bool) -> list[dict]:
        """The values of a facet with their ``counts`` (indexed by value code, or by year), as listed."""
        if name == "year":
            values = np.flatnonzero(counts)
            return [{"value": int(v), "count": int(counts[v])} for v in values[::-1].tolist()]
        values = self.values[name]
        present = np.flatnonzero(counts)
        if name == "part":
            order = {p: i for i, p in enumerate(PARTS)}
            chosen = sorted(present.tolist(), key=lambda i: order.get(values[i], len(order)))
        else:
            chosen = _most_frequent(present, counts, None if every_value else FACET_LIMIT)
            if selected:
                shown = set(chosen)
                wanted = {str(v) for v in selected}
                chosen += [i for i in present.tolist() if values[i] in wanted and i not in shown]
        return [{"value": values[i], "count": int(counts[i])} for i in chosen]


@dataclass
class _State:
    """Everything one committed index state needs to answer queries.

    Queries run on a state without the engine's lock: its arrays are read-only. Whoosh's stored-field
    reads are not thread-safe, so they take the state's own lock. A state replaced by a reindex is closed
    when the last query using it ends.
    """

    searcher: object
    facets: FacetTable
    evaluator: Evaluator
    prior: np.ndarray
    suggester: Suggester
    stored_lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0
    retired: bool = False
    clusters_lock: threading.Lock = field(default_factory=threading.Lock)
    start_lock: threading.Lock = field(default_factory=threading.Lock)
    index_dir: Path | None = None
    practice_share: float = 0.0
    _clusters: Clusters | None = None
    _clustering_started: bool = False
    _indicator_values: dict = field(default_factory=dict)
    _report_field_cache: dict = field(default_factory=dict)
    _near_copies: dict = field(default_factory=dict)

    def clusters(self) -> Clusters:
        """Near-duplicate paragraphs of this state (:mod:`search.insights.duplicates`), waiting for them: those the
        indexer saved for this state, or found from the saved ones of an earlier state (only the pairs a
        reindex changed), or, with none saved, found whole (at 1,000,000 paragraphs about a minute)."""
        with self.clusters_lock:
            if self._clusters is None:
                self._clusters = self._load_or_find_clusters()
            return self._clusters

    def layout(self) -> Layout:
        segments = self.evaluator.segments
        return Layout(
            [segment.folder.name for segment, _ in segments],
            [offset for _, offset in segments],
            [segment.count for segment, _ in segments],
            self.facets.paragraph,
        )

    def _bands(self) -> np.ndarray:
        segments = self.evaluator.segments
        if not segments:
            return np.zeros((0, bands_and_rows()[0]), dtype=np.uint64)
        return np.concatenate([segment.bands() for segment, _ in segments])

    def _load_or_find_clusters(self) -> Clusters:
        layout, codes = self.layout(), self.facets.codes["report_id"]
        found = load_clusters(self.index_dir, layout, self._bands, codes) if self.index_dir else None
        if isinstance(found, Clusters):
            return found
        bands = self._bands()
        clusters = find_clusters(bands, self.facets.paragraph, codes, self.shingles, self._replaced, start=found)
        if self.index_dir:
            save_clusters(self.index_dir, layout, clusters)
        return clusters

    def _replaced(self) -> bool:
        """A reindex replaced this state and no query uses it any more: its clusters are not needed."""
        return self.retired and not self.users

    def _find_clusters_in_background(self) -> None:
        """After a reindex: while the indexer still holds its lock it is finding this state's clusters
        (it does so before it lets go), so wait for its file rather than find them a second time."""
        if self.index_dir:
            key = self.layout().key()
            while reindex_running(self.index_dir) and saved_key(self.index_dir) != key:
                if self._replaced():
                    return
                time.sleep(CLUSTERS_POLL_SECONDS)
        with suppress(ClusteringCancelled):
            self.clusters()

    def clusters_if_ready(self, start: bool = True) -> Clusters | None:
        """The clusters for a search, which must not wait seconds after a reindex: a state of at most
        INLINE_CLUSTERING paragraphs finds them at once (well under a second); a larger one answers without
        them (None) until they are there, and (with ``start``) starts finding them in the background."""
        if self._clusters is None and int(np.count_nonzero(self.facets.paragraph)) <= INLINE_CLUSTERING:
            return self.clusters()
        if start:
            self.start_clustering()
        return self._clusters

    def start_clustering(self) -> None:
        """Find the clusters in a background thread, once (a search starts it when it has answered, so that
        the first search after a reindex does not share the interpreter with it)."""
        if self._clusters is None and not self._clustering_started:
            with self.start_lock:
                if not self._clustering_started:
                    self._clustering_started = True
                    threading.Thread(
                        target=self._find_clusters_in_background, name="near-duplicates", daemon=True
                    ).start()

    def shingles(self, docnum: int) -> np.ndarray:
        return shingle_hashes(self._body(docnum))

    def _body(self, docnum: int) -> str:
        """What a copy of the paragraph keeps (:func:`body_of`), without its report's own place names."""
        facets = self.facets
        places = []
        for name in ("township", "county", "city"):
            code = int(facets.codes[name][docnum])
            if code >= 0:
                places.append(_folded_place(facets.values[name][code]))
        return body_of(self.evaluator.text(docnum), tuple(places))

    def near_copy(self, docnum: int, start: bool = True) -> dict | None:
        """The closest paragraph of another report in ``docnum``'s cluster, with the exact similarity and how
        many other reports the cluster spans; None when no other report has a near-identical paragraph, or
        while the clusters of a large state are still being found."""
        clusters = self.clusters_if_ready(start)
        if clusters is None or clusters.label[docnum] < 0:
            return None
        found = _remembered(self._near_copies, docnum, lambda: self._closest_copy(docnum, clusters), NEAR_COPIES_KEPT)
        return None if found is None else dict(found)

    def _closest_copy(self, docnum: int, clusters: Clusters) -> dict | None:
        """:meth:`near_copy`, worked out: the shingles of up to NEAR_COPY_CANDIDATES paragraphs compared (about
        a millisecond for a paragraph of a large cluster, so a state keeps what it found)."""
        facets = self.facets
        report = facets.codes["report_id"][docnum]
        members = clusters.members(docnum)
        others = members[facets.codes["report_id"][members] != report][:NEAR_COPY_CANDIDATES]
        if not len(others):
            return None
        own = shingle_hashes(self._body(docnum))
        similarity, other = -1.0, -1
        # The candidates come in ascending order and ties go to the first: a copy identical to the paragraph
        # ends the search (most members of a large cluster are), so they are compared a few at a time.
        for start in range(0, len(others), NEAR_COPY_BATCH):
            batch = others[start : start + NEAR_COPY_BATCH].tolist()
            for shingles, candidate in zip(shingle_sets([self._body(d) for d in batch]), batch, strict=True):
                found = jaccard(own, shingles)
                if found > similarity:
                    similarity, other = found, candidate
            if similarity == 1.0:
                break
        return {
            **self.paragraph_label(other),
            "similarity": round(similarity, 2),
            "other_reports": int(clusters.reports[docnum]) - 1,
        }

    def indicator_values(self, docnum: int) -> list:
        """The indicator values a paragraph states (:mod:`search.insights.indicators`), read once per index state."""
        from search.insights.indicators import extract

        return _remembered(self._indicator_values, docnum, lambda: extract(self.evaluator.text(docnum)))

    def paragraph_label(self, docnum: int) -> dict:
        """A paragraph as a reader names it: report, township, year, its id and number in the report."""
        label = _report_label(self.facets, docnum)
        ordinal = int(self.facets.id_keys[docnum]) & 0xFFFF
        return {**label, "id": paragraph_id(label["report_id"], ordinal), "paragraph": ordinal + 1}

    def stored(self, docnum: int) -> dict:
        """A document's stored fields. A paragraph's text (as written) comes from the segment's arrays, and
        its report's title, path and place from the report's document (indexes written before stored them
        with every paragraph; see :func:`search.index.writer.stored_fields`)."""
        with self.stored_lock:
            fields = self.searcher.stored_fields(docnum)
        if fields.get("kind") == "report":
            return fields
        if "text" not in fields:
            text = self.evaluator.written(docnum)
            if text is not None:
                fields["text"] = text
        if "title" not in fields:
            fields.update(self._report_fields(docnum))
        return fields

    def _report_fields(self, docnum: int) -> dict:
        """The fields a paragraph shares with its report, as the paragraph would have stored them (read once
        per report and state: the hits of a page often share reports)."""
        code = int(self.facets.codes["report_id"][docnum])
        return dict(
            _remembered(self._report_field_cache, code, lambda: self._read_report_fields(code), REPORT_FIELDS_CACHED)
        )

    def _read_report_fields(self, code: int) -> dict:
        report_doc = self.facets.report_document(code)
        if report_doc < 0:
            return {}
        with self.stored_lock:
            stored = self.searcher.stored_fields(report_doc)
        meta = stored.get("report") or {}
        fields = {"title": stored.get("title", ""), "path": stored.get("path", "")}
        fields.update(
            {name: meta[name] for name in ("level", "township", "county", "city", "province") if meta.get(name)}
        )
        if meta.get("year"):
            fields["year"] = meta["year"]
        return fields


class Engine:
    """Searches one index directory; picks up a reindex's commit on the next request."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        if not index_exists(self.index_dir):
            raise IndexMissingError(f"{self.index_dir} 中还没有索引：请先运行 reportsearch index")
        if not index_is_usable(self.index_dir):
            raise IndexMissingError(f"{self.index_dir} 中的索引不完整或来自旧版本：请运行 reportsearch index --rebuild")
        self.ix = open_index(self.index_dir)
        self._lock = threading.RLock()
        self._state: _State | None = None
        self._segments: dict[str, list[Segment]] = {}

    def close(self) -> None:
        with self._lock:
            if self._state is not None:
                self._retire(self._state)
                self._state = None

    def prepare(self) -> None:
        """Load the current index state and its near-duplicate clusters now rather than on the first request."""
        with self._using() as state:
            state.clusters()

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
                searcher=self.ix.searcher(),
                stored_lock=threading.Lock(),
                clusters_lock=threading.Lock(),
                start_lock=threading.Lock(),
                users=0,
            )

    @contextmanager
    def _using(self):
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

    @staticmethod
    def _retire(state: _State) -> None:
        state.retired = True
        if not state.users:
            state.searcher.close()

    def _current(self) -> _State:
        """The state of the latest commit (called with the engine's lock held)."""
        if self._state is not None and self._state.searcher.up_to_date():
            return self._state
        if self._state is not None:
            self._retire(self._state)
        # A fresh searcher, not Searcher.refresh(): refresh reuses segment readers and so misses
        # documents that a reindex deleted from an unchanged segment (whoosh3 3.54.0).
        searcher = self.ix.searcher()
        self._state = self._load(searcher)
        return self._state

    def _load(self, searcher) -> _State:
        reader = searcher.reader()
        total = reader.doc_count_all()
        live = np.ones(total, dtype=bool)
        pieces = []
        current = set()
        for segment, offset in segments_of(reader):
            segment_id = segment.segment_id()
            current.add(segment_id)
            if segment_id not in self._segments:
                self._segments[segment_id] = load_segment(self.index_dir, segment_id)
            for docnum in segment.deleted_docs():
                live[offset + docnum] = False
            start = offset
            for piece in self._segments[segment_id]:
                pieces.append((piece, start))
                start += piece.count
        for segment_id in set(self._segments) - current:
            del self._segments[segment_id]
        facets = FacetTable(pieces, total, live)
        evaluator = Evaluator(pieces, total, facets.paragraph, facets)
        prior = practice_prior(facets.codes["part"], facets.values["part"], _reports_numbers(pieces, total))
        share = practice_share(facets.paragraph, facets.codes["part"], facets.values["part"])
        return _State(
            searcher, facets, evaluator, prior, Suggester(evaluator), index_dir=self.index_dir, practice_share=share
        )

    def search(self, request: SearchRequest, max_limit: int = MAX_LIMIT) -> dict:
        """One page of hits with total and facets; ``max_limit`` is raised only for exports.

        ``total`` and the facet counts are those of the strict matches; in expanded mode, ranked by
        relevance, the partial and related matches follow them (``loose_total``), each hit saying its tier.
        """
        started = time.perf_counter()
        _check_request(request, max_limit)
        parsed = parse_query(request.q)
        selections = _selections(request.filters, parsed.filters)
        expand = request.mode == "expanded"
        concepts = _concepts(parsed, expand)
        with self._using() as state, searching():
            facets = state.facets
            matched = state.evaluator.run(parsed.query, expand)
            docs = matched.docs
            allows = {name: facets.allows(name, values, docs) for name, values in selections.items()}
            allowed = facets.paragraph[docs]
            for allow in allows.values():
                allowed &= allow
            strictly = matched.mask & allowed
            selected_docs = select(docs, strictly)
            summary = Overlapped(_summary, facets, matched, allows, selections, selected_docs, request.count)
            loose = expand and parsed.query is not None and request.sort == "relevance" and not request.group_by
            found_tiers = tier_of(matched.mask, matched.covered(), matched.nearly(), allowed) if loose else None
            result = {
                "query": request.q,
                "mode": request.mode,
                "total": len(selected_docs),
                "partial_total": int(np.count_nonzero(found_tiers == 1)) if loose else 0,
                "related_total": int(np.count_nonzero(found_tiers == 2)) if loose else 0,
                "page": request.page,
                "limit": request.limit,
                "sort": request.sort,
                "filters": _display_filters(request.filters, parsed.filters),
            }
            result["loose_total"] = result["partial_total"] + result["related_total"]
            found_scores = None
            if parsed.query is not None:
                found_scores = matched.score
                named = {c.part for c in concepts if c.part}
                if named and "part" not in selections:
                    found_scores = found_scores * named_part_weight(
                        facets.codes["part"][docs], facets.values["part"], named
                    )
                elif "part" not in selections and prior_applies(
                    selected_docs, facets.codes["part"], facets.values["part"], state.practice_share
                ):
                    found_scores = found_scores * state.prior[docs]
            found = Candidates(docs, found_scores, found_tiers)
            strict = found.where(strictly, selected_docs)
            candidates = found.where(found_tiers >= 0) if loose else strict
            boilerplate = FoldedCopies()
            if request.boilerplate == "fold" and not request.fold and not request.group_by:
                boilerplate = _boilerplate(state, candidates.docs)
            result["boilerplate_folded"] = boilerplate.total
            result["duplicates_pending"] = state.clusters_if_ready(start=False) is None
            folded: dict[int, dict] = {}
            if request.fold and not request.group_by:
                hits, folded, result["rows"] = _folded(state, strict, request)
            elif request.group_by:
                hits = _grouped(facets, strict, request)
                result["group_totals"], result["groups_total"] = _group_sizes(
                    facets, selected_docs, hits, request.group_by
                )
            else:
                hits = candidates.hits(_ranked(facets, candidates, request, boilerplate))
            result["hits"] = [
                _hit_json(state, docnum, score, parsed.highlight, concepts, tier) for docnum, score, tier in hits
            ]
            if request.fold:
                for hit, (docnum, *_) in zip(result["hits"], hits, strict=True):
                    hit["folded"] = folded.get(docnum, {"in_report": 0, "same_text": 0})
            if request.limit <= MAX_LIMIT:
                for hit, (docnum, *_) in zip(result["hits"], hits, strict=True):
                    hit["near_copy"] = state.near_copy(docnum, start=False)
                    hit["boilerplate"] = boilerplate.get(docnum, 0)
            result.update(summary.result())
            first_page = request.page == 1 and not request.group_by
            result["related_terms"] = self._related_terms(state, strict, parsed, concepts) if first_page else []
            weak = _weak_runs(state, parsed) if parsed.terms and result["total"] < FEW_HITS else set()
            state.start_clustering()
        result["did_you_mean"] = self._did_you_mean(state, request, weak, result["total"])
        if request.group_by:
            result["group_by"] = request.group_by
            result["group_size"] = request.group_size
        result["seconds"] = round(time.perf_counter() - started, 4)
        return result

    def _related_terms(self, state, strict: Candidates, parsed: ParsedQuery, concepts: list[Concept]) -> list[str]:
        """Words that the best strict hits share and the corpus does not (pseudo-relevance feedback)."""
        if strict.scores is None or not parsed.terms:
            return []
        best = top_scoring(strict.docs, strict.scores, 10).tolist()
        exclude = {fold(t) for t in parsed.terms} | set(highlight_forms(concepts))
        return state.suggester.related_terms(best, exclude)

    def _did_you_mean(self, state, request: SearchRequest, weak: set[str], total: int) -> dict | None:
        """A corrected query and its total, when a word of a query with few hits looks mistyped."""
        if not weak:
            return None
        corrected = state.suggester.did_you_mean(fold(request.q), weak)
        if not corrected:
            return None
        found = self.search(SearchRequest(q=corrected, filters=request.filters, limit=1, mode=request.mode))["total"]
        return {"q": corrected, "total": found} if found > total else None

    def facet(self, request: SearchRequest, name: str) -> dict:
        """Every value of one facet for a search (not only the most frequent), and for places the
        province → county → township tree: what a full facet page lists."""
        if name not in FACETS:
            raise QueryError(f"未知的分面“{name}”：可用 {'、'.join(FACETS)}")
        _check_request(request, MAX_LIMIT)
        parsed = parse_query(request.q)
        selections = _selections(request.filters, parsed.filters)
        with self._using() as state:
            facets = state.facets
            strict = state.evaluator.run(parsed.query, request.mode == "expanded").strict
            allows = {n: facets.allows(n, values, strict) for n, values in selections.items()}
            docs = _others(strict, allows, name)
            values = facets.counts(name, docs, selections.get(name), request.count, every_value=True)
            tree = facets.place_tree(docs) if name in ("township", "county", "province") else []
        return {"name": name, "query": request.q, "values": values, "tree": tree}

    def check(self, request: SearchRequest) -> dict:
        """报告体检 for every report the request's query and filters select (no query: all of them):
        reports missing a required part first. See :mod:`search.insights.check`."""
        from search.insights.check import REQUIRED_PARTS, check_reports

        with self._using() as state:
            facets = state.facets
            checks = check_reports(state, _selected(state, request))
            paragraphs = np.flatnonzero(facets.paragraph)
            codes, first = np.unique(facets.codes["report_id"][paragraphs], return_index=True)
            first_doc = dict(zip(codes.tolist(), paragraphs[first].tolist(), strict=True))
            for report in checks:
                for item in report["copied"]:
                    item["id"] = state.stored(item["docnum"])["id"]
                    item["elsewhere"] = [_report_label(facets, first_doc[code]) for code in item.pop("other_reports")]
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
        """Clusters of near-identical paragraphs among those the request selects (see :mod:`search.insights.duplicates`);
        with ``paragraph_id``, only that paragraph's cluster."""
        from search.index.clusters import THRESHOLD
        from search.insights.duplicates import list_clusters

        _check_request(request, MAX_LIMIT)
        if not 2 <= min_reports <= 1000:
            raise QueryError("min_reports 应在 2 到 1000 之间")
        started = time.perf_counter()
        with self._using() as state:
            docs = _selected(state, request)
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
        """Reports × indicators among the paragraphs the request selects (see :mod:`search.insights.indicators`)."""
        from search.insights.indicators import indicator_table

        with self._using() as state:
            result = indicator_table(state, _selected(state, request), sort, descending)
        result["query"] = request.q
        return result

    def nearby(self, request: SearchRequest) -> list[dict]:
        """Looser queries worth offering when a search finds nothing: each with its number of hits."""
        from search.query.parse import looser_queries

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
        with self._using() as state:
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
                "source": _hit_json(state, docnum, None, []),
                "hits": [_hit_json(state, d, s, []) for d, s in ranked],
            }

    def report(self, report_id: str, q: str = "", mode: str = "expanded") -> dict:
        """A whole report in order: metadata, outline and every paragraph.

        With ``q``, every paragraph also carries ``html`` (escaped, matches marked) and ``matches``.
        """
        with self._using() as state:
            docnum, members = state.facets.report_docnums(report_id)
            if docnum is None:
                raise NotFoundError(f"没有编号为 {report_id} 的报告")
            stored = state.stored(docnum)
            results = sorted(((d, state.stored(int(d))) for d in members), key=lambda item: item[1]["ordinal"])
            paragraphs = [
                {
                    "id": hit["id"],
                    "ordinal": hit["ordinal"],
                    "section": hit.get("section") or [],
                    "part": hit.get("part", ""),
                    "topics": _topics(hit.get("topic", "")),
                    "text": hit["text"],
                    "near_copy": state.near_copy(int(doc)),
                }
                for doc, hit in results
            ]
        if q:
            parsed = parse_query(q)
            forms = parsed.highlight + highlight_forms(_concepts(parsed, mode == "expanded"), loose=False)
            for paragraph in paragraphs:
                spans = match_spans(paragraph["text"], forms)
                paragraph["matches"] = len(spans)
                paragraph["html"] = mark(paragraph["text"], spans)
                paragraph["section_html"] = [mark(h, match_spans(h, forms)) for h in paragraph["section"]]
        meta = stored["report"]
        outline: list[list[str]] = []
        for paragraph in paragraphs:
            for depth in range(1, len(paragraph["section"]) + 1):
                path = paragraph["section"][:depth]
                if path not in outline:
                    outline.append(path)
        stale = {f["path"]: f["error"] for f in read_info(self.index_dir).get("stale", [])}
        return {
            "id": report_id,
            "path": stored["path"],
            **{k: v for k, v in meta.items() if k != "source"},
            "stale": stale.get(stored["path"], ""),
            "outline": outline,
            "paragraphs": paragraphs,
        }

    def source_file(self, report_id: str) -> Path:
        """The original file of a report, found through the index (never from a request path)."""
        with self._using() as state:
            docnum, _ = state.facets.report_docnums(report_id)
            if docnum is None:
                raise NotFoundError(f"没有编号为 {report_id} 的报告")
            source = Path(state.stored(docnum)["report"]["source"])
        if not source.is_file():
            raise NotFoundError(f"报告原文件已不存在：{source.name}")
        return source

    def paragraphs(self) -> Iterator[dict]:
        """The stored fields of every live paragraph with its text, in document order."""
        with self._using() as state:
            for docnum in np.flatnonzero(state.facets.paragraph).tolist():
                yield state.stored(docnum)

    def stats(self) -> dict:
        with self._using() as state:
            facets = state.facets
            reports = len(np.unique(facets.codes["report_id"][facets.paragraph]))
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


def _remap(codes: np.ndarray, local: list[str], code_of: dict[str, int]) -> np.ndarray:
    """Codes into a segment's own value list → codes into the shared value list (``code_of`` its positions).

    A dict lookup per value: a binary search over an object array of 40,000 report ids per segment took
    a third of loading a state at 1,000,000 paragraphs."""
    if not local:
        return codes
    lookup = np.fromiter((code_of[value] for value in local), dtype=np.int32, count=len(local))
    return np.where(codes >= 0, lookup[np.maximum(codes, 0)], -1)


@dataclass
class Candidates:
    """Documents a page is chosen from (ascending), with their scores and tiers of match aligned (None
    without a query, and without tiers): kept beside the documents rather than spread over an array of
    every document, which cost a scatter of every match per search."""

    docs: np.ndarray
    scores: np.ndarray | None = None
    tiers: np.ndarray | None = None

    def where(self, keep: np.ndarray, docs: np.ndarray | None = None) -> Candidates:
        """The candidates where boolean ``keep`` holds (``docs``: their documents, when already selected)."""

        def kept(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else select(values, keep)

        return Candidates(kept(self.docs) if docs is None else docs, kept(self.scores), kept(self.tiers))

    def hits(self, positions: np.ndarray) -> list[tuple[int, float | None, int]]:
        """(document, score, tier) of the candidates at ``positions``."""
        return [
            (
                int(self.docs[at]),
                None if self.scores is None else float(self.scores[at]),
                0 if self.tiers is None else int(self.tiers[at]),
            )
            for at in positions.tolist()
        ]


def _ranked(
    facets: FacetTable, candidates: Candidates, request: SearchRequest, boilerplate: FoldedCopies | None = None
) -> np.ndarray:
    """Positions among ``candidates`` of the page of hits: by tier, then score (ties by id), or by year when
    asked or when there is no query; with ``boilerplate``, only the first copy of each boilerplate cluster is
    listed.

    Only a prefix of the ranking is sorted. A cluster's first copy ranks above its others, so the copies
    first met in a prefix are exactly the listed ones within it: the prefix grows until it holds a page
    of them."""
    offset = (request.page - 1) * request.limit
    wanted = offset + request.limit
    if boilerplate is None or boilerplate.folding is None:
        return _ranking_prefix(facets, candidates, request.sort, wanted)[offset:wanted]
    length = wanted * GROUP_PREFIX
    while True:
        prefix = _ranking_prefix(facets, candidates, request.sort, length)
        listed = prefix[boilerplate.first_copies(candidates.docs[prefix])]
        if len(listed) >= wanted or len(prefix) == len(candidates.docs):
            return listed[offset:wanted]
        length *= 4


def _ranking_prefix(facets: FacetTable, candidates: Candidates, sort: str, length: int) -> np.ndarray:
    """Positions of the first ``length`` candidates in page order (ties by id, so the order is total)."""
    docs, scores, tiers = candidates.docs, candidates.scores, candidates.tiers
    at = np.arange(len(docs))
    if scores is not None and sort == "relevance":
        last = _last_tier(tiers, length) if tiers is not None else 0
        if tiers is not None and last < len(TIERS) - 1 and len(docs) > length * 4:
            at = np.flatnonzero(tiers <= last)
            docs, scores, tiers = docs[at], scores[at], tiers[at]
        rounded = np.round(scores, 4)
        # A tier number times TIER_GAP in float64 (int8 times a float took 1 ms per 200,000 candidates).
        ranks = rounded - tiers.astype(np.float64) * TIER_GAP if last > 0 else rounded
        if len(docs) > length * 4:
            # Only documents ranking at least as high as the length-th best can be in the prefix (ties included).
            keep = ranks >= np.partition(ranks, len(docs) - length)[len(docs) - length]
            at, docs, rounded = at[keep], docs[keep], rounded[keep]
            tiers = None if tiers is None else tiers[keep]
        keys = (facets.id_keys[docs], -rounded) if tiers is None else (facets.id_keys[docs], -rounded, tiers)
    elif sort == "year_asc":
        keys = (facets.id_keys[docs], facets.years[docs])
    else:
        keys = (facets.id_keys[docs], -facets.years[docs])
    return at[np.lexsort(keys)][:length]


def _last_tier(tiers: np.ndarray, length: int) -> int:
    """The worst tier a prefix of ``length`` candidates (their ``tiers``) reaches: a lower tier never ranks
    above a higher one, so the prefix is among the candidates of this tier or better. The strict matches
    alone usually fill a page, and the loose ones need no ranking."""
    held = 0
    for tier in range(len(TIERS) - 1):
        held += int(np.count_nonzero(tiers == tier))
        if held >= length:
            return tier
    return len(TIERS) - 1


def _remembered(cache: dict, key, compute, limit: int | None = None):
    """``cache[key]``, computed and kept the first time; a cache of ``limit`` entries starts again when full
    (what an index state keeps of the paragraphs and reports it has shown)."""
    found = cache.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = compute()
        if limit is not None and len(cache) >= limit:
            cache.clear()
        cache[key] = found
    return found


@lru_cache(maxsize=65536)
def _folded_place(name: str) -> str:
    """A place name folded as paragraph texts are (a near copy folds its candidates' places)."""
    return fold(name)


def _report_label(facets: FacetTable, doc: int) -> dict:
    """The report a document belongs to, as a reader names it: township (or county), year, id."""

    def value(name: str) -> str:
        code = int(facets.codes[name][doc])
        return facets.values[name][code] if code >= 0 else ""

    return {
        "report_id": value("report_id"),
        "township": value("township") or value("county"),
        "year": int(facets.years[doc]) or None,
    }


def _group_sizes(
    facets: FacetTable, selected: np.ndarray, hits: list[tuple[int, float | None, int]], group_by: str
) -> tuple[dict[str, int], int]:
    """({group value: its number of matching paragraphs} for the groups on the page, number of groups)."""
    codes = facets.codes[group_by]
    chosen = codes[selected]
    sizes = np.bincount(chosen[chosen >= 0], minlength=len(facets.values[group_by]))
    unknown = int(np.count_nonzero(chosen < 0))
    totals = {}
    for docnum, *_ in hits:
        code = int(codes[docnum])
        totals[facets.values[group_by][code] if code >= 0 else ""] = int(sizes[code]) if code >= 0 else unknown
    return totals, int(np.count_nonzero(sizes)) + int(unknown > 0)


def _folded(
    state: _State, selected: Candidates, request: SearchRequest
) -> tuple[list[tuple[int, float | None, int]], dict[int, dict], int]:
    """The page when hits are folded: a report's best hit stands for its others, and a paragraph copied
    into other reports is shown once. Returns (page, {docnum: {in_report, same_text}}, rows after folding)."""
    facets = state.facets
    everything = SearchRequest(q=request.q, sort=request.sort, page=1, limit=max(1, len(selected.docs)))
    order = _ranked(facets, selected, everything)
    ranked = selected.docs[order]
    if not len(ranked):
        return [], {}, 0
    reports = facets.codes["report_id"][ranked]
    _, first_of_report, per_report = np.unique(reports, return_index=True, return_counts=True)
    kept = np.sort(first_of_report)
    in_report = dict(zip(ranked[first_of_report].tolist(), (per_report - 1).tolist(), strict=True))
    clusters = state.clusters_if_ready(start=False)
    texts = clusters.keys()[ranked[kept]] if clusters is not None else -1 - ranked[kept]
    _, first_of_text, per_text = np.unique(texts, return_index=True, return_counts=True)
    shown = kept[np.sort(first_of_text)]
    same_text = dict(zip(ranked[kept][first_of_text].tolist(), (per_text - 1).tolist(), strict=True))
    offset = (request.page - 1) * request.limit
    page = selected.hits(order[shown[offset : offset + request.limit]])
    folded = {doc: {"in_report": in_report.get(doc, 0), "same_text": same_text.get(doc, 0)} for doc, *_ in page}
    return page, folded, len(shown)


def _boilerplate(state: _State, candidates: np.ndarray) -> FoldedCopies:
    """The boilerplate among ``candidates`` — paragraphs near-identical in BOILERPLATE_REPORTS reports or
    more — to be listed once each (see :func:`_ranked`); nothing is folded while the clusters of a large state
    are still being found."""
    clusters = state.clusters_if_ready(start=False)
    if clusters is None:
        return FoldedCopies()
    folding = clusters.spanning(BOILERPLATE_REPORTS)
    labels = folding[candidates]
    labels = select(labels, labels >= 0)
    if not len(labels):
        return FoldedCopies()
    seen = np.zeros(int(labels.max()) + 1, dtype=bool)
    seen[labels] = True
    return FoldedCopies(folding, labels, len(labels) - int(np.count_nonzero(seen)))


@dataclass
class FoldedCopies:
    """Boilerplate clusters among a search's candidates: ``found`` is the cluster label of each candidate
    in one, so a listed copy stands for the other candidates of its cluster, ``total`` of them in all.
    ``folding`` is the boilerplate cluster label of every document (-1 for none)."""

    folding: np.ndarray | None = None
    found: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    total: int = 0

    def first_copies(self, ranked: np.ndarray) -> np.ndarray:
        """Which of ``ranked`` (in page order) are listed: the first of each boilerplate cluster and the rest."""
        labels = self.folding[ranked]
        listed = labels < 0
        _, first = np.unique(labels, return_index=True)
        listed[first] = True
        return listed

    def get(self, doc: int, default: int = 0) -> int:
        """How many copies a listed ``doc`` stands for."""
        if self.folding is None:
            return default
        label = int(self.folding[doc])
        return int(np.count_nonzero(self.found == label)) - 1 if label >= 0 else default


def _grouped(facets: FacetTable, selected: Candidates, request: SearchRequest) -> list[tuple[int, float | None, int]]:
    """The best ``group_size`` paragraphs of each group, groups ordered by their best paragraph.

    The groups of the page are the first ones met in the ranking; a prefix of it is enough to meet them
    (taken four times longer until they are all there), so only that prefix and the page's groups are sorted,
    not every match (at 1,000,000 paragraphs a sort of 160,000 matches took 40 ms)."""
    docs, scores = selected.docs, selected.scores
    primary = -np.round(scores, 4) if scores is not None else -facets.years[docs].astype(np.float64)
    ids = facets.id_keys[docs]
    codes = facets.codes[request.group_by][docs]
    offset = (request.page - 1) * request.limit
    wanted = offset + request.limit
    length = max(wanted * GROUP_PREFIX, GROUP_PREFIX * 32)
    while True:
        prefix = _ranked_prefix(primary, ids, length)
        met, first = np.unique(codes[prefix], return_index=True)
        if len(met) >= wanted or length >= len(docs):
            break
        length *= 4
    page_groups = met[np.argsort(first, kind="stable")][offset:wanted]
    members = np.flatnonzero(np.isin(codes, page_groups))
    members = members[np.lexsort((ids[members], primary[members]))]
    lookup = np.argsort(page_groups, kind="stable")
    position = lookup[np.searchsorted(page_groups[lookup], codes[members])]
    by_group = members[np.argsort(position, kind="stable")]  # page order of groups, rank order inside each
    group_of = codes[by_group]
    first_of_group = np.concatenate(([True], group_of[1:] != group_of[:-1]))[: len(group_of)]
    group_start = np.maximum.accumulate(np.where(first_of_group, np.arange(len(group_of)), 0))
    keep = np.arange(len(group_of)) - group_start < request.group_size
    return selected.hits(by_group[keep])


def _ranked_prefix(primary: np.ndarray, ids: np.ndarray, length: int) -> np.ndarray:
    """Positions of the first ``length`` by (primary, id), in that order (ties at the cut included exactly)."""
    if length < len(primary):
        kth = np.partition(primary, length - 1)[length - 1]
        candidates = np.flatnonzero(primary <= kth)
    else:
        candidates = np.arange(len(primary))
    return candidates[np.lexsort((ids[candidates], primary[candidates]))][:length]


def _check_request(request: SearchRequest, max_limit: int) -> None:
    if request.sort not in SORTS:
        raise QueryError(f"sort 只能是 {'、'.join(SORTS)}")
    if not 1 <= request.limit <= max_limit:
        raise QueryError(f"limit 应在 1 到 {max_limit} 之间")
    if not 1 <= request.page <= MAX_PAGE:
        raise QueryError(f"page 应在 1 到 {MAX_PAGE} 之间")
    if request.count not in COUNT_UNITS:
        raise QueryError(f"count 只能是 {'、'.join(COUNT_UNITS)}（按段落或按报告计数）")
    if request.boilerplate not in BOILERPLATE_MODES:
        raise QueryError(f"boilerplate 只能是 {'、'.join(BOILERPLATE_MODES)}（折叠或显示多份报告共有的段落）")
    if request.mode not in MODES:
        raise QueryError(f"mode 只能是 {'、'.join(MODES)}（扩展检索或精确检索）")
    if request.group_by not in (None, "township", "county"):
        raise QueryError("group-by 只能是 township 或 county")
    if not 1 <= request.group_size <= 20:
        raise QueryError("每组段落数应在 1 到 20 之间")


def _selections(request_filters: dict[str, list[str]], query_filters: dict[str, list[str]]) -> dict[str, list]:
    selections: dict[str, list] = {}
    for source in (request_filters, query_filters):
        for name, values in source.items():
            if name not in FACETS and name != "city":
                raise QueryError(f"未知的筛选项“{name}”：可用 {'、'.join(FACETS)}")
            for value in values:
                selections.setdefault(name, []).append(normalize_filter_value(name, value))
    return selections


def _selected(state: _State, request: SearchRequest) -> np.ndarray:
    """The documents a request's query and filters select (no query: every document the filters allow), as a
    flag per document of the index."""
    parsed = parse_query(request.q)
    docs = state.evaluator.run(parsed.query, request.mode == "expanded").strict
    for name, values in _selections(request.filters, parsed.filters).items():
        docs = select(docs, state.facets.allows(name, values, docs))
    selected = np.zeros(state.evaluator.total, dtype=bool)
    selected[docs] = True
    return selected


def _display_filters(request_filters, query_filters) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for source in (request_filters, query_filters):
        for name, values in source.items():
            merged.setdefault(name, []).extend(str(v) for v in values)
    return merged


def _topic_bits(topics: np.ndarray) -> np.ndarray | None:
    """Each document's topics as one number, a bit per topic (None past MAX_TOPIC_BITS topics)."""
    if topics.shape[1] > MAX_TOPIC_BITS:
        return None
    return topics.astype(np.int32) @ (1 << np.arange(topics.shape[1])).astype(np.int32)


def _summary(
    facets: FacetTable,
    matched: Result,
    allows: dict[str, np.ndarray],
    selections: dict[str, list],
    selected: np.ndarray,
    count: str,
) -> dict:
    """A search's facet counts, trends and distinct townships and reports: what it says besides its hits.
    ``selected`` are the strict matches under every filter, ``allows`` the filters' verdicts on
    ``matched.docs``; ``count`` is the unit of the counts."""
    counted = _facet_positions(matched, allows)
    tallies, selected_tally = _tallies(facets, counted, selected)
    listed = {
        name: facets.counts(name, counted[name], selections.get(name), count, tally=tallies[name]) for name in FACETS
    }
    return {
        "facets": listed,
        "facet_sizes": {
            # The listed values are all of them unless the list was cut at FACET_LIMIT.
            name: facets.distinct(name, counted[name], tallies[name])
            if len(listed[name]) >= FACET_LIMIT
            else sum(1 for value in listed[name] if value["count"])
            for name in ("township", "county")
        },
        "trend": {
            "year": facets.trend(selected, tally=selected_tally),
            "province": facets.trend(selected, "province", selected_tally),
        },
        "count": count,
        "townships": facets.distinct("township", selected, selected_tally),
        "reports": facets.distinct("report_id", selected, selected_tally),
    }


def _facet_positions(matched: Result, allows: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Per facet, the documents its counts are over (the strict matches under every filter but its own), as
    document numbers: facets that no filter singles out share one array, computed once. ``allows`` are the
    filters' verdicts on ``matched.docs``."""
    strict = select(matched.docs, matched.mask)
    on_strict = {name: select(allow, matched.mask) for name, allow in allows.items()}
    shared = None
    result = {}
    for name in FACETS:
        if name in on_strict:
            result[name] = _others(strict, on_strict, name)
        else:
            if shared is None:
                shared = _others(strict, on_strict, name)
            result[name] = shared
    return result


def _tallies(
    facets: FacetTable, counted: dict[str, np.ndarray], selected: np.ndarray
) -> tuple[dict[str, Tally | None], Tally | None]:
    """:meth:`FacetTable.tally` of each facet's documents (once per distinct array) and of the selected
    documents. The selected documents are a subset of every facet's, so one of the same length is the same
    set and its tally serves."""
    by_array: dict[int, Tally | None] = {}
    tallies = {}
    for name, docs in counted.items():
        if id(docs) not in by_array:
            by_array[id(docs)] = facets.tally(docs)
        tallies[name] = by_array[id(docs)]
    same = [tallies[name] for name, docs in counted.items() if len(docs) == len(selected)]
    return tallies, same[0] if same else facets.tally(selected)


def positions(docs: np.ndarray) -> np.ndarray:
    """Document numbers of a boolean mask; numbers pass through (gathers by number beat boolean masks
    when a small share of a large index is selected)."""
    return np.flatnonzero(docs) if docs.dtype == bool else docs


def _most_frequent(present: np.ndarray, counts: np.ndarray, limit: int | None) -> list[int]:
    """Values (ascending ``present``) by count, most first, ties by value; the first ``limit`` only."""
    frequency = counts[present]
    if limit is not None and len(present) > limit:
        kth = np.partition(frequency, len(present) - limit)[len(present) - limit]
        keep = frequency >= kth
        present, frequency = present[keep], frequency[keep]
    return present[np.lexsort((present, -frequency))][:limit].tolist()


def _others(docs: np.ndarray, allows: dict[str, np.ndarray], facet: str) -> np.ndarray:
    """The ``docs`` that every filter but ``facet``'s allows (``allows`` aligned with ``docs``)."""
    keep = None
    for name, allow in allows.items():
        if name != facet:
            keep = allow if keep is None else keep & allow
    return docs if keep is None else select(docs, keep)


def _topics(value: str) -> list[str]:
    return value.split(",") if value else []


def _concepts(parsed: ParsedQuery, expand: bool) -> list[Concept]:
    thesaurus = load_thesaurus()
    return [concept for term in parsed.terms for concept in thesaurus.concepts(term, expand)]


def _weak_runs(state: _State, parsed: ParsedQuery) -> set[str]:
    """Runs of the query's terms that few paragraphs contain: the ones worth a did-you-mean."""
    weak = set()
    for term in parsed.terms:
        for run in dict.fromkeys(RUN.findall(term)):
            if len(state.evaluator.run(parse_query(f'"{run}"').query, False).strict) < FEW_HITS:
                weak.add(run)
    return weak


def _reports_numbers(segments: list[tuple[Segment, int]], total: int) -> np.ndarray:
    """Documents with a number followed by a counting unit (59件, 6人, 20余次): from the bigram postings."""
    found = np.zeros(total, dtype=bool)
    keys = fact_keys().tolist()
    for segment, offset in segments:
        for key in keys:
            found[offset + np.asarray(segment.grams.postings(key), dtype=np.int64)] = True
    return found


def _hit_json(
    state: _State,
    docnum: int,
    score: float | None,
    forms: list[str],
    concepts: list[Concept] | None = None,
    tier: int = 0,
) -> dict:
    stored = state.stored(docnum)
    text = stored.get("text", "")
    concepts = concepts or []
    reasons = explain(concepts, fold(text + " " + " ".join(stored.get("section") or []))) if concepts else []
    forms = forms + highlight_forms(concepts, loose=tier > 0)
    section = stored.get("section") or []
    heading_spans = [match_spans(heading, forms) for heading in section]
    return {
        "id": stored["id"],
        "report_id": stored["report_id"],
        "title": stored.get("title", ""),
        "level": stored.get("level", ""),
        "township": stored.get("township", ""),
        "county": stored.get("county", ""),
        "city": stored.get("city", ""),
        "province": stored.get("province", ""),
        "year": stored.get("year"),
        "part": stored.get("part", ""),
        "topics": _topics(stored.get("topic", "")),
        "section": section,
        "section_html": [mark(heading, spans) for heading, spans in zip(section, heading_spans, strict=True)],
        "heading_match": any(heading_spans),
        "text": text,
        "snippet": snippet(text, forms),
        "score": None if score is None else round(float(score), 4),
        "tier": TIERS[tier],
        "matched": reasons,
        "why": describe(reasons),
    }
