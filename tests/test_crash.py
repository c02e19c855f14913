"""Never lose data: ``add`` killed with SIGKILL at random moments, and ``add``s racing each other.

After every kill the store (rebuilt from the files if the kill left it behind) must hold
exactly the facts from before the add, or exactly those plus the batch: never a part of it.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dprk_kg import build, namespaces
from dprk_kg.store import EmbeddedStore
from fixtures.ingest.helpers import BASE, PREFIXES, SHAPES

KILLS = 30


def holding(i: int, start: str = "2024-03-01", post: str = "nh-chief-secretary") -> str:
    """A valid post holding with its own IRI (only the single-holder rule can refuse it)."""
    return PREFIXES + f"""
f:holding\\/crash-{i} a dprk:PostHolding ;
    org:member f:person\\/kim-jong-un ; dprk:post f:post\\/{post} ;
    dprk:startDate "{start}"^^xsd:date ; dprk:endDate "{start}"^^xsd:date ;
    dprk:tenureStatus dprk:Ended ; dcterms:source f:source\\/kcna-2024 .
"""


def add_process(store_dir: Path, path: Path) -> subprocess.Popen:
    env = {**os.environ, "DPRK_KG_STORE": str(store_dir)}
    return subprocess.Popen([sys.executable, "-m", "dprk_kg", "add", str(path), "--shapes", str(SHAPES)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def facts(store_dir: Path) -> set:
    """The facts of the store, batch metadata left out (it carries the time of the add)."""
    index = build.ensure_built(store_dir)
    store = EmbeddedStore(index, read_only=True)
    try:
        return {(q.subject, q.predicate, q.object) for q in store.quads()
                if q.graph_name.value != namespaces.BATCHES_META_GRAPH}
    finally:
        store.close()


def batch_graphs(store_dir: Path) -> int:
    store = EmbeddedStore(build.ensure_built(store_dir), read_only=True)
    try:
        return sum(g.startswith(namespaces.BATCH_GRAPH) for g in store.named_graphs())
    finally:
        store.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_leaves_before_or_after(store_dir, tmp_path):
    setup = add_process(store_dir, BASE)
    assert setup.wait() == 0, setup.stderr.read().decode()
    # How long a whole add takes here, so the kills spread over all of it.
    probe = tmp_path / "probe.ttl"
    probe.write_text(holding(0, "2030-01-01"))
    started = time.monotonic()
    assert add_process(store_dir, probe).wait() == 0
    duration = time.monotonic() - started
    rng = random.Random(20240301)
    outcomes = {"before": 0, "after": 0}
    for i in range(1, KILLS + 1):
        before = facts(store_dir)
        path = tmp_path / f"crash-{i}.ttl"
        path.write_text(holding(i, f"{2030 + i}-01-01"))
        process = add_process(store_dir, path)
        time.sleep(rng.uniform(0.1, duration * 1.1))
        process.send_signal(signal.SIGKILL)
        process.wait()
        after = facts(store_dir)
        subject = f"{namespaces.KG}fixture/holding/crash-{i}"
        added = {t for t in after if t[0].value == subject}
        assert after - added == before, f"kill {i} changed other facts"
        assert len(added) in (0, 7), f"kill {i} left {len(added)} of the batch's 7 triples"
        outcomes["after" if added else "before"] += 1
        files = list((store_dir / "batches").glob("*.trig"))
        assert len(files) == batch_graphs(store_dir), "a batch file without its graph, or the reverse"
    print(f"{KILLS} kills after {duration:.2f} s adds: {outcomes}")
    # The kills landed on both sides of the commit point (else the test proved little).
    assert outcomes["before"] > 0 and outcomes["after"] > 0, outcomes


def two_adds_at_once(store_dir, tmp_path, texts: list[str]) -> list:
    """Add the base, then start one `add` process per text at the same time."""
    assert add_process(store_dir, BASE).wait() == 0
    paths = [tmp_path / f"c{i}.ttl" for i in range(len(texts))]
    for path, text in zip(paths, texts):
        path.write_text(text)
    return [add_process(store_dir, p) for p in paths]


@pytest.mark.slow
def test_two_concurrent_adds_both_land(store_dir, tmp_path):
    processes = two_adds_at_once(store_dir, tmp_path, [holding(100 + i, f"{2040 + i}-01-01") for i in (1, 2)])
    codes = [p.wait() for p in processes]
    assert codes == [0, 0], [p.stderr.read().decode() for p in processes]
    subjects = {t[0].value for t in facts(store_dir)}
    assert {f"{namespaces.KG}fixture/holding/crash-101", f"{namespaces.KG}fixture/holding/crash-102"} <= subjects


@pytest.mark.slow
def test_two_conflicting_concurrent_adds_one_lands_one_fails_cleanly(store_dir, tmp_path):
    """Both hold the same single-holder post on the same day: the second sees the first."""
    processes = two_adds_at_once(store_dir, tmp_path, [holding(200 + i, "2050-01-01") for i in (1, 2)])
    codes = sorted(p.wait() for p in processes)
    errors = [p.stderr.read().decode() for p in processes]
    assert codes == [0, 1], errors
    assert all("Traceback" not in e for e in errors)
    subjects = {t[0].value for t in facts(store_dir)}
    landed = {f"{namespaces.KG}fixture/holding/crash-{200 + i}" for i in (1, 2)} & subjects
    assert len(landed) == 1
    assert len(list((store_dir / "batches").glob("*.trig"))) == 2  # base + the one that landed
