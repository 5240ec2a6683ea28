"""Segmentation: normalization, rejoined lines, headings at every level, front and back matter."""

from __future__ import annotations

import pytest

from benchmarks.shapes import wrapped
from search.ingest.normalize import normalize_line
from search.ingest.paragraphs import segment


def test_word_artifacts_and_stray_spaces_are_removed():
    assert normalize_line("[bookmark: _GoBack] 一是以此次机构改革为契机") == "一是以此次机构改革为契机"
    assert normalize_line("关于 2020 年度法治政府建设情况的报告") == "关于2020年度法治政府建设情况的报告"


def test_full_and_half_width_forms_are_unified():
    assert normalize_line("３．全面推行政府法律顾问制度") == "3.全面推行政府法律顾问制度"
    assert normalize_line("2020年,蒲台乡(2015-2020年)") == "2020年，蒲台乡（2015-2020年）"
    assert normalize_line("调处成功率达到97.33%,时间12:30") == "调处成功率达到97.33%，时间12:30"


def _wrapped_at(width: float, lines: list[str]) -> list[str]:
    """``lines`` as a PDF's text copied into a file has them (:func:`benchmarks.shapes.wrapped`: indented, broken
    at the page's width), a page number between two pages."""
    rows = wrapped(lines, width)
    return rows[:9] + ["— 2 —"] + rows[9:]


def test_a_text_copied_from_a_pdf_with_the_pages_line_breaks_gets_its_paragraphs_and_headings_back():
    report = [
        "青石镇人民政府关于2023年度法治政府建设工作情况的报告",
        "2023年，青石镇坚持以习近平法治思想为指导，全面推进依法行政，现将有关情况报告如下。",
        "一、2023年推进法治政府建设的主要举措和成效，以及党政主要负责人履行推进法治建设第一责任人职责的情况",
        "1.镇党委书记、镇长切实履行推进法治建设第一责任人职责，把法治政府建设纳入全镇经济社会发展总体规划，全年召开党委会专题研究法治工作4次。",
        "2.聘请律师担任镇政府法律顾问，审查合同协议32份，提出法律意见45条，全镇18个村实现法律顾问全覆盖。",
        "二、存在的不足和原因",
        "执法人员数量不足，部分执法人员法律素养有待提高，执法文书制作还不够规范。",
        "三、2024年工作安排",
        "加强执法人员培训，规范执法文书制作，做实村法律顾问服务，确保每个村每月至少有一次法律顾问到村服务。",
    ]
    expected = [(p.text, p.section) for p in segment(report).paragraphs]
    for width in (24, 31):
        copied = segment(_wrapped_at(width, report))
        assert copied.title_lines == [report[0]]
        assert [(p.text, p.section) for p in copied.paragraphs] == expected


def test_numbered_items_of_one_length_without_full_stops_are_no_wrapped_text():
    items = [f"{n}.全年调解矛盾纠纷{n}件，调解成功率百分之百" for n in range(1, 8)]
    paragraphs = segment(["一、主要举措和成效", *items]).paragraphs
    assert [p.text for p in paragraphs] == items


def test_a_heading_numeral_followed_by_a_space_instead_of_a_dunhao_still_heads_its_part():
    lines = [
        "一 主要举措和成效",
        "镇政府聘请常年法律顾问1名，全年审查合同17份。",
        "二 存在的不足和原因",
        "执法人员数量不足。",
        "三 2024年工作安排",
        "继续做实村法律顾问服务。",
    ]
    assert normalize_line("一 2020 年推进法治政府建设的主要举措") == "一、2020年推进法治政府建设的主要举措"
    assert normalize_line("一 是 加 强 干 部 学 法") == "一是加强干部学法"
    paragraphs = segment(lines).paragraphs
    assert [p.section for p in paragraphs] == [["一、主要举措和成效"], ["二、存在的不足和原因"], ["三、2024年工作安排"]]


def test_a_line_whose_every_character_stands_apart_is_read_whole():
    """A PDF's text layer may space out every character, figures and marks too: 调 解 员 4 6 名 kept 4 6, and the
    date 2 0 2 2 年 1 2 月 2 8 日 under the signature was no date, so the signature became a paragraph."""
    assert normalize_line("调 解 员 4 6 名 ， 成 功 率 9 7 . 5 % 。") == "调解员46名，成功率97.5%。"
    assert normalize_line("1 . 完 善 工 作 机 制") == "1.完善工作机制"
    assert normalize_line("聘请 ABC Law Firm 律师") == "聘请ABC Law Firm律师"
    result = segment(["一 、 主 要 工 作", "聘 请 律 师 2 名 。", "加 勉 乡 人 民 政 府", "2 0 2 2 年 1 2 月 2 8 日"])
    assert [p.text for p in result.paragraphs] == ["聘请律师2名。"] and result.date == "2022-12-28"


def test_parts_numbered_in_figures_over_chinese_numbered_subsections_head_them():
    """1、主要举措和成效 over （一）…（八）, then 2、存在的不足: every （一） took the parts after it, and 1、 was a
    paragraph of the opening. Where no line is numbered 一、 and the figures come first, they are the parts; 1.
    items under （一）…（二） stay items."""
    parts = segment(
        [
            "1、主要举措和成效",
            "（一）加强组织领导。召开专题会议4次。",
            "（二）推进依法决策。审查合同12份。",
            "2、存在的不足和原因",
            "（一）执法力量不足。",
            "3、2024年工作打算",
            "开展普法活动40场。",
        ]
    ).paragraphs
    assert [p.section for p in parts] == [
        ["1、主要举措和成效", "（一）加强组织领导"],
        ["1、主要举措和成效", "（二）推进依法决策"],
        ["2、存在的不足和原因"],
        ["3、2024年工作打算"],
    ]
    items = segment(
        ["（一）主要举措", "1.审查合同12份", "2.调解纠纷98件", "（二）存在的不足", "执法力量不足。"]
    ).paragraphs
    assert [p.section for p in items] == [["（一）主要举措"], ["（一）主要举措"], ["（二）存在的不足"]]


