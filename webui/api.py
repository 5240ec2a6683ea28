"""JSON twins of every page under /api/, and the OpenAPI description."""

from __future__ import annotations

from flask import Blueprint, jsonify

from search.query import NotFoundError, QueryError

from .openapi import openapi_document
from .params import engine, integer_param, search_request, table_request, text_param
from .upload import UploadError, review_upload

api = Blueprint("api", __name__)


@api.errorhandler(QueryError)
def bad_request(error: QueryError):
    return jsonify({"error": str(error), "parameter": error.parameter}), 400


@api.errorhandler(NotFoundError)
def not_found(error: NotFoundError):
    return jsonify({"error": str(error)}), 404


@api.route("/search")
def search():
    return jsonify(engine().search(search_request()))


@api.route("/compare")
def compare():
    request = search_request(limit=20, max_limit=50, group_by="township", group_size=integer_param("per", 3, 1, 10))
    return jsonify(engine().search(request))


@api.route("/facets/<name>")
def facet(name: str):
    return jsonify(engine().facet(search_request(), name))


@api.route("/check")
def check():
    request, sort, descending = table_request("missing")
    return jsonify(engine().check(request, sort, descending))


@api.route("/townships/<county>/<township>")
def township(county: str, township: str):
    return jsonify(engine().township(county[:100], township[:100]))


@api.route("/check/draft", methods=["POST"])
def check_draft():
    try:
        name, result = review_upload()
    except UploadError as exc:
        return {"error": str(exc), "parameter": "file"}, exc.status
    return jsonify({"file": name, **result})


@api.route("/duplicates")
def duplicates():
    return jsonify(
        engine().duplicates(
            search_request(limit=20, max_limit=100),
            min_reports=integer_param("reports", 2, 2, 1000),
            paragraph_id=text_param("paragraph", 40),
        )
    )


@api.route("/indicators")
def indicators():
    request, sort, descending = table_request("")
    return jsonify(engine().indicators(request, sort, descending))


@api.route("/reports/<report_id>")
def report(report_id: str):
    return jsonify(engine().report(report_id))


@api.route("/paragraphs/<paragraph_id>/copy")
def side_by_side(paragraph_id: str):
    return jsonify(engine().side_by_side(paragraph_id[:40], text_param("other", 40)))


@api.route("/paragraphs/<paragraph_id>/similar")
def similar(paragraph_id: str):
    return jsonify(engine().similar(paragraph_id, integer_param("limit", 10, 1, 50)))


@api.route("/stats")
def stats():
    data = engine().stats()
    data.pop("index_dir", None)
    data.pop("corpus", None)
    return jsonify(data)


@api.route("/openapi.json")
def openapi():
    return jsonify(openapi_document())
