"""What the index keeps of a paragraph, computed in the reader processes: its words and their frequencies, its
character grams, the indexed phrases it contains, its folded text; and how that travels to the writer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b

import numpy as np

from search.index.analyze import fold, index_words, indexed_phrases, segmenter, word_counts
from search.index.docsets import distinct

SHIFT = 21
MAX_TF = 255  # a word's frequency in a paragraph is kept in one byte, as the index stores it
WORD_RANGES = ((0x30, 0x39), (0x61, 0x7A), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))


def is_word_char(codes: np.ndarray) -> np.ndarray:
    """Whether each code point is a word character (every one of WORD_RANGES is below 0x10000)."""
    return _word_char_table()[np.minimum(codes, 0xFFFF)]


@lru_cache(maxsize=1)
def _word_char_table() -> np.ndarray:
    """A flag per code point below 0x10000: one lookup per character instead of ten comparisons."""
    table = np.zeros(0x10000, dtype=bool)
    for low, high in WORD_RANGES:
        table[low : high + 1] = True
    table[0xFFFF] = False  # stands for every code point above it
    return table


def codes_of(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)


def gram_keys(folded: str) -> np.ndarray:
    """Unique gram keys of folded text: bigrams within runs of word characters, and each run's last character."""
    codes = codes_of(folded)
    if not len(codes):
        return np.zeros(0, dtype=np.int64)
    word = is_word_char(codes)
    pair = word[:-1] & word[1:]
    bigrams = (codes[:-1][pair] << SHIFT) | codes[1:][pair]
    run_end = word & np.append(~word[1:], True)
    singles = codes[run_end] << SHIFT
    return distinct(np.concatenate((bigrams, singles)))


def query_keys(run: str) -> list[int]:
    """The gram keys a run of word characters must all have (a one-character run is a range)."""
    codes = [ord(c) for c in run]
    return [(a << SHIFT) | b for a, b in zip(codes, codes[1:], strict=False)]


@lru_cache(maxsize=200_000)
def word_key(word: str) -> int:
    """A stable 63-bit key of a word (the same in every process; collisions are negligible)."""
    return int.from_bytes(blake2b(word.encode("utf-8"), digest_size=8).digest(), "little") >> 1


@dataclass
class ParagraphTerms:
    """What the index needs of one paragraph, computed in a worker process; its term frequencies saturate at
    MAX_TF, in one byte, as the index keeps them."""

    word_keys: np.ndarray
    word_tfs: np.ndarray
    length: int
    grams: np.ndarray
    text: str
    section: tuple[str, ...]  # the headings above the paragraph, as written
    bands: np.ndarray | None = None
    phrases: np.ndarray | None = None
    original: str | None = None  # the text as written, where folding changed it (see Segment.original)


def paragraph_terms(text: str, section: list[str]) -> ParagraphTerms:
    """Word counts (every word and the dictionary words inside it, as :func:`search.index.analyze.word_tokens`
    yields them), length in words, grams and folded text."""
    folded = fold(text)
    counts = index_words(folded)
    length = sum(word_counts(segmenter().cut(folded, True)).values())
    return ParagraphTerms(
        word_keys=np.fromiter(map(word_key, counts), dtype=np.int64, count=len(counts)),
        word_tfs=np.minimum(np.fromiter(counts.values(), dtype=np.int64, count=len(counts)), MAX_TF).astype(np.uint8),
        length=length,
        grams=gram_keys(folded),
        text=folded,
        section=tuple(section),
        phrases=phrase_keys(folded),
        original=text if folded != text else None,
    )


_PACKED_ARRAYS = ("word_keys", "word_tfs", "grams", "phrases")


@dataclass
class PackedTerms:
    """The terms of a report's paragraphs as a few arrays, to send from a reader process to the writer.

    Pickling five small arrays per paragraph cost the writer, whose process is the one every paragraph waits
    for, more than its own work on them; one array per field per report costs little."""

    arrays: dict[str, np.ndarray]
    bounds: dict[str, np.ndarray]
    bands: np.ndarray | None
    lengths: list[int]
    texts: list[str]
    sections: list[tuple[str, ...]]
    originals: list[str | None]


def pack_terms(terms: list[ParagraphTerms]) -> PackedTerms:
    arrays, bounds = {}, {}
    for name in _PACKED_ARRAYS:
        parts = [getattr(t, name) for t in terms]
        arrays[name] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        bounds[name] = np.cumsum([len(part) for part in parts])[:-1]
    has_bands = bool(terms) and all(t.bands is not None for t in terms)
    return PackedTerms(
        arrays=arrays,
        bounds=bounds,
        bands=np.stack([t.bands for t in terms]) if has_bands else None,
        lengths=[t.length for t in terms],
        texts=[t.text for t in terms],
        sections=[t.section for t in terms],
        originals=[t.original for t in terms],
    )


def unpack_terms(packed: PackedTerms) -> list[ParagraphTerms]:
    """The paragraphs' terms again, their arrays views of the packed ones."""
    if not packed.lengths:
        return []
    split = {name: np.split(packed.arrays[name], packed.bounds[name]) for name in _PACKED_ARRAYS}
    bands = packed.bands if packed.bands is not None else [None] * len(packed.lengths)
    return [
        ParagraphTerms(
            word_keys=word_keys,
            word_tfs=word_tfs,
            length=length,
            grams=grams,
            text=text,
            section=section,
            bands=row,
            phrases=phrases,
            original=original,
        )
        for word_keys, word_tfs, grams, phrases, row, length, text, section, original in zip(
            split["word_keys"],
            split["word_tfs"],
            split["grams"],
            split["phrases"],
            bands,
            packed.lengths,
            packed.texts,
            packed.sections,
            packed.originals,
            strict=True,
        )
    ]


EMPTY = ParagraphTerms(
    word_keys=np.zeros(0, dtype=np.int64),
    word_tfs=np.zeros(0, dtype=np.uint8),
    length=0,
    grams=np.zeros(0, dtype=np.int64),
    text="",
    section=(),
    phrases=np.zeros(0, dtype=np.int64),
)


def phrase_keys(folded: str) -> np.ndarray:
    """The keys of the :func:`search.index.analyze.indexed_phrases` that ``folded`` text contains, sorted:
    one Aho-Corasick pass finds them all, in the reader processes."""
    found = {key for _, key in phrase_automaton()[0].iter(folded)} if folded else ()
    return np.array(sorted(found), dtype=np.int64)


@lru_cache(maxsize=1)
def phrase_automaton():
    """(the automaton of the indexed phrases, whose values are their keys; the keys, sorted)."""
    import ahocorasick

    keys = [word_key(phrase) for phrase in indexed_phrases()]
    automaton = ahocorasick.Automaton()
    for phrase, key in zip(indexed_phrases(), keys, strict=True):
        automaton.add_word(phrase, key)
    automaton.make_automaton()
    return automaton, np.sort(np.array(keys, dtype=np.int64))


NO_KEY = (1 << 64) - 1
PARAGRAPH_ID = re.compile(r"([0-9a-f]{1,12})-([0-9]{1,5})")


def id_key(document_id: str) -> int:
    """A number that sorts like the id: <12 hex digits>-<ordinal below 65536>; report documents and any
    other string (too long, not hex: never a paragraph) get NO_KEY, which sorts last."""
    match = PARAGRAPH_ID.fullmatch(document_id)
    if not match or int(match.group(2)) >= 1 << 16:
        return NO_KEY
    return (int(match.group(1), 16) << 16) | int(match.group(2))
