"""草稿体检: a draft report reviewed the way a county office reviews one, against the index — nothing is added to
it. The four parts of art. 25 (present, only mentioned, or missing, with their lengths); the indicator values it
states, and those most reports of its county (or province) state that it does not; every paragraph that stands
near-identical in an indexed report (which township, which year, how similar, the shared sentences marked), and
the share of the draft so copied from other townships and from its own township's earlier reports; per section,
the paragraphs of other townships closest to it.

Near copies are found as the index finds them (:mod:`search.index.minhash`): the draft's paragraphs get band
keys, the segments' keys are compared column by column, and every candidate is verified by the copy score of
the two bodies (:func:`search.index.clusters.copy_score`, at least :data:`search.index.clusters.THRESHOLD`), or
where that falls a little short, by their edited-copy score (:mod:`search.index.information`). A paragraph
stitched together from several paragraphs of one report, none of which is a copy of it alone, is found by
what they cover of it together (:func:`_stitched`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from search.index.clusters import CONTAINED_MIN_SHARED, THRESHOLD, copy_score
from search.index.facts import REQUIRED_PARTS, part_cues
from search.index.figures import extract, indicator_names
from search.index.folding import fold
from search.index.information import edited_copy_score, may_be_edited_copy
from search.index.minhash import NO_BAND, bands_of_texts, body_of, sentence_bodies, shingle_hashes
from search.ingest.model import Paragraph, Report
from search.insights.copies import marked_sentences
from search.insights.report_table import report_table
from search.query.hits import hit_json
from search.query.state import IndexState

COMMON_SHARE = 0.5  # an indicator "most reports state": at least this share of the reports compared
MIN_REPORTS_COMPARED = 5  # a county with fewer reports is too few to say what most state: its province is used
SOURCES_LISTED = 5
CANDIDATES_VERIFIED = 400  # per draft paragraph, those sharing the most band keys first
VERIFY_BATCH = 2048
STITCH_KEYS = 24  # a stitched paragraph's rarest bigrams are spread over its sources: more of them are looked up
STITCHED_FROM_MIN = 2
SECTIONS_LISTED = 12
SIMILAR_PER_SECTION = 3


class DraftError(Exception):
    """A draft that cannot be reviewed: ``status`` 415 for a type no reader takes, 400 for an unreadable file."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def review_draft(state: IndexState, report: Report) -> dict:
    """The review of one draft report (read by the caller, never indexed)."""
    paragraphs = [p for p in report.paragraphs if p.text.strip()]
    copies = _copies(state, report, paragraphs)
    return {
        "title": report.title,
        "township": report.township,
        "county": report.county,
        "province": report.province,
        "year": report.year,
        "paragraphs": len(paragraphs),
        "chars": sum(len(p.text) for p in paragraphs),
        "parts": _parts(paragraphs),
        "indicators": _indicators(state, report, paragraphs),
        "copies": copies,
        "copied_share": _copied_share(paragraphs, copies),
        "similar": _similar(state, report, paragraphs),
    }


def _parts(paragraphs: list[Paragraph]) -> list[dict]:
    """Each required part: present (a section of its own), mentioned (its cue words elsewhere) or missing."""
    mentioned = 0
    for paragraph in paragraphs:
        mentioned |= part_cues(paragraph.text)
    parts = []
    for bit, part in enumerate(REQUIRED_PARTS):
        members = [p for p in paragraphs if p.part == part]
        status = "present" if members else ("mentioned" if mentioned >> bit & 1 else "missing")
        parts.append(
            {"part": part, "status": status, "paragraphs": len(members), "chars": sum(len(p.text) for p in members)}
        )
    return parts


