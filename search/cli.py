"""The ``reportsearch`` command line."""

from __future__ import annotations

import argparse
import os
import sys
from importlib.metadata import entry_points
from pathlib import Path

from search.cli_common import UsageError, print_json, raise_open_file_limit

FIELD_LABELS = {
    "title": "标题",
    "township": "乡镇",
    "county": "县区",
    "city": "地市",
    "province": "省份",
    "year": "年度",
    "date": "日期",
}


def main(argv: list[str] | None = None) -> int:
    _make_console_safe()
    raise_open_file_limit()
    parser = build_parser()
    try:
        args = parser.parse_args([_decoded_argument(a) for a in (sys.argv[1:] if argv is None else argv)])
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        return args.handler(args)
    except UsageError as exc:
        print(f"reportsearch: 错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (reportsearch search … | head): stop quietly, as other tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _decoded_argument(argument: str) -> str:
    """An argument as text: bytes that are not UTF-8 (a GBK terminal) are read as GB18030 when they are that."""
    if not any("\udc80" <= c <= "\udcff" for c in argument):
        return argument
    raw = argument.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        shown = raw.decode("utf-8", "replace")
        raise UsageError(f"参数“{shown}”不是有效的 UTF-8 或 GBK 文字，请检查终端的编码") from None


def _make_console_safe() -> None:
    """Never crash on a console that cannot show a character (a GBK Windows console, a pipe)."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reportsearch", description="乡镇法治政府建设年度报告检索")
    commands = parser.add_subparsers(title="命令", metavar="COMMAND")

    inspect = commands.add_parser("inspect", help="显示一个报告文件的解析结果")
    inspect.add_argument("file", type=Path, help="报告文件（.txt/.html/.docx/.doc/.wps/.pdf）")
    inspect.add_argument("--json", action="store_true", help="以 JSON 输出")
    inspect.add_argument("--index", type=Path, default=None, help="同时显示这份文件在该索引中的状态（是否最新）")
    inspect.set_defaults(handler=run_inspect)

    from search import cli_search

    cli_search.add_commands(commands)
    for plugin in entry_points(group="reportsearch.commands"):
        plugin.load()(commands)
    return parser


def run_inspect(args: argparse.Namespace) -> int:
    from search.index.readers import ReaderPool

    if not args.file.is_file():
        raise UsageError(f"文件不存在：{args.file}")
    indexed = _indexed_version(args.index, args.file) if args.index is not None else None
    with ReaderPool(1, args.file.parent) as pool:  # a hostile file costs a reader, with its limits
        ((_, report, _, error),) = list(pool.parse([str(args.file)]))
    if report is None:
        if args.json:
            print_json({"path": str(args.file), "error": error, **({"indexed": indexed} if indexed else {})})
        else:
            print(f"{args.file}: 无法读取：{error}", file=sys.stderr)
            if indexed:
                print(_indexed_line(indexed), file=sys.stderr)
        return 1
    if args.json:
        print_json({**report.to_json(), **({"indexed": indexed} if indexed else {})})
        return 0
    print(f"文件：{report.path}（{report.format}{'，' + report.encoding if report.encoding else ''}）")
    if indexed:
        print(_indexed_line(indexed))
    for name, label in FIELD_LABELS.items():
        value = getattr(report, name)
        source = report.sources.get(name, "")
        shown = value if value not in ("", None) else "（未知）"
        print(f"{label}：{shown}" + (f"    ← {source}" if source else ""))
    if report.script:
        print(f"字形：原文为{report.script}字，已按简体读取")
    if report.chrome_lines:
        print(f"网页框架：去掉 {report.chrome_lines} 行（发布时间、来源、浏览次数、打印本页等）")
    print(f"段落：{len(report.paragraphs)}")
    for number, paragraph in enumerate(report.paragraphs, 1):
        path = " › ".join(paragraph.section) or ("（正文开头）" if paragraph.part == "概述" else "（无标题）")
        topics = "、".join(paragraph.topics) or "无"
        print(f"\n[{number}] {paragraph.part} | {path}\n    主题：{topics}\n    {paragraph.text}")
    return 0


INDEXED_STATES = {
    "current": "索引状态：已索引，与文件一致",
    "older": "索引状态：索引中的版本早于文件",
    "absent": "索引状态：尚未索引（运行 reportsearch index 收录）",
    "outside": "索引状态：文件不在该索引的报告目录中",
}


def _indexed_version(index_dir: Path, file: Path) -> dict:
    from search.index.writer import index_exists, indexed_version

    if not index_exists(index_dir):
        raise UsageError(f"{index_dir} 中还没有索引：请先运行 reportsearch index")
    return indexed_version(index_dir, file)


def _indexed_line(indexed: dict) -> str:
    line = INDEXED_STATES[indexed["state"]]
    if indexed.get("error"):
        line += f"（上次更新索引时无法读取：{indexed['error']}）"
    elif indexed["state"] == "outside" and indexed.get("corpus"):
        line += f"（{indexed['corpus']}）"
    return line


if __name__ == "__main__":
    sys.exit(main())
