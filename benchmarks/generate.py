"""A synthetic corpus for benchmarks, built from the sample reports, deterministic by seed.

Every report keeps the fixed outline of a real one (概述, 主要举措和成效 with numbered
subsections, 存在的不足和原因, 第一责任人履职, 下一年度安排). Its paragraphs are
recombined from sentences of the sample paragraphs of the same part, with the
sample townships replaced by a real township of the gazetteer (and its own county),
and its year drawn from 2019–2025. File names start with ``synthetic-`` and the
folder holds ``SYNTHETIC.md``: these files are not reports and are never committed.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from pathlib import Path

from search.ingest.gazetteer import load_gazetteer
from search.ingest.pipeline import process_corpus

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "corpus"
SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
NUMERALS = "一二三四五六七八九十"
SECTION_TITLES = {
    "主要举措和成效": "{year}年推进法治政府建设的主要举措和成效",
    "存在的不足和原因": "{year}年推进法治政府建设存在的不足和原因",
    "第一责任人履职": "{year}年党政主要负责人履行推进法治建设第一责任人职责情况",
    "下一年度安排": "{next}年推进法治政府建设的主要安排",
}
COUNTY_ENDINGS = ("县", "区", "市", "旗")


class SampleMaterial:
    """Sentences and subsection headings of the sample reports, by report part."""

    def __init__(self, samples: Path = SAMPLES) -> None:
        reports, _ = process_corpus(samples)
        self.names = sorted({r.township for r in reports} | {r.county for r in reports}, key=len, reverse=True)
        self.sentences: dict[str, list[str]] = defaultdict(list)
        self.headings: dict[str, list[str]] = defaultdict(list)
        for report in reports:
            for paragraph in report.paragraphs:
                self.sentences[paragraph.part].extend(s for s in SENTENCE.findall(paragraph.text) if len(s) > 6)
                if len(paragraph.section) > 1:
                    heading = re.sub(r"^（[一二三四五六七八九十\d]+）|^\d+\.", "", paragraph.section[1])
                    self.headings[paragraph.part].append(heading)
        for part in self.headings:
            self.headings[part] = sorted(set(self.headings[part]))
        self.headings["存在的不足和原因"] = self.headings.get("存在的不足和原因") or ["工作中存在的问题"]
        self.sentences["第一责任人履职"] += self.sentences["主要举措和成效"][:50]

    def localize(self, text: str, township: str, county: str) -> str:
        for name in self.names:
            replacement = township if name.endswith(("乡", "镇", "街道")) else county
            text = text.replace(name, replacement)
        return text


def generate(target: Path, paragraphs: int, seed: int = 7) -> list[Path]:
    """Write about ``paragraphs`` paragraphs' worth of synthetic reports into ``target``."""
    rng = random.Random(seed)
    material = SampleMaterial()
    places = [
        p
        for p in load_gazetteer().places
        if p.township.endswith(("乡", "镇")) and p.county.endswith(COUNTY_ENDINGS) and "直辖" not in p.county
    ]
    target.mkdir(parents=True, exist_ok=True)
    (target / "SYNTHETIC.md").write_text(
        "合成的测试数据（benchmarks/generate.py 生成），不是真实报告。\n", encoding="utf-8"
    )
    written: list[Path] = []
    total = 0
    while total < paragraphs:
        place = rng.choice(places)
        year = rng.randint(2019, 2025)
        text, count = _report_text(rng, material, place, year)
        path = target / f"synthetic-{len(written):06d}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        total += count
    return written


def _paragraph(rng: random.Random, material: SampleMaterial, part: str, place) -> str:
    sentences = rng.sample(material.sentences[part], k=min(len(material.sentences[part]), rng.randint(2, 5)))
    text = "".join(sentences)
    if text[-1] not in "。！？；":
        text += "。"
    return material.localize(text, place.township, place.county)


def _report_text(rng: random.Random, material: SampleMaterial, place, year: int) -> tuple[str, int]:
    """The text of one report and its number of body paragraphs."""
    lines = [
        f"{place.county}{place.township}{year}年度法治政府建设情况报告",
        f"{place.county}人民政府：",
        f"{year}年，{place.township}{_paragraph(rng, material, '概述', place)}",
    ]
    paragraphs = 1
    for index, (part, title) in enumerate(SECTION_TITLES.items()):
        lines.append(f"{NUMERALS[index]}、{title.format(year=year, next=year + 1)}")
        subsections = rng.randint(4, 8) if part == "主要举措和成效" else rng.randint(1, 3)
        for sub in range(subsections):
            heading = material.localize(
                rng.choice(material.headings.get(part) or ["工作情况"]), place.township, place.county
            )
            lines.append(f"（{NUMERALS[sub]}）{heading}")
            for _ in range(rng.randint(1, 3)):
                lines.append(_paragraph(rng, material, part, place))
                paragraphs += 1
    lines += [f"{place.township}人民政府", f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日"]
    return "\n".join(lines) + "\n", paragraphs
