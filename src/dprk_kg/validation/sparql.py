"""SHACL-SPARQL: ``sh:sparql`` constraints of targeted shapes, run with ``$this`` pre-bound.

SHACL-SPARQL pre-binds ``$this`` (and ``$currentShape``) to a value before the query runs:
every occurrence, in nested groups and filters too. That is what :func:`prebind` writes into
the query text, one focus node at a time. pyoxigraph's own ``substitutions`` join the value
at the top only, which differs for a filter in a nested group (the W3C pre-binding cases).

One query per focus node is slow on a big graph, so a query whose answer cannot depend on
the difference runs once with ``$this`` unbound and its rows are kept for the focus nodes
(:func:`unbound_is_prebound`): ``$this`` is bound by every solution of the top pattern, every
filter, optional condition or BIND that reads it sees it bound from its own pattern, and no
sub-select, aggregate or slice reads it. The project's shapes are written that way.

``$shapesGraph`` is pre-bound to the IRI of the shapes graph, a named graph of the dataset the
queries that read it run on (SHACL §5.2.1 allows a processor to refuse them instead; this one
answers them): see :func:`dprk_kg.validation.engine.run_sparql`.

What SHACL-SPARQL forbids (``MINUS``, ``VALUES``, ``SERVICE``, ``AS $this``, a sub-select
that does not return ``$this``) is a :class:`~dprk_kg.errors.UserError` when the shapes load:
never a silent pass.
"""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.errors import UserError
from dprk_kg.validation.compile import Untranslatable, rewrite_closures, sparql_path, target_pattern
from dprk_kg.validation.terms import rdflib_term

SH = namespaces.PREFIXES["sh"]


@dataclass
class SparqlCheck:
    """One ``sh:sparql`` constraint of a targeted shape, ready to run on pyoxigraph."""

    shape: Any
    constraint: Any
    query: str  # prefixes declared, $PATH written out, class closures as lists
    targets: str  # a SPARQL pattern binding ?this to the shape's targets
    #: The query gives the same rows run once with $this unbound (see the module docstring).
    unbound: bool
    #: The query reads $shapesGraph: it runs where the shapes graph is a named graph.
    reads_shapes_graph: bool = False


def split_sparql(graph: Any) -> tuple[Any, list[SparqlCheck]]:
    """The shapes graph without the sh:sparql constraints of targeted shapes, and those as
    :class:`SparqlCheck`s (nested shapes get their focus nodes from their parent: pyshacl
    runs their constraints)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    core = rdflib.Graph()
    for triple in graph:
        core.add(triple)
    checks = []
    for shape, constraint in graph.subject_objects(sh.sparql):
        targets = target_pattern(graph, shape)
        if targets is None:
            continue
        core.remove((shape, sh.sparql, constraint))
        if (constraint, sh.deactivated, rdflib.Literal(True)) in graph or \
                (shape, sh.deactivated, rdflib.Literal(True)) in graph:
            continue
        checks.append(_check(graph, shape, constraint, targets))
    return core, checks


def _check(graph: Any, shape: Any, constraint: Any, targets: str) -> SparqlCheck:
    import rdflib

    sh = rdflib.Namespace(SH)
    select = graph.value(constraint, sh.select)
    if select is None:
        raise UserError(f"the sh:sparql constraint of {shape} has no sh:select")
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes(graph, constraint).items())
    text = str(select)
    if re.search(r"\$PATH\b", text):
        path = graph.value(shape, sh.path)
        try:
            text = re.sub(r"\$PATH\b", lambda _: sparql_path(graph, path), text)
        except Untranslatable:
            raise UserError(f"the SPARQL constraint of {shape} uses $PATH, but the shape has "
                            "no path that SPARQL can write") from None
    query = declared + text
    _refuse_unsupported(query, shape)
    return SparqlCheck(shape, constraint, rewrite_closures(query), targets,
                       unbound_is_prebound(query, shape),
                       bool(re.search(r"[?$]shapesGraph\b", _code(query))))


def prefixes(graph: Any, constraint: Any) -> dict[str, str]:
    """The prefixes a SPARQL constraint declares: sh:declare of its sh:prefixes nodes and of
    the nodes they import (owl:imports, read in the shapes graph, never fetched)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    todo, seen, found = list(graph.objects(constraint, sh.prefixes)), set(), {}
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        todo += graph.objects(node, rdflib.OWL.imports)
        for d in graph.objects(node, sh.declare):
            found[str(graph.value(d, sh.prefix))] = str(graph.value(d, sh.namespace))
    return found


