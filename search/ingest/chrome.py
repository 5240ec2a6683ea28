"""Web-page chrome in a saved report: lines of site information (发布时间, 来源, 浏览次数, 打印本页 …) that are not
the report's text, recognized by the line shapes listed in ``data/page_chrome.json``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.data import DATA
from search.ingest.normalize import iso_date

DATE_TIME = re.compile(r"20\d\d\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
SEPARATORS = re.compile(r"[\s|｜/·•:：【】\[\]()（）<>《》\-—_=,，.。、]")
SENTENCE = re.compile(r"[。；！？]")
LEFTOVER = 4
# A site's date banner (2019年12月3日星期二, 今天是：2024年1月5日 周五 农历…): the day it was saved, with the
# weekday a report's own dates never carry; the site's name may stand before it.
DATE_IN_TEXT = re.compile(r"(20\d\d)\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})\s*日?")
WEEKDAY_DATE = re.compile(r"20\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*(?:星期|周|礼拜)[一二三四五六日天]")
BANNER_MAX = 40
# 原创 红岩镇 红岩发布 2025年01月20日 10:08 四川: an article's byline (account, date and time, where posted)
DATED_TO_THE_MINUTE = re.compile(r"20\d\d\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?\s*\d{1,2}:\d{2}")
BYLINE_MAX = 40
# 湛江市廉江市良垌镇人民政府信息公开: the banner of a unit's disclosure section over its documents
SITE_SECTION = re.compile(r"[\u4e00-\u9fff]{2,24}(?:人民政府|政府|办事处)(?:信息公开|政务公开)(?:目录|专栏|平台)?")
BARE_LABEL_MAX = 40  # a line a colon-less label opens: the value follows it, no sentence
VALUE_BELOW_MAX = 24  # a label's value on the line under it (万古镇人民政府, 2026-03-04 09:30)
VALUE_BREAK = re.compile(r"[，,。；;：:！？]")
A_TITLE = re.compile(r"报告|总结|情况|通知|意见|方案")
# A breadcrumb (首页 > 政务公开 > 法治政府建设报告 > 乡镇街道): short crumbs between arrows, from the site's home page.
CRUMB_ARROW = re.compile(r"\s*(?:>>|>|＞|»|›|→)\s*")
CRUMB_MAX = 20
# 市司法局 > 专题专栏 > …: a breadcrumb may start from the site's own name instead of its home page
SITE_NAME = re.compile(r"[\u4e00-\u9fff]{1,20}(?:局|政府|办事处|网|网站|门户|委员会|办公室)")
# 网站首页 政府信息公开 互动交流: a site's menu, short items between spaces, one of them a word only chrome uses
MENU_ITEMS = 3
MENU_ITEM_MAX = 8
MENU_MAX = 120  # characters of a menu's line, at most


@dataclass(frozen=True)
class ChromeRules:
    label: re.Pattern
    phrase: re.Pattern
    max_length: int
    issuer: re.Pattern | None = None
    """A label naming who issued the page's document (发布机构：…) and its value."""
    home: re.Pattern = re.compile("$^")
    """The words a breadcrumb starts from (首页, 当前位置)."""
    alone: frozenset[str] = frozenset()
    """Lines that are chrome only on their own (大 / 中 / 小: a font-size switch printed one per line)."""
    bare: re.Pattern = re.compile("$^")
    """A label of three characters or more opening a line with no colon (发布日期2026-01-27, 时效性有效)."""
    names: re.Pattern = re.compile("$^")
    """Any label's name, colon or not (索 引 号 发布机构 / 文 号 有效性: a table's heads copied without values)."""
    source: re.Pattern | None = None
    """A label naming where the page's text came from (来源：浚县司法局) and its value."""
    end_markers: frozenset[str] = frozenset()
    """Lines after which an article's text is over (END, 往期推荐: other articles' titles follow)."""