def test_paragraph_broken_by_a_page_break_is_one_paragraph(sample_reports):
    texts = [p.text for p in sample_reports["大湾镇"].paragraphs]
    joined = [t for t in texts if "政府采购等工作均由镇班子成员" in t]
    assert len(joined) == 1
    assert not any(t.startswith("由镇班子成员") for t in texts)


def test_heading_is_not_joined_with_the_body_after_it(sample_reports):
    first = sample_reports["大湾镇"].paragraphs[1]
    assert first.section == ["一、2020年推进法治政府建设的主要举措和成效"]
    assert first.text.startswith("2020年，在区委、区政府的坚强领导下")


def test_every_heading_style_builds_the_heading_path(sample_reports):
    paths = {tuple(p.section) for r in sample_reports.values() for p in r.paragraphs}
    assert ("一、主要做法和成效", "（二）加强自身建设，全面推行依法行政", "3.全面推行政府法律顾问制度") in paths
    assert ("一、2021年推进法治政府建设的主要举措和成效", "（1）高度重视，加强依法行政组织领导") in paths
    assert (
        "一、2020年推进法治政府建设的主要举措和成效",
        "（一）依法全面履行政府职能情况",
        "3.认真落实好法治政府建设各项措施",
        "（2）加强制度建设",
    ) in paths
    assert (
        "二、2020年主要负责人履行推进法治建设第一责任人职责，加强法治政府建设的有关情况",
        "（一）建立法治建设报告制度，发挥第一责任人核心作用",
    ) in paths


def test_inline_heading_is_split_from_its_body(sample_reports):
    paragraph = sample_reports["花台乡"].paragraphs[1]
    assert paragraph.section[-1] == "（一）深入学习贯彻党的二十大精神，推动政府职能作用更好发挥"
    assert paragraph.text.startswith("结合学习贯彻习近平新时代中国特色社会主义思想主题教育")


def test_a_heading_numbered_1_dot_before_a_year_is_no_decimal():
    """4.2026年工作打算: the number's dot before the year was read as a decimal point (4.2026), so the heading
    ran into the paragraph under it and the plans were taken for the part before."""
    parts = segment(
        [
            "1.主要工作及成效",
            "聘请法律顾问1名，审查合同21份。",
            "2.存在的不足",
            "执法人员数量不足。",
            "3.2026年工作打算",
            "持续开展学法活动。",
        ]
    ).paragraphs
    assert [p.section for p in parts] == [["1.主要工作及成效"], ["2.存在的不足"], ["3.2026年工作打算"]]
    assert [p.text for p in parts][-1] == "持续开展学法活动。"


def test_numbered_sentence_without_children_stays_a_paragraph(sample_reports):
    problems = [p for p in sample_reports["花台乡"].paragraphs if p.section == ["二、存在的主要问题"]]
    assert [p.text[:5] for p in problems] == ["（一）依法", "（二）法治"]


def test_title_addressee_signature_and_date_are_not_body_paragraphs():
    result = segment(
        [
            "",
            "重庆市渝北区大湾镇人民政府 关于 2020 年度法治政府建设情况的报告",
            "",
            "区政府：",
            "按照有关规定，现将我镇 2020 年度法治政府建设情况报告如下：",
            "一、主要举措和成效",
            "聘请律师担任法律顾问。",
            "重庆市渝北区大湾镇人民政府",
            "2021年1月28日",
        ]
    )
    assert result.title_lines == ["重庆市渝北区大湾镇人民政府关于2020年度法治政府建设情况的报告"]
    assert result.addressee == "区政府"
    assert result.signature == ["重庆市渝北区大湾镇人民政府"]
    assert result.date == "2021-01-28"
    assert [p.text for p in result.paragraphs] == [
        "按照有关规定，现将我镇2020年度法治政府建设情况报告如下：",
        "聘请律师担任法律顾问。",
    ]


def test_web_chrome_line_is_dropped_and_its_date_kept(sample_reports):
    texts = [p.text for p in sample_reports["蒲台乡"].paragraphs]
    assert not any("浏览" in t or "来源" in t for t in texts)
    assert sample_reports["蒲台乡"].date == "2021-11-25"


def test_part_and_bracket_headings_head_their_paragraphs():
    """第一部分 … and 【存在问题】 (alone, or before its text on one line) are headings, not text glued to the
    paragraph after them."""
    result = segment(
        [
            "第一部分 主要做法和成效",
            "镇政府聘请律师担任法律顾问，全年审查合同30份。",
            "【存在问题】执法队伍专业化水平不高。",
            "【下步打算】",
            "深化法治乡村建设。",
        ]
    )
    assert [(p.section, p.text) for p in result.paragraphs] == [
        (["第一部分主要做法和成效"], "镇政府聘请律师担任法律顾问，全年审查合同30份。"),
        (["【存在问题】"], "执法队伍专业化水平不高。"),
        (["【下步打算】"], "深化法治乡村建设。"),
    ]


@pytest.mark.parametrize("page", ["— 2 —", "第 12 页 共 15 页", "第3页，共9页", "共9页 第3页"])
def test_a_page_number_copied_from_a_pdf_is_dropped_and_its_paragraph_joined(page):
    result = segment(
        ["一、主要举措", "镇政府聘请律师担任法律顾问，全年审查", page, "合同30份。", "- 3 -", "第4页", "普法18场。"]
    )
    assert [p.text for p in result.paragraphs] == ["镇政府聘请律师担任法律顾问，全年审查合同30份。", "普法18场。"]


