"""``/sparql``: the SPARQL 1.1 Protocol, read-only, with a timeout and a row cap.

A query comes as ``GET ?query=``, ``POST`` of a form (``query=``) or ``POST`` of the query
itself (``application/sparql-query``). Answers follow the ``Accept`` header: SPARQL results
as JSON, XML, CSV or TSV for SELECT and ASK; Turtle, N-Triples, RDF/XML or JSON-LD for
CONSTRUCT and DESCRIBE. Without a query, the service description is sent (or, to a browser,
the query page). Every answer says the server's limits in two headers, ``X-SPARQL-MaxRows``
(the row cap, the header Virtuoso uses, which :class:`~dprk_kg.store.RemoteStore` reads) and
``X-SPARQL-Timeout`` (seconds); a result cut at the cap also carries ``X-SPARQL-Truncated``.

The dataset is always the union of the project's named graphs: ``default-graph-uri`` and
``named-graph-uri`` are accepted and ignored (clients such as ``dprk-kg --endpoint`` send the
project's graphs, whose union is that dataset already).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from dprk_kg import namespaces, query, results
from dprk_kg.errors import UserError
from dprk_kg.sparqltext import UPDATE_KEYWORDS, keywords
from dprk_kg.store import QueryTimeout, SelectResult, Store, Term

#: Media types for SELECT and ASK answers, the first the default.
RESULT_TYPES = {
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
#: Media types for CONSTRUCT and DESCRIBE answers, the first the default.
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE, "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Limits:
    """What one query may cost: its run time and the rows sent back."""

    timeout: float
    row_cap: int

    def headers(self) -> dict[str, str]:
        return {"X-SPARQL-MaxRows": str(self.row_cap), "X-SPARQL-Timeout": f"{self.timeout:g}"}


class ProtocolError(Exception):
    """A request the protocol refuses, with its HTTP status and a one-line reason."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def negotiate(accept: str, offered: Mapping[str, object]) -> str | None:
    """The media type of ``offered`` that ``accept`` prefers (None when it wants none of them).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+json", RESULT_TYPES)
    'application/sparql-results+json'
    >>> negotiate("*/*", GRAPH_TYPES)
    'text/turtle'
    >>> negotiate("image/png", RESULT_TYPES) is None
    True
    """
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(p.strip() for p in (accept or "*/*").split(",")):
        if not part:
            continue
        kind, *params = (x.strip() for x in part.split(";"))
        weight = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        ranked.append((-weight, position, kind.lower()))
    for weight, _, kind in sorted(ranked):
        if weight == 0:
            break
        if kind in offered:
            return kind
        major = kind.split("/")[0]
        if kind == "*/*" or kind.endswith("/*"):
            match = next((t for t in offered if kind == "*/*" or t.startswith(major + "/")), None)
            if match:
                return match
    return None


async def query_text(request: Request) -> str | None:
    """The query a request carries, or None; an update is refused here (403)."""
    params = request.query_params
    if "update" in params:
        raise ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")
    if request.method == "GET":
        return params.get("query")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = (await request.body()).decode("utf-8", "replace")
    if kind == "application/sparql-update":
        raise ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")
    if kind == "application/sparql-query":
        return body
    if kind == "application/x-www-form-urlencoded":
        form = urllib.parse.parse_qs(body, keep_blank_values=True)
        if "update" in form:
            raise ProtocolError(403, "this endpoint is read-only: SPARQL updates are refused")
        return form.get("query", [None])[0]
    raise ProtocolError(415, "POST the query as application/x-www-form-urlencoded (query=...) "
                             f"or application/sparql-query, not {kind or 'no content type'}")


def run(store: Store, text: str) -> SelectResult | bool | list[ox.Triple]:
    """Run ``text`` read-only; refusals, syntax errors and timeouts become ProtocolErrors:
    an update is forbidden here (403), anything else wrong with the query is a 400."""
    try:
        return query.run_sparql(store, text)
    except QueryTimeout as e:
        raise ProtocolError(503, str(e)) from None
    except UserError as e:
        update = any(word.text.upper() in UPDATE_KEYWORDS for word in keywords(text))
        raise ProtocolError(403 if update else 400, str(e)) from None


def cap(result: SelectResult, limits: Limits) -> tuple[SelectResult, bool]:
    """``result`` cut to the row cap, and whether it was cut."""
    if len(result.rows) <= limits.row_cap:
        return result, False
    return SelectResult(result.variables, result.rows[:limits.row_cap], limits.row_cap), True


