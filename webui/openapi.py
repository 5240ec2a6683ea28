"""OpenAPI 3.1 description of the JSON API: what the server accepts (every enum and range it checks) and what it
answers, precisely enough for a client generator; tests/test_api_contract.py holds the server to it."""

from __future__ import annotations

from search.engine import CHECK_SORTS, TABLE_MAX_LIMIT, indicator_names
from search.ingest.model import LEVELS
from search.query import FACETS, MAX_LIMIT, PARTS

from .openapi_schemas import (
    CHECK,
    DRAFT,
    DUPLICATES,
    ERROR_BODY,
    FACET_PAGE,
    INDICATORS,
    REPORT,
    RESULTS,
    SIDE_BY_SIDE,
    SIMILAR,
    STATS,
    TOWNSHIP,
    _object,
)

EXAMPLE_REPORT = "b46411310397"  # 北屏乡's report in the bundled sample corpus
EXAMPLE_PARAGRAPH = "b46411310397-0004"
YEAR_PATTERN = r"^\s*(\d{4}|\d{4}\s*(-|~|—|至|到)\s*(\d{4})?|(-|~|—|至|到)\s*\d{4})\s*$"


def _query(name: str, schema: dict, description: str = "") -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        **({"description": description} if description else {}),
    }


def _filter(name: str) -> dict:
    items: dict = {"type": "string", "maxLength": 100}
    if name == "level":
        items = {"type": "string", "enum": list(LEVELS)}
    elif name == "part":
        items = {"type": "string", "enum": list(PARTS)}
    elif name == "year":
        items = {"type": "string", "pattern": YEAR_PATTERN, "description": "2020、2020-2022、2021- 或 -2021"}
    return {
        **_query(
            name, {"type": "array", "items": items, "maxItems": 20}, f"按 {name} 筛选，可重复；同一字段多个值为“或”"
        ),
        "style": "form",
        "explode": True,
    }


def search_parameters(max_limit: int = MAX_LIMIT) -> list[dict]:
    return [
        _query(
            "q", {"type": "string", "maxLength": 500}, "检索式（见 README 的检索语法）；语法有误时 400，parameter 为 q"
        ),
        *[_filter(name) for name in FACETS],
        _query("sort", {"type": "string", "enum": ["relevance", "year", "year_asc"]}),
        _query(
            "mode",
            {"type": "string", "enum": ["expanded", "exact"]},
            "expanded（默认）：同时检索叙词表的同义词，完全命中之后列出部分、相关和其他命中；exact：只检索输入的词",
        ),
        _query("count", {"type": "string", "enum": ["paragraphs", "reports"]}, "分面计数单位：段落数（默认）或报告数"),
        _query(
            "fold", {"type": "string", "enum": ["0", "1"]}, "1：每份报告只列最相关的一段，几乎相同的抄录段落只列一次"
        ),
        _query(
            "boilerplate",
            {"type": "string", "enum": ["fold", "show"]},
            "fold（默认）：3 份及以上报告中几乎相同的段落只列最相关的一处；show：全部列出",
        ),
        _query("page", {"type": "integer", "minimum": 1, "maximum": 1000}),
        _query("limit", {"type": "integer", "minimum": 1, "maximum": max_limit}),
    ]


def table_parameters(sorts: list[str], sort_description: str) -> list[dict]:
    """A table's parameters: those of a search (q and filters select the reports), a page of at most
    TABLE_MAX_LIMIT rows (50 by default), the column to sort by and the order."""
    parameters = [p for p in search_parameters(TABLE_MAX_LIMIT) if p["name"] != "limit"]
    return [
        *parameters,
        _query("limit", {"type": "integer", "minimum": 1, "maximum": TABLE_MAX_LIMIT, "default": 50}),
        _query("sort_by", {"type": "string", "enum": sorts}, sort_description),
        _query("order", {"type": "string", "enum": ["desc", "asc"]}, "desc（默认）从大到小，asc 从小到大"),
    ]


def _ok(schema: dict, description: str = "成功", links: dict | None = None) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
        **({"links": links} if links else {}),
    }


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_BODY}}}


BAD_REQUEST = _error("参数或检索式有误（parameter 说明是哪个参数）")
NOT_FOUND = _error("没有这个编号")
HIT_LINKS = {
    "ReportOfTheFirstHit": {
        "operationId": "getReport",
        "parameters": {"report_id": "$response.body#/hits/0/report_id"},
        "description": "第一条命中所在的整份报告",
    },
    "SimilarToTheFirstHit": {
        "operationId": "getSimilarParagraphs",
        "parameters": {"paragraph_id": "$response.body#/hits/0/id"},
        "description": "与第一条命中相近的其他乡镇段落",
    },
}


def _operation(operation_id: str, summary: str, parameters: list[dict], ok: dict, *errors: tuple[str, dict]) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": parameters,
            "responses": {"200": ok, **dict(errors)},
        }
    }