def test_an_official_documents_closing_record_and_attachment_list_are_not_report_text():
    """After the signature: （此件公开发布）, 抄送：…, …印发; before or after it, 附件：1.… 2.…: none of it is a
    paragraph, and the signature and date above the record are still read."""
    body = ["一、主要举措", "镇政府聘请律师担任法律顾问，全年审查合同30份。"]
    signed = segment(
        [
            *body,
            "石桥铺镇人民政府",
            "2024年1月10日",
            "（此件公开发布）",
            "抄送：县司法局。",
            "石桥铺镇党政办公室 2024年1月10日印发",
        ]
    )
    assert [p.text for p in signed.paragraphs] == [body[1]]
    assert (signed.signature, signed.date) == (["石桥铺镇人民政府"], "2024-01-10")
    listed = segment(
        [*body, "附件：1.石桥铺镇2023年法治建设工作台账", "2.石桥铺镇法律顾问合同", "石桥铺镇人民政府", "2024年1月10日"]
    )
    assert [p.text for p in listed.paragraphs] == [body[1]] and listed.date == "2024-01-10"


def test_circled_numbers_head_the_paragraphs_under_them_but_an_enumeration_stays_text():
    result = segment(
        [
            "一、主要举措",
            "①完善议事规则",
            "镇党委修订党委会议事规则。",
            "㈡落实法律顾问制度",
            "①干部法治意识有待提高；②执法力量薄弱。",
        ]
    )
    assert [(p.section, p.text) for p in result.paragraphs] == [
        (["一、主要举措", "①完善议事规则"], "镇党委修订党委会议事规则。"),
        (["一、主要举措", "㈡落实法律顾问制度"], "①干部法治意识有待提高；②执法力量薄弱。"),
    ]


def test_a_table_of_contents_leaves_no_paragraph():
    """目  录 and the part headings listed under it, then the report: the listed headings have no text of their own,
    and the contents' heading is no paragraph."""
    lines = ["玉泉街道2023年法治政府建设年度报告", "目  录", "一、主要举措和成效", "二、存在的不足和原因"]
    lines += ["一、主要举措和成效", "街道聘请律师担任法律顾问。", "二、存在的不足和原因", "网格员法治素养有待提升。"]
    paragraphs = segment(lines).paragraphs
    assert [(p.section, p.text) for p in paragraphs] == [
        (["一、主要举措和成效"], "街道聘请律师担任法律顾问。"),
        (["二、存在的不足和原因"], "网格员法治素养有待提升。"),
    ]


def test_a_street_offices_joint_signature_with_its_party_working_committee_is_no_paragraph():
    """中共五里店街道工委 above 五里店街道办事处 and the date: the signature of a street office and its party
    working committee (工委), not the last paragraph of the plans."""
    result = segment(
        ["一、下一步工作安排", "加强社区法律顾问工作。", "中共五里店街道工委", "五里店街道办事处", "2024年1月10日"]
    )
    assert [p.text for p in result.paragraphs] == ["加强社区法律顾问工作。"]
    assert result.signature == ["中共五里店街道工委", "五里店街道办事处"] and result.date == "2024-01-10"


def test_a_signature_dated_on_its_own_line_or_by_month_only_is_no_paragraph():
    """龙门镇人民政府 2024年1月10日 on one line, or a date of a month only (2024年1月, 二〇二四年一月), or with 元月
    for January: the signature and its date, not the last paragraph of the report."""
    body = ["一、存在的不足", "执法力量不足。"]
    for tail, date in (
        (["龙门镇人民政府　2024年1月10日"], "2024-01-10"),
        (["龙门镇人民政府", "2024年1月"], "2024-01"),
        (["龙门镇人民政府", "二〇二四年一月"], "2024-01"),
        (["龙门镇人民政府", "二〇二四年元月十五日"], "2024-01-15"),
        (["龙门镇人民政府　2024年元月15日"], "2024-01-15"),
    ):
        result = segment(body + tail)
        assert [p.text for p in result.paragraphs] == ["执法力量不足。"]
        assert (result.signature, result.date) == (["龙门镇人民政府"], date)


def test_a_closing_formula_before_the_signature_or_at_the_end_is_no_paragraph():
    """特此报告。 and 以上报告，请审阅。 close the letter: not a paragraph of the plans (found by 报告), with or
    without a signature after them. A last paragraph that only ends with 特此报告 keeps it."""
    body = ["四、2023年工作计划", "深化屋场恳谈会制度。"]
    for tail in (["特此报告。"], ["以上报告，请审阅。", "大围山镇人民政府", "2023年1月6日"], ["专此报告"]):
        assert [p.text for p in segment(body + tail).paragraphs] == ["深化屋场恳谈会制度。"]
    kept = segment(["四、2023年工作计划", "深化屋场恳谈会制度。特此报告。"])
    assert [p.text for p in kept.paragraphs] == ["深化屋场恳谈会制度。特此报告。"]


def test_an_attachment_label_over_the_title_and_a_contact_line_under_the_signature_are_not_report_text():
    """附件2 over a report sent with a letter, （联系人：…；联系电话：…） under its signature: the title and addressee
    are still read as such, the signature and its date too, and neither line is glued to a paragraph."""
    result = segment(
        [
            "附件2",
            "中江县仓山镇人民政府关于 2023 年度法治政府建设情况的报告",
            "县委依法治县办：",
            "一、主要举措和成效",
            "镇政府聘请律师担任常年法律顾问，审查合同27份。",
            "中江县仓山镇人民政府",
            "2024 年 1 月 16 日",
            "（联系人：王某某；联系电话：0838-7212345）",
        ]
    )
    assert result.title_lines == ["中江县仓山镇人民政府关于2023年度法治政府建设情况的报告"]
    assert result.addressee == "县委依法治县办"
    assert [p.text for p in result.paragraphs] == ["镇政府聘请律师担任常年法律顾问，审查合同27份。"]
    assert (result.signature, result.date) == (["中江县仓山镇人民政府"], "2024-01-16")


