"""A killed or interrupted indexer, an empty index, unreadable files: the next run and every reader go on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import psutil
import pytest

from search.index.writer import update_index
from search.query.searcher import Engine, SearchRequest
from webui import create_app


def _search_ids(index_dir: Path, q: str) -> list[str]:
    engine = Engine(index_dir)
    try:
        return [hit["id"] for hit in engine.search(SearchRequest(q=q, limit=100, mode="exact"))["hits"]]
    finally:
        engine.close()


def test_an_index_with_no_segments_answers_every_reader(tmp_path):
    corpus, index_dir = tmp_path / "empty", tmp_path / "index"
    corpus.mkdir()
    update_index(corpus, index_dir)
    summary = update_index(corpus, index_dir)
    assert summary.paragraphs == 0 and not summary.failed
    engine = Engine(index_dir)
    assert engine.search(SearchRequest(q="法律顾问"))["total"] == 0
    assert engine.stats()["paragraphs"] == 0
    engine.close()
    client = create_app(index_dir, testing=True).test_client()
    assert client.get("/api/search", query_string={"q": "法律顾问"}).status_code == 200
    assert client.get("/", query_string={"q": "法律顾问"}).status_code == 200
    assert client.get("/stats").status_code == 200


def test_an_unreadable_report_is_listed_and_the_others_are_indexed(corpus, tmp_path):
    locked = sorted(corpus.glob("*.txt"))[0]
    real_hash = __import__("search.index.writer", fromlist=["file_hash"]).file_hash

    def refuse(path: Path) -> str:
        if Path(path).name == locked.name:
            raise PermissionError(13, "Permission denied", str(path))
        return real_hash(path)

    if os.geteuid() != 0:  # root reads any file: there the refusal is simulated where the indexer reads
        locked.chmod(0)
    with mock.patch("search.index.writer.file_hash", side_effect=refuse):
        summary = update_index(corpus, tmp_path / "index", jobs=1)
    assert [f["path"] for f in summary.failed] == [locked.name]
    assert "权限" in summary.failed[0]["error"]
    assert summary.added == 4 and summary.paragraphs > 0


def test_a_symlink_loop_is_listed_as_failed(corpus, tmp_path):
    (corpus / "loop.txt").symlink_to(corpus / "loop.txt")
    (corpus / "dangling.txt").symlink_to(corpus / "missing.txt")
    summary = update_index(corpus, tmp_path / "index", jobs=1)
    assert sorted(f["path"] for f in summary.failed) == ["dangling.txt", "loop.txt"]
    assert all("符号链接" in f["error"] for f in summary.failed)
    assert summary.added == 5


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory) -> Path:
    from benchmarks.generate import generate

    folder = tmp_path_factory.mktemp("big")
    generate(folder, 6000, seed=5)
    return folder


def _indexer(corpus: Path, index_dir: Path) -> subprocess.Popen:
    code = "import sys; from search.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", code, "index", "--corpus", str(corpus), "--index", str(index_dir)]
    return subprocess.Popen(command + ["--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.mark.parametrize("delay", [0.0, 0.6])
def test_kill_9_of_the_indexer_leaves_no_worker_and_the_rerun_equals_a_clean_build(big_corpus, tmp_path, delay):
    index_dir = tmp_path / "index"
    process = _indexer(big_corpus, index_dir)
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    while len(parent.children()) < 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    workers = parent.children()
    assert len(workers) == 2, "the indexer did not start its readers"
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers outlived the killed indexer: {alive}"

    rerun = _indexer(big_corpus, index_dir)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr.decode("utf-8", "replace")
    clean = tmp_path / "clean"
    update_index(big_corpus, clean)
    for q in ("法律顾问", "人民调解 成功率", '"执法全过程记录"'):
        assert _search_ids(index_dir, q) == _search_ids(clean, q)
    assert Engine(index_dir).stats()["paragraphs"] == Engine(clean).stats()["paragraphs"]


def test_an_interrupted_first_build_leaves_an_index_the_next_run_completes(tmp_path, corpus):
    index_dir = tmp_path / "index"
    with (
        mock.patch("search.index.fastindex.SegmentBuilder.write", side_effect=KeyboardInterrupt),
        pytest.raises(KeyboardInterrupt),
    ):
        update_index(corpus, index_dir, jobs=1)
    summary = update_index(corpus, index_dir, jobs=1)
    assert summary.added == 5 and not summary.failed
    assert _search_ids(index_dir, "法律顾问")
    shutil.rmtree(index_dir)


def test_serve_with_two_workers_answers_from_both_and_they_end_with_it(sample_index):
    import json
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = "import sys; from search.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", code, "serve", "--index", str(sample_index), "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        pids, totals = set(), set()
        while time.monotonic() < deadline and (len(pids) < 2 or len(totals) < 1):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                    pids.add(json.loads(response.read())["pid"])
                with urllib.request.urlopen(base + "/api/search?q=%E6%B3%95%E5%BE%8B%E9%A1%BE%E9%97%AE") as response:
                    totals.add(json.loads(response.read())["total"])
            except OSError:
                time.sleep(0.1)
        assert len(pids) == 2 and totals == {12}
        workers = psutil.Process(server.pid).children()
        assert len(workers) == 1
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=30)
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive
