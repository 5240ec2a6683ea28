"""The data the pipeline passes along: what a reader returns and what a report becomes."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

METADATA_FIELDS = ("title", "level", "township", "county", "city", "province", "year", "date")
LEVELS = ("乡镇", "街道", "县区", "部门")


class ReportError(Exception):
    """A report that cannot be read; the message names the file and the reason."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class HeadingLine(str):
    """A line its file marks as a heading (a Word heading style or outline level) at ``level`` (1 outermost):
    a heading even without a number (主要工作成效), which the text alone would take for a broken line."""

    level: int

    def __new__(cls, text: str, level: int) -> HeadingLine:
        line = super().__new__(cls, text)
        line.level = level
        return line


@dataclass
class RawText:
    """Plain text lines of one file and the hints its format carried (HTML <title>, dates)."""

    lines: list[str]
    format: str
    encoding: str = ""
    hints: dict[str, str] = field(default_factory=dict)


@dataclass
class Paragraph:
    text: str
    section: list[str] = field(default_factory=list)
    part: str = ""
    topics: list[str] = field(default_factory=list)


@dataclass
class Report:
    path: str
    title: str = ""
    level: str = ""
    township: str = ""
    county: str = ""
    city: str = ""
    province: str = ""
    year: int | None = None
    date: str = ""
    paragraphs: list[Paragraph] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    format: str = ""
    encoding: str = ""
    chrome_lines: int = 0
    """Lines of web-page chrome (发布时间, 浏览次数, 打印本页 …) dropped before the text was split."""
    script: str = ""
    """繁体 when the file was written in Traditional characters and is read (and shown) as Simplified."""

    def to_json(self) -> dict:
        """The ``inspect --json`` shape."""
        data = {
            "path": self.path,
            "title": self.title,
            "level": self.level,
            "township": self.township,
            "county": self.county,
            "city": self.city,
            "province": self.province,
            "year": self.year,
            "date": self.date,
            "sources": dict(self.sources),
            "format": self.format,
            "encoding": self.encoding,
            "chrome_lines": self.chrome_lines,
            "script": self.script,
            "paragraphs": [asdict(p) for p in self.paragraphs],
        }
        return data
