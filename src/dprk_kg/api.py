"""The notebook entry point: ``dprk_kg.open()`` and the :class:`KnowledgeGraph` it returns.

Everything the ``dprk-kg`` command does goes through here, so a notebook can do it too.

>>> import dprk_kg, tempfile
>>> kg = dprk_kg.open(store=tempfile.mkdtemp())     # built from the shipped files on first use
>>> kg.sparql("ASK { ?c a <http://www.w3.org/2002/07/owl#Class> }")
True
>>> rows = kg.sparql('''
...     PREFIX owl: <http://www.w3.org/2002/07/owl#>
...     SELECT (COUNT(?c) AS ?classes) WHERE { ?c a owl:Class }''')
>>> rows.variables, rows[0]["classes"] > 10
(['classes'], True)
>>> kg.stats()["triples"] == len(kg.store)
True
>>> kg.close()
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dprk_kg import build as builder
from dprk_kg import catalog, namespaces, query
from dprk_kg.errors import UserError
from dprk_kg.store import SelectResult, Store, Term

XSD = namespaces.PREFIXES["xsd"]
_NUMBERS: dict[str, type] = {t: int for t in namespaces.XSD_INTEGERS}
_NUMBERS.update({XSD + "decimal": Decimal, XSD + "double": float, XSD + "float": float})


def python_value(term: Term) -> Any:
    """A term as the Python value a notebook expects: IRIs as str, typed literals converted.

    >>> python_value(ox.Literal("2019-03-10", datatype=ox.NamedNode(XSD + "date")))
    datetime.date(2019, 3, 10)
    """
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, ox.Literal):
        return str(term)
    datatype = term.datatype.value
    try:
        if datatype in _NUMBERS:
            return _NUMBERS[datatype](term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == XSD + "date":
            return dt.date.fromisoformat(term.value)
        if datatype == XSD + "dateTime":
            return dt.datetime.fromisoformat(term.value)
    except ValueError:
        pass  # an ill-formed literal stays text rather than failing the whole result
    return term.value


class Rows(list):
    """A SELECT answer as a list of dicts of Python values (unbound variables absent).

    ``.variables`` keeps the column order, ``.result`` the RDF terms themselves.
    """

    def __init__(self, result: SelectResult) -> None:
        super().__init__({k: python_value(v) for k, v in row.items()} for row in result.rows)
        self.variables = result.variables
        self.result = result

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (needs pandas: ``pip install pandas``)."""
        try:
            import pandas
        except ImportError:
            raise UserError("to_dataframe() needs pandas: pip install pandas") from None
        return pandas.DataFrame(list(self), columns=self.variables)


def open(store: str | Path | None = None, endpoint: str | None = None, *,
         update_endpoint: str | None = None, timeout: float | None = None) -> KnowledgeGraph:
    """Open the knowledge graph: the embedded store (default) or a SPARQL server.

    ``store`` is the store folder (default ``$DPRK_KG_STORE`` or a per-user data folder); it
    is built, or rebuilt when stale, on first use. ``endpoint`` is a SPARQL query URL; then
    ``store`` only says where locally added batches live. ``timeout`` is in seconds.
    """
    return KnowledgeGraph(Path(store) if store else builder.default_store_dir(), endpoint,
                          update_endpoint=update_endpoint, timeout=timeout)


