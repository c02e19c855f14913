"""RDF → networkx: the views that every export format draws.

The data graphs (``graph/*.ttl`` and added batches) and the ontology are read once into a
:class:`Model`; each view picks the resources it shows and how they connect, and
:func:`describe` turns every resource into one node with *flat* attributes (str, int, float
only: GraphML and GEXF writers and readers break on None, lists and dicts). Literals become
attributes, never nodes; ontology terms (classes, controlled values) become attribute values.

Node ids are the resources' IRIs. Every node has ``label``, ``type`` (the most specific class,
as a prefixed name), ``type_label``, ``kind`` (a coarse category, see :mod:`dprk_kg.palette`);
where known ``label_en``, ``label_ko``, ``alt_labels`` (" | "-joined), ``side`` (state or
party), ``level``, ``start``, ``end``, ``date``, ``status`` and ``sources`` (citations,
" | "-joined). Every edge has ``relation`` (a prefixed property name; ``^p`` reads p backwards),
``label`` and ``kind`` (how it is drawn).

>>> from dprk_kg.store import Store
>>> g = build_view(Store.memory(), "full")
>>> g.number_of_nodes(), g.graph["view"]
(0, 'full')
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import networkx as nx
import pyoxigraph as ox

from dprk_kg import clock, namespaces, palette, standing
from dprk_kg.errors import UserError
from dprk_kg.labels import display_label
from dprk_kg.resolve import resolve
from dprk_kg.results import curie
from dprk_kg.store import Store, Term, lexical

P = namespaces.PREFIXES
DPRK, ORG, RDF, RDFS, SKOS, DCT = P["dprk"], P["org"], P["rdf"], P["rdfs"], P["skos"], P["dcterms"]
TYPE, LABEL, ALT, SUBCLASS, SOURCE = RDF + "type", RDFS + "label", SKOS + "altLabel", RDFS + "subClassOf", DCT + "source"
XSD = P["xsd"]
TYPE_NODE = ox.NamedNode(TYPE)
_INTEGERS = set(namespaces.XSD_INTEGERS)
_REALS = {XSD + t for t in ("decimal", "double", "float")}

#: Literal and term-valued properties whose attribute has a fixed, short name.
ATTRIBUTE_NAMES = {
    DPRK + "startDate": "start", DPRK + "endDate": "end", DPRK + "date": "date", DCT + "date": "date",
    DPRK + "lastAttested": "last_attested", DPRK + "tenureStatus": "status", DPRK + "divisionLevel": "level",
    DPRK + "startPrecision": "start_precision", DPRK + "endPrecision": "end_precision",
    DPRK + "endQualifier": "end_qualifier",
    DPRK + "datePrecision": "date_precision", DCT + "title": "title", P["schema"] + "url": "url",
}
#: Properties a fact node (a holding, a candidacy, a result) without a label is named after.
NAMING_PROPERTIES = [DPRK + "candidate", DPRK + "post", ORG + "organization", DPRK + "nominated",
                     DPRK + "inElection", DPRK + "about", DPRK + "nameOf", DPRK + "statusOf",
                     ORG + "resultingOrganization", ORG + "originalOrganization"]
#: How a property's edges are drawn (others: "structure" for organs, "relation" otherwise).
EDGE_KIND_OF = {SOURCE: "source", DPRK + "electedBy": "de jure", DPRK + "guides": "guides",
                ORG + "member": "holder", DPRK + "post": "holder"}


def today() -> str:
    """The default "as of" date: holders and organs are shown as they stand today."""
    return clock.today().isoformat()


# ---------------------------------------------------------------------------------------
# The model: data and vocabulary, indexed once per export
# ---------------------------------------------------------------------------------------

class Model:
    """The data graphs and the ontology as the views read them: subject → property → values.

    The ontology (small) is read whole. The data is read whole for the full view, and from a
    remote server (one request beats thousands). On the embedded store the other views read
    only the resources they touch, each by one pattern lookup, kept once read: drawing every
    unit's chains then costs a few thousand lookups, whatever the size of the graph (a
    whole read of 3M triples took minutes).
    """

    def __init__(self, native: ox.Store | None = None) -> None:
        #: Where to look up what is not read yet; None when the data was read whole.
        self._native = native
        self.terms: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self._out: dict[str, dict[str, list[Term]]] = {}
        self._in: dict[tuple[str, str], list[str]] = {}  # (object, property) → subjects
        self._term_subclasses: dict[str, list[str]] = defaultdict(list)
        self._supers: dict[str, set[str]] = {}
        self._classes: dict[str, set[str]] = {}
        #: The publishers of the sources cited so far (a picture's footer names them).
        self.cited_publishers: set[str] = set()

    @classmethod
    def load(cls, store: Store, *, whole: bool = False) -> Model:
        """Read the ontology graphs as vocabulary; the data graphs ``whole`` or as needed.

        The batches' bookkeeping graph (who added what, when) is the tool's, not the user's
        data, and stays out.
        """
        native = None if whole else getattr(store, "native", None)
        model = cls(native)
        if native is None:
            quads: Iterable[ox.Quad] = store.quads()
        else:
            quads = (q for g in store.named_graphs() if g.startswith(namespaces.ONTOLOGY_GRAPH)
                     for q in store.quads(g))
        for q in quads:
            if isinstance(q.subject, ox.NamedNode) and model._is_data(q.graph_name):
                model._add_data(q.subject.value, q.predicate.value, q.object)
            elif isinstance(q.subject, ox.NamedNode) and isinstance(q.graph_name, ox.NamedNode) \
                    and q.graph_name.value.startswith(namespaces.ONTOLOGY_GRAPH):
                model.terms[q.subject.value][q.predicate.value].append(q.object)
                if q.predicate.value == SUBCLASS and isinstance(q.object, ox.NamedNode):
                    model._term_subclasses[q.object.value].append(q.subject.value)
        return model

    @staticmethod
    def _is_data(graph: ox.NamedNode | ox.BlankNode | ox.DefaultGraph) -> bool:
        return isinstance(graph, ox.NamedNode) and graph.value != namespaces.BATCHES_META_GRAPH \
            and not graph.value.startswith(namespaces.ONTOLOGY_GRAPH)

    def _add_data(self, s: str, p: str, o: Term) -> None:
        self._out.setdefault(s, defaultdict(list))[p].append(o)
        if isinstance(o, ox.NamedNode):
            self._in.setdefault((o.value, p), []).append(s)

    # -- reading -------------------------------------------------------------------------
    def out(self, s: str) -> dict[str, list[Term]]:
        """What the data graphs say about ``s``: property → values."""
        found = self._out.get(s)
        if found is None:
            found = defaultdict(list)
            if self._native is not None:
                for q in self._native.quads_for_pattern(ox.NamedNode(s), None, None, None):
                    if self._is_data(q.graph_name):
                        found[q.predicate.value].append(q.object)
                self._out[s] = found
        return found

    def values(self, s: str, p: str) -> list[Term]:
        found = self.out(s).get(p) or self.terms.get(s, {}).get(p) or []
        return sorted(set(found), key=str)

    def iris(self, s: str, p: str) -> list[str]:
        return [v.value for v in self.values(s, p) if isinstance(v, ox.NamedNode)]

    def first(self, s: str, p: str) -> str | None:
        found = self.values(s, p)
        return lexical(found[0]) if found else None

    def subjects(self, p: str, o: str) -> list[str]:
        """The resources whose ``p`` is ``o`` in the data graphs."""
        found = self._in.get((o, p))
        if found is None:
            found = []
            if self._native is not None:
                found = [q.subject.value for q in
                         self._native.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(o), None)
                         if isinstance(q.subject, ox.NamedNode) and self._is_data(q.graph_name)]
                self._in[(o, p)] = found
        return sorted(set(found))

    def resources(self) -> set[str]:
        """Every resource of the data graphs, as subject or object (a model read whole)."""
        assert self._native is None, "only a model read whole knows all its resources"
        return set(self._out) | {o for o, _ in self._in}

    def is_term(self, iri: str) -> bool:
        """An ontology term (class, property, controlled value): drawn as a value, not a node."""
        return iri in self.terms or iri.startswith(DPRK)

    # -- classes ---------------------------------------------------------------------------
    def superclasses(self, cls_iri: str) -> set[str]:
        """``cls_iri`` and all its superclasses (rdfs:subClassOf, transitively)."""
        if cls_iri not in self._supers:
            seen, todo = {cls_iri}, [cls_iri]
            while todo:
                for sup in self.iris(todo.pop(), SUBCLASS):
                    if sup not in seen:
                        seen.add(sup)
                        todo.append(sup)
            self._supers[cls_iri] = seen
        return self._supers[cls_iri]

    def classes(self, s: str) -> set[str]:
        """Every class ``s`` is an instance of (asserted types and their superclasses)."""
        if s not in self._classes:
            self._classes[s] = set().union(*(self.superclasses(c) for c in self._types(s)))
        return self._classes[s]

    def _types(self, s: str) -> list[str]:
        """The data's rdf:type of ``s``, looked up alone when nothing else of ``s`` was read:
        a view filters thousands of nodes by class and draws only a few of them."""
        if s in self._out or self._native is None:
            return self.iris(s, TYPE) if self.out(s) else []
        return sorted({q.object.value for q in self._native.quads_for_pattern(ox.NamedNode(s), TYPE_NODE, None, None)
                       if isinstance(q.object, ox.NamedNode) and self._is_data(q.graph_name)})

    def is_a(self, s: str, cls_iri: str) -> bool:
        return cls_iri in self.classes(s)

    def instances(self, cls_iri: str) -> list[str]:
        """The resources typed ``cls_iri`` or any of its subclasses."""
        classes, todo = {cls_iri}, [cls_iri]
        while todo:
            c = todo.pop()
            for sub in self._term_subclasses.get(c, []) + self.subjects(SUBCLASS, c):
                if sub not in classes:
                    classes.add(sub)
                    todo.append(sub)
        return sorted({s for c in classes for s in self.subjects(TYPE, c)})

    def most_specific_type(self, s: str) -> str | None:
        asserted = self.iris(s, TYPE)
        specific = [c for c in asserted if not any(c != o and c in self.superclasses(o) for o in asserted)]
        return min(specific, key=lambda c: (-len(self.superclasses(c)), c), default=None)

    # -- names -----------------------------------------------------------------------------
    def label(self, iri: str, lang: str | None = None) -> str | None:
        """The rdfs:label in ``lang``; without ``lang``: English, untagged, Korean, any."""
        labels = [v for v in self.values(iri, LABEL) if isinstance(v, ox.Literal)]
        if lang is not None:
            return next((v.value for v in labels if (v.language or "") == lang), None)
        return display_label(labels)

    def name(self, iri: str) -> str:
        """What to call ``iri`` in a picture: its label, a title, or its prefixed name."""
        return self.label(iri) or self.first(iri, DCT + "title") or curie(iri)

    def level(self, iri: str, depth: int = 0) -> str | None:
        """The division level of a unit, of an organ's jurisdiction, of a post's organ."""
        own = self.first(iri, DPRK + "divisionLevel")
        if own or depth > 3:
            return own
        for p in (DPRK + "jurisdiction", ORG + "postIn", DPRK + "post"):
            for up in self.iris(iri, p):
                found = self.level(up, depth + 1)
                if found:
                    return found
        return None

    def citation(self, source: str) -> str:
        """A source document as one line: publisher, "title", date, URL (a document whose
        title is unknown goes by its label, unquoted)."""
        parts = [self.name(p) for p in self.iris(source, DCT + "publisher")]
        self.cited_publishers.update(parts)
        title = self.first(source, DCT + "title")
        parts.append(f'"{title}"' if title else self.label(source) or curie(source))
        parts += [self.first(source, DCT + "date") or "", self.first(source, P["schema"] + "url") or ""]
        return ", ".join(p for p in parts if p)


# ---------------------------------------------------------------------------------------
# Nodes and edges
# ---------------------------------------------------------------------------------------

def kind_of(model: Model, iri: str) -> palette.NodeKind:
    classes = model.classes(iri)
    return next((k for c, k in palette.NODE_KINDS if c in classes), palette.OTHER)


def _literal_value(term: ox.Literal) -> str | int | float:
    datatype = term.datatype.value
    try:
        if datatype in _INTEGERS:
            return int(term.value)
        if datatype in _REALS:
            return float(term.value)
    except ValueError:
        pass  # an ill-formed number stays text
    return term.value


def _attribute_name(p: str) -> str:
    return ATTRIBUTE_NAMES.get(p) or re.split(r"[#/]", p)[-1]


def display_date(attrs: dict, date_key: str) -> str:
    """A stored date as the source gave it: "2019", "2019-07" or "2019-07-21"; an end that is
    only an upper bound says so: "no later than 2022-04-08" (its dprk:endQualifier's label)."""
    value = str(attrs.get(date_key, ""))
    precision = attrs.get({"start": "start_precision", "end": "end_precision"}.get(date_key, "date_precision"), "")
    shown = value[:4] if precision == "year" else value[:7] if precision == "month" else value
    qualifier = attrs.get("end_qualifier") if date_key == "end" and value else None
    return f"{qualifier} {shown}" if qualifier else shown


def span(attrs: dict) -> str:
    """A tenure's dates for a label: "2015–2019", "2020– (current as last attested)"."""
    start, end = display_date(attrs, "start"), display_date(attrs, "end")
    if not start and not end:
        return display_date(attrs, "date")
    status = attrs.get("status", "")
    tail = end or (f" ({status})" if status and status != "ended" else "?")
    return f"{start or '?'}–{tail}"


def describe(model: Model, iri: str) -> dict[str, str | int | float]:
    """One resource as flat node attributes (see the module docstring)."""
    attrs: dict[str, str | int | float] = {"iri": iri}
    gathered: dict[str, list] = defaultdict(list)
    for p, objects in sorted(model.out(iri).items()):
        if p in (TYPE, LABEL, ALT, SOURCE):
            continue
        for o in sorted(set(objects), key=str):
            if isinstance(o, ox.Literal):
                gathered[_attribute_name(p)].append(_literal_value(o))
            elif isinstance(o, ox.NamedNode) and model.is_term(o.value):
                gathered[_attribute_name(p)].append(model.name(o.value))
    for key, values in gathered.items():
        attrs[key] = values[0] if len(values) == 1 else " | ".join(str(v) for v in values)
    kind = kind_of(model, iri)
    typ = model.most_specific_type(iri)
    for lang in ("en", "ko"):
        found = model.label(iri, lang)
        if found:
            attrs[f"label_{lang}"] = found
    alts = sorted({v.value for v in model.values(iri, ALT) if isinstance(v, ox.Literal)})
    if alts:
        attrs["alt_labels"] = " | ".join(alts)
    if typ:
        attrs["type"], attrs["type_label"] = curie(typ), model.name(typ)
    attrs["kind"] = kind.name
    if kind.side:
        attrs["side"] = kind.side
    level = model.level(iri)
    if level and "level" not in attrs:
        attrs["level"] = model.name(level)
    sources = model.iris(iri, SOURCE)
    if sources:
        attrs["sources"] = " | ".join(model.citation(s) for s in sources)
    attrs["label"] = node_label(model, iri, attrs)
    return attrs


def node_label(model: Model, iri: str, attrs: dict | None = None, depth: int = 0) -> str:
    """The label, else the title, else a name made from the facts: for a holding without a
    label, "post holding: <post> (2015–2019)"; for a result, "... — <claimant>"."""
    own = model.label(iri) or model.first(iri, DCT + "title")
    if own or depth > 2:
        return own or curie(iri)
    if attrs is None:
        attrs = {"type_label": model.name(model.most_specific_type(iri) or iri)}
        attrs.update({ATTRIBUTE_NAMES[p]: model.name(v.value) if isinstance(v, ox.NamedNode) else lexical(v)
                      for p in ATTRIBUTE_NAMES for v in model.values(iri, p)[:1]})
    what = str(attrs.get("type_label") or curie(iri))
    target = next((node_label(model, t, depth=depth + 1) for p in NAMING_PROPERTIES for t in model.iris(iri, p)), None)
    text = f"{what}: {target}" if target else what
    when = span(attrs)
    if when:
        text += f" ({when})"
    claimant = model.iris(iri, DPRK + "claimant")
    if claimant:
        text += " — " + model.name(claimant[0])
    return text


def new_graph(view: str, **info: str) -> nx.MultiDiGraph:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    g.graph.update({"view": view, "generator": "dprk-kg"}, **{k: v for k, v in info.items() if v})
    return g


def add_node(g: nx.MultiDiGraph, model: Model, iri: str, **extra: str) -> None:
    if iri not in g:
        g.add_node(iri, **describe(model, iri))
    g.nodes[iri].update({k: v for k, v in extra.items() if v})


def add_edge(g: nx.MultiDiGraph, model: Model, source: str, target: str, relation: str, *,
             kind: str, label: str | None = None, key: str | None = None, **attrs: str | int | float) -> None:
    """An edge ``source → target``; ``relation`` is a property IRI, or ``^IRI`` read backwards."""
    inverse = relation.startswith("^")
    prop = relation.lstrip("^")
    name = label or model.label(prop, "en") or _words(curie(prop).split(":")[-1])
    g.add_edge(source, target, key=key or relation, relation=("^" if inverse else "") + curie(prop),
               label=name, kind=kind, **{k: v for k, v in attrs.items() if v != "" and v is not None})


def _words(name: str) -> str:
    """A camelCase property name as words: "subOrganizationOf" → "sub organization of"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def add_resources(g: nx.MultiDiGraph, model: Model, iris: Iterable[str], *, edges: bool = True) -> None:
    """Add ``iris`` as nodes and, with ``edges``, every data relation among them."""
    chosen = set(iris)
    for iri in sorted(chosen):
        add_node(g, model, iri)
    if not edges:
        return
    for s in sorted(chosen):
        for p, objects in sorted(model.out(s).items()):
            if p == TYPE:
                continue
            for o in sorted({o.value for o in objects if isinstance(o, ox.NamedNode)}):
                if o in chosen and not model.is_term(o):
                    add_edge(g, model, s, o, p, kind=_edge_kind(model, s, p))


def _edge_kind(model: Model, s: str, p: str) -> str:
    if p in EDGE_KIND_OF:
        return EDGE_KIND_OF[p]
    return "structure" if kind_of(model, s).side else "relation"


# ---------------------------------------------------------------------------------------
# The views
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ViewOptions:
    """What the user asked for; each view uses the options that apply to it."""

    unit: str | None = None  # an IRI, resolved from what the user typed
    person: str | None = None  # an IRI, likewise
    as_of: str | None = None


def full(model: Model, opts: ViewOptions) -> nx.MultiDiGraph:
    """Every entity and relation of the data graphs (ontology terms become attribute values)."""
    g = new_graph("full")
    add_resources(g, model, {r for r in model.resources() if not model.is_term(r)})
    return g


STATE_CHAIN = (DPRK + "LocalPeoplesAssembly", DPRK + "LocalPeoplesCommittee", DPRK + "PeoplesCommitteeChairman")
PARTY_CHAIN = (DPRK + "LocalPartyCommittee", DPRK + "ChiefSecretary")


def dual_power(model: Model, opts: ViewOptions) -> nx.MultiDiGraph:
    """For one unit (of any level) or every first-level unit: assembly → people's committee →
    chairman → holder, party committee → chief secretary → holder, and the de facto authority
    between the two posts. Without a unit the cities and counties are left out, as the
    dual-power query leaves them out: some two hundred of them would bury the picture."""
    as_of = opts.as_of or today()
    if opts.unit:
        units = [opts.unit]
    else:
        organs = model.instances(STATE_CHAIN[0]) + model.instances(STATE_CHAIN[1]) + model.instances(PARTY_CHAIN[0])
        units = sorted({u for o in organs for u in model.iris(o, DPRK + "jurisdiction")
                        if not _city_county_level(model, u)})
        if not units:
            raise UserError("no unit in the graph has local organs (a people's assembly, people's "
                            "committee or party committee with dprk:jurisdiction): nothing to draw")
    g = new_graph("dual-power", as_of=as_of, unit=model.name(units[0]) if opts.unit else "")
    for unit in units:
        _unit_chains(g, model, unit, as_of)
    names_as_of(g, model, as_of)
    return g


def _organs_of(model: Model, unit: str, cls_iri: str) -> list[str]:
    return [o for o in model.subjects(DPRK + "jurisdiction", unit) if model.is_a(o, cls_iri)]


def _posts_in(model: Model, organ: str, cls_iri: str) -> list[str]:
    return [p for p in model.subjects(ORG + "postIn", organ) if model.is_a(p, cls_iri)]


def _unit_chains(g: nx.MultiDiGraph, model: Model, unit: str, as_of: str) -> None:
    tag = {"unit": model.name(unit)}
    add_node(g, model, unit, **tag)
    assemblies = _organs_of(model, unit, STATE_CHAIN[0])
    committees = _organs_of(model, unit, STATE_CHAIN[1])
    party = _organs_of(model, unit, PARTY_CHAIN[0])
    for organ in assemblies + committees + party:
        add_node(g, model, organ, **tag)
    for organ in assemblies + party:
        add_edge(g, model, unit, organ, "^" + DPRK + "jurisdiction", kind="structure", label="organ")
    for committee in committees:
        bodies = [a for a in model.iris(committee, DPRK + "electedBy") if a in assemblies]
        for assembly in bodies:
            add_edge(g, model, assembly, committee, "^" + DPRK + "electedBy", kind="de jure", label="elects (de jure)")
        if not bodies:
            add_edge(g, model, unit, committee, "^" + DPRK + "jurisdiction", kind="structure", label="organ")
        for leader in party:
            if committee in model.iris(leader, DPRK + "guides"):
                add_edge(g, model, leader, committee, DPRK + "guides", kind="guides")
    chairs = [p for c in committees for p in _posts_in(model, c, STATE_CHAIN[2])]
    secretaries = [p for c in party for p in _posts_in(model, c, PARTY_CHAIN[1])]
    for post in chairs + secretaries:
        add_node(g, model, post, **tag)
        for organ in model.iris(post, ORG + "postIn"):
            add_edge(g, model, organ, post, "^" + ORG + "postIn", kind="structure", label="post")
        _holders(g, model, post, as_of, tag)
    _authority(g, model, unit, chairs + secretaries)


def _holders(g: nx.MultiDiGraph, model: Model, post: str, as_of: str, tag: dict) -> None:
    """The holders of ``post`` on ``as_of`` (the holdings that may cover the date, by the
    as-of queries' rule), each edge carrying its holding's dates and sources."""
    standings = {h: standing.TenureDates.read(partial(model.first, h)).standing(as_of)
                 for h in model.subjects(DPRK + "post", post)}
    holdings = {h: stands for h, stands in standings.items() if stands is not None}
    side = kind_of(model, post).side
    for holding, stands in holdings.items():
        facts = describe(model, holding)
        label, certainty = holder_note(facts, stands)
        for person in model.iris(holding, ORG + "member"):
            add_node(g, model, person, side=side, **tag)
            add_edge(g, model, post, person, "^" + DPRK + "post", kind=f"holder ({certainty})" if certainty else "holder",
                     key=holding, label=label, holding=holding, certainty=certainty,
                     **{k: facts[k] for k in ("start", "end", "status", "last_attested", "sources") if k in facts})
    if not holdings:
        gap = f"{post}#holder-not-on-record"
        g.add_node(gap, iri="", label=f"no holder on record as of {as_of}", kind=palette.UNKNOWN.name,
                   type_label="not on record", side=side, **tag)
        add_edge(g, model, post, gap, "^" + DPRK + "post", kind="holder", label="held by")


def holder_note(facts: dict, stands: str) -> tuple[str, str]:
    """How a holding reads on a date, given its standing then (:mod:`dprk_kg.standing`):
    "held by, since 2020-01 · last attested 2023-05-01", and its certainty: "" (sourced for
    the date), "unconfirmed" (no source names the holder in the stale period before the
    date, and no reported end after it) or "uncertain" (a start or end known only to the
    month or year, and the date falls in it: the source cannot say which side).

    >>> holder_note({"start": "2015-01-01", "start_precision": "year"}, "uncertain: began 2015")
    ('held by, since 2015 (uncertain: the source gives the year only)', 'uncertain')
    >>> holder_note({"start": "2012-03-01", "last_attested": "2016-05-01"}, "unconfirmed since 2016-05")
    ('held by, since 2012-03-01 · unconfirmed since 2016-05-01 (last attested)', 'unconfirmed')
    >>> holder_note({"start": "2010-02-01", "start_precision": "month", "last_attested": "2010-02-17",
    ...              "end": "2022-04-08", "end_qualifier": "no later than"}, "unconfirmed since 2010-02")[0]
    'held by, since 2010-02 · unconfirmed since 2010-02-17 (last attested) · ended no later than 2022-04-08'
    """
    certainty = standing.certainty(stands)
    since, last = display_date(facts, "start"), str(facts.get("last_attested", ""))
    parts = [f"held by, since {since}" if since else "held by"]
    if certainty == "uncertain":
        precision = facts.get("start_precision" if stands.startswith("uncertain: began") else "end_precision")
        return f"{parts[0]} (uncertain: the source gives the {precision} only)", certainty
    if facts.get("end") and not facts.get("end_qualifier"):
        parts.append(f"until {display_date(facts, 'end')}")
        return " · ".join(parts), certainty
    if certainty:
        seen = last or str(facts.get("start", ""))
        parts.append(f"unconfirmed since {seen}" + (" (last attested)" if last else " (its start)"))
    elif last:
        parts.append(f"last attested {last}")
    if facts.get("end"):
        parts.append(f"ended {display_date(facts, 'end')}")
    return " · ".join(parts), certainty


def _authority(g: nx.MultiDiGraph, model: Model, unit: str, posts: list[str]) -> None:
    """Each dprk:AuthorityClaim that covers the unit's level, drawn from the post with real
    power to the post it overrides."""
    level = model.level(unit)
    for claim in model.instances(DPRK + "AuthorityClaim"):
        levels = model.iris(claim, DPRK + "appliesToLevel")
        if levels and level not in levels:
            continue
        facts = describe(model, claim)
        for strong_cls in model.iris(claim, DPRK + "deFactoAuthority"):
            for weak_cls in model.iris(claim, DPRK + "subordinatePost"):
                for strong in (p for p in posts if model.is_a(p, strong_cls)):
                    for weak in (p for p in posts if model.is_a(p, weak_cls)):
                        add_edge(g, model, strong, weak, DPRK + "deFactoAuthority", kind="de facto", key=claim,
                                 label="de facto authority", claim=claim,
                                 claimant=" | ".join(model.name(c) for c in model.iris(claim, DPRK + "claimant")),
                                 **{k: facts[k] for k in ("quote", "sources") if k in facts})


def names_as_of(g: nx.MultiDiGraph, model: Model, as_of: str) -> None:
    """Label each node by the name it bore on ``as_of`` (its dprk:NameUse then), keeping
    the usual label as ``label_current``: the Secretariat reads "Executive Policy Bureau" in
    2018. Where two names touch on the day of a renaming, the newer one wins."""
    for node, data in g.nodes(data=True):
        uses = [u for u in model.subjects(DPRK + "nameOf", node)
                if (model.first(u, DPRK + "startDate") or "") <= as_of
                and (model.first(u, DPRK + "endDate") or "9999") >= as_of]
        if not uses:
            continue
        use = max(uses, key=lambda u: model.first(u, DPRK + "startDate") or "")
        data["label_current"] = data.get("label", "")
        for lang in ("en", "ko"):
            name = model.label(use, lang)
            if name:
                data[f"label_{lang}"] = name
        data["label"] = model.label(use) or data["label"]


def _exists_on(model: Model, organ: str, as_of: str) -> bool:
    """False when a dated dprk:Founding comes after ``as_of`` or a dprk:Dissolution before it."""
    for event in model.subjects(ORG + "resultingOrganization", organ):
        date = model.first(event, DPRK + "date")
        if model.is_a(event, DPRK + "Founding") and date and date > as_of:
            return False
    for event in model.subjects(ORG + "originalOrganization", organ):
        date = model.first(event, DPRK + "date")
        if model.is_a(event, DPRK + "Dissolution") and date and date <= as_of:
            return False
    return True


def _city_county_level(model: Model, unit: str) -> bool:
    """Whether the unit is a city, county, district or ward (below the first level)."""
    return model.first(unit, DPRK + "divisionLevel") == DPRK + "CityCountyLevel"


def _below_first_level(model: Model, organ: str) -> bool:
    """Whether the organ governs a city, county, district or ward."""
    unit = model.first(organ, DPRK + "jurisdiction")
    return bool(unit and _city_county_level(model, unit))


def hierarchy(model: Model, opts: ViewOptions) -> nx.MultiDiGraph:
    """Party organs and state organs as two trees, from the centre down to the first-level
    units (org:subOrganizationOf, and dprk:electedBy for a state organ with no parent organ).
    The organs of cities, counties and wards are left out: some two hundred units under the
    provinces would bury the tree, and each is drawn by the dual-power view of its unit."""
    as_of = opts.as_of or today()
    g = new_graph("hierarchy", as_of=as_of)
    organs = [o for c in (DPRK + "PartyOrgan", DPRK + "StateOrgan", DPRK + "PoliticalParty")
              for o in model.instances(c)
              if _exists_on(model, o, as_of) and not _below_first_level(model, o)]
    links: list[tuple[str, str, str]] = []
    for organ in organs:
        parents = model.iris(organ, ORG + "subOrganizationOf")
        links += [(parent, organ, "^" + ORG + "subOrganizationOf") for parent in parents]
        # The assembly that elects an organ places it in the tree only where nothing else does
        # (the SPA and the Cabinet); a local committee hangs under the Cabinet, its own
        # assembly is the dual-power view's business.
        if not parents:
            links += [(body, organ, "^" + DPRK + "electedBy") for body in model.iris(organ, DPRK + "electedBy")]
    alive = set(organs)
    links = [link for link in links if link[0] in alive]
    add_resources(g, model, {n for link in links for n in link[:2]}, edges=False)
    for parent, child, relation in links:
        elects = "electedBy" in relation
        add_edge(g, model, parent, child, relation, kind="de jure" if elects else "structure",
                 label="elects" if elects else "has sub-organization")
    names_as_of(g, model, as_of)
    return g


PERSON_LINKS = [ORG + "member", DPRK + "candidate", DPRK + "voter", DPRK + "claimant"]


def person(model: Model, opts: ViewOptions) -> nx.MultiDiGraph:
    """One person's posts, memberships, mandates, candidacies, votes and claims over time,
    each fact node with its dates and linked to its sources."""
    if not opts.person:
        raise UserError("the person view needs --person PERSON (a name, Hangul or romanized, or an IRI)")
    who = opts.person
    g = new_graph("person", person=model.name(who))
    facts = {f for p in PERSON_LINKS for f in model.subjects(p, who)}
    facts |= {n for f in facts for n in model.subjects(DPRK + "nominated", f)}
    things = {o.value for f in facts for po in model.out(f).values() for o in po
              if isinstance(o, ox.NamedNode) and not model.is_term(o.value)}
    things |= {organ for t in set(things) for organ in model.iris(t, ORG + "postIn")}
    add_resources(g, model, {who} | facts | things)
    return g


def elections(model: Model, opts: ViewOptions) -> nx.MultiDiGraph:
    """Elections, the figures each source reports, who reports them, and where they disagree."""
    g = new_graph("elections", as_of=opts.as_of or "")
    chosen = [e for e in model.instances(DPRK + "Election")
              if not opts.as_of or (model.first(e, DPRK + "date") or "") <= opts.as_of]
    # From the few results to their elections: an election has thousands of candidacies too.
    every = model.instances(DPRK + "ReportedResult")
    results = {e: [r for r in every if e in model.iris(r, DPRK + "inElection") + model.iris(r, DPRK + "about")]
               for e in chosen}
    reported = [r for rs in results.values() for r in rs]
    sources = {s for r in reported for s in model.iris(r, SOURCE)}
    others = {x for r in reported for x in model.iris(r, DPRK + "claimant")}
    others |= {x for s in sources for x in model.iris(s, DCT + "publisher")}
    add_resources(g, model, set(chosen) | set(reported) | sources | others)
    for election, rs in results.items():
        _disagreements(g, model, election, rs)
    return g


def _disagreements(g: nx.MultiDiGraph, model: Model, election: str, results: list[str]) -> None:
    """Mark and link the results of ``election`` that give different values for one figure.

    The figures are the properties the ontology gives the domain dprk:ReportedResult (so a new
    figure needs no code); a result about some assemblies only (dprk:concernsBodyType) is
    compared only with results about the same ones, as the source-disagreements query does.
    """
    figures = sorted(p for p in model.terms if DPRK + "ReportedResult" in model.iris(p, RDFS + "domain"))
    for figure in figures:
        by_scope: dict[tuple[str, ...], dict[str, str]] = defaultdict(dict)
        for r in results:
            value = model.first(r, figure)
            if value is not None:
                by_scope[tuple(model.iris(r, DPRK + "concernsBodyType"))][r] = value
        for scope, values in by_scope.items():
            if len({float(v) for v in values.values()}) < 2:
                continue
            name = model.name(figure) + (f" ({', '.join(model.name(s) for s in scope)})" if scope else "")
            for node in [election, *values]:
                disputed = str(g.nodes[node].get("disputed", ""))
                g.nodes[node]["disputed"] = " | ".join(filter(None, [disputed, name]))
            ordered = sorted(values)
            for i, a in enumerate(ordered):
                for b in ordered[i + 1:]:
                    if float(values[a]) != float(values[b]):
                        add_edge(g, model, a, b, figure, kind="disagreement", key=f"disagree:{figure}",
                                 label=f"disagree on {name}: {values[a]} vs {values[b]}")


VIEW_FUNCTIONS: dict[str, Callable[[Model, ViewOptions], nx.MultiDiGraph]] = {
    "full": full, "dual-power": dual_power, "hierarchy": hierarchy, "person": person, "elections": elections,
}
VIEWS = tuple(VIEW_FUNCTIONS)
#: Which options each view reads; others are refused rather than silently ignored.
VIEW_OPTIONS = {"full": set(), "dual-power": {"unit", "as_of"}, "hierarchy": {"as_of"},
                "person": {"person"}, "elections": {"as_of"}}


def build_view(store: Store, view: str = "full", *, unit: str | None = None, person: str | None = None,
               as_of: str | dt.date | None = None) -> nx.MultiDiGraph:
    """The networkx graph of ``view`` over ``store``; every export format writes this graph."""
    if view not in VIEW_FUNCTIONS:
        raise UserError(f"unknown view {view!r} (views: {', '.join(VIEWS)})")
    if isinstance(as_of, dt.date):
        as_of = as_of.isoformat()
    if as_of is not None:
        try:
            dt.date.fromisoformat(as_of)
        except ValueError:
            raise UserError(f"--as-of wants a date as YYYY-MM-DD, not {as_of!r}") from None
    given = {k for k, v in {"unit": unit, "person": person, "as_of": as_of}.items() if v}
    unused = given - VIEW_OPTIONS[view]
    if unused:
        names = ", ".join("--" + u.replace("_", "-") for u in sorted(unused))
        raise UserError(f"the {view} view does not use {names}")
    if unit:
        unit = resolve(store, unit, [DPRK + "AdministrativeDivision"], what="unit").value
    if person:
        person = resolve(store, person, [P["foaf"] + "Person"], what="person").value
    return draw(Model.load(store, whole=view == "full"), view, ViewOptions(unit, person, as_of))


def draw(model: Model, view: str, opts: ViewOptions) -> nx.MultiDiGraph:
    """The graph of ``view`` over ``model``, with what a picture's footer says: the
    publishers of the sources it cites, and the day it was drawn."""
    g = VIEW_FUNCTIONS[view](model, opts)
    g.graph["publishers"] = " | ".join(sorted(model.cited_publishers))
    g.graph["drawn"] = today()
    return g
