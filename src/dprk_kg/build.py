"""Build the store from the files, and notice when it has fallen behind them.

The files are the truth; the store is an index. Layout of a store folder::

    <store>/batches/          facts users added, one RDF file per batch (never rebuilt)
    <store>/index             symlink to the current generation, index-<id>/ (RocksDB)
    <store>/index-<id>.json   the manifest of that generation: each input's size, mtime, hash,
                              and the writes in place since its last compaction (churn)
    <store>/.lock             the writers' lock

A build writes a new generation beside the old one and swaps the ``index`` symlink in one
``rename``: a reader sees the old index or the new one, never half of one, and a crash
mid-build leaves the old index in place. Readers open read-only and never wait; writers take
the lock, and say so when they have to wait for another process.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from dprk_kg import namespaces, resources, split
from dprk_kg.errors import StoreBusy, UserError
from dprk_kg.files import Progress, write_atomically
from dprk_kg.names import fill_name_index, stamp_of
from dprk_kg.store import EmbeddedStore, Store

#: Bumped when the way files map to graphs changes, so old stores rebuild themselves.
BUILD_FORMAT = 1
#: Seconds a writer waits for the lock before giving up (env DPRK_KG_LOCK_TIMEOUT).
LOCK_TIMEOUT = float(os.environ.get("DPRK_KG_LOCK_TIMEOUT", "600"))
#: Threads that load pieces at once: one per core, but each piece in flight holds some 60-150 MB,
#: so a many-core machine still builds within a bounded memory.
MAX_THREADS = 8
#: Batch files the build reads, by extension.
BATCH_FORMATS = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
                 ".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


def default_store_dir() -> Path:
    """``$DPRK_KG_STORE``, else a per-user data folder (``~/.local/share/dprk-kg`` on Linux)."""
    env = os.environ.get("DPRK_KG_STORE")
    if env:
        return Path(env).expanduser()
    import platformdirs

    return platformdirs.user_data_path("dprk-kg")


def batches_dir(store_dir: Path) -> Path:
    return Path(store_dir) / "batches"


@dataclass(frozen=True)
class Input:
    """One file that goes into the store, and the named graph its triples land in."""

    path: Path
    key: str  # stable name in the manifest: "ontology/dprk.ttl", "batches/b1.trig"
    graph: str
    format: ox.RdfFormat


def inputs(store_dir: Path) -> list[Input]:
    """Every file the store is built from, in build order (ontology, graph, batches)."""
    found = [Input(p, f"ontology/{p.name}", namespaces.ONTOLOGY_GRAPH + p.stem, ox.RdfFormat.TURTLE)
             for p in resources.ontology_files()]
    found += [Input(p, f"graph/{resources.graph_key(p)}.ttl", namespaces.BASE_GRAPH + resources.graph_key(p),
                    ox.RdfFormat.TURTLE)
              for p in resources.graph_files()]
    batches = batches_dir(store_dir)
    if batches.is_dir():
        found += [Input(p, f"batches/{p.name}", namespaces.BATCH_GRAPH + p.stem, BATCH_FORMATS[p.suffix])
                  for p in sorted(batches.iterdir()) if p.suffix in BATCH_FORMATS]
    return found


def read_quads(item: Input) -> Iterator[ox.Quad]:
    """The quads of one input; triples outside a GRAPH block go to the file's own graph."""
    graph = ox.NamedNode(item.graph)
    try:
        for q in ox.parse(path=item.path, format=item.format, rename_blank_nodes=True):
            if isinstance(q.graph_name, ox.DefaultGraph):
                yield ox.Quad(q.subject, q.predicate, q.object, graph)
            else:
                yield q
    except SyntaxError as e:
        message = str(e.args[0] if e.args else e).split(": ", 1)[-1]
        raise UserError(message, file=str(item.path), line=e.lineno, column=e.offset) from e
    except OSError as e:
        raise UserError(f"cannot read: {e.strerror or e}", file=str(item.path)) from e


# -- manifest and staleness ----------------------------------------------------------------

def _sha256(path: Path) -> str:
    with open(path, "rb") as f:  # streamed: a 3M-triple file is not held in memory to hash it
        return hashlib.file_digest(f, "sha256").hexdigest()


def manifest(found: list[Input], known: dict[str, dict] | None = None) -> dict:
    """What the store was built from: enough to tell later whether any input changed.

    ``known``: entries recorded earlier, kept for the files whose size and time still match
    them, so that recording one new batch does not hash every batch again (a local
    election's 588,014 triples weigh 42 MB, the 1M-triple benchmark's data 225 MB).
    """
    known = known or {}
    files = {}
    for item in found:
        st = item.path.stat()
        was = known.get(item.key)
        if was is not None and (was["size"], was["mtime_ns"]) == (st.st_size, st.st_mtime_ns):
            files[item.key] = was
        else:
            files[item.key] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns,
                               "sha256": _sha256(item.path)}
    return {"format": BUILD_FORMAT, "files": files}


