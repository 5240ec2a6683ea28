"""Report metadata: township, county, city, province, year, title, date — and where each came from.

Evidence, strongest first: the title and signature, the first lines, self
references in the body, document numbers (巫溪府办发 → 巫溪县) and place names
in the text. The gazetteer resolves township → county → city → province; when
a township name exists in several counties and the text does not say which,
the field stays empty. A user's sidecar or ``metadata.csv`` overrides all.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from search.ingest.gazetteer import Gazetteer, load_gazetteer
from search.ingest.issuer import ZONE, StatedPlace, issuer_of_signature, issuer_phrase, office_place, stated_place
from search.ingest.model import METADATA_FIELDS, RawText, Report, ReportError
from search.ingest.namesakes import likeliest_namesakes, likeliest_renamed
from search.ingest.normalize import CHINESE_DIGITS
from search.ingest.paragraphs import Segmented
from search.ingest.script import simplified

YEAR = re.compile(r"(20\d\d)\s*年")
CHINESE_YEAR = re.compile(r"(二[〇○零OＯ][〇○零OＯ一二三四五六七八九]{2})\s*年")
FIRST_YEAR, LAST_YEAR = 1000, 9999  # a year a user states; the index keeps years in 16 bits
YEAR_RANGE = re.compile(r"20\d\d\s*年?\s*[—\-－–~～至到]+\s*20\d\d\s*年?")
YEAR_IN_RANGE = re.compile(r"20\d\d")
YEAR_NOT_DATE = re.compile(r"(20\d\d)\s*年(?!\s*\d{1,2}\s*月)")  # 2023年度, not the date 2024年1月15日
CITED = re.compile(r"《[^》]*》")
# The one year of a report or review a title cites: what an interpretation (解读) or a forwarding notice is about.
CITED_REPORT_YEAR = re.compile(r"《[^》\d]*?(20\d\d)\s*年[^》\d]*(?:报告|总结)》")
# 2022年以来: where a span starts, not the year reported on — but for a report that names no other year
SINCE = re.compile(r"(20\d\d)\s*年\s*(?:以来|起|至今)")
REPORTS_LAST_YEAR_UNTIL = 6  # a report signed by June reports on the year before
PLAN_WORDS = ("计划", "力争", "争取", "打算", "预计")
CLAUSE_ENDS = "，,。；;\n"
TITLE_WEIGHT, SIGNATURE_WEIGHT, OPENING_WEIGHT = 10, 8, 3
TITLE_BRACKETS = re.compile(r"[（(]([^（）()]{2,20})[）)]")
OPENING_PARAGRAPHS = 2
ZONE_COMMITTEE = re.compile(r"(?:管委会|管理委员会)$")
COVER_DATE = "印发或报送它的公文的日期"
GEO_FIELDS = ("county", "city", "province")
SIDECAR_SUFFIX = ".meta.json"
METADATA_TABLE = "metadata.csv"
# The subject opening a report (2020年，北屏乡法治政府建设工作在…, 今年以来，某某镇坚持…): its township.
OPENING_LEAD = r"^(?:(?:20\d\d年(?:度|以来)?|今年以来|一年来|近年来)[，,]?)?"
SUBJECT_FOLLOWS = "党委|党工委|人民政府|政府|办事处|法治|坚持|在|认真|全面|紧紧围绕|围绕|以"
OPENING_SUBJECT = re.compile(OPENING_LEAD + r"([\u4e00-\u9fff]{2,6}?(?:乡|镇|街道|苏木))(?:" + SUBJECT_FOLLOWS + ")")
# 2025年，洛江区坚持…: a county's report that no title or signature names (a page giving its publisher only).
OPENING_COUNTY = re.compile(OPENING_LEAD + r"([\u4e00-\u9fff]{2,8}?(?:县|区|市|旗))(?:委|" + SUBJECT_FOLLOWS + ")")
NOT_A_NAME = ("全", "各", "本", "我", "该", "每", "乡", "镇", "街道", "村")
TOWNSHIP_LEVEL_ENDINGS = ("乡", "镇", "街道")  # a township's level, which changes (乡 → 镇 → 街道) where its name stays
TOWNSHIP_LEVEL_END = re.compile(r"(?:民族乡|乡|镇|街道)$")
# What follows a county's name where the text names it as a place: its authorities, or the end of a phrase.
COUNTY_AS_NAME = re.compile(r"委|政府|人民|人大|政协|党|纪委|司法|公安|法院|检察|依法治|法治|[、，。；：）)\s]|$")
PAGE_ISSUER = "网页发布机构"
SHU_FA_OPENING = re.compile(r"述法(?:如下|情况|报告)")  # 现述法如下： / 现将述法情况报告如下：
PAGE_SOURCE = "网页来源"
FOLDERS_READ = 2  # the folders a report sits in that may name its county (巫溪县/花台乡.txt)


@dataclass
class Evidence:
    title: str
    opening: str
    signature: str
    body: str
    issuer: str = ""
    file_name: str = ""
    folders: str = ""  # and the web site a page came from: where the report sits, not what it says
    addressee: str = ""  # 江油市委依法治市办: the county's office a township reports to
    page_issuer: str = ""  # 发布机构：… on a saved web page: places only, after all the report says (a county
    # department may publish a township's report: it never sets the level)
    page_source: str = ""  # 来源：… on a saved web page: places only, after the page's issuer

    @property
    def everything(self) -> str:
        return "\n".join((self.title, self.addressee, self.signature, self.body, self.file_name, self.folders))


def describe(
    report: Report,
    raw: RawText,
    segmented: Segmented,
    gazetteer: Gazetteer | None = None,
    overrides: dict[str, str] | None = None,
) -> None:
    """Fill the metadata fields of ``report`` and record the source of each in ``report.sources``."""
    gazetteer = gazetteer or load_gazetteer()
    title_lines = segmented.title_lines or [raw.hints.get("heading", ""), raw.hints.get("title", "")]
    evidence = Evidence(
        title=_in_figures("".join(segmented.title_lines) or "\n".join(filter(None, title_lines))),
        opening=_in_figures("\n".join(p.text for p in report.paragraphs[:OPENING_PARAGRAPHS])),
        signature="\n".join(segmented.signature),
        body="\n".join(p.text for p in report.paragraphs),
        issuer=segmented.issuer,
        page_issuer=segmented.chrome_issuer or raw.hints.get("issuer", ""),
        page_source=segmented.chrome_source,
        addressee=segmented.addressee,
        file_name=_simplified_but_names(Path(report.path).stem, gazetteer),
        folders=_simplified_but_names(
            "\n".join([*Path(report.path).parent.parts[-FOLDERS_READ:], raw.hints.get("site", ""), segmented.site]),
            gazetteer,
        ),
    )
    if not _set_unit_level(report, evidence, gazetteer):
        stated = _stated_places(evidence, gazetteer)
        _set_township(report, evidence, gazetteer, stated)
        if not report.township:
            _set_opening_subject(report, evidence)
        if not report.township:
            stated = _named_by_file(report, evidence, gazetteer, stated)
        _set_places(report, evidence, gazetteer, stated)
        if report.township:
            level = "街道" if report.township.endswith(("街道", "办事处")) else "乡镇"
            _set(report, "level", level, "乡镇名称")
    _set_date(report, raw, segmented)
    _set_year(report, evidence, segmented)
    _set_title(report, segmented, raw)
    if overrides:
        apply_overrides(report, overrides)


def _simplified_but_names(text: str, gazetteer: Gazetteer) -> str:
    """``text`` (a file's or folder's name) in Simplified characters, but for the gazetteer's townships and counties
    it names as the gazetteer writes them: 鮜门镇, 濛洲街道 and 鮀莲街道 are official names whose characters the
    conversion would change (to 鲘, 蒙 and a character outside the common range)."""
    converted = simplified(text)
    if converted == text:
        return text
    kept = list(converted)
    named = gazetteer.find_townships(text) + gazetteer.counties_in(text)
    for start, name in named:
        kept[start : start + len(name)] = name
    return "".join(kept)


def _set(report: Report, name: str, value, source: str) -> None:
    if value in ("", None):
        return
    setattr(report, name, value)
    report.sources[name] = source


DEPARTMENT = re.compile(r"(局|委员会|委|办公室|办|中心|院|队|所|部|厅|处|署|总站|站)$")
GOVERNMENT = re.compile(r"(人民政府|政府|党委|委员会)$")


def _set_unit_level(report: Report, evidence: Evidence, gazetteer: Gazetteer) -> bool:
    """A report by a county or district government, or by a department: its issuer (the title before 关于/the
    year, else its issuer line or signature) names no township but a county, one the gazetteer has or a zone
    named by its city that the gazetteer lacks (长沙经济技术开发区管理委员会). Sets level and places; no township."""
    issuer, label = _issuer_said(evidence) or _opening_county(evidence, gazetteer)
    stated = stated_place(issuer, gazetteer) if issuer else StatedPlace()
    if not issuer or gazetteer.find_townships(issuer) or stated.township:
        return False
    county = gazetteer.find_county(issuer)
    if not gazetteer.is_county(county):  # 东莞市's own report is a city's, though its towns have it as their county
        county = stated.county if stated.city or _zone_committee(issuer, stated) else ""
    if not county:
        return False
    rest = issuer[issuer.index(county) + len(county) :]
    level = "部门" if rest and DEPARTMENT.search(rest) and not GOVERNMENT.search(rest) else "县区"
    _set(report, "level", level, f"{label}（发文单位）")
    places = gazetteer.by_county.get(county) or {(county, stated.city, _province_of(stated, gazetteer))}
    if len(places) > 1:  # a county name several cities have: the issuer's own city or province decides
        places = {p for p in places if p[1] in issuer or p[2] in issuer} or places
    known = county in gazetteer.by_county
    for name, index in (("county", 0), ("city", 1), ("province", 2)):
        values = {place[index] for place in places}
        if len(values) == 1:
            _set(report, name, values.pop(), f"{label}（{_unit_place_source(known, index)}）")
    return True


def _zone_committee(issuer: str, stated: StatedPlace) -> bool:
    """Whether the issuer is the administrative committee of a zone (曲江新区管委会), a county-level unit even
    where it names no city: its report is the zone's, as a county government's is the county's."""
    return (
        bool(stated.county) and ZONE.fullmatch(stated.county) is not None and ZONE_COMMITTEE.search(issuer) is not None
    )