_TOKENS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
                     r"'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*")


def _code(query: str) -> str:
    """``query`` with its strings, IRIs and comments blanked, for keyword searches."""
    return _TOKENS.sub(lambda m: '""' if m[0][0] in "\"'" else "<>" if m[0][0] == "<" else "",
                       query)


def _refuse_unsupported(query: str, shape: Any) -> None:
    """What SHACL-SPARQL forbids in a query with pre-bound variables (SHACL §5.2.1)."""
    code = _code(query)
    for word in ("MINUS", "VALUES", "SERVICE"):
        if re.search(rf"\b{word}\b", code, re.I):
            raise UserError(f"the SPARQL constraint of {shape} uses {word}, which SHACL-SPARQL "
                            "does not allow with pre-bound variables")
    if re.search(r"\bAS\s*[?$](this|currentShape|shapesGraph)\b", code, re.I):
        raise UserError(f"the SPARQL constraint of {shape} binds a pre-bound variable with AS")
    for match in list(re.finditer(r"\bSELECT\b", code, re.I))[1:]:
        head = code[match.end():code.find("{", match.end())]
        if re.search(r"[?$]this\b", code) and not re.search(r"[?$]this\b", head):
            raise UserError(f"the SPARQL constraint of {shape} has a sub-select that does not "
                            "return $this, which SHACL-SPARQL does not allow")


def unbound_is_prebound(query: str, shape: Any = None) -> bool:
    """Whether ``query`` gives the same rows for each focus node run once with ``$this``
    unbound as run pre-bound per node (see the module docstring); False when unsure."""
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    try:
        algebra = prepareQuery(query, initNs=namespaces.PREFIXES).algebra
    except Exception:  # rdflib's parser misses some SPARQL: pyoxigraph runs it, node by node
        return False
    this = Variable("this")

    def mentions(node: Any) -> bool:
        if node == this:
            return True
        if isinstance(node, (CompValue, dict)):
            return any(mentions(v) for v in node.values())
        if isinstance(node, (list, tuple, set)):
            return any(mentions(v) for v in node)
        return False

    def bound(node: Any) -> bool:
        """$this is bound in every solution of ``node``."""
        name = getattr(node, "name", None)
        if name == "BGP":
            return any(this in t for t in node["triples"])
        if name == "Join":
            return bound(node["p1"]) or bound(node["p2"])
        if name in ("LeftJoin", "Minus"):
            return bound(node["p1"])
        if name == "Union":
            return bound(node["p1"]) and bound(node["p2"])
        if name in ("Filter", "Extend", "Graph", "Distinct", "Reduced", "OrderBy", "Project",
                    "ToMultiSet"):
            return bound(node["p"])
        return False

    def safe(node: Any, top: bool) -> bool:
        name = getattr(node, "name", None)
        if name is None:
            return True
        if name in ("Group", "AggregateJoin", "Slice", "values", "Minus", "ServiceGraphPattern"):
            return False
        if name == "Project" and not top and mentions(node):
            return False
        if name == "Filter" and mentions(node["expr"]) and not bound(node["p"]):
            return False
        if name == "LeftJoin" and mentions(node.get("expr")) and \
                not (bound(node["p1"]) or bound(node["p2"])):
            return False
        if name == "Extend" and (node["var"] == this or
                                 (mentions(node["expr"]) and not bound(node["p"]))):
            return False
        children = [node[k] for k in ("p", "p1", "p2") if k in node]
        return all(safe(c, top and name in ("Project", "Distinct", "Reduced", "OrderBy"))
                   for c in children)

    return bound(algebra["p"]) and safe(algebra["p"], True)


