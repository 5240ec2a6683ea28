"""Term frequencies stored in four bits: every range of postings reads back the frequencies written."""

import numpy as np

from search.index.frequencies import ESCAPE, Frequencies, save_frequencies


def test_any_range_of_postings_reads_back_its_frequencies(tmp_path):
    rng = np.random.default_rng(5)
    tfs = rng.choice([1, 1, 1, 2, 3, 14, ESCAPE, 16, 200, 255], size=1001).astype(np.uint8)
    save_frequencies(tmp_path, "word", tfs)
    packed = np.load(tmp_path / "word_tf_nibbles.npy")
    frequencies = Frequencies(tmp_path, "word", lambda start, end: packed[start:end])
    assert packed.nbytes == 501
    for start, end in [(0, 1001), (0, 0), (1, 2), (7, 8), (500, 1001), (999, 1001), *rng.integers(0, 1001, (50, 2))]:
        start, end = sorted((int(start), int(end)))
        assert frequencies.read(start, end).tolist() == tfs[start:end].tolist(), (start, end)
