"""OpenAPI 3.1 description of the JSON API: what the server accepts (every enum and range it checks) and what it
answers, precisely enough for a client generator; tests/test_api_contract.py holds the server to it."""

from __future__ import annotations

from search.engine import CHECK_SORTS, TABLE_MAX_LIMIT, indicator_names
from search.ingest.model import LEVELS
from search.query import FACETS, MAX_LIMIT, PARTS

EXAMPLE_REPORT = "b46411310397"  # 北屏乡's report in the bundled sample corpus
EXAMPLE_PARAGRAPH = "b46411310397-0004"
YEAR_PATTERN = r"^\s*(\d{4}|\d{4}\s*(-|~|—|至|到)\s*(\d{4})?|(-|~|—|至|到)\s*\d{4})\s*$"
STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NULLABLE_YEAR = {"type": ["integer", "null"]}


def _object(properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


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


NEAR_COPY = {
    "type": ["object", "null"],
    "description": "其他报告中最相近的段落（字符片段 Jaccard 相似度 ≥ 0.8）",
    "properties": {
        "township": STRING,
        "year": NULLABLE_YEAR,
        "report_id": STRING,
        "id": STRING,
        "paragraph": {"type": "integer", "description": "第几段"},
        "similarity": {"type": "number"},
        "other_reports": {"type": "integer", "description": "另有几份报告有近似段落"},
    },
}
HIT = _object(
    {
        "id": STRING,
        "report_id": STRING,
        "title": STRING,
        "level": STRING,
        "township": STRING,
        "county": STRING,
        "city": STRING,
        "province": STRING,
        "year": NULLABLE_YEAR,
        "part": STRING,
        "topics": _array(STRING),
        "section": _array(STRING),
        "section_html": _array(STRING),
        "heading_match": {"type": "boolean"},
        "text": STRING,
        "snippet": {"type": "string", "description": "HTML 转义，匹配处加 <mark>"},
        "score": {"type": ["number", "null"]},
        "tier": {
            "type": "string",
            "enum": ["all", "partial", "related", "other"],
            "description": "完全命中、部分命中、相关命中、其他命中",
        },
        "matched": _array(
            _object(
                {
                    "concept": STRING,
                    "term": STRING,
                    "relation": {"type": "string", "enum": ["typed", "equivalent", "related"]},
                }
            )
        ),
        "why": {"type": "string", "description": "命中说明，如 命中：法治宣传（同义：普法宣传）"},
        "near_copy": NEAR_COPY,
        "boilerplate": {"type": "integer", "description": "折叠在这一条下的其他报告中几乎相同的段落数"},
        "folded": _object({"in_report": INTEGER, "same_text": INTEGER}),
    },
    ("id", "report_id", "text", "snippet", "tier"),
)
FACET_VALUE = _object({"value": {"type": ["string", "integer"]}, "count": INTEGER}, ("value", "count"))
TREND = _array(
    _object(
        {
            "value": {"type": ["string", "integer"]},
            "paragraphs": INTEGER,
            "reports": INTEGER,
            "reports_total": INTEGER,
            "share": {"type": "number"},
        }
    )
)
RESULTS = _object(
    {
        "query": STRING,
        "mode": {"type": "string", "enum": ["expanded", "exact"]},
        "total": {"type": "integer", "description": "完全命中的段落数（分面计数也只数这些）"},
        "partial_total": INTEGER,
        "related_total": INTEGER,
        "other_total": INTEGER,
        "loose_total": {"type": "integer", "description": "排在完全命中之后的部分、相关与其他命中数"},
        "page": INTEGER,
        "limit": INTEGER,
        "sort": STRING,
        "filters": {"type": "object", "additionalProperties": _array(STRING)},
        "hits": _array(HIT),
        "facets": _object({name: _array(FACET_VALUE) for name in FACETS}),
        "facet_sizes": _object({"township": INTEGER, "county": INTEGER}),
        "trend": _object({"year": TREND, "province": TREND}),
        "count": {"type": "string", "enum": ["paragraphs", "reports"]},
        "townships": INTEGER,
        "reports": INTEGER,
        "related_terms": {"type": "array", "items": STRING, "description": "从最相关的段落中得出的相关词"},
        "did_you_mean": {"type": ["object", "null"], "properties": {"q": STRING, "total": INTEGER}},
        "boilerplate_folded": {"type": "integer", "description": "因与其他报告几乎相同而折叠、未列出的段落数"},
        "duplicates_pending": {
            "type": "boolean",
            "description": "true：索引刚更新，相同段落还在后台计算，这次结果没有 near_copy 和套话折叠",
        },
        "rows": {"type": "integer", "description": "fold=1 时折叠后的条数"},
        "group_by": STRING,
        "group_size": INTEGER,
        "group_totals": {"type": "object", "additionalProperties": INTEGER},
        "groups_total": INTEGER,
        "seconds": {"type": "number"},
    },
    ("query", "total", "page", "hits", "facets"),
)
PLACE_NODE = _object({"value": STRING, "count": INTEGER, "children": _array({"type": "object"})})
FACET_PAGE = _object(
    {"name": STRING, "query": STRING, "values": _array(FACET_VALUE), "tree": _array(PLACE_NODE)}, ("name", "values")
)
REPORT_LABEL = _object({"report_id": STRING, "township": STRING, "year": NULLABLE_YEAR})
PAGING = {
    "page": INTEGER,
    "limit": INTEGER,
    "pages": {"type": "integer", "description": "共几页（至少 1）"},
    "sort": STRING,
    "descending": {"type": "boolean"},
}
PART_COUNTS = {"type": "object", "additionalProperties": INTEGER, "description": "每个必备部分：缺少它的报告数"}
CHECK = _object(
    {
        "required_parts": _array(STRING),
        "total": {"type": "integer", "description": "所选报告总数（全部页）"},
        "missing_parts": {"type": "integer", "description": "缺少至少一个必备部分的报告数（全部页）"},
        "with_copies": {"type": "integer", "description": "有与其他报告雷同段落的报告数（全部页）"},
        "missing_by_part": PART_COUNTS,
        "counties": {"type": "integer", "description": "所选报告涉及的县区数"},
        "by_county": _array(
            _object(
                {
                    "county": STRING,
                    "province": STRING,
                    "reports": INTEGER,
                    "missing_parts": INTEGER,
                    "missing_by_part": PART_COUNTS,
                }
            )
        ),
        **PAGING,
        "reports": _array(
            _object(
                {
                    "report_id": STRING,
                    "title": STRING,
                    "level": STRING,
                    "township": STRING,
                    "county": STRING,
                    "province": STRING,
                    "year": NULLABLE_YEAR,
                    "paragraphs": INTEGER,
                    "parts": {
                        "type": "object",
                        "additionalProperties": _object({"paragraphs": INTEGER, "chars": INTEGER}),
                    },
                    "missing": _array(STRING),
                    "mentioned": _array(STRING),
                    "quantified": INTEGER,
                    "copied_paragraphs": INTEGER,
                    "copied": _array(
                        _object(
                            {
                                "id": STRING,
                                "elsewhere": _array(REPORT_LABEL),
                                "elsewhere_total": {
                                    "type": "integer",
                                    "description": "又见于几份报告（列出至多 10 份）",
                                },
                            }
                        )
                    ),
                },
                ("report_id", "missing", "parts"),
            )
        ),
    },
    ("total", "reports", "page", "pages"),
)
MEMBER = _object({**REPORT_LABEL["properties"], "id": STRING, "paragraph": INTEGER, "similarity": {"type": "number"}})
DUPLICATES = _object(
    {
        "query": STRING,
        "total": INTEGER,
        "paragraphs": INTEGER,
        "min_reports": INTEGER,
        "page": INTEGER,
        "limit": INTEGER,
        "threshold": {"type": "number"},
        "seconds": {"type": "number"},
        "clusters": _array(
            _object({"reports": INTEGER, "paragraphs": INTEGER, "text": STRING, "members": _array(MEMBER)})
        ),
    },
    ("total", "clusters"),
)
CELL = _object(
    {
        "value": STRING,
        "amount": {"type": "number"},
        "approximate": {"type": "boolean"},
        "sentence": STRING,
        "id": STRING,
        "paragraph": INTEGER,
        "more": INTEGER,
    }
)
INDICATORS = _object(
    {
        "query": STRING,
        "indicators": _array(STRING),
        **PAGING,
        "total": {"type": "integer", "description": "所选报告总数（全部页）"},
        "values": {"type": "integer", "description": "所选报告写明的指标值个数（每份报告每个指标计一次）"},
        "stated": {"type": "object", "additionalProperties": INTEGER, "description": "每个指标：写明它的报告数"},
        "reports": _array(
            _object(
                {
                    "report_id": STRING,
                    "township": STRING,
                    "county": STRING,
                    "province": STRING,
                    "year": NULLABLE_YEAR,
                    "cells": {"type": "object", "additionalProperties": CELL},
                }
            )
        ),
    },
    ("total", "reports", "page", "pages"),
)
REPORT = _object(
    {
        "id": STRING,
        "path": STRING,
        "title": STRING,
        "level": STRING,
        "township": STRING,
        "county": STRING,
        "city": STRING,
        "province": STRING,
        "year": NULLABLE_YEAR,
        "date": STRING,
        "format": STRING,
        "encoding": STRING,
        "hash": STRING,
        "sources": {"type": "object", "additionalProperties": STRING},
        "stale": {"type": "string", "description": "非空：文件已改动但无法读取，索引中是之前的版本（原因）"},
        "outline": _array(_array(STRING)),
        "paragraphs": _array(
            _object(
                {
                    "id": STRING,
                    "ordinal": INTEGER,
                    "section": _array(STRING),
                    "part": STRING,
                    "topics": _array(STRING),
                    "text": STRING,
                    "near_copy": NEAR_COPY,
                }
            )
        ),
    },
    ("id", "paragraphs"),
)
SIMILAR = _object({"id": STRING, "source": HIT, "hits": _array(HIT)}, ("id", "source", "hits"))
STATS = _object(
    {
        "reports": INTEGER,
        "paragraphs": INTEGER,
        "facets": _object({name: _array(FACET_VALUE) for name in FACETS}),
        "trend": TREND,
        "index_bytes": INTEGER,
        "index_name": STRING,
        "last_indexed": STRING,
        "stale": _array(_object({"path": STRING, "error": STRING})),
    },
    ("reports", "paragraphs"),
)
ERROR_BODY = _object(
    {
        "error": {"type": "string", "description": "出了什么问题（中文）"},
        "parameter": {"type": ["string", "null"], "description": "问题出在哪个参数（q 为检索式语法）"},
    },
    ("error",),
)


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


PART_STATUS = _object(
    {
        "part": STRING,
        "status": {"type": "string", "enum": ["present", "mentioned", "missing"]},
        "paragraphs": INTEGER,
        "chars": INTEGER,
    },
    ("part", "status"),
)
DRAFT_SOURCE = _object(
    {
        **REPORT_LABEL["properties"],
        "id": STRING,
        "paragraph": INTEGER,
        "county": STRING,
        "similarity": {"type": "number"},
        "own_township": {"type": "boolean", "description": "是本乡镇往年的报告"},
        "text": STRING,
    }
)
DRAFT = _object(
    {
        "file": STRING,
        "title": STRING,
        "township": STRING,
        "county": STRING,
        "province": STRING,
        "year": NULLABLE_YEAR,
        "paragraphs": INTEGER,
        "chars": INTEGER,
        "parts": _array(PART_STATUS),
        "indicators": _object(
            {
                "stated": _array(
                    _object(
                        {
                            "indicator": STRING,
                            "value": STRING,
                            "sentence": STRING,
                            "paragraph": INTEGER,
                            "more": INTEGER,
                        }
                    )
                ),
                "compared_with": {"type": "string", "description": "与哪些报告比较：县区、省份或全部报告"},
                "usually_stated_but_missing": _array(
                    _object({"indicator": STRING, "share": {"type": "number"}, "reports": INTEGER})
                ),
            }
        ),
        "copies": _array(
            _object(
                {
                    "paragraph": INTEGER,
                    "text": STRING,
                    "sources": _array(DRAFT_SOURCE),
                    "sources_total": INTEGER,
                    "from_other_townships": {"type": "boolean"},
                    "sentences": _array(_object({"text": STRING, "shared": {"type": "boolean"}})),
                }
            )
        ),
        "copied_share": _object({"other_townships": {"type": "number"}, "own_township": {"type": "number"}}),
        "similar": _array(_object({"section": STRING, "hits": _array(HIT)})),
    },
    ("parts", "indicators", "copies", "copied_share", "similar"),
)


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


def openapi_document() -> dict:
    facet_name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string", "enum": list(FACETS)}}
    report_id = {
        "name": "report_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "maxLength": 64},
        "example": EXAMPLE_REPORT,
    }
    paragraph_id = {
        "name": "paragraph_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "maxLength": 64},
        "example": EXAMPLE_PARAGRAPH,
    }
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
            "/api/duplicates": _operation(
                "listDuplicates",
                "相同段落：不同报告中几乎相同（Jaccard ≥ 0.8）的段落分组，涉及报告多的在前",
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
            "/api/stats": _operation("getStats", "索引概况", [], _ok(STATS)),
        },
    }
