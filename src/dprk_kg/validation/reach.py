"""What the shapes look at: the predicates their paths follow each way and how deep, cached.

A focus node's verdict can change only if it reads a changed triple within ``depth`` hops
along these predicates (see :mod:`dprk_kg.validation.neighbourhood`). The predicates are read
from the shapes' paths (sequence, inverse and alternative paths, ``sh:node`` / ``sh:property``
/ logical nesting) and from the triple patterns of ``sh:sparql`` SELECTs, read from their
algebra. Transitive paths (``sh:zeroOrMorePath`` ...) have no bound (``depth`` None).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dprk_kg import namespaces
from dprk_kg.files import cache_dir, write_atomically
from dprk_kg.validation.sparql import prefixes

SH = namespaces.PREFIXES["sh"]


# -- what the shapes look at ------------------------------------------------------------------

@dataclass
class Reach:
    """The predicates shapes follow from a focus node, each way, and how deep (None: unbounded)."""

    forward: set[str] = field(default_factory=set)
    inverse: set[str] = field(default_factory=set)
    #: A variable predicate (``$this ?p ?o``) reads every predicate, that way only.
    any_forward: bool = False
    any_inverse: bool = False
    depth: int | None = 0



def reach_of(graph: Any, shapes: list, path: Path) -> Reach:
    """What the shapes look at (:class:`Reach`), remembered per shapes text in the user's
    cache: reading it from the SPARQL rules' algebra takes rdflib's parser about a second,
    which every validation in a new process would pay again."""
    import hashlib

    import rdflib

    cache = cache_dir()
    memo = cache / f"reach-2-{hashlib.sha256(path.read_bytes()).hexdigest()[:32]}.json"
    try:
        found = json.loads(memo.read_text())
        return Reach(set(found["forward"]), set(found["inverse"]), found["any_forward"],
                     found["any_inverse"], found["depth"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    sh = rdflib.Namespace(SH)
    if any((None, sh[p], None) in graph for p in ("validator", "nodeValidator",
                                                   "propertyValidator")):
        # SPARQL-based constraint components read what their queries read, from any shape
        # that has their parameters: no bound is known, so a batch is checked against all.
        return Reach(any_forward=True, any_inverse=True, depth=None)
    reach = Reach()
    for shape in shapes:
        depth = _shape_depth(graph, shape, reach, set())
        reach.depth = None if depth is None or reach.depth is None else max(reach.depth, depth)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        write_atomically(memo, json.dumps({**asdict(reach), "forward": sorted(reach.forward),
                                           "inverse": sorted(reach.inverse)}))
    except OSError:
        pass  # an unwritable cache only costs time
    return reach



_NESTING = ("node", "qualifiedValueShape", "not")
_LISTS = ("and", "or", "xone")


def _shape_depth(g: Any, shape: Any, reach: Reach, seen: set) -> int | None:
    """Hops from a focus node that ``shape`` reads, adding its predicates to ``reach``."""
    import rdflib

    sh = rdflib.Namespace(SH)
    if shape in seen:
        return None  # recursive shapes have no bound
    seen = seen | {shape}
    depth: int | None = 0
    path = g.value(shape, sh.path)
    base = _path_length(g, path, reach, inverse=False) if path is not None else 0
    nested = [o for p in _NESTING for o in g.objects(shape, sh[p])]
    nested += [m for p in _LISTS for lst in g.objects(shape, sh[p])
               for m in rdflib.collection.Collection(g, lst)]
    nested += list(g.objects(shape, sh.property))
    for other in nested:
        sub = _shape_depth(g, other, reach, seen)
        depth = None if sub is None or depth is None else max(depth, sub)
    for p in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
        reach.forward.update(str(o) for o in g.objects(shape, sh[p]))
    for constraint in g.objects(shape, sh.sparql):
        sub = _sparql_depth(g, constraint, reach)
        depth = None if sub is None or depth is None else max(depth, sub)
    if base is None or depth is None:
        return None
    return base + depth


def _path_length(g: Any, path: Any, reach: Reach, *, inverse: bool) -> int | None:
    import rdflib

    sh = rdflib.Namespace(SH)
    if isinstance(path, rdflib.URIRef):
        (reach.inverse if inverse else reach.forward).add(str(path))
        return 1
    inv = g.value(path, sh.inversePath)
    if inv is not None:
        return _path_length(g, inv, reach, inverse=not inverse)
    alt = g.value(path, sh.alternativePath)
    if alt is not None:
        lengths = [_path_length(g, p, reach, inverse=inverse)
                   for p in rdflib.collection.Collection(g, alt)]
        return None if None in lengths else max(lengths, default=0)  # type: ignore[type-var]  # no None left; `in` does not narrow
    one = g.value(path, sh.zeroOrOnePath)
    if one is not None:
        return _path_length(g, one, reach, inverse=inverse)
    for unbounded in ("zeroOrMorePath", "oneOrMorePath"):
        inner = g.value(path, sh[unbounded])
        if inner is not None:
            _path_length(g, inner, reach, inverse=inverse)
            return None
    if g.value(path, rdflib.RDF.first) is not None:  # a sequence path
        steps = [_path_length(g, p, reach, inverse=inverse)
                 for p in rdflib.collection.Collection(g, path)]
        return None if None in steps else sum(steps)  # type: ignore[arg-type]  # no None left; `in` does not narrow
    return None


def _sparql_depth(g: Any, constraint: Any, reach: Reach) -> int | None:
    """Hops from ``$this`` that a SPARQL constraint's triple patterns reach (read from its algebra)."""
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    sh = rdflib.Namespace(SH)
    text = str(g.value(constraint, sh.select) or "")
    try:
        query = prepareQuery(text, initNs={**namespaces.PREFIXES, **prefixes(g, constraint)})
    except Exception:  # rdflib's parser misses some SPARQL (``FILTER bound($this)``):
        reach.any_forward = reach.any_inverse = True  # unknown reach, so everything
        return None
    patterns: list[tuple] = []

    def collect(node: Any) -> None:
        if isinstance(node, Mapping):
            if "triples" in node and isinstance(node["triples"], list):
                patterns.extend(t for t in node["triples"]
                                if isinstance(t, tuple) and len(t) == 3)
            for value in node.values():
                collect(value)
        elif isinstance(node, (list, tuple)):
            for value in node:
                collect(value)

    collect(query.algebra)
    this = rdflib.Variable("this")
    hops: dict[Any, int | None] = {this: 0}
    changed = True
    while changed:
        changed = False
        for s, p, o in patterns:
            for a, b, inverse in ((s, o, False), (o, s, True)):
                if a in hops and b not in hops:
                    steps = _sparql_path(p, reach, inverse=inverse)
                    if isinstance(b, (rdflib.Variable, rdflib.BNode)):
                        before = hops[a]
                        hops[b] = None if steps is None or before is None else before + steps
                        changed = True
        if len(hops) > 64:
            return None
    if None in hops.values():
        return None
    return max(v for v in hops.values() if v is not None)


