"""The Lucene-class peer: tantivy (Rust) over the same jieba tokens, answering the same searches.

Like the FTS5 peer (``peer.py``) it indexes each paragraph's tokens (words and sub-words, as our
index holds them) joined by spaces, and for each query computes the top 10 by BM25, the total and
the facet counts (township, county, province, year, part, topic), each facet counted under every
filter but its own, as ours are. Grouped queries take the first hit of each group among the top
1,000, which is what a tantivy user without a grouping collector would do.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import tantivy

from search.index.analyze import fold, word_tokens, words

from .peer import FACET_COLUMNS, _chunks

TEXT_FACETS = ("township", "county", "province", "part")
GROUP_WINDOW = 1000
FACET_SIZE = 10_000


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("tokens", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    for name in (*TEXT_FACETS, "topic"):
        builder.add_text_field(name, stored=name != "topic", tokenizer_name="raw", fast=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    return builder.build()


def build(directory: Path, documents, threads: int = 2) -> float:
    """Index the documents into ``directory`` (replaced); return seconds, tokenizing included."""
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    started = time.perf_counter()
    index = tantivy.Index(schema(), path=str(directory))
    writer = index.writer(heap_size=256_000_000, num_threads=threads)
    for doc in documents:
        fields = {
            "tokens": " ".join(word for word, *_ in word_tokens(fold(doc["text"]), subwords=True)),
            "id": doc["id"],
            "year": int(doc["year"] or 0),
            "topic": doc["topics"],
            **{name: doc[name] or "" for name in TEXT_FACETS},
        }
        writer.add_document(tantivy.Document(**fields))
    writer.commit()
    writer.wait_merging_threads()
    return time.perf_counter() - started


def size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


class TantivyPeer:
    def __init__(self, directory: Path) -> None:
        self.index = tantivy.Index.open(str(directory))
        self.schema = self.index.schema

    def close(self) -> None:
        self.index = None

    def search(self, query: str, filters: dict[str, list], group_by: str | None = None) -> dict:
        searcher = self.index.searcher()
        text = self._text_query(query)
        everything = self._with_filters(text, filters)
        found = searcher.search(everything, GROUP_WINDOW if group_by else 10, count=True)
        if group_by:
            top = self._grouped(searcher, found.hits, group_by)
        else:
            top = [searcher.doc(address)["id"][0] for _, address in found.hits]
        return {"top": top, "total": found.count, "facets": self._facets(searcher, text, filters)}

    def _facets(self, searcher: tantivy.Searcher, text: tantivy.Query, filters: dict[str, list]) -> dict:
        """One aggregation for the facets no filter touches, one more per filtered facet."""
        names = (*FACET_COLUMNS, "topic")
        free = [name for name in names if name not in filters]
        facets = {}
        if free:
            facets.update(self._aggregate(searcher, self._with_filters(text, filters), free))
        for name in names:
            if name in filters:
                others = {k: v for k, v in filters.items() if k != name}
                facets.update(self._aggregate(searcher, self._with_filters(text, others), [name]))
        return facets

    @staticmethod
    def _aggregate(searcher: tantivy.Searcher, query: tantivy.Query, names: list[str]) -> dict:
        request = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in names}
        answer = searcher.aggregate(query, request)
        return {name: [(b["key"], b["doc_count"]) for b in answer[name]["buckets"]] for name in names}

    @staticmethod
    def _grouped(searcher: tantivy.Searcher, hits: list, group_by: str) -> list[str]:
        seen, top = set(), []
        for _, address in hits:
            stored = searcher.doc(address)
            group = stored.get_first(group_by)
            if group not in seen:
                seen.add(group)
                top.append(stored["id"][0])
            if len(top) == 10:
                break
        return top

    def _text_query(self, query: str) -> tantivy.Query:
        parts = []
        for chunk in _chunks(query):
            tokens = words(fold(chunk.strip('"')))
            if len(tokens) == 1:
                parts.append(tantivy.Query.term_query(self.schema, "tokens", tokens[0]))
            else:
                parts.append(tantivy.Query.phrase_query(self.schema, "tokens", tokens))
        return self._all_of(parts)

    def _with_filters(self, text: tantivy.Query, filters: dict[str, list]) -> tantivy.Query:
        parts = [text]
        for name, values in filters.items():
            if name == "year":
                ranges = [
                    tantivy.Query.range_query(self.schema, "year", tantivy.FieldType.Integer, start or 0, end or 9999)
                    for start, end in values
                ]
                parts.append(tantivy.Query.boolean_query([(tantivy.Occur.Should, r) for r in ranges]))
            else:
                parts.append(tantivy.Query.term_set_query(self.schema, name, list(values)))
        return self._all_of(parts)

    @staticmethod
    def _all_of(parts: list[tantivy.Query]) -> tantivy.Query:
        if len(parts) == 1:
            return parts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, part) for part in parts])
