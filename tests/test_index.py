"""Indexing: incremental by content hash, failures per file, atomic commits, lock recovery."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from whoosh import writing

from search.engine import Engine
from search.index.lock import LOCK_FILE, IndexBusyError
from search.index.writer import open_index, update_index
from search.query import SearchRequest


def test_first_run_adds_everything_second_run_skips_everything(corpus, tmp_path):
    first = update_index(corpus, tmp_path / "index", jobs=2)
    assert (first.added, first.updated, first.removed, first.unchanged, first.paragraphs) == (5, 0, 0, 0, 106)
    second = update_index(corpus, tmp_path / "index", jobs=2)
    assert (second.added, second.updated, second.removed, second.unchanged) == (0, 0, 0, 5)
    assert second.paragraphs == 106


def test_changed_file_is_reindexed_and_deleted_file_removed(corpus, tmp_path, samples):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    changed = corpus / samples["北屏乡"].name
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n四、其他\n新增一段关于智慧普法平台的内容。", encoding="utf-8"
    )
    (corpus / samples["花台乡"].name).unlink()
    summary = update_index(corpus, index_dir, jobs=1)
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (0, 1, 1, 3)
    assert summary.paragraphs == 106 - 12 + 1  # the replaced and removed reports' documents do not count
    engine = Engine(index_dir)
    assert engine.search(SearchRequest(q="智慧普法平台"))["total"] == 1
    assert engine.search(SearchRequest(filters={"township": ["花台乡"]}))["total"] == 0
    assert engine.search(SearchRequest())["total"] == 106 - 12 + 1
    engine.close()


def test_a_changed_report_ranks_as_in_a_fresh_index_of_the_same_files(corpus, tmp_path, samples):
    """Replaced paragraphs stay in their old segment until a merge; they must count nowhere: not in totals,
    not in the document frequencies and lengths that scores are made of, and not among similar paragraphs."""
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    changed = corpus / samples["北屏乡"].name
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("法律顾问", "法治顾问").replace("调解", "协商"), encoding="utf-8")
    update_index(corpus, index_dir, jobs=1)
    fresh_dir = tmp_path / "fresh"
    update_index(corpus, fresh_dir, jobs=1)
    incremental, fresh = Engine(index_dir), Engine(fresh_dir)
    with incremental.using() as state:
        assert not state.evaluator.all_live  # the replaced paragraphs are still in the index
    for q in ("法律顾问", "人民调解", "矛盾纠纷化解", "法律顾问 调解", '"法律顾问"'):
        for mode in ("expanded", "exact"):
            request = SearchRequest(q=q, mode=mode, limit=50)
            ours, theirs = incremental.search(request), fresh.search(request)
            assert [(h["id"], h["score"]) for h in ours["hits"]] == [(h["id"], h["score"]) for h in theirs["hits"]]
            assert (ours["total"], ours["loose_total"]) == (theirs["total"], theirs["loose_total"])
    for hit in fresh.search(SearchRequest(q="调解", limit=3))["hits"]:
        ours, theirs = incremental.similar(hit["id"]), fresh.similar(hit["id"])
        assert [(h["id"], h["score"]) for h in ours["hits"]] == [(h["id"], h["score"]) for h in theirs["hits"]]
    incremental.close()
    fresh.close()


def test_a_removed_report_is_removed_once_and_the_next_run_commits_nothing(corpus, tmp_path, samples):
    from search.index.writer import committed_state

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    (corpus / samples["大湾镇"].name).unlink()  # after reports that stay: the first in the folder's order stays
    assert update_index(corpus, index_dir, jobs=1).removed == 1
    state = committed_state(index_dir)
    again = update_index(corpus, index_dir, jobs=1)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 4)
    assert committed_state(index_dir) == state


def test_a_run_that_finds_no_change_commits_nothing_beside_several_small_segments(corpus, tmp_path, samples):
    """Each run that changes a report adds a small segment; one that changes nothing must not merge them into
    a new one: at eight million paragraphs a new state costs servers a reload and the command 10 s of copy
    detection, for nothing."""
    from search.index.writer import committed_state

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    for township in ("北屏乡", "黄石镇"):
        changed = corpus / samples[township].name
        changed.write_text(changed.read_text(encoding="utf-8") + f"\n{township}新增一段。", encoding="utf-8")
        assert update_index(corpus, index_dir, jobs=1).updated == 1
    state = committed_state(index_dir)
    assert state.count("|") == 1  # two small segments: the policy would merge the smaller into a new one
    again = update_index(corpus, index_dir, jobs=1)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert committed_state(index_dir) == state


def test_an_index_kept_inside_its_corpus_is_not_read_as_reports(corpus):
    """reportsearch index --corpus reports --index reports/index: every run listed the index's own files as
    reports that could not be read (_paragraphs_1.toc, indexinfo.json …), and a file of it named like one
    would have been indexed."""
    index_dir = corpus / "index"
    first = update_index(corpus, index_dir, jobs=1)
    (index_dir / "notes.txt").write_text("索引目录里的说明文件", encoding="utf-8")
    second = update_index(corpus, index_dir, jobs=1)
    assert (first.added, first.failed, second.added, second.unchanged, second.failed) == (5, [], 0, 5, [])


def test_rebuild_starts_from_scratch(corpus, tmp_path):
    update_index(corpus, tmp_path / "index", jobs=1)
    summary = update_index(corpus, tmp_path / "index", rebuild=True, jobs=1)
    assert (summary.added, summary.unchanged) == (5, 0)


def test_failed_files_are_listed_and_the_rest_indexed(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "scan.pdf").write_bytes(b"%PDF-1.4 broken")
    summary = update_index(corpus, tmp_path / "index", jobs=2)
    assert summary.added == 5
    assert sorted(f["path"] for f in summary.failed) == ["empty.txt", "scan.pdf"]
    assert all(f["error"] for f in summary.failed)


def test_open_searcher_keeps_answering_from_the_previous_state_during_a_reindex(corpus, tmp_path, samples):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    engine = Engine(index_dir)
    searcher = open_index(index_dir).searcher()
    assert engine.search(SearchRequest(filters={"township": ["大湾镇"]}))["total"] == 41
    (corpus / samples["大湾镇"].name).unlink()
    update_index(corpus, index_dir, jobs=1)
    assert searcher.doc_count() == 111, "a searcher opened before the reindex still sees its state"
    reports = [searcher.stored_fields(d) for d in range(searcher.doc_count_all())]
    assert sum(fields.get("kind") == "report" for fields in reports) == 5, "and reads its deleted reports"
    searcher.close()
    assert engine.search(SearchRequest(filters={"township": ["大湾镇"]}))["total"] == 0, (
        "the engine sees the deletion after the commit"
    )
    assert engine.search(SearchRequest())["total"] == 106 - 41
    engine.close()


def test_server_keeps_answering_during_a_rebuild(corpus, tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    engine = Engine(index_dir)
    assert engine.search(SearchRequest(q="法律顾问"))["total"] == 12
    seen = []
    original = writing.SegmentWriter.commit

    def commit(self, *args, **kwargs):
        seen.append(engine.search(SearchRequest(q="法律顾问"))["total"])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(writing.SegmentWriter, "commit", commit)
    summary = update_index(corpus, index_dir, rebuild=True, jobs=1)
    assert summary.added == 5
    assert seen == [12], "just before the rebuild commits, the old state still answers"
    assert engine.search(SearchRequest(q="法律顾问"))["total"] == 12
    assert len(list((index_dir / "fast").iterdir())) == 1, "the old segment's arrays are gone"
    engine.close()


def test_interrupted_reindex_leaves_previous_index_and_next_run_recovers(corpus, tmp_path, samples, monkeypatch):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    changed = corpus / samples["黄石镇"].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新增的段落文字。", encoding="utf-8")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writing.SegmentWriter, "commit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        update_index(corpus, index_dir, jobs=1)
    monkeypatch.undo()
    engine = Engine(index_dir)
    assert engine.search(SearchRequest())["total"] == 106
    engine.close()
    summary = update_index(corpus, index_dir, jobs=1)
    assert summary.updated == 1


def test_stale_lock_of_a_dead_process_is_recovered_with_a_message(corpus, tmp_path):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (index_dir / LOCK_FILE).write_text(json.dumps({"pid": int(dead.stdout), "started": "2026-01-01 00:00:00"}))
    summary = update_index(corpus, index_dir, jobs=1)
    assert "未正常结束" in summary.recovered_lock and "2026-01-01" in summary.recovered_lock
    assert not (index_dir / LOCK_FILE).exists()


def test_live_reindex_lock_refuses_a_second_reindex(corpus, tmp_path):
    import psutil

    index_dir = tmp_path / "index"
    index_dir.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (index_dir / LOCK_FILE).write_text(
            json.dumps({"pid": sleeper.pid, "started": "now", "create_time": psutil.Process(sleeper.pid).create_time()})
        )
        with pytest.raises(IndexBusyError, match=str(sleeper.pid)):
            update_index(corpus, index_dir, jobs=1)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_failed_commit_does_not_leave_the_write_lock(corpus, tmp_path, monkeypatch, samples):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    (corpus / samples["北屏乡"].name).write_text(
        "北屏乡2021年法治政府建设报告\n一、举措\n聘请律师担任法律顾问。", encoding="utf-8"
    )

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing.SegmentWriter, "_commit_toc", disk_full)
    with pytest.raises(OSError):
        update_index(corpus, index_dir, jobs=1)
    monkeypatch.undo()
    summary = update_index(corpus, index_dir, jobs=1)
    assert summary.updated == 1
    assert not os.path.exists(index_dir / LOCK_FILE)


def test_an_index_without_its_arrays_is_refused_with_advice_and_rebuilt(corpus, tmp_path):
    import shutil as shell

    from search.index.writer import index_is_usable
    from search.query import IndexMissingError

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    shell.rmtree(index_dir / "fast")
    assert not index_is_usable(index_dir)
    with pytest.raises(IndexMissingError, match="--rebuild"):
        Engine(index_dir)
    update_index(corpus, index_dir, rebuild=True, jobs=1)
    assert index_is_usable(index_dir)
    assert Engine(index_dir).search(SearchRequest())["total"] == 106


def _set_arrays_format(index_dir: Path, value: int | None) -> None:
    for meta in (index_dir / "fast").glob("*/facets.json"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        data.pop("format", None)
        if value is not None:
            data["format"] = value
        meta.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize("written", [None, 1, 99])
def test_arrays_of_another_format_are_never_read_and_the_next_index_run_rebuilds_them(corpus, tmp_path, written):
    """An index whose arrays another version wrote — before the format was recorded (format 1: document
    numbers as int32), format 1, or a newer one — is refused with advice, not misread; the next ``index``
    run reads every report again without being asked, and says so."""
    from search.index.writer import index_is_usable
    from search.query import IndexMissingError

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    expected = Engine(index_dir).search(SearchRequest(q="法律顾问", limit=50))["hits"]
    _set_arrays_format(index_dir, written)
    assert not index_is_usable(index_dir)
    with pytest.raises(IndexMissingError, match="其他版本.*--rebuild"):
        Engine(index_dir)
    summary = update_index(corpus, index_dir, jobs=1)
    assert summary.recreated and summary.added == 5 and summary.unchanged == 0
    assert index_is_usable(index_dir)
    assert [h["id"] for h in Engine(index_dir).search(SearchRequest(q="法律顾问", limit=50))["hits"]] == [
        h["id"] for h in expected
    ]
    assert not update_index(corpus, index_dir, jobs=1).recreated


def test_no_reader_process_outlives_a_run_with_changes_without_or_failing(corpus, tmp_path, samples):
    """A reader is started before the files are listed (it warms up meanwhile): whether files changed, none
    did, or listing the corpus failed, every reader is gone when the run ends."""
    import psutil

    def readers() -> list:
        return [child for child in psutil.Process().children() if child.is_running() and child.status() != "zombie"]

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir)
    assert not readers()
    update_index(corpus, index_dir)  # nothing changed
    assert not readers()
    with pytest.raises(OSError):
        update_index(tmp_path / "no-such-corpus", index_dir)
    assert not readers()


def test_readers_parse_only_a_few_files_ahead_of_the_writer(corpus):
    """The writer is the slower side: results the readers run ahead with must not pile up in memory."""
    from search.index import readers

    paths = [str(p) for p in sorted(corpus.glob("*.txt"))] * 12
    with readers.ReaderPool(2, corpus) as pool:
        parsed = []
        most = 0
        for path, report, terms, error in pool.parse(paths):
            time.sleep(0.01)  # a slow writer
            parsed.append(path)
            sent = sum(len(reader.jobs) for reader in pool.readers)
            most = max(most, sent)
            assert not error and report is not None and terms
    assert parsed == paths
    assert 2 <= most <= readers.PARSE_AHEAD * 2 < len(paths)


def test_indexed_phrases_list_the_paragraphs_that_checking_the_texts_finds(engine):
    """Thesaurus terms are looked up in phrase postings written with each piece; they must be exactly the
    paragraphs whose text contains the term."""
    from search.index.analyze import indexed_phrases

    found = 0
    with engine.using() as state:
        for segment, _ in state.evaluator.segments:
            phrases, segment.phrases = segment.phrases, None
            try:
                checked = {phrase: sorted(segment.containing(phrase).tolist()) for phrase in indexed_phrases()}
            finally:
                segment.phrases = phrases
            for phrase in indexed_phrases():
                assert sorted(segment.phrase_documents(phrase).tolist()) == checked[phrase], phrase
                found += len(checked[phrase])
    assert found > 100


def test_strings_checked_in_the_texts_come_back_ascending_with_the_known_ones_merged_in(engine):
    """Query evaluation aligns each segment's documents without sorting them again: a string checked in the
    texts, part of whose candidates are already known to contain it, must still come back in order."""
    with engine.using() as state:
        segment = max((segment for segment, _ in state.evaluator.segments), key=lambda s: s.count)
        every = segment.containing("顾问制度")
        assert len(every) >= 4
        known = every[::2]  # interleaved with the ones that must be checked
        found = segment.containing("顾问制度", known)
    assert found.tolist() == sorted(every.tolist())


def test_an_index_written_before_phrase_postings_answers_the_same(corpus, tmp_path):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)

    def answers() -> list:
        engine = Engine(index_dir)
        try:
            return [
                (hit["id"], hit["score"], result["total"], result["loose_total"])
                for q in ("法律顾问", "执法力量薄弱", '"合法性审查"', "重大行政决策 -合同")
                for result in [engine.search(SearchRequest(q=q, limit=30))]
                for hit in result["hits"]
            ]
        finally:
            engine.close()

    before = answers()
    removed = [path for path in (index_dir / "fast").glob("*/phrase_*") if path.unlink() is None]
    assert removed
    assert answers() == before


WRITTEN = "我鎮聘請法律顧問，開通APP線上諮詢，全年審查合同12件。"
WRITTEN_HEADING = "（九）強化法律顧問服務"


def _written_report(corpus: Path, name: str = "900_written.txt") -> None:
    """A report one of whose paragraphs folding changes (traditional characters, capital letters)."""
    lines = (corpus / sorted(p.name for p in corpus.glob("*.txt"))[0]).read_text(encoding="utf-8").splitlines()
    (corpus / name).write_text("\n".join(lines[:3] + [WRITTEN_HEADING, WRITTEN] + lines[3:]), encoding="utf-8")


def _shown_texts(index_dir: Path) -> list[str]:
    engine = Engine(index_dir)
    try:
        found = engine.search(SearchRequest(q="法律顾问 APP", limit=50))
        hits = [hit["text"] for hit in found["hits"] if "APP" in hit["text"]]
        report = engine.report(next(h["report_id"] for h in found["hits"] if h["text"] == WRITTEN))
        shown = [p["text"] for p in report["paragraphs"] if "APP" in p["text"]]
        with engine.using() as state:
            stored = [state.searcher.stored_fields(d) for d in range(state.evaluator.total)]
        paragraphs = [fields for fields in stored if fields.get("kind") != "report"]
        assert paragraphs and all(fields == {} for fields in paragraphs)  # Whoosh stores nothing of a paragraph
        hit = next(h for h in found["hits"] if h["text"] == WRITTEN)
        assert (hit["title"], hit["township"], hit["county"], hit["year"]) == (
            report["title"],
            report["township"],
            report["county"],
            report["year"],
        )
        assert hit["title"] and hit["township"] and hit["year"]
        assert hit["section"][-1] == WRITTEN_HEADING  # from the arrays, as written, not from Whoosh
        return hits + shown
    finally:
        engine.close()


def test_a_paragraph_is_shown_as_written_though_the_index_folds_it(corpus, tmp_path, monkeypatch):
    """Whoosh stores only a paragraph's own fields: the segment's arrays give its text and its section path
    back as written, traditional characters and capital letters included, in hits and in the report view,
    also after a merge copies the segment; title, township and year come from its report."""
    from search.index import writer

    _written_report(corpus)
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    assert _shown_texts(index_dir) == [WRITTEN, WRITTEN]
    _written_report(corpus, "901_written.txt")
    monkeypatch.setattr(writer, "small_segments", list)  # the next run merges the old segment into its new one
    update_index(corpus, index_dir, jobs=1)
    assert len(list((index_dir / "fast").iterdir())) == 1
    assert _shown_texts(index_dir) == [WRITTEN, WRITTEN, WRITTEN]


def test_an_index_whose_stored_fields_hold_the_texts_still_shows_them(corpus, tmp_path, monkeypatch):
    """Indexes written before the texts moved to the arrays keep them in Whoosh's stored fields."""
    from search.index import writer

    _written_report(corpus)
    index_dir = tmp_path / "index"
    monkeypatch.setattr(writer, "stored_fields", lambda document: document)
    update_index(corpus, index_dir, jobs=1)
    for path in (index_dir / "fast").glob("*/original*"):
        path.unlink()
    engine = Engine(index_dir)
    try:
        found = engine.search(SearchRequest(q="法律顾问 APP", limit=50))
        assert WRITTEN in [hit["text"] for hit in found["hits"]]
    finally:
        engine.close()


