"""add / batches / remove through the command line, in process: all or nothing, every time."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg import build, cli, ingest, namespaces
from dprk_kg.store import EmbeddedStore
from fixtures.ingest.helpers import BASE, HERE, SHAPES

SHAPES_ARG = ("--shapes", str(SHAPES))
OK = HERE / "holding-ok.ttl"
BAD = HERE / "holding-bad.ttl"


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def add(capsys, *args: str) -> tuple[int, str, str]:
    return run(capsys, "add", *args, *SHAPES_ARG)


def snapshot(store_dir: Path) -> tuple[set, list[str]]:
    """Every quad of the (rebuilt if stale) store, and the batch files: the whole state."""
    index = build.ensure_built(store_dir)
    store = EmbeddedStore(index, read_only=True)
    try:
        quads = set(store.quads())
    finally:
        store.close()
    return quads, sorted(p.name for p in (store_dir / "batches").iterdir())


def batch_files(store_dir: Path) -> list[Path]:
    return sorted((store_dir / "batches").glob("*"))


@pytest.fixture
def with_base(store_dir, capsys) -> Path:
    code, _, err = add(capsys, str(BASE), "--source", "KCNA, 2 March 2024")
    assert code == 0, err
    return store_dir


def test_add_commits_a_batch_with_its_metadata(with_base, capsys):
    store_dir = with_base
    code, out, err = add(capsys, str(OK), "--source", "kg:fixture/source/kcna-2024")
    assert code == 0 and "conforms" in out and "added batch" in err
    files = batch_files(store_dir)
    assert len(files) == 2 and all(f.suffix == ".trig" for f in files)
    code, out, _ = run(capsys, "batches", "--format", "json")
    listed = json.loads(out)
    assert [Path(b["files"][0]).name for b in listed] == ["base.ttl", "holding-ok.ttl"]
    assert listed[0]["source"] == "KCNA, 2 March 2024"
    assert listed[1]["source"] == namespaces.KG + "fixture/source/kcna-2024"
    assert listed[1]["user"] and listed[1]["created"] and listed[1]["triples"] == 8
    quads, _ = snapshot(store_dir)
    graph = ox.NamedNode(namespaces.BATCH_GRAPH + listed[1]["id"])
    assert sum(q.graph_name == graph for q in quads) == 8
    code, out, _ = run(capsys, "batches")
    assert code == 0 and listed[1]["id"] in out


def test_a_failing_batch_changes_nothing(with_base, capsys):
    before = snapshot(with_base)
    code, out, err = add(capsys, str(BAD))
    assert code == 1 and "does NOT conform" in out and "nothing was added" in err
    assert "did you mean org:heldBy?" in out
    assert snapshot(with_base) == before


@pytest.mark.parametrize("content, name", [("<a> <b> .", "bad.ttl"), ("", "empty.ttl"),
                                           ("x", "facts.docx")])
def test_unusable_input_exits_2_and_changes_nothing(with_base, capsys, tmp_path, content, name):
    before = snapshot(with_base)
    path = tmp_path / name
    path.write_text(content)
    code, _, err = add(capsys, str(path))
    assert code == 2 and err.startswith("dprk-kg: error: ") and "Traceback" not in err
    assert snapshot(with_base) == before


def test_validate_changes_nothing_and_reports_in_three_formats(with_base, capsys):
    before = snapshot(with_base)
    code, out, _ = run(capsys, "validate", str(BAD), "--format", "json", *SHAPES_ARG)
    assert code == 1 and json.loads(out)["conforms"] is False
    code, out, _ = run(capsys, "validate", str(BAD), "--format", "turtle", *SHAPES_ARG)
    assert code == 1 and "sh:ValidationReport" in out
    code, out, _ = run(capsys, "validate", str(OK), *SHAPES_ARG)
    assert code == 0 and "conforms" in out
    assert snapshot(with_base) == before


def test_csv_template_is_added_end_to_end(with_base, capsys, tmp_path):
    csv = tmp_path / "holdings.csv"
    csv.write_text("person,person_label_en,post,start_date,status,source\n"
                   "kg:fixture/person/kim-jong-un,,kg:fixture/post/nh-chief-secretary,2024-04,"
                   "current,kg:fixture/source/kcna-2024\n")
    code, out, err = add(capsys, str(csv))
    assert code == 0, out + err
    quads, _ = snapshot(with_base)
    assert ox.NamedNode(namespaces.KG + "holding/kim-jong-un-nh-chief-secretary-2024-04-01") \
        in {q.subject for q in quads}


def test_rebuilding_from_the_files_gives_the_same_graph(with_base, capsys):
    assert add(capsys, str(OK))[0] == 0
    before = snapshot(with_base)
    assert run(capsys, "build", "--force")[0] == 0
    assert snapshot(with_base) == before


def test_remove_takes_a_batch_back(with_base, capsys):
    before = snapshot(with_base)
    assert add(capsys, str(OK))[0] == 0
    newest = json.loads(run(capsys, "batches", "--format", "json")[1])[-1]["id"]
    code, _, err = run(capsys, "remove", newest, *SHAPES_ARG)
    assert code == 0 and "removed" in err
    assert snapshot(with_base) == before


def test_remove_is_refused_when_other_facts_depend_on_the_batch(with_base, capsys):
    assert add(capsys, str(OK))[0] == 0
    base_id = json.loads(run(capsys, "batches", "--format", "json")[1])[0]["id"]
    before = snapshot(with_base)
    code, out, err = run(capsys, "remove", base_id, *SHAPES_ARG)
    assert code == 1 and "NOT removed" in err
    assert "kg:fixture/holding/kim-jong-un-nh-2024" in out  # the dependent fact is named
    assert snapshot(with_base) == before
    assert run(capsys, "remove", base_id, "--force", *SHAPES_ARG)[0] == 0
    assert base_id not in run(capsys, "batches")[1]


@pytest.mark.parametrize("batch_id", ["no-such-batch", "../../etc/passwd"])
def test_remove_of_an_unknown_batch_is_bad_input(with_base, capsys, batch_id):
    code, _, err = run(capsys, "remove", batch_id, *SHAPES_ARG)
    assert code == 2 and "batch" in err


def test_a_failed_write_leaves_no_partial_file(with_base, capsys, monkeypatch):
    before = snapshot(with_base)

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    code, _, err = add(capsys, str(OK))
    monkeypatch.undo()
    assert code == 2 and "No space left on device; nothing was added" in err
    assert not [p for p in (with_base / "batches").iterdir() if p.name.startswith(".")]
    assert snapshot(with_base) == before


def test_a_crash_after_the_commit_point_is_repaired_from_the_files(with_base, capsys, monkeypatch):
    """The file landed but the index was half updated: the next command rebuilds from files."""
    def crash(self, path, graph):
        self.native.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
                                for q in list(ox.parse(path=path))[:3])
        raise KeyboardInterrupt

    monkeypatch.setattr(EmbeddedStore, "add_file", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest.add(cli.api.open(with_base), [OK], shapes=SHAPES)
    monkeypatch.undo()
    quads, files = snapshot(with_base)
    assert len(files) == 2
    assert ox.NamedNode(namespaces.KG + "fixture/holding/kim-jong-un-nh-2024") in {q.subject for q in quads}


def test_partial_files_of_a_crashed_writer_are_ignored_and_cleaned(with_base, capsys):
    part = with_base / "batches" / ".20990101-000000-x-0000.trig.1234.part"
    part.write_text("GRAPH <http://half")
    assert build.is_stale(with_base) is False  # the build does not read it
    assert add(capsys, str(OK))[0] == 0
    assert not part.exists()


# -- a fact is a fact once --------------------------------------------------------------------

def test_the_same_batch_added_twice_lands_once_and_the_second_add_says_nothing_is_new(
        with_base, capsys):
    assert add(capsys, str(OK))[0] == 0
    before = snapshot(with_base)
    code, _, err = add(capsys, str(OK))
    assert code == 0 and "nothing new" in err and "no batch was added" in err
    assert snapshot(with_base) == before


def test_facts_the_graph_already_holds_are_not_stored_again(with_base, capsys, tmp_path):
    """A batch restating known facts beside new ones stores only the new ones, so no fact is
    held by two graphs (queries over the union would count it twice) and says how many."""
    known = (HERE / "base.ttl").read_text()
    restated = tmp_path / "restated.ttl"
    restated.write_text(known + "\n" + OK.read_text().split("\n", 5)[5])
    code, _, err = add(capsys, str(restated))
    assert code == 0 and "added batch" in err and "already in the graph" in err
    quads, _ = snapshot(with_base)
    graphs_of: dict[ox.Triple, set] = {}
    for q in quads:
        graphs_of.setdefault(q.triple, set()).add(q.graph_name)
    assert all(len(g) == 1 for t, g in graphs_of.items()
               if not isinstance(t.subject, ox.BlankNode))
    newest = json.loads(run(capsys, "batches", "--format", "json")[1])[-1]
    assert newest["triples"] == 8  # those of holding-ok.ttl: the restated base is left out


# -- reads stay fast after writes in place -------------------------------------------------

def _index_state(store_dir: Path) -> tuple[dict, int]:
    """The writes since the live index was last compacted (its manifest), and its sorted files."""
    index = build.current_index(store_dir)
    assert index is not None
    recorded = json.loads(build._manifest_path(index).read_text())
    return recorded["churn"], len(list(index.glob("*.sst")))


def test_small_writes_in_place_are_compacted_once_they_pile_up(with_base, capsys, tmp_path):
    """Each add leaves sorted files that every later lookup reads; the index is compacted
    after ``COMPACT_WRITES`` of them, to fewer files and the same graph."""
    assert _index_state(with_base)[0]["writes"] == 1  # with_base's own add, too small to compact
    files = []
    for n in range(2, build.COMPACT_WRITES + 1):
        source = tmp_path / f"source-{n}.ttl"
        source.write_text(f"<{namespaces.KG}fixture/source/note-{n}> a <{namespaces.DPRK}"
                          f"SourceDocument> .\n")
        if n == build.COMPACT_WRITES:
            before = snapshot(with_base)[0]
        assert add(capsys, str(source))[0] == 0
        churn, sst = _index_state(with_base)
        files.append(sst)
        assert churn["writes"] == (0 if n == build.COMPACT_WRITES else n), churn
    assert files[-1] < files[-2]  # compacted: fewer sorted files than before the last add
    after = snapshot(with_base)[0]
    facts = [q.triple for q in after - before if q.graph_name != ingest.META]
    assert before <= after and facts == [ox.Triple(
        ox.NamedNode(f"{namespaces.KG}fixture/source/note-{build.COMPACT_WRITES}"),
        ox.NamedNode(namespaces.PREFIXES["rdf"] + "type"),
        ox.NamedNode(namespaces.DPRK + "SourceDocument"))]


def test_a_write_large_against_the_index_is_compacted_at_once(with_base, capsys, tmp_path):
    """A batch of at least ``COMPACT_SHARE`` of the store's input bytes is compacted by the add
    that writes it; removing it again counts as much."""
    index = build.current_index(with_base)
    assert index is not None
    total = sum(e["size"] for e in json.loads(build._manifest_path(index).read_text())["files"].values())
    many = int(total * build.COMPACT_SHARE / 60) + 1  # about 100 bytes a source in the batch file
    big = tmp_path / "sources.ttl"
    big.write_text("".join(f"<{namespaces.KG}fixture/source/bulk-{n}> a <{namespaces.DPRK}"
                           f"SourceDocument> .\n" for n in range(many)))
    sst = _index_state(with_base)[1]
    assert add(capsys, str(big))[0] == 0
    churn, compacted = _index_state(with_base)
    assert churn == {"writes": 0, "bytes": 0} and compacted < sst + 1  # its own files merged in
    batch_id = json.loads(run(capsys, "batches", "--format", "json")[1])[-1]["id"]
    assert run(capsys, "remove", batch_id, *SHAPES_ARG)[0] == 0
    assert _index_state(with_base)[0] == {"writes": 0, "bytes": 0}
    small = tmp_path / "one.ttl"
    small.write_text(f"<{namespaces.KG}fixture/source/one> a <{namespaces.DPRK}SourceDocument> .\n")
    assert add(capsys, str(small))[0] == 0
    churn = _index_state(with_base)[0]
    assert churn["writes"] == 1 and 0 < churn["bytes"] < build.COMPACT_SHARE * total


def test_an_add_holds_when_its_compaction_fails(with_base, capsys, tmp_path, monkeypatch):
    """The compaction comes after the commit: a full disk there leaves the batch added, the
    store current (no rebuild on the next command) and the churn counted, to try again."""
    def no_room(store: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "COMPACT_WRITES", 1)
    monkeypatch.setattr(build, "_compact", no_room)
    code, out, err = add(capsys, str(OK), "--source", "kg:fixture/source/kcna-2024")
    assert code == 0 and err.startswith("added batch") and "error" not in err, err
    assert _index_state(with_base)[0]["writes"] == 2  # with_base's add and this one
    assert not build.is_stale(with_base)
    assert len(json.loads(run(capsys, "batches", "--format", "json")[1])) == 2


def test_an_add_holds_when_a_reader_has_locked_the_name_cache(with_base, capsys, monkeypatch):
    """A search in ``serve`` may read (or rebuild) the name-key cache at the moment an add
    commits. The cache is an index: the add must not fail after its commit because the cache
    is busy; the batch lands, and the cache, left stale, is rebuilt on the next lookup."""
    import sqlite3

    import dprk_kg
    from dprk_kg.names import NameIndex, name_index_for
    from dprk_kg.namespaces import KG
    from dprk_kg.resolve import search

    store_dir = with_base
    with dprk_kg.open(store=store_dir) as kg:
        search(kg, "anything")  # fills the cache, as a first search does
    assert name_index_for(store_dir, build.index_stamp(store_dir)) is not None
    reader = sqlite3.connect(NameIndex.file(store_dir), timeout=0)
    record_inputs = build.record_inputs

    def committed_then_locked(folder: Path, store: object) -> None:  # the batch is in; a reader takes the file
        record_inputs(folder, store)
        reader.execute("BEGIN EXCLUSIVE")

    monkeypatch.setattr(build, "record_inputs", committed_then_locked)
    try:
        code, _, err = add(capsys, str(OK), "--source", "kg:fixture/source/kcna-2024")
    finally:
        reader.rollback()
        reader.close()
    assert code == 0 and "added batch" in err, err
    assert len(batch_files(store_dir)) == 2
    assert name_index_for(store_dir, build.index_stamp(store_dir)) is None  # stale, not wrong
    with dprk_kg.open(store=store_dir) as kg:
        assert [h.iri for h in search(kg, "Ri Il Hwan")][:1] == [KG + "fixture/person/ri-il-hwan"]
    assert name_index_for(store_dir, build.index_stamp(store_dir)) is not None  # rebuilt
