"""SHACL validation of a batch against the graph it would join: incremental, with reports for people.

Why incremental: pyshacl over a whole 100k-triple graph takes minutes (its ``sh:sparql``
constraints run once per focus node on rdflib's engine), so a batch is checked only where it
can change a verdict, with the same result as a full validation of the union:

1. The shapes are read once for what they *look at*: the predicates their paths follow
   forward and backward (sequence, inverse and alternative paths, ``sh:node`` / ``sh:property``
   / logical nesting, and the triple patterns of ``sh:sparql`` SELECTs, read from their
   algebra), and how many hops deep that goes (``D``).
2. A focus node's verdict can change only if it reads a changed triple: it reaches the
   triple's subject (or, through an inverse step, its object) within ``D`` hops. Walking those
   steps backwards from the batch gives the focus nodes to check.
3. Everything those focus nodes read lies within ``D`` hops forward of them; that
   neighbourhood (plus the ontology, for class hierarchies) is pulled from the store into a
   small rdflib graph, and pyshacl validates it with ``focus_nodes=``.

Vocabulary nodes (classes, concepts: everything the ontology defines) are never walked
through, so a hub such as ``dprk:Current`` does not drag in every tenure. Transitive paths
(``sh:zeroOrMorePath`` ...) have no bound; shapes using them make the walk fall back to the
whole graph, which stays correct and is reported as not incremental.

Besides SHACL, the batch is checked for terms of the project's namespace that the ontology
does not define (with a "did you mean" hint), for new entities whose names look like existing
ones (see :mod:`dprk_kg.names`), and for nodes no shape applies to. Validation never passes
because nothing was checked: shapes that fail to load, or a batch no shape applies to, are
errors.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dprk_kg import namespaces, resources
from dprk_kg.errors import UserError
from dprk_kg.names import (NAME_PREDICATES, NameIndex, bare, likely_duplicates, name_key,
                           name_pattern, read_judgements, stamp_of)
from dprk_kg.parse import Batch
from dprk_kg.shacl_sparql import (INTEGERS, SKOLEM, Compiled, compile_shapes, resolve,
                                  rewrite_closures, target_pattern)
from dprk_kg.store import Store

SH = namespaces.PREFIXES["sh"]
RDF_TYPE = namespaces.PREFIXES["rdf"] + "type"
RDFS_LABEL = namespaces.PREFIXES["rdfs"] + "label"
SUBCLASS = namespaces.PREFIXES["rdfs"] + "subClassOf"
#: Namespaces whose terms are known from the ontology and the shapes; anything else in them
#: is probably a typo (``org:heldby``).
STANDARD = tuple(namespaces.PREFIXES[p] for p in
                 ("org", "prov", "foaf", "skos", "dcterms", "schema", "owl", "rdf", "rdfs"))


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


@dataclass
class SparqlCheck:
    """One ``sh:sparql`` constraint of a targeted shape, run by pyoxigraph instead of pyshacl.

    pyshacl re-parses the SELECT for every focus node with rdflib's (slow) parser; pyoxigraph
    parses it once and runs it with ``$this`` pre-bound, as SHACL-SPARQL specifies.
    """

    shape: Any
    constraint: Any
    query: str
    targets: str  # a SPARQL pattern binding ?this to the shape's targets


@dataclass
class Shapes:
    """The shapes graph (rdflib) and what the validator derives from it."""

    graph: Any
    #: The shapes without the sh:sparql constraints that :class:`SparqlCheck` runs.
    core: Any
    sparql: list[SparqlCheck]
    #: The core constraints as SPARQL, and the shapes left to pyshacl.
    compiled: Compiled
    reach: Reach
    target_classes: set[str]
    target_subjects_of: set[str]
    target_objects_of: set[str]
    target_nodes: set[str]
    terms: set[str]


def load_shapes(path: Path | None = None) -> Shapes:
    """Read and analyse the shapes; any failure is a UserError (never an empty pass)."""
    import rdflib

    path = Path(path) if path is not None else resources.shapes_file()
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise UserError("the SHACL shapes are missing: nothing could be checked",
                        file=str(path)) from None
    except Exception as e:  # rdflib raises many kinds; all mean "the shapes did not load"
        raise UserError(f"the SHACL shapes failed to load: {e}", file=str(path)) from None
    sh = rdflib.Namespace(SH)
    shapes = list(set(graph.subjects(rdflib.RDF.type, sh.NodeShape))
                  | set(graph.subjects(rdflib.RDF.type, sh.PropertyShape))
                  | set(graph.subjects(sh.path, None)))
    if not shapes:
        raise UserError("the shapes file defines no shape: nothing could be checked",
                        file=str(path))
    reach = _reach(graph, shapes, path)

    def objects(p: str) -> set[str]:
        return {str(o) for o in graph.objects(None, sh[p])}

    classes = objects("targetClass") | {str(s) for s in shapes if
                                        (s, rdflib.RDF.type, rdflib.RDFS.Class) in graph or
                                        (s, rdflib.RDF.type, rdflib.OWL.Class) in graph}
    terms = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    core, checks = _split_sparql(graph)
    return Shapes(graph, core, checks, compile_shapes(core), reach, classes,
                  objects("targetSubjectsOf"),
                  objects("targetObjectsOf"), objects("targetNode"), terms)


def _reach(graph: Any, shapes: list, path: Path) -> Reach:
    """What the shapes look at (:class:`Reach`), remembered per shapes text in the user's
    cache: reading it from the SPARQL rules' algebra takes rdflib's parser about a second,
    which every validation in a new process would pay again."""
    import hashlib

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dprk-kg"
    memo = cache / f"reach-{hashlib.sha256(path.read_bytes()).hexdigest()[:32]}.json"
    try:
        found = json.loads(memo.read_text())
        return Reach(set(found["forward"]), set(found["inverse"]), found["any_forward"],
                     found["any_inverse"], found["depth"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    reach = Reach()
    for shape in shapes:
        depth = _shape_depth(graph, shape, reach, set())
        reach.depth = None if depth is None or reach.depth is None else max(reach.depth, depth)
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp = memo.with_name(f".{memo.name}.{os.getpid()}")
        tmp.write_text(json.dumps({**asdict(reach), "forward": sorted(reach.forward),
                                   "inverse": sorted(reach.inverse)}))
        os.replace(tmp, memo)
    except OSError:
        pass  # an unwritable cache only costs time
    return reach


def _split_sparql(graph: Any) -> tuple[Any, list[SparqlCheck]]:
    """Take the sh:sparql constraints of targeted shapes out of the graph pyshacl gets."""
    import rdflib

    sh = rdflib.Namespace(SH)
    core = rdflib.Graph()
    for triple in graph:
        core.add(triple)
    checks = []
    for shape, constraint in graph.subject_objects(sh.sparql):
        targets = target_pattern(graph, shape)
        if targets is None or (constraint, sh.deactivated, rdflib.Literal(True)) in graph:
            continue  # nested shapes get their focus from their parent: pyshacl runs those
        prefixes = "".join(
            f"PREFIX {g.value(d, sh.prefix)}: <{g.value(d, sh.namespace)}>\n"
            for g in [graph] for decl in graph.objects(constraint, sh.prefixes)
            for d in graph.objects(decl, sh.declare))
        checks.append(SparqlCheck(shape, constraint, rewrite_closures(
            prefixes + str(graph.value(constraint, sh.select))), targets))
        core.remove((shape, sh.sparql, constraint))
    return core, checks


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
        return None if None in lengths else max(lengths, default=0)  # type: ignore[type-var]
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
        return None if None in steps else sum(steps)  # type: ignore[arg-type]
    return None


def _sparql_depth(g: Any, constraint: Any, reach: Reach) -> int | None:
    """Hops from ``$this`` that a SPARQL constraint's triple patterns reach (read from its algebra)."""
    import rdflib
    from rdflib.plugins.sparql import prepareQuery

    sh = rdflib.Namespace(SH)
    text = str(g.value(constraint, sh.select) or "")
    prefixes = {str(p): str(ns) for decl in g.objects(constraint, sh.prefixes)
                for d in g.objects(decl, sh.declare)
                for p, ns in [(g.value(d, sh.prefix), g.value(d, sh.namespace))]}
    try:
        query = prepareQuery(text, initNs={**namespaces.PREFIXES, **prefixes})
    except Exception as e:
        raise UserError(f"a sh:sparql constraint of the shapes does not parse: {e}") from None
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
        return None if None in steps else sum(steps)  # type: ignore[arg-type]
    if isinstance(p, paths.AlternativePath):
        steps = [_sparql_path(a, reach, inverse=inverse) for a in p.args]
        return None if None in steps else max(steps)  # type: ignore[type-var]
    if isinstance(p, paths.MulPath):
        steps = _sparql_path(p.path, reach, inverse=inverse)
        return steps if steps == 0 or p.mod == paths.ZeroOrOne else None
    if inverse:  # a variable or a negated property set: any predicate
        reach.any_inverse = True
    else:
        reach.any_forward = True
    return 1


