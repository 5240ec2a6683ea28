"""Metadata: township, its county/city/province through the gazetteer, year, title, overrides."""

from __future__ import annotations

import json
import shutil

import pytest

from search.ingest.model import ReportError
from search.ingest.pipeline import process_file

EXPECTED = {
    "北屏乡": ("城口县", "重庆市", "重庆市", 2020),
    "黄石镇": ("云阳县", "重庆市", "重庆市", 2021),
    "蒲台乡": ("乐都区", "海东市", "青海省", 2020),
    "花台乡": ("巫溪县", "重庆市", "重庆市", 2023),
    "大湾镇": ("渝北区", "重庆市", "重庆市", 2020),
}


@pytest.mark.parametrize("township", sorted(EXPECTED))
def test_sample_township_and_place_are_resolved(township, sample_reports):
    report = sample_reports[township]
    assert (report.township, report.county, report.city, report.province, report.year) == (
        township,
        *EXPECTED[township],
    )


def test_report_year_is_the_year_reported_on_not_the_publishing_date(sample_reports):
    report = sample_reports["大湾镇"]
    assert report.year == 2020
    assert report.date == "2021-01-28"


def test_missing_title_is_reconstructed_and_says_so(sample_reports):
    report = sample_reports["北屏乡"]
    assert report.title == "北屏乡2020年度法治政府建设情况报告"
    assert "补全" in report.sources["title"]


@pytest.mark.parametrize(
    "title", ["《城口县北屏乡2022年法治政府建设工作情况报告》", "标题：城口县北屏乡2022年法治政府建设工作情况报告"]
)
def test_a_title_in_book_marks_or_under_a_pages_label_names_its_township_and_year(title, tmp_path):
    """A title copied from a list (《…》) or a page's table (标题：…) gave the township 《城口县北屏乡 or 标题：城口县北屏乡,
    no county, and the body's commonest year."""
    path = tmp_path / "report.txt"
    path.write_text(f"{title}\n一、主要举措和成效\n2023年1月，聘请法律顾问1名，审查合同12份。\n", encoding="utf-8")
    report = process_file(path)
    assert report.title == "城口县北屏乡2022年法治政府建设工作情况报告"
    assert (report.township, report.county, report.year) == ("北屏乡", "城口县", 2022)


def test_a_report_without_title_or_signature_takes_the_township_its_opening_names(tmp_path):
    """A township the gazetteer lacks, in a report with no title and no signature (as the first sample has),
    had no township at all: the subject of the first sentence, named twice in the text, is it; 全镇 is none."""
    body = "一、主要举措和成效\n聘请法律顾问1名，深入推进青杉镇依法治镇进程。\n"
    named = tmp_path / "a.txt"
    named.write_text("2020年，青杉镇法治政府建设工作在县委、县政府的正确领导下稳步推进。\n" + body, encoding="utf-8")
    report = process_file(named)
    assert report.township == "青杉镇" and "开头段落" in report.sources["township"]
    unnamed = tmp_path / "b.txt"
    unnamed.write_text("2020年，全镇法治政府建设工作在县委的领导下稳步推进。\n" + body, encoding="utf-8")
    assert process_file(unnamed).township == ""


def test_ambiguous_township_without_evidence_leaves_county_empty(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "大湾镇2021年法治政府建设情况报告\n一、主要举措和成效\n大湾镇聘请律师担任法律顾问。", encoding="utf-8"
    )
    report = process_file(path)
    assert report.township == "大湾镇"
    assert (report.county, report.city, report.province) == ("", "", "")


