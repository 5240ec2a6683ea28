"""``reportsearch index / search / similar / stats`` as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import HIT_KEYS

from search.cli import main
from search.index.clusters import CLUSTERS_FILE


def run_json(capsys, *args) -> tuple[int, dict]:
    code = main([*args, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_index_json_summary_and_exit_codes(corpus, tmp_path, capsys):
    code, summary = run_json(capsys, "index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert code == 0
    assert summary == {
        "added": 5,
        "updated": 0,
        "removed": 0,
        "unchanged": 0,
        "failed": [],
        "paragraphs": 106,
        "seconds": summary["seconds"],
        "clusters_seconds": summary["clusters_seconds"],
    }
    assert isinstance(summary["seconds"], float) and isinstance(summary["clusters_seconds"], float)
    assert (tmp_path / "ix" / CLUSTERS_FILE).exists()  # found once by the indexer, loaded by every server
    segments = [folder for folder in (tmp_path / "ix" / "fast").iterdir() if folder.is_dir()]
    assert segments and all((folder / "facts.npz").exists() for folder in segments)  # the report check's
    (corpus / "broken.docx").write_bytes(b"nope")
    code, summary = run_json(capsys, "index", "--corpus", str(corpus), "--index", str(tmp_path / "ix"))
    assert code == 1
    assert summary["failed"][0]["path"] == "broken.docx" and summary["unchanged"] == 5


def test_index_text_summary_names_failed_files(corpus, tmp_path, capsys):
    (corpus / "empty.txt").write_bytes(b"")
    assert main(["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]) == 1
    out = capsys.readouterr().out
    assert "新增 5" in out and "empty.txt" in out and "文件为空" in out


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["index", "--corpus", str(tmp_path / "missing")]) == 2
    with pytest.raises(SystemExit) as exited:
        main(["index", "--jobs", "0"])
    assert exited.value.code == 2
    assert main(["search", "法律顾问", "--index", str(tmp_path / "none")]) == 2
    assert "还没有索引" in capsys.readouterr().err


def test_search_json_has_the_documented_shape(sample_index, capsys):
    code, result = run_json(capsys, "search", "法律顾问", "--index", str(sample_index), "--limit", "3")
    assert code == 0
    assert {"query", "total", "page", "hits", "facets"} <= set(result)
    assert result["total"] == 12 and len(result["hits"]) == 3
    assert set(result["hits"][0]) >= HIT_KEYS
    assert set(result["facets"]) == {"level", "township", "county", "province", "year", "part", "topic"}
    assert set(result["facets"]["township"][0]) == {"value", "count"}


def test_search_filters_and_grouping(sample_index, capsys):
    _, result = run_json(
        capsys,
        "search",
        "法律顾问",
        "--index",
        str(sample_index),
        "--township",
        "北屏乡",
        "--township",
        "花台乡",
        "--year",
        "2020-2023",
        "--part",
        "主要举措和成效",
    )
    assert {h["township"] for h in result["hits"]} == {"北屏乡", "花台乡"}
    _, grouped = run_json(capsys, "search", "法律顾问", "--index", str(sample_index), "--group-by", "township")
    assert len({h["township"] for h in grouped["hits"]}) == len(grouped["hits"]) == 5


def test_malformed_query_is_a_message_not_a_traceback(sample_index, capsys):
    assert main(["search", '"法律顾问', "--index", str(sample_index)]) == 2
    err = capsys.readouterr().err
    assert "引号" in err and "Traceback" not in err


def test_similar_and_stats(sample_index, capsys):
    _, result = run_json(capsys, "search", '"余成龙"', "--index", str(sample_index))
    paragraph = result["hits"][0]["id"]
    code, similar = run_json(capsys, "similar", paragraph, "--index", str(sample_index), "--limit", "3")
    assert code == 0 and len(similar["hits"]) == 3
    assert main(["similar", "missing-0001", "--index", str(sample_index)]) == 2
    capsys.readouterr()
    code, stats = run_json(capsys, "stats", "--index", str(sample_index))
    assert code == 0 and stats["reports"] == 5 and stats["paragraphs"] == 106


def test_text_search_output_marks_matches(sample_index, capsys):
    assert main(["search", "执法证", "--index", str(sample_index)]) == 0
    out = capsys.readouterr().out
    assert "【行政执法证】" in out and "乡镇：" in out


def test_an_index_run_that_changes_nothing_does_not_find_the_clusters_again(corpus, tmp_path, capsys, monkeypatch):
    from search.engine import Engine
    from search.index import writer

    index = ["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    assert run_json(capsys, *index)[1]["clusters_seconds"] is not None
    saved = []
    monkeypatch.setattr(Engine, "save_derived", lambda engine: saved.append(engine))
    assert run_json(capsys, *index)[1]["clusters_seconds"] is None and saved == []
    monkeypatch.setattr(writer, "facts_key", lambda: "other indicator rules")  # data/indicators.json edited
    assert run_json(capsys, *index)[1]["clusters_seconds"] is not None and len(saved) == 1
    assert run_json(capsys, *index)[1]["clusters_seconds"] is None and len(saved) == 1
    monkeypatch.setattr(Engine, "DERIVED_RULES", "clusters saved in a newer form")  # after an upgrade
    assert run_json(capsys, *index)[1]["clusters_seconds"] is not None and len(saved) == 2
    assert run_json(capsys, *index)[1]["clusters_seconds"] is None and len(saved) == 2
    first = sorted(corpus.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n新增一段关于智慧普法平台的内容。", encoding="utf-8")
    assert run_json(capsys, *index)[1]["updated"] == 1 and len(saved) == 3


@pytest.mark.skipif(sys.platform == "win32", reason="no soft limit of open files on Windows")
def test_the_commands_raise_a_low_limit_of_open_files(sample_index):
    """An index of eight million paragraphs keeps 918 files open; many systems allow 1,024 by default."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard <= 256:
        pytest.skip("the hard limit leaves nothing to raise")
    script = (
        "import resource, sys; from search.cli import main; "
        f"code = main(['stats', '--index', {str(sample_index)!r}, '--json']); "
        "print(code, resource.getrlimit(resource.RLIMIT_NOFILE)[0], file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard)),
        capture_output=True,
        text=True,
        timeout=120,
    )
    code, limit = done.stderr.split()[-2:]
    assert code == "0" and int(limit) > 256


def test_an_index_run_at_a_terminal_says_the_changes_are_searchable_before_finding_copies(
    corpus, tmp_path, capsys, monkeypatch
):
    """After the commit the command goes on finding near copies (10 s after one report at 8M paragraphs,
    minutes after a rebuild): at a terminal a line says the index is searchable already, once, before that
    step; a run that has nothing left to find, or prints JSON for a script, says nothing of it."""
    from search.engine import Engine

    index = ["index", "--corpus", str(corpus), "--index", str(tmp_path / "ix")]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    found = []
    monkeypatch.setattr(Engine, "save_derived", lambda engine: found.append(capsys.readouterr().err))
    assert main(index) == 0
    assert len(found) == 1 and "现在即可检索" in found[0]
    assert "现在即可检索" not in capsys.readouterr().err
    assert main(index) == 0  # nothing changed: nothing to find
    assert found == [found[0]] and "现在即可检索" not in capsys.readouterr().err
    first = sorted(corpus.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n新增一段。", encoding="utf-8")
    assert run_json(capsys, *index)[1]["updated"] == 1
    assert len(found) == 2 and "现在即可检索" not in found[1]
