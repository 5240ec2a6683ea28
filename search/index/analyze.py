"""Chinese text analysis: folding, word segmentation.

Words come from rjieba (jieba-rs, the same segmentation as jieba, many times
faster) with the domain dictionary and every place name of the gazetteer.
Positions count words, and punctuation leaves a gap; when indexing, the
sub-words jieba's search mode finds inside a long word (法律 and 顾问 inside
法律顾问) share their parent's position. Query text is never split into
sub-words. Character grams for recall are in :mod:`search.index.fastindex`.

Traditional characters are folded to Simplified (character by character, so
offsets do not move) and Latin letters to lower case, at index and query time.
"""

from __future__ import annotations

import gzip
import re
import threading
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent.parent / "data"
RUN = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_SUBWORD_PARENT = 24
MAX_SUBWORD = 12
HAN_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
MAX_THESAURUS_WORD = 6  # longer thesaurus terms are phrases: found as strings, not made dictionary words
WORD_CHAR = re.compile(r"[0-9a-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    import opencc

    path = Path(opencc.__file__).with_name("dictionary") / "TSCharacters.txt"
    table: dict[int, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0] if targets else ""
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = target
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
    return table


def fold(text: str) -> str:
    """Traditional → Simplified and upper → lower case; the result has the same length as ``text``."""
    return text.translate(_fold_table())


def _place_names() -> list[str]:
    names: set[str] = set()
    with gzip.open(DATA / "gazetteer.tsv.gz", "rt", encoding="utf-8") as rows:
        next(rows)
        for row in rows:
            fields = row.rstrip("\n").split("\t")
            names.update((fields[0], fields[2], fields[4], fields[6]))
    names.discard("")
    return sorted(names)


def _dictionary_words(path: Path = DATA / "domain_dict.txt") -> list[tuple[str, int | None]]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        words.append((fold(parts[0]), freq))
    return words


MIN_PHRASE = 3


@lru_cache(maxsize=1)
def indexed_phrases() -> tuple[str, ...]:
    """The strings whose paragraphs the index lists as postings (``phrase`` postings): the thesaurus's terms
    and the domain dictionary's words of MIN_PHRASE characters or more, folded, that are one run of word
    characters.

    A string of three or more characters is otherwise found by its character bigrams and then checked
    against the text of every candidate; the thesaurus's equivalents and related terms are what expanded
    queries search for, so their paragraphs are found once when a segment is written (see
    :func:`search.index.fastindex.phrase_keys`). A term added to the thesaurus later is still found by
    checking texts, until the segments are written again.
    """
    from search.query.thesaurus import load_thesaurus

    terms = {fold(term) for term in load_thesaurus().terms()} | {word for word, _ in _dictionary_words()}
    return tuple(sorted(term for term in terms if len(term) >= MIN_PHRASE and RUN.fullmatch(term)))


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

    from search.query.thesaurus import load_thesaurus

    # The instance rjieba builds when it is imported: a second Jieba() would load the dictionary again.
    jieba = rjieba._DEFAULT_JIEBA
    for name in _place_names():
        jieba.add_word(name, None, None)
    for word, freq in _dictionary_words():
        jieba.add_word(word, freq, None)
    for word in sorted(load_thesaurus().terms()):
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
