"""Which report files a reindex reads: the corpus folder listed (or only the files a user names), each file's
size and modification time compared with what the index recorded, and a content hash where they differ. The
folder is listed in a forked process while the index's records are read, where the system can fork.

A file that cannot be opened, or is refused before anything costly is done with it (too large, mostly holes),
is added to the run's failures; the index keeps its earlier version."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.index.forked import Forked, ForkedCallError, can_fork
from search.index.readers import ReadLimits
from search.ingest.describe import METADATA_TABLE, sidecar_names
from search.ingest.pipeline import is_report_name, path_order, report_entries

HASH_CHUNK = 1 << 20
SPARSE_FROM = 8 * 1 << 20

Files = tuple[dict[str, str], dict[str, os.stat_result], dict[str, str]]


def file_hash(path: Path | str) -> str:
    """SHA-256 of a file, read in chunks (a huge file costs time, not memory)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Listing:
    """The report files under a folder as listed: relative paths, each one's signature — the hash of (path,
    size, modification time), or of (path, -1, …) for a file that could not be stat'ed or may be refused, which
    no index record has — and the entries that cannot be opened (relative path, why). Signatures rather than
    stat results: a forked lister sends them back through a pipe (:func:`start_listing`), and comparing them
    with the index's records is one vectorised lookup instead of two dict lookups per file (0.9 s at 320,000
    files). Python's hash of a string is the same in a forked child as in its parent. The hashes have 64 bits:
    that a changed file's signature equals some other record's by chance is about one in 10^8 per run at
    320,000 files."""

    paths: list[str]
    signatures: np.ndarray
    broken: list[tuple[str, str]]
    metadata: dict[str, list[int]]  # the metadata files' [size, modification time] (see metadata_signatures)


def list_folder(corpus: Path, limits: ReadLimits, index_dir: Path | None = None) -> Listing:
    """Every report file under ``corpus`` with its signature: one pass over the folders' entries, a stat each;
    not the files of ``index_dir`` where the index is kept inside the corpus."""
    paths, signatures, broken, metadata = [], [], [], []
    always_read = _never_refused_up_to(limits)
    for rel, entry, why in report_entries(corpus, metadata, folder_within(corpus, index_dir)):
        if why:
            broken.append((rel, why))
            continue
        try:
            stat = entry.stat()
            size = stat.st_size if stat.st_size <= always_read or not refused_reason(stat, limits) else -1
            mtime = stat.st_mtime_ns
        except OSError:
            size, mtime = -1, 0  # _compared names the error
        paths.append(rel)
        signatures.append(hash((rel, size, mtime)))
    return Listing(paths, np.array(signatures, dtype=np.int64), broken, metadata_signatures(metadata))


def folder_within(corpus: Path, folder: Path | None) -> str:
    """``folder``'s path relative to ``corpus`` with "/" between its parts, or "" where it is not inside it."""
    if folder is None:
        return ""
    relative = os.path.relpath(os.path.realpath(folder), os.path.realpath(corpus))
    inside = relative != os.curdir and not relative.startswith(os.pardir)
    return relative.replace(os.sep, "/") if inside else ""


def metadata_signatures(entries: list[tuple[str, os.DirEntry]]) -> dict[str, list[int]]:
    """{relative path: [size, modification time]} of the metadata files a user supplies (``<stem>.meta.json``
    beside a report, ``metadata.csv`` for a folder and those under it). A report's own file does not change
    when its metadata does, so a reindex compares these with the last run's to find the reports to read again."""
    found = {}
    for rel, entry in entries:
        with contextlib.suppress(OSError):  # gone meanwhile: as if it were not there
            stat = entry.stat()
            found[rel] = [stat.st_size, stat.st_mtime_ns]
    return found


def sidecars_of(corpus: Path, paths: list[str], before: dict[str, list[int]]) -> dict[str, list[int]]:
    """``before`` with the sidecars of the named reports (``r.meta.json``, ``r.txt.meta.json``) as they are now:
    a run over named files reads a named report again when its sidecar changed. A ``metadata.csv`` describes a
    folder of reports and is left to a run over the folder, which reads every report it describes again."""
    now = dict(before)
    for rel in paths:
        folder, _, name = rel.rpartition("/")
        prefix = folder + "/" if folder else ""
        for sidecar in {prefix + sidecar_name for sidecar_name in sidecar_names(name)}:
            try:
                stat = os.stat(os.path.join(os.fspath(corpus), sidecar))
                now[sidecar] = [stat.st_size, stat.st_mtime_ns]
            except OSError:
                now.pop(sidecar, None)
    return now


