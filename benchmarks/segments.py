"""Search speed after many incremental index runs, against a fresh rebuild of the same corpus.

A copy of a synthetic corpus and its index takes RUNS incremental runs, each changing one report
(as a clerk adding corrections would); then the benchmark query set is timed (median of 5 warm runs
per query) on that index and on a fresh rebuild. Printed: segments, p50/p95 of both, and the ratios.

    python -m benchmarks segments --paragraphs 100000 --runs 50
"""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

from search.engine import Engine
from search.index.writer import open_index, update_index

from .load import prepare_index
from .run import _request, _time, percentile

QUERIES = Path(__file__).with_name("queries.json")


def _timings(index_dir: Path, specs: list[dict], repeat: int = 5) -> list[float]:
    engine = Engine(index_dir)
    try:
        engine.prepare()  # its near-duplicate clusters first: finding them in the background would share the cores
        for spec in specs:
            engine.search(_request(spec))
        return [_time(lambda spec=spec: engine.search(_request(spec)), repeat)[0] for spec in specs]
    finally:
        engine.close()


def run(out: Path, paragraphs: int, runs: int, seed: int = 7) -> dict:
    import json

    specs = [s for s in json.loads(QUERIES.read_text(encoding="utf-8"))["queries"] if s["kind"] != "similar"]
    prepare_index(out, paragraphs, seed)
    work = out / f"segments-{paragraphs}-{seed}"
    shutil.rmtree(work, ignore_errors=True)
    corpus, incremental, fresh = work / "corpus", work / "incremental", work / "fresh"
    shutil.copytree(out / f"corpus-{paragraphs}-{seed}", corpus)
    update_index(corpus, incremental)
    files = sorted(corpus.glob("synthetic-*.txt"))
    started = time.perf_counter()
    for number in range(runs):
        changed = files[(number * 37) % len(files)]
        changed.write_text(changed.read_text(encoding="utf-8") + f"\n补充说明第{number}条：聘请律师担任法律顾问。\n")
        update_index(corpus, incremental)
    per_run = (time.perf_counter() - started) / max(runs, 1)
    update_index(corpus, fresh)
    segments = len(open_index(incremental)._segments())
    mine, theirs = sorted(_timings(incremental, specs)), sorted(_timings(fresh, specs))
    result = {
        "runs": runs,
        "seconds_per_run": per_run,
        "segments": segments,
        "incremental_p50_ms": percentile(mine, 0.5) * 1000,
        "incremental_p95_ms": percentile(mine, 0.95) * 1000,
        "fresh_p50_ms": percentile(theirs, 0.5) * 1000,
        "fresh_p95_ms": percentile(theirs, 0.95) * 1000,
        "mean_ratio": statistics.mean(mine) / statistics.mean(theirs),
    }
    print(f"{runs} 次增量更新（每次 {per_run:.2f} 秒）后 {segments} 个段")
    print(
        f"检索 p50 {result['incremental_p50_ms']:.1f} ms / p95 {result['incremental_p95_ms']:.1f} ms；"
        f"全新重建 p50 {result['fresh_p50_ms']:.1f} ms / p95 {result['fresh_p95_ms']:.1f} ms；"
        f"平均倍数 {result['mean_ratio']:.2f}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return result
