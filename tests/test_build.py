"""Building the store from files: graphs per file, staleness, atomic swap, errors, the lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg import build, namespaces, resources
from dprk_kg.errors import StoreBusy, UserError
from dprk_kg.store import Store


def test_every_file_lands_in_its_own_named_graph(built_store: Path) -> None:
    expected = {namespaces.ONTOLOGY_GRAPH + p.stem for p in resources.ontology_files()}
    expected |= {namespaces.BASE_GRAPH + resources.graph_key(p) for p in resources.graph_files()}
    with build.open_store(built_store) as store:
        assert set(store.named_graphs()) == expected
        # the default graph holds nothing: everything is in a named graph
        assert all(not isinstance(q.graph_name, ox.DefaultGraph) for q in store.native)
        # and the shapes are kept out of the data that queries see
        assert not store.ask("ASK { ?s a <http://www.w3.org/ns/shacl#NodeShape> }")


def test_a_fresh_store_is_not_rebuilt_and_a_touched_file_is_not_a_change(store_dir: Path) -> None:
    assert build.build(store_dir) is True
    assert build.build(store_dir) is False
    target = resources.ontology_files()[0]
    st = target.stat()
    try:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        assert not build.is_stale(store_dir)
    finally:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_touched_file_is_hashed_once_not_on_every_command(store_dir: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    batches = build.batches_dir(store_dir)
    batches.mkdir(parents=True)
    batch = batches / "b1.nt"
    batch.write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    build.build(store_dir)
    st = batch.stat()
    os.utime(batch, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    assert not build.is_stale(store_dir)  # hashed: same content

    def no_hashing(path: Path) -> str:
        raise AssertionError(f"{path} hashed again")

    monkeypatch.setattr(build, "_sha256", no_hashing)
    assert not build.is_stale(store_dir)  # the new time was recorded


def test_a_build_leaves_the_name_cache_current_and_a_touch_keeps_it(store_dir: Path) -> None:
    from dprk_kg.names import NameIndex
    from dprk_kg.build import index_stamp

    build.build(store_dir)
    assert NameIndex.current(store_dir, index_stamp(store_dir)) is not None
    target = resources.ontology_files()[0]
    st = target.stat()
    try:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
        assert not build.is_stale(store_dir)  # records the new time in the manifest
        assert NameIndex.current(store_dir, index_stamp(store_dir)) is not None
    finally:
        os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_new_batch_file_makes_the_store_stale_and_is_loaded(store_dir: Path) -> None:
    build.build(store_dir)
    batch = build.batches_dir(store_dir) / "b1.trig"
    batch.write_text("<http://example.org/a> <http://example.org/p> 'x' .\n"
                     f"<{namespaces.BATCHES_META_GRAPH}> {{ <http://example.org/b1> <http://example.org/p> 'meta' }}\n")
    assert build.is_stale(store_dir)
    with build.open_store(store_dir) as store:
        graphs = store.named_graphs()
        assert namespaces.BATCH_GRAPH + "b1" in graphs and namespaces.BATCHES_META_GRAPH in graphs
    batch.unlink()
    with build.open_store(store_dir) as store:
        assert namespaces.BATCH_GRAPH + "b1" not in store.named_graphs()


def test_force_rebuild_gives_the_same_graph(store_dir: Path) -> None:
    build.build(store_dir)
    with build.open_store(store_dir) as store:
        before = set(store.quads())
    assert build.build(store_dir, force=True) is True
    with build.open_store(store_dir) as store:
        assert set(store.quads()) == before and len(before) > 0


def test_a_syntax_error_names_file_and_line_and_keeps_the_old_index(
        store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build.build(store_dir)
    old_index = build.current_index(store_dir)
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b \n")
    monkeypatch.setattr(resources, "graph_files", lambda: [bad])
    with pytest.raises(UserError, match=r"bad\.ttl:4"):
        build.ensure_built(store_dir)
    assert build.current_index(store_dir) == old_index
    assert len(Store.embedded(old_index, read_only=True)) > 0


def test_a_writer_waits_for_the_lock_and_says_so(store_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture) -> None:
    store_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, filelock; l = filelock.FileLock(sys.argv[1]); l.acquire(); "
         "print('held', flush=True); sys.stdin.read()", str(store_dir / ".lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        monkeypatch.setattr(build, "LOCK_TIMEOUT", 0.2)
        with pytest.raises(StoreBusy, match="locked"):
            build.build(store_dir)
        assert "waiting for another dprk-kg process" in capsys.readouterr().err
    finally:
        holder.stdin.close()
        holder.wait()
    assert build.build(store_dir) is True


def test_recording_batches_does_not_hide_an_edited_graph_file(
        store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = tmp_path / "base.ttl"
    base.write_text("<http://example.org/a> <http://example.org/p> 'v1' .\n")
    monkeypatch.setattr(resources, "graph_files", lambda: [base])
    build.build(store_dir)
    (build.batches_dir(store_dir) / "b.nq").write_text(
        f"<http://example.org/b> <http://example.org/p> 'x' <{namespaces.BATCH_GRAPH}b> .\n")
    build.record_inputs(store_dir)  # as the ingest engine does after writing the batch in place
    assert not build.is_stale(store_dir)
    base.write_text("<http://example.org/a> <http://example.org/p> 'v2' .\n")
    build.record_inputs(store_dir)
    assert build.is_stale(store_dir)


def test_recording_a_new_batch_hashes_only_the_files_that_changed(
        store_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An add records its file in the manifest; the batches already there are not read again."""
    base = tmp_path / "base.ttl"
    base.write_text("<http://example.org/a> <http://example.org/p> 'v1' .\n")
    monkeypatch.setattr(resources, "graph_files", lambda: [base])
    for name in ("a", "b"):
        (build.batches_dir(store_dir) / f"{name}.nq").parent.mkdir(parents=True, exist_ok=True)
        (build.batches_dir(store_dir) / f"{name}.nq").write_text(
            f'<http://example.org/{name}> <http://example.org/p> "x" <{namespaces.BATCH_GRAPH}{name}> .\n')
    build.build(store_dir)
    (build.batches_dir(store_dir) / "c.nq").write_text(
        f'<http://example.org/c> <http://example.org/p> "x" <{namespaces.BATCH_GRAPH}c> .\n')
    hashed = []
    sha256 = build._sha256
    monkeypatch.setattr(build, "_sha256", lambda path: hashed.append(path.name) or sha256(path))
    build.record_inputs(store_dir)
    assert hashed == ["c.nq"] and not build.is_stale(store_dir)


def test_commands_started_together_on_a_missing_store_all_answer(store_dir: Path) -> None:
    """One builds, the others wait for its lock, then all read the same store side by side."""
    command = [sys.executable, "-m", "dprk_kg", "sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
               "--format", "csv"]
    running = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(4)]
    answers = [p.communicate() for p in running]
    assert [p.returncode for p in running] == [0] * 4, answers
    assert len({out for out, _ in answers}) == 1
    assert len(list(store_dir.glob("index-*.json"))) == 1  # built once, not once per command


def test_a_memory_copy_holds_what_the_store_holds_and_none_when_stale(store_dir: Path) -> None:
    """Full validation reads a copy loaded from the files: it must be the store's own quads,
    and it must not be made from files the store no longer matches."""
    build.build(store_dir)
    with build.open_store(store_dir) as store:
        expected = set(store.quads())
    copy = build.memory_copy(store_dir)
    assert copy is not None and set(copy.quads()) == expected
    (build.batches_dir(store_dir) / "b1.nt").write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    assert build.memory_copy(store_dir) is None
