"""The facts of a rebuild (or of an edited indicators.json) read by the indexer and a forked child together."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from search.cli_search import save_for_servers
from search.engine import Engine
from search.index import facts as facts_module
from search.index import writer
from search.index.forked import can_fork
from search.index.segment_reader import Segment
from search.index.writer import update_index
from search.insights import report_table
from search.query import SearchRequest

pytestmark = pytest.mark.skipif(not can_fork(), reason="the facts are read in one process where there is no fork")

REPORT = (
    "{county}{township}人民政府关于2023年度法治政府建设情况的报告\n"
    "一、主要举措和成效\n"
    "全年共调解矛盾纠纷{number}件，调解成功率达到9{digit}%，开展“法律进乡村”活动{digit}场次。\n"
    "二、存在的不足和原因\n"
    "执法人员法律素养有待提高。\n"
)


def _index_of_segments(tmp_path: Path, segments: int) -> Path:
    """An index of ``segments`` segments (one reindex each) of four reports."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    corpus.mkdir()
    for run in range(segments):
        for number in range(4):
            township = "青白红黄金石"[run] + "山河溪坪"[number] + "镇"
            text = REPORT.format(county="巫溪县", township=township, number=10 * run + number, digit=number)
            (corpus / f"{run}-{number}.txt").write_text(text, encoding="utf-8")
        update_index(corpus, index, jobs=1)
    return index


def _with_new_rules(monkeypatch, name: str) -> None:
    """Today's facts rules renamed, as an edited indicators.json renames them: every saved fact is stale."""
    for module in (facts_module, writer, report_table):
        monkeypatch.setattr(module, "facts_key", lambda: name)
    monkeypatch.setattr(facts_module, "FORK_FACTS_AT", 1)


def _segments(index: Path) -> list[Segment]:
    return [Segment(folder) for folder in sorted((index / "fast").iterdir()) if (folder / "lengths.npy").exists()]


def test_facts_read_by_two_processes_are_those_one_process_reads(tmp_path, monkeypatch):
    index = _index_of_segments(tmp_path, 4)
    save_for_servers(index)
    _with_new_rules(monkeypatch, "edited rules")
    segments = _segments(index)
    assert len(segments) >= 2 and not any(facts_module.facts_saved(segment) for segment in segments)
    facts_module.FactsReading(segments).finish()
    for segment in segments:
        assert facts_module.facts_saved(segment)
        saved, read = facts_module.segment_facts(segment), facts_module.read_facts(segment)
        assert np.array_equal(saved.value_docs, read.value_docs) and saved.value_texts == read.value_texts


def test_a_child_that_dies_reading_the_facts_leaves_no_report_without_them(tmp_path, monkeypatch):
    index = _index_of_segments(tmp_path, 3)
    save_for_servers(index)
    _with_new_rules(monkeypatch, "edited rules")
    parent, original = os.getpid(), facts_module.read_facts

    def dies_in_the_child(segment):
        if os.getpid() != parent:
            os._exit(1)
        return original(segment)

    monkeypatch.setattr(facts_module, "read_facts", dies_in_the_child)
    assert save_for_servers(index)
    engine = Engine(index)
    try:
        answer = engine.check(SearchRequest())
        indicators = engine.indicators(SearchRequest())
    finally:
        engine.close()
    assert answer["total"] == 12
    assert indicators["total"] == 12 and indicators["values"] == 36
    assert indicators["stated"]["矛盾纠纷调解件数"] == indicators["stated"]["普法活动次数"] == 12
