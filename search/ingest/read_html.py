"""Read a web page saved from a government site: keep the article, drop the site around it."""

from __future__ import annotations

import re
from pathlib import Path

from search.ingest.bounds import check_nesting, check_text_size
from search.ingest.chrome import BYLINE_MAX, DATED_TO_THE_MINUTE, chrome_date, chrome_issuer
from search.ingest.model import HeadingLine, RawText, ReportError
from search.ingest.normalize import date_of_line, iso_date
from search.ingest.text import CJK, decode_text, record_lines

DROP_TAGS = [
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "button",
    "select",
    "input",
    "textarea",
    "svg",
    "object",
]
HEADING_TAG = re.compile(r"h[1-6]")
BOLD_HEADING_MAX = 40
BOLD_LEVEL = 7  # below every <h1>…<h6>
BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "tr",
    "br",
    "td",
    "th",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
    "dd",
    "dt",
    "center",
}
CHROME_CLASS = re.compile(
    r"(^|[-_ ])(nav|menu|footer|header|breadcrumb|crumb|sidebar|share|meta|"
    r"toolbar|banner|copyright|links?|related|comment|print|search|top)([-_ ]|$)",
    re.I,
)
META_DATE_NAMES = (
    "pubdate",
    "publishdate",
    "firstpublishedtime",
    "article:published_time",
    "dc.date",
    "date",
    "og:release_date",
)
# 生成日期：2024-01-20 in a page's information table
PAGE_DATE = re.compile(
    r"(?:生成日期|发布日期|成文日期|发文日期)\s*[：:]?\s*(20\d\d)\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})"
)
TITLE_SUFFIX = re.compile(r"\s*[-_|—–]+\s*[^-_|—–]*(政府|网站|门户|网|平台)[^-_|—–]*$")


def read_html(data: bytes, path: Path) -> RawText:
    from bs4 import BeautifulSoup

    check_text_size(path, data)
    check_nesting(path, data)
    text, encoding = _decode_html(data, path)
    soup = BeautifulSoup(text, "lxml")
    hints: dict[str, str] = {}
    if soup.title and soup.title.get_text(strip=True):
        page_title = soup.title.get_text(" ", strip=True)
        hints["title"] = TITLE_SUFFIX.sub("", page_title)
        site = TITLE_SUFFIX.search(page_title)
        if site:  # 文登区人民政府: whose site it is, a hint of where a township of a common name lies
            hints["site"] = site.group(0).strip(" -_|—–")
    date = _meta_date(soup)
    if date:
        hints["date"] = date
    hints.update(_labelled_in_rows(soup))
    account = _account_name(soup)
    for tag in soup(DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True, attrs={"class": True}):
        if tag.decomposed:
            continue
        classes = " ".join(tag.get("class") or [])
        if CHROME_CLASS.search(classes) and not _is_article(tag):
            if "page_date" not in hints and (dated := _byline_date(tag)):
                hints["page_date"] = dated
            tag.decompose()
    article = _article_element(soup)
    lines = [line for line in _block_lines(article) if line.strip()]
    while lines and TRAILING_ATTACHMENT.match(lines[-1]):  # 附件：xxx.doc after the article is not report text
        lines.pop()
    lines = _without_account_card(lines, account)
    attached = attachment_only(soup, lines)
    if attached:
        raise ReportError(path, f"网页正文只有附件 {attached}：请下载附件后把附件放进报告目录")
    if not any(CJK.search(line) for line in lines):
        raise ReportError(path, "网页中没有找到正文")
    heading = article.find(["h1", "h2"]) if article is not None else None
    if heading is None:
        heading = soup.find("h1")
    if heading is not None and heading.get_text(strip=True):
        hints["heading"] = heading.get_text(" ", strip=True)
    return RawText(lines=lines, format="html", encoding=encoding, hints=hints)


def _account_name(soup) -> str:
    """The name of the public account a WeChat article is published by (#js_name), or ""."""
    found = soup.select_one("#js_name")
    return found.get_text(strip=True) if found is not None else ""


def _without_account_card(lines: list[str], account: str) -> list[str]:
    """The lines without the account's name below the article's last sentence and its date (the account's card
    under a WeChat article, among the prompts to swipe on); above them, the name may be the report's signature."""
    ends = [
        at for at, line in enumerate(lines) if line.rstrip().endswith(ARTICLE_LINE_ENDS) or date_of_line(line.strip())
    ]
    if not account or not ends:
        return lines
    return [line for at, line in enumerate(lines) if at <= ends[-1] or line.strip() != account]


def _byline_date(tag) -> str:
    """The date of an article's byline (原创 红岩发布 2025年01月20日 10:08: dated to the minute), which a page
    sets apart from its text (a WeChat article's meta list), or ""."""
    text = tag.get_text(" ", strip=True)
    return chrome_date(text) if len(text) <= BYLINE_MAX and DATED_TO_THE_MINUTE.search(text) else ""