def test_reader_processes_give_the_index_one_process_gives(corpus, tmp_path):
    """Reports parsed in reader processes travel to the writer packed; every array must come out as if the
    writer had parsed them itself."""
    update_index(corpus, tmp_path / "alone", jobs=1)
    update_index(corpus, tmp_path / "pooled", jobs=2)

    def piece_files(index_dir: Path) -> dict[str, bytes]:
        (piece,) = [p for p in (index_dir / "fast").iterdir() if p.is_dir()]
        return {f.name: f.read_bytes() for f in sorted(piece.iterdir())}

    alone, pooled = piece_files(tmp_path / "alone"), piece_files(tmp_path / "pooled")
    assert alone.keys() == pooled.keys() and "word_gaps.npy" in alone
    assert [name for name in alone if alone[name] != pooled[name]] == []


def _sample_docx(text: str, path: Path) -> None:
    import docx

    document = docx.Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    document.save(str(path))


BROKEN_REPLACEMENTS = {
    "empty": b"",
    "random bytes": bytes((i * 7919 + 13) % 256 for i in range(4000)),
    "half-written docx": b"PK\x03\x04" + b"\0" * 4000,
}


@pytest.mark.parametrize("broken", list(BROKEN_REPLACEMENTS))
def test_an_indexed_report_overwritten_by_a_broken_file_keeps_its_indexed_version(corpus, tmp_path, samples, broken):
    """A sync tool that leaves a half-copied file must not take the township out of every search: the file is
    listed as failed, and its indexed paragraphs stay until a readable version replaces them."""
    source = samples["北屏乡"]
    report = corpus / (source.stem + ".docx")
    (corpus / source.name).unlink()
    _sample_docx(source.read_text(encoding="utf-8"), report)
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    engine = Engine(index_dir)
    before = engine.search(SearchRequest(filters={"township": ["北屏乡"]}, limit=50))
    assert before["total"] == 21

    report.write_bytes(BROKEN_REPLACEMENTS[broken])
    summary = update_index(corpus, index_dir, jobs=1)
    assert [(f["path"], f["kept"]) for f in summary.failed] == [(report.name, True)]
    assert summary.paragraphs == 106
    after = engine.search(SearchRequest(filters={"township": ["北屏乡"]}, limit=50))
    assert [h["id"] for h in after["hits"]] == [h["id"] for h in before["hits"]]
    assert engine.stats()["stale"] == [{"path": report.name, "error": summary.failed[0]["error"]}]
    assert engine.report(after["hits"][0]["report_id"])["stale"] == summary.failed[0]["error"]

    _sample_docx(source.read_text(encoding="utf-8") + "\n新增一段关于智慧普法平台的内容。", report)
    repaired = update_index(corpus, index_dir, jobs=1)
    assert (repaired.updated, repaired.failed) == (1, [])
    assert engine.search(SearchRequest(filters={"township": ["北屏乡"]}))["total"] == 22
    assert engine.stats()["stale"] == []
    engine.close()


