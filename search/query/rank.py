"""Ranking: tiers of match and the practice-first prior.

Tiers (expanded mode, ranked by relevance): every required concept of the query
present, as typed or as an equivalent (``all``, the strict matches that totals and
facet counts describe); most present (``partial``); every one present only when
related terms count (``related``); any present (``other``: nothing a BM25 over the
query's words would find is out of reach). A lower tier never ranks above a higher
one. Question and function words (``data/query_fillers.txt``) are never required,
and a concept most paragraphs have is only scored (:meth:`search.query.query_words.QueryWords.weighed`).

The prior: users asking how townships handled a topic want what was done.
Within a tier, a paragraph of 主要举措和成效 ranks above one that plans or
regrets the same words, and a paragraph reporting numbers (59件, 6人, 20余次)
above one that does not. The prior stays off when the query names a part (a
part filter, or a word that names one on its own: 不足, 薄弱, 下一步, from
``data/parts.json``; then that part's paragraphs come first instead) or when
the strict matches themselves lean to another part than the measures:
执法力量薄弱 is found in the shortcomings, and that is what the user is after.

Weights were set by measurement (``python -m benchmarks relevance`` with the
weights swept; docs/benchmark-log.md has the sweep): other parts keep most of
the gain at ×0.6 while plans stay findable, and the numbers bonus is only a
tie-breaker, since judges grade "about the topic", not "with figures".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TIERS = ("all", "partial", "related", "other")
PARTIAL_COVER = 0.5
TIER_GAP = 1e7
SAMPLE_FROM = 100_000
SAMPLED_RANK = 8

PRACTICE_PART = "主要举措和成效"
PART_PRIOR = {
    "概述": 0.6,
    "主要举措和成效": 1.0,
    "存在的不足和原因": 0.6,
    "第一责任人履职": 0.85,
    "下一年度安排": 0.6,
}
UNKNOWN_PART_PRIOR = 0.8
OTHER_PART_WEIGHT = 0.6
FACTS_BONUS = 0.05
LEANING = 0.5
FACT_UNITS = "件次名人个场份宗起项户家所期篇条万元余"


def tier_of(matched_mask: np.ndarray, cover: np.ndarray, near: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Tier number per document (0 all, 1 partial, 2 related, 3 other: some concept present, -1 no match)
    among ``allowed`` documents.

    Arithmetic on int8 views rather than assignments through boolean masks or np.where, which cost ten
    times as much."""
    some = cover > 0
    partial = (cover >= PARTIAL_COVER) & some
    tier = some.view(np.int8) * np.int8(4) - np.int8(1)  # other 3, else -1
    tier -= near.view(np.int8) * (tier - np.int8(2))  # related 2
    tier -= partial.view(np.int8) * (tier - np.int8(1))  # partial 1
    tier -= matched_mask.view(np.int8) * tier  # all 0
    tier += np.int8(1)
    tier *= allowed.view(np.int8)
    tier -= np.int8(1)  # -1 where not allowed
    return tier


@dataclass(frozen=True)
class PartPrior:
    """Per-document ranking weight (see :func:`practice_prior`), kept as a key per document (its part, and
    whether it reports numbers) into a table of the few weights: 8 MB at eight million paragraphs, where the
    weights themselves in float64 were 61 MB of every serving process."""

    keys: np.ndarray
    table: np.ndarray

    def of(self, docs: np.ndarray) -> np.ndarray:
        """The weights of ``docs``."""
        return self.table[self.keys[docs]]


def practice_prior(part_codes: np.ndarray, part_values: list[str], facts: np.ndarray) -> PartPrior:
    """Per-document weight: the report part's prior, raised for paragraphs that report numbers."""
    weights = np.array([PART_PRIOR.get(v, UNKNOWN_PART_PRIOR) for v in part_values] + [UNKNOWN_PART_PRIOR])
    parts = np.where(part_codes >= 0, part_codes, len(part_values))
    # A part's weight in float32, times 1 or 1 + FACTS_BONUS in float64, as the weights were when each
    # document had its own.
    table = weights.astype(np.float32)[:, None] * (1 + FACTS_BONUS * np.array([False, True]))[None, :]
    dtype = np.int8 if table.size <= np.iinfo(np.int8).max else np.int32
    keys = parts.astype(dtype) * dtype(2) + facts.astype(dtype)
    return PartPrior(keys, table.ravel())


def fact_keys() -> np.ndarray:
    """Character-bigram keys of a digit followed by a counting unit (59件, 6人, 20余次)."""
    from search.index.terms import SHIFT

    return np.array([(ord(d) << SHIFT) | ord(u) for d in "0123456789" for u in FACT_UNITS], dtype=np.int64)


def named_part_weight(part_codes: np.ndarray, part_values: list[str], named: set[str]) -> np.ndarray:
    """Per-document weight when the query names report parts: their paragraphs first, others × OTHER_PART_WEIGHT."""
    wanted = [i for i, value in enumerate(part_values) if value in named]
    weights = np.array([OTHER_PART_WEIGHT, 1.0], dtype=np.float32)
    return weights[np.isin(part_codes, wanted).view(np.int8)]


def prior_applies(strict_docs: np.ndarray, part_codes: np.ndarray, part_values: list[str], corpus_share: float) -> bool:
    """False when the strict matches (document numbers) lean away from the measures part (the query is about
    another part): their share in it is below LEANING × ``corpus_share``, the share of all paragraphs."""
    if PRACTICE_PART not in part_values or not len(strict_docs):
        return True
    code = part_values.index(PRACTICE_PART)
    share_matches = np.count_nonzero(part_codes[strict_docs] == code) / len(strict_docs)
    return share_matches >= LEANING * (corpus_share or 1.0)


def practice_share(paragraphs: np.ndarray, part_codes: np.ndarray, part_values: list[str]) -> float:
    """The share of all paragraphs that are in the measures part (0 when the index has none)."""
    if PRACTICE_PART not in part_values or not paragraphs.any():
        return 0.0
    code = part_values.index(PRACTICE_PART)
    return float(np.count_nonzero(part_codes[paragraphs] == code) / np.count_nonzero(paragraphs))


def floor_of_best(values: np.ndarray, count: int) -> float:
    """A value at or below the ``count``-th largest of ``values`` that few others reach: keeping what reaches
    it keeps the ``count`` best, ties included. Over many values (a common word's million matches) it is read
    from every ``count``-th value, where the SAMPLED_RANK-th largest stands for about the SAMPLED_RANK ×
    ``count``-th of all (a partition of the whole took most of a page's ranking); when the sample misjudges,
    it is the exact ``count``-th largest."""
    total = len(values)
    if total >= SAMPLE_FROM and count >= 2 and total // count >= 4 * SAMPLED_RANK:
        sample = values[::count]
        floor = np.partition(sample, len(sample) - SAMPLED_RANK)[len(sample) - SAMPLED_RANK]
        if count <= np.count_nonzero(values >= floor) <= total // 8:
            return floor
    return np.partition(values, total - count)[total - count]


def top_scoring(docs: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` best of ascending ``docs`` by their scores ``values`` (aligned), ties by document number,
    without sorting them all."""
    if len(docs) > count:
        keep = values >= floor_of_best(values, count)
        docs, values = docs[keep], values[keep]
    return docs[np.lexsort((docs, -values))][:count]
