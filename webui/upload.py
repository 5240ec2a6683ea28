"""A draft report uploaded for 草稿体检: checked for size, origin and type, kept in a temporary folder only while
it is read, and never indexed."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from flask import request

from search.engine import DraftError

from .params import engine

DRAFT_MAX_MB = 20
DRAFT_MAX_BYTES = DRAFT_MAX_MB * 1024 * 1024
TOO_LARGE = f"文件太大：最多 {DRAFT_MAX_MB} MB"


class UploadError(Exception):
    """Why an upload was refused: ``status`` (400, 403, 413, 415) and the message, in Chinese."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def review_upload() -> tuple[str, dict]:
    """(the uploaded file's name, its review)."""
    if not _same_origin():
        raise UploadError("只接受本站页面提交的文件", 403)
    request.max_content_length = DRAFT_MAX_BYTES  # a body without a length is cut here (413, see pages.py)
    if (request.content_length or 0) > DRAFT_MAX_BYTES:
        raise UploadError(TOO_LARGE, 413)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise UploadError("请选择要检查的报告文件（字段 file）", 400)
    name = Path(upload.filename.replace("\\", "/")).name[:200]
    with tempfile.TemporaryDirectory(prefix="reportsearch-draft-") as folder:
        path = Path(folder) / ("draft" + Path(name).suffix.lower()[:10])
        upload.save(path)
        try:
            return name, engine().check_draft(path)
        except DraftError as exc:
            raise UploadError(str(exc).replace(path.name, name), exc.status) from None


def _same_origin() -> bool:
    """A cross-site form must not make the server read files for it: the browser's Origin (or Sec-Fetch-Site)
    must name this site when it is sent; tools that send neither are let through."""
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in ("same-origin", "none"):
        return False
    origin = request.headers.get("Origin")
    if not origin or origin == "null":
        return origin is None
    return urlsplit(origin).netloc == request.host
