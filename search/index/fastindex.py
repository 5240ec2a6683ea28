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
its queries touch. Texts are stored as UTF-16 so a paragraph is a slice.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import shutil
import weakref
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b
from pathlib import Path

import numpy as np

from search.index.analyze import MIN_PHRASE, fold, index_words, indexed_phrases, segmenter, word_counts
from search.insights.duplicates import bands_and_rows, bands_of_texts

FAST_DIR = "fast"
PIECE_SIZE = 250_000
SEARCH_BELOW = 16  # look documents up by binary search when the other side is this many times longer
BY_TABLE = 32  # … else through a table over every document once they are more than 1/BY_TABLE of them
NEARLY_ALL = 0.95  # above this share kept, boolean indexing beats np.compress
BANDS_FILE = "minhash_bands.npy"
PHRASES_FILE = "phrase_vocabulary.npy"
SHIFT = 21
CODED = ("level", "township", "county", "city", "province", "part", "report_id")
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
    return np.unique(np.concatenate((bigrams, singles)))


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
    """What the index needs of one paragraph, computed in a worker process."""

    word_keys: np.ndarray
    word_tfs: np.ndarray
    length: int
    grams: np.ndarray
    text: str
    heading: str
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
        word_tfs=np.fromiter(counts.values(), dtype=np.int64, count=len(counts)),
        length=length,
        grams=gram_keys(folded),
        text=folded,
        heading=fold(" ".join(section)),
        phrases=phrase_keys(folded),
        original=text if folded != text else None,
    )


_PACKED_ARRAYS = ("word_keys", "word_tfs", "grams", "phrases")


@dataclass
class PackedTerms:
    """The terms of a report's paragraphs as a few arrays, to send from a reader process to the writer.

    Pickling five small arrays per paragraph cost about 20 µs a paragraph in the reader and 35 µs in the
    writer, whose process is the one every paragraph waits for; one array per field per report costs a few."""

    arrays: dict[str, np.ndarray]
    bounds: dict[str, np.ndarray]
    bands: np.ndarray | None
    lengths: list[int]
    texts: list[str]
    headings: list[str]
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
        headings=[t.heading for t in terms],
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
            heading=heading,
            bands=row,
            phrases=phrases,
            original=original,
        )
        for word_keys, word_tfs, grams, phrases, row, length, text, heading, original in zip(
            split["word_keys"],
            split["word_tfs"],
            split["grams"],
            split["phrases"],
            bands,
            packed.lengths,
            packed.texts,
            packed.headings,
            packed.originals,
            strict=True,
        )
    ]


EMPTY = ParagraphTerms(
    word_keys=np.zeros(0, dtype=np.int64),
    word_tfs=np.zeros(0, dtype=np.int64),
    length=0,
    grams=np.zeros(0, dtype=np.int64),
    text="",
    heading="",
    phrases=np.zeros(0, dtype=np.int64),
)