def test_a_letterhead_over_the_title_is_the_issuer_not_part_of_the_title():
    """于都县银坑镇人民政府文件 above 银坑镇关于…的报告: the issuer the letterhead names; the title is the report's
    own. The issuer's name alone above the rest is a title written on two lines."""
    title, body = "银坑镇关于2023年度法治政府建设工作情况的报告", ["一、主要举措", "审查合同35件。"]
    result = segment(["于都县银坑镇人民政府文件", title, *body])
    assert (result.title_lines, result.issuer) == ([title], "于都县银坑镇人民政府")
    assert segment(["于都县银坑镇人民政府", title, *body]).title_lines == ["于都县银坑镇人民政府", title]


def test_a_letterheads_document_number_and_signer_do_not_hide_the_title():
    """An official document prints its number (梨政发〔2024〕3号, often with 签发人：…) between the letterhead and
    the title: the title lines were glued into a first paragraph with the letterhead, and a title made up."""
    title = ["喇嘛甸镇人民政府", "关于2023年度法治政府建设情况的报告"]
    body = ["梨树县人民政府：", "一、主要举措", "审查合同35件。"]
    for numbers in (["喇政发〔2024〕3号"], ["喇政发〔2024〕3号 签发人：张三"], ["喇政发〔2024〕3号", "签发人：张三"]):
        result = segment(["喇嘛甸镇人民政府文件", *numbers, *title, *body])
        assert (result.title_lines, result.issuer) == (title, "喇嘛甸镇人民政府")
        assert [p.text for p in result.paragraphs] == ["审查合同35件。"]


def test_a_label_over_the_title_a_subtitle_and_a_seal_note_are_no_paragraphs():
    """【全文】 over a page's title was read as a heading (the title became body text); a subtitle
    ——喇嘛甸镇2023年 under the title was the overview's first paragraph; 喇嘛甸镇人民政府（盖章） (or （印）) over
    the date was glued to the last paragraph and the signature lost."""
    body = ["一、主要举措", "审查合同35件。"]
    labelled = segment(["【全文】", "喇嘛甸镇2023年法治政府建设年度报告", *body])
    assert labelled.title_lines == ["喇嘛甸镇2023年法治政府建设年度报告"]
    subtitled = segment(["法治政府建设年度报告", "——喇嘛甸镇2023年", *body])
    assert subtitled.title_lines == ["法治政府建设年度报告", "——喇嘛甸镇2023年"]
    sealed = segment(["喇嘛甸镇2023年法治政府建设年度报告", *body, "喇嘛甸镇人民政府（盖章）", "2024年1月10日"])
    assert (sealed.signature, sealed.date) == (["喇嘛甸镇人民政府"], "2024-01-10")
    stamped = segment(["喇嘛甸镇2023年法治政府建设年度报告", *body, "喇嘛甸镇人民政府（印）", "2024.01.10"])
    assert (stamped.signature, stamped.date) == (["喇嘛甸镇人民政府"], "2024-01-10")
    for result in (labelled, subtitled, sealed, stamped):
        assert [p.text for p in result.paragraphs] == ["审查合同35件。"]


def test_a_place_over_its_title_a_bracketed_year_under_it_and_a_pages_issuer_line_are_no_paragraphs():
    """沙河口区黑石礁街道 alone over 2023年法治政府建设情况报告 (a title set on two lines), （2023年度） under
    法治政府建设年度报告, and 发布单位：…街道办事处 发布日期：… under it: each was glued into the first paragraph."""
    body = ["今年以来，街道坚持依法行政。", "一、主要工作", "审查合同35件。"]
    placed = segment(["沙河口区黑石礁街道", "2023年法治政府建设情况报告", *body])
    assert placed.title_lines == ["沙河口区黑石礁街道", "2023年法治政府建设情况报告"]
    dated = segment(
        ["法治政府建设年度报告", "（2023年度）", "发布单位：宁波市鄞州区首南街道办事处  发布日期：2024-01-22", *body]
    )
    assert dated.title_lines == ["法治政府建设年度报告", "（2023年度）"]
    assert (dated.chrome_issuer, dated.chrome_date) == ("宁波市鄞州区首南街道办事处", "2024-01-22")
    for result in (placed, dated):
        assert [p.text for p in result.paragraphs] == ["今年以来，街道坚持依法行政。", "审查合同35件。"]


def test_an_attachment_line_or_a_pages_previous_and_next_links_under_the_signature_leave_it_read():
    """附件：… under the signature's date, or 上一篇：…/下一篇：… a page copied into a text file ends with: the
    signature and its date are still read, and neither is glued to the last paragraph."""
    body = ["一、下一步工作打算", "加强执法队伍建设。", "官渡镇人民政府", "2024年1月15日"]
    for tail in (["附件：官渡镇法律顾问合同"], ["上一篇：官渡镇2022年法治政府建设年度报告", "下一篇：无"]):
        result = segment(body + tail)
        assert [p.text for p in result.paragraphs] == ["加强执法队伍建设。"]
        assert (result.signature, result.date) == (["官渡镇人民政府"], "2024-01-15")


