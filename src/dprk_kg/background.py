"""Work run in a daemon thread, so that neither Ctrl-C nor the process's exit waits for it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Background(Generic[T]):
    """``work()`` started at once in a daemon thread; :meth:`result` waits for its answer.

    Why not a ``ThreadPoolExecutor``: its threads are joined when its ``with`` block is left
    and again when the interpreter exits, so a Ctrl-C in the caller's thread would wait for
    the work to finish (seconds for a long query or a large batch's SHACL checks). A daemon
    thread is abandoned instead: pyoxigraph releases the GIL while it evaluates, and whatever
    the work still computes is dropped.

    >>> Background(lambda: 6 * 7).result()
    42
    """

    def __init__(self, work: Callable[[], T]) -> None:
        self._answer: list[T] = []
        self._error: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(work,), daemon=True)
        self._thread.start()

    def _run(self, work: Callable[[], T]) -> None:
        try:
            self._answer.append(work())
        except BaseException as e:  # handed to the thread that asks for the result
            self._error.append(e)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait up to ``timeout`` seconds (for ever if None); whether the work has finished."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def result(self) -> T:
        """The work's answer, or its exception raised here; waits for it to finish."""
        self.wait()
        if self._error:
            raise self._error[0]
        return self._answer[0]
