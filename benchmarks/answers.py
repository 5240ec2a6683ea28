"""A saved dump of answers, to show that a change which must not change any answer does not.

    python -m benchmarks answers --paragraphs 200000 --save before.json
    python -m benchmarks answers --paragraphs 200000 --compare before.json

Asks one index (the synthetic corpus of ``benchmarks run``, built if missing) for: every benchmark and judged
query in both modes, with sorts, filters, grouping, folding, counting by report, boilerplate shown and a second
page; report views with and without a query; similar paragraphs; near-duplicate clusters; report checks;
indicator tables; full facets; looser queries offered for no hits; and the index statistics. Timings are
dropped; everything else must be identical.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from search.engine import Engine
from search.index.clusters import CLUSTERS_FILE, LEGACY_CLUSTERS_FILE
from search.index.writer import update_index
from search.query import QueryError, SearchRequest

from .generate import generate
from .relevance import judged_sets

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
VOLATILE = {"seconds", "index_bytes", "last_indexed", "index_dir", "corpus"}
FILTERS = [
    {},
    {"year": ["2021-2023"]},
    {"part": ["主要举措和成效"]},
    {"level": ["乡镇"], "topic": ["法律顾问"]},
]
EXTRA = [
    "法",
    "工作",
    "的",
    "普法 OR 宣传 OR 调解",
    "法律顾问 -律师",
    "标题:法律顾问",
    '"法律顾问" 合同',
    "year:2022 信访",
]


THESAURUS_HEADS = 70


def queries() -> list[str]:
    """The benchmark's and the judged sets' queries, a few of other shapes, and the head terms of the first
    THESAURUS_HEADS concept groups."""
    benchmark = [spec["q"] for spec in json.loads((HERE / "queries.json").read_text(encoding="utf-8"))["queries"]]
    judged = [q for judged in judged_sets() for q in judged.queries]
    heads = [
        line.split("=")[0].split("~")[0].strip()
        for line in (ROOT / "search" / "data" / "thesaurus.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    return list(dict.fromkeys(benchmark + judged + EXTRA + heads[:THESAURUS_HEADS]))


def _stable(value):
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    if isinstance(value, float):
        return round(value, 4)
    return value


def _ask(answers: dict, key: str, call) -> None:
    try:
        answers[key] = _stable(call())
    except (QueryError, LookupError) as exc:
        answers[key] = {"error": f"{type(exc).__name__}: {exc}"}


def dump(engine: Engine) -> dict:
    answers: dict = {}
    engine.prepare()
    for q in queries():
        for mode in ("expanded", "exact"):
            for number, filters in enumerate(FILTERS):
                request = SearchRequest(q, filters, mode=mode)
                _ask(answers, f"search|{q}|{mode}|f{number}", lambda request=request: engine.search(request))
            variants = {
                "year": SearchRequest(q, mode=mode, sort="year"),
                "page2": SearchRequest(q, mode=mode, page=2, limit=20),
                "grouped": SearchRequest(q, mode=mode, group_by="township", group_size=2),
                "fold": SearchRequest(q, mode=mode, fold=True),
                "reports": SearchRequest(q, mode=mode, count="reports"),
                "show": SearchRequest(q, mode=mode, boilerplate="show", limit=30),
            }
            for name, request in variants.items():
                _ask(answers, f"search|{q}|{mode}|{name}", lambda request=request: engine.search(request))
    hits = engine.search(SearchRequest("法律顾问", limit=20))["hits"]
    for hit in hits[:8]:
        _ask(answers, f"report|{hit['report_id']}", lambda hit=hit: engine.report(hit["report_id"]))
        _ask(
            answers, f"report|{hit['report_id']}|q", lambda hit=hit: engine.report(hit["report_id"], q="法律顾问 调解")
        )
        _ask(answers, f"similar|{hit['id']}", lambda hit=hit: engine.similar(hit["id"], 20))
    for q in ("", "法律顾问", "人民调解"):
        _ask(answers, f"duplicates|{q}", lambda q=q: engine.duplicates(SearchRequest(q, limit=50)))
        _ask(answers, f"duplicates|{q}|3", lambda q=q: engine.duplicates(SearchRequest(q, page=2), min_reports=3))
        _ask(answers, f"indicators|{q}", lambda q=q: engine.indicators(SearchRequest(q, {"year": ["2022"]})))
        _ask(answers, f"check|{q}", lambda q=q: _checks(engine, q))
    _ask(answers, "duplicates|paragraph", lambda: engine.duplicates(SearchRequest(), paragraph_id=hits[0]["id"]))
    for name in ("township", "county", "province", "year", "part", "topic", "level"):
        _ask(answers, f"facet|{name}", lambda name=name: engine.facet(SearchRequest("法律顾问"), name))
    for q in ("法律顾问 宪法 区块链", "区块链"):
        _ask(answers, f"nearby|{q}", lambda q=q: engine.nearby(SearchRequest(q, {"year": ["2020"]})))
    _ask(answers, "stats", engine.stats)
    return answers


def _checks(engine: Engine, q: str) -> dict:
    """The check's counts and its first page of 200 reports."""
    return engine.check(SearchRequest(q, limit=200))


def prepare(out: Path, paragraphs: int, seed: int) -> Path:
    corpus = out / f"corpus-{paragraphs}-{seed}"
    if not (corpus / "SYNTHETIC.md").exists():
        shutil.rmtree(corpus, ignore_errors=True)
        generate(corpus, paragraphs, seed)
    index_dir = out / f"answers-index-{paragraphs}-{seed}"
    # Built afresh by every dump: an incremental run would keep what an older version read from the reports
    # it did not read again (their places, parts), and the dump would mix two versions.
    update_index(corpus, index_dir, rebuild=True)
    for name in (CLUSTERS_FILE, LEGACY_CLUSTERS_FILE):  # found afresh by every dump, as the first one did
        (index_dir / name).unlink(missing_ok=True)
    return index_dir


def compare(before: dict, after: dict) -> list[str]:
    """Keys whose answers differ (or exist on one side only)."""
    return sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))


def main(out: Path, paragraphs: int, seed: int, save: Path | None, against: Path | None) -> int:
    engine = Engine(prepare(out, paragraphs, seed))
    try:
        answers = dump(engine)
    finally:
        engine.close()
    print(f"{len(answers)} 个答案（{len(queries())} 个检索式）", file=sys.stderr)
    if save:
        save.write_text(json.dumps(answers, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    if against:
        differing = compare(json.loads(against.read_text(encoding="utf-8")), answers)
        for key in differing[:50]:
            print(f"不同：{key}")
        print(f"{len(differing)} 个答案不同" if differing else "全部相同")
        return 1 if differing else 0
    return 0
