"""HTML pages: search, compare, report, similar, export. Every page's state is in its URL."""

from __future__ import annotations

import json
import os
import re
import time

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for

from search.engine import TableExport
from search.query import FACET_LABELS, FACETS, PARTS, NotFoundError, QueryError, csv_chunks

from .params import (
    EXPORT_LIMIT,
    current_filters,
    engine,
    integer_param,
    query_string,
    search_request,
    state_args,
    table_request,
    text_param,
    township_url,
)
from .upload import TOO_LARGE

pages = Blueprint("pages", __name__)

SORT_LABELS = {"relevance": "按相关度", "year": "按年度（新→旧）", "year_asc": "按年度（旧→新）"}
COMPARE_PAGE = 20
SIDEBAR_VALUES = 10
TIER_LABELS = {
    "partial": "部分命中：以下段落没有包含全部检索词",
    "related": "相关命中：以下段落只包含检索词的相关词",
    "other": "其他命中：以下段落只包含一部分检索词",
}
CSV_COLUMNS = [
    ("township", "乡镇"),
    ("county", "县区"),
    ("city", "地市"),
    ("province", "省份"),
    ("year", "年度"),
    ("part", "报告部分"),
    ("topics", "主题"),
    ("section", "标题路径"),
    ("text", "段落"),
    ("title", "报告标题"),
    ("link", "原文链接"),
]


JSON_TWINS = {
    "pages.search": "api.search",
    "pages.compare": "api.compare",
    "pages.report": "api.report",
    "pages.similar": "api.similar",
    "pages.stats": "api.stats",
    "pages.facet": "api.facet",
    "pages.check": "api.check",
    "pages.duplicates": "api.duplicates",
    "pages.indicators": "api.indicators",
    "insights.township": "api.township",
    "insights.side_by_side": "api.side_by_side",
}


def json_url() -> str:
    """The JSON twin of the current page, with the same parameters ("" for pages without one)."""
    endpoint = JSON_TWINS.get(request.endpoint or "")
    if not endpoint:
        return ""
    encoded = request.query_string.decode("utf-8", "replace")
    return url_for(endpoint, **(request.view_args or {})) + (f"?{encoded}" if encoded else "")


@pages.app_context_processor
def helpers():
    return {
        "json_url": json_url(),
        "facet_labels": FACET_LABELS,
        "sort_labels": SORT_LABELS,
        "tier_labels": TIER_LABELS,
        "export_limit": EXPORT_LIMIT,
        "url_with": url_with,
        "township_url": township_url,
        "parts": PARTS,
    }


def url_with(endpoint: str = "pages.search", path: dict | None = None, **changes) -> str:
    """The URL of ``endpoint`` (with ``path`` values for its route) with the current state and ``changes``
    (None removes a key)."""
    args = state_args(**changes)
    encoded = query_string(args)
    return url_for(endpoint, **(path or {})) + (f"?{encoded}" if encoded else "")


def _chips(filters: dict[str, list[str]], endpoint: str, **keep) -> list[tuple[str, str, str]]:
    """(facet, value, the page's URL without that value) of every selected filter: the removable chips."""
    return [
        (name, value, without_value(name, value, endpoint, **keep))
        for name, values in filters.items()
        for value in values
    ]


def without_value(name: str, value: str, endpoint: str = "pages.search", **keep) -> str:
    remaining = [v for v in request.args.getlist(name) if v != value]
    return url_with(endpoint, **{name: remaining or None, "page": None, **keep})


@pages.errorhandler(NotFoundError)
def not_found(error: NotFoundError):
    return render_template("error.html", title="没有找到", message=str(error)), 404


def _for_api() -> bool:
    return request.path == "/api" or request.path.startswith("/api/")


@pages.app_errorhandler(404)
def page_not_found(error):
    if _for_api():
        return {"error": f"没有这个接口：{request.path}"}, 404
    return render_template("error.html", title="没有找到", message="没有这个页面。"), 404


