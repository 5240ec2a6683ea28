"""报告体检: what a county reviewer checks in each township's annual report.

《法治政府建设与责任落实督察工作规定》 art. 25 asks every annual report for four parts: the main
measures and results, the shortcomings and their reasons, how the principal leaders performed their
duty as 第一责任人, and next year's plans. Per report: which of them are present, their length in
paragraphs and characters, how many quantified statements it makes (59件, 97.33%, 6人), and which
of its paragraphs stand, near-identical, in other reports (:func:`search.index.clusters.copy_score` of at
least 0.75 once the report's own place names, self references and numbers are set aside).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from search.index.facts import REQUIRED_PARTS
from search.insights.report_table import ReportTable, report_table
from search.query.paging import same_report_files
from search.query.state import IndexState, report_label

CHECK_SORTS = ("missing", "township", "county", "year", "paragraphs", "quantified", "copied", "copy_rate")
COUNTIES_LISTED = 100
ELSEWHERE_LISTED = 10


def check_order(state: IndexState, selected: np.ndarray, sort: str = "missing", descending: bool = True) -> np.ndarray:
    """The report codes with a paragraph among ``selected`` (a flag per document) in the order asked for; ties
    by county, township and the latest year first. ``missing`` puts reports lacking the most parts first."""
    table = report_table(state)
    codes = table.selected_reports(selected & state.facets.paragraph)
    sign = -1 if descending else 1
    keys = [-table.years[codes], table.columns["township"][codes], table.columns["county"][codes]]
    if sort != "county":
        keys.append(sign * _sort_column(table, state, sort)[codes])
    else:
        keys[-1] = sign * keys[-1]
    return codes[np.lexsort(keys)]


def _sort_column(table: ReportTable, state: IndexState, sort: str) -> np.ndarray:
    if sort == "missing":
        return table.missing_count
    if sort == "township":
        return table.columns["township"]
    if sort == "year":
        return table.years
    if sort == "paragraphs":
        return table.paragraphs
    if sort == "quantified":
        return table.quantified
    if sort == "copy_rate":
        return table.copy_rates(state)[0]
    return table.copied(state)


def check_summary(state: IndexState, codes: np.ndarray) -> dict:
    """Counts over every selected report: how many miss a part (each part, and per county), how many have
    copied paragraphs."""
    table = report_table(state)
    missing = table.missing[codes]
    lacking = missing.any(axis=1)
    copied = table.copied(state)[codes] > 0
    counties = table.columns["county"][codes]
    present, first_at, inverse = np.unique(counties, return_index=True, return_inverse=True)
    reports = np.bincount(inverse, minlength=len(present))
    short = np.bincount(inverse, lacking, minlength=len(present)).astype(np.int64)
    by_part = [
        np.bincount(inverse, missing[:, i], minlength=len(present)).astype(np.int64) for i in range(len(REQUIRED_PARTS))
    ]
    listed = np.lexsort((present, -short))[:COUNTIES_LISTED]
    county_names = state.facets.values["county"]
    return {
        "total": len(codes),
        "missing_parts": int(lacking.sum()),
        "with_copies": int(copied.sum()),
        "missing_by_part": {part: int(missing[:, i].sum()) for i, part in enumerate(REQUIRED_PARTS)},
        "counties": len(present),
        "by_county": [
            {
                "county": county_names[present[at]] if present[at] >= 0 else "",
                "province": table.value("province", int(codes[first_at[at]])),
                "reports": int(reports[at]),
                "missing_parts": int(short[at]),
                "missing_by_part": {part: int(by_part[i][at]) for i, part in enumerate(REQUIRED_PARTS)},
            }
            for at in listed.tolist()
        ],
    }


def check_row(state: IndexState, code: int, detailed: bool = True) -> dict:
    """One report's check; ``detailed`` lists its copied paragraphs and where else each stands (a page's rows),
    otherwise only how many there are (a CSV's)."""
    table = report_table(state)
    stored = state.report_fields(int(table.first_doc[code]))  # the title, not the paragraph's text
    missing = [part for i, part in enumerate(REQUIRED_PARTS) if table.missing[code, i]]
    row = {
        "report_id": state.facets.values["report_id"][code],
        "title": stored.get("title", ""),
        "level": table.value("level", code),
        "township": table.township(code),
        "county": table.value("county", code),
        "province": table.value("province", code),
        "year": int(table.years[code]) or None,
        "paragraphs": int(table.paragraphs[code]),
        "parts": {
            part: {"paragraphs": int(table.part_paragraphs[code, i]), "chars": int(table.part_chars[code, i])}
            for i, part in enumerate(REQUIRED_PARTS)
        },
        "missing": missing,
        "mentioned": [
            part for i, part in enumerate(REQUIRED_PARTS) if table.missing[code, i] and table.mentioned[code, i]
        ],
        "quantified": int(table.quantified[code]),
        "copied_paragraphs": int(table.copied(state)[code]),
        "copied_from_others": round(float(table.copy_rates(state)[0][code]), 3),
        "copied_from_own": round(float(table.copy_rates(state)[1][code]), 3),
        "same_report_files": _same_report_files(state, table, code),
    }
    if detailed:
        row["copied"] = _copied(state, table, code)
    return row


def _same_report_files(state: IndexState, table: ReportTable, code: int) -> list[dict]:
    """The other files of this report (the township's of the same year) that repeat its paragraphs: the report
    saved twice, not copied; each with how many of its paragraphs it repeats."""
    clusters = state.clusters()
    others = same_report_files(state, clusters).other_files(table.paragraphs_of(code))
    return [
        {
            **report_label(state.facets, int(table.first_doc[other])),
            "path": state.report_fields(int(table.first_doc[other])).get("path", ""),
            "paragraphs": shared,
        }
        for other, shared in sorted(others.items())
    ]


def _copied(state: IndexState, table: ReportTable, code: int) -> list[dict]:
    """The report's paragraphs that stand near-identical in other reports, each with (up to ELSEWHERE_LISTED
    of) those reports."""
    clusters = state.clusters()
    report_codes = state.facets.codes["report_id"]
    copied = []
    twins = same_report_files(state, clusters)
    docs = table.paragraphs_of(code)
    for doc in docs[~twins.holds(docs)].tolist():
        if clusters.reports[doc] <= 1:
            continue
        others = sorted(set(report_codes[clusters.members(doc)].tolist()) - {code})
        copied.append(
            {
                "id": state.paragraph_label(doc)["id"],
                "elsewhere": [
                    report_label(state.facets, int(table.first_doc[other])) for other in others[:ELSEWHERE_LISTED]
                ],
                "elsewhere_total": len(others),
            }
        )
    return copied


def check_rows(state: IndexState, codes: np.ndarray) -> Iterator[list]:
    """The reports as CSV rows under CHECK_COLUMNS, one at a time (a province's table is streamed)."""
    for code in codes.tolist():
        yield row_cells(check_row(state, code, detailed=False))


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
    "与其他乡镇雷同字数占比",
    "与本乡镇往年相同字数占比",
    "同一报告的其他文件",
    "标题",
]


def row_cells(r: dict) -> list:
    """A report's check as the cells of a row under CHECK_COLUMNS."""
    return [
        r["township"] or r["county"],
        r["level"],
        r["county"],
        r["province"],
        r["year"] or "",
        r["paragraphs"],
        "、".join(r["missing"]) or "无",
        "、".join(r["mentioned"]),
        r["quantified"],
        r["copied_paragraphs"],
        f"{r['copied_from_others']:.1%}",
        f"{r['copied_from_own']:.1%}",
        "；".join(other["path"] for other in r["same_report_files"]),
        r["title"],
    ]
