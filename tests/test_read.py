"""Readers: every format a user brings gives the same report; bad files fail alone, with a reason."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from variants import sample_lines, write_docx, write_gbk, write_html, write_mhtml, write_ofd, write_pdf, write_utf16

from search.ingest.model import ReportError
from search.ingest.pipeline import corpus_listing, process_corpus, process_file
from search.ingest.read import read_file

METADATA = ("title", "township", "county", "city", "province", "year")


def _shape(report):
    return ([getattr(report, name) for name in METADATA], [(p.section, p.text) for p in report.paragraphs])


@pytest.mark.parametrize("township", ["北屏乡", "黄石镇", "蒲台乡", "花台乡", "大湾镇"])
@pytest.mark.parametrize(
    "writer,suffix",
    [
        (write_gbk, ".txt"),
        (write_utf16, ".txt"),
        (write_html, ".html"),
        (write_mhtml, ".mhtml"),
        (write_docx, ".docx"),
        (write_pdf, ".pdf"),
        (write_ofd, ".ofd"),
    ],
    ids=["gbk", "utf16", "html", "mhtml", "docx", "pdf", "ofd"],
)
def test_every_format_gives_the_same_metadata_and_paragraphs(
    township, writer, suffix, samples, sample_reports, tmp_path
):
    variant = writer(sample_lines(samples[township]), tmp_path / f"report{suffix}")
    report = process_file(variant)
    expected_meta, expected_paragraphs = _shape(sample_reports[township])
    meta, paragraphs = _shape(report)
    assert meta == expected_meta
    assert paragraphs == expected_paragraphs


def test_gbk_text_is_detected_not_assumed(samples, tmp_path):
    raw = read_file(write_gbk(sample_lines(samples["花台乡"]), tmp_path / "gbk.txt"))
    assert raw.encoding == "gb18030"
    assert any("花台乡" in line for line in raw.lines)


def test_utf8_with_bom_is_read_without_the_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeff花台乡2023年法治政府建设工作报告\n一、工作开展情况\n聘请律师担任法律顾问。".encode())
    raw = read_file(path)
    assert raw.lines[0] == "花台乡2023年法治政府建设工作报告"


def test_web_page_keeps_article_and_drops_site_chrome(samples, tmp_path):
    raw = read_file(write_html(sample_lines(samples["蒲台乡"]), tmp_path / "page.html"))
    text = "\n".join(raw.lines)
    assert "依法全面履行政府职能方面" in text
    for chrome in ("首页", "版权所有", "分享到", "当前位置", "浏览统计脚本"):
        assert chrome not in text
    assert raw.hints["date"] == "2021-11-25"
    assert raw.hints["title"] == "海东市乐都区蒲台乡2020年度法治政府建设工作报告"


def test_gbk_web_page_without_charset_is_detected(samples, tmp_path):
    path = write_html(sample_lines(samples["北屏乡"]), tmp_path / "page.htm", encoding="gbk")
    path.write_bytes(path.read_bytes().replace(b'<meta charset="gbk">', b""))
    report = process_file(path)
    assert report.township == "北屏乡"


def test_pdf_paragraphs_are_rebuilt_from_wrapped_lines(samples, tmp_path):
    report = process_file(write_pdf(sample_lines(samples["北屏乡"]), tmp_path / "r.pdf"))
    longest = max(report.paragraphs, key=lambda p: len(p.text))
    assert len(longest.text) > 300
    assert not any(p.text.startswith("-") for p in report.paragraphs), "page numbers are not text"


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "文件为空"),
        ("blank.txt", b"  \n\n \t", "文件为空"),
        ("binary.txt", bytes(range(256)) * 40, "不是文本文件"),
        ("broken.docx", b"PK\x03\x04 this is not really a zip", "不是有效的 .docx 文件"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "不是有效的 PDF 文件"),
        ("sheet.xls", b"\xd0\xcf\x11\xe0 old excel", "不支持的文件类型 .xls"),
        ("nothing.html", b"<html><body><div class='nav'>Home</div></body></html>", "网页中没有找到正文"),
    ],
)
def test_malformed_file_fails_with_its_name_and_reason(name, content, reason, tmp_path):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ReportError) as caught:
        process_file(path)
    assert caught.value.path == str(path)
    assert reason in caught.value.reason
    assert name in str(caught.value)


def test_pdf_without_text_layer_says_it_needs_ocr(tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "scan.pdf"
    page = canvas.Canvas(str(path))
    page.rect(100, 100, 300, 400, fill=1)
    page.save()
    with pytest.raises(ReportError, match="OCR"):
        process_file(path)


def test_one_bad_file_does_not_stop_the_rest_of_the_corpus(samples, tmp_path):
    for path in samples.values():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "broken.docx").write_bytes(b"not a docx")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    reports, failures = process_corpus(tmp_path)
    assert sorted(r.township for r in reports) == sorted(samples)
    assert sorted(Path(f.path).name for f in failures) == ["broken.docx", "empty.txt"]


def test_a_broken_ofd_is_refused_naming_the_file(tmp_path):
    import zipfile

    bad_zip = tmp_path / "bad.ofd"
    bad_zip.write_bytes(b"not a zip at all")
    with pytest.raises(ReportError, match="不是有效的 OFD"):
        process_file(bad_zip)
    no_root = tmp_path / "empty.ofd"
    with zipfile.ZipFile(no_root, "w") as archive:
        archive.writestr("readme.txt", "nothing")
    with pytest.raises(ReportError, match="OFD 文件结构不完整"):
        process_file(no_root)


EXPECTED_MARKED = [
    ("主要举措和成效", ["主要工作成效"], "镇政府聘请律师担任法律顾问，全年审查合同30份。"),
    ("主要举措和成效", ["主要工作成效", "推进依法决策"], "重大事项一律提交党政联席会议集体讨论。"),
    ("主要举措和成效", ["主要工作成效", "推进依法决策", "（一）会前审查"], "议题须经法律顾问审查。"),
    ("存在的不足和原因", ["存在的不足"], "执法人员数量不足"),
    ("下一年度安排", ["下一步工作打算"], "加强执法队伍建设。"),
]


def _shape_of(report) -> list[tuple[str, list[str], str]]:
    return [(p.part, p.section, p.text) for p in report.paragraphs]


def test_word_heading_styles_head_paragraphs_without_numbers(tmp_path):
    """Headings a .docx marks by style (标题 1, Heading 2; the title in Heading 1) but does not number: the
    text alone reads them as broken lines and glues them to the paragraph after them."""
    import docx

    document = docx.Document()
    document.add_heading("星河镇2023年法治政府建设情况报告", 1)
    for level, text in [
        (2, "主要工作成效"),
        (0, EXPECTED_MARKED[0][2]),
        (3, "推进依法决策"),
        (0, EXPECTED_MARKED[1][2]),
    ]:
        document.add_heading(text, level) if level else document.add_paragraph(text)
    document.add_paragraph("（一）会前审查")
    document.add_paragraph("议题须经法律顾问审查。")
    for level, text in [(2, "存在的不足"), (0, "执法人员数量不足"), (2, "下一步工作打算"), (0, "加强执法队伍建设。")]:
        document.add_heading(text, level) if level else document.add_paragraph(text)
    report = _saved_and_read(document, tmp_path / "report.docx")
    assert (report.title, report.township) == ("星河镇2023年法治政府建设情况报告", "星河镇")
    assert _shape_of(report) == EXPECTED_MARKED


def test_word_list_numbering_gives_headings_their_numbers(tmp_path):
    """Headings Word numbers itself (一、 （一） from numbering.xml, not in the text), in Normal style: the slogans
    were glued to the paragraphs under them and the plans read as the leaders' duty; with their numbers they head
    their sections. A numbered list that starts at 3 (w:startOverride) starts there."""
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{form}"/><w:lvlText w:val="{text}"/></w:lvl>'
        for level, form, text in [
            (0, "chineseCounting", "%1、"),
            (1, "chineseCounting", "（%2）"),
            (2, "decimal", "%3."),
        ]
    )
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{levels}</w:abstractNum>'))
    for list_id, start in (
        ("90", ""),
        ("91", '<w:lvlOverride w:ilvl="2"><w:startOverride w:val="3"/></w:lvlOverride>'),
    ):
        numbering.append(
            parse_xml(f'<w:num {nsdecls("w")} w:numId="{list_id}"><w:abstractNumId w:val="90"/>{start}</w:num>')
        )

    def paragraph(text: str, level: int | None = None, list_id: str = "90") -> None:
        added = document.add_paragraph(text)
        if level is not None:
            number = f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{list_id}"/></w:numPr>'
            added._p.get_or_add_pPr().append(parse_xml(number))

    paragraph("青山镇2023年法治政府建设工作情况报告")
    paragraph("坚持高位推动，扎实推进法治政府建设", 0)
    paragraph("压实主体责任，强化组织领导", 1)
    paragraph("镇党委专题研究法治建设工作4次。")
    paragraph("推进依法决策", 1)
    paragraph("聘请常年法律顾问1名，全年审查合同26份。")
    paragraph("拓展普法阵地", 2, "91")
    paragraph("建成法治文化广场2个。")
    paragraph("正视短板弱项，找准问题根源", 0)
    paragraph("一些干部运用法治思维解决问题的能力不强。")
    paragraph("锚定目标任务，谋划明年工作", 0)
    paragraph("继续深化普法宣传。")
    report = _saved_and_read(document, tmp_path / "report.docx")
    assert _shape_of(report) == [
        (
            "主要举措和成效",
            ["一、坚持高位推动，扎实推进法治政府建设", "（一）压实主体责任，强化组织领导"],
            "镇党委专题研究法治建设工作4次。",
        ),
        (
            "主要举措和成效",
            ["一、坚持高位推动，扎实推进法治政府建设", "（二）推进依法决策"],
            "聘请常年法律顾问1名，全年审查合同26份。",
        ),
        (
            "主要举措和成效",
            ["一、坚持高位推动，扎实推进法治政府建设", "（二）推进依法决策", "3.拓展普法阵地"],
            "建成法治文化广场2个。",
        ),
        ("存在的不足和原因", ["二、正视短板弱项，找准问题根源"], "一些干部运用法治思维解决问题的能力不强。"),
        ("下一年度安排", ["三、锚定目标任务，谋划明年工作"], "继续深化普法宣传。"),
    ]


def test_web_page_headings_and_bold_lines_head_paragraphs_without_numbers(tmp_path):
    """<h3> part headings and a bold-only line under them, on a page that numbers none of them."""
    page = (
        '<html><head><meta charset="utf-8"><title>云台镇</title></head><body><div class="article-content">'
        "<h1>星河镇2023年法治政府建设情况报告</h1><h3>主要工作成效</h3><p>镇政府聘请律师担任法律顾问，全年审查合同30份。</p>"
        "<p><strong>推进依法决策</strong></p><p>重大事项一律提交党政联席会议集体讨论。</p>"
        "<p>（一）会前审查</p><p>议题须经法律顾问审查。</p>"
        "<p><b>全年</b>开展普法活动20场，发放资料两千余份，群众满意度明显提升，法治氛围日益浓厚。</p>"
        "<h3>存在的不足</h3><p>执法人员数量不足</p><h3>下一步工作打算</h3><p>加强执法队伍建设。</p></div></body></html>"
    )
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    shape = _shape_of(process_file(tmp_path / "report.html"))
    bold_start = (
        "主要举措和成效",
        ["主要工作成效", "推进依法决策", "（一）会前审查"],
        "全年开展普法活动20场，发放资料两千余份，群众满意度明显提升，法治氛围日益浓厚。",
    )
    assert shape == [*EXPECTED_MARKED[:3], bold_start, *EXPECTED_MARKED[3:]]


def test_bold_headings_of_two_levels_keep_both_in_the_heading_path(tmp_path):
    """一、 and （一） both bold on a page: the bold made them one level, so （一） took the place of 一、 and the
    part its heading named was lost to the paragraphs under it."""
    page = (
        '<html><head><meta charset="utf-8"><title>星河镇</title></head><body><div class="article-content">'
        "<h1>星河镇2023年法治政府建设情况报告</h1>"
        "<p><b>一、主要负责人履行推进法治建设第一责任人职责情况</b></p><p><b>（一）强化组织领导</b></p>"
        "<p>镇党委书记全年主持研究法治工作4次。</p>"
        "<p><b>二、存在的不足和原因</b></p><p><b>（一）执法力量</b></p><p>执法人员数量不足。</p></div></body></html>"
    )
    (tmp_path / "report.html").write_text(page, encoding="utf-8")
    report = process_file(tmp_path / "report.html")
    assert [(p.part, p.section) for p in report.paragraphs] == [
        ("第一责任人履职", ["一、主要负责人履行推进法治建设第一责任人职责情况", "（一）强化组织领导"]),
        ("存在的不足和原因", ["二、存在的不足和原因", "（一）执法力量"]),
    ]


def test_a_table_a_text_file_lays_out_with_tabs_is_one_line_of_cells_and_rows(tmp_path):
    """项目\t数量 rows copied from Word or Excel ran together once the spaces between Chinese characters went
    (项目数量调解纠纷135件: a phrase search for 数量调解 found it). They read as a .docx's table does; a tab after a
    heading's or an item's number (一、\t主要举措) is no table."""
    path = tmp_path / "report.txt"
    path.write_text(
        "青石镇2023年法治政府建设年度报告\n一、\t主要举措和成效\n（一）\t调解纠纷135件。全年主要数据：\n"
        "项目\t数量\n调解纠纷\t135件\n法律咨询\t210人次\n二、\t存在的不足和原因\n执法力量不足。\n",
        encoding="utf-8",
    )
    report = process_file(path)
    assert [(p.section, p.text) for p in report.paragraphs] == [
        (["一、主要举措和成效", "（一）调解纠纷135件"], "全年主要数据："),
        (["一、主要举措和成效", "（一）调解纠纷135件"], "项目，数量；调解纠纷，135件；法律咨询，210人次。"),
        (["二、存在的不足和原因"], "执法力量不足。"),
    ]


def test_a_table_of_work_done_laid_out_with_tabs_gives_a_line_a_row(tmp_path):
    """序号\t工作任务\t完成情况 over 1\t聘请法律顾问\t镇政府…: the numbered rows were taken for list items, the
    heads for a line of their own, and each task ran into its text. Each row is now a paragraph led by its task,
    as a .docx's table of work done is read."""
    path = tmp_path / "report.txt"
    path.write_text(
        "青石镇2023年法治政府建设年度报告\n一、主要举措和成效\n序号\t工作任务\t完成情况\n"
        "1\t聘请法律顾问\t镇政府聘请律师担任常年法律顾问，全年审查合同28份。\n"
        "2\t矛盾纠纷化解\t全年排查化解矛盾纠纷96件。\n二、存在的不足和原因\n执法力量不足。\n",
        encoding="utf-8",
    )
    report = process_file(path)
    assert [p.text for p in report.paragraphs] == [
        "聘请法律顾问：镇政府聘请律师担任常年法律顾问，全年审查合同28份。",
        "矛盾纠纷化解：全年排查化解矛盾纠纷96件。",
        "执法力量不足。",
    ]