def test_paragraphs_copied_onto_one_line_are_split_at_their_indents_and_headings():
    """A web page copied into a text file can keep a whole report on one line, its paragraphs marked only by
    their indents (two full-width spaces), or by a heading's number after a sentence's end: read as the
    report written line by line, not as one paragraph of the overview."""
    lines = [
        "官渡镇2023年法治政府建设年度报告",
        "一、主要举措和成效",
        "镇政府聘请律师担任法律顾问，全年审查合同30份。",
        "二、存在的不足",
        "执法力量不足。",
        "官渡镇人民政府",
        "2024年1月15日",
    ]
    by_line = segment(lines)
    shape = [(p.section, p.text) for p in by_line.paragraphs]
    for joined in ("　　".join(lines), "　　".join(lines[:3]) + " " + "　　".join(lines[3:])):
        one = segment([joined])
        assert [(p.section, p.text) for p in one.paragraphs] == shape
        assert (one.title_lines, one.date) == (by_line.title_lines, "2024-01-15")
    spaced = segment(["镇政府聘请律师担任法律顾问。 二、存在的不足", "执法力量不足。"])
    assert [(p.section, p.text) for p in spaced.paragraphs] == [
        ([], "镇政府聘请律师担任法律顾问。"),
        (["二、存在的不足"], "执法力量不足。"),
    ]


def test_a_report_whose_paragraphs_were_joined_by_spaces_reads_as_written_line_by_line():
    """A report copied from a page onto one line with a space between its paragraphs (as search snippets and
    some sites give it): its title led the overview, 如下： 一、 and a heading followed by a space and its body
    (二、存在的不足 执法力量…) were glued, and the paragraphs of a section were one. Read as the report written
    line by line; a heading whose year stands apart from 年 (一、2023 年度…) stays one heading."""
    lines = [
        "白沙镇2024年法治政府建设工作报告",
        "2024年，白沙镇坚持依法行政，现将有关情况报告如下：",
        "一、2024 年度主要举措和成效",
        "（一）强化组织领导，压实工作责任",
        "镇党委召开专题会议4次。镇政府聘请律师担任法律顾问，全年审查合同30份。",
        "全年调解矛盾纠纷96件，调解成功95件。",
        "二、存在的不足",
        "执法力量不足，干部法治意识有待提高。",
        "三、下一步工作打算",
        "加强干部学法，充实执法力量。",
    ]
    by_line = segment(lines)
    one = segment([" ".join(lines)])
    assert [(p.section, p.text) for p in one.paragraphs] == [(p.section, p.text) for p in by_line.paragraphs]
    assert one.title_lines == by_line.title_lines == [lines[0]]
    assert one.paragraphs[1].section == ["一、2024年度主要举措和成效", "（一）强化组织领导，压实工作责任"]


def test_a_pdfs_page_numbers_in_a_report_joined_onto_one_line_are_left_out():
    """A PDF's text joined by spaces keeps its page numbers between the paragraphs (— 1 — before the title, — 2 —
    between two sentences): the title read — 1 — 那仁宝力格苏木…, the township 1—那仁宝力格苏木, and the
    paragraph after — 2 — began with it."""
    lines = [
        "那仁宝力格苏木2023年法治政府建设年度报告",
        "2023年，那仁宝力格苏木扎实推进依法行政，现将有关情况报告如下。",
        "一、主要举措和成效",
        "聘请律师担任常年法律顾问，审查合同协议12份。苏木综合行政执法队开展草原巡查86次。",
        "调处草场边界纠纷41件。",
        "二、存在的不足",
        "执法力量不足。",
    ]
    by_line = segment(lines)
    one = segment([" ".join(["— 1 —", *lines[:4], "— 2 —", *lines[4:], "第 3 页 共 3 页"])])
    assert one.title_lines == [lines[0]]
    assert [(p.section, p.text) for p in one.paragraphs] == [(p.section, p.text) for p in by_line.paragraphs]


def test_half_width_full_stops_end_sentences_but_decimals_and_heading_numbers_stay():
    """A report typed with half-width punctuation (…领导.召开…1名., 参考率100%.) had no sentence ends: its lines
    ran together and its headings took their bodies."""
    assert (
        normalize_line("加强组织领导.召开专题会议4次,聘请法律顾问1名.")
        == "加强组织领导。召开专题会议4次，聘请法律顾问1名。"
    )
    assert normalize_line("参考率100%.") == "参考率100%。"
    assert normalize_line("农村普法形式单一.乡党委书记带头学法.") == "农村普法形式单一。乡党委书记带头学法。"
    for kept in ("一.主要举措和成效", "二十.其他", "罚款1.5万元", "www.gov.cn", "开展“美好生活.民法典”活动。"):
        assert normalize_line(kept) == kept


def test_a_list_of_short_numbered_items_without_full_stops_keeps_every_item():
    """1.审查合同41份 / 2.调解纠纷98件 / 3.开展普法活动12场, no full stops: each was taken for a heading with
    nothing under it, and its text was in no paragraph. A heading over sentences numbered as it is (1.存在的问题
    over 1.执法力量薄弱…。) stays a heading, as does a section heading (一、 （一）) with nothing under it."""
    lines = [
        "青山镇2023年法治政府建设年度报告",
        "一、主要举措和成效",
        "1.审查合同41份",
        "2.调解纠纷98件",
        "3.开展普法活动12场",
        "二、存在的不足和原因",
        "1.工作中存在的问题",
        "1.执法力量薄弱，专职执法人员少。",
        "2.普法形式单一。",
    ]
    paragraphs = segment(lines).paragraphs
    assert [p.text for p in paragraphs[:3]] == ["1.审查合同41份", "2.调解纠纷98件", "3.开展普法活动12场"]
    assert all(p.section == ["一、主要举措和成效"] for p in paragraphs[:3])
    assert "1.工作中存在的问题" not in [p.text for p in paragraphs]