# -- reports ----------------------------------------------------------------------------------

@dataclass
class Problem:
    """One thing wrong (or worth a look) about the batch, in words a person can act on."""

    severity: str  # "violation", "warning" or "info"
    node: str  # IRI (or the label of a blank node's holder)
    label: str | None
    message: str
    path: str | None = None
    value: str | None = None
    hint: str | None = None
    rule: str | None = None
    file: str | None = None
    line: int | None = None
    #: The term an unknown-term problem is about (as a CURIE).
    term: str | None = None

    def text(self) -> str:
        where = f"{self.file}:{self.line}: " if self.file and self.line else (
            f"{self.file}: " if self.file else "")
        who = f"{self.label} ({self.node})" if self.label else self.node
        out = f"{where}{self.severity}: {who}: {self.message}"
        if self.value is not None:
            out += f" [value: {self.value}]"
        if self.hint:
            out += f"\n    hint: {self.hint}"
        return out


@dataclass
class Report:
    """Every problem found, and what was checked (so a pass is never a pass by default)."""

    problems: list[Problem]
    focus_nodes: int
    neighbourhood_triples: int
    incremental: bool
    report_graph: Any = None

    @property
    def conforms(self) -> bool:
        return not any(p.severity == "violation" for p in self.problems)

    @property
    def exit_code(self) -> int:
        return 0 if self.conforms else 1

    def to_text(self) -> str:
        counts = {s: sum(p.severity == s for p in self.problems)
                  for s in ("violation", "warning", "info")}
        lines = [p.text() for p in self.problems]
        verdict = "conforms" if self.conforms else "does NOT conform"
        lines.append(f"the batch {verdict}: {counts['violation']} violation(s), "
                     f"{counts['warning']} warning(s); {self.focus_nodes} node(s) checked")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"conforms": self.conforms, "focus_nodes": self.focus_nodes,
                           "incremental": self.incremental,
                           "problems": [asdict(p) for p in self.problems]},
                          indent=2, ensure_ascii=False)

    def to_turtle(self) -> str:
        """The SHACL validation report graph (sh:ValidationReport), as pyshacl produced it."""
        import rdflib

        graph = self.report_graph if self.report_graph is not None else rdflib.Graph()
        for prefix, iri in namespaces.PREFIXES.items():
            graph.bind(prefix, iri)
        return graph.serialize(format="turtle")


# -- the store side ---------------------------------------------------------------------------

def _values(nodes: Iterable[ox.NamedNode]) -> str:
    return " ".join(str(n) for n in nodes)


