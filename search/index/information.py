"""Copies edited in every sentence: found by the rarest bigrams two paragraphs share, decided by how much of
each sentence the other holds, every bigram weighed by how few paragraphs of the index have it (its inverse
document frequency) — for copies whose edits are too dense for the shingles of :mod:`search.index.clusters`.

A copier who swaps a word in every clause (开展 → 组织, 居民 → 群众) or inserts 进一步, 切实, 还 here and there
leaves few 4-character shingles whole: the copy score falls to 0.5–0.7 and the Jaccard similarity the band
keys estimate to 0.3–0.5, while a reader sees the same paragraph. Such a copy still has the words only it and
its original have: :func:`rare_neighbours` proposes the paragraphs that share a paragraph's rarest bigrams.
Bigrams survive the edits, but paragraphs on one topic written apart share many common ones (法治, 建设,
依法), and two reports' opening formulas (在县委、县政府的坚强领导下，以习近平…为指导) share most of theirs;
weighed by the index's own statistics they come apart. The :func:`edited_copy_score` of two paragraphs is the
share of the shorter one's text in sentences the other holds at least SENTENCE_PRESENT of by weight (an
edited sentence; one on the same topic shares a third at most), and the copy threshold applies to it as to
the copy score: a paragraph sharing some sentences whole and not the others is measured as the copy score's
containment measures it. Like that containment it asks for the shorter to have at least MIN_BALANCE of the
other's shingles (one sentence inside a long paragraph does not make it a copy), and for more shared text
than a formula: at least MIN_RARE_SHARED bigrams' worth of the rarest kind (the shared weight over
log(1 + N), the largest weight an index of N paragraphs gives). Short statements in the standard wording
(全年发生行政诉讼案件…件，镇长出庭应诉…次) share most of what they say but not that much: they are left to the
copy score (tests/data/copy_pairs.json judges them apart). The statistics need a corpus: in an index of
fewer than MIN_DOCUMENTS paragraphs (a handful of reports) two opening formulas look as rare as a copied
text, and the copy score alone decides.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from search.index.docsets import distinct
from search.index.terms import SHIFT, codes_of

SENTENCE_PRESENT = 0.5
MIN_BALANCE = 0.5  # as search.index.clusters.CONTAINED_MIN_BALANCE, which the copy score's containment asks
MIN_RARE_SHARED = 35
MIN_DOCUMENTS = 500  # fewer paragraphs cannot tell a formula every report repeats from a copied text
RARE_KEYS = 8
RARE_SHARED = 3
RARE_MAX_FREQUENCY = 200  # a bigram in more paragraphs is no sign of a copy (and its postings are long)
EDITED_FLOOR = 0.45  # below this copy score a pair is not weighed (the band keys' own threshold)
KEY_BITS = 2 * SHIFT
KEY_MASK = (1 << KEY_BITS) - 1
WEIGHED_KEPT = 4096  # documents whose information a clustering keeps (the centres it meets again): ~16 MB


@dataclass(frozen=True)
class Information:
    """A paragraph as weighed bigrams: the distinct keys of its sentences' bodies (sorted) with their weights,
    and each sentence's own distinct keys (one after the other, ``sentence_of`` telling them apart)."""

    keys: np.ndarray
    weights: np.ndarray
    total: float
    sentence_keys: np.ndarray
    sentence_weights: np.ndarray
    sentence_of: np.ndarray


_EMPTY_KEYS = np.zeros(0, dtype=np.int64)
_EMPTY_WEIGHTS = np.zeros(0, dtype=np.float64)
NO_INFORMATION = Information(_EMPTY_KEYS, _EMPTY_WEIGHTS, 0.0, _EMPTY_KEYS, _EMPTY_WEIGHTS, _EMPTY_KEYS)


