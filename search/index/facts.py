"""What each paragraph of a segment states, read once and kept beside the segment: its quantified statements,
the report parts its words speak of, and its indicator values (:mod:`search.index.figures`).

The report check and the indicator table of a whole province draw on every paragraph; reading them all on a
request took minutes at a million paragraphs. A segment's paragraphs never change (a reindex adds segments and
hides replaced paragraphs), so its facts are read once — by the indexer after its commit, or on first use —
and saved as ``facts.npz`` in the segment's folder, under a key of the data files they were read with: an
edited ``indicators.json`` or ``parts.json`` has them read again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.data import DATA
from search.index.figures import extract, indicator_names, quantified_statements
from search.index.forked import Forked, can_fork
from search.index.segment_reader import Segment, save_quietly
from search.ingest.classify import load_part_rules

FACTS_FILE = "facts.npz"
# 2: a value's sentence as its span in the text; 3: a listed count's own words first; 4: 12个村均配备1名 no total
FACTS_VERSION = "4"
REQUIRED_PARTS = ("主要举措和成效", "存在的不足和原因", "第一责任人履职", "下一年度安排")
# Paragraphs without saved facts worth a second process (~50 µs a paragraph to read; a fork of the indexer
# costs tens of milliseconds): a rebuild, or an edited data file, not a reindex of a few reports.
FORK_FACTS_AT = 100_000


@dataclass
class SegmentFacts:
    """Per local document: quantified statements, and a bit per required part whose cue words it has; and
    every indicator value, as aligned arrays (document, indicator number, amount, approximate, text, and where
    its sentence stands in the paragraph's text as written: the sentence is not stored a second time)."""

    quantified: np.ndarray
    cues: np.ndarray
    value_docs: np.ndarray
    value_kinds: np.ndarray
    value_amounts: np.ndarray
    value_approximate: np.ndarray
    value_texts: list[str]
    value_sentences: np.ndarray  # (start, end) per value


@lru_cache(maxsize=1)
def facts_key() -> str:
    """Names the rules the facts are read with: the code's version and the data files."""
    digest = hashlib.sha256(FACTS_VERSION.encode())
    for name in ("indicators.json", "parts.json"):
        digest.update((DATA / name).read_bytes())
    return digest.hexdigest()[:16]


def part_cues(text: str) -> int:
    """A bit per required part (in REQUIRED_PARTS order) whose cue words ``text`` has."""
    cues = load_part_rules().mention_cues or {}
    return sum(1 << bit for bit, part in enumerate(REQUIRED_PARTS) if any(cue in text for cue in cues.get(part, ())))


def read_facts(segment: Segment) -> SegmentFacts:
    """The facts of every document of ``segment``, read from its texts."""
    names = {name: number for number, name in enumerate(indicator_names())}
    quantified = np.zeros(segment.count, dtype=np.uint16)
    cues = np.zeros(segment.count, dtype=np.uint8)
    docs, kinds, amounts, approximate, texts, sentences = [], [], [], [], [], []
    for docnum, text in enumerate(segment.written_of(list(range(segment.count)))):
        if not text:
            continue
        quantified[docnum] = min(quantified_statements(text), 65535)
        cues[docnum] = part_cues(text)
        for value in extract(text):
            docs.append(docnum)
            kinds.append(names[value.indicator])
            amounts.append(value.amount)
            approximate.append(value.approximate)
            texts.append(value.text)
            start = text.find(value.sentence)
            sentences.append((start, start + len(value.sentence)))
    return SegmentFacts(
        quantified,
        cues,
        np.array(docs, dtype=np.int32),
        np.array(kinds, dtype=np.uint8),
        np.array(amounts, dtype=np.float64),
        np.array(approximate, dtype=bool),
        texts,
        np.array(sentences, dtype=np.int32).reshape(len(sentences), 2),
    )


def segment_facts(segment: Segment) -> SegmentFacts:
    """The facts of ``segment``: saved ones when they were read with today's rules, else read and saved (kept
    in memory only where the index folder is read-only)."""
    path = segment.folder / FACTS_FILE
    saved = _load(path)
    if saved is not None:
        return saved
    facts = read_facts(segment)
    _save(path, facts)
    return facts


def facts_saved(segment: Segment) -> bool:
    """Whether ``segment``'s facts are saved under today's rules (only their key is read)."""
    try:
        with np.load(segment.folder / FACTS_FILE) as saved:
            return str(saved["key"]) == facts_key()
    except (OSError, ValueError, KeyError):
        return False


class FactsReading:
    """The facts of the segments that have none saved, read by two processes while the caller goes on: a forked
    child starts at once from the first such segment (the indexer meanwhile finds the clusters on the other
    core), and :meth:`finish` reads, from the last, those the child has not started, then waits for it. Each
    segment is claimed by one of the two. What the child did not finish (it was killed, the folder is read-only)
    is read where it is needed, as without this. At eight million paragraphs the facts take ~50 µs a paragraph,
    six minutes in one process, after a rebuild or an edit of ``indicators.json`` or ``parts.json``."""

    def __init__(self, segments: list[Segment]) -> None:
        self._stale = [segment for segment in segments if not facts_saved(segment)]
        self._child: Forked | None = None
        worth_it = sum(segment.count for segment in self._stale) >= FORK_FACTS_AT
        if worth_it and can_fork() and os.access(self._stale[0].folder, os.W_OK):
            with contextlib.suppress(OSError):  # no shared memory or no fork left: one process reads them all
                self._claimed = multiprocessing.get_context("fork").Array("b", len(self._stale))
                self._child = Forked(lambda: self._read(range(len(self._stale))))

    def finish(self) -> None:
        """Read the segments the child has not claimed, from the last, and wait for the child."""
        if self._child is None:
            return
        try:
            self._read(reversed(range(len(self._stale))))
        finally:
            # Whatever the child left unsaved is read where it is needed.
            with contextlib.suppress(Exception):
                self._child.result()

    def cancel(self) -> None:
        """End the child unfinished (the caller failed): what it saved stays, the rest is read where needed."""
        if self._child is not None:
            self._child.cancel()

    def _read(self, order: Iterable[int]) -> None:
        """Read and save the facts of the segments in ``order`` that the other process has not claimed."""
        for number in order:
            with self._claimed.get_lock():
                if self._claimed[number]:
                    continue
                self._claimed[number] = 1
            segment_facts(self._stale[number])


def _load(path: Path) -> SegmentFacts | None:
    try:
        with np.load(path) as saved:
            if str(saved["key"]) != facts_key():
                return None
            strings = json.loads(saved["strings"].tobytes().decode("utf-8"))
            return SegmentFacts(
                saved["quantified"],
                saved["cues"],
                saved["value_docs"],
                saved["value_kinds"],
                saved["value_amounts"],
                saved["value_approximate"],
                strings,
                saved["value_sentences"],
            )
    except (OSError, ValueError, KeyError):
        return None


def _save(path: Path, facts: SegmentFacts) -> None:
    strings = json.dumps(facts.value_texts, ensure_ascii=False).encode("utf-8")
    save_quietly(
        path,
        lambda handle: np.savez(
            handle,
            key=np.array(facts_key()),
            quantified=facts.quantified,
            cues=facts.cues,
            value_docs=facts.value_docs,
            value_kinds=facts.value_kinds,
            value_amounts=facts.value_amounts,
            value_approximate=facts.value_approximate,
            value_sentences=facts.value_sentences,
            strings=np.frombuffer(strings, dtype=np.uint8),
        ),
    )
