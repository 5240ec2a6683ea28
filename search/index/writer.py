"""The index: one document per paragraph, one per report, incremental by content hash.

Whoosh holds the documents: paragraph documents (kind=paragraph) store the
text, heading path, part, topics and the township's metadata with sortable
facet columns; a report document (kind=report) stores the report's metadata,
file hash and path. The inverted index (words, character grams, headings) is
written by :mod:`search.index.segment_writer` beside each new Whoosh segment, before the
commit that makes the segment visible. Whoosh commits atomically (a new table
of contents replaces the old one) and never merges segments here, so a searcher
opened before a reindex keeps answering from the previous state, and an
interrupted reindex leaves the previous index as it was.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import fields, index, writing

from search.index.clusters import cluster_rules
from search.index.facts import facts_key
from search.index.forked import call_forked, can_fork
from search.index.heap import return_free_memory
from search.index.listing import (
    corpus_relative,
    file_hash,
    listed_files,
    metadata_rereads,
    metadata_to_record,
    named_files,
    sidecars_of,
    start_listing,
)
from search.index.lock import ReindexLock
from search.index.readers import ReaderPool, ReadLimits
from search.index.segment_reader import (
    ARRAYS_FORMAT,
    FAST_DIR,
    arrays_format,
    load_segment,
    manifest_bytes,
    read_manifest,
)
from search.index.segment_writer import PIECE_SIZE, SegmentBuilder, remove_orphans
from search.index.terms import EMPTY
from search.ingest.model import METADATA_FIELDS, Report
from search.ingest.pipeline import path_order

INDEX_NAME = "paragraphs"
TOC_NAME = re.compile(rf"^_{INDEX_NAME}_\d+\.toc$")
MERGE_AT = 4
MAX_SEGMENTS = 3
REPORT_STORED = (*METADATA_FIELDS, "sources", "format", "encoding", "script")
INFO_FILE = "indexinfo.json"
DERIVED_FILE = "derived.txt"  # which committed state the clusters, facts and copy rates were last saved for
BATCH_DOCUMENTS = PIECE_SIZE
# Whoosh spills its postings to sorted runs beyond this: with 256 its pool held every report id till the commit.
WHOOSH_POOL_MB = 32
FACETS = ("level", "township", "county", "province", "year", "part", "topic")


def build_schema() -> fields.Schema:
    """Documents and ids only: facets and text search live in the per-segment arrays (search.index.segment_reader)."""
    return fields.Schema(
        id=fields.STORED(),
        kind=fields.ID(stored=True),
        report_id=fields.ID(),  # a paragraph's only Whoosh field: what a reindex deletes it by
        ordinal=fields.STORED(),
        text=fields.STORED(),
        section=fields.STORED(),
        part=fields.STORED(),
        topic=fields.STORED(),
        level=fields.STORED(),
        township=fields.STORED(),
        county=fields.STORED(),
        city=fields.STORED(),
        province=fields.STORED(),
        year=fields.STORED(),
        title=fields.STORED(),
        path=fields.STORED(),
        report=fields.STORED(),
    )


def report_id_for(relative_path: str) -> str:
    """A stable id from the file's path inside the corpus (an updated file keeps its id)."""
    return hashlib.sha1(relative_path.encode("utf-8")).hexdigest()[:12]


def paragraph_id(report_id: str, ordinal: int) -> str:
    return f"{report_id}-{ordinal:04d}"


