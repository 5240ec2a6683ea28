"""Near-duplicate paragraphs across reports: MinHash over character shingles, LSH bands, exact Jaccard.

Townships copy paragraphs from each other's reports and from their own earlier ones, changing the
place name and the figures. A paragraph is compared by its *body*: its folded text without numbers,
self references (我乡, 本镇 …) and punctuation, cut into overlapping 4-character shingles.

* Signatures are datasketch MinHashes (scheme ``affine32``: the shingle hash pre-mixed with the
  MurmurHash3 finalizer, then ``a·h + b`` mod 2³² per permutation, with datasketch's own seeded
  permutations). They are computed for a whole segment at once with NumPy — the same values
  ``datasketch.MinHash.update_batch`` gives one paragraph at a time (tests/test_duplicates.py checks
  that) — and only their LSH band keys are stored, beside each segment (``minhash_bands.npy``), so a
  reindex computes them only for the reports it adds.
* Candidates are paragraphs that share a band key; datasketch chooses bands and rows for the
  candidate threshold (:data:`CANDIDATE_THRESHOLD`, below the verified one, so that few true pairs
  are missed). Each candidate pair is then verified with the exact Jaccard similarity of the two
  shingle sets (:data:`THRESHOLD`); verified pairs join star clusters.
* The clusters of an index state are saved beside the index (:data:`CLUSTERS_FILE`), by segment and
  local document number, which a reindex does not change. The next state starts from them: only pairs
  with a *fresh* paragraph are verified (one of a new segment, one whose centre was deleted, or one that
  shared a band with a deleted paragraph), so a reindex of one report costs seconds, not a full
  clustering, and a server loads what the indexer found instead of finding it again.
"""

from __future__ import annotations

import os
import re
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.index.analyze import RUN

SELF_REFERENCE = re.compile(r"[我本全该此][乡镇街区县村]|街道|\d+")
SHINGLE = 4
NUM_PERM = 64
SEED = 1
THRESHOLD = 0.8
CANDIDATE_THRESHOLD = 0.7
BANDS, ROWS = 8, 8
MIN_BODY = 30
BATCH_SHINGLES = 200_000
CHECK_EVERY = 4096
NO_BAND = np.uint64((1 << 64) - 1)
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
_BAND_MULTIPLIER = np.uint64(0x100000001B3)


def body_of(folded: str, places: tuple[str, ...] = ()) -> str:
    """What a copy keeps of a paragraph: its words without numbers, self references, punctuation and
    (when given) its report's own place names."""
    for place in places:
        if place:
            folded = folded.replace(place, "")
    return "".join(RUN.findall(SELF_REFERENCE.sub("", folded)))


