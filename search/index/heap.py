"""Memory given back to the system: the C library's free heap between the indexer's steps (glibc only), and
the resident pages of mapped index files (Linux)."""

from __future__ import annotations

import ctypes
import ctypes.util
import mmap
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


def resident_mapped_bytes() -> int | None:
    """Bytes of mapped files resident in this process (the "shared" pages of Linux's /proc/self/statm: the
    index files' pages a search touched, and the interpreter's own libraries); None where it cannot be read."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[2]) * mmap.PAGESIZE
    except (OSError, ValueError, IndexError):
        return None


def drop_mapped_pages(mapped) -> None:
    """Take a read-only file map's resident pages out of this process (MADV_DONTNEED). The page cache keeps
    them and a later read maps them again, so nothing is lost but a minor fault; nothing is done where the
    system has no such call (Windows) or the map is empty (an empty file is mapped as b"")."""
    if hasattr(mapped, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        mapped.madvise(mmap.MADV_DONTNEED)
