"""One call made in a forked process, its result or its exception brought back: memory the call leaves on its
heap goes back to the system when the process ends, which a process that goes on cannot do (glibc keeps a
heap's scattered small blocks however often it is trimmed)."""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

from search.index.readers import die_with_parent

T = TypeVar("T")


class ForkedCallError(RuntimeError):
    """The forked process ended without an answer (killed, out of memory) or raised what cannot be sent back."""


def can_fork() -> bool:
    """Whether calls can be forked here (not on Windows)."""
    return hasattr(os, "fork")


def call_forked(function: Callable[[], T]) -> T:
    """``function()`` made in a forked child: its return value, or its exception raised here.

    The child ends with this process (a killed indexer leaves no orphan writing the index) and sends its answer
    through a pipe; an interrupt here waits for the child, which the same Ctrl+C interrupts, to end first."""
    return Forked(function).result()


class Forked(Generic[T]):
    """A call running in a forked child while this process goes on: :meth:`result` waits for its answer,
    :meth:`cancel` ends it unanswered. One of the two must be called, or the child stays a zombie."""

    def __init__(self, function: Callable[[], T]) -> None:
        _flush_standard_streams()  # else what this process buffered is printed twice
        read_end, write_end = os.pipe()
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:  # pragma: no cover - the child's coverage is not collected
            os.close(read_end)
            _answer_and_exit(function, write_end, parent)
        os.close(write_end)
        self._read_end = read_end
        self._ended = False
        self._status: int | None = None  # once the child is reaped by finished()

    def result(self) -> T:
        """The call's return value, or its exception raised here."""
        self._ended = True
        try:
            with os.fdopen(self._read_end, "rb") as pipe:
                answer = pipe.read()
        finally:
            status = self._status if self._status is not None else _wait(self.pid)
        if not answer:
            raise ForkedCallError(f"子进程异常结束（{_describe(status)}），没有返回结果")
        kind, value = pickle.loads(answer)
        if kind == "error":
            raise value
        return value

    def finished(self) -> bool:
        """Whether the child has ended (its answer then waits for :meth:`result`); never waits."""
        if self._status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, 0
            if pid:
                self._status = status
        return self._status is not None

    def cancel(self) -> None:
        """The child ended and reaped, its answer unread; nothing once :meth:`result` was called."""
        if self._ended:
            return
        self._ended = True
        os.close(self._read_end)
        if self._status is None:  # a reaped child's number may be another process's by now
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            _wait(self.pid)


def _answer_and_exit(function: Callable[[], object], write_end: int, parent: int) -> None:
    die_with_parent(parent)
    try:
        answer = ("ok", function())
    except BaseException as exc:  # noqa: BLE001 - every failure is sent to the parent to be raised there
        answer = ("error", _sendable(exc))
    try:
        payload = pickle.dumps(answer)
    except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled is the caller's error
        payload = pickle.dumps(("error", ForkedCallError(f"子进程的结果无法传回：{exc}")))
    try:
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(payload)
    finally:
        _flush_standard_streams()
        os._exit(0)


def _flush_standard_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()


def _sendable(exc: BaseException) -> BaseException:
    """The exception itself when it survives pickling (with the child's traceback as a note), else its text."""
    exc.add_note("（在子进程中）\n" + "".join(traceback.format_exception(exc)).rstrip())
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any exception type may refuse to be rebuilt
        return ForkedCallError(f"{type(exc).__name__}: {exc}")


def _wait(pid: int) -> int:
    while True:
        try:
            return os.waitpid(pid, 0)[1]
        except KeyboardInterrupt:
            continue
        except ChildProcessError:
            return 0


def _describe(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"信号 {os.WTERMSIG(status)}"
    return f"退出码 {os.waitstatus_to_exitcode(status)}"
