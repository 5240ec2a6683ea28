"""The domain thesaurus: concept groups of equivalent and related terms, from ``data/thesaurus.txt``.

A query's text is read as a sequence of concepts: the longest thesaurus term at each
place, and the words of whatever lies between terms. Each concept carries what the
user typed, its equivalents (searched by default, ranked just below the typed words)
and its related terms (a weaker signal, used for the looser tiers of the ranking).
The terms are also added to the segmenter's dictionary so that each is indexed as a word.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from search.data import DATA
from search.index.analyze import RUN, fold, is_verb, words
from search.index.vocabulary import THESAURUS, Group, load_groups
from search.ingest.classify import load_part_rules

BROADEST_PLACE_FIRST = ("province", "city", "county", "township")
MAX_EXPANSIONS = 16
QUESTION_TAILS = ("不", "没")  # 有啥好经验不, 有经验没: a question's last word, as 吗 is (没有 names the shortcomings)
FILLER_PHRASE_MAX = 6  # characters of the longest filler phrase looked for before a term (通常情况下 is 5)
WORD_MAX = 4  # characters of one typed word (领导干部, 全覆盖) the segmenter may cut; a longer stretch is several
FILLERS = DATA / "query_fillers.txt"
ASKERS = DATA / "query_askers.txt"


@dataclass(frozen=True)
class Concept:
    """One concept of a query: the text typed (folded), its equivalents and related terms."""

    text: str
    equivalents: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    part: str = ""
    """The report part the word names on its own (不足 → 存在的不足和原因): its paragraphs count as having it."""
    marked: tuple[str, ...] = ()
    """Every equivalent, the longer ones too (行政执法证 beside 执法证): what a hit highlights."""
    filler: bool = False
    """A question or function word of a query in the user's own words (如何, 发挥, 作用, from
    ``data/query_fillers.txt``): never required, never scored."""
    required: bool = True
    """Whether a paragraph must have it to match strictly; a concept most paragraphs have is only scored."""
    typed_as: str = ""
    """Expanded, the one typed word (up to WORD_MAX characters between thesaurus terms) the concept is a piece
    of, when the segmenter cut it into several (领导干部 → 领导, 干部): those pieces count as one concept in a
    paragraph's cover and score (exact mode scores each word)."""
    remedied: bool = False
    """A word naming the shortcomings in a question asking what to do about them (执法力量不足怎么办): the
    paragraphs of the part that answers (the plans) count as having it, as the shortcomings' do."""
    place: tuple[tuple[str, str], ...] = ()
    """The (facet, value) places the word names (城口县, 浙江 → province 浙江省): their paragraphs count as
    having it (:mod:`search.query.places`)."""

    @property
    def expanded(self) -> bool:
        return bool(self.equivalents or self.related or self.part)

    @property
    def place_kind(self) -> str:
        """The one facet its places are of (township, county, year …); "" for none or several. A municipality is a
        city and a province of one name (重庆市): a province, as 四川 is, beside which it is named."""
        kinds = {facet for facet, _ in self.place}
        if len(kinds) > 1 and len({value for _, value in self.place}) == 1:
            return next(kind for kind in BROADEST_PLACE_FIRST if kind in kinds)
        return kinds.pop() if len(kinds) == 1 else ""

    @property
    def parts(self) -> tuple[str, ...]:
        """The report parts whose paragraphs count as having the concept: the one it names, and the plans when
        it is remedied; () for none."""
        if not self.part:
            return ()
        return (self.part, load_part_rules().remedy_answers) if self.remedied else (self.part,)


