"""Run searches against the index: ranked hits, facet counts, grouping by township, similar paragraphs.

Facet counts come from per-document code arrays built once per index state
(NumPy), not from per-hit Python work: a search finds the matching documents
once, and every facet is one ``bincount`` over them. Counts of a facet ignore
that facet's own selection (multi-select), so a user sees what a second
township would add.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import query as wq
from whoosh import scoring

from .classify import PARTS
from .index import FACETS, INDEX_NAME, index_exists, open_index, read_info
from .present import mark, match_spans, snippet
from .query import QueryError, normalize_filter_value, parse_query

MAX_LIMIT = 100
MAX_PAGE = 1000
TIE_MARGIN = 20
NO_YEAR = 65535
CODED_FACETS = ("township", "county", "city", "province", "part")
SORTS = ("relevance", "year", "year_asc")


class IndexMissingError(Exception):
    """There is no index at the given place yet."""


class NotFoundError(LookupError):
    """An id that names no report or paragraph."""


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    group_by: str | None = None
    group_size: int = 1


class FacetTable:
    """Facet values of every document as arrays indexed by document number."""

    def __init__(self, reader) -> None:
        total = reader.doc_count_all()
        live = np.zeros(total, dtype=bool)
        live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        kinds = reader.column_reader("kind")
        self.paragraph = live & np.fromiter((k == "paragraph" for k in kinds), dtype=bool, count=total)
        self.values: dict[str, list[str]] = {}
        self.codes: dict[str, np.ndarray] = {}
        for name in CODED_FACETS:
            self.values[name], self.codes[name] = _encode(reader.column_reader(name), total)
        years = np.fromiter(reader.column_reader("year"), dtype=np.int64, count=total)
        years[years == NO_YEAR] = 0
        self.years = years
        topic_values, topic_sets = [], []
        for text in reader.column_reader("topic"):
            topic_sets.append(text.split(",") if text else [])
        topic_values = sorted({t for ts in topic_sets for t in ts})
        self.values["topic"] = topic_values
        position = {t: i for i, t in enumerate(topic_values)}
        self.topics = np.zeros((total, max(1, len(topic_values))), dtype=bool)
        for docnum, ts in enumerate(topic_sets):
            for topic in ts:
                self.topics[docnum, position[topic]] = True
        ids = list(reader.column_reader("id"))
        order = np.argsort(np.array(ids, dtype=object), kind="stable")
        self.id_rank = np.empty(total, dtype=np.int64)
        self.id_rank[order] = np.arange(total)

    def mask(self, name: str, selected: list) -> np.ndarray:
        """Documents having any of the selected values of one facet."""
        if name == "year":
            result = np.zeros(len(self.years), dtype=bool)
            for start, end in selected:
                low = start if start is not None else 1
                high = end if end is not None else NO_YEAR - 1
                result |= (self.years >= low) & (self.years <= high)
            return result
        if name == "topic":
            columns = [self.values["topic"].index(v) for v in selected if v in self.values["topic"]]
            if not columns:
                return np.zeros(len(self.years), dtype=bool)
            return self.topics[:, columns].any(axis=1)
        codes = [self.values[name].index(v) for v in selected if v in self.values[name]]
        return np.isin(self.codes[name], codes)

    def counts(self, name: str, docs: np.ndarray) -> list[dict]:
        if name == "year":
            years = self.years[docs]
            values, counts = np.unique(years[years > 0], return_counts=True)
            pairs = [(int(v), int(c)) for v, c in zip(values, counts, strict=True)]
            return [{"value": v, "count": c} for v, c in sorted(pairs, key=lambda p: -p[0])]
        if name == "topic":
            counts = self.topics[docs].sum(axis=0)
            pairs = [(v, int(c)) for v, c in zip(self.values["topic"], counts, strict=False) if c]
        else:
            codes = self.codes[name][docs]
            counts = np.bincount(codes[codes >= 0], minlength=len(self.values[name]))
            pairs = [(v, int(c)) for v, c in zip(self.values[name], counts, strict=True) if c]
        if name == "part":
            order = {p: i for i, p in enumerate(PARTS)}
            pairs.sort(key=lambda p: order.get(p[0], len(order)))
        else:
            pairs.sort(key=lambda p: (-p[1], p[0]))
        return [{"value": v, "count": c} for v, c in pairs]


def _encode(column, total: int) -> tuple[list[str], np.ndarray]:
    values: list[str] = []
    position: dict[str, int] = {}
    codes = np.full(total, -1, dtype=np.int32)
    for docnum, value in enumerate(column):
        if not value:
            continue
        code = position.get(value)
        if code is None:
            code = position[value] = len(values)
            values.append(value)
        codes[docnum] = code
    return values, codes


class Engine:
    """Searches one index directory; reopens itself when a reindex has committed."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = Path(index_dir)
        if not index_exists(self.index_dir):
            raise IndexMissingError(f"{self.index_dir} 中还没有索引：请先运行 reportsearch index")
        self.ix = open_index(self.index_dir)
        self._lock = threading.RLock()
        self._searcher = None
        self._facets: FacetTable | None = None

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
                self._searcher = None

    def _current(self):
        """The searcher and facet table of the latest committed state."""
        if self._searcher is None:
            self._searcher = self.ix.searcher(weighting=scoring.BM25F())
            self._facets = FacetTable(self._searcher.reader())
        elif not self._searcher.up_to_date():
            # Not Searcher.refresh(): it reuses segment readers and so misses documents that the
            # reindex deleted from an unchanged segment (whoosh3 3.54.0).
            self._searcher.close()
            self._searcher = self.ix.searcher(weighting=scoring.BM25F())
            self._facets = FacetTable(self._searcher.reader())
        return self._searcher, self._facets

    def search(self, request: SearchRequest) -> dict:
        started = time.perf_counter()
        _check_request(request)
        parsed = parse_query(request.q)
        selections = _selections(request.filters, parsed.filters)
        with self._lock:
            searcher, facets = self._current()
            matched = facets.paragraph.copy()
            if parsed.query is not None:
                matched &= _docs_matching(searcher, parsed.query, len(matched))
            masks = {name: facets.mask(name, values) for name, values in selections.items()}
            selected = matched.copy()
            for mask in masks.values():
                selected &= mask
            result = {
                "query": request.q,
                "total": int(selected.sum()),
                "page": request.page,
                "limit": request.limit,
                "sort": request.sort,
                "filters": {
                    name: list(request_values)
                    for name, request_values in _display_filters(request.filters, parsed.filters).items()
                },
            }
            if request.group_by:
                hits = self._grouped_hits(searcher, facets, parsed, selected, request)
            else:
                hits = self._ranked_hits(searcher, facets, parsed, selected, request)
            result["hits"] = [_hit_json(searcher, docnum, score, parsed.highlight) for docnum, score in hits]
            result["facets"] = {name: facets.counts(name, _others(matched, masks, name)) for name in FACETS}
        if request.group_by:
            result["group_by"] = request.group_by
            result["group_size"] = request.group_size
        result["seconds"] = round(time.perf_counter() - started, 4)
        return result

    def _ranked_hits(
        self, searcher, facets: FacetTable, parsed, selected: np.ndarray, request: SearchRequest
    ) -> list[tuple[int, float | None]]:
        offset = (request.page - 1) * request.limit
        wanted = offset + request.limit
        if parsed.query is None or request.sort != "relevance":
            docs = np.flatnonzero(selected)
            if request.sort == "year_asc":
                keys = (facets.id_rank[docs], facets.years[docs])
            else:
                keys = (facets.id_rank[docs], -facets.years[docs])
            ordered = docs[np.lexsort(keys)]
            page = ordered[offset:wanted]
            scores = self._scores(searcher, parsed, page) if parsed.query is not None else {}
            return [(int(d), scores.get(int(d))) for d in page]
        allow = set(np.flatnonzero(selected).tolist())
        results = searcher.search(parsed.query, limit=wanted + TIE_MARGIN, filter=allow)
        ranked = sorted(
            ((hit.docnum, hit.score) for hit in results), key=lambda pair: (-round(pair[1], 6), facets.id_rank[pair[0]])
        )
        return ranked[offset:wanted]

    def _scores(self, searcher, parsed, docnums: np.ndarray) -> dict[int, float]:
        if not len(docnums):
            return {}
        allow = set(docnums.tolist())
        return {hit.docnum: hit.score for hit in searcher.search(parsed.query, limit=len(allow), filter=allow)}

    def _grouped_hits(
        self, searcher, facets: FacetTable, parsed, selected: np.ndarray, request: SearchRequest
    ) -> list[tuple[int, float | None]]:
        """The best ``group_size`` paragraphs of each township, townships ordered by their best score."""
        group_field = request.group_by
        allow = set(np.flatnonzero(selected).tolist())
        per_group = request.group_size
        if parsed.query is None:
            docs = np.flatnonzero(selected)
            ordered = docs[np.lexsort((facets.id_rank[docs], -facets.years[docs]))]
            scored = [(int(d), None) for d in ordered]
        else:
            results = searcher.search(parsed.query, limit=None, filter=allow)
            scored = sorted(
                ((hit.docnum, hit.score) for hit in results),
                key=lambda pair: (-round(pair[1], 6), facets.id_rank[pair[0]]),
            )
        groups: dict[int, list[tuple[int, float | None]]] = {}
        codes = facets.codes[group_field]
        for docnum, score in scored:
            members = groups.setdefault(int(codes[docnum]), [])
            if len(members) < per_group:
                members.append((docnum, score))
        ordered_groups = list(groups.values())
        offset = (request.page - 1) * request.limit
        return [hit for members in ordered_groups[offset : offset + request.limit] for hit in members]

    def nearby(self, request: SearchRequest) -> list[dict]:
        """Looser queries worth offering when a search finds nothing: each with its number of hits."""
        from .query import looser_queries

        offers = []
        for candidate in looser_queries(request.q):
            found = self.search(SearchRequest(q=candidate, filters=request.filters, limit=1))["total"]
            if found:
                offers.append({"q": candidate, "total": found})
        if request.filters:
            found = self.search(SearchRequest(q=request.q, limit=1))["total"]
            if found:
                offers.append({"q": request.q, "total": found, "without_filters": True})
        return offers

    def similar(self, paragraph_id: str, limit: int = 10) -> dict:
        """Paragraphs of other townships closest to the given one."""
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self._lock:
            searcher, facets = self._current()
            docnum = searcher.document_number(id=paragraph_id)
            if docnum is None or not facets.paragraph[docnum]:
                raise NotFoundError(f"没有编号为 {paragraph_id} 的段落")
            source = searcher.stored_fields(docnum)
            own_township = facets.codes["township"][docnum]
            results = searcher.more_like(docnum, "text", text=source["text"], top=limit * 5 + 20, numterms=25)
            hits = []
            for hit in results:
                same_report = hit.get("report_id") == source["report_id"]
                same_township = own_township >= 0 and facets.codes["township"][hit.docnum] == own_township
                if same_report or same_township:
                    continue
                hits.append(_hit_json(searcher, hit.docnum, hit.score, []))
                if len(hits) >= limit:
                    break
            return {"id": paragraph_id, "source": _hit_json(searcher, docnum, None, []), "hits": hits}

    def report(self, report_id: str, q: str = "") -> dict:
        """A whole report in order: metadata, outline and every paragraph.

        With ``q``, every paragraph also carries ``html`` (escaped, matches marked) and ``matches``.
        """
        with self._lock:
            searcher, _ = self._current()
            docnum = searcher.document_number(id=f"report-{report_id}")
            if docnum is None:
                raise NotFoundError(f"没有编号为 {report_id} 的报告")
            stored = searcher.stored_fields(docnum)
            results = searcher.search(
                wq.And([wq.Term("report_id", report_id), wq.Term("kind", "paragraph")]), limit=None, sortedby="ordinal"
            )
            paragraphs = [
                {
                    "id": hit["id"],
                    "ordinal": hit["ordinal"],
                    "section": hit.get("section") or [],
                    "part": hit.get("part", ""),
                    "topics": _topics(hit.get("topic", "")),
                    "text": hit["text"],
                }
                for hit in results
            ]
        if q:
            forms = parse_query(q).highlight
            for paragraph in paragraphs:
                spans = match_spans(paragraph["text"], forms)
                paragraph["matches"] = len(spans)
                paragraph["html"] = mark(paragraph["text"], spans)
        meta = stored["report"]
        outline: list[list[str]] = []
        for paragraph in paragraphs:
            for depth in range(1, len(paragraph["section"]) + 1):
                path = paragraph["section"][:depth]
                if path not in outline:
                    outline.append(path)
        return {
            "id": report_id,
            "path": stored["path"],
            **{k: v for k, v in meta.items() if k != "source"},
            "outline": outline,
            "paragraphs": paragraphs,
        }

    def source_file(self, report_id: str) -> Path:
        """The original file of a report, found through the index (never from a request path)."""
        with self._lock:
            searcher, _ = self._current()
            docnum = searcher.document_number(id=f"report-{report_id}")
            if docnum is None:
                raise NotFoundError(f"没有编号为 {report_id} 的报告")
            source = Path(searcher.stored_fields(docnum)["report"]["source"])
        if not source.is_file():
            raise NotFoundError(f"报告原文件已不存在：{source.name}")
        return source

    def stats(self) -> dict:
        with self._lock:
            searcher, facets = self._current()
            reports = searcher.doc_frequency("kind", "report")
            paragraphs = int(facets.paragraph.sum())
            counts = {name: facets.counts(name, facets.paragraph) for name in FACETS}
        size = sum(p.stat().st_size for p in self.index_dir.iterdir() if p.is_file())
        info = read_info(self.index_dir)
        return {
            "reports": int(reports),
            "paragraphs": paragraphs,
            "facets": counts,
            "index_bytes": size,
            "index_dir": str(self.index_dir),
            "index_name": INDEX_NAME,
            "last_indexed": info.get("last_indexed", ""),
            "corpus": info.get("corpus", ""),
        }


