"""The browser UI and JSON API over a reportsearch index (pages and API only; search logic is in search/)."""

from __future__ import annotations

from pathlib import Path

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def create_app(index_dir: Path | str, testing: bool = False):
    """Build the app for one index directory (which must already hold an index)."""
    from flask import Flask

    from search.engine import Engine

    from .api import api
    from .insight_pages import insights
    from .pages import pages

    app = Flask(__name__)
    app.config.update(TESTING=testing, JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=64 * 1024)
    app.json.ensure_ascii = False
    app.extensions["engine"] = Engine(Path(index_dir))
    app.register_blueprint(pages)
    app.register_blueprint(insights)
    app.register_blueprint(api, url_prefix="/api")

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    return app
