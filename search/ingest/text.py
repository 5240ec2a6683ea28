"""Text helpers the format readers share: decoding text files, finding Chinese, joining wrapped lines."""

from __future__ import annotations

import re
from pathlib import Path

from search.ingest.model import ReportError

# Encodings a Chinese government report is plausibly written in; detection is
# restricted to them so that short GBK files are not taken for, say, cp1251.
CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_32"]
CJK = re.compile(r"[\u4e00-\u9fff]")
CHINESE_PUNCTUATION = re.compile(r"[，。、；：？！]")
RUNNING_WIDTH_SPREAD = 0.1  # a running line is printed as wide on every page it is on
# — 2 —, 第3页, 3/9, and a page of a count in either order (第 3 页 共 9 页, 共9页，第3页).
CONTENTS_HEADINGS = {"目录", "目次"}
CONTENTS_LEADERS = re.compile(r"(?:[.．·…]{2,}|…)\s*\d{1,3}$")
ENDS_IN_PAGE = re.compile(r"\D\d{1,3}$")
PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:(第\s*)?\d+\s*(页)?[-—–\s]*(/\s*\d+\s*页?)?"
    r"|第\s*\d+\s*页\s*[，,、/]?\s*共\s*\d+\s*页|共\s*\d+\s*页\s*[，,、/]?\s*第\s*\d+\s*页)[-—–\s]*$"
)

# A tab between two cells of a row; a row whose first cell is a number only is a list item or heading (1.\t…).
TAB_CELLS = re.compile(r"\S\t+\S")
LIST_NUMBER_CELL = re.compile(r"^[（(]?[一二三四五六七八九十\d]{1,3}[)）、.．]?$")
SENTENCE_CELL = re.compile(r"[。；！？]")
RECORD_HEAD_MAX = 8  # a column's head (序号, 工作任务, 完成情况) over a table of work done
RECORD_LEAD_MAX = 30  # a task's own cells (聘请法律顾问, 2023年3月) before what was done


def tab_tables_joined(lines: list[str]) -> list[str]:
    """Two or more rows a text file lays out with tabs (a table copied from Word or Excel: 项目\t数量) as one line,
    as a .docx's data table is read: cells joined by "，", rows by "；", closed by "。". Else the cells ran into one
    another once the spaces between Chinese characters were taken out (项目数量调解纠纷135件). A table of work done
    (:func:`record_lines`) gives a line a row, as a .docx's does."""
    joined: list[str] = []
    block: list[str] = []
    for line in [*lines, ""]:
        if TAB_CELLS.search(line.strip()):
            block.append(line)
            continue
        joined += record_lines([_cells(row) for row in block]) or _data_rows_joined(block)
        block = []
        joined.append(line)
    return joined[:-1]


def _data_rows_joined(block: list[str]) -> list[str]:
    """Runs of two or more tabbed rows as one line each; a row whose first cell is a number only (1.\t…) is a
    list item or heading, and one row with a tab is no table: those lines as they were."""
    out: list[str] = []
    rows: list[str] = []
    for line in [*block, None]:
        if line is not None and not LIST_NUMBER_CELL.match(_cells(line)[0]):
            rows.append(line)
            continue
        out += ["；".join("，".join(_cells(row)) for row in rows) + "。"] if len(rows) >= 2 else rows
        rows = []
        if line is not None:
            out.append(line)
    return out


def record_lines(rows: list[list[str]]) -> list[str]:
    """A table of work done, row by row (序号 | 工作任务 | 完成情况 over 1 | 聘请法律顾问 | 镇政府聘请…。): each row
    a line led by its short cells (聘请法律顾问：镇政府聘请…。), the heads and the row numbers dropped; [] for any
    other table (data, a letterhead, a report typed into a frame)."""
    head, body = (rows[0], [row for row in rows[1:] if row]) if rows else ([], [])
    if len(head) < 2 or LIST_NUMBER_CELL.match(head[0]):  # 一、\t主要举措 is a heading, no row of heads
        return []
    if any(SENTENCE_CELL.search(text) or len(text) > RECORD_HEAD_MAX for text in head):
        return []
    if not body or not all(len(row) >= 2 and SENTENCE_CELL.search(row[-1]) for row in body):
        return []
    if any(len(text) > RECORD_LEAD_MAX for row in body for text in row[:-1]):
        return []  # a long cell before the text: a page laid out in a table (a menu, a sidebar), no task
    lines: list[str] = []
    for row in body:
        lead = "，".join(text.replace("\n", "") for text in row[:-1] if not LIST_NUMBER_CELL.match(text))
        first, *more = row[-1].split("\n")  # a cell of several paragraphs: the lead goes before the first
        lines += [f"{lead}：{first}" if lead else first, *more]
    return lines


def _cells(row: str) -> list[str]:
    return [cell.strip() for cell in row.split("\t") if cell.strip()]


