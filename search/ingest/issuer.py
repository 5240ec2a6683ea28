"""What a report says of its own issuer: the places an issuer phrase names (南宁市青秀区南湖街道办事处, 波密县双古乡人民政府,
中共某某镇委员会 某某镇人民政府), as stated — the gazetteer may confirm and complete them, never overrule them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.gazetteer import Gazetteer

LEADING_YEAR = re.compile(r"^[（(]?20\d\d\s*年度?[）)]?")
ISSUER_END = re.compile(r"关于|[（(]?20\d\d|法治政府|依法行政|年度|法治建设|工作(?:情况)?报告")
# A title that opens with 关于 names its subject next (关于云栖街道2023年度…的报告), after a cover letter's verb
SUBJECT_AFTER_ABOUT = re.compile(r"^关于(?:印发|报送|呈报|上报|转发|提交|公布|对)?《?")
SELF_REFERENCE_START = ("我", "本", "全", "该", "各")
JOINT_ISSUER = re.compile(r"中共[\u4e00-\u9fff]{2,20}?(?:委员会|党委|党工委|工委)")
# 青莲镇党委 青莲镇政府 / 青莲镇党委、青莲镇人民政府: a party committee first, without 中共, and the government
PARTY_THEN_SAME_NAME = re.compile(r"^([\u4e00-\u9fff]{2,20}?)(?:党委|党工委|工委)[、，,\s]*(?=\1)")
PARTY_FIRST = re.compile(
    r"^[\u4e00-\u9fff]{2,20}?(?:党委|党工委|工委)[、，,\s]*(?:[和与及][、，,\s]*)?(?=[\u4e00-\u9fff]{2,})"
)
ISSUER_SUFFIX = re.compile(
    r"(?:人民政府办公室|人民政府|政府|党委|党工委|工委|办事处|管委会|管理委员会|工作委员会|委员会)$"
)
TOWNSHIP_END = re.compile(r"(?:民族乡|乡|镇|街道|苏木)$")
# A township-level unit of the gazetteer named like an office, a company or a community (柴河林业局, 如皋市农科所,
# 佛山监狱, 城区社区): a county department's report names its office so, and no rule-of-law report is a prison's
OFFICE_LIKE_UNIT = re.compile(r"(?:局|所|站|中心|办公室|委员会|公司|监狱|队|社区|村)$")
GOVERNMENT_BEFORE_OFFICE = re.compile(r"^(?:人民政府|政府)(?=[\u4e00-\u9fff]{2,})")
# The 55 minority peoples a township may be named for (红旗回族乡): the people, not the township's name.
PEOPLES_NAMED = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 "
    "畲 高山 拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 "
    "怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
)
PEOPLES = PEOPLES_NAMED.split()
ETHNIC_END = re.compile(f"(?:(?:{'|'.join(sorted(PEOPLES, key=len, reverse=True))})族)+$")
CITY = re.compile(r"^[\u4e00-\u9fff]{2,9}?(?:市|自治州|州|地区|盟)")
COUNTY = re.compile(r"^[\u4e00-\u9fff]{1,7}?(?:自治县|自治旗|县|区|旗|市)")
# A county-level zone a city runs (长沙经济技术开发区, 郑州航空港经济综合实验区): named by the city, often not in the gazetteer
ZONE = re.compile(r"[\u4e00-\u9fff]{0,8}?(?:开发区|高新区|新区|园区|示范区|实验区|试验区|保税区|合作区)")
TOWNSHIP_AFTER_ZONE = re.compile(
    r"^[\u4e00-\u9fff]{2,8}?(?:新城|新区|开发区|高新区|园区|示范区)(?=[\u4e00-\u9fff]{2,6}(?:街道|镇|乡)$)"
)
PROVINCE_ENDING = re.compile(r"(?:维吾尔自治区|壮族自治区|回族自治区|自治区|省|市)$")
NAME_MAX = 16  # longer than any county or city the gazetteer has (双江拉祜族佤族布朗族傣族自治县: 15)
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
# 司法局, 融媒体中心, 人民政府办公室: an office of the county or city whose name comes before it
OFFICE = re.compile(r"[\u4e00-\u9fff]{1,10}(?:局|办公室|委员会|中心)")
# 尼勒克县胡吉尔台乡党委书记 刘帅 over （2025年1月）: who delivers a 述法 report, their unit first
SPEAKER = re.compile(
    r"^([\u4e00-\u9fff]{2,24}?(?:党委|党工委|人民政府|政府)?)(?:副?书记|镇长|乡长|主任|县长|区长|旗长|局长|所长)"
    r"\s*[\u4e00-\u9fff·]{2,5}$"
)


@dataclass
class StatedPlace:
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""


def issuer_phrase(title: str) -> str:
    """The issuer at the head of a title: the text before 关于, the year or the subject, without a leading year
    (2020年静海区法治政府建设情况报告 → 静海区) and without a party committee of a joint issuer; of a title that
    opens with 关于, the subject named after it (关于云栖街道2023年度…的报告 → 云栖街道; 关于我镇… → nothing)."""
    head = LEADING_YEAR.sub("", title.replace("\n", "").strip())
    about = SUBJECT_AFTER_ABOUT.match(head)
    if about:
        head = head[about.end() :]
        if head.startswith(SELF_REFERENCE_START):
            return ""
    head = ISSUER_END.split(head, 1)[0]
    head = _without_party_committee(JOINT_ISSUER.sub("", head))
    return re.sub(r"^中共|[和、与及]$", "", head.strip(" ：:，,、-—")).strip()


def _without_party_committee(head: str) -> str:
    """``head`` without the party committee a joint issuer names first (青莲镇党委、青莲镇人民政府 → 青莲镇人民政府,
    青莲镇党委和镇政府 → 镇政府); a name repeated after it keeps its first character even where that is 和
    (和什托洛盖镇党委 和什托洛盖镇人民政府)."""
    repeated = PARTY_THEN_SAME_NAME.match(head)
    return head[repeated.end() :] if repeated else PARTY_FIRST.sub("", head)


def issuer_of_signature(line: str) -> str:
    """The issuer a signature line names: of a joint signature (中共翠湖镇委员会 翠湖镇人民政府) the government,
    of a party committee's alone (中共翠湖镇委员会) the committee without 中共."""
    line = re.sub(r"\s+", "", line)
    return re.sub(r"^中共", "", JOINT_ISSUER.sub("", line) or line)