def prebind(query: str, values: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """``query`` with each variable of ``values`` replaced by its value everywhere (SHACL's
    pre-binding), taken out of the projections and ``bound()`` of it made true."""
    out = query
    for var, value in values.items():
        token = rf"[?$]{var}\b"

        def projection(m: re.Match[str]) -> str:
            listed = re.sub(token, "", m[2])
            return m[1] + (listed if listed.strip() else " * ") + m[3]

        out = re.sub(r"(\bSELECT\s+(?:DISTINCT\s+|REDUCED\s+)?)([^{]*?)(\s*(?:WHERE\s*)?\{)",
                     projection, out, flags=re.I)
        out = re.sub(rf"\bbound\s*\(\s*{token}\s*\)", "(true)", out, flags=re.I)
        out = re.sub(token, str(value).replace("\\", "\\\\"), out)
    return out


def run_sparql(checks: list[SparqlCheck], graph: Any, select: Callable, keep: set | None,
               write: Callable[..., None], threads: int = 1,
               shapes_graph: ox.NamedNode | None = None) -> None:
    """Run each check for its focus nodes in ``keep`` (all when None), calling
    ``write(focus, check, path, value, messages)`` for each result.

    ``select(query, this)`` answers a SELECT as rows of {variable: term}. On a batch's
    neighbourhood the rows of nodes outside ``keep`` are dropped: their neighbourhood is
    not all there. ``threads``: how many checks are evaluated at once. ``shapes_graph``:
    the name of the shapes graph in the dataset ``select`` reads, pre-bound to
    ``$shapesGraph`` (required when a check reads it).
    """
    import rdflib

    sh = rdflib.Namespace(SH)

    def found(check: SparqlCheck) -> list[dict]:
        """The rows of ``check`` for its focus nodes in ``keep``, each with its ``this``."""
        targets = {r["this"] for r in select(
            f"SELECT DISTINCT ?this WHERE {{ {check.targets} }}", None)}
        if keep is not None:
            targets &= keep
        if not targets:
            return []
        shape: dict[str, Any] = {"currentShape": ox.NamedNode(str(check.shape))} \
            if isinstance(check.shape, rdflib.URIRef) else {}
        if check.reads_shapes_graph:
            if shapes_graph is None:
                raise UserError(f"the SPARQL constraint of {check.shape} reads $shapesGraph, "
                                "but the shapes are not a graph of the data queried")
            shape["shapesGraph"] = shapes_graph
        if check.unbound:
            return [dict(r) for r in select(prebind(check.query, shape), None)
                    if r.get("this") in targets]
        rows = []
        for this in sorted(targets, key=str):
            if isinstance(this, ox.BlankNode):  # a store's blank node cannot be written
                answer = select(prebind(check.query, shape), this)
            else:
                answer = select(prebind(check.query, {"this": this, **shape}), None)
            rows += [{**r, "this": this} for r in answer]
        return rows

    # The checks' queries run in threads (pyoxigraph evaluates without the GIL); their
    # results are written in the checks' order, as one check after another would.
    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(found, checks))
    for check, rows in zip(checks, answers):
        path = graph.value(check.shape, sh.path)
        messages = list(graph.objects(check.constraint, sh.message)) or \
            list(graph.objects(check.shape, sh.message))
        seen = set()
        for bound in rows:
            if "failure" in bound and bound["failure"] == ox.Literal(True):
                raise UserError(f"the SPARQL constraint of {check.shape} reported a failure "
                                "(?failure)")
            t, p, v = bound.pop("this"), bound.pop("path", None), bound.pop("value", None)
            key = (t, p, v, tuple(sorted(bound.items(), key=str)))
            if key in seen:
                continue
            seen.add(key)
            value = v if v is not None else (None if path is not None else t)
            names = {"this": t, "value": value, "path": p, **bound}
            texts = []
            for m in messages:
                text = str(m)
                for var, val in names.items():
                    if val is not None:
                        text = re.sub(f"{{[?$]{var}}}", str(rdflib_term(val)), text)
                texts.append(rdflib.Literal(text, lang=m.language))
            write(t, check, rdflib_term(p) if p is not None else path, value, texts)
