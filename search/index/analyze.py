"""Chinese text analysis: folding, word segmentation.

Words come from rjieba (jieba-rs, the same segmentation as jieba, many times
faster) with the domain dictionary and every place name of the gazetteer.
Positions count words, and punctuation leaves a gap; when indexing, the
sub-words jieba's search mode finds inside a long word (法律 and 顾问 inside
法律顾问) share their parent's position. Query text is never split into
sub-words. Character grams for recall are in :mod:`search.index.terms`.

Traditional characters are folded to Simplified (character by character, so
offsets do not move) and Latin letters to lower case, at index and query time.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from search.index.folding import fold
from search.index.vocabulary import dictionary_words, place_names, thesaurus_terms

RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_SUBWORD_PARENT = 24
MAX_SUBWORD = 12
HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_THESAURUS_WORD = 6  # longer thesaurus terms are phrases: found as strings, not made dictionary words
WORD_CHAR = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


MIN_PHRASE = 3


@lru_cache(maxsize=1)
def indexed_phrases() -> tuple[str, ...]:
    """The strings whose paragraphs the index lists as postings (``phrase`` postings): the thesaurus's terms
    and the domain dictionary's words of MIN_PHRASE characters or more, folded, that are one run of word
    characters.

    A string of three or more characters is otherwise found by its character bigrams and then checked
    against the text of every candidate; the thesaurus's equivalents and related terms are what expanded
    queries search for, so their paragraphs are found once when a segment is written (see
    :func:`search.index.terms.phrase_keys`). A term added to the thesaurus later is still found by
    checking texts, until the segments are written again.
    """
    terms = {fold(term) for term in thesaurus_terms()} | {word for word, _ in dictionary_words()}
    return tuple(sorted(term for term in terms if len(term) >= MIN_PHRASE and RUN.fullmatch(term)))


@lru_cache(maxsize=4096)
def phrases_containing(text: str) -> tuple[str, ...]:
    """The indexed phrases longer than folded ``text`` that contain it (法律顾问制度 for 顾问制度): a paragraph
    listed under one of them has ``text``, with no need to check its text; none for a text shorter than
    MIN_PHRASE, which is never checked."""
    if len(text) < MIN_PHRASE:
        return ()
    return tuple(phrase for phrase in indexed_phrases() if len(phrase) > len(text) and text in phrase)


_SEGMENTER_LOCK = threading.Lock()
_SEGMENTER = []


def segmenter():
    """The shared rjieba instance with the domain dictionary, place names and thesaurus terms loaded.

    Loaded once, under a lock: adding words borrows the Rust object mutably, so a second thread
    tokenizing during the first load fails with "Already borrowed" (seen under load). Once loaded,
    concurrent tokenizing is safe.
    """
    if not _SEGMENTER:
        with _SEGMENTER_LOCK:
            if not _SEGMENTER:
                _SEGMENTER.append(_load_segmenter())
    return _SEGMENTER[0]


def _load_segmenter():
    """The shared rjieba instance with the domain dictionary, place names and thesaurus terms loaded.

    Thesaurus terms are dictionary words so that each is indexed and looked up as one word; a term
    added later is still found (as a string of characters) before the index is rebuilt.
    """
    import rjieba

    # The instance rjieba builds when it is imported: a second Jieba() would load the dictionary again.
    jieba = rjieba._DEFAULT_JIEBA
    for name in place_names():
        jieba.add_word(name, None, None)
    for word, freq in dictionary_words():
        jieba.add_word(word, freq, None)
    for word in sorted(thesaurus_terms()):
        if len(word) <= MAX_THESAURUS_WORD and WORD_CHAR.match(word) and not jieba.has_word(word):
            jieba.add_word(word, None, None)
    return jieba


def words(text: str) -> list[str]:
    """Query-time segmentation of folded text: whole words only, punctuation dropped."""
    return [w for w, _, _ in segmenter().tokenize(text, "default", True) if WORD_CHAR.match(w)]


def word_tokens(text: str, subwords: bool = True) -> Iterator[tuple[str, int, int, int]]:
    """(word, position, start, end) for folded ``text``.

    Punctuation and spaces advance the position without a token, so a phrase
    never matches across a comma. Sub-words share their parent's position.
    """
    jieba = segmenter()
    position = 0
    for word, start, end in jieba.tokenize(text, "default", True):
        if not WORD_CHAR.match(word):
            if not word.isspace():
                position += 1
            continue
        yield word, position, start, end
        if subwords:
            for piece, offset in subwords_of(word):
                yield piece, position, start + offset, start + offset + len(piece)
        position += 1


def subwords_of(word: str, shortest: int = 2) -> Iterator[tuple[str, int]]:
    """(piece, offset) of every dictionary word of ``shortest`` characters or more strictly inside ``word``,
    shortest first.

    jieba's search mode yields the two- and three-character ones; longer ones
    (法律顾问 inside 政府法律顾问) are added so that a query for them is a word match. Only Chinese
    words of at most MAX_SUBWORD_PARENT characters are looked into, for pieces of at most MAX_SUBWORD:
    every substring of a 20,000-character run of letters would take minutes and find nothing.
    """
    if len(word) > MAX_SUBWORD_PARENT or not HAN_WORD.fullmatch(word):
        return
    has_word = segmenter().has_word
    for size in range(shortest, min(len(word), MAX_SUBWORD + 1)):
        for offset in range(len(word) - size + 1):
            piece = word[offset : offset + size]
            if has_word(piece):
                yield piece, offset


def parts_of(word: str) -> list[str]:
    """The dictionary words ``word`` is made of, read from the left, the longest at each place (重大|行政决策,
    人民|调解, not the 大行 or 民调 across them); characters no word starts at are skipped."""
    pieces: dict[int, str] = {}
    for piece, offset in subwords_of(word):
        if len(piece) > len(pieces.get(offset, "")):
            pieces[offset] = piece
    parts, at = [], 0
    while at < len(word):
        piece = pieces.get(at)
        if piece:
            parts.append(piece)
        at += len(piece) if piece else 1
    return parts


@lru_cache(maxsize=10_000)
def is_verb(word: str) -> bool:
    """Whether the segmenter's dictionary tags ``word`` as a verb (培养, 履行; not 调解员 or 普法)."""
    tags = segmenter().tag(word)
    return len(tags) == 1 and tags[0][1].startswith("v")


