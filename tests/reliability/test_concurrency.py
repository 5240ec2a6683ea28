"""Concurrent searches on one engine give the answers sequential ones give, across a reindex."""

from __future__ import annotations

import threading

from search.engine import Engine
from search.index.writer import update_index
from search.query import SearchRequest

QUERIES = ["法律顾问", "人民调解 成功率", "执法力量薄弱", '"执法全过程记录"', "普法宣传", "法律顾闻", "信访 -上访"]


def _answer(engine: Engine, q: str) -> tuple:
    result = engine.search(SearchRequest(q=q, limit=20))
    return result["total"], result["loose_total"], [(h["id"], h["score"], h["snippet"]) for h in result["hits"]]


def test_eight_threads_get_the_sequential_answers_while_a_reindex_commits(corpus, tmp_path):
    """Every answer given while a reindex commits is the answer of the state before it or of the state after
    it, never a mixture; all 120 are compared."""
    index_dir = tmp_path / "index"
    update_index(corpus, index_dir, jobs=1)
    engine = Engine(index_dir)
    before = {q: _answer(engine, q) for q in QUERIES}
    extra = corpus / "新增.txt"
    errors: list[str] = []
    answers: list[tuple[str, tuple]] = []
    started = threading.Barrier(9)

    def client(number: int) -> None:
        started.wait()
        for round_ in range(15):
            q = QUERIES[(number + round_) % len(QUERIES)]
            try:
                answers.append((q, _answer(engine, q)))
                report = engine.report(engine.search(SearchRequest(q="法律顾问", limit=1))["hits"][0]["report_id"])
                assert report["paragraphs"]
            except Exception as exc:  # any failure under concurrency is the finding
                errors.append(f"{q}: {exc!r}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    extra.write_text(
        "某镇2021年法治政府建设工作报告\n一、主要举措\n聘请律师担任法律顾问，全年审查合同12份。\n", encoding="utf-8"
    )
    started.wait()
    update_index(corpus, index_dir, jobs=1)
    for thread in threads:
        thread.join()
    after = {q: _answer(engine, q) for q in QUERIES}
    assert not errors
    assert before["法律顾问"] != after["法律顾问"], "the reindex changes answers, so a mixture would show"
    assert len(answers) == 8 * 15
    mixed = [q for q, got in answers if got not in (before[q], after[q])]
    assert not mixed
    assert engine.search(SearchRequest(q="审查合同12份"))["total"] == 1
    engine.close()


def test_the_first_queries_of_a_fresh_process_may_arrive_together():
    """Eight threads segmenting at once before the dictionaries are loaded (a new serving process)."""
    import subprocess
    import sys

    code = """
import threading
from search.index.analyze import words
errors = []
def work():
    try:
        for _ in range(50):
            words("聘请律师担任法律顾问，参与重大决策")
    except Exception as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=work) for _ in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(len(errors), errors[:1])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.startswith("0 "), out.stdout + out.stderr


def test_an_index_another_process_is_committing_to_is_still_seen_to_exist(corpus, tmp_path, monkeypatch):
    """A server (or a watcher's waiting test) asked whether the index exists while an indexer committed: Whoosh
    opened the table of contents it had just listed, which the commit had deleted, and the check raised
    FileNotFoundError. Here every table of contents vanishes as it is opened."""
    from whoosh.filedb.filestore import FileStorage

    from search.index.writer import index_exists

    index = tmp_path / "index"
    assert not update_index(corpus, index, jobs=1).failed
    opened = FileStorage.open_file

    def replaced_meanwhile(storage, name, **kwargs):
        if name.endswith(".toc"):
            raise FileNotFoundError(name)
        return opened(storage, name, **kwargs)

    monkeypatch.setattr(FileStorage, "open_file", replaced_meanwhile)
    assert index_exists(index)
    assert not index_exists(tmp_path / "nowhere")
