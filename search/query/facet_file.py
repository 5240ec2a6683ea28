"""A state's facet table saved with the index's derived files and mapped by the next server.

Building the table from the segments took 2.9 s of a server's start at eight million paragraphs (a code per
document and facet remapped from each segment's own value list, townships keyed by county, the report
columns). The indexer saves it after its commit, or the first server that builds it does; a later server
maps it. The key names the state: its segments and how many documents of each are deleted (deletions only
grow), with the rules the table is built by."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from search.index.arrayfile import map_arrays, save_arrays
from search.query.facets import CODED_FACETS, FacetTable, in_vocabulary_order

FACETS_FILE = "facets.arrays"
FACETS_RULES = "facets-3"  # changed whenever what the table holds or how it is built changes
_PER_DOCUMENT = ("paragraph", "years", "id_keys", "live")


def facets_key(segments: list[tuple[str, int, int]]) -> str:
    """The key of a state of ``segments`` (segment id, documents, deleted documents)."""
    return FACETS_RULES + "#" + "|".join(f"{name}:{count}:{deleted}" for name, count, deleted in segments)


def save_facets(index_dir: Path, key: str, facets: FacetTable) -> bool:
    """Save ``facets`` under ``key``; False where the index folder is not writable."""
    arrays = {name: getattr(facets, name) for name in _PER_DOCUMENT}
    arrays.update({f"code_{name}": facets.codes[name] for name in CODED_FACETS})
    arrays.update({f"report_{name}": column for name, column in facets.by_report.items()})
    topics = facets.topic_bits if facets.topic_bits is not None else facets.topics.ravel()
    header = {
        "key": key,
        "documents": len(facets.paragraph),
        "values": facets.values,
        "township_names": facets.township_names,
        "by_report": list(facets.by_report),
        "topic_columns": facets.topic_columns,
        "topic_bits": facets.topic_bits is not None,
    }
    return save_arrays(Path(index_dir) / FACETS_FILE, header, {**arrays, "topics": topics})


@dataclass
class SavedFacets:
    """The facet table saved in the index folder, and the state it was saved for: its key and its segments
    (segment id, documents, deleted documents). That state's table as it is; a later state may grow from it
    (:mod:`search.query.facet_growth`)."""

    table: FacetTable
    key: str
    segments: list[tuple[str, int, int]]

    def for_state(self, key: str, total: int) -> FacetTable | None:
        """The table when it was saved for the state ``key`` names (of ``total`` documents), else None."""
        return self.table if self.key == key and len(self.table.paragraph) == total else None


def load_saved_facets(index_dir: Path | None) -> SavedFacets | None:
    """The saved facet table, its arrays mapped read-only, whatever state it was saved for; None when none is
    saved by today's rules or the file cannot be read. Read once per state loaded: mapping the file and
    reading its header is 45 ms at eight million paragraphs."""
    if index_dir is None:
        return None
    try:
        header, arrays = map_arrays(Path(index_dir) / FACETS_FILE)
        key = str(header["key"])
        rules, _, segments = key.partition("#")
        if rules != FACETS_RULES or int(header["documents"]) != len(arrays["paragraph"]):
            return None
        return SavedFacets(
            _restored(header, arrays), key, [_segment_of(entry) for entry in segments.split("|") if entry]
        )
    except (OSError, KeyError, TypeError, ValueError):
        return None


def _segment_of(entry: str) -> tuple[str, int, int]:
    """(segment id, documents, deleted documents) of one ``name:count:deleted`` of a key."""
    name, count, deleted = entry.rsplit(":", 2)
    return name, int(count), int(deleted)


def _restored(header: dict, arrays: dict[str, np.ndarray]) -> FacetTable:
    facets = FacetTable.__new__(FacetTable)
    for name in _PER_DOCUMENT:
        setattr(facets, name, arrays[name])
    facets.values = header["values"]
    facets.codes = {name: arrays[f"code_{name}"] for name in CODED_FACETS}
    facets.topic_columns = int(header["topic_columns"])
    bits = bool(header["topic_bits"])
    facets.topic_bits = arrays["topics"] if bits else None
    facets.topics = None if bits else arrays["topics"].reshape(len(facets.paragraph), facets.topic_columns)
    facets.township_names = header["township_names"]
    facets.topic_order = in_vocabulary_order(facets.values["topic"])
    facets.by_report = {name: arrays[f"report_{name}"] for name in header["by_report"]}
    facets._report_documents = None
    facets._paragraph_reports = None
    return facets
