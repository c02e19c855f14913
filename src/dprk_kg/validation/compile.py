"""Compiling SHACL core shapes to SPARQL: one SELECT per (shape, constraint) for all focus nodes.

Why: pyshacl evaluates a constraint focus node by focus node over an rdflib graph (about 3 ms
a node), and needs the whole graph copied into rdflib for a full validation, which does not
finish at a million triples. The same constraint, written as one SELECT that returns the
violating ``(?this, ?value)`` rows of all focus nodes at once, runs on pyoxigraph's own
engine: on the store for a full validation, on the batch's small neighbourhood store for a
batch (see :mod:`dprk_kg.validation.run`).

Each query follows SHACL as pyshacl applies it: ``sh:class`` through
``rdf:type/rdfs:subClassOf*``; ``sh:datatype`` rejects ill-typed literals of the types SPARQL
casts; range constraints reject values they cannot compare; ``sh:or`` members and
``sh:qualifiedValueShape`` are inlined as conditions on the value node; ``sh:languageIn``
matches a tag or its first part, case-insensitively. Whatever is not translated here
(``sh:node``, ``sh:not``, ``sh:and``, ``sh:xone``, ``sh:closed``, ``sh:equals``,
``sh:disjoint``, lengths, disjoint qualified shapes, or any parameter of an unexpected form)
stays in the graph pyshacl runs, together with every shape it nests, so nothing is skipped.

One gap the store imposes: pyoxigraph stores every integer subtype (``xsd:nonNegativeInteger``
...) as ``xsd:integer``, so on the store a valid integer in range counts as the subtype; where
the literals are known as written (a batch's, a built store's files) :attr:`CoreCheck.exact`
lets the validator judge those exactly (:func:`dprk_kg.validation.engine.run_core`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from dprk_kg import namespaces
from dprk_kg.validation.terms import SKOLEM

SH = namespaces.PREFIXES["sh"]
XSD = namespaces.PREFIXES["xsd"]
RDF = namespaces.PREFIXES["rdf"]
RDFS = namespaces.PREFIXES["rdfs"]
#: The integer subtypes pyoxigraph stores as xsd:integer, with the range each allows.
INTEGERS = namespaces.XSD_INTEGERS
#: Datatypes whose ill-typed literals pyshacl rejects (rdflib converts them to a Python value),
#: each with the SPARQL cast that fails on an ill-typed one.
CASTS = {XSD + t: XSD + t for t in ("date", "dateTime", "time", "decimal", "boolean", "float",
                                    "double")}
#: Constraint parameters translated here, by the component they belong to.
COMPONENTS = {
    "class": "ClassConstraintComponent", "datatype": "DatatypeConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent", "in": "InConstraintComponent",
    "hasValue": "HasValueConstraintComponent", "minCount": "MinCountConstraintComponent",
    "maxCount": "MaxCountConstraintComponent", "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent",
    "maxExclusive": "MaxExclusiveConstraintComponent", "pattern": "PatternConstraintComponent",
    "languageIn": "LanguageInConstraintComponent", "uniqueLang": "UniqueLangConstraintComponent",
    "lessThan": "LessThanConstraintComponent",
    "lessThanOrEquals": "LessThanOrEqualsConstraintComponent", "or": "OrConstraintComponent",
    "qualifiedValueShape": "QualifiedValueShapeConstraintComponent",
}
#: Parameters read with a constraint, taken out of pyshacl's graph with it.
COMPANIONS = {"pattern": ("flags",), "qualifiedValueShape": (
    "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint")}
#: Parameters that select, describe or qualify: not constraints of their own.
NOT_CONSTRAINTS = {"targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property",
                   "path", "message", "severity", "deactivated", "name", "description", "order",
                   "group", "flags", "qualifiedMinCount", "qualifiedMaxCount",
                   "qualifiedValueShapesDisjoint", "sparql", "declare", "prefixes",
                   "defaultValue"}


class Untranslatable(Exception):
    """A constraint this module does not write as SPARQL: pyshacl runs it."""


@dataclass
class CoreCheck:
    """One (shape, constraint) as a SELECT of ``?this`` and (where SHACL reports one) ``?value``."""

    shape: Any
    component: str  # the constraint component's local name, e.g. "MinCountConstraintComponent"
    query: str
    targets: str  # the pattern binding ?this to the focus nodes
    path: Any  # sh:resultPath (rdflib term) or None
    severity: Any
    #: (predicate, datatype) of a datatype check on an integer subtype: literals known as
    #: written are checked exactly against it (the store keeps only xsd:integer).
    exact: tuple[str, str] | None = None


@dataclass
class Compiled:
    """The shapes split between SPARQL checks and pyshacl, so that nothing goes unchecked."""

    checks: list[CoreCheck]
    #: The shapes graph left to pyshacl (translated constraints taken out), or None if empty.
    rest: Any
    #: (shape, parameter) pairs pyshacl still runs, for reports and tests.
    fallback: list[tuple[Any, str]]


def compile_shapes(graph: Any) -> Compiled:
    """Translate the constraints of ``graph``'s targeted shapes (``graph``: rdflib, no sh:sparql
    of targeted shapes); return the checks and what pyshacl must still run."""
    import rdflib

    sh = rdflib.Namespace(SH)
    tops = [s for s in shapes_of(graph) if target_pattern(graph, s) is not None
            and not _deactivated(graph, s)]
    plans: list[tuple[Any, Any, str, list[CoreCheck]]] = []
    fallback: list[tuple[Any, str]] = []
    # Parameters of SPARQL-based constraint components (sh:parameter): pyshacl runs those.
    custom = set(graph.objects(None, sh.path)) & {graph.value(p, sh.path)
                                                 for p in graph.objects(None, sh.parameter)}
    for top in tops:
        targets = target_pattern(graph, top)
        assert targets is not None  # a top shape has targets
        members = [top] + [p for p in graph.objects(top, sh.property) if not _deactivated(graph, p)]
        for shape in members:
            fallback += [(shape, str(p)) for p in set(graph.predicates(shape)) & custom]
            # Nesting below a property shape is pyshacl's (sh:sparql of a top shape is not here).
            fallback += [(shape, p) for p in ("property", "sparql")
                         if shape is not top and (shape, sh[p], None) in graph]
            for param in _constraints(graph, shape):
                try:
                    plans.append((shape, param, targets, _compile(graph, shape, param, targets)))
                except Untranslatable:
                    fallback.append((shape, param))
    # A shape that a constraint left to pyshacl nests must reach pyshacl whole.
    protected = set()
    for shape, param in fallback:
        for value in graph.objects(shape, sh[param]):
            protected |= _nested(graph, value)
    checks: list[CoreCheck] = []
    rest = rdflib.Graph()
    for triple in graph:
        rest.add(triple)
    for shape, param, _, found in plans:
        if shape in protected or any(parent in protected for parent in _parents(graph, shape)):
            fallback.append((shape, param))
            continue
        checks.extend(found)
        for companion in COMPANIONS.get(param, ()) + (param,):
            rest.remove((shape, sh[companion], None))
    return Compiled(checks, rest if fallback else None, fallback)


def shapes_of(graph: Any) -> list:
    """The shapes of ``graph``: typed as shapes, with a path, or with a target (SHACL §2.1)."""
    import rdflib

    sh = rdflib.Namespace(SH)
    found = set(graph.subjects(rdflib.RDF.type, sh.NodeShape)) \
        | set(graph.subjects(rdflib.RDF.type, sh.PropertyShape)) \
        | set(graph.subjects(sh.path, None))
    for target in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf"):
        found |= set(graph.subjects(sh[target], None))
    return sorted(found, key=str)


def _deactivated(graph: Any, shape: Any) -> bool:
    import rdflib

    return (shape, rdflib.URIRef(SH + "deactivated"), rdflib.Literal(True)) in graph


def _parents(graph: Any, shape: Any) -> set:
    return set(graph.subjects(_sh("property"), shape))


def _sh(local: str) -> Any:
    import rdflib

    return rdflib.URIRef(SH + local)


def _constraints(graph: Any, shape: Any) -> list[str]:
    """The constraint parameters of ``shape`` (local names), each once."""
    return sorted({str(p)[len(SH):] for p in graph.predicates(shape) if str(p).startswith(SH)}
                  - NOT_CONSTRAINTS)


def _nested(graph: Any, node: Any) -> set:
    """Every node reachable from ``node`` in the shapes graph (the shapes it nests)."""
    seen, todo = set(), [node]
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo.extend(o for _, o in graph.predicate_objects(n))
    return seen


def target_pattern(graph: Any, shape: Any) -> str | None:
    """A SPARQL pattern binding ?this to the targets of ``shape``; None if it has none.

    The classes are a :func:`subclasses` list, resolved before the query runs.
    """
    import rdflib

    sh = rdflib.Namespace(SH)
    classes = list(graph.objects(shape, sh.targetClass))
    if (shape, rdflib.RDF.type, rdflib.RDFS.Class) in graph or \
            (shape, rdflib.RDF.type, rdflib.OWL.Class) in graph:
        classes.append(shape)
    parts = [f"{{ ?this a ?targetClass VALUES ?targetClass {{ {subclasses(c)} }} }}"
             for c in classes]
    parts += [f"{{ VALUES ?this {{ {n.n3()} }} }}" for n in graph.objects(shape, sh.targetNode)]
    parts += [f"{{ ?this <{p}> ?any }}" for p in graph.objects(shape, sh.targetSubjectsOf)]
    parts += [f"{{ ?any <{p}> ?this }}" for p in graph.objects(shape, sh.targetObjectsOf)]
    return " UNION ".join(parts) if parts else None


_SUBCLASSES = re.compile(r"%%subclasses <([^>]*)>%%")


def subclasses(cls: Any) -> str:
    """A placeholder for the classes under ``cls`` (``rdfs:subClassOf*``, itself included).

    Why not the property path itself: pyoxigraph evaluates ``?c rdfs:subClassOf* C`` for
    every row it joins with (minutes over a big store), so the closure is asked once per
    run from the graph being validated and written into the query (:func:`resolve`).
    """
    return f"%%subclasses <{cls}>%%"


def resolve(query: str, select: Any, closures: dict[str, str]) -> str:
    """``query`` with its :func:`subclasses` placeholders filled in from the data.

    ``select(query, None)`` answers a SELECT as rows of {variable: term}; ``closures``
    caches the answers for one validation run.
    """
    def closure(match: re.Match[str]) -> str:
        cls = match[1]
        if cls not in closures:
            rows = select(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> }}", None)
            closures[cls] = " ".join(sorted({f"<{cls}>"} | {str(r["c"]) for r in rows}))
        return closures[cls]

    return _SUBCLASSES.sub(closure, query)


_TERM = r"(?:<[^>\s]*>|[A-Za-z][\w-]*:[\w-]*)"
_CLOSURE_PATTERN = re.compile(
    r"(?P<s>[?$]\w+)\s+(?P<type>(?:a|rdf:type|<" + re.escape(RDF) + r"type>)/)?"
    r"(?:rdfs:subClassOf|<" + re.escape(RDFS) + r"subClassOf>)\*\s+(?P<c>" + _TERM + r")"
    r"(?=\s*[.}])")


def rewrite_closures(query: str) -> str:
    """``query`` with its class-closure patterns (``?c rdfs:subClassOf* C``,
    ``?x rdf:type/rdfs:subClassOf* C``, whole triples) written as :func:`subclasses` lists.

    The same solutions (a sequence path's step is a fresh variable in SPARQL too), without
    the property path pyoxigraph re-evaluates for every row. A query this cannot rewrite
    safely is returned unchanged: slower, never different.
    """
    import pyoxigraph as ox

    prefixes = dict(re.findall(r"PREFIX\s+([\w-]*):\s*<([^>]*)>", query, re.I))
    if re.search(r"SELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", query, re.I):
        return query
    fresh = iter(range(1_000_000))

    def replace(match: re.Match[str]) -> str:
        term = match["c"]
        if not term.startswith("<"):
            prefix, local = term.split(":", 1)
            if prefix not in prefixes:
                return match[0]
            term = f"<{prefixes[prefix]}{local}>"
        if not match["type"]:
            return f"VALUES {match['s']} {{ {subclasses(term[1:-1])} }}"
        step = f"?closureStep{next(fresh)}"
        return f"{match['s']} a {step} . VALUES {step} {{ {subclasses(term[1:-1])} }}"

    rewritten = _CLOSURE_PATTERN.sub(replace, query)
    try:
        ox.Store().query(resolve(rewritten, lambda q, this: [], {}))
    except (SyntaxError, ValueError):
        return query
    return rewritten


def sparql_path(graph: Any, path: Any) -> str:
    """A SHACL path as a SPARQL property path."""
    import rdflib
    from rdflib.collection import Collection

    if isinstance(path, rdflib.URIRef):
        return f"<{path}>"
    if isinstance(path, rdflib.Literal) or path is None:
        raise Untranslatable(path)
    forms = [p for p in ("inversePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath",
                         "alternativePath") if graph.value(path, _sh(p)) is not None]
    if len(forms) + (graph.value(path, rdflib.RDF.first) is not None) > 1:
        raise Untranslatable(path)  # a node that is two paths at once: pyshacl's reading
    for key, form in (("inversePath", "^({})"), ("zeroOrMorePath", "({})*"),
                      ("oneOrMorePath", "({})+"), ("zeroOrOnePath", "({})?")):
        inner = graph.value(path, _sh(key))
        if inner is not None:
            return form.format(sparql_path(graph, inner))
    alternatives = graph.value(path, _sh("alternativePath"))
    if alternatives is not None:
        return "(" + "|".join(sparql_path(graph, p) for p in Collection(graph, alternatives)) + ")"
    if graph.value(path, rdflib.RDF.first) is not None:
        return "(" + "/".join(sparql_path(graph, p) for p in Collection(graph, path)) + ")"
    raise Untranslatable(path)


# -- value-wise conditions --------------------------------------------------------------------

def _is_blank(v: str) -> str:
    return f'(isBlank({v}) || STRSTARTS(STR({v}), "{SKOLEM}"))'


def _one(graph: Any, shape: Any, param: str) -> Any:
    values = list(graph.objects(shape, _sh(param)))
    if len(values) != 1:
        raise Untranslatable(param)
    return values[0]


def _list(graph: Any, node: Any) -> list:
    import rdflib
    from rdflib.collection import Collection

    if node == rdflib.RDF.nil:
        return []
    if graph.value(node, rdflib.RDF.first) is None:
        raise Untranslatable(node)
    return list(Collection(graph, node))


def _bad(graph: Any, shape: Any, param: str, v: str) -> str:
    """A SPARQL expression true when the value ``v`` breaks the value-wise constraint ``param``."""
    import rdflib

    value = _one(graph, shape, param)
    if param == "class":
        if not isinstance(value, rdflib.URIRef):
            raise Untranslatable(param)
        return f"NOT EXISTS {{ {v} a ?valueClass VALUES ?valueClass {{ {subclasses(value)} }} }}"
    if param == "datatype":
        return f"!({_datatype_ok(value, v)})"
    if param == "nodeKind":
        iri, blank, lit = f"(isIRI({v}) && !{_is_blank(v)})", _is_blank(v), f"isLiteral({v})"
        kinds = {"IRI": iri, "BlankNode": blank, "Literal": lit,
                 "BlankNodeOrIRI": f"({blank} || {iri})",
                 "BlankNodeOrLiteral": f"({blank} || {lit})",
                 "IRIOrLiteral": f"({iri} || {lit})"}
        name = str(value)[len(SH):] if str(value).startswith(SH) else None
        if name not in kinds:
            raise Untranslatable(param)
        return f"!{kinds[name]}"
    if param == "in":
        members = _list(graph, value)
        if any(isinstance(m, rdflib.BNode) for m in members):
            raise Untranslatable(param)
        return "!(" + " || ".join([f"sameTerm({v}, {m.n3()})" for m in members] or ["false"]) + ")"
    if param in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        if not isinstance(value, rdflib.Literal):
            raise Untranslatable(param)
        op = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">",
              "maxExclusive": "<"}[param]
        return f"!COALESCE(isLiteral({v}) && {v} {op} {value.n3()}, false)"
    if param == "pattern":
        flags = graph.value(shape, _sh("flags"))
        pattern = rdflib.Literal(str(value)).n3()
        extra = f", {rdflib.Literal(str(flags)).n3()}" if flags is not None else ""
        return f"!COALESCE(!{_is_blank(v)} && REGEX(STR({v}), {pattern}{extra}), false)"
    if param == "languageIn":
        ranges = [str(r).lower() for r in _list(graph, value)]
        if "*" in ranges:
            return f'!(isLiteral({v}) && LANG({v}) != "")'
        allowed = ", ".join(rdflib.Literal(r).n3() for r in ranges) or '""'
        lang = f"LCASE(LANG({v}))"
        return (f'!(isLiteral({v}) && {lang} != "" && ({lang} IN ({allowed}) || '
                f'STRBEFORE(CONCAT({lang}, "-"), "-") IN ({allowed})))')
    raise Untranslatable(param)


def _datatype_ok(datatype: Any, v: str) -> str:
    """True when ``v`` is a literal of ``datatype``, as pyshacl decides it."""
    dt = str(datatype)
    if dt == RDF + "langString":
        return f'isLiteral({v}) && LANG({v}) != ""'
    if dt == RDFS + "Literal":
        return f"isLiteral({v})"
    if dt in INTEGERS:
        low, high = INTEGERS[dt]
        number = f"<{XSD}integer>(STR({v}))"
        bounds = [f"{number} >= {low}" if low is not None else f"isNumeric({number})",
                  f"{number} <= {high}" if high is not None else f"isNumeric({number})"]
        return (f"isLiteral({v}) && (DATATYPE({v}) = <{dt}> || DATATYPE({v}) = <{XSD}integer>) "
                f"&& COALESCE({bounds[0]} && {bounds[1]}, false)")
    ok = f"isLiteral({v}) && DATATYPE({v}) = <{dt}>"
    if dt in CASTS:
        ok += f" && COALESCE(isLiteral(<{CASTS[dt]}>(STR({v}))), false)"
    return ok


# -- one SELECT per constraint ----------------------------------------------------------------

def _compile(graph: Any, shape: Any, param: str, targets: str) -> list[CoreCheck]:
    """The checks of constraint ``param`` of ``shape`` (a top shape or one of its properties)."""
    import rdflib

    path_node = graph.value(shape, _sh("path"))
    path = sparql_path(graph, path_node) if path_node is not None else None
    severity = graph.value(shape, _sh("severity")) or _sh("Violation")
    component = COMPONENTS.get(param)
    if component is None:
        raise Untranslatable(param)
    values = f"?this {path} ?value ." if path else "BIND (?this AS ?value)"
    head = f"SELECT DISTINCT ?this ?value WHERE {{ {targets} {values} "

    def check(query: str, name: str = component, exact: tuple[str, str] | None = None
              ) -> CoreCheck:
        return CoreCheck(shape, name, query, targets, path_node, severity, exact)

    if param in ("minCount", "maxCount"):
        count = _one(graph, shape, param)
        if not isinstance(count, rdflib.Literal) or not isinstance(count.value, int) or not path:
            raise Untranslatable(param)
        n = count.value
        if param == "minCount" and n <= 1:
            if n < 1:
                return []
            query = (f"SELECT DISTINCT ?this WHERE {{ {targets} "
                     f"OPTIONAL {{ ?this {path} ?value }} FILTER (!BOUND(?value)) }}")
        else:
            op, join = ("<", f"OPTIONAL {{ ?this {path} ?value }}") if param == "minCount" \
                else (">", f"?this {path} ?value .")
            query = (f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) "
                     f"WHERE {{ {{ SELECT DISTINCT ?this WHERE {{ {targets} }} }} {join} }} "
                     f"GROUP BY ?this }} FILTER (?n {op} {n}) }}")
        return [check(query)]
    if param == "hasValue":
        value = _one(graph, shape, param)
        if path:
            return [check(f"SELECT DISTINCT ?this WHERE {{ {targets} "
                          f"FILTER NOT EXISTS {{ ?this {path} {value.n3()} }} }}")]
        return [check(f"SELECT DISTINCT ?this WHERE {{ {targets} "
                      f"FILTER (!sameTerm(?this, {value.n3()})) }}")]
    if param == "uniqueLang":
        flag = _one(graph, shape, param)
        if not path or not isinstance(flag, rdflib.Literal) or str(flag) not in ("true", "false") \
                or str(flag.datatype) != XSD + "boolean":
            raise Untranslatable(param)  # "1"^^xsd:boolean is not the literal true
        if not flag.value:
            return []
        return [check(f"SELECT DISTINCT ?this ?lang WHERE {{ {targets} ?this {path} ?value . "
                      f"?this {path} ?other . FILTER (!sameTerm(?value, ?other) && "
                      f'LANG(?value) != "" && LCASE(LANG(?value)) = LCASE(LANG(?other))) '
                      f"BIND (LCASE(LANG(?value)) AS ?lang) }}")]
    if param in ("lessThan", "lessThanOrEquals"):
        other = _one(graph, shape, param)
        if not isinstance(other, rdflib.URIRef):
            raise Untranslatable(param)
        op = "<" if param == "lessThan" else "<="
        return [check(f"SELECT ?this ?value ?compared WHERE {{ {{ SELECT DISTINCT ?this ?value "
                      f"WHERE {{ {targets} {values} }} }} ?this <{other}> ?compared . "
                      f"FILTER (!COALESCE(?value {op} ?compared, false)) }}")]
    if param == "or":
        members = [_conforms(graph, m, "?value") for m in _list(graph, _one(graph, shape, param))]
        return [check(head + f"FILTER (!({' || '.join(members) or 'false'})) }}")]
    if param == "qualifiedValueShape":
        return [check(q, name) for q, name in _qualified(graph, shape, path, targets)]
    exact = None
    datatype = graph.value(shape, _sh("datatype"))
    if param == "datatype" and str(datatype) in INTEGERS and isinstance(path_node, rdflib.URIRef):
        exact = (str(path_node), str(datatype))
    return [check(head + f"FILTER ({_bad(graph, shape, param, '?value')}) }}", exact=exact)]


def _conforms(graph: Any, member: Any, v: str) -> str:
    """A SPARQL expression: the node ``v`` conforms to the (simple) shape ``member``."""
    import rdflib

    path_node = graph.value(member, _sh("path"))
    params = _constraints(graph, member)
    if not params or list(graph.objects(member, _sh("property"))):
        raise Untranslatable(member)
    path = sparql_path(graph, path_node) if path_node is not None else None
    conditions = []
    x = "?memberValue"
    for param in params:
        if param in ("minCount", "maxCount"):
            n = _one(graph, member, param)
            if not path or not isinstance(n, rdflib.Literal) or n.value not in (0, 1) or \
                    (param, n.value) not in (("minCount", 1), ("minCount", 0), ("maxCount", 0)):
                raise Untranslatable(param)
            if (param, n.value) != ("minCount", 0):
                exists = f"EXISTS {{ {v} {path} {x} }}"
                conditions.append(exists if param == "minCount" else f"!{exists}")
        elif param == "hasValue":
            value = _one(graph, member, param)
            conditions.append(f"EXISTS {{ {v} {path} {value.n3()} }}" if path
                              else f"sameTerm({v}, {value.n3()})")
        elif path:
            bad = _bad(graph, member, param, x)
            conditions.append(f"NOT EXISTS {{ {v} {path} {x} FILTER ({bad}) }}")
        else:
            conditions.append(f"!({_bad(graph, member, param, v)})")
    return "(" + " && ".join(conditions) + ")"


def _qualified(graph: Any, shape: Any, path: str | None, targets: str) -> list[tuple[str, str]]:
    """sh:qualifiedMinCount / sh:qualifiedMaxCount of a (non-disjoint) qualified value shape."""
    import rdflib

    disjoint = graph.value(shape, _sh("qualifiedValueShapesDisjoint"))
    if not path or (disjoint is not None and disjoint.toPython() is True):
        raise Untranslatable("qualifiedValueShape")
    conforms = _conforms(graph, _one(graph, shape, "qualifiedValueShape"), "?value")
    out = []
    for param, op in (("qualifiedMinCount", "<"), ("qualifiedMaxCount", ">")):
        count = graph.value(shape, _sh(param))
        if count is None:
            continue
        if not isinstance(count, rdflib.Literal) or not isinstance(count.value, int):
            raise Untranslatable(param)
        out.append((f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?value) AS ?n) "
                    f"WHERE {{ "
                    f"{{ SELECT DISTINCT ?this WHERE {{ {targets} }} }} "
                    f"OPTIONAL {{ ?this {path} ?value FILTER ({conforms}) }} }} GROUP BY ?this }} "
                    f"FILTER (?n {op} {count.value}) }}",
                    param[0].upper() + param[1:] + "ConstraintComponent"))
    if not out:
        raise Untranslatable("qualifiedValueShape")
    return out