def test_document_number_settles_the_county(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text(
        "大湾镇2021年法治政府建设情况报告\n按照《通知》（渝北府办发〔2021〕3号）要求，大湾镇聘请律师担任法律顾问。",
        encoding="utf-8",
    )
    assert process_file(path).county == "渝北区"


def test_unknown_place_stays_unknown(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("一、主要举措和成效\n我们聘请律师担任法律顾问。", encoding="utf-8")
    report = process_file(path)
    assert (report.township, report.county, report.province, report.year, report.title) == ("", "", "", None, "")


def test_sidecar_overrides_and_is_reported(samples, tmp_path):
    path = tmp_path / "report.txt"
    shutil.copy(samples["黄石镇"], path)
    (tmp_path / "report.meta.json").write_text(json.dumps({"county": "龙川县", "year": 2022}), encoding="utf-8")
    report = process_file(path)
    assert (report.county, report.year) == ("龙川县", 2022)
    assert "report.meta.json" in report.sources["county"]


def test_metadata_csv_saved_by_excel_overrides(samples, tmp_path):
    path = tmp_path / "a.txt"
    shutil.copy(samples["北屏乡"], path)
    (tmp_path / "metadata.csv").write_bytes("file,township,date\r\na.txt,北屏乡,2021-02-01\r\n".encode("utf-8-sig"))
    report = process_file(path, corpus_root=tmp_path)
    assert report.date == "2021-02-01"
    assert "metadata.csv" in report.sources["date"]


def test_broken_sidecar_names_the_sidecar(samples, tmp_path):
    path = tmp_path / "report.txt"
    shutil.copy(samples["黄石镇"], path)
    (tmp_path / "report.meta.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ReportError, match="report.meta.json"):
        process_file(path)


def _describe_text(tmp_path, text: str):
    from search.ingest.pipeline import process_file

    path = tmp_path / "report.txt"
    path.write_text(text, encoding="utf-8")
    return process_file(path)


def test_a_district_government_report_gets_its_level_and_places_and_no_township(tmp_path):
    report = _describe_text(
        tmp_path,
        "深圳市光明区人民政府关于2021年法治政府建设工作情况的报告\n一、主要举措\n"
        "我区各街道聘请律师担任法律顾问，公明街道、凤凰街道全年审查合同120份。\n",
    )
    assert (report.level, report.township, report.county, report.city, report.province) == (
        "县区",
        "",
        "光明区",
        "深圳市",
        "广东省",
    )


def test_a_department_report_is_a_department_of_its_county(tmp_path):
    report = _describe_text(
        tmp_path, "重庆市长寿区司法局2022年法治政府建设年度报告\n一、主要举措\n局党组聘请法律顾问。\n"
    )
    assert (report.level, report.township, report.county, report.province, report.year) == (
        "部门",
        "",
        "长寿区",
        "重庆市",
        2022,
    )


def test_street_office_joint_issuer_and_yearless_titles(tmp_path):
    street = _describe_text(tmp_path, "北城街街道2021年法治政府建设工作报告\n一、主要举措\n街道聘请法律顾问。\n")
    assert (street.level, street.township, street.year) == ("街道", "北城街街道", 2021)
    joint = _describe_text(
        tmp_path, "中共某某镇委员会 某某镇人民政府\n关于2021年法治政府建设情况的报告\n一、主要举措\n聘请法律顾问。\n"
    )
    assert (joint.level, joint.township, joint.year) == ("乡镇", "某某镇", 2021)
    yearless = _describe_text(
        tmp_path, "花台乡法治政府建设工作报告\n一、工作开展情况\n2023年，花台乡聘请律师担任法律顾问。\n"
    )
    assert (yearless.township, yearless.county, yearless.year) == ("花台乡", "巫溪县", 2023)


def test_the_samples_are_township_level():
    from conftest import SAMPLES

    from search.ingest.pipeline import process_file

    assert {process_file(path).level for path in SAMPLES.values()} == {"乡镇"}


def test_two_line_titles_with_an_addressee_line_at_both_levels(tmp_path):
    town = _describe_text(
        tmp_path,
        "巫溪县花台乡人民政府\n关于2023年法治政府建设情况的报告\n巫溪县人民政府：\n"
        "现将我乡2023年法治政府建设情况报告如下：\n一、主要举措\n聘请律师担任法律顾问。\n",
    )
    assert town.title == "巫溪县花台乡人民政府关于2023年法治政府建设情况的报告"
    assert (town.level, town.township, town.county, town.year) == ("乡镇", "花台乡", "巫溪县", 2023)
    assert not any("巫溪县人民政府：" in p.text for p in town.paragraphs)
    district = _describe_text(
        tmp_path,
        "重庆市长寿区人民政府\n关于2022年度法治政府建设情况的报告\n重庆市人民政府：\n"
        "2022年，我区深入推进依法行政。\n一、主要举措\n各镇街聘请法律顾问。\n",
    )
    assert (district.level, district.township, district.county, district.year) == ("县区", "", "长寿区", 2022)


@pytest.mark.parametrize(
    ("signature", "date"),
    [
        ("中共翠湖镇委员会      翠湖镇人民政府\n二〇二四年一月十日", "2024-01-10"),
        ("中共翠湖镇委员会\n二○二三年十二月二十八日", "2023-12-28"),
        ("翠湖镇人民政府\n2024年1月10日", "2024-01-10"),
    ],
)
def test_a_signature_in_chinese_numerals_or_by_two_issuers_names_the_township(tmp_path, signature, date):
    """A title that names no place (关于…的报告): the signature does — the party committee beside the
    government, or alone, and the date in Chinese numerals as official documents sign it."""
    report = _describe_text(
        tmp_path,
        "关于2023年度法治政府建设情况的报告\n一、主要工作及成效\n镇政府常年法律顾问列席党政联席会议12次。\n"
        f"二、存在的问题\n法治人才匮乏。\n{signature}\n",
    )
    assert (report.township, report.date) == ("翠湖镇", date)
    assert report.sources["township"].startswith("落款")
    assert not any("年" in p.text and "月" in p.text and len(p.text) < 15 for p in report.paragraphs)


def test_a_report_that_names_no_township_takes_it_from_its_file_and_folder(tmp_path):
    """Users name files by township and folders by county: the last evidence, used when the text is silent."""
    body = "2023年法治政府建设情况报告\n一、主要举措和成效\n我镇聘请法律顾问1名，审查合同30份。\n"
    (tmp_path / "渝北区").mkdir()
    namesake = tmp_path / "渝北区" / "大湾镇-2023年度.txt"
    namesake.write_text(body, encoding="utf-8")
    report = process_file(namesake)
    assert (report.township, report.county, report.province) == ("大湾镇", "渝北区", "重庆市")
    assert report.sources["township"] == "文件名（地名录）"
    unknown = tmp_path / "01_翠湖镇2023年法治政府建设报告.txt"
    unknown.write_text(body, encoding="utf-8")
    assert process_file(unknown).township == "翠湖镇"
    titled = tmp_path / "大湾镇.txt"
    titled.write_text("黄石镇" + body, encoding="utf-8")
    assert process_file(titled).township == "黄石镇"  # what the report says outranks its file's name


@pytest.mark.parametrize(
    ("head", "date"),
    [
        ("法治政府建设年度报告（翠湖镇）", ""),
        ("翠湖镇：2023年法治政府建设工作总结", ""),
        ("2023年度法治政府建设情况报告\n（翠湖镇人民政府  2024年1月8日）", "2024-01-08"),
        ("2023年度法治政府建设情况报告\n（翠湖镇人民政府）", ""),
    ],
)
def test_the_township_stated_around_the_title_is_read(tmp_path, head, date):
    """In brackets after the subject, before a colon, or on a bracketed line under the title with the date."""
    report = _describe_text(tmp_path, f"{head}\n一、主要举措和成效\n镇政府聘请律师担任法律顾问，全年审查合同30份。\n")
    assert (report.township, report.date) == ("翠湖镇", date)
    assert [p.text for p in report.paragraphs] == ["镇政府聘请律师担任法律顾问，全年审查合同30份。"]


def test_reports_in_layouts_written_after_the_rules_get_their_metadata_and_parts():
    """Reports in layouts the rules were not written for (tests/data/layouts/: a Jiangsu street office, a
    Gansu township without title or headings, a Guizhou town nesting four levels, a Shandong page with bold
    headings, a Henan county government, a joint signature in Chinese numerals under a combined heading; and
    of 2026-12-06: an Inner Mongolian 苏木 the gazetteer lacks, a Shanghai street office with 【】 headings, a
    GBK file titled in Chinese numerals with no signature, a report under its cover letter, a street office
    whose leader's duty and shortcomings are subsections of its work, a town without headings whose
    shortcomings open with 还存在一些薄弱环节; and in the formats users bring: a .docx with heading styles and a
    table, a GB2312 page of <br> lines, a report sent as 附件2 with a contact line under its signature, 2024年，
    我们将… plans without a heading, a PDF with a running header; and of 2026-12-07 in tests/data/regions/: a
    Beijing street office the gazetteer has a namesake of, with 基本情况/主要做法/下一步工作打算, a Fujian 工作总结
    whose leaders' duty is a numbered item of its work, a Hunan report in 第一部分… parts with page numbers and
    特此报告, a Guangdong page with a 政府信息公开 table and related links to other years, a GBK Hebei file
    signed in Chinese numerals, a Chongqing report whose title names no place; slogan headings, parts turned by
    prose, a fifth heading 其他需要报告的情况): every metadata field and every part present or absent as written
    down."""
    from pathlib import Path

    root = Path(__file__).resolve().parent / "data"
    truth = json.loads((root / "layouts_truth.json").read_text(encoding="utf-8"))
    required = ("主要举措和成效", "存在的不足和原因", "第一责任人履职", "下一年度安排")
    wrong = []
    for path, want in truth.items():
        if path.startswith("_"):
            continue
        report = process_file(root / path)
        wrong += [(path, name) for name in METADATA_CHECKED if getattr(report, name) != want[name]]
        present = {paragraph.part for paragraph in report.paragraphs}
        wrong += [(path, part) for part in required if (part in present) != (part in want["parts"])]
    assert len(truth) - 1 == 26 and wrong == []


METADATA_CHECKED = ("township", "county", "city", "province", "year", "level", "date")


def test_a_township_the_gazetteer_lacks_takes_the_county_its_text_names_as_an_authority(tmp_path):
    """A new or renamed township: the county comes from the text when it names one as an authority
    (旗委, 县政府, 县司法局) or before the township's name, more often than any other; a county's name inside
    other words (老城区改造) or two counties named equally often settle nothing."""
    title = "那仁宝力格苏木2023年法治政府建设年度报告\n"
    body = "一、主要举措和成效\n苏木聘请律师担任法律顾问，审查合同12份。\n"
    named = _describe_text(tmp_path, f"{title}2023年，我苏木在阿巴嘎旗委、旗政府的坚强领导下推进依法行政。\n{body}")
    assert (named.county, named.city, named.province) == ("阿巴嘎旗", "锡林郭勒盟", "内蒙古自治区")
    assert named.sources["county"] == "正文"
    before = _describe_text(tmp_path, f"{title}阿巴嘎旗那仁宝力格苏木全年推进依法行政。\n{body}")
    assert before.county == "阿巴嘎旗"
    in_words = _describe_text(tmp_path, f"翠湖镇2023年法治政府建设年度报告\n全年推进老城区改造。\n{body}")
    assert (in_words.township, in_words.county) == ("翠湖镇", "")
    tied = _describe_text(tmp_path, f"{title}学习阿巴嘎旗委和正蓝旗委的做法。\n{body}")
    assert tied.county == ""


def test_a_title_in_chinese_numerals_gives_the_year_and_states_the_county(tmp_path):
    """二〇二一年度湘乡市壶天镇…: the year is the title's, not one the opening names (与2020年相比)."""
    report = _describe_text(
        tmp_path,
        "二〇二一年度湘乡市壶天镇法治政府建设工作情况报告\n与2020年相比，我镇受理的矛盾纠纷有所下降。\n"
        "1、领导重视\n镇党委将法治建设纳入年度绩效考核。\n",
    )
    assert (report.year, report.sources["year"]) == (2021, "标题")
    assert (report.township, report.county, report.sources["county"]) == ("壶天镇", "湘乡市", "标题")


def test_a_report_under_its_cover_letter_has_its_own_title_and_the_letters_date(tmp_path):
    """关于印发《…》的通知, its addressee, 现将…印发给你们, its issuer and date: none of it is report text; the
    report's title is the one the letter names (or, named without 《》, the title line after it that ends with
    those words) and its date the letter's. An opening sentence that leads into
    the report (…报告如下：) is its first paragraph, not a second line of its title."""
    letter = (
        "关于印发《城关镇2023年法治政府建设工作报告》的通知\n各村（社区）、镇属各单位：\n"
        "现将《城关镇2023年法治政府建设工作报告》印发给你们，请认真抓好落实。\n城关镇人民政府办公室\n2024年2月2日\n"
    )
    report = (
        "按照徽县依法治县办要求，现将我镇2023年度工作报告如下：\n一、主要工作开展情况\n镇政府聘请常年法律顾问1名。\n"
    )
    sent_up = (
        "关于报送《城关镇2023年法治政府建设工作报告》的报告\n县委依法治县办：\n"
        "现将《城关镇2023年法治政府建设工作报告》报送给你们，请审阅。\n城关镇人民政府\n2024年2月2日\n"
    )
    unquoted = (
        "关于报送2023年法治政府建设工作报告的函\n县司法局：\n现将我镇2023年法治政府建设工作报告报送你局。\n"
        "城关镇人民政府\n2024年2月2日\n城关镇2023年法治政府建设工作报告\n"
    )
    for text in (
        f"{letter}城关镇2023年法治政府建设工作报告\n{report}",
        letter + report,
        sent_up + report,
        unquoted + report,
    ):
        described = _describe_text(tmp_path, text)
        assert described.title == "城关镇2023年法治政府建设工作报告"
        assert (described.date, described.year) == ("2024-02-02", 2023)
        assert [p.text for p in described.paragraphs] == [
            "按照徽县依法治县办要求，现将我镇2023年度工作报告如下：",
            "镇政府聘请常年法律顾问1名。",
        ]


def test_a_township_the_gazetteer_source_wrote_with_its_countys_name_is_known_by_its_own(tmp_path):
    """The source lists some townships as 化德县七号镇 or 四平市铁东区叶赫满族镇; reports call them 七号镇 and
    叶赫满族镇, which must resolve to their county."""
    for township, county in (("七号镇", "化德县"), ("叶赫满族镇", "铁东区")):
        report = _describe_text(
            tmp_path, f"{township}2023年法治政府建设情况报告\n一、主要举措和成效\n镇政府聘请律师担任法律顾问。\n"
        )
        assert (report.township, report.county, report.sources["county"]) == (
            township,
            county,
            "地名录（唯一同名乡镇）",
        )


def test_a_townships_own_name_drops_its_parents_names_but_not_its_own():
    from search.data.make_gazetteer import own_name

    dehong, mangshi = ("德宏傣族景颇族自治州", "德宏"), ("芒市", "芒市")
    assert own_name("芒市勐焕街道", ("云南省", "云南"), dehong, mangshi) == "勐焕街道"
    assert own_name("芒市镇", ("云南省", "云南"), dehong, mangshi) == "芒市镇"  # named after its county
    assert (
        own_name("四平市铁东区叶赫满族镇", ("吉林省", "吉林"), ("四平市", "四平"), ("铁东区", "铁东")) == "叶赫满族镇"
    )
    assert (
        own_name("保山市水长工业园区", ("云南省", "云南"), ("保山市", "保山"), ("施甸县", "施甸"))
        == "保山市水长工业园区"
    )


def test_a_county_name_two_cities_have_is_settled_by_the_city_the_text_names(tmp_path):
    """铁东区 is a district of 四平市 (吉林省) and of 鞍山市 (辽宁省): for a township the gazetteer lacks, the city
    the report names decides."""
    body = "一、主要举措和成效\n街道在四平市委、市政府的领导下，聘请律师担任法律顾问。\n"
    report = _describe_text(tmp_path, f"铁东区翠湖街道2023年法治政府建设情况报告\n{body}")
    assert (report.county, report.city, report.province) == ("铁东区", "四平市", "吉林省")
    silent = _describe_text(tmp_path, "铁东区翠湖街道2023年法治政府建设情况报告\n一、主要举措和成效\n聘请律师。\n")
    assert (silent.county, silent.city, silent.province) == ("铁东区", "", "")


def test_a_county_the_text_names_as_authority_beats_a_namesake_township_elsewhere(tmp_path):
    """云湖街道 is in the gazetteer only under 临湘市 (Hunan); a report written 在双流区委、区政府的领导下 is of a
    street office in 双流区 the gazetteer lacks. A name several counties have, none of them the one the text
    names (新兴街道, 呼兰区), takes the text's county too."""
    body = "一、主要举措和成效\n街道聘请律师担任法律顾问，全年审查合同30份。\n"
    report = _describe_text(
        tmp_path,
        f"云湖街道2023年法治政府建设年度报告\n2023年，云湖街道在双流区委、区政府的领导下推进依法行政。\n{body}",
    )
    assert (report.county, report.city, report.province) == ("双流区", "成都市", "四川省")
    assert report.sources["county"] == "正文"
    namesakes = _describe_text(
        tmp_path, f"新兴街道2023年法治政府建设年度报告\n2023年，街道在呼兰区委、区政府领导下推进依法行政。\n{body}"
    )
    assert (namesakes.township, namesakes.county, namesakes.city) == ("新兴街道", "呼兰区", "哈尔滨市")
    unnamed = _describe_text(
        tmp_path, f"云湖街道2023年法治政府建设年度报告\n2023年，街道在区委、区政府领导下推进依法行政。\n{body}"
    )
    assert unnamed.county == "临湘市"


def test_the_year_of_a_title_spanning_two_years_a_spaced_title_a_file_name_or_the_headings(tmp_path):
    """官渡镇2022—2023年度…: the last year of the range; 官 渡 镇 2 0 2 3 年…: the digits spaced apart as a PDF
    prints them; a title without a year: the file's name (官渡镇2023年度….txt), else the year the headings and
    text name most (一、2023年度工作情况)."""
    body = "一、主要举措和成效\n镇政府聘请律师担任法律顾问，全年审查合同30份。\n"
    assert _describe_text(tmp_path, f"官渡镇2022—2023年度法治政府建设工作报告\n{body}").year == 2023
    spaced = _describe_text(tmp_path, f"官 渡 镇 2 0 2 3 年 法 治 政 府 建 设 年 度 报 告\n{body}")
    assert (spaced.title, spaced.year) == ("官渡镇2023年法治政府建设年度报告", 2023)
    named = tmp_path / "官渡镇2023年度法治政府建设报告.txt"
    named.write_text(f"法治政府建设年度报告\n{body}官渡镇人民政府\n2025年1月10日\n", encoding="utf-8")
    assert (process_file(named).year, process_file(named).sources["year"]) == (2023, "文件名")
    headed = _describe_text(tmp_path, "法治政府建设年度报告\n一、2023年度工作情况\n聘请律师担任法律顾问。\n")
    assert headed.year == 2023


def test_an_ethnic_townships_name_keeps_the_place_before_its_people(tmp_path):
    """红旗回族乡: 回族乡 alone is no township name, so 红旗 (shaped like a banner, 旗) is not taken for a county;
    after a county the gazetteer knows, a township it has by that name is one (封丘县回族乡)."""
    body = "2023年法治政府建设年度报告\n一、主要举措\n乡政府聘请律师担任法律顾问。\n"
    report = _describe_text(tmp_path, f"红旗回族乡{body}")
    assert (report.township, report.county) == ("红旗回族乡", "")
    known = _describe_text(tmp_path, f"封丘县回族乡{body}")
    assert (known.township, known.county) == ("回族乡", "封丘县")


def test_a_joint_issuer_without_zhonggong_and_the_addressee_name_the_township_and_county(tmp_path):
    """青莲镇党委 青莲镇政府 at the head of a title is two issuers, the township's government last (not a township
    named 青莲镇党委青莲镇); a report addressed to 江油市委依法治市办 is of that county's 青莲镇 (the gazetteer has
    three), as its body naming 江油市 would say."""
    body = "一、主要举措和成效\n聘请律师担任法律顾问，全年审查合同30份。\n"
    joint = _describe_text(tmp_path, f"青莲镇党委 青莲镇政府2023年度法治政府建设情况报告\n{body}")
    assert joint.township == "青莲镇"
    letter = (
        f"关于报送青莲镇2023年度法治政府建设工作报告的函\n江油市委依法治市办：\n{body}青莲镇人民政府\n2024年1月5日\n"
    )
    addressed = _describe_text(tmp_path, letter)
    assert (addressed.township, addressed.county, addressed.city) == ("青莲镇", "江油市", "绵阳市")


def test_a_long_autonomous_county_and_a_township_named_with_sheng_are_read_from_the_title(tmp_path):
    """双江拉祜族佤族布朗族傣族自治县 has 15 characters: names were looked up to 12, so the township became the
    county and the township together. 稻城县省母乡: 省 inside a township's name made 稻城县省 a province."""
    body = "一、主要举措和成效\n聘请律师担任法律顾问，全年审查合同30份。\n"
    long = _describe_text(tmp_path, f"双江拉祜族佤族布朗族傣族自治县勐库镇2024年度法治政府建设情况报告\n{body}")
    assert (long.township, long.county, long.city) == ("勐库镇", "双江拉祜族佤族布朗族傣族自治县", "临沧市")
    sheng = _describe_text(tmp_path, f"稻城县省母乡2021年度法治政府建设情况报告\n{body}")
    assert (sheng.township, sheng.county, sheng.city) == ("省母乡", "稻城县", "甘孜藏族自治州")


def test_a_township_after_a_zones_name_or_a_repeated_county_is_the_gazetteers_township(tmp_path):
    """What comes before a township may be no county the gazetteer has: a development zone named by its city
    (武汉东湖新技术开发区) or the county written twice. The township took it all (武汉东湖新技术开发区关东街道,
    卓资县大榆树乡: 35 of 8,014 synthetic reports). The township is the one at the end; a zone its city names
    is the county the report states (the gazetteer puts 关东街道 in 洪山区, which the zone now runs)."""
    body = "一、主要举措和成效\n聘请律师担任法律顾问，全年审查合同30份。\n"
    zone = _describe_text(tmp_path, f"武汉东湖新技术开发区关东街道2023年法治政府建设情况报告\n{body}")
    assert (zone.township, zone.county, zone.city, zone.province) == (
        "关东街道",
        "武汉东湖新技术开发区",
        "武汉市",
        "湖北省",
    )
    twice = _describe_text(tmp_path, f"卓资县卓资县大榆树乡2022年度法治政府建设情况报告\n{body}")
    assert (twice.township, twice.county, twice.city) == ("大榆树乡", "卓资县", "乌兰察布市")
    elsewhere = _describe_text(tmp_path, f"武汉东湖新技术开发区龙泉山街道2023年法治政府建设情况报告\n{body}")
    assert (elsewhere.township, elsewhere.county) == ("龙泉山街道", "武汉东湖新技术开发区")


def test_a_report_by_a_zone_the_gazetteer_lacks_is_placed_by_the_city_that_names_it(tmp_path):
    """长沙经济技术开发区管理委员会 reports as a county does; the gazetteer has no such county, and the report had no
    level, county, city or province. The zone is the county, its city's name the city and province."""
    body = "一、主要举措和成效\n重大决策事项全部经法律顾问审查。\n"
    zone = _describe_text(tmp_path, f"长沙经济技术开发区管理委员会关于2023年度法治政府建设情况的报告\n{body}")
    assert (zone.level, zone.township, zone.county, zone.city, zone.province) == (
        "县区",
        "",
        "长沙经济技术开发区",
        "长沙市",
        "湖南省",
    )


def test_a_county_departments_report_keeps_its_title_and_signature_out_of_the_text(tmp_path):
    """A county department (彭水苗族土家族自治县司法局) as the first line over 2023年法治政府建设年度报告, and as the
    signature: both were taken for text (the issuer line was no title line), the report had no level."""
    text = (
        "彭水苗族土家族自治县司法局\n2023年法治政府建设年度报告\n"
        "2023年，县司法局深入学习贯彻习近平法治思想，现将有关情况报告如下。\n"
        "一、主要举措及成效\n全年办理行政复议案件46件。\n二、存在的问题\n执法监督仍有短板。\n"
        "彭水苗族土家族自治县司法局\n2024年1月15日\n"
    )
    report = _describe_text(tmp_path, text)
    assert report.title == "彭水苗族土家族自治县司法局2023年法治政府建设年度报告"
    assert (report.level, report.county, report.city) == ("部门", "彭水苗族土家族自治县", "重庆市")
    assert not any(p.text.startswith("彭水苗族土家族自治县司法局") for p in report.paragraphs)


def test_a_report_whose_title_names_no_issuer_is_a_departments_by_its_signature(tmp_path):
    """2023年法治政府建设工作报告 signed 修文县应急管理局: the level and places came only from a title's issuer."""
    text = (
        "2023年法治政府建设工作报告\n今年以来，我局全面推进安全生产领域依法行政。\n"
        "一、主要工作成效\n全年开展安全生产执法检查426次。\n修文县应急管理局\n2024年1月12日\n"
    )
    report = _describe_text(tmp_path, text)
    assert (report.level, report.township, report.county, report.city) == ("部门", "", "修文县", "贵阳市")
    assert report.sources["level"] == "落款（发文单位）"


def test_a_saved_pages_issuer_label_places_a_report_that_never_names_itself(tmp_path):
    """法治政府建设年度报告（2023年度） with 发布单位：宁波市鄞州区首南街道办事处 发布日期：… under it and a body that
    says only 我街道: the line was read as text and the report had no township, level or date."""
    text = (
        "法治政府建设年度报告\n（2023年度）\n发布单位：宁波市鄞州区首南街道办事处  发布日期：2024-01-22\n"
        "一、主要举措和成效\n我街道全年办理行政执法案件213件。\n"
    )
    report = _describe_text(tmp_path, text)
    assert (report.township, report.county, report.level, report.year) == ("首南街道", "鄞州区", "街道", 2023)
    assert (report.date, report.sources["township"]) == ("2024-01-22", "网页发布机构（地名录）")
    assert [p.text for p in report.paragraphs] == ["我街道全年办理行政执法案件213件。"]


def test_a_county_department_publishing_a_townships_report_does_not_make_it_the_departments(tmp_path):
    """A township's report (我镇) on the page of the county's 司法局 (发布机构：仁和区司法局): the page says who put
    it online, not who wrote it, so it never sets the level."""
    text = (
        "关于2023年度法治政府建设工作情况的报告\n发布机构：仁和区司法局  发布日期：2024-01-20\n"
        "一、主要举措和成效\n我镇全年重大决策事项7项均经合法性审查。\n"
    )
    report = _describe_text(tmp_path, text)
    assert report.level != "部门" and report.date == "2024-01-20"


def test_an_opening_that_starts_since_a_year_is_neither_title_nor_year(tmp_path):
    """关于我镇法治政府建设情况的报告 over 2022年以来，我镇坚持依法行政，特别是今年…… (a clause naming 依法行政, no
    full stop): the opening was read as the title's second line, and the report taken for one on 2022, though
    signed 2023年12月20日. A year a span starts from (2022年以来) is not the year reported on."""
    text = (
        "关于我镇法治政府建设情况的报告\n2022年以来，我镇坚持依法行政，特别是今年，我镇……\n"
        "一、主要工作\n全年调解纠纷30件。\n赤水市长沙镇人民政府\n2023年12月20日\n"
    )
    report = _describe_text(tmp_path, text)
    assert (report.title, report.year, report.township) == ("关于我镇法治政府建设情况的报告", 2023, "长沙镇")
    assert report.paragraphs[0].text.startswith("2022年以来")


def test_a_street_office_named_as_an_agency_of_its_district_government(tmp_path):
    """A street office's official name puts its government first: 兴宁市人民政府宁新街道办事处 (as its title, or
    as its signature under a title without a place). The township was 人民政府宁新街道."""
    body = "一、主要举措和成效\n聘请律师担任法律顾问，全年审查合同30份。\n"
    titled = _describe_text(tmp_path, f"兴宁市人民政府宁新街道办事处关于2023年度法治政府建设工作情况的报告\n{body}")
    assert (titled.township, titled.county, titled.city) == ("宁新街道", "兴宁市", "梅州市")
    signed = _describe_text(
        tmp_path, f"关于2023年度法治政府建设情况的报告\n{body}兴宁市人民政府宁新街道办事处\n2024年1月10日\n"
    )
    assert (signed.township, signed.county, signed.year) == ("宁新街道", "兴宁市", 2023)


def test_a_township_the_gazetteer_has_at_another_level_takes_its_places_when_one_has_its_name(tmp_path):
    """乡 become 镇 and 镇 become 街道 after the gazetteer's data were taken: 茶巴拉镇 is 曲水县's 茶巴拉乡, the only
    township of that name at any level. 城关 is the name of hundreds: 城关街道 stays without a county."""
    body = "一、主要举措和成效\n聘请律师担任法律顾问，全年审查合同30份。\n"
    renamed = _describe_text(tmp_path, f"茶巴拉镇2023年法治政府建设工作报告\n{body}茶巴拉镇人民政府\n2024年1月19日\n")
    assert (renamed.township, renamed.county, renamed.city) == ("茶巴拉镇", "曲水县", "拉萨市")
    assert "茶巴拉乡" in renamed.sources["county"]
    common = _describe_text(tmp_path, f"城关街道2023年法治政府建设工作报告\n{body}城关街道办事处\n2024年1月19日\n")
    assert (common.township, common.county) == ("城关街道", "")


def test_a_county_named_by_its_short_name_is_the_gazetteers_county(tmp_path):
    """新右旗 is what people in 呼伦贝尔 call 新巴尔虎右旗; 高新区 is many cities' high-tech zone (合肥高新区 is
    合肥's). A title naming the county so gave the county 新右旗 and no city or province, and split the county
    facet. The short name is the county whose short name it is (with its city's name before it, in that city),
    among the township's counties when that is ambiguous."""
    body = "一、主要举措和成效\n聘请律师担任法律顾问，全年审查合同30份。\n"
    short = _describe_text(tmp_path, f"新右旗克尔伦苏木2023年法治政府建设年度报告\n{body}")
    assert (short.township, short.county, short.city, short.province) == (
        "克尔伦苏木",
        "新巴尔虎右旗",
        "呼伦贝尔市",
        "内蒙古自治区",
    )
    assert "新右旗" in short.sources["county"]
    county = _describe_text(tmp_path, f"东乌旗人民政府关于2023年度法治政府建设情况的报告\n{body}")
    assert (county.county, county.city) == ("东乌珠穆沁旗", "锡林郭勒盟")
    zone = _describe_text(tmp_path, f"合肥高新区蜀麓街道2023年法治政府建设报告\n{body}")
    assert (zone.township, zone.county, zone.city) == ("蜀麓街道", "合肥高新技术产业开发区", "合肥市")


def test_a_county_named_as_it_was_before_it_became_a_district_or_city_is_the_county_it_became(tmp_path):
    """南和县 became 南和区 (2020), 富阳市 富阳区 (2014): a report of before names the county as it was, and is
    placed in the county the gazetteer names now, with its city and province, so that a township's reports of
    every year stand under one county — when the township is one of that county's. A county the gazetteer has
    (朝阳县 beside 朝阳区), or one whose township does not settle it, stays as written."""
    body = "一、主要举措和成效\n镇政府聘请法律顾问审查合同12份。\n"
    old = _describe_text(tmp_path, f"南和县贾宋镇2019年法治政府建设工作报告\n{body}")
    assert (old.county, old.city, old.province) == ("南和区", "邢台市", "河北省")
    assert "南和县" in old.sources["county"]
    city = _describe_text(tmp_path, f"富阳市新登镇2013年依法行政工作报告\n{body}")
    assert (city.county, city.city, city.province) == ("富阳区", "杭州市", "浙江省")
    kept = _describe_text(tmp_path, f"朝阳县羊山镇2018年法治政府建设工作报告\n{body}")
    assert (kept.county, kept.province) == ("朝阳县", "辽宁省")
    unsettled = _describe_text(tmp_path, f"南和县翠湖镇2019年法治政府建设工作报告\n{body}")
    assert unsettled.county == "南和县"


@pytest.mark.parametrize(("authority", "county"), [("市委、市政府", "临海市"), ("县委、县政府", "景县")])
def test_namesakes_are_told_apart_by_the_kind_of_county_the_report_answers_to(tmp_path, authority, county):
    """杜桥镇 is a town of 景县 and one of 临海市 (a county-level city); a report that says only 在市委、市政府的
    领导下 (or 县委、县政府) answers to a 市 (or a 县): the county was left empty."""
    report = _describe_text(
        tmp_path,
        f"杜桥镇2025年度法治政府建设情况报告\n2025年，杜桥镇在{authority}的坚强领导下，扎实推进法治政府建设。\n"
        "一、主要举措和成效\n全镇重大行政决策7项均经合法性审查。\n",
    )
    assert (report.township, report.county) == ("杜桥镇", county)


def test_a_kind_of_county_no_namesake_has_leaves_the_county_empty(tmp_path):
    report = _describe_text(
        tmp_path,
        "杜桥镇2025年度法治政府建设情况报告\n2025年，杜桥镇在区委、区政府的坚强领导下，扎实推进法治政府建设。\n",
    )
    assert (report.township, report.county) == ("杜桥镇", "")


@pytest.mark.parametrize(
    ("title", "place"),
    [
        ("关于云栖街道2023年度法治政府建设情况的报告", ("街道", "云栖街道", "")),
        ("关于西湖区云栖街道2023年度法治政府建设情况的报告", ("街道", "云栖街道", "西湖区")),
        ("关于报送云栖街道2023年度法治政府建设情况报告的函", ("街道", "云栖街道", "")),
        ("关于对云栖街道2023年度法治政府建设情况的报告", ("街道", "云栖街道", "")),
        ("关于东湖区2023年法治政府建设工作情况的报告", ("县区", "", "东湖区")),
        ("关于我镇2023年度法治政府建设情况的报告", ("", "", "")),
        ("关于全区2023年法治政府建设情况的报告", ("", "", "")),
    ],
)
def test_a_title_opening_with_guanyu_names_its_subject(tmp_path, title, place):
    """关于云栖街道2023年度…的报告: the issuer phrase was the text before 关于, nothing, so a township the gazetteer
    lacks (and a district's own report) went unnamed; 关于我镇 / 关于全区 name no place."""
    report = _describe_text(
        tmp_path, f"{title}\n2023年，我们坚持以习近平法治思想为指导。\n一、主要举措和成效\n聘请律师担任法律顾问。\n"
    )
    assert (report.level, report.township, report.county) == place


def test_a_year_in_a_plan_is_not_the_year_reported_on(tmp_path):
    """一年来 opens the report and its second paragraph plans 2024年计划…: the opening's first year was taken (2024
    for a report signed in January 2024 on 2023)."""
    report = _describe_text(
        tmp_path,
        "青云镇法治政府建设年度报告\n一年来，青云镇坚持以习近平法治思想为指导，扎实推进法治政府建设。\n"
        "一、主要举措和成效\n全年调解纠纷40起，2024年计划开展普法活动20场。\n青阳县青云镇人民政府\n2024年1月10日\n",
    )
    assert (report.year, report.sources["year"]) == (2023, "落款日期")


def test_a_page_date_gives_the_year_when_nothing_else_names_one(tmp_path):
    """A saved page's 发布时间 of February 2024 over a report that names no year but 2022年以来: no year at all."""
    report = _describe_text(
        tmp_path,
        "青云镇法治政府建设工作报告\n发布时间：2024-02-05\n今年以来，青云镇扎实推进法治政府建设。2022年以来累计调解纠纷120起。\n"
        "一、主要举措和成效\n全年调解纠纷40起。\n",
    )
    assert report.year == 2023 and report.date == "2024-02-05"


def test_a_zones_committee_reports_at_county_level_without_its_citys_name(tmp_path):
    """曲江新区管委会 gave the county 曲江新区 but no level (a zone was taken as the issuer only after its city's
    name: 西安曲江新区管委会), so a filter on 县区 left its report out."""
    report = _describe_text(
        tmp_path,
        "曲江新区管委会2023年法治政府建设工作报告\n2023年，管委会坚持依法行政。\n一、主要做法\n全面推行权责清单制度。\n",
    )
    assert (report.level, report.county, report.township) == ("县区", "曲江新区", "")


@pytest.mark.parametrize(
    "text",
    [
        "鹤龙街2024年法治政府建设工作报告\n2024年，鹤龙街坚持以习近平法治思想为指导。\n一、主要举措和成效\n鹤龙街党工委专题学习5次。\n",
        "2024年，鹤龙街坚持以习近平法治思想为指导，现将2024年法治政府建设工作报告如下：\n一、主要举措和成效\n"
        "推进鹤龙街党政主要负责人述法。鹤龙街党工委专题学习5次。\n",
    ],
)
def test_a_street_office_writing_its_name_without_dao_is_the_gazetteers(tmp_path, text):
    """Guangzhou's street offices write their own names as 鹤龙街 (the gazetteer's 鹤龙街道): the title's issuer
    and the body's mentions named no township and the report had no county."""
    report = _describe_text(tmp_path, text)
    assert (report.level, report.township, report.county, report.year) == ("街道", "鹤龙街道", "白云区", 2024)


def test_a_street_named_in_the_text_is_no_township(tmp_path):
    report = _describe_text(
        tmp_path,
        "翠湖镇2024年法治政府建设工作报告\n一、主要举措和成效\n在步行街、商业街开展普法宣传，在人民街设置宣传栏。\n",
    )
    assert report.township == "翠湖镇"


def test_a_townships_own_name_does_not_place_it_in_the_county_its_name_holds(tmp_path):
    """12 townships are named 仁和镇, one of them in 仁和区: a report naming no county was placed there because
    its own name holds 仁和 (仁和区's short name; a published report of 宁远县's 仁和镇 read so). Its county is
    left empty, and taken where the text names it."""
    body = "\n一、主要措施和成效\n成立了以镇党委书记、镇长任双组长的法治政府建设工作领导小组。\n"
    alone = _describe_text(
        tmp_path, "仁和镇人民政府\n关于2024年度法治政府建设工作的报告\n2024年，仁和镇扎实推进依法行政。" + body
    )
    assert (alone.township, alone.county) == ("仁和镇", "")
    placed = _describe_text(
        tmp_path, "仁和镇2024年度法治政府建设工作报告\n2024年，仁和镇在宁远县委、县政府的领导下推进依法行政。" + body
    )
    assert (placed.township, placed.county) == ("仁和镇", "宁远县")
    stated = _describe_text(tmp_path, "柳林县柳林镇2020年法治政府建设年度报告\n2020年，柳林镇推进依法行政。" + body)
    assert (stated.township, stated.county) == ("柳林镇", "柳林县")


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        ("乌兰察布市", ("", "", "乌兰察布市", "内蒙古自治区")),  # a city's own report
        ("大安市", ("县区", "大安市", "白城市", "吉林省")),  # a county-level city's
    ],
)
def test_a_citys_own_report_names_the_city_not_a_county(tmp_path, issuer, expected):
    """乌兰察布市2024年法治政府建设情况报告 was put in a county called 乌兰察布市: a name ending in 市 alone was
    taken for a county-level city's. A city of the gazetteer that no county shares is the city."""
    path = tmp_path / "r.txt"
    path.write_text(
        f"{issuer}2024年法治政府建设情况报告\n2024年，{issuer}坚持依法行政。\n一、主要举措和成效\n聘请法律顾问。\n",
        encoding="utf-8",
    )
    report = process_file(path)
    assert (report.level, report.county, report.city, report.province) == expected
    assert report.township == ""


BODY = "\n一、主要举措和成效\n聘请律师担任法律顾问，审核合同12份。\n二、存在的不足和原因\n部分干部法治意识不强。\n"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("干河街道2025年法治政府建设工作报告", ("干河街道", "仙桃市", "", "湖北省")),
        ("神农架林区松柏镇2024年度法治政府建设情况报告", ("松柏镇", "神农架林区", "", "湖北省")),
        ("那大镇2025年法治政府建设工作报告", ("那大镇", "儋州市", "儋州市", "海南省")),
        ("东莞市虎门镇2025年法治政府建设工作报告", ("虎门镇", "东莞市", "东莞市", "广东省")),
        ("松柏镇2025年法治政府建设工作报告", ("松柏镇", "", "", "")),  # four 松柏镇: no city is no evidence
    ],
)
def test_a_level_the_place_lacks_is_no_made_up_name(tmp_path, title, expected):
    """The gazetteer's source fills a missing level with a stand-in: 仙桃市's townships had the city
    省直辖行政区划 (a city facet value no one names), 儋州市's towns the county 市直辖行政区划, and 东莞市's
    towns no city or province at all. A county its province governs has no city; a city governing its towns
    without counties is their county."""
    report = _describe_text(tmp_path, title + BODY)
    assert (report.township, report.county, report.city, report.province) == expected


