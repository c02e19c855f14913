"""Work in a daemon thread: its answer and its error reach the caller, and neither Ctrl-C nor
the process's exit waits for it (the SHACL checks beside a batch's other checks, a query)."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from dprk_kg.background import Background


def test_the_answer_and_the_error_reach_the_caller() -> None:
    assert Background(lambda: [1, 2]).result() == [1, 2]

    def fails() -> None:
        raise ValueError("in the worker")

    with pytest.raises(ValueError, match="in the worker"):
        Background(fails).result()


def test_a_wait_can_end_before_the_work() -> None:
    release = threading.Event()
    job = Background(lambda: release.wait(30))
    assert job.wait(0.05) is False
    release.set()
    assert job.wait(30) is True and job.result() is True


def test_the_process_exits_without_waiting_for_the_work() -> None:
    """A thread pool's worker would hold the exit for the 600 s of this work."""
    code = ("import threading; from dprk_kg.background import Background; "
            "job = Background(lambda: threading.Event().wait(600)); print(job.wait(0))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "False\n"), done.stderr
