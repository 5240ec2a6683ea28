"""The benchmark kit works end to end at a small size (no timing assertions: numbers live in benchmarks/)."""

from __future__ import annotations

import json

from benchmarks import peer
from benchmarks.generate import generate
from benchmarks.run import run
from search.ingest.pipeline import process_file


def test_generator_is_deterministic_and_marks_its_files(tmp_path):
    first = generate(tmp_path / "a", 300, seed=3)
    second = generate(tmp_path / "b", 300, seed=3)
    assert [p.read_text(encoding="utf-8") for p in first] == [p.read_text(encoding="utf-8") for p in second]
    assert all(p.name.startswith("synthetic-") for p in first)
    assert (tmp_path / "a" / "SYNTHETIC.md").exists()


def test_synthetic_reports_keep_the_outline_and_real_places(tmp_path):
    from search.ingest.gazetteer import load_gazetteer

    report = process_file(generate(tmp_path, 100, seed=5)[0])
    assert {p.part for p in report.paragraphs} == {
        "概述",
        "主要举措和成效",
        "存在的不足和原因",
        "第一责任人履职",
        "下一年度安排",
    }
    assert 2019 <= report.year <= 2025
    places = {(p.township, p.county) for p in load_gazetteer().townships_named(report.township)}
    assert (report.township, report.county) in places


def test_peer_match_expression_uses_the_same_tokens():
    assert peer.match_expression('人民调解 "顾问制度"') == '"人民调解" AND "顾问 制度"'


def test_a_small_run_produces_every_figure(tmp_path):
    lines = []
    results = run(300, tmp_path, seed=11, repeat=1, jobs=1, serve=True, log=lines.append)
    assert results["index"]["paragraphs"] >= 250
    assert results["reindex_one"]["found"] == 1 and results["reindex_one"]["named_found"] == 1
    assert results["reindex_one"]["watched_visible_seconds"] > 0
    for peer_name in ("fts5", "tantivy"):
        assert {f"{peer_name}_p50_ms", f"{peer_name}_p95_ms", f"{peer_name}_p95_ratio"} <= set(results["search"])
    assert all(row["ours_ms"] > 0 and row["ours_first_ms"] > 0 for row in results["queries"])
    assert {"ours_first_p50_ms", "ours_first_p95_ms"} <= set(results["search"])
    assert results["server"]["peak_rss_bytes"] > 0 and results["index_bytes"] > 0 and results["tantivy_bytes"] > 0
    assert json.loads((tmp_path / "results-300-11.json").read_text(encoding="utf-8"))["seed"] == 11
    assert any("p95" in line for line in lines)


def test_both_peers_count_the_same_matches_and_facets_over_the_same_tokens(tmp_path):
    from benchmarks import tantivy_peer
    from benchmarks.run import QUERIES, _documents, _theirs
    from search.index.writer import update_index

    update_index(generate(tmp_path / "corpus", 400, seed=5)[0].parent, tmp_path / "index", jobs=1)
    documents = list(_documents(tmp_path / "index"))
    peer.build(tmp_path / "fts5.sqlite", documents)
    tantivy_peer.build(tmp_path / "tantivy", documents)
    fts5, tantivy = peer.Peer(tmp_path / "fts5.sqlite"), tantivy_peer.TantivyPeer(tmp_path / "tantivy")
    answered = 0
    for spec in (q for q in QUERIES if q["kind"] != "similar"):
        first, second = _theirs(fts5, spec), _theirs(tantivy, spec)
        assert first["total"] == second["total"], spec
        for name in ("year", "part", "topic", "township"):
            assert sorted(first["facets"][name]) == sorted(second["facets"][name]), (spec, name)
        answered += first["total"] > 0
    assert answered >= 10


