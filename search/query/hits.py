"""A hit as the API gives it: its paragraph's fields, its report's, a snippet with the matches marked, and
why it matched."""

from __future__ import annotations

from search.index.analyze import fold
from search.query.highlight import mark, match_spans, snippet
from search.query.rank import TIERS
from search.query.state import IndexState
from search.query.thesaurus import Concept, explain, highlight_forms, term_words, why_line


def hit_json(
    state: IndexState,
    docnum: int,
    score: float | None,
    forms: list[str],
    concepts: list[Concept] | None = None,
    tier: int = 0,
) -> dict:
    stored = state.stored(docnum)
    text = stored.get("text", "")
    concepts = concepts or []
    reasons = explain(concepts, fold(text + " " + " ".join(stored.get("section") or []))) if concepts else []
    reasons += from_the_place(concepts, stored, {reason["concept"] for reason in reasons})
    forms = forms + highlight_forms(marked_concepts(concepts, reasons), loose=tier > 0)
    section = stored.get("section") or []
    heading_spans = [match_spans(heading, forms) for heading in section]
    return {
        "id": stored["id"],
        "report_id": stored["report_id"],
        "title": stored.get("title", ""),
        "level": stored.get("level", ""),
        "township": stored.get("township", ""),
        "county": stored.get("county", ""),
        "city": stored.get("city", ""),
        "province": stored.get("province", ""),
        "year": stored.get("year"),
        "part": stored.get("part", ""),
        "topics": topics_of(stored.get("topic", "")),
        "section": section,
        "section_html": [mark(heading, spans) for heading, spans in zip(section, heading_spans, strict=True)],
        "heading_match": any(heading_spans),
        "text": text,
        "snippet": snippet(text, forms),
        "score": None if score is None else round(float(score), 4),
        "tier": TIERS[tier],
        "matched": reasons,
        "why": why_line(reasons),
    }


def marked_concepts(concepts: list[Concept], reasons: list[dict[str, str]]) -> list[Concept]:
    """The concepts whose words a hit marks: the words of a thesaurus term typed as one only where they are
    named (it matches apart), else 执法 of 执法三项制度 would be marked all over its paragraphs."""
    term_of, named = term_words(concepts), {reason["concept"] for reason in reasons}
    return [concept for concept in concepts if concept.text not in term_of or concept.text in named]


def from_the_place(concepts: list[Concept], stored: dict, found: set[str]) -> list[dict[str, str]]:
    """Why a paragraph that does not say a place word of the query (城口县) or a year (2023) matched it: its report
    is from there, or of that year."""
    reasons = []
    for concept in concepts:
        for facet, value in concept.place:
            if concept.text in found:
                break
            if facet == "year" and value[0] <= (stored.get("year") or 0) <= value[1]:  # a year, or 2021年到2023年
                reasons.append({"concept": concept.text, "term": str(stored["year"]), "relation": "year"})
                break
            if facet != "year" and stored.get(facet) and fold(stored[facet]) == value:  # folded: 乾县 as 干县
                reasons.append({"concept": concept.text, "term": stored[facet], "relation": "place"})
                break
    return reasons


def topics_of(value: str) -> list[str]:
    return value.split(",") if value else []
