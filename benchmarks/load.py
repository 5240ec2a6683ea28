"""Throughput and latency of a ``reportsearch serve`` process under 1, 4 and 8 concurrent clients.

The server runs in its own process on 127.0.0.1 over a synthetic index; each client is a thread with
its own keep-alive connection cycling through the benchmark query set (``/api/search``), for a fixed
time per level. Printed: requests per second, p50 and p99 latency per level, and each level's
throughput as a multiple of the one-client rate.

    python -m benchmarks load --paragraphs 100000 --seconds 15
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from .generate import generate
from .run import percentile

QUERIES = Path(__file__).with_name("queries.json")


def _queries() -> list[str]:
    specs = json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]
    paths = []
    for spec in specs:
        if spec["kind"] == "similar":
            continue
        args = [("q", spec["q"])] + [(k, v) for k, values in spec.get("filters", {}).items() for v in values]
        paths.append("/api/search?" + urlencode(args))
    return paths


def prepare_index(out: Path, paragraphs: int, seed: int) -> Path:
    """A synthetic index of about ``paragraphs`` paragraphs (built once, then reused while this version can read
    it; one written by another version is rebuilt)."""
    from search.index.writer import index_exists, index_is_usable, update_index

    corpus = out / f"corpus-{paragraphs}-{seed}"
    index_dir = out / f"index-{paragraphs}-{seed}"
    if not corpus.is_dir():
        generate(corpus, paragraphs, seed)
    if not (index_dir / "indexinfo.json").exists() or not index_is_usable(index_dir):
        update_index(corpus, index_dir, rebuild=index_exists(index_dir))
    return index_dir


def _client(port: int, paths: list[str], offset: int, until: float, latencies: list[float], errors: list[str]):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    number = offset
    while time.perf_counter() < until:
        path = paths[number % len(paths)]
        number += 1
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        except (OSError, http.client.HTTPException) as exc:
            errors.append(f"{exc.__class__.__name__} {path}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append(time.perf_counter() - started)
    connection.close()


def measure(port: int, clients: int, seconds: float, paths: list[str]) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    until = time.perf_counter() + seconds
    threads = [
        threading.Thread(target=_client, args=(port, paths, i * 7, until, latencies, errors)) for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "qps": len(latencies) / elapsed,
        "p50_ms": percentile(latencies, 0.5) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "error_samples": errors[:5],
    }


def run(
    index_dir: Path, levels: list[int], seconds: float, port: int = 8799, serve_args: list[str] | None = None
) -> list[dict]:
    from .run import _wait_for

    log = open(index_dir.parent / "load-server.log", "w", encoding="utf-8")  # noqa: SIM115 - open for the server's life
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "search.cli",
            "serve",
            "--index",
            str(index_dir),
            "--port",
            str(port),
            *(serve_args or []),
        ],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/healthz")
        paths = _queries()
        measure(port, 2, 3, paths)  # warm up: first queries load segments and dictionaries
        rows = [measure(port, clients, seconds, paths) for clients in levels]
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
    base = rows[0]["qps"] or 1.0
    print(f"{'客户端':>6} {'请求':>8} {'错误':>6} {'每秒':>8} {'p50 ms':>8} {'p99 ms':>8} {'倍数':>6}")
    for row in rows:
        for sample in row["error_samples"]:
            print(f"  错误（{row['clients']} 个客户端）：{sample}")
        row["speedup"] = row["qps"] / base
        print(
            f"{row['clients']:>6} {row['requests']:>8} {row['errors']:>6} {row['qps']:>8.1f} "
            f"{row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['speedup']:>6.2f}"
        )
    return rows
