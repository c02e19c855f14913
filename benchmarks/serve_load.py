"""`dprk-kg serve` under load: 32 clients on loopback, and readers while `add` commits.

Builds a store of the shipped graph plus the synthetic graph (benchmarks/generate.py) at the
size asked, starts the real command (`dprk-kg --store S serve --port P`, bound to 127.0.0.1)
and measures, over one mix of requests (entity pages, search by several spellings, named
query forms, the dual-power overview, /sparql):

1. the baseline: one client, each request in turn (latency without contention);
2. the load: N clients (default 32) for D seconds (default 60), every answer checked (status
   200 and a page that says what it should): errors, requests per second, p50 / p95 / p99;
3. readers during a write: the load runs again while `dprk-kg add` commits a batch (a few
   synthetic persons, each citing a synthetic source), and the first answer that shows the
   new batch is timed.

Latencies are reported with their ratio to the baseline of the same run. Every request goes
to 127.0.0.1 only, and every loop is bounded by its deadline.

    python benchmarks/serve_load.py --size 100k [--clients 32] [--seconds 60] [--json out.json]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402  (the synthetic graph, beside this file)

ROOT = Path(__file__).resolve().parent.parent
KG = "https://w3id.org/dprk-kg/id/"
SEARCHES = ["Kim Jong Un", "김정은", "Pyeongyang", "Choe Ryong Hea", "Hamgyŏng-namdo", "South Hamgyong"]


@dataclass
class Stats:
    """Latencies (seconds) and errors of one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def record(self, url: str, took: float, error: str | None) -> None:
        self.latencies.append(took)
        kind = urllib.parse.urlsplit(url).path.split("/")[1] or "home"
        self.by_kind.setdefault(kind, []).append(took)
        if error:
            self.errors.append(error)

    def add(self, other: Stats) -> None:
        self.latencies += other.latencies
        self.errors += other.errors
        for kind, times in other.by_kind.items():
            self.by_kind.setdefault(kind, []).extend(times)

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def summary(self) -> dict:
        return {"requests": len(self.latencies), "errors": len(self.errors), "error_samples": self.errors[:5],
                "per_second": len(self.latencies) / self.seconds if self.seconds else None,
                "p50_ms": 1000 * self.pct(0.50), "p95_ms": 1000 * self.pct(0.95), "p99_ms": 1000 * self.pct(0.99),
                "mean_ms": 1000 * statistics.fmean(self.latencies) if self.latencies else None,
                "p95_ms_by_kind": {k: 1000 * Stats(v).pct(0.95) for k, v in sorted(self.by_kind.items())}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, expect: str, accept: str = "text/html") -> tuple[float, str | None]:
    """One GET; the latency and None, or the latency and what was wrong."""
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=120) as r:
            body = r.read().decode("utf-8", "replace")
            status = r.status
    except urllib.error.HTTPError as e:
        return time.perf_counter() - start, f"{e.code} {url}"
    except OSError as e:
        return time.perf_counter() - start, f"{type(e).__name__}: {e} {url}"
    took = time.perf_counter() - start
    if status != 200 or expect not in body:
        return took, f"{status} without {expect!r}: {url}"
    return took, None


def build_store(size: int, seed: int, workdir: Path) -> tuple[Path, int]:
    """The shipped graph plus the synthetic one, built as `dprk-kg build` builds (cached)."""
    from dprk_kg import build

    version = hashlib.sha256(Path(generate.__file__).read_bytes()).hexdigest()[:8]
    work = workdir / f"serve-{size}-{seed}-{version}"
    store = work / "store"
    data = work / "synthetic.nq"
    if not data.exists():
        work.mkdir(parents=True, exist_ok=True)
        generate.generate(size, [data], seed)
    for earlier in build.batches_dir(store).glob("*"):  # a previous run's probe batch
        if earlier.name != "synthetic.nq" and earlier.is_file():
            earlier.unlink()
    if build.current_index(store) is None or build.is_stale(store):
        shutil.rmtree(store, ignore_errors=True)
        batches = build.batches_dir(store)
        batches.mkdir(parents=True)
        os.link(data, batches / "synthetic.nq")
        build.build(store, force=True)
    from dprk_kg import api

    with api.open(store) as kg:
        return store, len(kg.store)


