"""Read a report file of any supported format into plain text lines.

Every failure raises :class:`ReportError` naming the file and the reason, so a
caller that reads a whole corpus can report it and carry on with the rest.
"""

from __future__ import annotations

from pathlib import Path

from search.ingest.bounds import check_text_size
from search.ingest.model import RawText, ReportError
from search.ingest.read_doc import read_word97
from search.ingest.read_docx import read_docx
from search.ingest.read_html import read_html
from search.ingest.read_mhtml import read_mhtml
from search.ingest.read_ofd import read_ofd
from search.ingest.read_pdf import read_pdf
from search.ingest.text import decode_text, tab_tables_joined

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
WEB_ARCHIVE_SUFFIXES = {".mht", ".mhtml"}
WORD97_SUFFIXES = {".doc", ".wps"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | WEB_ARCHIVE_SUFFIXES | WORD97_SUFFIXES | {".docx", ".pdf", ".ofd"}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in SUPPORTED_SUFFIXES and not path.name.startswith((".", "~$"))


def read_file(path: Path) -> RawText:
    """Return the text lines of ``path``; raise ReportError when it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = "、".join(sorted(SUPPORTED_SUFFIXES))
        raise ReportError(path, f"不支持的文件类型 {suffix or '（无扩展名）'}；支持 {supported}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReportError(path, f"无法读取文件：{exc.strerror or exc}") from exc
    if not data.strip():
        raise ReportError(path, "文件为空")
    if suffix in TEXT_SUFFIXES:
        check_text_size(path, data)
        text, encoding = decode_text(data, path)
        return RawText(lines=tab_tables_joined(text.splitlines()), format="txt", encoding=encoding)
    if suffix in HTML_SUFFIXES:
        return read_html(data, path)
    if suffix in WEB_ARCHIVE_SUFFIXES:
        return read_mhtml(data, path)
    if suffix == ".docx":
        return read_docx(path)
    if suffix in WORD97_SUFFIXES:
        return read_word97(path)
    if suffix == ".ofd":
        return read_ofd(path)
    return read_pdf(path)
