"""Query words that name where a report is from — a province, city, county or township of the index — or when:
a year the index has reports of.

A paragraph seldom names its own county or province, so 城口县 人民调解 or 浙江 法律顾问 found no paragraph
that has both words: the user asks for that place's paragraphs on the subject. Such a word is matched by
its text or by the place of a paragraph's report (:meth:`search.query.query_words.QueryWords.concepts_of`).
"""

from __future__ import annotations

import re

import numpy as np

from search.index.analyze import fold
from search.ingest.gazetteer import COUNTY_LEVELS, load_gazetteer

PLACE_FACETS = ("province", "city", "county")
SHORTENED_FACETS = ("province", "city")
# A province's or city's ending, which users leave off (浙江, 西藏, 重庆, 广州); a county's (县, 区, 旗) they keep:
# without it many are common words (和平区, 平安区).
ENDING = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|特别行政区|自治州|地区|省|市|盟)$")

Places = tuple[tuple[str, str | tuple[int, int]], ...]  # (facet, value); a year's value is a (first, last) range
YEAR = re.compile(r"(?:19|20)\d\d")
TOWNSHIP_ENDINGS = ("镇", "乡", "街道", "道", "苏木")  # 道: 鹤龙街 for 鹤龙街道


def place_words(values: dict[str, list[str]]) -> dict[str, Places]:
    """Each word that names places, with the (facet, value) pairs it names: every province, city and county
    value as written, and a province or city without its ending when two characters or more are left."""
    named: dict[str, set[tuple[str, str]]] = {}
    for facet in PLACE_FACETS:
        for value in values.get(facet, ()):
            named.setdefault(value, set()).add((facet, value))
            short = ENDING.sub("", value) if facet in SHORTENED_FACETS else value
            if len(short) >= 2:
                named.setdefault(short, set()).add((facet, value))
    return {word: tuple(sorted(pairs)) for word, pairs in named.items()}


def gazetteer_short_names(values: dict[str, list[str]]) -> dict[str, tuple[tuple[str, str], ...]]:
    """The gazetteer's short names of the index's counties and cities (江华 for 江华瑶族自治县, 彭水 for
    彭水苗族土家族自治县, 玉树 for 玉树藏族自治州: not the name without its ending), with the places they name."""
    in_index = {facet: set(values.get(facet, ())) for facet in ("county", "city")}
    named: dict[str, set[tuple[str, str]]] = {}
    for place in load_gazetteer().places:
        for facet, value, short in (
            ("county", fold(place.county), fold(place.county_alias)),
            ("city", fold(place.city), fold(place.city_alias)),
        ):
            if value in in_index[facet] and len(short) >= 2 and short != value:
                named.setdefault(short, set()).add((facet, value))
    return {short: tuple(sorted(places)) for short, places in named.items()}


class PlaceWords:
    """The place words of an index state's facet values, worked out at the first query that needs them (a few
    milliseconds for all of China's counties); a township is named as written."""

    def __init__(self, facets) -> None:
        self.facets = facets
        self._words: dict[str, Places] | None = None
        self._townships: frozenset[str] = frozenset()
        self._short_names: dict[str, tuple[tuple[str, str], ...]] = {}
        self._years: frozenset[int] | None = None

    def named(self, word: str) -> Places:
        """The (facet, value) places ``word`` names; () for none. Server threads may ask at once: the townships
        are set before the words, which say the two are ready."""
        self._load()
        named = self._words.get(word, ()) + ((("township", word),) if word in self._townships else ())
        return named or self._year(word) or self._renamed_county(word)

    def shortened(self, word: str) -> Places:
        """The townships and counties of the index named ``word`` and an ending a user left off (花台 for 花台乡,
        鹤龙街 for 鹤龙街道, 城口 for 城口县); () for none. Whether the word means them is the caller's to weigh:
        平安 is 平安乡 and a common word."""
        if len(word) < 2:
            return ()
        self._load()
        townships = [("township", word + end) for end in TOWNSHIP_ENDINGS if word + end in self._townships]
        counties = [("county", word + end) for end in COUNTY_LEVELS if self._is_county(word + end)]
        return tuple(dict.fromkeys(townships + counties + list(self._short_names.get(word, ()))))

    def _is_county(self, name: str) -> bool:
        return ("county", name) in self._words.get(name, ())

    def _load(self) -> None:
        """The place words of the index's values, folded as queries are (乾县 is typed, and searched, as 干县); the
        facet table compares values folded too."""
        if self._words is None:
            values = {facet: [fold(value) for value in self.facets.values.get(facet, ())] for facet in PLACE_FACETS}
            self._townships = frozenset(fold(name) for name in self.facets.township_names) - {""}
            self._short_names = gazetteer_short_names(values)
            self._words = place_words(values)

    def _year(self, word: str) -> Places:
        """A year the index has reports of (2023 of 2023年法律顾问): a paragraph seldom writes its report's year,
        and the user asks for that year's reports on the subject."""
        if not YEAR.fullmatch(word):
            return ()
        if self._years is None:
            self._years = frozenset(int(year) for year in np.unique(self.facets.years))
        return (("year", (int(word), int(word))),) if int(word) in self._years else ()

    def _renamed_county(self, word: str) -> Places:
        """The county of the index ``word`` names as it was called before it became a district or a city (南和县
        for 南和区, 邵东县 for 邵东市): the one county of the index with its short name and another level, when the
        gazetteer has no county called ``word`` today (和平县 is not 和平区)."""
        if len(word) < 3 or word[-1] not in COUNTY_LEVELS:
            return ()
        renamed = [
            ("county", other)
            for other in (word[:-1] + level for level in COUNTY_LEVELS if level != word[-1])
            if self._is_county(other)
        ]
        if len(renamed) != 1 or word in load_gazetteer().by_county:
            return ()
        return tuple(renamed)