def _edges(store: Store, nodes: list[ox.NamedNode], out_preds: set[str] | None,
           in_preds: set[str] | None) -> list[ox.Triple]:
    """Triples leaving ``nodes`` by ``out_preds`` and entering them by ``in_preds`` (None: any).

    Asked in slices so that a SPARQL server gets queries of a sane length.
    """
    found: list[ox.Triple] = []

    def pred_filter(preds: set[str] | None) -> str:
        if preds is None:
            return ""
        return f"FILTER(?p IN ({', '.join(f'<{p}>' for p in sorted(preds))}))"

    parts = []
    if out_preds is None or out_preds:
        parts.append(f"{{ ?n ?p ?o BIND(?n AS ?s) {pred_filter(out_preds)} }}")
    if in_preds is None or in_preds:
        parts.append(f"{{ ?s ?p ?n BIND(?n AS ?o) {pred_filter(in_preds)} }}")
    if not parts or not nodes:
        return found
    for i in range(0, len(nodes), 500):
        chunk = nodes[i:i + 500]
        query = (f"SELECT ?s ?p ?o WHERE {{ VALUES ?n {{ {_values(chunk)} }} "
                 f"{' UNION '.join(parts)} }}")
        for row in store.select(query).rows:
            found.append(ox.Triple(row["s"], row["p"], row["o"]))
    return found


@dataclass
class _Union:
    """The store with the batch added and/or a batch taken away, as seen by the walks."""

    store: Store
    added: list[ox.Triple]
    removed: set[ox.Triple]
    #: Whether a node is in the store at all, once asked: a batch of 60,000 new entities
    #: would otherwise be looked up by every walk (on disk, tens of µs a lookup).
    present: dict = field(default_factory=dict)

    def edges(self, nodes: set, out_preds: set[str] | None, in_preds: set[str] | None
              ) -> list[ox.Triple]:
        iris = [n for n in nodes if isinstance(n, ox.NamedNode)]
        unknown = [n for n in iris if n not in self.present]
        for i in range(0, len(unknown), 500):
            chunk = unknown[i:i + 500]
            there = {r["n"] for r in self.store.select(
                f"SELECT ?n WHERE {{ VALUES ?n {{ {_values(chunk)} }} "
                f"FILTER (EXISTS {{ ?n ?p ?o }} || EXISTS {{ ?s ?p ?n }}) }}").rows}
            self.present.update((n, n in there) for n in chunk)
        iris = [n for n in iris if self.present[n]]
        found = [t for t in _edges(self.store, iris, out_preds, in_preds) if t not in self.removed]
        for t in self.added:
            if t.subject in nodes and (out_preds is None or t.predicate.value in out_preds):
                found.append(t)
            if t.object in nodes and (in_preds is None or t.predicate.value in in_preds):
                found.append(t)
        return found


def _walk(union: _Union, start: set, depth: int | None, out_preds: set[str] | None,
          in_preds: set[str] | None, vocabulary: set[str]) -> set:
    """Nodes reachable from ``start`` within ``depth`` steps (out along out_preds, in along in_preds)."""
    seen = set(start)
    frontier = {n for n in start if not (isinstance(n, ox.NamedNode) and n.value in vocabulary)}
    hop = 0
    while frontier and (depth is None or hop < depth):
        hop += 1
        nxt = set()
        for t in union.edges(frontier, out_preds, in_preds):
            for a, b, preds in ((t.subject, t.object, out_preds), (t.object, t.subject, in_preds)):
                if a in frontier and (preds is None or t.predicate.value in preds) \
                        and not isinstance(b, ox.Literal) and b not in seen:
                    seen.add(b)
                    if not (isinstance(b, ox.NamedNode) and b.value in vocabulary):
                        nxt.add(b)
        frontier = nxt
    return seen


def _ontology(store: Store) -> list[ox.Triple]:
    return [q.triple for g in store.named_graphs() if g.startswith(namespaces.ONTOLOGY_GRAPH)
            for q in store.quads(g)]


# -- validation -------------------------------------------------------------------------------

def validate_batch(store: Store, batch: Batch, *, shapes: Shapes | None = None,
                   removed: Iterable[ox.Triple] = (), judgements: Path | None = None,
                   name_index: NameIndex | None = None) -> Report:
    """Check ``batch`` (to add) and ``removed`` (to take away) against ``store``; change nothing.

    ``name_index`` (the store's cached name keys) makes the likely-duplicate check a lookup;
    without it the store is searched.
    """
    shapes = shapes or load_shapes()
    ontology = _ontology(store)
    vocabulary = {t.subject.value for t in ontology if isinstance(t.subject, ox.NamedNode)}
    removed = set(removed)
    union = _Union(store, batch.triples, removed)
    reach = shapes.reach
    fwd = None if reach.any_forward else reach.forward | {RDF_TYPE}
    inv = None if reach.any_inverse else set(reach.inverse)
    changed = batch.triples + list(removed)
    seeds = {t.subject for t in changed} | {t.object for t in changed
                                           if inv is None or t.predicate.value in inv}
    seeds = {n for n in seeds if not isinstance(n, ox.Literal)}
    # Walk back along the steps the shapes take: a forward step is walked back against the
    # direction of its triples, an inverse step along it.
    focus = _walk(union, seeds, reach.depth, inv, fwd, vocabulary)
    focus |= {t.object for t in batch.triples if not isinstance(t.object, ox.Literal)}
    reads = _walk(union, focus, reach.depth, fwd, inv, vocabulary)
    reads = {n for n in reads if not (isinstance(n, ox.NamedNode) and n.value in vocabulary)}
    triples = union.edges(reads, None, inv)

    problems = _unknown_terms(batch, vocabulary | shapes.terms, ontology)
    problems += _uncovered(batch, shapes, ontology, union)
    problems += _duplicates(store, batch, judgements, name_index)
    report_graph = None
    targets = [_rdflib_term(n) for n in focus if not isinstance(n, ox.Literal)]
    if targets:
        mini = _mini_store(ontology + triples)
        select = _selector(mini)
        report_graph = _pyshacl_rest(shapes, lambda: ontology + triples, targets)
        keep = {_skolem(n) for n in focus}
        _run_core(shapes, select, keep, report_graph, batch.triples)
        _run_sparql(shapes, select, keep, report_graph)
        problems += _shacl_problems(report_graph, _label_graph(select, report_graph),
                                    shapes.graph, batch)
    problems = _merge_hints(problems)
    problems.sort(key=lambda p: ({"violation": 0, "warning": 1}.get(p.severity, 2),
                                 p.file or "~", p.line or 0, p.node, p.path or "", p.message))
    return Report(problems, len(targets), len(triples), reach.depth is not None, report_graph)


