"""Writing a segment's arrays (the format is described in :mod:`search.index.segment_reader`): a builder that
collects the documents of one new Whoosh segment and writes them in pieces of PIECE_SIZE documents."""

from __future__ import annotations

import json
import os
import shutil
from array import array
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from search.index.bandkeys import BandKeys
from search.index.folding import fold
from search.index.frequencies import save_frequencies
from search.index.minhash import band_columns, bands_of_texts
from search.index.segment_reader import (
    ARRAYS_FORMAT,
    CODED,
    FAST_DIR,
    GAP_ESCAPE,
    PHRASES_FILE,
    SECTIONS_FILE,
    TEXT_LENGTHS_FILE,
    TEXTS_FILE,
    Grams,
    Segment,
    bands_file,
    piece_name,
)
from search.index.terms import MAX_TF, ParagraphTerms, gram_keys, id_key, phrase_automaton, phrase_keys
from search.index.textcode import TextCode

# A piece costs the indexer about 5.6 KB a paragraph while it is collected and written (measured with pieces of
# 50,000 and 100,000): at 250,000 the indexing child peaked at 2,013 MiB at eight million paragraphs.
PIECE_SIZE = 200_000


class SegmentBuilder:
    """Collects the terms of the documents of one new Whoosh segment, in add order.

    Memory is bounded by PIECE_SIZE documents, not by the corpus: once ``start()`` named the segment, every
    PIECE_SIZE documents are written as one *piece* (``fast/<segment>.<k>.tmp/``: the same arrays over a
    range of the segment's documents) and dropped; ``write()`` writes the last piece and renames them all
    into place (``fast/<segment>/``, ``fast/<segment>.1/`` …) before the commit that makes them visible.
    """

    def __init__(self) -> None:
        self.piece_size = PIECE_SIZE
        self.index_dir: Path | None = None
        self.segment_id = ""
        self.pieces: list[Path] = []
        self.base = 0
        # The manifest's entries as the JSON they are written as, one after the other: a rebuild of 320,000
        # reports held them as dicts until the end, 191 MiB of the indexer's peak at eight million paragraphs.
        self._manifest = bytearray()
        self._reset()

    def _reset(self) -> None:
        self.word_keys: list[np.ndarray] = []
        self.word_tfs: list[np.ndarray] = []
        # A number per document is kept in an array of machine numbers, not a list, which holds an object of 28
        # bytes for each number above 256 (report codes, id keys): 10 MiB of a piece of 100,000 paragraphs.
        self.lengths = array("i")
        self.grams: list[np.ndarray] = []
        self.texts: list[str] = []
        self.originals: dict[int, str] = {}
        self.bands: list[np.ndarray | None] = []
        self.phrases: list[np.ndarray | None] = []
        self.headings: dict[tuple[str, ...], int] = {}  # each section path as written → its heading id
        self.heading_of = array("i")
        self.values: dict[str, dict[str, int]] = {name: {} for name in CODED}
        self.codes = {name: array("i") for name in CODED}
        self.years = array("H")
        self.topic_names: dict[str, int] = {}
        self.topics: list[list[int]] = []
        self.paragraph = array("b")
        self.id_keys = array("Q")

    def start(self, index_dir: Path, segment_id: str) -> None:
        """Name the segment being built, so that full pieces can be written as they fill."""
        self.index_dir, self.segment_id = Path(index_dir), segment_id

    @property
    def count(self) -> int:
        return self.base + len(self.lengths)

    def add_report(self, path: str, report_id: str, digest: str, stat: os.stat_result) -> None:
        """Record the report whose summary document is added next (the manifest of the segment)."""
        self._record(
            {
                "path": path,
                "report_id": report_id,
                "hash": digest,
                "size": stat.st_size,
                "mtime_ns": stat.st_mtime_ns,
                "docnum": self.count,
            }
        )

    def _record(self, entry: dict) -> None:
        """Add an entry to the manifest, as ``json.dumps`` of the whole list would write it."""
        if self._manifest:
            self._manifest += b", "
        self._manifest += json.dumps(entry, ensure_ascii=False).encode("utf-8")

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
        words = _per_document(
            segment.words, segment.count, segment.word_frequencies.read(0, int(segment.words.offsets[-1]))
        )
        grams = _per_document(segment.grams, segment.count)
        # Phrases found with another vocabulary (or none) are found again in the texts when the piece is written.
        same = segment.phrases is not None and _same_phrases(segment)
        phrases = _per_document(segment.phrases, segment.count) if same else None
        bands = segment.bands().rows()
        codes, years, topic_rows = segment.codes, segment.years, segment.topics
        paragraph, id_keys = segment.paragraph, segment.id_keys
        texts = dict(zip(docnums, segment.texts_of([number - start for number in docnums]), strict=True))
        for number in docnums:
            if number in reports:
                self._record({**reports[number], "docnum": self.count})
            docnum = number - start
            terms = ParagraphTerms(
                word_keys=words[docnum][0],
                word_tfs=words[docnum][1],
                length=int(segment.lengths[docnum]),
                grams=grams[docnum][0],
                text=texts[number],
                section=segment.section_of(docnum),
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
        if terms.section:
            self.heading_of.append(self.headings.setdefault(terms.section, len(self.headings)))
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
        (self.pieces[0] / "reports.json").write_bytes(b"[" + self._manifest + b"]")
        for number, temporary in enumerate(self.pieces):
            target = Path(index_dir) / FAST_DIR / piece_name(segment_id, number)
            shutil.rmtree(target, ignore_errors=True)
            os.replace(temporary, target)
        return Path(index_dir) / FAST_DIR / segment_id

    def _write_piece(self, temporary: Path) -> None:
        """The piece's files. The word postings first; then the gram postings, the largest, are sorted on a
        second thread while the rest is written (NumPy sorts without holding the GIL): the last piece is
        written after the reader processes are done, with a core free. The two postings side by side were
        the indexer's peak (at 200k paragraphs 1,478 MiB, one after the other 1,344), for no time measured."""
        shutil.rmtree(temporary, ignore_errors=True)
        temporary.mkdir(parents=True)
        _write_postings(temporary, "word", self.word_keys, self.word_tfs)
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="gram-postings") as helper:
            grams = helper.submit(_write_postings, temporary, "gram", self.grams)
            self._write_all_but_postings(temporary)
            grams.result()

    def _write_all_but_postings(self, temporary: Path) -> None:
        np.save(temporary / "lengths.npy", np.array(self.lengths, dtype=np.int32))
        code = TextCode.for_texts(self.texts)
        code.save(temporary)
        offsets, lengths = code.write(temporary / TEXTS_FILE, self.texts)
        np.save(temporary / "text_offsets.npy", offsets.astype(np.uint32) if offsets[-1] < 1 << 32 else offsets)
        np.save(temporary / TEXT_LENGTHS_FILE, lengths)
        self._write_originals(temporary)
        with (temporary / bands_file()).open("wb") as handle:
            BandKeys.of_rows(self._band_rows()).save(handle)
        self._write_facets(temporary)
        sections = sorted(self.headings, key=self.headings.get)
        headings = [fold(" ".join(section)) for section in sections]
        (temporary / "headings.txt").write_text("\n".join(headings), encoding="utf-8")
        (temporary / SECTIONS_FILE).write_text(json.dumps(sections, ensure_ascii=False), encoding="utf-8")
        np.save(temporary / "heading_of.npy", np.array(self.heading_of, dtype=np.int32))
        _write_postings(temporary, "heading_gram", [gram_keys(h) for h in headings])
        per_document = [phrase_keys(self.texts[i]) if keys is None else keys for i, keys in enumerate(self.phrases)]
        _write_postings(temporary, "phrase", per_document)
        np.save(temporary / PHRASES_FILE, phrase_automaton()[1])

    def _write_originals(self, folder: Path) -> None:
        """The texts as written of the documents whose folded text differs (few: traditional characters,
        capital letters), by local document number: with the folded texts they give every paragraph's text
        as written, which Whoosh's stored fields therefore need not hold."""
        docs = sorted(self.originals)
        offsets = _write_utf16(folder / "originals.utf16", [self.originals[d] for d in docs])
        np.save(folder / "original_docs.npy", np.array(docs, dtype=np.int32))
        np.save(folder / "original_offsets.npy", offsets)

    def _band_rows(self) -> np.ndarray:
        """Near-duplicate band keys of every document: those the workers computed, the rest (report
        documents, terms built elsewhere) from the texts."""
        missing = [i for i, row in enumerate(self.bands) if row is None]
        computed = dict(zip(missing, bands_of_texts([self.texts[i] for i in missing]), strict=True))
        rows = [computed[i] if row is None else row for i, row in enumerate(self.bands)]
        return np.array(rows, dtype=np.uint32).reshape(len(rows), band_columns())

    def _write_facets(self, folder: Path) -> None:
        count = len(self.lengths)
        values = {name: sorted(self.values[name], key=self.values[name].get) for name in CODED}
        topics = sorted(self.topic_names, key=self.topic_names.get)
        (folder / "facets.json").write_text(
            json.dumps({"format": ARRAYS_FORMAT, "values": values, "topics": topics}, ensure_ascii=False),
            encoding="utf-8",
        )
        for name in CODED:
            np.save(folder / f"codes_{name}.npy", np.array(self.codes[name], dtype=_code_type(len(values[name]))))
        np.save(folder / "years.npy", np.array(self.years, dtype=np.uint16))
        matrix = np.zeros((count, max(1, len(topics))), dtype=bool)
        for docnum, columns in enumerate(self.topics):
            matrix[docnum, columns] = True
        np.save(folder / "topics.npy", np.packbits(matrix, axis=1))
        np.save(folder / "paragraph.npy", np.array(self.paragraph, dtype=bool))
        np.save(folder / "id_keys.npy", np.array(self.id_keys, dtype=np.uint64))