class Thesaurus:
    """Concept groups, looked up by any of their terms."""

    def __init__(self, groups: list[Group]) -> None:
        self.groups = groups
        self._member_of: dict[str, list[Group]] = {}
        self._related_in: dict[str, list[Group]] = {}
        for group in groups:
            for term in group.members:
                self._member_of.setdefault(term, []).append(group)
            for term in group.related:
                self._related_in.setdefault(term, []).append(group)
        self.longest = max((len(t) for t in self.terms()), default=1)
        self._punctuated = sorted(
            (
                t
                for t, groups in self._member_of.items()
                if not RUN.fullmatch(t) and RUN.fullmatch(groups[0].members[0])
            ),
            key=len,
            reverse=True,
        )

    def terms(self) -> set[str]:
        """Every term of the thesaurus, equivalents and related ones."""
        return set(self._member_of) | set(self._related_in)

    def concept(self, term: str) -> Concept:
        """``term`` with its equivalents and related terms (other groups' members where it is related)."""
        equivalents: dict[str, None] = {}
        related: dict[str, None] = {}
        for group in self._member_of.get(term, []):
            equivalents.update(dict.fromkeys(group.members))
            related.update(dict.fromkeys(group.related))
        for group in self._related_in.get(term, []):
            related.update(dict.fromkeys(group.members))
        equivalents.pop(term, None)
        kept = _shortest([term, *equivalents])[1:]
        near = [t for t in _shortest([term, *kept, *related]) if t in related]
        return Concept(term, tuple(kept)[:MAX_EXPANSIONS], tuple(near)[:MAX_EXPANSIONS], marked=tuple(equivalents))

    def concepts(self, text: str, expand: bool = True) -> list[Concept]:
        """The concepts of folded query ``text``: thesaurus terms (longest first, left to right) and the words
        between them. Without ``expand``, the same pieces with no equivalents or related terms."""
        pieces: list[Concept] = []
        runs = RUN.findall(text)
        for run in runs:
            in_run: list[Concept] = []
            for piece, known in self._split(run):
                if known:
                    in_run.append(self.concept(piece) if expand else Concept(piece))
                else:
                    in_run.extend(
                        _typed_words(_rejoined(_rejoined(words(piece), _part_cues()), load_fillers()), expand)
                    )
            in_run = _with_parts_and_fillers(in_run) if expand else in_run
            if expand and len(in_run) > 1 and in_run[-1].text in QUESTION_TAILS:  # 有啥好经验不: a question's 不
                in_run[-1] = replace(in_run[-1], filler=True)
            pieces += _of_the_asker(in_run) if expand and len(runs) > 1 and run.startswith(load_askers()) else in_run
        if expand:
            pieces = _remedies_asked(pieces, text)
        return list({c.text: c for c in pieces}.values())

    def punctuated_terms_named(self, text: str) -> str:
        """``text`` with each group member written with marks (村（社区）法律顾问, 12.4, 互联网+政务服务), which a
        query's brackets would group and its runs of word characters cut apart, replaced by its group's first
        member (村居法律顾问), brackets of either width."""
        for term in self._punctuated:
            for written in {term, term.replace("（", "(").replace("）", ")")}:
                text = text.replace(written, self._member_of[term][0].members[0])
        return text

    def _split(self, run: str) -> list[tuple[str, bool]]:
        """(piece, is a thesaurus term) for a run of word characters, thesaurus terms matched greedily where they
        cut the segmenter's words cleanly (:func:`_cuts_words_cleanly`)."""
        return _part_words_in_longer_words_joined(self._terms_and_rest(run))

    def _terms_and_rest(self, run: str) -> list[tuple[str, bool]]:
        """:meth:`_split` before the words that name a part inside longer words are joined."""
        found: list[tuple[str, bool]] = []
        cut = words(run)
        bounds = list(accumulate((len(word) for word in cut), initial=0))
        filler_at = {start for start, word in zip(bounds[:-1], cut, strict=True) if word in load_fillers()}
        rest = ""
        at = 0
        while at < len(run):
            phrase = _filler_phrase_at(run, at, bounds)  # 上级检查: a question's phrase, not the term 检查 …
            if phrase and not self._term_as_long_at(run, at, len(phrase)):  # … unless a term as long starts there
                rest, at = rest + phrase, at + len(phrase)
                continue
            for size in range(min(self.longest, len(run) - at), 1, -1):
                piece = run[at : at + size]
                if self._is_term(piece) and _cuts_words_cleanly(bounds, at, at + size, at in filler_at):
                    if filler := self._filler_before_a_longer_term(run, at, piece):
                        # the rest read afresh: the segmenter's words ran across the filler (乡镇执法 | 力量不足)
                        found.append((rest + filler, False))
                        return found + self._terms_and_rest(run[at + len(filler) :])
                    if rest:
                        found.append((rest, False))
                        rest = ""
                    found.append((piece, True))
                    at += size
                    break
            else:
                rest += run[at]
                at += 1
        if rest:
            found.append((rest, False))
        return found

    def _filler_before_a_longer_term(self, run: str, at: int, piece: str) -> str:
        """The question's word a term opens with (乡镇 of 乡镇执法) where a longer term follows that word (执法力量
        in 其他乡镇执法力量不足: 乡镇 says where, 执法力量 is what is asked); "" otherwise."""
        filler = max((w for w in load_fillers() if len(w) < len(piece) and piece.startswith(w)), key=len, default="")
        after = at + len(filler)
        sizes = range(min(self.longest, len(run) - after), len(piece) - len(filler), -1)
        return filler if filler and any(self._is_term(run[after : after + size]) for size in sizes) else ""

    def _term_as_long_at(self, run: str, at: int, size: int) -> bool:
        """Whether a thesaurus term of ``size`` characters or more starts at ``at``: the phrase itself (下一步, with
        its equivalents and related terms) or a longer term over it (第一责任人职责 over the cue 第一责任人)."""
        return any(self._is_term(run[at : at + longer]) for longer in range(size, self.longest + 1))

    def _is_term(self, text: str) -> bool:
        return text in self._member_of or text in self._related_in


