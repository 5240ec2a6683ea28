"""Turn request parameters into search requests, bounded, with errors naming the parameter."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, request, url_for

from search.engine import UNKNOWN_COUNTY, Engine
from search.query import FACETS, PARTS, QueryError, SearchRequest

MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 100
MAX_QUERY_LENGTH = 500
PAGE_SIZE = 10
EXPORT_LIMIT = 5000
TABLE_PAGE = 50
TABLE_MAX_LIMIT = 200


def engine() -> Engine:
    return current_app.extensions["engine"]


def integer_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"参数 {name} 应为整数：{raw[:20]!r}", name) from None
    if not low <= value <= high:
        raise QueryError(f"参数 {name} 应在 {low} 到 {high} 之间", name)
    return value


STRICT_FILTERS = ("level", "part", "year")  # values the API checks against a list or a shape, empty ones too


def current_filters() -> dict[str, list[str]]:
    """The filter parameters, bounded. Pages ignore empty values (a form's 全部); the JSON API, which states its
    values in its OpenAPI file, refuses an empty one where the file lists what may be given."""
    strict = request.path.startswith("/api/")
    filters: dict[str, list[str]] = {}
    for name in FACETS:
        given = request.args.getlist(name)
        if len(given) > MAX_VALUES_PER_FACET:
            raise QueryError(f"参数 {name} 最多 {MAX_VALUES_PER_FACET} 个值", name)
        values = [v.strip() for v in given if v.strip()]
        if strict and name in STRICT_FILTERS and len(values) < len(given):
            raise QueryError(f"参数 {name} 的值是空的", name)
        if any(len(v) > MAX_VALUE_LENGTH for v in values):
            raise QueryError(f"参数 {name} 的值太长", name)
        if name == "part" and any(v not in PARTS for v in values):
            raise QueryError(f"参数 part 只能是 {'、'.join(PARTS)}", name)
        if values:
            filters[name] = list(dict.fromkeys(values))
    return filters


def current_query() -> str:
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryError(f"查询太长（{len(q)} 个字符，最多 {MAX_QUERY_LENGTH} 个）", "q")
    return q.strip()


def text_param(name: str, longest: int) -> str:
    """A free-text parameter of at most ``longest`` characters ("" when absent)."""
    value = request.args.get(name, "")
    if len(value) > longest:
        raise QueryError(f"参数 {name} 太长（最多 {longest} 个字符）", name)
    return value


def choice_param(name: str, choices: tuple[str, ...], default: str) -> str:
    """A parameter that takes one of ``choices``: absent gives ``default``, anything else (empty too) a 400."""
    value = request.args.get(name, default)
    if value not in choices:
        raise QueryError(f"参数 {name} 只能是 {'、'.join(choices)}", name)
    return value


def table_request(default_sort: str) -> tuple[SearchRequest, str, bool]:
    """A table page's request (报告体检, 指标表): the query and filters, the page (TABLE_PAGE rows unless
    ``limit`` says otherwise), the column to sort by (``sort_by``) and the order (``order``)."""
    return (
        search_request(limit=TABLE_PAGE, max_limit=TABLE_MAX_LIMIT),
        text_param("sort_by", 40) or default_sort,
        choice_param("order", ("desc", "asc"), "desc") == "desc",
    )


def search_request(limit: int = PAGE_SIZE, max_limit: int = 100, **overrides) -> SearchRequest:
    values = {
        "q": current_query(),
        "filters": current_filters(),
        "sort": request.args.get("sort", "relevance"),
        "mode": request.args.get("mode", "expanded"),
        "count": request.args.get("count", "paragraphs"),
        "fold": choice_param("fold", ("0", "1"), "0") == "1",
        "boilerplate": request.args.get("boilerplate", "fold"),
        "page": integer_param("page", 1, 1, 1000),
        "limit": integer_param("limit", limit, 1, max_limit),
    }
    values.update(overrides)
    return SearchRequest(**values)


def state_args(**changes) -> dict[str, list[str] | str]:
    """The page state (q, filters, sort, mode) as URL arguments, with changes applied."""
    args: dict[str, list[str] | str] = {}
    q = request.args.get("q", "")
    if q:
        args["q"] = q
    for name in FACETS:
        values = request.args.getlist(name)
        if values:
            args[name] = values
    sort = request.args.get("sort", "")
    if sort and sort != "relevance":
        args["sort"] = sort
    if request.args.get("mode") == "exact":
        args["mode"] = "exact"
    if request.args.get("count") == "reports":
        args["count"] = "reports"
    if request.args.get("fold") in ("0", "1"):
        args["fold"] = request.args.get("fold", "")
    if request.args.get("boilerplate") == "show":
        args["boilerplate"] = "show"
    if request.args.get("limit", "") not in ("", str(PAGE_SIZE)):
        args["limit"] = request.args.get("limit", "")
    for key, value in changes.items():
        if value in (None, "", []):
            args.pop(key, None)
        else:
            args[key] = value
    return args


def query_string(args: dict) -> str:
    return urlencode(args, doseq=True)


def township_url(county: str, township: str) -> str:
    """The 乡镇档案 of a township (a county and a name); "" without a name."""
    if not township:
        return ""
    return url_for("insights.township", county=county or UNKNOWN_COUNTY, township=township)
