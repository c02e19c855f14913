"""The SHACL shapes (ontology/shapes.ttl) hold what users rely on when they validate facts.

- Every rule rejects a fixture built to break it and nothing else (tests/fixtures/shapes/invalid/
  <Rule>.ttl, named after the shape, and <Rule>--<case>.ttl for further cases), with the rule's
  own message; rules are found generically, so a new shape without a fixture fails here.
- The valid fixtures pass with no result at all, so the rules raise no false alarms.
- shapes.ttl is itself valid SHACL (the W3C SHACL-for-SHACL shapes, as pyshacl ships them).
- Nothing passes because nothing was checked: every shape targets nodes of the base graph, and
  the base graph conforms.
- Each SPARQL rule, run once with $this unbound on pyoxigraph (as the project's validator runs
  it), finds exactly the focus nodes pyshacl finds with $this pre-bound.

Why the invalid fixtures are validated in one run: pyshacl re-parses a SPARQL constraint for
every focus node, so each run costs seconds even on a small graph. The fixtures use disjoint
node IRIs, so one run over world.ttl plus all of them gives each fixture's results, told
apart by focus node.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import RDF, RDFS, BNode, Graph, URIRef
from rdflib.namespace import SH

from dprk_kg import resources

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
WORLD = FIXTURES / "valid" / "world.ttl"
VALID = sorted((FIXTURES / "valid").glob("*.ttl"))
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))
SHAPES_NS = "https://w3id.org/dprk-kg/shapes#"

#: Shape parameters that select or describe, as opposed to constraints that produce results.
NOT_CONSTRAINTS = {SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf,
                   SH.property, SH.path, SH.message, SH.severity, SH.deactivated, SH.name,
                   SH.description, SH.order, SH.group}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


@cache
def shapes() -> Graph:
    return Graph().parse(resources.shapes_file(), format="turtle")


def all_shapes() -> set:
    g = shapes()
    return (set(g.subjects(RDF.type, SH.NodeShape)) | set(g.subjects(RDF.type, SH.PropertyShape))
            | set(g.objects(None, SH.property)))


def checking_shapes() -> list[URIRef]:
    """The shapes with constraints of their own (those a validation result can come from)."""
    g = shapes()
    return sorted(s for s in all_shapes() if any(
        str(p).startswith(str(SH)) and p not in NOT_CONSTRAINTS for p in g.predicates(s)))


def local(shape: URIRef) -> str:
    return str(shape).removeprefix(SHAPES_NS)


def data_graph(*paths: Path) -> Graph:
    """The data graph as users validate it: the ontology and concepts plus the facts."""
    g = Graph()
    for path in [*resources.ontology_files(), *paths]:
        g.parse(path, format="turtle")
    return g


def results(data: Graph) -> list[dict]:
    """pyshacl's results on ``data`` (no inference), as plain dicts."""
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes(), inference="none",
                                    allow_warnings=True)
    return [{"focus": report.value(r, SH.focusNode), "shape": report.value(r, SH.sourceShape),
             "severity": report.value(r, SH.resultSeverity), "path": report.value(r, SH.resultPath),
             "value": report.value(r, SH.value), "message": str(report.value(r, SH.resultMessage))}
            for r in report.subjects(RDF.type, SH.ValidationResult)]


@cache
def invalid_data() -> Graph:
    return data_graph(WORLD, *INVALID)


@cache
def invalid_results() -> list[dict]:
    return results(invalid_data())


def subjects(path: Path) -> set:
    """The subjects of the fixture, as nodes of the combined data graph: IRIs as they are,
    and each blank node by what it states (a parse names blank nodes afresh)."""
    fixture = Graph().parse(path, format="turtle")

    def statement(g: Graph, node: BNode) -> frozenset:
        return frozenset((p, o) for p, o in g.predicate_objects(node) if not isinstance(o, BNode))

    blanks = {statement(fixture, s) for s in fixture.subjects() if isinstance(s, BNode)}
    data = invalid_data()
    return {s for s in fixture.subjects() if not isinstance(s, BNode)} | {
        s for s in set(data.subjects()) if isinstance(s, BNode) and statement(data, s) in blanks}


def message_pattern(shape: URIRef) -> re.Pattern:
    """The shape's sh:message as a regex: SPARQL messages fill in {?var} / {$this}."""
    message = str(shapes().value(shape, SH.message) or next(
        shapes().objects(shapes().value(shape, SH.sparql), SH.message)))
    return re.compile(".+".join(map(re.escape, re.split(r"\{[$?]\w+\}", message))), re.S)


def show(found: list[dict]) -> str:
    return "\n".join(f"{local(r['shape']) if isinstance(r['shape'], URIRef) else r['shape']} "
                     f"{r['focus']} {r['value']}: {r['message']}" for r in found)


# -- the shapes file itself --------------------------------------------------------------------

def test_shapes_are_valid_shacl():
    shacl_shacl = Graph().parse(str(files("pyshacl") / "assets" / "shacl-shacl.ttl"), format="turtle")
    conforms, _, text = pyshacl.validate(shapes(), shacl_graph=shacl_shacl, inference="none")
    assert conforms, text


