"""Reading reports in worker processes with limits of their own: one hostile file costs that file, never the run.

Each file is read (:func:`search.ingest.pipeline.process_file`) and analyzed (:mod:`search.index.terms`) in a
reader process. A reader gets a wall-clock limit per file, an address-space limit (``RLIMIT_AS``, where the
system has one) and a cap on the text a file may yield. A reader that passes its time limit is killed, one
that dies is noticed, and either is replaced; the file is listed as failed with the reason in Chinese and the
run goes on. Results come back in the order the files went out, at most a few files ahead of the writer.

Readers are forked (a fresh interpreter where the system has no fork): the first ones before the index writer
exists; a replacement forked later shares the writer's open files, whose locks Whoosh releases explicitly, and
dies with the indexer. Its memory limit counts from what it inherited.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from search.index.minhash import bands_of_texts
from search.index.terms import PackedTerms, ParagraphTerms, pack_terms, paragraph_terms, unpack_terms
from search.ingest.gazetteer import load_gazetteer
from search.ingest.model import Report, ReportError
from search.ingest.pipeline import process_file

PR_SET_PDEATHSIG = 1
PARSE_AHEAD = 4  # files per reader parsed ahead of the writer
MB = 1 << 20

Parsed = tuple[str, Report | None, list[ParagraphTerms], str]


@dataclass(frozen=True)
class ReadLimits:
    """What one file may cost a reader: seconds of wall time, memory beyond what the reader started with,
    the file's size, and the characters of text it yields."""

    seconds: float = 60.0
    memory_mb: int = 1536
    file_mb: int = 100
    text_chars: int = 5_000_000


def parse_file(path: str, corpus: str, limits: ReadLimits = ReadLimits()) -> Parsed:
    """Read one file and analyze its paragraphs: (path, report or None, terms, error)."""
    try:
        report = process_file(Path(path), corpus_root=Path(corpus))
    except ReportError as exc:
        return path, None, [], exc.reason
    except MemoryError:
        return path, None, [], memory_reason(limits)
    except RecursionError:
        return path, None, [], "文件结构嵌套过深，无法读取"
    except Exception as exc:  # a reader bug must not stop the corpus; it is reported per file
        return path, None, [], f"读取时出错：{exc.__class__.__name__}: {exc}"
    characters = sum(len(p.text) for p in report.paragraphs)
    if characters > limits.text_chars:
        return (
            path,
            None,
            [],
            f"读出的文字超过 {limits.text_chars // 10_000} 万字（{characters // 10_000} 万字），不像一份报告",
        )
    terms = [paragraph_terms(p.text, p.section) for p in report.paragraphs]
    for paragraph, bands in zip(terms, bands_of_texts([t.text for t in terms]), strict=True):
        paragraph.bands = bands
    return path, report, terms, ""


def memory_reason(limits: ReadLimits) -> str:
    return f"读取时占用内存超过上限（{limits.memory_mb} MB）"


def timeout_reason(limits: ReadLimits) -> str:
    return f"读取超时（{limits.seconds:g} 秒）"


def crash_reason(exitcode: int | None, limits: ReadLimits) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name if -exitcode in signal.valid_signals() else str(-exitcode)
        return f"读取进程异常退出（{name}），多半是内存超过上限（{limits.memory_mb} MB）或文件已损坏"
    return f"读取进程异常退出（退出码 {exitcode}）"


