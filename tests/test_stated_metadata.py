"""Metadata on reports whose names the gazetteer does not know: what a report states about itself (title,
issuer line, signature) outranks the gazetteer; years of cited documents are not the report's; page chrome is
dropped; parts are found without part headings. Names are generated, so no rule can be tuned to them."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.ingest.gazetteer import load_gazetteer
from search.ingest.pipeline import process_file

NAME_CHARACTERS = "安宝北长成大东丰富甘古广和河红华黄吉佳金锦靖康乐利莲林龙鹿梅明南宁平青庆仁瑞山上石双顺太桃天田同团万文西祥新兴秀阳宜永玉元云长镇忠竹"
BODY = [
    "一、主要举措和成效",
    "聘请律师担任{township}政府法律顾问，全年审查合同18份，出具法律意见书5份。",
    "全年调解矛盾纠纷120件，调解成功116件。",
    "二、存在的不足",
    "干部法治意识有待提高，执法力量薄弱。",
    "三、下一步工作打算",
    "加强干部学法，充实执法力量。",
]


def _unknown_name(rng: random.Random, ending: str, known) -> str:
    while True:
        name = "".join(rng.choice(NAME_CHARACTERS) for _ in range(2)) + ending
        if name not in known:
            return name


def _write(folder: Path, name: str, lines: list[str]) -> Path:
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _title_styles(county: str, township: str, year: int) -> list[list[str]]:
    """The same report headed as townships head them: issuer in the title, an issuer line under a generic
    title, a signature only."""
    return [
        [f"{county}{township}人民政府关于{year}年度法治政府建设情况的报告"],
        [f"{county}{township}{year}年法治政府建设工作报告"],
        ["关于法治政府建设工作情况的报告", f"{county}{township}人民政府", "县委依法治县办："],
        [f"{township}{year}年度法治政府建设情况报告", f"{county}{township}人民政府"],
    ]


def test_townships_and_counties_the_gazetteer_lacks_are_kept_as_stated(tmp_path):
    gazetteer = load_gazetteer()
    rng = random.Random(23)
    wrong = []
    for number in range(120):
        county = _unknown_name(rng, rng.choice("县区旗"), gazetteer.by_county)
        township = _unknown_name(rng, rng.choice(["乡", "镇", "街道"]), gazetteer.by_township)
        year = rng.randint(2019, 2025)
        for style, head in enumerate(_title_styles(county, township, year)):
            signature = [f"{county}{township}人民政府", f"{year + 1}年1月{rng.randint(1, 28)}日"]
            lines = head + [f"{year}年，我{township[-1]}认真贯彻落实法治政府建设各项部署。"]
            lines += [line.format(township=township) for line in BODY] + signature
            report = process_file(_write(tmp_path, f"{number}-{style}.txt", lines))
            if (report.township, report.county, report.year) != (township, county, year):
                wrong.append((head, report.township, report.county, report.year))
    assert not wrong, wrong[:5]


def test_a_stated_name_is_never_cut_to_a_shorter_gazetteer_name(tmp_path):
    """双古乡 is not 古乡: a gazetteer township that is only the end of the stated name is not the report's."""
    gazetteer = load_gazetteer()
    short = sorted(name for name in gazetteer.by_township if len(name) == 2 and name[-1] in "乡镇")
    rng = random.Random(5)
    wrong = []
    for number, name in enumerate(rng.sample(short, 60)):
        longer = next(c + name for c in NAME_CHARACTERS if c + name not in gazetteer.by_township)
        county = _unknown_name(rng, "县", gazetteer.by_county)
        lines = [f"{county}{longer}人民政府关于2021年度法治政府建设情况的报告", f"2021年，{longer}坚持依法行政。"]
        lines += [line.format(township=longer) for line in BODY]
        report = process_file(_write(tmp_path, f"{number}.txt", lines))
        if (report.township, report.county) != (longer, county):
            wrong.append((longer, report.township, report.county))
    assert not wrong


