"""Per-segment inverted index in NumPy arrays, written beside each Whoosh segment.

Whoosh keeps the stored fields (each report's, and a paragraph's own), deletions
and atomic commits.
Its own postings cost tens of microseconds per posting in Python, which at
province scale (200,000 paragraphs) makes indexing and searching far too slow,
so the inverted index lives here instead, one directory per piece of a Whoosh
segment (``fast/<segment id>/``, then ``fast/<segment id>.1/`` … for segments
past PIECE_SIZE documents), written before the commit that makes the segment
visible. A merge writes the merged segment's arrays anew; a segment's arrays stay
valid until the segment is merged away or deleted by a rebuild.

Per piece, for local document numbers 0..n-1 (in the order they were added):

* words — the jieba words of each paragraph (sub-words of long words included,
  as the word tokenizer yields them) as CSR postings with term frequencies and
  document lengths, for BM25;
* grams — every character bigram of each run of word characters and each run's
  last character, as 64-bit keys (first << 21 | second), with document postings:
  any string of characters in a paragraph has all its bigrams there;
* the folded text of each paragraph, to verify that a candidate really contains
  a string of three or more characters; and, for the few whose folding changed
  them, the text as written: together they are the paragraphs' texts, which
  Whoosh's stored fields do not hold (pickling and compressing them per
  paragraph was a third of the indexing process's time);
* phrases — for each indexed phrase (the thesaurus's terms and the domain
  dictionary's words of three characters or more), the paragraphs containing
  it, found when the piece is written: expanded queries search for those terms,
  and need not verify them in the texts (``phrase_vocabulary.npy`` lists the
  phrases the piece was written with; any other string is verified);
* the heading path of each paragraph (as an id into the segment's distinct
  headings), with its own gram postings;
* the facet values of each document as codes into the segment's value lists,
  its year, topics, kind and a sort key of its id, so that opening an index
  state never reads Whoosh's columns document by document.

Arrays are memory-mapped: a serving process holds in memory only the pages
its queries touch. Texts are stored in a compact code of the piece's own
(:mod:`search.index.textcode`), in which a paragraph is a slice and a string
is found by a byte search.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import threading
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

import numpy as np

from search.index.analyze import MIN_PHRASE, RUN, phrases_containing
from search.index.bandkeys import BandKeys
from search.index.docsets import distinct, intersect, subtract
from search.index.frequencies import Frequencies
from search.index.heap import drop_mapped_pages
from search.index.minhash import bands_of_texts, body_rules
from search.index.pread import docs_containing, open_for_pread, pread
from search.index.terms import SHIFT, query_keys, word_key
from search.index.textcode import TextCode

FAST_DIR = "fast"
ARRAYS_FORMAT = 6  # 2: postings as one-byte gaps with exceptions; 3: section paths as written; 4: texts coded;
# 5: facet codes in the smallest type, topics as bits, text offsets 32-bit; 6: term frequencies in 4 bits
"""The layout of the arrays beside each segment. A segment written under another (by an older or a newer
version) is never read: the index is rebuilt (``reportsearch index``, ``serve``) or refused with a message
(``search``). Segments written before the number was recorded are format 1."""
GAP_ESCAPE = 255  # a posting's gap byte when the gap is among the exceptions
BANDS_STEM = "minhash_band"  # minhash_bands-*.npy: the dense keys of format 3
NO_DOCS = np.zeros(0, dtype=np.int32)
NO_DOCS.flags.writeable = False
COMMON_CHARACTERS_KEPT = 8
PHRASES_FILE = "phrase_vocabulary.npy"
SECTIONS_FILE = "sections.json"
TEXTS_FILE = "texts.coded"
CHECK_MANY = 64  # candidates left to check in the texts before containing() asks the longer indexed phrases
TEXT_LENGTHS_FILE = "text_lengths.npy"
TEXTS_DECODED_AT_ONCE = 4096
NEAR_TOGETHER = 4  # documents' texts are read in one call when they span at most this many times their bytes
CODED = ("level", "township", "county", "city", "province", "part", "report_id")


class Slices:
    """Ranges of a saved one-dimensional array, read from the file into memory of their own.

    A search's posting lists are read this way, not through the memory map: the page cache holds a file
    written in one go in large folios, and touching one posting of a mapped file maps a whole folio into
    the process, which then counts it in its resident memory. The pages stay in the page cache either way;
    what was read is the process's only for the search. Where the system has no ``os.pread`` (Windows),
    ranges are views of the map."""

    def __init__(self, path: Path) -> None:
        saved = np.load(path, mmap_mode="r")
        self._dtype = saved.dtype
        self._start = saved.offset
        self._path = path
        self._fd = open_for_pread(path, self)
        # The map only where there is no pread: each map keeps a descriptor open of its own, and a state of
        # millions of paragraphs has nine such files in each of dozens of pieces.
        self.mapped = saved.view(np.ndarray) if self._fd is None else None
        del saved

    def read(self, start: int, end: int) -> np.ndarray:
        """Elements ``start`` to ``end`` (read-only)."""
        if end <= start:
            return np.zeros(0, dtype=self._dtype)
        if self._fd is None:
            return self.mapped[start:end]
        size = self._dtype.itemsize
        return np.frombuffer(pread(self._fd, (end - start) * size, self._start + start * size, self._path), self._dtype)


class Grams:
    """Postings: sorted keys and offsets (memory-mapped); document numbers as one-byte gaps with exceptions
    (see :func:`search.index.segment_writer.encode_postings`), read per posting list (see Slices) and
    decoded with a cumulative sum."""

    def __init__(self, folder: Path, name: str) -> None:
        self.keys = mapped(folder / f"{name}_keys.npy")
        self.offsets = mapped(folder / f"{name}_offsets.npy")
        self.gaps_file = Slices(folder / f"{name}_gaps.npy")
        self.exceptions_file = Slices(folder / f"{name}_exceptions.npy")
        self.exception_offsets = mapped(folder / f"{name}_exception_offsets.npy")
        self._common_characters: dict[int, np.ndarray] = {}
        self._common_lock = threading.Lock()

    @property
    def docs(self) -> np.ndarray:
        """Every posting list's documents, one after the other (what a merge copies)."""
        return self.lists(0, len(self.keys))

    def postings(self, key: int) -> np.ndarray:
        at = int(np.searchsorted(self.keys, key))
        if at < len(self.keys) and self.keys[at] == key:
            return self.lists(at, at + 1)
        return NO_DOCS

    def lists(self, low: int, high: int) -> np.ndarray:
        """The documents of posting lists ``low`` to ``high`` (exclusive), one list after the other."""
        start, end = int(self.offsets[low]), int(self.offsets[high])
        if end <= start:
            return NO_DOCS
        raw = self.gaps_file.read(start, end)
        first_exception, end_exception = int(self.exception_offsets[low]), int(self.exception_offsets[high])
        if first_exception == end_exception:  # a common word's list rarely has a gap of 255 or more
            values = raw
        else:
            values = raw.astype(np.int32)
            values[np.flatnonzero(raw == GAP_ESCAPE)] = self.exceptions_file.read(first_exception, end_exception)
        if high - low == 1:
            return np.cumsum(values, dtype=np.int32)
        total = np.cumsum(values, dtype=np.int64)
        firsts = np.asarray(self.offsets[low:high]) - start
        before = total[firsts] - values[firsts].astype(np.int64)  # each list counts from 0
        return (total - np.repeat(before, np.diff(np.asarray(self.offsets[low : high + 1])))).astype(np.int32)

    def frequencies(self, keys: np.ndarray) -> np.ndarray:
        """How many documents each key has (0 for a key not indexed)."""
        if not len(self.keys):
            return np.zeros(len(keys), dtype=np.int64)
        at = np.searchsorted(self.keys, keys)
        inside = at < len(self.keys)
        inside[inside] = self.keys[at[inside]] == keys[inside]
        at = np.where(inside, at, 0)
        return np.where(inside, self.offsets[at + 1] - self.offsets[at], 0)

    def starting_with(self, code: int, size: int) -> np.ndarray:
        """Documents (of ``size``) with any gram whose first character is ``code`` (every occurrence of it).

        The documents of a character in more than 1/16 of them (的, 法, 工) are kept, for the last
        COMMON_CHARACTERS_KEPT such characters: finding them reads every occurrence of the character, most of
        a common-word search's time, and they are a flag's worth per document at most."""
        kept = self._common_characters.get(code)
        if kept is not None:
            return kept
        docs = self._docs_starting_with(code, size)
        if len(docs) * 16 >= size:
            self.keep(code, docs)
        return docs

    def _docs_starting_with(self, code: int, size: int) -> np.ndarray:
        low = int(np.searchsorted(self.keys, code << SHIFT))
        high = int(np.searchsorted(self.keys, (code + 1) << SHIFT))
        if low == high:
            return NO_DOCS
        return ascending(self.lists(low, high), size, repeats=True).astype(np.int32, copy=False)

    def keep(self, code: int, docs: np.ndarray) -> None:
        """Keep the documents of a common character (see :meth:`starting_with`), read-only."""
        if docs.flags.writeable:
            docs.flags.writeable = False
        with self._common_lock:
            while len(self._common_characters) >= COMMON_CHARACTERS_KEPT:
                self._common_characters.pop(next(iter(self._common_characters)))
            self._common_characters[code] = docs

    def commonest_characters(self, size: int) -> dict[int, np.ndarray]:
        """The documents of the COMMON_CHARACTERS_KEPT characters with the most grams, those in at least 1/16
        of the ``size`` documents (as :meth:`starting_with` would keep them), commonest first; not kept."""
        if not len(self.keys):
            return {}
        first = np.asarray(self.keys) >> SHIFT
        starts = np.flatnonzero(np.concatenate(([True], first[1:] != first[:-1])))
        occurrences = np.add.reduceat(np.diff(np.asarray(self.offsets)), starts)
        found = {}
        for at in np.argsort(occurrences, kind="stable")[::-1][:COMMON_CHARACTERS_KEPT].tolist():
            code = int(first[starts[at]])
            docs = self._common_characters.get(code)
            docs = self._docs_starting_with(code, size) if docs is None else docs
            if len(docs) * 16 >= size:
                found[code] = docs
        return found

    def candidates(self, run: str, size: int) -> np.ndarray:
        """Documents (of ``size``) that have every gram of ``run`` (exact for runs of one or two characters)."""
        if len(run) == 1:
            return self.starting_with(ord(run), size)
        result = None
        for docs in sorted((self.postings(key) for key in query_keys(run)), key=len):
            result = np.asarray(docs) if result is None else intersect(result, docs, size)
            if not len(result):
                break
        return result


