"""A shared SPARQL server: push with `build --endpoint`, then the same answers as embedded.

Two real servers: Oxigraph, started by the ``oxigraph_server`` fixture (conftest), and
OpenLink Virtuoso 7 (Debian's package, installed by scripts/test.sh), started here on a
fresh database (tests/virtuoso.py).
"""

from __future__ import annotations

import json
import os
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

import virtuoso
from dprk_kg import build, catalog, cli, namespaces, query, resources
from dprk_kg.api import python_value
from dprk_kg.errors import UserError
from dprk_kg.store import QueryTimeout, SelectResult, Store
from test_queries_content import REQUIRED

FIXTURES = Path(__file__).parent / "fixtures" / "queries"


@pytest.fixture(scope="module")
def pushed(oxigraph_server: str, built_store: Path) -> Store:
    """The server holding exactly the shipped graph (pushed through the CLI)."""
    assert cli.run(["--endpoint", oxigraph_server, "--store", str(built_store), "build"]) == 0
    return Store.remote(oxigraph_server)


@pytest.fixture(scope="module")
def embedded(built_store: Path):
    with build.open_store(built_store) as s:
        yield s


def test_build_pushes_every_named_graph(pushed: Store, embedded) -> None:
    assert pushed.named_graphs() == embedded.named_graphs()
    assert set(pushed.quads()) == set(embedded.quads())
    assert len(pushed) == len(embedded)


def _shipped_cases() -> list[tuple[Path, dict[str, str]]]:
    """Each shipped query with its defaults, and a user's value for a required parameter."""
    return [(path, {p.name: REQUIRED[p.name] for p in catalog.load(path).params if p.required})
            for path in sorted(resources.queries_dir().glob("*.rq"))]


def _as_of_cases() -> list[tuple[Path, dict[str, str]]]:
    """The as-of queries on dates where the shipped graph's rules tip: 2015 and 2020 fall
    before upper-bound ends (dprk:NoLaterThan) whose holders were last attested years
    earlier, so the engines must agree on "unconfirmed since" as well as on "holding"."""
    tagged = [q for q in catalog.catalog().values() if "as-of" in q.tags]
    return [(q.path, {**{p.name: REQUIRED[p.name] for p in q.params if p.required}, "date": date})
            for q in tagged for date in ("2015-01-01", "2020-01-01")]


def _query_cases() -> list[tuple[Path, dict[str, str]]]:
    return [(FIXTURES / "people-by-label.rq", {"text": "committee"}),
            (FIXTURES / "people-by-label.rq", {"text": "of", "class": "owl:ObjectProperty"}),
            (FIXTURES / "classes-since.rq", {"date": "2019-03-10", "limit": "2"}), *_shipped_cases(), *_as_of_cases()]


@pytest.mark.parametrize("path,params", _query_cases(), ids=lambda c: c.stem if isinstance(c, Path) else "")
def test_every_named_query_gives_the_same_rows_on_the_server(path: Path, params, pushed: Store, embedded) -> None:
    q = catalog.load(path)
    here, there = (query.run_named(s, q, params) for s in (embedded, pushed))
    if q.form != "SELECT":
        assert (set(here) if isinstance(here, list) else here) == (set(there) if isinstance(there, list) else there)
        return
    assert there.variables == here.variables
    # Blank nodes get new ids on each side; compare them as a placeholder.
    key = lambda rows: Counter(tuple(sorted((k, "_:" if isinstance(v, ox.BlankNode) else str(v))
                                            for k, v in r.items())) for r in rows)
    assert key(there.rows) == key(here.rows)


@pytest.fixture(scope="module")
def virtuoso_server(tmp_path_factory: pytest.TempPathFactory):
    try:
        with virtuoso.running(tmp_path_factory.mktemp("virtuoso")) as url:
            yield url
    except FileNotFoundError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(str(e))
        pytest.skip(str(e))


@pytest.fixture(scope="module")
def on_virtuoso(virtuoso_server: str, built_store: Path) -> Store:
    """Virtuoso holding exactly the shipped graph, pushed through the CLI (Virtuoso takes
    updates at its one /sparql endpoint)."""
    assert cli.run(["--endpoint", virtuoso_server, "--update-endpoint", virtuoso_server,
                    "--store", str(built_store), "build"]) == 0
    return Store.remote(virtuoso_server, update_endpoint=virtuoso_server)


def test_build_pushes_every_named_graph_to_virtuoso(on_virtuoso: Store, embedded) -> None:
    assert on_virtuoso.named_graphs() == embedded.named_graphs()
    assert len(on_virtuoso) == len(embedded)


