"""Word documents (.docx): paragraphs and table cells."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from search.ingest.bounds import checked_zip
from search.ingest.model import HeadingLine, RawText, ReportError

HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
BODY_OUTLINE_LEVEL = 9  # w:outlineLvl of body text


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
    lines = [_marked(paragraph) for paragraph in document.paragraphs]
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


def _marked(paragraph) -> str:
    """The paragraph's text, as a HeadingLine when Word marks it a heading: its own outline level, else its
    style's (Heading 2, 标题 2, or the outline level of the style or a style it is based on)."""
    level = _outline_level(paragraph._p.pPr)
    style = paragraph.style
    while not level and style is not None:
        found = HEADING_STYLE.match(style.name or "")
        level = int(found.group(1)) if found else _outline_level(style.element.pPr)
        style = style.base_style
    return HeadingLine(paragraph.text, level) if level and paragraph.text.strip() else paragraph.text


def _outline_level(properties) -> int:
    """1 + the w:outlineLvl of paragraph properties (0 for none, or body text)."""
    from docx.oxml.ns import qn

    if properties is None:
        return 0
    outline = properties.find(qn("w:outlineLvl"))
    value = outline.get(qn("w:val")) if outline is not None else None
    return int(value) + 1 if value is not None and value.isdigit() and int(value) < BODY_OUTLINE_LEVEL else 0
