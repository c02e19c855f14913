"""``dprk-kg serve``: a read-only web explorer and SPARQL endpoint over the graph.

One module a job: :mod:`~dprk_kg.web.app` (the routes), :mod:`~dprk_kg.web.sparql` (the
SPARQL 1.1 Protocol endpoint), :mod:`~dprk_kg.web.pages` (what an entity page shows),
:mod:`~dprk_kg.web.timeline` (tenures on a time axis), :mod:`~dprk_kg.web.dualpower` (the
units' two heads), :mod:`~dprk_kg.web.forms` (named queries as forms and downloads) and
:mod:`~dprk_kg.web.reader` (the store, reopened when a batch is added). Templates and static
files (with the vendored YASGUI editor) ship inside this package. Nothing here is imported by
the other commands: Starlette, Jinja2 and uvicorn load only when ``serve`` runs.
"""
