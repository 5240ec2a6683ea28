"""HTML pages: search, compare, report, similar, export. Every page's state is in its URL."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import time

from flask import Blueprint, Response, redirect, render_template, request, send_file, url_for

from search.classify import PARTS
from search.index import FACETS
from search.present import FACET_LABELS
from search.query import QueryError
from search.searcher import NotFoundError

from .params import EXPORT_LIMIT, current_filters, engine, integer_param, query_string, search_request, state_args

pages = Blueprint("pages", __name__)

SORT_LABELS = {"relevance": "按相关度", "year": "按年度（新→旧）", "year_asc": "按年度（旧→新）"}
TIER_LABELS = {
    "partial": "部分命中：以下段落没有包含全部检索词",
    "related": "相关命中：以下段落只包含检索词的相关词",
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


@pages.app_context_processor
def helpers():
    return {
        "facet_labels": FACET_LABELS,
        "sort_labels": SORT_LABELS,
        "tier_labels": TIER_LABELS,
        "export_limit": EXPORT_LIMIT,
        "url_with": url_with,
        "parts": PARTS,
    }


def url_with(endpoint: str = "pages.search", **changes) -> str:
    """The URL of ``endpoint`` with the current state and ``changes`` (None removes a key)."""
    args = state_args(**changes)
    encoded = query_string(args)
    return url_for(endpoint) + (f"?{encoded}" if encoded else "")


def without_value(name: str, value: str) -> str:
    remaining = [v for v in request.args.getlist(name) if v != value]
    return url_with(**{name: remaining or None, "page": None})


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
    if _for_api():
        return {"error": f"{request.path} 不支持 {request.method} 请求"}, 405
    return render_template("error.html", title="不支持的请求", message="这个页面不支持这种请求方式。"), 405


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
    context["chips"] = [
        (name, value, without_value(name, value)) for name, values in context["filters"].items() for value in values
    ]
    context["facets"] = _facet_view(context["result"], context["filters"])
    context["elapsed"] = time.perf_counter() - started
    return render_template("search.html", **context), status


def _within_results() -> str | None:
    """在结果中检索: the new words added to the previous query (None when not asked for)."""
    previous, new = request.args.get("prev", "").strip(), request.args.get("q", "").strip()
    if not request.args.get("within") or not previous or not new or new == previous:
        return None
    grouped = previous if not any(op in previous.split() for op in ("OR", "|", "或")) else f"({previous})"
    return f"{grouped} {new}"[:500]


def _facet_view(result: dict | None, filters: dict[str, list[str]]) -> list[dict]:
    """Facet groups for the sidebar; selected values are shown even when their count is zero."""
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
        view.append({"name": name, "label": FACET_LABELS[name], "values": values})
    return view


@pages.route("/compare")
def compare():
    context = {"q": request.args.get("q", "")[:500], "result": None, "error": "", "groups": []}
    status = 200
    try:
        per = integer_param("per", 3, 1, 10)
        result = engine().search(search_request(limit=20, max_limit=50, group_by="township", group_size=per))
        context["result"] = result
        context["per"] = per
        groups: dict[str, dict] = {}
        for hit in result["hits"]:
            group = groups.setdefault(
                hit["township"] or "（未知乡镇）",
                {"township": hit["township"], "county": hit["county"], "province": hit["province"], "hits": []},
            )
            group["hits"].append(hit)
        context["groups"] = list(groups.values())
        context["filters"] = current_filters()
    except QueryError as exc:
        context["error"] = str(exc)
        status = 400
    return render_template("compare.html", **context), status


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


@pages.route("/stats")
def stats():
    return render_template("stats.html", stats=engine().stats())


def _all_hits() -> tuple[list[dict], str, int]:
    """Every strict hit of the current search (up to EXPORT_LIMIT), from one evaluation of the query, each
    with a link to its paragraph; and the true total.

    Partial and related matches are not exported: the file holds what the page's total counts."""
    search = search_request()
    search.page, search.limit = 1, EXPORT_LIMIT
    result = engine().search(search, max_limit=EXPORT_LIMIT)
    hits = [hit for hit in result["hits"] if hit["tier"] == "all"]
    for hit in hits:
        hit["link"] = request.host_url.rstrip("/") + url_for(
            "pages.report", report_id=hit["report_id"], q=search.q or None, p=hit["id"], _anchor=f"p-{hit['id']}"
        )
    return hits, search.q, result["total"]


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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in CSV_COLUMNS])
    for hit in hits:
        writer.writerow([_csv_cell(key, hit.get(key)) for key, _ in CSV_COLUMNS])
    body = "\ufeff" + buffer.getvalue()
    response = Response(body.encode("utf-8"), headers=_download_headers(q, "csv", total, len(hits)))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    return response


def _csv_cell(key: str, value) -> str:
    """One CSV cell; text that Excel would run as a formula is prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = (" › " if key == "section" else "、").join(value)
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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