@pages.app_errorhandler(405)
def method_not_allowed(error):
    allow = {"Allow": ", ".join(sorted(error.valid_methods or ()))}
    if _for_api():
        return {"error": f"{request.path} 不支持 {request.method} 请求"}, 405, allow
    return render_template("error.html", title="不支持的请求", message="这个页面不支持这种请求方式。"), 405, allow


@pages.app_errorhandler(413)
def too_large(error):
    if _for_api():
        return {"error": TOO_LARGE, "parameter": "file"}, 413
    return render_template("error.html", title="文件太大", message=TOO_LARGE), 413


@pages.app_errorhandler(500)
def server_error(error):
    if _for_api():
        return {"error": "服务器处理请求时出错，请稍后再试。"}, 500
    return render_template("error.html", title="出错了", message="服务器处理请求时出错，请稍后再试。"), 500


@pages.route("/")
def search():
    within = _within_results()
    if within is not None:
        return redirect(url_with(q=within, prev=None, within=None, page=None))
    started = time.perf_counter()
    context = {"q": request.args.get("q", "")[:500], "filters": {}, "result": None, "error": "", "nearby": []}
    status = 200
    try:
        search_req = search_request()
        context["filters"] = search_req.filters
        result = engine().search(search_req)
        context["result"] = result
        if result["total"] == 0:
            context["nearby"] = engine().nearby(search_req)
    except QueryError as exc:
        context["error"] = str(exc)
        status = 400
    context["chips"] = _chips(context["filters"], "pages.search")
    context["facets"] = _facet_view(context["result"], context["filters"])
    context["home"] = _home(context["result"]) if not context["q"] and not context["filters"] else None
    context["elapsed"] = time.perf_counter() - started
    return render_template("search.html", **context), status


EXAMPLE_QUERIES = ["法律顾问", "人民调解 成功率", "执法力量薄弱", '"执法全过程记录"', "普法宣传", "规范性文件 备案"]


def _home(result: dict | None) -> dict | None:
    """What the corpus covers, for a first visit: reports, years, provinces, topics with counts, examples."""
    if result is None:
        return None
    years = sorted(int(v["value"]) for v in result["facets"]["year"])
    return {
        "reports": result["reports"],
        "paragraphs": result["total"],
        "townships": result["townships"],
        "years": (years[0], years[-1]) if years else None,
        "provinces": result["facets"]["province"],
        "topics": result["facets"]["topic"],
        "examples": EXAMPLE_QUERIES,
    }


def _within_results() -> str | None:
    """在结果中检索: the new words added to the previous query (None when not asked for)."""
    previous, new = request.args.get("prev", "").strip(), request.args.get("q", "").strip()
    if not request.args.get("within") or not previous or not new or new == previous:
        return None
    grouped = previous if not any(op in previous.split() for op in ("OR", "|", "或")) else f"({previous})"
    return f"{grouped} {new}"[:500]


def _facet_view(result: dict | None, filters: dict[str, list[str]]) -> list[dict]:
    """Facet groups for the sidebar; selected values are shown even when their count is zero. Places show
    their SIDEBAR_VALUES most frequent values and link to the full list (more)."""
    if result is None:
        return []
    view = []
    for name in FACETS:
        selected = [str(v) for v in filters.get(name, [])]
        values = [
            {"value": str(v["value"]), "count": v["count"], "checked": str(v["value"]) in selected}
            for v in result["facets"][name]
        ]
        shown = {v["value"] for v in values}
        values += [{"value": v, "count": 0, "checked": True} for v in selected if v not in shown]
        size = result.get("facet_sizes", {}).get(name, len(values))
        if name in result.get("facet_sizes", {}) and size > SIDEBAR_VALUES:
            values = [v for i, v in enumerate(values) if i < SIDEBAR_VALUES or v["checked"]]
        more = url_with("pages.facet", path={"name": name}, page=None) if size > len(values) else ""
        view.append({"name": name, "label": FACET_LABELS[name], "values": values, "size": size, "more": more})
    return view


