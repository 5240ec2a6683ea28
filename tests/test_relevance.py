"""Ranking quality on the judged query sets (graded relevance), against BM25 with the query's words OR'ed (SQLite
FTS5 and tantivy) in the same run. The held-out set was judged before any tuning and is never tuned on."""

from __future__ import annotations

import pytest

from benchmarks.relevance import HELD_OUT, LAYOUTS, judged_sets, measure_all, summarize

# Floors a little below what docs/benchmark-log.md records for 2026-12-05: nDCG@10 / recall@20 0.925 / 0.952
# over the 91 tuning queries, 0.920 / 0.926 on the 30 held-out ones; questions 0.918 (development) and
# 0.878 (held-out); the worst single query 0.56.
NDCG_FLOOR = 0.91
RECALL_FLOOR = 0.93
HELD_OUT_FLOOR = (0.90, 0.90)
# The reports of tests/data/layouts, judged on 2026-12-06 (night): 0.879 / 0.766 as first measured, 0.919 / 0.871
# after the thesaurus entries its misses showed were missing (综合执法改革, 重大行政决策, 村居法律顾问).
LAYOUTS_FLOOR = (0.89, 0.84)
QUESTION_NDCG_FLOOR = {"styles": 0.91, HELD_OUT: 0.87}
CONCEPT_NDCG_FLOOR = 0.84
PER_QUERY_NDCG_FLOOR = 0.5
PEERS = ("fts5_or", "tantivy_or")


@pytest.fixture(scope="module")
def sets():
    return judged_sets()


@pytest.fixture(scope="module")
def measured(tmp_path_factory, sets):
    results = measure_all(tmp_path_factory.mktemp("relevance"))
    return results, {(row["set"], row["class"]): row for row in summarize(results, sets)}


def test_judged_sets_are_large_enough(sets):
    by_name = {judged.name: judged for judged in sets}
    assert len(by_name["samples"].queries) >= 60
    assert sum(1 for q in by_name["samples"].queries if by_name["samples"].classes.get(q) == "concept") >= 25
    questions = [q for judged in sets for q, cls in judged.classes.items() if cls == "question"]
    wordings = [q for judged in sets for q, cls in judged.classes.items() if cls == "wording"]
    assert len(questions) >= 20 and len(wordings) >= 10
    assert len(by_name[HELD_OUT].queries) >= 30


def test_judged_paragraphs_are_where_the_judgments_say(sample_reports):
    """Judgments name paragraphs by ordinal; if segmentation moves them, the judgments must be redone."""
    counts = {name: len(report.paragraphs) for name, report in sample_reports.items()}
    assert counts == {"北屏乡": 21, "黄石镇": 15, "蒲台乡": 17, "花台乡": 12, "大湾镇": 41}
    assert sample_reports["北屏乡"].paragraphs[4].text.startswith("聘请重庆渝万律师事务所")
    assert sample_reports["大湾镇"].paragraphs[37].text.startswith("一年来，大湾镇在推进法治政府建设")


def test_mean_ndcg_and_recall_stay_above_the_floors(measured):
    _, rows = measured
    ndcg, recall = rows[("tuned", "all")]["expanded"]
    assert ndcg >= NDCG_FLOOR and recall >= RECALL_FLOOR, rows[("tuned", "all")]
    held_out = rows[(HELD_OUT, "all")]["expanded"]
    assert held_out[0] >= HELD_OUT_FLOOR[0] and held_out[1] >= HELD_OUT_FLOOR[1], held_out
    layouts = rows[(LAYOUTS, "all")]["expanded"]
    assert layouts[0] >= LAYOUTS_FLOOR[0] and layouts[1] >= LAYOUTS_FLOOR[1], layouts


def test_questions_in_a_users_own_words_are_answered(measured):
    _, rows = measured
    for name, floor in QUESTION_NDCG_FLOOR.items():
        row = rows[(name, "question")]
        assert row["expanded"][0] >= floor, row
        assert all(row["expanded"][0] > row[peer][0] + 0.1 for peer in PEERS), row


def test_concept_queries_find_paragraphs_in_other_words(measured):
    _, rows = measured
    row = rows[("samples", "concept")]
    assert row["expanded"][0] >= CONCEPT_NDCG_FLOOR
    assert row["expanded"][0] > row["exact"][0] + 0.3


def test_ranking_beats_bm25_with_or_on_every_set_and_class(measured):
    _, rows = measured
    for key, row in rows.items():
        ours = row["expanded"][0]
        for peer in PEERS:
            assert ours > row[peer][0] or ours == row[peer][0] == 1.0, (key, peer, row)


def test_recall_is_never_below_bm25_with_or_because_of_tiers(measured):
    """Every paragraph a BM25 over the query's words returns is reachable in a lower tier: over each whole set,
    recall@20 is at least BM25-OR's."""
    _, rows = measured
    for name in ("samples", "styles", "synthetic", HELD_OUT, LAYOUTS):
        row = rows[(name, "all")]
        assert all(row["expanded"][1] >= row[peer][1] for peer in PEERS), row


def test_no_single_query_ranks_badly(measured):
    results, _ = measured
    bad = {
        (name, q): round(n, 3)
        for name, per_query in results["expanded"].items()
        for q, (n, _) in per_query.items()
        if n < PER_QUERY_NDCG_FLOOR
    }
    assert not bad
