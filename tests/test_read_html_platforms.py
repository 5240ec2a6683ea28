"""Article pages as the common government site platforms publish them read as the text original does."""

from __future__ import annotations

import html

import pytest
from variants import sample_lines

from search.ingest.model import ReportError
from search.ingest.pipeline import process_file

CHROME_TOP = """<div class="top-bar">欢迎访问 | 无障碍 | 长者模式</div>
<div class="nav"><a href="/">首页</a><a href="/zwgk">政务公开</a><a href="/hdjl">互动交流</a></div>
<div class="position">当前位置：首页 &gt; 政务公开 &gt; 法治政府建设</div>"""
CHROME_BOTTOM = """<div class="bshare">分享到：微信 微博</div>
<div class="foot">主办：某某区人民政府办公室 版权所有 备案号：渝ICP备00000000号</div>"""
INFO_TABLE = """<table class="info"><tr><td>发布时间：2021-11-25 10:30</td><td>来源：区司法局</td>
<td>浏览次数：1234</td><td>字号：大 中 小</td></tr></table>"""


def _trs(title: str, body: list[str]) -> str:
    paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in body)
    return (
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}_某某区人民政府</title></head><body>"
        f"{CHROME_TOP}<h1 class='article-title'>{html.escape(title)}</h1>{INFO_TABLE}"
        f"<div class='TRS_Editor'><div class='Custom_UnionStyle'><p>{html.escape(title)}</p>{paragraphs}</div></div>"
        f"{CHROME_BOTTOM}</body></html>"
    )


def _zoom(title: str, body: list[str]) -> str:
    runs = "<br>".join(html.escape(line) for line in body)
    return (
        f"<html><head><meta charset='gb2312'><title>{html.escape(title)}</title></head><body>{CHROME_TOP}"
        f"<div class='detail'><div class='detail-title'>{html.escape(title)}</div>"
        f"<div class='detail-info'>时间：2021-11-25 来源：本站 浏览：56次</div>"
        f"<div id='zoom'>{runs}</div></div>{CHROME_BOTTOM}</body></html>"
    )


def _article_content(title: str, body: list[str]) -> str:
    divs = "".join(f"<div>{html.escape(line)}</div>" for line in body)
    return (
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body>{CHROME_TOP}"
        f"<div class='main'><h2>{html.escape(title)}</h2><div class='article-content'>{divs}</div>"
        f"<div class='fujian'>附件：<a href='/files/a.pdf'>无</a></div></div>{CHROME_BOTTOM}</body></html>"
    )


def _wechat(title: str, body: list[str]) -> str:
    """A WeChat public account's article saved from a browser: the account and time above the text, the
    reading counts below it."""
    sections = "".join(
        f"<section><p style='text-indent:2em'><span>{html.escape(line)}</span></p></section>" for line in body
    )
    return (
        f"<html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head><body><div id='js_article'>"
        f"<div class='rich_media_content'><h1 class='rich_media_title'>{html.escape(title)}</h1>"
        "<div id='meta_content' class='rich_media_meta_list'><span class='rich_media_meta rich_media_meta_nickname'>"
        "<a id='js_name'>江油青莲</a></span><em id='publish_time' class='rich_media_meta rich_media_meta_text'>"
        f"2021-01-22 18:30</em></div><div class='rich_media_content' id='js_content'><section>{sections}</section>"
        "</div><div id='js_pc_qr_code'>微信扫一扫关注该公众号</div><div class='rich_media_tool'>阅读 1024 在看 3</div>"
        "</div></div></body></html>"
    )


def _wechat_swipe(title: str, body: list[str]) -> str:
    """A WeChat article as saved since the account's card and the swipe prompts sit under it (预览时标签不可点,
    继续滑动看下一个, 轻触阅读原文, the account's name again): they were glued onto the signature and its date."""
    page = _wechat(title, body)
    furniture = (
        "<div id='js_tags'>预览时标签不可点</div><div class='rich_media_tool'><span>阅读原文</span></div>"
        "<div class='wx_profile_card'>继续滑动看下一个</div><div>轻触阅读原文</div><div>江油青莲</div>"
        "<div>向上滑动看下一个</div><div>分享 留言 收藏 听过</div>"
    )
    return page.replace("</div></div></body></html>", furniture + "</div></div></body></html>")


def _table_layout(title: str, body: list[str]) -> str:
    """An older county site laid out in tables: the text a run of <br> lines in a cell of no known class, the
    site's footer in a cell of class foot."""
    runs = "<br>\n".join(f"&nbsp;&nbsp;&nbsp;&nbsp;{html.escape(line)}" for line in body)
    return (
        f"<html><head><meta charset='gb2312'><title>{html.escape(title)}--某某县人民政府</title></head><body>"
        "<table width='980'><tr><td><img src='banner.jpg'></td></tr><tr><td class='nav'><a href='/'>首页</a> | "
        "<a>政务公开</a></td></tr><tr><td><table width='100%'><tr><td align='center'><font size='5'><b>"
        f"{html.escape(title)}</b></font></td></tr><tr><td align='center'>发布时间：2021-01-25&nbsp;&nbsp;来源：本站"
        f"&nbsp;&nbsp;点击数：356</td></tr><tr><td class='bt_content'>{runs}</td></tr></table></td></tr>"
        "<tr><td class='foot'>版权所有：某某县人民政府 备案号：渝ICP备000000号</td></tr></table></body></html>"
    )


