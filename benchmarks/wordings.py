"""The judged queries asked in other words: put in the phrases users wrap a topic in (请问…, 我想了解一下…,
…相关的内容) and typed without their spaces, each ranked against the grades of the query as judged.

``python -m benchmarks wordings`` prints nDCG@10 per wording, ours (expanded) beside SQLite FTS5 with the
query's words OR'ed, over the word and concept queries of every judged set (questions are already worded).
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from pathlib import Path

from search.engine import Engine
from search.index.writer import update_index

from .markdown import print_table
from .relevance import FtsOr, engine_ranker, judged_sets, ndcg

WORDINGS = (
    "{q}",
    "请问{q}",
    "{q}的情况",
    "关于{q}有哪些",
    "我想了解一下{q}",
    "其他乡镇{q}是怎么样的",
    "{q}相关的内容",
    "帮我找一下{q}的段落",
    "有没有关于{q}的经验做法",
    "哪些地方在{q}上有创新",
    "哪个乡镇{q}做得最好",
    "{q}情况汇总",
    "{q}取得的成绩",
    "{q}有何进展",
    "{q}的基本情况",
    "{q}的具体措施",
    "近三年{q}",
    "{q}怎么弄",
    "{q}工作要点",
)
QUESTION_WORDS = ("怎", "如何", "哪些", "什么", "吗")
UNSPACED = "typed without its spaces"


def measure(folder: Path) -> dict[str, dict[str, list[float]]]:
    """wording → ranker → nDCG@10 of each judged word or concept query so worded."""
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for judged in judged_sets():
        update_index(judged.corpus, folder / judged.name, jobs=1)
        engine = Engine(folder / judged.name)
        rankers = {"ours": engine_ranker(engine, "expanded"), "fts5_or": FtsOr(judged.documents())}
        try:
            for query, grades in judged.queries.items():
                if any(word in query for word in QUESTION_WORDS):
                    continue
                worded = {wording: wording.format(q=query.replace(" ", "")) for wording in WORDINGS}
                if " " in query:
                    worded["{q}"] = query
                    worded[UNSPACED] = query.replace(" ", "")
                for wording, text in worded.items():
                    for name, rank in rankers.items():
                        scores[wording][name].append(ndcg(rank(text), grades))
        finally:
            engine.close()
    return scores


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        scores = measure(Path(folder))
    rows = []
    for wording, by_ranker in scores.items():
        ours, peer = by_ranker["ours"], by_ranker["fts5_or"]
        rows.append([wording, len(ours), f"{sum(ours) / len(ours):.3f}", f"{sum(peer) / len(peer):.3f}"])
    print_table(["wording", "queries", "ours nDCG@10", "FTS5-OR nDCG@10"], rows)