def current_index(store_dir: Path) -> Path | None:
    """The RocksDB folder of the current generation, or None before the first build."""
    link = Path(store_dir) / "index"
    if not link.is_symlink():
        return None
    target = link.parent / os.readlink(link)
    return target if target.is_dir() else None


def index_stamp(store_dir: Path) -> str | None:
    """What the caches derived from the current generation must match (see
    :func:`dprk_kg.names.stamp_of`); None before the first build."""
    index = current_index(Path(store_dir))
    return None if index is None else stamp_of(_manifest_path(index))


def _manifest_path(index: Path) -> Path:
    return index.with_name(index.name + ".json")


def is_stale(store_dir: Path) -> bool:
    """True when the store is missing or any input was added, removed or changed.

    Size and mtime answer the common case without reading files; only when they differ is
    the content hashed, so a ``touch`` or a fresh clone does not force a rebuild.
    """
    index = current_index(store_dir)
    if index is None:
        return True
    try:
        recorded = json.loads(_manifest_path(index).read_text())
    except (OSError, ValueError):
        return True
    found = inputs(store_dir)
    if recorded.get("format") != BUILD_FORMAT or set(recorded["files"]) != {i.key for i in found}:
        return True
    touched = {}
    for item in found:
        was = recorded["files"][item.key]
        st = item.path.stat()
        if (st.st_size, st.st_mtime_ns) != (was["size"], was["mtime_ns"]):
            if st.st_size != was["size"] or _sha256(item.path) != was["sha256"]:
                return True
            touched[item.key] = st.st_mtime_ns
    if touched:
        _note_touched(store_dir, index, touched)
    return False


def _note_touched(store_dir: Path, index: Path, touched: dict[str, int]) -> None:
    """Record the new times of files whose content did not change, so that they are not
    hashed again on every command (a touched 300 MB batch costs a second to hash).

    Only when no writer holds the store; otherwise the next command does it.
    """
    from filelock import FileLock, Timeout

    try:
        with FileLock(str(Path(store_dir) / ".lock"), timeout=0):
            path = _manifest_path(index)
            recorded = json.loads(path.read_text())
            for key, mtime_ns in touched.items():
                if key in recorded["files"]:
                    recorded["files"][key]["mtime_ns"] = mtime_ns
            _write_json(path, recorded)
    except (Timeout, OSError, ValueError):
        pass  # busy or read-only: staleness stays right, only slower


def record_inputs(store_dir: Path, store: EmbeddedStore | None = None) -> None:
    """Record the current batch files as loaded in the live index, after an in-place change.

    The ingest engine changes the live index and its batch files together (under
    :func:`write_lock`); this tells the next command not to rebuild the whole store for
    them. Only the batch entries change: an ontology or graph file edited meanwhile still
    reads as stale, since the index does not hold that edit.

    ``store``, the live index just written, is compacted here once the writes since its
    last compaction are worth it (:func:`_worth_compacting`).
    """
    index = current_index(store_dir)
    if index is None:
        raise UserError("there is no store to record inputs for; run `dprk-kg build`")
    path = _manifest_path(index)
    recorded = json.loads(path.read_text())
    before = {k: v for k, v in recorded["files"].items() if k.startswith("batches/")}
    batches = manifest([i for i in inputs(store_dir) if i.key.startswith("batches/")], before)
    churn = recorded.get("churn", {"writes": 0, "bytes": 0})
    churn = {"writes": churn["writes"] + 1, "bytes": churn["bytes"] + sum(
        entry["size"] for key, entry in (batches["files"] | before).items()
        if (key in before) != (key in batches["files"]))}
    recorded["files"] = {k: v for k, v in recorded["files"].items() if not k.startswith("batches/")}
    recorded["files"].update(batches["files"])
    if store is not None and _worth_compacting(churn, recorded["files"]):
        try:
            _compact(store)
            churn = {"writes": 0, "bytes": 0}
        except (OSError, RuntimeError):
            # The write is committed and the index whole: a compaction that fails (a full
            # disk: it needs room for a copy of the index; pyoxigraph raises RocksDB's errors
            # as RuntimeError) only leaves it slower. The churn stays, so the next write tries
            # again, and the manifest is still written so the next command does not rebuild.
            pass
    recorded["churn"] = churn
    _write_json(path, recorded)