def test_a_gazetteer_township_that_starts_like_a_county_is_not_cut_into_one(tmp_path):
    """大市聚镇 and 安居社区公共服务站街道 (6 of 1,000 gazetteer townships in five title styles) were the county 大市
    or 安居社区 (shaped like a county: …市, …区) over the township 聚镇 or 公共服务站街道."""
    gazetteer = load_gazetteer()
    shaped = sorted(
        name
        for name, places in gazetteer.by_township.items()
        if len(places) == 1 and re.match(r"^[\u4e00-\u9fff]{1,7}?[县区市旗]", name) and name[-1] in "乡镇道"
    )
    wrong = []
    for number, name in enumerate(random.Random(3).sample(shaped, 40)):
        lines = [f"关于{name}2021年度法治政府建设情况的报告", "2021年，我镇坚持依法行政。"]
        lines += [line.format(township=name) for line in BODY] + [f"{name}人民政府", "2022年1月10日"]
        report = process_file(_write(tmp_path, f"{number}.txt", lines))
        if (report.township, report.county) != (name, gazetteer.townships_named(name)[0].county):
            wrong.append((name, report.township, report.county))
    assert not wrong


@pytest.mark.parametrize(
    ("lines", "place"),
    [
        (["桂林灌阳县新圩镇2023年法治政府建设年度报告"], ("新圩镇", "灌阳县", "桂林市")),
        (["眉山东坡区尚义镇2023年法治政府建设年度报告"], ("尚义镇", "东坡区", "眉山市")),
        (["青岛市北区开平路街道2023年法治政府建设年度报告"], ("开平路街道", "市北区", "青岛市")),
        (["宜君彭镇2023年法治政府建设工作报告"], ("彭镇", "宜君县", "铜川市")),
        (["甘肃民勤县红砂岗镇2023年度法治政府建设工作报告"], ("红砂岗镇", "民勤县", "武威市")),
        (["济南市六里山街道2023年法治政府建设工作报告"], ("六里山街道", "市中区", "济南市")),
        (["襄阳市定中门街道2023年法治政府建设工作报告"], ("定中门街道", "樊城区", "襄阳市")),
        (["河南商丘经济开发区平台街道2023年度法治政府建设工作报告"], ("平台街道", "河南商丘经济开发区", "商丘市")),
        (
            ["和什托洛盖镇党委 和什托洛盖镇人民政府关于2023年度法治政府建设情况的报告"],
            ("和什托洛盖镇", "和布克赛尔蒙古自治县", "塔城地区"),
        ),
        (
            [
                "中共友谊达斡尔族满族柯尔克孜族乡委员会 友谊达斡尔族满族柯尔克孜族乡人民政府关于2023年度法治政府建设情况的报告"
            ],
            ("友谊达斡尔族满族柯尔克孜族乡", "富裕县", "齐齐哈尔市"),
        ),
        (
            ["2023年，西街街道在平城区委、平城区政府的坚强领导下坚持依法行政。", "西街街道人民政府", "2024年1月10日"],
            ("西街街道", "平城区", "大同市"),
        ),
    ],
)
def test_a_title_naming_its_places_in_short_or_at_length_gets_them(tmp_path, lines, place):
    """Gazetteer townships in titles styled as published (1,800 a sample, five styles: 191 of 200 wrong in one):
    a city by its short name before its county (桂林灌阳县) was cut into a county 桂林灌阳县; 青岛市北区 into 青岛市 and
    a 北区; a county's short name before a township of two characters (宜君彭镇) was one name; a joint issuer whose
    township has a long ethnic name was kept whole; 城区 (晋城市) was named by 平城区委, tying the namesakes; a
    province by its short name (甘肃民勤县: 183 of 200 in that style) was part of the county; the 和 joining a
    party committee to its government was taken from 和什托洛盖镇 (2,000 a sample in five more styles); a city
    before its township with no county between (济南市六里山街道: 166 of 200) was a county 济南市."""
    body = [line.format(township=place[0]) for line in BODY]
    report = process_file(_write(tmp_path, "report.txt", [lines[0], *body, *lines[1:]]))
    assert (report.township, report.county, report.city) == place