def _draft_operation() -> dict:
    return {
        "post": {
            "operationId": "checkDraft",
            "summary": "草稿体检：上传一份报告草稿（不加入索引），返回必备部分、指标、与已收录报告雷同的段落和其他乡镇的写法",
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": _object({"file": {"type": "string", "format": "binary"}}, ("file",)),
                    }
                },
            },
            "responses": {
                "200": _ok(DRAFT),
                "400": _error("没有文件，或文件无法读取（error 说明原因）"),
                "403": _error("不是本站页面提交的（Origin 不符）"),
                "413": _error("文件超过 20 MB"),
                "415": _error("不支持的文件类型"),
            },
        }
    }


def _path(name: str, schema: dict, example: str | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema, **({"example": example} if example else {})}


def openapi_document() -> dict:
    facet_name = _path("name", {"type": "string", "enum": list(FACETS)})
    report_id = _path("report_id", {"type": "string", "maxLength": 64}, EXAMPLE_REPORT)
    paragraph_id = _path("paragraph_id", {"type": "string", "maxLength": 64}, EXAMPLE_PARAGRAPH)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "reportsearch API",
            "version": "0.2.0",
            "description": "乡镇法治政府建设年度报告检索的 JSON 接口；参数与网页相同。错误都是 JSON：{error, parameter}。",
        },
        "paths": {
            "/api/search": _operation(
                "search", "检索段落", search_parameters(), _ok(RESULTS, links=HIT_LINKS), ("400", BAD_REQUEST)
            ),
            "/api/compare": _operation(
                "compare",
                "按乡镇对比：每个乡镇最相关的段落",
                [
                    *search_parameters(50),
                    _query("per", {"type": "integer", "minimum": 1, "maximum": 10}, "每个乡镇几段"),
                ],
                _ok(RESULTS, links=HIT_LINKS),
                ("400", BAD_REQUEST),
            ),
            "/api/facets/{name}": _operation(
                "getFacet",
                "一个分面的全部取值（地名另给省—县—乡镇树）",
                [facet_name, *search_parameters()],
                _ok(FACET_PAGE),
                ("400", BAD_REQUEST),
            ),
            "/api/check": _operation(
                "checkReports",
                "报告体检：四个必备部分、量化表述、雷同段落，分页；汇总数字针对全部所选报告（参数同检索，可不带 q）",
                table_parameters(list(CHECK_SORTS), "排序依据（默认 missing：缺少部分多的在前）"),
                _ok(CHECK),
                ("400", BAD_REQUEST),
            ),
            "/api/check/draft": _draft_operation(),
            "/api/townships/{county}/{township}": _operation(
                "getTownship",
                "乡镇档案：一个乡镇（县区 + 名称；县区不详时用“县区不详”）历年的报告、指标、与上一年相同的比例和新写的段落",
                [
                    _path("county", {"type": "string", "maxLength": 100}, "城口县"),
                    _path("township", {"type": "string", "maxLength": 100}, "北屏乡"),
                ],
                _ok(TOWNSHIP),
                ("404", NOT_FOUND),
            ),
            "/api/duplicates": _operation(
                "listDuplicates",
                "相同段落：不同报告中几乎相同（相似度 ≥ 0.75）的段落分组，涉及报告多的在前",
                [
                    *search_parameters(),
                    _query("reports", {"type": "integer", "minimum": 2, "maximum": 1000}, "至少涉及几份报告（默认 2）"),
                    _query("paragraph", {"type": "string", "maxLength": 40}, "只看这个段落所在的组（段落编号）"),
                ],
                _ok(DUPLICATES),
                ("400", BAD_REQUEST),
                ("404", NOT_FOUND),
            ),
            "/api/indicators": _operation(
                "indicatorTable",
                "指标表：每份报告写明的调解件数、调解成功率、法律顾问人数等，每个值带出处段落和原句",
                table_parameters(["", *indicator_names()], "按哪个指标排序（默认按省、县区、乡镇）"),
                _ok(INDICATORS),
                ("400", BAD_REQUEST),
            ),
            "/api/reports/{report_id}": _operation(
                "getReport", "整份报告：元数据、提纲和全部段落", [report_id], _ok(REPORT), ("404", NOT_FOUND)
            ),
            "/api/paragraphs/{paragraph_id}/similar": _operation(
                "getSimilarParagraphs",
                "其他乡镇报告中相近的段落",
                [paragraph_id, _query("limit", {"type": "integer", "minimum": 1, "maximum": 50})],
                _ok(SIMILAR),
                ("400", BAD_REQUEST),
                ("404", NOT_FOUND),
            ),
            "/api/paragraphs/{paragraph_id}/copy": _operation(
                "getSideBySide",
                "段落对照：一段与它在其他报告中最接近的近似段落（或 other 指定的段落）逐字对照，标出不同之处和共有的句子",
                [paragraph_id, _query("other", {"type": "string", "maxLength": 40}, "与哪一段对照（段落编号）")],
                _ok(SIDE_BY_SIDE),
                ("400", BAD_REQUEST),
                ("404", NOT_FOUND),
            ),
            "/api/stats": _operation("getStats", "索引概况", [], _ok(STATS)),
        },
    }