def test_every_rule_is_named_and_says_what_is_wrong():
    """Reports name the rule: every shape has an IRI, every rule a message starting with its name."""
    assert [s for s in all_shapes() if not isinstance(s, URIRef)] == []
    g = shapes()
    for shape in checking_shapes():
        messages = list(g.objects(shape, SH.message)) + [
            m for c in g.objects(shape, SH.sparql) for m in g.objects(c, SH.message)]
        assert messages, f"{local(shape)} has no sh:message"
        assert all(str(m).startswith(local(shape) + ": ") for m in messages), local(shape)


def rule_of(fixture: Path) -> str:
    """``Rule.ttl`` or ``Rule--case.ttl`` breaks the shape dprksh:Rule."""
    return fixture.stem.split("--")[0]


def test_every_fixture_is_named_after_a_rule():
    rules = {local(s) for s in checking_shapes()}
    assert [p.name for p in INVALID if rule_of(p) not in rules] == []


# -- each rule rejects its fixtures -----------------------------------------------------------

@pytest.mark.parametrize("shape", checking_shapes(), ids=local)
def test_every_rule_has_a_fixture(shape: URIRef):
    assert any(rule_of(p) == local(shape) for p in INVALID), (
        f"no fixture breaks {local(shape)}: write {FIXTURES / 'invalid' / local(shape)}.ttl")


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_fixture_breaks_its_rule_and_no_other(fixture: Path):
    shape = URIRef(SHAPES_NS + rule_of(fixture))
    nodes = subjects(fixture)
    found = [r for r in invalid_results() if r["focus"] in nodes]
    mine = [r for r in found if r["shape"] == shape]
    assert mine, f"{fixture.name} does not break {local(shape)}; results on it:\n{show(found)}"
    pattern = message_pattern(shape)
    assert all(pattern.fullmatch(r["message"]) for r in mine), show(mine)
    severity = shapes().value(shape, SH.severity) or SH.Violation
    assert {r["severity"] for r in mine} == {severity}
    others = [r for r in found if r["shape"] != shape and r["severity"] == SH.Violation]
    assert others == [], show(others)


def test_valid_fixtures_raise_nothing():
    """No false alarm, not even a warning: handovers, imprecise dates, open tenures, duplicates."""
    found = results(data_graph(*VALID))
    assert found == [], show(found)


# -- the same answers with $this unbound (the project's fast validator) -------------------------

def sparql_constraints() -> list[tuple[URIRef, str]]:
    g = shapes()
    out = []
    for shape, constraint in g.subject_objects(SH.sparql):
        prefixes = "".join(f"PREFIX {g.value(d, SH.prefix)}: <{g.value(d, SH.namespace)}>\n"
                           for decl in g.objects(constraint, SH.prefixes)
                           for d in g.objects(decl, SH.declare))
        out.append((shape, prefixes + str(g.value(constraint, SH.select))))
    return sorted(out)


@pytest.mark.parametrize("shape,query", sparql_constraints(), ids=lambda x: local(x) if isinstance(x, URIRef) else "")
def test_sparql_rule_binds_this_itself(shape: URIRef, query: str):
    """Run once over the whole graph, on pyoxigraph or rdflib, a rule finds what pyshacl finds per node."""
    data = data_graph(WORLD, *INVALID)
    store = ox.Store()
    store.load(data.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    on_oxigraph = {row["this"].value for row in store.query(query)}
    on_rdflib = {str(row["this"]) for row in data.query(query)}
    per_node = {str(r["focus"]) for r in invalid_results() if r["shape"] == shape}
    assert on_oxigraph == on_rdflib == per_node
    assert per_node, f"{local(shape)} found nothing in the fixtures"


# -- the base graph ---------------------------------------------------------------------------

@cache
def base_graph() -> Graph:
    files = resources.graph_files()
    assert files, "graph/*.ttl: the shipped graph is missing"
    return data_graph(*files)


def test_base_graph_conforms():
    found = [r for r in results(base_graph()) if r["severity"] == SH.Violation]
    assert found == [], show(found)


def focus_nodes(g: Graph, shape: URIRef) -> set:
    """The nodes of ``g`` a shape's targets select (sh:targetClass follows rdfs:subClassOf)."""
    s = shapes()
    nodes = set(s.objects(shape, SH.targetNode))
    for cls in s.objects(shape, SH.targetClass):
        for sub in g.transitive_subjects(RDFS.subClassOf, cls):
            nodes |= set(g.subjects(RDF.type, sub))
    for p in s.objects(shape, SH.targetSubjectsOf):
        nodes |= set(g.subjects(p, None))
    for p in s.objects(shape, SH.targetObjectsOf):
        nodes |= set(g.objects(None, p))
    return nodes


def targeted_shapes() -> list[URIRef]:
    return sorted(s for s in all_shapes() if any(shapes().value(s, t) for t in TARGETS))


@pytest.mark.parametrize("shape", targeted_shapes(), ids=local)
def test_shape_checks_nodes_of_the_base_graph(shape: URIRef):
    """A shape that selects nothing in the base graph checks nothing: validation would pass silently."""
    assert focus_nodes(base_graph(), shape), (
        f"{local(shape)} targets no node of graph/*.ttl: its targets are misspelt, or the base "
        "graph lacks the facts it is meant for")
