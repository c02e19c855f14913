"""The Store interface: union default graph, bindings, atomic replace, read-only, timeout."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from dprk_kg.errors import UserError
from dprk_kg.store import QueryTimeout, Store

EX = "http://example.org/"
G1, G2, G3 = (f"https://w3id.org/dprk-kg/graph/base/t{i}" for i in (1, 2, 3))


def t(s: str, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
    return ox.Triple(ox.NamedNode(EX + s), ox.NamedNode(EX + p), o)


@pytest.fixture(params=["memory", "disk"])
def store(request: pytest.FixtureRequest, tmp_path) -> Store:
    s = Store.memory() if request.param == "memory" else Store.embedded(tmp_path / "db")
    s.replace_graphs({G1: [t("a", "p", ox.Literal("one")), t("a", "q", ox.NamedNode(EX + "b"))],
                      G2: [t("b", "p", ox.Literal("two", language="en"))]})
    yield s
    s.close()


def test_queries_see_the_union_of_named_graphs(store: Store) -> None:
    rows = store.select("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?s").rows
    assert [r["o"] for r in rows] == [ox.Literal("one"), ox.Literal("two", language="en")]
    assert store.ask("ASK { <http://example.org/a> ?p <http://example.org/b> }")
    assert store.named_graphs() == [G1, G2]
    assert len(store) == 3


def test_unbound_variables_are_absent_from_rows(store: Store) -> None:
    result = store.select("SELECT ?s ?missing WHERE { ?s <http://example.org/q> ?o "
                          "OPTIONAL { ?s <http://example.org/none> ?missing } }")
    assert result.variables == ["s", "missing"]
    assert result.rows == [{"s": ox.NamedNode(EX + "a")}]


def test_bindings_are_substituted_as_terms(store: Store) -> None:
    query = "SELECT ?s WHERE { ?s <http://example.org/p> ?_v }"
    rows = store.select(query, {"_v": ox.Literal("two", language="en")}).rows
    assert rows == [{"s": ox.NamedNode(EX + "b")}]
    assert store.select(query, {"_v": ox.Literal("two")}).rows == []


def test_construct_and_quads(store: Store) -> None:
    triples = store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert len(triples) == 3
    assert {q.triple for q in store.quads(G2)} == {t("b", "p", ox.Literal("two", language="en"))}
    assert {q.graph_name.value for q in store.quads()} == {G1, G2}


def test_replace_graphs_replaces_drops_and_keeps_the_rest(store: Store) -> None:
    store.replace_graphs({G1: [t("c", "p", ox.Literal("three"))], G3: [t("d", "p", ox.Literal("4"))]},
                         drop=[G2])
    assert store.named_graphs() == [G1, G3]
    assert {q.triple for q in store.quads(G1)} == {t("c", "p", ox.Literal("three"))}


def test_replace_graphs_changes_nothing_when_the_input_fails(store: Store) -> None:
    before = set(store.quads())

    def broken():
        yield t("x", "p", ox.Literal("half"))
        raise RuntimeError("input failed midway")

    with pytest.raises(RuntimeError):
        store.replace_graphs({G1: [], G2: broken()}, drop=[G1])
    assert set(store.quads()) == before


def test_wrong_query_form_and_syntax_are_user_errors(store: Store) -> None:
    with pytest.raises(UserError, match="SELECT"):
        store.select("ASK { ?s ?p ?o }")
    with pytest.raises(UserError, match="syntax"):
        store.select("SELECT WHERE {")


def test_read_only_stores_open_side_by_side_and_refuse_writes(tmp_path) -> None:
    writer = Store.embedded(tmp_path / "db")
    writer.replace_graphs({G1: [t("a", "p", ox.Literal("one"))]})
    writer.close()
    readers = [Store.embedded(tmp_path / "db", read_only=True) for _ in range(2)]
    assert [len(r) for r in readers] == [1, 1]
    with pytest.raises(Exception):
        readers[0].replace_graphs({G2: [t("b", "p", ox.Literal("two"))]})
    assert len(readers[1]) == 1


def test_a_query_past_its_timeout_is_stopped(tmp_path) -> None:
    store = Store.memory()
    store.replace_graphs({G1: [t(f"s{i}", "p", ox.Literal(i)) for i in range(3000)]})
    store.timeout = 0.05
    with pytest.raises(QueryTimeout, match="timeout"):
        # a few seconds of work: long past the timeout, yet bounded, since the abandoned
        # evaluation runs on in the background until it is done
        store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?x . ?b ?p ?y FILTER(?x < ?y) }")


def _present_and_added(s: Store) -> None:
    a, p, q = ox.NamedNode(EX + "a"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "q")
    known = [(a,), (a, p, ox.Literal("one")), (a, q, ox.NamedNode(EX + "b"))]
    unknown = [(ox.NamedNode(EX + "z"),), (a, p, ox.Literal("three"))]
    assert s.present(known + unknown) == set(known)
    before = len(s)
    s.add_graphs({G2: [t("z", "p", ox.Literal("three"))]})
    assert (ox.NamedNode(EX + "z"),) in s.present(unknown)
    assert len(s) == before + 1  # added, nothing replaced


def test_present_and_add_graphs_on_the_embedded_store(store: Store) -> None:
    """What the graph already holds, by node or by triple; adding keeps what was there."""
    _present_and_added(store)


def test_present_and_add_graphs_on_a_server(oxigraph_server: str) -> None:
    remote = Store.remote(oxigraph_server)
    graphs = {G1: [t("a", "p", ox.Literal("one")), t("a", "q", ox.NamedNode(EX + "b"))],
              G2: [t("b", "p", ox.Literal("two", language="en"))]}
    remote.replace_graphs(graphs)
    try:
        _present_and_added(remote)
    finally:
        remote.replace_graphs({}, drop=[G1, G2])
