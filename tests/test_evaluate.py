"""Query evaluation over document sets: the two ways of aligning sets (binary search for few documents, a
table of the whole index for many) must give the same answers."""

from __future__ import annotations

import numpy as np
import pytest

from search.index import docsets
from search.index.docsets import intersection, locate, members, merged, union


def _sets(rng, total, count):
    return [np.unique(rng.integers(0, total, int(rng.integers(0, total)))) for _ in range(count)]


@pytest.mark.parametrize(("by_table", "search_below"), [(0, 16), (10**9, 10**9)])
def test_union_intersection_and_membership_agree_with_python_sets(monkeypatch, by_table, search_below):
    # (0, 16): always binary search; (10**9, 10**9): always the table
    monkeypatch.setattr(docsets, "BY_TABLE", by_table)
    monkeypatch.setattr(docsets, "SEARCH_BELOW", search_below)
    rng = np.random.default_rng(11)
    for _ in range(50):
        total = int(rng.integers(1, 3000))
        arrays = _sets(rng, total, int(rng.integers(1, 5)))
        expected_union = sorted(set().union(*[a.tolist() for a in arrays]))
        assert union(arrays, total).tolist() == expected_union
        common = set(arrays[0].tolist()).intersection(*[set(a.tolist()) for a in arrays[1:]])
        assert intersection(arrays, total).tolist() == sorted(common)
        docs, others = arrays[0], arrays[-1]
        assert members(docs, others, total).tolist() == [d in set(others.tolist()) for d in docs.tolist()]
        whole = union(arrays, total)
        for part in arrays:
            assert whole[locate(whole, part, total)].tolist() == part.tolist()
        where = locate(others, docs, total, among=False)
        assert [int(others[w]) if w >= 0 else None for w in where] == [
            d if d in set(others.tolist()) else None for d in docs.tolist()
        ]


def test_headings_merged_into_a_texts_paragraphs_agree_with_python_sets():
    """A few headings' documents are inserted among many paragraphs by binary search, more through tables:
    either way the union, and where each side's documents are in it."""
    rng = np.random.default_rng(12)
    for trial in range(200):
        total = int(rng.integers(1, 5000))
        large = np.unique(rng.integers(0, total, int(rng.integers(0, total))))
        small_size = int(rng.integers(0, 4)) if trial % 2 else int(rng.integers(0, total))
        small = np.unique(np.concatenate([rng.integers(0, total, small_size), rng.choice(large, min(2, len(large)))]))
        small = small[: small_size + 1] if trial % 2 else small
        docs, large_at, small_at = merged(large, small, total)
        assert docs.tolist() == sorted(set(large.tolist()) | set(small.tolist())), trial
        assert docs[large_at].tolist() == large.tolist(), trial
        assert docs[small_at].tolist() == small.tolist(), trial


def test_expanded_answers_do_not_depend_on_how_sets_are_aligned(engine, monkeypatch):
    """Related terms' scores are kept in an array over every document once their postings are many, and
    located term by term otherwise: both must rank and count alike."""
    from search.query import SearchRequest

    def answers() -> list:
        found = []
        for q in ("法律顾问", "人民调解 成功率", "执法力量薄弱", "重大行政决策 合法性审查 -合同"):
            result = engine.search(SearchRequest(q=q, limit=30))
            found.append((result["total"], result["loose_total"], [(h["id"], h["score"]) for h in result["hits"]]))
        return found

    monkeypatch.setattr(docsets, "BY_TABLE", 0)  # never the table
    by_search = answers()
    monkeypatch.setattr(docsets, "BY_TABLE", 10**9)  # always the table
    assert answers() == by_search
    assert any(hits for _, _, hits in by_search)