def _code_type(values: int) -> type:
    """The smallest signed integer type that holds codes of ``values`` values and -1 (none)."""
    return next(kind for kind in (np.int8, np.int16, np.int32) if values <= np.iinfo(kind).max)


def _write_postings(folder: Path, name: str, keys: list[np.ndarray], values: list[np.ndarray] | None = None) -> None:
    """Postings from per-document key arrays: sorted unique keys, offsets into docs (and term frequencies).

    ``keys`` and ``values`` are consumed (emptied as they are read): a piece's postings are the largest arrays
    the indexer holds, and each copy made of them on the way to the sorted lists is released as soon as the
    next exists, so that a piece's writing needs about twice its postings, not five times."""
    counts = np.fromiter((len(k) for k in keys), dtype=np.int64, count=len(keys))
    documents = len(keys)
    doc_bits = max(1, (documents - 1).bit_length())
    if values is None and _fits_beside(keys, doc_bits):
        packed = _packed(keys, counts, doc_bits)
        sorted_keys, sorted_docs = _sorted_by_key_and_doc(packed, doc_bits)
    else:
        all_keys = _concatenated(keys).astype(np.int64, copy=False)
        order = np.argsort(all_keys, kind="stable")
        sorted_keys = all_keys[order]
        del all_keys
        sorted_docs = np.repeat(np.arange(documents, dtype=np.int32), counts)[order]
        if values is not None:
            tfs = np.minimum(_concatenated(values), MAX_TF).astype(np.uint8, copy=False)
            save_frequencies(folder, name, tfs[order])
            del tfs
        del order
    starts = (
        np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1 if len(sorted_keys) else np.zeros(0, dtype=np.int64)
    )
    unique = sorted_keys[np.concatenate(([0], starts))] if len(sorted_keys) else sorted_keys
    offsets = (
        np.concatenate(([0], starts, [len(sorted_keys)])).astype(np.int64)
        if len(sorted_keys)
        else np.zeros(1, dtype=np.int64)
    )
    del sorted_keys, starts
    np.save(folder / f"{name}_keys.npy", unique)
    np.save(folder / f"{name}_offsets.npy", offsets)
    gaps, exceptions, exception_offsets = encode_postings(sorted_docs, offsets)
    np.save(folder / f"{name}_gaps.npy", gaps)
    np.save(folder / f"{name}_exceptions.npy", exceptions)
    np.save(folder / f"{name}_exception_offsets.npy", exception_offsets)