def indexed_version(index_dir: Path, file: Path) -> dict:
    """How the index at ``index_dir`` holds ``file``: ``state`` is ``current`` (as the file is now), ``older``
    (an earlier version; ``error`` says why the file could not replace it, when the last run tried), ``absent``
    (not indexed yet) or ``outside`` (not under the folder the index was built from)."""
    info = read_info(index_dir)
    corpus = info.get("corpus")
    try:
        rel = Path(file).resolve().relative_to(Path(corpus)).as_posix() if corpus else None
    except ValueError:
        rel = None
    if rel is None:
        return {"state": "outside", "corpus": corpus or ""}
    entry = known_reports(index_dir, open_index(index_dir)).get(rel) if index_exists(index_dir) else None
    if entry is None:
        return {"state": "absent", "path": rel}
    try:
        same = file_hash(file) == entry["hash"]
    except OSError:
        same = False
    stale = {f["path"]: f["error"] for f in info.get("stale", [])}
    state = {"state": "current" if same else "older", "path": rel, "report_id": entry.get("report_id", "")}
    if not same and rel in stale:
        state["error"] = stale[rel]
    return state


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    failed: list[dict] = field(default_factory=list)
    paragraphs: int = 0
    seconds: float = 0.0
    clusters_seconds: float | None = None
    recovered_lock: str = ""
    recreated: str = ""

    def to_json(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "paragraphs": self.paragraphs,
            "seconds": round(self.seconds, 3),
            "clusters_seconds": None if self.clusters_seconds is None else round(self.clusters_seconds, 3),
        }


def open_index(index_dir: Path) -> index.Index:
    return index.open_dir(str(index_dir), indexname=INDEX_NAME)


def index_exists(index_dir: Path) -> bool:
    """Whether ``index_dir`` holds a committed index, from its listing: opening it (Whoosh's exists_in) raised
    when a commit in another process had just deleted the table of contents it listed."""
    return Path(index_dir).is_dir() and any(TOC_NAME.match(name) for name in os.listdir(index_dir))


def index_is_usable(index_dir: Path) -> bool:
    """An index of this version: the current schema, and every segment's arrays there in today's format."""
    return index_exists(index_dir) and _schema_is_current(index_dir) and _arrays_are_current(index_dir)


def _arrays_are_current(index_dir: Path) -> bool:
    """Whether every segment's arrays are there, written under :data:`ARRAYS_FORMAT`."""
    fast = Path(index_dir) / FAST_DIR
    return all(arrays_format(fast / segment_id) == ARRAYS_FORMAT for segment_id in _segment_ids(open_index(index_dir)))


def _schema_is_current(index_dir: Path, stored_too: bool = False) -> bool:
    """An index written by an older version (other fields) is recreated rather than updated. With
    ``stored_too``, also what each field stores: an index whose fields only store more (a paragraph's report
    id, before) is read and updated as it is, and takes today's schema when it is rebuilt."""

    def shape(schema: fields.Schema) -> dict[str, tuple[str, bool]]:
        return {
            name: (type(schema[name]).__name__, stored_too and bool(schema[name].stored)) for name in schema.names()
        }

    try:
        return shape(open_index(index_dir).schema) == shape(build_schema())
    except Exception:  # an unreadable table of contents: start over
        return False


def _create_index(index_dir: Path) -> index.Index:
    index_dir.mkdir(parents=True, exist_ok=True)
    return index.create_in(str(index_dir), build_schema(), indexname=INDEX_NAME)


def paragraph_documents(report: Report, report_id: str, relative_path: str) -> Iterable[dict]:
    meta = {
        "level": report.level,
        "township": report.township,
        "county": report.county,
        "city": report.city,
        "province": report.province,
    }
    for ordinal, paragraph in enumerate(report.paragraphs):
        document = {
            "id": paragraph_id(report_id, ordinal),
            "report_id": report_id,
            "ordinal": ordinal,
            "text": paragraph.text,
            "section": list(paragraph.section),
            "part": paragraph.part,
            "topic": ",".join(paragraph.topics),
            "title": report.title,
            "path": relative_path,
            **{k: v for k, v in meta.items() if v},
        }
        if report.year:
            document["year"] = report.year
        yield document


PARAGRAPH_INDEXED = ("report_id",)


def stored_fields(document: dict) -> dict:
    """What Whoosh gets of a paragraph: its report id, indexed (not stored), which a reindex deletes it by.
    Everything else is in the segment's arrays — its id and ordinal (the id key), part and topics (facet
    codes), its text folded and as written where that differs, its section path (see
    :meth:`search.index.segment_reader.Segment.written` and ``section_of``) — or in its report's document
    (title, path, place), from which a search fills them in: Whoosh's stored fields were 211 MB of a
    1,000,000-paragraph index, and pickling them a share of the indexing time."""
    return {name: document[name] for name in PARAGRAPH_INDEXED if name in document}