def test_a_report_deleted_from_the_folder_is_removed_but_an_unreadable_one_is_kept(corpus, tmp_path, samples):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    (corpus / samples["花台乡"].name).unlink()
    unreadable = corpus / samples["北屏乡"].name
    unreadable.unlink()
    unreadable.symlink_to(corpus / "nowhere.txt")  # still listed, but cannot be opened
    summary = update_index(corpus, index_dir, jobs=1)
    assert summary.removed == 1
    assert [(f["path"], f["kept"]) for f in summary.failed] == [(unreadable.name, True)]
    engine = Engine(index_dir)
    assert summary.paragraphs == engine.search(SearchRequest(limit=1))["total"] < 106
    assert engine.search(SearchRequest(filters={"township": ["花台乡"]}))["total"] == 0
    assert engine.search(SearchRequest(filters={"township": ["北屏乡"]}))["total"] == 21
    engine.close()


def test_a_report_rewritten_at_the_same_size_is_reindexed_and_no_other_file_is_read(
    corpus, tmp_path, samples, monkeypatch
):
    """A reindex trusts an unchanged size and modification time (and reads nothing of those files); a file of
    the same size written again, or one now over the size limit, is looked at."""
    from search.index import listing
    from search.index.readers import ReadLimits

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    rewritten = corpus / samples["北屏乡"].name
    text = rewritten.read_text(encoding="utf-8")
    assert "法治宣传" in text
    rewritten.write_text(text.replace("法治宣传", "智慧普法", 1), encoding="utf-8")  # four characters for four
    stat = rewritten.stat()
    os.utime(rewritten, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    hashed = []
    monkeypatch.setattr(listing, "file_hash", lambda path: hashed.append(Path(path).name) or _sha256(path))
    summary = update_index(corpus, index_dir, jobs=1)
    assert (summary.updated, summary.unchanged) == (1, 4) and hashed == [rewritten.name]
    large = max(corpus.glob("*.txt"), key=lambda path: path.stat().st_size)
    limit_mb = large.stat().st_size / (1 << 20) * 0.99
    summary = update_index(corpus, index_dir, jobs=1, limits=ReadLimits(file_mb=limit_mb))
    assert [(f["path"], f["kept"]) for f in summary.failed] == [(large.name, True)]
    assert "文件过大" in summary.failed[0]["error"] and summary.unchanged == 4


def _sha256(path) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.mark.parametrize("year", [70000, -1, "２０２２年"])
def test_a_sidecar_year_no_index_can_hold_fails_that_report_and_the_others_are_indexed(corpus, tmp_path, year):
    """A metadata sidecar stating a year outside four digits once stopped the whole run with an OverflowError."""
    report = sorted(corpus.glob("*.txt"))[0]
    report.with_name(report.stem + ".meta.json").write_text(json.dumps({"year": year}), encoding="utf-8")
    summary = update_index(corpus, tmp_path / "index", jobs=1)
    assert summary.added == 4 and [f["path"] for f in summary.failed] == [report.name]
    assert ".meta.json" in summary.failed[0]["error"] and "year" in summary.failed[0]["error"]


def test_named_files_are_the_only_ones_looked_at_and_every_other_report_is_kept(corpus, tmp_path, samples, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the folders as a user types them: relative to where the command runs
    corpus, index_dir = Path(corpus.name), Path("index")
    update_index(corpus, index_dir, jobs=1)
    changed, unnamed = corpus / samples["北屏乡"].name, corpus / samples["黄石镇"].name
    for path in (changed, unnamed):
        path.write_text(path.read_text(encoding="utf-8") + "\n新增一段关于智慧普法平台的内容。", encoding="utf-8")
    added = corpus / "sub" / "new.txt"
    added.parent.mkdir()
    added.write_text(samples["花台乡"].read_text(encoding="utf-8").replace("花台乡", "新田乡"), encoding="utf-8")
    removed = corpus / samples["大湾镇"].name
    removed.unlink()
    unreadable = corpus / samples["蒲台乡"].name
    unreadable.unlink()
    unreadable.symlink_to(corpus / "nowhere.txt")

    summary = update_index(corpus, index_dir, jobs=1, files=[changed, added, removed, unreadable])
    assert (summary.added, summary.updated, summary.removed, summary.unchanged) == (1, 1, 1, 2)
    assert [(f["path"], f["kept"]) for f in summary.failed] == [(unreadable.name, True)]
    engine = Engine(index_dir)
    townships = {f["value"]: f["count"] for f in engine.search(SearchRequest(limit=1))["facets"]["township"]}
    assert "大湾镇" not in townships and {"新田乡", "蒲台乡", "黄石镇"} <= set(townships)
    assert {h["township"] for h in engine.search(SearchRequest(q='"智慧普法平台"', limit=10))["hits"]} == {"北屏乡"}
    assert summary.paragraphs == engine.search(SearchRequest(limit=1))["total"]

    everything = update_index(corpus, index_dir, jobs=1)  # the unnamed change is found by a run over the folder
    assert (everything.added, everything.updated, everything.removed) == (0, 1, 0)
    assert {h["township"] for h in engine.search(SearchRequest(q='"智慧普法平台"', limit=10))["hits"]} == {
        "北屏乡",
        "黄石镇",
    }
    engine.close()


def test_named_files_find_their_entries_as_parsing_every_manifest_does(corpus, tmp_path, samples):
    from search.index.writer import known_of, known_reports

    odd = corpus / 'a "quoted" }name{ 报告.txt'
    odd.write_text(samples["花台乡"].read_text(encoding="utf-8"), encoding="utf-8")
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    changed = corpus / samples["北屏乡"].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新增一段。", encoding="utf-8")
    (corpus / samples["大湾镇"].name).unlink()
    update_index(corpus, index_dir, jobs=1)  # the earlier entries of both now deleted in the first segment
    ix = open_index(index_dir)
    every = known_reports(index_dir, ix)
    asked = [odd.name, changed.name, samples["大湾镇"].name, "never-indexed.txt", samples["黄石镇"].name]
    found, total = known_of(index_dir, ix, asked)
    assert found == {path: every[path] for path in asked if path in every} and len(found) == 3
    assert total == len(every) == 5


def test_named_files_on_a_new_index_index_the_whole_folder(corpus, tmp_path, samples):
    summary = update_index(corpus, tmp_path / "index", jobs=1, files=[corpus / samples["北屏乡"].name])
    assert (summary.added, summary.paragraphs) == (5, 106)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("../elsewhere.txt", "不在报告目录"),
        ("metadata.csv", "不是报告文件"),
        (".hidden/report.txt", "不是报告文件"),
        ("sub", "是目录"),
    ],
)
def test_a_named_file_outside_the_corpus_or_no_report_is_refused_naming_it(corpus, tmp_path, capsys, name, says):
    from search.cli import main

    (corpus / "sub").mkdir()
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    before = sorted(p.name for p in index_dir.iterdir())
    assert main(["index", "--corpus", str(corpus), "--index", str(index_dir), str(corpus / name)]) == 2
    error = capsys.readouterr().err
    assert says in error and name.split("/")[-1] in error
    assert sorted(p.name for p in index_dir.iterdir()) == before


