"""read → segment → describe → classify: one report file in, one Report out."""

from __future__ import annotations

from pathlib import Path

from .classify import classify
from .describe import describe, load_overrides
from .model import Report, ReportError
from .read import read_file
from .segment import segment


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
    from .read import is_supported

    return sorted(
        p
        for p in Path(corpus).rglob("*")
        if p.is_file()
        and not p.name.endswith(".meta.json")
        and p.name != "metadata.csv"
        and not any(part.startswith(".") for part in p.relative_to(corpus).parts)
        and (is_supported(p) or p.suffix.lower() not in IGNORED_SUFFIXES)
    )


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