def test_corpus_listing_orders_reports_folder_by_folder(tmp_path):
    # "a/…" before "a b/…" and "a-b/…" although " " and "-" sort before "/": a folder's reports stay together
    for rel in ("a-b/1.txt", "a/z.txt", "a b/2.txt", "a/b/3.txt", "a.txt", "ab/4.txt", "a/a.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("报告", encoding="utf-8")
    listed = list(corpus_listing(tmp_path)[0])
    assert listed == ["a/a.txt", "a/b/3.txt", "a/z.txt", "a b/2.txt", "a-b/1.txt", "a.txt", "ab/4.txt"]


def test_a_word_table_is_read_where_it_stands_and_the_signature_after_it_keeps_its_date(tmp_path):
    """A statistics table in the middle of a .docx: one paragraph in its place (a merged cell once), not lines
    appended after the signature, which glued the signature, its date and the table into the last paragraph.
    A table that frames text (a cell of sentences) gives its cells' paragraphs."""
    import docx

    document = docx.Document()
    document.add_paragraph("狮山镇2023年法治政府建设年度报告")
    document.add_paragraph("一、主要举措和成效")
    document.add_paragraph("全年办理行政处罚案件148宗，主要数据如下表。")
    table = _word_table(
        document, [("项目", "2022年", "2023年"), ("行政处罚案件（宗）", "126", "148"), ("备注", "", "")]
    )
    table.cell(2, 1).merge(table.cell(2, 2)).text = "含简易程序"
    document.add_paragraph("二、存在的不足")
    frame = document.add_table(rows=1, cols=1)
    frame.cell(0, 0).text = "执法人员数量不足。"
    frame.cell(0, 0).add_paragraph("普法形式较为单一。")
    document.add_paragraph("佛山市南海区狮山镇人民政府")
    document.add_paragraph("2024年1月20日")
    report = _saved_and_read(document, tmp_path / "report.docx")
    assert [p.text for p in report.paragraphs] == [
        "全年办理行政处罚案件148宗，主要数据如下表。",
        "项目，2022年，2023年；行政处罚案件（宗），126，148；备注，含简易程序。",
        "执法人员数量不足。",
        "普法形式较为单一。",
    ]
    assert report.date == "2024-01-20"


def test_a_pdfs_running_header_is_dropped_and_the_paragraph_a_page_break_cuts_stays_whole(tmp_path):
    """于都县银坑镇人民政府 printed over every page: not a paragraph between the two halves of the one a page break
    cuts, and not a line of the title on the first page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=14, leading=24, firstLineIndent=28, wordWrap="CJK")
    sentence = "镇政府常年法律顾问列席党委会议，审查合同、协议及规范性文件，提出法律意见，群众法治意识明显提升，"
    texts = ["银坑镇关于2023年度法治政府建设工作情况的报告", "一、主要举措及成效"]
    texts += [f"第{number}项工作，" + sentence * 6 + "成效明显。" for number in "一二三四五六"]

    def header(canvas, document) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, "于都县银坑镇人民政府")

    SimpleDocTemplate(str(tmp_path / "report.pdf"), pagesize=A4).build(
        [Paragraph(text, style) for text in texts], onFirstPage=header, onLaterPages=header
    )
    report = process_file(tmp_path / "report.pdf")
    assert report.title == texts[0] and report.township == "银坑镇"
    assert [p.text for p in report.paragraphs] == texts[2:]


def test_a_pdfs_title_stays_though_the_later_pages_print_it_as_their_header(tmp_path):
    """Pages 2 and on print the report's title as a small header; page one opens with the same words as its
    title, in a larger type: that title is kept, the headers are not."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    title = "银坑镇2023年度法治政府建设报告"
    heading = ParagraphStyle("t", fontName="STSong-Light", fontSize=18, leading=30)
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=14, leading=24, firstLineIndent=28, wordWrap="CJK")
    sentence = "镇政府常年法律顾问列席党委会议，审查合同、协议及规范性文件，提出法律意见，群众法治意识明显提升，"
    texts = [f"第{number}项工作，" + sentence * 6 + "成效明显。" for number in "一二三四五六"]

    def header(canvas, document) -> None:
        canvas.setFont("STSong-Light", 9)
        canvas.drawString(72, A4[1] - 40, title)

    SimpleDocTemplate(str(tmp_path / "report.pdf"), pagesize=A4, topMargin=72).build(
        [Paragraph(title, heading), *(Paragraph(text, style) for text in texts)], onLaterPages=header
    )
    report = process_file(tmp_path / "report.pdf")
    assert (report.title, report.township) == (title, "银坑镇")
    assert [p.text for p in report.paragraphs] == texts


