"""One benchmark run: index from scratch, reindex one change, search p50/p95 against SQLite FTS5,
peak memory of a serving process, index size. Prints a table and writes JSON."""

from __future__ import annotations

import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from search.index import update_index
from search.query import normalize_filter_value
from search.searcher import Engine, SearchRequest

from . import peer
from .generate import generate

HERE = Path(__file__).resolve().parent
QUERIES = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))["queries"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def run(
    paragraphs: int, out: Path, seed: int = 7, repeat: int = 5, jobs: int | None = None, serve: bool = True, log=print
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / f"corpus-{paragraphs}-{seed}"
    if not (corpus / "SYNTHETIC.md").exists():
        log(f"生成合成语料：约 {paragraphs} 个段落 → {corpus}")
        shutil.rmtree(corpus, ignore_errors=True)
        generate(corpus, paragraphs, seed)
    index_dir = out / f"index-{paragraphs}-{seed}"
    shutil.rmtree(index_dir, ignore_errors=True)
    results: dict = {
        "paragraphs_requested": paragraphs,
        "seed": seed,
        "machine": machine(),
        "command": " ".join(sys.argv),
    }

    log("全量建立索引……")
    summary = update_index(corpus, index_dir, rebuild=True, jobs=jobs)
    results["index"] = {
        "paragraphs": summary.paragraphs,
        "reports": summary.added,
        "seconds": summary.seconds,
        "paragraphs_per_second": summary.paragraphs / summary.seconds,
        "failed": len(summary.failed),
    }
    log(f"  {summary.paragraphs} 段落 / {summary.seconds:.1f} 秒 = {summary.paragraphs / summary.seconds:.0f} 段/秒")

    engine = Engine(index_dir)
    results["reindex_one"] = _reindex_one(corpus, index_dir, engine, jobs)
    log(f"  改动一份报告后重建并可检索：{results['reindex_one']['visible_seconds']:.2f} 秒")
    started = time.perf_counter()
    engine.prepare()  # the near-duplicate clusters of the new state, found in the background after a reindex
    results["clusters_seconds"] = time.perf_counter() - started
    log(f"  相同段落分组（检索不等它，后台完成）：{results['clusters_seconds']:.1f} 秒")

    documents = _documents(index_dir)
    database = out / f"fts5-{paragraphs}-{seed}.sqlite"
    log("建立 SQLite FTS5 对照索引……")
    results["fts5_build_seconds"] = peer.build(database, documents)
    fts = peer.Peer(database)

    similar_ids = _similar_sources(engine)
    rows = []
    for number, spec in enumerate(QUERIES):
        ours = _time(lambda spec=spec, number=number: _ours(engine, spec, similar_ids.get(number)), repeat)
        theirs = None if spec["kind"] == "similar" else _time(lambda spec=spec: _theirs(fts, spec), repeat)
        rows.append(
            {
                "kind": spec["kind"],
                "q": spec["q"],
                "filters": spec.get("filters", {}),
                "ours_ms": ours * 1000,
                "fts5_ms": None if theirs is None else theirs * 1000,
                "ratio": None if not theirs else ours / theirs,
                "total": engine.search(_request(spec)).get("total") if spec["kind"] != "similar" else None,
            }
        )
    fts.close()
    engine.close()
    ours_all = [row["ours_ms"] for row in rows]
    compared = [row for row in rows if row["fts5_ms"] is not None]
    results["queries"] = rows
    results["search"] = {
        "ours_p50_ms": percentile(ours_all, 0.5),
        "ours_p95_ms": percentile(ours_all, 0.95),
        "fts5_p50_ms": percentile([r["fts5_ms"] for r in compared], 0.5),
        "fts5_p95_ms": percentile([r["fts5_ms"] for r in compared], 0.95),
        "compared_ours_p95_ms": percentile([r["ours_ms"] for r in compared], 0.95),
    }
    results["search"]["p95_ratio"] = results["search"]["compared_ours_p95_ms"] / results["search"]["fts5_p95_ms"]
    results["search"]["p50_ratio"] = (
        percentile([r["ours_ms"] for r in compared], 0.5) / results["search"]["fts5_p50_ms"]
    )
    results["index_bytes"] = sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file())
    results["fts5_bytes"] = database.stat().st_size
    if serve:
        results["server"] = _serve_and_measure(index_dir, similar_ids, log)
    (out / f"results-{paragraphs}-{seed}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    report(results, log)
    return results


def _request(spec: dict, page_limit: int = 10) -> SearchRequest:
    return SearchRequest(q=spec["q"], filters=spec.get("filters", {}), limit=page_limit, group_by=spec.get("group_by"))


def _ours(engine: Engine, spec: dict, similar_id: str | None):
    if spec["kind"] == "similar":
        return engine.similar(similar_id, limit=10)
    return engine.search(_request(spec))


def _theirs(fts: peer.Peer, spec: dict):
    filters = {
        name: [normalize_filter_value(name, v) for v in values] for name, values in spec.get("filters", {}).items()
    }
    return fts.search(spec["q"], filters, spec.get("group_by"))


def _time(action, repeat: int) -> float:
    action()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def _similar_sources(engine: Engine) -> dict[int, str]:
    sources = {}
    for number, spec in enumerate(QUERIES):
        if spec["kind"] == "similar":
            sources[number] = engine.search(SearchRequest(q=spec["q"], limit=1))["hits"][0]["id"]
    return sources


def _documents(index_dir: Path):
    """The paragraphs as stored in our index, so the peer indexes exactly the same text."""
    from search.index import open_index

    with open_index(index_dir).searcher() as searcher:
        stored = list(searcher.all_stored_fields())
    for fields in stored:
        if fields.get("kind") == "report":
            continue
        yield {
            "id": fields["id"],
            "text": fields["text"],
            "township": fields.get("township", ""),
            "county": fields.get("county", ""),
            "province": fields.get("province", ""),
            "year": fields.get("year"),
            "part": fields.get("part", ""),
            "topics": [t for t in fields.get("topic", "").split(",") if t],
        }


def _reindex_one(corpus: Path, index_dir: Path, engine: Engine, jobs: int | None) -> dict:
    victim = sorted(corpus.glob("synthetic-*.txt"))[len(list(corpus.glob("synthetic-*.txt"))) // 2]
    original = victim.read_text(encoding="utf-8")
    marker = "基准测试改动标记词甲乙丙"
    try:
        victim.write_text(original.replace("。", f"。{marker}。", 1), encoding="utf-8")
        started = time.perf_counter()
        summary = update_index(corpus, index_dir, jobs=jobs)
        indexed = time.perf_counter() - started
        found = engine.search(SearchRequest(q=marker))["total"]
        visible = time.perf_counter() - started
    finally:
        victim.write_text(original, encoding="utf-8")
        update_index(corpus, index_dir, jobs=jobs)
    return {"updated": summary.updated, "index_seconds": indexed, "visible_seconds": visible, "found": found}


def _serve_and_measure(index_dir: Path, similar_ids: dict[int, str], log) -> dict:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "search.cli", "serve", "--index", str(index_dir), "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz")
        started = time.perf_counter()
        for _ in range(3):
            for number, spec in enumerate(QUERIES):
                if spec["kind"] == "similar":
                    _get(f"{base}/api/paragraphs/{similar_ids[number]}/similar")
                    continue
                args = [("q", spec["q"])] + [(k, v) for k, vs in spec.get("filters", {}).items() for v in vs]
                path = "/api/compare" if spec["kind"] == "grouped" else "/api/search"
                _get(base + path + "?" + urllib.parse.urlencode(args))
                _get(base + "/?" + urllib.parse.urlencode(args))
        seconds = time.perf_counter() - started
        peak = _peak_rss(process.pid)
        workers, shared_total = _proportional_total(process.pid)
        log(f"  服务进程峰值内存 {peak / 1e6:.0f} MB；{workers} 个服务进程共占 {shared_total / 1e6:.0f} MB（PSS）")
        return {
            "peak_rss_bytes": peak,
            "workers": workers,
            "total_pss_bytes": shared_total,
            "requests": 3 * (2 * len(QUERIES)),
            "seconds": seconds,
        }
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(url: str, timeout: float = 600) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def _proportional_total(pid: int) -> tuple[int, int]:
    """(serving processes, their memory together): proportional set sizes, so pages the forked workers
    share (the index arrays) count once."""
    import psutil

    processes = [psutil.Process(pid), *psutil.Process(pid).children()]
    try:
        return len(processes), sum(p.memory_full_info().pss for p in processes)
    except (AttributeError, psutil.Error):
        return len(processes), sum(p.memory_info().rss for p in processes)


def _peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    import psutil

    return psutil.Process(pid).memory_info().rss


def report(results: dict, log=print) -> None:
    index = results["index"]
    search = results["search"]
    log("")
    log(f"机器：{results['machine']}")
    log(f"段落 {index['paragraphs']}，报告 {index['reports']}")
    log(f"全量索引     {index['paragraphs_per_second']:8.0f} 段/秒   （{index['seconds']:.1f} 秒）")
    log(f"改动一份报告 {results['reindex_one']['visible_seconds']:8.2f} 秒到可检索")
    if "clusters_seconds" in results:
        log(f"相同段落分组 {results['clusters_seconds']:8.1f} 秒（后台，检索不等）")
    log(f"{'查询':<28}{'我们 ms':>10}{'FTS5 ms':>10}{'倍数':>8}{'命中':>9}")
    for row in results["queries"]:
        fts = f"{row['fts5_ms']:10.1f}" if row["fts5_ms"] is not None else f"{'-':>10}"
        ratio = f"{row['ratio']:8.2f}" if row["ratio"] is not None else f"{'-':>8}"
        label = (row["kind"] + " " + row["q"] + (" +筛选" if row["filters"] else ""))[:26]
        total = row["total"] if row["total"] is not None else "-"
        log(f"{label:<28}{row['ours_ms']:10.1f}{fts}{ratio}{total:>9}")
    log(
        f"检索 p50 {search['ours_p50_ms']:.1f} ms，p95 {search['ours_p95_ms']:.1f} ms；"
        f"FTS5 p50 {search['fts5_p50_ms']:.1f} ms，p95 {search['fts5_p95_ms']:.1f} ms；"
        f"p50 倍数 {search['p50_ratio']:.2f}，p95 倍数 {search['p95_ratio']:.2f}"
    )
    log(f"索引大小 {results['index_bytes'] / 1e6:.1f} MB（FTS5 {results['fts5_bytes'] / 1e6:.1f} MB）")
    if "server" in results:
        log(f"服务进程峰值内存 {results['server']['peak_rss_bytes'] / 1e6:.0f} MB")
