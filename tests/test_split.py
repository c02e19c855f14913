"""Cutting big files into pieces: the pieces together hold exactly what the whole file holds.

The build loads pieces of a file in parallel (``dprk_kg.split``). If a cut fell inside a
statement, or a piece lost a ``@prefix`` seen before it, the store would hold other triples
than the file: silently wrong data. So every test compares the pieces, each parsed on its own
as the build parses it, with the whole file parsed once, on documents written to be hard to
cut (statements over several lines, "." and "#" in strings and IRIs, comments, prefixes
redefined mid-file, directives after a statement on the same line, long strings, blank-node
labels shared across pieces).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.compare import isomorphic

from dprk_kg import build, split
from dprk_kg.errors import UserError

FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
           "nquads": ox.RdfFormat.N_QUADS}
GRAPH = ox.NamedNode("http://example.org/graph")


def same_graph(a: ox.Store, b: ox.Store) -> bool:
    """Equal up to the names of blank nodes (the loader names them afresh on every load)."""
    graphs = []
    for store in (a, b):
        g = Graph()
        g.parse(data="".join(f"{q.subject} {q.predicate} {q.object} .\n" for q in store), format="nt")
        graphs.append(g)
    return len(graphs[0]) == len(graphs[1]) and isomorphic(*graphs)


def load_whole(path: Path, syntax: str) -> ox.Store:
    store = ox.Store()
    store.bulk_load(path=path, format=FORMATS[syntax], to_graph=GRAPH)
    return store


def load_pieces(path: Path, syntax: str, size: int) -> tuple[ox.Store, int]:
    store = ox.Store()
    pieces = list(split.cut(path, syntax, size))
    for piece in pieces:
        store.bulk_load(input=piece.read(path), format=FORMATS[syntax], to_graph=GRAPH)
    assert pieces[0].start == 0 and pieces[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in zip(pieces, pieces[1:]))
    return store, len(pieces)


# -- documents that are hard to cut -------------------------------------------------------

TRICKY_STATEMENTS = [
    'ex:a ex:p "dot . at the end ." .',
    'ex:a ex:p "hash # and dot ." ;\n    ex:q <http://example.org/x#y.> .',
    "ex:b ex:p 'single . quoted' , \"with \\\" escaped . quote\" .",
    "ex:c ex:p 1 . # a comment that ends with a dot .",
    "# a comment line ending in a dot .\nex:d ex:p ex:e.",
    "ex:f ex:p [ ex:q \"in brackets .\" ] .",
    "ex:g ex:p ( ex:h \"list . item\" 2.5 ) .",
    "_:shared ex:p ex:i .",
    "ex:j ex:p _:shared .",
    "ex:y ex:p ex:a\\. ;\n    ex:q ex:z .",
    "ex:k ex:p ex:l ;\n    # comment in a statement .\n    ex:q 3 .",
    "ex:m ex:p ex:n . ex:o ex:p ex:q .",
    "@prefix ex: <http://example.org/second/> .",
    "PREFIX ex: <http://example.org/third/>",
    "ex:r ex:base <http://example.org/r> .",
    "ex:s ex:prefix \"prefix ex: <http://not-a-directive/>\" .",
    "ex:t ex:p ex:u . @prefix ex: <http://example.org/inline/> .",
    'ex:v ex:p """a long\nstring . with\n\nnewlines""" .',
    "ex:w ex:p \"x\"@ko , \"2024-01-01\"^^<http://www.w3.org/2001/XMLSchema#date> .",
]


@st.composite
def turtle_documents(draw: st.DrawFn) -> bytes:
    statements = draw(st.lists(st.sampled_from(TRICKY_STATEMENTS), min_size=1, max_size=30))
    blank = draw(st.sampled_from(["\n", "\n\n", "\n  \n"]))
    return ("@prefix ex: <http://example.org/> .\n" + blank.join(statements) + "\n").encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=turtle_documents(), size=st.integers(min_value=1, max_value=400))
def test_turtle_pieces_hold_exactly_what_the_file_holds(tmp_path: Path, document: bytes, size: int) -> None:
    path = tmp_path / "doc.ttl"
    path.write_bytes(document)
    pieces, count = load_pieces(path, "turtle", size)
    assert same_graph(pieces, load_whole(path, "turtle"))


def test_a_long_string_stops_the_cutting_and_the_rest_is_one_piece(tmp_path: Path) -> None:
    lines = [f"ex:a{i} ex:p {i} ." for i in range(20)]
    lines[10] = 'ex:x ex:p """two\nlines""" .'
    path = tmp_path / "long.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n" + "\n".join(lines) + "\n")
    pieces = list(split.cut(path, "turtle", size=40))
    assert 1 < len(pieces) < 20
    assert b'"""' in pieces[-1].read(path) and all(b'"""' not in p.read(path) for p in pieces[:-1])
    assert same_graph(load_pieces(path, "turtle", 40)[0], load_whole(path, "turtle"))


def test_each_piece_restates_the_prefixes_in_force(tmp_path: Path) -> None:
    path = tmp_path / "prefixes.ttl"
    path.write_text("@prefix ex: <http://example.org/one/> .\nex:a ex:p ex:b .\n"
                    "PREFIX ex: <http://example.org/two/>\nex:c ex:p ex:d .\nex:e ex:p ex:f .\n")
    pieces = list(split.cut(path, "turtle", size=10))
    assert len(pieces) >= 3
    last = pieces[-1].read(path)
    assert last.startswith(b"@prefix ex: <http://example.org/one/> .\nPREFIX ex: <http://example.org/two/>\n")
    store, _ = load_pieces(path, "turtle", 10)
    assert ox.Quad(ox.NamedNode("http://example.org/two/e"), ox.NamedNode("http://example.org/two/p"),
                   ox.NamedNode("http://example.org/two/f"), GRAPH) in store


@pytest.mark.parametrize("syntax", ["ntriples", "nquads"])
def test_line_formats_are_cut_at_any_line(tmp_path: Path, syntax: str) -> None:
    graph = " <http://example.org/g>" if syntax == "nquads" else ""
    path = tmp_path / f"data.{syntax}"
    path.write_text("".join(f'<http://example.org/s{i}> <http://example.org/p> "v {i} ."{graph} .\n'
                            f"# comment {i}\n" for i in range(50)))
    store, count = load_pieces(path, syntax, 100)
    assert count > 10 and same_graph(store, load_whole(path, syntax))


def test_other_syntaxes_and_small_files_are_one_piece(tmp_path: Path) -> None:
    path = tmp_path / "data.trig"
    path.write_text("<http://example.org/g> { <http://example.org/a> <http://example.org/p> 1 . }\n" * 50)
    assert list(split.cut(path, "trig", size=10)) == [split.Piece(0, path.stat().st_size)]
    assert len(list(split.cut(path, "turtle"))) == 1  # far below the piece size


# -- the build ---------------------------------------------------------------------------------

def synthetic(folder: Path, name: str, suffix: str) -> Path:
    """A generated graph of a few thousand triples, written as ``name.suffix``."""
    from support import generate

    path = folder / f"{name}{suffix}"
    generate.generate(5000, [path], seed=3)
    return path


@pytest.mark.parametrize("suffix", [".ttl", ".nq"])
def test_a_build_in_pieces_equals_a_build_of_whole_files(store_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, suffix: str) -> None:
    batches = build.batches_dir(store_dir)
    batches.mkdir(parents=True)
    synthetic(batches, "syn", suffix)
    monkeypatch.setattr(split, "PIECE_BYTES", 4096)  # dozens of pieces, loaded in parallel
    assert len(list(split.cut(batches / f"syn{suffix}", build._SYNTAX[build.BATCH_FORMATS[suffix]]))) > 20
    build.build(store_dir)
    with build.open_store(store_dir) as store:
        in_pieces = set(store.quads())
    whole = ox.Store()
    for item in build.inputs(store_dir):
        whole.bulk_extend(build.read_quads(item))
    assert in_pieces == set(whole) and len(in_pieces) > 5000


def test_a_syntax_error_in_a_late_piece_names_the_line_of_the_file(store_dir: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    batches = build.batches_dir(store_dir)
    batches.mkdir(parents=True)
    lines = [f"<http://example.org/s{i}> <http://example.org/p> {i} ." for i in range(400)]
    lines[350] = "<http://example.org/broken> <http://example.org/p> ."
    (batches / "big.ttl").write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(split, "PIECE_BYTES", 1024)
    with pytest.raises(UserError, match=r"big\.ttl:351"):
        build.build(store_dir)
    assert build.current_index(store_dir) is None  # nothing half-built is left as the store


def test_two_files_naming_the_same_blank_node_keep_two_nodes(store_dir: Path) -> None:
    batches = build.batches_dir(store_dir)
    batches.mkdir(parents=True)
    for name in ("one", "two"):
        (batches / f"{name}.nt").write_text(f'_:b0 <http://example.org/p> "{name}" .\n')
    build.build(store_dir)
    with build.open_store(store_dir) as store:
        rows = store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s <http://example.org/p> ?o }").rows
    assert int(rows[0]["n"].value) == 2