def test_a_stated_county_is_not_overruled_by_a_namesake_elsewhere(tmp_path):
    """双河镇 exists in many counties, not in 綦江区: a title saying 綦江区双河镇 keeps 綦江区, in 重庆市."""
    gazetteer = load_gazetteer()
    assert "綦江区" not in {place.county for place in gazetteer.townships_named("双河镇")}
    lines = ["綦江区双河镇人民政府关于2021年度法治政府建设情况的报告", "2021年，双河镇坚持依法行政。", *BODY]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert (report.township, report.county, report.city, report.province) == ("双河镇", "綦江区", "重庆市", "重庆市")


@pytest.mark.parametrize(
    "title,expected",
    [
        ("2020年静海区法治政府建设情况报告", ("县区", "", "静海区", "天津市", "天津市")),
        ("北城街街道办事处关于2021年法治政府建设工作的报告", ("街道", "北城街街道", "", "", "")),
        ("朝阳区麦子店街道2020年法治政府建设年度报告", ("街道", "麦子店街道", "朝阳区", "北京市", "北京市")),
        # A zone the gazetteer lacks, named by its province (四川天府新区), and a street office named after the
        # zone it is in (沣东新城王寺街道: 王寺街道 of 沣东新城 of 西咸新区)
        ("四川天府新区华阳街道2023年法治政府建设工作报告", ("街道", "华阳街道", "四川天府新区", "", "四川省")),
        ("西咸新区沣东新城王寺街道2023年法治政府建设工作总结", ("街道", "王寺街道", "西咸新区", "", "")),
    ],
)
def test_titles_name_their_unit(tmp_path, title, expected):
    report = process_file(_write(tmp_path, "r.txt", [title, "2020年，坚持依法行政。", *BODY]))
    assert (report.level, report.township, report.county, report.city, report.province) == expected


@pytest.mark.parametrize(
    "lines,year",
    [
        (
            [
                "龙泉镇法治政府建设情况报告",
                "认真贯彻《法治政府建设实施纲要（2023—2027年）》。",
                "2023年，龙泉镇坚持依法行政。",
            ],
            2023,
        ),
        (
            [
                "某镇法治政府建设情况报告",
                "贯彻《纲要（2021-2025年）》，坚持依法行政。",
                "全镇干部参加学法。",
                "某镇人民政府",
                "2023年1月5日",
            ],
            2022,
        ),
        (
            ["某镇法治政府建设情况报告", "我镇按照《规划（2021—2025年）》部署开展工作。", "2022年，全镇坚持依法行政。"],
            2022,
        ),
        # no year but where the span reported on starts (a published report, its number skipped with its title)
        (["雷东府〔2025〕26号", "2025年以来，我镇政府全面依法行政。现将有关情况报告如下：", "一、主要工作"], 2025),
    ],
)
def test_the_year_is_the_reports_not_a_cited_documents(tmp_path, lines, year):
    lines = lines[:3] + [line.format(township="某镇") for line in BODY] + lines[3:]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert report.year == year, report.sources.get("year")


def test_page_chrome_is_dropped_and_counted(tmp_path):
    lines = [
        "2026-03-04作者：  来源：辛集镇人民政府  浏览次数：1862",
        "【字体：大 中 小】",
        "辛集镇2023年度法治政府建设情况报告",
        "2023年，辛集镇认真学习贯彻习近平法治思想。",
        *[line.format(township="辛集镇") for line in BODY],
        "打印本页 关闭窗口",
    ]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert report.title == "辛集镇2023年度法治政府建设情况报告"
    assert report.chrome_lines == 3
    texts = " ".join(p.text for p in report.paragraphs)
    assert not any(word in texts for word in ("浏览次数", "字体", "打印本页", "来源"))
    assert report.paragraphs[0].text.startswith("2023年，辛集镇")