def _check_request(request: SearchRequest) -> None:
    if request.sort not in SORTS:
        raise QueryError(f"sort 只能是 {'、'.join(SORTS)}")
    if not 1 <= request.limit <= MAX_LIMIT:
        raise QueryError(f"limit 应在 1 到 {MAX_LIMIT} 之间")
    if not 1 <= request.page <= MAX_PAGE:
        raise QueryError(f"page 应在 1 到 {MAX_PAGE} 之间")
    if request.group_by not in (None, "township", "county"):
        raise QueryError("group-by 只能是 township 或 county")
    if not 1 <= request.group_size <= 20:
        raise QueryError("每组段落数应在 1 到 20 之间")


def _selections(request_filters: dict[str, list[str]], query_filters: dict[str, list[str]]) -> dict[str, list]:
    selections: dict[str, list] = {}
    for source in (request_filters, query_filters):
        for name, values in source.items():
            if name not in FACETS and name != "city":
                raise QueryError(f"未知的筛选项“{name}”：可用 {'、'.join(FACETS)}")
            for value in values:
                selections.setdefault(name, []).append(normalize_filter_value(name, value))
    return selections


def _display_filters(request_filters, query_filters) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for source in (request_filters, query_filters):
        for name, values in source.items():
            merged.setdefault(name, []).extend(str(v) for v in values)
    return merged


def _others(matched: np.ndarray, masks: dict[str, np.ndarray], facet: str) -> np.ndarray:
    docs = matched.copy()
    for name, mask in masks.items():
        if name != facet:
            docs &= mask
    return docs


def _docs_matching(searcher, query: wq.Query, total: int) -> np.ndarray:
    mask = np.zeros(total, dtype=bool)
    docnums = np.fromiter(searcher.docs_for_query(query), dtype=np.int64)
    mask[docnums] = True
    return mask


def _topics(value: str) -> list[str]:
    return value.split(",") if value else []


def _hit_json(searcher, docnum: int, score: float | None, forms: list[str]) -> dict:
    stored = searcher.stored_fields(docnum)
    text = stored.get("text", "")
    return {
        "id": stored["id"],
        "report_id": stored["report_id"],
        "title": stored.get("title", ""),
        "township": stored.get("township", ""),
        "county": stored.get("county", ""),
        "city": stored.get("city", ""),
        "province": stored.get("province", ""),
        "year": stored.get("year"),
        "part": stored.get("part", ""),
        "topics": _topics(stored.get("topic", "")),
        "section": stored.get("section") or [],
        "text": text,
        "snippet": snippet(text, forms),
        "score": None if score is None else round(float(score), 4),
    }
