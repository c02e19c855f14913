"""The walk: which nodes a change can affect, and the triples they read, from store and batch.

A focus node's verdict can change only if it reads a changed triple: it reaches the triple's
subject (or, through an inverse step, its object) within the shapes' depth. Walking those
steps backwards from the batch gives the focus nodes to check; everything they read lies
within that depth forward of them. Vocabulary nodes (classes, concepts: everything the
ontology defines) are never walked through, so a hub such as ``dprk:Current`` does not drag
in every tenure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.errors import UserError
from dprk_kg.store import Store, row_triple
from dprk_kg.validation.terms import values

SUBCLASS = namespaces.PREFIXES["rdfs"] + "subClassOf"


# -- the store side ---------------------------------------------------------------------------
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
        query = (f"SELECT ?s ?p ?o WHERE {{ VALUES ?n {{ {values(chunk)} }} "
                 f"{' UNION '.join(parts)} }}")
        found += [row_triple(row["s"], row["p"], row["o"]) for row in store.select(query).rows]
    return found


@dataclass
class Overlay:
    """The store with the batch added and/or a batch taken away, as seen by the walks."""

    store: Store
    added: list[ox.Triple]
    removed: set[ox.Triple]
    #: Whether a node is in the store at all, once asked: a batch of 60,000 new entities
    #: would otherwise be looked up by every walk (on disk, tens of µs a lookup).
    present: dict = field(default_factory=dict)
    #: The added triples by subject, as (predicate IRI, object or None for a literal,
    #: triple), and by object (not a literal: a walk never steps onto one), as (predicate
    #: IRI, subject, triple). Why: each walk's step reads the triples of its frontier instead
    #: of scanning the whole batch (588,014 triples for a local election's deputies) once
    #: per step, and reads their terms from these tuples instead of asking each triple for
    #: them again. Each node and predicate IRI is held once (a triple gives a new copy of
    #: its terms each time it is asked: 180 MB more for that batch).
    _from: dict = field(default_factory=dict, init=False, repr=False)
    _into: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        nodes: dict = {}
        predicates: dict[str, str] = {}
        for t in self.added:
            s, p, o = t
            s = nodes.setdefault(s, s)
            iri = p.value
            iri = predicates.setdefault(iri, iri)
            if isinstance(o, ox.Literal):
                self._from.setdefault(s, []).append((iri, None, t))
            else:
                o = nodes.setdefault(o, o)
                self._from.setdefault(s, []).append((iri, o, t))
                self._into.setdefault(o, []).append((iri, s, t))

    def absent(self) -> set[str]:
        """IRIs the walks found in no triple of the store: nothing needs to look them up again."""
        return {n.value for n, there in self.present.items() if not there}

    def edges(self, nodes: set, out_preds: set[str] | None, in_preds: set[str] | None
              ) -> list[ox.Triple]:
        """The triples leaving ``nodes`` by ``out_preds`` and entering them by ``in_preds``
        (None: any), in the store (less what is removed) and in the batch."""
        found = self._stored_edges(nodes, out_preds, in_preds)
        for n in nodes:
            found += [t for p, _, t in self._from.get(n, ())
                      if out_preds is None or p in out_preds]
            found += [t for p, _, t in self._into.get(n, ())
                      if in_preds is None or p in in_preds]
        return found

    def neighbours(self, nodes: set, out_preds: set[str] | None, in_preds: set[str] | None
                   ) -> set:
        """The nodes one step from ``nodes``: objects (not literals) along ``out_preds``,
        subjects against ``in_preds`` (None: any). What :meth:`edges` gives, as a walk's step
        reads it, without making the batch's triples into a list first."""
        found = set()
        for t in self._stored_edges(nodes, out_preds, in_preds):
            s, p, o = t
            if s in nodes and (out_preds is None or p.value in out_preds) \
                    and not isinstance(o, ox.Literal):
                found.add(o)
            if o in nodes and (in_preds is None or p.value in in_preds):
                found.add(s)
        for n in nodes:
            found.update(o for p, o, _ in self._from.get(n, ())
                         if o is not None and (out_preds is None or p in out_preds))
            found.update(s for p, s, _ in self._into.get(n, ())
                         if in_preds is None or p in in_preds)
        return found

    def _stored_edges(self, nodes: set, out_preds: set[str] | None, in_preds: set[str] | None
                      ) -> list[ox.Triple]:
        """:meth:`edges` in the store alone, less the removed triples."""
        iris = [n for n in nodes if isinstance(n, ox.NamedNode)]
        self._ask([n for n in iris if n not in self.present])
        iris = [n for n in iris if self.present[n]]
        stored = _edges(self.store, iris, out_preds, in_preds)
        stored += _blank_edges(self.store, [n for n in nodes if isinstance(n, ox.BlankNode)],
                               out_preds, in_preds)
        return [t for t in stored if t not in self.removed]

    def _ask(self, nodes: list[ox.NamedNode]) -> None:
        """Record in :attr:`present` which of ``nodes`` the store has in any triple.

        The embedded store is asked by index lookups (about a quarter faster than the same
        lookups through SPARQL, at 112,000 new nodes 2 to 3 s less), on one thread: pyoxigraph
        holds the GIL while it iterates over quads (two threads took as long as one); a
        server in slices of 500.
        """
        native = getattr(self.store, "native", None)
        if native is not None:
            self.present.update((n, next(native.quads_for_pattern(n, None, None), None) is not None
                                 or next(native.quads_for_pattern(None, None, n), None) is not None)
                                for n in nodes)
            return
        for i in range(0, len(nodes), 500):
            chunk = nodes[i:i + 500]
            found = {r["n"] for r in self.store.select(
                f"SELECT ?n WHERE {{ VALUES ?n {{ {values(chunk)} }} "
                f"FILTER (EXISTS {{ ?n ?p ?o }} || EXISTS {{ ?s ?p ?n }}) }}").rows}
            self.present.update((n, n in found) for n in chunk)

    def hierarchy(self) -> list[ox.Triple]:
        """Every rdfs:subClassOf triple of the store and the batch: class targets and
        ``sh:class`` read the hierarchy, however far from the focus node it is stated."""
        found = [row_triple(r["s"], ox.NamedNode(SUBCLASS), r["o"]) for r in self.store.select(
            f"SELECT DISTINCT ?s ?o WHERE {{ ?s <{SUBCLASS}> ?o }}").rows]
        return [t for t in found if t not in self.removed] + \
            [t for t in self.added if t.predicate.value == SUBCLASS]


