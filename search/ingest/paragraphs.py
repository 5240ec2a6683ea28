"""Turn the lines of a report into front matter and paragraphs with their heading paths.

Steps: normalize every line, drop web-page chrome, take the title/addressee
lines from the top and the signature/date lines from the bottom, rejoin lines
that a page or line break cut, then walk the headings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from search.ingest.chrome import article_end, chrome_date, chrome_issuer, chrome_source, is_chrome, is_menu, value_below
from search.ingest.gazetteer import load_gazetteer
from search.ingest.hard_wraps import unwrapped
from search.ingest.headings import (
    CIRCLED_LEVEL,
    HEADING_LEVELS,
    INNER_BREAK,
    heading_level,
    names_a_part,
    numbered_level,
)
from search.ingest.issuer import JOINT_ISSUER, issuer_phrase, speaker_unit, stated_place
from search.ingest.lost_breaks import SPACED_HEADING_NUMBER, front_apart, glued_apart, heading_apart, spaced_apart
from search.ingest.model import HeadingLine, Paragraph
from search.ingest.normalize import date_of_line, delivery_dateline, normalize_line
from search.ingest.outline import chapters_first, figures_first
from search.ingest.text import is_page_number, without_contents

SENTENCE_END = "。！？；：…"
INLINE_HEADING_MAX = 40
CIRCLED_TITLE_MAX = 20
STANDALONE_HEADING_MAX = 60

BARE_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.]|（[一二三四五六七八九十]{1,3}）|\d{1,2}[、.]|（\d{1,2}）|第[一二三四五六七八九十]{1,3}(?:部分|章))\s*$"
)
LIST_ITEM_LEVEL = 3  # 1. （1） ①: a line of these with nothing under it is a list item, full stop or not

BRACKET_HEADING = re.compile(r"^(【[^】]{2,20}】)(.+)$")
PARAGRAPH_BREAK = re.compile(
    r"(?<=\S)\u3000{2,}(?=\S)"
    r"|(?<=[。！？；：.!?;:])\s+"
    r"(?=(?:" + SPACED_HEADING_NUMBER + r"|第[一二三四五六七八九十]{1,3}(?:部分|章)))"
)
BRACKETED = re.compile(r"^[（(]([^（）()]{4,40})[）)]$")
DATE_AT_END = re.compile(r"(?:20\d\d|[二〇○零OＯ一三四五六七八九]{4})\s*年[^年]{2,12}日$")
DISTRIBUTION_RECORD = re.compile(
    r"^[（(]此件[^）)]{0,12}[）)]$|^(?:抄送|抄报|主题词)[：:]|\d{1,2}日印发$|^[（(]?(?:联系人|联系电话|联系方式)[：:]"
)
# 附件2 over a report sent as an attachment to a letter
ATTACHMENT_LABEL = re.compile(r"^附件\s*[0-9一二三四五六七八九十]{0,3}\s*[：:]?$")
LETTERHEAD = re.compile(r"文件$")  # 龙门镇人民政府文件: the red letterhead over an official document's title
ATTACHMENT_LIST = re.compile(r"^(?:相关)?附件\s*[0-9一二三四五六七八九十]*\s*[：:]")
ATTACHMENTS_LISTED = 12  # the last lines a closing attachment list may start in
ATTACHMENT_NAME_MAX = 60
ADDRESSEE = re.compile(r"^[\u4e00-\u9fff、，]{2,24}[：:]$")
TITLE_WORDS = re.compile(r"报告|情况|总结|工作要点|法治政府建设|依法行政")
# An issuer line: a government or party committee, or a county's department (彭水县司法局, 县应急管理局)
ISSUER = re.compile(r"(人民政府|人民政府办公室|政府|党委|党工委|工委|街道办事处|办事处|管委会|委员会|局)$")
TITLE_END = re.compile(r"(报告|总结|情况)$")
REPEATED_TITLE = 0.8  # similarity of a line to the title above it at which it is the title again
COVER_TITLE = re.compile(r"^关于(?:印发|报送|呈报|上报|转发|提交|公布)(《)?(.{4,60}?)》?的(?:通知|报告|函)$")
# Under an official document's letterhead: its number (梨政发〔2024〕3号) and who signed it (签发人：张三).
DOCUMENT_NUMBER = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,12}\s*[〔\[【（(]\s*20\d\d\s*[〕\]】）)]\s*第?\s*\d{1,4}\s*号\s*)?(?:签发人\s*[：:]\s*[\u4e00-\u9fff、\s]{2,16})?$"
)
# ——梨树县喇嘛甸镇2023年 or （2023年度）, under 法治政府建设年度报告
SUBTITLE = re.compile(r"^(?:——|--|—)\s*\S|^[（(]\s*20\d\d\s*年度?\s*[）)]$")
# 沙河口区黑石礁街道 alone over 2023年法治政府建设情况报告: the first line of a title set on two lines
PLACE_LINE = re.compile(r"^[\u4e00-\u9fff]{1,20}(?:乡|镇|街道|苏木|县|区|市|旗)$")
LABEL_OVER_TITLE = re.compile(r"^[【\[][^】\]]{1,4}[】\]]$")  # 【全文】, 【公示】 over a page's title
# A title as a page's table labels it (标题：…), under an account's column (法治建设｜…) or as a list quotes it
# (《…》): the marks are not the title's.
TITLE_LABEL = re.compile(r"^(?:(?:文章)?(?:标题|题目|名称)\s*[：:]|[^|｜：:]{2,12}[|｜])\s*")
TITLE_QUOTED = re.compile(r"^《([^《》]+)》$")
# A page's own title printed over it (…报告_街镇园区文件_宝山区人民政府门户网站) or dated on its line (…报告 2025-02-28)
TITLE_PAGE_MARKS = re.compile(r"_.*(?:网站|门户网|政府网)$|\s*20\d\d-\d{1,2}-\d{1,2}$")
SEAL = re.compile(r"\s*[（(](?:盖章|印章|公章|印)[）)]\s*")  # 喇嘛甸镇人民政府（盖章）, …（印）
# 特此报告。 以上报告，请审阅。: a letter's closing words between the last paragraph and the signature
CLOSING_FORMULA = re.compile(r"^(?:特此|专此|以上)(?:报告|汇报|说明|呈报)[^。；：:]{0,20}[。！]?$")
UNNUMBERED_HEADING_MAX = 40  # 党政主要负责人履行推进法治建设第一责任人职责情况, without its number
UNNUMBERED_SUBHEADING_MAX = 20
SENTENCE_MARKS = re.compile(r"[，。；：！？,;:!?]")
COVER_LINES = 12  # a cover letter's lines: title, addressee, a sentence or two, issuer, date


@dataclass
class Segmented:
    title_lines: list[str] = field(default_factory=list)
    issuer: str = ""
    addressee: str = ""
    signature: list[str] = field(default_factory=list)
    date: str = ""
    chrome_date: str = ""
    chrome_issuer: str = ""  # who a web page says issued it (发布机构：某某街道办事处)
    chrome_source: str = ""  # where a web page says its text came from (来源：浚县司法局)
    site: str = ""  # the site whose page title was printed over the title (上海市宝山区人民政府门户网站)
    cover_date: str = ""  # the date of a cover letter the report came with (关于印发《…》的通知)
    chrome_lines: int = 0
    paragraphs: list[Paragraph] = field(default_factory=list)


def segment(raw_lines: list[str]) -> Segmented:
    """Split normalized report lines into front matter, back matter and paragraphs."""
    result = Segmented()
    raw_lines = unwrapped(
        raw_lines,
        starts_paragraph=lambda line: bool(numbered_level(normalize_line(line))),
        alone=lambda line: is_menu(line) or is_chrome(normalize_line(line)),
    )
    lines = [_normalized(line) for line in _without_menus(_paragraphs_apart(raw_lines), result)]
    lines = _drop_chrome(without_contents(lines, numbered_level), result)
    lines = _bracket_headings_apart(_without_cover_letter(lines, result))
    lines = figures_first(_ranked_marked_levels(_take_front_matter(lines, result)), numbered_level)
    lines = chapters_first(lines, heading_level)
    lines = _without_attachment_list(_without_distribution_record(lines), after_date=True)
    lines = _without_closing_formula(_without_attachment_list(_take_back_matter(lines, result)))
    lines = rejoin_broken_lines(_unnumbered_headings(lines))
    result.paragraphs = _paragraphs_with_headings(lines)
    return result


def _drop_chrome(lines: list[str], result: Segmented) -> list[str]:
    """The lines without web-page chrome (:mod:`search.ingest.chrome`) and without what follows an article's end
    (END, 往期推荐 …); the first date the chrome gave is kept as the page's publication date, the first issuer
    it names (发布机构：…) as the page's issuer, the first source (来源：…) as its source."""
    end = article_end(lines)
    result.chrome_lines += sum(1 for line in lines[end:] if line)
    kept, label = [], ""
    for line in lines[:end]:
        if not line:
            continue
        if labelled := value_below(label, line):  # 来源： / 万古镇人民政府: the value is chrome too
            result.chrome_lines += 1
            _take_page_facts(labelled, result)
            label = ""
            continue
        label = line if is_chrome(line) else ""
        if is_page_number(line):
            continue  # a page number a text copied from a PDF keeps (— 2 —): the paragraph around it is one
        if label:
            result.chrome_lines += 1
            _take_page_facts(line, result)
            continue
        kept.append(line)
    return kept


