"""read → segment → describe → classify: one report file in, one Report out."""

from __future__ import annotations

import os
from pathlib import Path

from search.ingest.classify import classify
from search.ingest.describe import describe, load_overrides
from search.ingest.model import Report, ReportError
from search.ingest.read import read_file
from search.ingest.segment import segment


def process_file(path: Path, corpus_root: Path | None = None) -> Report:
    """Read and structure one report; raise ReportError (naming the file) when it cannot be read."""
    path = Path(path)
    raw = read_file(path)
    segmented = segment(raw.lines)
    if not segmented.paragraphs:
        raise ReportError(path, "没有找到正文段落")
    report = Report(path=str(path), paragraphs=segmented.paragraphs, format=raw.format, encoding=raw.encoding)
    classify(report.paragraphs)
    describe(report, raw, segmented, overrides=load_overrides(path, corpus_root))
    return report


def corpus_files(corpus: Path) -> list[Path]:
    """Report files under ``corpus``, sorted; sidecars, metadata.csv and hidden files are not reports."""
    return corpus_entries(corpus)[0]


def corpus_entries(corpus: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """(report files under ``corpus``, sorted; (path, reason) of entries that look like reports but cannot
    be opened: a symbolic link that loops or points nowhere)."""
    from search.ingest.read import is_supported

    files, broken = [], []
    for folder, subfolders, names in os.walk(corpus):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]  # hidden folders: not reports
        for name in (*subfolders, *names):
            path = Path(folder, name)
            if (
                name.startswith(".")
                or name.endswith(".meta.json")
                or name == "metadata.csv"
                or not (is_supported(path) or path.suffix.lower() not in IGNORED_SUFFIXES)
            ):
                continue
            if os.path.isfile(path):
                files.append(path)
            elif os.path.islink(path) and not os.path.exists(path):
                broken.append((path, "符号链接无法打开（循环链接或目标不存在）"))
    # Walked with os.walk (which, like Path.rglob, does not descend into linked folders) and sorted by
    # parts compared as tuples of strings: at 40,000 files, Path.rglob and comparisons of Path objects
    # took most of a one-report reindex's half second here.
    return sorted(files, key=lambda p: p.parts), sorted(broken, key=lambda item: item[0].parts)


# Files a corpus folder commonly holds that are not reports and not worth an error line.
IGNORED_SUFFIXES = {".json", ".csv", ".md", ".db", ".lock", ".tmp", ".bak", ".ini", ".ds_store"}


def process_corpus(corpus: Path) -> tuple[list[Report], list[ReportError]]:
    """Every report of a folder; a file that cannot be read is reported and the rest go on."""
    reports: list[Report] = []
    failures: list[ReportError] = []
    for path in corpus_files(corpus):
        try:
            reports.append(process_file(path, corpus_root=corpus))
        except ReportError as exc:
            failures.append(exc)
    return reports, failures