@lru_cache(maxsize=4)
def load_chrome_rules(path: Path = DATA / "page_chrome.json") -> ChromeRules:
    data = json.loads(path.read_text(encoding="utf-8"))
    labels = "|".join(re.escape(label) for label in sorted(data["labels"], key=len, reverse=True))
    phrases = "|".join(re.escape(phrase) for phrase in sorted(data["phrases"], key=len, reverse=True))
    # A label (发布时间：, or bracketed as government sites print it: 【公开属性】) and its value, which runs to the
    # next label (saved pages lose the spaces between items) or the line's end.
    marked = rf"(?:[【\[［]\s*(?:{labels})\s*[】\]］]|(?:{labels})\s*[：:])"
    label = re.compile(rf"{marked}\s*[^，。；]{{0,40}}?(?={marked}|{phrases}|$)")
    issuer = _labelled_value(data.get("issuer_labels", ()), labels)
    home = "|".join(re.escape(word) for word in data.get("home_words", ()))
    long_labels = "|".join(
        re.escape(label) for label in sorted(data["labels"], key=len, reverse=True) if len(label) >= 3
    )
    return ChromeRules(
        label,
        re.compile(phrases),
        int(data.get("max_length", 100)),
        issuer,
        re.compile(home or "$^"),
        frozenset(data.get("alone", ())),
        re.compile(rf"^[-•·\s]*(?:{long_labels})(?![：:])"),
        re.compile(labels),
        _labelled_value(data.get("source_labels", ()), labels),
        frozenset(data.get("end_markers", ())),
    )


def _labelled_value(names: list[str], labels: str) -> re.Pattern | None:
    """发布机构：…, 【发布机构】…, or at a line's start with no mark at all (发布机构屏边县新华乡人民政府): one of
    ``names`` and the value after it, up to the next label."""
    if not names:
        return None
    named = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    marked = rf"(?:[【\[［]\s*(?:{named})\s*[】\]］]|(?:{named})\s*[：:]|^[-•·\s]*(?:{named})(?=[\u4e00-\u9fff]))"
    return re.compile(rf"{marked}\s*[|｜]?\s*([\u4e00-\u9fff（）()]{{2,40}}?)(?=\s|[|｜【\[［]|{labels}|$)")


def is_chrome(line: str, rules: ChromeRules | None = None) -> bool:
    """Whether a (normalized) line is site chrome: made only of labelled values, buttons, dates and separators."""
    rules = rules or load_chrome_rules()
    if not line or len(line) > rules.max_length or SENTENCE.search(line):
        return False
    if not SEPARATORS.sub("", line) or line in rules.alone:
        return True
    if _is_breadcrumb(line, rules) or (len(line) <= BANNER_MAX and WEEKDAY_DATE.search(line)):
        return True
    if len(line) <= BYLINE_MAX and "，" not in line and DATED_TO_THE_MINUTE.search(line):
        return True
    if SITE_SECTION.fullmatch(line):
        return True
    if rules.names.fullmatch(line.strip("-•· ")):
        return True  # a label's name alone, its value on the next line or none
    if len(line) <= BARE_LABEL_MAX and "，" not in line and (rules.bare.match(line) or _only_label_names(line, rules)):
        return True
    has_label = bool(rules.label.search(line))
    rest = rules.label.sub("", line)
    has_phrase = bool(rules.phrase.search(rest))
    if not (has_label or has_phrase):
        return False
    rest = SEPARATORS.sub("", DATE_TIME.sub("", rules.phrase.sub("", rest)))
    return len(re.sub(r"\d", "", rest)) <= LEFTOVER


