"""OpenAPI 3.1 description of the JSON API."""

from __future__ import annotations

from search.query import FACETS


def _array_parameter(name: str, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "array", "items": {"type": "string", "maxLength": 100}, "maxItems": 20},
        "style": "form",
        "explode": True,
    }


SEARCH_PARAMETERS = [
    {
        "name": "q",
        "in": "query",
        "required": False,
        "description": "检索式（见 README 的检索语法）",
        "schema": {"type": "string", "maxLength": 500},
    },
    *[_array_parameter(name, f"按 {name} 筛选，可重复；同一字段多个值为“或”") for name in FACETS],
    {
        "name": "sort",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["relevance", "year", "year_asc"]},
    },
    {
        "name": "mode",
        "in": "query",
        "required": False,
        "description": "expanded（默认）：同时检索叙词表的同义词，完全命中之后列出部分命中和相关命中；exact：只检索输入的词",
        "schema": {"type": "string", "enum": ["expanded", "exact"]},
    },
    {
        "name": "count",
        "in": "query",
        "required": False,
        "description": "分面计数单位：paragraphs（默认，段落数）或 reports（报告数）",
        "schema": {"type": "string", "enum": ["paragraphs", "reports"]},
    },
    {
        "name": "fold",
        "in": "query",
        "required": False,
        "description": "1：每份报告只列最相关的一段（另有几处见 folded），几乎相同的抄录段落只列一次",
        "schema": {"type": "string", "enum": ["1"]},
    },
    {
        "name": "boilerplate",
        "in": "query",
        "required": False,
        "description": "fold（默认）：在 3 份及以上报告中几乎相同的段落（套话）只列最相关的一处，"
        "被折叠的段数见 boilerplate_folded 和各条的 boilerplate；show：全部列出",
        "schema": {"type": "string", "enum": ["fold", "show"]},
    },
    {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
    {"name": "limit", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]

HIT = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "report_id": {"type": "string"},
        "title": {"type": "string"},
        "township": {"type": "string"},
        "county": {"type": "string"},
        "city": {"type": "string"},
        "province": {"type": "string"},
        "year": {"type": ["integer", "null"]},
        "part": {"type": "string"},
        "topics": {"type": "array", "items": {"type": "string"}},
        "section": {"type": "array", "items": {"type": "string"}},
        "text": {"type": "string"},
        "snippet": {"type": "string", "description": "HTML-escaped, with <mark> around matches"},
        "score": {"type": ["number", "null"]},
        "tier": {
            "type": "string",
            "enum": ["all", "partial", "related", "other"],
            "description": "完全命中、部分命中、相关命中、其他命中",
        },
        "matched": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "concept": {"type": "string"},
                    "term": {"type": "string"},
                    "relation": {"type": "string", "enum": ["typed", "equivalent", "related"]},
                },
            },
        },
        "why": {"type": "string", "description": "命中说明，如 命中：法治宣传（同义：普法宣传）"},
        "near_copy": {
            "type": ["object", "null"],
            "description": "其他报告中最相近的段落（字符片段 Jaccard 相似度 ≥ 0.8）：township、year、report_id、id、"
            "paragraph（第几段）、similarity、other_reports（另有几份报告有近似段落）",
        },
        "boilerplate": {"type": "integer", "description": "折叠在这一条下的其他报告中几乎相同的段落数"},
    },
}
FACET = {
    "type": "array",
    "items": {"type": "object", "properties": {"value": {"type": ["string", "integer"]}, "count": {"type": "integer"}}},
}
RESULTS = {
    "type": "object",
    "properties": {
        "query": {"type": "string"},
        "mode": {"type": "string", "enum": ["expanded", "exact"]},
        "total": {"type": "integer", "description": "完全命中的段落数（分面计数也只数这些）"},
        "partial_total": {"type": "integer"},
        "related_total": {"type": "integer"},
        "other_total": {"type": "integer"},
        "loose_total": {"type": "integer", "description": "排在完全命中之后的部分命中、相关命中与其他命中数"},
        "related_terms": {"type": "array", "items": {"type": "string"}, "description": "从最相关的段落中得出的相关词"},
        "did_you_mean": {
            "type": ["object", "null"],
            "properties": {"q": {"type": "string"}, "total": {"type": "integer"}},
        },
        "boilerplate_folded": {"type": "integer", "description": "因与其他报告几乎相同而折叠、未列出的段落数"},
        "duplicates_pending": {
            "type": "boolean",
            "description": "true：索引刚更新，相同段落还在后台计算（大索引），这次结果没有 near_copy 和套话折叠",
        },
        "page": {"type": "integer"},
        "hits": {"type": "array", "items": HIT},
        "facets": {"type": "object", "properties": {name: FACET for name in FACETS}},
    },
}
ERROR = {
    "description": "参数或检索式有误",
    "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}},
}
NOT_FOUND = {
    "description": "没有这个编号",
    "content": {"application/json": {"schema": {"type": "object", "properties": {"error": {"type": "string"}}}}},
}


