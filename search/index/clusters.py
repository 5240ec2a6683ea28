"""Near-duplicate clusters of an index state: candidates from shared LSH band keys, verified by a copy score.

Each candidate pair (paragraphs sharing a band key, :mod:`search.index.minhash`) is verified with the exact
:func:`copy_score` of the two shingle sets (at least :data:`THRESHOLD`); verified pairs join star clusters.
Copies edited in every sentence are found after that (:mod:`search.index.information`): a paragraph still
alone is paired with those sharing its rarest bigrams, and the pairs the copy score leaves a little short are
scored again by their sentences, against the same THRESHOLD.

The clusters of a state are saved beside the index (:data:`CLUSTERS_FILE`), by segment and local document
number, which a reindex does not change. The next state starts from them: only pairs with a *fresh* paragraph are
verified (one of a new segment, or a centre whose members all were deleted), and a cluster whose centre was
deleted is made again around its first remaining member (its other members are scored against it once; those
that fall short are fresh), so a reindex of one report costs seconds, not a full clustering, and a server
loads what the indexer found instead of finding it again.

A paragraph whose centre is still there keeps its cluster, even when it shared a band with a deleted one: its
copy score to its centre still holds. A whole clustering walks the pairs in another order and may give such a
paragraph another centre; both are clusters of copies. Comparing every paragraph that shared a band with a
deleted one again re-clustered whole clusters of boilerplate after one changed report (476,578 pairs at a
million paragraphs, 176 s at eight million).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from search.index.arrayfile import map_arrays, read_header, save_arrays
from search.index.bandkeys import DenseBandKeys, JoinedBandKeys
from search.index.candidates import CandidatePairs
from search.index.docsets import distinct
from search.index.information import Weigher, may_be_edited_copy
from search.index.minhash import body_rules
from search.index.shinglecache import ShingleCache

THRESHOLD = 0.75
CONTAINED_MIN_SHARED = 32
CONTAINED_MIN_BALANCE = 0.5
CHECK_EVERY = 4096
RARE_BATCH = 1024
DRIFT_SHARE = 0.05


@dataclass
class Clusters:
    """Clusters of near-identical paragraphs of one index state.

    ``label[doc]`` is the document number of the cluster's centre (every member's :func:`copy_score` to it is
    at least THRESHOLD), or -1 for a paragraph with no near duplicate; ``reports[doc]`` is how many reports its
    cluster spans; ``similarity[doc]`` its copy score to the centre (1 for the centre). ``drift`` counts the
    paragraphs whose cluster incremental clusterings decided since the last clustering from scratch."""

    label: np.ndarray
    reports: np.ndarray
    similarity: np.ndarray
    candidate_pairs: int = 0
    verified_pairs: int = 0
    drift: int = 0
    members_sorted: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        """The members of every cluster as one array sorted by centre, with the centre of each (built once,
        shared by the threads and the forked workers of a server; a dict of arrays was slow to build), unless
        they come with the clusters (mapped from the saved file). Sorted as one number per (centre, member): a
        stable argsort by centre took twice as long."""
        if self.members_sorted is not None:
            return
        clustered = np.flatnonzero(self.label >= 0)
        total = max(len(self.label), 1)
        keys = self.label[clustered] * total + clustered
        keys.sort()
        narrow = np.int32 if total <= np.iinfo(np.int32).max else np.int64
        self.members_sorted = ((keys % total).astype(narrow), (keys // total).astype(narrow))

    def members(self, doc: int) -> np.ndarray:
        """The documents of ``doc``'s cluster (only ``doc`` when it has none)."""
        label = int(self.label[doc])
        if label < 0:
            return np.array([doc], dtype=np.int64)
        order, sorted_labels = self.members_sorted
        low = int(np.searchsorted(sorted_labels, label, side="left"))
        high = int(np.searchsorted(sorted_labels, label, side="right"))
        return order[low:high].astype(np.int64)

    def spanning(self, min_reports: int) -> np.ndarray:
        """Per document, its cluster's label when the cluster spans ``min_reports`` reports or more, else -1
        (built once per threshold: a search folds boilerplate by gathering it for its candidates)."""
        cache = self.__dict__.setdefault("_spanning", {})
        if min_reports not in cache:
            cache[min_reports] = np.where(self.reports >= min_reports, self.label, -1).astype(np.int32)
        return cache[min_reports]

    def keys(self) -> np.ndarray:
        """A key per document, equal for the members of a cluster and distinct for everything else."""
        return np.where(self.label >= 0, self.label, -1 - np.arange(len(self.label)))