def _issuer_said(evidence: Evidence) -> tuple[str, str] | None:
    """(issuer phrase, where the report says it): the title's head, the issuer line, else the signature; None
    where none says it."""
    said = [(issuer_phrase(evidence.title), "标题"), (evidence.issuer, "标题")]
    said += [(issuer_of_signature(line), "落款") for line in evidence.signature.split("\n") if line]
    return next(((phrase, where) for phrase, where in said if phrase), None)


def _opening_county(evidence: Evidence, gazetteer: Gazetteer) -> tuple[str, str]:
    """(county, "开头段落") where the report opens with a county of the gazetteer as its subject (2025年，洛江区
    坚持…), the last evidence of an issuer; ("", "") for none (a township's report opens with its own name)."""
    found = OPENING_COUNTY.match(evidence.opening.strip())
    return (found.group(1), "开头段落") if found and gazetteer.is_county(found.group(1)) else ("", "")


def _unit_place_source(known: bool, index: int) -> str:
    if known:
        return "发文单位，地名录"
    return "发文单位，地名录中没有此县区" if index == 0 else "发文单位中的城市名，地名录"


def _province_of(stated: StatedPlace, gazetteer: Gazetteer) -> str:
    """The stated province, else the province of the stated city (one city of that name)."""
    provinces = {of for city, of in gazetteer.city_named.get(stated.city, ()) if city == stated.city}
    return stated.province or (provinces.pop() if len(provinces) == 1 else "")