def test_inspect_says_whether_the_index_holds_the_file_as_it_is_now(corpus, tmp_path, samples, capsys):
    from search.cli import main

    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    report = corpus / samples["黄石镇"].name
    assert main(["inspect", str(report), "--index", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indexed"]["state"] == "current"
    report.write_bytes(b"")
    update_index(corpus, index_dir, jobs=1)
    assert main(["inspect", str(report), "--index", str(index_dir)]) == 1
    assert "索引中的版本早于文件（上次更新索引时无法读取：文件为空）" in capsys.readouterr().err
    new = corpus / "新报告.txt"
    new.write_text("某镇2022年法治政府建设情况报告\n一、主要举措\n聘请法律顾问。", encoding="utf-8")
    assert main(["inspect", str(new), "--index", str(index_dir), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indexed"]["state"] == "absent"


def test_a_lock_whose_pid_now_belongs_to_another_process_is_recovered(corpus, tmp_path):
    """The PID in a stale lock can be reused by an unrelated process: its start time tells them apart."""
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    stranger = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (index_dir / LOCK_FILE).write_text(
            json.dumps({"pid": stranger.pid, "started": "2026-01-01 00:00:00", "create_time": 1_000_000.0})
        )
        summary = update_index(corpus, index_dir, jobs=1)
    finally:
        stranger.kill()
        stranger.wait()
    assert "未正常结束" in summary.recovered_lock and summary.unchanged == 5


def test_an_unexpected_reader_error_fails_that_file_and_the_others_are_indexed(corpus, tmp_path, samples, monkeypatch):
    from search.index import readers

    real = readers.process_file

    def reader_with_a_bug(path, corpus_root=None):
        if Path(path).name == samples["蒲台乡"].name:
            raise IndexError("list index out of range")
        return real(path, corpus_root=corpus_root)

    monkeypatch.setattr(readers, "process_file", reader_with_a_bug)
    summary = update_index(corpus, tmp_path / "index", jobs=1)
    assert summary.added == 4
    assert summary.failed == [
        {"path": samples["蒲台乡"].name, "error": "读取时出错：IndexError: list index out of range", "kept": False}
    ]


def test_a_long_run_commits_in_batches_and_a_stopped_run_keeps_what_it_finished(corpus, tmp_path, monkeypatch):
    """Each batch is committed as it fills: searches see it, and a run stopped after three reports keeps
    them; the next run reads only the rest."""
    from search.index import readers, writer

    monkeypatch.setattr(writer, "BATCH_DOCUMENTS", 1)  # a commit after every report
    real_parse = readers.ReaderPool.parse

    def stopped_after_three(self, paths):
        for number, parsed in enumerate(real_parse(self, paths)):
            if number == 3:
                raise KeyboardInterrupt
            yield parsed

    monkeypatch.setattr(readers.ReaderPool, "parse", stopped_after_three)
    index_dir = tmp_path / "index"
    with pytest.raises(KeyboardInterrupt):
        update_index(corpus, index_dir, jobs=1)
    monkeypatch.setattr(readers.ReaderPool, "parse", real_parse)
    engine = Engine(index_dir)
    kept = engine.stats()
    assert kept["reports"] == 3 and kept["paragraphs"] == 21 + 15 + 17
    engine.close()
    summary = update_index(corpus, index_dir, jobs=1)
    assert (summary.added, summary.unchanged, summary.paragraphs) == (2, 3, 106)


@pytest.mark.parametrize("chunk", [1000, 1 << 23])
def test_posting_lists_read_back_exactly_from_one_byte_gaps(tmp_path, monkeypatch, chunk):
    """Document numbers are stored as one-byte gaps, larger gaps as exceptions: every list, any run of
    lists and the whole array read back as written (first documents past 255, gaps of exactly 255, a list of
    one)."""
    from search.index import segment_writer
    from search.index.segment_reader import Grams
    from search.index.segment_writer import encode_postings

    monkeypatch.setattr(segment_writer, "ENCODE_CHUNK", chunk)  # encoded a chunk at a time: across its edges
    rng = np.random.default_rng(5)
    lists = [np.array([0]), np.array([255, 510, 511]), np.array([300_000])]
    lists += [np.unique(rng.integers(0, 250_000, size)) for size in (1, 3, 40, 5_000, 200_000, 200_000)]
    docs = np.concatenate(lists).astype(np.int32)
    offsets = np.concatenate(([0], np.cumsum([len(d) for d in lists]))).astype(np.int64)
    gaps, exceptions, exception_offsets = encode_postings(docs, offsets)
    assert gaps.dtype == np.uint8 and len(gaps) == len(docs) and len(exceptions) < len(docs) // 10
    for name, array in (("keys", np.arange(len(lists), dtype=np.int64)), ("offsets", offsets), ("gaps", gaps)):
        np.save(tmp_path / f"t_{name}.npy", array)
    np.save(tmp_path / "t_exceptions.npy", exceptions)
    np.save(tmp_path / "t_exception_offsets.npy", exception_offsets)
    grams = Grams(tmp_path, "t")
    for key, expected in enumerate(lists):
        assert np.array_equal(grams.postings(key), expected)
    assert np.array_equal(grams.lists(1, 6), np.concatenate(lists[1:6]))
    assert np.array_equal(grams.lists(len(lists) - 2, len(lists)), np.concatenate(lists[-2:]))  # no exception
    assert np.array_equal(grams.docs, docs) and not len(grams.postings(len(lists)))


def test_an_index_that_stored_each_paragraphs_report_id_is_read_and_sheds_it_when_rebuilt(
    corpus, tmp_path, monkeypatch
):
    """Indexes written before stored a paragraph's report id in Whoosh (211 MB at 1,000,000 paragraphs with its
    other fields): they are searched and updated as they are, and a rebuild writes today's schema."""
    from whoosh import fields

    from search.index import writer

    today = writer.build_schema
    monkeypatch.setattr(
        writer, "build_schema", lambda: fields.Schema(**{**dict(today().items()), "report_id": fields.ID(stored=True)})
    )
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    monkeypatch.setattr(writer, "build_schema", today)

    def paragraph_records() -> list[dict]:
        with open_index(index_dir).searcher() as searcher:
            records = [searcher.stored_fields(d) for d in range(searcher.doc_count_all())]
        return [record for record in records if record.get("kind") != "report"]

    assert all(set(record) == {"report_id"} for record in paragraph_records())
    engine = Engine(index_dir)
    assert engine.search(SearchRequest(q="法律顾问"))["total"] == 12
    engine.close()
    assert not update_index(corpus, index_dir, jobs=1).recreated  # an update keeps it as it is
    summary = update_index(corpus, index_dir, rebuild=True, jobs=1)
    assert not summary.failed and paragraph_records() and all(record == {} for record in paragraph_records())


@pytest.mark.parametrize("with_frequencies", [False, True])
def test_postings_written_a_few_documents_at_a_time_are_those_of_one_sort(tmp_path, monkeypatch, with_frequencies):
    """A piece's postings are packed PACK_DOCUMENTS documents at a time and its inputs dropped as they are read:
    every key still lists every document that has it, in order, with its frequency (saturating at 255)."""
    from search.index import segment_writer
    from search.index.frequencies import Frequencies
    from search.index.segment_reader import Grams, Slices

    monkeypatch.setattr(segment_writer, "PACK_DOCUMENTS", 3)
    rng = np.random.default_rng(7)
    keys = [np.unique(rng.integers(0, 1 << 40, size)) for size in rng.integers(0, 30, 50)]
    tfs = [rng.integers(1, 400, len(k)) for k in keys]
    expected: dict[int, list[tuple[int, int]]] = {}
    for doc, (doc_keys, doc_tfs) in enumerate(zip(keys, tfs, strict=True)):
        for key, tf in zip(doc_keys.tolist(), doc_tfs.tolist(), strict=True):
            expected.setdefault(key, []).append((doc, min(tf, 255)))
    segment_writer._write_postings(tmp_path, "t", list(keys), list(tfs) if with_frequencies else None)
    grams = Grams(tmp_path, "t")
    stored = np.load(tmp_path / "t_keys.npy")
    assert stored.tolist() == sorted(expected)
    if with_frequencies:
        frequencies = Frequencies(tmp_path, "t", Slices(tmp_path / "t_tf_nibbles.npy").read)
    offsets = np.load(tmp_path / "t_offsets.npy")
    for index, key in enumerate(stored.tolist()):
        assert grams.postings(key).tolist() == [doc for doc, _ in expected[key]]
        if with_frequencies:
            read = frequencies.read(int(offsets[index]), int(offsets[index + 1]))
            assert read.tolist() == [tf for _, tf in expected[key]]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's heap")
def test_memory_the_indexer_freed_is_given_back_before_its_next_step():
    """What a piece's writing frees stays in glibc's heap unless given back; the clusters found next would
    otherwise be allocated beside it."""
    import psutil

    from search.index.heap import return_free_memory

    blocks = [bytes(2048) for _ in range(100_000)]  # 200 MB in blocks malloc keeps in its heap
    pinned = bytes(2048)  # the heap's top stays in use: nothing is given back by itself
    del blocks
    before = psutil.Process().memory_info().rss
    assert return_free_memory()
    assert before - psutil.Process().memory_info().rss > 100 << 20
    assert pinned


def _county_paragraphs(index: Path, county: str) -> int:
    engine = Engine(index)
    try:
        return engine.search(SearchRequest(q="", filters={"county": [county]}))["total"]
    finally:
        engine.close()


def test_a_sidecar_added_changed_or_removed_reindexes_its_report_and_no_other(corpus, tmp_path, samples):
    """A user corrects a report's county with a sidecar: the report file itself does not change, yet the next
    run must read it again (it used to count it unchanged and keep the old county)."""
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    report = corpus / samples["蒲台乡"].name
    sidecar = report.with_name(report.stem + ".meta.json")
    for county in ("福清市", "长乐区"):
        sidecar.write_text(json.dumps({"county": county}, ensure_ascii=False), encoding="utf-8")
        summary = update_index(corpus, index, jobs=1)
        assert (summary.updated, summary.unchanged) == (1, 4)
        assert _county_paragraphs(index, county) > 0
    assert update_index(corpus, index, jobs=1).updated == 0
    sidecar.unlink()
    assert update_index(corpus, index, jobs=1).updated == 1
    assert _county_paragraphs(index, "长乐区") == 0


def test_a_metadata_table_reindexes_the_reports_of_its_folder(corpus, tmp_path, samples):
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    name = samples["蒲台乡"].name
    (corpus / "metadata.csv").write_text(f"file,county\n{name},福清市\n", encoding="utf-8-sig")
    summary = update_index(corpus, index, jobs=1)
    assert (summary.updated, summary.unchanged) == (5, 0)
    assert _county_paragraphs(index, "福清市") > 0


def test_a_report_that_fails_after_its_sidecar_changed_is_read_again_on_the_next_run(
    corpus, tmp_path, samples, monkeypatch
):
    from search.index import readers

    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    report = corpus / samples["蒲台乡"].name
    report.with_name(report.stem + ".meta.json").write_text('{"county": "福清市"}', encoding="utf-8")
    real = readers.process_file

    def busy(path, corpus_root=None):
        if Path(path).name == report.name:
            raise OSError("文件正被其他程序使用")
        return real(path, corpus_root=corpus_root)

    monkeypatch.setattr(readers, "process_file", busy)
    assert [f["path"] for f in update_index(corpus, index, jobs=1).failed] == [report.name]
    monkeypatch.setattr(readers, "process_file", real)
    assert update_index(corpus, index, jobs=1).updated == 1
    assert _county_paragraphs(index, "福清市") > 0


def test_a_report_added_then_removed_leaves_an_index_that_answers_without_a_rebuild(corpus, tmp_path, samples):
    """The removed report was alone in the small segment its run added. That segment, every document deleted,
    was merged into an empty new one without arrays: the index then refused every search (不完整) and the next
    run rebuilt it whole."""
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    added = corpus / "新增.txt"
    added.write_text(samples["蒲台乡"].read_text(encoding="utf-8").replace("蒲台乡", "青山乡"), encoding="utf-8")
    update_index(corpus, index, jobs=1)
    added.unlink()
    assert update_index(corpus, index, jobs=1).removed == 1
    engine = Engine(index)
    try:
        assert engine.search(SearchRequest(q="青山乡"))["total"] == 0
        assert engine.search(SearchRequest(q="法律顾问"))["total"] > 0
    finally:
        engine.close()
    again = update_index(corpus, index, jobs=1)
    assert (again.added, again.unchanged, again.recreated) == (0, 5, "")


def test_a_report_named_after_its_sidecar_changed_is_read_again_and_a_folder_run_does_the_rest(
    corpus, tmp_path, samples
):
    """`index FILE` naming a report whose sidecar was edited read nothing (未变 1). A metadata.csv describes a
    folder: a run over named files leaves it to the next run over the folder."""
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    report = corpus / samples["蒲台乡"].name
    report.with_name(report.stem + ".meta.json").write_text('{"county": "福清市"}', encoding="utf-8")
    summary = update_index(corpus, index, jobs=1, files=[report])
    assert (summary.updated, summary.unchanged) == (1, 4)
    assert _county_paragraphs(index, "福清市") > 0
    (corpus / "metadata.csv").write_text(f"file,year\n{samples['黄石镇'].name},2019\n", encoding="utf-8-sig")
    assert update_index(corpus, index, jobs=1, files=[report]).updated == 0
    assert update_index(corpus, index, jobs=1).updated == 5


def test_files_programs_leave_beside_reports_are_no_reports_and_no_failures(corpus, tmp_path, samples):
    """A report open in Word leaves ~$报告.docx (162 bytes of its owner's name), an editor leaves 报告.txt~ or a
    swap file, a browser an unfinished 报告.pdf.crdownload: each was read as a report and listed as a failure
    on every run (exit status 1), though nothing was wrong."""
    (corpus / "~$黄石镇报告.docx").write_bytes(b"\x05zhang" + b"\x00" * 156)
    (corpus / f"{samples['黄石镇'].name}~").write_text("备份", encoding="utf-8")
    (corpus / ".黄石镇.txt.swp").write_bytes(b"b0VIM 8.2")
    (corpus / "黄石镇报告.pdf.crdownload").write_bytes(b"%PDF-1.7\n")
    summary = update_index(corpus, tmp_path / "index", jobs=1)
    assert (summary.added, summary.failed) == (5, [])
