"""Work a search hands to the machine's other core while it goes on with something else.

A search is mostly NumPy work over large arrays, which runs without Python's global lock, so two pieces
of it that do not depend on each other (a concept's related terms beside its forms; the facet counts
beside the ranking and the hits) can run at once. One helper thread serves every search: when it is busy
with another search's work, a piece that has not started yet is done by the search itself when it needs
it, so no search waits behind another's.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Generic, TypeVar

T = TypeVar("T")

_HELPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-helper")


def _new_helper_in_child() -> None:
    """A forked serving process has none of its parent's threads: the parent's helper, once started, would
    take work in the child and never do it (every piece would fall back to the search itself)."""
    global _HELPER
    _HELPER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-helper")


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_helper_in_child)


class Overlapped(Generic[T]):
    """``work(*args)`` started on the helper thread; :meth:`result` waits for it, or does it here if the
    helper has not started it yet."""

    def __init__(self, work: Callable[..., T], *args) -> None:
        self._work = partial(work, *args)
        self._future = _HELPER.submit(self._work)

    def result(self) -> T:
        """The work's result (its exception, raised here, if it failed)."""
        if self._future.cancel():
            return self._work()
        return self._future.result()