@pages.route("/facets/<name>")
def facet(name: str):
    """Every value of one facet for the current search, as checkboxes (and the place tree); no JS needed."""
    if name not in FACETS:
        return render_template("error.html", title="没有找到", message="没有这个筛选项。"), 404
    q = request.args.get("q", "")[:500]
    try:
        data = engine().facet(search_request(), name)
    except QueryError as exc:
        return render_template("error.html", title="检索式有误", message=str(exc)), 400
    selected = set(current_filters().get(name, []))
    others = {k: v for k, v in current_filters().items() if k != name}
    by_county = name == "township" and len(data["values"]) > FACET_PAGE_TOWNSHIPS and "county" not in others
    return render_template(
        "facet.html",
        data=data,
        q=q,
        label=FACET_LABELS[name],
        selected=selected,
        others=others,
        name=name,
        by_county=by_county,
    )


FACET_PAGE_TOWNSHIPS = 2000  # more than this and the township page lists counties, each opening its townships


@pages.route("/advanced")
def advanced():
    """高级检索: a form for every field; submitted, it becomes an ordinary search URL (the query language)."""
    if not request.args.get("go"):
        return render_template("advanced.html", parts=PARTS)
    words = {key: request.args.get(key, "").replace("，", " ").split() for key in ("all", "any", "none")}
    in_heading = request.args.get("scope") == "heading"
    terms = [f"标题:{w}" if in_heading else w for w in words["all"]]
    phrase = request.args.get("phrase", "").strip().replace('"', "")
    if phrase:
        terms.append(f"标题:{phrase}" if in_heading else f'"{phrase}"')
    if words["any"]:
        terms.append(words["any"][0] if len(words["any"]) == 1 else "(" + " OR ".join(words["any"]) + ")")
    terms += [f"-{w}" for w in words["none"]]
    args: dict[str, object] = {"q": " ".join(terms)[:500] or None}
    for name in ("township", "county", "province"):
        values = request.args.get(name, "").replace("，", " ").replace(",", " ").split()
        args[name] = values or None
    first, last = request.args.get("year_from", "").strip(), request.args.get("year_to", "").strip()
    args["year"] = f"{first}-{last}" if first and last else (f"{first}-" if first else (f"-{last}" if last else None))
    args["part"] = request.args.get("part") or None
    args["mode"] = "exact" if request.args.get("mode") == "exact" else None
    args["limit"] = request.args.get("limit") if request.args.get("limit") in ("20", "50") else None
    return redirect(url_for("pages.search", **{k: v for k, v in args.items() if v}))


@pages.route("/check")
def check():
    """报告体检: every selected report's required parts, quantified statements and copied paragraphs, a page
    at a time, with the counts of the whole selection."""
    return _table_page("check.html", "pages.check", lambda: engine().check(*table_request("missing")))


@pages.route("/check.csv")
def check_csv():
    try:
        export = engine().check_export(*table_request("missing"))
    except QueryError as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    return _csv_stream(export, f"{request.args.get('q', '')}-报告体检")


def _table_page(template: str, endpoint: str, compute):
    """A page of the library's tables (check, duplicates, indicators) over the current query and filters: a
    malformed query is a 400 and an unknown paragraph a 404, each with its message on the page."""
    context = {"q": request.args.get("q", "")[:500], "result": None, "error": ""}
    status = 200
    try:
        context["result"] = compute()
        context["filters"] = current_filters()
    except QueryError as exc:
        context["error"] = str(exc)
        status = 400
    except NotFoundError as exc:
        context["error"] = str(exc)
        status = 404
    context["chips"] = _chips(context.get("filters", {}), endpoint)
    return render_template(template, **context), status


def _duplicates_result() -> dict:
    return engine().duplicates(
        search_request(limit=20, max_limit=100),
        min_reports=integer_param("reports", 2, 2, 1000),
        paragraph_id=text_param("paragraph", 40),
    )


@pages.route("/duplicates")
def duplicates():
    """Clusters of near-identical paragraphs across reports, most widely shared first."""
    return _table_page("duplicates.html", "pages.duplicates", _duplicates_result)