def answer(result: SelectResult | bool | list[ox.Triple], accept: str, limits: Limits) -> Response:
    """``result`` in the format ``accept`` prefers, with the limits said in the headers."""
    headers = limits.headers()
    if isinstance(result, list):
        kind = negotiate(accept, GRAPH_TYPES)
        if kind is None:
            raise ProtocolError(406, f"a graph is sent as {', '.join(GRAPH_TYPES)}; Accept asked for {accept}")
        return Response(serialize_graph(result, kind), media_type=kind, headers=headers)
    kind = negotiate(accept, RESULT_TYPES)
    if kind is None:
        raise ProtocolError(406, f"results are sent as {', '.join(RESULT_TYPES)}; Accept asked for {accept}")
    fmt = RESULT_TYPES[kind]
    if isinstance(result, SelectResult):
        result, truncated = cap(result, limits)
        if truncated:
            headers["X-SPARQL-Truncated"] = f"the result was cut at {limits.row_cap} rows"
    if fmt == "json":
        body = results.to_json(result)
    elif fmt == "xml":
        body = to_xml(result)
    elif isinstance(result, bool):
        raise ProtocolError(406, "an ASK answer is sent as JSON or XML, not CSV or TSV")
    else:
        body = results.to_csv(result) if fmt == "csv" else results.to_tsv(result)
    return Response(body, media_type=kind, headers=headers)


def serialize_graph(triples: list[ox.Triple], kind: str) -> bytes:
    """Triples as ``kind``, with the project's prefixes where the format has them."""
    fmt = GRAPH_TYPES[kind]
    # pyoxigraph's stubs: serialize returns bytes when given no output (they say bytes or None).
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML):
        return cast(bytes, ox.serialize(triples, format=fmt, prefixes=namespaces.PREFIXES))
    return cast(bytes, ox.serialize(triples, format=fmt))


def to_xml(result: SelectResult | bool) -> str:
    """SPARQL Query Results XML for a SELECT or an ASK."""
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if isinstance(result, bool):
        out.append(f"<head/><boolean>{'true' if result else 'false'}</boolean></sparql>\n")
        return "\n".join(out)
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    out.append("<results>")
    for row in result.rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>" for v, t in row.items())
        out.append(f"<result>{cells}</result>")
    out.append("</results></sparql>\n")
    return "\n".join(out)


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Triple):  # an RDF 1.2 triple term, as SPARQL 1.2's XML results write it
        return (f"<triple><subject>{_xml_term(term.subject)}</subject>"
                f"<predicate>{_xml_term(term.predicate)}</predicate>"
                f"<object>{_xml_term(term.object)}</object></triple>")
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != namespaces.XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


SD = "http://www.w3.org/ns/sparql-service-description#"


def service_description(endpoint: str, limits: Limits) -> list[ox.Triple]:
    """The SPARQL 1.1 Service Description of this endpoint: read-only SPARQL 1.1 Query, the
    union of the named graphs as default graph, the result formats, and the limits in words."""
    service = ox.NamedNode(endpoint + "#service")
    sd = lambda name: ox.NamedNode(SD + name)  # noqa: E731  (a short local helper)
    formats = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
               "Turtle", "N-Triples", "RDF_XML", "JSON-LD"]
    triples = [
        ox.Triple(service, ox.NamedNode(namespaces.PREFIXES["rdf"] + "type"), sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, ox.NamedNode(namespaces.PREFIXES["rdfs"] + "comment"), ox.Literal(
            f"dprk-kg, read-only: updates and SERVICE are refused; a query may run {limits.timeout:g} s "
            f"and return {limits.row_cap} rows at most (headers X-SPARQL-Timeout, X-SPARQL-MaxRows).", language="en")),
    ]
    triples += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(f"http://www.w3.org/ns/formats/{f}"))
                for f in formats]
    return triples


async def endpoint(request: Request) -> Response:
    """The protocol endpoint; errors are plain text with their status (clients show it)."""
    limits: Limits = request.app.state.limits
    accept = request.headers.get("accept", "*/*")
    try:
        text = await query_text(request)
        if text is None:
            if request.method == "GET" and "text/html" in accept:
                return RedirectResponse("/query", status_code=303)
            url = str(request.url.replace(query=""))
            kind = negotiate(accept, GRAPH_TYPES) or "text/turtle"
            return Response(serialize_graph(service_description(url, limits), kind),
                            media_type=kind, headers=limits.headers())
        if not text.strip():
            raise ProtocolError(400, "the query is empty")
        reader = request.app.state.reader
        result = await run_in_threadpool(lambda: run(reader.store(), text))
        return answer(result, accept, limits)
    except ProtocolError as e:
        return Response(f"{e}\n", status_code=e.status, headers=limits.headers(), media_type="text/plain")