def index_words(text: str) -> Counter:
    """Counts of the words and sub-words of folded ``text``, as ``word_tokens(text, subwords=True)`` yields them.

    Computed with rjieba's search mode (two- and three-character sub-words in Rust) plus the longer
    sub-words of words of five characters or more, which is several times faster than word_tokens.
    """
    jieba = segmenter()
    counts = word_counts(jieba.cut_for_search(text, True))
    long_words = {word: count for word, count in counts.items() if len(word) > 4}
    for word, count in long_words.items():
        for piece in _long_subwords(word):
            counts[piece] += count
    return counts


@lru_cache(maxsize=100_000)
def _long_subwords(word: str) -> tuple[str, ...]:
    """The dictionary words of four characters or more inside ``word`` (those jieba's search mode does not
    yield), once per distinct word: the same long words recur in paragraph after paragraph."""
    return tuple(piece for piece, _ in subwords_of(word, shortest=4))


def word_counts(tokens: list[str]) -> Counter:
    """How often each word occurs among ``tokens``, punctuation and spaces left out.

    Counted first and filtered after: each distinct token is tested once rather than every occurrence
    (the test per token was a tenth of indexing a paragraph)."""
    counts = Counter(tokens)
    for token in [token for token in counts if not WORD_CHAR.match(token)]:
        del counts[token]
    return counts


def query_grams(text: str) -> list[list[str]]:
    """Bigram sequences of each run of a query string (a one-character run stays one character)."""
    runs = []
    for match in RUN.finditer(text):
        run = match.group()
        runs.append([run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)])
    return runs