def test_a_word_table_of_work_done_gives_a_paragraph_a_row_led_by_its_task(tmp_path):
    """序号 | 工作任务 | 完成情况 over rows of a task and what was done: the heads ran into the first row
    (序号工作任务完成情况聘请法律顾问镇政府…) and each task into its text; now each row is a paragraph led by its
    task, the heads and the row numbers gone, a cell of two paragraphs still two."""
    import docx

    document = docx.Document()
    document.add_paragraph("白石镇2023年法治政府建设工作情况报告")
    document.add_paragraph("一、主要举措和成效")
    rows = [
        ("序号", "工作任务", "完成情况"),
        ("1", "聘请法律顾问", "镇政府聘请律师担任常年法律顾问，全年审查合同28份。"),
        ("2", "矛盾纠纷化解", "全年排查化解矛盾纠纷96件，调解成功率97%。"),
    ]
    table = _word_table(document, rows)
    table.cell(2, 2).add_paragraph("另有3件移交司法所。")
    document.add_paragraph("二、存在的不足")
    document.add_paragraph("执法力量薄弱。")
    report = _saved_and_read(document, tmp_path / "report.docx")
    assert [p.text for p in report.paragraphs] == [
        "聘请法律顾问：镇政府聘请律师担任常年法律顾问，全年审查合同28份。",
        "矛盾纠纷化解：全年排查化解矛盾纠纷96件，调解成功率97%。",
        "另有3件移交司法所。",
        "执法力量薄弱。",
    ]


