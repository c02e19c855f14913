"""Running queries: parameters typed and bound as terms, updates and SERVICE refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg import build, catalog, namespaces, query, resources
from dprk_kg.catalog import Param
from dprk_kg.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures" / "queries"
XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def store(built_store: Path):
    with build.open_store(built_store) as s:
        yield s


@pytest.mark.parametrize("kind,value,expected", [
    ("date", "2019-03-10", ox.Literal("2019-03-10", datatype=ox.NamedNode(XSD + "date"))),
    ("date", "today", ox.Literal(date.today().isoformat(), datatype=ox.NamedNode(XSD + "date"))),
    ("integer", "042", ox.Literal("42", datatype=ox.NamedNode(XSD + "integer"))),
    ("decimal", "3.50", ox.Literal("3.50", datatype=ox.NamedNode(XSD + "decimal"))),
    ("boolean", "True", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
    ("gYear", "2019", ox.Literal("2019", datatype=ox.NamedNode(XSD + "gYear"))),
    ("string", "a \"quoted\" } text", ox.Literal("a \"quoted\" } text")),
    ("iri", "kg:unit/x", ox.NamedNode(namespaces.KG + "unit/x")),
    ("iri", "<http://example.org/a>", ox.NamedNode("http://example.org/a")),
    ("iri", "https://example.org/b", ox.NamedNode("https://example.org/b")),
])
def test_values_become_terms_of_the_declared_type(kind: str, value: str, expected) -> None:
    assert query.to_term(Param("p", "_p", kind, True), value) == expected


@pytest.mark.parametrize("kind,value", [
    ("date", "2019-02-30"), ("date", "10/03/2019"), ("integer", "4.2"), ("decimal", "NaN"),
    ("boolean", "yes"), ("gYear", "19"), ("iri", "not an iri"), ("iri", "nope:x"),
])
def test_a_value_of_the_wrong_type_is_refused(kind: str, value: str) -> None:
    with pytest.raises(UserError, match="parameter p must be"):
        query.to_term(Param("p", "_p", kind, True), value)


def test_an_iri_parameter_may_be_given_by_its_label(store) -> None:
    p = Param("class", "__class_iri", "iri", False)
    label = store.select(f"SELECT ?l WHERE {{ <{namespaces.DPRK}Person> <http://www.w3.org/2000/01/rdf-schema#label> ?l "
                         "FILTER(LANG(?l) = 'en') }").rows[0]["l"].value
    assert query.to_term(p, label.upper(), store) == ox.NamedNode(namespaces.DPRK + "Person")
    with pytest.raises(UserError, match="nothing is called"):
        query.to_term(p, "no such thing at all", store)


def test_parameters_are_checked_against_the_header() -> None:
    q = catalog.load(FIXTURES / "classes-since.rq")
    bound = query.bind(q, {})
    assert bound == {"_date_xsd_date": ox.Literal(date.today().isoformat(), datatype=ox.NamedNode(XSD + "date"))}
    with pytest.raises(UserError, match="must be one of 1, 2, 10"):
        query.bind(q, {"limit": "3"})
    with pytest.raises(UserError, match="has no parameter colour"):
        query.bind(q, {"colour": "red"})
    with pytest.raises(UserError, match="needs --param text=VALUE"):
        query.bind(catalog.load(FIXTURES / "people-by-label.rq"), {})


def test_a_named_query_runs_with_bound_parameters(store) -> None:
    q = catalog.load(FIXTURES / "people-by-label.rq")
    everything = query.run_named(store, q, {"text": "of"})
    assert everything.variables == ["thing", "label"] and everything.rows
    assert all("of" in r["label"].value.lower() for r in everything.rows)
    properties = query.run_named(store, q, {"text": "of", "class": "owl:ObjectProperty"})
    assert 0 < len(properties.rows) < len(everything.rows)
    assert all(store.ask("ASK { ?x a <http://www.w3.org/2002/07/owl#ObjectProperty> }", {"x": r["thing"]})
               for r in properties.rows)
    dated = query.run_named(store, catalog.load(FIXTURES / "classes-since.rq"), {"date": "2019-03-10"})
    assert {r["date"].value for r in dated.rows} == {"2019-03-10"}


def _runnable(path: Path) -> bool:
    return all(not p.required for p in catalog.load(path).params)


@pytest.mark.parametrize("path", [p for p in sorted(resources.queries_dir().glob("*.rq")) if _runnable(p)],
                         ids=lambda p: p.stem)
def test_every_shipped_query_runs_with_its_defaults(path: Path, store) -> None:
    q = catalog.load(path)
    result = query.run_named(store, q, {})
    if q.form == "SELECT":
        assert result.variables == list(q.columns)


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "# a comment\n  delete where { ?s ?p ?o }",
    "PREFIX ex: <http://e/>\nLOAD <http://example.org/data.ttl>",
    "CLEAR ALL", "drop graph <http://e/g>", "CREATE GRAPH <http://e/g>",
    "ADD <http://e/a> TO <http://e/b>", "MOVE DEFAULT TO <http://e/b>", "COPY DEFAULT TO <http://e/b>",
    "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
])
def test_updates_and_service_are_refused(text: str, store) -> None:
    before = len(store)
    with pytest.raises(UserError, match="refused"):
        query.run_sparql(store, text)
    assert len(store) == before


def test_update_words_inside_strings_iris_names_and_comments_are_fine(store) -> None:
    text = ('PREFIX drop: <http://example.org/insert#>\n'
            'SELECT ?delete WHERE { VALUES ?delete { "DROP ALL" """INSERT\nDATA""" '
            '<http://example.org/SERVICE> drop:load } } # CLEAR ALL')
    assert len(query.run_sparql(store, text).rows) == 4


def test_ad_hoc_query_forms_and_syntax_errors(store) -> None:
    assert query.run_sparql(store, "ASK { ?s ?p ?o }") is True
    triples = query.run_sparql(store, "CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 2")
    assert len(triples) == 2 and all(isinstance(t, ox.Triple) for t in triples)
    with pytest.raises(UserError, match="syntax"):
        query.run_sparql(store, "SELECT ?x WHERE { ?x ")
    with pytest.raises(UserError, match="not a SPARQL query"):
        query.run_sparql(store, "hello")


def test_a_parameter_inside_a_sub_select_is_bound_there_too(store) -> None:
    label = ox.Literal("person", language="en")
    inner = ("SELECT ?n WHERE { { SELECT (COUNT(*) AS ?n) WHERE { "
             "?x <http://www.w3.org/2000/01/rdf-schema#label> ?_label } } }")
    direct = store.select('SELECT (COUNT(*) AS ?n) WHERE { ?x <http://www.w3.org/2000/01/rdf-schema#label> "person"@en }')
    assert store.select(inner, {"_label": label}).rows == direct.rows
    assert int(direct.rows[0]["n"].value) >= 1


def test_a_unit_may_be_named_in_any_romanization_or_without_province(store) -> None:
    """Analysts write South Hamgyŏng, South Hamgyong or 함경남도 for the same province."""
    p = Param("unit", "__unit_iri", "iri", False)
    rows = store.select(
        f"SELECT ?u ?en ?ko WHERE {{ ?u <{namespaces.DPRK}divisionLevel> <{namespaces.DPRK}ProvincialLevel> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?en , ?ko "
        "FILTER(LANG(?en) = 'en' && LANG(?ko) = 'ko') }").rows
    assert len({r["u"] for r in rows}) >= 12
    for row in rows:
        unit, english = row["u"], row["en"].value
        variants = [english.removesuffix(" Province"),              # without the generic word
                    english.replace("ong", "ŏng"),                  # a McCune-Reischauer breve
                    row["ko"].value]                                  # Hangul
        for variant in variants:
            try:
                assert query.to_term(p, variant, store) == unit, variant
            except UserError as error:  # a real homonym is reported, never guessed
                assert "names several things" in str(error) and unit.value in str(error), variant


def test_an_iri_that_names_nothing_in_the_graph_is_refused(store) -> None:
    p = Param("unit", "__unit_iri", "iri", False)
    with pytest.raises(UserError, match="nothing in the graph is"):
        query.to_term(p, "kg:unit/south-hamgyoung", store)
    assert query.to_term(p, "kg:unit/south-hamgyong", store) == ox.NamedNode(namespaces.KG + "unit/south-hamgyong")


# -- plans that stay flat on a big graph ---------------------------------------------------

BIG = 300_000  # triples: enough for a plan that reads a whole class or explodes to show


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory):
    """The ontology and a generated graph of a few 100k triples, in memory (loads in seconds)."""
    from support import generate, memory_store

    data = tmp_path_factory.mktemp("big") / "g.nq"
    generate.generate(BIG, [data], seed=3)
    s = memory_store()
    s.native.bulk_load(path=str(data), format=ox.RdfFormat.N_QUADS)
    s.timeout = 20  # seconds; each query takes well under one: a plan that explodes fails here
    return s, generate.query_params


@pytest.mark.parametrize("path", sorted(resources.queries_dir().glob("*.rq")), ids=lambda p: p.stem)
def test_every_named_query_finishes_on_a_big_generated_graph(path: Path, big_store) -> None:
    """Not a timing assertion: a plan that explodes (minutes instead of milliseconds) is a bug."""
    s, params = big_store
    q = catalog.load(path)
    result = query.run_named(s, q, params(q.params, BIG, seed=3))
    if q.form == "SELECT":
        assert result.variables == list(q.columns)
