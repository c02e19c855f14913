"""Ways to turn the synthetic graph into a pyoxigraph store, timed one against another.

    .venv/bin/python benchmarks/buildpaths.py --size 1M [--workdir DIR]

For the build target (≥ 10× rdflib's parse): each way runs in a fresh process and reports
its wall time, CPU time (user + system: above the wall time means several cores worked) and
peak memory, so the table shows what bounds each. The data is the one ``run.py`` uses.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

GRAPH = "https://w3id.org/dprk-kg/graph/base/synthetic"


def way_parse_extend(ox, store_dir: Path, data: Path) -> None:
    """What build.py did before: parse in Python, hold all quads, bulk_extend."""
    store = ox.Store(str(store_dir))
    store.bulk_extend(list(ox.parse(path=str(data), format=ox.RdfFormat.N_QUADS)))
    store.flush()


def way_bulk_load(ox, store_dir: Path, data: Path, lenient: bool = False) -> None:
    """The Rust bulk loader straight from the file: no Python object per quad."""
    store = ox.Store(str(store_dir))
    fmt = ox.RdfFormat.N_QUADS if data.suffix == ".nq" else ox.RdfFormat.TURTLE
    store.bulk_load(path=str(data), format=fmt, to_graph=None if data.suffix == ".nq" else ox.NamedNode(GRAPH),
                    lenient=lenient)
    store.flush()


def way_parallel(ox, store_dir: Path, parts: list[Path]) -> None:
    """Several bulk loads into one store at once, one file each (the GIL is released)."""
    store = ox.Store(str(store_dir))
    threads = [threading.Thread(target=store.bulk_load, kwargs={"path": str(p), "format": ox.RdfFormat.N_QUADS,
                                                                 "lenient": True}) for p in parts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.flush()


def way_build(store_dir: Path, data: Path) -> None:
    """What build.py does: the file as a batch, loaded in pieces, one thread per core."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from dprk_kg import build

    build.batches_dir(store_dir).mkdir(parents=True)
    os.link(data, build.batches_dir(store_dir) / data.name)
    build.build(store_dir)


def way_rdflib(data: Path) -> None:
    """The naive side of run.py: rdflib's own parser, into a Graph in memory."""
    import rdflib

    rdflib.Graph().parse(data, format="turtle")


def way_memory(ox, store_dir: Path, data: Path) -> None:
    """In memory (nothing persists: every command would pay this again)."""
    ox.Store().bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)


def child(way: str, store_dir: str, data: list[str]) -> None:
    import pyoxigraph as ox

    paths = [Path(p) for p in data]
    start, cpu0 = time.perf_counter(), time.process_time()
    if way.startswith("parse+bulk_extend"):
        way_parse_extend(ox, Path(store_dir), paths[0])
    elif way.startswith("rdflib"):
        way_rdflib(paths[0])
    elif way.startswith("dprk-kg build"):
        way_build(Path(store_dir), paths[0])
    elif way.startswith("bulk_load"):
        way_bulk_load(ox, Path(store_dir), paths[0], lenient="lenient" in way)
    elif way.startswith("parallel"):
        way_parallel(ox, Path(store_dir), paths)
    else:
        way_memory(ox, Path(store_dir), paths[0])
    wall = time.perf_counter() - start
    cpu = time.process_time() - cpu0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = sum(p.stat().st_size for p in Path(store_dir).rglob("*")  # the index, not the input
               if p.is_file() and "batches" not in p.parts)
    print(json.dumps({"wall": wall, "cpu": cpu, "peak_mb": peak, "store_mb": size / 2**20}))


def split(data: Path, parts: int) -> list[Path]:
    """``data`` cut into ``parts`` files of whole lines."""
    lines = data.read_bytes().splitlines(keepends=True)
    out = []
    for i in range(parts):
        p = data.with_name(f"{data.stem}.part{i}.nq")
        p.write_bytes(b"".join(lines[i::parts]))
        out.append(p)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=generate.parse_size, default=generate.SIZES["1M"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "dprk-kg-bench"))
    args = parser.parse_args()
    work = Path(args.workdir) / f"size-{args.size}-seed-{args.seed}"
    nq, ttl = work / "synthetic.nq", work / "synthetic.ttl"
    if not (nq.exists() and ttl.exists()):
        work.mkdir(parents=True, exist_ok=True)
        generate.generate(args.size, [nq, ttl], args.seed)
    ways = [("rdflib Graph.parse, Turtle (the naive side)", [ttl]),
            ("dprk-kg build (pieces in threads), Turtle", [ttl]),
            ("dprk-kg build (pieces in threads), N-Quads", [nq]),
            ("parse+bulk_extend (build.py before)", [nq]), ("bulk_load N-Quads", [nq]),
            ("bulk_load N-Quads lenient", [nq]), ("bulk_load Turtle", [ttl]),
            ("bulk_load Turtle lenient", [ttl]), ("parallel bulk_load, 2 N-Quads files, lenient", split(nq, 2)),
            ("in-memory bulk_load N-Quads (not persisted)", [nq])]
    print("| way | wall | CPU (user+sys) | peak memory | store on disk |\n|---|---:|---:|---:|---:|")
    for way, data in ways:
        store_dir = work / "buildpath-store"
        shutil.rmtree(store_dir, ignore_errors=True)
        done = subprocess.run([sys.executable, __file__, "--child", way, str(store_dir), *map(str, data)],
                              capture_output=True, text=True)
        if done.returncode:
            print(f"| {way} | failed: {done.stderr.strip().splitlines()[-1:]} | | | |")
            continue
        r = json.loads(done.stdout)
        print(f"| {way} | {r['wall']:.2f} s | {r['cpu']:.2f} s | {r['peak_mb']:,.0f} MB | {r['store_mb']:,.0f} MB |",
              flush=True)
    shutil.rmtree(work / "buildpath-store", ignore_errors=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(main())
