"""Work a search hands to the helper thread: never waited for behind another search, failures not lost."""

from __future__ import annotations

import os
import threading

import pytest

from search.query.helper_thread import Overlapped, searching


def test_work_the_busy_helper_has_not_started_is_done_by_the_search_itself():
    release = threading.Event()
    blocking = Overlapped(release.wait, 30)  # another search's work occupies the helper
    answers: list[int] = []
    waiting = threading.Thread(target=lambda: answers.append(Overlapped(sum, [1, 2, 3]).result()))
    waiting.start()
    waiting.join(timeout=5)
    finished_while_helper_busy = not waiting.is_alive()
    release.set()
    assert blocking.result() is True
    waiting.join()
    assert finished_while_helper_busy
    assert answers == [6]


def test_a_failure_in_overlapped_work_is_raised_to_the_search():
    def broken() -> None:
        raise ValueError("坏的输入")

    with pytest.raises(ValueError, match="坏的输入"):
        Overlapped(broken).result()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_serving_process_gets_a_helper_of_its_own():
    Overlapped(sum, [1]).result()  # the parent's helper thread is running
    pid = os.fork()
    if pid == 0:
        started = threading.Event()
        where: list[str] = []
        work = Overlapped(lambda: (where.append(threading.current_thread().name), started.set()))
        helped = started.wait(5)
        work.result()
        os._exit(0 if helped and where[0].startswith("search-helper") else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_with_other_searches_running_a_search_does_its_pieces_itself():
    """Under load the cores are busy: a helper thread would only take turns with the searches for them."""
    where: list[str] = []
    with searching(), searching():
        Overlapped(lambda: where.append(threading.current_thread().name)).result()
    with searching():
        started = threading.Event()
        alone = Overlapped(lambda: (where.append(threading.current_thread().name), started.set()))
        started.wait(5)
        alone.result()
    assert where == [threading.current_thread().name, where[1]]
    assert where[1].startswith("search-helper")