def value_below(label_line: str, line: str, rules: ChromeRules | None = None) -> str:
    """``label：line`` where ``label_line`` is a label's name alone (发布时间： / 来源：) and ``line`` its value under
    it, as a page laid out in a table copies: a date (2026-03-04), or the unit a 发布机构 or 来源 names (万古镇人民
    政府); "" otherwise."""
    rules = rules or load_chrome_rules()
    name = label_line.strip("-•· ：:")
    if not line or len(line) > VALUE_BELOW_MAX or VALUE_BREAK.search(line) or not rules.names.fullmatch(name):
        return ""
    labelled = f"{name}：{line}"
    if DATE_TIME.fullmatch(line):
        return labelled
    named = chrome_issuer(labelled, rules) or chrome_source(labelled, rules)
    return labelled if named and not A_TITLE.search(line) else ""  # not the title under 公开日 or 来源


def article_end(lines: list[str], rules: ChromeRules | None = None) -> int:
    """Where an article's text ends: at an end marker alone on a line (END, 往期推荐) in its second half — what
    follows is a page's or an account's list of other articles and its editors; ``len(lines)`` for none."""
    rules = rules or load_chrome_rules()
    ends = (at for at in range(len(lines) // 2, len(lines)) if SEPARATORS.sub("", lines[at]) in rules.end_markers)
    return next(ends, len(lines))


def _only_label_names(line: str, rules: ChromeRules) -> bool:
    """索引号 发布机构 / 文号 〔〕号 有效性: two labels' names or more and next to nothing else."""
    named = rules.names.findall(line)
    rest = re.sub(r"[\dA-Za-z〔〕\[\]号]", "", SEPARATORS.sub("", rules.names.sub("", line)))
    return len(named) >= 2 and len(rest) <= 1


def _is_breadcrumb(line: str, rules: ChromeRules) -> bool:
    """首页 > 政务公开 > 区属街道信息公开目录 > 坡子街街道: two arrows or more, the first crumb the site's home or
    nothing (a breadcrumb's second line, its home page on the line before: 当前位置：首页 / > 政务公开 > …)."""
    crumbs = CRUMB_ARROW.split(line)
    return (
        len(crumbs) >= 3
        and (not crumbs[0] or bool(rules.home.search(crumbs[0])) or bool(SITE_NAME.fullmatch(crumbs[0])))
        and all(len(crumb) <= CRUMB_MAX for crumb in crumbs)
    )


def is_menu(line: str, rules: ChromeRules | None = None) -> bool:
    """Whether a line as read, before normalizing takes the spaces between Chinese words out, is a site's menu
    (网站首页 政府信息公开 互动交流): three short items or more between spaces, one of them the site's home or a
    word only chrome uses (a report's line of short items names no 首页 or 信息公开)."""
    if len(line) > MENU_MAX:
        return False
    rules = rules or load_chrome_rules()
    items = line.split()
    return (
        len(items) >= MENU_ITEMS
        and all(len(item) <= MENU_ITEM_MAX and not SEPARATORS.search(item) for item in items)
        and any(rules.home.search(item) or rules.phrase.fullmatch(item) for item in items)
    )


def chrome_issuer(line: str, rules: ChromeRules | None = None) -> str:
    """The issuer a chrome line names under an issuer label (发布机构：某某街道办事处), or ""."""
    rules = rules or load_chrome_rules()
    found = rules.issuer.search(line) if rules.issuer else None
    return found.group(1) if found else ""


def chrome_source(line: str, rules: ChromeRules | None = None) -> str:
    """The source a chrome line names under a source label (来源：浚县司法局), or "": a publisher, often the
    county's office that republished a township's report, sometimes a newspaper or the site itself."""
    rules = rules or load_chrome_rules()
    found = rules.source.search(line) if rules.source else None
    return found.group(1) if found else ""


def chrome_date(line: str) -> str:
    """The ISO date a chrome line gives the page (发布日期：2024-01-22), or ""; none from a site's banner, dated
    the day the page was saved (2019年12月3日星期二)."""
    found = None if WEEKDAY_DATE.search(line) else DATE_IN_TEXT.search(line)
    return iso_date(found) if found else ""
