"""The facet table saved with the derived files: a later server maps it, and only for the state it was built for."""

from __future__ import annotations

import numpy as np
import pytest

from search.engine import Engine
from search.index.writer import update_index
from search.query import SearchRequest
from search.query import facets as facets_module
from search.query.facet_file import FACETS_FILE


def _same_table(first, second) -> bool:
    """Every attribute of two facet tables equal, arrays in value and type."""
    mine, theirs = vars(first), vars(second)
    return mine.keys() == theirs.keys() and all(_same(mine[name], theirs[name]) for name in mine)


def _same(value, other) -> bool:
    if isinstance(value, dict):
        return (
            isinstance(other, dict) and value.keys() == other.keys() and all(_same(value[k], other[k]) for k in value)
        )
    if isinstance(value, np.ndarray) or isinstance(other, np.ndarray):
        return np.array_equal(value, other) and value.dtype == other.dtype
    if isinstance(value, (list, tuple)):
        return type(value) is type(other) and len(value) == len(other) and all(map(_same, value, other))
    return value == other


def _served(index):
    """A prepared engine's facet table and a search's facets."""
    engine = Engine(index)
    engine.prepare()
    with engine.using() as state:
        table = state.facets
    answer = engine.search(SearchRequest(q="法律顾问", limit=5))
    engine.close()
    return table, answer["facets"], answer["total"]


def test_a_saved_facet_table_equals_the_built_one_and_is_mapped_by_the_next_server(corpus, tmp_path, monkeypatch):
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    built, facets, total = _served(index)
    assert (index / FACETS_FILE).exists()
    monkeypatch.setattr(facets_module.FacetTable, "__init__", lambda *args: pytest.fail("built, not mapped"))
    mapped, mapped_facets, mapped_total = _served(index)
    assert _same_table(mapped, built) and not mapped.codes["report_id"].flags.writeable
    assert (mapped_facets, mapped_total) == (facets, total)
    monkeypatch.undo()
    (index / FACETS_FILE).write_bytes(b"damaged")
    again, _, _ = _served(index)  # built again, and saved
    assert _same_table(again, built)