def _ok(schema: dict, description: str = "成功") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def openapi_document() -> dict:
    id_parameter = {"in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "reportsearch API",
            "version": "0.1.0",
            "description": "乡镇法治政府建设年度报告检索的 JSON 接口；参数与网页相同。",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "检索段落",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {"200": _ok(RESULTS), "400": ERROR},
                }
            },
            "/api/facets/{name}": {
                "get": {
                    "summary": "一个分面的全部取值（地名另给省—县—乡镇树）",
                    "parameters": [
                        {
                            "name": "name",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "enum": list(FACETS)},
                        },
                        *SEARCH_PARAMETERS,
                    ],
                    "responses": {"200": _ok({"type": "object"}), "400": ERROR},
                }
            },
            "/api/check": {
                "get": {
                    "summary": "报告体检：四个必备部分、量化表述、雷同段落（参数同检索，可不带 q）",
                    "parameters": SEARCH_PARAMETERS,
                    "responses": {"200": _ok({"type": "object"}), "400": ERROR},
                }
            },
            "/api/duplicates": {
                "get": {
                    "summary": "相同段落：不同报告中几乎相同（Jaccard ≥ 0.8）的段落分组，涉及报告多的在前"
                    "（参数同检索，可不带 q；只列含符合条件段落的组）",
                    "parameters": [
                        *SEARCH_PARAMETERS,
                        {
                            "name": "reports",
                            "in": "query",
                            "description": "至少涉及几份报告（默认 2）",
                            "schema": {"type": "integer", "minimum": 2, "maximum": 1000},
                        },
                        {
                            "name": "paragraph",
                            "in": "query",
                            "description": "只看这个段落所在的组（段落编号）",
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {"200": _ok({"type": "object"}), "400": ERROR, "404": NOT_FOUND},
                }
            },
            "/api/indicators": {
                "get": {
                    "summary": "指标表：每份报告写明的调解件数、调解成功率、法律顾问人数等（data/indicators.json），"
                    "每个值带出处段落和原句；参数同检索（year 可为区间，如 2020-2023）",
                    "parameters": [
                        *SEARCH_PARAMETERS,
                        {
                            "name": "sort_by",
                            "in": "query",
                            "description": "按哪个指标排序",
                            "schema": {"type": "string"},
                        },
                        {"name": "order", "in": "query", "schema": {"type": "string", "enum": ["desc", "asc"]}},
                    ],
                    "responses": {"200": _ok({"type": "object"}), "400": ERROR},
                }
            },
            "/api/compare": {
                "get": {
                    "summary": "按乡镇对比：每个乡镇最相关的段落",
                    "parameters": [
                        *SEARCH_PARAMETERS,
                        {"name": "per", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10}},
                    ],
                    "responses": {"200": _ok(RESULTS), "400": ERROR},
                }
            },
            "/api/reports/{report_id}": {
                "get": {
                    "summary": "整份报告：元数据、提纲和全部段落",
                    "parameters": [{"name": "report_id", **id_parameter}],
                    "responses": {"200": _ok({"type": "object"}), "404": NOT_FOUND},
                }
            },
            "/api/paragraphs/{paragraph_id}/similar": {
                "get": {
                    "summary": "其他乡镇报告中相近的段落",
                    "parameters": [
                        {"name": "paragraph_id", **id_parameter},
                        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
                    ],
                    "responses": {
                        "200": _ok(
                            {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "string"},
                                    "source": HIT,
                                    "hits": {"type": "array", "items": HIT},
                                },
                            }
                        ),
                        "404": NOT_FOUND,
                        "400": ERROR,
                    },
                }
            },
            "/api/stats": {"get": {"summary": "索引概况", "responses": {"200": _ok({"type": "object"})}}},
        },
    }