def information_of(
    paragraphs: list[list[str]], frequencies: Callable[[np.ndarray], np.ndarray], documents: int
) -> list[Information]:
    """The :class:`Information` of each paragraph, given as its sentences' bodies; ``frequencies(keys)`` gives
    how many of the index's ``documents`` paragraphs have each bigram key. A body is one run of word
    characters: its keys are those :func:`search.index.terms.gram_keys` gives it, found for every sentence
    in one pass (one by one, NumPy's fixed cost per call dominated) and looked up once."""
    sentences = [body for bodies in paragraphs for body in bodies]
    owned, bounds = _keys_by_body(sentences)
    sentence_keys = owned & KEY_MASK
    every = distinct(sentence_keys)
    if not len(every):
        return [NO_INFORMATION for _ in paragraphs]
    found = np.asarray(frequencies(every), dtype=np.float64)
    weight = np.log1p(np.maximum((documents - found + 0.5) / (found + 0.5), 0.0))
    counts = np.array([len(bodies) for bodies in paragraphs], dtype=np.int64)
    first_sentence = np.concatenate(([0], np.cumsum(counts)))
    paragraph_of = np.repeat(np.arange(len(paragraphs), dtype=np.int64), counts)[owned >> KEY_BITS]
    sentence_of = (owned >> KEY_BITS) - first_sentence[paragraph_of]
    sentence_weights = weight[np.searchsorted(every, sentence_keys)]
    keys = distinct((paragraph_of << KEY_BITS) | sentence_keys)
    key_bounds = np.searchsorted(keys >> KEY_BITS, np.arange(len(paragraphs) + 1, dtype=np.int64))
    keys &= KEY_MASK
    weights = weight[np.searchsorted(every, keys)]
    running = np.concatenate(([0.0], np.cumsum(weights)))
    result = []
    for at in range(len(paragraphs)):
        low, high = int(key_bounds[at]), int(key_bounds[at + 1])
        start, end = int(bounds[first_sentence[at]]), int(bounds[first_sentence[at + 1]])
        if high == low:
            result.append(NO_INFORMATION)
            continue
        # Copies, not views (a kept paragraph must not hold the whole chunk's arrays), the weights in 4 bytes.
        result.append(
            Information(
                keys[low:high].copy(),
                weights[low:high].astype(np.float32),
                float(running[high] - running[low]),
                sentence_keys[start:end].copy(),
                sentence_weights[start:end].astype(np.float32),
                sentence_of[start:end].astype(np.int32),
            )
        )
    return result


