"""The pages of one township and of one draft: 乡镇档案 and 草稿体检 (their JSON twins are in api.py)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from search.query import NotFoundError

from .params import engine, text_param
from .upload import DRAFT_MAX_MB, UploadError, review_upload

insights = Blueprint("insights", __name__)


@insights.errorhandler(NotFoundError)
def not_found(error: NotFoundError):
    return render_template("error.html", title="没有找到", message=str(error)), 404


@insights.route("/paragraphs/<paragraph_id>/copy")
def side_by_side(paragraph_id: str):
    """A paragraph and its near copy side by side: where they differ marked, the shared sentences listed."""
    other = text_param("other", 40)
    return render_template("copy.html", result=engine().side_by_side(paragraph_id[:40], other))


@insights.route("/townships/<county>/<township>")
def township(county: str, township: str):
    """乡镇档案: one township across its years."""
    result = engine().township(county[:100], township[:100])
    return render_template("township.html", result=result, lines=_indicator_lines(result))


LINE_WIDTH, LINE_HEIGHT = 220, 60


def _indicator_lines(result: dict) -> list[dict]:
    """A small SVG line per indicator stated in two years or more: (x, y) points over the years, scaled to
    the indicator's own range."""
    years = [r["year"] for r in result["reports"]]
    lines = []
    for name in result["indicators"]:
        stated = [
            (i, r["indicators"][name]["amount"]) for i, r in enumerate(result["reports"]) if name in r["indicators"]
        ]
        if len(stated) < 2:
            continue
        low, high = min(a for _, a in stated), max(a for _, a in stated)
        step = LINE_WIDTH / max(1, len(years) - 1)
        points = [
            (round(i * step, 1), round(LINE_HEIGHT - 5 - (a - low) / ((high - low) or 1) * (LINE_HEIGHT - 10), 1))
            for i, a in stated
        ]
        labels = [
            (x, y, result["reports"][i]["indicators"][name]["value"])
            for (x, y), (i, _) in zip(points, stated, strict=True)
        ]
        lines.append({"name": name, "points": " ".join(f"{x},{y}" for x, y in points), "labels": labels})
    return lines


@insights.route("/draft", methods=["GET", "POST"])
def draft():
    """草稿体检: a draft report uploaded and reviewed as a county office would (nothing is indexed); the result
    is a page that can be printed or saved."""
    if request.method == "GET":
        return render_template("draft.html", result=None, error="", name="", max_mb=DRAFT_MAX_MB)
    try:
        name, result = review_upload()
    except UploadError as exc:
        return render_template("draft.html", result=None, error=str(exc), name="", max_mb=DRAFT_MAX_MB), exc.status
    return render_template("draft.html", result=result, error="", name=name, max_mb=DRAFT_MAX_MB)
