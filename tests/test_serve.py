"""The server process: how it is set up before it answers."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COUNT_HEAPS = """
import ctypes, ctypes.util, os, sys, tempfile, threading
import numpy as np
if sys.argv[1] == "one":
    from webui.serve import one_malloc_arena
    assert one_malloc_arena()

def search_like():
    for _ in range(20):
        temporary = np.ones(2_000_000)
        del temporary
        small = [bytearray(100) for _ in range(1000)]

threads = [threading.Thread(target=search_like) for _ in range(4)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "malloc.xml")
    handle = ctypes.c_void_p(libc.fopen(path.encode(), b"w"))
    libc.malloc_info(0, handle)
    libc.fclose(handle)
    print(open(path).read().count("<heap nr="))
"""


def _heaps(mode: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", COUNT_HEAPS, mode], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    return int(done.stdout.strip())


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or "libc" not in str(ctypes.util.find_library("c")), reason="glibc only"
)
def test_the_servers_threads_share_one_malloc_arena():
    """Searches in several waitress threads reuse one arena's memory rather than each thread faulting its own
    freshly trimmed heap in again (a search for 的 at 1M: 80–190 ms over HTTP, 75–99 with one arena)."""
    assert _heaps("many") > 1  # what glibc does by itself: the check below can fail
    assert _heaps("one") == 1


def test_serve_sets_the_arena_before_it_loads_anything(monkeypatch, tmp_path):
    """The arena limit holds only for threads that allocate after it is set: serve sets it first."""
    import argparse

    from webui import serve

    class SetFirst(Exception):
        pass

    def first(*_):
        raise SetFirst

    monkeypatch.setattr(serve, "one_malloc_arena", first)
    monkeypatch.setattr(serve, "index_is_usable", lambda *_: pytest.fail("the index was looked at first"))
    args = argparse.Namespace(index=tmp_path / "index", corpus=tmp_path, host="127.0.0.1", port=0, workers=1)
    with pytest.raises(SetFirst):
        serve.run_serve(args)


def test_serve_building_the_index_saves_what_a_server_maps(monkeypatch, corpus, tmp_path):
    """With no index, serve builds one as `reportsearch index` does, clusters and tables saved after the
    commit (a server's prepare then maps them rather than clustering a large index while nobody is served)."""
    import argparse

    import waitress

    from search.engine import Engine
    from search.index.clusters import CLUSTERS_FILE
    from search.insights.report_table import TABLE_FILE
    from search.query.facet_file import FACETS_FILE
    from webui import serve

    class Served(Exception):
        pass

    def serving(*_args, **_kwargs):
        raise Served

    monkeypatch.setattr(waitress, "serve", serving)
    monkeypatch.setattr(Engine, "prepare", lambda self: None)
    index = tmp_path / "index"
    args = argparse.Namespace(index=index, corpus=corpus, host="127.0.0.1", port=0, workers=1, threads=None, open=False)
    with pytest.raises(Served):
        serve.run_serve(args)
    assert all((index / name).exists() for name in (CLUSTERS_FILE, TABLE_FILE, FACETS_FILE))


def test_serve_with_watch_answers_a_report_written_into_the_folder_and_its_watcher_ends_with_it(corpus, tmp_path):
    """`serve --watch`: the folder watched beside the server, its changes searchable over HTTP; the watcher
    process does not outlive the server."""
    import json
    import signal
    import socket
    import time
    import urllib.parse
    import urllib.request

    import psutil

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "search.cli", "serve", "--corpus", str(corpus), "--index", str(tmp_path / "i")]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "1", "--watch"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def total(query: str) -> int:
        url = f"http://127.0.0.1:{port}/api/search?" + urllib.parse.urlencode({"q": query})
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return json.loads(response.read())["total"]
        except OSError:
            return -1

    def until(condition) -> None:
        deadline = time.monotonic() + 60
        while not condition():
            assert time.monotonic() < deadline
            time.sleep(0.1)

    try:
        until(lambda: total("法律顾问") > 0)
        watchers = [p for p in psutil.Process(server.pid).children() if "watch" in p.cmdline()]
        assert len(watchers) == 1
        text = next(corpus.glob("*.txt")).read_text(encoding="utf-8")
        (corpus / "新来的报告.txt").write_text(text + "\n全年开展“服务监视标记”活动3场次。\n", encoding="utf-8")
        until(lambda: total("服务监视标记") > 0)
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(30)
    watchers[0].wait(30)
    assert not watchers[0].is_running()
