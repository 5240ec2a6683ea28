"""``reportsearch watch``: keep the index in step with the report folder as reports arrive, change or go.

The system tells the watcher which files changed (inotify on Linux, ReadDirectoryChangesW on Windows, FSEvents
on macOS, through watchdog), so a change is indexed by name, without a walk of the whole folder: at eight
million paragraphs (320,000 files) the walk's stat of every file is a second of a whole-folder run. Events
are gathered until the folder has been quiet for a moment (a file being copied sends many), then indexed in
one run, as ``reportsearch index FILE …`` would. What names no report file by itself — a folder moved in or
out, a sidecar or metadata.csv (see :func:`search.index.listing.metadata_signatures`) — is handled by a run
over the whole folder."""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from search.cli_common import UsageError, print_summary
from search.index.forked import Forked, can_fork
from search.index.listing import corpus_relative
from search.index.lock import IndexBusyError, ReindexLock, release_lock_of
from search.index.readers import die_with_parent
from search.index.writer import Summary
from search.ingest.pipeline import is_metadata_name

IndexRun = Callable[[argparse.Namespace, list[Path] | None, bool], Summary]
SaveForServers = Callable[[Path], bool]

QUIET_SECONDS = 0.2  # a batch is indexed once no event came for this long
LONGEST_WAIT_SECONDS = 3.0  # or this long after its first event, however busy the folder is
BUSY_RETRY_SECONDS = 1.0  # another indexer holds the index: try again after this long
POLL_SECONDS = 2.0  # where the system cannot watch the folder, it is looked at this often
# What changes a file: the events of reading one (opened, closed without writing) are not changes, and the
# watcher's own index runs read every changed report.
CHANGES = frozenset({"created", "modified", "moved", "deleted", "closed"})


class FolderChanges(FileSystemEventHandler):
    """The report files a folder's events named since the last batch; whether one needs the whole folder."""

    def __init__(self, corpus: Path, index_dir: Path) -> None:
        self.root = os.path.abspath(corpus)
        self.index_dir = os.path.join(os.path.abspath(index_dir), "")
        self._lock = threading.Condition()
        self._paths: set[str] = set()
        self._whole = False
        self._first = self._last = 0.0
        self.folders_changed = False  # a folder came or went: the system's watches are to be set again
        self.waiting = False  # in next_batch: a stop signal then sets ``stop`` rather than interrupting

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in CHANGES:
            return
        if event.is_directory and event.event_type in ("modified", "closed"):
            return  # a folder's contents changed: its files send their own events
        for path in (event.src_path, getattr(event, "dest_path", "")):
            if path:
                self._note(os.fsdecode(path), event.is_directory)

    def _note(self, path: str, is_directory: bool) -> None:
        """A folder created, moved or removed may bring reports in or take them out without an event of
        their own: the whole folder is looked at."""
        if path.startswith(self.index_dir):  # an index kept inside the report folder
            return
        whole, report = False, ""
        if is_directory:
            whole = os.path.abspath(path) != self.root
            self.folders_changed = True
        elif is_metadata_name(os.path.basename(path)):
            whole = True
        else:
            try:
                corpus_relative(self.root, Path(path))
                report = path
            except ValueError:  # hidden, no report, or gone as a folder
                return
        if not (whole or report):
            return
        with self._lock:
            now = time.monotonic()
            if not self._paths and not self._whole:
                self._first = now
            self._last = now
            self._whole |= whole
            if report:
                self._paths.add(report)
            self._lock.notify()

    def next_batch(self, stop: threading.Event) -> tuple[list[Path], bool] | None:
        """(report files, whether the whole folder is to be looked at) once events came and the folder has been
        quiet for QUIET_SECONDS (or LONGEST_WAIT_SECONDS passed since the first); None when ``stop`` is set."""
        self.waiting = True
        try:
            with self._lock:
                while not stop.is_set():
                    if self._paths or self._whole:
                        now = time.monotonic()
                        ready_at = min(self._last + QUIET_SECONDS, self._first + LONGEST_WAIT_SECONDS)
                        if now >= ready_at:
                            batch = (sorted(Path(p) for p in self._paths), self._whole)
                            self._paths, self._whole = set(), False
                            return batch
                        self._lock.wait(ready_at - now)
                    else:
                        self._lock.wait(0.5)
            return None
        finally:
            self.waiting = False


class ForServers:
    """What servers load for the state a run committed (copies found, tables saved; ``save``) made in a forked
    child that holds the reindex lock meanwhile, and ended when the next batch comes. At eight million
    paragraphs it takes 10–13 s, and a change made meanwhile waited for it (9.7–10.3 s to be searchable
    instead of 2.5 s). Ended, the child leaves what it saved, each file whole, and the next child or a server
    works out the rest. Where there is no fork it is made before the next batch is looked at."""

    def __init__(self, index_dir: Path, save: SaveForServers) -> None:
        self.index_dir = index_dir
        self.save = save
        self._child: Forked | None = None

    def start(self) -> None:
        if not can_fork():
            self._save_locked()
            return
        self._child = Forked(self._save_locked)

    def end(self) -> None:
        """End the child: reap it if it has finished, else stop it and let go of its lock."""
        child, self._child = self._child, None
        if child is None:
            return
        if child.finished():
            with contextlib.suppress(Exception):  # a full disk: servers work it out themselves
                child.result()
            return
        child.cancel()
        release_lock_of(self.index_dir, child.pid)

    def _save_locked(self) -> bool:
        try:
            with ReindexLock(self.index_dir):
                return self.save(self.index_dir)
        except IndexBusyError:  # another indexer runs: it saves them
            return False


