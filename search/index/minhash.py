"""What near-duplicate detection computes when a segment is written: MinHash over character shingles, LSH bands.

Townships copy paragraphs from each other's reports and from their own earlier ones, changing the
place name, the level words (镇政府 → 乡政府) and the figures. A paragraph is compared by its *body*: its
folded text without numbers, self references (我乡, 本镇 …) and punctuation, its level words made one (data
file ``level_words.json``), cut into overlapping 4-character shingles.

Signatures are datasketch MinHashes (scheme ``affine32``: the shingle hash pre-mixed with the MurmurHash3
finalizer, then ``a·h + b`` mod 2³² per permutation, with datasketch's own seeded permutations), computed for
a whole segment at once with NumPy — the values ``datasketch.MinHash.update_batch`` gives one paragraph at a
time (tests/test_duplicates.py checks that). Only their LSH band keys are stored, beside each segment, so a
reindex computes them only for the reports it adds. Bands and rows are datasketch's choice for the candidate
threshold (:data:`CANDIDATE_THRESHOLD`, well below the copy score :mod:`search.index.clusters` verifies: a
copy with a sentence added keeps the shorter paragraph almost whole, while the Jaccard similarity the bands
estimate falls to about 0.45). A short paragraph loses most to one added sentence (two sentences of 50
characters and one more: Jaccard 0.4), so a body of at most :data:`SHORT_BODY` characters also gets
:data:`SHORT_BANDS` bands of :data:`SHORT_ROWS` rows of the same signature; a longer body has none there
(:data:`NO_BAND`), so the extra candidates stay among the short paragraphs. A key is 32 bits: a chance
collision only adds a pair for the copy score to reject.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache

import numpy as np

from search.data import DATA
from search.index.analyze import RUN
from search.index.docsets import distinct
from search.index.figures import SENTENCE

SELF_REFERENCE = re.compile(r"[我本全该此][乡镇街区县村]|街道|\d+")
# Villages or communities named in a list (在张家湾村、李家坪村开展…): a copier renames them as the township's
# own name, so a copy keeps none of the names a list gives, wherever the paragraph repeats them.
LISTED_VILLAGE = re.compile(r"(?<=、)[\u4e00-\u9fff]{2,3}(?:村|社区)|[\u4e00-\u9fff]{2,3}(?:村|社区)(?=、)")
SHINGLE = 4
BODY_VERSION = "5"  # 2: level words made one; 3: 16 bands of 4 rows; 4: short bodies' bands, 32-bit keys; 5: villages
NUM_PERM = 64
SEED = 1
CANDIDATE_THRESHOLD = 0.45
BANDS, ROWS = 16, 4
SHORT_BODY = 100
SHORT_BANDS, SHORT_ROWS = 21, 3
MIN_BODY = 30
BATCH_SHINGLES = 200_000
NO_BAND = np.uint32((1 << 32) - 1)
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)
_BAND_MULTIPLIER = np.uint64(0x100000001B3)


@lru_cache(maxsize=1)
def _level_words() -> tuple[re.Pattern, dict[str, str]]:
    """The level words a copier swaps (data/level_words.json): a pattern of them all, longest first, and the
    word each stands for."""
    groups = json.loads((DATA / "level_words.json").read_text(encoding="utf-8"))["same"]
    canonical = {word: group[0] for group in groups for word in group}
    pattern = re.compile("|".join(re.escape(word) for word in sorted(canonical, key=len, reverse=True)))
    return pattern, canonical


@lru_cache(maxsize=1)
def body_rules() -> str:
    """Names the rules a body and its band keys are made by, for the band keys and clusters saved under them:
    when the rules, the bands or data/level_words.json change, both are made again rather than mixed with the
    old ones."""
    digest = hashlib.sha256(f"{BODY_VERSION}:{BANDS}x{ROWS}:{SHORT_BODY}:{SHORT_BANDS}x{SHORT_ROWS}".encode())
    digest.update((DATA / "level_words.json").read_bytes())
    return digest.hexdigest()[:12]


def body_of(folded: str, places: tuple[str, ...] = ()) -> str:
    """What a copy keeps of a paragraph: its words without numbers, self references, punctuation, the villages
    it lists and (when given) its report's own place names, its level words (乡/镇/街道, 镇政府/街道办事处 …) made
    one."""
    return "".join(RUN.findall(_kept(folded, places)))


def sentence_bodies(folded: str, places: tuple[str, ...] = ()) -> list[str]:
    """:func:`body_of` each sentence of a paragraph (:data:`search.index.figures.SENTENCE`)."""
    return ["".join(RUN.findall(sentence)) for sentence in SENTENCE.findall(_kept(folded, places))]


def _kept(folded: str, places: tuple[str, ...]) -> str:
    for place in places:
        if place:
            folded = folded.replace(place, "")
    pattern, canonical = _level_words()
    listed = LISTED_VILLAGE.findall(folded) if "、" in folded else ()  # every paragraph's body is made so
    for village in sorted(set(listed), key=len, reverse=True):
        folded = folded.replace(village, "")
    return SELF_REFERENCE.sub("", pattern.sub(lambda match: canonical[match.group()], folded))


def _window_hashes(codes: np.ndarray) -> np.ndarray:
    """32-bit hashes of every SHINGLE-character window of ``codes`` (uint64 code points)."""
    windows = len(codes) - SHINGLE + 1
    value = np.zeros(max(windows, 0), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            value = value * np.uint64(0x1F3D5B79) + codes[k : k + windows]
    return ((value ^ (value >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def shingle_hashes(body: str, minimum: int = MIN_BODY) -> np.ndarray:
    """Sorted distinct 32-bit hashes of the body's 4-character shingles (empty below ``minimum`` characters:
    a paragraph's; one sentence of it may be shorter)."""
    if len(body) < max(minimum, SHINGLE):
        return np.zeros(0, dtype=np.uint32)
    return distinct(_window_hashes(_code_points(body)))