def validate(kg: Any, paths: Iterable[Path], *, fmt: str | None = None,
             shapes: Path | None = None, progress: bool = True) -> Report:
    """Validate files against the graph ``kg`` opens (the API's and CLI's ``validate``)."""
    from dprk_kg.names import judgements_file
    from dprk_kg.parse import read_files

    batch = read_files(paths, fmt, progress=progress)
    rules = load_shapes(shapes)
    names = None if kg.remote else name_index_for(kg.store_dir, kg.store)
    return validate_batch(kg.store, batch, shapes=rules,
                          judgements=judgements_file(kg.store_dir), name_index=names)


def name_index_for(store_dir: Path, store: Store) -> NameIndex | None:
    """The cached name keys of the embedded store in ``store_dir``, if they are current.

    A stale or missing cache is not rebuilt here: that costs seconds at a million triples
    (every name's key), while the duplicate check answers from the store without it in a
    fraction of that (:func:`named_nodes`). :func:`fill_name_index` builds it.
    """
    stamp = _build_stamp(store_dir)
    return None if stamp is None else NameIndex.current(Path(store_dir), stamp)


def fill_name_index(store_dir: Path, store: Store) -> NameIndex | None:
    """Build the name-key cache of a freshly built store (for the build, or later), so that
    each validation's duplicate check is a lookup."""
    stamp = _build_stamp(store_dir)
    return None if stamp is None else NameIndex.load(Path(store_dir), stamp,
                                                     lambda: named_nodes(store))


def _build_stamp(store_dir: Path) -> str | None:
    from dprk_kg.build import current_index

    index = current_index(Path(store_dir))
    return None if index is None else stamp_of(index.with_name(index.name + ".json"))


def refresh_name_index(store_dir: Path, store: Store, names: NameIndex,
                       subjects: Iterable[ox.NamedNode]) -> None:
    """After an add: the new nodes' names join the cache, stamped with the new manifest."""
    stamp = _build_stamp(store_dir)
    if stamp is None:
        return
    names.stamp = stamp
    names.extend(named_nodes(store, subjects=subjects))


def validate_store(store: Store, *, shapes: Shapes | None = None, reference: bool = False
                   ) -> Report:
    """Full validation of everything in the store, on the store's own engine.

    Each core constraint runs as one SELECT over the store (:mod:`dprk_kg.shacl_sparql`) and
    each sh:sparql constraint once with ``$this`` unbound; only what the compiler leaves to
    pyshacl needs an rdflib copy of the graph. ``reference=True`` leaves everything to
    pyshacl over an rdflib copy (the slow, plain way: the yardstick of the tests).
    """
    shapes = shapes or load_shapes()
    if reference:
        from pyshacl import validate

        data = _to_rdflib(q.triple for q in store.quads())
        _, report_graph, _ = validate(data, shacl_graph=shapes.graph, inference="none",
                                      allow_warnings=True, advanced=True)
        problems = _shacl_problems(report_graph, data, shapes.graph, Batch())
        return Report(problems, -1, len(data), False, report_graph)
    report_graph = _pyshacl_rest(shapes, lambda: [q.triple for q in store.quads()], None)
    store = _in_memory(store)
    select = _selector(store)
    _run_core(shapes, select, None, report_graph, [])
    _run_sparql(shapes, select, None, report_graph)
    problems = _shacl_problems(report_graph, _label_graph(select, report_graph, store),
                               shapes.graph, Batch())
    return Report(problems, -1, -1, False, report_graph)


def _in_memory(store: Store) -> Store:
    """An in-memory copy of an on-disk store (a remote one is queried where it is).

    Why: the checks join every focus node with its values, and RocksDB's lookups make those
    joins about 15 times slower on disk than in memory (FactSourced at 100k triples: 10.5 s
    against 0.7 s). A built store's files are loaded again (1M triples: about 5 s); any
    other on-disk store is scanned (about 20 µs a quad).
    """
    native, path = getattr(store, "native", None), getattr(store, "path", None)
    if native is None or path is None:
        return store
    from dprk_kg.build import current_index, memory_copy

    store_dir = Path(path).parent
    if current_index(store_dir) == Path(path):
        loaded = memory_copy(store_dir)
        if loaded is not None:
            return loaded
    copy = Store.memory()
    copy.native.bulk_extend(native.quads_for_pattern(None, None, None))
    return copy


