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

from search.engine import Engine
from search.index.writer import update_index
from search.query import SearchRequest
from search.query.parse import normalize_filter_value

from . import peer
from .generate import generate

HERE = Path(__file__).resolve().parent
PEERS = ("fts5", "tantivy")
PEER_LABELS = {"fts5": "SQLite FTS5", "tantivy": "tantivy"}
QUERIES = json.loads((HERE / "queries.json").read_text(encoding="utf-8"))["queries"]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def run(
    paragraphs: int,
    out: Path,
    seed: int = 7,
    repeat: int = 5,
    jobs: int | None = None,
    serve: bool = True,
    peers: tuple[str, ...] | None = None,
    reuse: bool = False,
    reuse_peers: bool = False,
    log=print,
) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / f"corpus-{paragraphs}-{seed}"
    if not (corpus / "SYNTHETIC.md").exists():
        log(f"生成合成语料：约 {paragraphs} 个段落 → {corpus}")
        shutil.rmtree(corpus, ignore_errors=True)
        generate(corpus, paragraphs, seed)
    index_dir = out / f"index-{paragraphs}-{seed}"
    saved = out / f"results-{paragraphs}-{seed}.json"
    results: dict = {
        "paragraphs_requested": paragraphs,
        "seed": seed,
        "machine": machine(),
        "command": " ".join(sys.argv),
    }
    previous = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    if reuse or reuse_peers:
        results.update(
            {f"{n}_build_seconds": previous[f"{n}_build_seconds"] for n in PEERS if f"{n}_build_seconds" in previous}
        )
    if reuse and previous and index_dir.is_dir():
        results.update({key: previous[key] for key in ("index",) if key in previous})
        log(f"沿用已有索引 {index_dir} 及其建索引数字（--reuse）")
        engine = Engine(index_dir)
        engine.prepare()
        results["reindex_one"] = _reindex_one(corpus, index_dir, engine, jobs)
        _log_reindex_one(results["reindex_one"], log)
    else:
        engine = _index_and_reindex(corpus, index_dir, jobs, results, log)
    started = time.perf_counter()
    engine.prepare()  # the near-duplicate clusters of the new state, found in the background after a reindex
    results["clusters_seconds"] = time.perf_counter() - started
    log(f"  相同段落分组（检索不等它，后台完成）：{results['clusters_seconds']:.1f} 秒")

    peers = _build_peers(
        PEERS if peers is None else peers, index_dir, out, paragraphs, seed, results, log, reuse or reuse_peers
    )
    similar_ids = _similar_sources(engine)
    rows = []
    for number, spec in enumerate(QUERIES):
        ours, answer, first = _time(
            lambda spec=spec, number=number: _ours(engine, spec, similar_ids.get(number)), repeat
        )
        exact, _, _ = _time(
            lambda spec=spec, number=number: _ours(engine, spec, similar_ids.get(number), "exact"), repeat
        )
        row = {
            "kind": spec["kind"],
            "q": spec["q"],
            "filters": spec.get("filters", {}),
            "ours_ms": ours * 1000,
            "ours_first_ms": first * 1000,
            "ours_exact_ms": exact * 1000,
            "total": answer.get("total") if spec["kind"] != "similar" else None,
        }
        for name, searcher in peers.items():
            theirs, their_answer, _ = (
                (None, None, None)
                if spec["kind"] == "similar"
                else _time(lambda spec=spec, s=searcher: _theirs(s, spec), repeat)
            )
            row[f"{name}_ms"] = None if theirs is None else theirs * 1000
            row[f"{name}_ratio"] = None if not theirs else ours / theirs
            row[f"{name}_exact_ratio"] = None if not theirs else exact / theirs
            row[f"{name}_total"] = None if their_answer is None else their_answer["total"]
        rows.append(row)
    for searcher in peers.values():
        searcher.close()
    engine.close()
    results["queries"] = rows
    results["search"] = _percentiles(rows, list(peers))
    results["index_bytes"] = _bytes(index_dir)
    results["corpus_bytes"] = _bytes(corpus)
    if serve:
        results["server"] = _serve_and_measure(index_dir, similar_ids, log)
    saved.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    report(results, log)
    return results


def _index_and_reindex(corpus: Path, index_dir: Path, jobs: int | None, results: dict, log) -> Engine:
    shutil.rmtree(index_dir, ignore_errors=True)
    log("全量建立索引……")
    summary, peak = _index_in_own_process(corpus, index_dir, jobs)
    results["index"] = {
        "paragraphs": summary["paragraphs"],
        "reports": summary["added"],
        "seconds": summary["seconds"],
        "paragraphs_per_second": summary["paragraphs"] / summary["seconds"],
        "failed": len(summary["failed"]),
        "peak_rss_bytes": peak,
        "clusters_seconds": summary.get("clusters_seconds"),
    }
    log(
        f"  {summary['paragraphs']} 段落 / {summary['seconds']:.1f} 秒 = "
        f"{results['index']['paragraphs_per_second']:.0f} 段/秒；索引进程峰值内存 {peak / 1e6:.0f} MB"
    )
    engine = Engine(index_dir)
    results["reindex_one"] = _reindex_one(corpus, index_dir, engine, jobs)
    _log_reindex_one(results["reindex_one"], log)
    return engine


def _log_reindex_one(reindex: dict, log) -> None:
    log(
        f"  改动一份报告后重建并可检索：{reindex['visible_seconds']:.2f} 秒"
        f"（指定这份文件：{reindex['named_visible_seconds']:.2f} 秒；"
        f"reportsearch watch 运行时：{reindex['watched_visible_seconds']:.2f} 秒）"
    )


def _index_in_own_process(corpus: Path, index_dir: Path, jobs: int | None) -> tuple[dict, int]:
    """``reportsearch index --rebuild`` as a user runs it; its summary and the peak RSS of its largest process."""
    command = [sys.executable, "-m", "search.cli", "index", "--corpus", str(corpus), "--index", str(index_dir)]
    command += ["--rebuild", "--json"] + (["--jobs", str(jobs)] if jobs else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"indexing {corpus} failed with exit code {process.returncode}")
    return json.loads(output), usage.ru_maxrss * 1024


def _build_peers(
    names: tuple[str, ...], index_dir: Path, out: Path, paragraphs: int, seed: int, results: dict, log, reuse: bool
) -> dict:
    """Each peer indexes exactly the paragraphs (and tokens) of our index; its build time and size go to results.
    With ``reuse`` a peer index an earlier run built is searched again (its build time kept from that run)."""
    built = {}
    for name in names:
        target = out / (f"fts5-{paragraphs}-{seed}.sqlite" if name == "fts5" else f"tantivy-{paragraphs}-{seed}")
        if reuse and target.exists() and f"{name}_build_seconds" in results:
            log(f"沿用已有 {PEER_LABELS[name]} 对照索引 {target}")
        else:
            log(f"建立 {PEER_LABELS[name]} 对照索引……")
            results[f"{name}_build_seconds"] = _peer_module(name).build(target, _documents(index_dir))
        built[name] = peer.Peer(target) if name == "fts5" else _peer_module(name).TantivyPeer(target)
        results[f"{name}_bytes"] = _bytes(target)
        log(f"  建立用时 {results[f'{name}_build_seconds']:.1f} 秒，{results[f'{name}_bytes'] / 1e6:.0f} MB")
    return built


def _peer_module(name: str):
    """The module of a peer; tantivy is imported only when it is asked for."""
    if name == "fts5":
        return peer
    from . import tantivy_peer

    return tantivy_peer


def _percentiles(rows: list[dict], peers: list[str]) -> dict:
    """p50/p95 of ours over every query; per peer, p50/p95 of both sides over the queries the peer answers."""
    figures = {}
    for mode in ("ours", "ours_exact", "ours_first"):
        values = [row[f"{mode}_ms"] for row in rows if f"{mode}_ms" in row]
        if not values:
            continue
        figures[f"{mode}_p50_ms"], figures[f"{mode}_p95_ms"] = percentile(values, 0.5), percentile(values, 0.95)
    for name in peers:
        compared = [row for row in rows if row[f"{name}_ms"] is not None]
        theirs = [row[f"{name}_ms"] for row in compared]
        figures[f"{name}_p50_ms"] = percentile(theirs, 0.5)
        figures[f"{name}_p95_ms"] = percentile(theirs, 0.95)
        for mode, suffix in (("ours", ""), ("ours_exact", "_exact")):
            ours = [row[f"{mode}_ms"] for row in compared]
            figures[f"{name}{suffix}_p50_ratio"] = percentile(ours, 0.5) / figures[f"{name}_p50_ms"]
            figures[f"{name}{suffix}_p95_ratio"] = percentile(ours, 0.95) / figures[f"{name}_p95_ms"]
    return figures


def _bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _request(spec: dict, page_limit: int = 10, mode: str = "expanded") -> SearchRequest:
    return SearchRequest(
        q=spec["q"], filters=spec.get("filters", {}), limit=page_limit, group_by=spec.get("group_by"), mode=mode
    )


def _ours(engine: Engine, spec: dict, similar_id: str | None, mode: str = "expanded"):
    if spec["kind"] == "similar":
        return engine.similar(similar_id, limit=10)
    return engine.search(_request(spec, mode=mode))


def _theirs(searcher, spec: dict):
    filters = {
        name: [normalize_filter_value(name, v) for v in values] for name, values in spec.get("filters", {}).items()
    }
    return searcher.search(spec["q"], filters, spec.get("group_by"))