@dataclass
class Stated:
    """The places the report's issuer phrases name (title, issuer line, signature), and where each was said."""

    place: StatedPlace
    where: dict[str, str]


def _stated_places(evidence: Evidence, gazetteer: Gazetteer) -> Stated:
    """Each field from the first issuer phrase that states it: what a report says of itself outranks the
    gazetteer, which only confirms and completes it."""
    phrases = [(issuer_phrase(evidence.title), "标题")]
    phrases += [(inside, "标题") for inside in TITLE_BRACKETS.findall(evidence.title)]  # …年度报告（翠湖镇）
    phrases += [(evidence.issuer, "发文单位")]
    phrases += [(issuer_of_signature(line), "落款") for line in evidence.signature.split("\n") if line]
    phrases += [(evidence.page_issuer, PAGE_ISSUER), (evidence.page_source, PAGE_SOURCE)]
    found, where = StatedPlace(), {}
    for phrase, label in phrases:
        place = (
            office_place(phrase, gazetteer) if label in (PAGE_ISSUER, PAGE_SOURCE) else stated_place(phrase, gazetteer)
        )
        if found.township and place.township and place.township != found.township:
            continue  # another township's name (a cover letter's addressee, a copied signature)
        for name in ("township", "county", "city", "province"):
            if getattr(place, name) and not getattr(found, name):
                setattr(found, name, getattr(place, name))
                where[name] = label
    return Stated(found, where)


