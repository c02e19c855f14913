"""The routes of ``dprk-kg serve``: a read-only explorer and SPARQL endpoint (docs: README).

    /                         the start page: search, the overview, the queries
    /search?q=NAME            search by any name, in any script or romanization
    /id/KIND/SLUG             an entity's page (Turtle / JSON-LD to machines), ?as_of=DATE
    /dual-power?date=DATE     every first-level unit's state and party heads on a date
    /dual-power/SLUG          one unit: both chains, the diagram (/dual-power/SLUG.svg), below it
    /queries, /queries/NAME   the named queries as forms; NAME.csv and NAME.json download
    /query                    the SPARQL editor; results as a table with labels
    /sparql                   the SPARQL 1.1 Protocol endpoint (see :mod:`dprk_kg.web.sparql`)

Every handler that reads the store is a plain function, which Starlette runs in its thread
pool: pyoxigraph releases the GIL while it evaluates, so readers answer side by side. A
bad parameter is a :class:`~dprk_kg.errors.UserError`, shown as a 400 page saying what was
wrong; every page is rendered by Jinja2 with autoescaping on, so a label is always text.
"""

from __future__ import annotations

import functools
from pathlib import Path

from jinja2 import Environment, PackageLoader
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dprk_kg import catalog, clock, namespaces, query, resolve, resources
from dprk_kg.api import KnowledgeGraph
from dprk_kg.errors import UserError
from dprk_kg.store import QueryTimeout, Store, bind
from dprk_kg.web import dualpower, forms, pages, sparql, timeline
from dprk_kg.web.reader import Reader

STATIC = Path(__file__).resolve().parent / "static"
#: Only this server may be asked for anything; inline styles are allowed for the editor
#: (CodeMirror sizes itself with them), scripts only from files here.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")
DEFAULT_TIMEOUT, DEFAULT_ROW_CAP = 30.0, 10_000

templates = Environment(loader=PackageLoader("dprk_kg.web", "templates"), autoescape=True,
                        trim_blocks=True, lstrip_blocks=True)
templates.filters["status"] = pages.status_text
templates.filters["web_link"] = pages.web_link


