"""Paragraph texts in a compact byte code, one table per piece: about two thirds of their UTF-16 size.

Each piece ranks the UTF-16 units of its texts by how often they occur. The 128 commonest take one byte
(0x00–0x7F), the next 3,072 two (a lead 0xC0–0xEF and a trail 0x80–0xBF), any other unit three (a lead
0xF0–0xFF and two trails carrying the unit itself, so no text is beyond the code). Report prose uses a
few thousand characters: at 1M paragraphs a piece holds ~2,450 distinct ones, and a character takes 1.33
bytes rather than UTF-16's 2 (the five sample reports: 1.33 too).

Like UTF-8 the code synchronises itself: a character's first byte is never a trail byte, so a string
encoded with the piece's table is found in the piece's bytes by a plain ``find``, and a match always
starts on a character. Verifying a candidate paragraph stays a search in the mapped file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

SINGLES = 128
TRAILS = 64
DOUBLE_LEADS = 48
SHORT = SINGLES + DOUBLE_LEADS * TRAILS  # units with a one- or two-byte code
TABLE_FILE = "text_code.npy"
COUNT_CHUNK = 4096  # texts joined at a time to count or encode their units


class TextCode:
    """One piece's code: the units with short codes, commonest first."""

    def __init__(self, table: np.ndarray) -> None:
        self.table = np.asarray(table, dtype=np.uint16)[:SHORT]
        self.rank = np.full(65536, SHORT, dtype=np.int32)
        self.rank[self.table] = np.arange(len(self.table), dtype=np.int32)
        self._decode_short = np.zeros(SHORT, dtype=np.uint16)
        self._decode_short[: len(self.table)] = self.table

    @classmethod
    def for_texts(cls, texts: list[str]) -> TextCode:
        """The code that makes ``texts`` shortest."""
        counts = np.zeros(65536, dtype=np.int64)
        for first in range(0, len(texts), COUNT_CHUNK):
            counts += np.bincount(_units("".join(texts[first : first + COUNT_CHUNK])), minlength=65536)
        order = np.argsort(-counts, kind="stable")[:SHORT]
        return cls(order[counts[order] > 0])

    @classmethod
    def load(cls, folder: Path) -> TextCode:
        return cls(np.load(folder / TABLE_FILE))

    def save(self, folder: Path) -> None:
        np.save(folder / TABLE_FILE, self.table)

    def encode(self, text: str) -> bytes:
        return self._encode_units(_units(text)).tobytes()

    def decode(self, data: bytes) -> str:
        return self._decode_units(np.frombuffer(data, dtype=np.uint8)).tobytes().decode("utf-16-le", "surrogatepass")

    def decode_many(self, data: bytes, bounds: np.ndarray) -> list[str]:
        """The texts laid one after another in ``data``, text i at bytes ``bounds[i]:bounds[i + 1]``."""
        raw = np.frombuffer(data, dtype=np.uint8)
        starts = np.flatnonzero(_starts(raw))
        units = self._decode_units(raw, starts).tobytes()
        at = (2 * np.searchsorted(starts, np.asarray(bounds, dtype=np.int64))).tolist()
        return [units[at[i] : at[i + 1]].decode("utf-16-le", "surrogatepass") for i in range(len(at) - 1)]

    def write(self, path: Path, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """``texts`` one after another into ``path``, encoded COUNT_CHUNK at a time; (their byte offsets, one
        more than texts; each text's length in UTF-16 units)."""
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        lengths = np.zeros(len(texts), dtype=np.int32)
        with path.open("wb") as out:
            for first in range(0, len(texts), COUNT_CHUNK):
                chunk = texts[first : first + COUNT_CHUNK]
                sizes = np.array([len(text) for text in chunk], dtype=np.int64)
                units = _units("".join(chunk))
                if len(units) != sizes.sum():  # characters beyond the BMP take two units
                    sizes = np.array(
                        [len(text.encode("utf-16-le", "surrogatepass")) // 2 for text in chunk], dtype=np.int64
                    )
                widths = self._widths(units)
                ends = np.cumsum(widths)
                text_ends = np.concatenate(([0], ends))[np.cumsum(sizes)]
                offsets[first + 1 : first + 1 + len(chunk)] = offsets[first] + text_ends
                lengths[first : first + len(chunk)] = sizes
                out.write(self._encode_units(units, widths, ends).tobytes())
        return offsets, lengths

    def _widths(self, units: np.ndarray) -> np.ndarray:
        rank = self.rank[units]
        return np.where(rank < SINGLES, 1, np.where(rank < SHORT, 2, 3)).astype(np.int64)

    def _encode_units(
        self, units: np.ndarray, widths: np.ndarray | None = None, ends: np.ndarray | None = None
    ) -> np.ndarray:
        if widths is None:
            widths = self._widths(units)
            ends = np.cumsum(widths)
        out = np.empty(int(ends[-1]) if len(ends) else 0, dtype=np.uint8)
        at = ends - widths
        rank = self.rank[units]
        one, two, three = widths == 1, widths == 2, widths == 3
        out[at[one]] = rank[one]
        short = rank[two] - SINGLES
        out[at[two]] = 0xC0 + short // TRAILS
        out[at[two] + 1] = 0x80 + short % TRAILS
        unit = units[three].astype(np.int64)
        out[at[three]] = 0xF0 + (unit >> 12)
        out[at[three] + 1] = 0x80 + ((unit >> 6) & 63)
        out[at[three] + 2] = 0x80 + (unit & 63)
        return out

    def _decode_units(self, raw: np.ndarray, starts: np.ndarray | None = None) -> np.ndarray:
        if starts is None:
            starts = np.flatnonzero(_starts(raw))
        padded = np.concatenate((raw, np.full(2, 0x80, dtype=np.uint8))).astype(np.int32)
        first = padded[starts]
        second = padded[starts + 1] - 0x80
        units = np.empty(len(starts), dtype=np.uint16)
        one, three = first < 0x80, first >= 0xF0
        two = ~one & ~three
        units[one] = self._decode_short[first[one]]
        units[two] = self._decode_short[SINGLES + (first[two] - 0xC0) * TRAILS + second[two]]
        units[three] = ((first[three] - 0xF0) << 12) | (second[three] << 6) | (padded[starts[three] + 2] - 0x80)
        return units


def _units(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype="<u2")


def _starts(raw: np.ndarray) -> np.ndarray:
    """Whether each byte begins a character (it is not a trail byte)."""
    return (raw < 0x80) | (raw >= 0xC0)
