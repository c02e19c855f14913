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
>>> sum(kg.stats()["graphs"].values()) == len(kg.store)   # "triples" counts each fact once
True
>>> kg.close()
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, TypedDict, cast, overload

import pyoxigraph as ox

from dprk_kg import build as builder
from dprk_kg import catalog, coverage, namespaces, query
from dprk_kg.errors import UserError
from dprk_kg.store import SelectResult, Store, Term, lexical

if TYPE_CHECKING:  # the modules behind the hooks below load only when a hook is called
    import networkx as nx
    import pandas

    from dprk_kg.ingest import BatchInfo, Outcome
    from dprk_kg.resolve import Hit
    from dprk_kg.validation import Report

#: What a term of a query's answer becomes in Python (see :func:`python_value`).
Value: TypeAlias = str | int | float | Decimal | bool | dt.date | dt.datetime
#: What a named query's parameter may be given as: its text, a number or a date.
ParamValue: TypeAlias = str | int | float | Decimal | dt.date

XSD = namespaces.PREFIXES["xsd"]
_NUMBERS: dict[str, Callable[[str], Value]] = {t: int for t in namespaces.XSD_INTEGERS}
_NUMBERS.update({XSD + "decimal": Decimal, XSD + "double": float, XSD + "float": float})


def python_value(term: Term) -> Value:
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


class Rows(list[dict[str, Value]]):
    """A SELECT answer as a list of dicts of Python values (unbound variables absent).

    ``.variables`` keeps the column order, ``.result`` the RDF terms themselves.
    """

    def __init__(self, result: SelectResult) -> None:
        super().__init__({k: python_value(v) for k, v in row.items()} for row in result.rows)
        self.variables = result.variables
        self.result = result

    def to_dataframe(self) -> pandas.DataFrame:
        """The rows as a pandas DataFrame (needs pandas: ``pip install pandas``)."""
        try:
            import pandas
        except ImportError:
            raise UserError("to_dataframe() needs pandas: pip install pandas") from None
        return pandas.DataFrame(list(self), columns=self.variables)