class SecurityHeaders:
    """Send the content security policy and friends with every answer (pure ASGI middleware)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + [
                    (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer")]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def page(request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
    """Render ``template`` with what every page needs (the data's origin, today)."""
    html = templates.get_template(template).render(
        request=request, source=request.app.state.reader.label, today=clock.today().isoformat(), **context)
    return HTMLResponse(html, status_code=status)


def _store(request: Request) -> Store:
    reader: Reader = request.app.state.reader
    return reader.store()


def _date(request: Request, name: str) -> str:
    return pages.check_date(request.query_params.get(name), name) or clock.today().isoformat()


def home(request: Request) -> Response:
    return page(request, "home.html", queries=_queries().values())


def search_page(request: Request) -> Response:
    """Hits for a name in any spelling, best first (:func:`dprk_kg.resolve.search`)."""
    text = request.query_params.get("q", "").strip()
    if len(text) > 200:
        raise UserError(f"q is {len(text)} characters long; a name is at most 200")
    hits = resolve.search(_store(request), text, limit=30) if text else []
    return page(request, "search.html", q=text, hits=[(h, pages.local_path(h.iri)) for h in hits])


def entity(request: Request) -> Response:
    kind, slug = request.path_params["kind"], request.path_params["slug"]
    iri = f"{namespaces.KG}{kind}/{slug}"
    as_of = pages.check_date(request.query_params.get("as_of"), "as_of")
    accept = request.headers.get("accept", "")
    # A browser asks for HTML first; a Linked Data client for Turtle or JSON-LD.
    machine = sparql.negotiate(accept, {"text/html": 1, **sparql.GRAPH_TYPES}) if accept else "text/html"
    store = _store(request)
    if machine not in (None, "text/html"):
        triples = pages.description(store, iri)
        if not triples:
            raise HTTPException(404, f"nothing in the graph is <{iri}>")
        return Response(sparql.serialize_graph(triples, machine), media_type=machine, headers={"Vary": "Accept"})
    try:
        found = pages.describe(store, iri, as_of)
    except pages.NotFound:
        raise HTTPException(404, f"nothing in the graph is <{iri}>") from None
    tenures = found.facts.get("Tenures", []) + found.facts.get("Mandates", []) + found.facts.get("Memberships", [])
    picture = timeline.layout(tenures, as_of or clock.today().isoformat(), found.label) if tenures else None
    response = page(request, "entity.html", e=found, timeline=picture)
    response.headers["Vary"] = "Accept"
    return response


def overview(request: Request) -> Response:
    date = _date(request, "date")
    return page(request, "dual_power.html", date=date, units=_overview(_store(request), date),
                stale_years=dualpower.STALE_YEARS)


def unit_page(request: Request) -> Response:
    date = _date(request, "date")
    iri = f"{namespaces.KG}unit/{request.path_params['slug']}"
    store = _store(request)
    rows = dualpower.heads(store, date, iri)
    if not rows:
        raise HTTPException(404, f"no unit <{iri}> in the graph")
    return page(request, "unit.html", date=date, row=rows[0], chains=dualpower.chains(store, iri),
                below=dualpower.below(store, iri), stale_years=dualpower.STALE_YEARS)


def unit_svg(request: Request) -> Response:
    date = _date(request, "date")
    iri = f"{namespaces.KG}unit/{request.path_params['slug']}"
    return Response(_svg_for(_store(request), iri, date), media_type="image/svg+xml")


# What every request would otherwise recompute, kept per store handle (a batch added opens a
# new handle, a new key, and the old entries are dropped so the old handle can close) or per
# state of the query files: reading the twelve query headers costs about 30 ms, the
# overview's query 80 ms at 100k triples.

def _queries() -> dict[str, catalog.NamedQuery]:
    """The named queries, read again only when a query file changes."""
    folder = resources.queries_dir()
    return _queries_as_of(tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.rq"))))


@functools.lru_cache(maxsize=4)
def _queries_as_of(files: tuple) -> dict[str, catalog.NamedQuery]:
    return catalog.catalog()


@functools.lru_cache(maxsize=32)
def _overview(store: Store, date: str) -> list[dualpower.UnitRow]:
    return dualpower.heads(store, date)


@functools.lru_cache(maxsize=8)
def _unit_picker(store: Store) -> list[tuple[str, str]]:
    return forms.units(store)


@functools.lru_cache(maxsize=64)
def _svg_for(store: Store, iri: str, date: str) -> bytes:
    """One Graphviz run per store handle, unit and date (a reopened store is another key)."""
    return dualpower.diagram(store, iri, date)


def query_list(request: Request) -> Response:
    return page(request, "queries.html", queries=_queries().values())


def _named(request: Request) -> catalog.NamedQuery:
    name = request.path_params["name"]
    try:
        return catalog.get(name)
    except UserError as e:
        raise HTTPException(404, str(e)) from None


def query_form(request: Request) -> Response:
    q = _named(request)
    params = dict(request.query_params)
    given = forms.given_params(q, params)
    store = _store(request)
    result = table = error = None
    status = 200
    if "run" in params or given:
        try:
            result = forms.run(store, q, given)
        except UserError as e:  # shown on the form, beside the values to correct
            error, status = str(e), 503 if isinstance(e, QueryTimeout) else 400
        if result is not None and not isinstance(result, (bool, list)):
            table = forms.table(store, result)
    return page(request, "query_form.html", status=status, q=q, fields=forms.fields(q, given), table=table,
                result=result, error=error, units=_unit_picker(store) if any(p.kind == "iri" for p in q.params) else [],
                download=str(request.url.query))


def query_download(request: Request) -> Response:
    q = _named(request)
    given = forms.given_params(q, dict(request.query_params))
    store = _store(request)
    if request.path_params["fmt"] not in ("csv", "json"):
        raise HTTPException(404, f"downloads are .csv or .json, not .{request.path_params['fmt']}")
    result = forms.run(store, q, given)
    if isinstance(result, (bool, list)):
        raise UserError(f"{q.name} is a {q.form} query: download its answer from /sparql")
    t = forms.table(store, result)
    fmt = request.path_params["fmt"]
    disposition = {"Content-Disposition": f'attachment; filename="{q.name}.{fmt}"'}
    if fmt == "csv":
        return Response(forms.to_csv(t), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(forms.to_json(t, q.name, given), media_type="application/json", headers=disposition)


def editor(request: Request) -> Response:
    """The query page: the editor, the named queries as examples, and (given a query) its
    answer as a table with labels, rendered here so that it works without JavaScript."""
    text = request.query_params.get("query")
    result = table = error = None
    status = 200
    if text:
        try:
            result = sparql.run(_store(request), text)
        except sparql.ProtocolError as e:
            error, status = str(e), e.status
        if result is not None and not isinstance(result, (bool, list)):
            result, _ = sparql.cap(result, request.app.state.limits)
            table = forms.table(_store(request), result)
    return page(request, "query.html", status=status, text=text or _starter(), table=table,
                result=result, error=error, examples=_examples(), prefixes=namespaces.PREFIXES,
                limits=request.app.state.limits)


def _examples() -> dict[str, str]:
    """The named queries as runnable examples: their defaults bound (as a VALUES block, the
    way the CLI runs them); a query with a required parameter and no default is left out."""
    found = {}
    for q in _queries().values():
        try:
            found[q.name] = bind(q.text, query.bind(q, {}))
        except UserError:
            continue
    return found


def _starter() -> str:
    return (namespaces.sparql_prefixes() + "\nSELECT ?person ?name WHERE {\n  ?person a dprk:Person ; "
            "rdfs:label ?name .\n  FILTER(LANG(?name) = \"en\")\n} ORDER BY ?name LIMIT 20\n")


async def bad_request(request: Request, exc: UserError) -> Response:
    return page(request, "error.html", status=400, title="Bad request", message=str(exc))


async def too_slow(request: Request, exc: QueryTimeout) -> Response:
    """A query past the timeout is the server's limit, not the user's mistake: 503."""
    return page(request, "error.html", status=503, title="Too slow", message=str(exc))


async def http_error(request: Request, exc: HTTPException) -> Response:
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Error")
    return page(request, "error.html", status=exc.status_code, title=title, message=exc.detail)


#: How ``serve --workers N`` hands its options to each worker process (uvicorn starts workers
#: from an import string, so the app is made there, by :func:`app_from_environment`).
WORKER_SETTINGS = "DPRK_KG_SERVE"


def app_from_environment() -> Starlette:
    """The app a worker process serves, from the options ``serve`` put in the environment."""
    import json
    import os

    from dprk_kg import api

    settings = json.loads(os.environ[WORKER_SETTINGS])
    kg = api.open(settings["store"], settings["endpoint"], update_endpoint=settings["update_endpoint"])
    return create_app(kg, timeout=settings["timeout"], row_cap=settings["row_cap"])


def create_app(kg: KnowledgeGraph | Store, *, timeout: float = DEFAULT_TIMEOUT, row_cap: int = DEFAULT_ROW_CAP,
               extra_routes: list | None = None) -> Starlette:
    """The ASGI app over ``kg`` (embedded or remote, or a store as it is); ``uvicorn`` or any
    ASGI server runs it."""
    routes = [
        Route("/", home),
        Route("/search", search_page),
        Route("/id/{kind}/{slug}", entity),
        Route("/dual-power", overview),
        Route("/dual-power/{slug}.svg", unit_svg),
        Route("/dual-power/{slug}", unit_page),
        Route("/queries", query_list),
        Route("/queries/{name}.{fmt:str}", query_download),
        Route("/queries/{name}", query_form),
        Route("/query", editor),
        Route("/sparql", sparql.endpoint, methods=["GET", "POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        *(extra_routes or []),
    ]
    # Starlette hands each handler the exceptions of the class it is registered for; its
    # stubs type every handler as taking any Exception.
    handlers = {UserError: bad_request, QueryTimeout: too_slow, HTTPException: http_error}
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)],
                    exception_handlers=handlers)  # type: ignore[arg-type]
    app.state.reader = Reader(kg, timeout)
    app.state.reader.on_reopen += [_overview.cache_clear, _unit_picker.cache_clear, _svg_for.cache_clear]
    app.state.limits = sparql.Limits(timeout, row_cap)
    return app
