"""Indicators: quantified statements of the reports (59件, 97.33%, 3名律师) read into named measures.

The measures are defined in ``data/indicators.json`` (editable): a number with one of an indicator's
units, in a clause (between ，；。) that holds one of its anchor words and none of its exclude words,
in a sentence that holds a word of each of its context groups. When a number suits several indicators,
the one whose anchor word stands nearest to it takes it. Every value keeps its provenance — paragraph
and sentence — and nothing is ever inferred: no matching statement, no value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from search.data import DATA
from search.query.state import IndexState

SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
CLAUSE = re.compile(r"[^，,：:]+")


@dataclass(frozen=True)
class Indicator:
    name: str
    anchor: tuple[str, ...]
    context: tuple[tuple[str, ...], ...]
    units: frozenset[str]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class Value:
    """One value as the report states it: ``amount`` for sorting, ``text`` as written (90余件)."""

    indicator: str
    amount: float
    text: str
    approximate: bool
    sentence: str


@lru_cache(maxsize=1)
def _definitions() -> dict:
    return json.loads((DATA / "indicators.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def plan_words() -> tuple[str, ...]:
    """Words of a sentence about plans and targets (计划, 力争 …): its figures are not results."""
    return tuple(_definitions().get("plan_words", []))


@lru_cache(maxsize=1)
def load_indicators() -> tuple[Indicator, ...]:
    data = _definitions()
    return tuple(
        Indicator(
            name=item["name"],
            anchor=tuple(item["anchor"]),
            context=tuple(tuple(group) for group in item.get("context", [])),
            units=frozenset(item["units"]),
            exclude=tuple(item.get("exclude", [])),
        )
        for item in data["indicators"]
    )


@lru_cache(maxsize=1)
def _numbers() -> re.Pattern:
    """A number, 余/多, and any unit some indicator of the data file counts in."""
    units = sorted({unit for indicator in load_indicators() for unit in indicator.units}, key=len, reverse=True)
    return re.compile(r"(\d+(?:\.\d+)?)\s*(余|多)?\s*(" + "|".join(map(re.escape, units)) + ")")


def extract(text: str) -> list[Value]:
    """Every indicator value stated in a paragraph, in reading order."""
    values = []
    for sentence_match in SENTENCE.finditer(text):
        sentence = sentence_match.group().strip()
        if any(word in sentence for word in plan_words()):
            continue
        for clause in CLAUSE.findall(sentence):
            if clause.lstrip().startswith("其中"):  # a breakdown of the figure before it
                continue
            for number in _numbers().finditer(clause):
                value = _value_of(number, clause, sentence)
                if value is not None:
                    values.append(value)
    return values


def _value_of(number: re.Match, clause: str, sentence: str) -> Value | None:
    unit = number.group(3)
    after = clause[number.end() : number.end() + 1]
    if unit in "人名" and after == "次":  # 人次 counts attendances, not people
        return None
    if number.start() and clause[number.start() - 1] in ".0123456789":
        return None
    best, distance = None, None
    for indicator in load_indicators():
        if unit not in indicator.units or any(word in clause for word in indicator.exclude):
            continue
        if not all(any(word in sentence for word in group) for group in indicator.context):
            continue
        nearest = _anchor_distance(clause, indicator.anchor, number.start(), number.end())
        if nearest is not None and (distance is None or nearest < distance):
            best, distance = indicator, nearest
    if best is None:
        return None
    approximate = bool(number.group(2))
    written = number.group(1) + (number.group(2) or "") + ("%" if unit == "％" else unit)
    return Value(best.name, float(number.group(1)), written, approximate, sentence)


def _anchor_distance(clause: str, anchors: tuple[str, ...], start: int, end: int) -> int | None:
    """Characters between the number and the nearest anchor word in the clause (None: no anchor)."""
    nearest = None
    for word in anchors:
        for found in re.finditer(re.escape(word), clause):
            gap = start - found.end() if found.end() <= start else found.start() - end
            if gap >= 0 and (nearest is None or gap < nearest):
                nearest = gap
    return nearest


def indicator_values(state: IndexState, docnum: int) -> list[Value]:
    """The indicator values a paragraph states, read once per index state."""
    return state.memo("indicators", docnum, lambda: extract(state.evaluator.text(docnum)))


def indicator_names() -> list[str]:
    return [indicator.name for indicator in load_indicators()]


def indicator_table(state: IndexState, selected: np.ndarray, sort: str = "", descending: bool = True) -> dict:
    """Reports × indicators for the selected paragraphs: per report, the first statement of each indicator
    (with its paragraph id and sentence) and how many more it makes; ``sort`` names an indicator to sort by."""
    facets = state.facets
    names = indicator_names()
    docs = np.flatnonzero(selected & facets.paragraph)
    docs = docs[np.lexsort((facets.id_keys[docs],))]
    rows: dict[str, dict] = {}
    for doc in docs.tolist():
        label = state.paragraph_label(doc)
        row = rows.get(label["report_id"])
        if row is None:
            row = rows[label["report_id"]] = {
                **{key: label[key] for key in ("report_id", "township", "year")},
                "county": _value(facets, "county", doc),
                "province": _value(facets, "province", doc),
                "cells": {},
            }
        for value in indicator_values(state, doc):
            cell = row["cells"].get(value.indicator)
            if cell is None:
                row["cells"][value.indicator] = {
                    "value": value.text,
                    "amount": value.amount,
                    "approximate": value.approximate,
                    "sentence": value.sentence,
                    "id": label["id"],
                    "paragraph": label["paragraph"],
                    "more": 0,
                }
            else:
                cell["more"] += 1
    table = sorted(rows.values(), key=lambda r: (r["province"], r["county"], r["township"], -(r["year"] or 0)))
    if sort in names:
        present = [r for r in table if sort in r["cells"]]
        present.sort(key=lambda r: r["cells"][sort]["amount"], reverse=descending)
        table = present + [r for r in table if sort not in r["cells"]]
    return {
        "indicators": names,
        "reports": table,
        "total": len(table),
        "values": sum(len(r["cells"]) for r in table),
        "sort": sort if sort in names else "",
        "descending": descending,
    }


def _value(facets, name: str, doc: int) -> str:
    code = int(facets.codes[name][doc])
    return facets.values[name][code] if code >= 0 else ""


INDICATOR_COLUMNS_FIXED = ["乡镇/单位", "县区", "省份", "年度"]


def indicator_rows(result: dict) -> tuple[list[str], list[list]]:
    """(header, rows) of the table for CSV: a value column and a paragraph-id column per indicator."""
    header = list(INDICATOR_COLUMNS_FIXED)
    for name in result["indicators"]:
        header += [name, f"{name}（出处段落）"]
    rows = []
    for r in result["reports"]:
        row = [r["township"], r["county"], r["province"], r["year"] or ""]
        for name in result["indicators"]:
            cell = r["cells"].get(name)
            row += [cell["value"], cell["id"]] if cell else ["", ""]
        rows.append(row)
    return header, rows