def _indicators(state: IndexState, report: Report, paragraphs: list[Paragraph]) -> dict:
    """The values the draft states (the first of each indicator, and how many more), and the indicators most
    reports of its county — or its province, or the whole index — state that it does not."""
    stated: dict[str, dict] = {}
    for number, paragraph in enumerate(paragraphs, 1):
        for value in extract(paragraph.text):
            if value.indicator in stated:
                stated[value.indicator]["more"] += 1
                continue
            stated[value.indicator] = {
                "indicator": value.indicator,
                "value": value.text,
                "sentence": value.sentence,
                "paragraph": number,
                "more": 0,
            }
    scope, reports, shares = _stating_shares(state, report)
    names = indicator_names()
    usual = [
        {"indicator": name, "share": round(float(shares[i]), 3), "reports": reports}
        for i, name in enumerate(names)
        if shares[i] >= COMMON_SHARE and name not in stated
    ]
    return {"stated": list(stated.values()), "compared_with": scope, "usually_stated_but_missing": usual}


def _stating_shares(state: IndexState, report: Report) -> tuple[str, int, np.ndarray]:
    """(what the draft is compared with, how many reports that is, per indicator the share of them stating it)."""
    facets = state.facets
    table = report_table(state)
    candidates = [("county", report.county), ("province", report.province), ("", "")]
    for name, value in candidates:
        selected = facets.paragraph.copy()
        if name:
            if value not in facets.values[name]:
                continue
            selected &= facets.codes[name] == facets.values[name].index(value)
        reports = len(table.selected_reports(selected))
        if reports >= MIN_REPORTS_COMPARED or not name:
            firsts = table.first_values(selected)
            counts = np.bincount(firsts.kinds, minlength=len(indicator_names())) if len(firsts.kinds) else None
            if counts is None or not reports:
                return value or "全部报告", reports, np.zeros(len(indicator_names()))
            return value or "全部报告", reports, counts / reports
    return "全部报告", 0, np.zeros(len(indicator_names()))


@dataclass
class _Source:
    doc: int
    similarity: float


def _copies(state: IndexState, report: Report, paragraphs: list[Paragraph]) -> list[dict]:
    """Every draft paragraph with a near-identical paragraph in the index: its best sources, whether they are
    the draft's own township's earlier reports, and its sentences marked shared or not."""
    places = tuple(fold(place) for place in (report.township, report.county, report.city) if place)
    body_texts = [body_of(fold(p.text), places) for p in paragraphs]
    bodies = [shingle_hashes(text) for text in body_texts]
    found, capped = _verified(state, paragraphs, bodies, body_texts, places)
    stitched = _stitched(state, bodies, body_texts, set(found))
    copies = []
    for at, sources in sorted({**found, **stitched}.items()):
        if at in found:
            sources.sort(key=lambda source: (-source.similarity, source.doc))
        listed = [_source_json(state, report, source) for source in sources[: _listed(sources, at in stitched)]]
        shared = (
            np.unique(np.concatenate([state.shingles(source.doc) for source in sources]))
            if at in stitched
            else state.shingles(sources[0].doc)
        )
        copies.append(
            {
                "paragraph": at + 1,
                "text": paragraphs[at].text,
                "sources": listed,
                "sources_total": len(sources),
                "sources_capped": at in capped,
                "stitched": at in stitched,
                "from_other_townships": any(not s["own_township"] for s in listed),
                "sentences": marked_sentences(paragraphs[at].text, shared, places),
            }
        )
    return copies


def _listed(sources: list[_Source], stitched: bool) -> int:
    """How many of a draft paragraph's sources are listed: every part it is stitched from, else the best
    SOURCES_LISTED of the reports it is copied in (thousands, for a formula)."""
    return len(sources) if stitched else SOURCES_LISTED