def _without_menus(lines: list[str], result: Segmented) -> list[str]:
    """The lines without a site's menu, told by the spaces between its items that normalizing takes out."""
    kept = [line for line in lines if not is_menu(line)]
    result.chrome_lines += len(lines) - len(kept)
    return kept


def _take_page_facts(line: str, result: Segmented) -> None:
    """The first date, issuer and source the page's chrome names."""
    result.chrome_date = result.chrome_date or chrome_date(line)
    result.chrome_issuer = result.chrome_issuer or chrome_issuer(line)
    result.chrome_source = result.chrome_source or chrome_source(line)


def _without_cover_letter(lines: list[str], result: Segmented) -> list[str]:
    """The lines without a cover letter the report was published under (关于印发《城关镇2023年法治政府建设工作报告》
    的通知, its addressee, 现将…印发给你们, its issuer and date): the report starts at the line repeating the
    title it names, or with that title after the letter's date. The letter's date is kept in ``cover_date``."""
    cover = COVER_TITLE.match(lines[0]) if lines else None
    if not cover:
        return lines
    quoted, title = bool(cover.group(1)), cover.group(2)
    window = lines[1:COVER_LINES]
    dates = [at for at, line in enumerate(window, start=1) if date_of_line(line)]
    result.cover_date = date_of_line(lines[dates[0]]) if dates else ""
    repeated = next((at for at, line in enumerate(window, start=1) if _repeats(line, title, quoted)), 0)
    if repeated:
        return lines[repeated:]
    if dates and quoted:
        return [title, *lines[dates[0] + 1 :]]
    return lines  # a letter naming its report without 《》 and no title line after it: the letter is the report