@pytest.mark.parametrize(
    "marks",
    [
        ("■ 主要做法", "■ 存在不足", "■ 主要负责人履职情况", "■ 下步打算"),
        ("◆工作成效", "◆存在问题", "◆党政主要负责人履行第一责任人职责情况", "◆2024年工作计划"),
        ("第一，主要举措和成效", "第二，存在的不足", "第三，第一责任人履职情况", "第四，下一年度工作安排"),
        ("一 主要举措和成效", "二 存在的不足和原因", "三 党政主要负责人履职情况", "四 2024年工作安排"),
    ],
)
def test_part_headings_marked_with_a_bullet_or_diyi_head_their_parts(tmp_path, marks):
    """Web pages and some offices mark their part headings with a bullet, 第一， or a bare numeral: each was glued
    to the line under it, and the shortcomings and plans were read as the work done or the leader's duty."""
    from search.ingest.pipeline import process_file

    bodies = ("全年审查合同41份。", "执法人员专业素质不高。", "镇党委书记带头述法。", "一是加强执法培训。")
    lines = ["青山镇2023年法治政府建设年度报告"] + [line for pair in zip(marks, bodies, strict=True) for line in pair]
    path = tmp_path / "report.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    paragraphs = process_file(path).paragraphs
    assert [p.text for p in paragraphs] == list(bodies)
    assert [p.part for p in paragraphs] == ["主要举措和成效", "存在的不足和原因", "第一责任人履职", "下一年度安排"]


def test_a_bullet_or_diyi_line_that_names_no_part_or_is_a_sentence_is_body_text():
    lines = [
        "青山镇2023年法治政府建设年度报告",
        "一、主要举措和成效",
        "● 全年调解纠纷98件。",
        "● 存在问题全部整改。",
        "第一，要加强学习。",
    ]
    paragraphs = segment(lines).paragraphs
    assert [p.text for p in paragraphs] == ["●全年调解纠纷98件。", "●存在问题全部整改。", "第一，要加强学习。"]
    assert all(p.section == ["一、主要举措和成效"] for p in paragraphs)


def test_a_heading_number_alone_on_its_line_heads_the_words_on_the_next():
    """一、 on one line and 主要举措和成效 on the next (a PDF or a web page sets them apart): the words were glued
    to the body under them and the heading was the bare number."""
    lines = [
        "青山镇2023年法治政府建设年度报告",
        "一、",
        "主要举措和成效",
        "全年审查合同41份。",
        "（二）",
        "规范执法",
        "办理案件37件。",
    ]
    paragraphs = segment(lines).paragraphs
    assert [(p.section, p.text) for p in paragraphs] == [
        (["一、主要举措和成效"], "全年审查合同41份。"),
        (["一、主要举措和成效", "（二）规范执法"], "办理案件37件。"),
    ]


def test_a_report_whose_line_breaks_were_lost_gets_its_parts_and_subsections_back():
    """A report copied without its line breaks is one line: each part's numbered heading runs on from the sentence
    before it and into its body (二、存在的问题和不足一是…, 三、…职责情况镇党委书记…). Each heading stands on its
    own again, cut where its first item starts or after its last heading word, and each subsection (。（二）…)."""
    glued = (
        "2023年，我镇持续推进依法行政。一、主要举措和成效（一）健全依法决策机制。重大事项18项均经合法性审查。"
        "（二）规范行政执法行为。全年执法检查76次。二、存在的问题和不足一是村干部学法不够深入；二是执法队人员少。"
        "三、党政主要负责人履行推进法治建设第一责任人职责情况镇党委书记认真履行第一责任人职责。"
        "四、2024年工作安排一是加强镇村干部法治培训；二是争取执法人员编制。"
    )
    result = segment(["贾宋镇2023年法治政府建设年度报告", glued])
    assert [(p.section, p.text) for p in result.paragraphs] == [
        ([], "2023年，我镇持续推进依法行政。"),
        (["一、主要举措和成效", "（一）健全依法决策机制"], "重大事项18项均经合法性审查。"),
        (["一、主要举措和成效", "（二）规范行政执法行为"], "全年执法检查76次。"),
        (["二、存在的问题和不足"], "一是村干部学法不够深入；二是执法队人员少。"),
        (["三、党政主要负责人履行推进法治建设第一责任人职责情况"], "镇党委书记认真履行第一责任人职责。"),
        (["四、2024年工作安排"], "一是加强镇村干部法治培训；二是争取执法人员编制。"),
    ]


def test_a_report_on_one_line_led_by_its_title_and_addressee_has_them_apart():
    """The whole report on one line opened with its title and addressee (…关于报送2024年度法治政府建设的报告
    中共海宁市委、海宁市人民政府：2024年，…): both ran into the first paragraph, and the title was made up."""
    title = "中共黄湾镇委员会黄湾镇人民政府关于报送2024年度法治政府建设的报告"
    glued = (
        f"{title} 中共海宁市委、海宁市人民政府：2024年，黄湾镇扎实开展法治政府建设。现将工作情况汇报如下："
        "一、主要举措和成效（一）强化组织引领。全年领导班子会议学法8次，续聘专业律师担任镇级法律顾问，"
        "全镇11个村社也都聘请律师担任法律顾问，覆盖率达100%。（二）深耕宣传教育。开展行政执法能力培训。"
    )
    result = segment([glued])
    assert (result.title_lines, result.addressee) == ([title], "中共海宁市委、海宁市人民政府")
    assert [p.text for p in result.paragraphs][0] == "2024年，黄湾镇扎实开展法治政府建设。现将工作情况汇报如下："
    assert [p.section[-1] for p in result.paragraphs[1:]] == ["（一）强化组织引领", "（二）深耕宣传教育"]


def test_a_number_after_a_sentence_that_names_no_part_is_no_glued_heading():
    """…。二、加强组织领导… inside a paragraph names no report part: the paragraph stays whole."""
    text = "全镇做法有三条。一、加强组织领导，成立领导小组。二、健全制度，完善学法制度。"
    assert [p.text for p in segment(["一、主要举措和成效", text]).paragraphs] == [text]


