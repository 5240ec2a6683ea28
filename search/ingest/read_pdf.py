"""PDF: the text layer, with paragraphs rebuilt from line geometry."""

from __future__ import annotations

from pathlib import Path

from search.ingest.bounds import check_flate_stream, check_pages
from search.ingest.model import RawText, ReportError
from search.ingest.text import CJK, PAGE_NUMBER, join_wrapped_lines


def read_pdf(path: Path) -> RawText:
    """The text layer of a PDF, with paragraphs rebuilt from line geometry."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(str(path)) as pdf:
            check_pages(path, len(pdf.pages), "PDF")
            for page in pdf.pages:
                _check_streams(path, page)
            pages = [_page_lines(page) for page in pdf.pages]
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(path, f"不是有效的 PDF 文件（{exc.__class__.__name__}）") from exc
    except Exception as exc:  # pdfminer raises many private exception types on corrupt files
        if exc.__class__.__module__.startswith(("pdfminer", "pdfplumber", "pypdfium2")):
            raise ReportError(path, f"不是有效的 PDF 文件（{exc.__class__.__name__}）") from exc
        raise
    lines = join_wrapped_lines(pages)
    if not any(CJK.search(line) for line in lines):
        raise ReportError(path, "PDF 没有文字层（可能是扫描件，需要先做 OCR）")
    return RawText(lines=lines, format="pdf")


def _check_streams(path: Path, page) -> None:
    """Refuse a page whose deflated content streams inflate past the cap, before they are parsed."""
    from pdfminer.pdftypes import resolve1

    contents = resolve1(page.page_obj.attrs.get("Contents"))
    streams = contents if isinstance(contents, list) else [contents]
    for stream in streams:
        stream = resolve1(stream)
        filters = resolve1(getattr(stream, "attrs", {}).get("Filter"))
        names = [getattr(resolve1(f), "name", f) for f in (filters if isinstance(filters, list) else [filters])]
        if "FlateDecode" in names and getattr(stream, "rawdata", None):
            check_flate_stream(path, stream.rawdata)


def _page_lines(page) -> list[tuple[str, float, float]]:
    """(text, x0, x1) of each text line on a page, page numbers left out."""
    rows = []
    for line in page.extract_text_lines(layout=False, strip=True, return_chars=False):
        text = line["text"]
        if PAGE_NUMBER.match(text):
            continue
        rows.append((text, float(line["x0"]), float(line["x1"])))
    return rows