class Segment:
    """The loaded arrays of one Whoosh segment."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.words = Grams(folder, "word")
        self.word_frequencies = Frequencies(folder, "word", Slices(folder / "word_tf_nibbles.npy").read)
        self.lengths = np.load(folder / "lengths.npy")
        self.grams = Grams(folder, "gram")
        # A memoryview of the mapped file: indexing it gives Python ints as fast as a list, without a list's
        # 36 bytes per paragraph of private memory in every serving process.
        self.text_offsets = _int_view(np.load(folder / "text_offsets.npy", mmap_mode="r"))
        self.texts = _map_file(folder / TEXTS_FILE)
        self._texts_fd = open_for_pread(folder / TEXTS_FILE, self)
        self.text_code = TextCode.load(folder)
        # Segments written before the texts as written were kept here have them in Whoosh's stored fields.
        self.original_docs = np.load(folder / "original_docs.npy") if (folder / "original_docs.npy").exists() else None
        if self.original_docs is not None:
            self.original_offsets = np.load(folder / "original_offsets.npy")
            self.originals = _map_file(folder / "originals.utf16")
        headings = (folder / "headings.txt").read_text(encoding="utf-8")
        self.headings = headings.split("\n") if headings else []
        self.heading_of = np.load(folder / "heading_of.npy")
        self._sections: list[list[str]] | None = None
        self.heading_grams = Grams(folder, "heading_gram")
        # Segments written before phrase postings existed have none: their strings are checked in the texts.
        self.phrases = Grams(folder, "phrase") if (folder / PHRASES_FILE).exists() else None
        self.phrase_vocabulary = mapped(folder / PHRASES_FILE) if self.phrases is not None else None
        self._bands: BandKeys | None = None
        self._heading_groups: tuple[np.ndarray, np.ndarray] | None = None

    def bands(self) -> BandKeys:
        """Near-duplicate band keys per local document (:mod:`search.index.minhash`); computed from the texts
        for a segment written before they were stored."""
        if self._bands is None:
            path = self.folder / bands_file()
            if path.exists():
                self._bands = BandKeys.load(path)
            else:
                self._bands = BandKeys.of_rows(bands_of_texts(self.texts_of(list(range(self.count)))))
                if save_quietly(path, self._bands.save):
                    _drop_older_bands(self.folder)
        return self._bands

    @property
    def count(self) -> int:
        return len(self.lengths)

    # The columns below are read from disk at each use and not kept: an index state copies them into its
    # own tables by document number (and a merge copies them), so keeping them in every loaded segment
    # doubled them in each serving process.

    @property
    def codes(self) -> dict[str, np.ndarray]:
        """Each coded facet's value of each local document, as a position in :attr:`values` (-1: none)."""
        return {name: np.load(self.folder / f"codes_{name}.npy") for name in CODED}

    @property
    def years(self) -> np.ndarray:
        return np.load(self.folder / "years.npy")

    @property
    def topics(self) -> np.ndarray:
        """A flag per local document and topic (columns in the order of :attr:`topic_names`; stored as bits)."""
        bits = np.load(self.folder / "topics.npy")
        return np.unpackbits(bits, axis=1, count=max(1, len(self.topic_names))).view(bool)

    @property
    def paragraph(self) -> np.ndarray:
        """Whether each local document is a paragraph (not a report's own document)."""
        return np.load(self.folder / "paragraph.npy")

    @property
    def id_keys(self) -> np.ndarray:
        return np.load(self.folder / "id_keys.npy")

    @property
    def text_lengths(self) -> np.ndarray:
        """Each local document's text length in UTF-16 units (characters, but for those beyond the BMP)."""
        return np.load(self.folder / TEXT_LENGTHS_FILE, mmap_mode="r")

    def text(self, docnum: int) -> str:
        """The folded text of a local document."""
        return self.text_code.decode(self.texts[self.text_offsets[docnum] : self.text_offsets[docnum + 1]])

    def texts_of(self, docnums: list[int]) -> list[str]:
        """:meth:`text` of many local documents, decoded TEXTS_DECODED_AT_ONCE at a time (NumPy's fixed cost
        per call was most of decoding one)."""
        found = []
        for first in range(0, len(docnums), TEXTS_DECODED_AT_ONCE):
            spans = self._coded_texts(docnums[first : first + TEXTS_DECODED_AT_ONCE])
            bounds = np.zeros(len(spans) + 1, dtype=np.int64)
            np.cumsum([len(span) for span in spans], out=bounds[1:])
            found += self.text_code.decode_many(b"".join(spans), bounds)
        return found

    def _coded_texts(self, docnums: list[int]) -> list:
        """The coded bytes of each document's text, read from the file as Slices reads postings: the texts
        a clustering or a merge reads in bulk (all of them, in the end) must not stay in the process's
        resident memory as pages of the map. Documents close together are read in one call."""
        offsets, fd, path = self.text_offsets, self._texts_fd, self.folder / TEXTS_FILE
        if fd is None or not docnums:
            return [self.texts[offsets[d] : offsets[d + 1]] for d in docnums]
        starts, ends = [offsets[d] for d in docnums], [offsets[d + 1] for d in docnums]
        low, high = min(starts), max(ends)
        if high - low <= NEAR_TOGETHER * (sum(ends) - sum(starts)):
            block = memoryview(pread(fd, high - low, low, path))
            return [block[start - low : end - low] for start, end in zip(starts, ends, strict=True)]
        return [pread(fd, end - start, start, path) for start, end in zip(starts, ends, strict=True)]

    @cached_property
    def _facet_values(self) -> dict:
        """The segment's facets.json, read at the first use: only a facet table being built reads it, and a
        server mapping the saved one never does (49 MB of strings at eight million paragraphs)."""
        return json.loads((self.folder / "facets.json").read_text(encoding="utf-8"))

    @property
    def values(self) -> dict[str, list[str]]:
        """Each coded facet's values, in the order of the segment's codes."""
        return self._facet_values["values"]

    @property
    def topic_names(self) -> list[str]:
        """The topics, in the order of the segment's topic columns."""
        return self._facet_values["topics"]

    def release_pages(self) -> None:
        """Take the resident pages of the texts' and band keys' maps out of this process (see
        :func:`search.index.heap.drop_mapped_pages`): what searches touched comes back on the next read."""
        drop_mapped_pages(self.texts)
        if self.original_docs is not None:
            drop_mapped_pages(self.originals)
        if self._bands is not None:
            self._bands.release_pages()

    def original(self, docnum: int) -> str | None:
        """The text of a local document as written, where folding changed it; None where it did not, and in
        a segment written before these were kept (Whoosh's stored fields hold its texts)."""
        if self.original_docs is None:
            return None
        at = int(np.searchsorted(self.original_docs, docnum))
        if at == len(self.original_docs) or self.original_docs[at] != docnum:
            return None
        return self.originals[self.original_offsets[at] : self.original_offsets[at + 1]].decode("utf-16-le")

    def written(self, docnum: int) -> str | None:
        """The text of a local document as written (None in a segment that leaves it to Whoosh's stored
        fields)."""
        if self.original_docs is None:
            return None
        original = self.original(docnum)
        return self.text(docnum) if original is None else original

    def written_of(self, docnums: list[int]) -> list[str]:
        """The texts as written of many local documents (:meth:`texts_of`, with the originals where folding
        changed them)."""
        texts = self.texts_of(docnums)
        if self.original_docs is not None and len(self.original_docs):
            changed = set(self.original_docs.tolist())  # few: one lookup each, not a search per document
            for at, docnum in enumerate(docnums):
                if docnum in changed:
                    texts[at] = self.original(docnum)
        return texts

    def having(self, docs: list[int], needle: str) -> list[int]:
        """The documents among ``docs`` (ascending) whose folded text contains ``needle``, searched in the coded
        bytes (the code synchronises itself: a match found in the bytes is a match of the characters), read
        with ``pread`` where there is one so that the texts' pages stay out of the process."""
        offsets, encoded = self.text_offsets, self.text_code.encode(needle)
        if self._texts_fd is not None:
            return docs_containing(self._texts_fd, self.folder / TEXTS_FILE, offsets, docs, encoded)
        find = self.texts.find
        return [d for d in docs if find(encoded, offsets[d], offsets[d + 1]) != -1]

    def word(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents, term frequencies) of a word."""
        keys = self.words.keys
        key = word_key(word)
        at = int(np.searchsorted(keys, key))
        if at == len(keys) or keys[at] != key:
            return NO_DOCS, np.zeros(0, dtype=np.uint8)
        start, end = int(self.words.offsets[at]), int(self.words.offsets[at + 1])
        return self.words.lists(at, at + 1), self.word_frequencies.read(start, end)

    def containing(self, needle: str, known: np.ndarray | None = None) -> np.ndarray:
        """Local documents whose text contains ``needle`` (folded), ascending. ``known`` are already known to; so are
        those of a longer indexed phrase holding it (法律顾问制度 for 顾问制度), asked past CHECK_MANY left to check."""
        listed = self.phrase_documents(needle)
        if listed is not None:
            return listed
        runs = _runs(needle)
        if not runs:
            return NO_DOCS
        result = None
        for run in sorted(runs, key=len, reverse=True):
            docs = self.grams.candidates(run, self.count)
            result = docs if result is None else intersect(result, docs, self.count)
        checks = [run for run in runs if len(run) > 2]
        if not checks or not len(result):
            return result
        unsure, sure = subtract(result, known, self.count) if known is not None and len(known) else (result, result[:0])
        if len(unsure) > CHECK_MANY:  # checking every 顾问制度 of the benchmark's corpus read the texts file whole
            longer = [self.phrase_documents(phrase) for phrase in phrases_containing(needle)]
            longer = np.concatenate([NO_DOCS, *(docs for docs in longer if docs is not None)])
            unsure, also = subtract(unsure, longer, self.count)
            sure = np.sort(np.concatenate((sure, also)))
        verified = unsure.tolist()
        for run in checks:
            verified = self.having(verified, run)
        verified = np.array(verified, dtype=sure.dtype)
        if not len(sure) or not len(verified):
            return sure if len(sure) else verified
        return np.sort(np.concatenate((sure, verified)))

    def phrase_documents(self, needle: str) -> np.ndarray | None:
        """Local documents containing ``needle`` when it is one of this segment's indexed phrases, else None."""
        if self.phrases is None or len(needle) < MIN_PHRASE:
            return None
        key = word_key(needle)
        vocabulary = self.phrase_vocabulary
        at = int(np.searchsorted(vocabulary, key))
        if at == len(vocabulary) or vocabulary[at] != key:
            return None
        return self.phrases.postings(key)

    def heading_containing(self, needle: str) -> np.ndarray:
        """Local documents whose heading path contains ``needle``, ascending."""
        runs = _runs(needle)
        if not runs or not self.headings:
            return NO_DOCS
        matched = None
        headings = len(self.headings)
        for run in runs:
            ids = self.heading_grams.candidates(run, headings)
            if len(run) > 2:
                ids = np.array([i for i in ids.tolist() if run in self.headings[i]], dtype=np.int32)
            matched = ids if matched is None else intersect(matched, ids, headings)
        if not len(matched):
            return NO_DOCS
        order, bounds = self._by_heading()
        starts, sizes = bounds[matched], bounds[matched + 1] - bounds[matched]
        if not sizes.sum():
            return NO_DOCS
        ends = np.cumsum(sizes)
        spans = np.repeat(starts - ends + sizes, sizes) + np.arange(ends[-1])
        return ascending(order[spans], self.count)

    def section_of(self, docnum: int) -> tuple[str, ...]:
        """The headings above a local document, as written (what Whoosh stored with every paragraph before:
        a third of its stored fields)."""
        heading = int(self.heading_of[docnum])
        if heading < 0:
            return ()
        if self._sections is None:
            self._sections = json.loads((self.folder / SECTIONS_FILE).read_text(encoding="utf-8"))
        return tuple(self._sections[heading])

    def _by_heading(self) -> tuple[np.ndarray, np.ndarray]:
        """(local documents grouped by heading, where each heading's group starts): the documents under
        matching headings are read from their groups rather than found by a pass over every document."""
        if self._heading_groups is None:
            order = np.argsort(self.heading_of, kind="stable").astype(np.int32)
            bounds = np.searchsorted(self.heading_of[order], np.arange(len(self.headings) + 2))
            self._heading_groups = (order, bounds)
        return self._heading_groups


