"""Two near-identical paragraphs side by side: the sentences they share, and the characters where they differ
(what a reviewer reads to judge a copy: 镇 swapped for 乡, a clause added, figures changed)."""

from __future__ import annotations

import difflib

import numpy as np

from search.index.figures import SENTENCE
from search.index.folding import fold
from search.index.minhash import body_of, shingle_hashes
from search.query.state import IndexState

SHARED_SENTENCE = 0.8  # a sentence is marked shared when this share of its shingles is in the other paragraph


def marked_sentences(text: str, other_shingles: np.ndarray, places: tuple[str, ...] = ()) -> list[dict]:
    """``text``'s sentences, each marked shared when it stands (near-identical) in the paragraph whose
    shingles are ``other_shingles``."""
    marked = []
    for match in SENTENCE.finditer(text):
        shingles = shingle_hashes(body_of(fold(match.group()), places), minimum=0)
        shared = len(shingles) > 0 and np.isin(shingles, other_shingles).mean() >= SHARED_SENTENCE
        marked.append({"text": match.group(), "shared": bool(shared)})
    return marked


def differences(first: str, second: str) -> tuple[list[dict], list[dict]]:
    """Each text as pieces, ``changed`` where it differs from the other (a character diff: Chinese words are
    a few characters, and a copier's edits are words)."""
    matcher = difflib.SequenceMatcher(None, first, second, autojunk=False)
    left, right = [], []
    for tag, a_start, a_end, b_start, b_end in matcher.get_opcodes():
        changed = tag != "equal"
        if a_end > a_start:
            left.append({"text": first[a_start:a_end], "changed": changed})
        if b_end > b_start:
            right.append({"text": second[b_start:b_end], "changed": changed})
    return left, right


def side_by_side(state: IndexState, first: int, second: int) -> dict:
    """Two paragraphs (document numbers) compared: their similarity as the clusters measure it (``edited`` when
    it is the edited-copy score of their sentences), each text in pieces (changed or not) and in sentences
    (shared or not)."""
    texts = [state.written_text(doc) for doc in (first, second)]
    shingles = [state.shingles(doc) for doc in (first, second)]
    pieces = differences(*texts)
    sides = []
    for at, doc in enumerate((first, second)):
        fields = state.report_fields(doc)
        sides.append(
            {
                **state.paragraph_label(doc),
                "county": fields.get("county", ""),
                "text": texts[at],
                "pieces": pieces[at],
                "sentences": marked_sentences(texts[at], shingles[1 - at]),
            }
        )
    similarity, edited = state.copy_similarity(first, second, *shingles)
    return {"similarity": round(similarity, 3), "edited": edited, "paragraphs": sides}
