"""The core shapes compiled to SPARQL find exactly what pyshacl finds (dprk_kg.validation.compile).

Users rely on validation saying the same whichever engine runs it: the compiled checks (one
SELECT per shape and constraint, on pyoxigraph) are compared with pyshacl's core results on
every rejecting fixture of tests/test_shapes.py, on the shipped graph, on a generated graph
with its batch of injected errors, and on generated batches. The reference is pyshacl over
an rdflib graph parsed from the files (the literals as written), with the core shapes only:
the sh:sparql rules are compared in test_validate.py and test_shapes.py. Values of integer
subtypes compare as integers: the store keeps them as xsd:integer (see dprk_kg.validation.compile).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyshacl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH

from dprk_kg import resources
from dprk_kg.parse import Batch, read_file, read_text
from dprk_kg.validation.compile import INTEGERS
from dprk_kg.validation.terms import SKOLEM
from dprk_kg.store import Store
from dprk_kg.validation import load_shapes, validate_batch, validate_store
import support
from fixtures.ingest.helpers import PREFIXES, memory_store, shacl_keys
from support import generate


FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
SPARQL = SH.SPARQLConstraintComponent
INTEGER = URIRef("http://www.w3.org/2001/XMLSchema#integer")


@cache
def project():
    return load_shapes()


def ontology_store(*files: Path) -> Store:
    """The ontology (and ``files``) in a memory store, as a build would hold them."""
    return support.memory_store({f"file{i}": read_file(f, progress=False).triples
                                 for i, f in enumerate(files)})


def key(report: Graph, result) -> tuple:
    """A result as both engines write it; literals compared by value (the store keeps
    canonical forms: 100.0 reads 100)."""
    def term(t):
        if isinstance(t, Literal) and not t.ill_typed:  # integer subtypes: see validation.compile
            datatype = INTEGER if str(t.datatype) in INTEGERS else t.datatype
            return ("literal", t.toPython() if t.datatype else str(t), datatype, t.language)
        # A blank node (a complex path, or a blank focus node our engine names by its skolem IRI)
        blank = isinstance(t, BNode) or str(t).startswith(SKOLEM)
        return "a blank node" if blank else t

    return tuple(term(report.value(result, p)) for p in (
        SH.focusNode, SH.sourceShape, SH.sourceConstraintComponent, SH.resultSeverity,
        SH.resultPath, SH.value))


def results(report: Graph) -> list[tuple]:
    """The core results of a report (sorted, duplicates kept)."""
    return sorted((key(report, r) for r in report.subjects(RDF.type, SH.ValidationResult)
                   if report.value(r, SH.sourceConstraintComponent) != SPARQL), key=str)


def reference(*files: Path, focus: set | None = None) -> list[tuple]:
    """pyshacl's core results over the ontology and ``files`` parsed by rdflib."""
    data = Graph()
    for f in [*resources.ontology_files(), *files]:
        data.parse(f, format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=project().core, inference="none",
                                    allow_warnings=True, advanced=True)
    return [r for r in results(report) if focus is None or r[0] in focus]


def batch_of(*files: Path) -> Batch:
    triples = [t for f in files for t in read_file(f, progress=False).triples]
    return Batch(triples=triples)


def test_the_project_shapes_compile_whole():
    """Every core constraint of ontology/shapes.ttl runs as SPARQL: pyshacl is not needed."""
    compiled = project().compiled
    assert compiled.fallback == [] and compiled.rest is None
    assert len(compiled.checks) > 150


def test_every_rejecting_fixture_gives_pyshacls_results():
    """(a) tests/fixtures/shapes: world.ttl and every invalid fixture, validated as a batch
    (its literals as written: bare integers where a subtype is required are caught)."""
    files = [FIXTURES / "valid" / "world.ttl", *sorted((FIXTURES / "invalid").glob("*.ttl"))]
    report = validate_batch(ontology_store(), batch_of(*files), shapes=project())
    ours = results(report.report_graph)
    assert ours == reference(*files)
    shapes_hit = {r[1] for r in ours}
    assert len(shapes_hit) > 100  # nearly every rule fires on its fixture


def test_the_shipped_graph_gives_pyshacls_results_from_the_store():
    """(b) full validation on the store finds what pyshacl finds over the files."""
    files = list(resources.graph_files())
    assert files, "graph/*.ttl: the shipped graph is missing"
    ours = results(validate_store(ontology_store(*files), shapes=project()).report_graph)
    assert ours == reference(*files)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("synthetic")
    files = {"graph": out / "g.ttl", "batch": out / "batch.ttl"}
    generate.generate(3_000, [files["graph"]], seed=3)
    generate.generate_batch(3_000, files["batch"], seed=3)
    return files


def test_a_generated_graph_and_its_batch_give_pyshacls_results(generated):
    """(c) the generator's graph (full validation) and its batch of 6 injected errors
    (incremental): the batch's results are those of pyshacl over the union, for the nodes it
    touches, and the graph's are pyshacl's over the graph."""
    store = ontology_store(generated["graph"])
    assert results(validate_store(store, shapes=project()).report_graph) == \
        reference(generated["graph"])
    report = validate_batch(store, batch_of(generated["batch"]), shapes=project())
    ours = results(report.report_graph)
    union = reference(generated["graph"], generated["batch"])
    before = reference(generated["graph"])
    new = [r for r in union if r not in before]
    assert set(new) <= set(ours) <= set(union)
    assert ours == [r for r in union if r[0] in {o[0] for o in ours}]


