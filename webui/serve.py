"""``reportsearch serve``: build the index when there is none, then serve it with waitress."""

from __future__ import annotations

import argparse
import atexit
import os
import select
import socket
import subprocess
import sys
import threading
import webbrowser
from pathlib import Path

from search.cli_common import DEFAULT_CORPUS, DEFAULT_INDEX, UsageError, print_summary, progress_bar
from search.cli_search import save_for_servers
from search.index.analyze import segmenter
from search.index.forked import call_forked, can_fork
from search.index.heap import glibc
from search.index.readers import die_with_parent
from search.index.writer import index_exists, index_is_usable, update_index

DEFAULT_WORKERS = min(4, os.cpu_count() or 1) if hasattr(os, "fork") else 1


def add_command(commands) -> None:
    serve = commands.add_parser("serve", help="在浏览器中检索（没有索引时先建立索引）")
    serve.add_argument("--index", type=Path, default=DEFAULT_INDEX, help="索引目录（默认 index）")
    serve.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="没有索引时从这里建立（默认 corpus）")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认只允许本机访问 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--threads", type=int, default=None, help="每个进程的线程数（默认：多进程时 2，单进程时 4）")
    serve.add_argument(
        "--workers",
        type=int,
        default=DEFAULT_WORKERS,
        help=f"服务进程数（默认 {DEFAULT_WORKERS}，即 CPU 核数，最多 4；不支持 fork 的系统上为 1）",
    )
    serve.add_argument("--open", action="store_true", help="启动后在浏览器中打开")
    serve.add_argument(
        "--watch", action="store_true", help="同时监视报告目录（--corpus）：新增、修改或删除的报告自动编入索引"
    )
    serve.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace) -> int:
    import waitress

    one_malloc_arena()

    from . import create_app

    if not index_is_usable(args.index):
        if not args.corpus.is_dir():
            raise UsageError(f"{args.index} 中没有可用的索引，报告目录 {args.corpus} 也不存在")
        print(f"{args.index} 中还没有可用的索引，正在从 {args.corpus} 建立……", file=sys.stderr)
        summary = update_index(
            args.corpus,
            args.index,
            rebuild=index_exists(args.index),
            progress=progress_bar(sys.stderr.isatty()),
            after_commit=lambda: _save_for_servers(args.index),
        )
        print_summary(summary)
    if args.workers < 1:
        raise UsageError("--workers 至少为 1")
    app = create_app(args.index)
    try:
        sock = _listening_socket(args.host, args.port)
    except OSError as exc:
        raise UsageError(f"无法在 {args.host}:{args.port} 上监听：{exc.strerror or exc}") from exc
    # Load the index and its near-duplicate clusters (saved by the indexer) once, before forking: the arrays are
    # then shared.
    app.extensions["engine"].prepare()
    segmenter()  # and the dictionaries (half a second, and shared too)
    url = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '::') else args.host}:{args.port}/"
    print(f"正在服务 {url} （{args.workers} 个进程，按 Ctrl+C 停止）", file=sys.stderr)
    if _fork_workers(args.workers, app):
        if getattr(args, "watch", False):
            _start_watcher(args.corpus, args.index)
        if args.open:
            threading.Timer(1.0, webbrowser.open, [url]).start()
    # Two threads a process when there are several: more make the threads of one process queue on
    # Python's lock (docs/benchmark-log.md).
    threads = args.threads or (2 if args.workers > 1 and hasattr(os, "fork") else 4)
    # poll(), not select(): select() cannot watch a descriptor numbered 1024 or more, and an index of millions
    # of paragraphs keeps over a thousand files open (8M: 1,233), so every connection failed.
    waitress.serve(
        app, sockets=[sock], threads=threads, ident="reportsearch", asyncore_use_poll=hasattr(select, "poll")
    )
    return 0


def _start_watcher(corpus: Path, index_dir: Path) -> subprocess.Popen:
    """``reportsearch watch`` of ``corpus`` into ``index_dir`` in a process of its own beside the server: its
    commits reach the serving processes as any reindex's do. It ends with the server."""
    if not corpus.is_dir():
        raise UsageError(f"报告目录不存在：{corpus}（--watch 监视它）")
    command = [sys.executable, "-m", "search.cli", "watch", "--corpus", str(corpus), "--index", str(index_dir)]
    watcher = subprocess.Popen([*command, "--with-parent", str(os.getpid())])
    atexit.register(watcher.terminate)
    return watcher


def _save_for_servers(index_dir: Path) -> bool:
    """What ``reportsearch index`` saves after its commit (the clusters, the facet and report tables …), so that
    ``prepare`` maps them rather than working them out; in a forked process where there is fork, so that the
    clustering's memory is not this server's."""
    return call_forked(lambda: save_for_servers(index_dir)) if can_fork() else save_for_servers(index_dir)


M_ARENA_MAX = -8  # glibc's mallopt parameter


def one_malloc_arena() -> bool:
    """Have every thread of the server allocate from glibc's main arena (as MALLOC_ARENA_MAX=1 would).

    A search allocates temporary arrays of megabytes. Each waitress thread otherwise gets an arena of its own,
    whose heaps glibc shrinks back as soon as they are freed, so the next search in that thread faults its
    pages in again: over HTTP a search for 的 at 1M paragraphs took 80–190 ms where one thread took 81–89
    (docs/benchmark-log.md). Called before any thread starts (glibc fixes the arena limit when a second
    thread first allocates). False where the C library is not glibc (Windows, macOS, musl): nothing changes."""
    libc = glibc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, 1))


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    return sock


def _fork_workers(workers: int, app) -> bool:
    """Fork ``workers - 1`` more serving processes on the same listening socket (each answers from its own
    Python, so queries use every core, where threads of one process share one); True in the first process.

    Each worker dies with the first and warms up before it serves; the first warmed up in ``prepare`` (a
    second search there delayed its first answer by 0.7 s at eight million paragraphs). On a system without
    fork there is one process.
    """
    if workers <= 1 or not hasattr(os, "fork"):
        return True
    parent = os.getpid()
    for _ in range(workers - 1):
        if os.fork() == 0:
            die_with_parent(parent)
            app.extensions["engine"].after_fork()
            app.extensions["engine"].warm_up()
            return False
    return True
