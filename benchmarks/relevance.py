"""Ranking quality on the judged query sets, against a plain SQLite FTS5 baseline measured in the same run.

Judged sets: ``tests/data/judgments.json`` (the five sample reports; queries named by
township and paragraph ordinal) and ``tests/data/synthetic_judgments.json`` (three
synthetic reports committed in tests/data/synthetic; named by file). Each query has a
class (word, words, concept) in ``_classes``.

Three rankers answer every query, top 20: ours in ``expanded`` mode (the default),
ours in ``exact`` mode (the query's own words, as the engine ranked before the
thesaurus), and two BM25 baselines over the same jieba tokens with the query's words OR'ed: SQLite FTS5
(what a developer gets from SQLite in an afternoon) and tantivy (a Lucene-class engine).

    python -m benchmarks relevance
"""

from __future__ import annotations

import json
import math
import sqlite3
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from search.engine import Engine
from search.index.analyze import fold, word_tokens, words
from search.index.writer import paragraph_id, report_id_for, update_index
from search.ingest.pipeline import process_file
from search.ingest.read import is_supported
from search.query import SearchRequest

from .markdown import print_table

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus"
DATA = ROOT / "tests" / "data"
SYNTHETIC = DATA / "synthetic"
DEPTH = 20

Ranker = Callable[[str], list[str]]