def metadata_rereads(
    before: dict[str, list[int]],
    now: dict[str, list[int]],
    files: Files,
    known: dict[str, dict],
    limits: ReadLimits,
    failed: list[dict],
) -> set[str]:
    """The indexed reports to read again, though their own files are unchanged, because their metadata files
    changed since the last run; their stats and digests are added to ``files``."""
    if before == now:  # as in nearly every run: no set of 320,000 paths is made
        return set()
    current, stats, digests = files
    found = set()
    for rel in described_by_changed_metadata(before, now, current.keys() & known.keys()):
        if rel in digests or _compared(rel, current[rel], known.get(rel), limits, failed, stats, digests):
            found.add(rel)
    return found


def metadata_to_record(before: dict[str, list[int]], now: dict[str, list[int]], failed: set[str]) -> dict:
    """The metadata files' signatures to record for the next run: a changed one keeps its earlier signature
    while a report it describes failed to be read again, so that the next run tries that report again."""
    recorded = dict(now)
    for rel in before.keys() | now.keys():
        if before.get(rel) == now.get(rel):
            continue
        one_before = {rel: before[rel]} if rel in before else {}
        one_now = {rel: now[rel]} if rel in now else {}
        if described_by_changed_metadata(one_before, one_now, failed):
            if rel in before:
                recorded[rel] = before[rel]
            else:
                recorded.pop(rel, None)
    return recorded


def described_by_changed_metadata(
    before: dict[str, list[int]], now: dict[str, list[int]], reports: Iterable[str]
) -> set[str]:
    """The ``reports`` (relative paths) whose metadata files were added, changed or removed between two runs:
    a sidecar's report (``r.meta.json`` or ``r.txt.meta.json`` for ``r.txt``), every report in and under a
    ``metadata.csv``'s folder."""
    changed = {rel for rel in before.keys() | now.keys() if before.get(rel) != now.get(rel)}
    if not changed:
        return set()
    folders = [rel[: -len(METADATA_TABLE)] for rel in changed if rel.rpartition("/")[2] == METADATA_TABLE]
    found = set()
    for report in reports:
        folder, _, name = report.rpartition("/")
        prefix = folder + "/" if folder else ""
        if any(prefix + sidecar in changed for sidecar in sidecar_names(name)) or report.startswith(tuple(folders)):
            found.add(report)
    return found


def start_listing(corpus: Path, limits: ReadLimits, index_dir: Path | None = None) -> Forked[Listing] | None:
    """:func:`list_folder` in a forked process, where the system can fork: a stat per file of a folder of
    320,000 reports is 0.9 s, and the index's records it is compared with are read meanwhile (0.6 s)."""
    return Forked(lambda: list_folder(corpus, limits, index_dir)) if can_fork() else None


def finished_listing(pending: Forked[Listing] | None) -> Listing | None:
    """What the forked lister found; None, for the folder to be listed here, when there is none or the child
    ended without an answer (killed, out of memory)."""
    try:
        return pending.result() if pending is not None else None
    except ForkedCallError:
        return None


def listed_files(
    corpus: Path,
    known: dict[str, dict],
    limits: ReadLimits,
    failed: list[dict],
    pending: Forked[Listing] | None = None,
    metadata: dict[str, list[int]] | None = None,
    index_dir: Path | None = None,
) -> Files:
    """The readable report files under ``corpus`` ({relative path: path}, in no particular order), and the stats
    and digests of those the index does not know or whose size or modification time differ from its record
    (the others are unchanged); files that cannot be opened or are refused are added to ``failed``.
    ``pending`` is the folder being listed by :func:`start_listing`; it is listed here when None. The metadata
    files found (:func:`metadata_signatures`) are added to ``metadata`` when given."""
    recorded = _signatures(known)  # while a forked lister may still be listing
    listing = finished_listing(pending)
    if listing is None:
        listing = list_folder(corpus, limits, index_dir)
    if metadata is not None:
        metadata.update(listing.metadata)
    base = os.path.join(os.fspath(corpus), "")
    current = dict(zip(listing.paths, [base + rel for rel in listing.paths], strict=True))
    stats: dict[str, os.stat_result] = {}
    digests: dict[str, str] = {}
    refused = [{"path": rel, "error": why} for rel, why in listing.broken]
    for at in np.flatnonzero(~np.isin(listing.signatures, recorded)).tolist():
        rel = listing.paths[at]
        if not _compared(rel, current[rel], known.get(rel), limits, refused, stats, digests):
            del current[rel]
    refused.sort(key=lambda failure: path_order(failure["path"]))
    failed.extend(refused)
    return current, stats, digests


