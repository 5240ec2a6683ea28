"""Every report of an index state as a row of numbers: its required parts (paragraphs, characters), quantified
statements, cue words of missing parts, copied paragraphs and indicator values — built once per state from the
segments' facts (:mod:`search.index.facts`), so that the check and the indicator table of a province are a
selection, a sort and a page, not a pass over every paragraph."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from search.index.arrayfile import map_saved_for, save_arrays
from search.index.docsets import distinct
from search.index.facts import REQUIRED_PARTS, facts_key, segment_facts
from search.query.paging import same_report_files
from search.query.state import IndexState

COPY_RATES_FILE = "copy_rates.arrays"
COPY_RATES_RULES = "copy-rates-1"  # changed whenever how they are counted changes
TABLE_FILE = "report_table.arrays"
TABLE_RULES = "report-table-1"  # changed whenever what the table holds or how it is built changes
COLUMNS = ("township", "county", "province", "level")


class PackedTexts(Sequence):
    """Strings as one UTF-8 buffer and where each starts: an indicator value's text is read for the few rows a
    page shows, and two million Python strings held by every server were 100 MB at eight million paragraphs."""

    def __init__(self, data: np.ndarray, offsets: np.ndarray) -> None:
        self.data, self.offsets = data, offsets

    @classmethod
    def of(cls, texts: list[str]) -> PackedTexts:
        encoded = [text.encode("utf-8") for text in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(item) for item in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, at):
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        at = int(at) + (len(self) if at < 0 else 0)
        if not 0 <= at < len(self):
            raise IndexError("PackedTexts index out of range")
        start, end = self.offsets[at : at + 2].tolist()
        return self.data[start:end].tobytes().decode("utf-8")


@dataclass
class Values:
    """Every indicator value of the state, by document (ascending within each segment)."""

    docs: np.ndarray
    kinds: np.ndarray
    amounts: np.ndarray
    approximate: np.ndarray
    texts: PackedTexts
    sentences: np.ndarray  # where each value's sentence stands in its paragraph's text as written

    def sentence(self, at: int, written: Callable[[int], str]) -> str:
        """The sentence that states value ``at``; ``written(doc)`` gives a paragraph's text as written."""
        start, end = self.sentences[at].tolist()
        return written(int(self.docs[at]))[start:end]


@dataclass
class FirstValues:
    """Aligned arrays, ordered by report then indicator: the value index of each first statement, and how many
    more statements of that indicator its report makes."""

    reports: np.ndarray
    kinds: np.ndarray
    first: np.ndarray
    more: np.ndarray

    def of(self, code: int) -> slice:
        """The entries of one report."""
        return slice(*np.searchsorted(self.reports, [code, code + 1]).tolist())