def _skolem(term: Any) -> Any:
    return ox.NamedNode(SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term


def _pyshacl_rest(shapes: Shapes, data: Any, focus: list | None) -> Any:
    """The report of what the compiler left to pyshacl (an empty report when nothing is).

    ``data()`` gives the triples pyshacl needs (only asked for when it runs).
    """
    import rdflib

    if shapes.compiled.rest is None:
        report = rdflib.Graph()
        summary = rdflib.BNode()
        report.add((summary, rdflib.RDF.type, rdflib.URIRef(SH + "ValidationReport")))
        report.add((summary, rdflib.URIRef(SH + "conforms"), rdflib.Literal(True)))
        return report
    from pyshacl import validate

    _, report, _ = validate(_to_rdflib(data()), shacl_graph=shapes.compiled.rest,
                            inference="none", focus_nodes=focus, allow_warnings=True,
                            advanced=True)
    return report


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
        if severity == sh.Violation:
            report.set((self.summary, sh.conforms, rdflib.Literal(False)))
        report.add((result, rdflib.RDF.type, sh.ValidationResult))
        report.add((result, sh.focusNode, _rdflib_term(focus)))
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
            report.add((result, sh.value, _rdflib_term(value)))
        for m in messages:
            report.add((result, sh.resultMessage, m))


def _run_core(shapes: Shapes, select: Any, keep: set | None, report: Any,
              batch: list[ox.Triple]) -> None:
    """Run each compiled core check once, adding the results for the focus nodes in ``keep``
    (all when None). ``batch``: triples whose literals are known as written (see
    :attr:`dprk_kg.shacl_sparql.CoreCheck.exact`)."""
    import rdflib

    writer = _ResultWriter(shapes, report)
    g = shapes.graph
    for check in shapes.compiled.checks:
        messages = list(g.objects(check.shape, writer.sh.message)) or [rdflib.Literal(_plain_words(
            g, check.shape, writer.sh[check.component], check.path, check.component))]
        rows = [r for r in select(check.query, None) if keep is None or r["this"] in keep]
        if check.exact is not None:
            rows += _bare_integers(check, select, keep, batch)
        for row in rows:
            writer.add(row["this"], check.shape, check.component, check.severity, check.path,
                       row.get("value"), messages)


def _bare_integers(check: Any, select: Any, keep: set | None, batch: list[ox.Triple]
                   ) -> list[dict]:
    """Batch literals of another integer type where an integer subtype is required: the store
    folds them all into xsd:integer, so only the batch as written shows them."""
    predicate, datatype = check.exact
    found = [t for t in batch if t.predicate.value == predicate and isinstance(t.object, ox.Literal)
             and t.object.datatype.value in INTEGERS and t.object.datatype.value != datatype]
    if not found:
        return []
    low, high = INTEGERS[datatype]
    targets = {r["this"] for r in
               select(f"SELECT DISTINCT ?this WHERE {{ {check.targets} }}", None)}
    rows = []
    for t in found:
        this = _skolem(t.subject)
        try:
            number = int(t.object.value)
        except ValueError:
            continue  # ill-typed: the SELECT reports it
        in_range = (low is None or number >= low) and (high is None or number <= high)
        if in_range and this in targets and (keep is None or this in keep):
            rows.append({"this": this, "value": t.object})
    return rows


def _run_sparql(shapes: Shapes, select: Any, keep: set | None, report: Any) -> None:
    """Run each sh:sparql check once with ``$this`` unbound (the shapes' SELECTs are written to
    allow it), adding the results for its targets in ``keep`` (all when None) to ``report``.

    ``select(query, this)`` answers a SELECT as rows of {variable: term}. On a batch's
    neighbourhood the rows of nodes outside ``keep`` are dropped: their neighbourhood is
    not all there.
    """
    import rdflib

    writer = _ResultWriter(shapes, report)
    sh, g = writer.sh, shapes.graph
    for check in shapes.sparql:
        targets = {r["this"] for r in select(
            f"SELECT DISTINCT ?this WHERE {{ {check.targets} }}", None)}
        if keep is not None:
            targets &= keep
        path = g.value(check.shape, sh.path)
        severity = g.value(check.shape, sh.severity) or sh.Violation
        messages = list(g.objects(check.constraint, sh.message)) or \
            list(g.objects(check.shape, sh.message))
        seen = set()
        for bound in select(check.query, None):
            bound = dict(bound)
            if "failure" in bound:
                raise UserError("a sh:sparql constraint of the shapes failed (?failure)")
            t, p, v = bound.pop("this", None), bound.pop("path", None), bound.pop("value", None)
            if t not in targets:
                continue
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
                        text = re.sub(f"{{[?$]{var}}}", str(_rdflib_term(val)), text)
                texts.append(rdflib.Literal(text, lang=m.language))
            writer.add(t, check.shape, "SPARQLConstraintComponent", severity,
                       _rdflib_term(p) if p is not None else path, value, texts,
                       constraint=check.constraint)


def _mini_store(triples: list[ox.Triple]) -> ox.Store:
    """``triples`` alone in a pyoxigraph store in memory, blank nodes skolemized."""
    mini = ox.Store()
    mini.extend(ox.Quad(_skolem(t.subject), t.predicate, _skolem(t.object)) for t in triples)
    return mini


def _selector(store: Store | ox.Store) -> Any:
    """A select function (query, $this or None) -> rows of {variable: term} over ``store``,
    for one validation run: class closures (:func:`dprk_kg.shacl_sparql.resolve`) are asked
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
        names = [v.value for v in rows.variables]
        return [{n: r[n] for n in names if r[n] is not None} for r in rows]

    return lambda query, this: raw(resolve(query, raw, closures), this)


def _label_graph(select: Any, report: Any, store: Store | None = None) -> Any:
    """The labels of the report's nodes, and the holders of its blank nodes (with theirs):
    all :func:`_describe` reads, as a small rdflib graph.

    Blank nodes of the store (not skolemized) are looked up through its pyoxigraph store.
    """
    import rdflib

    sh = rdflib.Namespace(SH)
    out = rdflib.Graph()
    todo = {n for p in (sh.focusNode, sh.value) for n in report.objects(None, p)
            if not isinstance(n, rdflib.Literal)}
    seen: set = set()
    while todo:
        nodes = todo - seen
        seen |= nodes
        todo = set()
        found: list[ox.Triple] = []
        native = getattr(store, "native", None)
        blanks = [_ox_node(n) for n in nodes if str(n).startswith(SKOLEM)]
        if native is not None and blanks:
            for b in blanks:
                found += [q.triple for q in native.quads_for_pattern(b, ox.NamedNode(RDFS_LABEL))]
                found += [q.triple for q in native.quads_for_pattern(None, None, b)]
        iris = [ox.NamedNode(str(n)) for n in nodes if native is None or
                not str(n).startswith(SKOLEM)]
        for i in range(0, len(iris), 500):
            chunk = _values(iris[i:i + 500])
            found += [ox.Triple(r["n"], ox.NamedNode(RDFS_LABEL), r["l"]) for r in select(
                f"SELECT ?n ?l WHERE {{ VALUES ?n {{ {chunk} }} ?n <{RDFS_LABEL}> ?l }}", None)]
            found += [ox.Triple(r["h"], r["p"], r["n"]) for r in select(
                f"SELECT ?h ?p ?n WHERE {{ VALUES ?n {{ {chunk} }} ?h ?p ?n "
                f'FILTER (STRSTARTS(STR(?n), "{SKOLEM}")) }}', None)]
        for t in found:
            out.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
            if t.predicate.value != RDFS_LABEL:
                todo.add(_rdflib_term(t.subject))
    return out


def _rdflib_term(term: Any) -> Any:
    """A pyoxigraph term as rdflib parses it from Turtle (blank nodes skolemized to IRIs).

    Skolem IRIs let pyshacl take a blank node as a focus node (it only takes IRIs).
    """
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.URIRef(SKOLEM + term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == namespaces.PREFIXES["xsd"] + "string":
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _to_rdflib(triples: Iterable[ox.Triple]) -> Any:
    import rdflib

    graph = rdflib.Graph()
    for t in triples:
        graph.add((_rdflib_term(t.subject), _rdflib_term(t.predicate), _rdflib_term(t.object)))
    return graph


def curie(iri: str) -> str:
    """``dprk:startDate`` for the IRI, or ``<iri>`` when no project prefix fits."""
    from dprk_kg.results import curie as prefixed

    return prefixed(iri, bracket=True)


def _node_label(graph: Any, node: Any) -> str | None:
    """The node's display label, by the rule every command shows labels by (whichever graph,
    the batch's neighbourhood or the whole store, the report was drawn from)."""
    import rdflib

    from dprk_kg.resolve import display_label

    return display_label(graph.objects(node, rdflib.RDFS.label))


def _shacl_problems(report: Any, data: Any, shapes: Any, batch: Batch) -> list[Problem]:
    import rdflib

    sh = rdflib.Namespace(SH)
    out = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        if (result, sh.detail, None) in report:
            continue  # an sh:node failure: its details say what is wrong, in the shape's words
        focus = report.value(result, sh.focusNode)
        path = report.value(result, sh.resultPath)
        value = report.value(result, sh.value)
        severity = str(report.value(result, sh.resultSeverity)).rsplit("#", 1)[-1].lower()
        component = report.value(result, sh.sourceConstraintComponent)
        shape = report.value(result, sh.sourceShape)
        node, label = _describe(data, focus)
        message = str(shapes.value(shape, sh.message) or "") or _plain_words(
            shapes, shape, component, path, report.value(result, sh.resultMessage))
        place = batch.where(_ox_node(focus))
        out.append(Problem(
            severity=severity, node=node, label=label, message=message,
            path=curie(str(path)) if isinstance(path, rdflib.URIRef) else None,
            value=_show(data, value) if value is not None else None,
            rule=curie(str(shape)) if isinstance(shape, rdflib.URIRef) else
            curie(str(component)) if component is not None else None,
            file=place[0] if place else None, line=place[1] if place else None))
    return out


def _ox_node(term: Any) -> Any:
    text = str(term)
    if text.startswith(SKOLEM):
        return ox.BlankNode(text[len(SKOLEM):])
    return ox.NamedNode(text) if text else None


def _describe(data: Any, node: Any) -> tuple[str, str | None]:
    """How to name a node to a person: its label; a blank node through the node holding it."""
    import rdflib

    label = _node_label(data, node)
    if str(node).startswith(SKOLEM):
        holder = next(iter(data.subjects(None, node)), None)
        if holder is not None:
            name, holder_label = _describe(data, holder)
            return f"a node inside {holder_label or name}", label
        return "a blank node", label
    return curie(str(node)) if isinstance(node, rdflib.URIRef) else str(node), label


def _show(data: Any, value: Any) -> str:
    import rdflib

    if isinstance(value, rdflib.Literal):
        return value.n3()
    node, label = _describe(data, value)
    return f"{label} ({node})" if label else node


_COMPONENT_WORDS = {
    "MinCountConstraintComponent": "needs at least {minCount} value(s) for {path}",
    "MaxCountConstraintComponent": "may have at most {maxCount} value(s) for {path}",
    "DatatypeConstraintComponent": "{path} must be a literal of type {datatype}",
    "ClassConstraintComponent": "{path} must point to a {class}",
    "NodeKindConstraintComponent": "{path} must be a {nodeKind}",
    "InConstraintComponent": "{path} must be one of the allowed values",
    "PatternConstraintComponent": "{path} must match the pattern {pattern}",
    "LanguageInConstraintComponent": "{path} must be tagged with one of the allowed languages",
    "UniqueLangConstraintComponent": "{path} may have only one value per language",
    "HasValueConstraintComponent": "{path} must include {hasValue}",
    "MinInclusiveConstraintComponent": "{path} must be at least {minInclusive}",
    "MaxInclusiveConstraintComponent": "{path} must be at most {maxInclusive}",
    "LessThanConstraintComponent": "{path} must be earlier than {lessThan}",
    "LessThanOrEqualsConstraintComponent": "{path} must not be later than {lessThanOrEquals}",
    "ClosedConstraintComponent": "{path} is not allowed on this kind of node",
    "OrConstraintComponent": "meets none of the alternatives its rule allows",
    "QualifiedMinCountConstraintComponent":
        "needs at least {qualifiedMinCount} value(s) of the required kind for {path}",
    "QualifiedMaxCountConstraintComponent":
        "may have at most {qualifiedMaxCount} value(s) of the given kind for {path}",
}


def _plain_words(shapes: Any, shape: Any, component: Any, path: Any, fallback: Any) -> str:
    """The rule in plain words, from the constraint's own parameters."""
    import rdflib

    name = str(component).rsplit("#", 1)[-1]
    template = _COMPONENT_WORDS.get(name)
    if template is None:
        return str(fallback or name)
    params = {"path": curie(str(path)) if isinstance(path, rdflib.URIRef) else "the value"}
    for p, o in shapes.predicate_objects(shape):
        if str(p).startswith(SH):
            params[str(p)[len(SH):]] = curie(str(o)) if isinstance(o, rdflib.URIRef) else str(o)
    try:
        return template.format(**params)
    except KeyError:
        return str(fallback or name)


# -- checks beyond SHACL ----------------------------------------------------------------------

#: Common terms of the reused vocabularies, for "did you mean" hints even where the ontology
#: does not mention them (org:heldBy is the classic near-miss for dprk:post / org:member).
STANDARD_TERMS = {namespaces.PREFIXES[p] + local for p, locals_ in {
    "org": "heldBy holds postIn hasPost member memberOf hasMember organization role "
           "memberDuring subOrganizationOf hasSubOrganization unitOf hasUnit changedBy "
           "resultedFrom originalOrganization resultingOrganization headOf linkedTo",
    "foaf": "name givenName familyName nick homepage",
    "skos": "prefLabel altLabel hiddenLabel definition note notation inScheme broader narrower",
    "dcterms": "title date source publisher identifier description created creator "
               "isPartOf hasPart subject license modified",
    "prov": "wasDerivedFrom wasAttributedTo wasGeneratedBy generatedAtTime startedAtTime "
            "endedAtTime wasInformedBy used",
    "schema": "url name",
    "rdfs": "label comment seeAlso subClassOf",
    "owl": "sameAs differentFrom",
}.items() for local in locals_.split()}


def did_you_mean(term: str, candidates: list[str]) -> str | None:
    """The known term closest to a misspelt one: same local name in any case, else difflib.

    >>> did_you_mean("dprk:heldby", ["dprk:heldOffice", "org:heldBy", "org:holds"])
    'org:heldBy'
    >>> did_you_mean("dprk:startdate", ["dprk:startDate", "dprk:endDate"])
    'dprk:startDate'
    """
    local = term.split(":", 1)[-1].lower()
    same = [c for c in candidates if c.split(":", 1)[-1].lower() == local]
    if same:
        return min(same, key=lambda c: (c.split(":")[0] != term.split(":")[0], c))
    locals_ = {c.split(":", 1)[-1].lower(): c for c in candidates}
    close = difflib.get_close_matches(local, list(locals_), n=1, cutoff=0.75)
    if close:
        return locals_[close[0]]
    close = difflib.get_close_matches(term, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def _unknown_terms(batch: Batch, known: set[str], ontology: list[ox.Triple]) -> list[Problem]:
    """dprk: terms the ontology does not define (violations); odd standard terms (warnings)."""
    mentioned = known | {t.object.value for t in ontology if isinstance(t.object, ox.NamedNode)}
    defined_here = {t.subject.value for t in batch.triples}
    candidates = sorted({curie(i) for i in mentioned | STANDARD_TERMS
                         if i.startswith((namespaces.DPRK, *STANDARD))})
    out: list[Problem] = []
    seen: set[str] = set()
    for t in batch.triples:
        terms = [t.predicate] + ([t.object] if t.predicate.value == RDF_TYPE else [])
        for term in terms:
            iri = term.value
            if iri in seen or iri in mentioned or iri in defined_here:
                continue
            seen.add(iri)
            ours = iri.startswith(namespaces.DPRK)
            if not ours and not iri.startswith(STANDARD):
                continue
            match = did_you_mean(curie(iri), candidates)
            hint = f"unknown term {curie(iri)}: did you mean {match}?" if match else None
            place = batch.where(t.subject)
            out.append(Problem(
                "violation" if ours else "warning", curie(t.subject.value)
                if isinstance(t.subject, ox.NamedNode) else "a blank node", None,
                f"unknown term {curie(iri)}: " + ("the ontology does not define it" if ours
                                                  else "not a term the project uses"),
                hint=hint, rule="unknown-term", term=curie(iri),
                file=place[0] if place else None, line=place[1] if place else None))
    return out


def _merge_hints(problems: list[Problem]) -> list[Problem]:
    """One report per unknown term: where a shape caught it too, its hint joins that report."""
    unknown = {(p.node, p.term): p for p in problems if p.rule == "unknown-term"}
    merged = set()
    for p in problems:
        u = unknown.get((p.node, p.value))
        if u is not None and p.rule != "unknown-term":
            p.hint = p.hint or u.hint
            merged.add((u.node, u.term))
    return [p for p in problems if p.rule != "unknown-term" or (p.node, p.term) not in merged]


def _uncovered(batch: Batch, shapes: Shapes, ontology: list[ox.Triple], union: _Union
               ) -> list[Problem]:
    """No shape applies to any node of the batch: an error. To some nodes: a warning each.

    A node's types and properties in the graph count too: a batch adding a label to an
    existing person is checked by the person's shape.
    """
    parents: dict[str, set[str]] = {}
    for t in ontology:
        if t.predicate.value == SUBCLASS and isinstance(t.object, ox.NamedNode):
            parents.setdefault(t.subject.value, set()).add(t.object.value)

    def classes(c: str) -> set[str]:
        out, todo = set(), [c]
        while todo:
            x = todo.pop()
            if x not in out:
                out.add(x)
                todo.extend(parents.get(x, ()))
        return out

    covered: set = set()
    subjects = {t.subject for t in batch.triples}
    for t in union.edges(subjects, None, shapes.target_objects_of):
        p = t.predicate.value
        if p == RDF_TYPE and isinstance(t.object, ox.NamedNode) and \
                classes(t.object.value) & shapes.target_classes:
            covered.add(t.subject)
        if p in shapes.target_subjects_of:
            covered.add(t.subject)
        if p in shapes.target_objects_of:
            covered.add(t.object)
        if isinstance(t.subject, ox.NamedNode) and t.subject.value in shapes.target_nodes:
            covered.add(t.subject)
    if subjects and not covered & subjects:
        raise UserError("no SHACL shape applies to any node of the batch, so nothing could be "
                        "checked: give each node its rdf:type from the ontology",
                        file=batch.files[0] if batch.files else None)
    out = []
    for node in sorted(subjects - covered, key=str):
        place = batch.where(node)
        out.append(Problem("warning", curie(node.value) if isinstance(node, ox.NamedNode)
                           else "a blank node", None,
                           "no shape checks this node (does it lack an rdf:type?)",
                           rule="unchecked-node", file=place[0] if place else None,
                           line=place[1] if place else None))
    return out


def named_nodes(store: Store, names: Iterable[str] | None = None,
                subjects: Iterable[ox.NamedNode] | None = None) -> list[tuple[str, str]]:
    """(IRI, name) of the named nodes of ``store``: all, ``subjects``, or those whose names
    could match ``names`` (a regular expression per name key, or the same text).

    The names are read straight from the store's index where it is embedded (a scan of the
    name predicates, where a SPARQL join takes several times as long).
    """
    if subjects is not None:
        return list(dict.fromkeys(_names(store, [s for s in subjects
                                                 if isinstance(s, ox.NamedNode)])))
    if names is None:
        return list(dict.fromkeys(_names(store, None)))
    # A regular expression per key picks the candidates cheaply; keys are compared later.
    names = set(names)
    keys = {k for k in map(name_key, names) if k}
    pattern = re.compile("|".join(sorted(map(name_pattern, keys))) or "^$")
    return list(dict.fromkeys((s, n) for s, n in _names(store, None)
                              if n in names or pattern.match(bare(n))))


def _of_types(store: Store, iris: set[str], types: set[str]) -> set[str]:
    """Those of ``iris`` that are of one of ``types`` (as stated, not inferred)."""
    found: set[str] = set()
    nodes = sorted(iris)
    wanted = _values(ox.NamedNode(t) for t in sorted(types))
    for i in range(0, len(nodes), 500):
        chunk = _values(ox.NamedNode(n) for n in nodes[i:i + 500])
        found |= {r["s"].value for r in store.select(
            f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {chunk} }} VALUES ?type {{ {wanted} }} "
            f"?s a ?type }}").rows}
    return found


