"""The W3C SHACL test suite: obtained from PyPI, read from its manifests, reports compared.

The suite (w3c/data-shapes, ``data-shapes-test-suite/tests``) ships inside pySHACL's source
distribution on PyPI, which is all a CI machine reaches. It is downloaded once into
``.test-data/`` (gitignored), checked against its sha256, and its ``sht_tests`` folder
extracted beside the W3C notice that covers it. Compared once with w3c/data-shapes at
ff9edb9 (2024-01-17): the same 150 files; pySHACL 0.40.1's copy differs only in
``or-datatypes-001`` (an ill-typed ``"forty two"^^xsd:integer`` where the W3C's has
``"none"^^xsd:boolean``: the same test) and in listing ``sparql/component/nodeValidator-001``
in its manifest, which the W3C manifest omits although the file is there. So the cases are
the W3C's 120 and that one: 121.

Reports are compared as the suite's page says (w3c.github.io/data-shapes/data-shapes-test-suite):
only the predicates of the expected report are kept (``sh:resultMessage`` only where the
expected report has the same message), path structures are copied per result, and the two
graphs must be isomorphic (blank nodes matched by isomorphism).
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic

PYSHACL = "0.40.1"
SHA256 = "011e3cf1a68b31747cb762ba3d755ae1bdcc464c8fad0dc212a9adc550719552"
CACHE = Path(__file__).resolve().parents[1] / ".test-data"
INNER = f"pyshacl-{PYSHACL}/test/resources/sht_tests/"
NOTICE = """The files in this folder are the W3C SHACL test suite (w3c/data-shapes,
data-shapes-test-suite/tests), as shipped in pySHACL {version}'s source distribution.
Copyright © W3C® (MIT, ERCIM, Keio, Beihang). Distributed under the W3C Software and
Document License: https://www.w3.org/Consortium/Legal/2015/copyright-software-and-document
"""

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
#: The predicates the suite's expected reports use; any other is dropped before comparing.
KEPT = {SH.result, SH.conforms, SH.focusNode, SH.resultPath, SH.resultSeverity,
        SH.sourceConstraint, SH.sourceConstraintComponent, SH.sourceShape, SH.value}


def suite_dir() -> Path:
    """The extracted ``sht_tests`` folder, downloaded from PyPI on first use."""
    target = CACHE / f"sht_tests-{PYSHACL}"
    if (target / "manifest.ttl").is_file():
        return target
    CACHE.mkdir(exist_ok=True)
    sdist = CACHE / f"pyshacl-{PYSHACL}.tar.gz"
    if not sdist.is_file():
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                        "--no-binary", ":all:", "--disable-pip-version-check",
                        f"pyshacl=={PYSHACL}", "-d", str(CACHE)], check=True)
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SHA256:
        sdist.unlink()
        raise RuntimeError(f"{sdist.name}: sha256 {digest}, expected {SHA256}")
    part = CACHE / f".sht_tests-{PYSHACL}.part"
    with tarfile.open(sdist) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(INNER):
                out = part / member.name[len(INNER):]
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]
    (part / "NOTICE").write_text(NOTICE.format(version=PYSHACL))
    part.rename(target)
    return target


@dataclass(frozen=True, eq=False)
class Case:
    """One test of the suite: its files and its expected result."""

    name: str  # e.g. "core/node/class-001"
    data: Path
    shapes: Path
    #: The manifest's graph (the test file itself) and the node of the expected result in it:
    #: an sh:ValidationReport, or sht:Failure.
    graph: rdflib.Graph
    result: rdflib.term.Node

    @property
    def expects_failure(self) -> bool:
        return self.result == SHT.Failure

    def __str__(self) -> str:
        return self.name


def parse(path: Path | None = None, *, data: str | None = None) -> rdflib.Graph:
    """A Turtle file (or text) with its literals as written (rdflib would read the suite's
    ``"2011-01-01"^^xsd:dateTime`` as another literal, ``"2011-01-01T00:00:00"``)."""
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        return rdflib.Graph().parse(path, data=data, format="turtle")
    finally:
        rdflib.NORMALIZE_LITERALS = normalize


def cases(root: Path) -> list[Case]:
    """Every sht:Validate entry reachable from ``root/manifest.ttl``, in manifest order."""
    found: list[Case] = []
    todo = [root / "manifest.ttl"]
    while todo:
        path = todo.pop(0)
        graph = parse(path)
        base = rdflib.URIRef(path.resolve().as_uri())
        todo += [Path(str(i)[len("file://"):]) for i in graph.objects(base, MF.include)]
        for entries in graph.objects(base, MF.entries):
            for entry in Collection(graph, entries):
                if (entry, rdflib.RDF.type, SHT.Validate) not in graph:
                    continue
                action = graph.value(entry, MF.action)
                data = Path(str(graph.value(action, SHT.dataGraph))[len("file://"):])
                shapes = Path(str(graph.value(action, SHT.shapesGraph))[len("file://"):])
                name = str(path.relative_to(root).with_suffix(""))
                found.append(Case(name, data, shapes, graph, graph.value(entry, MF.result)))
    return found


def reduced(graph: rdflib.Graph, report: rdflib.term.Node,
            messages: set[rdflib.Literal] = frozenset()) -> rdflib.Graph:  # type: ignore[assignment]
    """The report at ``report`` in ``graph`` cut down to what the suite compares.

    Each result's path structure is copied into fresh blank nodes (shared structures are not
    compared as shared); focus nodes, values and shapes are kept as terms, never followed.
    """
    out = rdflib.Graph()
    out.add((report, rdflib.RDF.type, SH.ValidationReport))
    for conforms in graph.objects(report, SH.conforms):
        out.add((report, SH.conforms, rdflib.Literal(bool(conforms.toPython()))))
    for result in graph.objects(report, SH.result):
        out.add((report, SH.result, result))
        out.add((result, rdflib.RDF.type, SH.ValidationResult))
        for p, o in graph.predicate_objects(result):
            if p == SH.resultPath:
                out.add((result, p, _copy_path(graph, o, out)))
            elif p in KEPT or (p == SH.resultMessage and o in messages):
                out.add((result, p, o))
    return out


def _copy_path(graph: rdflib.Graph, node: rdflib.term.Node, out: rdflib.Graph
               ) -> rdflib.term.Node:
    if not isinstance(node, rdflib.BNode):
        return node
    copy = rdflib.BNode()
    for p, o in graph.predicate_objects(node):
        out.add((copy, p, _copy_path(graph, o, out)))
    return copy


def matches(case: Case, report: rdflib.Graph) -> bool:
    """Whether ``report`` (a graph holding one sh:ValidationReport) is the expected one."""
    [node] = report.subjects(rdflib.RDF.type, SH.ValidationReport)
    messages = {m for result in case.graph.objects(case.result, SH.result)
                for m in case.graph.objects(result, SH.resultMessage)}
    return isomorphic(reduced(report, node, messages), reduced(case.graph, case.result, messages))
