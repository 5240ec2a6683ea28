"""The test reports rewritten in the shapes users' copies take, and read again.

Every .txt report of ``tests/data`` and the samples is rewritten as a copy of it would come (a PDF's line
breaks, page footers, a title in 《》, a heading's 、 lost, a web page or .docx with bold or styled headings …)
and read; the report as written is the truth. A reading differs when a metadata field or the number of
paragraphs of a report part does. ``python -m benchmarks shapes`` prints, per shape, how many reports read
differently, and names them.
"""

from __future__ import annotations

import html
import re
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from search.ingest.model import Report
from search.ingest.normalize import chinese_number
from search.ingest.pipeline import process_file

from .markdown import print_table

ROOT = Path(__file__).resolve().parent.parent
FIELDS = ("township", "county", "city", "province", "year", "level")
NUMERALS = "一二三四五六七八九十"
CONTENTS_ENTRY_MAX = 30
TOP = re.compile(rf"^(\s*[{NUMERALS}]{{1,3}})、")
SECOND = re.compile(rf"^(\s*)（([{NUMERALS}]{{1,3}})）")
HEADING = re.compile(rf"^(?:[{NUMERALS}]{{1,3}}、|（[{NUMERALS}]{{1,3}}）)[^。；]{{2,40}}$")
SHOWN = 4


def report_files() -> list[Path]:
    data = ROOT / "tests" / "data"
    folders = ("regions", "layouts", "heldout", "styles", "probes", "indicators", "indicators_styles")
    return sorted(path for folder in folders for path in (data / folder).glob("*.txt")) + sorted(
        (ROOT / "corpus").glob("*.txt")
    )


def lines_of(path: Path) -> list[str]:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return data.decode("gb18030").splitlines()


def wrapped(lines: list[str], width: float, indent: bool = True) -> list[str]:
    """As copied from a PDF: broken at the page's ``width`` (a digit or letter half as wide), indented."""
    rows = []
    for line in filter(None, (line.strip() for line in lines)):
        row, used = "", 0.0
        for char in ("\u3000\u3000" if indent else "") + line:
            step = 0.5 if char.isascii() else 1.0
            if used + step > width:
                rows.append(row)
                row, used = "", 0.0
            row, used = row + char, used + step
        rows.append(row)
    return rows


def with_footers(lines: list[str]) -> list[str]:
    out = []
    for at, line in enumerate(lines):
        out.append(line)
        if at and at % 7 == 0 and at < len(lines) - 3:
            out.append(f"第 {at // 7} 页 共 9 页")
    return out


def first_line(lines: list[str], change: Callable[[str], str]) -> list[str]:
    at = next(i for i, line in enumerate(lines) if line.strip())
    return [*lines[:at], change(lines[at].strip()), *lines[at + 1 :]]


def copied_page(lines: list[str]) -> list[str]:
    """The whole page copied: the site's dated banner, a breadcrumb over two lines, disclosure labels, a font
    switch one button per line and the title printed twice (the page's header and the article's)."""
    at = next(i for i, line in enumerate(lines) if line.strip())
    title = lines[at].strip()
    head = ["县人民政府门户网站 2024年1月15日星期一", "无障碍 简体 | 繁体", "您当前所在位置：首页"]
    head += ["> 政务公开 > 法治政府建设报告 > 乡镇街道", title, "[ 索引号 ] 11500230008689762A/2024-00004 [ 发文字号 ]"]
    return [*lines[:at], *head, "大", "中", "小", title, *lines[at + 1 :]]


def disclosure_page(lines: list[str]) -> list[str]:
    """A government disclosure page copied: a breadcrumb, labels without colons, a table of label names and one
    with bars, the title under them (the site's name over them would be a county's, not the report's own)."""
    at = next(i for i, line in enumerate(lines) if line.strip())
    head = ["首页 >> 政府信息公开 >> 法定主动公开内容", "- 乡镇信息公开", "索引号xx0801/2024-00001"]
    head += ["发布日期2024-01-27", "时效性有效", "索 引 号 发布机构", "文  号 〔〕号 有效性"]
    head += ["成文日期: | 2024-01-20 | 公开目录: | 法治政府建设 |"]
    return [*lines[:at], *head, *lines[at:]]


def with_contents(lines: list[str], leaders: bool = True) -> list[str]:
    """A table of contents under the title, as a longer report's PDF has: 目  录 over its part and section
    headings, each with its page after dot leaders (……3) or after a space."""
    at = next(i for i, line in enumerate(lines) if line.strip())
    headings = [line.strip() for line in lines[at + 1 :] if TOP.match(line) or SECOND.match(line)]
    entries = [heading for heading in headings if len(heading) <= CONTENTS_ENTRY_MAX]
    if not entries:
        return lines
    listed = [f"{entry}{'…' * 12 if leaders else ' '}{1 + number // 3}" for number, entry in enumerate(entries)]
    return [*lines[: at + 1], "目  录", *listed, *lines[at + 1 :]]


TEXT_SHAPES: dict[str, Callable[[list[str]], list[str]]] = {
    "一 instead of 一、": lambda lines: [TOP.sub(r"\1 ", line) for line in lines],
    "一． instead of 一、": lambda lines: [TOP.sub(r"\1．", line) for line in lines],
    "(一) half-width": lambda lines: [SECOND.sub(r"\1(\2)", line) for line in lines],
    "spaces between all characters": lambda lines: [" ".join(line) for line in lines],
    "page footers 第 N 页 共 9 页": with_footers,
    "a PDF's lines at 34, indented": lambda lines: wrapped(lines, 34),
    "a PDF's lines at 26, indented": lambda lines: wrapped(lines, 26),
    "a PDF's lines at 40, no indents": lambda lines: wrapped(lines, 40, indent=False),
    "title in 《》": lambda lines: first_line(lines, lambda title: f"《{title}》"),
    "title after 标题：": lambda lines: first_line(lines, lambda title: f"标题：{title}"),
    "blank line between lines": lambda lines: [row for line in lines for row in (line, "")],
    "1、 over （1）": lambda lines: [arabic(line) for line in lines],
    "1、 over （一）": lambda lines: [parts_in_figures(line) for line in lines],
    "the whole web page copied": copied_page,
    "a disclosure page copied": disclosure_page,
    "第一部分 over 一、": lambda lines: [chapters(line) for line in lines],
    "half-width punctuation": lambda lines: [line.translate(HALF_WIDTH) for line in lines],
    "one line, paragraphs apart by spaces": lambda lines: [" ".join(line.strip() for line in lines if line.strip())],
    "a table of contents, dot leaders": with_contents,
    "a table of contents, pages after spaces": lambda lines: with_contents(lines, leaders=False),
}
HALF_WIDTH = str.maketrans("，。；：（）！？", ",.;:()!?")
TITLE_SHAPES = ("title in 《》", "title after 标题：", "the whole web page copied", "a disclosure page copied")
TITLE_SHAPES += ("a table of contents, dot leaders", "a table of contents, pages after spaces")
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
CHINESE = ["", *"一二三四五六七八九十", *(f"十{digit}" for digit in "一二三四五六七八九"), "二十"]


def arabic(line: str) -> str:
    """一、 → 1、 and （一） → （1） (the items 1. under them → ①): the outline numbered in figures."""
    line = re.sub(r"^(\s*)(\d{1,2})[.．、]", lambda m: m.group(1) + CIRCLED[int(m.group(2)) - 1], line)
    line = SECOND.sub(lambda m: f"{m.group(1)}（{chinese_number(m.group(2))}）", line)
    return TOP.sub(lambda m: f"{chinese_number(m.group(1).strip())}、", line)


def parts_in_figures(line: str) -> str:
    """一、 → 1、 with （一） kept (the items 1. under them → （1））: the parts numbered in figures."""
    line = re.sub(r"^(\s*)(\d{1,2})[.．、]", r"\1（\2）", line)
    return TOP.sub(lambda m: f"{chinese_number(m.group(1).strip())}、", line)


def chapters(line: str) -> str:
    """Every level one up: 一、 → 第一部分, （一） → 一、, 1. → （一）, （1） → 1.: the parts numbered 第一部分."""
    if top := TOP.match(line):
        indent, number = re.match(r"(\s*)(\S+)", top.group(1)).groups()
        return f"{indent}第{number}部分 {line[top.end() :]}"
    if second := SECOND.match(line):
        return f"{second.group(1)}{second.group(2)}、{line[second.end() :]}"
    if figure := re.match(r"^(\s*)(\d{1,2})[.．、](?!\d)", line):
        return f"{figure.group(1)}（{CHINESE[int(figure.group(2))]}）{line[figure.end() :]}"
    if fourth := re.match(r"^(\s*)（(\d{1,2})）", line):
        return f"{fourth.group(1)}{fourth.group(2)}.{line[fourth.end() :]}"
    return line


def bold_page(lines: list[str]) -> str:
    """A government page whose headings are bold paragraphs, the title an <h1>, with the site's chrome."""
    body = "".join(
        f"<p><b>{html.escape(line)}</b></p>" if HEADING.match(line) else f"<p>{html.escape(line)}</p>"
        for line in lines[1:]
    )
    return (
        f'<html><head><meta charset="utf-8"><title>{html.escape(lines[0])}</title></head><body>'
        '<div class="nav">首页 > 政务公开</div><div class="article">'
        f"<h1>{html.escape(lines[0])}</h1><div>发布日期：2024-01-15 来源：人民政府</div>"
        f'<div class="artcon">{body}</div></div><div id="footer">版权所有</div></body></html>'
    )


def reading(report: Report) -> tuple[tuple, Counter]:
    return tuple(getattr(report, name) for name in FIELDS), Counter(p.part for p in report.paragraphs)


def measure(folder: Path) -> dict[str, tuple[int, list[str]]]:
    """shape → (reports tried, the names of those read differently from the report as written)."""
    results: dict[str, tuple[int, list[str]]] = {}
    originals = {path: process_file(path) for path in report_files()}
    shapes = [*TEXT_SHAPES, "a page with bold headings"]
    for number, shape in enumerate(shapes):
        tried, different = 0, []
        for path, original in originals.items():
            lines = lines_of(path)
            if shape == "a page with bold headings":
                kept = [line.strip() for line in lines if line.strip()]
                if not original.title or kept[0] != original.title:
                    continue
                copy, text = folder / f"{number}-{path.stem}.html", bold_page(kept)
            else:
                rewritten = TEXT_SHAPES[shape](lines)
                first = next((line.strip() for line in lines if line.strip()), "")
                if rewritten == lines or (shape in TITLE_SHAPES and first != original.title):
                    continue
                copy, text = folder / f"{number}-{path.name}", "\n".join(rewritten)
            copy.write_text(text, encoding="utf-8")
            tried += 1
            if reading(process_file(copy)) != reading(original):
                different.append(path.name)
        results[shape] = (tried, different)
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = measure(Path(folder))
    print_table(
        ["shape", "reports", "read differently", "of them"],
        (
            [shape, tried, len(different), ", ".join(different[:SHOWN]) + (" …" if len(different) > SHOWN else "")]
            for shape, (tried, different) in results.items()
        ),
    )