def test_a_city_governing_its_towns_itself_reports_as_a_city(tmp_path):
    report = _describe_text(tmp_path, "东莞市2024年法治政府建设情况报告\n2024年，东莞市坚持依法行政。" + BODY)
    assert (report.level, report.township, report.county, report.city, report.province) == (
        "",
        "",
        "",
        "东莞市",
        "广东省",
    )


def test_the_gazetteer_names_no_stand_in_for_a_missing_level():
    from search.ingest.gazetteer import load_gazetteer

    places = load_gazetteer().places
    assert not [place for place in places if "直辖行政区划" in place.city + place.county + place.township]


@pytest.mark.parametrize(
    ("title", "year"),
    [
        ("【文字解读】《中共翠湖区委翠湖区人民政府关于2024年法治政府建设情况的报告》文件解读", 2024),
        ("关于《翠湖县人民政府关于翠湖县2023年度法治政府建设工作总结的报告》的政策解读", 2023),
    ],
)
def test_an_interpretation_of_a_report_has_the_year_of_the_report_it_explains(tmp_path, title, year):
    """A 解读 page names its report's year only in the report's cited title; its body dates its own drafting
    (2025年2月6日形成初稿), which gave the year after the one reported on."""
    body = "\n一、起草过程\n2025年2月6日形成《报告》初稿，2025年2月13日形成讨论稿，2025年2月24日报送。\n"
    assert _describe_text(tmp_path, title + body).year == year