def _time(action, repeat: int) -> tuple[float, object, float]:
    """(median seconds of ``repeat`` warm runs, the last run's answer, seconds of the first run: what a query
    costs before a state's memos of its hits' near copies and reports hold them)."""
    started = time.perf_counter()
    action()
    first = time.perf_counter() - started
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), answer, first


def _similar_sources(engine: Engine) -> dict[int, str]:
    sources = {}
    for number, spec in enumerate(QUERIES):
        if spec["kind"] == "similar":
            sources[number] = engine.search(SearchRequest(q=spec["q"], limit=1))["hits"][0]["id"]
    return sources


def _documents(index_dir: Path):
    """The paragraphs as stored in our index, so the peer indexes exactly the same text."""
    engine = Engine(index_dir)
    for fields in engine.paragraphs():
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
    """One report changed, then searchable: found by a run over the whole folder (``visible_seconds``), and
    named to the run (``named_visible_seconds``, as ``reportsearch index FILE``)."""
    found = {}
    for key, named in (("visible_seconds", False), ("named_visible_seconds", True)):
        found.update(_change_one_report(corpus, index_dir, engine, jobs, named, key))
    found["watched_visible_seconds"] = _watched_change(corpus, index_dir, engine)
    return found


def _watched_change(corpus: Path, index_dir: Path, engine: Engine) -> float:
    """One report changed while ``reportsearch watch`` runs (as a user leaves it running): the seconds from the
    write to the first search that finds it."""
    command = [sys.executable, "-m", "search.cli", "watch", "--corpus", str(corpus), "--index", str(index_dir)]
    watcher = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    victim = sorted(corpus.glob("synthetic-*.txt"))[-2]
    original = victim.read_text(encoding="utf-8")
    marker = "基准测试监视标记词丁戊己"
    try:
        for line in watcher.stderr:  # the first run over the whole folder, then the watch
            if "正在监视" in line:
                break
        else:
            raise RuntimeError(f"reportsearch watch 没有开始监视（退出码 {watcher.wait()}）")
        victim.write_text(original.replace("。", f"。{marker}。", 1), encoding="utf-8")
        started = time.perf_counter()
        _wait_until(lambda: engine.search(SearchRequest(q=marker))["total"] > 0)
        visible = time.perf_counter() - started
        victim.write_text(original, encoding="utf-8")
        _wait_until(lambda: engine.search(SearchRequest(q=marker))["total"] == 0)
    finally:
        victim.write_text(original, encoding="utf-8")
        watcher.terminate()  # as a service manager stops it; SIGINT is ignored where a script started this run
        try:
            watcher.wait(timeout=30)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait()
    return visible