def test_a_government_sites_bracketed_disclosure_labels_are_chrome(tmp_path):
    """Government information pages print 【公开属性】主动公开 and 发文字号：… over the title: the line was taken for
    the report's first paragraph, and the title and township were lost."""
    lines = ["【公开属性】主动公开", "发文字号：辛政〔2024〕2号", "辛集镇2023年度法治政府建设情况报告", *BODY]
    report = process_file(_write(tmp_path, "r.txt", [line.format(township="辛集镇") for line in lines]))
    assert (report.title, report.township, report.chrome_lines) == ("辛集镇2023年度法治政府建设情况报告", "辛集镇", 2)


def test_parts_are_found_by_their_headings_in_other_words(tmp_path):
    lines = [
        "某县某镇2022年法治政府建设工作报告",
        "一、2022年工作开展情况",
        "聘请律师担任法律顾问。",
        "二、存在的困难和问题",
        "执法力量薄弱。",
        "三、主要负责人履职情况",
        "镇党委书记带头述法。",
        "四、2023年工作思路",
        "加强干部学法。",
    ]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert [p.part for p in report.paragraphs] == [
        "主要举措和成效",
        "存在的不足和原因",
        "第一责任人履职",
        "下一年度安排",
    ]


def test_a_report_without_headings_has_its_parts_found_by_paragraph_openings(tmp_path):
    lines = [
        "某镇2021年法治政府建设情况报告",
        "2021年，我镇坚持以习近平法治思想为指导，各项工作稳步推进。",
        "一是加强组织领导，调整充实领导小组。",
        "二是坚持依法决策，聘请律师担任法律顾问。",
        "虽然取得了一定成效，但是仍存在一些不足：一是干部法律知识不足；",
        "二是执法力量薄弱。",
        "下一步，我镇将加大干部学法培训力度。",
    ]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert [p.part for p in report.paragraphs] == [
        "概述",
        "主要举措和成效",
        "主要举措和成效",
        "存在的不足和原因",
        "存在的不足和原因",
        "下一年度安排",
    ]


def test_namesake_townships_stay_apart_in_facets_filters_and_compare(tmp_path):
    """Two 城关镇 of different counties are two townships; 城关镇 alone still selects both."""
    from search.engine import Engine
    from search.index.writer import update_index
    from search.query import SearchRequest

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for county in ("巫山县", "奉节县"):
        lines = [f"{county}城关镇人民政府关于2021年度法治政府建设情况的报告", "2021年，城关镇坚持依法行政。"]
        _write(corpus, f"{county}.txt", lines + [line.format(township="城关镇") for line in BODY])
    _write(corpus, "other.txt", ["巫山县龙溪镇人民政府关于2021年度法治政府建设情况的报告", *BODY])
    update_index(corpus, tmp_path / "index", jobs=1)
    engine = Engine(tmp_path / "index")
    try:
        facet = {v["value"]: v["count"] for v in engine.search(SearchRequest(q="法律顾问"))["facets"]["township"]}
        assert facet == {"城关镇（巫山县）": 1, "城关镇（奉节县）": 1, "龙溪镇": 1}
        assert engine.search(SearchRequest(q="法律顾问", filters={"township": ["城关镇"]}))["total"] == 2
        one = {"township": ["城关镇（奉节县）"]}
        assert engine.search(SearchRequest(q="法律顾问", filters=one))["total"] == 1
        both = {"township": ["城关镇"], "county": ["巫山县"]}
        assert [h["county"] for h in engine.search(SearchRequest(q="法律顾问", filters=both))["hits"]] == ["巫山县"]
        groups = engine.search(SearchRequest(q="法律顾问", group_by="township", limit=10))["group_totals"]
        assert set(groups) == {"城关镇（巫山县）", "城关镇（奉节县）", "龙溪镇"}
        assert {v["value"] for v in engine.stats()["facets"]["township"]} == set(facet)
    finally:
        engine.close()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(-1, 5), st.integers(-1, 3), st.integers(1, 4)), max_size=40))