class SegmentBuilder:
    """Collects the terms of the documents of one new Whoosh segment, in add order.

    Memory is bounded by PIECE_SIZE documents, not by the corpus: once ``start()`` named the segment, every
    PIECE_SIZE documents are written as one *piece* (``fast/<segment>.<k>.tmp/``: the same arrays over a
    range of the segment's documents) and dropped; ``write()`` writes the last piece and renames them all
    into place (``fast/<segment>/``, ``fast/<segment>.1/`` …) before the commit that makes them visible.
    At 1,000,000 paragraphs in one piece the indexer peaked at 9.8 GB.
    """

    def __init__(self) -> None:
        self.piece_size = PIECE_SIZE
        self.index_dir: Path | None = None
        self.segment_id = ""
        self.pieces: list[Path] = []
        self.base = 0
        self.reports: list[dict] = []
        self._reset()

    def _reset(self) -> None:
        self.word_keys: list[np.ndarray] = []
        self.word_tfs: list[np.ndarray] = []
        self.lengths: list[int] = []
        self.grams: list[np.ndarray] = []
        self.texts: list[str] = []
        self.originals: dict[int, str] = {}
        self.bands: list[np.ndarray | None] = []
        self.phrases: list[np.ndarray | None] = []
        self.headings: dict[str, int] = {}
        self.heading_of: list[int] = []
        self.values: dict[str, dict[str, int]] = {name: {} for name in CODED}
        self.codes: dict[str, list[int]] = {name: [] for name in CODED}
        self.years: list[int] = []
        self.topic_names: dict[str, int] = {}
        self.topics: list[list[int]] = []
        self.paragraph: list[bool] = []
        self.id_keys: list[int] = []

    def start(self, index_dir: Path, segment_id: str) -> None:
        """Name the segment being built, so that full pieces can be written as they fill."""
        self.index_dir, self.segment_id = Path(index_dir), segment_id

    @property
    def count(self) -> int:
        return self.base + len(self.lengths)

    def add_report(self, path: str, report_id: str, digest: str, stat: os.stat_result) -> None:
        """Record the report whose summary document is added next (the manifest of the segment)."""
        self.reports.append(
            {
                "path": path,
                "report_id": report_id,
                "hash": digest,
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
                "docnum": self.count,
            }
        )

    def add(self, terms: ParagraphTerms, document: dict) -> None:
        """Add one Whoosh document (paragraph or report) with its analyzed terms, in add order."""
        self._add(
            terms,
            {name: document.get(name) or "" for name in CODED},
            int(document.get("year") or 0),
            [t for t in (document.get("topic") or "").split(",") if t],
            document.get("kind") != "report",
            id_key(document["id"]),
        )

    def copy_from(self, pieces: list[Segment], docnums: list[int], manifest: list[dict]) -> None:
        """Append documents of an existing segment (its pieces, in order), as a merge copies them into the
        new one (its live documents, in order): terms, facets and manifest entries come from the arrays."""
        reports = {entry["docnum"]: entry for entry in manifest}
        start = 0
        for piece in pieces:
            inside = [d for d in docnums if start <= d < start + piece.count]
            self._copy_piece(piece, start, inside, reports)
            start += piece.count

    def _copy_piece(self, segment: Segment, start: int, docnums: list[int], reports: dict[int, dict]) -> None:
        words = _per_document(segment.words, segment.count, segment.word_tfs)
        grams = _per_document(segment.grams, segment.count)
        # Phrases found with another vocabulary (or none) are found again in the texts when the piece is written.
        same = segment.phrases is not None and _same_phrases(segment)
        phrases = _per_document(segment.phrases, segment.count) if same else None
        bands = segment.bands()
        codes, years, topic_rows = segment.codes, segment.years, segment.topics
        paragraph, id_keys = segment.paragraph, segment.id_keys
        for number in docnums:
            if number in reports:
                self.reports.append({**reports[number], "docnum": self.count})
            docnum = number - start
            heading = int(segment.heading_of[docnum])
            terms = ParagraphTerms(
                word_keys=words[docnum][0],
                word_tfs=words[docnum][1],
                length=int(segment.lengths[docnum]),
                grams=grams[docnum][0],
                text=segment.text(docnum),
                heading=segment.headings[heading] if heading >= 0 else "",
                bands=bands[docnum],
                phrases=phrases[docnum][0] if phrases is not None else None,
                # None from a segment written before texts as written were kept: Whoosh's stored fields of its
                # documents, which the merge copies too, still hold their texts.
                original=segment.original(docnum),
            )
            values = {}
            for name in CODED:
                code = int(codes[name][docnum])
                values[name] = segment.values[name][code] if code >= 0 else ""
            row = topic_rows[docnum][: len(segment.topic_names)]
            topics = [segment.topic_names[i] for i in np.flatnonzero(row)]
            self._add(terms, values, int(years[docnum]), topics, bool(paragraph[docnum]), int(id_keys[docnum]))

    def _add(
        self, terms: ParagraphTerms, values: dict[str, str], year: int, topics: list[str], paragraph: bool, key: int
    ) -> None:
        for name in CODED:
            value = values[name]
            self.codes[name].append(self.values[name].setdefault(value, len(self.values[name])) if value else -1)
        self.years.append(year)
        self.topics.append([self.topic_names.setdefault(t, len(self.topic_names)) for t in topics])
        self.paragraph.append(paragraph)
        self.id_keys.append(key)
        self.word_keys.append(terms.word_keys)
        self.word_tfs.append(terms.word_tfs)
        self.lengths.append(terms.length)
        self.grams.append(terms.grams)
        if terms.original is not None:
            self.originals[len(self.texts)] = terms.original
        self.texts.append(terms.text)
        self.bands.append(terms.bands)
        self.phrases.append(terms.phrases)
        if terms.heading:
            self.heading_of.append(self.headings.setdefault(terms.heading, len(self.headings)))
        else:
            self.heading_of.append(-1)
        if self.index_dir is not None and len(self.lengths) >= self.piece_size:
            self._flush()

    def _flush(self) -> None:
        """Write the documents collected since the last piece as the next piece, and drop them."""
        name = piece_name(self.segment_id, len(self.pieces))
        temporary = self.index_dir / FAST_DIR / f"{name}.tmp"
        self._write_piece(temporary)
        self.pieces.append(temporary)
        self.base += len(self.lengths)
        self._reset()

    def write(self, index_dir: Path, segment_id: str) -> Path:
        """Write the last piece and rename every piece into place (fast/<segment id>/ first); the manifest of
        the whole segment goes into the first."""
        if self.index_dir is None:
            self.start(index_dir, segment_id)
        if len(self.lengths) or not self.pieces:
            self._flush()
        (self.pieces[0] / "reports.json").write_text(json.dumps(self.reports, ensure_ascii=False), encoding="utf-8")
        for number, temporary in enumerate(self.pieces):
            target = Path(index_dir) / FAST_DIR / piece_name(segment_id, number)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(temporary, target)
        return Path(index_dir) / FAST_DIR / segment_id

    def _write_piece(self, temporary: Path) -> None:
        """The piece's files. The gram postings, the largest, are sorted on a second thread while the rest is
        written (NumPy sorts without holding the GIL): the last piece is written after the reader processes
        are done, with a core free."""
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir(parents=True)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gram-postings") as helper:
            grams = helper.submit(_write_postings, temporary, "gram", self.grams)
            self._write_all_but_grams(temporary)
            grams.result()

    def _write_all_but_grams(self, temporary: Path) -> None:
        _write_postings(temporary, "word", self.word_keys, self.word_tfs)
        np.save(temporary / "lengths.npy", np.array(self.lengths, dtype=np.int32))
        encoded = [t.encode("utf-16-le") for t in self.texts]
        text_offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        text_offsets[1:] = np.cumsum([len(t) for t in encoded])
        np.save(temporary / "text_offsets.npy", text_offsets)
        (temporary / "texts.utf16").write_bytes(b"".join(encoded))
        self._write_originals(temporary)
        np.save(temporary / BANDS_FILE, self._band_rows())
        self._write_facets(temporary)
        headings = sorted(self.headings, key=self.headings.get)
        (temporary / "headings.txt").write_text("\n".join(headings), encoding="utf-8")
        np.save(temporary / "heading_of.npy", np.array(self.heading_of, dtype=np.int32))
        _write_postings(temporary, "heading_gram", [gram_keys(h) for h in headings])
        per_document = [phrase_keys(self.texts[i]) if keys is None else keys for i, keys in enumerate(self.phrases)]
        _write_postings(temporary, "phrase", per_document)
        np.save(temporary / PHRASES_FILE, _phrase_automaton()[1])

    def _write_originals(self, folder: Path) -> None:
        """The texts as written of the documents whose folded text differs (few: traditional characters,
        capital letters), by local document number: with the folded texts they give every paragraph's text
        as written, which Whoosh's stored fields therefore need not hold."""
        docs = sorted(self.originals)
        encoded = [self.originals[d].encode("utf-16-le") for d in docs]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(t) for t in encoded])
        np.save(folder / "original_docs.npy", np.array(docs, dtype=np.int32))
        np.save(folder / "original_offsets.npy", offsets)
        (folder / "originals.utf16").write_bytes(b"".join(encoded))

    def _band_rows(self) -> np.ndarray:
        """Near-duplicate band keys of every document: those the workers computed, the rest (report
        documents, terms built elsewhere) from the texts."""
        missing = [i for i, row in enumerate(self.bands) if row is None]
        computed = dict(zip(missing, bands_of_texts([self.texts[i] for i in missing]), strict=True))
        rows = [computed[i] if row is None else row for i, row in enumerate(self.bands)]
        return np.array(rows, dtype=np.uint64).reshape(len(rows), bands_and_rows()[0])

    def _write_facets(self, folder: Path) -> None:
        count = len(self.lengths)
        values = {name: sorted(self.values[name], key=self.values[name].get) for name in CODED}
        topics = sorted(self.topic_names, key=self.topic_names.get)
        (folder / "facets.json").write_text(
            json.dumps({"values": values, "topics": topics}, ensure_ascii=False), encoding="utf-8"
        )
        for name in CODED:
            np.save(folder / f"codes_{name}.npy", np.array(self.codes[name], dtype=np.int32))
        np.save(folder / "years.npy", np.array(self.years, dtype=np.int32))
        matrix = np.zeros((count, max(1, len(topics))), dtype=bool)
        for docnum, columns in enumerate(self.topics):
            matrix[docnum, columns] = True
        np.save(folder / "topics.npy", matrix)
        np.save(folder / "paragraph.npy", np.array(self.paragraph, dtype=bool))
        np.save(folder / "id_keys.npy", np.array(self.id_keys, dtype=np.uint64))


