"""One interface over the embedded pyoxigraph store and a remote SPARQL 1.1 server.

Every query runs over the union of the project's named graphs (the default graph holds
nothing, see docs/design.md). Terms are pyoxigraph terms on both backends, so the code above
this module never knows which backend answered.

>>> from pyoxigraph import NamedNode, Literal, Triple
>>> store = Store.memory()
>>> g = "https://w3id.org/dprk-kg/graph/base/example"
>>> store.replace_graphs({g: [Triple(NamedNode("http://e/a"), NamedNode("http://e/p"), Literal("x"))]})
>>> store.select("SELECT ?o WHERE { ?s ?p ?o }").rows
[{'o': <Literal value=x datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>}]
>>> len(store), store.named_graphs()
(1, ['https://w3id.org/dprk-kg/graph/base/example'])
"""

from __future__ import annotations

import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, Union

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.background import Background
from dprk_kg.errors import UserError
from dprk_kg.sparqltext import bind_values

if TYPE_CHECKING:
    from http.client import HTTPMessage

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]
T = TypeVar("T")

#: Server row caps seen in the wild (Virtuoso's ResultSetMaxRows, QLever's and others'
#: defaults): a result of exactly this many rows was probably cut.
COMMON_ROW_CAPS = frozenset({1000, 10000, 50000, 100000, 1000000, 1048576})


@dataclass
class SelectResult:
    """A SELECT answer: variable names in order and one dict per row (unbound vars absent)."""

    variables: list[str]
    rows: list[dict[str, Term]]
    #: Set when a server said (or the row count suggests) that it cut the result at a cap.
    row_cap: int | None = field(default=None)


#: What a query answers: rows (SELECT), a truth value (ASK) or triples (CONSTRUCT, DESCRIBE).
Answer = Union[SelectResult, bool, list[ox.Triple]]


def lexical(term: Term) -> str:
    """The IRI, blank node id or literal text of ``term``; a quoted triple as N-Triples.

    >>> lexical(ox.Literal("17", datatype=ox.NamedNode(namespaces.PREFIXES["xsd"] + "integer")))
    '17'
    """
    return str(term) if isinstance(term, ox.Triple) else term.value


def row_triple(s: Term, p: Term, o: Term) -> ox.Triple:
    """The triple a row's ?s, ?p and ?o bind (``SELECT ?s ?p ?o WHERE { ?s ?p ?o }``): the
    pattern makes ``s`` a subject and ``p`` an IRI."""
    assert not isinstance(s, ox.Literal) and isinstance(p, ox.NamedNode)
    return ox.Triple(s, p, o)


class QueryTimeout(UserError):
    """The query ran longer than the user allowed."""


