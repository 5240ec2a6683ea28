"""One search in one index state, step by step: what matches under the filters, in which tier, with what score;
the page; and the result a user gets (hits, totals, facets, related terms).

The facet counts are found on the helper thread (:mod:`search.query.helper_thread`) while the page is ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from search.index.analyze import RUN, fold
from search.index.docsets import select
from search.query.facets import facet_summary
from search.query.helper_thread import Overlapped
from search.query.hits import hit_json
from search.query.node_result import Result
from search.query.paging import Candidates, FoldedCopies, boilerplate, folded, group_sizes, group_value, grouped, ranked
from search.query.parse import Text
from search.query.rank import named_part_weight, prior_applies, tier_of, top_scoring
from search.query.request import MAX_LIMIT, Query, display_filters, searched_concepts
from search.query.state import IndexState
from search.query.thesaurus import highlight_forms, term_words

FEW_HITS = 3


@dataclass
class Matches:
    """What a query matches in a state. ``docs`` (ascending) are every document it matches at any level and the
    other arrays are aligned with them; ``selected`` are the strict matches under every filter (document
    numbers), the documents ``total`` and the facets count."""

    found: Result
    allows: dict[str, np.ndarray]
    allowed: np.ndarray
    strictly: np.ndarray
    selected: np.ndarray

    @property
    def docs(self) -> np.ndarray:
        return self.found.docs


def matches(state: IndexState, query: Query) -> Matches:
    """The query evaluated, and each filter's verdict on what it matches (paragraphs only)."""
    facets = state.facets
    found = state.evaluator.run(query.parsed.query, query.request.expand)
    allows = {name: facets.allows(name, values, found.docs) for name, values in query.selections.items()}
    allowed = facets.paragraph[found.docs]
    for allow in allows.values():
        allowed &= allow
    strictly = found.mask & allowed
    return Matches(found, allows, allowed, strictly, select(found.docs, strictly))


def lists_looser_tiers(query: Query) -> bool:
    """Partial and related matches follow the strict ones only in a relevance ranking of words, ungrouped."""
    request = query.request
    return request.expand and query.parsed.query is not None and request.sort == "relevance" and not request.group_by


def tiers(query: Query, found: Matches) -> np.ndarray | None:
    """The tier of each matched document (0 all, 1 partial, 2 related, -1 none), when looser tiers are listed."""
    if not lists_looser_tiers(query):
        return None
    result = found.found
    return tier_of(result.mask, result.covered(), result.nearly(), found.allowed)


def scores(state: IndexState, query: Query, found: Matches) -> np.ndarray | None:
    """The ranking score of each matched document: the evaluation's, times the report-part weights (the parts the
    query names first, else what was done before plans and regrets). None without words to score."""
    if query.parsed.query is None:
        return None
    facets, docs = state.facets, found.docs
    score = found.found.score
    if "part" in query.selections:
        return score
    named = {part for concept in query.concepts for part in concept.parts}
    if named:
        return score * named_part_weight(facets.codes["part"][docs], facets.values["part"], named)
    if prior_applies(found.selected, facets.codes["part"], facets.values["part"], state.practice_share):
        # The product made in place, in its own dtype: one array of every match rather than two.
        weighted = state.prior.of(docs).astype(np.result_type(score, state.prior.table), copy=False)
        weighted *= score
        return weighted
    return score


def search_state(state: IndexState, query: Query) -> tuple[dict, set[str]]:
    """The result of a search in ``state`` (all but the did-you-mean and the timing), and the runs of its words
    that few paragraphs contain (what a did-you-mean corrects)."""
    request = query.request
    query = replace(query, concepts=searched_concepts(state, query.parsed.terms, request.expand))
    found = matches(state, query)
    summary = Overlapped(
        facet_summary, state.facets, found.found, found.allows, query.selections, found.selected, request.count
    )
    found_tiers = tiers(query, found)
    everything = Candidates(found.docs, scores(state, query, found), found_tiers)
    strict = everything.where(found.strictly, found.selected)
    candidates = everything.where(found_tiers >= 0) if found_tiers is not None else strict
    result = _totals(query, found, found_tiers)
    hits, shown = _page(state, query, found, strict, candidates, result)
    result["hits"] = _hits(state, query, hits, shown)
    result.update(summary.result())
    first_page = request.page == 1 and not request.group_by
    result["related_terms"] = related_terms(state, strict, query) if first_page else []
    weak = weak_runs(state, query) if query.parsed.terms and result["total"] < FEW_HITS else set()
    state.start_clustering()
    return result, weak