def test_a_web_pages_table_of_work_done_gives_a_line_a_row(tmp_path):
    """The same table of work done on a saved page: its cells were lines of their own, so the heads and each
    row's number and task ran into the text after them."""
    path = tmp_path / "report.html"
    rows = "".join(
        f"<tr><td>{n}</td><td>{task}</td><td>{text}</td></tr>"
        for n, task, text in (("1", "聘请法律顾问", "全年审查合同28份。"), ("2", "矛盾纠纷化解", "调解纠纷96件。"))
    )
    path.write_text(
        '<html><head><meta charset="utf-8"><title>青石镇2023年法治政府建设年度报告</title></head><body><div>'
        "<h1>青石镇2023年法治政府建设年度报告</h1><p>一、主要举措和成效</p>"
        f"<table><tr><th>序号</th><th>工作任务</th><th>完成情况</th></tr>{rows}</table>"
        "<p>二、存在的不足和原因</p><p>执法力量不足，普法形式较为单一，群众参与度不高。</p></div></body></html>",
        encoding="utf-8",
    )
    assert [p.text for p in process_file(path).paragraphs] == [
        "聘请法律顾问：全年审查合同28份。",
        "矛盾纠纷化解：调解纠纷96件。",
        "执法力量不足，普法形式较为单一，群众参与度不高。",
    ]


