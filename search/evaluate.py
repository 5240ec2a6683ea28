"""Evaluate a parsed query over the per-segment arrays: which paragraphs match, and their scores.

Every node yields a boolean mask and a score array over all documents, so AND,
OR and NOT are array operations and facet counts, totals and top-k come from
the same arrays.

Scoring (BM25F-like):

* a word the query text segments to: BM25 over the word postings (tf, length), × WORD_BOOST;
* any match of the text as a string (the bigram field): its IDF × GRAM_BOOST, so text
  the segmenter cut differently is found and ranks below word matches;
* a match in the heading path: its IDF × HEADING_BOOST — a heading match counts extra;
* unquoted text of several words also matches its words apart, × SPLIT_WORDS_BOOST.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from .analyze import expand_synonyms, fold, word_tokens, words
from .fastindex import Segment
from .query import AllOf, AnyOf, FieldIs, Node, Text

WORD_BOOST = 3.0
GRAM_BOOST = 1.0
HEADING_BOOST = 3.0
SPLIT_WORDS_BOOST = 0.5
K1, B = 1.2, 0.75
SIMILAR_TERMS = 25


@dataclass
class Result:
    mask: np.ndarray
    score: np.ndarray


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
        self.documents = max(1, int(live.sum()))
        self._norm = K1 * (1 - B + B * lengths / max(self.average_length, 1e-6))

    def run(self, node: Node | None) -> Result:
        if node is None:
            return Result(self.live.copy(), np.zeros(self.total, dtype=np.float32))
        result = self._node(node)
        result.mask &= self.live
        return result

    def _node(self, node: Node) -> Result:
        if isinstance(node, Text):
            return self._text(node.text, node.exact)
        if isinstance(node, AnyOf):
            results = [self._node(option) for option in node.options]
            mask = np.logical_or.reduce([r.mask for r in results])
            return Result(mask, np.sum([r.score for r in results], axis=0) * mask)
        if isinstance(node, AllOf):
            mask = self.live.copy()
            score = np.zeros(self.total, dtype=np.float32)
            for child in node.include:
                result = self._node(child)
                mask &= result.mask
                score += result.score
            for child in node.exclude:
                mask &= ~self._node(child).mask
            return Result(mask, score * mask)
        if isinstance(node, FieldIs):
            return Result(self.facets.mask(node.name, [node.value]), np.zeros(self.total, dtype=np.float32))
        raise TypeError(f"unknown query node {node!r}")

    def _text(self, text: str, exact: bool) -> Result:
        variants = expand_synonyms(fold(text))
        results = [self._one_form(variants[0], exact)] + [self._one_form(v, True) for v in variants[1:]]
        if len(results) == 1:
            return results[0]
        mask = np.logical_or.reduce([r.mask for r in results])
        return Result(mask, np.maximum.reduce([r.score for r in results]))

    def _one_form(self, text: str, exact: bool) -> Result:
        tokens = words(text)
        word_score = np.zeros(self.total, dtype=np.float32)
        word_mask = np.zeros(self.total, dtype=bool)
        for token in tokens:
            docs, tfs = self._postings(token)
            if len(tokens) == 1:
                word_mask[docs] = True
            word_score[docs] += self._bm25(docs, tfs) / len(tokens)
        string_mask = np.zeros(self.total, dtype=bool)
        heading_mask = np.zeros(self.total, dtype=bool)
        for segment, offset in self.segments:
            known = np.flatnonzero(word_mask[offset : offset + segment.count]) if len(tokens) == 1 else None
            string_mask[offset + segment.containing(text, known)] = True
            heading_mask[offset + segment.heading_containing(text)] = True
        string_mask &= self.live
        heading_mask &= self.live
        score = np.where(string_mask, word_score * WORD_BOOST + self._idf(int(string_mask.sum())) * GRAM_BOOST, 0)
        score = score + heading_mask * self._idf(int(heading_mask.sum())) * HEADING_BOOST
        mask = string_mask | heading_mask
        if not exact and len(tokens) > 1:
            split = [self._one_form(token, True) for token in tokens]
            split_mask = np.logical_and.reduce([r.mask for r in split])
            mask |= split_mask
            score = score + np.sum([r.score for r in split], axis=0) * split_mask * SPLIT_WORDS_BOOST
        return Result(mask, (score * mask).astype(np.float32))

    def _postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        docs, tfs = [], []
        for segment, offset in self.segments:
            local_docs, local_tfs = segment.word(word)
            if len(local_docs):
                docs.append(local_docs.astype(np.int64) + offset)
                tfs.append(local_tfs)
        if not docs:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        return np.concatenate(docs), np.concatenate(tfs).astype(np.float32)

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
            docs, tfs = self._postings(word)
            if len(docs):
                weighted.append((tf * self._idf(len(docs)), word, docs, tfs))
        weighted.sort(key=lambda item: (-item[0], item[1]))
        score = np.zeros(self.total, dtype=np.float32)
        for weight, _, docs, tfs in weighted[:SIMILAR_TERMS]:
            score[docs] += self._bm25(docs, tfs) * min(weight, 10.0)
        score[~self.live | exclude] = 0
        score[docnum] = 0
        candidates = np.flatnonzero(score > 0)
        if not len(candidates):
            return []
        top = candidates[np.lexsort((candidates, -score[candidates]))][:limit]
        return [(int(d), float(score[d])) for d in top]