def speaker_unit(line: str) -> str:
    """The unit of the speaker a 述法 report names over its date (尼勒克县胡吉尔台乡党委书记 刘帅, 中共龙门镇委员会
    书记 李明), their unit first; "" for any other line."""
    found = SPEAKER.match(line)
    return found.group(1) if found else ""


def stated_place(phrase: str, gazetteer: Gazetteer) -> StatedPlace:
    """The province, city, county and township an issuer phrase names, in its own words. Names the gazetteer
    knows are recognized as such, unknown ones by their endings (省, 市, 县, 区, 旗 … 乡, 镇, 街道); a name is
    taken only where what follows it can still be a county or a township."""
    rest = ISSUER_SUFFIX.sub("", re.sub(r"^中共", "", phrase.strip()))  # a party committee is named by its place
    if rest.endswith("街道办"):
        rest = rest[: -len("办")]
    place = StatedPlace()
    # Every province is known: one only shaped like a name ending in 省 was 稻城县省 of 稻城县省母乡.
    # A province's own report names the province alone (云南省, 新疆维吾尔自治区); 北京市 alone is the city's too.
    rest, place.province = _take(
        rest, gazetteer.provinces, None, lambda after: bool(after) or rest not in MUNICIPALITIES
    )
    if not place.province:
        rest, place.province = _province_by_short_name(rest, gazetteer)
    if rest[: _known_prefix(rest, gazetteer.by_county)] in ("", rest) and not gazetteer.is_county(rest):
        whole = rest  # a city's own report names the city alone (乌兰察布市, 东莞市): no county-level city of that name
        rest, place.city = _take(
            rest,
            gazetteer.cities,
            CITY,
            lambda after: (
                _county_then_township(after, gazetteer)
                or (not after and not gazetteer.is_county(whole))
                or _city_then_township(whole[: len(whole) - len(after)], after, gazetteer)
            ),
            lambda after: _county_then_township(after, gazetteer),
        )
        if not _known_prefix(rest, gazetteer.by_county):  # 桂林灌阳县; 青岛市北区 as 青岛 + 市北区, not 青岛市 + 北区
            short_rest, short_city = _city_by_short_name(whole, gazetteer)
            if short_city:
                rest, place.city = short_rest, short_city
    if not place.city and not gazetteer.townships_named(rest):  # 辽源经济开发区特殊街道 is one township's name
        rest, place.city, place.county = _city_zone(rest, place.province, gazetteer)
    if place.city in MUNICIPALITIES and not place.province:
        place.province = place.city
    if not place.county:
        rest, place.county = _take(
            rest,
            gazetteer.by_county,
            _county_shape(rest, gazetteer),
            lambda after: not after or _is_township(after, gazetteer),
            lambda after: not after or _is_township(after),  # 红旗 (shaped like 旗) before 回族乡: no county
        )
    if place.county or place.city:  # 兴宁市人民政府宁新街道办事处: a street office is an agency of the government
        rest = GOVERNMENT_BEFORE_OFFICE.sub("", rest)
    if place.county and not place.province:
        place.province = _province_of_zone(place.county, gazetteer)
    rest = gazetteer.street_office(rest) or rest  # 鹤龙街 (its own way of writing 鹤龙街道)
    if _is_township(rest, gazetteer):
        place.township = _known_township_at_end(rest, gazetteer) or _after_zone(rest, gazetteer) or rest
    elif rest and not place.county and rest in gazetteer.by_county:
        place.county = rest
    return place