#: An index written in place is compacted again once the batch files written or removed since
#: its last compaction reach this share of all its input bytes, or after this many writes.
COMPACT_SHARE, COMPACT_WRITES = 0.05, 8


def _compact(store: EmbeddedStore) -> None:
    """Merge the index's sorted files into one sorted run (RocksDB's full compaction)."""
    store.native.optimize()


def _worth_compacting(churn: dict[str, int], files: dict[str, dict]) -> bool:
    """Whether the writes since the index was last compacted call for compacting it now.

    Why: each write through the bulk loader leaves sorted files of its own, and since node
    keys are hashes they overlap the whole index, so every later lookup reads them too.
    After a local election's deputies (588,014 triples) on the 1M-triple store, the
    ``dual-power`` query took twice its CPU time until the index was compacted; compacting
    costs seconds at that size (``benchmarks/README.md``), so it is paid when a write is
    large against the index, or when small ones have piled up.
    """
    total = sum(entry["size"] for entry in files.values())
    return churn["writes"] >= COMPACT_WRITES or churn["bytes"] >= COMPACT_SHARE * total


def _write_json(path: Path, data: dict) -> None:
    """Write a manifest: durably, since it says which batch files the index already holds."""
    write_atomically(path, json.dumps(data, indent=1, sort_keys=True), durable=True)


# -- the write lock ------------------------------------------------------------------------

@contextmanager
def write_lock(store_dir: Path) -> Iterator[None]:
    """Serialize writers across processes; tell the user when they have to wait."""
    from filelock import FileLock, Timeout

    Path(store_dir).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(Path(store_dir) / ".lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        print(f"waiting for another dprk-kg process to finish writing {store_dir} ...",
              file=sys.stderr, flush=True)
        try:
            lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout:
            raise StoreBusy(f"another dprk-kg process kept the store locked for "
                            f"{LOCK_TIMEOUT:g} s", file=str(store_dir)) from None
    try:
        yield
    finally:
        lock.release()


# -- building ------------------------------------------------------------------------------

def load_files(found: list[Input], label: str) -> Iterator[tuple[Input, list[ox.Quad]]]:
    """Parse each input in turn (all of one file before the next), showing progress."""
    sizes = [item.path.stat().st_size for item in found]
    progress = Progress(sum(sizes), label)
    try:
        for item, size in zip(found, sizes):
            yield item, list(read_quads(item))
            progress.advance(size, item.key)
    finally:
        progress.close()


#: How each input format is named to :func:`dprk_kg.split.cut`.
_SYNTAX = {ox.RdfFormat.TURTLE: "turtle", ox.RdfFormat.N_TRIPLES: "ntriples",
           ox.RdfFormat.N_QUADS: "nquads"}


class _PieceFailed(Exception):
    """A piece did not parse although its whole file does: load the files whole instead."""


def _load(store: ox.Store, found: list[Input], *, cut: bool = True) -> None:
    """Load every input into ``store``, the pieces of all files at once, one thread per core.

    The native bulk loader reads each piece without a Python object per quad and releases
    the GIL, so the threads really run in parallel. Like :func:`read_quads`, it gives each
    load's blank-node labels fresh names, so two files' ``_:b0`` stay apart.
    """
    from concurrent.futures import ThreadPoolExecutor

    def piece(item: Input, part: split.Piece, single: bool) -> None:
        graph = ox.NamedNode(item.graph)
        if single:  # the whole file: the loader reads it straight from disk
            source: dict = {"path": item.path}
        elif part.end - part.start > 2 * split.PIECE_BYTES:  # a tail that could not be cut
            source = {"input": part.open(item.path)}
        else:
            source = {"input": part.read(item.path)}
        try:
            store.bulk_load(**source, format=item.format, to_graph=graph)
        except SyntaxError:
            for _ in read_quads(item):  # raises the file's own error, with its line
                pass
            raise _PieceFailed(item.key) from None

    progress = Progress(sum(item.path.stat().st_size for item in found), "building the store")
    pool = ThreadPoolExecutor(min(os.cpu_count() or 1, MAX_THREADS))
    try:
        started = []
        for item in found:
            total = item.path.stat().st_size
            parts = split.cut(item.path, _SYNTAX.get(item.format, "")) if cut else \
                [split.Piece(0, total)]
            for part in parts:  # the first pieces load while the rest are being cut
                single = part.start == 0 and part.end == total
                started.append((pool.submit(piece, item, part, single), part.end - part.start, item.key))
        for future, size, key in started:
            future.result()
            progress.advance(size, key)
    finally:
        pool.shutdown(cancel_futures=True)  # after an error, the pieces not begun never start
        progress.close()