def report_document(report: Report, report_id: str, relative_path: str, digest: str, source: Path) -> dict:
    stored = {name: getattr(report, name) for name in REPORT_STORED}
    stored.update(hash=digest, source=str(source.resolve()), paragraphs=len(report.paragraphs))
    return {
        "id": f"report-{report_id}",
        "kind": "report",
        "report_id": report_id,
        "path": relative_path,
        "title": report.title,
        "report": stored,
    }


def update_index(
    corpus: Path,
    index_dir: Path,
    rebuild: bool = False,
    jobs: int | None = None,
    progress: Callable[[int], Callable[[], None]] | None = None,
    after_commit: Callable[[], bool | None] | None = None,
    limits: ReadLimits | None = None,
    files: list[Path] | None = None,
) -> Summary:
    """Bring the index in ``index_dir`` up to date with the files in ``corpus`` — with ``files``, only with
    those (added, changed or removed reports under ``corpus``; ValueError names one that is not), the others
    kept as indexed. An index to be built or rebuilt reads the whole corpus either way.

    ``after_commit`` runs once the new state is committed (searchable) but before the reindex lock is let
    go: the near-duplicate clusters of the new state are found there, so a server waits for them instead
    of finding them too. Its time is ``Summary.clusters_seconds``, not part of ``seconds`` (None when it
    returns False: it had nothing to do). The indexing before it is then done in a forked process where the
    system can fork: what indexing leaves on the heap (at 8M paragraphs over a gigabyte, however trimmed) is
    given back before the clustering starts, so the two steps' memory does not add up."""
    corpus, index_dir = Path(corpus), Path(index_dir)
    index_dir.mkdir(parents=True, exist_ok=True)
    with ReindexLock(index_dir) as lock:

        def index_files() -> Summary:
            return _update_locked(corpus, index_dir, rebuild, jobs, progress, limits or ReadLimits(), files)

        summary = call_forked(index_files) if after_commit is not None and can_fork() else index_files()
        summary.recovered_lock = lock.recovered
        if after_commit is not None:
            return_free_memory()
            started = time.perf_counter()
            if after_commit() is not False:
                summary.clusters_seconds = time.perf_counter() - started
    return summary