def _set_township(report: Report, evidence: Evidence, gazetteer: Gazetteer, stated: Stated) -> None:
    """The township the report states (title, issuer line, signature); else the gazetteer's name the title,
    signature, opening and body name most, never one that is only the end of a longer name (古乡 in 双古乡)."""
    if stated.place.township:
        name = stated.place.township
        known = "地名录" if gazetteer.townships_named(name) else "地名录中没有此乡镇"
        _set(report, "township", name, f"{stated.where['township']}（{known}）")
        return
    scores: Counter[str] = Counter()
    where: dict[str, str] = {}
    for text, weight, label in (
        (evidence.title, TITLE_WEIGHT, "标题"),
        (evidence.signature, SIGNATURE_WEIGHT, "落款"),
        (evidence.opening, OPENING_WEIGHT, "开头段落"),
        (evidence.body, 1, "正文自称"),
    ):
        for start, name in gazetteer.find_townships(text):
            if (len(name) < 3 and weight < TITLE_WEIGHT) or _inside_longer_name(text, start):
                continue
            scores[name] += weight
            where.setdefault(name, label)
    best = scores.most_common(2)
    if best and best[0][1] >= 3 and (len(best) == 1 or best[0][1] > best[1][1]):
        name = best[0][0]
        _set(report, "township", name, f"{where[name]}（地名录）")


def _set_opening_subject(report: Report, evidence: Evidence) -> None:
    """A township the gazetteer lacks, named by no title or signature: the subject of the report's first sentence
    (2020年，北屏乡法治政府建设工作在…, 今年以来，某某镇坚持…), where the text names it at least twice."""
    found = OPENING_SUBJECT.match(evidence.opening.strip())
    if found and evidence.body.count(found.group(1)) >= 2 and not found.group(1).startswith(NOT_A_NAME):
        _set(report, "township", found.group(1), "开头段落的主语（地名录中没有此乡镇）")


def _named_by_file(report: Report, evidence: Evidence, gazetteer: Gazetteer, stated: Stated) -> Stated:
    """When the text names no township, the file's name may (翠湖镇2023年法治政府建设报告.docx, 01_青山镇.txt):
    the last evidence, after everything the report says; what the text stated of the county stays."""
    leading = re.match(r"[\u4e00-\u9fff]+", issuer_phrase(re.sub(r"^[^\u4e00-\u9fff]+", "", evidence.file_name)))
    named = stated_place(leading.group(0), gazetteer) if leading else StatedPlace()
    if not named.township:
        return stated
    known = "地名录" if gazetteer.townships_named(named.township) else "地名录中没有此乡镇"
    _set(report, "township", named.township, f"文件名（{known}）")
    place, where = replace(stated.place), dict(stated.where)
    for name in ("township", "county", "city", "province"):
        if getattr(named, name) and not getattr(place, name):
            setattr(place, name, getattr(named, name))
            where[name] = "文件名"
    return Stated(place, where)


NAME_BOUNDARY = set("县区市旗州盟省我本全该此在于和与及对向从的为是了等、由将把被各")


def _inside_longer_name(text: str, start: int) -> bool:
    """Whether a name found at ``start`` continues a word before it: 古乡 in 双古乡 is not the township 古乡."""
    if start == 0:
        return False
    before = text[start - 1]
    return "\u4e00" <= before <= "\u9fff" and before not in NAME_BOUNDARY


