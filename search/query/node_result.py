"""What a query node matched (:class:`Result`: documents with aligned flags and scores at each level of
match) and how the results of a node's parts combine: coordination, cover, element-wise reductions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from search.index.docsets import select

RELATED_COORDINATION = 0.5
OPTIONAL_COVER = 0.01


@dataclass
class Result:
    """A node's matches: ``docs``, ascending, are every document it matches at any level, and the other
    arrays are aligned with them (``mask[i]`` is whether ``docs[i]`` is a strict match)."""

    docs: np.ndarray
    mask: np.ndarray
    score: np.ndarray
    cover: np.ndarray | None = None
    near: np.ndarray | None = None

    @classmethod
    def of(cls, docs: np.ndarray, score: np.ndarray | None = None) -> Result:
        """Strict matches only: ``docs`` (ascending), scored ``score`` (zero without)."""
        if score is None:
            score = np.zeros(len(docs), dtype=np.float32)
        return cls(docs, np.ones(len(docs), dtype=bool), score.astype(np.float32, copy=False))

    @property
    def strict(self) -> np.ndarray:
        """The strictly matching documents, ascending."""
        return self.docs if self.mask.all() else select(self.docs, self.mask)

    def covered(self) -> np.ndarray:
        """Fraction of the node's concepts present in each document."""
        return self.mask.astype(np.float32) if self.cover is None else self.cover

    def nearly(self) -> np.ndarray:
        """Documents that match when related terms count."""
        return self.mask if self.near is None else self.near

    def on(self, docs: np.ndarray, at: np.ndarray) -> Result:
        """This result over ``docs``, a superset of its documents (the others match at no level); ``at`` is
        where its documents are in ``docs``."""
        if len(docs) == len(self.docs):
            return self
        return Result(
            docs,
            _spread(self.mask, at, len(docs)),
            _spread(self.score, at, len(docs)),
            None if self.cover is None else _spread(self.cover, at, len(docs)),
            None if self.near is None else _spread(self.near, at, len(docs)),
        )

    def keeping(self, keep: np.ndarray) -> Result:
        """The documents where boolean ``keep`` holds."""
        if keep.all():
            return self
        return Result(
            select(self.docs, keep),
            select(self.mask, keep),
            select(self.score, keep),
            None if self.cover is None else select(self.cover, keep),
            None if self.near is None else select(self.near, keep),
        )

    def compact(self) -> Result:
        """Without the documents that match at no level (left by an exclusion)."""
        return self.keeping(self.nearly() | (self.covered() > 0))


def _spread(values: np.ndarray, at: np.ndarray, size: int) -> np.ndarray:
    spread = np.zeros(size, dtype=values.dtype)
    spread[at] = values
    return spread


def coordination(parts: list[Result], weights: list[float] | None = None) -> np.ndarray:
    """How fully each document answers the parts of a query: a part present counts 1 (or its weight, when
    given), a part present only through a related term ½ of that (a strict match scores ×1; a partial match
    with related evidence for what it lacks ranks above one without)."""
    related = np.float32(RELATED_COORDINATION)
    total = np.zeros(len(parts[0].mask), dtype=np.float32)
    if _equal(weights):
        for part in parts:  # summed as they come: at five million matches each part's array is 20 MB
            total += np.maximum(part.mask.astype(np.float32), related * part.nearly())
        total /= len(parts)
        return total
    for part, share in zip(parts, _shares(weights), strict=True):
        total += np.maximum(part.mask.astype(np.float32), related * part.nearly()) * share
    return total


def cover_of(parts: list[Result], required: list[Result], weights: list[float] | None = None) -> np.ndarray:
    """The share of the required parts each document has (each part counting its weight, when given); a
    document with none of them but an optional one (a concept most paragraphs have) gets OPTIONAL_COVER, so
    that it is still listed, last."""
    if _equal(weights):
        cover = mean([r.covered() for r in required]).astype(np.float32)
    else:
        cover = combined(np.add, [r.covered() * s for r, s in zip(required, _shares(weights), strict=True)])
    if len(required) < len(parts):
        some = combined(np.logical_or, [r.mask for r in parts])
        cover = np.maximum(cover, some * np.float32(OPTIONAL_COVER))
    return cover


def _equal(weights: list[float] | None) -> bool:
    return weights is None or len(set(weights)) <= 1


def _shares(weights: list[float]) -> np.ndarray:
    return (np.asarray(weights, dtype=np.float32) / np.float32(sum(weights))).astype(np.float32)


def combined(operation: np.ufunc, arrays: list[np.ndarray]) -> np.ndarray:
    """``operation.reduce(arrays)`` (aligned arrays) without first copying them all into one stacked array:
    the same values, combined in the same order."""
    result = arrays[0].astype(np.result_type(*arrays), copy=True)
    for array in arrays[1:]:
        operation(result, array, out=result)
    return result


def mean(arrays: list[np.ndarray]) -> np.ndarray:
    """``np.mean(arrays, axis=0)`` without stacking them (see :func:`_combined`)."""
    total = combined(np.add, arrays)
    total /= len(arrays)
    return total
