"""Query evaluation over document sets: the two ways of aligning sets (binary search for few documents, a
table of the whole index for many) must give the same answers."""

from __future__ import annotations

import numpy as np
import pytest

from search.engine import Engine
from search.index import docsets
from search.index.docsets import distinct, intersection, locate, members, merged, select, union


def _sets(rng, total, count):
    return [np.unique(rng.integers(0, total, int(rng.integers(0, total)))) for _ in range(count)]


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint64, np.uint32, np.float64])
def test_distinct_values_equal_numpy_unique(dtype):
    rng = np.random.default_rng(5)
    for size in (0, 1, 2, 17, 5000):
        values = rng.integers(0, max(size // 3, 1), size).astype(dtype)
        found = distinct(values)
        assert found.dtype == values.dtype
        assert found.tolist() == sorted(set(values.tolist()))
    grid = rng.integers(0, 9, (40, 3)).astype(dtype)
    assert distinct(grid).tolist() == np.unique(grid).tolist()


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


def _strided(count: int) -> np.ndarray:
    values = np.zeros(300_000)
    values[::count] = 0.5 + np.arange(len(values[::count])) * 1e-6
    values[1 : 1 + 5 * count : count] = 1.0
    return values


@pytest.mark.parametrize("shape", ["random", "ascending", "descending", "ties", "equal", "one_high", "strided"])
@pytest.mark.parametrize("count", [2, 10, 40, 400])
def test_the_best_of_a_million_scores_are_the_sorted_ones(shape, count):
    """The floor a page's ranking keeps is read from a sample over many scores: whatever their order and
    ties, the best ``count`` (ties by document) are those a full sort gives."""
    from search.query.rank import floor_of_best, top_scoring

    rng = np.random.default_rng(count)
    values = {
        "random": rng.random(300_000),
        "ascending": np.sort(rng.random(300_000)),
        "descending": np.sort(rng.random(300_000))[::-1].copy(),
        "ties": rng.integers(0, 50, 300_000).astype(np.float64),
        "equal": np.ones(300_000),
        "one_high": np.concatenate((np.zeros(299_990), rng.random(10) + 1)),
        "strided": _strided(count),  # the sample sees only middling scores, the best lie between its picks
    }[shape].astype(np.float32)
    docs = np.arange(len(values)) * 3
    expected = docs[np.lexsort((docs, -values))][:count]
    assert np.array_equal(top_scoring(docs, values, count), expected)
    floor = floor_of_best(values, count)
    assert floor <= np.sort(values)[-count] and np.count_nonzero(values >= floor) >= count


def test_a_common_characters_documents_are_kept_and_answer_alike(tmp_path, corpus):
    """A one-character search reads every occurrence of the character; its documents are kept per segment
    (prepare() finds the commonest before a server forks): answers with them kept equal answers without,
    a search cannot change them, and a segment keeps a bounded number."""
    from search.index import segment_reader
    from search.index.writer import update_index
    from search.query import SearchRequest

    update_index(corpus, tmp_path / "index", jobs=1)
    cold = Engine(tmp_path / "index")
    expected = {q: cold.search(SearchRequest(q=q, limit=50)) for q in ("的", "法", "镇", "工作")}
    cold.close()
    engine = Engine(tmp_path / "index")
    engine.prepare()
    with engine.using() as state:
        kept = [segment.grams._common_characters for segment, _ in state.evaluator.segments]
    assert all(0 < len(k) <= segment_reader.COMMON_CHARACTERS_KEPT for k in kept)
    assert any(ord("的") in k for k in kept)
    for _ in range(2):
        for q, result in expected.items():
            again = engine.search(SearchRequest(q=q, limit=50))
            assert [(h["id"], h["score"]) for h in again["hits"]] == [(h["id"], h["score"]) for h in result["hits"]]
            assert again["total"] == result["total"] and again["facets"] == result["facets"]
    assert all(not docs.flags.writeable for k in kept for docs in k.values())
    for character in "法治政府建设工作的镇乡村是和在了":
        engine.search(SearchRequest(q=character))
    assert all(len(k) == segment_reader.COMMON_CHARACTERS_KEPT for k in kept)
    engine.close()


def test_selecting_every_document_shares_the_array_and_protects_it():
    docs = np.arange(10, dtype=np.int64)
    everything = select(docs, np.ones(10, dtype=bool))
    assert np.shares_memory(everything, docs) and everything.tolist() == docs.tolist()
    with pytest.raises(ValueError):
        everything[0] = 99
    some = select(docs, docs % 2 == 0)
    assert some.tolist() == [0, 2, 4, 6, 8] and not np.shares_memory(some, docs)


def test_commonest_characters_are_saved_beside_the_segment_and_mapped_by_the_next_server(tmp_path, corpus, monkeypatch):
    from search.index.arrayfile import map_arrays
    from search.index.commonest import COMMONEST_FILE
    from search.index.segment_reader import Grams
    from search.index.writer import update_index

    update_index(corpus, tmp_path / "index", jobs=1)

    def kept_by_a_server() -> tuple[list, list]:
        engine = Engine(tmp_path / "index")
        engine.prepare()
        with engine.using() as state:
            segments = [segment for segment, _ in state.evaluator.segments]
            kept = [{code: docs.tolist() for code, docs in s.grams._common_characters.items()} for s in segments]
        engine.close()
        return [segment.folder for segment in segments], kept

    folders, first = kept_by_a_server()
    assert all((folder / COMMONEST_FILE).exists() for folder in folders) and any(ord("的") in k for k in first)
    monkeypatch.setattr(Grams, "commonest_characters", lambda *args: pytest.fail("found again, not mapped"))
    assert kept_by_a_server()[1] == first
    monkeypatch.undo()
    (folders[0] / COMMONEST_FILE).write_bytes(b"damaged")
    assert kept_by_a_server()[1] == first
    assert map_arrays(folders[0] / COMMONEST_FILE)[0]["count"] > 0  # found again and saved


def test_a_string_inside_a_longer_indexed_phrase_is_checked_only_where_that_phrase_is_not(
    tmp_path, corpus, monkeypatch
):
    """顾问制度 in paragraphs listed under the indexed phrase 法律顾问制度 is known to be there: only the other
    candidates (顾问 and 制度 apart, or 顾问制度 alone) are checked in the texts, and the hits are those a scan of
    every paragraph's text and headings finds."""
    from search.index import segment_reader
    from search.index.segment_reader import Segment
    from search.index.writer import update_index
    from search.query import SearchRequest

    monkeypatch.setattr(segment_reader, "CHECK_MANY", 0)  # the phrases are asked past that many candidates
    paragraphs = [
        "全面落实政府法律顾问制度，法律顾问列席党委会。",
        "镇政府聘请律师担任法律顾问，健全法律顾问制度和工作规则。",
        "建立村级顾问制度，每村确定一名联系人。",
        "顾问团队协助完善了合同审查制度。",
    ]
    text = "青龙镇2023年法治政府建设情况报告\n一、主要举措和成效\n" + "\n".join(paragraphs) + "\n"
    (corpus / "顾问.txt").write_text(text, encoding="utf-8")
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    checked = []
    having = Segment.having

    def counted(segment, docs, needle):
        checked.extend(segment.text(doc) for doc in docs)
        return having(segment, docs, needle)

    monkeypatch.setattr(Segment, "having", counted)
    found = engine.search(SearchRequest(q='"顾问制度"', limit=100))
    scanned = {
        fields["id"] for fields in engine.paragraphs() if "顾问制度" in "\n".join([fields["text"], *fields["section"]])
    }
    assert {hit["id"] for hit in found["hits"]} == scanned and found["total"] == len(scanned) >= 3
    assert checked and not any("法律顾问制度" in text for text in checked)
    engine.close()


@pytest.mark.parametrize("q", ['"顾问制度"', "化解矛盾", "法律顾问", "执法人员 培训", "行政执法", '"调解委员会"'])
def test_answers_are_the_same_whether_longer_phrases_are_asked_or_every_candidate_is_checked(engine, monkeypatch, q):
    from search.index import segment_reader
    from search.query import SearchRequest

    answers = []
    for check_many in (0, 10**9):
        monkeypatch.setattr(segment_reader, "CHECK_MANY", check_many)
        for mode in ("expanded", "exact"):
            found = engine.search(SearchRequest(q=q, limit=50, mode=mode))
            answers.append(([(h["id"], h["score"]) for h in found["hits"]], found["total"], found["facets"]))
    assert answers[:2] == answers[2:] and answers[0][1] > 0


def test_a_words_paragraph_counts_leave_out_replaced_paragraphs_and_read_no_list_where_none_is_replaced(
    tmp_path, corpus, samples, monkeypatch
):
    """Weighing a query's words and choosing a paragraph's similar ones count each word's live paragraphs: a
    report reindexed leaves its old paragraphs in their segment until a merge, and they must not count. Where a
    segment has none, the count is its list's length in the offsets, not a decoded list."""
    from search.index.segment_reader import Grams
    from search.index.writer import update_index

    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    changed = corpus / samples["北屏乡"].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("法律顾问", "法律专家"), encoding="utf-8")
    update_index(corpus, index, jobs=1, files=[changed])
    engine = Engine(index)
    with engine.using() as state:
        evaluator = state.evaluator
        assert not all(evaluator._segment_live)  # the old paragraphs of 北屏乡 are still in their segment
        for word in ("法律顾问", "法律", "调解", "没有这个词"):
            live = [
                int(np.count_nonzero(evaluator.live[segment.word(word)[0].astype(np.int64) + offset]))
                for segment, offset in evaluator.segments
            ]
            every = sum(len(segment.word(word)[0]) for segment, _ in evaluator.segments)
            assert evaluator._live_frequency(word) == sum(live) == len(evaluator.postings(word)[0])
            assert evaluator.document_frequency(word) == every
        decoded = []
        lists = Grams.lists
        monkeypatch.setattr(Grams, "lists", lambda self, *args: decoded.append(self) or lists(self, *args))
        evaluator._live_frequency("法律")
        kept = zip(evaluator.segments, evaluator._segment_live, strict=True)
        whole = [segment.words for (segment, _), is_whole in kept if is_whole]
        assert whole and not any(any(grams is words for words in whole) for grams in decoded)
    engine.close()