def _set_places(report: Report, evidence: Evidence, gazetteer: Gazetteer, stated: Stated) -> None:
    """County, city and province: as the report states them, completed from the gazetteer's entry for the
    stated county; with no county stated, from the gazetteer's townships of that name, the text deciding
    between namesakes; where the gazetteer has no township of that name in the county the text names as its
    authority (在双流区委、区政府的领导下), that county: a new or renamed township whose name is elsewhere too."""
    if stated.place.county:
        _set_stated_places(report, gazetteer, stated, evidence.everything)
        return
    candidates = gazetteer.townships_named(report.township)
    named = _county_named_most(evidence, gazetteer, report.township)
    if named and named not in {place.county for place in candidates}:
        candidates = []
    if not candidates:
        county = named
        if county:
            place = replace(stated.place, county=county)
            where = {**stated.where, "county": "正文"}
            _set_stated_places(report, gazetteer, Stated(place, where), evidence.everything)
            return
        for name in ("city", "province"):
            _set(report, name, getattr(stated.place, name), stated.where.get(name, ""))
        if stated.place.city and not stated.place.province:  # 乌兰察布市's own report
            _set(report, "province", _province_of(stated.place, gazetteer), "地名录（所在地市）")
        if not (stated.place.city or stated.place.province):
            _set_from_renamed(report, evidence.everything, gazetteer)
        return
    # The township's own name is no evidence of where it is: 仁和镇 holds 仁和, the short name of 仁和区.
    winners = likeliest_namesakes(candidates, evidence.everything.replace(report.township, ""), gazetteer)
    if len(winners) == 1:
        place = winners[0]
        reason = (
            "地名录（唯一同名乡镇）"
            if len(candidates) == 1
            else f"地名录（{len(candidates)} 个同名乡镇，按正文或所在文件夹中的地名确定）"
        )
        for name in GEO_FIELDS:
            _set(report, name, getattr(place, name), reason)
        return
    for name in GEO_FIELDS:
        values = {getattr(place, name) for place in winners}
        if len(values) == 1:
            _set(report, name, values.pop(), f"地名录（{len(winners)} 个同名乡镇均属此地）")


def _set_from_renamed(report: Report, text: str, gazetteer: Gazetteer) -> None:
    """For a township the gazetteer lacks and the text places nowhere: the places of the one gazetteer township
    of the same name at another level (茶巴拉镇 where the gazetteer has 曲水县's 茶巴拉乡: 乡 become 镇, 镇 become
    街道 since its data were taken), when there is one, or one the text names the places of."""
    stem = TOWNSHIP_LEVEL_END.sub("", report.township)
    if len(stem) < 2 or stem == report.township:
        return
    candidates = [
        place
        for ending in TOWNSHIP_LEVEL_ENDINGS
        if stem + ending != report.township
        for place in gazetteer.townships_named(stem + ending)
    ]
    place = likeliest_renamed(candidates, text, gazetteer)
    if place is None:
        return
    for name in GEO_FIELDS:
        _set(report, name, getattr(place, name), f"地名录（同名的{place.township}，或已改设）")


def _county_named_most(evidence: Evidence, gazetteer: Gazetteer, township: str) -> str:
    """For a township the gazetteer lacks (new, renamed, spelt otherwise): the county the report names most as
    an authority or as the township's county (在阿巴嘎旗委、旗政府的领导下, 阿巴嘎旗那仁宝力格苏木), when one is named
    so more often than any other; "" otherwise. A name followed by other text is not counted: 老城区改造 names
    no county."""
    text = "\n".join((evidence.title, evidence.addressee, evidence.signature, evidence.body))
    counts = Counter(
        name
        for start, name in gazetteer.counties_in(text)
        if COUNTY_AS_NAME.match(text, start + len(name)) or (township and text.startswith(township, start + len(name)))
    )
    best = counts.most_common(2)
    if not best or (len(best) == 2 and best[0][1] == best[1][1]):
        return ""
    return best[0][0]


