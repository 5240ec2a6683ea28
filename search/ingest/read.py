"""Read a report file of any supported format into plain text lines.

Every failure raises :class:`ReportError` naming the file and the reason, so a
caller that reads a whole corpus can report it and carry on with the rest.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from search.ingest.model import RawText, ReportError

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml"}
WORD97_SUFFIXES = {".doc", ".wps"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | WORD97_SUFFIXES | {".docx", ".pdf", ".ofd"}

# Encodings a Chinese government report is plausibly written in; detection is
# restricted to them so that short GBK files are not taken for, say, cp1251.
CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]
CJK = re.compile(r"[\u4e00-\u9fff]")


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
        text, encoding = decode_text(data, path)
        return RawText(lines=text.splitlines(), format="txt", encoding=encoding)
    if suffix in HTML_SUFFIXES:
        from search.ingest.read_html import read_html

        return read_html(data, path)
    if suffix == ".docx":
        return read_docx(path)
    if suffix in WORD97_SUFFIXES:
        from search.ingest.read_doc import read_word97

        return read_word97(path)
    if suffix == ".ofd":
        from search.ingest.read_ofd import read_ofd

        return read_ofd(path)
    return read_pdf(path)


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes of a text file, detecting the encoding (BOM first, then charset-normalizer)."""
    from charset_normalizer import from_bytes

    for bom, name in ((b"\xef\xbb\xbf", "utf_8_sig"), (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16")):
        if data.startswith(bom):
            return data.decode(name), name
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and ("\x00" not in text or CJK.search(text)):
        # Valid UTF-8 holding Chinese is UTF-8 (UTF-16 Chinese never is); stray NUL bytes in it are
        # dropped with the other control characters (normalize).
        return text, "utf_8"
    if b"\x00" in data:
        decoded = _utf16_without_bom(data) if _looks_like_utf16(data) else None
        if decoded:
            return decoded
        raise ReportError(path, "不是文本文件（含二进制内容）")
    best = from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        raise ReportError(path, "无法识别文本编码（可能不是文本文件）")
    encoding = "gb18030" if best.encoding in ("gbk", "gb2312") else best.encoding
    text = data.decode(encoding, errors="replace")
    if not CJK.search(text) or text.count("\ufffd") > len(text) / 100:
        raise ReportError(path, f"不是可读的中文文本（按 {encoding} 解码失败）")
    return text, encoding


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 text saved without a byte order mark: the byte order that gives Chinese text, if either does."""
    best = None
    for name in ("utf_16_le", "utf_16_be"):
        text = data[: len(data) - len(data) % 2].decode(name, errors="replace")
        chinese = len(CJK.findall(text))
        if chinese and text.count("\ufffd") <= len(text) / 100 and (best is None or chinese > best[0]):
            best = (chinese, text, name)
    return (best[1], best[2]) if best else None


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4000]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    # CJK text in UTF-16 has few zero bytes; ASCII-heavy text has them on one side only.
    return (zeros_even == 0) != (zeros_odd == 0) or (zeros_even + zeros_odd) < len(sample) / 8


def read_docx(path: Path) -> RawText:
    """Paragraphs (and table cells) of a Word document, one line each."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
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


def read_pdf(path: Path) -> RawText:
    """The text layer of a PDF, with paragraphs rebuilt from line geometry."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        with pdfplumber.open(str(path)) as pdf:
            pages = [_page_lines(page) for page in pdf.pages]
    except (PDFSyntaxError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(path, f"不是有效的 PDF 文件（{exc.__class__.__name__}）") from exc
    except Exception as exc:  # pdfminer raises many private exception types on corrupt files
        if exc.__class__.__module__.startswith(("pdfminer", "pdfplumber", "pypdfium2")):
            raise ReportError(path, f"不是有效的 PDF 文件（{exc.__class__.__name__}）") from exc
        raise
    lines = _join_pdf_lines(pages)
    if not any(CJK.search(line) for line in lines):
        raise ReportError(path, "PDF 没有文字层（可能是扫描件，需要先做 OCR）")
    return RawText(lines=lines, format="pdf")


PAGE_NUMBER = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?[-—–\s]*(/\s*\d+\s*页?)?$")


def _page_lines(page) -> list[tuple[str, float, float]]:
    """(text, x0, x1) of each text line on a page, page numbers left out."""
    rows = []
    for line in page.extract_text_lines(layout=False, strip=True, return_chars=False):
        text = line["text"]
        if PAGE_NUMBER.match(text):
            continue
        rows.append((text, float(line["x0"]), float(line["x1"])))
    return rows


def _join_pdf_lines(pages: list[list[tuple[str, float, float]]]) -> list[str]:
    """Join wrapped lines back into paragraphs.

    A line that reaches the right margin continues on the next line unless the
    next line is indented (a new paragraph starts). Lines that stop short end
    their paragraph.
    """
    all_rows = [row for rows in pages for row in rows]
    if not all_rows:
        return []
    left = min(x0 for _, x0, _ in all_rows)
    char_width = _typical_char_width(all_rows)
    right = _right_margin(all_rows)
    paragraphs: list[str] = []
    current = ""
    for text, x0, x1 in all_rows:
        indented = x0 - left > char_width * 1.5
        if current and indented:
            paragraphs.append(current)
            current = ""
        current += text
        if x1 < right - char_width * 1.5:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _right_margin(rows: list[tuple[str, float, float]]) -> float:
    """Where full lines end: the median end of long lines (a few overhang with hanging punctuation)."""
    ends = sorted(x1 for text, _, x1 in rows if len(text) >= 20) or sorted(x1 for _, _, x1 in rows)
    return ends[len(ends) // 2]


def _typical_char_width(rows: list[tuple[str, float, float]]) -> float:
    widths = sorted((x1 - x0) / len(text) for text, x0, x1 in rows if len(text) >= 4)
    return widths[len(widths) // 2] if widths else 10.0
