"""Chinese analysis: word positions, sub-words, grams, folding, dictionary."""

from __future__ import annotations

from search.index.analyze import fold, parts_of, query_grams, word_tokens, words
from search.index.terms import SHIFT, gram_keys


def test_positions_count_words_not_characters():
    tokens = [(w, p) for w, p, _, _ in word_tokens("聘请律师担任法律顾问", subwords=False)]
    assert [w for w, _ in tokens] == ["聘请", "律师", "担任", "法律顾问"]
    assert [p for _, p in tokens] == [0, 1, 2, 3]


def test_subwords_share_their_parents_position_when_indexing():
    tokens = list(word_tokens("担任法律顾问", subwords=True))
    parent = next(t for t in tokens if t[0] == "法律顾问")
    for sub in ("法律", "顾问"):
        token = next(t for t in tokens if t[0] == sub)
        assert token[1] == parent[1]


def test_query_text_is_never_split_into_subwords():
    assert words("担任法律顾问") == ["担任", "法律顾问"]
    index_terms = [w for w, *_ in word_tokens("担任法律顾问", subwords=True)]
    assert "法律" in index_terms and "顾问" in index_terms


def test_punctuation_breaks_a_phrase():
    tokens = {w: p for w, p, _, _ in word_tokens("法律顾问，制度", subwords=False)}
    assert tokens["制度"] - tokens["法律顾问"] == 2


def test_domain_words_and_place_names_stay_whole():
    assert "行政执法证" in words("对未持有行政执法证的人员")
    assert "北屏乡" in words("北屏乡法治政府建设工作")
    assert "第一责任人" in words("切实履行第一责任人职责")


def test_every_character_starts_exactly_one_gram():
    def key(pair: str) -> int:
        return (ord(pair[0]) << SHIFT) | (ord(pair[1]) if len(pair) > 1 else 0)

    expected = {key(g) for g in ["顾问", "问制", "制度", "度", "20", "02", "0年", "年"]}
    assert set(gram_keys("顾问制度。2020年").tolist()) == expected


def test_query_grams_are_bigrams_of_each_run():
    assert query_grams("顾问制度") == [["顾问", "问制", "制度"]]
    assert query_grams("法") == [["法"]]
    assert query_grams("顾问，制度") == [["顾问"], ["制度"]]


def test_traditional_is_folded_to_simplified_without_moving_offsets():
    assert fold("法律顧問制度") == "法律顾问制度"
    assert fold("執法證") == "执法证"
    assert len(fold("調解委員會")) == len("調解委員會")
    assert fold("ABC") == "abc"


def test_index_words_equal_the_tokenizer_with_subwords(sample_reports):
    """The indexer counts words with rjieba's search mode plus long sub-words; it must equal word_tokens."""
    from collections import Counter

    from search.index.analyze import index_words

    for report in sample_reports.values():
        for paragraph in report.paragraphs:
            text = fold(paragraph.text)
            assert index_words(text) == Counter(word for word, *_ in word_tokens(text, subwords=True))


def test_long_dictionary_words_inside_longer_words_are_indexed():
    from search.index.analyze import index_words

    assert index_words("落实政府法律顾问制度")["法律顾问"] == 1


def test_a_word_is_read_as_the_words_it_is_made_of_not_across_them():
    assert parts_of("人民调解") == ["人民", "调解"]
    assert parts_of("重大行政决策") == ["重大", "行政决策"]