class ReportTable:
    """Per report code of the state's facet table: the numbers the check and the indicator table show.

    Built from the segments' facts by :func:`build_arrays`, saved by the indexer with the state's other derived
    files and mapped by a server (building took 1.9 s of a server's start and 560 MB at eight million
    paragraphs); its arrays are then read-only."""

    def __init__(self, facets, arrays: dict[str, np.ndarray]) -> None:
        self._facets = facets
        self.reports = len(facets.values["report_id"])
        parts = len(REQUIRED_PARTS)
        # 32-bit document numbers, codes and lengths: five arrays of a number per paragraph are kept, 305 MB
        # at eight million paragraphs as 64-bit numbers.
        self.paragraph_docs, self.paragraph_codes = arrays["paragraph_docs"], arrays["paragraph_codes"]
        self._paragraph_chars = arrays["paragraph_chars"]
        self.paragraphs, self.chars, self.quantified = arrays["paragraphs"], arrays["chars"], arrays["quantified"]
        self.part_paragraphs = arrays["part_paragraphs"].reshape(self.reports, parts)
        self.part_chars = arrays["part_chars"].reshape(self.reports, parts)
        self.mentioned = arrays["mentioned"].reshape(self.reports, parts)
        self.missing = self.part_paragraphs == 0
        self.missing_count = self.missing.sum(axis=1)
        self._docs_by_code, self._chars_by_code = arrays["docs_by_code"], arrays["chars_by_code"]
        self._starts, self.first_doc, self.years = arrays["starts"], arrays["first_doc"], arrays["years"]
        self.columns = {name: arrays[f"column_{name}"] for name in COLUMNS}
        self.values = Values(
            arrays["value_docs"],
            arrays["value_kinds"],
            arrays["value_amounts"],
            arrays["value_approximate"],
            PackedTexts(arrays["value_text_bytes"], arrays["value_text_offsets"]),
            arrays["value_sentences"].reshape(-1, 2),
        )
        self._copied: np.ndarray | None = None
        self._copy_rates: tuple[np.ndarray, np.ndarray] | None = None

    def copied(self, state: IndexState) -> np.ndarray:
        """Per report, its paragraphs that stand near-identical in another report (waits for the clusters), not
        counting those only in another file of the same report (one township's report of one year saved twice)."""
        if self._copied is None:
            clusters = state.clusters()
            shared = clusters.reports[self.paragraph_docs] > 1
            shared &= ~same_report_files(state, clusters).holds(self.paragraph_docs)
            self._copied = np.bincount(self.paragraph_codes[shared], minlength=self.reports)
        return self._copied

    def copy_rates(self, state: IndexState) -> tuple[np.ndarray, np.ndarray]:
        """Per report, the share of its characters in paragraphs near-identical to one in another township's
        report, and (of the rest) to one in its own township's earlier report. Those the indexer saved for this
        state, else counted (waiting for the clusters) and saved for the next server (at 8M paragraphs
        counting took a server's start 3 s and a transient 700 MB)."""
        if self._copy_rates is None:
            self._copy_rates = self._saved_copy_rates(state)
        if self._copy_rates is None:
            self._copy_rates = self._count_copy_rates(state)
            if state.index_dir is not None:
                other, own = self._copy_rates
                header = {"key": _copy_rates_key(state), "reports": self.reports}
                save_arrays(state.index_dir / COPY_RATES_FILE, header, {"other": other, "own": own})
        return self._copy_rates

    def _saved_copy_rates(self, state: IndexState) -> tuple[np.ndarray, np.ndarray] | None:
        if state.index_dir is None:
            return None
        saved = map_saved_for(state.index_dir / COPY_RATES_FILE, key=_copy_rates_key(state), reports=self.reports)
        if saved is None or not {"other", "own"} <= saved[1].keys():
            return None
        other, own = np.array(saved[1]["other"]), np.array(saved[1]["own"])  # copied: the file may be replaced
        return (other, own) if len(other) == len(own) == self.reports else None

    def _count_copy_rates(self, state: IndexState) -> tuple[np.ndarray, np.ndarray]:
        codes = self.paragraph_codes
        labels = state.clusters().label[self.paragraph_docs]
        at = np.flatnonzero(labels >= 0).astype(np.int32)
        labels = labels[at]
        other = np.zeros(len(codes), dtype=bool)
        own = np.zeros(len(codes), dtype=bool)
        if len(at):
            at_codes = codes[at]
            township = self.columns["township"][at_codes].astype(np.int32)
            unknown = township < 0
            township[unknown] = -2 - at_codes[unknown]  # no township known: the report alone
            other[at], own[at] = _copied_elsewhere_or_before(labels, township, self.years[at_codes])
        total = np.maximum(self.chars, 1)
        weights = self._paragraph_chars
        return (
            np.bincount(codes, weights * other, minlength=self.reports) / total,
            np.bincount(codes, weights * own, minlength=self.reports) / total,
        )

    def paragraphs_of(self, code: int) -> np.ndarray:
        """The report's live paragraphs (document numbers, ascending)."""
        return self._docs_by_code[self._starts[code] : self._starts[code + 1]]

    def chars_of(self, code: int) -> np.ndarray:
        """The characters of each of the report's paragraphs, in the order of :meth:`paragraphs_of`."""
        return self._chars_by_code[self._starts[code] : self._starts[code + 1]]

    def value(self, name: str, code: int) -> str:
        """The report's value of a facet (township, county, province, level), "" when it has none."""
        at = int(self.columns[name][code])
        return self._facets.values[name][at] if at >= 0 else ""

    def township(self, code: int) -> str:
        """The report's township as named (城关镇, not the facet's 城关镇（巫山县）: with its county it is one)."""
        at = int(self.columns["township"][code])
        return self._facets.township_names[at] if at >= 0 else ""

    def later_files(self, state: IndexState) -> np.ndarray:
        """Per report, whether it is the later file of a report saved twice: one township's report of one year
        in two files sharing at least half of the shorter one's paragraphs (of two, the one with fewer
        paragraphs, else the later code). None are while the clusters of a large state are being found."""
        clusters = state.clusters_if_ready(start=False)
        if clusters is None:
            return np.zeros(self.reports, dtype=bool)
        return state.memo("later files", id(clusters), lambda: self._later_files(same_report_files(state, clusters)))

    def _later_files(self, twins) -> np.ndarray:
        later = np.zeros(self.reports, dtype=bool)
        for (first, second), count in twins.file_pairs().items():
            if 2 * count >= min(self.paragraphs[first], self.paragraphs[second]):
                later[first if self.paragraphs[first] < self.paragraphs[second] else second] = True
        return later

    def selected_reports(self, selected: np.ndarray) -> np.ndarray:
        """The report codes with a paragraph among ``selected`` (a flag per document), ascending."""
        return distinct(self.paragraph_codes[selected[self.paragraph_docs]])

    def first_values(self, selected: np.ndarray) -> FirstValues:
        """Per (report, indicator) stated among the ``selected`` paragraphs (a flag per document): its first value
        in reading order and how many more there are."""
        values = self.values
        at = np.flatnonzero(selected[values.docs])
        docs = values.docs[at]
        reports = self._facets.codes["report_id"][docs].astype(np.int64)
        kinds = values.kinds[at].astype(np.int64)
        order = np.lexsort((np.arange(len(at)), self._facets.id_keys[docs], kinds, reports))
        keys = reports[order] * 256 + kinds[order]
        unique, first, counts = np.unique(keys, return_index=True, return_counts=True)
        return FirstValues(unique // 256, unique % 256, at[order[first]], counts - 1)


@dataclass
class _PerDocument:
    """Per document of the state: its quantified statements, part cue bits and characters."""

    quantified: np.ndarray
    cues: np.ndarray
    chars: np.ndarray


def build_arrays(state: IndexState) -> dict[str, np.ndarray]:
    """The report table of ``state`` as the one-dimensional arrays :class:`ReportTable` reads, from the
    segments' saved facts."""
    facets = state.facets
    reports = len(facets.values["report_id"])
    per_doc, arrays = _read_facts(state)
    paragraphs = np.flatnonzero(facets.paragraph).astype(np.int32)
    codes = facets.codes["report_id"][paragraphs].astype(np.int32)
    chars = per_doc.chars[paragraphs]
    arrays.update(
        paragraph_docs=paragraphs,
        paragraph_codes=codes,
        paragraph_chars=chars,
        paragraphs=np.bincount(codes, minlength=reports),
        chars=np.bincount(codes, chars, minlength=reports).astype(np.int64),
        quantified=np.bincount(codes, per_doc.quantified[paragraphs], minlength=reports).astype(np.int64),
    )
    arrays.update(_part_counts(codes, chars, _part_index(facets)[paragraphs], reports))
    arrays["mentioned"] = np.stack(
        [
            np.bincount(codes, (per_doc.cues[paragraphs] >> bit) & 1, minlength=reports) > 0
            for bit in range(len(REQUIRED_PARTS))
        ],
        axis=1,
    ).ravel()
    arrays.update(_reports_indexed(facets, paragraphs, codes, chars, arrays["paragraphs"]))
    return arrays


def _part_counts(codes: np.ndarray, chars: np.ndarray, part_index: np.ndarray, reports: int) -> dict[str, np.ndarray]:
    """(paragraphs, characters) per report and required part, flattened, from each paragraph's part position."""
    known = part_index >= 0
    cells = codes[known] * len(REQUIRED_PARTS) + part_index[known]
    size = reports * len(REQUIRED_PARTS)
    return {
        "part_paragraphs": np.bincount(cells, minlength=size),
        "part_chars": np.bincount(cells, chars[known], minlength=size).astype(np.int64),
    }


def _reports_indexed(
    facets, paragraphs: np.ndarray, codes: np.ndarray, chars: np.ndarray, counts: np.ndarray
) -> dict[str, np.ndarray]:
    """Each report's paragraphs grouped, its first paragraph, and the facets that describe it (its year,
    township, county, province, level)."""
    by_code = np.argsort(codes, kind="stable")
    docs_by_code = paragraphs[by_code]
    starts = np.searchsorted(codes[by_code], np.arange(len(counts) + 1))
    first_doc = np.full(len(counts), -1, dtype=np.int64)
    present = counts > 0
    first_doc[present] = docs_by_code[starts[:-1][present]]
    found = {
        "docs_by_code": docs_by_code,
        "chars_by_code": chars[by_code],
        "starts": starts,
        "first_doc": first_doc,
        "years": np.where(first_doc >= 0, facets.years[first_doc], 0),
    }
    for name in COLUMNS:
        found[f"column_{name}"] = np.where(first_doc >= 0, facets.codes[name][first_doc], -1)
    return found


def _read_facts(state: IndexState) -> tuple[_PerDocument, dict[str, np.ndarray]]:
    """The segments' saved facts laid out by the state's document numbers, and every indicator value (as the
    table's ``value_*`` arrays)."""
    total = len(state.facets.paragraph)
    per_doc = _PerDocument(
        np.zeros(total, dtype=np.int32), np.zeros(total, dtype=np.uint8), np.zeros(total, dtype=np.int32)
    )
    docs, kinds, amounts, approximate, texts, sentences = [], [], [], [], [], []
    for segment, offset in state.evaluator.segments:
        facts = segment_facts(segment)
        span = slice(offset, offset + segment.count)
        per_doc.quantified[span] = facts.quantified
        per_doc.cues[span] = facts.cues
        per_doc.chars[span] = segment.text_lengths
        docs.append(facts.value_docs.astype(np.int64) + offset)
        kinds.append(facts.value_kinds)
        amounts.append(facts.value_amounts)
        approximate.append(facts.value_approximate)
        texts += facts.value_texts
        sentences.append(facts.value_sentences)
    packed = PackedTexts.of(texts)
    return per_doc, {
        "value_docs": _joined(docs, np.int64),
        "value_kinds": _joined(kinds, np.uint8),
        "value_amounts": _joined(amounts, np.float64),
        "value_approximate": _joined(approximate, bool),
        "value_text_bytes": packed.data,
        "value_text_offsets": packed.offsets,
        "value_sentences": _joined(sentences, np.int32).ravel(),
    }


def _joined(arrays: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)


def _copied_elsewhere_or_before(
    labels: np.ndarray, townships: np.ndarray, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """For clustered paragraphs (their cluster ``labels``, report ``townships`` and ``years``): whether their
    cluster spans another township; else whether it holds a paragraph of their township's earlier report.

    Without sorting: each cluster gets the township of one of its paragraphs (whichever a scatter writes last),
    and it spans another township exactly when some paragraph of it differs from that one; a cluster that does
    not has one township, so its earliest year is its township's. Numbering (cluster, township) pairs by an
    argsort of one 64-bit key per paragraph took 1.8–2.2 s at eight million paragraphs, this 0.16 s."""
    if not len(labels):
        return np.zeros(0, dtype=bool), np.zeros(0, dtype=bool)
    size = int(labels.max()) + 1
    one_township = np.empty(size, dtype=townships.dtype)
    one_township[labels] = townships
    spans = np.zeros(size, dtype=bool)
    spans[labels[townships != one_township[labels]]] = True
    del one_township
    elsewhere = spans[labels]
    earliest = np.full(size, np.iinfo(years.dtype).max, dtype=years.dtype)
    np.minimum.at(earliest, labels, years)
    return elsewhere, ~elsewhere & (earliest[labels] < years)


def _copy_rates_key(state: IndexState) -> str:
    """The state the copy rates were counted for, and the rules they were counted by."""
    return f"{COPY_RATES_RULES}@{state.layout().key()}"


def _part_index(facets) -> np.ndarray:
    """Per document, the position of its part in REQUIRED_PARTS (-1 for another part or none)."""
    lookup = np.array([REQUIRED_PARTS.index(v) if v in REQUIRED_PARTS else -1 for v in facets.values["part"]] + [-1])
    codes = facets.codes["part"]
    return lookup[np.where(codes >= 0, codes, len(facets.values["part"]))]


def report_table(state: IndexState) -> ReportTable:
    """The state's report table, kept with the state: the one saved for this state, else built (and saved for
    the next server where the index folder is writable)."""
    return state.memo("report_table", "all", lambda: ReportTable(state.facets, _saved_or_built(state)))


def _saved_or_built(state: IndexState) -> dict[str, np.ndarray]:
    if state.index_dir is None:
        return build_arrays(state)
    header = {"key": _table_key(state), "reports": len(state.facets.values["report_id"])}
    saved = map_saved_for(state.index_dir / TABLE_FILE, **header)
    if saved is not None:
        return saved[1]
    arrays = build_arrays(state)
    if save_arrays(state.index_dir / TABLE_FILE, header, arrays):
        # Mapped as the next server maps them: the built arrays (five numbers a paragraph) are not held beside
        # the copy rates counted next, the indexer's peak.
        saved = map_saved_for(state.index_dir / TABLE_FILE, **header)
        return arrays if saved is None else saved[1]
    return arrays


def _table_key(state: IndexState) -> str:
    """The state the table was built for, with the rules of the table and of the facts it is built from."""
    return f"{TABLE_RULES}#{facts_key()}@{state.layout().key()}"
