"""``reportsearch serve``: build the index when there is none, then serve it with waitress."""

from __future__ import annotations

import argparse
import sys
import threading
import webbrowser
from pathlib import Path

from search.cli import DEFAULT_CORPUS, DEFAULT_INDEX, UsageError
from search.cli_search import print_summary, progress_bar
from search.index import index_exists, index_is_usable, update_index


def add_command(commands) -> None:
    serve = commands.add_parser("serve", help="在浏览器中检索（没有索引时先建立索引）")
    serve.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录（默认 index）")
    serve.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="没有索引时从这里建立（默认 corpus）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认只允许本机访问 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=4)
    serve.add_argument("--open", action="store_true", help="启动后在浏览器中打开")
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    import waitress

    from . import create_app

    if not index_is_usable(args.index):
        if not args.corpus.is_dir():
            raise UsageError(f"{args.index} 中没有可用的索引，报告目录 {args.corpus} 也不存在")
        print(f"{args.index} 中还没有可用的索引，正在从 {args.corpus} 建立……", file=sys.stderr)
        summary = update_index(
            args.corpus, args.index, rebuild=index_exists(args.index), progress=progress_bar(sys.stderr.isatty())
        )
        print_summary(summary)
    app = create_app(args.index)
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"
    print(f"正在服务 {url} （按 Ctrl+C 停止）", file=sys.stderr)
    if args.open:
        threading.Timer(1.0, webbrowser.open, [url]).start()
    waitress.serve(app, host=args.host, port=args.port, threads=args.threads, ident="reportsearch")
    return 0
