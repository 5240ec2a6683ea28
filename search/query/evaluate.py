"""Evaluate a parsed query over the per-segment arrays: which paragraphs match, how well, and their scores.

Every node yields the documents it matches (ascending document numbers) with
aligned flags and scores, so the work of a query follows its matches rather than
the size of the index: AND, OR and NOT align their children's documents (a
union) and combine the aligned arrays; facet counts, totals and top-k gather by
those document numbers.

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
* the words of a concept that has equivalents, found apart in any order, × OWN_WORDS_WEIGHT;
* unquoted text of several concepts also matches them apart, × SPLIT_WORDS_BOOST.

Selections by a boolean mask go through :func:`search.index.docsets.select`: NumPy's boolean indexing
costs about four times as much as ``np.compress`` when the mask is mixed, and here they often are.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter

import numpy as np

from search.index import docsets
from search.index.analyze import fold, parts_of, word_tokens, words
from search.index.commonest import keep_commonest_characters
from search.index.docsets import by_table, intersection, locate, locate_all, members, merged, select, union
from search.index.segment_reader import Segment
from search.index.terms import word_key
from search.ingest.classify import load_part_rules
from search.query.helper_thread import Overlapped
from search.query.node_result import Result, combined, coordination, cover_of
from search.query.parse import AllOf, AnyOf, FieldIs, InHeading, Node, Text
from search.query.places import PlaceWords
from search.query.query_words import QueryWords
from search.query.rank import top_scoring
from search.query.thesaurus import Concept

WORD_BOOST = 3.0
GRAM_BOOST = 1.0
HEADING_BOOST = 3.0
PART_BOOST = WORD_BOOST + GRAM_BOOST  # a paragraph of the part a word names has that word as if typed
SPLIT_WORDS_BOOST = 0.5
OWN_WORDS_WEIGHT = 0.3
OWN_WORDS_SHARE = 0.15
EQUIVALENT_WEIGHT = 0.8
RELATED_WEIGHT = 0.3
K1, B = 1.2, 0.75
SIMILAR_TERMS = 25


class Evaluator:
    """Query evaluation over the segments of one index state.

    Work follows the matches, not the size of the index: a node's result holds only the documents it
    matches, so a query for a rare word reads its few postings and nothing else. Only arrays that a
    search needs per document (lengths for BM25) span the index, and they are gathered, not scanned."""

    def __init__(self, segments: list[tuple[Segment, int]], total: int, live: np.ndarray, facets) -> None:
        self.segments = segments
        self.total = total
        self.live = live
        self.facets = facets
        lengths = np.zeros(total, dtype=np.float32)
        for segment, offset in segments:
            lengths[offset : offset + segment.count] = segment.lengths
        live_lengths = lengths[live]
        self.average_length = float(live_lengths.mean()) if len(live_lengths) else 1.0
        self.documents = max(1, int(np.count_nonzero(live)))
        self.all_live = bool(live.all())
        # A reindex leaves replaced paragraphs only in the segments that held them: the others need no filtering.
        self._segment_live = [
            _nothing_to_hide(segment, live[offset : offset + segment.count]) for segment, offset in segments
        ]
        self._dead_spans = [
            (offset, offset + segment.count)
            for (segment, offset), whole in zip(segments, self._segment_live, strict=True)
            if not whole
        ]
        self._live_docs: np.ndarray | None = None
        self._named_docs: dict[str, np.ndarray] = {}
        self.places = PlaceWords(facets)
        self.words = QueryWords(self._live_frequency, self._anywhere, self.documents, self.places)
        self._norm = K1 * (1 - B + B * lengths / max(self.average_length, 1e-6))

    @property
    def live_docs(self) -> np.ndarray:
        """Every live document, ascending (what a query without words starts from)."""
        if self._live_docs is None:
            self._live_docs = np.flatnonzero(self.live)
        return self._live_docs

    def keep_commonest_characters(self) -> None:
        """Each segment's commonest characters' documents kept now (see :mod:`search.index.commonest`)."""
        for segment, _ in self.segments:
            keep_commonest_characters(segment)

    def text(self, docnum: int) -> str:
        """The folded text of a document."""
        segment, local = self._segment_of(docnum)
        return segment.text(local)

    def texts(self, docnums: list[int]) -> list[str]:
        """:meth:`text` of many documents, decoded a segment at a time."""
        found: dict[int, str] = {}
        by_segment: dict[int, list[int]] = {}
        starts = [offset for _, offset in self.segments]
        for docnum in docnums:
            by_segment.setdefault(bisect_right(starts, docnum) - 1, []).append(docnum)
        for number, docs in by_segment.items():
            segment, offset = self.segments[number]
            found.update(zip(docs, segment.texts_of([d - offset for d in docs]), strict=True))
        return [found[d] for d in docnums]

    def section(self, docnum: int) -> tuple[str, ...]:
        segment, local = self._segment_of(docnum)
        return segment.section_of(local)

    def written(self, docnum: int) -> str | None:
        """The text of a document as written (None where Whoosh's stored fields hold it: an older segment)."""
        segment, local = self._segment_of(docnum)
        return segment.written(local)

    def _segment_of(self, docnum: int) -> tuple[Segment, int]:
        starts = [offset for _, offset in self.segments]
        segment, offset = self.segments[bisect_right(starts, docnum) - 1]
        return segment, docnum - offset

    def run(self, node: Node | None, expand: bool = True) -> Result:
        """Evaluate ``node``; with ``expand``, thesaurus equivalents and related terms take part."""
        if node is None:
            return Result.of(self.live_docs)
        return self._node(node, expand)  # every leaf yields live documents only

    def _node(self, node: Node, expand: bool) -> Result:
        if isinstance(node, Text):
            return self._one_form(node.text, exact=True) if node.exact else self._concepts(node.text, expand)
        if isinstance(node, AnyOf):
            return self._any_of([self._node(option, expand) for option in node.options])
        if isinstance(node, AllOf):
            return self._all_of(node, expand)
        if isinstance(node, FieldIs):
            return Result.of(np.flatnonzero(self.facets.mask(node.name, [node.value]) & self.live))
        if isinstance(node, InHeading):
            return self._heading(node.text)
        raise TypeError(f"unknown query node {node!r}")

    def _any_of(self, results: list[Result]) -> Result:
        docs, results = self._aligned(results)
        mask = combined(np.logical_or, [r.mask for r in results])
        near = combined(np.logical_or, [r.nearly() for r in results])
        cover = combined(np.maximum, [r.covered() for r in results])
        return Result(docs, mask, combined(np.add, [r.score for r in results]) * (near | (cover > 0)), cover, near)

    def _all_of(self, node: AllOf, expand: bool) -> Result:
        node = self._places_either(node) if expand else node
        roles = self._roles(node.include) if expand else [True] * len(node.include)
        included = [
            (child, required) for child, required in zip(node.include, roles, strict=True) if required is not None
        ]
        children = [self._node(child, expand) for child, _ in included]
        if children:
            docs, children = self._aligned(children)
            required = [r for r, (_, needed) in zip(children, included, strict=True) if needed]
            mask = combined(np.logical_and, [r.mask for r in required])
            near = combined(np.logical_and, [r.nearly() for r in required])
            cover = cover_of(children, required)
            score = combined(np.add, [r.score for r in children]) * coordination(required)
        else:
            docs = self.live_docs
            mask, near = np.ones(len(docs), dtype=bool), np.ones(len(docs), dtype=bool)
            cover, score = np.ones(len(docs), dtype=np.float32), np.zeros(len(docs), dtype=np.float32)
        for child in node.exclude:
            kept = ~members(docs, self._excluded(child), self.total)
            mask &= kept
            near &= kept
            cover *= kept
        result = Result(docs, mask, score * (near | (cover > 0)), cover, near)
        return result.compact() if node.exclude else result

    def _excluded(self, child: Node) -> np.ndarray:
        """What an excluded node leaves out: its paragraphs as typed and, for a word naming a place of the index
        (-重庆, 除了城口县以外的…), that place's reports, as the word alone finds them."""
        gone = self._node(child, False).strict
        place = self.places.named(child.text) if isinstance(child, Text) and not child.exact else ()
        return union([gone, self._named(Concept(child.text, place=place))], self.total) if place else gone

    def _places_either(self, node: AllOf) -> AllOf:
        """城口县 巫溪县 人民调解 typed with spaces: places of one kind, which no report is from both of, are either's,
        as typed together (北屏乡和花台乡: :func:`search.query.query_words._places_either`)."""
        kinds: dict[str, list[int]] = {}
        for at, child in enumerate(node.include):
            found = self.words.concepts_of(child.text, True) if isinstance(child, Text) and not child.exact else ()
            found = [concept for concept in found if not concept.filler]  # 2021年: its 年 asks nothing
            if len(found) == 1 and found[0].place_kind:
                kinds.setdefault(found[0].place_kind, []).append(at)
        groups = [ats for ats in kinds.values() if len(ats) > 1]
        if not groups:
            return node
        grouped = {at for ats in groups for at in ats}
        include = [child for at, child in enumerate(node.include) if at not in grouped]
        return AllOf(include + [AnyOf([node.include[at] for at in ats]) for ats in groups], node.exclude)

    def _roles(self, include: list[Node]) -> list[bool | None]:
        """For each part of an AND typed with spaces: required (True), only scored (False) or left out (None),
        weighing the concepts of its unquoted words together (法治建设 存在 哪些 问题 as 法治建设存在哪些问题)."""
        texts = [child.text if isinstance(child, Text) and not child.exact else None for child in include]
        concepts = {i: self.words.concepts_of(text, True) for i, text in enumerate(texts) if text is not None}
        flat = [concept for found in concepts.values() for concept in found]
        if flat and all(concept.filler for concept in flat) and len(concepts) < len(include):
            # “法律顾问”怎么做, 关于“法律顾问”: the quoted phrase asks, the words around it ask nothing
            return [None if i in concepts else True for i in range(len(include))]
        if not flat or all(concept.filler for concept in flat):
            return [True] * len(include)
        weighed = {concept.text: concept for concept in self.words.weighed(flat)}
        roles: list[bool | None] = []
        for i in range(len(include)):
            if i not in concepts:
                roles.append(True)
                continue
            kept = [weighed[c.text] for c in concepts[i] if c.text in weighed]
            roles.append(None if not kept else any(c.required for c in kept))
        return roles

    def _concepts(self, text: str, expand: bool) -> Result:
        """Unquoted text: its required concepts all present (strict), some present (cover), or present with
        related terms; the concepts most paragraphs have add to the score only, and fillers do nothing."""
        concepts = self.words.concepts_of(text, expand)
        if not concepts:
            return self._one_form(text, exact=True)
        concepts = self.words.weighed(concepts)
        if len(concepts) == 1 and not (concepts[0].expanded or concepts[0].place):
            return self._one_form(concepts[0].text, exact=False)
        if len(concepts) == 1:
            term_words = self.words.words_of_term(concepts[0]) if expand else []
            return self._term_or_its_words(concepts[0], term_words) if term_words else self._concept(concepts[0])
        parts = [self._concept(concept) for concept in concepts]
        whole = self._one_form(text, exact=True)
        docs, (whole, *parts) = self._aligned([whole, *parts])
        required = [part for part, concept in zip(parts, concepts, strict=True) if concept.required]
        weights = _unit_weights([concept for concept in concepts if concept.required])
        apart = combined(np.logical_and, [r.mask for r in required])
        mask = whole.mask | apart
        near = mask | combined(np.logical_and, [r.nearly() for r in required])
        cover = np.maximum(cover_of(parts, required, weights), mask.astype(np.float32))
        coordinated = coordination(required, weights)
        score = whole.score + _weighed_sum(parts, _unit_weights(concepts)) * SPLIT_WORDS_BOOST * coordinated
        return Result(docs, mask, (score * (near | (cover > 0))).astype(np.float32), cover.astype(np.float32), near)

    def _term_or_its_words(self, term: Concept, pieces: list[Concept]) -> Result:
        """A thesaurus term of several words typed as one (规范性文件备案): the term (as typed, an equivalent, its
        related terms near), or its required words all present apart, as typed with spaces (规范性文件…备案).
        Where the term is, its own scores; elsewhere its words' are added, as for a text of several words."""
        docs, (whole, *parts) = self._aligned([self._concept(term), *[self._concept(piece) for piece in pieces]])
        required = [part.mask for part, piece in zip(parts, pieces, strict=True) if piece.required]
        apart = combined(np.logical_and, required)
        words_score = _weighed_sum(parts, _unit_weights(pieces)) * np.float32(SPLIT_WORDS_BOOST)
        score = (whole.score + words_score * (apart & ~whole.mask)).astype(np.float32)
        near = whole.nearly() | apart
        return Result(docs, whole.mask | apart, score, None, near).keeping(near)

    def _concept(self, concept: Concept) -> Result:
        """One concept: as typed, or any equivalent, or (a word naming a report part) that part (strict; a
        part set apart by its topic, only near); or any related term (near)."""
        related = [self.postings(term) for term in concept.related]
        many = by_table(sum(len(docs) for docs, _ in related), self.total)
        # Scored on the other core while the forms are searched (:mod:`search.query.helper_thread`).
        pending = Overlapped(self._best_table, related) if many else None
        # Equivalents are searched as strings, like what was typed: a term of several words (化解矛盾纠纷) is
        # never one token, so its word postings would miss most of its occurrences.
        forms = [self._one_form(term, exact=True) for term in (concept.text, *concept.equivalents)]
        in_part = self._named(concept)
        strict = [form.docs for form in forms] + ([in_part] if in_part is not None else [])
        table = pending.result() if pending is not None else None
        if table is None:
            docs = union(strict + [docs for docs, _ in related], self.total)
        else:
            docs = docsets.union_with(table > 0, strict)  # a related term's documents are where its score is
        # Each form's flags and scores go straight to where its documents are, rather than first spread over
        # every document of the concept (that spreading was a tenth of an expanded query's time).
        mask, score = np.zeros(len(docs), dtype=bool), np.zeros(len(docs), dtype=np.float32)
        where = locate_all(docs, [form.docs for form in forms], self.total)
        weights = [1.0] + [EQUIVALENT_WEIGHT] * (len(forms) - 1)  # as typed counts fully, each equivalent less
        for weight, form, at in zip(weights, forms, where, strict=True):
            mask[at] |= form.mask
            score[at] = np.maximum(score[at], form.score * weight)
        in_topic_part = np.zeros(len(docs), dtype=bool)
        if in_part is not None:
            part_member = members(docs, in_part, self.total)
            if concept.part in load_part_rules().topic_parts:
                in_topic_part = part_member  # present, and ranked first, only where it is written (述法)
                part_member = part_member & mask
            else:
                mask |= part_member
            score += part_member * np.float32(self._idf(len(in_part)) * PART_BOOST)
        if concept.equivalents:
            score += self._own_words(docs, concept.text) * np.float32(OWN_WORDS_WEIGHT)
        if not concept.related and not in_topic_part.any():
            return Result(docs, mask, score)
        related_score = table[docs] if table is not None else self._best_of(docs, related)
        near = mask | (related_score > 0) | in_topic_part
        return Result(docs, mask, score + related_score * RELATED_WEIGHT, None, near)

    def _own_words(self, docs: np.ndarray, text: str) -> np.ndarray:
        """For each of ``docs``, the mean BM25 × WORD_BOOST of the words of a concept's typed ``text`` (or,
        one word, of the dictionary words it is made of: 执法 and 队伍 in 执法队伍), present in any order. Of two
        paragraphs that match through an equivalent (执法人员 for 执法队伍), the one that also uses the user's
        own words (…法治队伍建设…) is the closer. Words in more than OWN_WORDS_SHARE of the paragraphs (宣传 of
        普法宣传, 法律 of 法律顾问) are left out: they tell little and their postings cost a tenth of the search."""
        tokens = words(text)
        if len(tokens) < 2:
            tokens = parts_of(text)
        score = np.zeros(len(docs), dtype=np.float32)
        if len(tokens) < 2:
            return score
        limit = OWN_WORDS_SHARE * self.documents
        for token, frequency in zip(tokens, self.document_frequencies(tokens), strict=True):
            if frequency > limit:
                continue
            token_docs, tfs = self.postings(token)
            at = locate(docs, token_docs, self.total, among=False)
            found = at >= 0
            token_docs, tfs, at = select(token_docs, found), select(tfs, found), select(at, found)
            score[at] += self._bm25(token_docs, tfs, len(found)) * np.float32(WORD_BOOST / len(tokens))
        return score

    def _best_table(self, terms: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """The best BM25 × WORD_BOOST among ``terms`` (their postings) of every document, zero where none
        is. Related terms are often common words: once their postings are many, the maxima are kept in an
        array over every document rather than located term by term; it also tells where their documents are."""
        best = np.zeros(self.total, dtype=np.float32)
        for term_docs, tfs in terms:
            # A word's documents are distinct: no need for the slow unbuffered np.maximum.at.
            best[term_docs] = np.maximum(best[term_docs], self._bm25(term_docs, tfs) * WORD_BOOST)
        return best

    def _best_of(self, docs: np.ndarray, terms: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """For each of ``docs`` (a superset of the terms' documents), the best BM25 × WORD_BOOST among
        ``terms`` (their postings), located term by term (they are few: see :meth:`_best_table`)."""
        best = np.zeros(len(docs), dtype=np.float32)
        where = locate_all(docs, [term_docs for term_docs, _ in terms], self.total)
        for (term_docs, tfs), at in zip(terms, where, strict=True):
            if len(term_docs):
                best[at] = np.maximum(best[at], self._bm25(term_docs, tfs) * WORD_BOOST)
        return best

    def _aligned(self, results: list[Result], extra: list[np.ndarray] = ()) -> tuple[np.ndarray, list[Result]]:
        """The union of the documents of ``results`` and ``extra`` (document arrays), and ``results`` over it."""
        docs = union([r.docs for r in results] + list(extra), self.total)
        where = locate_all(docs, [r.docs for r in results], self.total)
        return docs, [r.on(docs, at) for r, at in zip(results, where, strict=True)]

    def _named(self, concept: Concept) -> np.ndarray | None:
        """The live documents of the report part a concept names (不足; and the plans, when the query asks what to
        do about it), or of reports from the places it names, ascending (kept: a part holds a fifth of the
        index); None for neither."""
        if not (concept.part or concept.place):
            return None
        if (key := "".join(concept.parts) or concept.text) in self._named_docs:
            return self._named_docs[key]
        pairs = [("part", part) for part in concept.parts] if concept.part else concept.place
        mask = np.logical_or.reduce([self.facets.mask(facet, [value]) for facet, value in pairs])
        named = np.flatnonzero(mask & self.live)
        if concept.part:  # places are not kept: a server asked for many would hold each one's documents
            self._named_docs[key] = named
        return named

    def _heading(self, text: str) -> Result:
        """Paragraphs whose heading path contains ``text``, scored by its IDF."""
        docs = self._live(self._in_segments(lambda segment, _: segment.heading_containing(fold(text))))
        return Result.of(docs, np.full(len(docs), self._idf(len(docs)) * HEADING_BOOST, dtype=np.float32))

    def _in_segments(self, find) -> np.ndarray:
        """Document numbers of what ``find(segment, offset)`` returns (local numbers, ascending) in every
        segment, ascending."""
        found = [find(segment, offset).astype(np.int64) + offset for segment, offset in self.segments]
        found = [docs for docs in found if len(docs)]
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def _live(self, docs: np.ndarray) -> np.ndarray:
        """The live ones of ascending ``docs``: only those in segments with replaced paragraphs are looked up."""
        if self.all_live or not len(docs):
            return docs
        pieces, start = [], 0
        for low, high in self._dead_spans:
            begin, end = np.searchsorted(docs, [low, high])
            if begin == end:
                continue
            pieces += [docs[start:begin], docs[begin:end][self.live[docs[begin:end]]]]
            start = end
        return docs if not pieces else np.concatenate([*pieces, docs[start:]])

    def document_frequency(self, word: str) -> int:
        """Paragraphs with ``word`` as an indexed word, replaced ones included: a cheap estimate for
        suggestions, where postings() filters to live paragraphs for scoring."""
        return int(self.document_frequencies([word])[0])

    def document_frequencies(self, words: list[str]) -> np.ndarray:
        """:meth:`document_frequency` of many words, one lookup per segment for all of them."""
        keys = np.array([word_key(word) for word in words], dtype=np.int64)
        counts = np.zeros(len(keys), dtype=np.int64)
        for segment, _ in self.segments:
            counts += segment.words.frequencies(keys)
        return counts

    def _one_form(self, text: str, exact: bool) -> Result:
        tokens = words(text)
        docs, score = self._form_scores(text, tokens)
        result = Result.of(docs, score)
        if exact or len(tokens) < 2:
            return result
        split = [self._one_form(token, True) for token in tokens]
        together = intersection([r.docs for r in split], self.total)
        docs, (result,) = self._aligned([result], [together])
        at = locate(docs, together, self.total)
        result.mask[at] = True
        for part in split:
            result.score[at] += part.score[locate(part.docs, together, self.total)] * SPLIT_WORDS_BOOST
        return result

    def _form_scores(self, text: str, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(the documents of ``text`` as typed, their scores): its words' BM25 where the text is, its string's and
        its headings' IDF. Made in place on the words' scores: at eight million matches each whole-array step
        was 30 to 60 MB of a search's peak."""
        docs, string_at, heading_at, score, (strings, headings) = self._form_matches(text, tokens)
        score *= WORD_BOOST
        score += self._idf(strings) * GRAM_BOOST
        score *= docsets.flags_at(
            len(docs), string_at
        )  # times the flags: np.where costs ten times as much (scores ≥ 0)
        if headings:
            # In float64 and then float32, as the heading's flags (a float64 array) made it.
            score[heading_at] = score[heading_at].astype(np.float64) + self._idf(headings) * HEADING_BOOST
        return docs, score

    def _form_matches(self, text: str, tokens: list[str]) -> tuple:
        """The documents of ``text`` (its string or its headings), where those of each are among them, its words'
        BM25 aligned, and (how many have the string, how many the heading). The postings and the string's and
        the headings' documents end with this call, before the scores are combined."""
        postings = [self.postings(token) for token in tokens]
        # With one word, the documents known to contain the text need no verification.
        known = postings[0][0] if len(tokens) == 1 else None
        strings = self._live(self._containing(text, known))
        headings = self._live(self._in_segments(lambda segment, _: segment.heading_containing(text)))
        docs, string_at, heading_at = merged(strings, headings, self.total)
        word_score = np.zeros(len(docs), dtype=np.float32)
        if len(tokens) == 1 and len(postings[0][0]) == len(strings):
            where = [string_at]  # the word's documents are the text's
        else:
            # One word's documents are among the text's (it is known to contain it); several words' need not be.
            where = locate_all(docs, [token_docs for token_docs, _ in postings], self.total, among=len(tokens) == 1)
        for (token_docs, tfs), at in zip(postings, where, strict=True):
            frequency, found = len(token_docs), at >= 0
            if not found.all():
                token_docs, tfs, at = select(token_docs, found), select(tfs, found), select(at, found)
            word_score[at] += self._bm25(token_docs, tfs, frequency) / len(tokens)
        return docs, string_at, heading_at, word_score, (len(strings), len(headings))

    def _anywhere(self, text: str) -> bool:
        """Whether any live paragraph has ``text`` as a string."""
        return bool(len(self._live(self._containing(text, None))))

    def _containing(self, text: str, known: np.ndarray | None) -> np.ndarray:
        """Documents whose text contains ``text``, ascending; ``known`` (ascending) are known to."""

        def in_segment(segment: Segment, offset: int) -> np.ndarray:
            if known is None:
                return segment.containing(text)
            low, high = np.searchsorted(known, [offset, offset + segment.count])
            return segment.containing(text, known[low:high] - offset)

        return self._in_segments(in_segment)

    def postings(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents ascending, term frequencies) of a word among live paragraphs: a paragraph a reindex
        replaced stays in its old segment's postings until a merge, and must not count in document
        frequencies."""
        pieces = []
        for (segment, offset), whole in zip(self.segments, self._segment_live, strict=True):
            local_docs, local_tfs = segment.word(word)
            if len(local_docs) and not whole:
                live = self._live_in(local_docs, offset)
                local_docs, local_tfs = local_docs[live], local_tfs[live]
            if len(local_docs):
                pieces.append((local_docs, local_tfs, offset))
        # Written straight into the result: one copy, not a copy per segment and then a concatenation.
        docs = np.empty(sum(len(local_docs) for local_docs, _, _ in pieces), dtype=np.int64)
        tfs = np.empty(len(docs), dtype=np.float32)
        start = 0
        for local_docs, local_tfs, offset in pieces:
            end = start + len(local_docs)
            np.add(local_docs, offset, out=docs[start:end], dtype=np.int64)
            tfs[start:end] = local_tfs
            start = end
        return docs, tfs

    def _live_frequency(self, word: str) -> int:
        """How many live paragraphs have ``word``: :meth:`postings` without gathering them."""
        key = np.array([word_key(word)], dtype=np.int64)
        frequency = 0
        for (segment, offset), whole in zip(self.segments, self._segment_live, strict=True):
            if whole:  # counted from the postings' offsets: decoding a common word's list only to count it
                frequency += int(segment.words.frequencies(key)[0])
            else:
                frequency += int(np.count_nonzero(self._live_in(segment.word(word)[0], offset)))
        return frequency

    def _live_in(self, local_docs: np.ndarray, offset: int) -> np.ndarray:
        """Which of a segment's documents (local numbers; the segment starts at ``offset``) are live."""
        return self.live[np.add(local_docs, offset, dtype=np.int64)]

    def _idf(self, document_frequency: int) -> float:
        return math.log(1 + (self.documents - document_frequency + 0.5) / (document_frequency + 0.5))

    def _bm25(self, docs: np.ndarray, tfs: np.ndarray, frequency: int | None = None) -> np.ndarray:
        """BM25 of a word in ``docs``; ``frequency`` is its document frequency when ``docs`` are not all of them."""
        idf = self._idf(len(docs) if frequency is None else frequency)
        score = idf * tfs
        score *= K1 + 1
        denominator = self._norm[docs]
        denominator += tfs
        score /= denominator
        return score.astype(np.float32, copy=False)

    def similar(self, docnum: int, text: str, exclude: np.ndarray, limit: int) -> list[tuple[int, float]]:
        """Documents closest to ``text`` by its most distinctive words, except those in ``exclude`` (a flag
        per document). Scores add up over a table of every document: the 25 words' postings are a large
        share of the index, where aligning them one by one cost more."""
        counts = Counter(word for word, *_ in word_tokens(fold(text), subwords=False) if len(word) > 1)
        weighted = []
        for word, tf in counts.items():
            frequency = self._live_frequency(word)
            if frequency:
                weighted.append((tf * self._idf(frequency), word, frequency))
        weighted.sort(key=lambda item: (-item[0], item[1]))
        score = np.zeros(self.total, dtype=np.float32)
        for weight, word, frequency in weighted[:SIMILAR_TERMS]:
            # Segment by segment, replaced paragraphs too (the live ones are chosen below): the words are
            # common ones as well, and gathering their postings into one array cost as much as scoring them.
            for segment, offset in self.segments:
                local_docs, tfs = segment.word(word)
                if len(local_docs):
                    docs = np.add(local_docs, offset, dtype=np.int64)
                    score[docs] += self._bm25(docs, tfs.astype(np.float32), frequency) * min(weight, 10.0)
        candidates = np.flatnonzero((score > 0) & self.live & ~exclude)
        candidates = candidates[candidates != docnum]
        if not len(candidates):
            return []
        top = top_scoring(candidates, score[candidates], limit)
        return [(int(d), float(score[d])) for d in top]


def _unit_weights(concepts: list[Concept]) -> list[float]:
    """Each concept's weight in a paragraph's cover: the pieces of one typed word share one (领导干部年终述法: 领导 and
    干部 ½ each, 述法 1), so that a word the segmenter cut in two does not outweigh the others."""
    pieces = Counter(concept.typed_as for concept in concepts if concept.typed_as)
    return [1 / pieces[concept.typed_as] if concept.typed_as else 1.0 for concept in concepts]


def _weighed_sum(parts: list[Result], weights: list[float]) -> np.ndarray:
    """The parts' scores added, each times its weight (unweighted when all are 1, as before weights)."""
    if all(weight == 1 for weight in weights):
        return combined(np.add, [r.score for r in parts])
    return combined(np.add, [r.score * np.float32(w) for r, w in zip(parts, weights, strict=True)])


def _nothing_to_hide(segment: Segment, live: np.ndarray) -> bool:
    """Whether no document of ``segment`` that is not ``live`` has words, a text or a heading: then none can turn
    up in its postings, texts or headings. Each report's own document is not live (it is no paragraph), but it
    has none of them; only paragraphs a reindex replaced have, and then the segment's results are filtered."""
    hidden = np.flatnonzero(~live)
    if not len(hidden):
        return True
    offsets = np.asarray(segment.text_offsets)
    return not (
        np.any(np.asarray(segment.lengths)[hidden] > 0)
        or np.any(offsets[hidden + 1] > offsets[hidden])
        or np.any(np.asarray(segment.heading_of)[hidden] >= 0)
    )
