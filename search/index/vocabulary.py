"""The vocabulary files the index is built with: the thesaurus's concept groups, the domain dictionary and the
gazetteer's place names. Their words become segmenter words and phrase postings; the query side reads the
same thesaurus groups to expand queries."""

from __future__ import annotations

import gzip
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search.data import DATA
from search.index.folding import fold

THESAURUS = DATA / "thesaurus.txt"


@dataclass(frozen=True)
class Group:
    """One line of the thesaurus: the head term, its equivalents and its related terms."""

    members: tuple[str, ...]
    related: tuple[str, ...]


def parse_thesaurus(text: str) -> list[Group]:
    """Groups from the thesaurus format: ``head = equivalent, … ~ related, …``; # starts a comment."""
    groups = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.replace("＝", "=").replace("～", "~")
        members_part, _, related_part = line.partition("~")
        members = _terms(members_part.replace("=", ","))
        related = [t for t in _terms(related_part) if t not in members]
        if members:
            groups.append(Group(tuple(members), tuple(related)))
    return groups


def _terms(text: str) -> list[str]:
    return list(dict.fromkeys(fold(t.strip()) for t in re.split(r"[,，、]", text) if t.strip()))


@lru_cache(maxsize=4)
def load_groups(path: Path = THESAURUS) -> tuple[Group, ...]:
    return tuple(parse_thesaurus(path.read_text(encoding="utf-8")))


def thesaurus_terms(path: Path = THESAURUS) -> set[str]:
    """Every term of the thesaurus (folded): heads, equivalents and related terms."""
    return {term for group in load_groups(path) for term in (*group.members, *group.related)}


def place_names() -> list[str]:
    names: set[str] = set()
    with gzip.open(DATA / "gazetteer.tsv.gz", "rt", encoding="utf-8") as rows:
        next(rows)
        for row in rows:
            fields = row.rstrip("\n").split("\t")
            names.update((fields[0], fields[2], fields[4], fields[6]))
    names.discard("")
    return sorted(names)


def dictionary_words(path: Path = DATA / "domain_dict.txt") -> list[tuple[str, int | None]]:
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        words.append((fold(parts[0]), freq))
    return words