def _repeats(line: str, title: str, quoted: bool) -> bool:
    """Whether ``line`` is the report's title a cover letter names: as quoted (《…》), or, named without quotes
    (关于报送2023年度法治政府建设情况报告的函), a title line ending with those words (大圩镇2023年度…情况报告)."""
    line = line.strip("《》")
    return line == title if quoted else line.endswith(title) and _is_title_line(line)


def _paragraphs_apart(lines: list[str]) -> list[str]:
    """A line holding several paragraphs, as text copied from a web page into a file keeps them: split where a
    paragraph's indent (two full-width spaces) follows text, or where whitespace and a heading's number follow a
    sentence's end or a colon (…报告如下： 一、主要举措和成效), or where a part's heading follows it with no space
    at all (:func:`search.ingest.lost_breaks.glued_apart`); a title leading the line, and a heading followed by
    whitespace and sentences, stand apart (:mod:`search.ingest.lost_breaks`). The first piece of a marked heading
    stays marked."""
    apart: list[str] = []
    for line in lines:
        pieces = [
            headed
            for front in front_apart(line)
            for spaced in spaced_apart(front)
            for piece in PARAGRAPH_BREAK.split(spaced)
            if piece.strip()
            for glued in glued_apart(piece)
            for headed in heading_apart(glued)
        ]
        if len(pieces) < 2:
            apart.append(line)
            continue
        first = HeadingLine(pieces[0], line.level) if isinstance(line, HeadingLine) else pieces[0]
        apart += [first, *pieces[1:]]
    return apart


def _bracket_headings_apart(lines: list[str]) -> list[str]:
    """【存在问题】执法队伍… written on one line: the bracketed heading on its own line, its text after it."""
    apart = []
    for line in lines:
        found = BRACKET_HEADING.match(line)
        apart += [found.group(1), found.group(2)] if found else [line]
    return apart