def test_the_duplicates_benchmark_times_both_sides_on_the_same_paragraphs(tmp_path, capsys):
    from benchmarks.duplicates import run as duplicates_run

    results = duplicates_run(tmp_path, 300, seed=11)
    assert results["paragraphs"] >= 250 and results["clustered_paragraphs"] > 0
    assert results["peer_signature_seconds"] > 0 and results["peer_candidate_pairs"] > 0
    assert "datasketch" in capsys.readouterr().out


def test_the_segments_benchmark_times_many_runs_against_a_fresh_rebuild(tmp_path, capsys):
    from benchmarks.segments import run as segments_run

    results = segments_run(tmp_path, 300, runs=2, seed=11)
    assert results["runs"] == 2 and results["segments"] >= 1
    assert results["incremental_p50_ms"] > 0 and results["fresh_p50_ms"] > 0
    assert "全新重建" in capsys.readouterr().out


def test_an_index_of_another_version_is_rebuilt_before_a_benchmark_reuses_it(tmp_path):
    """A benchmark reuses its synthetic index, but not one written by another version: that one is rebuilt
    rather than refused (or, worse, read) halfway through a run."""
    from benchmarks.load import prepare_index
    from search.index.writer import index_is_usable

    index_dir = prepare_index(tmp_path, 300, 3)
    for meta in (index_dir / "fast").glob("*/facets.json"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        meta.write_text(json.dumps({**data, "format": 99}, ensure_ascii=False), encoding="utf-8")
    assert not index_is_usable(index_dir)
    assert prepare_index(tmp_path, 300, 3) == index_dir and index_is_usable(index_dir)


def test_the_test_reports_in_the_shapes_users_copies_take_read_as_written(tmp_path):
    """`benchmarks shapes`: every report of tests/data and the samples rewritten as a copy of it comes (a heading's
    、 lost, every character spaced out, page footers, a PDF's lines, the title in 《》 or after 标题：, the parts
    numbered 1、 over （一）, a page with bold headings, the whole web page copied with its banner, breadcrumb and the
    title twice, a disclosure page's labels without colons, a table of contents under the title: 29 of 45 read
    differently before, its last entry heading the opening) reads with the metadata and part counts of the report
    as written."""
    from benchmarks.shapes import measure

    results = measure(tmp_path)
    kept = [
        shape for shape in results if "no indents" not in shape and "（1）" not in shape and "one line" not in shape
    ]
    assert all(results[shape][0] >= 40 for shape in results)
    assert {shape: results[shape][1] for shape in kept} == {shape: [] for shape in kept}
    assert len(results["1、 over （1）"][1]) <= 1  # ① items with titles of their own read as 1. items do
    assert len(results["one line, paragraphs apart by spaces"][1]) <= 6  # 64 of 66 read differently before


def test_topics_asked_in_everyday_phrasings_find_what_the_topic_finds(tmp_path):
    """`benchmarks phrasings`: 23 topics in 142 phrasings (…情况汇总, …有何进展, 近三年…, …的范文, 看看别人的…,
    说说…, …到底怎么抓, 给我找找…, 我是司法所的，想看看…, 上级检查…，需要准备哪些材料, …咋整, …搞了几次); at
    the sessions that wrote them, 430 of 713, 46 of 368, 56 of 368, 65 of 368, 10 of 368, 165 of 276, 187 of 276
    and 23 of 276 pairs found nothing in full where the topic alone did, and eight batches were measured before
    any change (112 of 276, 0 of 368, 56 of 368, 65 of 368, 10 of 368, 165 of 276, 187 of 276, 23 of 276)."""
    from benchmarks.phrasings import measure

    results = measure(tmp_path)
    assert len([batch for batch in results if batch.startswith("held out")]) == 8
    # 讲述法 of 想找几篇讲述法的报告: the segmenter's one word, whose 述法 stays inside it
    allowed = {batch: int(batch.startswith("held out, sixth")) for batch in results}
    assert {batch: c["ours_fail"] for batch, c in results.items()} == allowed
    assert all(c["ours_kept"] >= 0.95 * c["compared"] for c in results.values())
