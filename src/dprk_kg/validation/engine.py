"""SHACL execution: compiled checks and sh:sparql on pyoxigraph, the rest on pyshacl; results."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dprk_kg.build import current_index, inputs, is_stale, memory_copy, read_quads
from dprk_kg.errors import UserError
from dprk_kg.store import Store
from dprk_kg.validation.compile import INTEGERS, resolve
from dprk_kg.validation.report import plain_words
from dprk_kg.validation.shapes import SH, Shapes
from dprk_kg.validation import sparql
from dprk_kg.validation.sparql import SparqlCheck
from dprk_kg.validation.terms import canonical, ox_node, rdflib_term, skolem, to_rdflib


def in_memory(store: Store, predicates: AbstractSet[str] = frozenset()
              ) -> tuple[Store, list[ox.Triple] | None]:
    """An in-memory copy of an on-disk store (a remote one is queried where it is), and, for
    a built store, its triples of ``predicates`` whose object is an integer-typed literal as
    the files write it (None when not known).

    Why a copy: the checks join every focus node with its values, and RocksDB's lookups make
    those joins about 15 times slower on disk than in memory (FactSourced at 100k triples:
    10.5 s against 0.7 s). A built store's files are loaded again (1M triples: about 5 s);
    any other on-disk store is scanned (about 20 µs a quad). Why the literals: the store
    keeps every integer subtype as xsd:integer (:func:`run_core`); when ``predicates`` (those
    an integer sh:datatype checks) is not empty the files are parsed here instead of by the
    native loader, so that the copy and the literals as written share their blank nodes.
    """
    native, path = getattr(store, "native", None), getattr(store, "path", None)
    if native is None or path is None:
        return store, None
    store_dir = Path(path).parent
    if current_index(store_dir) == Path(path) and not is_stale(store_dir):
        if not predicates:
            loaded = memory_copy(store_dir)
            if loaded is not None:
                return loaded, None
        else:
            return _as_written(store_dir, predicates)
    copy = Store.memory()
    copy.native.bulk_extend(native.quads_for_pattern(None, None, None))
    return copy, None


def _as_written(store_dir: Path, predicates: AbstractSet[str]) -> tuple[Store, list[ox.Triple]]:
    """The built store's files in a store in memory, and their integer-typed literals of
    ``predicates`` as written (see :func:`in_memory`)."""
    copy, written = Store.memory(), []

    def quads() -> Iterator[ox.Quad]:
        for item in inputs(store_dir):
            for q in read_quads(item):
                if q.predicate.value in predicates and isinstance(q.object, ox.Literal) \
                        and q.object.datatype.value in INTEGERS:
                    written.append(q.triple)
                yield q

    copy.native.bulk_extend(quads())
    return copy, written


def empty_report() -> Any:
    """A report graph with no result yet (:func:`finish` sets its verdict)."""
    import rdflib

    report = rdflib.Graph()
    summary = rdflib.BNode()
    report.add((summary, rdflib.RDF.type, rdflib.URIRef(SH + "ValidationReport")))
    return report


def pyshacl_rest(shapes: Shapes, data: Any, keep: set | None) -> Any:
    """The report of what the compiler left to pyshacl (an empty report when nothing is),
    for the focus nodes in ``keep`` (all when None).

    pyshacl validates the whole of ``data()`` (the triples it needs, only asked for when it
    runs): its ``focus_nodes=`` mode checks nested shapes (sh:node, sh:not ...) on the wrong
    nodes, so the focus nodes are chosen from its results instead.
    """
    if shapes.compiled.rest is None:
        return empty_report()
    import rdflib
    from pyshacl import validate

    _, report, text = validate(to_rdflib(data()), shacl_graph=shapes.compiled.rest,
                               inference="none", allow_warnings=True, advanced=True)
    if not isinstance(report, rdflib.Graph):  # pyshacl's ValidationFailure
        raise UserError(f"the shapes could not be evaluated: {text}".strip())
    if keep is not None:
        sh = rdflib.Namespace(SH)
        results = [(summary, result, skolem(ox_node(report.value(result, sh.focusNode))))
                   for summary, result in report.subject_objects(sh.result)]
        # pyshacl read the literals as written; ``keep`` holds them as the store does.
        forms = canonical(f for _, _, f in results if isinstance(f, ox.Literal))
        for summary, result, focus in results:
            if forms.get(focus, focus) not in keep:
                report.remove((summary, sh.result, result))
    return report


def finish(report: Any, forms: dict[ox.Literal, ox.Literal]) -> Any:
    """``report`` with only what its results reach, and its verdict: conforms when it has no
    result at all (of any severity), as SHACL defines it.

    A literal the store answered in its canonical form (``"4"^^xsd:decimal``) is shown as
    it was written (``"4.0"^^xsd:decimal``) where ``forms`` (written: canonical) knows it.
    """
    import rdflib

    originals = {rdflib_term(c): rdflib_term(w) for w, c in forms.items() if c != w}

    sh = rdflib.Namespace(SH)
    [summary] = report.subjects(rdflib.RDF.type, sh.ValidationReport)
    out = rdflib.Graph()
    todo, seen = [summary], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in report.predicate_objects(node):
            if p == sh.conforms:
                continue
            out.add((node, p, originals.get(o, o) if p in (sh.focusNode, sh.value) else o))
            if isinstance(o, rdflib.BNode) and (p != sh.focusNode and p != sh.value):
                todo.append(o)
    out.add((summary, sh.conforms, rdflib.Literal((summary, sh.result, None) not in out)))
    return out


class _ResultWriter:
    """Adds validation results to a report graph the way pyshacl writes them."""

    def __init__(self, shapes: Shapes, report: Any) -> None:
        import rdflib

        self.sh = rdflib.Namespace(SH)
        self.shapes, self.report = shapes, report
        [self.summary] = report.subjects(rdflib.RDF.type, self.sh.ValidationReport)

    def add(self, focus: Any, shape: Any, component: str, severity: Any, path: Any,
            value: Any, messages: list, constraint: Any = None) -> None:
        import rdflib

        sh, report = self.sh, self.report
        result = rdflib.BNode()
        report.add((self.summary, sh.result, result))
        report.add((result, rdflib.RDF.type, sh.ValidationResult))
        report.add((result, sh.focusNode, rdflib_term(focus)))
        report.add((result, sh.resultSeverity, severity))
        report.add((result, sh.sourceShape, shape))
        report.add((result, sh.sourceConstraintComponent, sh[component]))
        if constraint is not None:
            report.add((result, sh.sourceConstraint, constraint))
        if path is not None:
            report.add((result, sh.resultPath, path))
            if isinstance(path, rdflib.BNode):  # a complex path: copied, as pyshacl does
                todo = [path]
                while todo:
                    node = todo.pop()
                    for p, o in self.shapes.graph.predicate_objects(node):
                        report.add((node, p, o))
                        if isinstance(o, rdflib.BNode):
                            todo.append(o)
        if value is not None:
            report.add((result, sh.value, rdflib_term(value)))
        for m in messages:
            report.add((result, sh.resultMessage, m))


#: Checks evaluated at once: pyoxigraph releases the GIL while it evaluates a query, so
#: independent checks run on as many cores (a local election's deputies: about half the
#: wall time of the checks on 2 cores).
CHECK_THREADS = min(os.cpu_count() or 1, 4)


def run_core(shapes: Shapes, select: Any, keep: set | None, report: Any,
             written: list[ox.Triple], *, complete: bool = False) -> None:
    """Run each compiled core check once, adding the results for the focus nodes in ``keep``
    (all when None). ``written``: triples whose literals are known as written (a batch's), or
    with ``complete``, every integer-typed literal of the data whose predicate an integer
    sh:datatype checks (see :func:`_exact`).

    The checks' queries run in threads; their results are written in the checks' order,
    so the report is the same as one check after another would give.
    """
    import rdflib

    writer = _ResultWriter(shapes, report)
    g = shapes.graph
    integers = _integer_literals(written, {c.exact[0] for c in shapes.compiled.checks if c.exact})

    def violations(check: Any) -> list[dict]:
        rows = [r for r in select(check.query, None) if keep is None or r["this"] in keep]
        if check.exact is not None:
            rows = _exact(check, rows, select, keep, integers.get(check.exact[0], []), complete)
        return rows

    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        found = list(pool.map(violations, shapes.compiled.checks))
    for check, rows in zip(shapes.compiled.checks, found):
        messages = list(g.objects(check.shape, writer.sh.message)) or [rdflib.Literal(plain_words(
            g, check.shape, writer.sh[check.component], check.path, check.component))]
        for row in rows:
            writer.add(row["this"], check.shape, check.component, check.severity, check.path,
                       row.get("value"), messages)


def _integer_literals(written: list[ox.Triple], predicates: AbstractSet[str]
                      ) -> dict[str, list[ox.Triple]]:
    """The triples of ``written`` whose predicate is one of ``predicates`` and whose object
    is an integer-typed literal, by predicate, each once, in their order.

    Read once for all integer sh:datatype checks: each used to scan the whole of
    ``written`` (a local election's deputies: 588,014 triples, a third of a second a check).
    """
    found: dict[str, dict[ox.Triple, None]] = {}
    for t in written:
        p = t.predicate.value
        if p in predicates and isinstance(t.object, ox.Literal) \
                and t.object.datatype.value in INTEGERS:
            found.setdefault(p, {})[t] = None
    return {p: list(ts) for p, ts in found.items()}


def _exact(check: Any, rows: list[dict], select: Any, keep: set | None,
           found: list[ox.Triple], complete: bool) -> list[dict]:
    """The rows of an integer sh:datatype check with the literals known as written (``found``:
    the triples of the check's predicate with an integer-typed literal, see
    :func:`_integer_literals`).

    The store folds every integer subtype into xsd:integer, so its query accepts an integer
    in range as the subtype and shows a folded value. Without ``complete`` (a batch against
    the store) the batch's literals of another integer type are added as violations; with
    it (every such literal of the data is in ``found``), each is judged as written, as
    SHACL defines sh:datatype (the datatype itself, a valid lexical form, in its range), and
    replaces the query's rows of integer-typed values.
    """
    _, datatype = check.exact
    if complete:
        rows = [r for r in rows if not (isinstance(r.get("value"), ox.Literal)
                                        and r["value"].datatype.value in INTEGERS)]
    if not found:
        return rows
    low, high = INTEGERS[datatype]
    targets = {r["this"] for r in
               select(f"SELECT DISTINCT ?this WHERE {{ {check.targets} }}", None)}
    for t in found:
        this = t.subject if t.subject in targets else skolem(t.subject)
        if this not in targets or (keep is not None and this not in keep):
            continue
        literal = t.object
        assert isinstance(literal, ox.Literal)  # found holds integer-typed literals only
        lexical = literal.value
        if not re.fullmatch(r"[+-]?[0-9]+", lexical):
            if complete:
                rows.append({"this": this, "value": t.object})
            continue  # without ``complete`` the query reports it: ill-typed stays as written
        number = int(lexical)
        in_range = (low is None or number >= low) and (high is None or number <= high)
        if not in_range or literal.datatype.value != datatype:
            if complete or in_range:
                rows.append({"this": this, "value": t.object})
    return rows


def run_sparql(shapes: Shapes, select: Any, keep: set | None, report: Any,
               data: Callable[[], Iterable[ox.Triple]]) -> None:
    """Run the sh:sparql checks (:mod:`dprk_kg.validation.sparql`) into ``report``.

    ``select`` answers over the data; ``data()`` gives the same triples, asked for only when
    a check reads ``$shapesGraph``: then every check runs on a dataset of their own, the
    data as the default graph and the shapes as the named graph :attr:`Shapes.name`. Why
    not the store: it reads the union of its named graphs as the default graph, so the
    shapes would be read as data there.
    """
    writer = _ResultWriter(shapes, report)
    name = None
    if any(check.reads_shapes_graph for check in shapes.sparql):
        name = shapes.name
        dataset = mini_store(list(data()))
        dataset.extend(ox.Quad(ox_node(s), ox_node(p), ox_node(o), name)
                       for s, p, o in shapes.graph)
        select = selector(dataset)

    def write(focus: Any, check: SparqlCheck, path: Any, value: Any, messages: list) -> None:
        severity = shapes.graph.value(check.shape, writer.sh.severity) or writer.sh.Violation
        writer.add(focus, check.shape, "SPARQLConstraintComponent", severity, path, value,
                   messages, constraint=check.constraint)

    sparql.run_sparql(shapes.sparql, shapes.graph, select, keep, write, CHECK_THREADS, name)


def mini_store(triples: list[ox.Triple]) -> ox.Store:
    """``triples`` alone in a pyoxigraph store in memory, blank nodes skolemized."""
    mini = ox.Store()
    mini.extend(ox.Quad(skolem(t.subject), t.predicate, skolem(t.object)) for t in triples)
    return mini


def selector(store: Store | ox.Store) -> Any:
    """A select function (query, $this or None) -> rows of {variable: term} over ``store``,
    for one validation run: class closures (:func:`dprk_kg.validation.compile.resolve`) are asked
    once and kept."""
    closures: dict[str, str] = {}

    def raw(query: str, this: Any) -> list[dict]:
        if isinstance(store, Store):
            return store.select(query, {"this": this} if this else None).rows
        subs = {ox.Variable("this"): this} if this is not None else {}
        try:
            rows = store.query(query, substitutions=subs)
        except SyntaxError as e:
            raise UserError(f"a sh:sparql constraint of the shapes does not parse: {e}") from e
        assert isinstance(rows, ox.QuerySolutions)  # a SELECT query's answer
        names = [v.value for v in rows.variables]
        return [{n: r[n] for n in names if r[n] is not None} for r in rows]

    return lambda query, this: raw(resolve(query, raw, closures), this)

