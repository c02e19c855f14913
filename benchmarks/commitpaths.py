"""What an add costs beyond its validation, the way before and the way now, in one process.

    .venv/bin/python benchmarks/commitpaths.py STORE BATCH

``STORE`` is a built store (``run.py`` leaves one in its work folder), ``BATCH`` a big batch
of new facts (``generate.py --deputies-batch``). Each way runs on a copy of the store of its
own, after the parse and the validation that both share (measured once, on the copy the new
way commits to, since only it reuses the validation's answers):

- before: the triples the store holds already asked subject by subject, a Python quad made
  per triple for the TriG file and again for the bulk loader (``bulk_extend``);
- now: the validation's presence answers reused, the triples serialized as parsed, the file
  bulk-loaded from disk (:func:`dprk_kg.ingest.add`).

Prints wall and CPU seconds per step (CPU counts every thread of the process) and the peak
memory; the machine's load average is printed too, since others may share the cores.
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pyoxigraph as ox  # noqa: E402

from dprk_kg import build, ingest, namespaces  # noqa: E402
from dprk_kg.names import judgements_file, name_index_for  # noqa: E402
from dprk_kg.parse import read_files  # noqa: E402
from dprk_kg.store import EmbeddedStore  # noqa: E402
from dprk_kg.validation import load_shapes, validate_batch  # noqa: E402


def timed(label: str, call: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = call()
    print(f"| {label} | {time.perf_counter() - wall:.2f} s | {time.process_time() - cpu:.2f} s |",
          flush=True)
    return result


def copy_store(store: Path, into: Path) -> Path:
    shutil.copytree(store, into, symlinks=True)
    return into


def split_before(store: EmbeddedStore, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The check of which triples the store holds, as it was: one lookup per subject first."""
    unique = list(dict.fromkeys(triples))
    ground = [t for t in unique if not isinstance(t.subject, ox.BlankNode)
              and not isinstance(t.object, ox.BlankNode)]
    subjects = {k[0] for k in store.present(list({(t.subject,) for t in ground}))}
    held = {ox.Triple(*k) for k in store.present([(t.subject, t.predicate, t.object)
                                                  for t in ground if t.subject in subjects])}
    return [t for t in unique if t not in held]


def main(argv: list[str]) -> int:
    store_dir, batch_file = Path(argv[0]), Path(argv[1])
    print(f"load average at the start: {os.getloadavg()[0]:.1f}\n")
    print("| step | wall | CPU |\n|---|---:|---:|")
    work = Path(tempfile.mkdtemp(prefix="commitpaths-"))
    try:
        now_dir = copy_store(store_dir, work / "now")
        before_dir = copy_store(store_dir, work / "before")
        batch = timed("parse the batch (both)", lambda: read_files([batch_file], progress=False))
        shapes = load_shapes()
        graph = ox.NamedNode(namespaces.BATCH_GRAPH + "bench")
        with ingest.writable(now_dir) as store:
            present: dict = {}
            names = name_index_for(now_dir, build.index_stamp(now_dir))
            timed("validate (both; the answers kept for now)", lambda: validate_batch(
                store, batch, shapes=shapes, judgements=judgements_file(now_dir),
                name_index=names, present=present))
            new, _ = timed("now: split known triples, the validation's answers reused",
                           lambda: ingest.split_known(store, batch.triples, present))
            file = work / "now.trig"
            timed("now: serialize the triples as parsed, write", lambda: file.write_bytes(
                ox.serialize(new, format=ox.RdfFormat.TRIG, prefixes=ingest.FILE_PREFIXES)))
            timed("now: bulk-load the file", lambda: store.add_file(file, graph.value))
        with ingest.writable(before_dir) as store:
            new = timed("before: split known triples, a lookup per subject",
                        lambda: split_before(store, batch.triples))
            quads = lambda: (ox.Quad(t.subject, t.predicate, t.object, graph) for t in new)  # noqa: E731
            timed("before: a quad per triple, serialize, write", lambda: (work / "before.trig").write_bytes(
                ox.serialize(quads(), format=ox.RdfFormat.TRIG, prefixes=ingest.FILE_PREFIXES)))
            timed("before: a quad per triple again, bulk_extend",
                  lambda: (store.native.bulk_extend(quads()), store.native.flush()))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\npeak memory {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; "
          f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