def _normalized(line: str) -> str:
    """normalize_line, keeping a heading its file marked (a short one: a long one is text styled as heading)."""
    text = normalize_line(line)
    if isinstance(line, HeadingLine) and len(text) <= STANDALONE_HEADING_MAX:
        return HeadingLine(text, line.level)
    return text


def _ranked_marked_levels(lines: list[str]) -> list[str]:
    """Headings the file marks (<h3>, a bold line, Word's Heading 2), ranked from 1 by the level it marks them
    with, then by their number (一、 and （一） both bold); the numbered lines it does not mark (（一）…) nest
    under the deepest of those ranks. A text file marks none: its numbered lines keep their levels."""
    marked = sorted({_mark_and_number(line) for line in lines if isinstance(line, HeadingLine)})
    if not marked:
        return lines
    rank = {level: number for number, level in enumerate(marked, start=1)}

    def ranked(line: str) -> str:
        if isinstance(line, HeadingLine):
            return HeadingLine(line, rank[_mark_and_number(line)])
        number = numbered_level(line)
        return HeadingLine(line, len(marked) + number) if number else line

    return [ranked(line) for line in lines]


def _mark_and_number(line: HeadingLine) -> tuple[int, int]:
    return line.level, numbered_level(line)


def _is_title_line(line: str) -> bool:
    """A line of a title: short, one phrase (no sentence break, not ending as a sentence that leads into a
    list: 现将…报告如下：), naming a report or an issuer."""
    return (
        0 < len(line) <= STANDALONE_HEADING_MAX
        and not INNER_BREAK.search(line)
        and line[-1] not in "：:，,"
        and not numbered_level(line)
        and bool(TITLE_WORDS.search(line) or ISSUER.search(line))
    )


def _take_front_matter(lines: list[str], result: Segmented) -> list[str]:
    """Title lines, the issuer line over a title (a letterhead) or under a finished one (关于…的报告 /
    南湖街道办事处), and the addressee; an attachment label (附件2) above them is no text."""
    sites = [found.group(0) for line in lines[:6] if (found := TITLE_PAGE_MARKS.search(line)) and "_" in line]
    result.site = sites[0].rsplit("_", 1)[-1] if sites else ""
    lines = [_without_title_marks(line) for line in lines[:6]] + lines[6:]
    index = 1 if lines and ATTACHMENT_LABEL.match(lines[0]) else 0
    skipped, repeated = 0, ""
    while index < min(len(lines), 5 + skipped):
        line, before, repeated = lines[index], repeated, ""  # the title's first part, printed again on the last line
        if _is_no_title_line(line, index, lines, result):
            skipped += 1
        elif (
            index == skipped + len(result.title_lines)
            and (unit := speaker_unit(line))
            and (date := _bracketed_date(_next(lines, index)))
        ):
            result.issuer, result.date = unit, date  # a 述法 report's speaker and date, under its title if any
            index, skipped = index + 1, skipped + 1
        elif result.title_lines and (dateline := delivery_dateline(line, _next(lines, index)))[1]:
            result.date = result.date or dateline[0]
            index, skipped = index + dateline[1] - 1, skipped + dateline[1]
        elif result.title_lines and SUBTITLE.match(line) and len(line) <= STANDALONE_HEADING_MAX:
            result.title_lines.append(line)
        elif ADDRESSEE.match(line) and not heading_level(line):
            result.addressee = line.rstrip("：:")
        elif result.title_lines and _took_bracketed_issuer(line, result):
            pass
        elif not result.title_lines and not result.issuer and _is_letterhead(line, _after_numbers(lines[index + 1 :])):
            result.issuer = LETTERHEAD.sub("", line)
        elif not result.title_lines and PLACE_LINE.match(line) and _is_title_line(_next(lines, index)):
            result.title_lines.append(line)
        elif _is_title_line(line) and not result.addressee and not _heading_after_title(line, result):
            if _repeats_title(before + line, result.title_lines):
                skipped += 1
                repeated = before + line if len(before + line) < len("".join(result.title_lines)) - 2 else ""
            elif _is_site_name_over(result.title_lines, line):
                result.chrome_issuer = result.chrome_issuer or result.title_lines.pop()
                result.title_lines.append(line)
            elif result.title_lines and TITLE_END.search(result.title_lines[-1]) and _is_issuer_line(line):
                result.issuer, repeated = line, line  # the title may follow, printed again under its issuer
            else:
                result.title_lines.append(line)
        else:
            break
        index += 1
    return lines[index:]