def _decode_html(data: bytes, path: Path) -> tuple[str, str]:
    declared = re.search(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", data[:4096], re.I)
    if declared:
        name = declared.group(1).decode("ascii", "ignore").lower()
        name = "gb18030" if name in ("gb2312", "gbk", "gb18030") else name
        try:
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(data, path)


def _meta_date(soup) -> str:
    for meta in soup.find_all("meta"):
        key = (meta.get("name") or meta.get("property") or "").lower()
        if key in META_DATE_NAMES and meta.get("content"):
            match = re.search(r"(20\d\d)[-/年.](\d{1,2})[-/月.](\d{1,2})", meta["content"])
            if match:
                return iso_date(match)
    return ""


def _labelled_in_rows(soup) -> dict[str, str]:
    """What a government page's information table says of the document (发布机构 | 仁和区大田镇人民政府, 生成日期 |
    2024-01-20), a label and its value in cells of one row: the issuer, and the date as ``page_date``."""
    found: dict[str, str] = {}
    for row in soup.find_all("tr"):
        line = "  ".join(cell.get_text(" ", strip=True) for cell in row.find_all(["td", "th"]))
        issuer = chrome_issuer(line)
        if issuer and "issuer" not in found:
            found["issuer"] = issuer
        dated = PAGE_DATE.search(line)
        if dated and "page_date" not in found:
            found["page_date"] = iso_date(dated)
    return found


def _is_article(tag) -> bool:
    return len(CJK.findall(tag.get_text())) > 400


def _article_element(soup):
    """The element holding the article: a known container of the common site platforms when it holds
    text, else the one with most Chinese text in its own paragraphs (p, leaf div, or bare text runs)."""
    body = soup.body or soup
    best = _known_container(body)
    if best is None:
        best, best_score = body, 0
        for candidate in body.find_all(["article", "div", "section", "td", "main"]):
            direct = [child for child in candidate.find_all(["p", "div", "br"], recursive=False)]
            score = sum(len(CJK.findall(child.get_text())) for child in direct if _is_text_block(child))
            score += len(CJK.findall("".join(candidate.find_all(string=True, recursive=False))))
            if score > best_score:
                best, best_score = candidate, score
    if best is not body:
        # Keep the article's title and info line, which usually sit just above the text.
        parent = best.parent
        while (
            parent is not None
            and parent is not body
            and len(CJK.findall(parent.get_text())) < len(CJK.findall(best.get_text())) + 300
        ):
            best, parent = parent, parent.parent
    return best


# Article containers of the site platforms Chinese governments use (TRS WCM, 开普云/UCAP, 政府网站集约化平台 …).
KNOWN_CONTAINERS = (
    ".TRS_Editor",
    ".TRS_UEDITOR",
    "#zoom",
    "#UCAP-CONTENT",
    ".article-content",
    ".pages_content",
    "#fontzoom",
    ".zwxl-article",
    ".news_content",
    ".wzy_nr",
    ".article_con",
    "#js_content",  # a WeChat public account's article, as township offices also publish them
)
MIN_CONTAINER_TEXT = 100
ARTICLE_LINE_ENDS = tuple("。！？；")
TRAILING_ATTACHMENT = re.compile(r"^\s*(相关)?附件\s*[0-9一二三四五六七八九十]*\s*[：:].{0,80}$")
ATTACHMENT = re.compile(r"\.(docx?|wps|pdf|ofd|xlsx?|zip|rar)(\?|$)", re.I)


def _known_container(body):
    for selector in KNOWN_CONTAINERS:
        found = body.select_one(selector)
        if found is not None and len(CJK.findall(found.get_text())) >= MIN_CONTAINER_TEXT:
            return found
    return None


def _is_text_block(child) -> bool:
    """A paragraph of the article: a <p>, or a <div> with no blocks inside (pages built of div lines)."""
    return child.name == "p" or (child.name == "div" and child.find(["p", "div", "table", "ul", "ol"]) is None)


def attachment_only(soup, lines: list[str]) -> str:
    """The linked file when a page's article is only an attachment link (and little text), else ""."""
    text = sum(len(CJK.findall(line)) for line in lines)
    links = [a.get("href", "") for a in soup.find_all("a") if ATTACHMENT.search(a.get("href", ""))]
    return links[0].rsplit("/", 1)[-1] if links and text < 120 else ""


def _heading_level(block) -> int:
    """A block's level as a heading the page marks: <h1>…<h6>, or (below them) a short paragraph that is all
    bold (<p><strong>推进依法决策</strong></p>); 0 for text."""
    if HEADING_TAG.fullmatch(block.name or ""):
        return int(block.name[1])
    text = block.get_text(strip=True)
    if not text or len(text) > BOLD_HEADING_MAX or text[-1] in "。；！？":
        return 0
    bold = "".join(tag.get_text(strip=True) for tag in block.find_all(("strong", "b")) if not tag.find(("strong", "b")))
    return BOLD_LEVEL if bold == text else 0


def _table_records(table) -> list[str]:
    """A table of work done (序号 | 工作任务 | 完成情况), a line a row (:func:`text.record_lines`); [] for others."""
    rows = [[cell.get_text("", strip=True) for cell in row.find_all(["td", "th"])] for row in table.find_all("tr")]
    return record_lines([[text for text in row if text] for row in rows])


def _block_lines(element) -> list[str]:
    """Text of an element with a line break at every block boundary."""
    from bs4 import NavigableString

    lines: list[str] = []
    current: list[str] = []

    def flush(level: int = 0) -> None:
        if current:
            text = "".join(current)
            lines.append(HeadingLine(text, level) if level and text.strip() else text)
            current.clear()

    def walk(node) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__.__name__ in ("Comment", "Doctype", "Declaration", "ProcessingInstruction"):
                    continue
                current.append(re.sub(r"[\r\n\t]+", "", str(child)))
            elif child.name == "table" and (records := _table_records(child)):
                flush()
                lines.extend(records)
            elif child.name in BLOCK_TAGS:
                flush()
                walk(child)
                flush(_heading_level(child))
            else:
                walk(child)

    if element is not None:
        walk(element)
    flush()
    return lines