def _names(store: Store, subjects: list[ox.NamedNode] | None) -> list[tuple[str, str]]:
    """(IRI, name) of every named IRI in ``store``, or of ``subjects``."""
    native = getattr(store, "native", None)
    if subjects is not None or native is None:
        if subjects == []:
            return []
        preds = " ".join(f"<{p}>" for p in NAME_PREDICATES)
        where = "" if subjects is None else f"VALUES ?s {{ {_values(subjects)} }} "
        return [(r["s"].value, r["name"].value) for r in store.select(
            f"SELECT DISTINCT ?s ?name WHERE {{ {where}VALUES ?p {{ {preds} }} ?s ?p ?name "
            f"FILTER(isIRI(?s)) }}").rows]
    return [(q.subject.value, q.object.value) for p in NAME_PREDICATES
            for q in native.quads_for_pattern(None, ox.NamedNode(p), None)
            if isinstance(q.subject, ox.NamedNode) and q.graph_name != ox.DefaultGraph()]


def _duplicates(store: Store, batch: Batch, judgements: Path | None,
                name_index: NameIndex | None) -> list[Problem]:
    """New entities whose names match existing ones under romanization variants (warnings)."""
    names_new: dict[str, set[str]] = {}
    types: set[str] = set()
    for t in batch.triples:
        if t.predicate.value in NAME_PREDICATES and isinstance(t.object, ox.Literal) \
                and isinstance(t.subject, ox.NamedNode):
            names_new.setdefault(t.subject.value, set()).add(t.object.value)
    if not names_new:
        return []
    subjects = [ox.NamedNode(s) for s in names_new]
    existing = {r["s"].value for r in store.select(
        f"SELECT DISTINCT ?s WHERE {{ VALUES ?s {{ {_values(subjects)} }} ?s ?p ?o }}").rows}
    names_new = {s: n for s, n in names_new.items() if s not in existing}
    for t in batch.triples:
        if t.predicate.value == RDF_TYPE and t.subject.value in names_new:
            types.add(t.object.value)
    if not names_new or not types:
        return []
    if name_index is not None:
        entries = name_index.lookup(name_key(n) for ns in names_new.values() for n in ns)
    else:
        entries = named_nodes(store, (n for ns in names_new.values() for n in ns))
    typed = _of_types(store, {iri for iri, _ in entries}, types)
    names_existing: dict[str, set[str]] = {}
    for iri, name in entries:
        if iri in typed:
            names_existing.setdefault(iri, set()).add(name)
    judged = read_judgements(judgements, batch.triples)
    out = []
    for d in likely_duplicates(names_new, names_existing, judged):
        place = batch.where(ox.NamedNode(d.new))
        out.append(Problem(
            "warning", curie(d.new), d.new_name,
            f"looks like the existing {curie(d.existing)} ({d.existing_name})",
            hint=f"{d.new_name} looks like the existing {d.existing_name} (<{d.existing}>): use "
                 f"that IRI, or mark them as different (owl:differentFrom in the judgements file)",
            rule="likely-duplicate", file=place[0] if place else None,
            line=place[1] if place else None))
    return out
