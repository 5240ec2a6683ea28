"""The C library's heap: giving freed memory back to the system between the indexer's steps (glibc only)."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache


@lru_cache(maxsize=1)
def glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (the calls here are glibc's own), else None (Windows, macOS, musl)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it
        return libc
    except (OSError, AttributeError, TypeError):
        return None


def return_free_memory() -> bool:
    """Give the heap's free pages back to the system (glibc's malloc_trim). A piece's writing frees a gigabyte
    of postings into the heap; glibc keeps most of it, and the near-duplicate clusters found next allocate
    beside it, so the indexer's peak was the sum of the two steps. False where the C library is not glibc."""
    libc = glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