def _set_stated_places(report: Report, gazetteer: Gazetteer, stated: Stated, text: str) -> None:
    """County, city and province as stated, the city and province completed from the gazetteer's entries of the
    county. A county name several cities have (铁东区: 四平市, 鞍山市) is settled by the stated city or
    province, else by the township, else by the city or province the text (``text``) names."""
    place, where = stated.place, stated.where
    if official := gazetteer.official_county(place.county, report.township):
        where = {**where, "county": f"{where['county']}（简称“{place.county}”，地名录）"}
        place = replace(place, county=official)
    elif renamed := gazetteer.renamed_county(place.county, report.township):
        where = {**where, "county": f"{where['county']}（写作“{place.county}”，地名录今称）"}
        place = replace(place, county=renamed)
    _set(report, "county", place.county, where["county"])
    entries = gazetteer.by_county.get(place.county, set())
    if len(entries) > 1:
        entries = {e for e in entries if place.city in (e[1], "") and place.province in (e[2], "")} or entries
        townships = {(p.county, p.city, p.province) for p in gazetteer.townships_named(report.township)}
        entries = (entries & townships) or entries
    if len(entries) > 1:
        entries = {e for e in entries if (e[1] and e[1] in text) or e[2] in text} or entries
    for name, index in (("city", 1), ("province", 2)):
        if getattr(place, name):
            _set(report, name, getattr(place, name), where[name])
            continue
        values = {entry[index] for entry in entries}
        if len(values) == 1:
            _set(report, name, values.pop(), f"{where['county']}中的县区（地名录）")
        elif not entries and name == "province" and place.city:  # a zone the gazetteer lacks: its city's province
            _set(report, name, _province_of(place, gazetteer), f"{where['city']}中的城市（地名录）")


def _set_year(report: Report, evidence: Evidence, segmented: Segmented) -> None:
    """The year reported on: from the title, the opening (2021年，我镇…), the file's name, the signature's date (a
    report dated in the first half of a year reports on the year before), or the year the body and its headings
    name most — never a year of a cited document (《…纲要（2021—2025年）》) or of a range, except the last year
    of a range the title itself spans (2022—2023年度) when it names no single year, nor one in a clause of plans;
    when nothing names a year, the date of the page the report was published on, read as a signature's."""
    for text, label in ((evidence.title, "标题"), (evidence.opening, "开头段落")):
        match = next((m for m in YEAR.finditer(_without_cited_years(text)) if not _planned(m)), None)
        if match:
            _set(report, "year", int(match.group(1)), label)
            return
        spanned = YEAR_RANGE.search(CITED.sub("", text)) if label == "标题" else None
        if spanned:
            _set(report, "year", int(YEAR_IN_RANGE.findall(spanned.group(0))[-1]), "标题（年度区间的末年）")
            return
        cited = CITED_REPORT_YEAR.search(text) if label == "标题" else None
        if cited:  # 《…关于2024年法治政府建设情况的报告》文件解读: the year of the report it is about
            _set(report, "year", int(cited.group(1)), "标题中所说的报告")
            return
    named = YEAR_NOT_DATE.search(_without_cited_years(evidence.file_name))
    if named:
        _set(report, "year", int(named.group(1)), "文件名")
        return
    for date, label in ((segmented.date, "落款日期"), (segmented.cover_date, COVER_DATE)):
        if date:
            year, month = int(date[:4]), int(date[5:7])
            _set(report, "year", year - 1 if month <= REPORTS_LAST_YEAR_UNTIL else year, label)
            return
    headings = "\n".join(dict.fromkeys(heading for p in report.paragraphs for heading in p.section))
    text = _without_cited_years(f"{headings}\n{evidence.body}")
    years = Counter(int(y) for y in YEAR.findall(text))
    if years:
        _set(report, "year", years.most_common(1)[0][0], "正文和标题中最常见的年份")
    elif report.date:
        year, month = int(report.date[:4]), int(report.date[5:7])
        _set(report, "year", year - 1 if month <= REPORTS_LAST_YEAR_UNTIL else year, report.sources["date"])
    elif since := [int(found.group(1)) for found in SINCE.finditer(f"{evidence.opening}\n{evidence.body}")]:
        _set(report, "year", max(since), "正文（某年以来）")  # 2025年以来 and no other year: the span reported on


def _planned(year: re.Match) -> bool:
    """Whether a year stands in a clause of plans (全年调解纠纷40起，2024年计划开展普法活动20场): the year to
    come, not the year reported on."""
    text = year.string
    clause_end = min(
        (end for end in (text.find(mark, year.end()) for mark in CLAUSE_ENDS) if end >= 0), default=len(text)
    )
    return any(word in text[year.end() : clause_end] for word in PLAN_WORDS)


def _in_figures(text: str) -> str:
    """``text`` with years written in Chinese numerals (二〇二一年度) in figures (2021年度), as titles write them."""
    return CHINESE_YEAR.sub(lambda found: "".join(str(CHINESE_DIGITS[c]) for c in found.group(1)) + "年", text)