def _repeats_title(line: str, title_lines: list[str]) -> bool:
    """A finished title printed again (a page's header over its article: 中梁山街道关于2025年度…报告 twice)."""
    title = "".join(title_lines)
    return bool(TITLE_END.search(title)) and SequenceMatcher(None, title, line).ratio() >= REPEATED_TITLE


def _is_site_name_over(title_lines: list[str], line: str) -> bool:
    """A site's name over a title that names another issuer (禄丰市人民政府 / 中村乡人民政府关于…报告), not the first
    line of a title written on two lines (大河乡人民政府 / 关于…报告; 于都县银坑镇人民政府 / 银坑镇关于…报告)."""
    unit = ISSUER.sub("", issuer_phrase(line))
    return len(title_lines) == 1 and _is_issuer_line(title_lines[0]) and len(unit) >= 2 and unit not in title_lines[0]


def _without_title_marks(line: str) -> str:
    title = TITLE_QUOTED.sub(r"\1", TITLE_PAGE_MARKS.sub("", TITLE_LABEL.sub("", line)))
    if title == line or not _is_title_line(title):
        return line
    return HeadingLine(title, line.level) if isinstance(line, HeadingLine) else title


def _bracketed_date(line: str) -> str:
    dated = BRACKETED.match(line)
    return date_of_line(dated.group(1).replace(" ", "")) if dated else ""


def _next(lines: list[str], index: int) -> str:
    return lines[index + 1] if index + 1 < len(lines) else ""


def _is_no_title_line(line: str, index: int, lines: list[str], result: Segmented) -> bool:
    """A line over a title that is none of it: an official document's number or signer under its letterhead
    (梨政发〔2024〕3号, 签发人：张三), or a page's short label over the title (【全文】)."""
    if (result.issuer or index == 0) and not result.title_lines and line.strip() and DOCUMENT_NUMBER.match(line):
        return True
    return index == 0 and bool(LABEL_OVER_TITLE.match(line)) and len(lines) > 1 and _is_title_line(lines[1])


def _took_bracketed_issuer(line: str, result: Segmented) -> bool:
    """Under the title, (翠湖镇人民政府 2024年1月8日), (2024年1月8日) or (翠湖镇人民政府): the issuer and the date
    as a published report states them there rather than in a signature. True when the line was one."""
    found = BRACKETED.match(line)
    if not found:
        return False
    inner = found.group(1).strip()
    dated = DATE_AT_END.search(inner)
    date = date_of_line(dated.group(0).replace(" ", "")) if dated else ""
    issuer = inner[: dated.start()].strip() if dated else inner
    if not date and not ISSUER.search(issuer):
        return False
    if date and not result.date:
        result.date = date
    if issuer and ISSUER.search(issuer) and not result.issuer:
        result.issuer = issuer
    return not issuer or bool(ISSUER.search(issuer))


def _heading_after_title(line: str, result: Segmented) -> bool:
    """After a finished title: a line the file marks as a heading, the body's first heading (主要工作情况), where a
    title may be marked as a heading too (<h1>, Word's Heading 1); or a clause with a comma, the body's first
    sentence cut short (2022年以来，我镇坚持依法行政……)."""
    finished = bool(result.title_lines) and bool(TITLE_END.search(result.title_lines[-1]))
    return finished and (isinstance(line, HeadingLine) or "，" in line)


def _is_letterhead(line: str, following: list[str]) -> bool:
    """The red letterhead over an official document's title (于都县银坑镇人民政府文件), or a party committee and a
    government over a title naming its issuer itself (中共石鼻镇委员会 石鼻镇人民政府 / 石鼻镇2024年…报告). The
    issuer's name alone over the title is the first line of a title written on two lines."""
    if not following or not _is_title_line(following[0]):
        return False
    if JOINT_ISSUER.match(line):
        return bool(issuer_phrase(following[0]))
    return bool(LETTERHEAD.search(line)) and _is_issuer_line(LETTERHEAD.sub("", line))


def _after_numbers(lines: list[str]) -> list[str]:
    """The first of ``lines`` that is no document number or signer line (梨政发〔2024〕3号, 签发人：张三), as a list."""
    return next(([line] for line in lines[:3] if not DOCUMENT_NUMBER.match(line)), [])


