"""What the commands share, ``reportsearch serve`` included: default folders, usage errors, JSON output, the
indexing progress bar and summary."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from search.index.writer import Summary

DEFAULT_CORPUS = Path("corpus")
DEFAULT_INDEX = Path("index")
OPEN_FILES_WANTED = 65536


class UsageError(Exception):
    """A problem with the command's arguments (exit status 2)."""


def raise_open_file_limit() -> int | None:
    """Raise this process's soft limit of open files towards its hard limit, as servers commonly do: an index
    of millions of paragraphs keeps about a thousand files open (918 at eight million), and the soft limit is
    1,024 on many systems. The new soft limit; None where the system has none (Windows)."""
    try:
        import resource
    except ImportError:
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = OPEN_FILES_WANTED if hard == resource.RLIM_INFINITY else min(hard, OPEN_FILES_WANTED)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
            soft = wanted
        except (ValueError, OSError):  # macOS refuses more than its OPEN_MAX
            pass
    return soft


def print_json(data) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def progress_bar(enabled: bool):
    def start(total: int):
        if not enabled or total == 0:
            return lambda: None
        from tqdm import tqdm

        bar = tqdm(total=total, unit="份", desc="建立索引", file=sys.stderr, leave=False)

        def tick() -> None:
            bar.update(1)
            if bar.n >= total:
                bar.close()

        return tick

    return start


def print_summary(summary: Summary) -> None:
    clusters = f"，相同段落分组 {summary.clusters_seconds:.1f} 秒" if summary.clusters_seconds is not None else ""
    print(
        f"新增 {summary.added}，更新 {summary.updated}，删除 {summary.removed}，未变 {summary.unchanged}，"
        f"失败 {len(summary.failed)}；共 {summary.paragraphs} 个段落，用时 {summary.seconds:.1f} 秒{clusters}"
    )
    for failure in summary.failed:
        kept = "（索引中保留它之前的版本）" if failure.get("kept") else ""
        print(f"  无法读取 {failure['path']}：{failure['error']}{kept}")