def _filler_phrase_at(run: str, at: int, bounds: list[int]) -> str:
    """The longest filler or part cue of three characters or more (上级检查, 整改措施) starting at ``at`` on the
    segmenter's word boundaries ``bounds``; "" for none. Such a phrase is the question's, though a term lies
    inside it (检查, 整改)."""
    if at not in bounds:
        return ""
    longest = min(len(run) - at, FILLER_PHRASE_MAX)
    phrases = _question_phrases()
    return next(
        (
            run[at : at + size]
            for size in range(longest, 2, -1)
            if at + size in bounds and run[at : at + size] in phrases
        ),
        "",
    )


def _cuts_words_cleanly(bounds: list[int], start: int, end: int, after_filler: bool) -> bool:
    """Whether a piece from ``start`` to ``end`` cuts a word of the segmenter's (words ending at ``bounds``) only
    where that is right: it may cut into one word (执法力量 | 薄弱 out of 执法 | 力量薄弱; 述法 out of 一 | 下述 |
    法, the segmenter's mistake for 一下 | 述法), but not leave one character of it (乡镇执法 | 证), cut into words
    on both sides (下村 out of 一下 | 村级法律顾问) or join a question's word to part of the next (乡镇执法 |
    人员 out of 乡镇 | 执法人员, ``after_filler``)."""
    inside_start = start not in bounds
    after = bisect_left(bounds, end)
    inside_end = after < len(bounds) and bounds[after] != end
    return not (inside_end and (bounds[after] - end == 1 or inside_start or after_filler))


