from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

CORPUS = ROOT / "corpus"
SAMPLES = {
    "北屏乡": CORPUS / "000_fb6fe3ad903c3860.txt",
    "黄石镇": CORPUS / "001_4544791d050806db.txt",
    "蒲台乡": CORPUS / "002_4ffb6e69647b4641.txt",
    "花台乡": CORPUS / "003_dcd7630493403724.txt",
    "大湾镇": CORPUS / "004_68cd1d2bf72dcf25.txt",
}


HIT_KEYS = {
    "tier",
    "matched",
    "why",
    "id",
    "report_id",
    "title",
    "level",
    "township",
    "county",
    "city",
    "province",
    "year",
    "part",
    "topics",
    "section",
    "text",
    "snippet",
    "score",
}


@pytest.fixture
def corpus(tmp_path, samples) -> Path:
    """A writable copy of the sample corpus."""
    import shutil

    folder = tmp_path / "corpus"
    folder.mkdir()
    for path in samples.values():
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def samples() -> dict[str, Path]:
    return dict(SAMPLES)


@pytest.fixture(scope="session")
def sample_reports():
    from search.ingest.pipeline import process_file

    return {name: process_file(path) for name, path in SAMPLES.items()}


@pytest.fixture(scope="session")
def sample_index(tmp_path_factory) -> Path:
    """The sample corpus indexed once for the whole session (tests must not modify it)."""
    from search.index.writer import update_index

    index_dir = tmp_path_factory.mktemp("index")
    summary = update_index(CORPUS, index_dir, jobs=1)
    assert not summary.failed
    return index_dir


@pytest.fixture(scope="session")
def engine(sample_index):
    from search.engine import Engine

    engine = Engine(sample_index)
    yield engine
    engine.close()