def _verified(
    state: IndexState,
    paragraphs: list[Paragraph],
    bodies: list[np.ndarray],
    body_texts: list[str],
    places: tuple[str, ...],
) -> tuple[dict[int, list[_Source]], set[int]]:
    """(draft paragraph → indexed paragraphs whose band keys meet its own and whose bodies are near-identical,
    edits allowed as the clusters allow them; the draft paragraphs with more candidates than
    CANDIDATES_VERIFIED). A paragraph copied into thousands of reports has thousands of candidates: those
    sharing the most band keys, the likeliest copies, are verified, and the count of its sources is then a
    lower bound."""
    shared = _shared_bands(state, paragraphs)
    for at, doc in zip(*state.rare_neighbours(body_texts, False), strict=True):
        shared[(int(at), int(doc))] += 0  # proposed by the rarest bigrams, after those sharing band keys
    live = state.facets.paragraph
    by_paragraph: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (at, doc), count in shared.items():
        if live[doc]:
            by_paragraph[at].append((-count, doc))
    found: dict[int, list[_Source]] = defaultdict(list)
    capped = {at for at, listed in by_paragraph.items() if len(listed) > CANDIDATES_VERIFIED}
    pairs = [
        (at, doc) for at, listed in sorted(by_paragraph.items()) for _, doc in sorted(listed)[:CANDIDATES_VERIFIED]
    ]
    undecided = []
    for start in range(0, len(pairs), VERIFY_BATCH):
        batch = pairs[start : start + VERIFY_BATCH]
        for (at, doc), shingles in zip(batch, state.shingles_of_docs([doc for _, doc in batch]), strict=True):
            similarity = copy_score(bodies[at], shingles)
            if similarity >= THRESHOLD:
                found[at].append(_Source(doc, similarity))
            elif may_be_edited_copy(similarity, len(bodies[at]), len(shingles)):
                undecided.append((at, doc))
    for at, doc, similarity in _edited(state, paragraphs, places, undecided):
        found[at].append(_Source(doc, similarity))
    return found, capped


def _stitched(
    state: IndexState, bodies: list[np.ndarray], body_texts: list[str], found: set[int]
) -> dict[int, list[_Source]]:
    """Draft paragraphs stitched together from whole paragraphs of one indexed report: two or more of its
    paragraphs stand each near-identical inside the draft paragraph (THRESHOLD of each one's shingles), and
    together they cover THRESHOLD of it. No one of them is a copy of it (each is a part), and a formula
    sentence inside a long paragraph covers too little of it. Their sources in the report's order, each with
    the share they cover together."""
    alone = {at for at in range(len(bodies)) if at not in found and len(bodies[at]) >= CONTAINED_MIN_SHARED}
    if not alone:
        return {}
    ats, docs = state.rare_neighbours([t if at in alone else "" for at, t in enumerate(body_texts)], False, STITCH_KEYS)
    live, reports = state.facets.paragraph, state.facets.codes["report_id"]
    pairs = [(at, doc) for at, doc in zip(ats.tolist(), docs.tolist(), strict=True) if live[doc]]
    parts: dict[tuple[int, int], list[tuple[int, np.ndarray]]] = defaultdict(list)
    for start in range(0, len(pairs), VERIFY_BATCH):
        batch = pairs[start : start + VERIFY_BATCH]
        for (at, doc), shingles in zip(batch, state.shingles_of_docs([doc for _, doc in batch]), strict=True):
            shared = np.intersect1d(bodies[at], shingles, assume_unique=True)
            if len(shared) >= CONTAINED_MIN_SHARED and len(shared) >= THRESHOLD * len(shingles):
                parts[(at, int(reports[doc]))].append((doc, shared))
    stitched: dict[int, list[_Source]] = {}
    for (at, _), inside in parts.items():
        covered = len(np.unique(np.concatenate([shared for _, shared in inside]))) / len(bodies[at])
        best = stitched.get(at)
        if len(inside) >= STITCHED_FROM_MIN and covered >= THRESHOLD and (not best or covered > best[0].similarity):
            stitched[at] = [_Source(doc, covered) for doc, _ in sorted(inside, key=lambda part: part[0])]
    return stitched