def _update_locked(
    corpus: Path,
    index_dir: Path,
    rebuild: bool,
    jobs: int | None,
    progress: Callable[[int], Callable[[], None]] | None,
    limits: ReadLimits,
    files: list[Path] | None = None,
) -> Summary:
    """The files read, compared and indexed, and the new state committed, under the reindex lock."""
    started = time.perf_counter()
    summary = Summary()
    replace_all = rebuild
    named, known_total, listing = False, None, None
    metadata_before = read_info(index_dir).get("metadata_files", {})
    if not index_exists(index_dir) or not _schema_is_current(index_dir, stored_too=rebuild):
        if index_exists(index_dir) and not _schema_is_current(index_dir):
            summary.recreated = "索引由其他版本写成（字段不同），已全部重建"
        ix = _create_index(index_dir)
        known: dict[str, dict] = {}
    elif not _arrays_are_current(index_dir):
        # Written under another format of the arrays: every report is read again, the old segments
        # stay searchable (by the version that wrote them) until the commit drops them.
        summary.recreated = f"索引由其他版本写成（数组格式不是 {ARRAYS_FORMAT}），已全部重建"
        replace_all = True
        ix = open_index(index_dir)
        known = {}
    elif rebuild:
        # Rebuild inside the existing index: the old segments stay visible until the commit
        # drops them, so a server keeps answering while the rebuild runs.
        ix = open_index(index_dir)
        known = {}
    elif files is not None:
        ix = open_index(index_dir)
        named_paths = [corpus_relative(os.path.abspath(corpus), name) for name in files]
        known, known_total = known_of(index_dir, ix, named_paths)
        named = known_total > 0  # an empty index: the whole folder is read
    else:
        ix = open_index(index_dir)
        listing = start_listing(
            corpus, limits, index_dir
        )  # the folder is listed in a child while the manifests are read
        known = None
    pool = None
    try:
        if known is None:
            known = known_reports(index_dir, ix)
        known_total = len(known) if known_total is None else known_total
        # A reader started now warms up while the files are listed and compared; closed if none changed.
        pool = ReaderPool(1, corpus, limits)
        if named:
            looked_at = set(named_paths)
            current, stats, digests = named_files(corpus, named_paths, known, limits, summary.failed)
            metadata_now = sidecars_of(corpus, named_paths, metadata_before)
        else:
            metadata_now = {}
            current, stats, digests = listed_files(
                corpus, known, limits, summary.failed, listing, metadata_now, index_dir
            )
            looked_at = known.keys()
        files = (current, stats, digests)
        rereads = metadata_rereads(metadata_before, metadata_now, files, known, limits, summary.failed)
    except BaseException:
        if pool is not None:
            pool.close()
        if listing is not None:
            listing.cancel()
        raise
    changed = {rel for rel in digests if known.get(rel, {}).get("hash") != digests[rel]}
    to_parse = sorted(changed | rereads, key=path_order)
    unreadable = {f["path"] for f in summary.failed}
    removed = sorted((known.keys() & looked_at) - current.keys() - unreadable, key=path_order)
    summary.unchanged = len(current) - len(to_parse)
    if named:  # the reports it did not look at are unchanged as far as it knows
        summary.unchanged += known_total - len(known.keys() & looked_at)
    if to_parse:
        pool.grow_to(min(jobs or min(2, os.cpu_count() or 1), len(to_parse)))
    else:
        pool.close()
        pool = None
    writer, builder = _open_batch(ix, index_dir)
    try:
        for rel in removed:
            writer.delete_by_term("report_id", report_id_for(rel))
            summary.removed += 1
        tick = progress(len(to_parse)) if progress else (lambda: None)
        for path, report, terms, error in pool.parse([current[rel] for rel in to_parse]) if pool else ():
            rel = Path(path).relative_to(corpus).as_posix()
            rid = report_id_for(rel)
            if report is None:
                # The indexed version stays until a readable one replaces it (a half-copied file must not
                # take its township out of every search).
                summary.failed.append({"path": rel, "error": error})
                tick()
                continue
            if rel in known:
                writer.delete_by_term("report_id", rid)
            for document, paragraph_terms_ in zip(paragraph_documents(report, rid, rel), terms, strict=True):
                writer.add_document(**stored_fields(document))
                builder.add(paragraph_terms_, document)
            summary_document = report_document(report, rid, rel, digests[rel], Path(current[rel]))
            builder.add_report(rel, rid, digests[rel], stats[rel])
            writer.add_document(**summary_document)
            builder.add(EMPTY, summary_document)
            if rel in known:
                summary.updated += 1
            else:
                summary.added += 1
            tick()
            if not replace_all and builder.count >= BATCH_DOCUMENTS:
                # A batch is committed (searchable) as soon as it fills a piece: a run stopped later keeps it.
                writer.commit(mergetype=_merge_small_segments(index_dir, builder))
                writer, builder = _open_batch(ix, index_dir)
        if replace_all:
            if builder.count:
                builder.write(index_dir, writer.newsegment.segment_id())
            writer.commit(mergetype=writing.CLEAR)
        elif not removed and not builder.count:
            # Nothing changed since the last commit: committing would still merge small segments into a new
            # one, a new state that servers reload and the clustering redoes (10 s at 8M paragraphs).
            writer.cancel()
        else:
            writer.commit(mergetype=_merge_small_segments(index_dir, builder))
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        if pool is not None:
            pool.close()
    remove_orphans(index_dir, _segment_ids(ix))
    for failure in summary.failed:
        failure["kept"] = failure["path"] in known
    failed = {f["path"] for f in summary.failed}
    metadata = metadata_to_record(metadata_before, metadata_now, failed)
    _write_info(index_dir, corpus, [f for f in summary.failed if f["kept"]], metadata)
    # Every known report stays but those removed (an unreadable one keeps its indexed version), and each
    # added one has a report document: counting the report documents' postings took 0.6 s at 8M paragraphs.
    reports = known_total - summary.removed + summary.added
    with ix.searcher() as searcher:
        summary.paragraphs = searcher.doc_count() - reports
    summary.seconds = time.perf_counter() - started
    return summary