def test_a_page_laid_out_in_a_table_is_no_table_of_work_done():
    """A page whose menu and article stand in one table's row: no task leads the article."""
    from search.ingest.text import record_lines

    menu = "网站首页 政务公开 信息公开 办事服务 互动交流 数据开放 专题专栏 走进本县"
    assert record_lines([["首页", "政务公开"], [menu, "青石镇2023年法治政府建设报告。全年审查合同28份。"]]) == []
    assert record_lines([["序号", "工作任务", "完成情况"], ["1", "聘请法律顾问", "全年审查合同28份。"]]) == [
        "聘请法律顾问：全年审查合同28份。"
    ]


def _saved_and_read(document, path):
    """The report a python-docx document reads as, saved to ``path``."""
    document.save(path)
    return process_file(path)


def _word_table(document, rows: list[tuple[str, ...]]):
    """A table added to a python-docx document, one row of cells per tuple."""
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    return table


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n--b\nContent-Type: image/png\n\nx\n--b--\n",
            "网页归档中没有网页正文",
        ),
        (b"\x00\x01 not an archive at all", "不是网页归档文件"),
    ],
)
def test_a_web_archive_without_a_page_is_refused_naming_the_file(tmp_path, data, says):
    path = tmp_path / "保存的网页.mht"
    path.write_bytes(data)
    with pytest.raises(ReportError, match=says) as refused:
        read_file(path)
    assert "保存的网页.mht" in str(refused.value)


def test_a_page_saved_under_an_archives_name_is_read_as_the_page(samples, tmp_path):
    page = write_html(sample_lines(samples["蒲台乡"]), tmp_path / "page.html")
    archive = tmp_path / "page.mht"
    archive.write_bytes(page.read_bytes())
    assert read_file(archive).lines == read_file(page).lines


@pytest.mark.parametrize(
    ("number", "number_format", "label"),
    [(11, "chineseCounting", "十一"), (105, "chineseCounting", "一百零五"), (12, "chineseLegalSimplified", "壹拾贰")]
    + [(3, "decimalEnclosedCircle", "③"), (14, "upperRoman", "XIV"), (2, "lowerLetter", "b"), (4, "bullet", "")],
)
def test_word_numbers_are_written_in_the_lists_own_format(number, number_format, label):
    from search.ingest.docx_numbering import formatted

    assert formatted(number, number_format) == label


def test_a_list_starting_at_a_huge_number_is_written_in_figures():
    """A list of letters or Roman numerals that a document starts at 10^9 was a string of 38 million letters
    (or a million Ms) before each of its paragraphs."""
    from search.ingest.docx_numbering import formatted

    assert formatted(10**9, "upperLetter") == formatted(10**9, "upperRoman") == "1000000000"