def _edited(
    state: IndexState, paragraphs: list[Paragraph], places: tuple[str, ...], pairs: list[tuple[int, int]]
) -> list[tuple[int, int, float]]:
    """Of (draft paragraph, indexed paragraph) pairs the copy score left short, those whose edited-copy score
    (:func:`search.index.information.edited_copy_score`) reaches THRESHOLD, with it."""
    if not pairs:
        return []
    drafted = sorted({at for at, _ in pairs})
    own = dict(
        zip(
            drafted,
            state.information_of_sentences([sentence_bodies(fold(paragraphs[at].text), places) for at in drafted]),
            strict=True,
        )
    )
    weigher = state.weigher
    weigher.read([doc for _, doc in pairs])
    edited = []
    for at, doc in pairs:
        similarity = edited_copy_score(own[at], weigher.of(doc), weigher.documents)
        if similarity >= THRESHOLD:
            edited.append((at, doc, similarity))
    return edited


def _shared_bands(state: IndexState, paragraphs: list[Paragraph]) -> Counter:
    """(draft paragraph, indexed document) → how many band keys they share."""
    keys = bands_of_texts([fold(p.text) for p in paragraphs])
    usable = np.flatnonzero(keys[:, 0] != NO_BAND) if len(keys) else np.zeros(0, dtype=np.int64)
    shared: Counter = Counter()
    for segment, offset in state.evaluator.segments:
        bands = segment.bands()
        for band in range(keys.shape[1] if len(usable) else 0):
            keyed = usable[keys[usable, band] != NO_BAND]  # a long paragraph has no key in a short band
            wanted = keys[keyed, band]
            order = np.argsort(wanted)
            docs, column = bands.column(band)
            matching = np.isin(column, wanted)
            at = order[np.searchsorted(wanted[order], column[matching])]
            shared.update(zip(keyed[at].tolist(), (docs[matching].astype(np.int64) + offset).tolist(), strict=True))
    return shared


def _source_json(state: IndexState, report: Report, source: _Source) -> dict:
    label = state.paragraph_label(source.doc)
    county = state.report_fields(source.doc).get("county", "")
    township_code = int(state.facets.codes["township"][source.doc])
    township = state.facets.township_names[township_code] if township_code >= 0 else ""
    own = bool(report.township) and township == report.township and (not report.county or county == report.county)
    return {
        **label,
        "county": county,
        "similarity": round(source.similarity, 3),
        "own_township": own,
        "text": state.written_text(source.doc),
    }


def _copied_share(paragraphs: list[Paragraph], copies: list[dict]) -> dict:
    """The share of the draft's characters in paragraphs copied from other townships, and from its own
    township's earlier reports only."""
    total = sum(len(p.text) for p in paragraphs) or 1
    others = sum(len(c["text"]) for c in copies if c["from_other_townships"])
    own = sum(len(c["text"]) for c in copies if not c["from_other_townships"])
    return {"other_townships": round(others / total, 3), "own_township": round(own / total, 3)}


def _similar(state: IndexState, report: Report, paragraphs: list[Paragraph]) -> list[dict]:
    """Per section of the draft, the paragraphs of other townships closest to it."""
    sections: dict[str, list[str]] = defaultdict(list)
    for paragraph in paragraphs:
        sections[paragraph.section[0] if paragraph.section else ""].append(paragraph.text)
    facets = state.facets
    exclude = np.zeros(len(facets.paragraph), dtype=bool)
    if report.township:
        named = [i for i, name in enumerate(facets.township_names) if name == report.township]
        exclude = np.isin(facets.codes["township"], named)
    found = []
    for heading, texts in list(sections.items())[:SECTIONS_LISTED]:
        ranked = state.evaluator.similar(-1, "\n".join(texts)[:2000], exclude, SIMILAR_PER_SECTION)
        found.append({"section": heading, "hits": [hit_json(state, doc, score, []) for doc, score in ranked]})
    return found
