"""One committed index state: the arrays a search reads, its facet table and evaluator, and what it finds once
and keeps (near-duplicate clusters, report fields, closest copies).

Queries run on a state without the searcher's lock: its arrays are read-only. Whoosh's stored-field reads are
not thread-safe, so they take the state's own lock. A state replaced by a reindex is closed when the last query
using it ends.
"""

from __future__ import annotations

import threading
import time
import weakref
from contextlib import suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.index.analyze import fold
from search.index.bandkeys import JoinedBandKeys
from search.index.clusters import (
    THRESHOLD,
    ClusteringCancelled,
    Clusters,
    Layout,
    copy_score,
    find_clusters,
    load_clusters,
    save_clusters,
    saved_key,
)
from search.index.information import (
    RARE_KEYS,
    Information,
    Weigher,
    information_of,
    may_be_edited_copy,
    rare_neighbours,
)
from search.index.lock import reindex_running
from search.index.minhash import body_of, sentence_bodies, shingle_hashes, shingle_sets
from search.index.segment_reader import Segment, load_segment
from search.index.writer import paragraph_id, segments_of
from search.query.evaluate import Evaluator
from search.query.facet_file import facets_key, load_saved_facets, save_facets
from search.query.facet_growth import grown, grown_from_saved
from search.query.facets import FacetTable
from search.query.rank import PartPrior, fact_keys, practice_prior, practice_share
from search.query.suggest import Suggester

NEAR_COPY_CANDIDATES = 30
NEAR_COPY_BATCH = 6
REPORT_FIELDS_CACHED = 4096  # reports whose title and place a state keeps for the hits it shows
NEAR_COPIES_KEPT = 20_000  # paragraphs whose closest copy a state keeps
_UNKNOWN = object()
INLINE_CLUSTERING = 20_000
CLUSTERS_POLL_SECONDS = 0.5


