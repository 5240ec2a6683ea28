"""Evaluate a parsed query over the per-segment arrays: which paragraphs match, how well, and their scores.

Every node yields boolean masks and a score array over all documents, so AND,
OR and NOT are array operations and facet counts, totals and top-k come from
the same arrays.

Unquoted text is read as thesaurus concepts (:mod:`search.query.thesaurus`). A node's
result has three levels of match, which the searcher turns into ranking tiers:

* ``mask`` — every concept present, as typed or as an equivalent (the strict
  matches: totals and facet counts are theirs);
* ``cover`` — the fraction of the concepts present (partial matches);
* ``near`` — every concept present when related terms count too.

Scoring:

* a word the query text segments to: BM25 over the word postings (tf, length), × WORD_BOOST;
* any match of the text as a string (the bigram field): its IDF × GRAM_BOOST, so text
  the segmenter cut differently is found and ranks below word matches;
* a match in the heading path: its IDF × HEADING_BOOST — a heading match counts extra;
* an equivalent counts × EQUIVALENT_WEIGHT, a related term (BM25 on its word postings) × RELATED_WEIGHT;
* unquoted text of several concepts also matches them apart, × SPLIT_WORDS_BOOST.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass

import numpy as np

from search.index.analyze import fold, word_tokens, words
from search.index.fastindex import Segment
from search.query.parse import AllOf, AnyOf, FieldIs, InHeading, Node, Text
from search.query.rank import top_scoring
from search.query.thesaurus import Concept, load_thesaurus

WORD_BOOST = 3.0
GRAM_BOOST = 1.0
HEADING_BOOST = 3.0
SPLIT_WORDS_BOOST = 0.5
EQUIVALENT_WEIGHT = 0.8
RELATED_WEIGHT = 0.3
RELATED_COORDINATION = 0.5
K1, B = 1.2, 0.75
SIMILAR_TERMS = 25


@dataclass
class Result:
    mask: np.ndarray
    score: np.ndarray
    cover: np.ndarray | None = None
    near: np.ndarray | None = None

    def covered(self) -> np.ndarray:
        """Fraction of the node's concepts present in each document."""
        return self.mask.astype(np.float32) if self.cover is None else self.cover

    def nearly(self) -> np.ndarray:
        """Documents that match when related terms count."""
        return self.mask if self.near is None else self.near


