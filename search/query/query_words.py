"""What the unquoted words of a query are searched as over one index state: their thesaurus concepts, a
place's paragraphs for a word naming a place of the index, the dictionary words of a word no paragraph has,
and which of them a match requires (the rare ones) and which only score (the common ones, the fillers)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from search.index.analyze import parts_of, words
from search.query.places import PlaceWords
from search.query.thesaurus import Concept, load_thesaurus, verbs_scored

COMMON_SHARE = 0.3
MEASURE_ENDINGS = "量数率额"  # 办件量, 受理数: a quantity asked of what paragraphs count (办件4.6万件)
CONCEPTS_KEPT = 256  # texts whose concepts a state keeps
SHORT_NAME_PIECES = 3  # the most pieces a place's short name is cut into (鹤 | 龙街)
# 2021年到2023年, 2021至2023年, 2021—2023: the years between; 2022年以来, 2021年至今: that year and after
YEAR_SPAN = re.compile(r"((?:19|20)\d\d)\s*年?度?\s*(?:到|至|-|—|–|~|～)\s*((?:19|20)\d\d)")
YEAR_SINCE = re.compile(r"((?:19|20)\d\d)\s*年?度?\s*(?:以来|至今|以后|之后|起)")
SPAN_WORDS = frozenset({"到", "至", "至今", "以来", "以后", "之后", "起"})
LAST_YEAR = 2099


class QueryWords:
    """The concepts of a state's queries, from the state's word frequencies (``frequency``: live paragraphs
    with a word), whether live text has a string anywhere (``present``), its live paragraph count and places."""

    def __init__(
        self, frequency: Callable[[str], int], present: Callable[[str], bool], documents: int, places: PlaceWords
    ) -> None:
        self._frequency = frequency
        self._present = present
        self.documents = documents
        self.places = places
        self._kept: dict[tuple[str, bool], tuple[Concept, ...]] = {}

    def concepts_of(self, text: str, expand: bool) -> tuple[Concept, ...]:
        """The thesaurus's concepts of ``text`` as searched, kept for the state (a search asks two or three times:
        its roles, its matches, its hits' reasons and marks; an unseen word's check is 50 ms at 1M)."""
        found = self._kept.get((text, expand))
        if found is None:
            found = self._concepts_of(text, expand)
            if len(self._kept) >= CONCEPTS_KEPT:
                self._kept.clear()
            self._kept[text, expand] = found
        return found

    def _concepts_of(self, text: str, expand: bool) -> tuple[Concept, ...]:
        """:meth:`concepts_of`: expanded, a word naming a place of the index has it (城口县,
        :mod:`search.query.places`), and a word no paragraph has, not even as a string, is the dictionary words it
        is made of (领导干部带头述法: no paragraph says 干部带头, but 干部 and 带头)."""
        thesaurus = load_thesaurus()
        concepts = thesaurus.concepts(text, expand)
        if not expand:
            return tuple(concepts)
        found: list[Concept] = []
        for concept in self._short_places_joined(concepts):
            plain = not (concept.filler or concept.expanded)
            place = (self.places.named(concept.text) or self._shortened_place(concept.text)) if plain else ()
            pieces = self._pieces_of(concept.text) if not place and self._unseen(concept) else []
            if place:
                found.append(replace(concept, place=place))
            elif pieces:
                found += [piece for word in pieces for piece in thesaurus.concepts(word)]
            else:
                found.append(concept)
        return tuple(_year_spans(_places_either({concept.text: concept for concept in found}.values()), text))

    def _short_places_joined(self, concepts: list[Concept]) -> list[Concept]:
        """``concepts`` with the pieces the segmenter cut a place's short name into (城口 → 城 | 口, 鹤龙街 → 鹤 |
        龙街, 于都 → 于 | 都: pieces that are fillers on their own too) joined again into one concept naming the
        place."""
        joined: list[Concept] = []
        at = 0
        while at < len(concepts):
            for end in range(min(len(concepts), at + SHORT_NAME_PIECES), at + 1, -1):
                pieces = concepts[at:end]
                text = "".join(piece.text for piece in pieces)
                if not any(p.expanded or p.place for p in pieces) and (place := self._shortened_place(text)):
                    joined.append(Concept(text, place=place))
                    at = end
                    break
            else:
                joined.append(concepts[at])
                at += 1
        return joined

    def _shortened_place(self, text: str) -> tuple[tuple[str, str], ...]:
        """The places ``text`` names with its ending left off (花台 for 花台乡), where the text says it less often on
        its own than with the ending: 平安, a common word of the reports, does not name 平安乡."""
        places = self.places.shortened(text)
        if not places or self._frequency(text) > max(self._frequency(value) for _, value in places):
            return ()
        return places

    def words_of_term(self, concept: Concept) -> list[Concept]:
        """The words of a thesaurus term of several (规范性文件备案: 规范性文件, 备案; 执法人员培训: 执法人员, 培训) as
        concepts of their own, weighed, so that the term typed without spaces also finds its words apart, as it
        does typed with them; [] for a term of one word, a word naming a part or a place, a plain word, or a term
        whose words do not each have a concept of the thesaurus (人民 of 人民调解, 政务 of 政务公开, 谁 of 谁执法谁普法:
        its words apart are not what it means)."""
        if not concept.expanded or concept.part or concept.place:
            return []
        pieces = words(concept.text)
        if len(pieces) < 2:
            pieces = parts_of(concept.text)
        if "".join(pieces) != concept.text:  # 谁执法谁普法: 谁 is no word of the dictionary's
            return []
        thesaurus = load_thesaurus()
        found = [piece for word in pieces for piece in thesaurus.concepts(word)]
        if len(found) < 2 or not all(piece.expanded and not (piece.filler or piece.part) for piece in found):
            return []
        # The term's own related terms rank what is near it; its words' would cost a search as much again.
        return self.weighed([replace(piece, related=(), typed_as=concept.text) for piece in found])

    def _pieces_of(self, word: str) -> list[str]:
        """The dictionary words of an unseen word, two or more; else, for one that ends as a measure (办件量, 受理数),
        its stem where paragraphs have it (办件4.6万件); else none."""
        if len(pieces := parts_of(word)) > 1:
            return pieces
        stem = word[:-1]
        return [stem] if word[-1] in MEASURE_ENDINGS and self._present(stem) else []

    def _unseen(self, concept: Concept) -> bool:
        """Whether a plain word of three characters or more (no thesaurus term, no filler) is in no live
        paragraph: not as a word, and not as a string."""
        if concept.expanded or concept.filler or len(concept.text) < 3 or self.frequency(concept):
            return False
        return not self._present(concept.text)

    def weighed(self, concepts: list[Concept] | tuple[Concept, ...]) -> list[Concept]:
        """The concepts a text is matched by: its fillers left out, and those in more than COMMON_SHARE of the
        paragraphs only scored, not required (法治, 工作 in a question). The rarest is required when nothing
        else would be; a text of fillers only is searched as typed."""
        content = [concept for concept in concepts if not concept.filler]
        if not content:
            return [replace(concept, filler=False) for concept in concepts]
        frequencies = [self.frequency(concept) for concept in content]
        limit = COMMON_SHARE * self.documents
        weighed = [
            replace(concept, required=bool(concept.part) or frequency <= limit)
            for concept, frequency in zip(content, frequencies, strict=True)
        ]
        if len(content) < len(concepts):  # a question in the user's own words
            weighed = verbs_scored(
                weighed, said=lambda concept: bool(concept.typed_as) and self._present(concept.typed_as)
            )
        if not any(concept.required for concept in weighed):
            rarest = int(np.argmin(frequencies))
            weighed[rarest] = replace(weighed[rarest], required=True)
        return weighed

    def frequency(self, concept: Concept) -> int:
        """How many live paragraphs have a concept's words, at most (its rarest word's frequency)."""
        return min((self._frequency(word) for word in words(concept.text)), default=0)


def _places_either(concepts) -> list[Concept]:
    """``concepts`` with the places of one kind a query names together (北屏乡和花台乡的法律顾问, 城口县 巫溪县, 2021年
    2022年) made one concept that either place satisfies: no report is from two townships or of two years, so
    requiring both found nothing."""
    either: list[Concept] = []
    first_of: dict[str, int] = {}
    for concept in concepts:
        kind = concept.place_kind
        if kind and kind in first_of:
            at = first_of[kind]
            either[at] = replace(either[at], place=either[at].place + concept.place)
            continue
        if kind:
            first_of[kind] = len(either)
        either.append(concept)
    return either


def _year_spans(concepts: list[Concept], text: str) -> list[Concept]:
    """``concepts`` with the years ``text`` spans (2021年到2023年的述法, 2022年以来) searched as every year of the
    span, and the words spanning them (到, 至今 …) fillers: the years were either one's (2022 left out) and 到
    was required."""
    spans = [(int(first), int(last)) for first, last in YEAR_SPAN.findall(text)]
    spans += [(int(first), LAST_YEAR) for first in YEAR_SINCE.findall(text)]
    if not spans:
        return concepts
    spans = [(min(span), max(span)) for span in spans]
    return [_spanned(concept, spans) for concept in concepts]


def _spanned(concept: Concept, spans: list[tuple[int, int]]) -> Concept:
    """A year of the query as the spans it opens or closes (and the years no span holds); a word spanning them
    (到, 以来) as a filler; any other concept as it is."""
    if concept.place_kind == "year":
        return replace(concept, place=tuple(("year", span) for span in spans) + _outside(concept.place, spans))
    return replace(concept, filler=True) if concept.text in SPAN_WORDS else concept


def _outside(place, spans: list[tuple[int, int]]) -> tuple:
    """The years of ``place`` no span holds (2020 of 2020年和2022年以来)."""
    return tuple(
        (facet, value) for facet, value in place if not any(first <= value[0] <= last for first, last in spans)
    )
