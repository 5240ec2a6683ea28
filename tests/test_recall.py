"""The promise: any string of Chinese characters in a paragraph finds that paragraph."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.query import SearchRequest

CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _paragraphs(engine):
    result = engine.search(SearchRequest(q="", limit=100))
    more = engine.search(SearchRequest(q="", limit=100, page=2))
    return result["hits"] + more["hits"]


def _ids_for(engine, query: str) -> set[str]:
    ids, page = set(), 1
    while True:
        result = engine.search(SearchRequest(q=query, limit=100, page=page))
        ids.update(hit["id"] for hit in result["hits"])
        if page * 100 >= result["total"]:
            return ids
        page += 1


def test_recall_is_one_against_a_substring_scan(engine):
    paragraphs = _paragraphs(engine)
    assert len(paragraphs) == 106
    rng = random.Random(20261124)
    checked = 0
    for paragraph in paragraphs:
        runs = [run for run in CJK_RUN.findall(paragraph["text"]) if len(run) >= 2]
        for _ in range(3):
            run = rng.choice(runs)
            length = rng.randint(1, min(8, len(run)))
            start = rng.randint(0, len(run) - length)
            needle = run[start : start + length]
            expected = {p["id"] for p in paragraphs if needle in p["text"]}
            for query in (needle, f'"{needle}"'):
                found = _ids_for(engine, query)
                assert expected <= found, (query, expected - found)
            checked += 1
    assert checked == 318


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_substrings_quoted_and_unquoted_find_their_paragraph(engine, data):
    paragraphs = _paragraphs(engine)
    paragraph = data.draw(st.sampled_from(paragraphs))
    runs = CJK_RUN.findall(paragraph["text"])
    run = data.draw(st.sampled_from(runs))
    start = data.draw(st.integers(0, len(run) - 1))
    end = data.draw(st.integers(start + 1, min(len(run), start + 12)))
    needle = run[start:end]
    quoted = data.draw(st.booleans())
    query = f'"{needle}"' if quoted else needle
    assert paragraph["id"] in _ids_for(engine, query)
