"""OFD (GB/T 33190) files, the format of many official attachments: the text objects of every page.

An OFD file is a zip: ``OFD.xml`` names the document (``DocRoot``), whose ``Document.xml`` lists the
pages; each page's ``Content.xml`` holds ``TextObject``s (a ``Boundary`` box, in mm) with ``TextCode``
runs placed inside it. Text objects on one baseline make a line; wrapped lines are joined back into
paragraphs with the same geometry rule as PDF (:func:`search.ingest.text.join_wrapped_lines`). No package on the
registries reads OFD text without pulling in a renderer, so this reads the XML directly.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from search.ingest.bounds import check_pages, checked_zip
from search.ingest.model import RawText, ReportError
from search.ingest.text import CJK, PAGE_NUMBER, join_wrapped_lines

LINE_TOLERANCE_MM = 1.0


def read_ofd(path: Path) -> RawText:
    from lxml import etree

    try:
        archive = checked_zip(path, zipfile.ZipFile(path), "OFD")
    except (zipfile.BadZipFile, OSError) as exc:
        raise ReportError(path, f"不是有效的 OFD 文件（{exc.__class__.__name__}）") from exc
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    with archive:
        try:
            root = etree.fromstring(archive.read("OFD.xml"), parser)
            document_path = _text(root, "DocRoot")
            document = etree.fromstring(archive.read(document_path), parser)
            base = posixpath.dirname(document_path)
            locations = list(
                dict.fromkeys(page.get("BaseLoc") for page in _all(document, "Page") if page.get("BaseLoc"))
            )
            check_pages(path, len(locations), "OFD")
            pages = [
                _page_lines(etree.fromstring(archive.read(posixpath.join(base, location)), parser))
                for location in locations
            ]
        except (KeyError, etree.XMLSyntaxError, ValueError) as exc:
            raise ReportError(path, f"OFD 文件结构不完整（{exc.__class__.__name__}: {exc}）") from exc
    lines = join_wrapped_lines(pages)
    if not any(CJK.search(line) for line in lines):
        raise ReportError(path, "OFD 中没有文字（可能是扫描件，需要先做 OCR）")
    hints = {"title": _text(root, "Title")} if _text(root, "Title") else {}
    return RawText(lines=lines, format="ofd", hints=hints)


def _all(element, name: str) -> list:
    return element.xpath(f".//*[local-name()='{name}']")


def _text(element, name: str) -> str:
    found = _all(element, name)
    return (found[0].text or "").strip() if found else ""


def _page_lines(page) -> list[tuple[str, float, float]]:
    """(text, left, right) of each line of a page, top to bottom: text objects sharing a baseline."""
    pieces = []
    for text_object in _all(page, "TextObject"):
        x, y, width, _ = (float(v) for v in (text_object.get("Boundary") or "0 0 0 0").split()[:4])
        for code in _all(text_object, "TextCode"):
            if code.text:
                baseline = y + float(code.get("Y") or 0)
                pieces.append((baseline, x + float(code.get("X") or 0), x + width, code.text))
    pieces.sort()
    lines: list[list[tuple[float, float, float, str]]] = []
    for piece in pieces:
        if lines and abs(piece[0] - lines[-1][0][0]) <= LINE_TOLERANCE_MM:
            lines[-1].append(piece)
        else:
            lines.append([piece])
    rows = []
    for line in lines:
        line.sort(key=lambda piece: piece[1])
        text = "".join(piece[3] for piece in line)
        if not PAGE_NUMBER.match(text):
            rows.append((text, line[0][1], max(piece[2] for piece in line)))
    return rows
