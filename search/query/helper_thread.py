"""Work a search hands to the machine's other core while it goes on with something else.

A search is mostly NumPy work over large arrays, which runs without Python's global lock, so two pieces
of it that do not depend on each other (a concept's related terms beside its forms; the facet counts
beside the ranking and the hits) can run at once. One helper thread serves every search: when it is busy
with another search's work, a piece that has not started yet is done by the search itself when it needs
it, so no search waits behind another's.

The helper is used only while the process runs one search: with more in flight the cores are already
busy, and the helper would only take turns with them for the cores and Python's lock.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Generic, TypeVar

T = TypeVar("T")

_HELPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-helper")


_in_flight = 0
_in_flight_lock = threading.Lock()


def _new_helper_in_child() -> None:
    """A forked serving process has none of its parent's threads: the parent's helper, once started, would
    take work in the child and never do it (every piece would fall back to the search itself), and a lock
    another thread held at the fork would never be let go."""
    global _HELPER, _in_flight, _in_flight_lock
    _HELPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-helper")
    _in_flight, _in_flight_lock = 0, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_helper_in_child)


@contextmanager
def searching() -> Iterator[None]:
    """Counts the searches this process is running (see the module's docstring)."""
    global _in_flight
    with _in_flight_lock:
        _in_flight += 1
    try:
        yield
    finally:
        with _in_flight_lock:
            _in_flight -= 1


class Overlapped(Generic[T]):
    """``work(*args)`` started on the helper thread when this is the process's only search; :meth:`result`
    waits for it, or does it here if the helper has not started it (or was not asked)."""

    def __init__(self, work: Callable[..., T], *args) -> None:
        self._work = partial(work, *args)
        self._future = _HELPER.submit(self._work) if _in_flight <= 1 else None

    def result(self) -> T:
        """The work's result (its exception, raised here, if it failed)."""
        if self._future is None or self._future.cancel():
            return self._work()
        return self._future.result()
