"""Topics asked in everyday phrasings over the test reports: does a question find what its topic finds?

``python -m benchmarks phrasings`` asks each topic (法律顾问, 人民调解 …) alone and wrapped in phrasings users
type (…情况汇总, …有何进展, 近三年…, …怎么落地). A pair fails when the topic alone has full matches and the
phrasing none; beside ours, SQLite FTS5 with every word of the query required (a plain engine's AND). And how
many of the topic's first ten hits the phrasing's first ten keep: ours beside FTS5 with the words OR'ed. Only
phrasings that ask for the topic itself are here; those naming a report part (…的难点, …存在哪些不足) rightly
find other paragraphs.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from search.engine import Engine
from search.index.analyze import fold, words
from search.index.writer import update_index
from search.ingest.pipeline import process_file
from search.query import SearchRequest

from .markdown import print_table
from .relevance import FtsOr
from .shapes import report_files

TOPICS = [
    "法律顾问",
    "人民调解",
    "普法宣传",
    "合法性审查",
    "行政执法",
    "信访",
    "述法",
    "规范性文件",
    "重大行政决策",
    "法律援助",
    "行政复议",
    "执法人员",
    "村规民约",
    "法律明白人",
    "矛盾纠纷",
    "政务公开",
    "行政诉讼",
    "学法",
    "执法证",
    "公共法律服务",
    "法治文化",
    "综合执法",
    "行政处罚",
]
PHRASINGS = {
    "asking how": ("{t}是如何落实的", "{t}具体是怎么做的", "{t}咋开展的", "{t}怎么弄", "{t}怎么落地", "怎样加强{t}"),
    "asking what": ("{t}有哪些亮点", "{t}有什么创新举措", "{t}的具体措施", "{t}的有效途径", "{t}的工作方法"),
    "asking how well": ("{t}的成效如何", "{t}取得的成绩", "{t}有何进展", "{t}的实际效果", "{t}成效明显吗"),
    "asking for an overview": ("{t}情况汇总", "{t}的基本情况", "{t}的总体情况", "{t}的具体情况", "{t}工作要点"),
    "asking over time or places": ("近三年{t}", "这几年的{t}", "各乡镇的{t}", "{t}的年度情况", "历年{t}"),
    "held out (written after the fillers were chosen; its 这块 and 说说 fixed later)": (
        "{t}的做法介绍",
        "{t}开展得咋样",
        "{t}效果好不好",
        "说说{t}",
        "{t}有哪些值得学习的",
        "{t}都有哪些成果",
        "{t}落实得怎么样",
        "各街道{t}情况",
        "{t}的经验材料",
        "{t}工作怎么推进的",
        "去年{t}的情况",
        "{t}这块做得如何",
    ),
    "asking for material": ("{t}的范文", "{t}的材料", "{t}典型案例", "{t}的先进做法", "{t}有啥经验"),
    "asking to learn from others": (
        "{t}怎么搞",
        "我们镇想学习{t}",
        "{t}相关做法",
        "{t}好的例子",
        "关于{t}的内容",
        "{t}方面做了什么",
        "{t}做得好的乡镇",
        "有没有{t}的经验",
        "{t}工作总结",
        "{t}的亮点做法有哪些",
        "帮我找{t}",
        "{t}怎么写",
        "{t}写得好的报告",
        "{t}的创新做法",
        "看看别人的{t}",
        "求{t}参考",
    ),
    "held out, second batch (written with the batch above, never tuned on)": (
        "想看看{t}怎么做的",
        "{t}的先进经验",
        "{t}有啥好办法",
        "{t}做法汇编",
        "{t}搞得好的地方",
        "{t}的工作亮点",
        "{t}方面的举措",
        "请提供{t}的资料",
        "{t}的参考材料",
        "{t}都做了哪些工作",
        "{t}主要抓了什么",
        "能不能找一下{t}",
        "{t}做得比较好的",
        "分享一下{t}",
        "{t}典型做法",
        "{t}做得怎么样了",
    ),
    "held out, third batch (written 2026-12-07: 56 of 368 failing as measured, fixed after)": (
        "{t}到底怎么抓",
        "关于{t}，其他乡镇是怎么做的",
        "{t}有什么好的做法可以借鉴吗",
        "我想了解一下{t}方面的情况",
        "{t}的成功经验有哪些",
        "{t}做到位了吗",
        "各地{t}做得咋样",
        "请教一下{t}",
        "{t}有没有好的案例",
        "{t}是怎么抓落实的",
        "{t}工作开展情况怎样",
        "{t}具体怎么操作",
        "{t}咋推进",
        "我镇{t}该怎么做",
        "{t}有哪些可复制的经验",
        "{t}相关的工作情况",
    ),
    "held out, fourth batch (written 2026-12-07, evening, before measuring)": (
        "如何做好{t}工作",
        "{t}这一块怎么样",
        "乡镇{t}工作总结",
        "{t}方面有什么经验做法",
        "{t}怎么搞",
        "有关{t}的内容",
        "{t}的做法和成效",
        "{t}推进得怎么样",
        "谁家的{t}做得好",
        "{t}落实得如何",
        "给我找找{t}",
        "{t}，有哪些乡镇做得好？",
        "{t}经验交流",
        "{t}怎么才能做好",
        "基层{t}工作怎么开展",
        "{t}的典型案例有哪些",
    ),
    "held out, fifth batch (written 2026-12-07, night, before measuring)": (
        "我是司法所的，想看看{t}怎么写",
        "帮我查一下{t}相关的段落",
        "关于{t}，其他乡镇有什么好的做法",
        "请问{t}方面的报告怎么写",
        "找几个{t}写得比较好的例子",
        "{t}有没有创新",
        "{t}工作的亮点和特色",
        "街道{t}工作开展情况",
        "{t}做得怎么样啊",
        "能不能给我看看{t}",
        "{t}怎么体现",
        "{t}这方面写点什么好",
        "领导让我写{t}，参考一下",
        "{t}相关内容汇总",
        "想了解一下{t}",
        "{t}的写法",
    ),
    "held out, sixth batch (written 2026-12-07, night, before measuring: a user's longer, chattier requests)": (
        "我们镇今年要写法治政府建设报告，{t}这部分怎么写比较好",
        "上级检查{t}，需要准备哪些材料",
        "{t}方面大家一般写哪些内容",
        "有没有{t}写得比较具体的，带数字的那种",
        "想找几篇讲{t}的报告学习一下",
        "{t}有什么新的提法",
        "{t}怎么总结",
        "关于{t}，别的街道是怎么写的？",
        "你好，请帮我找一下{t}的相关段落，谢谢",
        "{t}，有什么可以借鉴的吗",
        "{t}做得比较扎实的乡镇",
        "最近在整理{t}的材料",
    ),
    "held out, seventh batch (written 2026-12-07, night, before measuring: regional and colloquial)": (
        "{t}咋整",
        "{t}弄啥嘞",
        "{t}怎么个搞法",
        "{t}搞得咋样了",
        "{t}有啥门道",
        "{t}有么子办法",
        "{t}点样做",
        "{t}该咋弄",
        "{t}都是咋干的",
        "{t}整得好的",
        "{t}有啥好经验不",
        "{t}咋个搞",
    ),
    "held out, eighth batch (written 2026-12-08 before measuring: which townships, how much, marks around it)": (
        "哪些乡镇开展了{t}",
        "开展{t}的乡镇",
        "{t}开展较好的有哪些",
        "{t}排名靠前的乡镇",
        "有没有乡镇在{t}上有突破",
        "{t}完成了多少",
        "【{t}】",
        "{t}？？",
        "{t}……",
        "{t}(重点)",
        "{t}搞了几次",
        "{t}一般怎么表述",
    ),
}
FIRST = 10


class FtsAnd(FtsOr):
    """FTS5 over the same tokens, every word of the query required."""

    def total(self, query: str) -> int:
        tokens = [t for t in words(fold(query)) if t.strip()]
        match = " AND ".join('"' + t + '"' for t in dict.fromkeys(tokens))
        return self.connection.execute("SELECT count(*) FROM p WHERE p MATCH ?", (match,)).fetchone()[0]


def _documents(files: list[Path]) -> list[tuple[str, str]]:
    return [
        (f"{path.name}#{number}", paragraph.text)
        for path in files
        for number, paragraph in enumerate(process_file(path).paragraphs)
    ]


def _kept(first: list[str], of: list[str]) -> tuple[int, int]:
    """(how many of ``of``'s first ten ``first`` has, how many there are)."""
    return len(set(first[:FIRST]) & set(of[:FIRST])), len(of[:FIRST])


def measure(folder: Path) -> dict[str, dict[str, int]]:
    """batch → counts: pairs, failing (ours, FTS5-AND), first ten kept and compared (ours, FTS5-OR)."""
    files = report_files()
    corpus = folder / "corpus"
    for number, path in enumerate(files):
        target = corpus / str(number)
        target.mkdir(parents=True)
        shutil.copy(path, target / path.name)
    update_index(corpus, folder / "index", jobs=1)
    engine = Engine(folder / "index")
    documents = _documents(files)
    fts_or, fts_and = FtsOr(documents), FtsAnd(documents)
    results: dict[str, dict[str, int]] = {}
    try:
        for batch, phrasings in PHRASINGS.items():
            counts = dict.fromkeys(
                ("pairs", "ours_fail", "fts_fail", "ours_kept", "compared", "fts_kept", "fts_compared"), 0
            )
            for topic in TOPICS:
                alone = engine.search(SearchRequest(q=topic, limit=FIRST))
                alone_or, alone_and = fts_or(topic), fts_and.total(topic)
                for phrasing in phrasings:
                    question = phrasing.format(t=topic)
                    asked = engine.search(SearchRequest(q=question, limit=FIRST))
                    counts["pairs"] += 1
                    counts["ours_fail"] += bool(alone["total"]) and not asked["total"]
                    counts["fts_fail"] += bool(alone_and) and not fts_and.total(question)
                    kept, compared = _kept([h["id"] for h in asked["hits"]], [h["id"] for h in alone["hits"]])
                    counts["ours_kept"] += kept
                    counts["compared"] += compared
                    kept, compared = _kept(fts_or(question), alone_or)
                    counts["fts_kept"] += kept
                    counts["fts_compared"] += compared
            results[batch] = counts
    finally:
        engine.close()
    return results


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        results = measure(Path(folder))
    print(f"{len(TOPICS)} topics over {len(report_files())} test reports")
    print_table(
        ["phrasings", "pairs", "no full match: ours", "FTS5-AND", "first ten kept: ours", "FTS5-OR"],
        (
            [
                batch,
                c["pairs"],
                c["ours_fail"],
                c["fts_fail"],
                _share(c, "ours_kept", "compared"),
                _share(c, "fts_kept", "fts_compared"),
            ]
            for batch, c in results.items()
        ),
    )


def _share(counts: dict[str, int], kept: str, compared: str) -> str:
    return f"{counts[kept] / counts[compared]:.2f}" if counts[compared] else "—"
