"""Arrays saved for servers and mapped back: the same values, read-only, and a damaged file is an error."""

from __future__ import annotations

import numpy as np
import pytest

from search.index.arrayfile import map_arrays, read_header, save_arrays


def test_saved_arrays_map_back_equal_and_read_only(tmp_path):
    path = tmp_path / "a.arrays"
    arrays = {
        "label": np.array([-1, 3, 3, -1, 7], dtype=np.int64),
        "similarity": np.array([0.0, 1.0, 0.895, 0.0, 1.0]),
        "reports": np.arange(3, dtype=np.int32),
        "empty": np.zeros(0, dtype=np.int32),
    }
    assert save_arrays(path, {"key": "状态#1", "pairs": [4, 2]}, arrays)
    header, mapped = map_arrays(path)
    assert header["key"] == "状态#1" and header["pairs"] == [4, 2]
    for name, array in arrays.items():
        assert mapped[name].dtype == array.dtype and mapped[name].tolist() == array.tolist()
    assert not mapped["label"].flags.writeable
    with pytest.raises(ValueError):
        mapped["label"][0] = 5
    assert read_header(path)["key"] == "状态#1"


@pytest.mark.parametrize("damage", ["truncated", "foreign", "empty", "header cut"])
def test_a_damaged_arrays_file_is_an_error_not_wrong_arrays(tmp_path, damage):
    path = tmp_path / "a.arrays"
    save_arrays(path, {"key": "k"}, {"label": np.arange(10_000, dtype=np.int64)})
    data = path.read_bytes()
    damaged = {
        "truncated": data[: len(data) // 2],
        "foreign": b"PK\x03\x04 not an arrays file" + data[30:],
        "empty": b"",
        "header cut": data[:40],
    }[damage]
    path.write_bytes(damaged)
    with pytest.raises(ValueError):
        map_arrays(path)


def test_only_one_dimensional_arrays_are_saved(tmp_path):
    with pytest.raises(ValueError, match="grid"):
        save_arrays(tmp_path / "a.arrays", {}, {"grid": np.zeros((2, 2))})