@pytest.mark.parametrize("province", ["新疆维吾尔自治区", "云南省"])
def test_a_provinces_own_report_names_the_province_not_a_county(tmp_path, province):
    """新疆维吾尔自治区人民政府关于2017年法治政府建设工作的报告 was put in a county called 新疆维吾尔自治区 (a name
    ending in 区) with no province, and 云南省's report had no place at all: a province was taken only before a
    city, county or township."""
    report = _describe_text(
        tmp_path, f"{province}人民政府关于2023年法治政府建设情况的报告\n2023年，全省坚持依法行政。" + BODY
    )
    assert (report.level, report.township, report.county, report.city, report.province) == ("", "", "", "", province)


def test_a_county_report_without_title_is_the_countys_by_its_opening(tmp_path):
    """A page giving only its publisher (发布机构) above the report: 2025年，洛江区坚持… had no level and the made-up
    title 2025年度法治政府建设情况报告 named no place."""
    report = _describe_text(
        tmp_path, "区人大常委会：\n2025年，洛江区坚持以习近平法治思想为指导，推进依法行政。现将情况报告如下：" + BODY
    )
    assert (report.level, report.township, report.county, report.province) == ("县区", "", "洛江区", "福建省")
    assert report.title == "洛江区2025年度法治政府建设情况报告"