def _totals(query: Query, found: Matches, found_tiers: np.ndarray | None) -> dict:
    request = query.request
    partial, related, other = (
        (int(np.count_nonzero(found_tiers == tier)) for tier in (1, 2, 3)) if found_tiers is not None else (0, 0, 0)
    )
    return {
        "query": request.q,
        "asked": list(dict.fromkeys(concept.text for concept in query.concepts if not concept.filler)),
        "mode": request.mode,
        "total": len(found.selected),
        "partial_total": partial,
        "related_total": related,
        "other_total": other,
        "page": request.page,
        "limit": request.limit,
        "sort": request.sort,
        "filters": display_filters(request.filters, query.parsed.filters),
        "loose_total": partial + related + other,
    }


@dataclass
class Shown:
    """What the page's hits carry besides themselves: boilerplate they stand for, and folded counts."""

    boilerplate: FoldedCopies
    folded: dict[int, dict]


def _page(
    state: IndexState, query: Query, found: Matches, strict: Candidates, candidates: Candidates, result: dict
) -> tuple[list[tuple[int, float | None, int]], Shown]:
    """The page's (document, score, tier), as the request wants it: folded, grouped, or ranked with boilerplate
    listed once. Adds the page's own counts to ``result``."""
    request = query.request
    copies = FoldedCopies()
    if request.boilerplate == "fold" and not request.fold and not request.group_by:
        copies = boilerplate(state, candidates.docs)
    result["boilerplate_folded"] = copies.total
    result["same_report_folded"] = copies.twins_folded
    result["duplicates_pending"] = state.clusters_if_ready(start=False) is None
    folds: dict[int, dict] = {}
    if request.fold and not request.group_by:
        hits, folds, result["rows"] = folded(state, strict, request)
    elif request.group_by:
        hits = grouped(state.facets, strict, request)
        result["group_totals"], result["groups_total"] = group_sizes(
            state.facets, found.selected, hits, request.group_by
        )
        result["group_by"] = request.group_by
        result["group_size"] = request.group_size
    else:
        hits = candidates.hits(ranked(state.facets, candidates, request, copies))
    return hits, Shown(copies, folds)


def _hits(state: IndexState, query: Query, hits: list[tuple[int, float | None, int]], shown: Shown) -> list[dict]:
    request = query.request
    listed = []
    for docnum, score, tier in hits:
        hit = hit_json(state, docnum, score, query.highlight, query.concepts, tier)
        if request.group_by:
            hit["group"] = group_value(state.facets, request.group_by, docnum)
        if request.fold:
            hit["folded"] = shown.folded.get(docnum, {"in_report": 0, "same_text": 0})
        if request.limit <= MAX_LIMIT:
            hit["near_copy"] = state.near_copy(docnum, start=False)
            hit["boilerplate"] = shown.boilerplate.get(docnum, 0)
        listed.append(hit)
    return listed


def related_terms(state: IndexState, strict: Candidates, query: Query) -> list[str]:
    """Words that the best strict hits share and the corpus does not (pseudo-relevance feedback)."""
    if strict.scores is None or not query.parsed.terms:
        return []
    best = top_scoring(strict.docs, strict.scores, 10).tolist()
    pieces = term_words(query.concepts)  # the words of a term typed as one are not what it asks (执法 of 执法三项制度)
    exclude = {fold(t) for t in query.parsed.terms} | set(
        highlight_forms([concept for concept in query.concepts if concept.text not in pieces])
    )
    return state.suggester.related_terms(best, exclude)


def weak_runs(state: IndexState, query: Query) -> set[str]:
    """Runs of the query's terms that few paragraphs contain: the ones worth a did-you-mean."""
    weak = set()
    for term in query.parsed.terms:
        for run in dict.fromkeys(RUN.findall(term)):
            if len(state.evaluator.run(Text(run, exact=True), False).strict) < FEW_HITS:
                weak.add(run)
    return weak
