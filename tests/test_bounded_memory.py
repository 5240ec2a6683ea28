"""Memory that does not grow with the index: a clustering's candidate pairs spilled and read back by windows,
its shingles beyond a budget spilled and read back (the clusters exactly those found with everything held),
and the pages of mapped index files let go by bulk reads and by a server past its budget."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from search.index import candidates, docsets, shinglecache
from search.index.bandkeys import DenseBandKeys
from search.index.candidates import CandidatePairs, spill_file
from search.index.clusters import find_clusters
from search.index.minhash import NO_BAND
from search.index.shinglecache import ShingleCache
from search.query import SearchRequest


def _expected_pairs(bands: np.ndarray, eligible: np.ndarray) -> set[tuple[int, int]]:
    """Every (first of its group, member) pair of every band, worked out one document at a time."""
    expected = set()
    docs = [d for d in range(len(bands)) if eligible[d] and bands[d, 0] != NO_BAND]
    for band in range(bands.shape[1]):
        first_of: dict[int, int] = {}
        for doc in docs:
            key = int(bands[doc, band])
            if key == NO_BAND:
                continue
            if key in first_of:
                expected.add((first_of[key], doc))
            else:
                first_of[key] = doc
    return expected


def _random_bands(rng, documents: int, columns: int) -> np.ndarray:
    bands = rng.integers(0, 8, (documents, columns)).astype(np.uint32) * np.uint32(536_870_911)  # across ranges
    bands[rng.random(bands.shape) < 0.2] = NO_BAND
    bands[:5, 0] = NO_BAND  # no key in the first band: never a candidate
    return bands


@pytest.fixture
def small_windows(monkeypatch):
    """Windows of a few pairs, cut by every third pair of each run, and bands read in several key ranges."""
    monkeypatch.setattr(candidates, "SAMPLE_EVERY", 3)
    monkeypatch.setattr(candidates, "WINDOW_PAIRS", 9)
    monkeypatch.setattr(candidates, "KEY_RANGE_DOCS", 13)


def test_candidate_pairs_read_window_by_window_are_every_band_s_pairs_ascending_and_once(small_windows, tmp_path):
    rng = np.random.default_rng(3)
    bands = _random_bands(rng, 80, 7)
    eligible = rng.random(80) < 0.9
    with CandidatePairs(DenseBandKeys(bands), eligible, spill_dir=tmp_path) as pairs:
        windows = list(pairs.windows())
    assert len(windows) > 3  # several windows and several key ranges were really used
    joined = np.concatenate(windows)
    assert np.all(np.diff(joined) > 0)
    assert {divmod(int(key), 80) for key in joined} == _expected_pairs(bands, eligible)
    assert pairs.count == len(joined)
    assert list(tmp_path.iterdir()) == []  # the spill file leaves nothing in the index folder


def test_pairs_crowded_at_one_first_document_still_come_in_small_windows(small_windows, tmp_path):
    """A paragraph copied into every report pairs its first copy with all the others: windows are cut by how
    many pairs have gone by, not by ranges of first documents, so no window holds them all."""
    bands = np.full((200, 5), 7, dtype=np.uint32)
    with CandidatePairs(DenseBandKeys(bands), np.ones(200, dtype=bool), spill_dir=tmp_path) as pairs:
        windows = list(pairs.windows())
    assert max(len(window) for window in windows) <= 30
    assert np.concatenate(windows).tolist() == [200 * 0 + other for other in range(1, 200)]


def _template_shingles(rng, documents: int) -> list[np.ndarray]:
    """Paragraphs that are variants of a few templates (a few shingles swapped), so that clusters form."""
    templates = [np.sort(rng.choice(1 << 30, 60, replace=False)).astype(np.uint32) for _ in range(6)]
    result = []
    for doc in range(documents):
        own = templates[doc % 6].copy()
        own[rng.choice(60, rng.integers(0, 25), replace=False)] = rng.integers(1 << 30, 1 << 31, 1)[0] + doc
        result.append(np.unique(own))
    return result


def _clusters(bands, shingles, monkeypatch, budget: int, spill_dir):
    monkeypatch.setattr(shinglecache, "BUDGET_BYTES", budget)
    hashed: list[int] = []

    def shingles_of(docs: list[int]) -> list[np.ndarray]:
        hashed.extend(docs)
        return [shingles[doc] for doc in docs]

    reports = np.arange(len(bands)) // 3
    found = find_clusters(
        DenseBandKeys(bands), np.ones(len(bands), dtype=bool), reports, shingles_of, spill_dir=spill_dir
    )
    return found, hashed


def test_clusters_with_shingles_spilled_to_disk_are_those_found_with_all_of_them_held(monkeypatch, tmp_path):
    """Past the budget, shingles are written out and read back, never hashed again, and every centre, member
    and similarity is the one found with everything in memory."""
    rng = np.random.default_rng(5)
    documents = 240
    shingles = _template_shingles(rng, documents)
    bands = (np.arange(documents)[:, None] % 6 * 7 + rng.integers(0, 2, (documents, 5))).astype(np.uint32)
    monkeypatch.setattr("search.index.clusters.CHECK_EVERY", 16)
    held, hashed_held = _clusters(bands, shingles, monkeypatch, 1 << 30, tmp_path)
    spilled, hashed_spilled = _clusters(bands, shingles, monkeypatch, 2_000, tmp_path)
    assert np.count_nonzero(held.label >= 0) > documents // 2
    assert np.array_equal(held.label, spilled.label)
    assert np.array_equal(held.similarity, spilled.similarity)
    assert np.array_equal(held.reports, spilled.reports)
    assert (held.candidate_pairs, held.verified_pairs) == (spilled.candidate_pairs, spilled.verified_pairs)
    assert sorted(hashed_spilled) == sorted(set(hashed_spilled)) == sorted(hashed_held)
    assert list(tmp_path.iterdir()) == []


def test_a_shingle_cache_over_its_budget_keeps_this_chunk_and_reads_back_the_rest(tmp_path):
    shingles = {doc: np.arange(doc, doc + 50, dtype=np.uint32) for doc in range(20)}
    with ShingleCache(lambda docs: [shingles[d] for d in docs], 20, tmp_path, budget=1_500) as cache:
        cache.fetch(np.arange(0, 6))
        cache.fetch(np.arange(6, 12))
        assert all(doc in cache for doc in range(6, 12))  # this chunk's stay, however far over the budget
        assert cache.spilled and not any(doc in cache for doc in range(6))
        cache.fetch(np.array([0, 3]))
        assert cache.read_back == 2
        assert np.array_equal(cache[3], shingles[3])
        cache.drop(3)
        assert 3 not in cache


def test_cached_shingles_do_not_hold_the_batch_they_were_read_in():
    """Shingles are read many documents at a time, as views of one array; those kept for later pairs must
    not keep every such array alive (at a million paragraphs that was 650 MB)."""
    batch = np.arange(40, dtype=np.uint32)
    with ShingleCache(lambda docs: [batch[10 * i : 10 * i + 10] for i in range(len(docs))], 4) as cache:
        cache.fetch(np.arange(4))
        assert all(cache[doc].base is None for doc in range(4))


def test_a_spill_file_falls_back_to_the_system_temporary_folder_for_a_read_only_index(tmp_path):
    with spill_file(tmp_path / "not-there") as handle:
        handle.write(b"pairs")
        handle.seek(0)
        assert handle.read() == b"pairs"


def _resident_kb(file_name: str) -> int:
    """Resident kilobytes of this process's mappings of files called ``file_name`` (Linux's smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if line[:1].isalnum() and "-" in line.split(" ", 1)[0] and ":" not in line.split(" ", 1)[0]:
            inside = line.rstrip().endswith(file_name)
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists() or not hasattr(os, "pread"), reason="Linux's smaps")
def test_reading_every_text_and_band_leaves_no_index_pages_in_the_process(corpus, tmp_path):
    """A clustering reads every paragraph's text and every band of every piece: read through the map, those
    pages stayed in the indexer's resident memory (at eight million paragraphs, 2.8 GB of it)."""
    from search.index.bandkeys import JoinedBandKeys
    from search.index.segment_reader import TEXTS_FILE, bands_file, load_segment
    from search.index.writer import _segment_ids, open_index, update_index

    update_index(corpus, tmp_path / "ix")
    (segment_id,) = _segment_ids(open_index(tmp_path / "ix"))
    (piece,) = load_segment(tmp_path / "ix", segment_id)
    texts = piece.texts_of(list(range(piece.count)))
    scattered = piece.texts_of(list(range(piece.count - 1, -1, -7)))
    bands = JoinedBandKeys([(piece.bands(), 0)], piece.count)
    columns = [bands.column(band) for band in range(bands.columns)]
    assert _resident_kb(str(piece.folder / TEXTS_FILE)) == 0
    assert _resident_kb(str(piece.folder / bands_file())) == 0
    assert len(columns[0][0]) > 0 and any("法治" in text for text in texts)
    assert texts == [piece.text(d) for d in range(piece.count)]  # through the map, as a search reads one
    assert scattered == texts[::-1][::7]


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="Linux's smaps")
def test_a_server_past_its_mapped_page_budget_lets_the_texts_pages_go_and_answers_the_same(
    corpus, tmp_path, monkeypatch
):
    from search.engine import Engine
    from search.index.segment_reader import TEXTS_FILE
    from search.index.writer import update_index
    from search.query import SearchRequest
    from search.query import searcher as searcher_module

    update_index(corpus, tmp_path / "ix")
    engine = Engine(tmp_path / "ix")
    request = SearchRequest(q='"法律顾问"')  # a phrase: candidates are verified in their texts
    monkeypatch.setattr(searcher_module, "MAPPED_BUDGET_BYTES", 1 << 40)
    first = engine.search(request)
    with engine.using() as state:
        texts = [str(segment.folder / TEXTS_FILE) for segment, _ in state.evaluator.segments]
    assert first["total"] > 0 and sum(_resident_kb(path) for path in texts) > 0
    monkeypatch.setattr(searcher_module, "MAPPED_BUDGET_BYTES", 0)
    again = engine.search(request)
    assert sum(_resident_kb(path) for path in texts) == 0
    assert [hit["id"] for hit in again["hits"]] == [hit["id"] for hit in first["hits"]]
    assert engine.search(request)["total"] == first["total"]