def _as_values(result: SelectResult) -> Counter:
    """Rows as Python values, a gathered cell ("a | b") as the set of its parts.

    Two differences that are not the query's: Virtuoso keeps an integer's declared type
    (xsd:nonNegativeInteger) where Oxigraph folds it into xsd:integer, and the order inside
    GROUP_CONCAT is left to the engine by SPARQL 1.1.
    """
    def value(term: ox.NamedNode | ox.Literal) -> object:
        v = python_value(term)
        return frozenset(v.split(" | ")) if isinstance(v, str) and " | " in v else v
    return Counter(frozenset((k, value(v)) for k, v in r.items()) for r in result.rows)


@pytest.mark.parametrize("path,params", _shipped_cases() + _as_of_cases(),
                         ids=lambda c: c.stem if isinstance(c, Path) else c.get("date", ""))
def test_every_named_query_gives_the_same_rows_on_virtuoso(path: Path, params, on_virtuoso: Store, embedded) -> None:
    q = catalog.load(path)
    here, there = (query.run_named(s, q, params) for s in (embedded, on_virtuoso))
    assert there.variables == here.variables
    assert _as_values(there) == _as_values(here)
    assert [r for r in here.rows] and len(there.rows) == len(here.rows)


def test_the_cli_queries_the_server(pushed: Store, oxigraph_server: str, store_dir: Path, capsys) -> None:
    code = cli.run(["--endpoint", oxigraph_server, "stats", "--format", "json"])
    numbers = json.loads(capsys.readouterr().out)
    distinct = {(q.subject, q.predicate, q.object) for q in pushed.quads()}
    assert code == 0 and numbers["triples"] == len(distinct) and numbers["store"] == oxigraph_server
    assert sum(numbers["graphs"].values()) == len(pushed)
    assert not store_dir.exists()  # nothing was built locally
    before = len(pushed)
    assert cli.run(["--endpoint", oxigraph_server, "sparql", "DROP ALL"]) == 2
    assert "updates are refused" in capsys.readouterr().err and len(pushed) == before


def test_a_removed_batch_is_dropped_from_the_server(oxigraph_server: str, store_dir: Path, pushed: Store) -> None:
    batch = build.batches_dir(store_dir)
    batch.mkdir(parents=True)
    (batch / "extra.nq").write_text(
        f"<http://example.org/x> <http://example.org/p> \"1\" <{namespaces.BATCH_GRAPH}extra> .\n")
    update = oxigraph_server.replace("/query", "/update")
    assert cli.run(["--endpoint", oxigraph_server, "--update-endpoint", update, "build"]) == 0
    assert namespaces.BATCH_GRAPH + "extra" in Store.remote(oxigraph_server).named_graphs()
    (batch / "extra.nq").unlink()
    assert cli.run(["--endpoint", oxigraph_server, "build"]) == 0
    assert namespaces.BATCH_GRAPH + "extra" not in Store.remote(oxigraph_server).named_graphs()


def test_a_slow_server_query_stops_at_the_timeout(pushed: Store, oxigraph_server: str) -> None:
    slow = Store.remote(oxigraph_server, timeout=0.05)
    with pytest.raises(QueryTimeout, match="did not answer within 0.05 s"):
        # 27 million combinations: seconds of work for the server, bounded (it runs on)
        slow.select("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?p ?o } LIMIT 300 } "
                    "{ SELECT ?b WHERE { ?b ?q ?r } LIMIT 300 } { SELECT ?c WHERE { ?c ?s ?t } LIMIT 300 } }")


def test_an_unreachable_server_is_a_clear_error(capsys) -> None:
    with pytest.raises(UserError, match="cannot reach the server"):
        Store.remote("http://127.0.0.1:9/query").named_graphs()
    assert cli.run(["--endpoint", "ftp://example.org/sparql", "stats"]) == 2
    assert "not an http(s) SPARQL endpoint" in capsys.readouterr().err


class _CappedServer(BaseHTTPRequestHandler):
    """A stand-in for a server with a row cap (Virtuoso's X-SPARQL-MaxRows header)."""

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        if "?g" in form["query"][0]:  # the list of named graphs: none
            result = {"head": {"vars": ["g"]}, "results": {"bindings": []}}
        else:
            rows = [{"x": {"type": "literal", "value": str(i)}} for i in range(3)]
            result = {"head": {"vars": ["x"]}, "results": {"bindings": rows}}
        body = json.dumps(result).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("X-SPARQL-MaxRows", "3")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_result_cut_at_a_row_cap_is_warned_about(capsys) -> None:
    server = HTTPServer(("127.0.0.1", 0), _CappedServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/sparql"
        assert cli.run(["--endpoint", url, "sparql", "SELECT ?x WHERE { ?x ?p ?o }", "--format", "csv"]) == 0
        out, err = capsys.readouterr()
        assert out == "x\r\n0\r\n1\r\n2\r\n"
        assert "row cap (3)" in err and "may be cut" in err
    finally:
        server.shutdown()
