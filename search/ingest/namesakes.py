"""Which of several townships of one name (hundreds of 城关镇) a report is from: the one whose county, city and
province the report's text names most, then the one of the kind of county it names its authority by."""

from __future__ import annotations

import re

from search.ingest.gazetteer import Gazetteer, Place

DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:府办发|府发|府办|委办发|委发|委办|政发|政办发)\s*[〔\[（(【]")
# 在区委、区政府的领导下 / 县委、县政府: the kind of county a township answers to, named without its name
AUTHORITY_KIND = re.compile(r"(?:^|(?<=[在和与及、，,。；\s省市县区旗]))(县|区|旗|市)(?:委|政府|人民政府)")


def likeliest_namesakes(candidates: list[Place], text: str, gazetteer: Gazetteer) -> list[Place]:
    """The candidates whose places ``text`` names most (a document number's short name, 城府发〔2021〕3号, as
    much as the county's own name), and of those the ones of the kind of county the text names its authority by."""
    doc_aliases = {m.group(1) for m in DOC_NUMBER.finditer(text)}
    scored = [(_place_score(place, text, doc_aliases, gazetteer), place) for place in candidates]
    top = max(score for score, _ in scored)
    return _of_authority_kind([place for score, place in scored if score == top], text)


def likeliest_renamed(candidates: list[Place], text: str, gazetteer: Gazetteer) -> Place | None:
    """Of the gazetteer's townships a renamed one may be (茶巴拉乡 for 茶巴拉镇), the one whose places ``text``
    names most; the only one where the text names none of theirs; None where that leaves several."""
    scored = [(_place_score(place, text, set(), gazetteer), place) for place in candidates]
    best = max((score for score, _ in scored), default=0)
    winners = [place for score, place in scored if score == best]
    return winners[0] if len(winners) == 1 and (best or len(candidates) == 1) else None


def _of_authority_kind(places: list[Place], text: str) -> list[Place]:
    """Of namesakes the text does not tell apart, those whose county is of the kind the report names its
    authority by (市委、市政府 for a township of a county-level city, 区委 of a district): 县, 区 or 旗 where the
    text names one, 市 only where it names no other (a county's township names its city's 市委 too)."""
    kinds = set(AUTHORITY_KIND.findall(text))
    lowest = kinds - {"市"} or kinds
    if len(lowest) != 1:
        return places
    kind = lowest.pop()
    return [place for place in places if place.county.endswith(kind)] or places


def _place_score(place: Place, text: str, doc_aliases: set[str], gazetteer: Gazetteer) -> int:
    """How much of a namesake's place the text names; a county's name only where it is no longer county's end
    (城区 of 晋城市 is not in 平城区委)."""
    score = 0
    if _named_alone(text, place.county, gazetteer):
        score += 4
    if place.county_alias and place.county_alias in doc_aliases:
        score += 4
    elif len(place.county_alias) >= 2 and _named_alone(text, place.county_alias, gazetteer):
        score += 2
    if place.city not in ("", place.province) and place.city in text:
        score += 2
    elif place.city != place.province and len(place.city_alias) >= 2 and place.city_alias in text:
        score += 1
    if place.province in text or (len(place.province_alias) >= 2 and place.province_alias in text):
        score += 1
    return score


def _named_alone(text: str, name: str, gazetteer: Gazetteer) -> bool:
    """Whether ``text`` names ``name`` somewhere other than as the end of a longer county's name."""
    at = text.find(name) if name else -1
    while at >= 0:
        end = at + len(name)
        if not any(
            text[start:end] in gazetteer.by_county for start in range(max(0, end - gazetteer.longest_county), at)
        ):
            return True
        at = text.find(name, at + 1)
    return False
