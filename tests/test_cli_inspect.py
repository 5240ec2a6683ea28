"""``reportsearch inspect``."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args: str, encoding: str = "utf-8") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "search.cli", *args],
        capture_output=True,
        env={"PYTHONIOENCODING": encoding, "PATH": ""},
        timeout=120,
    )


def test_inspect_json_has_the_documented_keys(samples):
    result = run("inspect", str(samples["蒲台乡"]), "--json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout.decode("utf-8"))
    assert {"path", "title", "township", "county", "city", "province", "year", "date", "paragraphs"} <= set(data)
    assert (data["township"], data["county"], data["province"], data["year"]) == ("蒲台乡", "乐都区", "青海省", 2020)
    assert set(data["paragraphs"][1]) >= {"section", "part", "topics", "text"}


def test_inspect_text_shows_where_each_field_came_from(samples):
    out = run("inspect", str(samples["黄石镇"])).stdout.decode("utf-8")
    assert "乡镇：黄石镇" in out
    assert "县区：云阳县" in out and "同名乡镇" in out


def test_inspect_output_survives_a_gbk_console(samples, tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("北屏乡2020年法治政府建设报告\n一、主要举措和成效\n聘请律师担任法律顾问 • 𠀀 ✓。", encoding="utf-8")
    result = run("inspect", str(path), encoding="gbk")
    assert result.returncode == 0, result.stderr.decode("gbk", "replace")
    assert "北屏乡" in result.stdout.decode("gbk")


def test_inspect_unreadable_file_exits_1_with_the_reason(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    result = run("inspect", str(path))
    assert result.returncode == 1
    assert "empty.txt" in result.stderr.decode() and "文件为空" in result.stderr.decode()


def test_inspect_missing_file_is_a_usage_error(tmp_path):
    assert run("inspect", str(tmp_path / "nope.txt")).returncode == 2