class KnowledgeGraph:
    """One graph, embedded or remote; the store opens on first use (read-only if embedded)."""

    def __init__(self, store_dir: Path, endpoint: str | None = None, *,
                 update_endpoint: str | None = None, timeout: float | None = None) -> None:
        self.store_dir, self.endpoint = store_dir, endpoint
        self.update_endpoint, self.timeout = update_endpoint, timeout
        self._store: Store | None = None

    @property
    def remote(self) -> bool:
        return self.endpoint is not None

    @property
    def store(self) -> Store:
        """The open :class:`~dprk_kg.store.Store` (embedded: built first if stale)."""
        if self._store is None:
            if self.endpoint:
                self._store = Store.remote(self.endpoint, update_endpoint=self.update_endpoint,
                                           timeout=self.timeout)
            else:
                self._store = builder.open_store(self.store_dir, read_only=True)
                self._store.timeout = self.timeout
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- building --------------------------------------------------------------------------
    def build(self, *, force: bool = False) -> int | None:
        """Rebuild the embedded store (None when it was fresh) or push all graphs to the
        server; returns the number of triples written."""
        self.close()
        if self.remote:
            return builder.push(self.store, self.store_dir)
        if not builder.build(self.store_dir, force=force):
            return None
        return len(self.store)

    # -- queries ---------------------------------------------------------------------------
    def queries(self) -> dict[str, catalog.NamedQuery]:
        """The named queries, by name (read from their headers; nothing runs)."""
        return catalog.catalog()

    def query(self, name: str, **params: Any) -> Rows | bool | list[ox.Triple]:
        """Run the named query ``name``; parameters as keywords (``date="2019-03-10"``)."""
        given = {k: (v.isoformat() if isinstance(v, dt.date) else str(v)) for k, v in params.items()}
        return _rows(query.run_named(self.store, catalog.get(name), given))

    def sparql(self, text: str) -> Rows | bool | list[ox.Triple]:
        """Run an ad hoc read-only query (updates and SERVICE are refused)."""
        return _rows(query.run_sparql(self.store, text))

    def stats(self) -> dict[str, Any]:
        """Triples, named graphs, entities per class, sources and added batches."""
        s = self.store
        graphs = {r["g"].value: int(r["n"].value) for r in s.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").rows}
        classes = {r["class"].value: int(r["n"].value) for r in s.select(
            "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g { ?x a ?class } "
            f"FILTER(!STRSTARTS(STR(?g), \"{namespaces.ONTOLOGY_GRAPH}\")) }} "
            "GROUP BY ?class ORDER BY DESC(?n) ?class").rows}
        sources = s.select(f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{namespaces.DPRK}SourceDocument> }}")
        return {
            "triples": sum(graphs.values()),
            "graphs": graphs,
            "classes": classes,
            "sources": int(sources.rows[0]["n"].value),
            "batches": {g[len(namespaces.BATCH_GRAPH):]: n for g, n in graphs.items()
                        if g.startswith(namespaces.BATCH_GRAPH)},
            "store": self.endpoint or str(self.store_dir),
        }

    # -- hooks filled by the validation, ingest and export modules -------------------------
    def validate(self, *args: Any, **kwargs: Any) -> Any:
        """Validate new facts against the shapes and the graph (see :mod:`dprk_kg.validation`)."""
        from dprk_kg import validation

        return validation.validate(self, *args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        """Validate and add a batch of facts, all or nothing (see :mod:`dprk_kg.ingest`)."""
        from dprk_kg import ingest

        return ingest.add(self, *args, **kwargs)

    def batches(self) -> Any:
        """The batches users added, oldest first (see :mod:`dprk_kg.ingest`)."""
        from dprk_kg import ingest

        return ingest.batches(self)

    def remove(self, *args: Any, **kwargs: Any) -> Any:
        """Take an added batch back, refused if what remains would break a shape."""
        from dprk_kg import ingest

        return ingest.remove(self, *args, **kwargs)

    def export(self, *args: Any, **kwargs: Any) -> Any:
        """A view of the graph as a networkx graph, or written for Gephi, Graphviz, Cytoscape or
        a browser (see :mod:`dprk_kg.export`)."""
        from dprk_kg import export

        return export.export(self, *args, **kwargs)


def _rows(result: SelectResult | bool | list[ox.Triple]) -> Rows | bool | list[ox.Triple]:
    return Rows(result) if isinstance(result, SelectResult) else result


__all__ = ["open", "KnowledgeGraph", "Rows"]