def _open_batch(ix: index.Index, index_dir: Path) -> tuple[writing.SegmentWriter, SegmentBuilder]:
    """A Whoosh writer for the next commit and the builder of its segment's arrays."""
    writer = ix.writer(procs=1, limitmb=WHOOSH_POOL_MB, compound=False)
    builder = SegmentBuilder()
    builder.start(index_dir, writer.newsegment.segment_id())
    return writer, builder


def _merge_small_segments(index_dir: Path, builder: SegmentBuilder):
    """A Whoosh merge policy: the small segments (each run adds one) are merged into the new segment, their
    arrays with them, so that many incremental runs do not leave a search many segments to read.

    Whoosh copies the live documents of each merged segment after the documents this run added; the
    builder appends the same documents' arrays in the same order, and the new segment's arrays are written
    before the commit that makes it visible (a run killed before that leaves the previous index as it was).
    """

    def merge(writer, segments):
        from whoosh.reading import SegmentReader

        chosen = small_segments(segments)
        for segment in chosen:
            if not segment.doc_count():
                # Every document deleted: the segment is dropped. Adding its reader would make Whoosh write an
                # empty new segment even when nothing else is added, a segment without arrays (an unusable index).
                continue
            reader = SegmentReader(writer.storage, writer.schema, segment)
            live = [docnum for docnum, _ in reader.iter_docs()]
            writer.add_reader(reader)
            reader.close()
            segment_id = segment.segment_id()
            builder.copy_from(load_segment(index_dir, segment_id), live, read_manifest(index_dir, segment_id))
        if builder.count:
            builder.write(index_dir, writer.newsegment.segment_id())
        return [segment for segment in segments if segment not in chosen]

    return merge


def small_segments(segments: list) -> list:
    """Segments to merge into the new one, as Lucene's log merge policy picks them: empty ones; any MERGE_AT
    of about the same size (the same power of MERGE_AT live documents); and, past MAX_SEGMENTS, the
    smallest, so that a search never reads more than MAX_SEGMENTS small segments. A segment of a whole piece
    (PIECE_SIZE documents, what a batch commits) is left as it is: a search reads it as one piece either way."""
    sizes = {id(segment): segment.doc_count() for segment in segments if segment.doc_count_all() < PIECE_SIZE}
    chosen = {key for key, size in sizes.items() if size == 0}
    levels: dict[int, list[int]] = {}
    for key, size in sizes.items():
        if size:
            levels.setdefault(int(math.log(size, MERGE_AT)), []).append(key)
    for members in levels.values():
        if len(members) >= MERGE_AT:
            chosen.update(members)
    kept = sorted((key for key in sizes if key not in chosen), key=sizes.get)
    if len(kept) > MAX_SEGMENTS - 2:
        chosen.update(kept[: len(kept) - (MAX_SEGMENTS - 2)])
    return [segment for segment in segments if id(segment) in chosen]


def _segment_ids(ix: index.Index) -> set[str]:
    return {segment.segment_id() for segment in ix._segments()}


def segments_of(reader) -> list[tuple[object, int]]:
    """(Whoosh segment, offset of its first document) of every segment a reader reads.

    An index with no segment (an empty corpus, or a first build that was killed) has a reader
    whose one leaf has no segment: it yields nothing here.
    """
    return [(leaf.segment(), offset) for leaf, offset in reader.leaf_readers() if leaf.segment() is not None]