def build(store_dir: Path, *, force: bool = False) -> bool:
    """(Re)build the embedded store; returns False when it was already up to date.

    Parse errors name the file and line and leave the current index untouched.
    """
    store_dir = Path(store_dir)
    with write_lock(store_dir):
        if not force and not is_stale(store_dir):
            return False
        found = inputs(store_dir)
        recorded = manifest(found)
        batches_dir(store_dir).mkdir(exist_ok=True)
        # Named by creation time so that sorting the names sorts the generations.
        generation = store_dir / f"index-{time.time_ns():020d}"
        try:
            try:
                _fill(generation, found, cut=True)
            except _PieceFailed:  # a cut in the wrong place: never expected, but stay right
                shutil.rmtree(generation)
                _fill(generation, found, cut=False)
            _write_json(_manifest_path(generation), recorded)
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        link_tmp = store_dir / f".index.{uuid.uuid4().hex}"
        os.symlink(generation.name, link_tmp)
        os.replace(link_tmp, store_dir / "index")
        _remove_old_generations(store_dir, keep=generation)
        _fill_caches(store_dir, generation)
        return True


def _fill_caches(store_dir: Path, generation: Path) -> None:
    """What the new store should answer fast from its first use: the name keys that every
    validation's duplicate check looks up (about 2.5 s at 1M triples, paid here once rather
    than by each validation, which would otherwise search the store's names)."""
    with EmbeddedStore(generation, read_only=True) as store:
        fill_name_index(store_dir, store, index_stamp(store_dir))


def memory_copy(store_dir: Path) -> EmbeddedStore | None:
    """The store's files loaded again into a store in memory; None if the store is stale.

    Why: reading an on-disk index back costs about 20 µs a quad (each term is looked up in
    RocksDB), while loading the files in parallel pieces is several times faster; full
    validation wants every quad in memory (see :func:`dprk_kg.validation.validate_store`).
    """
    if is_stale(store_dir):
        return None
    store = EmbeddedStore(None)
    _load(store.native, inputs(store_dir))
    return store


def _fill(generation: Path, found: list[Input], *, cut: bool) -> None:
    """Load ``found`` into a new index at ``generation``, then compact it.

    Why compact: each piece the threads load leaves sorted files of its own that overlap
    all the others (about 250 at 1M triples), and every later lookup of a node opens an
    iterator over each of them. A batch of new entities is validated by looking up each of
    its nodes (112,000 for a local election's deputies): 11 s on the loaded index, 4.5 s
    once compacted, which costs about 4 s here, once.
    """
    store = ox.Store(str(generation))
    _load(store, found, cut=cut)
    store.flush()
    store.optimize()
    del store


def _remove_old_generations(store_dir: Path, keep: Path) -> None:
    """Delete all generations but the new one and the one before it.

    The one before stays because a reader that opened it a moment ago may still be reading.
    """
    old = sorted((p for p in store_dir.glob("index-*") if p.is_dir() and p != keep),
                 key=lambda p: p.name)
    for p in old[:-1]:
        shutil.rmtree(p, ignore_errors=True)
        _manifest_path(p).unlink(missing_ok=True)


def ensure_built(store_dir: Path) -> Path:
    """Build the store if it is missing or stale; return its current RocksDB folder."""
    if is_stale(store_dir):
        build(store_dir)
    index = current_index(store_dir)
    assert index is not None  # build() either made one or raised
    return index


def open_store(store_dir: Path | None = None, *, read_only: bool = True) -> EmbeddedStore:
    """Open the embedded store, built first if stale. Readers never block one another."""
    index = ensure_built(Path(store_dir) if store_dir else default_store_dir())
    return EmbeddedStore(index, read_only=read_only)


def push(remote: Store, store_dir: Path | None = None) -> int:
    """Send every named graph to a server (one atomic update); returns the triple count.

    The project's graphs on the server that no longer have a file (a removed batch) are
    dropped in the same update.
    """
    store_dir = Path(store_dir) if store_dir else default_store_dir()
    graphs: dict[str, list[ox.Triple]] = {}
    for _, quads in load_files(inputs(store_dir), "pushing to the server"):
        for q in quads:
            assert not isinstance(q.graph_name, ox.DefaultGraph)  # read_quads gave each its file's graph
            graphs.setdefault(q.graph_name.value, []).append(q.triple)
    stale = [g for g in remote.named_graphs() if g not in graphs]
    remote.replace_graphs(graphs, drop=stale)
    return sum(len(t) for t in graphs.values())