def without_contents(lines: list[str], is_heading) -> list[str]:
    """The lines without a table of contents: its heading (目录), and its entries: anywhere a line whose page
    number follows dot leaders (一、主要举措和成效……1), and under that heading a heading (``is_heading``) ending
    in its page number (一、主要举措和成效 1). Its last entry headed the report's opening paragraph."""
    kept, listing = [], False
    for line in lines:
        if line in CONTENTS_HEADINGS:
            listing = True
            continue
        if CONTENTS_LEADERS.search(line) or (listing and is_heading(line) and ENDS_IN_PAGE.search(line)):
            continue
        listing = listing and not line.strip()
        kept.append(line)
    return kept


def is_page_number(line: str) -> bool:
    """A page number a text copied from a PDF keeps (— 2 —, 第 3 页 共 9 页); a bare figure of four digits
    (2024 on a title's second line) is none."""
    return bool(PAGE_NUMBER.match(line)) and ("共" in line or sum(char.isdigit() for char in line) <= 3)


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """Decode bytes of a text file, detecting the encoding (BOM first, then charset-normalizer)."""
    from charset_normalizer import from_bytes

    for bom, name in ((b"\xef\xbb\xbf", "utf_8_sig"), (b"\xff\xfe", "utf_16"), (b"\xfe\xff", "utf_16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                raise ReportError(path, f"文件开头标明是 {name.upper()} 编码，但内容不是（文件损坏或被截断）") from None
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
    """UTF-16 text saved without a byte order mark: the byte order that gives Chinese text, if either does.
    Chinese prose has its punctuation (，。、…); pairs of ASCII bytes fall in the CJK range too, so a few bytes
    of anything (\x00\x01garbage) decode as Chinese characters, but not as a sentence."""
    best = None
    for name in ("utf_16_le", "utf_16_be"):
        text = data[: len(data) - len(data) % 2].decode(name, errors="replace")
        chinese = len(CJK.findall(text)) if CHINESE_PUNCTUATION.search(text) else 0
        if chinese and text.count("\ufffd") <= len(text) / 100 and (best is None or chinese > best[0]):
            best = (chinese, text, name)
    return (best[1], best[2]) if best else None


def _looks_like_utf16(data: bytes) -> bool:
    sample = data[:4000]
    zeros_even = sample[0::2].count(0)
    zeros_odd = sample[1::2].count(0)
    # CJK text in UTF-16 has few zero bytes; ASCII-heavy text has them on one side only.
    return (zeros_even == 0) != (zeros_odd == 0) or (zeros_even + zeros_odd) < len(sample) / 8


def join_wrapped_lines(pages: list[list[tuple[str, float, float]]]) -> list[str]:
    """Join wrapped lines back into paragraphs, running headers and footers left out.

    A line that reaches the right margin continues on the next line unless the
    next line is indented (a new paragraph starts). Lines that stop short end
    their paragraph.
    """
    all_rows = [row for rows in without_running_lines(pages) for row in rows]
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


def without_running_lines(pages: list[list[tuple[str, float, float]]]) -> list[list[tuple[str, float, float]]]:
    """The pages without their running header and footer: a first or last line that is the first or last line
    of at least two pages and of half of them (于都县银坑镇人民政府 over every page, 第 3 页 共 9 页), figures
    aside, printed as wide as there (the title on page one, in a larger type than the same words as a header
    on the others, stays). Left in, a header splits the paragraph a page break cuts and joins the title."""
    widths: dict[str, list[float]] = {}
    for rows in pages:
        for text, x0, x1 in {rows[0], rows[-1]} if rows else ():
            widths.setdefault(_shape(text), []).append(x1 - x0)
    running = {
        shape: sorted(found)[len(found) // 2] for shape, found in widths.items() if len(found) >= max(2, len(pages) / 2)
    }
    if not running:
        return pages

    def is_running(row: tuple[str, float, float]) -> bool:
        width = running.get(_shape(row[0]))
        return width is not None and abs((row[2] - row[1]) - width) <= RUNNING_WIDTH_SPREAD * width

    return [
        [row for at, row in enumerate(rows) if at not in (0, len(rows) - 1) or not is_running(row)] for rows in pages
    ]


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _right_margin(rows: list[tuple[str, float, float]]) -> float:
    """Where full lines end: the median end of long lines (a few overhang with hanging punctuation)."""
    ends = sorted(x1 for text, _, x1 in rows if len(text) >= 20) or sorted(x1 for _, _, x1 in rows)
    return ends[len(ends) // 2]


def _typical_char_width(rows: list[tuple[str, float, float]]) -> float:
    widths = sorted((x1 - x0) / len(text) for text, x0, x1 in rows if len(text) >= 4)
    return widths[len(widths) // 2] if widths else 10.0
