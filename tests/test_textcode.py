"""The compact code paragraph texts are stored in: every text comes back as it went in, a string is found in
the bytes exactly where it is in the characters, and report prose takes less room than UTF-16."""

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from search.index.textcode import TextCode
from search.ingest.read import read_file

SAMPLES = Path(__file__).resolve().parent.parent / "corpus"

# More characters than take one byte, ASCII, characters beyond the BMP: every code length and lead byte.
ALPHABET = st.sampled_from([chr(c) for c in range(0x4E00, 0x4E00 + 300)] + list("，。\n 0a") + ["😀", "𠀀"])
TEXTS = st.lists(st.text(alphabet=ALPHABET, max_size=200), min_size=1, max_size=30)


def _written(tmp_path: Path, code: TextCode, texts: list[str]) -> tuple[bytes, np.ndarray]:
    offsets, _ = code.write(tmp_path / "texts.coded", texts)
    return (tmp_path / "texts.coded").read_bytes(), offsets


def test_every_text_reads_back_as_written(tmp_path):
    texts = ["依法行政", "", "鬯" * 3 + "😀x", "a\ud800b", "全面推进法治政府建设。" * 50]
    code = TextCode.for_texts(texts)
    data, offsets = _written(tmp_path, code, texts)
    assert [code.decode(data[offsets[i] : offsets[i + 1]]) for i in range(len(texts))] == texts
    assert code.decode_many(data, offsets) == texts


@settings(max_examples=60, deadline=None)
@given(texts=TEXTS, needle=st.text(alphabet=ALPHABET, min_size=1, max_size=4))
def test_a_string_is_found_in_the_bytes_exactly_when_the_text_has_it(tmp_path_factory, texts, needle):
    # The table comes from other texts than the ones searched, as a query's string meets a piece's table.
    code = TextCode.for_texts(texts[: len(texts) // 2 + 1])
    data, offsets = _written(tmp_path_factory.mktemp("code"), code, texts)
    encoded = code.encode(needle)
    for number, text in enumerate(texts):
        found = data.find(encoded, int(offsets[number]), int(offsets[number + 1])) != -1
        assert found == (needle in text), (text, needle)


def test_no_character_is_found_inside_another():
    # 3,500 characters with skewed frequencies: one-, two- and three-byte codes under every lead byte.
    rng = np.random.default_rng(7)
    alphabet = [chr(0x4E00 + i) for i in range(3500)]
    weights = 1 / np.arange(1, 3501)
    texts = ["".join(rng.choice(alphabet, size=300, p=weights / weights.sum())) for _ in range(40)]
    code = TextCode.for_texts(texts)
    encoded = [code.encode(text) for text in texts]
    assert {len(code.encode(c)) for c in alphabet} == {1, 2, 3}
    assert [code.decode(data) for data in encoded] == texts
    for character in alphabet:
        needle = code.encode(character)
        assert [needle in data for data in encoded] == [character in text for text in texts], character


def test_report_prose_takes_a_third_less_room_than_utf16(tmp_path):
    texts = [line for path in sorted(SAMPLES.glob("*.txt")) for line in read_file(path).lines if line]
    code = TextCode.for_texts(texts)
    _, offsets = _written(tmp_path, code, texts)
    utf16 = sum(len(text.encode("utf-16-le")) for text in texts)
    assert offsets[-1] < 0.7 * utf16


def test_lengths_count_utf16_units(tmp_path):
    texts = ["法治", "😀a", ""]
    _, lengths = TextCode.for_texts(texts).write(tmp_path / "texts.coded", texts)
    assert lengths.tolist() == [2, 3, 0]
