"""One hostile file costs one file: every shape of benchmarks/hostile.py, at a size that still trips its check,
beside the five samples — each is listed with a reason in Chinese, the samples are searchable, the run is quick.
And the readers' own limits: a file that takes too long, eats memory or kills its reader."""

from __future__ import annotations

import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from benchmarks.hostile import SAMPLES, SHAPES
from search.engine import Engine
from search.index import readers
from search.index.readers import ReadLimits
from search.index.writer import update_index
from search.query import SearchRequest

EXPECTED = {  # shape → a piece of the reason; None: the file may be read (it is bounded, not refused)
    "docx_bomb": "压缩",
    "docx_truncated": "不是有效的 .docx",
    "docx_random": "不是有效的 .docx",
    "docx_no_text": "没有文字",
    "ofd_bomb": "压缩",
    "ofd_same_page_listed": None,
    "ofd_many_pages": "页数过多",
    "ofd_broken_xml": "OFD 文件结构不完整",
    "ofd_external_entity": None,
    "doc_claims_huge_stream": "超过文件本身",
    "doc_difat_loop": "分配表",
    "doc_fat_count": "分配表",
    "doc_directory_loop": "",
    "doc_piece_outside": "piece table",
    "doc_pieces_repeat": None,
    "doc_encrypted": "加密",
    "doc_random": "",
    "html_nested": "嵌套过深",
    "mht_nested": "网页归档嵌套过深",
    "html_huge": "过大",
    "html_wide": None,
    "txt_one_line": "过大",
    "txt_long_line": None,
    "txt_utf16_broken": "UTF_16",
    "txt_binary": "不是文本文件",
    "txt_empty": "文件为空",
    "txt_nul": "不是文本文件",
    "txt_gb18030_noise": "",
    "pdf_stream_bomb": "内容流解压后超过",
    "pdf_many_pages": "页数过多",
    "pdf_truncated": "不是有效的 PDF",
    "pdf_no_text": "没有文字层",
    "sparse": "过大",
    "too_large": "文件过大",
    "fifo": "不是普通文件",
    "device": "不是普通文件",
    "symlink_loop": "符号链接",
    "wrong_suffix": "不是有效的 PDF",
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    corpus = folder / "corpus"
    shutil.copytree(SAMPLES, corpus)
    made = {make(corpus, "small").name: name for name, make in SHAPES.items()}
    started = time.perf_counter()
    summary = update_index(corpus, folder / "index", limits=ReadLimits(file_mb=2))
    return made, summary, time.perf_counter() - started, folder / "index"


def test_every_shape_is_covered():
    assert set(EXPECTED) == set(SHAPES) and len(SHAPES) >= 37


def test_each_hostile_file_is_listed_with_its_reason_and_the_samples_are_indexed(hostile_run):
    made, summary, seconds, index_dir = hostile_run
    reasons = {failure["path"]: failure["error"] for failure in summary.failed}
    for path, shape in made.items():
        expected = EXPECTED[shape]
        if expected is None:
            continue
        assert path in reasons, shape
        assert expected in reasons[path], (shape, reasons[path])
        assert "Traceback" not in reasons[path] and not reasons[path].startswith("读取时出错"), (shape, reasons[path])
    assert seconds < 60
    engine = Engine(index_dir)
    try:
        assert engine.search(SearchRequest(filters={"township": ["大湾镇"]}))["total"] == 41
        assert engine.search(SearchRequest(q="法律顾问"))["total"] >= 12
        assert engine.search(SearchRequest(q='"root:"'))["total"] == 0, "no external entity was resolved"
    finally:
        engine.close()


def test_a_word_file_whose_pieces_repeat_is_never_read_past_its_main_text(hostile_run, tmp_path):
    from search.ingest.read_doc import read_word97

    made, summary, _, _ = hostile_run
    path = next(p for p, shape in made.items() if shape == "doc_pieces_repeat")
    assert (
        path in {f["path"] for f in summary.failed} or sum(len(line) for line in read_word97(Path(path)).lines) < 20_000
    )


def _slow_greedy_or_crashing(path, corpus_root=None):
    name = Path(path).name
    if name == "slow.txt":
        time.sleep(30)
    if name == "greedy.txt":
        hoard = bytearray(4 << 30)  # more than the reader may have
        hoard[-1] = 1
    if name == "crash.txt":
        os.kill(os.getpid(), signal.SIGSEGV)
    return REAL_PROCESS_FILE(path, corpus_root=corpus_root)


REAL_PROCESS_FILE = readers.process_file


def test_a_reader_past_its_limits_is_replaced_and_the_run_goes_on(corpus, tmp_path, monkeypatch):
    """A file that takes too long, one that takes too much memory and one that kills its reader each fail with
    the reason; the files after them are read by the replacement readers."""
    for name in ("slow.txt", "greedy.txt", "crash.txt"):
        (corpus / name).write_text(
            "某镇2021年法治政府建设情况报告\n一、主要举措\n聘请律师担任法律顾问。", encoding="utf-8"
        )
    monkeypatch.setattr(readers, "process_file", _slow_greedy_or_crashing)
    started = time.perf_counter()
    summary = update_index(corpus, tmp_path / "index", jobs=1, limits=ReadLimits(seconds=3, memory_mb=300))
    reasons = {failure["path"]: failure["error"] for failure in summary.failed}
    assert reasons["slow.txt"] == "读取超时（3 秒）"
    assert reasons["greedy.txt"] == "读取时占用内存超过上限（300 MB）"
    assert reasons["crash.txt"].startswith("读取进程异常退出（SIGSEGV）")
    assert summary.added == 5 and time.perf_counter() - started < 25


def test_inspect_names_a_hostile_files_problem_without_a_traceback(tmp_path):
    import subprocess
    import sys

    path = SHAPES["txt_utf16_broken"](tmp_path, "small")
    code = "import sys; from search.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, "inspect", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "UTF_16" in done.stderr
