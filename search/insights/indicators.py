"""The indicator table: per report, the figures it states for each indicator (read by
:mod:`search.index.figures`), the first with its paragraph and sentence, and how many more. A report saved in
two files is one row (the later file is left out and counted)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from search.index.figures import indicator_names
from search.insights.report_table import FirstValues, report_table
from search.query.state import IndexState


class IndicatorTable:
    """Reports × indicators for the selected paragraphs: per report, the first statement of each indicator (with
    its paragraph and sentence) and how many more it makes, in the order asked for."""

    def __init__(self, state: IndexState, selected: np.ndarray, sort: str = "", descending: bool = True) -> None:
        self.state = state
        self.names = indicator_names()
        self.sort = sort if sort in self.names else ""
        self.descending = descending
        self.table = table = report_table(state)
        selected = selected & state.facets.paragraph
        later = table.later_files(state)
        firsts = table.first_values(selected)
        self.firsts = firsts if not later.any() else _without_reports(firsts, later)
        codes = table.selected_reports(selected)
        self.later_files = int(np.count_nonzero(later[codes]))
        codes = codes[~later[codes]]
        columns = table.columns
        codes = codes[
            np.lexsort(
                (-table.years[codes], columns["township"][codes], columns["county"][codes], columns["province"][codes])
            )
        ]
        if self.sort:
            codes = self._sorted_by_indicator(codes, self.names.index(self.sort))
        self.codes = codes

    def _sorted_by_indicator(self, codes: np.ndarray, kind: int) -> np.ndarray:
        """Reports stating the indicator first, by its first value; the others after, in their order."""
        firsts = self.firsts
        at = np.flatnonzero(firsts.kinds == kind)
        amount = np.full(self.table.reports, np.nan)
        amount[firsts.reports[at]] = self.table.values.amounts[firsts.first[at]]
        stated = ~np.isnan(amount[codes])
        with_value, without = codes[stated], codes[~stated]
        keys = amount[with_value]
        order = np.argsort(-keys if self.descending else keys, kind="stable")
        return np.concatenate([with_value[order], without])

    def summary(self) -> dict:
        firsts = self.firsts
        stated = (
            np.bincount(firsts.kinds, minlength=len(self.names))
            if len(firsts.kinds)
            else np.zeros(len(self.names), dtype=np.int64)
        )
        return {
            "indicators": self.names,
            "total": len(self.codes),
            "values": len(firsts.kinds),
            "stated": {name: int(stated[i]) for i, name in enumerate(self.names)},
            "sort": self.sort,
            "descending": self.descending,
            "same_report_files_left_out": self.later_files,
        }

    def row(self, code: int) -> dict:
        table, state, values = self.table, self.state, self.table.values
        cells = {}
        span = self.firsts.of(code)
        for kind, first, more in zip(
            self.firsts.kinds[span].tolist(),
            self.firsts.first[span].tolist(),
            self.firsts.more[span].tolist(),
            strict=True,
        ):
            label = state.paragraph_label(int(values.docs[first]))
            cells[self.names[kind]] = {
                "value": values.texts[first],
                "amount": float(values.amounts[first]),
                "approximate": bool(values.approximate[first]),
                "sentence": values.sentence(first, state.written_text),
                "id": label["id"],
                "paragraph": label["paragraph"],
                "more": more,
            }
        return {
            "report_id": state.facets.values["report_id"][code],
            "township": table.township(code) or table.value("county", code),
            "year": int(table.years[code]) or None,
            "county": table.value("county", code),
            "province": table.value("province", code),
            "cells": cells,
        }

    def rows(self, codes: np.ndarray) -> Iterator[dict]:
        for code in codes.tolist():
            yield self.row(code)


def _without_reports(firsts: FirstValues, left_out: np.ndarray) -> FirstValues:
    """``firsts`` without the entries of the reports ``left_out`` flags."""
    kept = ~left_out[firsts.reports]
    return FirstValues(firsts.reports[kept], firsts.kinds[kept], firsts.first[kept], firsts.more[kept])


INDICATOR_COLUMNS_FIXED = ["乡镇/单位", "县区", "省份", "年度"]


def indicator_header(names: list[str]) -> list[str]:
    """The CSV header: the report's columns, then a value column and a paragraph-id column per indicator."""
    header = list(INDICATOR_COLUMNS_FIXED)
    for name in names:
        header += [name, f"{name}（出处段落）"]
    return header


def indicator_cells(row: dict, names: list[str]) -> list:
    """A report's row of the table as CSV cells under :func:`indicator_header`."""
    cells = [row["township"], row["county"], row["province"], row["year"] or ""]
    for name in names:
        cell = row["cells"].get(name)
        cells += [cell["value"], cell["id"]] if cell else ["", ""]
    return cells
