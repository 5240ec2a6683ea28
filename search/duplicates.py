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
  shingle sets (:data:`THRESHOLD`); verified pairs join clusters (union–find).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .analyze import RUN

SELF_REFERENCE = re.compile(r"[我本全该此][乡镇街区县村]|街道|\d+")
SHINGLE = 4
NUM_PERM = 64
SEED = 1
THRESHOLD = 0.8
CANDIDATE_THRESHOLD = 0.7
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


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle-hash arrays."""
    if not len(first) or not len(second):
        return 0.0
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    from datasketch import MinHash

    a, b = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations
    return a.astype(np.uint32), b.astype(np.uint32)


@lru_cache(maxsize=1)
def bands_and_rows() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH picks for CANDIDATE_THRESHOLD over NUM_PERM."""
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=CANDIDATE_THRESHOLD, num_perm=NUM_PERM)
    return lsh.b, lsh.r


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
    _members: dict[int, np.ndarray] = field(default_factory=dict, repr=False)

    def members(self, doc: int) -> np.ndarray:
        """The documents of ``doc``'s cluster (only ``doc`` when it has none)."""
        label = int(self.label[doc])
        if label < 0:
            return np.array([doc], dtype=np.int64)
        if not self._members:  # built whole, then published: threads of one server share it
            clustered = np.flatnonzero(self.label >= 0)
            order = clustered[np.argsort(self.label[clustered], kind="stable")]
            bounds = np.flatnonzero(np.diff(self.label[order])) + 1
            self._members = {int(self.label[group[0]]): group for group in np.split(order, bounds)}
        return self._members[label]

    def keys(self) -> np.ndarray:
        """A key per document, equal for the members of a cluster and distinct for everything else."""
        return np.where(self.label >= 0, self.label, -1 - np.arange(len(self.label)))


class ClusteringCancelled(Exception):
    """The index state being clustered was replaced before its clusters were found."""


def find_clusters(
    bands: np.ndarray, eligible: np.ndarray, report_codes: np.ndarray, shingles_of, cancelled=lambda: False
) -> Clusters:
    """Cluster the ``eligible`` documents whose band keys collide and whose shingle sets (``shingles_of(doc)``)
    have a Jaccard similarity of at least THRESHOLD. ``cancelled()`` is asked every CHECK_EVERY pairs: when
    it is true, ClusteringCancelled is raised (a reindex replaced the state: its clusters are not needed)."""
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
        pair_keys = np.unique(np.concatenate(firsts).astype(np.int64) * total + np.concatenate(others))
    else:
        pair_keys = np.zeros(0, dtype=np.int64)
    center = np.full(total, -1, dtype=np.int64)
    cache: dict[int, np.ndarray] = {}

    def shingles(doc: int) -> np.ndarray:
        if doc not in cache:
            cache[doc] = shingles_of(doc)
        return cache[doc]

    to_centre = np.zeros(total, dtype=np.float64)
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
    sizes = np.array([len(clusters.members(int(label))) for label in labels.tolist()], dtype=np.int64)
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