def test_an_untitled_shu_fa_report_gets_a_made_up_shu_fa_title(tmp_path):
    """A leader's 述法 report with no title was given 胡吉尔台乡2024年度法治政府建设情况报告: the made-up title
    names the kind of report its opening says it is."""
    report = _describe_text(
        tmp_path,
        "尼勒克县胡吉尔台乡党委书记 刘帅\n（2025年1月）\n2024年以来，胡吉尔台乡党委、政府坚持依法行政，现述法如下："
        + BODY,
    )
    assert report.title == "胡吉尔台乡2024年度述法报告"
    assert "补全" in report.sources["title"]


@pytest.mark.parametrize(
    ("title", "signature", "place"),
    [
        ("乌兰布和农场关于2023年度法治政府建设情况的报告", "乌兰布和农场", ("乌兰布和农场", "磴口县", "内蒙古自治区")),
        ("沙河林场2024年法治建设工作总结", "", ("沙河林场", "临泽县", "甘肃省")),
        (
            "平顺经济技术开发区管理委员会2023年度法治政府建设工作情况报告",
            "",
            ("平顺经济技术开发区", "平顺县", "山西省"),
        ),
        ("", "磴口县乌兰布和农场", ("乌兰布和农场", "磴口县", "内蒙古自治区")),
    ],
)
def test_a_farm_forest_farm_or_zone_the_gazetteer_has_as_a_township_is_one(tmp_path, title, signature, place):
    """Township-level units that are no 乡, 镇 or 街道 (a state farm, a forest farm, a zone's committee) report as
    townships do; they had no township, and 沙河林场's and 平顺经济技术开发区's reports no place at all. Their name
    alone over the date (乌兰布和农场) was the plans' last paragraph."""
    signed = f"{signature}\n2024年1月10日\n" if signature else ""
    report = _describe_text(
        tmp_path, f"{title}\n2023年，我场推进依法治场。{BODY}三、下一步打算\n加强合同管理。\n{signed}"
    )
    assert (report.township, report.county, report.province, report.level) == (*place, "乡镇")
    assert report.paragraphs[-1].text == "加强合同管理。"


