"""The peer: SQLite FTS5 over the same jieba tokens, answering the same searches.

For each query it computes what our search computes, minus snippets: the top 10
by BM25, the total, and the facet counts (township, county, province, year,
part, topic). Queries without an FTS5 equivalent (similar paragraphs) are skipped.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from search.index.analyze import fold, word_tokens, words

FACET_COLUMNS = ("township", "county", "province", "year", "part")


def build(database: Path, documents) -> float:
    """Index (id, text, township, county, province, year, part, topics) rows; return seconds."""
    database.unlink(missing_ok=True)
    started = time.perf_counter()
    connection = sqlite3.connect(str(database))
    connection.executescript("""
        CREATE VIRTUAL TABLE p USING fts5(tokens, tokenize = 'unicode61');
        CREATE TABLE meta(rowid INTEGER PRIMARY KEY, id TEXT, township TEXT, county TEXT, province TEXT,
                          year INTEGER, part TEXT);
        CREATE TABLE topic(rowid INTEGER, topic TEXT);
    """)
    for rowid, doc in enumerate(documents, 1):
        tokens = " ".join(word for word, *_ in word_tokens(fold(doc["text"]), subwords=True))
        connection.execute("INSERT INTO p(rowid, tokens) VALUES (?, ?)", (rowid, tokens))
        connection.execute(
            "INSERT INTO meta VALUES (?, ?, ?, ?, ?, ?, ?)",
            (rowid, doc["id"], doc["township"], doc["county"], doc["province"], doc["year"], doc["part"]),
        )
        connection.executemany("INSERT INTO topic VALUES (?, ?)", [(rowid, t) for t in doc["topics"]])
    connection.executescript("CREATE INDEX topic_rowid ON topic(rowid); INSERT INTO p(p) VALUES('optimize');")
    connection.commit()
    connection.close()
    return time.perf_counter() - started


def match_expression(query: str) -> str:
    """The FTS5 MATCH for one of our benchmark queries (words AND'ed, quotes as phrases)."""
    parts = []
    for chunk in _chunks(query):
        tokens = words(fold(chunk.strip('"')))
        parts.append('"' + " ".join(tokens) + '"')
    return " AND ".join(parts)


def _chunks(query: str) -> list[str]:
    chunks, current, quoted = [], "", False
    for char in query:
        if char == '"':
            quoted = not quoted
            current += char
        elif char == " " and not quoted:
            if current:
                chunks.append(current)
            current = ""
        else:
            current += char
    if current:
        chunks.append(current)
    return chunks


class Peer:
    def __init__(self, database: Path) -> None:
        self.connection = sqlite3.connect(str(database), check_same_thread=False)

    def close(self) -> None:
        self.connection.close()

    def search(self, query: str, filters: dict[str, list], group_by: str | None = None) -> dict:
        match = match_expression(query)
        where, params = _filter_sql(filters)
        base = f"FROM p JOIN meta m ON m.rowid = p.rowid WHERE p MATCH ? {where}"
        run = self.connection.execute
        if group_by:
            top = run(
                f"""WITH hits AS (SELECT m.id AS id, m.{group_by} AS grp, bm25(p) AS s {base})
                          SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY grp ORDER BY s) AS r,
                                                 min(s) OVER (PARTITION BY grp) AS best FROM hits)
                          WHERE r = 1 ORDER BY best LIMIT 10""",
                (match, *params),
            ).fetchall()
        else:
            top = run(f"SELECT m.id, bm25(p) AS s {base} ORDER BY s LIMIT 10", (match, *params)).fetchall()
        total = run(f"SELECT count(*) {base}", (match, *params)).fetchone()[0]
        facets = {}
        for column in FACET_COLUMNS:
            others, other_params = _filter_sql({k: v for k, v in filters.items() if k != column})
            facets[column] = run(
                f"SELECT m.{column}, count(*) FROM p JOIN meta m ON m.rowid = p.rowid "
                f"WHERE p MATCH ? {others} GROUP BY 1",
                (match, *other_params),
            ).fetchall()
        others, other_params = _filter_sql({k: v for k, v in filters.items() if k != "topic"})
        facets["topic"] = run(
            f"SELECT t.topic, count(*) FROM p JOIN meta m ON m.rowid = p.rowid "
            f"JOIN topic t ON t.rowid = p.rowid WHERE p MATCH ? {others} GROUP BY 1",
            (match, *other_params),
        ).fetchall()
        return {"top": [row[0] for row in top], "total": total, "facets": facets}


def _filter_sql(filters: dict[str, list]) -> tuple[str, list]:
    clauses, params = [], []
    for name, values in filters.items():
        if name == "year":
            ranges = []
            for start, end in values:
                ranges.append("m.year BETWEEN ? AND ?")
                params += [start or 0, end or 9999]
            clauses.append("(" + " OR ".join(ranges) + ")")
        elif name == "topic":
            clauses.append(f"m.rowid IN (SELECT rowid FROM topic WHERE topic IN ({','.join('?' * len(values))}))")
            params += values
        else:
            clauses.append(f"m.{name} IN ({','.join('?' * len(values))})")
            params += values
    return ("AND " + " AND ".join(clauses)) if clauses else "", params
