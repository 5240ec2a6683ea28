"""Word documents (.docx): paragraphs and tables, in the order the document has them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from search.ingest.bounds import checked_zip
from search.ingest.model import HeadingLine, RawText, ReportError
from search.ingest.text import record_lines

if TYPE_CHECKING:
    from search.ingest.docx_numbering import Numbering

HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
BODY_OUTLINE_LEVEL = 9  # w:outlineLvl of body text
LAYOUT_CELL = re.compile(r"[。；！？]")  # a cell holding sentences: the table lays out text, it holds no data


def read_docx(path: Path) -> RawText:
    """The paragraphs of a Word document, one line each, and its tables where they stand (see :func:`_table_lines`)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from search.ingest.docx_numbering import Numbering

    try:
        with zipfile.ZipFile(path) as archive:
            checked_zip(path, archive, ".docx")
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ReportError(path, f"不是有效的 .docx 文件（{exc.__class__.__name__}）") from exc
    lines = _content_lines(document, Numbering(document))
    hints = {}
    core = document.core_properties
    if core.title:
        hints["title"] = core.title
    if not any(line.strip() for line in lines):
        raise ReportError(path, ".docx 文件中没有文字")
    return RawText(lines=lines, format="docx", hints=hints)


def _content_lines(container, numbering: Numbering) -> list[str]:
    """The lines of a document or a table cell, paragraphs and tables in order: a table's data read after the
    paragraph under it would split a signature from its date and hide where the table belongs. A paragraph Word
    numbers itself has its number (see :mod:`search.ingest.docx_numbering`)."""
    from docx.table import Table

    lines: list[str] = []
    for block in container.iter_inner_content():
        lines += _table_lines(block, numbering) if isinstance(block, Table) else [_marked(block, numbering)]
    return lines


def _table_lines(table, numbering: Numbering) -> list[str]:
    """A data table as one line, its rows' cells joined by "，" and its rows by "；" (a closed sentence, so no
    line is joined to it as a broken one); a table that lays text out (a cell with sentences: a letterhead, a
    report typed into a frame) as its cells' own lines."""
    cells = _unique_cells(table)
    if any(LAYOUT_CELL.search(cell.text) for row in cells for cell in row):
        records = record_lines([[cell.text.strip() for cell in row if cell.text.strip()] for row in cells])
        return records or [line for row in cells for cell in row for line in _content_lines(cell, numbering)]
    rows = ["，".join(text for cell in row if (text := cell.text.strip())) for row in cells]
    rows = [row for row in rows if row]
    return ["；".join(rows) + "。"] if rows else []


def _unique_cells(table) -> list[list]:
    """Each row's cells, a merged cell once (python-docx repeats it for every grid column it spans)."""
    seen: set = set()  # the cells' XML elements, held so that each keeps its identity
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell._tc not in seen:
                seen.add(cell._tc)
                cells.append(cell)
        rows.append(cells)
    return rows


def _marked(paragraph, numbering: Numbering) -> str:
    """The paragraph's text with its number, as a HeadingLine when Word marks it a heading: its own outline
    level, else its style's (Heading 2, 标题 2, or the outline level of the style or a style it is based on)."""
    level = _outline_level(paragraph._p.pPr)
    style = paragraph.style
    while not level and style is not None:
        found = HEADING_STYLE.match(style.name or "")
        level = int(found.group(1)) if found else _outline_level(style.element.pPr)
        style = style.base_style
    text = numbering.text_of(paragraph)
    return HeadingLine(text, level) if level and text.strip() else text


def _outline_level(properties) -> int:
    """1 + the w:outlineLvl of paragraph properties (0 for none, or body text)."""
    from docx.oxml.ns import qn

    if properties is None:
        return 0
    outline = properties.find(qn("w:outlineLvl"))
    value = outline.get(qn("w:val")) if outline is not None else None
    return int(value) + 1 if value is not None and value.isdigit() and int(value) < BODY_OUTLINE_LEVEL else 0
