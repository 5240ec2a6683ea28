"""Growth between benchmark sizes and an extrapolation to all of China (8,000,000 paragraphs).

Reads the ``results-<paragraphs>-<seed>.json`` files that ``python -m benchmarks run`` wrote, prints
each size's figures, the growth from the smallest to the largest size as ratios (per query and for
p50/p95), and a straight-line fit (fixed part + per-paragraph part) of index time, disk and memory,
evaluated at 2, 4 and 8 million paragraphs. Time and bytes grow linearly in what they are made of
(paragraphs parsed, postings and texts written), so a line through measured sizes is the honest model;
latency is not extrapolated, because it depends on how many paragraphs a query matches, not on the
index size alone.
"""

from __future__ import annotations

import json
from pathlib import Path

TARGETS = (2_000_000, 4_000_000, 8_000_000)
MEASURES = (
    ("全量索引时间（秒）", lambda r: r["index"]["seconds"], 1, "{:,.0f}"),
    ("索引大小（MB）", lambda r: r["index_bytes"], 1e6, "{:,.0f}"),
    ("建索引进程峰值内存（MB）", lambda r: r["index"].get("peak_rss_bytes"), 1e6, "{:,.0f}"),
    ("服务进程峰值内存（MB）", lambda r: r.get("server", {}).get("peak_rss_bytes"), 1e6, "{:,.0f}"),
    ("全量相同段落分组（秒）", lambda r: r["index"].get("clusters_seconds"), 1, "{:,.1f}"),
    ("改动后增量分组（秒）", lambda r: r.get("clusters_seconds"), 1, "{:,.1f}"),
    ("改动一份报告到可检索（秒）", lambda r: r["reindex_one"]["visible_seconds"], 1, "{:,.2f}"),
    ("指定这份文件时（秒）", lambda r: r["reindex_one"].get("named_visible_seconds"), 1, "{:,.2f}"),
    ("reportsearch watch 运行时（秒）", lambda r: r["reindex_one"].get("watched_visible_seconds"), 1, "{:,.2f}"),
)


def load(out: Path, seed: int) -> list[dict]:
    """The saved runs of one seed, smallest first (runs without an index figure are skipped)."""
    runs = []
    for path in out.glob(f"results-*-{seed}.json"):
        results = json.loads(path.read_text(encoding="utf-8"))
        if "index" in results and "search" in results:
            runs.append(results)
    return sorted(runs, key=lambda r: r["index"]["paragraphs"])


def fit(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares (fixed, per paragraph) of value = fixed + per · paragraphs."""
    if len(points) == 1:
        return 0.0, points[0][1] / points[0][0]
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    per = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return mean_y - per * mean_x, per


def growth(small: dict, large: dict) -> list[tuple[str, float, float, float]]:
    """(query, ms at the small size, ms at the large size, ratio) for every query both runs timed."""
    rows = []
    for first, second in zip(small["queries"], large["queries"], strict=False):
        if (first["kind"], first["q"], first["filters"]) != (second["kind"], second["q"], second["filters"]):
            continue
        label = first["kind"] + " " + first["q"] + (" +筛选" if first["filters"] else "")
        rows.append((label, first["ours_ms"], second["ours_ms"], second["ours_ms"] / first["ours_ms"]))
    return rows


def report(out: Path, seed: int = 7, log=print) -> dict:
    runs = load(out, seed)
    if not runs:
        log(f"{out} 中没有 seed {seed} 的结果：先运行 python -m benchmarks run --paragraphs N")
        return {}
    sizes = [r["index"]["paragraphs"] for r in runs]
    log(f"机器：{runs[-1]['machine']}")
    log("各规模实测：" + "，".join(f"{n:,}" for n in sizes) + " 段")
    header = f"{'':<26}" + "".join(f"{n:>14,}" for n in sizes)
    log(header)
    for label, value, unit, shape in MEASURES:
        cells = "".join(f"{shape.format(v / unit):>14}" if (v := value(r)) is not None else f"{'-':>14}" for r in runs)
        log(f"{label:<26}{cells}")
    for name in (
        "ours_p50_ms",
        "ours_p95_ms",
        "ours_exact_p50_ms",
        "ours_exact_p95_ms",
        "tantivy_p50_ms",
        "tantivy_p95_ms",
        "tantivy_exact_p95_ratio",
        "tantivy_p95_ratio",
        "fts5_p95_ratio",
    ):
        cells = "".join(f"{r['search'][name]:>14.2f}" if name in r["search"] else f"{'-':>14}" for r in runs)
        log(f"{name:<26}{cells}")
    summary: dict = {"sizes": sizes}
    if len(runs) > 1:
        small, large = runs[0], runs[-1]
        factor = large["index"]["paragraphs"] / small["index"]["paragraphs"]
        log("")
        log(f"增长：{sizes[0]:,} → {sizes[-1]:,} 段（×{factor:.1f}）每个查询的耗时倍数")
        rows = growth(small, large)
        for label, before, after, ratio in rows:
            log(f"  {label[:26]:<28}{before:9.1f} → {after:9.1f} ms  ×{ratio:.2f}")
        for key in ("ours_p50_ms", "ours_p95_ms"):
            ratio = large["search"][key] / small["search"][key]
            log(f"  {key}: ×{ratio:.2f}（段落数 ×{factor:.1f}）")
        summary["growth"] = {"factor": factor, "queries": rows}
    log("")
    log("按直线（固定部分 + 每段部分）外推：")
    log(f"{'':<26}" + "".join(f"{n:>14,}" for n in TARGETS))
    summary["extrapolation"] = {}
    for label, value, unit, shape in MEASURES[:5]:
        points = [(r["index"]["paragraphs"], v / unit) for r in runs if (v := value(r)) is not None]
        if not points:
            continue
        fixed, per = fit(points)
        projected = [fixed + per * n for n in TARGETS]
        summary["extrapolation"][label] = projected
        log(f"{label:<26}" + "".join(f"{shape.format(v):>14}" for v in projected))
    return summary
