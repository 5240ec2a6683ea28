"""Near-duplicate paragraphs across reports, listed: clusters (:mod:`search.index.clusters`) most widely
shared first, with their members, as a page and as table rows."""

from __future__ import annotations

import numpy as np

from search.index.docsets import distinct
from search.query.state import IndexState

MEMBERS_SHOWN = 50


def list_clusters(state: IndexState, selected: np.ndarray, min_reports: int, page: int, limit: int) -> dict:
    """One page of clusters with a member among ``selected`` that span at least ``min_reports`` reports, most
    widely shared first; each with its members (another report's copy first), their similarity to the first."""
    clusters = state.clusters()
    facets = state.facets
    chosen = np.flatnonzero(selected & (clusters.label >= 0) & (clusters.reports >= min_reports))
    labels = distinct(clusters.label[chosen])
    spread = clusters.reports[labels]
    sizes = np.bincount(clusters.label[clusters.label >= 0], minlength=len(clusters.label))[labels]
    order = np.lexsort((labels, -sizes, -spread))
    offset = (page - 1) * limit
    listed = []
    for label in labels[order][offset : offset + limit].tolist():
        members = clusters.members(label)
        others = members[members != label]
        others = others[np.lexsort((facets.id_keys[others], -facets.years[others].astype(np.int64)))]
        members = np.concatenate(([label], others))
        rows = [
            {**state.paragraph_label(doc), "similarity": round(float(clusters.similarity[doc]), 2)}
            for doc in members[:MEMBERS_SHOWN].tolist()
        ]
        listed.append(
            {
                "reports": int(clusters.reports[label]),
                "paragraphs": len(members),
                "text": state.stored(int(members[0])).get("text", ""),
                "members": rows,
            }
        )
    return {
        "total": len(labels),
        "paragraphs": int(len(chosen)),
        "min_reports": min_reports,
        "page": page,
        "limit": limit,
        "clusters": listed,
    }


DUPLICATE_COLUMNS = ["组", "涉及报告数", "乡镇/单位", "年度", "段号", "与第一段的相似度", "段落编号", "段落"]


def duplicate_rows(result: dict) -> list[list]:
    """A listed page of clusters as table rows under DUPLICATE_COLUMNS, a row per member (CLI --csv and
    /duplicates.csv)."""
    first = (result["page"] - 1) * result["limit"] + 1
    return [
        [
            number,
            cluster["reports"],
            m["township"],
            m["year"] or "",
            m["paragraph"],
            m["similarity"],
            m["id"],
            cluster["text"],
        ]
        for number, cluster in enumerate(result["clusters"], first)
        for m in cluster["members"]
    ]
