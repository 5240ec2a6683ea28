"""One reindex at a time: a lock file naming the process that holds it, recovered with a message when that
process has died (a killed indexer never leaves the next run locked out)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

LOCK_FILE = "reindex.lock"


class IndexBusyError(Exception):
    """Another reindex holds the lock."""


class ReindexLock:
    """One reindex at a time; a lock left by a process that died is recovered with a message."""

    def __init__(self, index_dir: Path) -> None:
        self.path = Path(index_dir) / LOCK_FILE
        self.recovered = ""

    def __enter__(self) -> ReindexLock:
        holder = _lock_holder(self.path)
        if holder is not None and holder.get("alive"):
            raise IndexBusyError(
                f"另一个重建索引的进程（PID {holder['pid']}，开始于 {holder.get('started', '?')}）"
                f"正在运行；如确认它已不在，请删除 {self.path}"
            )
        if holder is not None:
            self.recovered = (
                f"上次重建索引（PID {holder.get('pid') or '?'}，开始于 {holder.get('started', '?')}）未正常结束，"
                "已清除其遗留的锁；索引仍是那次之前的状态，本次会补齐。"
            )
            self.path.unlink(missing_ok=True)
        record = {
            "pid": os.getpid(),
            "started": time.strftime("%Y-%m-%d %H:%M:%S"),
            "create_time": _create_time(os.getpid()),
        }
        _create_whole(self.path, json.dumps(record))
        return self

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)


def _create_whole(path: Path, record: str) -> None:
    """Create the lock file with its record in one step: written beside it, then linked in place (which fails if
    it exists). Created empty and then written, a lock was for a moment empty: read so by another indexer it
    named no live holder and was taken from its owner, and a child killed in that moment (the watcher ends it)
    left an empty lock behind. Where the file system has no links, created and then written."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(record, encoding="utf-8")
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise IndexBusyError(f"另一个重建索引的进程刚刚开始；如确认它已不在，请删除 {path}") from None
    except OSError:  # no hard links here (some network or FAT drives)
        with os.fdopen(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY), "w", encoding="utf-8") as handle:
            handle.write(record)
    finally:
        temporary.unlink(missing_ok=True)


def _lock_holder(path: Path) -> dict | None:
    """Who wrote the lock file (with ``alive``: that process still runs), or None when there is none."""
    import psutil

    if not path.exists():
        return None
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        holder = {}
    if not isinstance(holder, dict):
        holder = {}
    pid = int(holder.get("pid", 0) or 0)
    holder["pid"] = pid
    holder["alive"] = bool(pid and pid != os.getpid() and psutil.pid_exists(pid) and _same_process(pid, holder))
    return holder


def release_lock_of(index_dir: Path, pid: int) -> None:
    """Remove the reindex lock if process ``pid`` holds it: a child the caller ended, which could not."""
    holder = _lock_holder(Path(index_dir) / LOCK_FILE)
    if holder is not None and holder["pid"] == pid:
        (Path(index_dir) / LOCK_FILE).unlink(missing_ok=True)
    (Path(index_dir) / f"{LOCK_FILE}.{pid}.tmp").unlink(missing_ok=True)  # ended before its lock was linked


def reindex_running(index_dir: Path) -> bool:
    """Another process is reindexing ``index_dir`` now (a lock left by a dead one does not count)."""
    holder = _lock_holder(Path(index_dir) / LOCK_FILE)
    return bool(holder and holder["alive"])


def _create_time(pid: int) -> float:
    import psutil

    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return 0.0


def _same_process(pid: int, holder: dict) -> bool:
    """Guard against PID reuse: the live process must be the one that wrote the lock."""
    recorded = holder.get("create_time")
    return not recorded or abs(_create_time(pid) - float(recorded)) < 1.0