def test_a_server_mapping_its_facet_table_never_reads_the_segments_facet_values(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    _served(index)  # builds the table and saves it
    engine = Engine(index)
    engine.prepare()
    engine.search(SearchRequest(q="法治 建设"))
    with engine.using() as state:
        segments = [segment for segment, _ in state.evaluator.segments]
    engine.close()
    # Read, they are every report id, township and heading value of the index again, as Python strings.
    assert segments and not any({"values", "_facet_values"} & vars(segment).keys() for segment in segments)


def test_a_saved_facet_table_is_not_used_once_a_report_is_removed_or_added(corpus, tmp_path):
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    _, facets, _ = _served(index)
    assert {f["value"] for f in facets["township"]} >= {"花台乡", "大湾镇"}

    removed = corpus / "003_dcd7630493403724.txt"
    kept = removed.read_bytes()
    removed.unlink()
    update_index(corpus, index, jobs=1)  # a deletion only: the same segments, one more document deleted
    table, facets, _ = _served(index)
    assert "花台乡" not in {f["value"] for f in facets["township"]}
    assert table.live.sum() < len(table.live)

    (corpus / "added.txt").write_bytes(kept)
    update_index(corpus, index, jobs=1)
    _, facets, _ = _served(index)
    assert "花台乡" in {f["value"] for f in facets["township"]}


def _changes(corpus, samples) -> tuple[list, list]:
    """A changed report, a namesake township in another county added, a report removed, the namesake removed
    again (its small segment, values and all, gone): the steps, and the files they touch (to name to a
    reindex)."""
    changed = corpus / samples["北屏乡"].name
    namesake = (
        samples["花台乡"].read_text(encoding="utf-8").replace("巫溪", "城口").replace("花台乡", "城口县花台乡", 1)
    )
    return [
        lambda: changed.write_text(changed.read_text(encoding="utf-8") + "\n新增一段。", encoding="utf-8"),
        lambda: (corpus / "namesake.txt").write_text(namesake, encoding="utf-8"),
        lambda: (corpus / samples["大湾镇"].name).unlink(),
        lambda: (corpus / "namesake.txt").unlink(),
    ], [changed, corpus / "namesake.txt", corpus / samples["大湾镇"].name]


def test_a_facet_table_grown_after_a_reindex_is_the_one_built_from_scratch(corpus, tmp_path, samples, monkeypatch):
    """Changed, added (a namesake township in another county, a new report id) and removed reports: the
    table grown from the previous state's equals the table built from every segment, attribute by attribute."""
    import search.query.state as state_module
    from search.query.facets import FacetTable

    grown_tables = []

    def spy(*args):
        table = grow(*args)
        grown_tables.append(table)
        return table

    grow = state_module.grown
    monkeypatch.setattr(state_module, "grown", spy)
    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    engine = Engine(index)
    engine.search(SearchRequest(q="法律顾问"))
    steps, files = _changes(corpus, samples)
    for number, step in enumerate(steps):
        step()
        update_index(corpus, index, jobs=1, files=files)
        with engine.using() as state:  # the new state, before a search adds what it keeps to the table
            built = FacetTable(state.evaluator.segments, len(state.facets.live), state.facets.live)
            assert _same_table(state.facets, built)
            assert grown_tables[-1] is state.facets  # one large segment shared, the small ones merged
            namesakes = any("（" in value for value in state.facets.values["township"])  # 花台乡 in two counties
            assert namesakes == (number in (1, 2))
        engine.search(SearchRequest(q="法律顾问", filters={"township": ["花台乡"]}))
    engine.close()


def test_a_facet_with_more_values_than_a_byte_holds_filters_and_counts_every_one(tmp_path):
    """Province codes take a byte while there are few provinces; a reindex that brings the 127th (as a
    metadata.csv naming places of its own can) widens them, and every value still filters and counts."""
    corpus, index = tmp_path / "reports", tmp_path / "index"
    corpus.mkdir()

    def write_reports(count: int) -> None:
        rows = ["file,province,county,township,year"]
        for number in range(count):
            name = f"r{number:03d}.txt"
            text = f"一、主要举措和成效\n第{number}号乡聘请法律顾问，审查合同{number}件，提出法律意见{number + 1}条。"
            (corpus / name).write_text(text, encoding="utf-8")
            rows.append(f"{name},测试省{number:03d},测试县{number:03d},测试乡{number:03d},2023")
        (corpus / "metadata.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    write_reports(120)
    update_index(corpus, index, jobs=1)
    engine = Engine(index)
    assert len(engine.facet(SearchRequest(q="法律顾问"), "province")["values"]) == 120
    write_reports(140)
    update_index(corpus, index, jobs=1)
    for number in (5, 126, 127, 139):
        found = engine.search(SearchRequest(q="法律顾问", filters={"province": [f"测试省{number:03d}"]}))
        assert found["total"] == 1 and f"第{number}号乡" in found["hits"][0]["text"]
    values = engine.facet(SearchRequest(q="法律顾问"), "province")["values"]
    assert sorted(v["value"] for v in values) == [f"测试省{n:03d}" for n in range(140)]
    assert {v["count"] for v in values} == {1}
    with engine.using() as state:
        from search.query.facets import FacetTable

        built = FacetTable(state.evaluator.segments, len(state.facets.live), state.facets.live)
        assert _same(state.facets.codes, built.codes) and state.facets.codes["province"].dtype == np.int16
    engine.close()


def test_a_fresh_engine_grows_its_facet_table_from_the_one_saved_for_the_state_before(
    corpus, tmp_path, samples, monkeypatch
):
    """The step after a reindex's commit opens the index afresh, with no earlier state in memory: it grows the
    new state's table from the table saved for the state before (at 8M building it took that step 2.0 s), and
    gets the table a build from every segment gives."""
    import search.query.state as state_module
    from search.query.facet_file import load_saved_facets
    from search.query.facets import FacetTable

    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    _served(index)  # saves the table of the first state
    steps, files = _changes(corpus, samples)
    for step in steps:
        step()
        update_index(corpus, index, jobs=1, files=files)
        monkeypatch.setattr(state_module, "FacetTable", lambda *args: pytest.fail("built, not grown"))
        engine = Engine(index)
        with engine.using() as state:
            built = FacetTable(state.evaluator.segments, len(state.facets.live), state.facets.live)
            assert _same_table(state.facets, built)
            key = state.facets_key
        monkeypatch.undo()
        engine.prepare()  # saves this state's table, which the next step grows from
        engine.close()
        assert load_saved_facets(index).key == key


def test_a_table_saved_with_more_deletions_than_the_state_has_is_not_grown_from(corpus, tmp_path, samples):
    """A table saved for a later state hides documents deleted since: a segment it saw with more deletions is
    not shared with an earlier state, which is then built instead."""
    from search.query.facet_file import load_saved_facets
    from search.query.facet_growth import grown_from_saved

    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    (corpus / samples["大湾镇"].name).unlink()
    update_index(corpus, index, jobs=1)  # one segment, its deleted documents counted in the key
    _served(index)
    earlier = load_saved_facets(index)
    engine = Engine(index)
    with engine.using() as state:
        (segment_id, count, deleted), *_ = earlier.segments
        assert deleted > 0
        loaded = {segment_id: [piece for piece, _ in state.evaluator.segments]}
        live = np.asarray(state.facets.live)
        args = (loaded, state.evaluator.segments, len(live), live)
        same = grown_from_saved(earlier, [(segment_id, count, deleted)], *args)
        assert same is not None and _same_table(same, state.facets)
        assert grown_from_saved(earlier, [(segment_id, count, deleted - 1)], *args) is None
    engine.close()


def test_the_documents_stating_figures_are_those_of_the_new_state_after_a_reindex(corpus, tmp_path, samples):
    """Which documents state a figure (59份) is found once per segment and kept for the states that share it:
    after a changed report is reindexed, the new state's flags equal those found afresh in every segment, and
    the new paragraph with a figure is flagged."""
    import search.query.state as state_module

    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    engine = Engine(index)
    engine.search(SearchRequest(q="法律顾问"))
    changed = corpus / samples["北屏乡"].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n镇政府全年审查合同59份。", encoding="utf-8")
    update_index(corpus, index, jobs=1, files=[changed])
    found = engine.search(SearchRequest(q="审查合同59份"))["hits"]
    with engine.using() as state:
        segments, total = state.evaluator.segments, len(state.facets.live)
        kept = state_module.reports_numbers(segments, total)
        state_module._NUMBERS_IN.clear()
        assert np.array_equal(kept, state_module.reports_numbers(segments, total))
        assert kept[state.facets.paragraph_docnum(found[0]["id"])]
    engine.close()


def test_a_server_mapping_its_table_grows_it_after_a_reindex_merged_away_its_small_segments(corpus, tmp_path, samples):
    """A server mapped the saved table, so it never read its segments' value lists; a reindex then merges the
    small segments into a new one and deletes their files. Growing the new state's table must not need the
    value lists of segments that are gone: the search answers, with the table a build gives."""
    from search.query.facets import FacetTable

    index = tmp_path / "index"
    update_index(corpus, index, jobs=1)
    changed = corpus / samples["北屏乡"].name
    changed.write_text(changed.read_text(encoding="utf-8") + "\n新增一段。", encoding="utf-8")
    update_index(corpus, index, jobs=1, files=[changed])  # a second, small segment
    _served(index)  # its table saved, mapped by the next server
    engine = Engine(index)
    engine.search(SearchRequest(q="法律顾问"))
    for text in ("\n再增一段。", "\n又增一段。"):
        changed.write_text(changed.read_text(encoding="utf-8") + text, encoding="utf-8")
        update_index(corpus, index, jobs=1, files=[changed])
        with engine.using() as state:  # the new state, before a search adds what it keeps to the table
            built = FacetTable(state.evaluator.segments, len(state.facets.live), state.facets.live)
            assert _same_table(state.facets, built)
        assert engine.search(SearchRequest(q="法律顾问"))["total"] > 0
    engine.close()
