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
from dataclasses import dataclass
from pathlib import Path

from search.ingest.gazetteer import Gazetteer, Place, load_gazetteer
from search.ingest.model import METADATA_FIELDS, RawText, Report, ReportError
from search.ingest.paragraphs import Segmented

YEAR = re.compile(r"(20\d\d)\s*年")
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{2,4}?)(?:府办发|府发|府办|委办发|委发|委办|政发|政办发)\s*[〔\[（(【]")
TOWNSHIP_IN_TITLE = re.compile(
    r"([\u4e00-\u9fff]{2,6}?(?:乡|镇|街道|街道办事处))(?:人民政府|党委|关于|20\d\d|法治|年度|$)"
)
COUNTY_PREFIX = re.compile(r"^.*?(?:省|自治区|市|自治州|州|盟|地区|区|县|旗)(?=[\u4e00-\u9fff]{2,})")
TITLE_WEIGHT, SIGNATURE_WEIGHT, OPENING_WEIGHT = 10, 8, 3
OPENING_PARAGRAPHS = 2
GEO_FIELDS = ("county", "city", "province")


@dataclass
class Evidence:
    title: str
    opening: str
    signature: str
    body: str

    @property
    def everything(self) -> str:
        return "\n".join((self.title, self.signature, self.body))


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
        title="".join(segmented.title_lines) or "\n".join(filter(None, title_lines)),
        opening="\n".join(p.text for p in report.paragraphs[:OPENING_PARAGRAPHS]),
        signature="\n".join(segmented.signature),
        body="\n".join(p.text for p in report.paragraphs),
    )
    if not _set_unit_level(report, evidence, gazetteer):
        _set_township(report, evidence, gazetteer)
        _set_places(report, evidence, gazetteer)
        if report.township:
            level = "街道" if report.township.endswith(("街道", "办事处")) else "乡镇"
            _set(report, "level", level, "乡镇名称")
    _set_year(report, evidence, segmented)
    _set_date(report, raw, segmented)
    _set_title(report, segmented, raw)
    if overrides:
        apply_overrides(report, overrides)


def _set(report: Report, name: str, value, source: str) -> None:
    if value in ("", None):
        return
    setattr(report, name, value)
    report.sources[name] = source


JOINT_ISSUER = re.compile(r"中共[\u4e00-\u9fff]{2,12}?(?:委员会|党委|党工委)\s*")
ISSUER_END = re.compile(r"关于|[（(]?20\d\d|法治政府|依法行政|年度")
DEPARTMENT = re.compile(r"(局|委员会|委|办公室|办|中心|院|队|所|部|厅|处|署|总站|站)$")
GOVERNMENT = re.compile(r"(人民政府|政府|党委|委员会)$")


def _set_unit_level(report: Report, evidence: Evidence, gazetteer: Gazetteer) -> bool:
    """A report by a county or district government, or by a department: its issuer (the title before
    关于/the year) names no township but a county. Sets level and places from the issuer; no township."""
    title = evidence.title.replace("\n", "")
    issuer = ISSUER_END.split(title, 1)[0]
    issuer = re.sub(r"^中共|党委$|和$|、$", "", issuer)
    if not issuer or gazetteer.find_townships(issuer) or TOWNSHIP_IN_TITLE.search(issuer + "法治"):
        return False
    county = gazetteer.find_county(issuer)
    if not county:
        return False
    rest = issuer[issuer.index(county) + len(county) :]
    level = "部门" if rest and DEPARTMENT.search(rest) and not GOVERNMENT.search(rest) else "县区"
    _set(report, "level", level, "标题（发文单位）")
    places = gazetteer.by_county[county]
    if len(places) > 1:  # a county name several cities have: the issuer's own city or province decides
        places = {p for p in places if p[1] in issuer or p[2] in issuer} or places
    for name, index in (("county", 0), ("city", 1), ("province", 2)):
        values = {place[index] for place in places}
        if len(values) == 1:
            _set(report, name, values.pop(), "标题（发文单位，地名录）")
    return True


def _set_township(report: Report, evidence: Evidence, gazetteer: Gazetteer) -> None:
    scores: Counter[str] = Counter()
    where: dict[str, str] = {}
    for text, weight, label in (
        (evidence.title, TITLE_WEIGHT, "标题"),
        (evidence.signature, SIGNATURE_WEIGHT, "落款"),
        (evidence.opening, OPENING_WEIGHT, "开头段落"),
        (evidence.body, 1, "正文自称"),
    ):
        for _, name in gazetteer.find_townships(text):
            if len(name) < 3 and weight < TITLE_WEIGHT:
                continue
            scores[name] += weight
            where.setdefault(name, label)
    best = scores.most_common(2)
    if best and best[0][1] >= 3 and (len(best) == 1 or best[0][1] > best[1][1]):
        name = best[0][0]
        _set(report, "township", name, f"{where[name]}（地名录）")
        return
    # A joint title (中共某某镇委员会 某某镇人民政府 关于…) names the township after the party committee.
    title = JOINT_ISSUER.sub("", evidence.title.replace("\n", "")).strip()
    fallback = TOWNSHIP_IN_TITLE.search(title)
    if fallback:
        name = COUNTY_PREFIX.sub("", fallback.group(1)).removesuffix("办事处")
        _set(report, "township", name, "标题（地名录中没有此乡镇）")


def _set_places(report: Report, evidence: Evidence, gazetteer: Gazetteer) -> None:
    candidates = gazetteer.townships_named(report.township)
    if not candidates:
        return
    text = evidence.everything
    doc_aliases = {m.group(1) for m in DOC_NUMBER.finditer(text)}
    scored = [(_place_score(place, text, doc_aliases), place) for place in candidates]
    top = max(score for score, _ in scored)
    winners = [place for score, place in scored if score == top]
    if len(winners) == 1:
        place = winners[0]
        reason = (
            "地名录（唯一同名乡镇）"
            if len(candidates) == 1
            else f"地名录（{len(candidates)} 个同名乡镇，按正文中的地名确定）"
        )
        for name in GEO_FIELDS:
            _set(report, name, getattr(place, name), reason)
        return
    for name in GEO_FIELDS:
        values = {getattr(place, name) for place in winners}
        if len(values) == 1:
            _set(report, name, values.pop(), f"地名录（{len(winners)} 个同名乡镇均属此地）")


def _place_score(place: Place, text: str, doc_aliases: set[str]) -> int:
    score = 0
    if place.county in text:
        score += 4
    if place.county_alias and place.county_alias in doc_aliases:
        score += 4
    elif len(place.county_alias) >= 2 and place.county_alias in text:
        score += 2
    if place.city != place.province and place.city in text:
        score += 2
    elif place.city != place.province and len(place.city_alias) >= 2 and place.city_alias in text:
        score += 1
    if place.province in text or (len(place.province_alias) >= 2 and place.province_alias in text):
        score += 1
    return score


def _set_year(report: Report, evidence: Evidence, segmented: Segmented) -> None:
    for text, label in ((evidence.title, "标题"), (evidence.opening, "开头段落")):
        match = YEAR.search(text)
        if match:
            _set(report, "year", int(match.group(1)), label)
            return
    years = Counter(int(y) for y in YEAR.findall(evidence.body))
    if years:
        _set(report, "year", years.most_common(1)[0][0], "正文中最常见的年份")


def _set_date(report: Report, raw: RawText, segmented: Segmented) -> None:
    if segmented.date:
        _set(report, "date", segmented.date, "落款日期")
    elif raw.hints.get("date"):
        _set(report, "date", raw.hints["date"], "网页元数据")
    elif segmented.chrome_date:
        _set(report, "date", segmented.chrome_date, "网页发布时间")


def _set_title(report: Report, segmented: Segmented, raw: RawText) -> None:
    if segmented.title_lines:
        _set(report, "title", "".join(segmented.title_lines), "标题行")
        return
    for key, label in (("heading", "网页正文标题"), ("title", "文件标题属性")):
        if raw.hints.get(key):
            _set(report, "title", raw.hints[key], label)
            return
    if report.township or report.year:
        year = f"{report.year}年度" if report.year else ""
        _set(report, "title", f"{report.township}{year}法治政府建设情况报告", "根据乡镇和年份补全（原文无标题）")


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
                raise ReportError(source, f"year 不是年份：{value!r}") from exc
        setattr(report, name, value)
        report.sources[name] = f"用户指定（{source}）"


def load_overrides(path: Path, corpus_root: Path | None = None) -> dict[str, str]:
    """Metadata a user supplied for ``path``: ``<stem>.meta.json`` beside it, or a row of metadata.csv."""
    for sidecar in (path.with_name(path.stem + ".meta.json"), path.with_name(path.name + ".meta.json")):
        if sidecar.is_file():
            try:
                data = json.loads(sidecar.read_text(encoding="utf-8-sig"))
            except (OSError, ValueError) as exc:
                raise ReportError(sidecar, f"元数据文件无法解析：{exc}") from exc
            if not isinstance(data, dict):
                raise ReportError(sidecar, "元数据文件应是一个 JSON 对象")
            return {**{k: v for k, v in data.items() if k in METADATA_FIELDS}, "_source": sidecar.name}
    for folder in _folders_up_to(path.parent, corpus_root):
        table = folder / "metadata.csv"
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