def copy_score(first: np.ndarray, second: np.ndarray) -> float:
    """How much of one paragraph the other repeats, from their sorted distinct shingle hashes: the share of the
    shorter paragraph's shingles found in the longer when they share at least CONTAINED_MIN_SHARED shingles
    and the shorter has at least CONTAINED_MIN_BALANCE of the longer's; otherwise their Jaccard similarity.

    A copier removes or adds a clause, rewords a sentence, swaps a few words: the shorter paragraph stays
    almost whole inside the longer while the Jaccard similarity falls to 0.6 (tests/data/copy_pairs.json).
    Short statements in the standard wording (全年发生行政诉讼案件…件，镇长出庭应诉…次) share most of a few
    dozen shingles without being copied, and a formula sentence inside a long paragraph does not make the
    paragraph a copy: those two limits keep them to the Jaccard similarity."""
    if not len(first) or not len(second):
        return 0.0
    return _score(len(np.intersect1d(first, second, assume_unique=True)), len(first), len(second))


def _score(shared: int, size: int, other_size: int) -> float:
    shorter, longer = (size, other_size) if size <= other_size else (other_size, size)
    jaccard = shared / (shorter + longer - shared)
    if shared >= CONTAINED_MIN_SHARED and shorter >= CONTAINED_MIN_BALANCE * longer:
        return max(jaccard, shared / shorter)
    return jaccard


VERIFY_VERSION = "2"  # 2: edited copies by shared information (search.index.information)
CLUSTERS_FILE = "clusters.arrays"
LEGACY_CLUSTERS_FILE = "clusters.npz"  # how they were saved before 2026-12-06: read once, then replaced
UNREADABLE = (OSError, ValueError, KeyError, IndexError, TypeError, EOFError, zipfile.BadZipFile)


def cluster_rules() -> str:
    """Names the rules clusters are found by: the bodies' and the verification's (clusters found by other rules
    are found again, not carried over)."""
    return f"{body_rules()}v{VERIFY_VERSION}"