def test_a_county_office_named_like_a_township_level_unit_stays_a_department(tmp_path):
    """The gazetteer also lists bureaus (萝北县林业局) and research institutes among township-level units: a
    county bureau's report is a department's, not a township's."""
    report = _describe_text(tmp_path, "萝北县林业局2023年法治政府建设工作报告\n2023年，我局坚持依法行政。" + BODY)
    assert (report.level, report.township, report.county) == ("部门", "", "萝北县")


def test_a_township_named_alone_over_the_date_is_the_signature(tmp_path):
    """红旗镇 over 2024年1月10日 (a signature without 人民政府) was kept as the report's last paragraph."""
    report = _describe_text(tmp_path, f"红旗镇2023年法治政府建设情况报告{BODY}红旗镇\n2024年1月10日\n")
    assert report.paragraphs[-1].text == "部分干部法治意识不强。"
    assert report.date == "2024-01-10"


def test_a_file_named_for_a_township_with_characters_the_conversion_changes_keeps_the_name(tmp_path):
    """海丰县鮜门镇.txt and 金平区/鮀莲街道.txt: file and folder names are read in Simplified characters, which made
    them 鲘门镇 (no gazetteer township, no county) and 莲街道; the gazetteer's names keep theirs (3 of 200 sampled
    townships in three file-name styles)."""
    from search.ingest.pipeline import process_file

    (tmp_path / "金平区").mkdir()
    named = tmp_path / "海丰县鮜门镇.txt"
    foldered = tmp_path / "金平区" / "鮀莲街道.txt"
    for path in (named, foldered):
        path.write_text("2023年，我们坚持依法行政。" + BODY, encoding="utf-8")
    assert (process_file(named).township, process_file(named).county) == ("鮜门镇", "海丰县")
    assert (process_file(foldered).township, process_file(foldered).county) == ("鮀莲街道", "金平区")
