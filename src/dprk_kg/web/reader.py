"""The store the web app reads, reopened when a batch is added or removed.

A read-only RocksDB handle sees the store as it was when opened, so a server running for days
would never show what ``dprk-kg add`` committed since. Each request asks :meth:`Reader.store`,
which looks at the build manifest at most once a second and, when it changed, opens a fresh
read-only handle; requests already running keep the old one until they finish. A remote
endpoint needs none of this: the server answers with its own current data.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from dprk_kg import build as builder
from dprk_kg.api import KnowledgeGraph
from dprk_kg.store import Store

#: How often the manifest is looked at, in seconds: a stat per second costs nothing.
CHECK_EVERY = 1.0


class Reader:
    """The current store of ``kg``, with ``timeout`` (seconds) set on every handle.

    ``kg`` may also be a :class:`~dprk_kg.store.Store` (a memory store in a notebook or a
    test): it is served as it is.
    """

    def __init__(self, kg: KnowledgeGraph | Store, timeout: float | None) -> None:
        self.kg, self.timeout = kg, timeout
        self._lock = threading.Lock()
        self._store: Store | None = None
        self._stamp: tuple | None = None
        self._checked = 0.0
        #: Called after a new handle replaces the old one (caches keyed by the old let go of it).
        self.on_reopen: list[Callable[[], None]] = []

    def store(self) -> Store:
        """The store to answer one request from (opened, or reopened if the data changed)."""
        if isinstance(self.kg, Store):
            self.kg.timeout = self.timeout
            return self.kg
        now = time.monotonic()
        if self._store is not None and (self.kg.remote or now - self._checked < CHECK_EVERY):
            return self._store
        with self._lock:
            self._checked = now
            if self.kg.remote:
                self._store = self.kg.store
                self._store.timeout = self.timeout
                return self._store
            stamp = _stamp(self.kg.store_dir)
            if self._store is None or stamp != self._stamp:
                store = builder.open_store(self.kg.store_dir, read_only=True)
                store.timeout = self.timeout
                reopened = self._store is not None
                self._store, self._stamp = store, _stamp(self.kg.store_dir)
                for forget in self.on_reopen if reopened else ():
                    forget()
            return self._store

    @property
    def label(self) -> str:
        """Where the data comes from, for the page footer."""
        if isinstance(self.kg, Store):
            path = getattr(self.kg, "path", None)  # an embedded store's folder, None in memory
            return "a store in memory" if path is None else str(path)
        return self.kg.endpoint or str(self.kg.store_dir)


def _stamp(store_dir: Path) -> tuple:
    """What changes when a build, an ``add`` or a ``remove`` commits: the current index folder
    and its manifest's modification time (written last by each of them)."""
    index = builder.current_index(store_dir)
    if index is None:
        return (None,)
    try:
        return (str(index), builder._manifest_path(index).stat().st_mtime_ns)
    except OSError:
        return (str(index), None)