def _part_words_in_longer_words_joined(found: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """The pieces, where a word that would name a report part is only part of a longer word of the segmenter's
    with the word beside it across two pieces, that longer word taken out of them as one piece: 乡镇困难群众 and
    计划生育 ask about neither the shortcomings (困难) nor the plans (计划)."""
    rules = load_part_rules()
    joined: list[tuple[str, bool]] = []
    for piece, known in found:
        if joined:
            before, before_known = joined[-1]
            last = before if before_known else words(before)[-1]
            first = piece if known else words(piece)[0]
            if _one_word_naming_a_part(last, first, rules):
                joined[-1:] = [(before[: -len(last)], False)] if len(last) < len(before) else []
                joined.append((last + first, False))
                piece, known = piece[len(first) :], False
        if piece:
            joined.append((piece, known))
    return joined


def _one_word_naming_a_part(first: str, second: str, rules) -> bool:
    names = bool(rules.named_by(first) or rules.named_by(second))
    return names and not rules.named_by(first + second) and words(first + second) == [first + second]


@lru_cache(maxsize=1)
def _question_phrases() -> frozenset[str]:
    """The fillers and part cues of three characters or more: the phrases read before a term inside them."""
    return frozenset(phrase for phrase in load_fillers() | _part_cues() if len(phrase) >= 3)


@lru_cache(maxsize=1)
def _part_cues() -> frozenset[str]:
    return frozenset(word for words in load_part_rules().cues.values() for word in words)


REJOINED_PIECES = 5  # the most pieces the segmenter cuts a cue or a filler into (下一步|工作|打算: 3)


def _rejoined(cut: list[str], known: frozenset[str]) -> list[str]:
    """The segmenter's words with those it cut out of a ``known`` word joined again: a word naming a report part
    (不 + 规范 → 不规范, 来 + 年 → 来年: parts.json ``query_cues``), so that it names the part, or a filler (这 +
    一块 → 这一块, 给 + 我 → 给我), so that the pieces are not required; a word it kept whole stays whole
    (困难群众 is no 困难)."""
    joined, at = [], 0
    while at < len(cut):
        longest = min(len(cut), at + REJOINED_PIECES)
        end = next((end for end in range(longest, at + 1, -1) if "".join(cut[at:end]) in known), at + 1)
        joined.append("".join(cut[at:end]))
        at = end
    return joined


def _typed_words(cut: list[str], expand: bool) -> list[Concept]:
    """The words of a stretch between thesaurus terms, those of one typed word (at most WORD_MAX characters
    between fillers: 领导干部 in 有哪些乡镇开展了领导干部述法) marked as its pieces."""
    concepts: list[Concept] = []
    run: list[str] = []
    for word in [*cut, ""]:
        if word and not is_filler(word):
            run.append(word)
            continue
        typed = "".join(run)
        typed_as = typed if expand and len(run) > 1 and len(typed) <= WORD_MAX else ""
        concepts.extend(Concept(piece, typed_as=typed_as) for piece in run)
        if word:
            concepts.append(Concept(word))
        run = []
    return concepts


def _with_parts_and_fillers(run: list[Concept]) -> list[Concept]:
    """The concepts of one run of a query, each with the report part it names on its own (不足 → 存在的不足和原因)
    and marked when a filler; a cue noun right after another content word is its head (信访问题: 问题 names no
    part and is a filler, so the question asks about 信访)."""
    rules = load_part_rules()
    found: list[Concept] = []
    for concept in run:
        head = concept.text in rules.noun_cues and bool(found) and not (found[-1].filler or found[-1].part)
        part = "" if head else rules.named_by(concept.text)
        # 做法, 成效, 举措 name the work done, which ranks first anyway: asking for it asks nothing more.
        default = part == rules.default
        part = "" if default else part
        found.append(replace(concept, part=part, filler=head or default or (not part and is_filler(concept.text))))
    return found


def _of_the_asker(run: list[Concept]) -> list[Concept]:
    """A clause in which the asker says who they are (我是司法所的，想看看述法怎么写: ``data/query_askers.txt``): its
    words are fillers, as 司法所 is no concept the question asks for."""
    return [replace(concept, filler=True, part="", typed_as="") for concept in run]


def _remedies_asked(concepts: list[Concept], text: str) -> list[Concept]:
    """The concepts of a query asking what to do about a shortcoming (干部法治意识不强怎么办, 执法力量不足如何
    解决): the word naming the shortcomings is remedied (the plans answer too) and the words of the asking are
    fillers; any other query's concepts as they are."""
    rules = load_part_rules()
    cues = rules.remedy_cues_in(text)
    if not cues or not any(concept.part == rules.remedy_problem for concept in concepts):
        return concepts
    asking = {concept.text for concept in concepts if not concept.part and any(concept.text in cue for cue in cues)}
    return [
        replace(concept, remedied=concept.part == rules.remedy_problem, filler=concept.filler or concept.text in asking)
        for concept in concepts
    ]


def _shortest(terms: list[str]) -> list[str]:
    """``terms`` (the first kept) without those containing an earlier-kept or shorter one: any text holding
    普法宣传教育 holds 普法, so searching the longer term adds nothing but time."""
    kept: list[str] = []
    for term in sorted(dict.fromkeys(terms), key=lambda t: (t != terms[0], len(t))):
        if RUN.search(term) and not any(other in term for other in kept):
            kept.append(term)
    return sorted(kept, key=terms.index)


@lru_cache(maxsize=4)
def load_thesaurus(path: Path = THESAURUS) -> Thesaurus:
    return Thesaurus(list(load_groups(path)))


@lru_cache(maxsize=1)
def load_askers(path: Path = ASKERS) -> tuple[str, ...]:
    """The openings of ``data/query_askers.txt`` (folded), with which an asker's clause about themselves starts."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(fold(word) for line in lines if not line.startswith("#") for word in line.split())


@lru_cache(maxsize=4)
def load_fillers(path: Path = FILLERS) -> frozenset[str]:
    """The words of ``data/query_fillers.txt`` (folded)."""
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            found.update(fold(word) for word in line.split())
    return frozenset(found)


@lru_cache(maxsize=4096)
def is_filler(word: str) -> bool:
    """A question word of ``data/query_fillers.txt``, or a word the segmenter keeps whole that is made of such
    words of two characters or more (发挥作用 of 发挥 and 作用, 具体工作 of 具体 and 工作)."""
    fillers = load_fillers()
    if word in fillers:
        return True
    ends = {0}
    for end in range(2, len(word) + 1):
        if any(end - size in ends and word[end - size : end] in fillers for size in range(2, end + 1)):
            ends.add(end)
    return len(word) in ends


def explain(concepts: list[Concept], folded: str) -> list[dict[str, str]]:
    """Why ``folded`` text matched: per concept, the term found and whether it is the typed word,
    an equivalent or a related term. Concepts not found are left out, and so are the words of a thesaurus term
    typed as one unless the text has them apart (:func:`term_words_named`)."""
    reasons = []
    for concept in concepts:
        if concept.filler:
            continue
        if concept.text in folded:
            reasons.append({"concept": concept.text, "term": concept.text, "relation": "typed"})
            continue
        for relation, terms in (("equivalent", concept.equivalents), ("related", concept.related)):
            found = next((t for t in terms if t in folded), None)
            if found:
                reasons.append({"concept": concept.text, "term": found, "relation": relation})
                break
    return term_words_named(reasons, concepts)


def term_words(concepts: list[Concept]) -> dict[str, str]:
    """The words of a thesaurus term typed as one among ``concepts`` (their ``typed_as`` is a concept of the
    query: 规范性文件 → 规范性文件备案), each with its term."""
    whole = {concept.text for concept in concepts}
    return {c.text: c.typed_as for c in concepts if c.typed_as in whole and c.typed_as != c.text}


def term_words_named(reasons: list[dict[str, str]], concepts: list[Concept]) -> list[dict[str, str]]:
    """``reasons`` with the words of a thesaurus term typed as one (规范性文件, 备案 of 规范性文件备案: their
    ``typed_as`` is a concept of the query) named only where the text has them all and not the term (it matches
    apart); a related term of such a term found as one of its words is then not named twice."""
    term_of = term_words(concepts)
    if not term_of:
        return reasons
    found = {reason["concept"] for reason in reasons if reason["relation"] != "related"}
    apart = {term for term in set(term_of.values()) if term not in found}
    apart = {term for term in apart if all(word in found for word, of in term_of.items() if of == term)}
    kept = [reason for reason in reasons if term_of.get(reason["concept"], "") in apart | {""}]
    named = {reason["term"] for reason in kept if reason["concept"] in term_of}
    return [r for r in kept if not (r["relation"] == "related" and r["concept"] in apart and r["term"] in named)]


def why_line(reasons: list[dict[str, str]]) -> str:
    """A reader's line for :func:`explain`: 命中：法治宣传（同义：普法宣传）；相关：宣传横幅（相关：普法宣传）."""

    def label(reason: dict[str, str]) -> str:
        if reason["relation"] == "typed":
            return reason["term"]
        if reason["relation"] == "place":  # the report's own place: 浙江省 for 浙江, 花台乡 of 北屏乡和花台乡
            return f"{reason['term']}（报告所在地）"
        if reason["relation"] == "year":
            return f"{reason['term']}（报告年度）"
        kind = "同义" if reason["relation"] == "equivalent" else "相关"
        return f"{reason['term']}（{kind}：{reason['concept']}）"

    found = [label(r) for r in reasons if r["relation"] != "related"]
    near = [label(r) for r in reasons if r["relation"] == "related"]
    return "；".join(
        part
        for part in ("命中：" + "、".join(found) if found else "", "相关：" + "、".join(near) if near else "")
        if part
    )


def highlight_forms(concepts: list[Concept], loose: bool = True) -> list[str]:
    """Strings to mark in a hit: each concept's text and equivalents, and its related terms when ``loose``."""
    forms: list[str] = []
    for concept in concepts:
        if concept.filler:
            continue
        forms.append(concept.text)
        forms.extend(concept.marked or concept.equivalents)
        if loose:
            forms.extend(concept.related)
    return forms


def verbs_scored(concepts: list[Concept], said: Callable[[Concept], bool] = lambda concept: False) -> list[Concept]:
    """A question's verbs that the thesaurus does not know (培养, 履行) only scored, while another concept stays
    required: they are how the user puts it, not what the paragraphs must say (培训, 落实 …职责) — unless the word
    they were typed in is what paragraphs say (``said``: 遇事找法, a slogan reports write, cut into 遇事 | 找法)."""
    verbs = {i for i, c in enumerate(concepts) if c.required and not c.expanded and is_verb(c.text) and not said(c)}
    if not verbs or len(verbs) == sum(c.required for c in concepts):
        return concepts
    return [replace(c, required=False) if i in verbs else c for i, c in enumerate(concepts)]
