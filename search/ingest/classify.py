"""Tag paragraphs with their report part and topics, from editable data files."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.data import DATA
from search.ingest.model import Paragraph

PARTS = ("概述", "主要举措和成效", "存在的不足和原因", "第一责任人履职", "下一年度安排")
PLANS = PARTS[-1]
OPENING_YEAR = re.compile(r"^(20\d\d)\s*年")
HEADING_YEAR = re.compile(r"(20\d\d)\s*年")
LABEL = re.compile(r"([^，。；：:、,\s]{2,12})[：:]")
HEADING_NUMBER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、，.]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[、，.]|[①-⑳㈠-㈩])\s*"
)


@dataclass(frozen=True)
class PartRules:
    order: tuple[str, ...]
    default: str
    before_first_section: str
    patterns: dict[str, re.Pattern]
    cues: dict[str, frozenset[str]]
    openings: dict[str, re.Pattern]
    opening_chars: int = 40
    subheadings: dict[str, re.Pattern] | None = None
    noun_cues: frozenset[str] = frozenset()
    """Cue nouns (问题) that right after another query word are its head (信访问题), not a part's name."""
    topic_parts: frozenset[str] = frozenset()
    """Parts set apart by what they are about (第一责任人履职), not by their stance (done, lacking, planned): a
    word naming one (述法) still puts the part first within a tier, but is present only where it is written."""
    topic_openings: dict[str, re.Pattern] | None = None
    """Openings that put a paragraph its headings leave in the default part into a topic part: 1.镇党委书记、镇长
    切实履行…第一责任人职责 under 一、工作开展情况 reports what the leaders did."""
    remedy_cues: tuple[str, ...] = ()
    """How a query asks what to do about a shortcoming (怎么办, 如何解决)."""
    remedy_problem: str = ""
    """The part whose word such a query names (不足 → 存在的不足和原因)."""
    remedy_answers: str = ""
    """The part that answers such a query as the problem's part does (下一年度安排: what each will do)."""
    mention_cues: dict[str, tuple[str, ...]] | None = None
    """Words whose presence in a report's text shows it speaks of a part it gives no section: longer and fewer
    than a query's cues (a question's 少 or 没有 names the shortcomings; 少数民族 and 没有发生 in a text do not)."""

    def named_by(self, word: str) -> str:
        """The part a query word names on its own (不足, 下一步, 第一责任人; 下一步打算, made of two words that name
        the plans), or ""."""
        for part in self.order:
            if word in self.cues.get(part, ()) or self.patterns[part].fullmatch(word):
                return part
        for part in self.order:
            if _made_of(word, self.cues.get(part, frozenset())):
                return part
        return ""

    def part_of(self, section: list[str]) -> str:
        """The report part a paragraph belongs to, from its outermost heading."""
        return self.named_by_heading(section) or (self.default if section else self.before_first_section)

    def named_by_heading(self, section: list[str]) -> str:
        """The part a paragraph's outermost heading names, or "" (no heading, or one that names no part)."""
        if section:
            for part in self.order:
                if self.patterns[part].search(section[0]):
                    return part
        return ""

    def named_by_subheading(self, section: list[str]) -> str:
        """The part a heading below the outermost one is about ((二)主要负责人履职, (三)存在的短板 under
        一、工作开展情况): the deepest that starts, after its number, as one of the part's ``subheadings``; ""
        for none. Only a heading that opens so counts: (二)补齐执法短板 reports work done."""
        for heading in reversed(section[1:]):
            text = HEADING_NUMBER.sub("", heading)
            for part in self.order:
                pattern = (self.subheadings or {}).get(part)
                if pattern is not None and pattern.search(text):
                    return part
        return ""

    def named_by_topic_opening(self, text: str) -> str:
        """The topic part whose ``topic_openings`` the paragraph's opening (after its number) matches, or ""."""
        opening = HEADING_NUMBER.sub("", text[: self.opening_chars])
        for part, pattern in (self.topic_openings or {}).items():
            if pattern.search(opening):
                return part
        return ""

    def remedy_cues_in(self, text: str) -> list[str]:
        """The cues in query ``text`` that ask what to do about a shortcoming (干部法治意识不强怎么办)."""
        return [cue for cue in self.remedy_cues if cue in text]

    def label_of(self, text: str) -> tuple[str, str]:
        """(label, part) when a paragraph opens with a short label naming a report part and a colon
        (存在问题：…, 下步打算：…), as a report without numbered part headings writes them; else ("", "")."""
        found = LABEL.match(text)
        if found:
            for part in self.order:
                if self.patterns[part].search(found.group(1)):
                    return found.group(1), part
        return "", ""

    def parts_named(self, heading: str, year: int | None = None) -> list[str]:
        """Every part a heading names, in the order it names them (存在问题及下一步打算: 不足, then 安排). A
        heading on a year after the report's ``year`` that names no part but the default names the plans,
        whatever its noun (2024年主要工作任务, 2024年重点举措 in a report on 2023)."""
        found = [(match.end(), part) for part in self.order if (match := self.patterns[part].search(heading))]
        named = [part for _, part in sorted(found)]
        if year and set(named) <= {self.default} and (stated := HEADING_YEAR.search(heading)) and int(stated[1]) > year:
            return [PLANS]
        return named

    def named_by_opening(self, text: str, year: int | None = None) -> str:
        """The part a paragraph's opening names (但是…仍存在一些不足, 下一步，我镇将…), or "". An opening with a
        year that is not after the report's ``year`` names no plans: 2023年，我镇将法治建设纳入考核 (将 as 把)
        in a report on 2023 tells what was done."""
        opening = text[: self.opening_chars]
        for part in self.order:
            pattern = self.openings.get(part)
            if pattern is not None and pattern.search(opening):
                if part == PLANS and year and (stated := OPENING_YEAR.match(opening)) and int(stated[1]) <= year:
                    continue
                return part
        return ""