@dataclass
class Layout:
    """Where each segment's documents sit in one index state, and which of them may be clustered."""

    segment_ids: list[str]
    offsets: list[int]
    counts: list[int]
    eligible: np.ndarray

    def key(self) -> str:
        """Names the state: the body rules, its segments and how many of their paragraphs are live (deletions
        only grow)."""
        return f"{cluster_rules()}#" + "|".join(
            f"{segment}:{int(np.count_nonzero(self.eligible[offset : offset + count]))}"
            for segment, offset, count in zip(self.segment_ids, self.offsets, self.counts, strict=True)
        )

    def locate(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(segment index, local document number) of global document numbers."""
        which = np.searchsorted(np.array(self.offsets, dtype=np.int64), docs, side="right") - 1
        return which.astype(np.int32), (docs - np.array(self.offsets, dtype=np.int64)[which]).astype(np.int32)


@dataclass
class Start:
    """What an earlier state's clusters give a new one: centres and similarities of the documents still
    clustered, which documents must be compared afresh, and the members whose centre is gone (``orphans``,
    ascending within each cluster, a cluster's after another's; ``orphan_clusters`` tells them apart)."""

    center: np.ndarray
    similarity: np.ndarray
    fresh: np.ndarray
    orphans: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    orphan_clusters: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    drift: int = 0


def save_clusters(index_dir: Path, layout: Layout, clusters: Clusters) -> bool:
    """Write the clusters of a state atomically, per document as a server uses them (mapped on loading, not
    read) with the state's layout, from which a later state finds each member's segment; False when the index
    folder is not writable (a server with a read-only index then keeps them in memory)."""
    order, sorted_labels = clusters.members_sorted
    saved = save_arrays(
        Path(index_dir) / CLUSTERS_FILE,
        {
            "key": layout.key(),
            "segments": list(layout.segment_ids),
            "offsets": [int(offset) for offset in layout.offsets],
            "counts": [int(count) for count in layout.counts],
            "pairs": [int(clusters.candidate_pairs), int(clusters.verified_pairs)],
            "drift": int(clusters.drift),
        },
        {
            "label": clusters.label.astype(np.int64, copy=False),
            "reports": clusters.reports.astype(np.int32, copy=False),
            "similarity": clusters.similarity.astype(np.float64, copy=False),  # as found: 0.895 must round alike
            "order": order,
            "sorted_labels": sorted_labels,
        },
    )
    if saved:
        with suppress(OSError):
            (Path(index_dir) / LEGACY_CLUSTERS_FILE).unlink(missing_ok=True)
    return saved


def saved_key(index_dir: Path) -> str | None:
    """The key of the state whose clusters are saved (None when there are none)."""
    try:
        return str(read_header(Path(index_dir) / CLUSTERS_FILE)["key"])
    except FileNotFoundError:
        pass
    except UNREADABLE:
        return None
    try:
        with np.load(Path(index_dir) / LEGACY_CLUSTERS_FILE) as saved:
            return str(saved["key"])
    except UNREADABLE:
        return None


def load_clusters(index_dir: Path, layout: Layout, report_codes: np.ndarray) -> Clusters | Start | None:
    """The saved clusters when they are this state's (mapped, not read); else a Start from them for an
    incremental clustering; None when there are none, or they cannot be read (they are then found again)."""
    try:
        header, arrays = map_arrays(Path(index_dir) / CLUSTERS_FILE)
    except FileNotFoundError:
        return _load_legacy(index_dir, layout, report_codes)
    except UNREADABLE:
        return None
    try:
        if not str(header["key"]).startswith(f"{cluster_rules()}#"):
            return None  # found under other body rules: nothing of them carries over
        if header["key"] == layout.key() and len(arrays["label"]) == len(layout.eligible):
            sorted_members = (arrays["order"], arrays["sorted_labels"])
            pairs = header["pairs"]
            drift = int(header.get("drift", 0))
            return Clusters(arrays["label"], arrays["reports"], arrays["similarity"], *pairs, drift, sorted_members)
        return _restore(_by_segment(header, arrays), layout, report_codes)
    except UNREADABLE:
        return None


def _by_segment(header: dict, arrays: dict[str, np.ndarray]) -> dict:
    """Saved clusters as (segment, local document number) of each member and of its centre, as the state they
    were found for laid its segments out: what a later state's documents are matched by."""
    saved = Layout(header["segments"], header["offsets"], header["counts"], np.zeros(0, dtype=bool))
    label = arrays["label"]
    members = np.flatnonzero(label >= 0)
    seg, local = saved.locate(members)
    centre_seg, centre_local = saved.locate(label[members])
    return {
        "key": header["key"],
        "segments": header["segments"],
        "seg": seg,
        "local": local,
        "centre_seg": centre_seg,
        "centre_local": centre_local,
        "similarity": arrays["similarity"][members],
        "reports": arrays["reports"][members],
        "pairs": np.array(header["pairs"], dtype=np.int64),
        "drift": int(header.get("drift", 0)),
    }


def _load_legacy(index_dir: Path, layout: Layout, report_codes: np.ndarray) -> Clusters | Start | None:
    """Clusters saved as an .npz by an earlier version; those of this very state are saved again as a mapped
    file (once: the .npz is then removed)."""
    try:
        with np.load(Path(index_dir) / LEGACY_CLUSTERS_FILE) as saved:
            if not str(saved["key"]).startswith(f"{cluster_rules()}#"):
                return None
            found = _restore({name: saved[name] for name in saved.files}, layout, report_codes)
    except UNREADABLE:
        return None
    if isinstance(found, Clusters):
        save_clusters(index_dir, layout, found)
    return found


def _restore(data: dict, layout: Layout, report_codes: np.ndarray) -> Clusters | Start | None:
    total = len(layout.eligible)
    offsets = {segment: offset for segment, offset in zip(layout.segment_ids, layout.offsets, strict=True)}
    where = np.array([offsets.get(str(segment), -1) for segment in data["segments"]] + [-1], dtype=np.int64)
    member_at, centre_at = where[data["seg"]], where[data["centre_seg"]]
    member = np.where(member_at >= 0, member_at + data["local"], -1)
    centre = np.where(centre_at >= 0, centre_at + data["centre_local"], -1)
    inside = (member >= 0) & (member < total)
    member, centre, similarity = member[inside], centre[inside], data["similarity"][inside]
    member_live = layout.eligible[member]
    centre_live = (centre >= 0) & (centre < total) & layout.eligible[np.clip(centre, 0, max(total - 1, 0))]
    if str(data["key"]) == layout.key() and member_live.all() and centre_live.all():
        label = np.full(total, -1, dtype=np.int64)
        label[member] = centre
        to_centre = np.zeros(total, dtype=np.float64)
        to_centre[member] = similarity
        pairs = data["pairs"].tolist()
        reports = _saved_reports(data, member, inside, label, report_codes)
        return Clusters(label, reports, to_centre, *pairs, int(data.get("drift", 0)))
    known = np.zeros(total, dtype=bool)
    for segment in data["segments"]:
        offset = offsets.get(str(segment))
        if offset is not None:
            known[offset : offset + layout.counts[layout.segment_ids.index(str(segment))]] = True
    kept = member_live & centre_live
    center = np.full(total, -1, dtype=np.int64)
    center[member[kept]] = centre[kept]
    to_centre = np.zeros(total, dtype=np.float64)
    to_centre[member[kept]] = similarity[kept]
    fresh = layout.eligible & ~known
    alone = _without_members(center)
    center[alone] = -1
    to_centre[alone] = 0.0
    fresh[alone] = True  # their members are gone: they may be copies of another cluster's centre
    orphaned = member_live & ~centre_live
    orphans = member[orphaned]
    clusters = (data["centre_seg"][inside][orphaned].astype(np.int64) << 32) | data["centre_local"][inside][orphaned]
    order = np.lexsort((orphans, clusters))
    drift = int(data.get("drift", 0)) + int(np.count_nonzero(fresh)) + len(orphans)
    if drift > DRIFT_SHARE * np.count_nonzero(layout.eligible):
        return None  # changes have piled up: clustered from scratch again
    return Start(center, to_centre, fresh, orphans[order], clusters[order], drift)


def _saved_reports(data: dict, member: np.ndarray, inside: np.ndarray, label: np.ndarray, report_codes) -> np.ndarray:
    """The reports per cluster of each document as saved with the clusters of this very state (counting them
    again took 1.3 s of loading them at 8M paragraphs); counted when an older file has none."""
    if "reports" not in data:
        return _reports_per_cluster(label, report_codes)
    reports = np.ones(len(label), dtype=np.int32)
    reports[member] = data["reports"][inside]
    return reports


def _without_members(center: np.ndarray) -> np.ndarray:
    """Centres that no other document names any more."""
    clustered = np.flatnonzero(center >= 0)
    named = np.bincount(center[clustered], minlength=len(center))
    return np.flatnonzero((center == np.arange(len(center))) & (named <= 1))


class ClusteringCancelled(Exception):
    """The index state being clustered was replaced before its clusters were found."""


def find_clusters(
    bands: JoinedBandKeys | DenseBandKeys,
    eligible: np.ndarray,
    report_codes: np.ndarray,
    shingles_of,
    cancelled=lambda: False,
    start: Start | None = None,
    spill_dir: Path | None = None,
    weigh: Weigher | None = None,
) -> Clusters:
    """Cluster the ``eligible`` documents whose band keys collide and whose shingle sets (``shingles_of(docs)``
    gives them for a list of documents) have a :func:`copy_score` of at least THRESHOLD; then, with a
    ``weigh``, the pairs left a little below it whose shared information makes them edited copies
    (:mod:`search.index.information`). ``cancelled()`` is asked every CHECK_EVERY pairs: when it is true,
    ClusteringCancelled is raised (a reindex replaced the state: its clusters are not needed). From a ``start``
    only pairs with a fresh document are verified; the other clusters stay as they were. Candidate pairs and
    shingles beyond a budget are spilled to temporary files in ``spill_dir`` (the index folder), so memory
    does not grow with the pairs."""
    total = len(eligible)
    center = np.full(total, -1, dtype=np.int64) if start is None else start.center.copy()
    to_centre = np.zeros(total, dtype=np.float64) if start is None else start.similarity.copy()
    verified = 0
    with ShingleCache(shingles_of, total, spill_dir) as cache:
        scored = _ShingleScore(cache, total, keep_near=weigh is not None)
        if start is not None and len(start.orphans):
            left, verified = _recentred(start.orphans, start.orphan_clusters, center, to_centre, cache, cancelled)
            fresh = start.fresh.copy()
            fresh[left] = True
            start = replace(start, fresh=fresh)
        with CandidatePairs(bands, eligible, start, spill_dir) as pairs:
            for window in pairs.windows():
                verified += _walked(window, center, to_centre, scored, cancelled)
        if weigh is not None:
            to_compare = eligible if start is None else eligible & start.fresh
            verified += _rare_walked(weigh, to_compare, eligible, center, to_centre, scored, cancelled)
    if weigh is not None:
        verified += _weighed(scored.undecided, center, to_centre, weigh, cancelled)
    drift = 0 if start is None else start.drift
    return Clusters(center, _reports_per_cluster(center, report_codes), to_centre, pairs.count, verified, drift)


class _ShingleScore:
    """The copy score of a centre and a loose document from the shingle cache; with ``keep_near``, the pairs it
    leaves a little short (:func:`search.index.information.may_be_edited_copy`) are kept as centre × documents
    + loose, in ``undecided``, for the information they share to decide."""

    def __init__(self, cache: ShingleCache, total: int, keep_near: bool) -> None:
        self.cache, self.total, self.keep_near = cache, total, keep_near
        self.near: list[int] = []
        self.undecided: list[np.ndarray] = []

    def __call__(self, centre: int, loose: int) -> float:
        own, other = self.cache.load(centre), self.cache[loose]
        similarity = copy_score(own, other)
        if self.keep_near and similarity < THRESHOLD and may_be_edited_copy(similarity, len(own), len(other)):
            self.near.append(centre * self.total + loose)
        return similarity

    def keep(self) -> None:
        if self.near:
            self.undecided.append(np.array(self.near, dtype=np.int64))
            self.near.clear()


def _walked(codes: np.ndarray, center: np.ndarray, to_centre: np.ndarray, scored: _ShingleScore, cancelled) -> int:
    """Walk candidate pairs (first × documents + other) in order (see :func:`_verify`); how many were scored."""
    verified, total = 0, len(center)
    for chunk in range(0, len(codes), CHECK_EVERY):
        if cancelled():
            raise ClusteringCancelled
        firsts, others = np.divmod(codes[chunk : chunk + CHECK_EVERY], total)
        scored.cache.fetch(_needed(firsts, others, center))
        verified += _verify(firsts.tolist(), others.tolist(), center, to_centre, scored, scored.cache.drop)
        scored.keep()
    return verified


def _rare_walked(
    weigh: Weigher,
    to_compare: np.ndarray,
    eligible: np.ndarray,
    center: np.ndarray,
    to_centre: np.ndarray,
    scored: _ShingleScore,
    cancelled,
) -> int:
    """Pairs the band keys did not propose: each document still alone (of ``to_compare``) with the paragraphs
    sharing its rarest bigrams (:func:`search.index.information.rare_neighbours`), walked as band pairs are."""
    verified, total = 0, len(center)
    alone = np.flatnonzero(to_compare & (center < 0))
    for low in range(0, len(alone), RARE_BATCH):
        if cancelled():
            raise ClusteringCancelled
        firsts, others = weigh.rare_pairs(alone[low : low + RARE_BATCH].tolist())
        kept = (firsts != others) & eligible[others]
        verified += _walked(firsts[kept] * total + others[kept], center, to_centre, scored, cancelled)
    return verified


def _weighed(undecided: list[np.ndarray], center: np.ndarray, to_centre: np.ndarray, weigh: Weigher, cancelled) -> int:
    """Walk the pairs the shingles left undecided again, in the same order, scored by the information they
    share (:func:`search.index.information.edited_copy_score`): at THRESHOLD the loose document joins.
    A pair whose documents both found a cluster since is skipped, as in :func:`_verify`."""
    verified, total = 0, len(center)
    for codes in undecided:
        for chunk in range(0, len(codes), CHECK_EVERY):
            if cancelled():
                raise ClusteringCancelled
            firsts, others = np.divmod(codes[chunk : chunk + CHECK_EVERY], total)
            weigh.read(_needed(firsts, others, center).tolist())
            verified += _verify(firsts.tolist(), others.tolist(), center, to_centre, weigh.score, lambda doc: None)
    return verified


def _recentred(
    orphans: np.ndarray, clusters: np.ndarray, center: np.ndarray, to_centre: np.ndarray, cache: ShingleCache, cancelled
) -> tuple[np.ndarray, int]:
    """Each cluster whose centre is gone made again around its first remaining member: the others stay where
    their copy score to it reaches THRESHOLD (as a paragraph joining a centre does); returns the rest, to be
    compared afresh, and how many were scored. Comparing every such member afresh walked all their candidate
    pairs: a changed report that held the centres of boilerplate copied into thousands of reports."""
    starts = np.flatnonzero(np.concatenate(([True], clusters[1:] != clusters[:-1])))
    which = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(orphans))))
    centre_of = orphans[starts][which]
    kept = np.zeros(len(starts), dtype=bool)
    left, verified = [], 0
    for low in range(0, len(orphans), CHECK_EVERY):
        if cancelled():
            raise ClusteringCancelled
        high = min(low + CHECK_EVERY, len(orphans))
        cache.fetch(np.concatenate((orphans[low:high], centre_of[low:high])))
        chunk = zip(orphans[low:high].tolist(), centre_of[low:high].tolist(), which[low:high].tolist(), strict=True)
        for member, centre, cluster in chunk:
            if member == centre:
                continue
            verified += 1
            similarity = copy_score(cache.load(centre), cache[member])
            if similarity < THRESHOLD:
                left.append(member)
                continue
            center[member], to_centre[member] = centre, similarity
            kept[cluster] = True
            cache.drop(member)
    centres = orphans[starts]
    center[centres[kept]], to_centre[centres[kept]] = centres[kept], 1.0
    return np.array(left + centres[~kept].tolist(), dtype=np.int64), verified