@pages.route("/duplicates.csv")
def duplicates_csv():
    from search.insights.duplicates import DUPLICATE_COLUMNS, duplicate_rows

    try:
        result = _duplicates_result()
    except (QueryError, NotFoundError) as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    return _csv_response(
        DUPLICATE_COLUMNS, duplicate_rows(result), "相同段落", result["total"], len(result["clusters"])
    )


@pages.route("/indicators")
def indicators():
    """Township × indicator: the figures each report states, each linking to its sentence."""
    return _table_page("indicators.html", "pages.indicators", lambda: engine().indicators(*table_request("")))


@pages.route("/indicators.csv")
def indicators_csv():
    try:
        export = engine().indicators_export(*table_request(""))
    except QueryError as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    return _csv_stream(export, "指标表")


@pages.route("/compare")
def compare():
    context = {"q": request.args.get("q", "")[:500], "result": None, "error": "", "groups": []}
    status = 200
    try:
        per = integer_param("per", 3, 1, 10)
        result = engine().search(search_request(limit=COMPARE_PAGE, max_limit=50, group_by="township", group_size=per))
        context["result"] = result
        context["per"] = per
        context["groups"] = _township_groups(result)
        context["filters"] = current_filters()
        context["pages_total"] = max(1, -(-result["groups_total"] // result["limit"]))
    except QueryError as exc:
        context["error"] = str(exc)
        status = 400
    context["chips"] = _chips(context.get("filters", {}), "pages.compare", per=context.get("per"))
    return render_template("compare.html", **context), status


def _township_groups(result: dict) -> list[dict]:
    """Hits of a grouped search as one card per township, with the township's number of paragraphs."""
    groups: dict[str, dict] = {}
    totals = result["group_totals"]
    for hit in result["hits"]:
        key = hit["group"]  # namesakes (城关镇 in several counties) are groups of their own: 城关镇（巫山县）
        group = groups.setdefault(
            key or "（未知乡镇）",
            {
                "township": key,
                "county": hit["county"],
                "province": hit["province"],
                "total": totals.get(key, 0),
                "hits": [],
            },
        )
        group["hits"].append(hit)
    for group in groups.values():
        group["more"] = group["total"] - len(group["hits"])
    return list(groups.values())


@pages.route("/compare.csv")
def compare_csv():
    """The comparison as a table: one row per township and paragraph shown, with the township's count."""
    try:
        per = integer_param("per", 3, 1, 10)
        search = search_request(limit=EXPORT_LIMIT, max_limit=EXPORT_LIMIT, group_by="township", group_size=per)
        search.page = 1
        result = engine().search(search, max_limit=EXPORT_LIMIT)
    except QueryError as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    header = ["乡镇", "县区", "省份", "匹配段落数", "年度", "报告部分", "标题路径", "段落", "原文链接"]
    rows = [
        [group["township"], group["county"], group["province"], group["total"], hit["year"], hit["part"]]
        + [" › ".join(hit["section"]), hit["text"], _paragraph_link(hit, search.q)]
        for group in _township_groups(result)
        for hit in group["hits"]
    ]
    total = result["groups_total"]
    return _csv_response(header, rows, f"{search.q}-按乡镇", total, total)


@pages.route("/reports/<report_id>")
def report(report_id: str):
    q = request.args.get("q", "")[:500]
    try:
        data = engine().report(report_id, q=q)
    except QueryError:
        data = engine().report(report_id)
    target = request.args.get("p", "")
    matched = [p["id"] for p in data["paragraphs"] if p.get("matches")]
    back = request.args.get("back", "")[:2000]
    return render_template("report.html", report=data, q=q, target=target, matched=matched, back=back)


@pages.route("/reports/<report_id>/original")
def original(report_id: str):
    path = engine().source_file(report_id)
    return send_file(path, as_attachment=True, download_name=path.name)


@pages.route("/paragraphs/<paragraph_id>/similar")
def similar(paragraph_id: str):
    data = engine().similar(paragraph_id, limit=10)
    return render_template("similar.html", data=data)


def _local_time(stamp: str) -> str:
    """An index time as the reader's clock shows it, 2026-11-25 08:36（UTC+08:00）; unchanged when unreadable."""
    from datetime import datetime

    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z").astimezone()
    except ValueError:
        return stamp
    offset = moment.strftime("%z")
    return f"{moment:%Y-%m-%d %H:%M}（UTC{offset[:3]}:{offset[3:]}）"


@pages.route("/stats")
def stats():
    stats = engine().stats()
    return render_template("stats.html", stats=stats, last_indexed=_local_time(stats.get("last_indexed", "")))


def _all_hits() -> tuple[list[dict], str, int]:
    """Every strict hit of the current search (up to EXPORT_LIMIT), from one evaluation of the query, each
    with a link to its paragraph; and the true total.

    Partial and related matches are not exported: the file holds what the page's total counts."""
    search = search_request()
    search.page, search.limit = 1, EXPORT_LIMIT
    result = engine().search(search, max_limit=EXPORT_LIMIT)
    hits = [hit for hit in result["hits"] if hit["tier"] == "all"]
    for hit in hits:
        hit["link"] = _paragraph_link(hit, search.q)
    return hits, search.q, result["total"]


def _paragraph_link(hit: dict, q: str) -> str:
    """The full address of a hit's paragraph in its report, for files that leave the browser."""
    return request.host_url.rstrip("/") + url_for(
        "pages.report", report_id=hit["report_id"], q=q or None, p=hit["id"], _anchor=f"p-{hit['id']}"
    )


def _download_headers(q: str, suffix: str, total: int, exported: int) -> dict[str, str]:
    """A file named after the query and the date (Chinese kept for browsers, ASCII fallback for others)."""
    from urllib.parse import quote

    stem = re.sub(r'[\\/:*?"<>|\s]+', "_", q).strip("_")[:40] or "全部段落"
    name = f"{stem}-{time.strftime('%Y%m%d')}.{suffix}"
    return {
        "Content-Disposition": f'attachment; filename="results-{time.strftime("%Y%m%d")}.{suffix}"; '
        f"filename*=UTF-8''{quote(name)}",
        "X-Total-Count": str(total),
        "X-Exported-Count": str(exported),
    }


@pages.route("/export.csv")
def export_csv():
    try:
        hits, q, total = _all_hits()
    except QueryError as exc:
        return Response(str(exc), status=400, mimetype="text/plain")
    rows = [
        [" › ".join(hit["section"]) if key == "section" else hit.get(key) for key, _ in CSV_COLUMNS] for hit in hits
    ]
    return _csv_response([label for _, label in CSV_COLUMNS], rows, q, total, len(hits))


def _csv_response(header: list[str], rows: list[list], stem: str, total: int, exported: int) -> Response:
    """A CSV download Excel opens as Chinese (UTF-8 with BOM), formulas defused, named after ``stem``."""
    body = "".join(csv_chunks(header, rows)).encode("utf-8")
    response = Response(body, headers=_download_headers(stem, "csv", total, exported))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


def _csv_stream(export: TableExport, stem: str) -> Response:
    """A whole table as a CSV download, written while it is read (constant memory for a province's reports)."""
    body = (chunk.encode("utf-8") for chunk in csv_chunks(export.header, export))
    response = Response(body, headers=_download_headers(stem, "csv", export.total, export.total))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.call_on_close(export.close)
    return response


@pages.route("/export.json")
def export_json():
    try:
        hits, q, total = _all_hits()
    except QueryError as exc:
        return Response(json.dumps({"error": str(exc)}, ensure_ascii=False), status=400, mimetype="application/json")
    for hit in hits:
        for internal in ("snippet", "score", "section_html", "heading_match", "tier", "matched"):
            hit.pop(internal, None)
    document = {
        "query": q,
        "filters": current_filters(),
        "total": total,
        "exported": len(hits),
        "truncated": total > len(hits),
        "hits": hits,
    }
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json", headers=_download_headers(q, "json", total, len(hits)))


@pages.route("/healthz")
def health():
    return {"ok": True, "pid": os.getpid()}
