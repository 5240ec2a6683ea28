"""A file of named NumPy arrays behind a JSON header, read by mapping it.

A server starting on a large index then copies none of it: the arrays' pages come in as they are used, are
shared by every serving process and given back under memory pressure, where ``np.load`` of an ``.npz`` reads
every array into the process (at 8M paragraphs the saved clusters took seconds and hundreds of megabytes of
temporaries to load). Where a mapped file cannot be replaced (Windows) the file is read into memory instead,
so that an indexer can still replace it while a server runs."""

from __future__ import annotations

import json
import mmap
import os
from pathlib import Path

import numpy as np

from search.index.segment_reader import save_quietly

MAGIC = b"reportsearch-arrays 1\n"
LENGTH_DIGITS = 16
ALIGN = 64
MAX_HEADER = 64 << 20
MAP_FILES = os.name != "nt"


def save_arrays(path: Path, header: dict, arrays: dict[str, np.ndarray]) -> bool:
    """Write ``arrays`` (one-dimensional) and ``header`` to ``path`` whole or not at all; False where the folder
    is not writable."""
    arrays = {name: np.ascontiguousarray(array) for name, array in arrays.items()}
    places, offset = {}, 0
    for name, array in arrays.items():
        if array.ndim != 1:
            raise ValueError(f"{name}: only one-dimensional arrays are saved")
        places[name] = {"dtype": array.dtype.str, "length": len(array), "offset": offset}
        offset += _aligned(array.nbytes)
    head = json.dumps({**header, "arrays": places}).encode("ascii")
    start = _aligned(len(MAGIC) + LENGTH_DIGITS + len(head))

    def write(handle) -> None:
        handle.write(MAGIC + b"%0*d" % (LENGTH_DIGITS, len(head)) + head)
        handle.write(b"\0" * (start - len(MAGIC) - LENGTH_DIGITS - len(head)))
        for array in arrays.values():
            handle.write(memoryview(array).cast("B"))  # contiguous (above); not tobytes(): a copy at the peak
            handle.write(b"\0" * (_aligned(array.nbytes) - array.nbytes))

    return save_quietly(Path(path), write)


def read_header(path: Path) -> dict:
    """The header of a file written by :func:`save_arrays` (its arrays not read). Raises OSError or ValueError
    for a missing, short or foreign file."""
    with open(path, "rb") as handle:
        return _header(handle.read(len(MAGIC) + LENGTH_DIGITS), handle)[0]


def map_arrays(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """(header, read-only arrays) of a file written by :func:`save_arrays`. Raises OSError or ValueError for a
    missing, short, foreign or truncated file."""
    with open(path, "rb") as handle:
        header, start = _header(handle.read(len(MAGIC) + LENGTH_DIGITS), handle)
        size = os.fstat(handle.fileno()).st_size
        if MAP_FILES:
            buffer = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        else:
            handle.seek(0)
            buffer = handle.read()
    arrays = {}
    for name, place in header["arrays"].items():
        dtype, length = np.dtype(place["dtype"]), int(place["length"])
        offset = start + int(place["offset"])
        if offset + dtype.itemsize * length > size:
            raise ValueError(f"{path}: array {name} runs past the end of the file")
        arrays[name] = np.frombuffer(buffer, dtype=dtype, count=length, offset=offset) if length else np.empty(0, dtype)
    return header, arrays


def map_saved_for(path: Path, **expected) -> tuple[dict, dict[str, np.ndarray]] | None:
    """:func:`map_arrays` of a file whose header holds the ``expected`` values (the state and rules it was saved
    for); None when it is missing, unreadable or saved for something else — the caller then builds again."""
    try:
        header, arrays = map_arrays(path)
    except (OSError, ValueError):
        return None
    return (header, arrays) if all(header.get(name) == value for name, value in expected.items()) else None


def _header(prefix: bytes, handle) -> tuple[dict, int]:
    if not prefix.startswith(MAGIC) or len(prefix) != len(MAGIC) + LENGTH_DIGITS:
        raise ValueError(f"{handle.name}: not an arrays file")
    length = int(prefix[len(MAGIC) :])
    if not 0 < length <= MAX_HEADER:
        raise ValueError(f"{handle.name}: header of {length} bytes")
    head = handle.read(length)
    if len(head) != length:
        raise ValueError(f"{handle.name}: header cut short")
    header = json.loads(head)
    if not isinstance(header, dict) or not isinstance(header.get("arrays"), dict):
        raise ValueError(f"{handle.name}: header without arrays")
    return header, _aligned(len(MAGIC) + LENGTH_DIGITS + length)


def _aligned(size: int) -> int:
    return -(-size // ALIGN) * ALIGN