def _without_cited_years(text: str) -> str:
    return SINCE.sub("", CITED.sub("", YEAR_RANGE.sub("", text)))


def _set_date(report: Report, raw: RawText, segmented: Segmented) -> None:
    if segmented.date:
        _set(report, "date", segmented.date, "落款日期")
    elif segmented.cover_date:
        _set(report, "date", segmented.cover_date, COVER_DATE)
    elif raw.hints.get("date"):
        _set(report, "date", raw.hints["date"], "网页元数据")
    elif segmented.chrome_date or raw.hints.get("page_date"):
        _set(report, "date", segmented.chrome_date or raw.hints["page_date"], "网页发布时间")


def _set_title(report: Report, segmented: Segmented, raw: RawText) -> None:
    if segmented.title_lines:
        _set(report, "title", "".join(segmented.title_lines), "标题行")
        return
    for key, label in (("heading", "网页正文标题"), ("title", "文件标题属性")):
        if raw.hints.get(key):
            _set(report, "title", raw.hints[key], label)
            return
    unit = report.township or (report.county if report.level == "县区" else "")
    if unit or report.year:
        year = f"{report.year}年度" if report.year else ""
        opening = "".join(p.text for p in report.paragraphs[:OPENING_PARAGRAPHS])
        kind = "述法报告" if SHU_FA_OPENING.search(opening) else "法治政府建设情况报告"  # a leader's own report
        _set(report, "title", f"{unit}{year}{kind}", "根据发文单位和年份补全（原文无标题）")


def apply_overrides(report: Report, overrides: dict[str, str]) -> None:
    source = overrides.get("_source", "用户元数据")
    for name in METADATA_FIELDS:
        value = (overrides.get(name) or "").strip() if isinstance(overrides.get(name), str) else overrides.get(name)
        if value in ("", None):
            continue
        if name == "year":
            try:
                value = int(value)
            except (TypeError, ValueError) as exc:
                raise ReportError(source, f"{source} 中的 year 不是年份：{value!r}") from exc
            if not FIRST_YEAR <= value <= LAST_YEAR:
                raise ReportError(source, f"{source} 中的 year 不是四位数的年份：{value!r}")
        setattr(report, name, value)
        report.sources[name] = f"用户指定（{source}）"


def sidecar_names(report_name: str) -> tuple[str, str]:
    """The names a report's sidecar may have beside it: ``r.meta.json`` and ``r.txt.meta.json`` for ``r.txt``."""
    return Path(report_name).stem + SIDECAR_SUFFIX, report_name + SIDECAR_SUFFIX


def load_overrides(path: Path, corpus_root: Path | None = None) -> dict[str, str]:
    """Metadata a user supplied for ``path``: a sidecar beside it (:func:`sidecar_names`), or a row of
    metadata.csv."""
    for sidecar in (path.with_name(name) for name in sidecar_names(path.name)):
        if sidecar.is_file():
            try:
                data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
            except (OSError, ValueError) as exc:
                raise ReportError(sidecar, f"元数据文件无法解析：{exc}") from exc
            if not isinstance(data, dict):
                raise ReportError(sidecar, "元数据文件应是一个 JSON 对象")
            return {**{k: v for k, v in data.items() if k in METADATA_FIELDS}, "_source": sidecar.name}
    for folder in _folders_up_to(path.parent, corpus_root):
        table = folder / METADATA_TABLE
        if table.is_file():
            row = _csv_row_for(table, path, folder)
            if row:
                return row
    return {}


def _folders_up_to(folder: Path, root: Path | None) -> list[Path]:
    folders = [folder]
    if root is not None:
        root = root.resolve()
        current = folder.resolve()
        while current != root and root in current.parents:
            current = current.parent
            folders.append(current)
    return folders


def _csv_row_for(table: Path, path: Path, folder: Path) -> dict[str, str]:
    from search.ingest.text import decode_text

    text, _ = decode_text(table.read_bytes(), table)
    wanted = {path.name, path.resolve().relative_to(folder.resolve()).as_posix()}
    for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff"))):
        key = (row.get("file") or row.get("path") or row.get("文件") or "").strip().replace("\\", "/")
        if key in wanted:
            return {**{k: v for k, v in row.items() if k in METADATA_FIELDS}, "_source": table.name}
    return {}