class Served:
    """`dprk-kg serve` as a child process on 127.0.0.1."""

    def __init__(self, store: Path, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "dprk_kg", "--store", str(store), "serve", "--port", str(self.port),
             "--workers", str(workers)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 120
        while fetch(self.base + "/", "dprk-kg")[1] is not None:
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"serve did not start: {self.process.stderr.read().decode()}")
            time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def sparql(base: str, text: str) -> list[dict]:
    url = base + "/sparql?" + urllib.parse.urlencode({"query": text})
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"}),
                                timeout=120) as r:
        return json.loads(r.read())["results"]["bindings"]


def request_mix(base: str) -> list[tuple[str, str, str]]:
    """(url, text the answer must hold, Accept) for each kind of request, about evenly."""
    people = [b["p"]["value"] for b in sparql(base, f"""
        SELECT DISTINCT ?p WHERE {{ ?h <http://www.w3.org/ns/org#member> ?p FILTER(STRSTARTS(STR(?p), "{KG}person/")) }}
        ORDER BY ?p LIMIT 12""")]
    units = [b["u"]["value"] for b in sparql(base, f"""
        SELECT ?u WHERE {{ ?u <https://w3id.org/dprk-kg/ontology#divisionLevel>
          <https://w3id.org/dprk-kg/ontology#ProvincialLevel> FILTER(STRSTARTS(STR(?u), "{KG}unit/")) }} ORDER BY ?u""")]
    mix = [(base + "/id/" + p[len(KG):], "<h1>", "text/html") for p in people]
    mix += [(base + "/id/" + u[len(KG):], "<h1>", "text/html") for u in units[:6]]
    mix += [(base + "/search?" + urllib.parse.urlencode({"q": q}), "hits", "text/html") for q in SEARCHES * 2]
    mix += [(base + "/queries/dual-power?date=2019-07-21", "Permalink", "text/html"),
            (base + "/queries/chain-of-command?run=1", "Permalink", "text/html"),
            (base + "/queries/election-timeline?run=1", "Permalink", "text/html"),
            (base + "/dual-power?date=2019-07-21", "Dual power on", "text/html"),
            (base + f"/dual-power/{units[0].rsplit('/', 1)[-1]}?date=2019-07-21", "Party side", "text/html")] * 2
    select = ("SELECT ?p ?l WHERE { ?p a <https://w3id.org/dprk-kg/ontology#Person> ; "
              "<http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 100")
    mix += [(base + "/sparql?" + urllib.parse.urlencode({"query": select}), '"bindings"',
             "application/sparql-results+json")] * 10
    return mix


def baseline(mix: list[tuple[str, str, str]], rounds: int) -> Stats:
    stats = Stats()
    start = time.perf_counter()
    for _ in range(rounds):
        for url, expect, accept in mix:
            stats.record(url, *fetch(url, expect, accept))
    stats.seconds = time.perf_counter() - start
    return stats


def load(mix: list[tuple[str, str, str]], clients: int, seconds: float, seed: int,
         during: threading.Event | None = None, window: Stats | None = None) -> Stats:
    """``clients`` threads, each asking the mix in its own shuffled order until the deadline.

    With ``during`` and ``window``: the requests that start while ``during`` is set are also
    counted in ``window`` (the readers while a batch is committed).
    """
    deadline = time.monotonic() + seconds
    per_client = [Stats() for _ in range(clients)]
    per_window = [Stats() for _ in range(clients)]

    def client(i: int) -> None:
        order = mix[:]
        random.Random(seed + i).shuffle(order)
        n = 0
        while time.monotonic() < deadline:
            url, expect, accept = order[n % len(order)]
            n += 1
            writing = during is not None and during.is_set()
            took, error = fetch(url, expect, accept)
            for stats in (per_client[i], per_window[i]) if writing else (per_client[i],):
                stats.record(url, took, error)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 180)
    total = Stats(seconds=time.perf_counter() - start)
    for s in per_client:
        total.add(s)
    if window is not None:
        for s in per_window:
            window.add(s)
    return total