def _signatures(known: dict[str, dict]) -> np.ndarray:
    """The signatures (see :class:`Listing`) of the files as the index recorded them."""
    return np.fromiter(
        (hash((rel, record.get("size"), record.get("mtime_ns"))) for rel, record in known.items()),
        dtype=np.int64,
        count=len(known),
    )


def named_files(
    corpus: Path, paths: list[str], known: dict[str, dict], limits: ReadLimits, failed: list[dict]
) -> Files:
    """As :func:`listed_files`, with the stats and digests of every one, for the ``paths`` only (relative to
    ``corpus``, see :func:`corpus_relative`: added, changed or removed reports); every other indexed report
    stays as indexed. Listing and comparing 320,000 files took 3.4 s of a one-report reindex."""
    base = os.fspath(corpus)  # paths as the folder's listing gives them: under ``corpus`` as it was named
    current: dict[str, str] = {}
    stats: dict[str, os.stat_result] = {}
    digests: dict[str, str] = {}
    for rel in paths:
        path = os.path.join(base, rel)
        if os.path.lexists(path) and _compared(rel, path, known.get(rel), limits, failed, stats, digests):
            current[rel] = path
    return current, stats, digests


def corpus_relative(root: str, name: Path) -> str:
    """``name``'s path relative to the corpus folder ``root``, with "/"; ValueError naming a file that is
    outside it, a folder, or no report (hidden, a sidecar, metadata)."""
    path = os.path.abspath(name)
    if os.path.isdir(path):
        raise ValueError(f"{name} 是目录：请列出其中的报告文件，或不指定文件（检查整个报告目录）")
    try:
        rel = Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive (Windows)
        rel = ".."
    if rel == ".." or rel.startswith("../"):
        raise ValueError(f"{name} 不在报告目录 {root} 中")
    parts = rel.split("/")
    if any(part.startswith(".") for part in parts) or not is_report_name(parts[-1]):
        raise ValueError(f"{name} 不是报告文件（隐藏文件、元数据或常见的非报告文件）")
    return rel


def _compared(
    rel: str,
    path: str,
    known: dict | None,
    limits: ReadLimits,
    failed: list[dict],
    stats: dict[str, os.stat_result],
    digests: dict[str, str],
) -> bool:
    """Stat and digest one file into ``stats`` and ``digests``; False (with the reason in ``failed``) when it
    cannot be opened or is refused."""
    try:
        stats[rel] = os.stat(path)
        refused = refused_reason(stats[rel], limits)
        if not refused:
            digests[rel] = _digest(path, stats[rel], known)
    except OSError as exc:
        refused = os_error(exc)
    if refused:
        failed.append({"path": rel, "error": refused})
        return False
    return True


def refused_reason(stat: os.stat_result, limits: ReadLimits) -> str:
    """Why a file is not read at all, before anything costly is done with it: too large, or mostly holes (a
    sparse file claiming gigabytes it does not hold); "" when it may be read."""
    size = stat.st_size
    if size > limits.file_mb * (1 << 20):
        return f"文件过大（{size / (1 << 20):.0f} MB，上限 {limits.file_mb} MB）"
    blocks = getattr(stat, "st_blocks", None)
    if blocks is not None and size > SPARSE_FROM and blocks * 512 < size // 2:
        return "稀疏文件（大部分是空洞，不是真实的报告）"
    return ""


def _never_refused_up_to(limits: ReadLimits) -> int:
    """The size up to which :func:`refused_reason` refuses no file."""
    return min(limits.file_mb * (1 << 20), SPARSE_FROM)


def os_error(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "没有读取权限（请检查文件权限）"
    return f"无法打开：{exc.strerror or exc}"


def _digest(path: str, stat: os.stat_result, known: dict | None) -> str:
    """The file's content hash; an unchanged size and modification time reuse the indexed hash."""
    return known["hash"] if _unchanged(known, stat) else file_hash(path)


def _unchanged(known: dict | None, stat: os.stat_result) -> bool:
    """Whether a file has the size and modification time the index recorded for it (``known``)."""
    return bool(known) and known.get("size") == stat.st_size and known.get("mtime_ns") == stat.st_mtime_ns