def _keys_by_body(bodies: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Every body's distinct keys (its bigrams and its last character, as gram keys) tagged with the body's
    number above KEY_BITS, sorted; and where each body's keys start and end."""
    lengths = np.array([len(body) for body in bodies], dtype=np.int64)
    codes = codes_of("".join(bodies))
    owner = np.repeat(np.arange(len(bodies), dtype=np.int64), lengths)
    within = owner[:-1] == owner[1:]
    ends = np.cumsum(lengths)[lengths > 0] - 1
    tagged = np.concatenate(
        (
            (owner[:-1][within] << KEY_BITS) | (codes[:-1][within] << SHIFT) | codes[1:][within],
            (owner[ends] << KEY_BITS) | (codes[ends] << SHIFT),
        )
    )
    owned = distinct(tagged)
    return owned, np.searchsorted(owned >> KEY_BITS, np.arange(len(bodies) + 1, dtype=np.int64))


def edited_copy_score(first: Information, second: Information, documents: int) -> float:
    """The share of the shorter paragraph's text (its sentences' bigrams) in sentences the other holds at least
    SENTENCE_PRESENT of by weight; 0 when what they share is worth less than MIN_RARE_SHARED of the rarest
    bigrams or the index has fewer than MIN_DOCUMENTS paragraphs (see the module's docstring). Only pairs
    :func:`may_be_edited_copy` lets through are scored."""
    shorter, longer = (first, second) if len(first.keys) <= len(second.keys) else (second, first)
    if documents < MIN_DOCUMENTS or not shorter.total:
        return 0.0
    if float(shorter.weights[_held(shorter.keys, longer.keys)].sum()) < MIN_RARE_SHARED * math.log1p(documents):
        return 0.0
    held = _held(shorter.sentence_keys, longer.keys)
    count = int(shorter.sentence_of[-1]) + 1
    weights = np.bincount(shorter.sentence_of, weights=shorter.sentence_weights, minlength=count)
    found = np.bincount(shorter.sentence_of, weights=shorter.sentence_weights * held, minlength=count)
    sizes = np.bincount(shorter.sentence_of, minlength=count)
    return float(sizes[found >= SENTENCE_PRESENT * weights].sum() / sizes.sum())


def _held(keys: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """Which of ``keys`` are in ``sorted_keys`` (a search per key: np.isin sorts both, slower at this size)."""
    at = np.minimum(np.searchsorted(sorted_keys, keys), len(sorted_keys) - 1)
    return sorted_keys[at] == keys


def rare_neighbours(
    bodies: list[str],
    frequencies: Callable[[np.ndarray], np.ndarray],
    postings: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    indexed: bool = True,
    rare_keys: int = RARE_KEYS,
) -> tuple[np.ndarray, np.ndarray]:
    """(body number, document) pairs: the indexed paragraphs that have at least RARE_SHARED of a body's
    ``rare_keys`` rarest bigrams (those in 2 to RARE_MAX_FREQUENCY paragraphs, the body's own included; from 1
    when the bodies are not ``indexed``, as a draft's), for the bodies long enough to share MIN_RARE_SHARED
    bigrams.

    The band keys propose pairs whose 4-character shingles are much alike; a copy edited in every sentence has
    lost too many of them (a Jaccard similarity of 0.3–0.5, which the bands propose one time in two), but keeps
    the words only it and its original have. ``postings(keys)`` gives the documents of each key as (position
    in ``keys``, document) arrays."""
    owned, _ = _keys_by_body([body if len(body) > MIN_RARE_SHARED else "" for body in bodies])
    owner, keys = owned >> KEY_BITS, owned & KEY_MASK
    every = distinct(keys)
    if not len(every):
        return _EMPTY_KEYS, _EMPTY_KEYS
    found = np.asarray(frequencies(every), dtype=np.int64)[np.searchsorted(every, keys)]
    usable = (found >= 1 + indexed) & (found <= RARE_MAX_FREQUENCY)
    owner, keys, found = owner[usable], keys[usable], found[usable]
    order = np.lexsort((keys, found, owner))
    owner, keys = owner[order], keys[order]
    rank = np.arange(len(owner)) - np.searchsorted(owner, owner)
    owner, keys = owner[rank < rare_keys], keys[rank < rare_keys]
    chosen = distinct(keys)
    at, docs = postings(chosen)
    by_key = np.argsort(at, kind="stable")
    docs = docs[by_key].astype(np.int64)
    starts = np.searchsorted(at[by_key], np.arange(len(chosen) + 1))
    which = np.searchsorted(chosen, keys)
    sizes = starts[which + 1] - starts[which]
    spread = np.repeat(starts[which] - np.concatenate(([0], np.cumsum(sizes)[:-1])), sizes)
    others = docs[np.arange(int(sizes.sum())) + spread]
    span = int(docs.max()) + 1 if len(docs) else 1
    pairs, counts = np.unique(np.repeat(owner, sizes) * span + others, return_counts=True)
    pairs = pairs[counts >= RARE_SHARED]
    return pairs // span, pairs % span


def may_be_edited_copy(score: float, first_size: int, second_size: int) -> bool:
    """Whether a pair the shingles scored ``score`` (below the copy threshold), with so many shingles each, is
    worth weighing: its score is not far off, the shorter body is long enough to share MIN_RARE_SHARED bigrams
    (a body has two more bigrams than 4-character shingles), and it has at least MIN_BALANCE of the other's
    shingles, as the copy score's containment asks."""
    shorter, longer = sorted((first_size, second_size))
    return score >= EDITED_FLOOR and shorter + 2 >= MIN_RARE_SHARED and shorter >= MIN_BALANCE * longer


class Weigher:
    """Scores pairs of an index state's documents by :func:`edited_copy_score`, reading the sentences of a
    chunk's documents in one pass (``information_of_docs``) against the state's ``documents`` count, and
    proposes pairs the band keys miss (``rare_pairs(docs)``: documents and their :func:`rare_neighbours`).
    Keeps the last WEIGHED_KEPT documents' information: a cluster's centre meets one loose paragraph after
    another."""

    def __init__(
        self,
        information_of_docs: Callable[[list[int]], list[Information]],
        documents: int,
        rare_pairs: Callable[[list[int]], tuple[np.ndarray, np.ndarray]] | None = None,
    ) -> None:
        self.information_of_docs = information_of_docs
        self.documents = documents
        self.rare_pairs = rare_pairs or (lambda docs: (_EMPTY_KEYS, _EMPTY_KEYS))
        self.kept: dict[int, Information] = {}

    def read(self, docs: list[int]) -> None:
        """Reads the information of those of ``docs`` not kept, in one pass, for scoring pairs among them."""
        missing = sorted(set(docs) - self.kept.keys())
        if len(self.kept) + len(missing) > WEIGHED_KEPT:
            self.kept = {doc: self.kept[doc] for doc in docs if doc in self.kept}
        self.kept.update(zip(missing, self.information_of_docs(missing), strict=True))

    def of(self, doc: int) -> Information:
        if doc not in self.kept:
            self.kept[doc] = self.information_of_docs([doc])[0]
        return self.kept[doc]

    def score(self, first: int, second: int) -> float:
        return edited_copy_score(self.of(first), self.of(second), self.documents)