@dataclass
class IndexState:
    """Everything one committed index state needs to answer queries (see the module's docstring)."""

    searcher: object
    facets: FacetTable
    evaluator: Evaluator
    prior: PartPrior
    suggester: Suggester
    stored_lock: threading.Lock = field(default_factory=threading.Lock)
    users: int = 0
    retired: bool = False
    clusters_lock: threading.Lock = field(default_factory=threading.Lock)
    start_lock: threading.Lock = field(default_factory=threading.Lock)
    index_dir: Path | None = None
    practice_share: float = 0.0
    facets_key: str = ""
    facets_saved: bool = False
    _clusters: Clusters | None = None
    _clustering_started: bool = False
    _memos: dict = field(default_factory=dict)
    _report_field_cache: dict = field(default_factory=dict)
    _near_copies: dict = field(default_factory=dict)

    def clusters(self) -> Clusters:
        """Near-duplicate paragraphs of this state (:mod:`search.index.clusters`), waiting for them: those the
        indexer saved for this state, or found from the saved ones of an earlier state (only the pairs a
        reindex changed), or, with none saved, found whole (a minute per million paragraphs)."""
        with self.clusters_lock:
            if self._clusters is None:
                self._clusters = self._load_or_find_clusters()
            return self._clusters

    def save_facets(self) -> None:
        """Save the facet table for the next server (:mod:`search.query.facet_file`) unless it is the saved one."""
        if self.index_dir is not None and self.facets_key and not self.facets_saved:
            self.facets_saved = save_facets(self.index_dir, self.facets_key, self.facets)

    def layout(self) -> Layout:
        segments = self.evaluator.segments
        return Layout(
            [segment.folder.name for segment, _ in segments],
            [offset for _, offset in segments],
            [segment.count for segment, _ in segments],
            self.facets.paragraph,
        )

    def _bands(self) -> JoinedBandKeys:
        segments = self.evaluator.segments
        return JoinedBandKeys([(segment.bands(), offset) for segment, offset in segments], len(self.facets.paragraph))

    def _load_or_find_clusters(self) -> Clusters:
        layout, codes = self.layout(), self.facets.codes["report_id"]
        found = load_clusters(self.index_dir, layout, codes) if self.index_dir else None
        if isinstance(found, Clusters):
            return found
        bands = self._bands()
        clusters = find_clusters(
            bands,
            self.facets.paragraph,
            codes,
            self.shingles_of_docs,
            self._replaced,
            found,
            self.index_dir,
            self.weigher,
        )
        if self.index_dir:
            save_clusters(self.index_dir, layout, clusters)
        return clusters

    def _replaced(self) -> bool:
        """A reindex replaced this state and no query uses it any more: its clusters are not needed."""
        return self.retired and not self.users

    def _find_clusters_in_background(self) -> None:
        """After a reindex: while the indexer still holds its lock it is finding this state's clusters
        (it does so before it lets go), so wait for its file rather than find them a second time."""
        if self.index_dir:
            key = self.layout().key()
            while reindex_running(self.index_dir) and saved_key(self.index_dir) != key:
                if self._replaced():
                    return
                time.sleep(CLUSTERS_POLL_SECONDS)
        with suppress(ClusteringCancelled):
            self.clusters()

    def clusters_if_ready(self, start: bool = True) -> Clusters | None:
        """The clusters for a search, which must not wait seconds after a reindex: a state of at most
        INLINE_CLUSTERING paragraphs finds them at once (well under a second); a larger one answers without
        them (None) until they are there, and (with ``start``) starts finding them in the background."""
        if self._clusters is None and int(np.count_nonzero(self.facets.paragraph)) <= INLINE_CLUSTERING:
            return self.clusters()
        if start:
            self.start_clustering()
        return self._clusters

    def start_clustering(self) -> None:
        """Find the clusters in a background thread, once (a search starts it when it has answered, so that
        the first search after a reindex does not share the interpreter with it)."""
        if self._clusters is None and not self._clustering_started:
            with self.start_lock:
                if not self._clustering_started:
                    self._clustering_started = True
                    threading.Thread(
                        target=self._find_clusters_in_background, name="near-duplicates", daemon=True
                    ).start()

    def shingles(self, docnum: int) -> np.ndarray:
        return shingle_hashes(self._body(docnum))

    def shingles_of_docs(self, docs: list[int]) -> list[np.ndarray]:
        """:meth:`shingles` of many documents, hashed in one pass."""
        texts = self.evaluator.texts(docs)
        return shingle_sets([self._body(doc, text) for doc, text in zip(docs, texts, strict=True)])

    @property
    def weigher(self) -> Weigher:
        """Scores pairs of this state's paragraphs by the rare text they share (edited copies)."""
        return Weigher(self.information_of_docs, self.evaluator.documents, self.rare_pairs)

    def rare_pairs(self, docs: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Each of ``docs`` with the paragraphs that share its rarest bigrams (as two arrays of documents)."""
        texts = self.evaluator.texts(docs)
        bodies = [self._body(doc, text) for doc, text in zip(docs, texts, strict=True)]
        owners, others = self.rare_neighbours(bodies)
        return np.asarray(docs, dtype=np.int64)[owners], others

    def rare_neighbours(
        self, bodies: list[str], indexed: bool = True, rare_keys: int = RARE_KEYS
    ) -> tuple[np.ndarray, np.ndarray]:
        """:func:`search.index.information.rare_neighbours` of ``bodies`` in this state (``indexed`` when
        they are paragraphs of it)."""
        return rare_neighbours(bodies, self.bigram_frequencies, self.bigram_postings, indexed, rare_keys)

    def bigram_postings(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The documents having each bigram key, over every segment: (position in ``keys``, document) arrays."""
        positions, found = [], []
        for segment, offset in self.evaluator.segments:
            grams = segment.grams
            if not len(grams.keys):
                continue
            at = np.minimum(np.searchsorted(grams.keys, keys), len(grams.keys) - 1)
            for position in np.flatnonzero(np.asarray(grams.keys)[at] == keys).tolist():
                docs = grams.lists(int(at[position]), int(at[position]) + 1)
                positions.append(np.full(len(docs), position, dtype=np.int64))
                found.append(np.add(docs, offset, dtype=np.int64))
        if not found:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(positions), np.concatenate(found)

    def information_of_docs(self, docs: list[int]) -> list[Information]:
        """The sentences of ``docs`` as bigrams weighed by this state's statistics (what an edited copy keeps of
        each, as :meth:`_body` keeps of the paragraph), read in one pass."""
        texts = self.evaluator.texts(docs)
        return self.information_of_sentences(
            [sentence_bodies(text, self._places(doc)) for doc, text in zip(docs, texts, strict=True)]
        )

    def information_of_sentences(self, paragraphs: list[list[str]]) -> list[Information]:
        """:func:`search.index.information.information_of` under this state's statistics."""
        return information_of(paragraphs, self.bigram_frequencies, self.evaluator.documents)

    def bigram_frequencies(self, keys: np.ndarray) -> np.ndarray:
        """How many paragraphs have each bigram key, over every segment."""
        found = np.zeros(len(keys), dtype=np.int64)
        for segment, _ in self.evaluator.segments:
            found += segment.grams.frequencies(keys)
        return found

    def _body(self, docnum: int, text: str | None = None) -> str:
        """What a copy of the paragraph keeps (:func:`body_of`), without its report's own place names."""
        return body_of(self.evaluator.text(docnum) if text is None else text, self._places(docnum))

    def _places(self, docnum: int) -> tuple[str, ...]:
        """The folded names of the paragraph's township, county and city (those known)."""
        facets = self.facets
        places = []
        for name in ("township", "county", "city"):
            code = int(facets.codes[name][docnum])
            if code >= 0:
                value = facets.township_names[code] if name == "township" else facets.values[name][code]
                places.append(_folded_place(value))
        return tuple(places)

    def near_copy(self, docnum: int, start: bool = True) -> dict | None:
        """The closest paragraph of another report in ``docnum``'s cluster, with the exact similarity and how
        many other reports the cluster spans; None when no other report has a near-identical paragraph, or
        while the clusters of a large state are still being found."""
        clusters = self.clusters_if_ready(start)
        if clusters is None or clusters.label[docnum] < 0:
            return None
        found = remember(self._near_copies, docnum, lambda: self._closest_copy(docnum, clusters), NEAR_COPIES_KEPT)
        return None if found is None else dict(found)

    def _closest_copy(self, docnum: int, clusters: Clusters) -> dict | None:
        """:meth:`near_copy`, worked out: the shingles of up to NEAR_COPY_CANDIDATES paragraphs compared (about
        a millisecond for a paragraph of a large cluster, so a state keeps what it found)."""
        facets = self.facets
        report = facets.codes["report_id"][docnum]
        members = clusters.members(docnum)
        others = members[facets.codes["report_id"][members] != report][:NEAR_COPY_CANDIDATES]
        if not len(others):
            return None
        own = shingle_hashes(self._body(docnum))
        similarity, other, edited = -1.0, -1, []
        # The candidates come in ascending order and ties go to the first: a copy identical to the paragraph
        # ends the search (most members of a large cluster are), so they are compared a few at a time.
        for start in range(0, len(others), NEAR_COPY_BATCH):
            batch = others[start : start + NEAR_COPY_BATCH].tolist()
            for shingles, candidate in zip(self.shingles_of_docs(batch), batch, strict=True):
                found = copy_score(own, shingles)
                if found > similarity:
                    similarity, other = found, candidate
                if found < THRESHOLD and may_be_edited_copy(found, len(own), len(shingles)):
                    edited.append(candidate)
            if similarity == 1.0:
                break
        if similarity < THRESHOLD and edited:  # members that joined as edited copies
            weigher = self.weigher
            weigher.read([docnum, *edited])
            best, closest = max((weigher.score(docnum, candidate), -candidate) for candidate in edited)
            if best > similarity:
                similarity, other = best, -closest
        return {
            **self.paragraph_label(other),
            "similarity": round(similarity, 2),
            "other_reports": int(clusters.reports[docnum]) - 1,
        }

    def copy_similarity(self, first: int, second: int, own: np.ndarray, other: np.ndarray) -> tuple[float, bool]:
        """How near a copy of one paragraph the other is (their shingles ``own`` and ``other``), and whether it is
        an edited copy: their copy score, or their edited-copy score where the shingles leave the pair short of
        THRESHOLD (as the clusters decide)."""
        similarity = copy_score(own, other)
        if similarity < THRESHOLD and may_be_edited_copy(similarity, len(own), len(other)):
            edited = self.weigher.score(first, second)
            if edited > similarity:
                return edited, True
        return similarity, False

    def memo(self, kind: str, key, compute, limit: int | None = None):
        """What ``compute()`` gives for ``key``, found once per state and kept (``limit`` entries of a kind at
        most): what the insights read of a paragraph, such as its indicator values."""
        return remember(self._memos.setdefault(kind, {}), key, compute, limit)

    def paragraph_label(self, docnum: int) -> dict:
        """A paragraph as a reader names it: report, township, year, its id and number in the report."""
        label = report_label(self.facets, docnum)
        ordinal = int(self.facets.id_keys[docnum]) & 0xFFFF
        return {**label, "id": paragraph_id(label["report_id"], ordinal), "paragraph": ordinal + 1}

    def stored(self, docnum: int) -> dict:
        """A document's fields: a report's as Whoosh stores them; a paragraph's from the arrays (its id, part,
        topics, text as written and section path), with its report's title, path and place from the report's
        document. Whoosh stores nothing of a paragraph (see :func:`search.index.writer.stored_fields`); what an
        older index stored there is the same and is not read."""
        if not self.facets.paragraph[docnum]:
            with self.stored_lock:
                return self.searcher.stored_fields(docnum)
        label = self.paragraph_label(docnum)
        part = int(self.facets.codes["part"][docnum])
        fields = {
            "id": label["id"],
            "report_id": label["report_id"],
            "ordinal": label["paragraph"] - 1,
            "part": self.facets.values["part"][part] if part >= 0 else "",
            "topic": ",".join(self.facets.topics_of(docnum)),
        }
        text = self.evaluator.written(docnum)
        if text is None:  # a segment that left the text to Whoosh's stored fields
            with self.stored_lock:
                text = self.searcher.stored_fields(docnum).get("text")
        if text is not None:
            fields["text"] = text
        fields["section"] = list(self.evaluator.section(docnum))
        fields.update(self.report_fields(docnum))
        return fields

    def written_text(self, docnum: int) -> str:
        """A paragraph's text as written (folded where a segment kept only that)."""
        return self.evaluator.written(docnum) or self.evaluator.text(docnum)

    def report_fields(self, docnum: int) -> dict:
        """The fields a paragraph shares with its report, as the paragraph would have stored them (read once
        per report and state: the hits of a page often share reports)."""
        code = int(self.facets.codes["report_id"][docnum])
        return dict(
            remember(self._report_field_cache, code, lambda: self._read_report_fields(code), REPORT_FIELDS_CACHED)
        )

    def _read_report_fields(self, code: int) -> dict:
        report_doc = self.facets.report_document(code)
        if report_doc < 0:
            return {}
        with self.stored_lock:
            stored = self.searcher.stored_fields(report_doc)
        meta = stored.get("report") or {}
        fields = {"title": stored.get("title", ""), "path": stored.get("path", "")}
        fields.update(
            {name: meta[name] for name in ("level", "township", "county", "city", "province") if meta.get(name)}
        )
        if meta.get("year"):
            fields["year"] = meta["year"]
        return fields


def remember(cache: dict, key, compute, limit: int | None = None):
    """``cache[key]``, computed and kept the first time; a cache of ``limit`` entries starts again when full
    (what an index state keeps of the paragraphs and reports it has shown)."""
    found = cache.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        found = compute()
        if limit is not None and len(cache) >= limit:
            cache.clear()
        cache[key] = found
    return found


@lru_cache(maxsize=65536)
def _folded_place(name: str) -> str:
    """A place name folded as paragraph texts are (a near copy folds its candidates' places)."""
    return fold(name)


def report_label(facets: FacetTable, doc: int) -> dict:
    """The report a document belongs to, as a reader names it: township (or county), year, id."""

    def value(name: str) -> str:
        code = int(facets.codes[name][doc])
        return facets.values[name][code] if code >= 0 else ""

    return {
        "report_id": value("report_id"),
        "township": value("township") or value("county"),
        "year": int(facets.years[doc]) or None,
    }


def reports_numbers(segments: list[tuple[Segment, int]], total: int) -> np.ndarray:
    """Documents with a number followed by a counting unit (59件, 6人, 20余次): from the bigram postings, each
    segment's found once (:func:`_numbers_in`) — the states after a reindex share most segments."""
    found = np.zeros(total, dtype=bool)
    for segment, offset in segments:
        found[offset : offset + segment.count] = np.unpackbits(_numbers_in(segment), count=segment.count).view(bool)
    return found


_NUMBERS_IN: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _numbers_in(segment: Segment) -> np.ndarray:
    """A segment's documents with a number and a counting unit, a bit each (a megabyte at eight million
    paragraphs); finding them in every segment again was 0.15 s of each new state there."""
    bits = _NUMBERS_IN.get(segment)
    if bits is None:
        flags = np.zeros(segment.count, dtype=bool)
        for key in fact_keys().tolist():
            flags[np.asarray(segment.grams.postings(key), dtype=np.int64)] = True
        bits = _NUMBERS_IN[segment] = np.packbits(flags)
    return bits


def load_state(
    index_dir: Path, searcher, loaded: dict[str, list[Segment]], previous: IndexState | None = None
) -> IndexState:
    """The state a Whoosh ``searcher`` sees, its segments' arrays taken from ``loaded`` (segment id → pieces)
    where an earlier state loaded them; ``loaded`` is left holding exactly this state's segments. Its facet
    table is the one saved for it, else grown from the ``previous`` state's for the segments the two share
    (:mod:`search.query.facet_growth`), else from the one saved for an earlier state, else built."""
    reader = searcher.reader()
    total = reader.doc_count_all()
    live = np.ones(total, dtype=bool)
    pieces = []
    current = []
    for segment, offset in segments_of(reader):
        segment_id = segment.segment_id()
        if segment_id not in loaded:
            loaded[segment_id] = load_segment(index_dir, segment_id)
        deleted = list(segment.deleted_docs())
        current.append((segment_id, segment.doc_count_all(), len(deleted)))
        live[offset + np.array(deleted, dtype=np.int64)] = False
        start = offset
        for piece in loaded[segment_id]:
            pieces.append((piece, start))
            start += piece.count
    for segment_id in set(loaded) - {segment_id for segment_id, _, _ in current}:
        del loaded[segment_id]
    key = facets_key(current)
    saved = load_saved_facets(index_dir)
    mapped = saved.for_state(key, total) if saved is not None else None
    facets = mapped or (previous and grown(previous.facets, previous.evaluator.segments, pieces, total, live))
    facets = facets or grown_from_saved(saved, current, loaded, pieces, total, live)
    facets = facets or FacetTable(pieces, total, live)
    evaluator = Evaluator(pieces, total, facets.paragraph, facets)
    prior = practice_prior(facets.codes["part"], facets.values["part"], reports_numbers(pieces, total))
    share = practice_share(facets.paragraph, facets.codes["part"], facets.values["part"])
    return IndexState(
        searcher,
        facets,
        evaluator,
        prior,
        Suggester(evaluator),
        index_dir=index_dir,
        practice_share=share,
        facets_key=key,
        facets_saved=mapped is not None,
    )
