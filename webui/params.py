"""Turn request parameters into search requests, bounded, with errors naming the parameter."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, request

from search.engine import Engine
from search.query import FACETS, QueryError, SearchRequest

MAX_VALUES_PER_FACET = 20
MAX_VALUE_LENGTH = 100
MAX_QUERY_LENGTH = 500
PAGE_SIZE = 10
EXPORT_LIMIT = 5000


def engine() -> Engine:
    return current_app.extensions["engine"]


def integer_param(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "")
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise QueryError(f"参数 {name} 应为整数：{raw[:20]!r}") from None
    if not low <= value <= high:
        raise QueryError(f"参数 {name} 应在 {low} 到 {high} 之间")
    return value


def current_filters() -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for name in FACETS:
        values = [v.strip() for v in request.args.getlist(name) if v.strip()]
        if len(values) > MAX_VALUES_PER_FACET:
            raise QueryError(f"参数 {name} 最多 {MAX_VALUES_PER_FACET} 个值")
        if any(len(v) > MAX_VALUE_LENGTH for v in values):
            raise QueryError(f"参数 {name} 的值太长")
        if values:
            filters[name] = list(dict.fromkeys(values))
    return filters


def current_query() -> str:
    q = request.args.get("q", "")
    if len(q) > MAX_QUERY_LENGTH:
        raise QueryError(f"查询太长（{len(q)} 个字符，最多 {MAX_QUERY_LENGTH} 个）")
    return q.strip()


def search_request(limit: int = PAGE_SIZE, max_limit: int = 100, **overrides) -> SearchRequest:
    values = {
        "q": current_query(),
        "filters": current_filters(),
        "sort": request.args.get("sort", "relevance") or "relevance",
        "mode": request.args.get("mode", "expanded") or "expanded",
        "count": request.args.get("count", "paragraphs") or "paragraphs",
        "fold": request.args.get("fold", "") == "1",
        "boilerplate": request.args.get("boilerplate", "fold") or "fold",
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