def test_a_sentence_naming_a_part_after_another_sentence_is_no_glued_heading():
    """An interpretation of a report sums it up: 第二部分是存在的问题。 ended a sentence and was cut as a heading,
    leaving a paragraph that was only 。 in the part of shortcomings."""
    text = "报告共包含三大部分。第一部分是工作开展情况。第二部分是存在的问题。第三部分是下一步工作打算。"
    assert [p.text for p in segment(["三、报告框架和主要内容", text]).paragraphs] == [text]


def test_glued_parts_marked_as_parts_or_in_brackets_and_a_long_headingless_text_come_apart():
    """第二部分 存在的不足 and 【明年打算】 run on from the sentence before them as 二、 does; a long text without
    headings comes apart where a sentence opens as a part's paragraph (但…仍存在一些不足, 下一步，我镇将…)."""
    parts = segment(
        ["大围山镇2022年度报告", "全年调处纠纷186件。第二部分　存在的不足一是执法力量不足。【明年打算】加强培训。"]
    )
    assert [(p.section, p.text) for p in parts.paragraphs] == [
        ([], "全年调处纠纷186件。"),
        (["第二部分存在的不足"], "一是执法力量不足。"),
        (["【明年打算】"], "加强培训。"),
    ]
    done = "镇政府聘请律师担任法律顾问，审查合同协议41份，参与处理信访案件12件，为群众提供法律咨询96次。" * 17
    lacking = "但是，我镇法治政府建设工作中仍存在一些不足：执法人员少，普法形式单一。"
    planned = "下一步，我镇将继续加强镇村干部法治培训，推动执法队伍专业化建设。"
    headless = segment(["勐养镇2020年法治政府建设情况报告", done + lacking + planned])
    assert [p.text for p in headless.paragraphs] == [done, lacking, planned]


def test_headings_that_lost_their_numbers_are_headings_again():
    """Word's automatic numbering is not in a .docx's text, and a page's list markers are not in its copy: the
    part headings come without 一、 (主要举措和成效, 2024年工作安排). Two or more lines that name a part, hold no
    mark of a sentence and follow a finished one are headings, and short such lines under them subheadings; a
    line wrapped mid-sentence that happens to name a part is still joined with the next."""
    lines = [
        "主要举措和成效",
        "健全依法决策机制",
        "全年重大决策3项均经合法性审查。",
        "存在的不足和原因",
        "执法人员少，专业素质不高。",
        "2024年工作安排",
        "加强执法人员培训。",
    ]
    assert [(p.section, p.text) for p in segment(lines).paragraphs] == [
        (["主要举措和成效", "健全依法决策机制"], "全年重大决策3项均经合法性审查。"),
        (["存在的不足和原因"], "执法人员少，专业素质不高。"),
        (["2024年工作安排"], "加强执法人员培训。"),
    ]
    wrapped = ["一、主要举措和成效", "全年审查合同41份，对照要求，仍存在的不足", "主要是执法力量薄弱。"]
    assert [p.text for p in segment(wrapped).paragraphs] == [
        "全年审查合同41份，对照要求，仍存在的不足主要是执法力量薄弱。"
    ]


@pytest.mark.parametrize("chapter", ["第{n}部分 ", "第{n}章 "])
def test_parts_numbered_as_chapters_over_numbered_headings_keep_their_part(chapter):
    """第一部分 … over 一、加强组织领导: both read as level 1, so each 一、 ended the part its chapter had begun
    (the plans under 第三部分 2024年工作安排 fell to the measures)."""
    lines = [
        chapter.format(n="一") + "主要举措和成效",
        "一、加强组织领导",
        "全年召开专题会议4次。",
        chapter.format(n="二") + "存在的不足",
        "执法力量薄弱。",
        chapter.format(n="三") + "2024年工作安排",
        "一、加强学法用法",
        "组织干部学法不少于6次。",
    ]
    sections = [p.section for p in segment(lines).paragraphs]
    assert sections == [
        [normalize_line(lines[0]), "一、加强组织领导"],
        [normalize_line(lines[3])],
        [normalize_line(lines[5]), "一、加强学法用法"],
    ]


def test_an_item_numbered_in_a_circle_with_a_short_title_of_its_own_has_it_as_its_heading():
    """①落实第一责任人职责。镇党委书记… was kept whole as a list item, so the leaders' paragraph lost the heading
    that puts it in their part (as 1.落实第一责任人职责。… has it); an enumeration (①…；②…) and an item whose
    first sentence is a statement (①全年调解纠纷98件，成功96件。…) stay whole."""
    result = segment(
        ["一、主要工作", "①落实第一责任人职责。镇党委书记带头学法。", "②全年调解纠纷98件，成功96件。另有3件移交。"]
    )
    assert [(p.section, p.text) for p in result.paragraphs] == [
        (["一、主要工作", "①落实第一责任人职责"], "镇党委书记带头学法。"),
        (["一、主要工作"], "②全年调解纠纷98件，成功96件。另有3件移交。"),
    ]
    listed = segment(["一、主要工作", "①加强组织领导；②规范行政执法。"])
    assert [p.text for p in listed.paragraphs] == ["①加强组织领导；②规范行政执法。"]