def _made_of(word: str, cues: frozenset[str]) -> bool:
    """Whether ``word`` is two or more of ``cues`` one after another (下一步打算: 下一步 + 打算)."""
    ends = {0}
    for end in range(1, len(word) + 1):
        if any(word[start:end] in cues for start in ends if start < end):
            ends.add(end)
    return len(word) in ends and word not in cues


@lru_cache(maxsize=4)
def load_part_rules(path: Path = DATA / "parts.json") -> PartRules:
    data = json.loads(path.read_text(encoding="utf-8"))
    patterns = {part: re.compile("|".join(f"(?:{p})" for p in data["patterns"][part])) for part in data["order"]}
    cues = {part: frozenset(words) for part, words in data.get("query_cues", {}).items()}
    openings, subheadings, topic_openings = (
        {part: re.compile("|".join(f"(?:{p})" for p in found)) for part, found in data.get(key, {}).items()}
        for key in ("openings", "subheadings", "topic_openings")
    )
    remedies = data.get("remedies", {})
    return PartRules(
        tuple(data["order"]),
        data["default"],
        data["before_first_section"],
        patterns,
        cues,
        openings,
        int(data.get("opening_chars", 40)),
        subheadings,
        frozenset(data.get("noun_cues", ())),
        frozenset(data.get("topic_parts", ())),
        topic_openings,
        tuple(remedies.get("cues", ())),
        remedies.get("problem", ""),
        remedies.get("answers", ""),
        {part: tuple(words) for part, words in data.get("mention_cues", {}).items()},
    )


@lru_cache(maxsize=4)
def load_topics(path: Path = DATA / "topics.json") -> dict[str, re.Pattern]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {
        topic: re.compile("|".join(f"(?:{p})" for p in patterns))
        for topic, patterns in data.items()
        if not topic.startswith("_")
    }


