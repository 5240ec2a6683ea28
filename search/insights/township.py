"""乡镇档案: one township across its years — each year's report with its parts, the indicator values it states,
how much of it stands near-identical in the township's previous report and what is new, and its paragraphs
per topic. A township is a county and a name (China has hundreds of 城关镇)."""

from __future__ import annotations

import numpy as np

from search.index.facts import REQUIRED_PARTS
from search.index.figures import indicator_names
from search.insights.report_table import report_table
from search.query.state import IndexState

UNKNOWN_COUNTY = "县区不详"
NEW_LISTED = 20


def township_paragraphs(state: IndexState, county: str, township: str) -> np.ndarray:
    """A flag per document: the live paragraphs of the township ``township`` of ``county`` (UNKNOWN_COUNTY: of
    no known county)."""
    facets = state.facets
    codes = [i for i, name in enumerate(facets.township_names) if name == township]
    chosen = facets.paragraph & np.isin(facets.codes["township"], codes)
    if county == UNKNOWN_COUNTY:
        return chosen & (facets.codes["county"] < 0)
    if county not in facets.values["county"]:
        return np.zeros_like(chosen)
    return chosen & (facets.codes["county"] == facets.values["county"].index(county))


def township_history(state: IndexState, county: str, township: str) -> dict | None:
    """The township's reports, oldest first, with what each year kept and changed; None when it has none."""
    selected = township_paragraphs(state, county, township)
    table = report_table(state)
    codes = table.selected_reports(selected)
    if not len(codes):
        return None
    codes = codes[~table.later_files(state)[codes]]  # a report saved in two files is one year, not two
    codes = codes[np.lexsort((codes, table.years[codes]))]
    keys = state.clusters().keys()
    names = indicator_names()
    firsts = table.first_values(selected)
    topics = state.facets.values["topic"]
    reports, previous = [], None
    for code in codes.tolist():
        docs = table.paragraphs_of(code)
        report = _report_row(state, table, code, docs)
        report["indicators"] = _indicator_cells(state, table, firsts, code, names)
        report["topics"] = _topic_counts(state, docs, topics)
        report.update(_kept_and_new(state, docs, table.chars_of(code), previous, keys))
        reports.append(report)
        previous = docs
    return {
        "township": township,
        "county": county,
        "province": table.value("province", int(codes[0])),
        "required_parts": list(REQUIRED_PARTS),
        "indicators": [name for name in names if any(name in r["indicators"] for r in reports)],
        "topics": [t for t in topics if any(r["topics"].get(t) for r in reports)],
        "reports": reports,
    }


def _report_row(state: IndexState, table, code: int, docs: np.ndarray) -> dict:
    fields = state.report_fields(int(table.first_doc[code]))
    return {
        "report_id": state.facets.values["report_id"][code],
        "title": fields.get("title", ""),
        "year": int(table.years[code]) or None,
        "paragraphs": len(docs),
        "chars": int(table.chars[code]),
        "parts": {
            part: {"paragraphs": int(table.part_paragraphs[code, i]), "chars": int(table.part_chars[code, i])}
            for i, part in enumerate(REQUIRED_PARTS)
        },
        "missing": [part for i, part in enumerate(REQUIRED_PARTS) if table.missing[code, i]],
        "quantified": int(table.quantified[code]),
    }


def _indicator_cells(state: IndexState, table, firsts, code: int, names: list[str]) -> dict:
    values = table.values
    cells = {}
    span = firsts.of(code)
    for kind, first in zip(firsts.kinds[span].tolist(), firsts.first[span].tolist(), strict=True):
        label = state.paragraph_label(int(values.docs[first]))
        cells[names[kind]] = {"value": values.texts[first], "amount": float(values.amounts[first]), "id": label["id"]}
    return cells


def _topic_counts(state: IndexState, docs: np.ndarray, topics: list[str]) -> dict:
    counts = state.facets.topic_matrix(docs).sum(axis=0) if len(docs) else np.zeros(len(topics), dtype=np.int64)
    return {topic: int(counts[i]) for i, topic in enumerate(topics) if i < len(counts) and counts[i]}


def _kept_and_new(
    state: IndexState, docs: np.ndarray, lengths: np.ndarray, previous: np.ndarray | None, keys: np.ndarray
) -> dict:
    """The share of the report's characters in paragraphs near-identical to one of the previous report's, and
    the paragraphs that are new (none such); without a previous report, nothing is compared."""
    if previous is None:
        return {"copied_from_previous": None, "new_paragraphs": None, "new": []}
    kept = np.isin(keys[docs], keys[previous])
    total = int(lengths.sum()) or 1
    fresh = docs[~kept]
    return {
        "copied_from_previous": round(float(lengths[kept].sum()) / total, 3),
        "new_paragraphs": len(fresh),
        "new": [
            {
                **state.paragraph_label(int(doc)),
                "text": state.written_text(int(doc))[:200],
            }
            for doc in fresh[:NEW_LISTED].tolist()
        ],
    }