def test_a_sentence_ending_a_full_line_goes_on_where_the_texts_paragraphs_run_to_many_sentences():
    """A PDF's text without indents: a full line that ends a sentence was always taken to end its paragraph. In a
    text whose paragraphs run to several sentences it more likely goes on (the five samples wrapped at four
    widths without indents: 401 of 424 paragraphs read as written, 411 after); in one of one-sentence
    paragraphs it still ends one."""
    sentences = ["镇政府聘请律师担任常年法律顾问。", "全年审查合同三十份。", "出具法律意见书五份。"]
    sentences += ["列席重大决策会议八次。", "参与处理信访积案两件。", "开展法治讲座四场。"] * 2
    paragraph = "".join(sentences)
    assert paragraph.index("。") + 1 == 16  # the first sentence fills the first line of 16
    lines = ["一、主要举措", *[paragraph[at : at + 16] for at in range(0, len(paragraph), 16)], "二、存在不足"]
    lines += ["执法力量薄弱。"]
    result = segment(lines)
    assert [p.text for p in result.paragraphs] == [paragraph, "执法力量薄弱。"]


@pytest.mark.parametrize(
    ("dateline", "date"),
    [
        (["2025年3月17日在西乌珠穆沁旗第十六届人民代表大会", "常务委员会第二十四次会议上"], "2025-03-17"),
        (["——2024年1月9日在县十八届人大常委会第十五次会议上"], "2024-01-09"),
        (["（二〇二四年三月五日在区人大常委会会议上）"], "2024-03-05"),
    ],
)
def test_a_reports_delivery_dateline_under_its_title_gives_its_date_and_is_no_paragraph(dateline, date):
    """A county's report to its people's congress gives the date and meeting it was delivered at under its title,
    often over two lines: it was the opening paragraph, run into the addressee, and its date was not read."""
    title = "西乌珠穆沁旗人民政府2024年度法治政府建设情况报告"
    body = ["主任、各位副主任、委员：", "现将我旗2024年法治政府建设情况报告如下：", "一、主要工作", "审查合同35件。"]
    result = segment([title, *dateline, *body])
    assert (result.title_lines, result.date, result.addressee) == ([title], date, "主任、各位副主任、委员")
    assert [p.text for p in result.paragraphs] == ["现将我旗2024年法治政府建设情况报告如下：", "审查合同35件。"]


def test_a_document_number_and_joint_issuer_over_a_title_naming_its_issuer_are_no_title():
    """石党字〔2025〕2号 over 中共石鼻镇委员会 石鼻镇人民政府 over 石鼻镇2024年…报告: the number was not skipped
    without a …文件 letterhead over it, and the joint issuer was taken for a title's first line, so the whole
    front matter ran into the first paragraph (or the township became 石鼻镇人民政府石鼻镇). Over a title that
    does not name its issuer (关于2024年…的报告) the joint issuer is still the title's first line."""
    body = ["中共安义县委、安义县人民政府：", "2024年，石鼻镇坚持依法行政。", "一、主要工作", "审查合同35件。"]
    issuer, title = "中共石鼻镇委员会 石鼻镇人民政府", "石鼻镇2024年法治政府建设工作情况报告"
    result = segment(["石党字〔2025〕2号", issuer, title, *body])
    assert (result.title_lines, result.addressee) == ([title], "中共安义县委、安义县人民政府")
    assert result.issuer == issuer.replace(" ", "")
    assert [p.text for p in result.paragraphs] == ["2024年，石鼻镇坚持依法行政。", "审查合同35件。"]
    two_lines = segment([issuer, "关于2024年法治政府建设工作情况的报告", *body])
    assert two_lines.title_lines == [issuer.replace(" ", ""), "关于2024年法治政府建设工作情况的报告"]


def test_a_shu_fa_reports_speaker_and_date_over_its_text_are_no_paragraph():
    """A leader's 述法 report opens with who delivers it and when (尼勒克县胡吉尔台乡党委书记 刘帅 / （2025年1月）)
    and no title: both ran into the first paragraph, whose 2025 was then taken for the year reported."""
    body = ["2024年以来，胡吉尔台乡党委、政府坚持依法行政，现述法如下：", "一、履职情况", "专题研究法治建设工作2次。"]
    result = segment(["尼勒克县胡吉尔台乡党委书记 刘帅", "(2025年1月)", *body])
    assert (result.issuer, result.date, result.title_lines) == ("尼勒克县胡吉尔台乡党委", "2025-01", [])
    assert [p.text for p in result.paragraphs] == [body[0], body[2]]


def test_a_shu_fa_reports_speaker_and_date_under_its_title_are_no_paragraph():
    """2024年度述法报告 over 中共龙门镇委员会书记 李明 / （2025年1月15日）: the speaker and date were the first
    paragraph, and the report named no township."""
    body = ["2024年，本人认真履行推进法治建设第一责任人职责。", "一、履职情况", "主持中心组学法4次。"]
    result = segment(["2024年度述法报告", "中共龙门镇委员会书记 李明", "（2025年1月15日）", *body])
    assert (result.issuer, result.date, result.title_lines) == ("中共龙门镇委员会", "2025-01-15", ["2024年度述法报告"])
    assert [p.text for p in result.paragraphs] == [body[0], body[2]]


@pytest.mark.parametrize("leader", ["……………………", "..........", " "])
def test_a_table_of_contents_is_no_part_of_the_report(leader):
    """目录 over 一、主要举措和成效……1 …: the entries were headings without text, and the last one (三、下一步工作
    打算……3) headed the opening paragraph, which was read as the plans."""
    contents = ["目  录", f"一、主要举措和成效{leader}1", f"二、存在的不足{leader}2", f"三、下一步工作打算{leader}3"]
    body = ["2023年，红石镇坚持依法行政，现将有关情况报告如下。", "一、主要举措和成效", "聘请法律顾问1名。"]
    body += ["二、存在的不足", "干部法治意识不强。", "三、下一步工作打算", "继续深化普法宣传。"]
    paragraphs = segment(["红石镇2023年法治政府建设工作报告", *contents, *body]).paragraphs
    assert [(p.section, p.text) for p in paragraphs][0] == ([], body[0])
    assert len(paragraphs) == 4