def arrays_format(folder: Path) -> int | None:
    """The :data:`ARRAYS_FORMAT` a segment's arrays were written under (None when they cannot be read)."""
    try:
        return int(json.loads((folder / "facets.json").read_text(encoding="utf-8")).get("format", 1))
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def _drop_older_bands(folder: Path) -> None:
    """Delete band keys saved under earlier body rules: nothing reads them again (at 1M they were 270 MB)."""
    for path in folder.glob(f"{BANDS_STEM}*.npy"):
        if path.name != bands_file():
            with contextlib.suppress(OSError):  # a file still mapped by an older server (Windows) stays
                path.unlink()


def bands_file() -> str:
    """The name of a segment's band keys under today's body rules (:func:`search.index.minhash.body_rules`)."""
    return f"{BANDS_STEM}_keys-{body_rules()}.npy"


def save_quietly(path: Path, write: Callable[[BinaryIO], None]) -> bool:
    """Write ``path`` whole or not at all (``write`` fills a temporary file that then replaces it). False,
    and nothing left behind, where the folder is not writable: a server over a read-only index keeps what it
    computed (band keys, facts, clusters) in memory."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "wb") as handle:
            write(handle)
        os.replace(temporary, path)
        return True
    except OSError:
        temporary.unlink(missing_ok=True)
        return False


def ascending(docs: np.ndarray, size: int, repeats: bool = False) -> np.ndarray:
    """``docs`` (document numbers below ``size``) sorted, without repeats when ``repeats`` may hold some. Many
    documents are marked in a flag per document, a linear pass, rather than sorted: a common character or
    heading word covers most of a segment."""
    if len(docs) * 16 < size:
        return distinct(docs) if repeats else np.sort(docs)
    found = np.zeros(size, dtype=bool)
    found[docs] = True
    return np.flatnonzero(found).astype(docs.dtype, copy=False)


def mapped(path: Path) -> np.ndarray:
    """A saved array, memory-mapped, as a plain ndarray: slicing a ``np.memmap`` runs Python code per
    slice (``__array_finalize__``), a cost a search pays for every posting list."""
    return np.load(path, mmap_mode="r").view(np.ndarray)


def _int_view(array: np.ndarray) -> memoryview:
    """A memoryview of a one-dimensional integer array, as it is (an empty one for an empty array)."""
    if not len(array):
        return memoryview(b"").cast("q")
    return memoryview(np.ascontiguousarray(array)).cast("B").cast(array.dtype.char)


def _map_file(path: Path):
    """A read-only memory map of a file (an empty bytes object for an empty file).

    Reads are random (the texts of candidate paragraphs), so the kernel is told not to read ahead: with
    readahead, verifying candidates brought most of the texts into each serving process's resident memory."""
    if not path.stat().st_size:
        return b""
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_RANDOM"):
        mapped.madvise(mmap.MADV_RANDOM)
    return mapped


