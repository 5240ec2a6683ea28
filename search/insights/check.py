"""报告体检: what a county reviewer checks in each township's annual report.

《法治政府建设与责任落实督察工作规定》 art. 25 asks every annual report for four parts: the main
measures and results, the shortcomings and their reasons, how the principal leaders performed their
duty as 第一责任人, and next year's plans. Per report: which of them are present, their length in
paragraphs and characters, how many quantified statements it makes (59件, 97.33%, 6人), and which
of its paragraphs stand, near-identical, in other reports (:mod:`search.index.clusters`: a Jaccard
similarity of at least 0.8 once the report's own place names, self references and numbers are set aside).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

import numpy as np

from search.query.state import IndexState

REQUIRED_PARTS = ("主要举措和成效", "存在的不足和原因", "第一责任人履职", "下一年度安排")
QUANTIFIED = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|件|次|人|名|个|场|份|宗|起|项|户|家|所|期|篇|条|万|元|余)")


def quantified_statements(text: str) -> int:
    """Numbers with a unit or a percent sign: what a report can be held to."""
    return len(QUANTIFIED.findall(text))


def _mentions(part: str, state: IndexState, members: list[int]) -> bool:
    """Whether a part missing as a section is at least spoken of elsewhere (its cue words, data/parts.json)."""
    from search.ingest.classify import load_part_rules

    cues = load_part_rules().cues.get(part, frozenset())
    return any(cue in state.evaluator.text(doc) for doc in members for cue in cues)


def check_reports(state: IndexState, docs: np.ndarray) -> list[dict]:
    """One check per report among the paragraphs ``docs`` (a boolean mask over the state's documents)."""
    facets = state.facets
    report_codes = facets.codes["report_id"]
    part_codes = facets.codes["part"]
    clusters = state.clusters()
    paragraphs = np.flatnonzero(docs & facets.paragraph)
    by_report: dict[int, list[int]] = defaultdict(list)
    for doc in paragraphs.tolist():
        by_report[int(report_codes[doc])].append(doc)
    checks = []
    for code, members in by_report.items():
        chars: Counter = Counter()
        counts: Counter = Counter()
        quantified = 0
        copied = []
        for doc in members:
            part = facets.values["part"][part_codes[doc]] if part_codes[doc] >= 0 else ""
            text = state.evaluator.text(doc)
            counts[part] += 1
            chars[part] += len(text)
            quantified += quantified_statements(text)
            if clusters.reports[doc] > 1:
                others = set(report_codes[clusters.members(doc)].tolist()) - {code}
                copied.append({"docnum": doc, "other_reports": sorted(others)})
        first = state.stored(members[0])
        checks.append(
            {
                "report_id": facets.values["report_id"][code],
                "title": first.get("title", ""),
                "level": first.get("level", ""),
                "township": first.get("township", ""),
                "county": first.get("county", ""),
                "province": first.get("province", ""),
                "year": first.get("year"),
                "paragraphs": len(members),
                "parts": {part: {"paragraphs": counts[part], "chars": chars[part]} for part in REQUIRED_PARTS},
                "missing": [part for part in REQUIRED_PARTS if not counts[part]],
                "mentioned": [part for part in REQUIRED_PARTS if not counts[part] and _mentions(part, state, members)],
                "quantified": quantified,
                "copied": copied,
            }
        )
    return checks


CHECK_COLUMNS = [
    "乡镇/单位",
    "级别",
    "县区",
    "省份",
    "年度",
    "段落数",
    "缺少的部分",
    "已提及但无专门部分",
    "量化表述",
    "雷同段落",
    "标题",
]


def check_rows(result: dict) -> list[list]:
    """The checks as table rows under CHECK_COLUMNS (CLI --csv and /check.csv)."""
    return [
        [
            r["township"] or r["county"],
            r["level"],
            r["county"],
            r["province"],
            r["year"] or "",
            r["paragraphs"],
            "、".join(r["missing"]) or "无",
            "、".join(r["mentioned"]),
            r["quantified"],
            len(r["copied"]),
            r["title"],
        ]
        for r in result["reports"]
    ]