class Stats(TypedDict):
    """What :meth:`KnowledgeGraph.stats` answers (``dprk-kg stats --format json`` prints it)."""

    triples: int
    #: Triples in each named graph, by graph IRI.
    graphs: dict[str, int]
    #: Distinct entities of each class (ontology graphs left out), by class IRI.
    classes: dict[str, int]
    sources: int
    #: Triples of each added batch, by batch id.
    batches: dict[str, int]
    #: The store folder or the server's query URL.
    store: str
    #: One row per level (:class:`dprk_kg.coverage.LevelCoverage` as a dict), as of today.
    coverage: list[coverage.CoverageRow]


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

    def query(self, name: str | catalog.NamedQuery, **params: ParamValue) -> Rows | bool | list[ox.Triple]:
        """Run the named query ``name`` (or one already read); parameters as keywords
        (``date="2019-03-10"``)."""
        given = {k: (v.isoformat() if isinstance(v, dt.date) else str(v)) for k, v in params.items()}
        named = name if isinstance(name, catalog.NamedQuery) else catalog.get(name)
        return _rows(query.run_named(self.store, named, given))

    def sparql(self, text: str) -> Rows | bool | list[ox.Triple]:
        """Run an ad hoc read-only query (updates and SERVICE are refused)."""
        return _rows(query.run_sparql(self.store, text))

    def resolve(self, text: str, kinds: Sequence[str] | None = None, *, what: str = "thing") -> ox.NamedNode:
        """The one node ``text`` names: any name, romanization or script, a slug, a prefixed
        name or an IRI (see :func:`dprk_kg.resolve.resolve`)."""
        from dprk_kg import resolve

        return resolve.resolve(self.store, text, kinds, what=what)

    def search(self, text: str, limit: int = 20, *, kinds: Sequence[str] | None = None) -> list[Hit]:
        """The nodes ``text`` may name, best first, typo-tolerant: a list of
        :class:`dprk_kg.resolve.Hit` (see :func:`dprk_kg.resolve.search`)."""
        from dprk_kg import resolve

        return resolve.search(self.store, text, limit, kinds=kinds)

    def stats(self) -> Stats:
        """Triples, named graphs, entities per class, sources, added batches, and the coverage
        of each level (:mod:`dprk_kg.coverage`) as of today."""
        s = self.store
        graphs = {lexical(r["g"]): int(lexical(r["n"])) for r in s.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g").rows}
        classes = {lexical(r["class"]): int(lexical(r["n"])) for r in s.select(
            "SELECT ?class (COUNT(DISTINCT ?x) AS ?n) WHERE { GRAPH ?g { ?x a ?class } "
            f"FILTER(!STRSTARTS(STR(?g), \"{namespaces.ONTOLOGY_GRAPH}\")) }} "
            "GROUP BY ?class ORDER BY DESC(?n) ?class").rows}
        sources = s.select(f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{namespaces.DPRK}SourceDocument> }}")
        # A fact stated in two files is one fact: the total counts distinct triples, while the
        # per-graph figures say what each file holds.
        distinct = s.select("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
        return {
            "triples": int(lexical(distinct.rows[0]["n"])),
            "graphs": graphs,
            "classes": classes,
            "sources": int(lexical(sources.rows[0]["n"])),
            "batches": {g[len(namespaces.BATCH_GRAPH):]: n for g, n in graphs.items()
                        if g.startswith(namespaces.BATCH_GRAPH)},
            "store": self.endpoint or str(self.store_dir),
            # asdict's stubs give dict[str, Any]; a LevelCoverage's dict is a CoverageRow.
            "coverage": [cast(coverage.CoverageRow, dataclasses.asdict(line)) for line in coverage.coverage(s)],
        }

    # -- hooks filled by the validation, ingest and export modules -------------------------
    def validate(self, paths: Iterable[Path], *, fmt: str | None = None,
                 shapes: Path | None = None, progress: bool = True) -> Report:
        """Validate the facts in ``paths`` against the shapes and the graph, changing nothing
        (see :mod:`dprk_kg.validation`). ``fmt`` overrides the format the file names imply,
        ``shapes`` replaces the shipped shapes file."""
        from dprk_kg import validation

        return validation.validate(self, paths, fmt=fmt, shapes=shapes, progress=progress)

    def add(self, paths: Iterable[Path], *, source: str | None = None, fmt: str | None = None,
            shapes: Path | None = None, progress: bool = True) -> Outcome:
        """Validate and add the facts in ``paths`` as one batch, all or nothing (see
        :mod:`dprk_kg.ingest`); ``source`` is recorded as the batch's source."""
        from dprk_kg import ingest

        return ingest.add(self, paths, source=source, fmt=fmt, shapes=shapes, progress=progress)

    def batches(self) -> list[BatchInfo]:
        """The batches users added, oldest first (see :mod:`dprk_kg.ingest`)."""
        from dprk_kg import ingest

        return ingest.batches(self)

    def remove(self, batch_id: str, *, force: bool = False, shapes: Path | None = None) -> Outcome:
        """Take an added batch back, refused if what remains would break a shape (``force``
        removes it anyway)."""
        from dprk_kg import ingest

        return ingest.remove(self, batch_id, force=force, shapes=shapes)

    @overload
    def export(self, fmt: None = None, path: None = None, *, view: str = "full",
               unit: str | None = None, person: str | None = None,
               as_of: str | None = None) -> nx.MultiDiGraph: ...

    @overload
    def export(self, fmt: str, path: Path | str, *, view: str = "full", unit: str | None = None,
               person: str | None = None, as_of: str | None = None) -> Path: ...

    def export(self, fmt: str | None = None, path: Path | str | None = None, *,
               view: str = "full", unit: str | None = None, person: str | None = None,
               as_of: str | None = None) -> nx.MultiDiGraph | Path:
        """The view ``view`` of the graph as a networkx graph, or, given a format and a path,
        written for Gephi, Graphviz, Cytoscape or a browser (see :mod:`dprk_kg.export`)."""
        from dprk_kg import export

        return export.export(self, fmt, path, view=view, unit=unit, person=person, as_of=as_of)


def _rows(result: SelectResult | bool | list[ox.Triple]) -> Rows | bool | list[ox.Triple]:
    return Rows(result) if isinstance(result, SelectResult) else result


__all__ = ["open", "KnowledgeGraph", "Rows", "Stats"]
