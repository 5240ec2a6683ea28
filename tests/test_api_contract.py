"""The JSON API keeps the contract its OpenAPI file states: Schemathesis, with every check, the examples, coverage
and fuzzing phases and a fixed seed, against a real server over the samples. The one departure from its own
checks is in tests/contract/hooks.py: a malformed query (``q``) is a 400 the schema cannot foresee."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 40


@pytest.fixture(scope="module")
def server(sample_index):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = "import sys; from search.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", code, "serve", "--index", str(sample_index), "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    yield base
    process.kill()
    process.wait()


def test_every_operation_keeps_the_contract_under_generated_requests(server, tmp_path):
    schemathesis = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert schemathesis, "schemathesis is in the test extra"
    environment = {**os.environ, "SCHEMATHESIS_HOOKS": "contract.hooks", "PYTHONPATH": str(ROOT / "tests")}
    done = subprocess.run(
        [
            schemathesis,
            "--no-color",
            "run",
            f"{server}/api/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            "20261205",
            "--report-dir",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        cwd=tmp_path,
    )
    summary = done.stdout[-3000:]
    assert done.returncode == 0, summary
    from webui.openapi import openapi_document

    operations = sum(len(path) for path in openapi_document()["paths"].values())
    assert re.search(rf"Tested: {operations}\b", summary), summary  # every operation, none skipped


def test_a_method_the_api_does_not_take_gets_405_with_allow(server):
    request = urllib.request.Request(server + "/api/stats", method="TRACE")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 405
    assert set(refused.value.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_errors_name_the_parameter(server):
    for query, parameter in (
        ("level=%E5%8C%BA", "level"),
        ("limit=", "limit"),
        ("q=%22open", "q"),
        ("order=up", "order"),
    ):
        url = server + ("/api/indicators?" if parameter == "order" else "/api/search?") + query
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(url, timeout=10)
        assert refused.value.code == 400
        assert json.loads(refused.value.read())["parameter"] == parameter


def test_search_hits_link_to_their_report_and_similar_paragraphs():
    from webui.openapi import openapi_document

    spec = openapi_document()
    links = spec["paths"]["/api/search"]["get"]["responses"]["200"]["links"]
    targets = {link["operationId"] for link in links.values()}
    operations = {operation["operationId"] for path in spec["paths"].values() for operation in path.values()}
    assert targets == {"getReport", "getSimilarParagraphs"} <= operations