def test_what_the_compiler_cannot_translate_stays_with_pyshacl(tmp_path):
    """sh:xone, sh:not and sh:node (with the shapes they nest) run in pyshacl; the rest as
    SPARQL; together they report what pyshacl alone reports, and never nothing."""
    shapes_file = tmp_path / "shapes.ttl"
    shapes_file.write_text(PREFIXES + """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://example.org/shapes#> .
ex:Named a sh:NodeShape ; sh:property ex:HasLabel .
ex:HasLabel sh:path rdfs:label ; sh:minCount 1 .
ex:Person a sh:NodeShape ; sh:targetClass dprk:Person ; sh:message "Person: breaks a rule" ;
    sh:node ex:Named ;
    sh:not [ sh:path dcterms:source ; sh:maxCount 0 ] ;
    sh:xone ( [ sh:path dprk:role ; sh:minCount 1 ] [ sh:path dprk:affiliation ; sh:minCount 1 ] ) ;
    sh:property [ sh:path dcterms:source ; sh:class dprk:SourceDocument ] .
""")
    shapes = load_shapes(shapes_file)
    assert {str(p) for _, p in shapes.compiled.fallback} == {"node", "not", "xone"}
    assert (None, SH.minCount, None) in shapes.compiled.rest  # ex:Named reaches pyshacl whole
    batch = read_text(PREFIXES + """
f:person\\/x a dprk:Person ; dcterms:source f:person\\/y .
f:person\\/y a dprk:Person ; rdfs:label "Y"@en ; dprk:role "r" ; dprk:affiliation f:organ\\/nh-ppc .
""", "turtle", name="new.ttl")
    fast = validate_batch(memory_store(), batch, shapes=shapes)
    plain = validate_store(memory_store(batch.triples), shapes=shapes, reference=True)
    components = {str(fast.report_graph.value(r, SH.sourceConstraintComponent)).rsplit("#")[-1]
                  for r in fast.report_graph.subjects(RDF.type, SH.ValidationResult)}
    assert {"NodeConstraintComponent", "NotConstraintComponent", "XoneConstraintComponent",
            "ClassConstraintComponent"} <= components
    assert shacl_keys(fast.problems) == {k for k in shacl_keys(plain.problems)
                                         if k[1] in ("kg:fixture/person/x", "kg:fixture/person/y")}


# -- generated batches against the fixture graph ----------------------------------------------

VALUES = {
    "a": ["dprk:PostHolding", "dprk:Person", "dprk:ReportedResult", "dprk:Publisher",
          "dprk:RuleClaim", "dprk:Tenure", "dprk:SourceDocument"],
    "rdfs:label": ['"Kim"@en', '"김"@ko', '"Kim"', '"Ri"@en'],
    "dprk:turnoutPercent": ["99.5", "100.4", '"high"', "100"],
    "dprk:minimumVotingAge": ['"17"^^xsd:nonNegativeInteger', "17",
                              '"150"^^xsd:nonNegativeInteger'],
    "dprk:sessionsPerYearMin": ['"3"^^xsd:nonNegativeInteger'],
    "dprk:sessionsPerYearMax": ['"2"^^xsd:nonNegativeInteger', '"4"^^xsd:nonNegativeInteger'],
    "dprk:tenureStatus": ["dprk:Current", "dprk:Ended", "dprk:EndUnknown"],
    "dprk:endDate": ['"2021-06-01"^^xsd:date', '"2021"'],
    "dprk:lastAttested": ['"2024-01-01"^^xsd:date'],
    "dprk:publisherKind": ["dprk:StateMedia", "dprk:Current"],
    "dcterms:source": ["f:source\\/kcna-2024", "f:person\\/ri-il-hwan"],
    "dprk:isoCode": ['"KP-08"', '"KP-8"'],
}
SUBJECTS = ["f:g\\/1", "f:g\\/2", "f:person\\/ri-il-hwan", "f:holding\\/ri-il-hwan-nh-2020"]
triples = st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(sorted(VALUES))).flatmap(
    lambda sp: st.sampled_from(VALUES[sp[1]]).map(lambda o: (sp[0], sp[1], o)))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(triples, min_size=1, max_size=10, unique=True))
def test_generated_batches_give_pyshacls_results(tmp_path_factory, batch_triples):
    """(c) what a batch breaks is reported as pyshacl reports it, and nothing else."""
    from fixtures.ingest.helpers import BASE

    text = PREFIXES + "\n".join(f"{s} {p} {o} ." for s, p, o in batch_triples)
    path = tmp_path_factory.mktemp("batch") / "batch.ttl"
    path.write_text(text)
    store = ontology_store(BASE)
    try:
        report = validate_batch(store, read_text(text, "turtle", name="b.ttl"), shapes=project())
    except Exception as e:  # nothing would be checked: an error, never a pass
        assert "no SHACL shape applies" in str(e)
        return
    ours = results(report.report_graph)
    union = reference(BASE, path)
    before = reference(BASE)
    assert {r for r in union if r not in before} <= set(ours) <= set(union)
    assert ours == [r for r in union if r[0] in {o[0] for o in ours}]


def test_full_validation_of_the_on_disk_store_reads_as_in_memory(built_store):
    """The built store (on disk: validated through an in-memory copy) gives the problems a
    memory store holding the same quads gives."""
    from dprk_kg import api

    kg = api.open(built_store)
    copy = Store.memory()
    copy.native.bulk_extend(kg.store.native.quads_for_pattern(None, None, None))
    on_disk = validate_store(kg.store, shapes=project())
    assert shacl_keys(on_disk.problems) == shacl_keys(validate_store(copy, shapes=project()).problems)
    assert on_disk.conforms
