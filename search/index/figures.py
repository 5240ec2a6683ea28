"""Figures a paragraph states: quantified statements (59件, 97.33%, 6人) and indicator values read into named
measures, and the words that speak of a report part.

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

from search.data import DATA

QUANTIFIED = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|件|次|人|名|个|场|份|宗|起|项|户|家|所|期|篇|条|万|元|余)")


def quantified_statements(text: str) -> int:
    """Numbers with a unit or a percent sign: what a report can be held to."""
    return len(QUANTIFIED.findall(text))


SENTENCE = re.compile(r"[^。；;！？!?\n]+[。；;！？!?]?")
CLAUSE = re.compile(r"(?:[^，,：:]|(?<=\d),(?=\d{3}))+")  # 1,036件: a comma between digits groups them


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
def ranking_words() -> dict[str, tuple[str, ...]]:
    """Words asking for the highest (desc: 最高, 最多 …) or the lowest (asc: 最低, 最少 …) of a figure."""
    words = _definitions().get("ranking_words", {})
    return {order: tuple(words.get(order, ())) for order in ("desc", "asc")}


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


CHINESE_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_UNITS = {"十": 10, "百": 100, "千": 1000}
CHINESE_NUMERAL = "[零〇一二两三四五六七八九十百千]+"
SEVERAL = "均都"  # 参考率和合格率均为100%: one figure stated for every indicator named before it


def chinese_number(text: str) -> float:
    """The value of a number written in Chinese characters (十二, 一百三十五, 两千, 百)."""
    total, current = 0, 0
    for char in text:
        if char in CHINESE_DIGITS:
            current = CHINESE_DIGITS[char]
        else:
            total += (current or 1) * CHINESE_UNITS[char]
            current = 0
    return float(total + current)


@lru_cache(maxsize=1)
def _numbers() -> re.Pattern:
    """A number (in digits or in Chinese characters, 万 for ten thousand), 余/多, and any unit some indicator of
    the data file counts in; or a percentage written out (百分之九十七)."""
    units = sorted({unit for indicator in load_indicators() for unit in indicator.units}, key=len, reverse=True)
    return re.compile(
        r"百分之(?P<percent>[零〇一二两三四五六七八九十百点]+|\d+(?:\.\d+)?)"
        r"|(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
        + CHINESE_NUMERAL
        + r")\s*(?P<wan>万)?\s*(?P<about>余|多)?\s*"
        r"(?P<unit>" + "|".join(map(re.escape, units)) + ")"
    )


def extract(text: str) -> list[Value]:
    """Every indicator value stated in a paragraph, in reading order."""
    values = []
    for sentence_match in SENTENCE.finditer(text):
        sentence = sentence_match.group().strip()
        if any(word in sentence for word in plan_words()):
            continue
        clauses = [(m.start(), m.group()) for m in CLAUSE.finditer(sentence)]
        for at, (_, clause) in enumerate(clauses):
            breakdown = clause.lstrip().startswith("其中")
            for number in _numbers().finditer(clause):
                found = _values_of(number, clauses, at, sentence)
                values += [value for value in found if not breakdown or _unnamed_before(value.indicator, clauses[:at])]
    return values


def _unnamed_before(name: str, earlier: list[tuple[int, str]]) -> bool:
    """Whether no clause before a breakdown (其中…) names the indicator a value of it is of, or a word it excludes:
    then the breakdown states the indicator's own figure (执法人员9人，其中6人已取得执法证), else a part of the
    figure before it (调解纠纷88起，其中调解成功85起; 行政复议案件3宗，其中针对行政处罚决定的2宗)."""
    indicator = next(indicator for indicator in load_indicators() if indicator.name == name)
    return not any(word in clause for _, clause in earlier for word in (*indicator.anchor, *indicator.exclude))


def _amount(number: re.Match) -> tuple[float, str, str] | None:
    """(amount, unit, the text as written) of a number match; None for what only looks like a count."""
    if number.group("percent") is not None:
        written = number.group("percent")
        amount = float(written) if written[0].isdigit() else _chinese_percent(written)
        return (amount, "%", number.group()) if amount is not None else None
    digits = number.group("number")
    amount = float(digits.replace(",", "")) if digits[0].isdigit() else chinese_number(digits)
    if number.group("wan"):
        amount *= 10000
    unit = number.group("unit")
    written = number.group()[: -len(unit)] + ("%" if unit == "％" else unit)
    return amount, unit, written.replace(" ", "")


def _chinese_percent(written: str) -> float | None:
    whole, _, fraction = written.partition("点")
    if not whole or any(char not in CHINESE_DIGITS and char not in CHINESE_UNITS for char in whole + fraction):
        return None
    return chinese_number(whole) + float("0." + "".join(str(CHINESE_DIGITS[c]) for c in fraction) if fraction else 0)


def _values_of(number: re.Match, clauses: list[tuple[int, str]], at: int, sentence: str) -> list[Value]:
    """The values one number states: for the indicator whose anchor stands nearest in its clause (or, when
    its clause names none, in the next clause if that one says what all of them are: 执法人员8人，均取得执法证)
    — or for each indicator named before it when 均/都 says the figure holds for all of them."""
    offset, clause = clauses[at]
    found = _amount(number)
    if found is None or _looks_like_a_word(number, clause):
        return []
    amount, unit, written = found
    own_start, own_end = _own_span(clause, number)
    own, start, end = clause[own_start:own_end], number.start() - own_start, number.end() - own_start
    head = LIST_HEAD_ADVERBS.sub("", clause.lstrip())
    candidates = _candidates(unit, own, start, end, sentence, offset + own_start, led_by=head) if own != clause else []
    if not candidates:  # the list's verb before the item (审查…9件、合同23份), not an item's after it
        candidates = _candidates(unit, clause[:own_end], number.start(), number.end(), sentence, offset)
    if not candidates and at + 1 < len(clauses) and _speaks_of_all(clauses[at + 1][1]):
        near_offset, near = clauses[at + 1]
        candidates = _candidates(unit, near, -1, -1, sentence, near_offset, also_excluded_in=clause)
    if not candidates:
        return []
    candidates.sort(key=lambda pair: pair[1])
    chosen = [candidates[0][0]]
    before = clause[: number.start()]
    if any(word in before for word in SEVERAL):
        chosen = [indicator for indicator, _ in candidates]
    approximate = bool(number.groupdict().get("about"))
    return [Value(indicator.name, amount, written, approximate, sentence) for indicator in chosen]


def _own_span(clause: str, number: re.Match) -> tuple[int, int]:
    """Where in ``clause`` a number's own words are: between the 、 that follows the number before it and the 、
    that precedes the number after it (行政复议案件2件、行政应诉案件1件: 1件 is of 行政应诉, and 复议 does not
    exclude it); the whole clause for a number alone in it. Where those words name no indicator, the clause up
    to them still decides (审查重大决策事项9件、合同23份: 审查 counts both; 参与会议9次、审核合同5份: 审核 does
    not count the meetings)."""
    others = [m for m in _numbers().finditer(clause) if m.start() != number.start()]
    before = [m.end() for m in others if m.end() <= number.start()]
    after = [m.start() for m in others if m.start() >= number.end()]
    start = clause.rfind("、", before[-1], number.start()) + 1 if before else 0
    end = clause.find("、", number.end(), after[0]) if after else -1
    return start, end if end >= 0 else len(clause)


ALL_OF_THEM = ("均", "全部", "都", "皆", "全员")
LIST_HEAD_ADVERBS = re.compile(r"^(?:全年|年内|今年|本年度?|累计|共计?|先后|依法)+")  # before a list's verb
PER_EACH = re.compile(r"每[^，,；;。、]{0,4}$")  # 每村配备一名, 每月组织1次: a figure for each, not a total
# 12个村均配备了1名, 各村（社区）都聘请1名: a figure for each of the units counted before it (not 各类, 各项)
PER_UNIT = re.compile(
    r"(?:[\d一二三四五六七八九十]+个|各(?![类项种级]))[^，,；;。、]{1,8}?(?:均|都)[^，,；;。、]{0,5}$"
)
AFTER_A_COUNT = ("次", "以上", "左右", "之多")  # 活动32场次, 86件以上: still the count itself
DURATIONS = "年月日天周季时"


def _speaks_of_all(clause: str) -> bool:
    """A clause that says what all of the counted are (均已取得执法证), stating no number of its own."""
    return clause.lstrip().startswith(ALL_OF_THEM) and not _numbers().search(clause)


def _looks_like_a_word(number: re.Match, clause: str) -> bool:
    """Numbers that are not counts: 人次 (attendances), 一次性, 第三次, durations (一个月内, 3个工作日), a figure
    for each (每村配备一名), a digit cut from a longer number."""
    unit = number.group("unit")
    after = clause[number.end() : number.end() + 1]
    before = clause[number.start() - 1] if number.start() else ""
    if unit in ("人", "名") and after == "次":
        return True
    if PER_EACH.search(clause[: number.start()]) or PER_UNIT.search(clause[: number.start()]):
        return True
    if after == "性" or before == "第" or (after and after in DURATIONS) or clause.startswith("工作日", number.end()):
        return True
    return before != "" and before in ".0123456789"


def _candidates(
    unit: str,
    clause: str,
    start: int,
    end: int,
    sentence: str,
    offset: int,
    also_excluded_in: str = "",
    led_by: str = "",
) -> list[tuple[Indicator, int]]:
    """(indicator, distance to its nearest anchor in ``clause``) for every indicator the number may state; one
    item of a list (``clause``) is excluded also by the verb the list is ``led_by`` (审查合同41份、规范性文件2件:
    documents reviewed, not issued)."""
    found = []
    for indicator in load_indicators():
        if unit not in indicator.units or any(word in clause + also_excluded_in for word in indicator.exclude):
            continue
        if any(led_by.startswith(word) for word in indicator.exclude):
            continue
        if not all(any(word in sentence for word in group) for group in indicator.context):
            continue
        nearest = _nearest_anchor(clause, indicator.anchor, start, end)
        if nearest is None or _governed_by_another_subject(indicator, sentence[: offset + nearest[1]]):
            continue
        if _counts_what_follows(clause, end) and not any(word in clause[end:] for word in indicator.anchor):
            continue
        found.append((indicator, nearest[0]))
    return found


def _counts_what_follows(clause: str, end: int) -> bool:
    """Whether a number and its unit ending at ``end`` are followed by words of their clause (五个法定程序, 一起
    山林纠纷, 2名律师担任法律顾问): then they count what those words name, the indicator's count only where an
    anchor of it is among them (…担任法律顾问, 32名执法人员全部持证上岗). A count at the end of its clause, or
    before 次/以上 (32场次) or 均/全部 (事项2项均履行…), is a count of its own."""
    follows = clause[end : end + 1]
    return bool(follows) and "\u4e00" <= follows <= "\u9fff" and not clause.startswith(AFTER_A_COUNT + ALL_OF_THEM, end)


def _governed_by_another_subject(indicator: Indicator, before: str) -> bool:
    """Whether the words before an anchor speak last of something the indicator excludes (受理信访30件，化解率
    93%: the rate is of petitions, not of mediation) rather than of its context."""
    if not indicator.context or not indicator.exclude:
        return False
    last_excluded = max((before.rfind(word) for word in indicator.exclude), default=-1)
    last_context = max((before.rfind(word) for group in indicator.context for word in group), default=-1)
    return last_excluded > last_context


def _nearest_anchor(clause: str, anchors: tuple[str, ...], start: int, end: int) -> tuple[int, int] | None:
    """(characters between the number and the nearest anchor word in the clause, where that word starts);
    None when the clause has no anchor."""
    nearest = None
    for word in anchors:
        for found in re.finditer(re.escape(word), clause):
            gap = start - found.end() if found.end() <= start else found.start() - end
            if gap >= 0 and (nearest is None or gap < nearest[0]):
                nearest = (gap, found.start())
    return nearest


def indicator_names() -> list[str]:
    return [indicator.name for indicator in load_indicators()]