class Store:
    """The embedded and remote backends behind one interface: the code above runs on either."""

    timeout: float | None = None

    # -- constructors ---------------------------------------------------------------------
    @classmethod
    def embedded(cls, path: Path, *, read_only: bool = False) -> Store:
        """Open the on-disk store at ``path`` (a RocksDB folder); read-only never blocks."""
        return EmbeddedStore(path, read_only=read_only)

    @classmethod
    def memory(cls) -> EmbeddedStore:
        """A store in memory, for tests and benchmarks."""
        return EmbeddedStore(None)

    @classmethod
    def remote(cls, endpoint: str, *, update_endpoint: str | None = None,
               timeout: float | None = None) -> Store:
        """A SPARQL 1.1 Query/Update server; ``update_endpoint`` is derived when omitted."""
        return RemoteStore(endpoint, update_endpoint=update_endpoint, timeout=timeout)

    # -- queries, shared by both backends ------------------------------------------------
    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        raise NotImplementedError

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        raise NotImplementedError

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        raise NotImplementedError

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Every quad of ``graph``, or of all named graphs when ``graph`` is None."""
        graphs = [graph] if graph is not None else self.named_graphs()
        for g in graphs:
            for t in self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }}"):
                yield ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(g))

    def named_graphs(self) -> list[str]:
        raise NotImplementedError

    def present(self, keys: list[tuple]) -> set[tuple]:
        """Those of ``keys`` (each ``(subject,)`` or ``(subject, predicate, object)``) that a
        named graph holds: which nodes the graph knows, which triples it states already."""
        out: set[tuple] = set()
        for width in (1, 3):
            of_width = [k for k in keys if len(k) == width]
            names = ("s", "p", "o")[:width]
            for i in range(0, len(of_width), 500):
                chunk = of_width[i:i + 500]
                rows = " ".join("(" + " ".join(map(str, k)) + ")" for k in chunk)
                heads = " ".join("?" + n for n in names)
                found = self.select(f"SELECT DISTINCT {heads} WHERE {{ VALUES ({heads}) {{ {rows} }} "
                                    "?s ?p ?o }").rows
                out |= {tuple(r[n] for n in names) for r in found} & set(chunk)
        return out

    def replace_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]], *,
                       drop: Iterable[str] = ()) -> None:
        """Replace each graph in ``graphs`` by its triples and drop ``drop``, all or nothing.

        One SPARQL update is one transaction on pyoxigraph and on SPARQL servers, so a crash or
        an error leaves the store as it was.
        """
        self._update(_replace_update(graphs, drop))

    def add_graphs(self, graphs: Mapping[str, Iterable[ox.Triple]]) -> None:
        """Add each graph's triples to it (nothing is removed), in one transaction."""
        parts = []
        for g, triples in graphs.items():
            body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
            parts.append(f"INSERT DATA {{ GRAPH <{g}> {{\n{body}\n}} }}")
        self._update(" ;\n".join(parts))

    def add_file(self, path: Path, graph: str) -> None:
        """Add the quads of the TriG file at ``path``; its triples outside any GRAPH block go
        to ``graph``, as the build puts them (:func:`dprk_kg.build.read_quads`).

        On a server this is one transaction; the embedded store uses its bulk loader, which
        is not one (see :meth:`EmbeddedStore.add_file`).
        """
        graphs: dict[str, list[ox.Triple]] = {}
        for q in ox.parse(path=path, format=ox.RdfFormat.TRIG):
            name = graph if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value
            graphs.setdefault(name, []).append(q.triple)
        self.add_graphs(graphs)

    def _update(self, update: str) -> None:
        raise NotImplementedError

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return int(lexical(rows[0]["n"]))

    def close(self) -> None:
        """Release the store (the embedded RocksDB lock, nothing for a server)."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def bind(query: str, bindings: Mapping[str, Term] | None) -> str:
    """``query`` with ``bindings`` as a VALUES block, the same on both backends.

    One mechanism everywhere keeps embedded and server answers identical. (pyoxigraph 0.5's
    own ``substitutions`` also refuse a variable the SELECT does not project, and parameters
    such as ``?_date`` usually are not projected.)
    """
    return bind_values(query, bindings) if bindings else query


def _replace_update(graphs: Mapping[str, Iterable[ox.Triple]], drop: Iterable[str]) -> str:
    """The SPARQL update text that replaces ``graphs`` and drops ``drop`` in one request."""
    parts = [f"DROP SILENT GRAPH <{g}>" for g in drop]
    for g, triples in graphs.items():
        parts.append(f"DROP SILENT GRAPH <{g}>")
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        parts.append(f"INSERT DATA {{ GRAPH <{g}> {{\n{body}\n}} }}")
    return " ;\n".join(parts)


class EmbeddedStore(Store):
    """pyoxigraph on disk (RocksDB) or in memory."""

    def __init__(self, path: Path | None, *, read_only: bool = False,
                 timeout: float | None = None) -> None:
        self.path, self.timeout, self.read_only = path, timeout, read_only
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                self._store = ox.Store(str(path))
        except OSError as e:
            raise UserError(f"cannot open the store: {e}", file=str(path)) from e

    @property
    def native(self) -> ox.Store:
        """The pyoxigraph store itself, for callers that need bulk operations (build, SHACL)."""
        return self._store

    def _run(self, query: str, bindings: Mapping[str, Term] | None) -> Answer:
        """Run ``query`` with ``bindings``, materialized, within the timeout.

        pyoxigraph releases the GIL while it evaluates, so a worker thread can be abandoned
        when the timeout passes; it finishes in the background and its result is dropped.
        """
        text = bind(query, bindings)

        def evaluate() -> Answer:
            result = self._store.query(text, use_default_graph_as_union=True)
            if isinstance(result, ox.QuerySolutions):
                names = [v.value for v in result.variables]
                rows = [{n: s[n] for n in names if s[n] is not None} for s in result]
                return SelectResult(names, rows)
            if isinstance(result, ox.QueryBoolean):
                return bool(result)
            return list(result)

        if self.timeout is None and threading.current_thread() is not threading.main_thread():
            return _translate_syntax(evaluate)
        # In the main thread the query runs in a worker even without a timeout: Ctrl-C then
        # stops the wait at once, where a long query evaluated here would hold it to the end.
        job = Background(lambda: _translate_syntax(evaluate))
        if not job.wait(self.timeout):
            raise QueryTimeout(f"the query ran longer than the {self.timeout:g} s timeout")
        return job.result()

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        return _expect(self._run(query, bindings), SelectResult, "SELECT")

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        return _expect(self._run(query, bindings), bool, "ASK")

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        return _expect(self._run(query, bindings), list, "CONSTRUCT or DESCRIBE")

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        if graph is not None:
            yield from self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
            return
        for q in self._store.quads_for_pattern(None, None, None, None):
            if not isinstance(q.graph_name, ox.DefaultGraph):
                yield q

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def present(self, keys: list[tuple]) -> set[tuple]:
        """As :meth:`Store.present`, one index lookup a key (a SPARQL join of 28,000 values
        costs several times as much)."""
        return {k for k in keys if any(
            not isinstance(q.graph_name, ox.DefaultGraph)
            for q in self._store.quads_for_pattern(*k, *(None,) * (4 - len(k))))}

    def _update(self, update: str) -> None:
        _translate_syntax(lambda: self._store.update(update))

    def add_file(self, path: Path, graph: str) -> None:
        """Load the file with the bulk loader, then flush.

        Why not one SPARQL update: at 300,000 triples an update takes several times as long,
        and leaves its whole text in RocksDB's write-ahead log, which every later read-only
        open replays (seconds per command until the log is compacted away). The bulk loader
        writes sorted files and no log. It reads the file itself, so no Python object is
        made per quad (a local election's 588,014 triples: 4.5-5.0 s of CPU, against
        5.1-5.9 s for the same quads made in Python and handed to ``bulk_extend``, in two
        measurements on a loaded machine). It is not atomic, so a caller that needs all or
        nothing keeps the truth elsewhere: :mod:`dprk_kg.ingest` commits the batch file
        first and records it in the build manifest only after this returns, so an index
        left half-written is stale and is rebuilt from the files.
        """
        self._store.bulk_load(path=path, format=ox.RdfFormat.TRIG, to_graph=ox.NamedNode(graph))
        self._store.flush()

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        """Close the store; a writable one is flushed first, so that readers opening it later
        do not replay the write-ahead log of what was written (see :meth:`add_file`)."""
        if self._store is not None and self.path is not None and not self.read_only:
            self._store.flush()
        self._store = None  # type: ignore[assignment]  # RocksDB closes when dropped


def _translate_syntax(call: Callable[[], T]) -> T:
    """Run ``call``; a SPARQL syntax error becomes a one-line UserError.

    The parser's own message lists every token it expected, over several lines; the
    position and the start of that list are what a person needs.
    """
    try:
        return call()
    except SyntaxError as e:
        first = str(e).splitlines()[0] if str(e) else "invalid query"
        if len(first) > 120:  # cut between two expected tokens, never inside one
            cut = first.rfind(", ", 0, 117)
            first = first[:cut if cut > 40 else 117] + ", ..."
        raise UserError(f"SPARQL syntax error: {first}") from e


def _expect(value: object, kind: type[T], form: str) -> T:
    if not isinstance(value, kind):
        raise UserError(f"this call needs a {form} query")
    return value


# -- remote --------------------------------------------------------------------------------

def derive_update_endpoint(endpoint: str) -> str:
    """The update URL servers pair with a query URL (Oxigraph, Fuseki, GraphDB layouts).

    >>> derive_update_endpoint("http://localhost:7878/query")
    'http://localhost:7878/update'
    >>> derive_update_endpoint("http://h:3030/ds/sparql")
    'http://h:3030/ds/update'
    >>> derive_update_endpoint("http://h:7200/repositories/kg")
    'http://h:7200/repositories/kg/statements'
    >>> derive_update_endpoint("http://h/sparql-endpoint")
    'http://h/sparql-endpoint'
    """
    parts = urllib.parse.urlsplit(endpoint)
    segments = parts.path.rstrip("/").split("/")
    if segments[-1] in ("query", "sparql") and len(segments) > 1:
        segments[-1] = "update"
    elif len(segments) >= 2 and segments[-2] == "repositories":
        segments.append("statements")
    return urllib.parse.urlunsplit(parts._replace(path="/".join(segments)))


class RemoteStore(Store):
    """A SPARQL 1.1 Protocol server, spoken with urllib (no extra dependency).

    The union of the project's named graphs is asked for explicitly (``default-graph-uri``
    for each), since servers differ in what their default graph means.
    """

    def __init__(self, endpoint: str, *, update_endpoint: str | None = None,
                 timeout: float | None = None) -> None:
        if urllib.parse.urlsplit(endpoint).scheme not in ("http", "https"):
            raise UserError(f"not an http(s) SPARQL endpoint: {endpoint}")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or derive_update_endpoint(endpoint)
        self.timeout = timeout
        self._graphs: list[str] | None = None

    def _post(self, url: str, fields: list[tuple[str, str]], accept: str) -> tuple[bytes, HTTPMessage]:
        if self.timeout is not None:
            # Fuseki and GraphDB read seconds from `timeout`; others ignore it.
            fields = [*fields, ("timeout", f"{self.timeout:g}")]
        import http.client
        import urllib.error  # only for a server: kept off the embedded store's import path
        import urllib.request

        # Virtuoso echoes each default-graph-uri and named-graph-uri back as a response
        # header; with fifty named graphs that passes http.client's cap of 100 headers, and
        # the answer would be refused ("got more than 100 headers").
        http.client._MAXHEADERS = max(http.client._MAXHEADERS, 4 * len(fields) + 100)  # type: ignore[attr-defined]
        request = urllib.request.Request(
            url, data=urllib.parse.urlencode(fields).encode(), method="POST",
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.read(), response.headers
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip().splitlines()
            raise UserError(f"the server {url} answered {e.code}: "
                            f"{detail[0] if detail else e.reason}") from e
        except TimeoutError as e:
            raise QueryTimeout(f"the server {url} did not answer within {self.timeout:g} s") from e
        except urllib.error.URLError as e:
            raise UserError(f"cannot reach the server {url}: {e.reason}") from e

    def _query(self, query: str, bindings: Mapping[str, Term] | None, accept: str,
               union: bool = True) -> tuple[bytes, HTTPMessage]:
        fields = [("query", bind(query, bindings))]
        if union:
            graphs = self.named_graphs()
            # An empty dataset would make servers fall back to their own default graph.
            graphs = graphs or [namespaces.GRAPH + "none"]
            fields += [("default-graph-uri", g) for g in graphs]
            fields += [("named-graph-uri", g) for g in graphs]
        return self._post(self.endpoint, fields, accept)

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        return self._select(query, bindings, union=True)

    def _select(self, query: str, bindings: Mapping[str, Term] | None, *, union: bool) -> SelectResult:
        body, headers = self._query(query, bindings, "application/sparql-results+json", union)
        parsed = _expect(_parse_results(body), ox.QuerySolutions, "SELECT")
        names = [v.value for v in parsed.variables]
        rows = [{n: s[n] for n in names if s[n] is not None} for s in parsed]
        cap = headers.get("X-SPARQL-MaxRows")
        if cap is not None and cap.isdigit() and len(rows) >= int(cap):
            return SelectResult(names, rows, int(cap))
        return SelectResult(names, rows, len(rows) if len(rows) in COMMON_ROW_CAPS else None)

    def ask(self, query: str, bindings: Mapping[str, Term] | None = None) -> bool:
        body, _ = self._query(query, bindings, "application/sparql-results+json")
        return bool(_expect(_parse_results(body), ox.QueryBoolean, "ASK"))

    def construct(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[ox.Triple]:
        body, _ = self._query(query, bindings, "application/n-triples")
        try:
            return [q.triple for q in ox.parse(body, format=ox.RdfFormat.N_TRIPLES)]
        except SyntaxError as e:
            raise UserError(f"the server {self.endpoint} sent unreadable N-Triples: {e}") from e

    def named_graphs(self) -> list[str]:
        """The project's graphs on the server (others sharing it are left out)."""
        if self._graphs is None:
            result = self._select(
                "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                f"FILTER(STRSTARTS(STR(?g), \"{namespaces.GRAPH}\")) }}", None, union=False)
            self._graphs = sorted(lexical(r["g"]) for r in result.rows)
        return list(self._graphs)

    def _update(self, update: str) -> None:
        self._graphs = None
        self._post(self.update_endpoint, [("update", update)], "*/*")


def _parse_results(body: bytes) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
    body = _typed_literals_as_literals(body)
    try:
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    except (SyntaxError, ValueError) as e:
        raise UserError(f"the server sent unreadable SPARQL JSON results: {e}") from e



def _typed_literals_as_literals(body: bytes) -> bytes:
    """``body`` with Virtuoso's older forms read as the SPARQL 1.1 JSON results format.

    Virtuoso (7.2, Debian's) still writes the term type of the 2006 draft of the format,
    ``typed-literal``, for a literal with a datatype (the Recommendation says ``literal`` with
    a ``datatype`` key, and pyoxigraph's parser accepts only that); and, depending on its
    configuration, it may answer an ASK as a one-column table ``__ASK_RETVAL`` (no row or
    ``0`` for false). The body is rewritten only when one of these occurs in it.

    >>> old = b'{"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "typed-literal", '
    >>> old += b'"datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}}]}}'
    >>> _parse_results(old).__next__()["n"].value
    '1'
    >>> bool(_parse_results(b'{"head": {"vars": ["__ASK_RETVAL"]}, "results": {"bindings": []}}'))
    False
    """
    if b"typed-literal" not in body and b"__ASK_RETVAL" not in body:
        return body
    import json

    def fix(term: Any) -> Any:
        if isinstance(term, dict) and term.get("type") == "typed-literal":
            term = {**term, "type": "literal"}
        return term

    parsed = json.loads(body)
    if parsed.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
        rows = parsed.get("results", {}).get("bindings", [])
        return json.dumps({"head": {}, "boolean": any(
            r.get("__ASK_RETVAL", {}).get("value") not in (None, "0") for r in rows)}).encode()
    for row in parsed.get("results", {}).get("bindings", []):
        for name, term in row.items():
            row[name] = fix(term)
    return json.dumps(parsed).encode()