NAMED_LOOKUPS = 64  # more named files than this, and the manifests are parsed whole
DOCNUM = re.compile(rb'"docnum": (\d+)}')


def known_of(index_dir: Path, ix: index.Index, paths: list[str]) -> tuple[dict[str, dict], int]:
    """:func:`known_reports` of the relative ``paths`` only, and how many reports the index holds: what a run
    over named files needs, found in the manifests' text rather than parsed (320,000 entries took 0.5 s of a
    one-file run at 8M paragraphs). An entry starts ``{"path": <path as JSON>, `` and ends with its
    ``"docnum"``; that text cannot stand inside a JSON string, where its quotes are escaped."""
    if len(paths) > NAMED_LOOKUPS:
        known = known_reports(index_dir, ix)
        return {path: known[path] for path in paths if path in known}, len(known)
    found: dict[str, dict] = {}
    total = 0
    with ix.reader() as reader:
        for segment, _ in segments_of(reader):
            deleted = set(segment.deleted_docs())
            text = manifest_bytes(index_dir, segment.segment_id())
            if deleted:
                total += sum(1 for docnum in DOCNUM.findall(text) if int(docnum) not in deleted)
            else:
                total += text.count(b'"docnum": ')
            for path in paths:
                at = text.find(b'{"path": ' + json.dumps(path, ensure_ascii=False).encode("utf-8") + b", ")
                if at >= 0:
                    entry = json.loads(text[at : text.index(b"}", text.index(b'"docnum": ', at)) + 1])
                    if entry["docnum"] not in deleted:
                        found[path] = entry
    return found, total


def known_reports(index_dir: Path, ix: index.Index) -> dict[str, dict]:
    """relative path → {report_id, hash, size, mtime_ns} of every report in the index.

    Read from the segments' manifests, not from stored documents: at 8,000 reports this is
    milliseconds instead of a second.
    """
    known: dict[str, dict] = {}
    with ix.reader() as reader:
        for segment, _ in segments_of(reader):
            deleted = set(segment.deleted_docs())  # a generator: ``in`` would consume it
            for entry in read_manifest(index_dir, segment.segment_id()):
                if entry["docnum"] not in deleted:
                    known[entry["path"]] = entry
    return known


def _write_info(index_dir: Path, corpus: Path, stale: list[dict[str, str]], metadata: dict) -> None:
    """When the index was last brought up to date, from which folder, which of its reports are older than
    their files (``stale``: files that could not be read, whose earlier version the index keeps), and the
    metadata files as that run found them (see :func:`search.index.listing.metadata_signatures`)."""
    info = {
        "last_indexed": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": str(corpus.resolve()),
        "stale": [{"path": f["path"], "error": f["error"]} for f in stale],
        "metadata_files": metadata,
    }
    temporary = index_dir / (INFO_FILE + ".tmp")
    temporary.write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, index_dir / INFO_FILE)


def read_info(index_dir: Path) -> dict:
    try:
        return json.loads((Path(index_dir) / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def committed_state(index_dir: Path, derived_rules: str = "") -> str:
    """Names the committed state and the rules of what is derived from it: each segment with its documents and
    deletions (deletions only grow), the clusters' and the facts' rules, and ``derived_rules`` (how the caller
    saves what it derives: files and formats the index layer does not know of)."""
    with open_index(index_dir).reader() as reader:
        segments = [f"{s.segment_id()}:{s.doc_count_all()}:{s.deleted_count()}" for s, _ in segments_of(reader)]
    return f"{cluster_rules()}#{facts_key()}#{derived_rules}#" + "|".join(segments)


def derived_saved_for(index_dir: Path) -> str:
    """The :func:`committed_state` whose clusters and facts were last saved ("" when none are known)."""
    try:
        return (Path(index_dir) / DERIVED_FILE).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return ""


def mark_derived_saved(index_dir: Path, state: str) -> None:
    temporary = Path(index_dir) / (DERIVED_FILE + ".tmp")
    temporary.write_text(state, encoding="utf-8")
    os.replace(temporary, Path(index_dir) / DERIVED_FILE)