PACK_DOCUMENTS = 8192


def _write_utf16(path: Path, texts: list[str]) -> np.ndarray:
    """``texts`` one after another in UTF-16 into ``path``, written as they are encoded (not joined first:
    that held a piece's texts twice more); their byte offsets, one more than texts."""
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    with path.open("wb") as out:
        for number, text in enumerate(texts, start=1):
            encoded = text.encode("utf-16-le")
            out.write(encoded)
            offsets[number] = offsets[number - 1] + len(encoded)
    return offsets


def _concatenated(arrays: list[np.ndarray]) -> np.ndarray:
    """``np.concatenate(arrays)``, ``arrays`` emptied so that each array can be freed once joined."""
    if not arrays:
        return np.zeros(0, dtype=np.int64)
    joined = np.concatenate(arrays)
    arrays.clear()
    return joined


def _packed(keys: list[np.ndarray], counts: np.ndarray, doc_bits: int) -> np.ndarray:
    """``key << doc_bits | document`` of every posting, filled PACK_DOCUMENTS documents at a time (``keys``
    emptied as they are read): never the keys, the documents and the packed values whole at once."""
    packed = np.empty(int(counts.sum()), dtype=np.int64)
    at = 0
    for first in range(0, len(keys), PACK_DOCUMENTS):
        chunk = keys[first : first + PACK_DOCUMENTS]
        sizes = counts[first : first + PACK_DOCUMENTS]
        end = at + int(sizes.sum())
        if end > at:
            target = packed[at:end]
            np.concatenate(chunk, out=target)
            target <<= doc_bits
            target |= np.repeat(np.arange(first, first + len(chunk), dtype=np.int64), sizes)
        for index in range(first, first + len(chunk)):
            keys[index] = None
        at = end
    keys.clear()
    return packed


