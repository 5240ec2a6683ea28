"""A search request: what the user asked for, checked once, and the filters it selects."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from search.index.writer import FACETS
from search.query.parse import ParsedQuery, QueryError, normalize_filter_value, parse_query
from search.query.thesaurus import Concept, load_thesaurus

if TYPE_CHECKING:
    from search.query.state import IndexState

MAX_LIMIT = 100
MAX_PAGE = 1000
SORTS = ("relevance", "year", "year_asc")
COUNT_UNITS = ("paragraphs", "reports")
MODES = ("expanded", "exact")
BOILERPLATE_MODES = ("fold", "show")


@dataclass
class SearchRequest:
    """What a user asked for; :meth:`check` says what is wrong with it, naming the parameter."""

    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    limit: int = 10
    group_by: str | None = None
    group_size: int = 1
    mode: str = "expanded"
    count: str = "paragraphs"
    fold: bool = False
    boilerplate: str = "fold"

    @property
    def expand(self) -> bool:
        return self.mode == "expanded"

    def check(self, max_limit: int = MAX_LIMIT) -> None:
        """Raise QueryError for a parameter out of its range or not one of its values; ``max_limit`` is raised
        only for exports."""
        if self.sort not in SORTS:
            raise QueryError(f"sort 只能是 {'、'.join(SORTS)}", "sort")
        if not 1 <= self.limit <= max_limit:
            raise QueryError(f"limit 应在 1 到 {max_limit} 之间", "limit")
        if not 1 <= self.page <= MAX_PAGE:
            raise QueryError(f"page 应在 1 到 {MAX_PAGE} 之间", "page")
        if self.count not in COUNT_UNITS:
            raise QueryError(f"count 只能是 {'、'.join(COUNT_UNITS)}（按段落或按报告计数）", "count")
        if self.boilerplate not in BOILERPLATE_MODES:
            raise QueryError(
                f"boilerplate 只能是 {'、'.join(BOILERPLATE_MODES)}（折叠或显示多份报告共有的段落）", "boilerplate"
            )
        if self.mode not in MODES:
            raise QueryError(f"mode 只能是 {'、'.join(MODES)}（扩展检索或精确检索）", "mode")
        if self.group_by not in (None, "township", "county"):
            raise QueryError("group-by 只能是 township 或 county", "group_by")
        if not 1 <= self.group_size <= 20:
            raise QueryError("每组段落数应在 1 到 20 之间", "group_size")


@dataclass
class Query:
    """A request read once: its text parsed, the filters it selects (from its parameters and its text), and the
    thesaurus concepts its words stand for."""

    request: SearchRequest
    parsed: ParsedQuery
    selections: dict[str, list]
    concepts: list[Concept]

    @property
    def highlight(self) -> list[str]:
        """The strings a hit marks: what was typed, less the question and function words (如何, 的)."""
        fillers = {concept.text for concept in self.concepts if concept.filler}
        return [form for form in self.parsed.highlight if form not in fillers]

    @classmethod
    def read(cls, request: SearchRequest, max_limit: int | None = MAX_LIMIT) -> Query:
        """``request`` checked (unless ``max_limit`` is None), parsed and its filters normalized; QueryError
        names what is wrong."""
        if max_limit is not None:
            request.check(max_limit)
        try:
            parsed = parse_query(request.q)
        except QueryError as exc:
            exc.parameter = exc.parameter or "q"
            raise
        chosen = selections(request.filters, parsed.filters)
        return cls(request, parsed, chosen, concepts_of(parsed, request.expand))


def concepts_of(parsed: ParsedQuery, expand: bool) -> list[Concept]:
    """The thesaurus concepts of a parsed query's unquoted texts (without ``expand``, only as typed)."""
    thesaurus = load_thesaurus()
    return [concept for term in parsed.terms for concept in thesaurus.concepts(term, expand)]


def searched_concepts(state: IndexState, terms: list[str], expand: bool) -> list[Concept]:
    """The concepts of a query's unquoted texts as ``state``'s evaluator searches them: :func:`concepts_of`,
    with the places a word names, a word no paragraph has as the words it is made of, and a thesaurus term of
    several words typed alone followed by its words (规范性文件备案: 规范性文件, 备案), which it also matches apart."""
    words = state.evaluator.words
    found: list[Concept] = []
    for term in terms:
        concepts = list(words.concepts_of(term, expand))
        content = [concept for concept in concepts if not concept.filler]
        found += concepts + (words.words_of_term(content[0]) if expand and len(content) == 1 else [])
    return found


def selections(request_filters: dict[str, list[str]], query_filters: dict[str, list[str]]) -> dict[str, list]:
    """The values each facet is filtered on, from the request's parameters and from its text (year ranges as
    pairs)."""
    selections: dict[str, list] = {}
    for source, parameter in ((request_filters, None), (query_filters, "q")):
        for name, values in source.items():
            if name not in FACETS and name != "city":
                raise QueryError(f"未知的筛选项“{name}”：可用 {'、'.join(FACETS)}", parameter or name)
            for value in values:
                try:
                    selections.setdefault(name, []).append(normalize_filter_value(name, value))
                except QueryError as exc:
                    exc.parameter = parameter or exc.parameter
                    raise
    return selections


def display_filters(request_filters: dict[str, list[str]], query_filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters as the user gave them, from both places, for showing back."""
    merged: dict[str, list[str]] = {}
    for source in (request_filters, query_filters):
        for name, values in source.items():
            merged.setdefault(name, []).extend(str(v) for v in values)
    return merged
