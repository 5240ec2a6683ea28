"""Hostile and odd input never gives a 500 or a traceback, and says what was wrong."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from search.index.analyze import index_words
from search.ingest.text import decode_text
from search.query import NotFoundError, SearchRequest
from search.query.parse import QueryError, parse_query
from webui import create_app

TOO_LONG_ID = "ffffffffffffffffffff-0001"


@pytest.fixture(scope="module")
def client(sample_index):
    app = create_app(sample_index, testing=True)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.test_client() as client:
        yield client


def test_a_paragraph_id_past_64_bits_is_not_found_not_a_crash(engine, client):
    with pytest.raises(NotFoundError):
        engine.similar(TOO_LONG_ID)
    assert client.get(f"/paragraphs/{TOO_LONG_ID}/similar").status_code == 404
    assert client.get(f"/api/paragraphs/{TOO_LONG_ID}/similar").status_code == 404
    assert client.get(f"/reports/x?p={TOO_LONG_ID}").status_code == 404


def test_deeply_nested_parentheses_are_refused_with_a_message(client):
    q = "(" * 330 + "法律"
    with pytest.raises(QueryError, match="嵌套"):
        parse_query(q)
    for url in ("/", "/api/search", "/compare", "/api/compare", "/export.csv"):
        response = client.get(url, query_string={"q": q})
        assert response.status_code == 400, url
    assert "嵌套" in client.get("/api/search", query_string={"q": q}).get_json()["error"]


@pytest.mark.parametrize("q", ["😀😀", "\x00", "𠀀𠀁", "☆ ★"])
def test_a_query_with_nothing_searchable_matches_nothing_and_says_so(engine, client, q):
    with pytest.raises(QueryError, match="没有可检索的文字"):
        engine.search(SearchRequest(q=q))
    response = client.get("/api/search", query_string={"q": q})
    assert response.status_code == 400 and "没有可检索的文字" in response.get_json()["error"]
    assert "没有可检索的文字" in client.get("/", query_string={"q": q}).get_data(as_text=True)


def test_a_searchable_word_beside_an_emoji_is_still_searched(engine):
    assert engine.search(SearchRequest(q="法律顾问 😀"))["total"] == engine.search(SearchRequest(q="法律顾问"))["total"]


def test_every_api_error_is_json(client):
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.is_json and "error" in missing.get_json()
    wrong = client.post("/api/search")
    assert wrong.status_code == 405 and wrong.is_json
    assert client.get("/nothing-here").content_type.startswith("text/html")


def test_an_api_500_is_json(sample_index):
    app = create_app(sample_index, testing=True)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    app.extensions["engine"].stats = broken
    response = app.test_client().get("/api/stats")
    assert response.status_code == 500 and response.is_json and "boom" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "q,status", [('"(法律 zzzq"', 200), ('"(法律" zzzq', 200), ('(法律 zzzq "x"', 400), ("法律 (", 400)]
)
def test_the_page_accepts_every_query_its_api_accepts(client, q, status):
    api = client.get("/api/search", query_string={"q": q})
    page = client.get("/", query_string={"q": q})
    assert (api.status_code, page.status_code) == (status, status)
    if status == 400:
        assert "括号" in api.get_json()["error"] and "括号" in page.get_data(as_text=True)
    else:
        assert api.get_json()["total"] == 0 and "没有找到" in page.get_data(as_text=True)


def test_utf16_without_a_byte_order_mark_is_read(tmp_path):
    text = "北屏乡2020年法治政府建设工作报告\n聘请律师担任法律顾问。\n"
    for encoding in ("utf-16-le", "utf-16-be"):
        decoded, _ = decode_text(text.encode(encoding), tmp_path / "r.txt")
        assert decoded == text


def test_nul_bytes_inside_utf8_text_are_not_indexed(tmp_path):
    from search.ingest.pipeline import process_file

    path = tmp_path / "北屏乡.txt"
    path.write_bytes("北屏乡2020年法治政府建设工作报告\n聘请律师\x00担任法律顾问，参与重大决策。\n".encode())
    report = process_file(path)
    assert all("\x00" not in p.text for p in report.paragraphs)
    assert any("聘请律师担任法律顾问" in p.text for p in report.paragraphs)


def test_a_20000_character_latin_run_is_analyzed_in_linear_time():
    run = "abc123" * 3400
    started = time.perf_counter()
    words = index_words(f"法律顾问{run}人民调解")
    assert "法律顾问" in words and time.perf_counter() - started < 5


def _cli(*args: bytes) -> subprocess.CompletedProcess:
    code = "import sys; from search.cli import main; sys.exit(main())"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, timeout=60)


def test_a_gbk_query_from_the_command_line_is_searched(sample_index):
    result = _cli(b"search", "法律顾问".encode("gbk"), b"--index", str(sample_index).encode(), b"--json")
    assert result.returncode == 0 and b"Traceback" not in result.stderr
    assert '"query": "法律顾问"' in result.stdout.decode("utf-8")


def test_bytes_that_are_no_text_give_a_message_not_a_traceback(sample_index):
    result = _cli(b"search", b"\xff\xfe\xfa", b"--index", str(sample_index).encode())
    assert result.returncode == 2 and b"Traceback" not in result.stderr
    assert "编码" in result.stderr.decode("utf-8")


def test_output_into_a_closed_pipe_ends_quietly(sample_index):
    code = "import sys; from search.cli import main; sys.exit(main())"
    command = [sys.executable, "-c", code, "search", "法律", "--index", str(sample_index), "--limit", "100"]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    producer.stdout.read(10)
    producer.stdout.close()
    _, stderr = producer.communicate(timeout=60)
    assert b"Traceback" not in stderr and b"BrokenPipe" not in stderr


def test_a_few_bytes_of_anything_do_not_replace_an_indexed_report(tmp_path):
    """\\x00\\x01\\x02garbage written over an indexed report: its byte pairs decode as UTF-16 "Chinese" (ASCII pairs
    fall in the CJK range), so it was read as a one-paragraph report and replaced the indexed version."""
    from search.index.writer import update_index

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    report = corpus / "北屏乡.txt"
    report.write_text("北屏乡2020年法治政府建设工作报告\n一、主要工作\n聘请律师担任法律顾问，参与重大决策。\n", "utf-8")
    assert not update_index(corpus, tmp_path / "index", jobs=1).failed
    report.write_bytes(b"\x00\x01\x02garbage")
    summary = update_index(corpus, tmp_path / "index", jobs=1)
    assert summary.failed and not summary.updated
    from search.engine import Engine
    from search.query import SearchRequest

    engine = Engine(tmp_path / "index")
    try:
        assert engine.search(SearchRequest(q="法律顾问"))["total"] == 1
    finally:
        engine.close()