def _change_one_report(corpus: Path, index_dir: Path, engine: Engine, jobs: int | None, named: bool, key: str) -> dict:
    reports = sorted(corpus.glob("synthetic-*.txt"))
    victim = reports[len(reports) // 2]
    original = victim.read_text(encoding="utf-8")
    marker = "基准测试改动标记词甲乙丙"
    files = [victim] if named else None
    try:
        victim.write_text(original.replace("。", f"。{marker}。", 1), encoding="utf-8")
        started = time.perf_counter()
        summary = update_index(corpus, index_dir, jobs=jobs, files=files)
        indexed = time.perf_counter() - started
        found = engine.search(SearchRequest(q=marker))["total"]
        visible = time.perf_counter() - started
    finally:
        victim.write_text(original, encoding="utf-8")
        update_index(corpus, index_dir, jobs=jobs, files=files)
    if named:
        return {key: visible, "named_found": found}
    return {"updated": summary.updated, "index_seconds": indexed, key: visible, "found": found}


def _wait_until(condition, seconds: float = 600) -> None:
    """Poll ``condition`` every 20 ms; RuntimeError after ``seconds`` (a watcher that never indexes the change)."""
    deadline = time.perf_counter() + seconds
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{seconds:g} 秒内没有等到改动可检索")
        time.sleep(0.02)


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
        kinds = _rss_kinds(process.pid)
        log(
            f"  服务进程峰值内存 {peak / 1e6:.0f} MB；{workers} 个服务进程共占 {shared_total / 1e6:.0f} MB（PSS）；"
            f"结束时其中私有 {kinds.get('RssAnon', 0) / 1e6:.0f} MB，映射的索引文件页 {kinds.get('RssFile', 0) / 1e6:.0f} MB"
        )
        return {
            "peak_rss_bytes": peak,
            "anonymous_bytes": kinds.get("RssAnon"),
            "file_pages_bytes": kinds.get("RssFile"),
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


def _rss_kinds(pid: int) -> dict[str, int]:
    """The process's resident memory now, by kind: private (RssAnon) and pages of mapped files (RssFile:
    the index arrays, shared with the other workers and the page cache, given back under pressure)."""
    return {name: size for name, size in _status_sizes(pid).items() if name in ("RssAnon", "RssFile", "RssShmem")}


def _peak_rss(pid: int) -> int:
    peak = _status_sizes(pid).get("VmHWM")
    if peak is not None:
        return peak
    import psutil

    return psutil.Process(pid).memory_info().rss


def _status_sizes(pid: int) -> dict[str, int]:
    """The sizes (in bytes) that /proc/<pid>/status lists in kB; empty where there is no /proc."""
    status = Path(f"/proc/{pid}/status")
    if not status.exists():
        return {}
    sizes = {}
    for line in status.read_text().splitlines():
        name, _, value = line.partition(":")
        if value.strip().endswith(" kB"):
            sizes[name] = int(value.split()[0]) * 1024
    return sizes


def report(results: dict, log=print) -> None:
    index = results["index"]
    search = results["search"]
    peers = [name for name in PEERS if f"{name}_p50_ms" in search]
    log("")
    log(f"机器：{results['machine']}")
    log(f"段落 {index['paragraphs']}，报告 {index['reports']}")
    peak = f"，峰值内存 {index['peak_rss_bytes'] / 1e6:.0f} MB" if "peak_rss_bytes" in index else ""
    log(f"全量索引     {index['paragraphs_per_second']:8.0f} 段/秒   （{index['seconds']:.1f} 秒{peak}）")
    if index.get("clusters_seconds") is not None:
        log(f"全量相同段落分组 {index['clusters_seconds']:6.1f} 秒（索引提交、可检索之后，由建索引进程完成）")
    reindex = results["reindex_one"]
    log(
        f"改动一份报告 {reindex['visible_seconds']:8.2f} 秒到可检索（指定文件 {reindex.get('named_visible_seconds', 0):.2f} 秒，"
        f"watch 运行时 {reindex.get('watched_visible_seconds', 0):.2f} 秒）"
    )
    if "clusters_seconds" in results:
        log(f"改动后分组   {results['clusters_seconds']:8.1f} 秒（从已存分组增量完成；后台，检索不等）")
    header = "".join(f"{PEER_LABELS[n] + ' ms':>14}{'倍数':>7}" for n in peers)
    log(f"{'查询':<28}{'我们 ms':>10}{'原词 ms':>10}{header}{'命中':>9}")
    for row in results["queries"]:
        cells = f"{row.get('ours_exact_ms', 0):10.1f}"
        for name in peers:
            ms, ratio = row[f"{name}_ms"], row[f"{name}_ratio"]
            cells += f"{ms:14.1f}{ratio:7.2f}" if ms is not None else f"{'-':>14}{'-':>7}"
        label = (row["kind"] + " " + row["q"] + (" +筛选" if row["filters"] else ""))[:26]
        total = row["total"] if row["total"] is not None else "-"
        log(f"{label:<28}{row['ours_ms']:10.1f}{cells}{total:>9}")
    log(f"检索 p50 {search['ours_p50_ms']:.1f} ms，p95 {search['ours_p95_ms']:.1f} ms（默认：同义扩展、相关词、折叠）")
    if "ours_first_p50_ms" in search:
        log(
            f"各查询第一次 p50 {search['ours_first_p50_ms']:.1f} ms，p95 {search['ours_first_p95_ms']:.1f} ms"
            "（命中段落的相同段落、报告信息尚未记下）"
        )
    if "ours_exact_p50_ms" in search:
        log(
            f"原词检索 p50 {search['ours_exact_p50_ms']:.1f} ms，p95 {search['ours_exact_p95_ms']:.1f} ms（与对照同样的工作）"
        )
    for name in peers:
        label = PEER_LABELS[name]
        log(
            f"{label} p50 {search[f'{name}_p50_ms']:.1f} ms，p95 {search[f'{name}_p95_ms']:.1f} ms；"
            f"我们÷{label}：p50 {search[f'{name}_p50_ratio']:.2f}，p95 {search[f'{name}_p95_ratio']:.2f}；"
            f"原词÷{label}：p50 {search.get(f'{name}_exact_p50_ratio', 0):.2f}，"
            f"p95 {search.get(f'{name}_exact_p95_ratio', 0):.2f}"
        )
    sizes = "，".join(f"{PEER_LABELS[n]} {results[f'{n}_bytes'] / 1e6:.1f} MB" for n in peers)
    log(f"索引大小 {results['index_bytes'] / 1e6:.1f} MB（{sizes}）")
    if results.get("corpus_bytes"):
        ratio = results["index_bytes"] / results["corpus_bytes"]
        log(f"  报告文件共 {results['corpus_bytes'] / 1e6:.1f} MB，索引是它的 {ratio:.2f} 倍")
    if "server" in results:
        log(f"服务进程峰值内存 {results['server']['peak_rss_bytes'] / 1e6:.0f} MB")
