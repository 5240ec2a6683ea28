"""Township-level gazetteer: township → county → city → province.

Data: ``data/gazetteer.tsv.gz``, derived from JioNLP's location dictionary
(Apache-2.0); see ``data/make_gazetteer.py``.
"""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent.parent / "data" / "gazetteer.tsv.gz"
TOWNSHIP_SUFFIXES = ("乡", "镇", "街道", "苏木", "民族乡")
COUNTY_LEVELS = "县区市旗"  # 南和县 became 南和区, 邵东县 邵东市: the level changes, the short name stays
TOWNSHIP_LAST_CHARACTER = re.compile("[乡镇道木街]")  # where a township name can end; a report body is searched


@dataclass(frozen=True)
class Place:
    province: str
    province_alias: str
    city: str
    city_alias: str
    county: str
    county_alias: str
    township: str


class Gazetteer:
    def __init__(self, places: list[Place]) -> None:
        self.places = places
        self.by_township: dict[str, list[Place]] = {}
        for place in places:
            if place.township not in TOWNSHIP_SUFFIXES:  # a bare 街道 in the source data names nothing
                self.by_township.setdefault(place.township, []).append(place)
        self.longest_township = max((len(name) for name in self.by_township), default=0)
        self.by_county: dict[str, set[tuple[str, str, str]]] = {}
        for place in places:
            self.by_county.setdefault(place.county, set()).add((place.county, place.city, place.province))
        self.longest_county = max((len(name) for name in self.by_county), default=0)
        self.by_county_alias: dict[str, set[tuple[str, str, str]]] = {}
        for place in places:
            if place.county_alias and place.county_alias != place.county:
                self.by_county_alias.setdefault(place.county_alias, set()).add(
                    (place.county, place.city, place.city_alias)
                )
        endings = "".join(sorted({name[-1] for name in self.by_county}))
        self.county_endings = re.compile(f"[{re.escape(endings)}]" if endings else "(?!)")
        self.cities = {place.city for place in places} - {""}  # "": a county its province governs directly
        self.city_named: dict[str, set[tuple[str, str]]] = {}
        for place in places:
            for name in {place.city, place.city_alias} - {""}:
                self.city_named.setdefault(name, set()).add((place.city, place.province))
        self.provinces = {place.province for place in places}
        self.province_of_alias = {
            place.province_alias: place.province
            for place in places
            if len(place.province_alias) >= 2 and place.province_alias != place.province
        }

    def find_county(self, text: str) -> str:
        """The first county-level name (县, 区, 市, 旗 …) in ``text``, the longest at its place; or ""."""
        for start in range(len(text)):
            for end in range(min(len(text), start + self.longest_county), start + 1, -1):
                if text[start:end] in self.by_county:
                    return text[start:end]
        return ""

    def is_county(self, name: str) -> bool:
        """Whether ``name`` is a county's, not only a city's that governs its townships itself (东莞市 stands as
        its towns' county too)."""
        return any(city != name for _, city, _ in self.by_county.get(name, ()))

    def counties_in(self, text: str, shortest: int = 3) -> list[tuple[int, str]]:
        """(offset, name) of each county-level name of ``shortest`` characters or more in ``text``, the longest
        ending at each of the characters county names end with; a two-character name (和县, 城区) is too often
        part of other words to look for in a body."""
        found, taken = [], 0
        for last in self.county_endings.finditer(text):
            end = last.end()
            for start in range(max(taken, end - self.longest_county), end - shortest + 1):
                if text[start:end] in self.by_county:
                    found.append((start, text[start:end]))
                    taken = end
                    break
        return found

    def official_county(self, name: str, township: str = "") -> str:
        """The gazetteer's name of a county a report names by its short name (新右旗 for 新巴尔虎右旗, 东乌旗), or
        by its city's and its short name (合肥高新区): the one whose short name it is, among ``township``'s
        counties when it has any (高新区 is many cities'); "" when ``name`` is no short name or not one county's."""
        if name in self.by_county:
            return ""
        counties = {county for county, _, _ in self.by_county_alias.get(name, ())}
        for cut in range(2, len(name) - 1) if not counties else ():
            city, short = name[:cut], name[cut:]
            counties |= {county for county, *cities in self.by_county_alias.get(short, ()) if city in cities}
        of_township = {place.county for place in self.townships_named(township)} & counties
        found = of_township or counties
        return next(iter(found)) if len(found) == 1 else ""

    def renamed_county(self, name: str, township: str) -> str:
        """The gazetteer's county a report names by a former name of another level (南和县 for 南和区, 邵东县 for
        邵东市: a county made a district or a city keeps its short name), when ``township`` is one of that
        county's; "" when ``name`` is a county of the gazetteer, or the township does not settle it (a name the
        gazetteer lacks is otherwise kept as stated)."""
        if name in self.by_county or len(name) < 3 or name[-1] not in COUNTY_LEVELS:
            return ""
        counties = {county for county, _, _ in self.by_county_alias.get(name[:-1], ())}
        found = {place.county for place in self.townships_named(township)} & counties
        return next(iter(found)) if len(found) == 1 else ""

    def townships_named(self, name: str) -> list[Place]:
        return self.by_township.get(name, [])

    def street_office(self, name: str) -> str:
        """The gazetteer's street office a name short of its 道 stands for (鹤龙街 for 鹤龙街道: how Guangzhou's
        street offices write their own names), or "" when ``name`` is none such."""
        if len(name) < 3 or not name.endswith("街") or name in self.by_township:
            return ""
        return name + "道" if name + "道" in self.by_township else ""

    def find_townships(self, text: str) -> list[tuple[int, str]]:
        """(offset, name) of each township name in ``text``, longest match at each ending; a street office written
        without its 道 (鹤龙街党工委) by the gazetteer's name."""
        found = []
        for last in TOWNSHIP_LAST_CHARACTER.finditer(text):
            end = last.end()
            short = last.group() == "街"
            if short and text.startswith("道", end):
                continue  # the whole name ends at its 道
            for start in range(max(0, end - self.longest_township), end - 1):
                name = self.street_office(text[start:end]) if short else text[start:end]
                if name in self.by_township:
                    found.append((start, name))
                    break
        return found


@lru_cache(maxsize=1)
def load_gazetteer(path: Path = DATA) -> Gazetteer:
    places = []
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        next(rows)
        for row in rows:
            fields = row.rstrip("\n").split("\t")
            if len(fields) == 7:
                places.append(Place(*fields))
    return Gazetteer(places)
