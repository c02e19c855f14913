"""/sparql through real SPARQL clients (SPARQLWrapper, rdflib's SPARQLStore, the project's own
RemoteStore) against ``dprk-kg serve``'s app under a real uvicorn on a loopback port."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse

import pyoxigraph as ox
import pytest
import rdflib
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from dprk_kg import api, namespaces
from dprk_kg.store import SelectResult, Store
from dprk_kg.web.sparql import to_xml
from web_support import Server, get

pytestmark = pytest.mark.slow
PERSONS = ("PREFIX dprk: <https://w3id.org/dprk-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
           "SELECT ?p ?name WHERE { ?p a dprk:Person ; rdfs:label ?name FILTER(LANG(?name) = 'ko') } ORDER BY ?p")
KIM = "https://w3id.org/dprk-kg/id/person/kim-jong-un"


@pytest.fixture(scope="module")
def kg(built_store):
    with api.open(built_store) as graph:
        yield graph


@pytest.fixture(scope="module")
def server(kg):
    with Server(kg, row_cap=5) as s:
        yield s


def wrapper(server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    client = SPARQLWrapper(server.base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    client.setMethod(method)
    return client


def embedded_rows(kg, query: str) -> list[tuple[str, str]]:
    return [(r["p"].value, r["name"].value) for r in kg.store.select(query).rows]


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_json_gives_the_embedded_rows_up_to_the_cap(server, kg, method) -> None:
    answer = wrapper(server, PERSONS, JSON, method).query()
    rows = [(b["p"]["value"], b["name"]["value"]) for b in answer.convert()["results"]["bindings"]]
    assert rows == embedded_rows(kg, PERSONS)[:5]
    assert len(embedded_rows(kg, PERSONS)) > 5, "the cap must bite for this test to mean something"
    assert answer.info()["x-sparql-maxrows"] == "5"
    assert "5 rows" in answer.info()["x-sparql-truncated"]
    assert float(answer.info()["x-sparql-timeout"]) > 0


def test_sparqlwrapper_xml_csv_tsv(server, kg) -> None:
    query = PERSONS + " LIMIT 3"
    expected = embedded_rows(kg, query)
    xml = wrapper(server, query, XML).query().convert()
    ns = "{http://www.w3.org/2005/sparql-results#}"
    results = xml.getElementsByTagNameNS(ns[1:-1], "result")
    assert [r.getElementsByTagNameNS(ns[1:-1], "uri")[0].firstChild.data for r in results] == [p for p, _ in expected]
    table = list(csv.reader(io.StringIO(wrapper(server, query, CSV).query().convert().decode("utf-8"))))
    assert table == [["p", "name"], *[list(r) for r in expected]]
    tsv = wrapper(server, query, TSV).query().convert().decode("utf-8").splitlines()
    assert tsv[0] == "?p\t?name" and tsv[1] == f"<{expected[0][0]}>\t\"{expected[0][1]}\"@ko"


def test_a_triple_term_is_written_in_xml_results() -> None:
    """A SELECT may bind an RDF 1.2 triple term (``TRIPLE(?s, ?p, ?o)``): the XML results
    write it as SPARQL 1.2 does, where it was read as a literal and failed with an
    AttributeError (a 500 for the client)."""
    t = ox.Triple(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o"))
    assert ('<binding name="t"><triple><subject><uri>http://e/s</uri></subject>'
            "<predicate><uri>http://e/p</uri></predicate><object><literal>o</literal></object>"
            "</triple></binding>") in to_xml(SelectResult(["t"], [{"t": t}]))


def test_ask_and_construct(server) -> None:
    assert wrapper(server, f"ASK {{ <{KIM}> ?p ?o }}", JSON).query().convert()["boolean"] is True
    turtle = wrapper(server, f"CONSTRUCT {{ <{KIM}> ?p ?o }} WHERE {{ <{KIM}> ?p ?o }}", TURTLE).query().convert()
    g = rdflib.Graph().parse(data=turtle, format="turtle")
    assert (rdflib.URIRef(KIM), rdflib.RDFS.label, rdflib.Literal("김정은", lang="ko")) in g
    jsonld = get(server.base + "/sparql?" + urllib.parse.urlencode(
        {"query": f"DESCRIBE <{KIM}>"}), accept="application/ld+json")
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    g = rdflib.Graph().parse(data=jsonld.text, format="json-ld")
    assert (rdflib.URIRef(KIM), rdflib.RDFS.label, rdflib.Literal("Kim Jong Un", lang="en")) in g


def test_rdflib_sparqlstore_reads_the_endpoint(server, kg) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    g = rdflib.Graph(store=SPARQLStore(server.base + "/sparql", returnFormat="json"))
    rows = [(str(p), str(name)) for p, name in g.query(PERSONS + " LIMIT 4")]
    assert rows == embedded_rows(kg, PERSONS + " LIMIT 4")
    assert (rdflib.URIRef(KIM), rdflib.RDFS.label, rdflib.Literal("김정은", lang="ko")) in g


def test_the_project_reads_its_own_endpoint(kg) -> None:
    """RemoteStore (``dprk-kg --endpoint``) against /sparql gives the embedded answer."""
    with Server(kg) as s:
        remote = Store.remote(s.base + "/sparql")
        assert set(remote.named_graphs()) == set(kg.store.named_graphs())
        assert [(r["p"].value, r["name"].value) for r in remote.select(PERSONS).rows] == embedded_rows(kg, PERSONS)


def test_updates_are_refused_with_403(server, kg) -> None:
    before = len(kg.store)
    client = wrapper(server, "DELETE WHERE { ?s ?p ?o }", JSON, "POST")
    with pytest.raises(urllib.error.HTTPError) as e:  # SPARQLWrapper has no class for a 403
        client.query()
    assert e.value.code == 403 and "read-only" in e.value.read().decode()
    form = get(server.base + "/sparql", data=b"update=DROP+ALL", content_type="application/x-www-form-urlencoded")
    assert form.status == 403 and "read-only" in form.text
    direct = get(server.base + "/sparql", data=b"DROP ALL", content_type="application/sparql-update")
    assert direct.status == 403
    assert len(kg.store) == before


def test_service_and_bad_queries_get_a_clear_400(server) -> None:
    with pytest.raises(QueryBadFormed) as e:
        wrapper(server, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", JSON).query()
    assert "SERVICE is refused" in str(e.value)
    bad = get(server.base + "/sparql?query=SELECT+%3Fx+WHERE+%7B")
    assert bad.status == 400 and "syntax" in bad.text.lower()
    wrong_type = get(server.base + "/sparql", data=b"query=ASK{}", content_type="text/plain")
    assert wrong_type.status == 415


def test_the_service_description(server) -> None:
    answer = get(server.base + "/sparql", accept="text/turtle")
    assert answer.status == 200
    g = rdflib.Graph().parse(data=answer.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = next(g.subjects(rdflib.RDF.type, sd.Service))
    assert (service, sd.endpoint, rdflib.URIRef(server.base + "/sparql")) in g
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert answer.headers["x-sparql-maxrows"] == "5"


def test_a_query_past_the_timeout_gets_503() -> None:
    store = Store.memory()
    triples = [ox.Triple(ox.NamedNode(f"http://e/{i}"), ox.NamedNode("http://e/p"), ox.Literal(str(i)))
               for i in range(200)]
    store.replace_graphs({namespaces.BASE_GRAPH + "t": triples})
    with Server(store, timeout=0.2) as s:
        # Eight million rows: seconds, then the abandoned run ends on its own.
        slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f FILTER(STR(?b) < STR(?d)) }"
        with pytest.raises(urllib.error.HTTPError) as e:  # SPARQLWrapper has no class for a 503
            wrapper(s, slow, JSON).query()
        assert e.value.code == 503 and "timeout" in e.value.read().decode()
        on_the_page = get(s.base + "/query?" + urllib.parse.urlencode({"query": slow}))
        assert on_the_page.status == 503 and "timeout" in on_the_page.text
        # and the server goes on answering
        assert json.loads(get(s.base + "/sparql?query=ASK%7B%7D", accept="application/json").text)["boolean"] is True
