"""Cheap checks before expensive work: what a report file may claim before a reader believes it.

A hostile or broken file can ask a reader for gigabytes (a zip member that unpacks to 2 GB, a PDF content
stream that inflates to a billion operators, a Word file whose chains loop) or for hours (tens of thousands of
nested elements). Each reader asks these first and refuses the file with the reason, in Chinese.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from pathlib import Path

from search.ingest.model import ReportError

MB = 1 << 20
MAX_UNPACKED = 200 * MB  # all members of a .docx / .ofd together
MAX_RATIO = 200  # unpacked / packed of a member over MAX_RATIO_FROM
MAX_RATIO_FROM = 1 * MB
MAX_TEXT_FILE = 20 * MB  # .txt and saved web pages
MAX_DEPTH = 400  # nesting of a web page's elements
MAX_PAGES = 2000
MAX_STREAM = 64 * MB  # one PDF content stream, inflated
MAX_LINE = 20_000  # characters of one line before it is cut at sentence ends
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
TAG = re.compile(rb"<(/?)([a-zA-Z][a-zA-Z0-9]*)[^<>]*?(/?)>")


def checked_zip(path: Path, archive: zipfile.ZipFile, kind: str) -> zipfile.ZipFile:
    """``archive``, after checking what its members declare they unpack to (a zip reads no further than its
    members' declared sizes)."""
    total = 0
    for member in archive.infolist():
        total += member.file_size
        if member.file_size > MAX_RATIO_FROM and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise ReportError(path, f"{kind} 中的 {member.filename} 压缩比异常（可能是压缩炸弹）")
    if total > MAX_UNPACKED:
        raise ReportError(path, f"{kind} 解压后超过 {MAX_UNPACKED // MB} MB（{total // MB} MB）")
    return archive


def check_text_size(path: Path, data: bytes) -> None:
    if len(data) > MAX_TEXT_FILE:
        raise ReportError(path, f"文本文件过大（{len(data) // MB} MB，上限 {MAX_TEXT_FILE // MB} MB）")


def check_nesting(path: Path, data: bytes) -> None:
    """Refuse a web page nested deeper than MAX_DEPTH elements, by counting tags, before a parser builds it."""
    depth = 0
    for match in TAG.finditer(data):
        closing, name, self_closing = match.groups()
        if name.lower().decode() in VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth > MAX_DEPTH:
            raise ReportError(path, f"网页嵌套过深（超过 {MAX_DEPTH} 层），不像正常的网页")
        depth = max(depth, 0)


def check_pages(path: Path, pages: int, kind: str) -> None:
    if pages > MAX_PAGES:
        raise ReportError(path, f"{kind} 页数过多（{pages} 页，上限 {MAX_PAGES} 页）")


def check_flate_stream(path: Path, raw: bytes) -> None:
    """Refuse a deflated stream that inflates past MAX_STREAM, inflating at most that much to find out."""
    try:
        inflated = zlib.decompressobj().decompress(raw, MAX_STREAM + 1)
    except zlib.error:
        return  # the PDF library says what is wrong with it
    if len(inflated) > MAX_STREAM:
        raise ReportError(path, f"PDF 内容流解压后超过 {MAX_STREAM // MB} MB，不像正常的文件")


def check_ole_header(path: Path, head: bytes, size: int) -> None:
    """The counts a compound file's header declares, against the file's size: a FAT or DIFAT of more sectors
    than the file has loops or points nowhere."""
    if len(head) < 512:
        raise ReportError(path, "文件头不完整（文件被截断？）")
    shift = struct.unpack_from("<H", head, 0x1E)[0]
    if not 7 <= shift <= 16:
        raise ReportError(path, "文件头中的扇区大小无效")
    sectors = max(1, size // (1 << shift))
    fat, _, _, _, _, mini_fat, _, difat = struct.unpack_from("<8I", head, 0x2C)
    if fat > sectors or difat > sectors or mini_fat > sectors:
        raise ReportError(path, "文件头声明的分配表比文件本身还大（文件损坏或被篡改）")


def split_long_lines(lines: list[str]) -> list[str]:
    """Lines of at most MAX_LINE characters: a longer one is cut after sentence ends (or hard, when it has
    none), so that no later step works on one unbounded string."""
    result = []
    for line in lines:
        while len(line) > MAX_LINE:
            cut = line.rfind("。", 0, MAX_LINE) + 1 or MAX_LINE
            result.append(line[:cut])
            line = line[cut:]
        result.append(line)
    return result
