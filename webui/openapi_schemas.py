"""The response bodies of the JSON API as JSON Schema (:mod:`webui.openapi` puts them in the OpenAPI file)."""

from __future__ import annotations

from search.query import FACETS

STRING = {"type": "string"}
INTEGER = {"type": "integer"}
NULLABLE_YEAR = {"type": ["integer", "null"]}


def _object(properties: dict, required: tuple[str, ...] = ()) -> dict:
    return {"type": "object", "properties": properties, **({"required": list(required)} if required else {})}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


NEAR_COPY = {
    "type": ["object", "null"],
    "description": "其他报告中最相近的段落（相似度 ≥ 0.75：较短一段的四字片段在另一段中的比例，或两段的 Jaccard 相似度）",
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
REPORT_FIELDS = {  # what a report says of itself, on every hit and on the report
    "title": STRING,
    "level": STRING,
    "township": STRING,
    "county": STRING,
    "city": STRING,
    "province": STRING,
    "year": NULLABLE_YEAR,
}
HIT = _object(
    {
        "id": STRING,
        "report_id": STRING,
        **REPORT_FIELDS,
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
                    "relation": {
                        "type": "string",
                        "enum": ["typed", "equivalent", "related", "place", "year"],
                        "description": "如实写出、同义词、相关词、报告所在地（城口县）、报告年度（2023）",
                    },
                }
            )
        ),
        "why": {"type": "string", "description": "命中说明，如 命中：法治宣传（同义：普法宣传）"},
        "near_copy": NEAR_COPY,
        "boilerplate": {"type": "integer", "description": "折叠在这一条下的其他报告中几乎相同的段落数"},
        "folded": _object({"in_report": INTEGER, "same_text": INTEGER}),
        "group": {
            "type": "string",
            "description": "按乡镇/县区分组时，这一条所在的组（同名乡镇带县区：城关镇（巫山县）），与 group_totals 的键相同",
        },
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
        "asked": {
            "type": "array",
            "items": STRING,
            "description": "检索式中要找的词（提问用语、虚词已去掉：看看别人的法律顾问怎么写 → 法律顾问）",
        },
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
        "indicator_ranking": {
            "type": ["object", "null"],
            "properties": {"indicator": STRING, "order": {"type": "string", "enum": ["desc", "asc"]}},
            "description": "检索式问某个指标最高或最低的报告时（调解成功率最高的乡镇）：按它排序指标表的参数（/api/indicators 的 sort_by 和 order）",
        },
        "boilerplate_folded": {"type": "integer", "description": "因与其他报告几乎相同而折叠、未列出的段落数"},
        "same_report_folded": {
            "type": "integer",
            "description": "其中同一报告（同一乡镇同一年度）另一份文件里的重复段落数（同一份报告存成了两个文件）",
        },
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
                    "copied_from_others": {
                        "type": "number",
                        "description": "与其他乡镇报告几乎相同的段落占本报告字数的比例",
                    },
                    "copied_from_own": {
                        "type": "number",
                        "description": "其余段落中与本乡镇往年报告几乎相同的占本报告字数的比例",
                    },
                    "same_report_files": {
                        **_array(
                            _object(
                                {
                                    "report_id": STRING,
                                    "township": STRING,
                                    "year": NULLABLE_YEAR,
                                    "path": STRING,
                                    "paragraphs": INTEGER,
                                }
                            )
                        ),
                        "description": "同一乡镇同一年度的另一个文件重复了本报告的段落（同一份报告存了两次）及重复的段落数；"
                        "这些段落不算雷同",
                    },
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
        "same_report_files_left_out": {
            "type": "integer",
            "description": "未列入的文件数：同一乡镇同一年度的报告存了两个文件时，只列一个",
        },
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
        **REPORT_FIELDS,
        "date": STRING,
        "format": STRING,
        "encoding": STRING,
        "script": {"type": "string", "description": "繁体：原文用繁体字书写，按简体读取、显示和检索"},
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
                    "sources_capped": {
                        "type": "boolean",
                        "description": "候选太多，只核对了共有签名最多的 400 段：sources_total 是下限",
                    },
                    "stitched": {
                        "type": "boolean",
                        "description": "本段由同一份报告的几段拼合：sources 是这几段（按原文顺序），similarity 是它们合计覆盖本段的比例",
                    },
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


TOWNSHIP = _object(
    {
        "township": STRING,
        "county": STRING,
        "province": STRING,
        "required_parts": _array(STRING),
        "indicators": _array(STRING),
        "topics": _array(STRING),
        "reports": _array(
            _object(
                {
                    "report_id": STRING,
                    "title": STRING,
                    "year": NULLABLE_YEAR,
                    "paragraphs": INTEGER,
                    "chars": INTEGER,
                    "parts": {
                        "type": "object",
                        "additionalProperties": _object({"paragraphs": INTEGER, "chars": INTEGER}),
                    },
                    "missing": _array(STRING),
                    "quantified": INTEGER,
                    "indicators": {
                        "type": "object",
                        "additionalProperties": _object({"value": STRING, "amount": {"type": "number"}, "id": STRING}),
                    },
                    "topics": {"type": "object", "additionalProperties": INTEGER},
                    "copied_from_previous": {
                        "type": ["number", "null"],
                        "description": "与上一年报告几乎相同的段落占本年报告字数的比例（第一年为 null）",
                    },
                    "new_paragraphs": {"type": ["integer", "null"]},
                    "new": _array(
                        _object({**REPORT_LABEL["properties"], "id": STRING, "paragraph": INTEGER, "text": STRING})
                    ),
                },
                ("report_id", "year", "parts"),
            )
        ),
    },
    ("township", "county", "reports"),
)


SIDE_BY_SIDE = _object(
    {
        "similarity": {
            "type": "number",
            "description": "两段的相似度：较短一段的四字片段在另一段中出现的比例（两段长短相近且共有片段足够多时），否则为 Jaccard 相似度；去掉数字、地名、自称，层级用语视为同一。edited 为真时是逐句改写的相似度（见 edited）",
        },
        "edited": {
            "type": "boolean",
            "description": "逐句改写：四字片段相差较多，但较短一段的句子（按字词的罕见程度加权）大多有一半以上字词见于另一段，此时相似度为这些句子所占的比例",
        },
        "paragraphs": _array(
            _object(
                {
                    **REPORT_LABEL["properties"],
                    "id": STRING,
                    "paragraph": INTEGER,
                    "county": STRING,
                    "text": STRING,
                    "pieces": _array(_object({"text": STRING, "changed": {"type": "boolean"}})),
                    "sentences": _array(_object({"text": STRING, "shared": {"type": "boolean"}})),
                }
            )
        ),
    },
    ("similarity", "paragraphs"),
)