def _runs(text: str) -> list[str]:
    return RUN.findall(text)


def piece_name(segment_id: str, number: int) -> str:
    """The folder of a segment's piece: the segment id for the first, ``<id>.<k>`` for the others."""
    return segment_id if number == 0 else f"{segment_id}.{number}"


def load_segment(index_dir: Path, segment_id: str) -> list[Segment]:
    """The pieces of one Whoosh segment, in document order."""
    folder = Path(index_dir) / FAST_DIR / segment_id
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} 缺失：索引不完整，请运行 reportsearch index --rebuild")
    pieces = [Segment(folder)]
    while (next_piece := folder.with_name(piece_name(segment_id, len(pieces)))).is_dir():
        pieces.append(Segment(next_piece))
    return pieces


def manifest_bytes(index_dir: Path, segment_id: str) -> bytes:
    """A segment's manifest (see :func:`read_manifest`) as written: JSON in UTF-8, b"[]" when it has none."""
    path = Path(index_dir) / FAST_DIR / segment_id / "reports.json"
    return path.read_bytes() if path.exists() else b"[]"


def read_manifest(index_dir: Path, segment_id: str) -> list[dict]:
    """The reports a segment holds: path, report_id, hash, size, mtime_ns and the report document's number."""
    return json.loads(manifest_bytes(index_dir, segment_id))