def ndcg(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    gains = [(2 ** grades.get(pid, 0) - 1) / math.log2(rank + 2) for rank, pid in enumerate(ranked[:k])]
    ideal = [(2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(sorted(grades.values(), reverse=True)[:k])]
    return sum(gains) / sum(ideal)


def recall(ranked: list[str], grades: dict[str, int], k: int = 20) -> float:
    return len(set(ranked[:k]) & set(grades)) / len(grades)


class JudgedSet:
    """One corpus folder and its judged queries, with paragraph ids resolved."""

    def __init__(self, name: str, corpus: Path, judgments: Path, key: str) -> None:
        self.name = name
        self.corpus = corpus
        data = json.loads(judgments.read_text(encoding="utf-8"))
        self.classes: dict[str, str] = data.get("_classes", {})
        files = sorted(path for path in corpus.iterdir() if is_supported(path))
        self.reports = {path.name: process_file(path, corpus_root=corpus) for path in files}
        by_key = {(report.township if key == "township" else name): name for name, report in self.reports.items()}
        self.queries: dict[str, dict[str, int]] = {}
        for query, judged in data.items():
            if query.startswith("_"):
                continue
            self.queries[query] = {self._paragraph(by_key[where], place): grade for where, place, grade in judged}

    def _paragraph(self, name: str, place: int | str) -> str:
        """The id of a judged paragraph, named by its ordinal or by a piece of its text (which must name one)."""
        if isinstance(place, str):
            found = [i for i, p in enumerate(self.reports[name].paragraphs) if place in p.text]
            if len(found) != 1:
                raise ValueError(f"{self.name}: “{place}” names {len(found)} paragraphs of {name}")
            place = found[0]
        return paragraph_id(report_id_for(name), place)

    def documents(self) -> list[tuple[str, str]]:
        """(paragraph id, text) of every paragraph, as the index numbers them."""
        return [
            (paragraph_id(report_id_for(name), ordinal), paragraph.text)
            for name, report in self.reports.items()
            for ordinal, paragraph in enumerate(report.paragraphs)
        ]

    def measure(self, ranker: Ranker) -> dict[str, tuple[float, float]]:
        """query → (nDCG@10, recall@20)."""
        rows = {}
        for query, grades in self.queries.items():
            ranked = ranker(query)
            rows[query] = (ndcg(ranked, grades), recall(ranked, grades))
        return rows


def judged_sets() -> list[JudgedSet]:
    return [
        JudgedSet("samples", SAMPLES, DATA / "judgments.json", "township"),
        JudgedSet("synthetic", SYNTHETIC, DATA / "synthetic_judgments.json", "file"),
        JudgedSet("styles", DATA / "styles", DATA / "styles_judgments.json", "file"),
        JudgedSet("heldout", DATA / "heldout", DATA / "heldout_judgments.json", "file"),
        JudgedSet(LAYOUTS, DATA / "layouts", DATA / "layouts_judgments.json", "file"),
        JudgedSet("probes", DATA / "probes", DATA / "probes_judgments.json", "file"),
        JudgedSet(REGIONS, DATA / "regions", DATA / "regions_judgments.json", "file"),
        JudgedSet(UNSEEN, DATA / "unseen", DATA / "unseen_judgments.json", "file"),
        JudgedSet(UNITS, DATA / "units", DATA / "units_judgments.json", "file"),
    ]


def engine_ranker(engine: Engine, mode: str) -> Ranker:
    def rank(query: str) -> list[str]:
        return [hit["id"] for hit in engine.search(SearchRequest(q=query, limit=DEPTH, mode=mode))["hits"]]

    return rank


class FtsOr:
    """SQLite FTS5 over the same jieba tokens; the query's words OR'ed, ranked by bm25."""

    def __init__(self, documents: list[tuple[str, str]]) -> None:
        self.connection = sqlite3.connect(":memory:")
        self.connection.execute("CREATE VIRTUAL TABLE p USING fts5(id UNINDEXED, tokens, tokenize = 'unicode61')")
        rows = [(pid, " ".join(w for w, *_ in word_tokens(fold(text), subwords=True))) for pid, text in documents]
        self.connection.executemany("INSERT INTO p(id, tokens) VALUES (?, ?)", rows)

    def __call__(self, query: str) -> list[str]:
        tokens = [t for t in words(fold(query.replace('"', " "))) if t.strip()]
        if not tokens:
            return []
        match = " OR ".join('"' + t + '"' for t in dict.fromkeys(tokens))
        sql = "SELECT id FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?"
        return [row[0] for row in self.connection.execute(sql, (match, DEPTH))]


class TantivyOr:
    """tantivy's BM25 over the same jieba tokens, the query's words OR'ed: a Lucene-class engine as a developer
    would set it up."""

    def __init__(self, documents: list[tuple[str, str]], folder: Path) -> None:
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("tokens", tokenizer_name="whitespace")
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        self.schema = builder.build()
        folder.mkdir(parents=True, exist_ok=True)
        self.index = tantivy.Index(self.schema, path=str(folder))
        writer = self.index.writer(heap_size=50_000_000, num_threads=1)
        for pid, text in documents:
            tokens = " ".join(w for w, *_ in word_tokens(fold(text), subwords=True))
            writer.add_document(tantivy.Document(tokens=tokens, id=pid))
        writer.commit()
        self.index.reload()

    def __call__(self, query: str) -> list[str]:
        import tantivy

        tokens = [t for t in dict.fromkeys(words(fold(query.replace('"', " ")))) if t.strip()]
        if not tokens:
            return []
        should = [(tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "tokens", t)) for t in tokens]
        searcher = self.index.searcher()
        found = searcher.search(tantivy.Query.boolean_query(should), DEPTH)
        return [searcher.doc(address)["id"][0] for _, address in found.hits]


def measure_all(index_root: Path) -> dict[str, dict[str, dict[str, tuple[float, float]]]]:
    """ranker → set name → query → (nDCG@10, recall@20), for every judged set."""
    results: dict[str, dict] = defaultdict(dict)
    for judged in judged_sets():
        index_dir = index_root / judged.name
        summary = update_index(judged.corpus, index_dir, jobs=1)
        if summary.failed:
            raise RuntimeError(f"could not index {summary.failed}")
        engine = Engine(index_dir)
        try:
            results["expanded"][judged.name] = judged.measure(engine_ranker(engine, "expanded"))
            results["exact"][judged.name] = judged.measure(engine_ranker(engine, "exact"))
        finally:
            engine.close()
        results["fts5_or"][judged.name] = judged.measure(FtsOr(judged.documents()))
        results["tantivy_or"][judged.name] = judged.measure(
            TantivyOr(judged.documents(), index_root / f"{judged.name}-tantivy")
        )
    return dict(results)


def summarize(results: dict, sets: list[JudgedSet]) -> list[dict]:
    """Mean nDCG@10 and recall@20 per ranker, per set and query class, and over everything."""
    classes = {(s.name, q): s.classes.get(q, "word") for s in sets for q in s.queries}
    rows = []
    groups = sorted({(name, cls) for name, cls in ((n, c) for (n, _), c in classes.items())})
    names = sorted({name for name, _ in groups})
    for set_name, cls in [*groups, *((name, "all") for name in names), ("tuned", "all"), ("all", "all")]:
        row = {"set": set_name, "class": cls}
        for ranker, per_set in results.items():
            values = [
                per_set[n][q]
                for (n, q), c in classes.items()
                if _in_row(set_name, cls, n, c) and q in per_set.get(n, {})
            ]
            row["queries"] = len(values)
            row[ranker] = (sum(v[0] for v in values) / len(values), sum(v[1] for v in values) / len(values))
        rows.append(row)
    return rows


HELD_OUT = "heldout"
LAYOUTS = "layouts"  # held out too: reports written to test reading, judged for ranking after the fact
REGIONS = "regions"  # held out too: reports of other regions and styles, judged before the engine ran on them
UNSEEN = "unseen"  # held out too: written and judged on 2026-12-07 (tenth session) before the engine ran on them
UNITS = "units"  # held out too: a 苏木, a state farm, a street office, written and judged on 2026-12-08 likewise


def _in_row(row_set: str, row_class: str, name: str, cls: str) -> bool:
    """Whether a query of set ``name`` and class ``cls`` counts in a summary row: ``tuned`` is every set but
    the held-out ones, ``all`` everything, a set's ``all`` its every class."""
    if row_set == "all":
        return True
    if row_set == "tuned":
        return name not in (HELD_OUT, LAYOUTS, REGIONS, UNSEEN, UNITS)
    return name == row_set and row_class in ("all", cls)


def main() -> None:
    sets = judged_sets()
    with tempfile.TemporaryDirectory() as folder:
        results = measure_all(Path(folder))
    rankers = ("expanded", "exact", "fts5_or", "tantivy_or")
    print_table(
        ["set", "class", "queries", *(f"{r} nDCG@10 / recall@20" for r in rankers)],
        (
            [row["set"], row["class"], row["queries"], *(f"{row[r][0]:.3f} / {row[r][1]:.3f}" for r in rankers)]
            for row in summarize(results, sets)
        ),
    )