def _verify(
    firsts: list[int],
    others: list[int],
    center: np.ndarray,
    to_centre: np.ndarray,
    score: Callable[[int, int], float],
    joined: Callable[[int], None],
) -> int:
    """Walk a chunk of pairs in order: a pair with a document not yet clustered is scored against the centre
    of the other's cluster (or the first document); at THRESHOLD the loose document joins (and
    ``joined(loose)`` is told: a member is never compared again; a centre is). Returns how many pairs were
    scored."""
    verified = 0
    for first, other in zip(firsts, others, strict=True):
        first_center, other_center = int(center[first]), int(center[other])
        if first_center >= 0 and other_center >= 0:
            continue
        if first_center >= 0:
            centre, loose = first_center, other
        elif other_center >= 0:
            centre, loose = other_center, first
        else:
            centre, loose = first, other
        verified += 1
        similarity = score(centre, loose)
        if similarity >= THRESHOLD:
            center[centre] = center[loose] = centre
            to_centre[centre], to_centre[loose] = 1.0, similarity
            joined(loose)
    return verified


def _needed(firsts: np.ndarray, others: np.ndarray, center: np.ndarray) -> np.ndarray:
    """The documents whose shingles a chunk of pairs may compare: its documents not yet clustered and the
    centres of those that are, read in one call (a body at a time, NumPy's fixed cost per call was most of
    the clustering)."""
    first_center, other_center = center[firsts], center[others]
    open_pairs = (first_center < 0) | (other_center < 0)
    return np.concatenate(
        (
            firsts[open_pairs & (first_center < 0)],
            others[open_pairs & (other_center < 0)],
            first_center[open_pairs & (first_center >= 0)],
            other_center[open_pairs & (other_center >= 0)],
        )
    )


def _reports_per_cluster(label: np.ndarray, report_codes: np.ndarray) -> np.ndarray:
    """For each document, the number of distinct reports of its cluster (1 for one without)."""
    clustered = np.flatnonzero(label >= 0)
    result = np.ones(len(label), dtype=np.int32)
    if not len(clustered):
        return result
    # One key per (report, cluster): a two-column np.unique sorted rows as records and was the clustering's
    # last peak at eight million paragraphs. Report first: in document order a report's paragraphs come
    # together and reports mostly in order, which a stable sort (a merge of runs) takes in one pass, where a
    # key led by the cluster had to be sorted from scratch (0.5 s at eight million paragraphs).
    keys = report_codes[clustered].astype(np.int64) + 1
    keys *= len(label)
    keys += label[clustered]
    per_label = np.bincount(distinct(keys, kind="stable") % len(label), minlength=len(label)).astype(np.int32)
    result[clustered] = per_label[label[clustered]]
    return result
