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

from search.engine import Engine
from search.index.writer import update_index
from search.query import SearchRequest
from webui import create_app


def _search_ids(index_dir: Path, q: str) -> list[str]:
    """The first 100 hits, every copy shown: which near copies fold under which depends on the order the
    paragraphs were clustered in (an incremental run keeps its earlier clusters), not on what is indexed."""
    engine = Engine(index_dir)
    try:
        request = SearchRequest(q=q, limit=100, mode="exact", boilerplate="show")
        return [hit["id"] for hit in engine.search(request)["hits"]]
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


DROP_ROOT_AND_INDEX = """
import json, os, sys, tempfile
from search.index.writer import update_index
if os.geteuid() == 0:
    # A first run as root loads every module the run needs: the interpreter's folder may not be readable
    # to the user this process becomes.
    with tempfile.TemporaryDirectory() as warm:
        update_index(sys.argv[3], warm, jobs=1)
    os.setgid(65534)
    os.setuid(65534)  # nobody: file permissions apply from here on
summary = update_index(sys.argv[1], sys.argv[2], jobs=1)
print(json.dumps(summary.to_json(), ensure_ascii=False))
"""


def test_a_report_the_indexer_may_not_read_is_listed_and_the_others_are_indexed(corpus):
    """A real permission error: the indexer runs as a user who may not read one report (as root, in a child
    process that gives up root first)."""
    import json
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="perm-"))
    try:
        folder.chmod(0o777)
        shutil.copytree(corpus, folder / "corpus")
        for path in [folder / "corpus", *(folder / "corpus").iterdir()]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        locked = sorted((folder / "corpus").glob("*.txt"))[0]
        locked.chmod(0)
        run = subprocess.run(
            [sys.executable, "-c", DROP_ROOT_AND_INDEX, str(folder / "corpus"), str(folder / "index"), str(corpus)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        summary = json.loads(run.stdout)
        assert [f["path"] for f in summary["failed"]] == [locked.name]
        assert "权限" in summary["failed"][0]["error"]
        assert summary["added"] == 4 and summary["paragraphs"] > 0
    finally:
        shutil.rmtree(folder)


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


def _processes_once_reading(process: subprocess.Popen) -> list[psutil.Process]:
    """Every process under the indexer once two readers run: the leaves of its tree (they may sit under the
    forked process that does the indexing)."""
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            descendants = parent.children(recursive=True)
            if sum(1 for p in descendants if not p.children()) >= 2:
                return descendants
        except psutil.NoSuchProcess:
            pass
        time.sleep(0.02)
    return parent.children(recursive=True)


@pytest.mark.parametrize("delay", [0.0, 0.6])
def test_kill_9_of_the_indexer_leaves_no_worker_and_the_rerun_equals_a_clean_build(big_corpus, tmp_path, delay):
    index_dir = tmp_path / "index"
    process = _indexer(big_corpus, index_dir)
    workers = _processes_once_reading(process)
    assert len(workers) >= 2, "the indexer did not start its readers"
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


def test_kill_9_during_an_incremental_reindex_leaves_the_previous_state_searchable(big_corpus, tmp_path):
    """Killed while it replaces, adds and removes reports: until the rerun, every search answers from the state
    before; the rerun then equals a clean build of the changed folder."""
    corpus = tmp_path / "corpus"
    shutil.copytree(big_corpus, corpus)
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=2)
    queries = ("法律顾问", "人民调解 成功率", '"执法全过程记录"', "新增智慧普法平台")
    before = {q: _search_ids(index_dir, q) for q in queries}
    files = sorted(corpus.glob("*.txt"))
    for path in files[: len(files) // 2]:
        path.write_text(path.read_text(encoding="utf-8") + "\n新增智慧普法平台建设情况。", encoding="utf-8")
    files[-1].unlink()
    process = _indexer(corpus, index_dir)
    _processes_once_reading(process)
    time.sleep(0.5)
    assert process.poll() is None, "the reindex ended before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert {q: _search_ids(index_dir, q) for q in queries} == before

    rerun = _indexer(corpus, index_dir)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr.decode("utf-8", "replace")
    assert "未正常结束" in stderr.decode("utf-8")
    clean = tmp_path / "clean"
    update_index(corpus, clean)
    for q in queries:
        assert _search_ids(index_dir, q) == _search_ids(clean, q)
    assert len(_search_ids(index_dir, "新增智慧普法平台")) == 100  # the first page of the replaced reports


def test_an_interrupted_first_build_leaves_an_index_the_next_run_completes(tmp_path, corpus):
    index_dir = tmp_path / "index"
    with (
        mock.patch("search.index.segment_writer.SegmentBuilder.write", side_effect=KeyboardInterrupt),
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


DROP_ROOT_AND_CHECK = """
import json, os, shutil, sys, tempfile
from search.engine import Engine
from search.query import SearchRequest

def answers(index):
    engine = Engine(index)
    check = engine.check(SearchRequest())
    found = {"total": check["total"], "missing": check["missing_parts"],
             "copies": engine.duplicates(SearchRequest())["total"]}
    engine.close()
    return found

if os.geteuid() == 0:
    # As root, a copy answers first: every module and codec the answers need is loaded before this process
    # becomes a user who may not read the interpreter's folder.
    with tempfile.TemporaryDirectory() as warm:
        shutil.copytree(sys.argv[1], warm + "/index")
        answers(warm + "/index")
    os.setgid(65534)
    os.setuid(65534)  # nobody: the index folder is root's and may not be written
print(json.dumps(answers(sys.argv[1])))
"""


def test_a_server_over_a_read_only_index_keeps_what_it_computes_in_memory(corpus, samples):
    """Facts, band keys and clusters are saved beside the index when it may be written; over a read-only copy
    (a replica), a server works them out, answers, and writes nothing."""
    import json
    import tempfile

    from search.index.writer import update_index

    copied = (corpus / "000_fb6fe3ad903c3860.txt").read_text(encoding="utf-8").replace("北屏乡", "青山乡")
    (corpus / "copy.txt").write_text(copied, encoding="utf-8")
    folder = Path(tempfile.mkdtemp(prefix="readonly-"))
    try:
        folder.chmod(0o755)
        update_index(corpus, folder / "index", jobs=1)  # no after-commit step: nothing computed yet
        before = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
        run = subprocess.run(
            [sys.executable, "-c", DROP_ROOT_AND_CHECK, str(folder / "index")],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        found = json.loads(run.stdout)
        assert found["total"] == 6 and found["missing"] > 0 and found["copies"] > 0
        assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) == before
    finally:
        shutil.rmtree(folder)


def test_a_server_holding_over_a_thousand_open_files_still_answers(sample_index):
    """An index of millions of paragraphs keeps over a thousand files open (8M: 1,233); the server's event
    loop used select(), which cannot watch a descriptor numbered 1024 or more: every connection was closed
    unanswered."""
    import json
    import resource
    import socket
    import urllib.request

    if resource.getrlimit(resource.RLIMIT_NOFILE)[1] < 1400:
        pytest.skip("the hard limit of open files is below 1,400")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = (
        "import os, resource, sys; hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1];"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (1400, hard));"
        "held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)];"
        "from search.cli import main; sys.exit(main(sys.argv[1:]))"
    )
    command = [sys.executable, "-c", code, "serve", "--index", str(sample_index), "--port", str(port)]
    server = subprocess.Popen([*command, "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline, answer = time.monotonic() + 60, None
        while time.monotonic() < deadline and answer is None and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/search?q=%E6%B3%95%E5%BE%8B", timeout=5) as r:
                    answer = json.loads(r.read())
            except OSError:
                time.sleep(0.2)
        assert answer is not None and answer["total"] > 0, server.stderr.read().decode() if server.poll() else ""
    finally:
        server.kill()
        server.wait(timeout=30)


def test_a_lock_another_indexer_creates_meanwhile_is_busy_not_a_crash(tmp_path, monkeypatch):
    """Between looking for a holder and creating the lock, another indexer may create it: that was an unhandled
    FileExistsError. And a lock is created whole (linked in with its record), never empty for a moment — an empty
    lock named no live holder, so another indexer took it, and a child killed then left it behind."""
    from search.index import lock

    index = tmp_path / "index"
    index.mkdir()
    (index / lock.LOCK_FILE).write_text('{"pid": 1}', encoding="utf-8")
    monkeypatch.setattr(lock, "_lock_holder", lambda path: None)  # it appeared after the look
    with pytest.raises(lock.IndexBusyError):
        lock.ReindexLock(index).__enter__()
    assert sorted(p.name for p in index.iterdir()) == [lock.LOCK_FILE]  # no temporary record left