def test_townships_keyed_run_by_run_are_those_of_keying_every_document(runs):
    """A state keys its townships by county once per run of equal (township, county) codes (a report's
    paragraphs): the same values and codes as a label worked out for every document, whatever the runs."""
    import numpy as np

    from search.query.facets import FacetTable

    lengths = [length for *_, length in runs]
    townships = np.repeat([t for t, _, _ in runs], lengths).astype(np.int32)
    counties = np.repeat([c for _, c, _ in runs], lengths).astype(np.int32)
    names, county_names = [f"镇{i}" for i in range(6)], [f"县{i}" for i in range(4)]
    table = FacetTable.__new__(FacetTable)
    table.codes = {"township": townships.copy(), "county": counties}
    table.values = {"township": list(names), "county": county_names}
    plain = table._key_townships_by_county()

    pairs = {(int(t), int(c)) for t, c in zip(townships, counties, strict=True) if t >= 0}
    counted = {name: sum(1 for t, _ in pairs if names[t] == name) for name in names}

    def label(t: int, c: int) -> str:
        return f"{names[t]}（{county_names[c] if c >= 0 else '县区不详'}）" if counted[names[t]] > 1 else names[t]

    labels = sorted({label(t, c) for t, c in pairs})
    expected = [labels.index(label(int(t), int(c))) if t >= 0 else -1 for t, c in zip(townships, counties, strict=True)]
    assert table.values["township"] == labels and table.codes["township"].tolist() == expected
    assert plain == [label.split("（")[0] for label in labels]


def test_a_saved_pages_breadcrumb_date_banner_and_font_switch_are_chrome(tmp_path):
    """A page copied whole: the site's banner dated with its weekday (whose year was taken for the report's), a
    breadcrumb over two lines, 大/中/小 one per line and the title printed twice ran into one opening paragraph."""
    lines = [
        "青山县人民政府 2019年12月3日星期二",
        "无障碍 简体 | 繁体",
        "您当前所在位置：首页",
        "> 政务公开 > 法治政府建设报告 > 乡镇街道",
        "辛集镇2023年度法治政府建设情况报告",
        "[ 索引号 ] 11500230008689762A/2024-00004 [ 发文字号 ]",
        "大",
        "中",
        "小",
        "-",
        "辛集镇2023年度法治政府建设情况报告",
        "2023年，辛集镇认真学习贯彻习近平法治思想。",
        *[line.format(township="辛集镇") for line in BODY],
    ]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert (report.title, report.township, report.year) == ("辛集镇2023年度法治政府建设情况报告", "辛集镇", 2023)
    assert report.paragraphs[0].text == "2023年，辛集镇认真学习贯彻习近平法治思想。"
    assert report.chrome_lines == 9 and not report.date  # the banner's date is the day the page was saved


def test_a_sites_menu_and_a_breadcrumb_from_its_name_are_chrome(tmp_path):
    """An office's site (区民政局) over its menu (首页 政务公开 办事服务: the spaces between the items, taken out
    when a line is normalized, tell it) and a breadcrumb starting from the site's name, not its home page: the
    three ran into the title and the opening paragraph, and the title was the site's name."""
    lines = [
        "区民政局",
        "网站首页　政务公开　办事服务　互动交流",
        "区民政局>专题专栏>法治政府建设报告",
        "青山区湖滨街道办事处2024年度法治政府建设情况报告",
        "来源：区民政局 时间：2025-02-11 09:10:00 浏览次数：",
        "2024年，湖滨街道坚持依法行政，法治政府建设取得新成效。",
        *[line.format(township="湖滨街道") for line in BODY],
    ]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert (report.title, report.township) == (lines[3], "湖滨街道")
    assert report.paragraphs[0].text == lines[5] and report.chrome_lines >= 3


