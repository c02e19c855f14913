"""The synthetic benchmark graph: marked synthetic, deterministic, in the project's model.

The benchmark's figures mean something only if the generated graph is one the project
accepts (it conforms to the shapes) and one the named queries answer (they return rows on it,
without a plan that explodes). Runs at a small size (about 10k triples).
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg import catalog, namespaces, query, resources
from dprk_kg.store import EmbeddedStore

from support import generate, memory_store

SIZE = 10_000
TINY = 1_000  # one unit of each kind: pyshacl takes long even on this
DCT_SOURCE = "http://purl.org/dc/terms/source"
#: Classes whose every node must cite a source (docs/design.md, "Sources").
FACT_CLASSES = ["PostHolding", "Mandate", "Candidacy", "Nomination", "ReportedResult",
                "AuthorityClaim", "SelectionClaim"]
#: Named queries whose questions the synthetic graph models, so they must answer from it.
ANSWERED = ["dual-power", "turnout-by-source", "deputies-elected", "election-timeline",
            "source-disagreements", "chain-of-command"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("synthetic")
    files = {"nq": out / "g.nq", "ttl": out / "g.ttl", "batch": out / "batch.ttl"}
    generate.generate(SIZE, [files["nq"], files["ttl"]], seed=7)
    generate.generate_batch(SIZE, files["batch"], seed=7)
    return files


@pytest.fixture(scope="module")
def store(generated: dict[str, Path]) -> EmbeddedStore:
    """The ontology and the synthetic graph only (no base graph: every answer is synthetic)."""
    s = memory_store()
    s.native.bulk_load(path=str(generated["nq"]), format=ox.RdfFormat.N_QUADS)
    s.timeout = 60  # a plan that explodes fails the test instead of hanging it
    return s


def test_sizes_are_as_asked(tmp_path: Path) -> None:
    for size in (10_000, 100_000):
        count = generate.generate(size, [tmp_path / "g.nq"])
        assert 0.7 * size < count < 1.5 * size
        assert sum(1 for _ in (tmp_path / "g.nq").open()) == count


def test_same_seed_same_bytes_other_seed_other_graph(tmp_path: Path, generated: dict[str, Path]) -> None:
    generate.generate(SIZE, [tmp_path / "again.nq"], seed=7)
    generate.generate(SIZE, [tmp_path / "other.nq"], seed=8)
    assert (tmp_path / "again.nq").read_bytes() == generated["nq"].read_bytes()
    assert (tmp_path / "other.nq").read_bytes() != generated["nq"].read_bytes()


def test_turtle_and_nquads_hold_the_same_triples(generated: dict[str, Path]) -> None:
    nq = {q.triple for q in ox.parse(path=str(generated["nq"]), format=ox.RdfFormat.N_QUADS)}
    ttl = set(ox.parse(path=str(generated["ttl"]), format=ox.RdfFormat.TURTLE))
    assert {ox.Triple(t.subject, t.predicate, t.object) for t in ttl} == nq


def test_everything_is_marked_synthetic(generated: dict[str, Path]) -> None:
    quads = list(ox.parse(path=str(generated["nq"]), format=ox.RdfFormat.N_QUADS))
    assert {q.graph_name.value for q in quads} == {generate.GRAPH}
    assert all(q.subject.value.startswith(generate.SYN) for q in quads)
    sources = {q.object for q in quads if q.predicate.value == DCT_SOURCE}
    titles = {q.subject: q.object.value for q in quads
              if q.predicate.value == "http://purl.org/dc/terms/title"}
    assert sources and all("Synthetic" in titles[s] for s in sources)


def test_every_fact_cites_a_source(store: EmbeddedStore) -> None:
    for cls in FACT_CLASSES:
        counts = store.select(f"""
            SELECT (COUNT(DISTINCT ?x) AS ?all) (COUNT(DISTINCT ?sourced) AS ?with) WHERE {{
              ?x a <{namespaces.DPRK}{cls}> .
              OPTIONAL {{ ?x <{DCT_SOURCE}> ?s . BIND(?x AS ?sourced) }} }}""").rows[0]
        assert int(counts["all"].value) > 0, cls
        assert counts["all"].value == counts["with"].value, cls


def test_single_holder_posts_never_overlap(store: EmbeddedStore) -> None:
    rows = store.select(f"""
        PREFIX dprk: <{namespaces.DPRK}>
        SELECT ?a ?b WHERE {{
          ?a dprk:post ?post ; dprk:startDate ?s1 . ?b dprk:post ?post ; dprk:startDate ?s2 .
          FILTER(?a != ?b && ?s1 <= ?s2)
          OPTIONAL {{ ?a dprk:endDate ?e1 }}
          FILTER(!BOUND(?e1) || ?e1 >= ?s2) }}""").rows
    assert rows == []


def test_batch_has_100_triples_and_one_of_each_error(generated: dict[str, Path]) -> None:
    triples = list(ox.parse(path=str(generated["batch"]), format=ox.RdfFormat.TURTLE))
    assert len(triples) == 100
    report = json.loads(generated["batch"].with_suffix(".json").read_text())
    assert sorted(e["kind"] for e in report["errors"]) == sorted(generate.ERROR_KINDS)
    subjects = {t.subject.value for t in triples}
    assert all(e["node"] in subjects for e in report["errors"])


@pytest.mark.slow  # pyshacl: about 40 s of CPU even at this size
def test_graph_conforms_and_the_batch_breaks_the_shapes(tmp_path: Path) -> None:
    """One pyshacl run (it is slow) over the ontology, a tiny graph and its batch: every
    violation is on a node of the batch or on the node it collides with (so the graph itself
    conforms), and each injected error is caught (so the benchmark's batch checks something)."""
    shapes = resources.shapes_file()
    import pyshacl
    from rdflib import RDF, Graph, Namespace

    generate.generate(TINY, [tmp_path / "g.ttl"])
    injected = generate.generate_batch(TINY, tmp_path / "batch.ttl")["errors"]
    data = Graph()
    for f in [*resources.ontology_files(), tmp_path / "g.ttl", tmp_path / "batch.ttl"]:
        data.parse(f, format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=Graph().parse(shapes), inference="none",
                                    advanced=True, allow_warnings=True)
    sh = Namespace("http://www.w3.org/ns/shacl#")
    violations = {str(report.value(r, sh.focusNode)) for r in report.subjects(RDF.type, sh.ValidationResult)
                  if report.value(r, sh.resultSeverity) == sh.Violation}
    batch = {t.subject.value for t in ox.parse(path=str(tmp_path / "batch.ttl"), format=ox.RdfFormat.TURTLE)}
    assert violations - batch - {e["with"] for e in injected if "with" in e} == set()
    assert [e["kind"] for e in injected if e["node"] not in violations] == []


@pytest.mark.parametrize("name", ANSWERED)
def test_named_query_answers_from_the_synthetic_graph(store: EmbeddedStore, name: str) -> None:
    queries = catalog.catalog()
    assert name in queries, f"queries/{name}.rq is missing: the synthetic graph is built to answer it"
    q = queries[name]
    rows = query.run_named(store, q, generate.query_params(q.params, SIZE, seed=7)).rows
    assert rows, f"{name} returned no rows on the synthetic graph"
    assert any(v.value.startswith(generate.SYN) for r in rows for v in r.values()
               if isinstance(v, ox.NamedNode))


def test_every_named_query_finishes_on_the_synthetic_graph(store: EmbeddedStore) -> None:
    """A plan that explodes is a bug: each query runs under the store's timeout."""
    for name, q in sorted(catalog.catalog().items()):
        query.run_named(store, q, generate.query_params(q.params, SIZE, seed=7))