def test_a_full_disk_while_clustering_leaves_the_new_index_searchable_with_a_message(
    corpus, tmp_path, capsys, monkeypatch
):
    """The clustering after the commit spills to temporary files: a disk that fills up then must not turn a
    committed, searchable index into a traceback."""
    import errno

    from search.cli import main

    class FullDisk:
        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

    monkeypatch.setattr(candidates, "spill_file", lambda folder: FullDisk())
    assert main(["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"), "--json"]) == 0
    captured = capsys.readouterr()
    assert "No space left on device" in captured.err and "可以检索" in captured.err
    monkeypatch.undo()
    assert main(["search", "法律顾问", "--index", str(tmp_path / "ix"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] > 0


def test_reports_per_cluster_counts_each_report_of_a_cluster_once():
    from search.index.clusters import _reports_per_cluster

    rng = np.random.default_rng(11)
    label = np.where(rng.random(500) < 0.7, rng.integers(0, 40, 500), -1)
    codes = rng.integers(-1, 30, 500)
    expected = np.ones(500, dtype=np.int32)
    for doc in np.flatnonzero(label >= 0):
        expected[doc] = len({int(codes[d]) for d in np.flatnonzero(label == label[doc])})
    assert np.array_equal(_reports_per_cluster(label, codes), expected)


@pytest.mark.skipif(not Path("/proc/self/smaps").exists() or not hasattr(os, "pread"), reason="Linux's smaps")
def test_verifying_a_phrase_in_the_texts_leaves_no_text_pages_in_the_process(corpus, tmp_path):
    """A phrase's candidates are checked in their texts: through the map, one query at eight million
    paragraphs brought 800 MB of them into a server's resident memory."""
    from search.index.segment_reader import TEXTS_FILE, load_segment
    from search.index.writer import _segment_ids, open_index, update_index

    update_index(corpus, tmp_path / "ix")
    (segment_id,) = _segment_ids(open_index(tmp_path / "ix"))
    (piece,) = load_segment(tmp_path / "ix", segment_id)
    found = piece.having(list(range(piece.count)), "法律顾问")
    assert _resident_kb(str(piece.folder / TEXTS_FILE)) == 0
    assert found and found == [d for d in range(piece.count) if "法律顾问" in piece.text(d)]


def test_documents_containing_bytes_read_in_windows_are_those_found_one_by_one(monkeypatch, tmp_path):
    from search.index import pread

    rng = np.random.default_rng(9)
    lengths = rng.integers(0, 40, 3000)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    data = bytes(rng.choice(list(b"abc"), int(offsets[-1])).astype(np.uint8))
    (tmp_path / "texts").write_bytes(data)

    class Owner:
        pass

    owner = Owner()
    fd = pread.open_for_pread(tmp_path / "texts", owner)
    for window, gap in ((1 << 20, 32 << 10), (64, 8), (1, 0)):
        monkeypatch.setattr(pread, "WINDOW", window)
        monkeypatch.setattr(pread, "GAP", gap)
        for docs in (list(range(3000)), sorted(rng.choice(3000, 200, replace=False).tolist()), [], [2999]):
            expected = [d for d in docs if b"abca" in data[offsets[d] : offsets[d + 1]]]
            assert pread.docs_containing(fd, tmp_path / "texts", offsets, docs, b"abca") == expected


def test_a_segment_manifest_is_held_as_its_json_and_written_as_one_list(tmp_path):
    """A rebuild of 320,000 reports held every manifest entry as a dict until the end (191 MiB at 8M
    paragraphs): the builder holds the entries' JSON, under 300 bytes a report here, and writes what
    ``json.dumps`` of the list writes."""
    import tracemalloc

    from search.index.segment_writer import SegmentBuilder

    stat = os.stat(tmp_path)
    builder = SegmentBuilder()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for number in range(20_000):
        builder.add_report(f"县/乡镇 {number}.txt", f"{number:012x}", f"{number:064x}", stat)
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert held < 300 * 20_000  # as dicts, about 600
    builder.start(tmp_path, "segment")
    (tmp_path / "fast").mkdir()
    folder = builder.write(tmp_path, "segment")
    written = (folder / "reports.json").read_bytes()
    entries = json.loads(written)
    assert written == json.dumps(entries, ensure_ascii=False).encode("utf-8")
    assert entries[7] == {
        "path": "县/乡镇 7.txt",
        "report_id": f"{7:012x}",
        "hash": f"{7:064x}",
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "docnum": 0,
    }


def _answer(engine, **request) -> dict:
    answer = engine.search(SearchRequest(**request))
    return {name: value for name, value in answer.items() if name != "seconds"}


@pytest.mark.parametrize(
    "request_fields",
    [
        {"q": "法治"},
        {"q": "执法人员 培训"},
        {"q": "法治 考核 档案"},
        {"q": "普法 宣传 形式", "page": 2},
        {"q": "法律顾问", "count": "reports"},
    ],
)
def test_a_search_counted_and_ranked_a_piece_at_a_time_answers_as_in_one_piece(engine, monkeypatch, request_fields):
    whole = _answer(engine, **request_fields)
    monkeypatch.setattr(docsets, "PIECE", 7)  # at eight million matches a piece is a million
    assert _answer(engine, **request_fields) == whole