def _blank_edges(store: Store, nodes: list[ox.BlankNode], out_preds: set[str] | None,
                 in_preds: set[str] | None) -> list[ox.Triple]:
    """The edges of the store's blank nodes (SPARQL cannot name a blank node: they are read
    from the embedded store's index). A server's blank nodes cannot be followed: an error,
    so that nothing they hold goes unchecked."""
    if not nodes:
        return []
    native = getattr(store, "native", None)
    if native is None:
        raise UserError("this batch reaches blank nodes stored on the SPARQL server, which "
                        "cannot be looked up one by one: validate against the embedded store")
    found = []
    for node in nodes:
        found += [q.triple for q in native.quads_for_pattern(node, None, None)
                  if out_preds is None or q.predicate.value in out_preds]
        found += [q.triple for q in native.quads_for_pattern(None, None, node)
                  if in_preds is None or q.predicate.value in in_preds]
    return list(dict.fromkeys(found))


def walk(union: Overlay, start: set, depth: int | None, out_preds: set[str] | None,
         in_preds: set[str] | None, vocabulary: set[str]) -> set:
    """Nodes reachable from ``start`` within ``depth`` steps (out along out_preds, in along in_preds)."""
    seen = set(start)
    frontier = {n for n in start if not (isinstance(n, ox.NamedNode) and n.value in vocabulary)}
    hop = 0
    while frontier and (depth is None or hop < depth):
        hop += 1
        reached = union.neighbours(frontier, out_preds, in_preds) - seen
        seen |= reached
        frontier = {b for b in reached if not (isinstance(b, ox.NamedNode) and b.value in vocabulary)}
    return seen


def ontology_triples(store: Store) -> list[ox.Triple]:
    return [q.triple for g in store.named_graphs() if g.startswith(namespaces.ONTOLOGY_GRAPH)
            for q in store.quads(g)]

