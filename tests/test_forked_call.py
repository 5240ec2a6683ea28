"""The indexing step done in a forked process: its answer, its errors and its memory come back as they should."""

from __future__ import annotations

import os
import resource
import signal

import pytest

from search.index import writer
from search.index.forked import ForkedCallError, call_forked, can_fork
from search.index.writer import update_index

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this system")


def _touch_megabytes(megabytes: int) -> int:
    block = b"x" * (megabytes << 20)
    return len(block)


def test_a_forked_call_returns_its_value_and_leaves_its_memory_in_the_child():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert call_forked(lambda: _touch_megabytes(400)) == 400 << 20
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert (after - before) * 1024 < 100 << 20


def test_a_forked_call_raises_the_childs_exception_with_its_traceback():
    def fails() -> None:
        raise FileNotFoundError(2, "没有这个文件", "报告.txt")

    with pytest.raises(FileNotFoundError) as caught:
        call_forked(fails)
    assert caught.value.filename == "报告.txt"
    assert "fails" in "\n".join(caught.value.__notes__)


def test_an_exception_that_cannot_be_rebuilt_comes_back_as_its_text():
    class Unpicklable(Exception):
        def __init__(self, first: str, second: str) -> None:
            super().__init__(f"{first}/{second}")

    def fails() -> None:
        raise Unpicklable("甲", "乙")

    with pytest.raises(ForkedCallError, match="Unpicklable: 甲/乙"):
        call_forked(fails)


def test_a_child_killed_without_an_answer_is_an_error_not_a_none():
    with pytest.raises(ForkedCallError, match=f"信号 {int(signal.SIGKILL)}"):
        call_forked(lambda: os.kill(os.getpid(), signal.SIGKILL))


def test_after_commit_runs_in_the_calling_process_after_the_forked_indexing(corpus, tmp_path):
    seen = []

    def after_commit() -> bool:
        seen.append(os.getpid())
        return True

    summary = update_index(corpus, tmp_path / "index", jobs=1, after_commit=after_commit)
    assert seen == [os.getpid()]
    assert summary.added == len(list(corpus.iterdir())) and summary.paragraphs > 0
    assert summary.clusters_seconds is not None


def test_without_fork_the_indexing_runs_in_this_process_with_the_same_summary(corpus, tmp_path, monkeypatch):
    forked = update_index(corpus, tmp_path / "forked", jobs=1, after_commit=lambda: False)
    monkeypatch.setattr(writer, "can_fork", lambda: False)
    monkeypatch.setattr(writer, "call_forked", lambda function: pytest.fail("forked without fork"))
    here = update_index(corpus, tmp_path / "here", jobs=1, after_commit=lambda: False)
    assert (here.added, here.paragraphs, here.clusters_seconds) == (forked.added, forked.paragraphs, None)


def test_a_cancelled_call_leaves_no_child_behind():
    import time

    from search.index.forked import Forked

    started = time.perf_counter()
    pending = Forked(lambda: time.sleep(30))
    pending.cancel()
    pending.cancel()  # a second cancel is harmless
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pending.pid, os.WNOHANG)  # reaped: no zombie left


def test_the_folder_is_listed_here_when_the_forked_lister_dies(corpus, tmp_path, samples, monkeypatch):
    """The folder is listed in a forked process while the index's records are read; a lister killed without an
    answer (out of memory) must cost the run nothing but time: the changed report is still found."""
    from search.index import listing

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    changed = corpus / samples["北屏乡"].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新增一段关于智慧普法平台的内容。", encoding="utf-8")
    parent, list_folder = os.getpid(), listing.list_folder

    def dies_in_the_child(corpus, limits, *rest):
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return list_folder(corpus, limits, *rest)

    monkeypatch.setattr(listing, "list_folder", dies_in_the_child)
    summary = update_index(corpus, index_dir, jobs=1)
    assert (summary.updated, summary.unchanged, summary.failed) == (1, 4, [])