def test_a_line_of_short_words_without_a_sites_word_is_text(tmp_path):
    """A report's own line of short items is no menu: it names no home page and no word only chrome uses."""
    lines = [
        "湖滨街道2024年度法治政府建设情况报告",
        "学法 用法 守法 护法",
        *[line.format(township="湖滨街道") for line in BODY],
    ]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert report.paragraphs[0].text.startswith("学法用法守法护法")


def test_a_sites_name_over_a_title_that_names_its_issuer_is_not_part_of_the_title(tmp_path):
    """禄丰市人民政府 (the site) over 中村乡人民政府关于…的报告 made one title of both, and a county's report of it;
    an issuer over 关于…的报告 is still the first line of a title written on two lines."""
    lines = [
        "禄丰市人民政府",
        "首页 >> 政府信息公开 >> 法定主动公开内容",
        "中村乡人民政府关于2022年法治政府建设工作情况报告",
    ]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="中村乡") for line in BODY]]))
    assert (report.title, report.township, report.county, report.level) == (lines[2], "中村乡", "禄丰市", "乡镇")
    two_lines = ["中村乡人民政府", "关于法治政府建设的情况报告", "2022年，中村乡深入推进依法行政。"]
    report = process_file(_write(tmp_path, "s.txt", [*two_lines, *[line.format(township="中村乡") for line in BODY]]))
    assert (report.title, report.township) == ("中村乡人民政府关于法治政府建设的情况报告", "中村乡")


@pytest.mark.parametrize(
    "labels",
    [
        ["[ 发布机构 ] 开化县中村乡人民政府 [ 有效性 ]"],
        ["索 引 号: | kaihua0801/2023-0000012 | 公开目录: | 法治政府建设 |", "发布机构: | 开化县中村乡 |"],
    ],
)
def test_a_pages_issuer_label_in_brackets_or_a_table_places_the_report(tmp_path, labels):
    """A site's disclosure labels in half-width brackets or as a table copied with its bars: the table's first
    line was taken for the title, and the issuer under either was not read."""
    lines = [*labels, "中村乡2022年法治政府建设工作报告"]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="中村乡") for line in BODY]]))
    assert (report.title, report.township, report.county) == (lines[-1], "中村乡", "开化县")
    assert report.chrome_lines == len(labels)


def test_a_units_disclosure_banner_and_a_title_given_twice_by_label_and_line_are_no_paragraph(tmp_path):
    """A disclosure page (廉江市良垌镇, as saved): the unit's section banner (…人民政府信息公开), 名称：<title> and
    主题词： among the labels, the title again: the title was made up and the banner and title ran into the
    first paragraph."""
    title = "开化县中村乡人民政府2024年法治政府建设年度报告"
    lines = [
        "政府信息公开 规章库",
        "开化县中村乡人民政府信息公开",
        "索引号: 11440881007109850C/2025-00001 分类:",
        f"名称: {title}",
        "主题词:",
        "【打印】 【字体:",
        title,
    ]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="中村乡") for line in BODY]]))
    assert (report.title, report.township, report.county) == (title, "中村乡", "开化县")
    assert [p.text for p in report.paragraphs][0] == BODY[1].format(township="中村乡")


def test_a_pages_labels_without_colons_and_a_table_of_label_names_are_chrome(tmp_path):
    """发布机构屏边县新华乡人民政府 / 发布日期2026-01-27 (labels a page prints with no colon) and 索 引 号 发布机构 /
    文 号 〔〕号 有效性 (a table's heads copied without values) ran into the opening with the title; the issuer
    under a bare label was not read."""
    lines = [
        "- 乡镇信息公开",
        "索引号pbxx0001/2026-00001",
        "发布机构开化县中村乡人民政府",
        "文号",
        "发布日期2026-01-27",
    ]
    lines += ["时效性有效", "索 引 号 发布机构", "文  号 〔〕号 有效性", "中村乡2025年法治政府建设工作情况报告"]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="中村乡") for line in BODY]]))
    assert (report.title, report.township, report.county) == (lines[-1], "中村乡", "开化县")
    assert report.chrome_lines == len(lines) - 1