def _is_issuer_line(line: str) -> bool:
    return bool(ISSUER.search(line)) and not TITLE_WORDS.search(line)


def _without_distribution_record(lines: list[str]) -> list[str]:
    """The lines without an official document's closing record after the signature: （此件公开发布）,
    抄送：…, 主题词：…, …2024年1月10日印发."""
    end = len(lines)
    while end > 0 and DISTRIBUTION_RECORD.search(lines[end - 1]):
        end -= 1
    return lines[:end]


def _without_attachment_list(lines: list[str], after_date: bool = False) -> list[str]:
    """The lines without a closing list of attachments (附件：1.…台账 / 2.…合同): their names, not report text.
    With ``after_date``, only a list under the signature's date, which would hide the signature."""
    for start in range(len(lines) - 1, max(len(lines) - ATTACHMENTS_LISTED, -1), -1):
        if ATTACHMENT_LIST.match(lines[start]):
            if after_date and not (start and date_of_line(lines[start - 1])):
                break
            rest = lines[start + 1 :]
            if all(len(line) <= ATTACHMENT_NAME_MAX and line[-1] not in "。；" for line in rest):
                return lines[:start]
            break
    return lines


def _take_back_matter(lines: list[str], result: Segmented) -> list[str]:
    """The lines without the signature and its date at the end (the issuer lines, the date on its own line
    or after the issuer on the same line: 龙门镇人民政府 2024年1月10日), which go to ``result``."""
    end = len(lines)
    while end > 0 and len(lines) - end < 3:
        line = SEAL.sub(" ", lines[end - 1]).strip()
        date = date_of_line(line)
        dated = DATE_AT_END.search(line) if not date else None
        issuer = line[: dated.start()].strip() if dated else line
        if dated and not result.date and _is_signature_line(issuer):
            date = date_of_line(dated.group(0).replace(" ", ""))
        if date and not result.date:
            result.date = date
            if issuer != line:
                result.signature.insert(0, issuer)
        elif _is_signature_line(line):
            result.signature.insert(0, line)
        else:
            break
        end -= 1
    return lines[:end]


def _without_closing_formula(lines: list[str]) -> list[str]:
    """The lines without a closing formula at their end (特此报告。), which is no paragraph of the report."""
    end = len(lines)
    while end > 0 and CLOSING_FORMULA.match(lines[end - 1]):
        end -= 1
    return lines[:end]


def _is_signature_line(line: str) -> bool:
    """An issuer's name (龙门镇人民政府), or a place's alone (红旗镇, 磴口县乌兰布和农场), as a signature writes it."""
    if not 0 < len(line) <= 30 or INNER_BREAK.search(line) or heading_level(line):
        return False
    return bool(ISSUER.search(line) or PLACE_LINE.match(line) or stated_place(line, load_gazetteer()).township)


def _ends_open(line: str) -> bool:
    """True when a line stops mid-sentence (no sentence-final punctuation)."""
    last = line[-1]
    if last in SENTENCE_END:
        return False
    return not (last in "”’」』）)" and len(line) > 1 and line[-2] in SENTENCE_END)


def _is_standalone_heading(line: str) -> bool:
    return bool(heading_level(line)) and len(line) <= STANDALONE_HEADING_MAX and not INNER_BREAK.search(line[:-1])


def _unnumbered_headings(lines: list[str]) -> list[str]:
    """A report whose headings lost their numbers (Word's automatic numbering read as text, list markers of a
    page): a line that names a report part as a heading does (主要举措和成效, 2024年工作安排), holds no mark of a
    sentence and follows a finished one is a first-level heading when two or more such lines are found; then a
    short line of the same kind (健全依法决策机制) after a sentence or such a heading is a heading below it.
    Else the lines as they are: a line that stops short is a broken one, to be joined with the next."""
    after_a_sentence = [index == 0 or _finished(lines[index - 1]) for index in range(len(lines))]
    parts = {index for index, line in enumerate(lines) if after_a_sentence[index] and _unnumbered_part_heading(line)}
    if len(parts) < 2:
        return lines

    def level(index: int, line: str) -> int:
        if index in parts:
            return 1
        opens = after_a_sentence[index] or index - 1 in parts
        return 2 if opens and index + 1 < len(lines) and _unnumbered_subheading(line) else 0

    return [HeadingLine(line, found) if (found := level(index, line)) else line for index, line in enumerate(lines)]