class Evaluator:
    """Query evaluation over the segments of one index state."""

    def __init__(self, segments: list[tuple[Segment, int]], total: int, live: np.ndarray, facets) -> None:
        self.segments = segments
        self.total = total
        self.live = live
        self.facets = facets
        lengths = np.zeros(total, dtype=np.float32)
        for segment, offset in segments:
            lengths[offset : offset + segment.count] = segment.lengths
        self.lengths = lengths
        live_lengths = lengths[live]
        self.average_length = float(live_lengths.mean()) if len(live_lengths) else 1.0
        self.documents = max(1, int(np.count_nonzero(live)))
        self._norm = K1 * (1 - B + B * lengths / max(self.average_length, 1e-6))

    def text(self, docnum: int) -> str:
        """The folded text of a document."""
        starts = [offset for _, offset in self.segments]
        segment, offset = self.segments[bisect_right(starts, docnum) - 1]
        return segment.text(docnum - offset)

    def run(self, node: Node | None, expand: bool = True) -> Result:
        """Evaluate ``node``; with ``expand``, thesaurus equivalents and related terms take part."""
        if node is None:
            return Result(self.live.copy(), np.zeros(self.total, dtype=np.float32))
        result = self._node(node, expand)
        result.mask &= self.live
        if result.cover is not None:
            result.cover = result.cover * self.live
        if result.near is not None:
            result.near = result.near & self.live
        return result

    def _node(self, node: Node, expand: bool) -> Result:
        if isinstance(node, Text):
            return self._one_form(node.text, exact=True) if node.exact else self._concepts(node.text, expand)
        if isinstance(node, AnyOf):
            results = [self._node(option, expand) for option in node.options]
            mask = np.logical_or.reduce([r.mask for r in results])
            near = np.logical_or.reduce([r.nearly() for r in results])
            cover = np.maximum.reduce([r.covered() for r in results])
            return Result(mask, np.sum([r.score for r in results], axis=0) * (near | (cover > 0)), cover, near)
        if isinstance(node, AllOf):
            mask = self.live.copy()
            near = self.live.copy()
            cover = np.zeros(self.total, dtype=np.float32)
            score = np.zeros(self.total, dtype=np.float32)
            children = [self._node(child, expand) for child in node.include]
            for result in children:
                mask &= result.mask
                near &= result.nearly()
                cover += result.covered()
                score += result.score
            if children:
                cover /= len(children)
                score *= _coordination(children)
            else:
                cover[:] = 1.0
            for child in node.exclude:
                excluded = ~self._node(child, False).mask
                mask &= excluded
                near &= excluded
                cover *= excluded
            return Result(mask, score * (near | (cover > 0)), cover, near)
        if isinstance(node, FieldIs):
            return Result(self.facets.mask(node.name, [node.value]), np.zeros(self.total, dtype=np.float32))
        if isinstance(node, InHeading):
            return self._heading(node.text)
        raise TypeError(f"unknown query node {node!r}")

    def _concepts(self, text: str, expand: bool) -> Result:
        """Unquoted text: its concepts all present (strict), some present (cover), or present with related terms."""
        concepts = load_thesaurus().concepts(text, expand)
        if not concepts:
            return self._one_form(text, exact=True)
        if len(concepts) == 1 and not concepts[0].expanded:
            return self._one_form(concepts[0].text, exact=False)
        parts = [self._concept(concept) for concept in concepts]
        if len(parts) == 1:
            return parts[0]
        whole = self._one_form(text, exact=True)
        apart = np.logical_and.reduce([r.mask for r in parts])
        mask = whole.mask | apart
        near = mask | np.logical_and.reduce([r.nearly() for r in parts])
        cover = np.maximum(np.mean([r.covered() for r in parts], axis=0), mask.astype(np.float32))
        score = whole.score + np.sum([r.score for r in parts], axis=0) * SPLIT_WORDS_BOOST * _coordination(parts)
        return Result(mask, (score * (near | (cover > 0))).astype(np.float32), cover.astype(np.float32), near)

    def _concept(self, concept: Concept) -> Result:
        """One concept: as typed, or any equivalent, or (a word naming a report part) that part (strict);
        or any related term (near)."""
        typed = self._one_form(concept.text, exact=True)
        mask, score = typed.mask.copy(), typed.score.copy()
        for term in concept.equivalents:
            # As a string, like what was typed: a term of several words (化解矛盾纠纷) is never one token,
            # so its word postings would miss most of its occurrences.
            other = self._one_form(term, exact=True)
            mask |= other.mask
            np.maximum(score, other.score * EQUIVALENT_WEIGHT, out=score)
        if concept.part:
            in_part = self.facets.mask("part", [concept.part]) & self.live
            mask |= in_part
            score += in_part * self._idf(int(np.count_nonzero(in_part))) * GRAM_BOOST
        if not concept.related:
            return Result(mask, score)
        related_score = np.zeros(self.total, dtype=np.float32)
        for term in concept.related:
            docs, tfs = self.postings(term)
            if len(docs):  # a word's documents are distinct: no need for the slow unbuffered np.maximum.at
                related_score[docs] = np.maximum(related_score[docs], self._bm25(docs, tfs) * WORD_BOOST)
        near = mask | (related_score > 0)
        return Result(mask, score + related_score * RELATED_WEIGHT, None, near)

    def _heading(self, text: str) -> Result:
        """Paragraphs whose heading path contains ``text``, scored by its IDF."""
        mask = np.zeros(self.total, dtype=bool)
        folded = fold(text)
        for segment, offset in self.segments:
            mask[offset + segment.heading_containing(folded)] = True
        mask &= self.live
        return Result(mask, (mask * self._idf(int(np.count_nonzero(mask))) * HEADING_BOOST).astype(np.float32))

    def document_frequency(self, word: str) -> int:
        """Paragraphs with ``word`` as an indexed word, replaced ones included: a cheap estimate for
        suggestions, where postings() filters to live paragraphs for scoring."""
        return sum(len(segment.word(word)[0]) for segment, _ in self.segments)

    def _one_form(self, text: str, exact: bool) -> Result:
        tokens = words(text)
        word_score = np.zeros(self.total, dtype=np.float32)
        word_docs = None
        for token in tokens:
            docs, tfs = self.postings(token)
            if len(tokens) == 1:
                word_docs = docs  # documents known to contain the text: no need to verify them
            word_score[docs] += self._bm25(docs, tfs) / len(tokens)
        string_mask = np.zeros(self.total, dtype=bool)
        heading_mask = np.zeros(self.total, dtype=bool)
        for segment, offset in self.segments:
            known = None
            if word_docs is not None:
                inside = (word_docs >= offset) & (word_docs < offset + segment.count)
                known = word_docs[inside] - offset
            string_mask[offset + segment.containing(text, known)] = True
            heading_mask[offset + segment.heading_containing(text)] = True
        string_mask &= self.live
        heading_mask &= self.live
        score = np.where(
            string_mask, word_score * WORD_BOOST + self._idf(int(np.count_nonzero(string_mask))) * GRAM_BOOST, 0
        )
        headings = int(np.count_nonzero(heading_mask))
        if headings:
            score = score + heading_mask * self._idf(headings) * HEADING_BOOST
        mask = string_mask | heading_mask
        if not exact and len(tokens) > 1:
            split = [self._one_form(token, True) for token in tokens]
            split_mask = np.logical_and.reduce([r.mask for r in split])
            mask |= split_mask
            score = score + np.sum([r.score for r in split], axis=0) * split_mask * SPLIT_WORDS_BOOST
        # score is zero wherever mask is False: every term above is masked by a part of mask.
        return Result(mask, score.astype(np.float32, copy=False))

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents, term frequencies) of a word among live paragraphs: a paragraph a reindex replaced
        stays in its old segment's postings until a merge, and must not count in document frequencies."""
        docs, tfs = [], []
        for segment, offset in self.segments:
            local_docs, local_tfs = segment.word(word)
            if len(local_docs):
                docs.append(local_docs.astype(np.int64) + offset)
                tfs.append(local_tfs)
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        docs, tfs = np.concatenate(docs), np.concatenate(tfs).astype(np.float32)
        live = self.live[docs]
        return (docs, tfs) if live.all() else (docs[live], tfs[live])

    def _idf(self, document_frequency: int) -> float:
        return math.log(1 + (self.documents - document_frequency + 0.5) / (document_frequency + 0.5))

    def _bm25(self, docs: np.ndarray, tfs: np.ndarray) -> np.ndarray:
        idf = self._idf(len(docs))
        return idf * tfs * (K1 + 1) / (tfs + self._norm[docs])

    def similar(self, docnum: int, text: str, exclude: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """Documents closest to ``text`` by its most distinctive words, except those in ``exclude``."""
        counts = Counter(word for word, *_ in word_tokens(fold(text), subwords=False) if len(word) > 1)
        weighted = []
        for word, tf in counts.items():
            docs, tfs = self.postings(word)
            if len(docs):
                weighted.append((tf * self._idf(len(docs)), word, docs, tfs))
        weighted.sort(key=lambda item: (-item[0], item[1]))
        score = np.zeros(self.total, dtype=np.float32)
        for weight, _, docs, tfs in weighted[:SIMILAR_TERMS]:
            score[docs] += self._bm25(docs, tfs) * min(weight, 10.0)
        candidates = np.flatnonzero((score > 0) & self.live & ~exclude)
        candidates = candidates[candidates != docnum]
        if not len(candidates):
            return []
        top = top_scoring(candidates, score, limit)
        return [(int(d), float(score[d])) for d in top]


def _coordination(parts: list[Result]) -> np.ndarray:
    """How fully each document answers the parts of a query: a part present counts 1, a part present only
    through a related term ½ (a strict match scores ×1; a partial match with related evidence for what it
    lacks ranks above one without)."""
    present = [np.maximum(r.mask.astype(np.float32), RELATED_COORDINATION * r.nearly()) for r in parts]
    return np.mean(present, axis=0).astype(np.float32)