def run_watch(args: argparse.Namespace, index_files: IndexRun, save: SaveForServers) -> int:
    if not args.corpus.is_dir():
        raise UsageError(f"报告目录不存在：{args.corpus}")
    if getattr(args, "with_parent", None):  # started by serve --watch: ends with the server, however it ends
        die_with_parent(args.with_parent)
    watch(args, threading.Event(), index_files, save)
    return 0


def _stop_on_signals(stop: threading.Event, changes: FolderChanges) -> None:
    """Ctrl+C and SIGTERM (``kill``, a service manager; a script's background job ignores SIGINT) stop the watch:
    while it waits for changes by setting ``stop`` — an interrupt raised inside that wait left its lock released
    and ended in a traceback — and while it indexes as an interrupt (each commit is whole)."""

    def stop_watching(signum, frame) -> None:
        if not changes.waiting:
            raise KeyboardInterrupt
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop_watching)
        if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
            signal.signal(signal.SIGINT, stop_watching)


def watch(args: argparse.Namespace, stop: threading.Event, index_files: IndexRun, save: SaveForServers) -> None:
    """Index the folder once, then each batch of changes, until ``stop`` is set or Ctrl+C. ``index_files``
    makes one run as ``reportsearch index`` does (see :func:`search.cli_search.index_files`), and ``save``
    what servers load after it (:func:`search.cli_search.save_for_servers`), in the background."""
    changes = FolderChanges(args.corpus, args.index)
    observer = _started_observer(changes, args.corpus)
    for_servers = ForServers(args.index, save)
    _stop_on_signals(stop, changes)
    try:
        print(f"先检查整个报告目录 {args.corpus} ……", file=sys.stderr, flush=True)
        _index_until_done(args, None, index_files, for_servers)
        print(f"正在监视 {args.corpus}：新增、修改或删除的报告会自动编入索引（按 Ctrl+C 退出）", file=sys.stderr)
        while (batch := changes.next_batch(stop)) is not None:
            files, whole = batch
            if changes.folders_changed:
                _watch_again(observer, changes, args.corpus)
            _index_until_done(args, None if whole else files, index_files, for_servers)
        if threading.current_thread() is threading.main_thread():  # stopped by a signal while it waited
            print("已停止监视", file=sys.stderr)
    except KeyboardInterrupt:
        print("已停止监视", file=sys.stderr)
    finally:
        for_servers.end()  # what it did not save, the next run or a server works out
        stop.set()
        observer.stop()
        observer.join()


def _started_observer(changes: FolderChanges, corpus: Path):
    """The system's watcher of ``corpus`` and its subfolders, or, where it refuses (inotify's limit of watched
    folders reached, a network drive), one that looks at the folder every POLL_SECONDS."""
    observer = Observer()
    observer.schedule(changes, os.fspath(corpus), recursive=True)
    try:
        observer.start()
        return observer
    except OSError as exc:
        print(f"系统无法监视该目录（{exc}）；改为每 {POLL_SECONDS:g} 秒检查一次", file=sys.stderr)
    observer = PollingObserver(timeout=POLL_SECONDS)
    observer.schedule(changes, os.fspath(corpus), recursive=True)
    observer.start()
    return observer


def _watch_again(observer, changes: FolderChanges, corpus: Path) -> None:
    """Watch the folder afresh: on Linux a folder moved in is not watched (watchdog issue #1094), so its
    reports' later changes would go unseen. What changes meanwhile is found by the whole-folder run that a
    folder's event brings."""
    changes.folders_changed = False
    observer.unschedule_all()
    observer.schedule(changes, os.fspath(corpus), recursive=True)


def _index_until_done(
    args: argparse.Namespace, files: list[Path] | None, index_files: IndexRun, for_servers: ForServers
) -> None:
    """One index run over ``files`` (None: the whole folder), waiting while another indexer holds the index;
    what servers load is then made in the background."""
    told = False
    for_servers.end()
    while True:
        try:
            started = time.strftime("%H:%M:%S")
            summary = index_files(args, files, False)
            break
        except IndexBusyError as exc:
            if not told:
                print(f"{exc}；等它结束后再更新", file=sys.stderr, flush=True)
                told = True
            time.sleep(BUSY_RETRY_SECONDS)
        except (OSError, ValueError) as exc:  # a full disk, a folder gone: said, and the watch goes on
            print(f"[{started}] 更新索引失败：{exc}；继续监视，下次有改动时再试", file=sys.stderr, flush=True)
            return
    for_servers.start()
    if summary.added or summary.updated or summary.removed or summary.failed or files is None:
        print(f"[{started}] ", end="")
        print_summary(summary)
        sys.stdout.flush()  # a line per run as it ends, also into a log file
