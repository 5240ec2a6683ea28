"""The county and province tables at scale: 报告体检 and 指标表 pages and their APIs over HTTP, first request after
the server starts (time and size), the full check CSV streamed (rows a second, the server's peak memory before
and after), and common-word searches — beside SQLite answering the same check page (a GROUP BY over a paragraph
table holding each paragraph's report, place, year, part and length) in the same run."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

from search.engine import Engine
from search.index.facts import REQUIRED_PARTS

from .load import prepare_index
from .run import _peak_rss, _wait_for

PAGES = ("/check", "/api/check", "/indicators", "/api/indicators", "/facets/township?q=法治")
COMMON = ("的", "法", "工作", "法治 工作 推进 加强 开展 落实", "乡镇如何发挥法律顾问在重大决策中的作用")


def tables(out: Path, paragraphs: int, seed: int, log=print) -> dict:
    index_dir = prepare_index(out, paragraphs, seed)
    started = time.perf_counter()
    engine = Engine(index_dir)
    engine.prepare()
    log(f"索引 {index_dir}：准备（相同段落分组、每段的事实）{time.perf_counter() - started:.1f} 秒")
    peer = _peer_database(engine, out / f"tables-peer-{paragraphs}-{seed}.sqlite")
    engine.close()
    results = {"paragraphs": paragraphs, "pages": {}, "searches": {}}
    with _server(index_dir) as base:
        for path in PAGES:
            seconds, size = _fetch(base + _quote(path))
            results["pages"][path] = {"seconds": seconds, "bytes": size}
            log(f"  {path:32} 首次 {seconds * 1000:7.0f} ms  {size / 1e6:6.2f} MB")
        peak_before = _peak_rss(base.pid)
        started = time.perf_counter()
        rows = _stream_rows(base + "/check.csv")
        seconds = time.perf_counter() - started
        peak_after = _peak_rss(base.pid)
        results["csv"] = {"rows": rows, "seconds": seconds, "peak_before": peak_before, "peak_after": peak_after}
        log(
            f"  /check.csv 全表 {rows} 行 {seconds:.1f} 秒（{rows / seconds:,.0f} 行/秒）；服务进程峰值内存 "
            f"{peak_before / 1e6:.0f} → {peak_after / 1e6:.0f} MB"
        )
        draft = _draft_file(index_dir)
        times = sorted(_post_draft(base + "/api/check/draft", draft) for _ in range(3))
        results["draft"] = {"file": draft.name, "paragraphs": _paragraphs(draft), "seconds": times[1]}
        log(f"  草稿体检 {draft.name}（{_paragraphs(draft)} 段）中位数 {times[1]:.2f} 秒")
        for q in COMMON:
            times = sorted(_fetch(base + "/api/search?" + urllib.parse.urlencode({"q": q}))[0] for _ in range(3))
            results["searches"][q] = times[1]
            log(f"  检索 {q:24} 中位数 {times[1] * 1000:6.0f} ms")
    peer_seconds = _peer_check_page(peer)
    ours = results["pages"]["/api/check"]["seconds"]
    results["peer_check_seconds"] = peer_seconds
    log(
        f"  SQLite 同一页体检（GROUP BY 全部段落）{peer_seconds * 1000:.0f} ms；我们 /api/check 为其 {ours / peer_seconds:.2f} 倍"
    )
    return results


class _server:
    """A served index on a free port (``serve`` prepares the engine before it answers)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir

    def __enter__(self) -> _Base:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [sys.executable, "-m", "search.cli", "serve", "--index", str(self.index_dir), "--port", str(port)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = _Base(f"http://127.0.0.1:{port}")
        base.pid = self.process.pid
        _wait_for(base + "/healthz")
        return base

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


class _Base(str):
    pid: int


def _quote(path: str) -> str:
    return urllib.parse.quote(path, safe="/?=&")


def _fetch(url: str) -> tuple[float, int]:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=600) as response:
        size = len(response.read())
    return time.perf_counter() - started, size


def _stream_rows(url: str) -> int:
    rows = 0
    with urllib.request.urlopen(url, timeout=3600) as response:
        while chunk := response.read(1 << 16):
            rows += chunk.count(b"\n")
    return rows - 1


def _draft_file(index_dir: Path) -> Path:
    """A report of the corpus with about 40 paragraphs, sent as a draft (it is in the index: every paragraph
    has a near copy, the costliest case)."""
    corpus = index_dir.parent / index_dir.name.replace("index-", "corpus-")
    files = sorted(corpus.glob("*.txt"))
    return max(files[:200], key=lambda path: -abs(_paragraphs(path) - 40))


def _paragraphs(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if len(line.strip()) > 20)


def _post_draft(url: str, path: Path) -> float:
    boundary = "reportsearch-benchmark"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: text/plain\r\n\r\n"
        ).encode()
        + path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        response.read()
    return time.perf_counter() - started


def _peer_database(engine: Engine, database: Path) -> sqlite3.Connection:
    """Every live paragraph as a row (report, county, township, year, part, characters)."""
    database.unlink(missing_ok=True)
    connection = sqlite3.connect(str(database))
    connection.execute(
        "CREATE TABLE para(report INTEGER, county TEXT, township TEXT, year INTEGER, part TEXT, chars INTEGER)"
    )
    with engine.using() as state:
        facets = state.facets
        docs = np.flatnonzero(facets.paragraph)
        lengths = np.zeros(len(facets.paragraph), dtype=np.int64)
        for segment, offset in state.evaluator.segments:
            lengths[offset : offset + segment.count] = segment.text_lengths

        def value(name: str, doc: int) -> str:
            code = int(facets.codes[name][doc])
            return facets.values[name][code] if code >= 0 else ""

        connection.executemany(
            "INSERT INTO para VALUES (?, ?, ?, ?, ?, ?)",
            (
                (
                    int(facets.codes["report_id"][d]),
                    value("county", d),
                    value("township", d),
                    int(facets.years[d]),
                    value("part", d),
                    int(lengths[d]),
                )
                for d in docs.tolist()
            ),
        )
    connection.commit()
    return connection


def _peer_check_page(connection: sqlite3.Connection) -> float:
    """The first page of the check (reports missing most parts first) and its counts, as SQL would give them."""
    missing = " + ".join(f"(sum(part = '{part}') = 0)" for part in REQUIRED_PARTS)
    per_report = f"SELECT report, county, township, year, count(*) AS n, {missing} AS missing FROM para GROUP BY report"
    started = time.perf_counter()
    connection.execute(f"{per_report} ORDER BY missing DESC, county, township, year DESC LIMIT 50").fetchall()
    connection.execute(f"SELECT count(*), sum(missing > 0) FROM ({per_report})").fetchall()
    return time.perf_counter() - started