def shingle_sets(bodies: list[str]) -> list[np.ndarray]:
    """:func:`shingle_hashes` of each body, hashed in one pass over them all: a window's hash depends only on
    its characters, so the windows of the bodies joined are theirs, less those across a join (one by one,
    NumPy's fixed cost per call dominated)."""
    kept = [i for i, body in enumerate(bodies) if len(body) >= MIN_BODY]
    found = [np.zeros(0, dtype=np.uint32) for _ in bodies]
    if not kept:
        return found
    lengths = np.array([len(bodies[i]) for i in kept])
    owner = np.repeat(np.arange(len(kept), dtype=np.uint64), lengths)
    hashes = _window_hashes(_code_points("".join(bodies[i] for i in kept)))
    within = owner[: len(hashes)] == owner[SHINGLE - 1 :]
    keys = distinct((owner[: len(hashes)][within] << np.uint64(32)) | hashes[within].astype(np.uint64))
    bounds = np.searchsorted(keys >> np.uint64(32), np.arange(len(kept) + 1, dtype=np.uint64))
    values = (keys & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    for at, i in enumerate(kept):
        found[i] = values[bounds[at] : bounds[at + 1]]
    return found


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted distinct shingle-hash arrays."""
    if not len(first) or not len(second):
        return 0.0
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common)


@lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutations for NUM_PERM and SEED (odd ``a``, any ``b``, from the same seeded
    generator), made here: importing datasketch imports scipy, half a second in every reindex's process.
    tests/test_duplicates.py checks they are datasketch's."""
    generator = np.random.RandomState(SEED)
    a = generator.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def bands_and_rows() -> tuple[int, int]:
    """(bands, rows per band) that datasketch's MinHashLSH picks for CANDIDATE_THRESHOLD over NUM_PERM
    (its optimisation integrates with scipy; the test suite checks the pair against it)."""
    return BANDS, ROWS


def _fmix32(values: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    values = values ^ (values >> s1)
    values = values * m1
    values = values ^ (values >> s2)
    values = values * m2
    return values ^ (values >> s3)


def signatures(bodies: list[str]) -> np.ndarray:
    """MinHash signatures (n × NUM_PERM, uint32) of the bodies' shingle sets; a body shorter than MIN_BODY
    gets a row of all ones. Equal to datasketch's ``MinHash.update_batch`` over :func:`shingle_hashes`
    (a shingle seen twice does not change a minimum), computed for many bodies at once."""
    a, b = _permutations()
    result = np.full((len(bodies), NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    rows = [i for i, text in enumerate(bodies) if len(text) >= MIN_BODY]
    for batch in _batches(rows, bodies):
        codes = _code_points("".join(bodies[i] for i in batch))
        lengths = np.array([len(bodies[i]) for i in batch])
        ends = np.cumsum(lengths)
        hashes = _window_hashes(codes)
        window_starts = np.concatenate(([0], ends[:-1]))
        inside = np.ones(len(hashes), dtype=bool)
        for k in range(1, SHINGLE):  # windows that run across into the next body
            inside[ends[:-1] - k] = False
        hashes = _fmix32(hashes[inside])
        starts = window_starts - np.arange(len(batch)) * (SHINGLE - 1)
        minima = np.empty((NUM_PERM, len(batch)), dtype=np.uint32)
        with np.errstate(over="ignore"):
            for j in range(NUM_PERM):
                minima[j] = np.minimum.reduceat(hashes * a[j] + b[j], starts)
        result[batch] = minima.T
    return result


def _batches(rows: list[int], bodies: list[str]):
    batch, size = [], 0
    for i in rows:
        batch.append(i)
        size += len(bodies[i])
        if size >= BATCH_SHINGLES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def band_columns() -> int:
    """How many band keys a paragraph has: BANDS, then SHORT_BANDS (NO_BAND for a body longer than SHORT_BODY)."""
    return BANDS + SHORT_BANDS


def _band_rows() -> list[list[int]]:
    """The signature rows of each band: BANDS runs of ROWS; then SHORT_BANDS bands of SHORT_ROWS rows taken
    SHORT_BANDS apart, so that no short band repeats a run of the others."""
    runs = [list(range(band * ROWS, (band + 1) * ROWS)) for band in range(BANDS)]
    spread = [[band + row * SHORT_BANDS for row in range(SHORT_ROWS)] for band in range(SHORT_BANDS)]
    return runs + spread


def band_keys(signature_rows: np.ndarray, has_body: np.ndarray, short: np.ndarray | None = None) -> np.ndarray:
    """One 32-bit key per LSH band and paragraph (n × :func:`band_columns`, uint32): NO_BAND for paragraphs
    without a body, and in the short bands for those not ``short``."""
    n = len(signature_rows)
    keys = np.zeros((n, band_columns()), dtype=np.uint32)
    with np.errstate(over="ignore"):
        for band, rows in enumerate(_band_rows()):
            key = np.full(n, np.uint64(band + 1))
            for row in rows:
                key = key * _BAND_MULTIPLIER + signature_rows[:, row].astype(np.uint64)
            folded = ((key ^ (key >> np.uint64(32))) & np.uint64(0xFFFFFFFF)).astype(np.uint32)
            keys[:, band] = np.where(folded == NO_BAND, NO_BAND - np.uint32(1), folded)
    keys[:, BANDS:][~(has_body if short is None else short)] = NO_BAND
    keys[~has_body] = NO_BAND
    return keys


def bands_of_texts(folded_texts: list[str]) -> np.ndarray:
    """Band keys of folded paragraph texts, as stored beside a segment."""
    bodies = [body_of(text) for text in folded_texts]
    lengths = np.array([len(body) for body in bodies], dtype=np.int64)
    return band_keys(signatures(bodies), lengths >= MIN_BODY, lengths <= SHORT_BODY)
