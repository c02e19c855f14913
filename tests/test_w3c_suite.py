"""The W3C SHACL test suite through every path a user has: the CLI, the full and the batch API.

The suite is 121 cases of w3c/data-shapes' ``data-shapes-test-suite/tests/core`` and
``tests/sparql``, as shipped in pySHACL 0.40.1's source distribution on PyPI (fetched and
checked by :mod:`w3c_suite`; the same files as w3c/data-shapes at ff9edb9, 2024-01-17, plus
the ``nodeValidator-001`` case its manifest lists). Each case runs

- through the CLI as a user types it: ``dprk-kg validate DATA --shapes SHAPES --format
  turtle`` on the shipped graph's store (the Turtle must be the expected sh:ValidationReport,
  the exit code 0 or 1 as it conforms, and 2 where the suite expects a failure);
- through :func:`~dprk_kg.validation.validate_store` on a store built from the data (full);
- through :func:`~dprk_kg.validation.validate_batch`, the data as a batch against an empty store.

pySHACL runs every case too, so that its count in the same run is the yardstick
(:func:`test_pyshacl_count_is_the_yardstick`). A case that a path cannot pass is listed in
:data:`KNOWN` with the reason; the list is exact: a listed case that passes fails its test.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import w3c_suite
from dprk_kg import cli
from dprk_kg.errors import UserError
from dprk_kg.parse import read_files
from dprk_kg.store import Store
from dprk_kg.validation import load_shapes, validate_batch, validate_store

SUITE = w3c_suite.suite_dir()
CASES = w3c_suite.cases(SUITE)
PATHS = ("cli", "full", "batch")

#: Cases a path does not pass, with the reason: {path: {case: reason}}.
KNOWN: dict[str, dict[str, str]] = {
    "cli": {},
    "full": {},
    "batch": {},
}
FORBIDDEN = ("runs a query that SHACL-SPARQL forbids with pre-bound variables (MINUS, VALUES, "
             "SERVICE, a sub-select without $this, AS on a pre-bound variable) instead of "
             "reporting a failure")
#: Cases pySHACL 0.40.1 does not pass (inference "none", advanced mode), with the reason.
PYSHACL_FAILS = {
    "core/property/datatype-001": 'reads the data with rdflib, which turns the ill-typed '
                                  '"2011-01-01"^^xsd:dateTime into "2011-01-01T00:00:00": the '
                                  "value it reports is not the data's",
    "sparql/pre-binding/pre-binding-006": FORBIDDEN,
    "sparql/pre-binding/shapesGraph-001": "does not pre-bind $shapesGraph",
    "sparql/pre-binding/unsupported-sparql-001": FORBIDDEN,
    "sparql/pre-binding/unsupported-sparql-002": FORBIDDEN,
    "sparql/pre-binding/unsupported-sparql-003": FORBIDDEN,
    "sparql/pre-binding/unsupported-sparql-004": FORBIDDEN,
    "sparql/pre-binding/unsupported-sparql-005": FORBIDDEN,
    "sparql/pre-binding/unsupported-sparql-006": FORBIDDEN,
}


def test_every_path_passes_at_least_as_many_cases_as_pyshacl() -> None:
    """The lists are exact (each case's test fails when its entry is wrong), so the counts
    are the suite's: CLI, full and batch 121 of 121; pySHACL 112."""
    for path in PATHS:
        assert len(KNOWN[path]) <= len(PYSHACL_FAILS), path
        assert set(KNOWN[path]) <= {c.name for c in CASES}


def test_the_suite_is_whole() -> None:
    assert len(CASES) == 121
    assert len({c.name for c in CASES}) == 121
    assert (SUITE / "NOTICE").read_text().startswith("The files in this folder are the W3C")


@pytest.fixture(scope="module")
def based(tmp_path_factory: pytest.TempPathFactory):
    """The data file of a case with its base IRI written out (``@base <file:...>``).

    rdflib reads the suite's ``<>`` against the file's own URI; dprk-kg refuses relative IRIs
    in what users add (they would name a file of one machine), so the data is given with the
    base stated: the same graph.
    """
    folder = tmp_path_factory.mktemp("w3c")

    def write(case: w3c_suite.Case) -> Path:
        out = folder / case.name.replace("/", "--")
        out = out.with_name(out.name + ".ttl")
        out.write_text(f"@base <{case.data.resolve().as_uri()}> .\n" + case.data.read_text())
        return out

    return write


def run_cli(case: w3c_suite.Case, data: Path, store: Path, capsys: pytest.CaptureFixture) -> bool:
    code = cli.run(["--store", str(store), "validate", str(data), "--shapes",
                    str(case.shapes), "--format", "turtle"])
    out, err = capsys.readouterr()
    if case.expects_failure:
        return code == 2
    if code not in (0, 1):
        return False
    report = w3c_suite.parse(data=out)
    # Exit 1 is for violations; results of other severities are shown with exit 0.
    expected = w3c_suite.reduced(case.graph, case.result)
    violations = (None, w3c_suite.SH.resultSeverity, w3c_suite.SH.Violation) in expected
    return code == (1 if violations else 0) and w3c_suite.matches(case, report)


def run_api(case: w3c_suite.Case, data: Path, path: str) -> bool:
    try:
        shapes = load_shapes(case.shapes)
        batch = read_files([data], progress=False)
        if path == "full":
            store = Store.memory()
            store.native.extend(rdflib_free_quads(batch))
            report = validate_store(store, shapes=shapes, written=batch.triples)
        else:
            report = validate_batch(Store.memory(), batch, shapes=shapes)
    except UserError:
        return case.expects_failure
    return not case.expects_failure and w3c_suite.matches(case, report.report_graph)


def rdflib_free_quads(batch):  # the data as a named graph of the store, as a build loads it
    import pyoxigraph as ox

    graph = ox.NamedNode("https://w3id.org/dprk-kg/graph/base/data")
    return [ox.Quad(t.subject, t.predicate, t.object, graph) for t in batch.triples]


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("path", PATHS)
def test_case(path: str, case: w3c_suite.Case, based, built_store: Path,
              capsys: pytest.CaptureFixture) -> None:
    data = based(case)
    passed = run_cli(case, data, built_store, capsys) if path == "cli" else \
        run_api(case, data, path)
    reason = KNOWN[path].get(case.name)
    if reason is None:
        assert passed, f"{case.name} fails through the {path} path"
    else:
        assert not passed, f"{case.name} now passes through the {path} path: take it off KNOWN"


def test_the_console_script_gives_the_same_report(based, built_store: Path) -> None:
    """One case through a real ``dprk-kg`` process, as typed in a shell."""
    import subprocess
    import sys

    [case] = [c for c in CASES if c.name == "core/node/class-001"]
    script = Path(sys.executable).with_name("dprk-kg")
    done = subprocess.run([str(script), "--store", str(built_store), "validate",
                           str(based(case)), "--shapes", str(case.shapes), "--format", "turtle"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert w3c_suite.matches(case, w3c_suite.parse(data=done.stdout))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_pyshacl_count_is_the_yardstick(case: w3c_suite.Case) -> None:
    import pyshacl

    logging.getLogger("rdflib").setLevel(logging.ERROR)
    try:
        _, report, _ = pyshacl.validate(str(case.data), shacl_graph=str(case.shapes),
                                        inference="none", advanced=True)
        passed = not case.expects_failure and w3c_suite.matches(case, report)
    except Exception:  # pyshacl's own failure: right only where the suite expects one
        passed = case.expects_failure
    assert passed == (case.name not in PYSHACL_FAILS)


SHAPES_GRAPH_READER = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/" ] .
ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:p ; ex:limit 2 ;
  sh:sparql [ sh:prefixes ex: ; sh:message "over the limit the shapes graph sets" ; sh:select '''
    SELECT $this ?value WHERE {
      $this ex:p ?value .
      GRAPH $shapesGraph { $currentShape ex:limit ?limit }
      FILTER (?value > ?limit)
      FILTER NOT EXISTS { $currentShape ex:limit ?limit }  # the shapes are not data
    }''' ] .
"""


@pytest.mark.parametrize("path", ("full", "batch"))
def test_shapes_graph_is_a_named_graph_beside_the_data(path: str, tmp_path: Path) -> None:
    """$shapesGraph names the shapes graph, which the query reads with GRAPH; the data
    graph does not hold the shapes (the NOT EXISTS would hide every result if it did)."""
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(SHAPES_GRAPH_READER)
    data = tmp_path / "data.ttl"
    data.write_text("<http://example.org/a> <http://example.org/p> 1, 3 .\n")
    shapes, batch = load_shapes(shapes_file), read_files([data], progress=False)
    if path == "full":
        store = Store.memory()
        store.native.extend(rdflib_free_quads(batch))
        report = validate_store(store, shapes=shapes)
    else:
        report = validate_batch(Store.memory(), batch, shapes=shapes)
    sh = w3c_suite.SH
    values = [report.report_graph.value(r, sh.value)
              for r in report.report_graph.objects(None, sh.result)]
    assert [v.toPython() for v in values] == [3]


def test_a_built_store_is_validated_on_its_literals_as_written(based, tmp_path: Path) -> None:
    """The full path of a store built from files: the store keeps "300"^^xsd:byte as
    "300"^^xsd:integer and cannot tell a written "55"^^xsd:integer from "55"^^xsd:byte, so
    sh:datatype is judged on the literals as the files write them (the W3C
    ``datatype-ill-formed`` case, its data a batch file of a built store)."""
    from dprk_kg import build

    [case] = [c for c in CASES if c.name == "core/property/datatype-ill-formed"]
    store_dir = tmp_path / "store"
    build.batches_dir(store_dir).mkdir(parents=True)
    (build.batches_dir(store_dir) / "ill.ttl").write_text(based(case).read_text())
    build.build(store_dir)
    with build.open_store(store_dir) as store:
        report = validate_store(store, shapes=load_shapes(case.shapes))
    assert w3c_suite.matches(case, report.report_graph)