NO_KEY = (1 << 64) - 1
PARAGRAPH_ID = re.compile(r"([0-9a-f]{1,12})-([0-9]{1,5})")


def id_key(document_id: str) -> int:
    """A number that sorts like the id: <12 hex digits>-<ordinal below 65536>; report documents and any
    other string (too long, not hex: never a paragraph) get NO_KEY, which sorts last."""
    match = PARAGRAPH_ID.fullmatch(document_id)
    if not match or int(match.group(2)) >= 1 << 16:
        return NO_KEY
    return (int(match.group(1), 16) << 16) | int(match.group(2))


def _write_postings(folder: Path, name: str, keys: list[np.ndarray], values: list[np.ndarray] | None = None) -> None:
    """Postings from per-document key arrays: sorted unique keys, offsets into docs (and term frequencies)."""
    counts = [len(k) for k in keys]
    all_keys = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
    docs = np.repeat(np.arange(len(keys), dtype=np.int32), counts)
    doc_bits = max(1, (len(keys) - 1).bit_length())
    if values is None and _fits_beside(all_keys, doc_bits):
        packed = all_keys << doc_bits
        del all_keys
        packed |= docs
        del docs
        sorted_keys, sorted_docs = _sorted_by_key_and_doc(packed, doc_bits)
    else:
        order = np.argsort(all_keys, kind="stable")
        sorted_keys, sorted_docs = all_keys[order], docs[order]
        if values is not None:
            tfs = np.concatenate(values) if values else np.zeros(0, dtype=np.int64)
            np.save(folder / f"{name}_tfs.npy", np.minimum(tfs, 255).astype(np.uint8)[order])
    starts = (
        np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1 if len(sorted_keys) else np.zeros(0, dtype=np.int64)
    )
    unique = sorted_keys[np.concatenate(([0], starts))] if len(sorted_keys) else sorted_keys
    offsets = (
        np.concatenate(([0], starts, [len(sorted_keys)])).astype(np.int64)
        if len(sorted_keys)
        else np.zeros(1, dtype=np.int64)
    )
    np.save(folder / f"{name}_keys.npy", unique)
    np.save(folder / f"{name}_offsets.npy", offsets)
    np.save(folder / f"{name}_docs.npy", sorted_docs)