def office_place(phrase: str, gazetteer: Gazetteer) -> StatedPlace:
    """The places a web page's publisher names (发布机构 / 来源): an issuer phrase, or an office of a county or
    city the gazetteer knows (浚县司法局 → 浚县, 鹤壁市委宣传部 is neither and names nothing)."""
    place = stated_place(phrase, gazetteer)
    if place.township or place.county or place.city:
        return place
    for end in range(len(phrase) - 2, 1, -1):
        if OFFICE.fullmatch(phrase, end):
            place = stated_place(phrase[:end], gazetteer)
            if place.county in gazetteer.by_county or place.city in gazetteer.cities:
                return place
    return StatedPlace()


def _province_by_short_name(text: str, gazetteer: Gazetteer) -> tuple[str, str]:
    """(the rest, province) of a phrase that starts with a province's short name before one of its cities or
    counties (甘肃民勤县红砂岗镇, 浙江杭州市…), where no county's name starts it (河南商丘经济开发区 is one);
    (``text``, "") otherwise."""
    if _known_prefix(text, gazetteer.by_county):
        return text, ""
    for short, province in gazetteer.province_of_alias.items():
        after = text[len(short) :]
        if not text.startswith(short) or not after:
            continue
        county = after[: _known_prefix(after, gazetteer.by_county)]
        city = after[: _known_prefix(after, gazetteer.city_named)]
        if any(of == province for *_, of in gazetteer.by_county.get(county, ())) or any(
            of == province for _, of in gazetteer.city_named.get(city, ())
        ):
            return after, province
    return text, ""


def _city_by_short_name(text: str, gazetteer: Gazetteer) -> tuple[str, str]:
    """(the rest, city) of a phrase that starts with a city's short name before one of that city's counties
    (桂林灌阳县新圩镇, 眉山东坡区: how titles name the city without its 市); (``text``, "") otherwise."""
    for end in range(min(len(text), NAME_MAX), 1, -1):
        short, after = text[:end], text[end:]
        if short in gazetteer.cities or short not in gazetteer.city_named:
            continue
        county = after[: _known_prefix(after, gazetteer.by_county)]
        cities = {city for city, _ in gazetteer.city_named[short]}
        of_county = cities & {city for _, city, _ in gazetteer.by_county.get(county, ())}
        if county and len(of_county) == 1:
            return after, of_county.pop()
    return text, ""


def _county_shape(text: str, gazetteer: Gazetteer) -> re.Pattern | None:
    """COUNTY, the shape of a county's name, unless taking it would cut a township of the gazetteer: the whole
    name (大市聚镇: no county 大市 before 聚镇), or one at its end that what comes before names the county of
    (槐荫营市街街道: 营市街街道 of 槐荫区, not a county 槐荫营市)."""
    shaped = COUNTY.match(text)
    if shaped is None or gazetteer.townships_named(text):
        return None
    township = _known_township_at_end(text, gazetteer)
    return None if township and shaped.end() > len(text) - len(township) else COUNTY


def _city_zone(text: str, province: str, gazetteer: Gazetteer) -> tuple[str, str, str]:
    """(the rest, city, zone) of a phrase that starts with a zone named by its city's name or short name
    (长沙经济技术开发区 → 长沙市, 长沙经济技术开发区) and that a township or nothing follows, where the gazetteer has
    no county of that name; (``text``, "", "") otherwise. One city of ``province`` (if stated) has the name."""
    if _known_prefix(text, gazetteer.by_county):
        return text, "", ""
    for end in range(min(len(text), NAME_MAX), 1, -1):
        cities = {city for city, of in gazetteer.city_named.get(text[:end], ()) if province in ("", of)}
        zone = ZONE.match(text, end) if len(cities) == 1 else None
        if zone and (zone.end() == len(text) or _is_township(text[zone.end() :], gazetteer)):
            return text[zone.end() :], cities.pop(), text[: zone.end()]
    return text, "", ""