class Reader:
    """One reader process and the files sent to it, read in order: the first is being read, and has a
    deadline; the others wait in the reader's pipe, so that it never idles while the writer is busy."""

    def __init__(self, context, corpus: str, limits: ReadLimits) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process = context.Process(
            target=_serve, args=(child, corpus, limits, os.getpid()), name="report-reader", daemon=True
        )
        self.process.start()
        child.close()
        self.jobs: deque[tuple[int, str]] = deque()
        self.deadline = 0.0
        self.seconds = limits.seconds

    def send(self, index: int, path: str) -> None:
        if not self.jobs:
            self.deadline = time.monotonic() + self.seconds
        self.jobs.append((index, path))
        self.conn.send((index, path))

    def finished(self) -> tuple[int, str]:
        """The file read first is done: the next one is being read from now on."""
        done = self.jobs.popleft()
        self.deadline = time.monotonic() + self.seconds
        return done

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class ReaderPool:
    """Reader processes reading files in order; see the module's docstring."""

    def __init__(self, jobs: int, corpus: Path, limits: ReadLimits = ReadLimits()) -> None:
        self.corpus, self.limits = str(corpus), limits
        self._context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
        self.readers = [Reader(self._context, self.corpus, limits) for _ in range(max(1, jobs))]

    def grow_to(self, jobs: int) -> None:
        """At least ``jobs`` readers (a pool started with one before the files to read were known)."""
        while len(self.readers) < jobs:
            self.readers.append(Reader(self._context, self.corpus, self.limits))

    def close(self) -> None:
        for reader in self.readers:
            reader.stop()
        self.readers = []

    def __enter__(self) -> ReaderPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def parse(self, paths: list[str]) -> Iterator[Parsed]:
        """(path, report or None, terms, error) of each of ``paths``, in their order."""
        ahead = PARSE_AHEAD * len(self.readers)
        done: dict[int, Parsed] = {}
        sent = delivered = 0
        while delivered < len(paths):
            while sent < len(paths) and sent - delivered < ahead:
                min(self.readers, key=lambda reader: len(reader.jobs)).send(sent, paths[sent])
                sent += 1
            if delivered in done:
                yield done.pop(delivered)
                delivered += 1
                continue
            self._collect(done)

    def _collect(self, done: dict[int, Parsed]) -> None:
        """Wait for a reader to finish a file, die or run out of time, and record what became of the file."""
        busy = [reader for reader in self.readers if reader.jobs]
        timeout = max(0.0, min(reader.deadline for reader in busy) - time.monotonic())
        ready = wait([reader.conn for reader in busy], timeout=timeout)
        for reader in busy:
            if reader.conn in ready:
                try:
                    _, path, report, packed, error, exiting = reader.conn.recv()
                except (EOFError, OSError):
                    reader.process.join(timeout=5)
                    index, path = reader.jobs.popleft()
                    done[index] = (path, None, [], crash_reason(reader.process.exitcode, self.limits))
                    self._replace(reader, kill=True)
                    continue
                index, _ = reader.finished()
                done[index] = (path, report, unpack_terms(packed), error)
                if exiting:
                    self._replace(reader)
            elif time.monotonic() >= reader.deadline:
                index, path = reader.jobs.popleft()
                done[index] = (path, None, [], timeout_reason(self.limits))
                self._replace(reader, kill=True)

    def _replace(self, reader: Reader, kill: bool = False) -> None:
        """A new reader in place of ``reader``, given the files that were waiting for the old one."""
        waiting = list(reader.jobs)
        reader.stop(kill=kill)
        fresh = Reader(self._context, self.corpus, self.limits)
        self.readers[self.readers.index(reader)] = fresh
        for index, path in waiting:
            fresh.send(index, path)


def _serve(conn: Connection, corpus: str, limits: ReadLimits, parent: int) -> None:
    """A reader process: read the files it is sent until told to stop. After running out of memory it
    answers and ends (its heap is not to be trusted), and the pool starts another."""
    die_with_parent(parent)
    _warm_up()
    _limit_memory(limits.memory_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        index, path = job
        path, report, terms, error = parse_file(path, corpus, limits)
        exiting = error == memory_reason(limits)
        packed: PackedTerms = pack_terms(terms)
        conn.send((index, path, report, packed, error, exiting))
        if exiting:
            return


def _warm_up() -> None:
    """Load what reading a first file would (the gazetteer, the segmenter and its dictionary, 0.3 s): a pool
    is started before the corpus is listed, so this runs while the indexer lists and compares the files —
    off the path of a one-report reindex. A failure here fails again, and is reported, with each file."""
    with suppress(Exception):
        load_gazetteer()
        paragraph_terms("依法行政", ())


def _limit_memory(memory_mb: int) -> None:
    """Cap this process's address space at what it uses now plus ``memory_mb`` (where the system allows)."""
    try:
        import resource
    except ImportError:  # Windows: the time limit still holds
        return
    try:
        with open("/proc/self/statm") as handle:
            used = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        used = 512 * MB
    limit = used + memory_mb * MB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def die_with_parent(parent: int) -> None:
    """End this process when ``parent`` ends, however it ends (a reader process, a serving worker)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL) == 0:
            if os.getppid() != parent:  # the parent died before the request took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Where the kernel cannot signal a parent's death (not Linux): poll for it."""
    import psutil

    while psutil.pid_exists(parent):
        time.sleep(1.0)
    os._exit(1)