def test_a_title_printed_again_over_two_lines_under_a_pages_labels_is_no_paragraph(tmp_path):
    """A disclosure page's labels (公文时效 among them) over its title printed again as the page breaks it (…工作 /
    年度报告): the label stopped the front matter, and the title's two lines ran into the first paragraph."""
    page = "\n".join(
        [
            "岗巴县青山乡2025年法治政府建设工作 年度报告",
            "- 索引号：gbx/2026-00000",
            "- 发文机构：岗巴县青山乡",
            "- 公文时效：",
            "- 发布日期：2026-01-21",
            "岗巴县青山乡2025年法治政府建设工作",
            "年度报告",
            "在县委、县政府的正确领导下，青山乡坚持以习近平法治思想为指导，现将我乡2025年工作情况报告如下：",
            "一、工作开展情况",
            "全年召开乡党委会集体学习33次。",
        ]
    )
    path = tmp_path / "page.txt"
    path.write_text(page + "\n", encoding="utf-8")
    report = process_file(path)
    assert report.title == "岗巴县青山乡2025年法治政府建设工作年度报告"
    assert report.paragraphs[0].text.startswith("在县委")
    assert (report.township, report.county, report.year) == ("青山乡", "岗巴县", 2025)


@pytest.mark.parametrize(
    ("source", "county"),
    [("浚县司法局", "浚县"), ("浚县融媒体中心", "浚县"), ("人民网", ""), ("本网", "")],
)
def test_a_pages_source_office_places_a_township_that_has_namesakes(tmp_path, source, county):
    """小河镇 is the name of townships in many counties and the report never names its own: the page's 来源 (the
    county's office that published it) does, where it is a county's office; a newspaper or the site names none."""
    lines = [
        "小河镇人民政府关于2024年法治政府建设情况的报告",
        f"发布时间:2025年03月28日 16:38 来源:{source} 浏览次数:",
    ]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="小河镇") for line in BODY]]))
    assert (report.township, report.county, report.level, report.chrome_lines) == ("小河镇", county, "乡镇", 1)
    assert report.sources.get("county", "") == ("网页来源" if county else "")


def test_a_party_working_committee_over_the_title_is_no_city(tmp_path):
    """中共重庆市荣昌区广顺街道工作委员会 over the government's line: its 中共 was read as part of a city's name."""
    lines = [
        "中共重庆市荣昌区广顺街道工作委员会",
        "重庆市荣昌区人民政府广顺街道办事处",
        "关于2025年度法治政府建设情况的报告",
        "区委、区政府：",
    ]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="广顺街道") for line in BODY]]))
    assert (report.township, report.county, report.city, report.province) == ("广顺街道", "荣昌区", "重庆市", "重庆市")


def test_a_saved_wechat_article_keeps_its_report_and_drops_its_byline_and_tail(tmp_path):
    """A township's report as its official account posts it: a column over the title (法治建设｜), a byline with
    the time it was posted, 点击蓝字 关注我们, and after END the editors and 往期推荐, other articles' titles. The
    byline ran into the opening paragraph and the other articles' titles into the last."""
    lines = [
        "法治建设｜中村乡2024年度法治政府建设工作报告",
        "原创 中村乡 中村发布 2025年01月20日 10:08 浙江",
        "点击蓝字 关注我们",
        *[line.format(township="中村乡") for line in BODY],
        "— END —",
        "图文来源：中村乡综治办",
        "编辑：李某某",
        "往期推荐",
        "中村乡开展宪法宣传周活动",
        "中村乡召开2025年安全生产工作会",
        "分享 收藏 点赞 在看",
    ]
    report = process_file(_write(tmp_path, "r.txt", lines))
    assert (report.title, report.township, report.date) == (
        "中村乡2024年度法治政府建设工作报告",
        "中村乡",
        "2025-01-20",
    )
    body = [line.format(township="中村乡") for line in BODY if line[0] not in "一二三"]
    assert [p.text for p in report.paragraphs] == body
    assert report.chrome_lines == 9


