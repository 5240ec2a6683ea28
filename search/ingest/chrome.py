"""Web-page chrome in a saved report: lines of site information (发布时间, 来源, 浏览次数, 打印本页 …) that are not
the report's text, recognized by the line shapes listed in ``data/page_chrome.json``."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.data import DATA

DATE_TIME = re.compile(r"20\d\d\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?(?:\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?")
SEPARATORS = re.compile(r"[\s|｜/·•:：【】\[\]()（）<>《》\-—_=,，.。、]")
SENTENCE = re.compile(r"[。；！？]")
LEFTOVER = 4


@dataclass(frozen=True)
class ChromeRules:
    label: re.Pattern
    phrase: re.Pattern
    max_length: int
    issuer: re.Pattern | None = None
    """A label naming who issued the page's document (发布机构：…) and its value."""


@lru_cache(maxsize=4)
def load_chrome_rules(path: Path = DATA / "page_chrome.json") -> ChromeRules:
    data = json.loads(path.read_text(encoding="utf-8"))
    labels = "|".join(re.escape(label) for label in sorted(data["labels"], key=len, reverse=True))
    phrases = "|".join(re.escape(phrase) for phrase in sorted(data["phrases"], key=len, reverse=True))
    # A label (发布时间：, or bracketed as government sites print it: 【公开属性】) and its value, which runs to the
    # next label (saved pages lose the spaces between items) or the line's end.
    marked = rf"(?:【\s*(?:{labels})\s*】|(?:{labels})\s*[：:])"
    label = re.compile(rf"{marked}\s*[^，。；]{{0,40}}?(?={marked}|{phrases}|$)")
    issuers = "|".join(re.escape(label) for label in data.get("issuer_labels", ()))
    issuer = (
        re.compile(rf"(?:{issuers})\s*[：:]\s*([\u4e00-\u9fff（）()]{{2,40}}?)(?=\s|{labels}|$)") if issuers else None
    )
    return ChromeRules(label, re.compile(phrases), int(data.get("max_length", 100)), issuer)


def is_chrome(line: str, rules: ChromeRules | None = None) -> bool:
    """Whether a (normalized) line is site chrome: made only of labelled values, buttons, dates and separators."""
    rules = rules or load_chrome_rules()
    if not line or len(line) > rules.max_length or SENTENCE.search(line):
        return False
    has_label = bool(rules.label.search(line))
    rest = rules.label.sub("", line)
    has_phrase = bool(rules.phrase.search(rest))
    if not (has_label or has_phrase):
        return False
    rest = SEPARATORS.sub("", DATE_TIME.sub("", rules.phrase.sub("", rest)))
    return len(re.sub(r"\d", "", rest)) <= LEFTOVER


def chrome_issuer(line: str, rules: ChromeRules | None = None) -> str:
    """The issuer a chrome line names under an issuer label (发布机构：某某街道办事处), or ""."""
    rules = rules or load_chrome_rules()
    found = rules.issuer.search(line) if rules.issuer else None
    return found.group(1) if found else ""
