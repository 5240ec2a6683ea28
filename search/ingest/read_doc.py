"""Word 97–2003 ``.doc`` and WPS ``.wps`` files: the text of the document, one line per paragraph.

Chinese government sites publish many reports as these attachments. WPS Office saves ``.wps`` in the
same binary format as Word 97, so one reader serves both. olefile opens the compound file; the text is
assembled from the piece table ([MS-DOC] 2.8.35 Clx → PlcPcd), where each piece is either 8-bit
(cp1252, "compressed") or UTF-16 text. Field codes (between 0x13 and 0x14) are dropped and their results
kept; table cell marks end a cell; page and section breaks end a paragraph.
"""

from __future__ import annotations

import struct
from pathlib import Path

from search.ingest.bounds import check_ole_header
from search.ingest.model import RawText, ReportError
from search.ingest.read_docx import read_docx
from search.ingest.read_html import read_html

FIB_FLAGS = 0x0A
F_ENCRYPTED = 0x0100
F_WHICH_TABLE = 0x0200
CCP_TEXT = 0x4C
FC_CLX = 0x01A2
WORD_MAGIC = 0xA5EC
FIELD_BEGIN, FIELD_SEPARATOR, FIELD_END = "\x13", "\x14", "\x15"
PARAGRAPH_ENDS = str.maketrans({"\x07": "\r", "\x0b": "\r", "\x0c": "\r", "\x0d": "\r"})


def read_word97(path: Path) -> RawText:
    """Lines of a .doc/.wps file; ReportError naming the problem when it is not one or cannot be read."""
    import olefile

    head = path.read_bytes()[:512]
    if head.startswith(b"PK\x03\x04"):  # a .docx saved under the old name, as some sites publish
        return read_docx(path)
    if head.lstrip().lower().startswith((b"<", b"mime-version")):  # a web page saved as .doc
        return read_html(path.read_bytes(), path)
    if not olefile.isOleFile(str(path)):
        raise ReportError(path, f"不是 Word 97–2003 / WPS 格式的 {path.suffix} 文件（可能是改了扩展名的其他文件）")
    size = path.stat().st_size
    check_ole_header(path, head, size)
    try:
        with olefile.OleFileIO(str(path), raise_defects=olefile.DEFECT_INCORRECT) as ole:
            if not ole.exists("WordDocument"):
                raise ReportError(path, "文件中没有 Word 文档内容（WordDocument 流）")
            for stream in ("WordDocument", "0Table", "1Table"):
                if ole.exists(stream) and ole.get_size(stream) > size:
                    raise ReportError(path, f"{stream} 流声明的大小超过文件本身（文件损坏或被篡改）")
            document = ole.openstream("WordDocument").read()
            flags = _word(document, FIB_FLAGS)
            if _word(document, 0) != WORD_MAGIC:
                raise ReportError(path, "Word 文档头无法识别")
            if flags & F_ENCRYPTED:
                raise ReportError(path, "文件已加密（设置了打开密码），请先在 Word/WPS 中去掉密码再导入")
            table_name = "1Table" if flags & F_WHICH_TABLE else "0Table"
            if not ole.exists(table_name):
                raise ReportError(path, f"文件缺少 {table_name} 流，无法读取")
            table = ole.openstream(table_name).read()
    except OSError as exc:
        raise ReportError(path, f"无法打开文件：{exc}") from exc
    except (struct.error, IndexError, ValueError, TypeError) as exc:  # olefile's own checks of the structure
        raise ReportError(path, f"Word 文件结构损坏（{exc.__class__.__name__}: {exc}）") from exc
    text = _piece_text(document, table, path)
    lines = [line.strip() for line in _drop_field_codes(text).translate(PARAGRAPH_ENDS).split("\r")]
    return RawText(lines=[line for line in lines if line], format=path.suffix.lower().lstrip("."), encoding="")


def _word(data: bytes, offset: int) -> int:
    return struct.unpack_from("<H", data, offset)[0]


def _piece_text(document: bytes, table: bytes, path: Path) -> str:
    """The document's main text, piece by piece, from the piece table in the Clx of the table stream. A piece
    table that points outside the document, or whose character positions do not ascend, is refused (reading
    on would index header bytes as text); pieces past the main text are not decoded."""
    broken = ReportError(path, "Word 文档的文本索引（piece table）损坏")
    try:
        fc_clx, lcb_clx = struct.unpack_from("<II", document, FC_CLX)
        main_text = struct.unpack_from("<I", document, CCP_TEXT)[0]  # then headers, footnotes …: not the report
    except struct.error:
        raise broken from None
    clx = table[fc_clx : fc_clx + lcb_clx]
    at = 0
    while at < len(clx) and clx[at] == 0x01:  # Prc: formatting, skipped
        at += 3 + struct.unpack_from("<H", clx, at + 1)[0]
    if at + 5 > len(clx) or clx[at] != 0x02:
        raise broken
    size = struct.unpack_from("<I", clx, at + 1)[0]
    plc = clx[at + 5 : at + 5 + size]
    if size != len(plc) or size < 16 or (size - 4) % 12:
        raise broken
    pieces = (len(plc) - 4) // 12
    positions = struct.unpack_from(f"<{pieces + 1}I", plc, 0)
    if any(later < earlier for earlier, later in zip(positions, positions[1:], strict=False)):
        raise broken
    parts, length = [], 0
    for number in range(pieces):
        if length >= main_text:
            break
        descriptor = plc[4 * (pieces + 1) + 8 * number : 4 * (pieces + 1) + 8 * (number + 1)]
        fc = struct.unpack_from("<I", descriptor, 2)[0]
        characters = positions[number + 1] - positions[number]
        compressed = bool(fc & 0x40000000)
        start = (fc & 0x3FFFFFFF) // 2 if compressed else fc
        end = start + (characters if compressed else 2 * characters)
        if end > len(document):
            raise broken
        data = document[start:end]
        parts.append(
            data.decode("cp1252", errors="replace") if compressed else data.decode("utf-16-le", errors="replace")
        )
        length += characters
    return "".join(parts)[:main_text]


def _drop_field_codes(text: str) -> str:
    """Keep what a field shows (its result), not its code: {HYPERLINK "…"}text → text."""
    out, depth, showing = [], 0, [True]
    for char in text:
        if char == FIELD_BEGIN:
            depth += 1
            showing.append(False)
        elif char == FIELD_SEPARATOR and depth:
            showing[-1] = True
        elif char == FIELD_END and depth:
            depth -= 1
            showing.pop()
        elif all(showing) and (char >= " " or char in "\r\x07\x0b\x0c\t"):
            out.append(char)
    return "".join(out)