def _window_hashes(codes: np.ndarray) -> np.ndarray:
    """32-bit hashes of every SHINGLE-character window of ``codes`` (uint64 code points)."""
    windows = len(codes) - SHINGLE + 1
    value = np.zeros(max(windows, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            value = value * np.uint64(0x1F3D5B79) + codes[k : k + windows]
    return ((value ^ (value >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def shingle_hashes(body: str) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the body's 4-character shingles (empty below MIN_BODY characters)."""
    if len(body) < MIN_BODY:
        return np.zeros(0, dtype=np.uint32)
    return np.unique(_window_hashes(_code_points(body)))


def shingle_sets(bodies: list[str]) -> list[np.ndarray]:
    """:func:`shingle_hashes` of each body, hashed in one pass over them all: a window's hash depends only on
    its characters, so the windows of the bodies joined are theirs, less those across a join (a near copy's
    thirty candidates took 0.5 ms one by one, mostly in NumPy's fixed cost per call)."""
    kept = [i for i, body in enumerate(bodies) if len(body) >= MIN_BODY]
    found = [np.zeros(0, dtype=np.uint32) for _ in bodies]
    if not kept:
        return found
    lengths = np.array([len(bodies[i]) for i in kept])
    owner = np.repeat(np.arange(len(kept), dtype=np.uint64), lengths)
    hashes = _window_hashes(_code_points("".join(bodies[i] for i in kept)))
    within = owner[: len(hashes)] == owner[SHINGLE - 1 :]
    keys = np.unique((owner[: len(hashes)][within] << np.uint64(32)) | hashes[within].astype(np.uint64))
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(len(kept) + 1, dtype=np.uint64))
    values = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    for at, i in enumerate(kept):
        found[i] = values[bounds[at] : bounds[at + 1]]
    return found


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle-hash arrays."""
    if not len(first) or not len(second):
        return 0.0
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for NUM_PERM and SEED (odd ``a``, any ``b``, from the same seeded
    generator), made here: importing datasketch imports scipy, half a second in every reindex's process.
    tests/test_duplicates.py checks they are datasketch's."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def bands_and_rows() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for CANDIDATE_THRESHOLD over NUM_PERM
    (its optimisation integrates with scipy; the test suite checks the pair against it)."""
    return BANDS, ROWS


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def signatures(bodies: list[str]) -> np.ndarray:
    """MinHash signatures (n × NUM_PERM, uint32) of the bodies' shingle sets; a body shorter than MIN_BODY
    gets a row of all ones. Equal to datasketch's ``MinHash.update_batch`` over :func:`shingle_hashes`
    (a shingle seen twice does not change a minimum), computed for many bodies at once."""
    a, b = _permutations()
    result = np.full((len(bodies), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    rows = [i for i, text in enumerate(bodies) if len(text) >= MIN_BODY]
    for batch in _batches(rows, bodies):
        codes = _code_points("".join(bodies[i] for i in batch))
        lengths = np.array([len(bodies[i]) for i in batch])
        ends = np.cumsum(lengths)
        hashes = _window_hashes(codes)
        window_starts = np.concatenate(([0], ends[:-1]))
        inside = np.ones(len(hashes), dtype=bool)
        for k in range(1, SHINGLE):  # windows that run across into the next body
            inside[ends[:-1] - k] = False
        hashes = _fmix32(hashes[inside])
        starts = window_starts - np.arange(len(batch)) * (SHINGLE - 1)
        minima = np.empty((NUM_PERM, len(batch)), dtype=np.uint32)
        with np.errstate(over="ignore"):
            for j in range(NUM_PERM):
                minima[j] = np.minimum.reduceat(hashes * a[j] + b[j], starts)
        result[batch] = minima.T
    return result


def _batches(rows: list[int], bodies: list[str]):
    batch, size = [], 0
    for i in rows:
        batch.append(i)
        size += len(bodies[i])
        if size >= BATCH_SHINGLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def band_keys(signature_rows: np.ndarray, has_body: np.ndarray) -> np.ndarray:
    """One 64-bit key per LSH band and paragraph (n × bands); NO_BAND for paragraphs without a body."""
    bands, rows = bands_and_rows()
    n = len(signature_rows)
    keys = np.zeros((n, bands), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for band in range(bands):
            key = np.full(n, np.uint64(band + 1))
            for column in signature_rows[:, band * rows : (band + 1) * rows].T:
                key = key * _BAND_MULTIPLIER + column.astype(np.uint64)
            keys[:, band] = key
    keys[~has_body] = NO_BAND
    return keys


def bands_of_texts(folded_texts: list[str]) -> np.ndarray:
    """Band keys of folded paragraph texts, as stored beside a segment."""
    bodies = [body_of(text) for text in folded_texts]
    has_body = np.array([len(body) >= MIN_BODY for body in bodies], dtype=bool)
    return band_keys(signatures(bodies), has_body)


@dataclass
class Clusters:
    """Clusters of near-identical paragraphs of one index state.

    ``label[doc]`` is the document number of the cluster's centre (every member is at least THRESHOLD
    similar to it), or -1 for a paragraph with no near duplicate; ``reports[doc]`` is how many reports its
    cluster spans; ``similarity[doc]`` its exact Jaccard similarity to the centre (1 for the centre)."""

    label: np.ndarray
    reports: np.ndarray
    similarity: np.ndarray
    candidate_pairs: int = 0
    verified_pairs: int = 0
    _order: np.ndarray = field(init=False, repr=False)
    _sorted_labels: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        """The members of every cluster as one array sorted by centre (built once, shared by the threads
        and the forked workers of a server; a dict of arrays took 0.2 s at 1,000,000 paragraphs)."""
        clustered = np.flatnonzero(self.label >= 0)
        self._order = clustered[np.argsort(self.label[clustered], kind="stable")]
        self._sorted_labels = self.label[self._order]

    def members(self, doc: int) -> np.ndarray:
        """The documents of ``doc``'s cluster (only ``doc`` when it has none)."""
        label = int(self.label[doc])
        if label < 0:
            return np.array([doc], dtype=np.int64)
        low = int(np.searchsorted(self._sorted_labels, label, side="left"))
        high = int(np.searchsorted(self._sorted_labels, label, side="right"))
        return self._order[low:high]

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


CLUSTERS_FILE = "clusters.npz"
UNREADABLE = (OSError, ValueError, KeyError, IndexError, EOFError, zipfile.BadZipFile)


@dataclass
class Layout:
    """Where each segment's documents sit in one index state, and which of them may be clustered."""

    segment_ids: list[str]
    offsets: list[int]
    counts: list[int]
    eligible: np.ndarray

    def key(self) -> str:
        """Names the state: its segments and how many of their paragraphs are live (deletions only grow)."""
        return "|".join(
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
    clustered, and which documents must be compared afresh."""

    center: np.ndarray
    similarity: np.ndarray
    fresh: np.ndarray


def save_clusters(index_dir: Path, layout: Layout, clusters: Clusters) -> bool:
    """Write the clusters of a state atomically; False when the index folder is not writable (a server
    with a read-only index then keeps them in memory)."""
    members = np.flatnonzero(clusters.label >= 0)
    seg, local = layout.locate(members)
    centre_seg, centre_local = layout.locate(clusters.label[members])
    target = Path(index_dir) / CLUSTERS_FILE
    temporary = target.with_name(f"{CLUSTERS_FILE}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            np.savez(
                handle,
                key=np.array(layout.key()),
                segments=np.array(layout.segment_ids, dtype=str),
                seg=seg,
                local=local,
                centre_seg=centre_seg,
                centre_local=centre_local,
                similarity=clusters.similarity[members].astype(np.float32),
                pairs=np.array([clusters.candidate_pairs, clusters.verified_pairs], dtype=np.int64),
            )
        os.replace(temporary, target)
        return True
    except OSError:
        temporary.unlink(missing_ok=True)
        return False


def saved_key(index_dir: Path) -> str | None:
    """The key of the state whose clusters are saved (None when there are none)."""
    try:
        with np.load(Path(index_dir) / CLUSTERS_FILE) as saved:
            return str(saved["key"])
    except UNREADABLE:
        return None


def load_clusters(index_dir: Path, layout: Layout, bands_of, report_codes: np.ndarray) -> Clusters | Start | None:
    """The saved clusters when they are this state's; else a Start from them for an incremental
    clustering; None when there are none, or they cannot be read (they are then found again).
    ``bands_of()`` gives the state's band keys, read only for an incremental start."""
    try:
        with np.load(Path(index_dir) / CLUSTERS_FILE) as saved:
            return _restore({name: saved[name] for name in saved.files}, layout, bands_of, report_codes)
    except UNREADABLE:
        return None


def _restore(data: dict, layout: Layout, bands_of, report_codes: np.ndarray) -> Clusters | Start:
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
        return Clusters(label, _reports_per_cluster(label, report_codes), to_centre, pairs[0], pairs[1])
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
    fresh[member[member_live & ~centre_live]] = True  # their centre is gone: compare them again
    fresh |= layout.eligible & known & _sharing_a_band(bands_of(), known & ~layout.eligible)
    clustered = np.flatnonzero(center >= 0)
    fresh[clustered[fresh[center[clustered]]]] = True  # a centre compared again takes its members along
    center[fresh] = -1
    alone = _without_members(center)
    center[alone] = -1
    to_centre[fresh] = 0.0
    to_centre[alone] = 0.0
    return Start(center, to_centre, fresh)


def _without_members(center: np.ndarray) -> np.ndarray:
    """Centres that no other document names any more."""
    clustered = np.flatnonzero(center >= 0)
    named = np.bincount(center[clustered], minlength=len(center))
    return np.flatnonzero((center == np.arange(len(center))) & (named <= 1))


def _sharing_a_band(bands: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """Documents with a band key of a document that is gone: their candidate pairs may have changed."""
    result = np.zeros(len(bands), dtype=bool)
    if not gone.any():
        return result
    for band in range(bands.shape[1]):
        keys = np.unique(bands[gone, band])
        result |= np.isin(bands[:, band], keys[keys != NO_BAND])
    return result


class ClusteringCancelled(Exception):
    """The index state being clustered was replaced before its clusters were found."""


def find_clusters(
    bands: np.ndarray,
    eligible: np.ndarray,
    report_codes: np.ndarray,
    shingles_of,
    cancelled=lambda: False,
    start: Start | None = None,
) -> Clusters:
    """Cluster the ``eligible`` documents whose band keys collide and whose shingle sets (``shingles_of(doc)``)
    have a Jaccard similarity of at least THRESHOLD. ``cancelled()`` is asked every CHECK_EVERY pairs: when
    it is true, ClusteringCancelled is raised (a reindex replaced the state: its clusters are not needed).
    From a ``start`` only pairs with a fresh document are verified; the other clusters stay as they were."""
    total = len(eligible)
    docs = np.flatnonzero(eligible & (bands[:, 0] != NO_BAND))
    firsts, others = [], []
    for band in range(bands.shape[1] if len(docs) > 1 else 0):
        keys = bands[docs, band]
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        same_as_previous = np.concatenate(([False], sorted_keys[1:] == sorted_keys[:-1]))
        group_start = np.maximum.accumulate(np.where(same_as_previous, 0, np.arange(len(order))))
        firsts.append(docs[order][group_start][same_as_previous])
        others.append(docs[order][same_as_previous])
    if firsts:
        first_docs, other_docs = np.concatenate(firsts).astype(np.int64), np.concatenate(others)
        if start is not None:
            touched = start.fresh[first_docs] | start.fresh[other_docs]
            first_docs, other_docs = first_docs[touched], other_docs[touched]
        pair_keys = np.unique(first_docs * total + other_docs)
    else:
        pair_keys = np.zeros(0, dtype=np.int64)
    center = np.full(total, -1, dtype=np.int64) if start is None else start.center.copy()
    cache: dict[int, np.ndarray] = {}

    def shingles(doc: int) -> np.ndarray:
        if doc not in cache:
            cache[doc] = shingles_of(doc)
        return cache[doc]

    to_centre = np.zeros(total, dtype=np.float64) if start is None else start.similarity.copy()
    verified = 0
    pairs = zip((pair_keys // total).tolist(), (pair_keys % total).tolist(), strict=True)
    for number, (first, other) in enumerate(pairs):
        if number % CHECK_EVERY == 0 and cancelled():
            raise ClusteringCancelled
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
        similarity = jaccard(shingles(centre), shingles(loose))
        if similarity >= THRESHOLD:
            center[centre] = center[loose] = centre
            to_centre[centre], to_centre[loose] = 1.0, similarity
            cache.pop(loose, None)  # a member is never compared again; a centre is
    return Clusters(center, _reports_per_cluster(center, report_codes), to_centre, len(pair_keys), verified)


def _reports_per_cluster(label: np.ndarray, report_codes: np.ndarray) -> np.ndarray:
    """For each document, the number of distinct reports of its cluster (1 for one without)."""
    clustered = np.flatnonzero(label >= 0)
    result = np.ones(len(label), dtype=np.int32)
    if not len(clustered):
        return result
    pairs = np.unique(np.stack((label[clustered], report_codes[clustered].astype(np.int64)), axis=1), axis=0)
    clusters, counts = np.unique(pairs[:, 0], return_counts=True)
    per_label = np.zeros(len(label), dtype=np.int32)
    per_label[clusters] = counts
    result[clustered] = per_label[label[clustered]]
    return result


MEMBERS_SHOWN = 50


def list_clusters(state, selected: np.ndarray, min_reports: int, page: int, limit: int) -> dict:
    """One page of clusters with a member among ``selected`` that span at least ``min_reports`` reports, most
    widely shared first; each with its members (another report's copy first), their similarity to the first."""
    clusters = state.clusters()
    facets = state.facets
    chosen = np.flatnonzero(selected & (clusters.label >= 0) & (clusters.reports >= min_reports))
    labels = np.unique(clusters.label[chosen])
    spread = clusters.reports[labels]
    sizes = np.bincount(clusters.label[clusters.label >= 0], minlength=len(clusters.label))[labels]
    order = np.lexsort((labels, -sizes, -spread))
    offset = (page - 1) * limit
    listed = []
    for label in labels[order][offset : offset + limit].tolist():
        members = clusters.members(label)
        others = members[members != label]
        others = others[np.lexsort((facets.id_keys[others], -facets.years[others].astype(np.int64)))]
        members = np.concatenate(([label], others))
        rows = [
            {**state.paragraph_label(doc), "similarity": round(float(clusters.similarity[doc]), 2)}
            for doc in members[:MEMBERS_SHOWN].tolist()
        ]
        listed.append(
            {
                "reports": int(clusters.reports[label]),
                "paragraphs": len(members),
                "text": state.stored(int(members[0])).get("text", ""),
                "members": rows,
            }
        )
    return {
        "total": len(labels),
        "paragraphs": int(len(chosen)),
        "min_reports": min_reports,
        "page": page,
        "limit": limit,
        "clusters": listed,
    }


DUPLICATE_COLUMNS = ["组", "涉及报告数", "乡镇/单位", "年度", "段号", "与第一段的相似度", "段落编号", "段落"]


def duplicate_rows(result: dict) -> list[list]:
    """A listed page of clusters as table rows under DUPLICATE_COLUMNS, a row per member (CLI --csv and
    /duplicates.csv)."""
    first = (result["page"] - 1) * result["limit"] + 1
    return [
        [
            number,
            cluster["reports"],
            m["township"],
            m["year"] or "",
            m["paragraph"],
            m["similarity"],
            m["id"],
            cluster["text"],
        ]
        for number, cluster in enumerate(result["clusters"], first)
        for m in cluster["members"]
    ]
