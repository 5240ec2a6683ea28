"""Read a single-file web archive (.mht, .mhtml: what a browser's 'save as single file' and Word's 'single file
web page' write): a MIME message whose text/html part is the page, read as a saved web page is."""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path

from search.ingest.model import RawText, ReportError
from search.ingest.read_html import read_html

DECLARED_CHARSET = re.compile(rb"<meta[^>]+charset", re.I)
MULTIPART = re.compile(rb"content-type:\s*multipart/", re.I)
MAX_MULTIPARTS = 100  # a saved page has one, a page with frames a few
MIME_TO_PYTHON = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030"}


def read_mhtml(data: bytes, path: Path) -> RawText:
    """The archived page's text; the charset its MIME part names where the page declares none (IE's .mht)."""
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return read_html(data, path)  # a page saved under the archive's name
    if b"content-type" not in data[:4096].lower():
        raise ReportError(path, "不是网页归档文件（.mht/.mhtml 应以 MIME 邮件头开头）")
    if len(MULTIPART.findall(data)) > MAX_MULTIPARTS:
        raise ReportError(path, f"网页归档嵌套过深（超过 {MAX_MULTIPARTS} 层），不像正常的网页归档")
    try:
        message = email.message_from_bytes(data, policy=policy.compat32)
    except RecursionError as exc:
        raise ReportError(path, "网页归档嵌套过深，无法读取") from exc
    page = next((part for part in message.walk() if part.get_content_type() == "text/html"), None)
    if page is None:
        raise ReportError(path, "网页归档中没有网页正文（text/html 部分）")
    html = page.get_payload(decode=True) or b""
    charset = (page.get_content_charset() or "").lower()
    if charset and not DECLARED_CHARSET.search(html[:4096]):
        try:
            html = html.decode(MIME_TO_PYTHON.get(charset, charset)).encode("utf-8")
            html = b'<meta charset="utf-8">' + html
        except (LookupError, UnicodeDecodeError):
            pass  # the page's own bytes, whose encoding the HTML reader detects
    raw = read_html(html, path)
    raw.format = "mhtml"
    return raw