#: Steps within the vocabulary (class and property hierarchies): they cost no hop in the data.
_VOCABULARY_STEPS = {namespaces.PREFIXES["rdfs"] + "subClassOf",
                     namespaces.PREFIXES["rdfs"] + "subPropertyOf"}


def _sparql_path(p: Any, reach: Reach, *, inverse: bool) -> int | None:
    """Hops a SPARQL predicate or property path takes, adding its predicates to ``reach``."""
    import rdflib
    from rdflib import paths

    if isinstance(p, rdflib.URIRef):
        if str(p) not in _VOCABULARY_STEPS:
            (reach.inverse if inverse else reach.forward).add(str(p))
        return 0 if str(p) in _VOCABULARY_STEPS else 1
    if isinstance(p, paths.InvPath):
        return _sparql_path(p.arg, reach, inverse=not inverse)
    if isinstance(p, paths.SequencePath):
        steps = [_sparql_path(a, reach, inverse=inverse) for a in p.args]
        return None if None in steps else sum(steps)  # type: ignore[arg-type]  # no None left; `in` does not narrow
    if isinstance(p, paths.AlternativePath):
        steps = [_sparql_path(a, reach, inverse=inverse) for a in p.args]
        return None if None in steps else max(steps)  # type: ignore[type-var]  # no None left; `in` does not narrow
    if isinstance(p, paths.MulPath):
        step = _sparql_path(p.path, reach, inverse=inverse)
        return step if step == 0 or p.mod == paths.ZeroOrOne else None
    if inverse:  # a variable or a negated property set: any predicate
        reach.any_inverse = True
    else:
        reach.any_forward = True
    return 1