def topics_of(text: str, topics: dict[str, re.Pattern] | None = None) -> list[str]:
    topics = topics if topics is not None else load_topics()
    return [topic for topic, pattern in topics.items() if pattern.search(text)]


def classify(paragraphs: list[Paragraph], year: int | None = None) -> None:
    """Set ``part`` and ``topics`` on every paragraph in place; ``year`` is the year the report is on."""
    rules = load_part_rules()
    topics = load_topics()
    parts = parts_of(paragraphs, rules, year)
    _close_headings_at_labels(paragraphs, parts, rules, year)
    for paragraph, part in zip(paragraphs, parts, strict=True):
        paragraph.part = part
        heading = paragraph.section[-1] if paragraph.section else ""
        paragraph.topics = topics_of(f"{heading}\n{paragraph.text}", topics)


def parts_of(paragraphs: list[Paragraph], rules: PartRules, year: int | None = None) -> list[str]:
    """Each paragraph's report part: the one a heading below the outermost is about, if any; else the one its
    outermost heading names; where the heading names none (or the report has no headings), the one its opening
    names, carried on to the paragraphs after it under the same heading; else the report's opening (before any
    heading, or a headingless report's first paragraph) or the default part. A paragraph left in the default part
    whose opening is a topic part's (the leaders performing their duty) is of that part."""
    headed = any(paragraph.section for paragraph in paragraphs)
    parts, carried, carried_under = [], "", None
    for number, paragraph in enumerate(paragraphs):
        named = rules.parts_named(paragraph.section[0], year) if paragraph.section else []
        if part := rules.named_by_subheading(paragraph.section):
            carried = ""
        elif len(named) > 1:
            part = _part_under_combined_heading(
                paragraph, named, rules, carried if carried_under == paragraph.section[:1] else "", year
            )
            carried, carried_under = part, paragraph.section[:1]
        elif part := (named[0] if named else ""):
            carried = ""
        elif opening := rules.named_by_opening(paragraph.text, year):
            part, carried, carried_under = opening, opening, paragraph.section
        elif carried and paragraph.section == carried_under:
            part = carried
        elif not paragraph.section and (headed or number == 0):
            part = rules.before_first_section
        else:
            part = rules.default
        if part == rules.default:
            part = rules.named_by_topic_opening(paragraph.text) or part
        parts.append(part)
    return parts


def _close_headings_at_labels(
    paragraphs: list[Paragraph], parts: list[str], rules: PartRules, year: int | None = None
) -> None:
    """A paragraph that opens with a part label (存在问题：…) of another part than its headings name starts
    that part as a heading would: the numbered heading above it (3.调处矛盾纠纷) no longer describes it, nor
    the paragraphs after it under the same headings. Those take the label as their heading when they are of
    its part, else none, so a heading's words and topics do not spread to text that is not under it."""
    stale, label, label_part = None, "", ""
    for paragraph, part in zip(paragraphs, parts, strict=True):
        found, found_part = rules.label_of(paragraph.text)
        if (
            found
            and part == found_part
            and found_part not in rules.parts_named(paragraph.section[0] if paragraph.section else "", year)
        ):
            stale, label, label_part = paragraph.section, found, found_part
        elif stale is None or paragraph.section != stale:
            stale = None
            continue
        paragraph.section = [label] if part == label_part else []


def _part_under_combined_heading(
    paragraph: Paragraph, named: list[str], rules: PartRules, carried: str, year: int | None = None
) -> str:
    """The part of a paragraph under a heading that names several (三、存在问题及下一步打算): the one of them a
    deeper heading of it names alone ((一)存在问题), else its opening's (下一步，我乡将…), else the one the
    paragraph before it under the same heading took, else the first the heading names."""
    for heading in paragraph.section[1:]:
        deeper = [part for part in rules.parts_named(heading, year) if part in named]
        if len(deeper) == 1:
            return deeper[0]
    part = rules.named_by_opening(paragraph.text, year)
    if part in named:
        return part
    return carried or named[0]