@pytest.mark.parametrize(
    "head",
    [
        # the page's own title (title_column_site) printed over the title, the platform's labels under it
        [
            "中村乡2024年法治政府建设情况报告_乡镇文件_开化县人民政府门户网站",
            "中村乡2024年法治政府建设情况报告",
            "信息来源: 中村乡 发布时间 2025-02-09",
            "【字号",
            "  • 所属类目: 乡镇文件",
            "  • 体       裁: 报告",
            "  • 公开类别: 主动公开",
            "  • 机构名称: 中村乡",
        ],
        ["正文内容区域请使用tab按钮切换浏览", "中村乡2024年法治政府建设情况报告"],  # a screen reader's hint
        ["中村乡2024年法治政府建设情况报告 2025-02-28"],  # a list's date on the title's line
    ],
)
def test_a_pages_own_title_its_platform_labels_and_hints_leave_the_title_and_opening_as_written(tmp_path, head):
    """Published pages (上海's street offices): the page title with its column and site, 【字号, labels such as
    所属类目 / 体裁 / 机构名称, a hint for screen readers, or the list's date after the title ran into the title or
    the first paragraph. The site of the page title names the county of a township other counties have too."""
    report = process_file(_write(tmp_path, "r.txt", [*head, *[line.format(township="中村乡") for line in BODY]]))
    assert (report.title, report.township) == ("中村乡2024年法治政府建设情况报告", "中村乡")
    assert [p.text for p in report.paragraphs] == [
        line.format(township="中村乡") for line in BODY if line[0] not in "一二三"
    ]
    assert report.county == ("开化县" if "门户网站" in head[0] else "")  # the page's site decides between namesakes


def test_a_labels_value_on_the_line_under_it_is_chrome_but_a_title_there_is_not(tmp_path):
    """A page laid out in a table copies each label over its value (发布时间： / 2026-03-04, 来源： / 万古镇人民政府):
    the values ran into the first paragraph and the date was lost. The title under a label with no value of its
    own (公开日) stays the title."""
    title = "滑县中村乡人民政府关于2025年法治政府建设情况的报告"
    lines = [title, "发布时间:", "2026-03-04", "作者:", "来源:", "中村乡人民政府"]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="中村乡") for line in BODY]]))
    assert (report.title, report.date, report.chrome_lines) == (title, "2026-03-04", 5)
    assert report.paragraphs[0].text == BODY[1].format(township="中村乡")
    under = ["中村乡人民政府", "政府信息公开", "公开日", "中村乡2024年度法治政府建设工作报告", "发布时间: 2025-03-12"]
    report = process_file(_write(tmp_path, "s.txt", [*under, *[line.format(township="中村乡") for line in BODY]]))
    assert report.title.endswith("中村乡2024年度法治政府建设工作报告")


def test_a_title_printed_again_over_two_lines_under_itself_is_one_title(tmp_path):
    """重庆市渝北区大盛镇人民政府关于…报告 then the same over two lines (the issuer, then 关于…报告): the second
    half was added to the title."""
    title = "重庆市渝北区中村乡人民政府关于2024年法治政府建设情况的报告"
    lines = [title, "重庆市渝北区中村乡人民政府", "关于2024年法治政府建设情况的报告"]
    report = process_file(_write(tmp_path, "r.txt", [*lines, *[line.format(township="中村乡") for line in BODY]]))
    assert report.title == title and report.paragraphs[0].text == BODY[1].format(township="中村乡")