def probe_batch(base: str, folder: Path, count: int) -> Path:
    """A batch of ``count`` synthetic persons, each citing a synthetic source of the graph."""
    source = sparql(base, f"""SELECT ?s WHERE {{ ?s a <https://w3id.org/dprk-kg/ontology#SourceDocument>
        FILTER(STRSTARTS(STR(?s), "{generate.SYN}")) }} ORDER BY ?s LIMIT 1""")[0]["s"]["value"]
    lines = ["@prefix dprk: <https://w3id.org/dprk-kg/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix dcterms: <http://purl.org/dc/terms/> ."]
    for i in range(count):
        lines.append(f'<{generate.SYN}person/serve-probe-{i}> a dprk:Person ; '
                     f'rdfs:label "Serve probe {i} (synthetic)"@en ; dcterms:source <{source}> .')
    path = folder / "serve-probe.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def readers_during_add(served: Served, store: Path, mix, clients: int, seconds: float, seed: int,
                       work: Path) -> dict:
    """Load while `dprk-kg add` commits; when the batch shows; errors of the readers meanwhile."""
    batch = probe_batch(served.base, work, 20)
    shown = f"ASK {{ <{generate.SYN}person/serve-probe-0> ?p ?o }}"
    writing = threading.Event()
    window = Stats()
    result: dict = {}

    def writer() -> None:
        time.sleep(3)  # the readers are up to speed
        writing.set()
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "dprk_kg", "--store", str(store), "add", str(batch)],
                              capture_output=True, text=True)
        result["add_seconds"] = time.perf_counter() - start
        result["add_exit"] = done.returncode
        result["add_said"] = done.stderr.strip().splitlines()[-1:] if done.stderr else []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            url = served.base + "/sparql?" + urllib.parse.urlencode({"query": shown})
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"})) as r:
                if json.loads(r.read())["boolean"]:
                    result["shown_after_commit_seconds"] = time.perf_counter() - start - result["add_seconds"]
                    break
            time.sleep(0.1)
        writing.clear()

    thread = threading.Thread(target=writer)
    thread.start()
    total = load(mix, clients, seconds, seed + 1000, writing, window)
    thread.join(120)
    window.seconds = result.get("add_seconds", 0) + result.get("shown_after_commit_seconds", 0)
    return {"write": result, "readers_while_writing": window.summary(), "whole_phase": total.summary()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=generate.parse_size, default=generate.SIZES["100k"])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the mix for the one-client baseline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dprk-kg-bench")
    args = parser.parse_args(argv)

    store, triples = build_store(args.size, args.seed, args.workdir)
    print(f"store: {triples:,} triples", file=sys.stderr)
    served = Served(store, args.workers)
    try:
        mix = request_mix(served.base)
        baseline(mix, 1)  # warm the caches (name keys, page cache), not measured
        alone = baseline(mix, args.rounds)
        print(f"one client: {alone.summary()}", file=sys.stderr)
        loaded = load(mix, args.clients, args.seconds, args.seed)
        print(f"{args.clients} clients: {loaded.summary()}", file=sys.stderr)
        writing = readers_during_add(served, store, mix, args.clients, min(args.seconds, 30), args.seed,
                                     store.parent)
        print(f"during add: {writing}", file=sys.stderr)
    finally:
        served.stop()
    figures = {"triples": triples, "clients": args.clients, "workers": args.workers, "seconds": args.seconds, "mix": len(mix),
               "baseline": alone.summary(), "load": loaded.summary(), "during_add": writing,
               "p95_ratio": loaded.pct(0.95) / alone.pct(0.95)}
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0 if not loaded.errors and not writing["readers_while_writing"]["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
