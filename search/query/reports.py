"""A whole report as a reader sees it: metadata, outline, every paragraph in order with its near copy, and (for
a query) the matches marked."""

from __future__ import annotations

import numpy as np

from search.query.highlight import mark, match_spans
from search.query.hits import topics_of
from search.query.parse import parse_query
from search.query.request import searched_concepts
from search.query.state import IndexState
from search.query.thesaurus import highlight_forms


def report_view(state: IndexState, report_id: str, docnum: int, members: np.ndarray, q: str, mode: str) -> dict:
    """The report whose own document is ``docnum`` and whose paragraphs are ``members``."""
    stored = state.stored(docnum)
    results = sorted(((d, state.stored(int(d))) for d in members), key=lambda item: item[1]["ordinal"])
    paragraphs = [
        {
            "id": hit["id"],
            "ordinal": hit["ordinal"],
            "section": hit.get("section") or [],
            "part": hit.get("part", ""),
            "topics": topics_of(hit.get("topic", "")),
            "text": hit["text"],
            "near_copy": state.near_copy(int(doc)),
        }
        for doc, hit in results
    ]
    if q:
        _mark_matches(state, paragraphs, q, mode)
    meta = stored["report"]
    return {
        "id": report_id,
        "path": stored["path"],
        **{k: v for k, v in meta.items() if k != "source"},
        "outline": outline_of(paragraphs),
        "paragraphs": paragraphs,
    }


def _mark_matches(state: IndexState, paragraphs: list[dict], q: str, mode: str) -> None:
    parsed = parse_query(q)
    concepts = searched_concepts(state, parsed.terms, mode == "expanded")
    fillers = {concept.text for concept in concepts if concept.filler}
    forms = [form for form in parsed.highlight if form not in fillers] + highlight_forms(concepts, loose=False)
    for paragraph in paragraphs:
        spans = match_spans(paragraph["text"], forms)
        paragraph["matches"] = len(spans)
        paragraph["html"] = mark(paragraph["text"], spans)
        paragraph["section_html"] = [mark(h, match_spans(h, forms)) for h in paragraph["section"]]


def outline_of(paragraphs: list[dict]) -> list[list[str]]:
    """Every heading path of the paragraphs, and each of its prefixes, in order of first appearance."""
    outline: list[list[str]] = []
    for paragraph in paragraphs:
        for depth in range(1, len(paragraph["section"]) + 1):
            path = paragraph["section"][:depth]
            if path not in outline:
                outline.append(path)
    return outline
