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


@dataclass(frozen=True)
class PartRules:
    order: tuple[str, ...]
    default: str
    before_first_section: str
    patterns: dict[str, re.Pattern]
    cues: dict[str, frozenset[str]]

    def named_by(self, word: str) -> str:
        """The part a query word names on its own (不足, 下一步, 第一责任人), or ""."""
        for part in self.order:
            if word in self.cues.get(part, ()) or self.patterns[part].fullmatch(word):
                return part
        return ""

    def part_of(self, section: list[str]) -> str:
        """The report part a paragraph belongs to, from its outermost heading."""
        if not section:
            return self.before_first_section
        for part in self.order:
            if self.patterns[part].search(section[0]):
                return part
        return self.default


@lru_cache(maxsize=4)
def load_part_rules(path: Path = DATA / "parts.json") -> PartRules:
    data = json.loads(path.read_text(encoding="utf-8"))
    patterns = {part: re.compile("|".join(f"(?:{p})" for p in data["patterns"][part])) for part in data["order"]}
    cues = {part: frozenset(words) for part, words in data.get("query_cues", {}).items()}
    return PartRules(tuple(data["order"]), data["default"], data["before_first_section"], patterns, cues)


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


def classify(paragraphs: list[Paragraph]) -> None:
    """Set ``part`` and ``topics`` on every paragraph in place."""
    rules = load_part_rules()
    topics = load_topics()
    for paragraph in paragraphs:
        paragraph.part = rules.part_of(paragraph.section)
        heading = paragraph.section[-1] if paragraph.section else ""
        paragraph.topics = topics_of(f"{heading}\n{paragraph.text}", topics)
