"""Facets: every document's facet values as arrays by document number, and a search's facet counts, trends and
distinct counts drawn from them.

A search finds the matching documents once, and every facet is one ``bincount`` over them (no per-hit Python
work). Counts of a facet ignore that facet's own selection (multi-select), so a user sees what a second
township would add. Facets that describe whole reports (township, year …) are counted over a tally of matches
per report rather than over every matching document.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

import numpy as np

from search.index.analyze import fold
from search.index.docsets import distinct, pieces, select
from search.index.segment_reader import Segment
from search.index.terms import NO_KEY, id_key
from search.index.writer import FACETS
from search.ingest.classify import PARTS, load_topics
from search.query.node_result import Result

FACET_LIMIT = 100
NO_YEAR = 65535
# Four-digit years (as ingest keeps them) in 16 bits: int64 was 67 MB of every server at eight million
# paragraphs. Signed, so that a negated year still sorts the unknown (0) after the known.
YEAR_DTYPE = np.int16
# Facets whose codes stay 32-bit: townships are coded again per county once the table is built, and reports
# are many. The others take the narrowest type holding their values (see code_dtype).
WIDE_CODES = ("township", "report_id")
CODED_FACETS = ("level", "township", "county", "city", "province", "part", "report_id")
REPORT_FACETS = ("level", "township", "county", "city", "province", "year")
MAX_TOPIC_BITS = 16
FACET_LABELS = {
    "level": "级别",
    "township": "乡镇",
    "county": "县区",
    "province": "省份",
    "year": "年度",
    "part": "报告部分",
    "topic": "主题",
}


def code_dtype(name: str, count: int) -> type[np.signedinteger]:
    """The narrowest signed integer type holding the codes of ``count`` values of facet ``name``, with -1 (no
    value) and one more (code + 1): a part, level or province code in a byte, a county's in two, where 32
    bits per document and facet were 33 MB each at eight million paragraphs. Code arithmetic widens first."""
    if name in WIDE_CODES:
        return np.int32
    for dtype in (np.int8, np.int16):
        if count < np.iinfo(dtype).max:
            return dtype
    return np.int32


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
        self.years = np.zeros(total, dtype=YEAR_DTYPE)
        self.id_keys = np.zeros(total, dtype=np.uint64)
        self.values: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        for name in CODED_FACETS:
            self.values[name] = sorted(set().union(*(segment.values[name] for segment, _ in segments)))
            self.codes[name] = np.full(total, -1, dtype=code_dtype(name, len(self.values[name])))
        self.values["topic"] = sorted(set().union(*(segment.topic_names for segment, _ in segments)))
        code_of = {name: {v: i for i, v in enumerate(self.values[name])} for name in CODED_FACETS}

        def lookup(name: str, local: list[str]) -> np.ndarray:
            # A dict lookup per value: a binary search over an object array of report ids was most of loading.
            return np.array([*map(code_of[name].__getitem__, local), -1], dtype=np.int32)

        self.topic_columns = max(1, len(self.values["topic"]))
        bits = self.topic_columns <= MAX_TOPIC_BITS
        # Each document's topics as one number, a bit per topic (a flag matrix beside it was 95 MB at 8M
        # paragraphs); a matrix of flags only past MAX_TOPIC_BITS topics.
        self.topic_bits = np.zeros(total, dtype=np.int32) if bits else None
        self.topics = None if bits else np.zeros((total, self.topic_columns), dtype=bool)
        for segment, offset in segments:
            self._fill(segment, offset, lookup)
        self.live = live
        self.paragraph &= live
        self.township_names = self._key_townships_by_county()
        self.topic_order = in_vocabulary_order(self.values["topic"])
        self.by_report = self._report_columns()
        self._report_documents: np.ndarray | None = None
        self._paragraph_reports: np.ndarray | None = None

    def _fill(self, segment: Segment, offset: int, lookup) -> None:
        """A segment's documents at ``offset``: paragraph flags (deleted ones still set), years, ids, topics, and
        codes through ``lookup(facet, the segment's values)`` — its codes → the shared codes, -1 last, which a
        code of -1 (no value) picks."""
        span = slice(offset, offset + segment.count)
        self.paragraph[span] = segment.paragraph
        self.years[span] = segment.years
        self.id_keys[span] = segment.id_keys
        codes = segment.codes
        for name in CODED_FACETS:
            self.codes[name][span] = lookup(name, segment.values[name])[codes[name]]
        columns = [self.values["topic"].index(t) for t in segment.topic_names]
        if columns:
            self._add_topics(span, segment.topics[:, : len(columns)], columns)

    def _add_topics(self, span: slice, flags: np.ndarray, columns: list[int]) -> None:
        """A segment's topic flags (a column per topic it names) at ``span``, its ``columns`` the shared ones."""
        if self.topic_bits is None:
            self.topics[span, columns] = flags
        else:
            self.topic_bits[span] = flags.astype(np.int32) @ (1 << np.array(columns, dtype=np.int32))

    def topic_matrix(self, docs: np.ndarray) -> np.ndarray:
        """The topics of ``docs`` as flags, a row per document and a column per topic."""
        if self.topic_bits is None:
            return self.topics[docs]
        return ((self.topic_bits[docs, None] >> np.arange(self.topic_columns, dtype=np.int32)) & 1).astype(bool)

    def _key_townships_by_county(self) -> list[str]:
        """Make a township a county and a name: China has hundreds of 城关镇. The township facet's values become
        one per (name, county) pair, labelled with the county where a name is in several (城关镇（巫山县）);
        returns each value's plain name (what a filter on the name alone selects)."""
        townships, counties = self.codes["township"], self.codes["county"]
        names, county_names = self.values["township"], self.values["county"]
        width = len(county_names) + 1
        # A report's documents are consecutive and share its township and county: the pairs are keyed per run
        # of equal pairs (at 8M paragraphs 0.6 s of loading a state went to a key per document).
        starts = run_starts(townships, counties)
        run_townships = townships[starts]
        keys = np.where(run_townships >= 0, run_townships.astype(np.int64) * width + counties[starts] + 1, -1)
        known = keys >= 0
        pairs = distinct(keys[known])
        pair_names = [names[int(key // width)] for key in pairs]
        pair_counties = [county_names[int(key % width) - 1] if key % width else "" for key in pairs]
        repeated = {name for name, count in Counter(pair_names).items() if count > 1}
        labels = [
            f"{name}（{county or '县区不详'}）" if name in repeated else name
            for name, county in zip(pair_names, pair_counties, strict=True)
        ]
        order = sorted(range(len(labels)), key=labels.__getitem__)
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        coded = np.full(len(keys), -1, dtype=np.int32)
        coded[known] = rank[np.searchsorted(pairs, keys[known])]
        self.codes["township"] = np.repeat(coded, np.diff(starts, append=len(townships)))
        self.values["township"] = [labels[i] for i in order]
        return [pair_names[i] for i in order]

    def _report_columns(self) -> dict[str, np.ndarray]:
        """Per report, the values of the facets that describe a whole report (township, year …), for each such
        facet whose live documents all agree with their report's: those facets are counted over reports (a
        tally of matches per report) rather than over every matching document."""
        reports = self.codes["report_id"][self.paragraph]
        if not len(reports) or reports.min() < 0:
            return {}
        others = self.live & ~self.paragraph  # reports' own documents: no value of these facets
        # Checked per run of a report's consecutive paragraphs: a gather and a scatter of every paragraph's
        # value per facet were 0.5 s of loading a state at 8M paragraphs.
        starts = run_starts(reports)
        within_run = np.ones(len(reports), dtype=bool)
        within_run[starts] = False
        run_reports = reports[starts]
        columns = {}
        for name in REPORT_FACETS:
            every = self.years if name == "year" else self.codes[name]
            values = every[self.paragraph]
            if np.any((values[1:] != values[:-1]) & within_run[1:]):
                continue
            if np.any(every[others] > 0 if name == "year" else every[others] >= 0):
                continue
            column = np.zeros(len(self.values["report_id"]), dtype=values.dtype)
            column[run_reports] = values[starts]
            if np.array_equal(column[run_reports], values[starts]):  # a report in several runs: all alike
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

    def topics_of(self, docnum: int) -> list[str]:
        """A document's topics in the order the topic vocabulary lists them, as its paragraph was tagged."""
        flags = self.topic_matrix(np.array([docnum]))[0]
        return [self.values["topic"][column] for column in self.topic_order if flags[column]]

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
        title and place there (see :meth:`IndexState.stored`)."""
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
        wanted = {fold(str(v)) for v in selected}  # as the filter was folded: 乾县 is 干县, 鮀莲街道 𬶍莲街道
        if name == "township":  # a name alone selects every township of that name, a label only its own
            labels, plain = self._folded("township", self.values[name]), self._folded("plain", self.township_names)
            codes = [i for i, pair in enumerate(zip(labels, plain, strict=True)) if set(pair) & wanted]
        else:
            codes = [i for i, value in enumerate(self._folded(name, self.values[name])) if value in wanted]
        return np.isin(self.codes[name][docs], codes)

    def _folded(self, key: str, values: list[str]) -> list[str]:
        """``values`` folded as queries and filters are (Traditional characters to Simplified, lower case), worked
        out once per list: official names keep characters folding changes (乾县, 濛洲街道)."""
        cache = self.__dict__.setdefault("_folded_values", {})
        found = cache.get(key)
        if found is None or found[0] is not values:
            found = cache[key] = (values, [fold(value) for value in values])
        return found[1]

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
        combination, then per topic; a gather of rows of the topic matrix costs five times as much. Counted a piece
        of ``docs`` at a time: the whole gather, widened to int64 by ``bincount``, was 90 MB of a search at 8M."""
        if self.topic_bits is None:
            return np.count_nonzero(self.topics[docs], axis=0)
        combinations = np.zeros(1 << self.topic_columns, dtype=np.int64)
        for piece in pieces(len(docs)):
            combinations += np.bincount(self.topic_bits[docs[piece]], minlength=len(combinations))
        has_topic = (np.arange(len(combinations))[:, None] >> np.arange(self.topic_columns)) & 1
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
        sizes = [len(self.values[name]) + 1 for name in names]
        key = np.zeros(len(docs), dtype=np.int64)
        for name, size in zip(names, sizes, strict=True):
            key = key * size + self.codes[name][docs] + 1  # one integer per place: a 1-D unique, not rows
        keys, counts = np.unique(key, return_counts=True)
        townships, counties = keys % sizes[2] - 1, keys // sizes[2] % sizes[1] - 1
        rows = np.stack([keys // (sizes[2] * sizes[1]) - 1, counties, townships], axis=1)
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
                pairs = distinct(years[keep] * (len(self.values["report_id"]) + 1) + reports[keep])
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
                matrix = self.topic_matrix(docs)
                counts = np.array([len(distinct(reports[matrix[:, j]])) for j in range(matrix.shape[1])])
        elif reports is None:
            counts = self._code_counts(name, docs)
        else:
            codes = self.codes[name][docs].astype(np.int64)
            known = codes >= 0
            width = len(self.values["report_id"]) + 1
            codes = distinct(codes[known] * width + reports[known]) // width
            counts = np.bincount(codes, minlength=len(self.values[name]))
        return self._listed(name, counts, selected, every_value)

    def _code_counts(self, name: str, docs: np.ndarray) -> np.ndarray:
        """Documents per value of a coded facet, counted a piece of ``docs`` at a time (the codes of every match
        in int64, and those with a value, were 120 MB of a search at 8M); -1, no value, is left out."""
        counts = np.zeros(len(self.values[name]) + 1, dtype=np.int64)
        for piece in pieces(len(docs)):
            counts += np.bincount(self.codes[name][docs[piece]].astype(np.int64) + 1, minlength=len(counts))
        return counts[1:]

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


def run_starts(*columns: np.ndarray) -> np.ndarray:
    """Where each run of equal values (of all ``columns`` together, aligned) starts."""
    if not len(columns[0]):
        return np.zeros(0, dtype=np.intp)
    change = np.zeros(len(columns[0]), dtype=bool)
    change[0] = True
    for column in columns:
        change[1:] |= column[1:] != column[:-1]
    return np.flatnonzero(change)


def in_vocabulary_order(names: list[str]) -> list[int]:
    """Columns of the topics ``names`` in the order data/topics.json lists them (a paragraph's topics are found
    in that order), topics it no longer lists after them."""
    position = {name: number for number, name in enumerate(load_topics())}
    return sorted(range(len(names)), key=lambda column: (position.get(names[column], len(position)), names[column]))


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


def facet_summary(
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
            result[name] = others_allowed(strict, on_strict, name)
        else:
            if shared is None:
                shared = others_allowed(strict, on_strict, name)
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


def others_allowed(docs: np.ndarray, allows: dict[str, np.ndarray], facet: str) -> np.ndarray:
    """The ``docs`` that every filter but ``facet``'s allows (``allows`` aligned with ``docs``)."""
    keep = None
    for name, allow in allows.items():
        if name != facet:
            keep = allow if keep is None else keep & allow
    return docs if keep is None else select(docs, keep)