ENCODE_CHUNK = 1 << 23


def encode_postings(docs: np.ndarray, offsets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Posting lists (``docs``, each ascending, list i at ``offsets[i]:offsets[i + 1]``) as one byte a posting:
    the gap from the previous document of its list (the first, from 0), or GAP_ESCAPE when the gap does
    not fit, the gap then kept among the exceptions (int32), of which ``exception_offsets[i]`` come before
    list i. Most postings are in lists of common words, whose gaps are small: at 1M paragraphs 2–3 % of
    the postings needed an exception, and the postings took 273 MB instead of 997 MB."""
    docs = np.asarray(docs, dtype=np.int32)
    firsts = offsets[:-1][offsets[1:] > offsets[:-1]]
    encoded = np.empty(len(docs), dtype=np.uint8)
    exceptions, escaped_at = [], []
    for start in range(0, len(docs), ENCODE_CHUNK):  # int32 pieces: the whole array in int64 cost 1 GB at 1M
        end = min(start + ENCODE_CHUNK, len(docs))
        gaps = np.diff(docs[start:end], prepend=docs[start - 1] if start else 0)
        in_chunk = firsts[(firsts >= start) & (firsts < end)]
        gaps[in_chunk - start] = docs[in_chunk]
        escaped = np.flatnonzero(gaps >= GAP_ESCAPE)
        exceptions.append(gaps[escaped])
        escaped_at.append(escaped + start)
        gaps[escaped] = GAP_ESCAPE
        encoded[start:end] = gaps
    escaped_at = np.concatenate(escaped_at) if escaped_at else np.zeros(0, dtype=np.int64)
    exceptions = np.concatenate(exceptions).astype(np.int32) if exceptions else np.zeros(0, dtype=np.int32)
    return encoded, exceptions, np.searchsorted(escaped_at, offsets).astype(np.int64)


def _fits_beside(keys: list[np.ndarray], doc_bits: int) -> bool:
    """Whether every key, shifted left by ``doc_bits``, still fits in an int64 (gram keys do; word hashes do not).
    Read PACK_DOCUMENTS documents at a time: a minimum and maximum per document took 0.7 s a piece, this 0.2."""
    low, high = 0, 0
    for first in range(0, len(keys), PACK_DOCUMENTS):
        chunk = np.concatenate(keys[first : first + PACK_DOCUMENTS])
        if len(chunk):
            low, high = min(low, int(chunk.min())), max(high, int(chunk.max()))
    return low >= 0 and high.bit_length() + doc_bits <= 63


def _sorted_by_key_and_doc(packed: np.ndarray, doc_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Keys and documents in (key, document) order from ``packed`` (key << doc_bits | document), sorted in
    place: NumPy sorts values several times faster than a stable argsort followed by two gathers (a
    piece's writing is the indexer's one step that no reader process overlaps at the end), and in place
    the sort needs no second copy of the postings. The documents are taken out in pieces, without an int64
    temporary of them all."""
    packed.sort()
    docs = np.empty(len(packed), dtype=np.int32)
    mask = (1 << doc_bits) - 1
    for start in range(0, len(packed), ENCODE_CHUNK):
        np.bitwise_and(
            packed[start : start + ENCODE_CHUNK], mask, out=docs[start : start + ENCODE_CHUNK], casting="unsafe"
        )
    packed >>= doc_bits
    return packed, docs


def _same_phrases(segment: Segment) -> bool:
    """Whether ``segment`` was written with the phrases indexed now (a merge copies its phrase postings
    rather than finding them again in the texts)."""
    return np.array_equal(segment.phrase_vocabulary, phrase_automaton()[1])


def _per_document(postings: Grams, count: int, values: np.ndarray | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """Postings turned back into (keys, values) per local document: what a merge copies."""
    keys = np.asarray(postings.keys)
    docs = np.asarray(postings.docs)
    per_posting = np.repeat(keys, np.diff(np.asarray(postings.offsets)))
    order = np.argsort(docs, kind="stable")
    bounds = np.searchsorted(docs[order], np.arange(count + 1))
    tfs = np.asarray(values)[order] if values is not None else np.zeros(len(order), dtype=np.uint8)
    sorted_keys = per_posting[order]
    return [(sorted_keys[bounds[d] : bounds[d + 1]], tfs[bounds[d] : bounds[d + 1]]) for d in range(count)]


def remove_orphans(index_dir: Path, live_segment_ids: set[str]) -> None:
    """Delete arrays of segments no longer in the index (after a rebuild or a failed commit)."""
    root = Path(index_dir) / FAST_DIR
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.name.endswith(".tmp") or folder.name.split(".")[0] not in live_segment_ids:
            shutil.rmtree(folder, ignore_errors=True)
