"""Many incremental runs: small segments are merged, and the index answers exactly as a fresh rebuild."""

from __future__ import annotations

from pathlib import Path

from search.engine import Engine
from search.index.writer import MAX_SEGMENTS, open_index, update_index
from search.query import SearchRequest

QUERIES = ("法律顾问", "人民调解 成功率", '"执法全过程记录"', "执法力量薄弱", "普法 -宣传")


def _answers(index_dir: Path) -> dict:
    engine = Engine(index_dir)
    try:
        answers = {}
        for q in QUERIES:
            for mode in ("expanded", "exact"):
                result = engine.search(SearchRequest(q=q, limit=50, mode=mode))
                answers[(q, mode)] = (
                    result["total"],
                    result["loose_total"],
                    [(hit["id"], hit["score"], hit["snippet"]) for hit in result["hits"]],
                    result["facets"],
                )
        answers["stats"] = {k: v for k, v in engine.stats().items() if k in ("reports", "paragraphs", "facets")}
        first = engine.search(SearchRequest(q="法律顾问", limit=1))["hits"][0]["report_id"]
        answers["report"] = engine.report(first, q="法律顾问")["paragraphs"]
        return answers
    finally:
        engine.close()


def _segment_count(index_dir: Path) -> int:
    return len(open_index(index_dir)._segments())


def test_incremental_runs_merge_small_segments_and_answer_like_a_rebuild(corpus, tmp_path):
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    files = sorted(corpus.glob("*.txt"))
    counts = []
    for run in range(12):
        changed = files[run % len(files)]
        changed.write_text(
            changed.read_text(encoding="utf-8") + f"\n第{run}次补充：聘请律师担任法律顾问。\n", encoding="utf-8"
        )
        summary = update_index(corpus, index_dir, jobs=1)
        assert summary.updated == 1 and not summary.failed
        counts.append(_segment_count(index_dir))
    assert max(counts) <= MAX_SEGMENTS, f"without merging, run n leaves n + 1 segments: {counts}"
    fresh = tmp_path / "fresh"
    update_index(corpus, fresh, jobs=1)
    assert _answers(index_dir) == _answers(fresh)
    again = update_index(corpus, index_dir, jobs=1)
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 5)
    fast = {p.name for p in (index_dir / "fast").iterdir()}
    assert fast == {segment.segment_id() for segment in open_index(index_dir)._segments()}


def test_segments_written_in_pieces_answer_like_whole_ones_through_runs_merges_and_removals(
    corpus, tmp_path, monkeypatch
):
    """The indexer writes a large segment in pieces to bound its memory; a search must not tell."""
    from search.index import segment_writer

    def update(index_dir: Path, piece_size: int):
        monkeypatch.setattr(segment_writer, "PIECE_SIZE", piece_size)
        summary = update_index(corpus, index_dir, jobs=1)
        assert not summary.failed
        return summary

    whole, pieces = tmp_path / "whole", tmp_path / "pieces"
    update(whole, 1_000_000)
    update(pieces, 13)
    assert len(list((pieces / "fast").iterdir())) >= 8
    assert _answers(pieces) == _answers(whole)
    files = sorted(corpus.glob("*.txt"))
    for run in range(6):
        changed = files[run % len(files)]
        changed.write_text(
            changed.read_text(encoding="utf-8") + f"\n第{run}次补充：法律顾问审查合同。\n", encoding="utf-8"
        )
        update(whole, 1_000_000)
        update(pieces, 13)
    files[0].unlink()
    update(whole, 1_000_000)
    assert update(pieces, 13).removed == 1
    assert _answers(pieces) == _answers(whole)
    live = {segment.segment_id() for segment in open_index(pieces)._segments()}
    assert {p.name.split(".")[0] for p in (pieces / "fast").iterdir()} == live
