"""A page of hits from a search's candidates: ranked by tier and score (or by year), grouped by township,
folded by report and copy, with boilerplate listed once (and a report saved in two files once).

Only a prefix of the ranking is ever sorted: a page needs its first few candidates, not an order of all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from search.index.docsets import locate, members, pieces, select
from search.query.facets import FacetTable
from search.query.rank import TIER_GAP, TIERS, floor_of_best
from search.query.request import SearchRequest
from search.query.state import IndexState

BOILERPLATE_REPORTS = 3
GROUP_PREFIX = 8


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


def ranked(
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
    at = np.arange(len(docs)) if len(docs) <= length * 4 else None
    if scores is not None and sort == "relevance":
        last = _last_tier(tiers, length) if tiers is not None else 0
        within = None  # the candidates of tier ``last`` or better, when the others are many
        if tiers is not None and last < len(TIERS) - 1 and len(docs) > length * 4:
            within = tiers <= last
        considered = len(docs) if within is None else int(np.count_nonzero(within))
        if considered > length * 4:
            # Only documents ranking at least as high as the length-th best can be in the prefix (ties included).
            ranks = _ranks(scores, tiers if last > 0 else None, within)
            keep = ranks >= floor_of_best(ranks, length)
            if within is not None:
                keep &= within
            at = np.flatnonzero(keep)
        elif within is not None:
            at = np.flatnonzero(within)
        docs, rounded = docs[at], np.round(scores[at], 4)
        tiers = None if tiers is None else tiers[at]
        keys = (facets.id_keys[docs], -rounded) if tiers is None else (facets.id_keys[docs], -rounded, tiers)
    else:
        at = np.arange(len(docs)) if at is None else at
        years = facets.years[docs]
        keys = (facets.id_keys[docs], years if sort == "year_asc" else -years)
    return at[np.lexsort(keys)][:length]


def _ranks(scores: np.ndarray, tiers: np.ndarray | None, within: np.ndarray | None) -> np.ndarray:
    """Each candidate's place in the ranking as one number: its score rounded, less its tier (``tiers``) times
    TIER_GAP, and -inf outside boolean ``within``. Built in one array, a piece at a time: at eight million
    matches each whole-array step (the rounding, the tiers in float64, a copy for the -inf) was 61 MB of a
    search's peak. The tiers are subtracted in float64 (int8 times a float is several times slower)."""
    ranks = np.round(scores, 4)
    if tiers is not None:
        ranks = ranks.astype(np.float64, copy=False)
        for piece in pieces(len(ranks)):
            ranks[piece] -= tiers[piece].astype(np.float64) * TIER_GAP
    if within is not None:
        np.copyto(ranks, -np.inf, where=~within)
    return ranks


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


def group_value(facets: FacetTable, group_by: str, docnum: int) -> str:
    """The group a document falls in: its value of the ``group_by`` facet, as the facet lists it (a township
    whose name is in several counties carries its county: 城关镇（巫山县）); "" for none."""
    code = int(facets.codes[group_by][docnum])
    return facets.values[group_by][code] if code >= 0 else ""


