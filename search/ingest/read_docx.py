"""Word documents (.docx): paragraphs and table cells."""

from __future__ import annotations

import zipfile
from pathlib import Path

from search.ingest.bounds import checked_zip
from search.ingest.model import RawText, ReportError


def read_docx(path: Path) -> RawText:
    """Paragraphs (and table cells) of a Word document, one line each."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with zipfile.ZipFile(path) as archive:
            checked_zip(path, archive, ".docx")
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReportError(path, f"不是有效的 .docx 文件（{exc.__class__.__name__}）") from exc
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append(" ".join(cell.text for cell in row.cells))
    hints = {}
    core = document.core_properties
    if core.title:
        hints["title"] = core.title
    if not any(line.strip() for line in lines):
        raise ReportError(path, ".docx 文件中没有文字")
    return RawText(lines=lines, format="docx", hints=hints)