def _fits_beside(keys: np.ndarray, doc_bits: int) -> bool:
    """Whether every key, shifted left by ``doc_bits``, still fits in an int64 (gram keys do; word hashes do not)."""
    return not len(keys) or (int(keys.min()) >= 0 and int(keys.max()).bit_length() + doc_bits <= 63)


def _sorted_by_key_and_doc(packed: np.ndarray, doc_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys and documents in (key, document) order from ``packed`` (key << doc_bits | document), sorted in
    place: NumPy sorts values several times faster than a stable argsort followed by two gathers (a
    piece's writing is the indexer's one step that no reader process overlaps at the end), and in place
    the sort needs no second copy of the postings."""
    packed.sort()
    docs = (packed & ((1 << doc_bits) - 1)).astype(np.int32)
    packed >>= doc_bits
    return packed, docs


def phrase_keys(folded: str) -> np.ndarray:
    """The keys of the :func:`search.index.analyze.indexed_phrases` that ``folded`` text contains, sorted:
    one Aho-Corasick pass finds them all (about 18 µs a paragraph, in the reader processes)."""
    found = {key for _, key in _phrase_automaton()[0].iter(folded)} if folded else ()
    return np.array(sorted(found), dtype=np.int64)


def _same_phrases(segment: Segment) -> bool:
    """Whether ``segment`` was written with the phrases indexed now (a merge copies its phrase postings
    rather than finding them again in the texts)."""
    return np.array_equal(segment.phrase_vocabulary, _phrase_automaton()[1])


@lru_cache(maxsize=1)
def _phrase_automaton():
    """(the automaton of the indexed phrases, whose values are their keys; the keys, sorted)."""
    import ahocorasick

    keys = [word_key(phrase) for phrase in indexed_phrases()]
    automaton = ahocorasick.Automaton()
    for phrase, key in zip(indexed_phrases(), keys, strict=True):
        automaton.add_word(phrase, key)
    automaton.make_automaton()
    return automaton, np.sort(np.array(keys, dtype=np.int64))


def _per_document(postings: Grams, count: int, values: np.ndarray | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Postings turned back into (keys, values) per local document: what a merge copies."""
    keys = np.asarray(postings.keys)
    docs = np.asarray(postings.docs)
    per_posting = np.repeat(keys, np.diff(np.asarray(postings.offsets)))
    order = np.argsort(docs, kind="stable")
    bounds = np.searchsorted(docs[order], np.arange(count + 1))
    tfs = np.asarray(values)[order].astype(np.int64) if values is not None else np.zeros(len(order), dtype=np.int64)
    sorted_keys = per_posting[order]
    return [(sorted_keys[bounds[d] : bounds[d + 1]], tfs[bounds[d] : bounds[d + 1]]) for d in range(count)]


def select(values: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """``values`` where boolean ``keep`` holds, as a new array. NumPy's boolean indexing costs about four times
    what ``np.compress`` does when the mask is mixed (1.0 against 0.23 ms for 200,000 values, half of them
    kept), and less when nearly all are kept."""
    kept = int(np.count_nonzero(keep))
    if kept == len(keep):
        return values.copy()
    return values[keep] if kept > NEARLY_ALL * len(keep) else np.compress(keep, values)


def intersect(small: np.ndarray, other: np.ndarray, size: int) -> np.ndarray:
    """Sorted ``small`` ∩ sorted ``other`` for document numbers below ``size``."""
    return select(small, members(small, other, size))


def members(docs: np.ndarray, others: np.ndarray, total: int) -> np.ndarray:
    """For each of ``docs``, whether it is in ascending ``others`` (document numbers below ``total``).

    A binary search per document when they are much fewer than ``others`` or both are few, else a table of
    ``total`` flags (linear time): at 1,000,000 documents, looking 200,000 documents up by binary search
    took 10 ms (cache misses) and through a table 1 ms."""
    if not len(others) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    if len(docs) * SEARCH_BELOW < len(others) or not by_table(len(docs) + len(others), total):
        at = np.searchsorted(others, docs)
        at[at == len(others)] = 0
        return others[at] == docs
    present = np.zeros(total, dtype=bool)
    present[others] = True
    return present[docs]


def by_table(size: int, total: int) -> bool:
    """Whether ``size`` documents are many enough to look up through a table of all ``total``."""
    return size * BY_TABLE > total


def subtract(docs: np.ndarray, known: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(docs not in known, docs in known)."""
    present = np.zeros(size, dtype=bool)
    present[known] = True
    inside = present[docs]
    return select(docs, ~inside), select(docs, inside)


class Slices:
    """Ranges of a saved one-dimensional array, read from the file into memory of their own.

    A search's posting lists are read this way, not through the memory map: the page cache holds a file
    written in one go in large folios, and touching one posting of a mapped file maps a whole folio into
    the process (at 1,000,000 paragraphs, a serving process started on a freshly written index had 427 MB
    of posting-file pages resident after the benchmark's requests, and peaked at 1,159 MB; reading the
    lists, 754 MB). The pages stay in the page cache either way; what was read is the process's only for
    the search. Where the system has no ``os.pread`` (Windows), ranges are views of the map."""

    def __init__(self, path: Path) -> None:
        saved = np.load(path, mmap_mode="r")
        self.mapped = saved.view(np.ndarray)
        self._dtype = saved.dtype
        self._start = saved.offset
        self._path = path
        self._fd = os.open(path, os.O_RDONLY) if hasattr(os, "pread") else None
        if self._fd is not None:
            weakref.finalize(self, os.close, self._fd)

    def read(self, start: int, end: int) -> np.ndarray:
        """Elements ``start`` to ``end`` (read-only)."""
        if self._fd is None or end <= start:
            return self.mapped[start:end]
        size = self._dtype.itemsize
        data = os.pread(self._fd, (end - start) * size, self._start + start * size)
        if len(data) != (end - start) * size:
            raise OSError(f"{self._path}：文件比索引记录的短（被截断？）")
        return np.frombuffer(data, dtype=self._dtype)


class Grams:
    """Postings: sorted keys, offsets (memory-mapped), document numbers (read per posting list, see Slices)."""

    def __init__(self, folder: Path, name: str) -> None:
        self.keys = mapped(folder / f"{name}_keys.npy")
        self.offsets = mapped(folder / f"{name}_offsets.npy")
        self.postings_file = Slices(folder / f"{name}_docs.npy")
        self.docs = self.postings_file.mapped  # the whole array, for a merge

    def postings(self, key: int) -> np.ndarray:
        at = int(np.searchsorted(self.keys, key))
        if at < len(self.keys) and self.keys[at] == key:
            return self.postings_file.read(int(self.offsets[at]), int(self.offsets[at + 1]))
        return self.docs[:0]

    def frequencies(self, keys: np.ndarray) -> np.ndarray:
        """How many documents each key has (0 for a key not indexed)."""
        if not len(self.keys):
            return np.zeros(len(keys), dtype=np.int64)
        at = np.searchsorted(self.keys, keys)
        inside = at < len(self.keys)
        inside[inside] = self.keys[at[inside]] == keys[inside]
        at = np.where(inside, at, 0)
        return np.where(inside, self.offsets[at + 1] - self.offsets[at], 0)

    def starting_with(self, code: int) -> np.ndarray:
        """Documents with any gram whose first character is ``code`` (every occurrence of it)."""
        low = int(np.searchsorted(self.keys, code << SHIFT))
        high = int(np.searchsorted(self.keys, (code + 1) << SHIFT))
        if low == high:
            return self.docs[:0]
        return np.unique(self.postings_file.read(int(self.offsets[low]), int(self.offsets[high])))

    def candidates(self, run: str, size: int) -> np.ndarray:
        """Documents (of ``size``) that have every gram of ``run`` (exact for runs of one or two characters)."""
        if len(run) == 1:
            return self.starting_with(ord(run))
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
        self.word_frequencies = Slices(folder / "word_tfs.npy")
        self.word_tfs = self.word_frequencies.mapped  # the whole array, for a merge
        self.lengths = np.load(folder / "lengths.npy")
        self.grams = Grams(folder, "gram")
        # A memoryview of the mapped file: indexing it gives Python ints as fast as a list, without a list's
        # 36 bytes per paragraph of private memory in every serving process.
        self.text_offsets = _int_view(np.load(folder / "text_offsets.npy", mmap_mode="r"))
        self.texts = _map_file(folder / "texts.utf16")
        # Segments written before the texts as written were kept here have them in Whoosh's stored fields.
        self.original_docs = np.load(folder / "original_docs.npy") if (folder / "original_docs.npy").exists() else None
        if self.original_docs is not None:
            self.original_offsets = np.load(folder / "original_offsets.npy")
            self.originals = _map_file(folder / "originals.utf16")
        headings = (folder / "headings.txt").read_text(encoding="utf-8")
        self.headings = headings.split("\n") if headings else []
        self.heading_of = np.load(folder / "heading_of.npy")
        self.heading_grams = Grams(folder, "heading_gram")
        # Segments written before phrase postings existed have none: their strings are checked in the texts.
        self.phrases = Grams(folder, "phrase") if (folder / PHRASES_FILE).exists() else None
        self.phrase_vocabulary = mapped(folder / PHRASES_FILE) if self.phrases is not None else None
        meta = json.loads((folder / "facets.json").read_text(encoding="utf-8"))
        self.values: dict[str, list[str]] = meta["values"]
        self.topic_names: list[str] = meta["topics"]
        self._bands: np.ndarray | None = None
        self._heading_groups: tuple[np.ndarray, np.ndarray] | None = None

    def bands(self) -> np.ndarray:
        """Near-duplicate band keys per local document (:mod:`search.insights.duplicates`); computed from the texts
        for a segment written before they were stored."""
        if self._bands is None:
            path = self.folder / BANDS_FILE
            if path.exists():
                self._bands = mapped(path)
            else:
                self._bands = bands_of_texts([self.text(i) for i in range(self.count)])
        return self._bands

    @property
    def count(self) -> int:
        return len(self.lengths)

    # The columns below are read from disk at each use and not kept: an index state copies them into its
    # own tables by document number (and a merge copies them), so keeping them in every loaded segment
    # doubled them in each serving process (about 55 MB at 1,000,000 paragraphs).

    @property
    def codes(self) -> dict[str, np.ndarray]:
        """Each coded facet's value of each local document, as a position in :attr:`values` (-1: none)."""
        return {name: np.load(self.folder / f"codes_{name}.npy") for name in CODED}

    @property
    def years(self) -> np.ndarray:
        return np.load(self.folder / "years.npy")

    @property
    def topics(self) -> np.ndarray:
        """A flag per local document and topic (columns in the order of :attr:`topic_names`)."""
        return np.load(self.folder / "topics.npy")

    @property
    def paragraph(self) -> np.ndarray:
        """Whether each local document is a paragraph (not a report's own document)."""
        return np.load(self.folder / "paragraph.npy")

    @property
    def id_keys(self) -> np.ndarray:
        return np.load(self.folder / "id_keys.npy")

    def text(self, docnum: int) -> str:
        """The folded text of a local document."""
        return self.texts[self.text_offsets[docnum] : self.text_offsets[docnum + 1]].decode("utf-16-le")

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

    def having(self, docs: list[int], needle: bytes) -> list[int]:
        """The documents among ``docs`` whose text contains ``needle`` (UTF-16-LE), searched in place."""
        offsets, find, found = self.text_offsets, self.texts.find, []
        for docnum in docs:
            start, end = offsets[docnum], offsets[docnum + 1]
            at = find(needle, start, end)
            while at != -1 and (at - start) & 1:
                at = find(needle, at + 1, end)
            if at != -1:
                found.append(docnum)
        return found

    def word(self, word: str) -> tuple[np.ndarray, np.ndarray]:
        """(documents, term frequencies) of a word."""
        keys = self.words.keys
        key = word_key(word)
        at = int(np.searchsorted(keys, key))
        if at == len(keys) or keys[at] != key:
            return self.words.docs[:0], self.word_tfs[:0]
        start, end = int(self.words.offsets[at]), int(self.words.offsets[at + 1])
        return self.words.postings_file.read(start, end), self.word_frequencies.read(start, end)

    def containing(self, needle: str, known: np.ndarray | None = None) -> np.ndarray:
        """Local documents whose text contains ``needle`` (folded), ascending. ``known`` are already known to."""
        listed = self.phrase_documents(needle)
        if listed is not None:
            return listed
        runs = _runs(needle)
        if not runs:
            return self.words.docs[:0]
        result = None
        for run in sorted(runs, key=len, reverse=True):
            docs = self.grams.candidates(run, self.count)
            result = docs if result is None else intersect(result, docs, self.count)
        checks = [run for run in runs if len(run) > 2]
        if not checks or not len(result):
            return result
        if known is not None and len(known):
            unsure, sure = subtract(result, known, self.count)
        else:
            unsure, sure = result, result[:0]
        verified = unsure.tolist()
        for run in checks:
            verified = self.having(verified, run.encode("utf-16-le"))
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
            return self.words.docs[:0]
        matched = None
        headings = len(self.headings)
        for run in runs:
            ids = self.heading_grams.candidates(run, headings)
            if len(run) > 2:
                ids = np.array([i for i in ids.tolist() if run in self.headings[i]], dtype=np.int32)
            matched = ids if matched is None else intersect(matched, ids, headings)
        if not len(matched):
            return self.words.docs[:0]
        order, bounds = self._by_heading()
        starts, sizes = bounds[matched], bounds[matched + 1] - bounds[matched]
        if not sizes.sum():
            return self.words.docs[:0]
        ends = np.cumsum(sizes)
        spans = np.repeat(starts - ends + sizes, sizes) + np.arange(ends[-1])
        return np.sort(order[spans])

    def _by_heading(self) -> tuple[np.ndarray, np.ndarray]:
        """(local documents grouped by heading, where each heading's group starts): the documents under
        matching headings are read from their groups rather than found by a pass over every document."""
        if self._heading_groups is None:
            order = np.argsort(self.heading_of, kind="stable").astype(np.int32)
            bounds = np.searchsorted(self.heading_of[order], np.arange(len(self.headings) + 2))
            self._heading_groups = (order, bounds)
        return self._heading_groups


def mapped(path: Path) -> np.ndarray:
    """A saved array, memory-mapped, as a plain ndarray: slicing a ``np.memmap`` runs Python code per
    slice (``__array_finalize__``), which cost a search at 1,000,000 paragraphs about 6 ms."""
    return np.load(path, mmap_mode="r").view(np.ndarray)


def _int_view(array: np.ndarray) -> memoryview:
    """A memoryview of a one-dimensional int64 array (an empty one for an empty array)."""
    if not len(array):
        return memoryview(b"").cast("q")
    return memoryview(np.ascontiguousarray(array, dtype=np.int64)).cast("B").cast("q")


def _map_file(path: Path):
    """A read-only memory map of a file (an empty bytes object for an empty file).

    Reads are random (the texts of candidate paragraphs), so the kernel is told not to read ahead:
    with readahead, verifying 25,000 candidates at 1,000,000 paragraphs brought 375 of the texts' 392 MB
    into each serving process's resident memory."""
    if not path.stat().st_size:
        return b""
    with open(path, "rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_RANDOM"):
        mapped.madvise(mmap.MADV_RANDOM)
    return mapped


def _runs(text: str) -> list[str]:
    from search.index.analyze import RUN

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


def read_manifest(index_dir: Path, segment_id: str) -> list[dict]:
    """The reports a segment holds: path, report_id, hash, size, mtime_ns and the report document's number."""
    path = Path(index_dir) / FAST_DIR / segment_id / "reports.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else []


def remove_orphans(index_dir: Path, live_segment_ids: set[str]) -> None:
    """Delete arrays of segments no longer in the index (after a rebuild or a failed commit)."""
    root = Path(index_dir) / FAST_DIR
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name.endswith(".tmp") or folder.name.split(".")[0] not in live_segment_ids:
            shutil.rmtree(folder, ignore_errors=True)