def group_sizes(
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
        totals[group_value(facets, group_by, docnum)] = int(sizes[code]) if code >= 0 else unknown
    return totals, int(np.count_nonzero(sizes)) + int(unknown > 0)


def folded(
    state: IndexState, selected: Candidates, request: SearchRequest
) -> tuple[list[tuple[int, float | None, int]], dict[int, dict], int]:
    """The page when hits are folded: a report's best hit stands for its others, and a paragraph copied
    into other reports is shown once. Returns (page, {docnum: {in_report, same_text}}, rows after folding)."""
    facets = state.facets
    everything = SearchRequest(q=request.q, sort=request.sort, page=1, limit=max(1, len(selected.docs)))
    order = ranked(facets, selected, everything)
    in_order = selected.docs[order]
    if not len(in_order):
        return [], {}, 0
    reports = facets.codes["report_id"][in_order]
    _, first_of_report, per_report = np.unique(reports, return_index=True, return_counts=True)
    kept = np.sort(first_of_report)
    in_report = dict(zip(in_order[first_of_report].tolist(), (per_report - 1).tolist(), strict=True))
    clusters = state.clusters_if_ready(start=False)
    texts = clusters.keys()[in_order[kept]] if clusters is not None else -1 - in_order[kept]
    _, first_of_text, per_text = np.unique(texts, return_index=True, return_counts=True)
    shown = kept[np.sort(first_of_text)]
    same_text = dict(zip(in_order[kept][first_of_text].tolist(), (per_text - 1).tolist(), strict=True))
    offset = (request.page - 1) * request.limit
    page = selected.hits(order[shown[offset : offset + request.limit]])
    counts = {doc: {"in_report": in_report.get(doc, 0), "same_text": same_text.get(doc, 0)} for doc, *_ in page}
    return page, counts, len(shown)


def boilerplate(state: IndexState, candidates: np.ndarray) -> FoldedCopies:
    """The boilerplate among ``candidates`` — paragraphs near-identical in BOILERPLATE_REPORTS reports or
    more — to be listed once each (see :func:`ranked`), and so the paragraphs of a report saved in two files;
    nothing is folded while the clusters of a large state are still being found."""
    clusters = state.clusters_if_ready(start=False)
    if clusters is None:
        return FoldedCopies()
    twins = same_report_files(state, clusters)
    folding = state.memo("boilerplate", id(clusters), lambda: _boilerplate_by_reports(clusters, twins))
    labels = folding[candidates]
    labels = select(labels, labels >= 0)
    twins_folded = twins.folded_among(candidates)
    if not len(labels):
        return FoldedCopies(folding, total=twins_folded, twins=twins, twins_folded=twins_folded)
    seen = np.zeros(int(labels.max()) + 1, dtype=bool)
    seen[labels] = True
    total = len(labels) - int(np.count_nonzero(seen)) + twins_folded
    return FoldedCopies(folding, labels, total, twins, twins_folded)


def _boilerplate_by_reports(clusters, twins: SameReportFiles) -> np.ndarray:
    """The boilerplate label of every document (-1 for none), counting a report saved in two files once: a
    paragraph of such a report and of one other township's spans three files but two reports, a copy to read
    (the clusters of the pairs' copies that hold another file)."""
    folding = clusters.spanning(BOILERPLATE_REPORTS)
    apart = np.unique(clusters.label[twins.docs[~twins.alone]])
    return np.where(np.isin(folding, apart), -1, folding).astype(folding.dtype) if len(apart) else folding


def same_report_files(state: IndexState, clusters) -> SameReportFiles:
    """The :class:`SameReportFiles` of a state's ``clusters``, found once."""
    return state.memo("same report files", id(clusters), lambda: SameReportFiles.of(clusters, state.facets))


@dataclass
class SameReportFiles:
    """Copies of a paragraph in two files of one report (one township's report of one year saved twice: as a
    .docx and as the page that published it): the first is listed, the other would repeat it. A paragraph in
    two townships' reports, or in one township's reports of two years, is no such pair and stays listed. Kept
    as the (ascending) documents of such pairs, a group per copied paragraph, each document's report code and
    whether its cluster holds no other file (a paragraph of the report alone, not also another township's):
    few in any index."""

    docs: np.ndarray
    groups: np.ndarray
    reports: np.ndarray
    total: int
    alone: np.ndarray

    @classmethod
    def of(cls, clusters, facets: FacetTable) -> SameReportFiles:
        """The copies of clusters spanning two files, or three (the third another report's), whose reports
        are one township's of one year."""
        total = len(clusters.label)
        docs = np.flatnonzero((clusters.label >= 0) & (clusters.reports >= 2) & (clusters.reports <= 3))
        township = facets.codes["township"][docs].astype(np.int64)
        docs, township = docs[township >= 0], township[township >= 0]
        years = facets.years[docs].astype(np.int64) & 0xFFFF
        keys = (clusters.label[docs].astype(np.int64) << 40) | (township << 16) | years
        _, groups = np.unique(keys, return_inverse=True)
        reports = facets.codes["report_id"][docs].astype(np.int64)
        first, last = _smallest_and_largest_per_group(groups, reports)
        at = np.flatnonzero((first != last)[groups])
        return cls(docs[at], groups[at], reports[at], total, clusters.reports[docs[at]] == 2)

    def file_pairs(self) -> dict[tuple[int, int], int]:
        """{(report code, report code of its other file): paragraphs they share}, the smaller code first."""
        first, last = _smallest_and_largest_per_group(self.groups, self.reports)
        present = np.unique(self.groups)
        pairs, shared = np.unique(np.stack([first[present], last[present]], axis=1), axis=0, return_counts=True)
        return {(int(a), int(b)): int(n) for (a, b), n in zip(pairs.tolist(), shared.tolist(), strict=True)}

    def _groups_of(self, docs: np.ndarray) -> np.ndarray:
        """The group of each of ``docs`` (-1 for a document in none)."""
        at = locate(self.docs, docs, self.total, among=False)
        groups = np.full(len(docs), -1, dtype=np.int64)
        inside = at >= 0
        groups[inside] = self.groups[at[inside]]
        return groups

    def holds(self, docs: np.ndarray) -> np.ndarray:
        """Whether each of ``docs`` is a copy in such a pair and in no other report: copied only within its own
        report."""
        at = locate(self.docs, docs, self.total, among=False)
        held = at >= 0
        held[held] = self.alone[at[held]]
        return held

    def other_files(self, docs: np.ndarray) -> dict[int, int]:
        """{report code: paragraphs} of the other files holding copies of ``docs`` (one report's paragraphs)."""
        at = locate(self.docs, docs, self.total, among=False)
        at = at[at >= 0]
        if not len(at):
            return {}
        own = set(self.reports[at].tolist())
        codes, counts = np.unique(self.reports[np.isin(self.groups, self.groups[at])], return_counts=True)
        return {int(c): int(n) for c, n in zip(codes, counts, strict=True) if int(c) not in own}

    def first_files(self, ranked: np.ndarray) -> np.ndarray:
        """Which of ``ranked`` (in page order) are not a later file's copy of a paragraph listed before."""
        groups = self._groups_of(ranked)
        listed = groups < 0
        _, first = np.unique(groups, return_index=True)
        listed[first] = True
        return listed

    def folded_among(self, candidates: np.ndarray) -> int:
        """How many of ``candidates`` (ascending) a listed copy of their paragraph stands for."""
        present = self.groups[members(self.docs, candidates, self.total)]
        return len(present) - len(np.unique(present))


def _smallest_and_largest_per_group(groups: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group number (below the largest of ``groups`` + 1), the smallest and the largest of ``values`` its
    members have."""
    count = int(groups.max()) + 1 if len(groups) else 0
    smallest = np.full(count, np.iinfo(np.int64).max, dtype=np.int64)
    largest = np.full(count, -1, dtype=np.int64)
    np.minimum.at(smallest, groups, values)
    np.maximum.at(largest, groups, values)
    return smallest, largest


@dataclass
class FoldedCopies:
    """Boilerplate clusters among a search's candidates: ``found`` is the cluster label of each candidate
    in one, so a listed copy stands for the other candidates of its cluster, ``total`` of them in all.
    ``folding`` is the boilerplate cluster label of every document (-1 for none)."""

    folding: np.ndarray | None = None
    found: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    total: int = 0
    twins: SameReportFiles | None = None
    twins_folded: int = 0

    def first_copies(self, ranked: np.ndarray) -> np.ndarray:
        """Which of ``ranked`` (in page order) are listed: the first of each boilerplate cluster and the rest,
        but for a second file's copy of a report's paragraph."""
        labels = self.folding[ranked]
        listed = labels < 0
        _, first = np.unique(labels, return_index=True)
        listed[first] = True
        return listed & self.twins.first_files(ranked) if self.twins is not None else listed

    def get(self, doc: int, default: int = 0) -> int:
        """How many copies a listed ``doc`` stands for."""
        if self.folding is None:
            return default
        label = int(self.folding[doc])
        return int(np.count_nonzero(self.found == label)) - 1 if label >= 0 else default


def grouped(facets: FacetTable, selected: Candidates, request: SearchRequest) -> list[tuple[int, float | None, int]]:
    """The best ``group_size`` paragraphs of each group, groups ordered by their best paragraph.

    The groups of the page are the first ones met in the ranking; a prefix of it is enough to meet them
    (taken four times longer until they are all there), so only that prefix and the page's groups are sorted,
    not every match."""
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
