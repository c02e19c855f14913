"""Writing files whole or not at all, showing progress of long work, and the user's cache folder.

Every module that writes a file a reader may open at the same moment (the build manifest,
batch files, the name-key cache, exports, the shapes' reach memo) goes through
:func:`replacing`: the data goes to a temporary file beside the target, which is renamed over
it, so a reader sees the old file or the new one, never half of one. Where the file is the
truth rather than a cache (a batch, the manifest that says which batches the index holds),
``durable=True`` also fsyncs the file and its folder, so that a power cut after the rename
cannot leave an empty file behind.

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
>>> write_atomically(target, "one")
>>> target.read_text()
'one'
>>> sorted(p.name for p in target.parent.iterdir())  # no temporary file left
['x.txt']
"""

from __future__ import annotations

import os
import secrets
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported only when a bar is shown
    from rich.progress import Progress as Bar, TaskID


@contextmanager
def replacing(path: Path, *, durable: bool = False, mode: int | None = None) -> Iterator[Path]:
    """A temporary path beside ``path``; when the block ends without error, it replaces ``path``.

    Whatever goes wrong (the block raises, the rename fails) the temporary file is removed and
    ``path`` is as it was. With ``durable``, the file is fsynced before the rename and the
    folder after it; should that last fsync fail, the new file is taken back as well, so the
    caller can report that nothing was written. ``mode`` sets the permissions (temporary files
    are created private).
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    renamed = False
    try:
        yield tmp
        if durable:
            with open(tmp, "rb+") as f:
                os.fsync(f.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
        renamed = True
        if durable:
            fsync_folder(path.parent)
    except BaseException:
        tmp.unlink(missing_ok=True)
        if renamed:
            path.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes | str, *, durable: bool = False) -> None:
    """Write ``data`` (text is written as UTF-8) to ``path`` whole or not at all."""
    with replacing(path, durable=durable) as tmp:
        tmp.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def fsync_folder(folder: Path) -> None:
    """Make a rename or a deletion in ``folder`` survive a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def cache_dir() -> Path:
    """``$DPRK_KG_CACHE``, else the user's cache folder for dprk-kg (``~/.cache/dprk-kg`` on
    Linux, as platformdirs places it on each system)."""
    env = os.environ.get("DPRK_KG_CACHE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_cache_path("dprk-kg")


class Progress:
    """A progress bar on a terminal's stderr for work that turns out long; nothing otherwise.

    It appears once the work has run ``delay`` seconds (quick work prints nothing extra) and
    counts whatever unit the caller steps by: bytes, so that one big file weighs what it costs.
    """

    def __init__(self, total: int, label: str, *, enabled: bool = True, delay: float = 1.0) -> None:
        self.total, self.label, self.delay = total, label, delay
        self.enabled = enabled and sys.stderr.isatty()
        self.start, self.done = time.monotonic(), 0
        self.bar: Bar | None = None
        self.task: TaskID  # the bar's task, set with the bar

    def __enter__(self) -> Progress:
        return self

    def advance(self, n: int, what: str | None = None) -> None:
        """``n`` more units done; ``what`` names the piece now in hand."""
        self.done += n
        if not self.enabled:
            return
        if self.bar is None and time.monotonic() - self.start >= self.delay:
            from rich.console import Console
            from rich.progress import BarColumn, DownloadColumn, Progress as Bar, TextColumn, \
                TimeRemainingColumn

            self.bar = Bar(TextColumn("{task.description}"), BarColumn(), DownloadColumn(),
                           TimeRemainingColumn(), console=Console(stderr=True), transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.label, total=self.total)
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done,
                            description=f"{self.label}: {what}" if what else self.label)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()
            self.bar = None

    def __exit__(self, *exc: object) -> None:
        self.close()