SHAPES = {
    "trs-editor": _trs,
    "zoom-br-runs": _zoom,
    "article-content-divs": _article_content,
    "wechat-article": _wechat,
    "wechat-article-swipe-prompts": _wechat_swipe,
    "table-layout-br-runs": _table_layout,
}


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("township", ["北屏乡", "蒲台乡", "花台乡"])
def test_platform_pages_read_as_the_text_original(shape, township, samples, sample_reports, tmp_path):
    lines = [line for line in sample_lines(samples[township]) if line.strip()]
    expected = sample_reports[township]
    title = expected.title or lines[0]
    body = lines[1:] if lines[0] == title else lines
    page = SHAPES[shape](title, body)
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gb18030" if "gb2312" in page else "utf-8"))
    report = process_file(path)
    assert report.township == expected.township and report.year == expected.year
    assert [(p.section, p.text) for p in report.paragraphs] == [(p.section, p.text) for p in expected.paragraphs]
    chrome = ("浏览次数", "版权所有", "当前位置", "字号", "在看", "18:30", "ICP", "滑动", "江油青莲")
    assert not any(word in p.text for p in report.paragraphs for word in chrome)


def test_a_page_that_only_links_its_report_as_an_attachment_says_so(tmp_path):
    page = (
        "<html><head><meta charset='utf-8'><title>蒲台乡2020年度法治政府建设工作报告</title></head><body>"
        f"{CHROME_TOP}<h1>蒲台乡2020年度法治政府建设工作报告</h1>{INFO_TABLE}"
        "<div class='TRS_Editor'><p>附件：<a href='/files/P020210101.doc'>蒲台乡2020年度法治政府建设工作报告.doc</a></p>"
        f"</div>{CHROME_BOTTOM}</body></html>"
    )
    path = tmp_path / "attachment.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(ReportError, match="附件.*P020210101.doc"):
        process_file(path)


def test_a_pages_information_table_names_the_issuer_and_date_of_a_report_that_names_neither(tmp_path):
    """政府信息公开 pages put 发布机构 | 仁和区大田镇人民政府 and 生成日期 | 2024-01-20 in cells of a table above the
    article; the article says only 我镇. The report had no township, county or date."""
    page = tmp_path / "report.html"
    page.write_text(
        "<html><head><meta charset='utf-8'><title>关于2023年度法治政府建设工作情况的报告_仁和区人民政府</title></head>"
        "<body><table class='xxgk'><tr><td>索引号：</td><td>115104110088888X/2024-00012</td><td>发布机构：</td>"
        "<td>仁和区大田镇人民政府</td></tr><tr><td>生成日期：</td><td>2024-01-20</td><td>文号：</td>"
        "<td>大府发〔2024〕2号</td></tr></table><div class='article'><h1>关于2023年度法治政府建设工作情况的报告</h1>"
        "<p>2023年，我镇深入学习贯彻习近平法治思想，现将有关情况报告如下：</p><p>一、主要举措和成效</p>"
        "<p>全年重大决策事项7项均经合法性审查。</p></div></body></html>",
        encoding="utf-8",
    )
    report = process_file(page)
    assert (report.township, report.county, report.level, report.date) == ("大田镇", "仁和区", "乡镇", "2024-01-20")
    assert report.sources["township"] == "网页发布机构（地名录）"
    assert [p.text for p in report.paragraphs][-1] == "全年重大决策事项7项均经合法性审查。"


def test_a_wechat_articles_posting_time_is_its_date_and_its_tail_is_no_text(tmp_path):
    """The time an account posted the article (set apart from the text in its meta list) is the page's date,
    and what the account puts around the text — 点击蓝字 关注我们 over it, END, its editors and 往期推荐 with
    other articles' titles under it — is no paragraph."""
    body = [
        "2020年，青莲镇坚持依法行政，扎实推进法治政府建设。",
        "一、主要举措和成效",
        "聘请律师担任镇政府法律顾问，全年审查合同18份。",
        "二、存在的不足",
        "干部法治意识有待提高。",
    ]
    tail = ["END", "编辑：李某某", "审核：王某某", "往期推荐", "青莲镇开展宪法宣传周活动", "青莲镇召开安全生产工作会"]
    path = tmp_path / "page.html"
    path.write_text(_wechat("青莲镇2020年法治政府建设工作报告", ["点击蓝字 关注我们", *body, *tail]), encoding="utf-8")
    report = process_file(path)
    assert (report.township, report.date) == ("青莲镇", "2021-01-22")
    assert [p.text for p in report.paragraphs] == [body[0], body[2], body[4]]