def _province_of_zone(county: str, gazetteer: Gazetteer) -> str:
    """The province a zone the gazetteer lacks is named by (四川天府新区, 贵州贵安新区): its short name first, where
    no city of the gazetteer has that name (吉林 is a city too); "" for none."""
    if county in gazetteer.by_county or not ZONE.fullmatch(county):
        return ""
    for province in gazetteer.provinces:
        short = PROVINCE_ENDING.sub("", province)
        if len(short) >= 2 and county.startswith(short) and short not in gazetteer.city_named:
            return province
    return ""


def _after_zone(name: str, gazetteer: Gazetteer) -> str:
    """A township named after the zone it is in, which the gazetteer lacks (沣东新城王寺街道 → 王寺街道), or "" (and
    for a name the gazetteer has so: 唐山海港开发区王滩镇)."""
    found = TOWNSHIP_AFTER_ZONE.match(name)
    return name[found.end() :] if found and not gazetteer.townships_named(name) else ""


def _known_township_at_end(name: str, gazetteer: Gazetteer) -> str:
    """The gazetteer township ``name`` ends with, where ``name`` itself is none and what comes before names
    that township's city or county: 武汉东湖新技术开发区关东街道 is 关东街道 of 武汉 (a zone's name the issuer
    phrase could not take as a county); "" for none."""
    if gazetteer.townships_named(name):
        return ""
    for start in range(1, len(name) - 1):
        before, township = name[:start], name[start:]
        for place in gazetteer.townships_named(township):
            names = (place.city, place.city_alias, place.county, place.county_alias)
            if len(township) > 2 and any(known and len(known) >= 2 and known in before for known in names):
                return township
            if before in names:  # a township of two characters (彭镇) only after exactly its county's name
                return township
    return ""


def _is_township(name: str, gazetteer: Gazetteer | None = None) -> bool:
    """A township name: a name before one of the township endings and before the people an ethnic township is
    named for (红旗回族乡: 回族乡 alone is no township, so 红旗 is not a county shaped like 旗), or a name the
    gazetteer has as a township (封丘县回族乡)."""
    if not TOWNSHIP_END.search(name):
        return gazetteer is not None and _other_township_unit(name, gazetteer)
    named = len(ETHNIC_END.sub("", TOWNSHIP_END.sub("", name))) >= 1
    return named or bool(gazetteer and gazetteer.townships_named(name))


def _other_township_unit(name: str, gazetteer: Gazetteer) -> bool:
    """Whether ``name`` is a township-level unit of the gazetteer that is no 乡, 镇 or 街道 (乌兰布和农场, 沙河林场,
    平顺经济技术开发区, 南苑地区): a farm, forest farm or zone runs its villages as a township does and reports
    as one. Not a name also a county's (城区), nor one named like an office."""
    return (
        len(name) >= 3
        and bool(gazetteer.townships_named(name))
        and name not in gazetteer.by_county
        and not OFFICE_LIKE_UNIT.search(name)
    )


def _known_prefix(text: str, known) -> int:
    """The length of the longest known name ``text`` starts with (0 for none)."""
    return next((end for end in range(min(len(text), NAME_MAX), 1, -1) if text[:end] in known), 0)


def _city_then_township(city: str, text: str, gazetteer: Gazetteer) -> bool:
    """Whether a city of the gazetteer (济南市, no county's name) is followed by a township with no county between
    (济南市六里山街道): the city is the township's, its county the gazetteer's or unknown, not a county 济南市."""
    return bool(text) and not gazetteer.is_county(city) and _is_township(text, gazetteer)


def _county_then_township(text: str, gazetteer: Gazetteer) -> bool:
    """Whether ``text`` starts with a county (known, or shaped like one) that a township or nothing follows."""
    known = _known_prefix(text, gazetteer.by_county)
    if known:
        return True
    match = COUNTY.match(text)
    return bool(match) and (match.end() == len(text) or _is_township(text[match.end() :], gazetteer))


def _take(text: str, known, shape: re.Pattern | None, leaves, shape_leaves=None) -> tuple[str, str]:
    """(``text`` without the name it starts with, that name), where what is left passes ``leaves``: the longest
    known name first, else one of the ``shape`` (what is left passing ``shape_leaves``, if given); (``text``,
    "") when none."""
    for end in range(min(len(text), NAME_MAX), 1, -1):
        if text[:end] in known and leaves(text[end:]):
            return text[end:], text[:end]
    match = shape.match(text) if shape is not None else None
    if match and (shape_leaves or leaves)(text[match.end() :]):
        return text[match.end() :], match.group(0)
    return text, ""