def _finished(line: str) -> bool:
    return not line or not _ends_open(line) or bool(heading_level(line))


def _unnumbered_part_heading(line: str) -> bool:
    return not heading_level(line) and not SENTENCE_MARKS.search(line) and names_a_part(line, UNNUMBERED_HEADING_MAX)


def _unnumbered_subheading(line: str) -> bool:
    return 2 <= len(line) <= UNNUMBERED_SUBHEADING_MAX and not heading_level(line) and not SENTENCE_MARKS.search(line)


def rejoin_broken_lines(lines: list[str]) -> list[str]:
    """Join a line that stops mid-sentence with the line after it, unless that one is a heading."""
    joined: list[str] = []
    for line in lines:
        if joined and not heading_level(line) and (_is_bare_number(joined[-1]) or _breaks_off(joined[-1])):
            joined[-1] = _glue(joined[-1], line)
        else:
            joined.append(line)
    return joined


def _breaks_off(line: str) -> bool:
    return _ends_open(line) and not _is_standalone_heading(line)


def _is_bare_number(line: str) -> bool:
    """A heading's number alone on its line (一、 / （一） / 1.), its words on the next: a PDF or a web page that
    sets them apart. The two are one heading; else the words were glued to the body under them."""
    return bool(BARE_NUMBER.match(line))


def _glue(left: str, right: str) -> str:
    """The two parts of a broken line as one; a heading's level stays with it."""
    space = " " if left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha() else ""
    joined = f"{left}{space}{right}"
    return HeadingLine(joined, left.level) if isinstance(left, HeadingLine) else joined


@dataclass
class _Heading:
    level: int
    text: str


def _paragraphs_with_headings(lines: list[str]) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    stack: list[_Heading] = []
    for position, line in enumerate(lines):
        level = heading_level(line)
        if not level:
            paragraphs.append(Paragraph(text=line, section=[h.text for h in stack]))
            continue
        while stack and stack[-1].level >= level:
            stack.pop()
        heading, body = _split_heading(line, level, lines[position + 1] if position + 1 < len(lines) else "")
        if heading:
            stack.append(_Heading(level, heading))
        if body:
            paragraphs.append(Paragraph(text=body, section=[h.text for h in stack]))
    return paragraphs


def _titled_item(line: str, first_break: int) -> bool:
    """①落实第一责任人职责。镇党委书记…: an item opened by a short title of its own (no comma, a full stop), as
    1.落实…。 is; ①加强组织领导；②… is an enumeration."""
    title = line[1 : first_break - 1]
    return line[first_break - 1] == "。" and "，" not in title and len(title) <= CIRCLED_TITLE_MAX


def _split_heading(line: str, level: int, next_line: str) -> tuple[str, str]:
    """Return (heading, body) for a numbered line; either may be empty.

    "（一）深入学习……。结合学习……" is an inline heading with a body. A numbered
    line that has nothing under it (the next line is a heading no deeper, or
    there is none) is a list item, with or without a full stop for items
    numbered 1. / （1） / ① (1.审查合同41份 / 2.调解纠纷98件): a body paragraph,
    not a heading, which would leave its text in no paragraph.
    """
    numbered = numbered_level(line)
    if not numbered:  # marked by its file, not numbered: all of it is the heading
        return line.rstrip("：:。"), ""
    breaks = [m.end() for m in INNER_BREAK.finditer(line)]
    inner = [b for b in breaks if b < len(line)]
    if inner and numbered == CIRCLED_LEVEL and not _titled_item(line, inner[0]):
        return "", line  # ①…；②…。 is an enumeration, not a heading and its text
    if inner:
        first = inner[0]
        marker_end = HEADING_LEVELS[numbered - 1][1].match(line).end()
        if first - marker_end <= INLINE_HEADING_MAX:
            return line[: first - 1], line[first:]
        return "", line
    next_level = heading_level(next_line) if next_line else 0
    has_children = bool(next_line) and (next_level == 0 or next_level > level)
    if has_children:
        return line.rstrip("。；：:！？"), ""
    if line[-1] not in SENTENCE_END and (
        level < LIST_ITEM_LEVEL or (next_level == level and INNER_BREAK.search(next_line))
    ):
        # A section heading with nothing under it (a table of contents lists them), or one over sentences
        # numbered as it is (1.存在的问题 / 1.执法力量薄弱…。).
        return line.rstrip("：:"), ""
    return "", line
