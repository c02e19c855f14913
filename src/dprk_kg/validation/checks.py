"""The checks beyond SHACL: vocabulary in a batch (refused), unknown terms, ill-formed
literals, unchecked nodes, likely duplicates and names another entity bears."""

from __future__ import annotations

import difflib
import functools
from collections.abc import Set
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.errors import UserError
from dprk_kg.names import (JUDGEMENT_PREDICATES, NAME_PREDICATES, NameIndex, in_iri_order,
                           name_key, named_nodes, namesakes, of_types, read_judgements)
from dprk_kg.parse import Batch, literal_problem
from dprk_kg.store import Store, lexical
from dprk_kg.validation.report import Problem, curie
from dprk_kg.validation.terms import rdflib_term, skolem, values

RDF_TYPE = namespaces.PREFIXES["rdf"] + "type"
SUBCLASS = namespaces.PREFIXES["rdfs"] + "subClassOf"
#: Namespaces whose terms are known from the ontology and the shapes; anything else in them
#: is probably a typo (``org:heldby``).
STANDARD = tuple(namespaces.PREFIXES[p] for p in
                 ("org", "prov", "foaf", "skos", "dcterms", "schema", "owl", "rdf", "rdfs"))


# -- checks beyond SHACL ----------------------------------------------------------------------

_P = namespaces.PREFIXES
#: The project's vocabulary: its ontology's terms and its shapes.
OURS = (namespaces.DPRK, namespaces.SHAPES)
#: Predicates that state something about a term (an axiom), not about the world.
AXIOM_PREDICATES = {_P["rdfs"] + p for p in ("subClassOf", "subPropertyOf", "domain", "range")} | {
    _P["owl"] + p for p in ("equivalentClass", "equivalentProperty", "inverseOf", "disjointWith",
                            "propertyChainAxiom", "unionOf", "intersectionOf", "onProperty")}


def vocabulary_statement(t: ox.Triple) -> str | None:
    """Why ``t`` defines or changes a term of the project's vocabulary, or None if it does not.

    Only the project's own terms (``dprk:``, ``dprksh:``): a user's shapes and data may
    declare their own classes (``ex:Person rdfs:subClassOf ex:Agent``), as the W3C SHACL
    cases do, without touching what the project's terms mean.

    >>> dprk = namespaces.DPRK
    >>> print(vocabulary_statement(ox.Triple(ox.NamedNode(dprk + "heldby"),
    ...     ox.NamedNode(_P["skos"] + "definition"), ox.Literal("held by"))))
    dprk:heldby is a term of the project's vocabulary (ontology/ defines its terms)
    >>> vocabulary_statement(ox.Triple(ox.NamedNode("https://w3id.org/dprk-kg/id/person/x"),
    ...     ox.NamedNode(_P["rdfs"] + "label"), ox.Literal("X"))) is None
    True
    """
    s, p, o = t.subject, t.predicate.value, t.object
    if isinstance(s, ox.NamedNode) and s.value.startswith(OURS):
        return f"{curie(s.value)} is a term of the project's vocabulary (ontology/ defines its terms)"
    if isinstance(o, ox.NamedNode) and o.value.startswith(OURS):
        if p in AXIOM_PREDICATES:
            return f"{curie(p)} {curie(o.value)} is an axiom about the project's vocabulary"
        if p.startswith(_P["sh"]):
            return f"a shape about {curie(o.value)} is a rule, not a fact (give shapes with --shapes)"
    return None


def refuse_vocabulary(batch: Batch) -> None:
    """A batch states facts about the world: a triple that defines or changes a term of a
    vocabulary (``dprk:StateLeader rdfs:subClassOf dprk:Claim``, a coined ``dprk:heldby``
    with its own definition) is refused, with the file and line of its subject.

    Why refuse rather than report: such a triple changes what every other fact means (a
    subclass axiom re-types every state leader as a claim), so no check of the batch alone
    can tell what it breaks; the ontology is changed in ``ontology/``, reviewed as code.
    """
    # A quick pass over the few distinct terms first: most batches have nothing to refuse.
    if not any(isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(OURS)
               for t in batch.triples) and not any(
            p in AXIOM_PREDICATES or p.startswith(_P["sh"])
            for p in {t.predicate.value for t in batch.triples}):
        return
    for t in batch.triples:
        why = vocabulary_statement(t)
        if why is not None:
            place = batch.where(t.subject)
            shown = " ".join(curie(x.value) if isinstance(x, ox.NamedNode) else str(x)
                             for x in (t.subject, t.predicate, t.object))
            raise UserError(f"a batch states facts about the world, not the vocabulary: "
                            f"{shown}: {why}; propose the change in ontology/ instead",
                            file=place[0] if place else (batch.files[0] if batch.files else None),
                            line=place[1] if place else None)


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


def unknown_terms(batch: Batch, known: set[str], ontology: list[ox.Triple]) -> list[Problem]:
    """dprk: terms the ontology does not define (violations); odd standard terms (warnings)."""
    mentioned = known | {t.object.value for t in ontology if isinstance(t.object, ox.NamedNode)}
    defined_here = {lexical(t.subject) for t in batch.triples}
    candidates = sorted({curie(i) for i in mentioned | STANDARD_TERMS
                         if i.startswith((namespaces.DPRK, *STANDARD))})
    out: list[Problem] = []
    seen: set[str] = set()
    for t in batch.triples:
        terms = [t.predicate] + ([t.object] if t.predicate.value == RDF_TYPE else [])
        for term in terms:
            iri = lexical(term)  # a triple term as a class (RDF 1.2) is in no namespace checked
            if iri in seen or iri in mentioned or iri in defined_here:
                continue
            seen.add(iri)
            ours = iri.startswith(namespaces.DPRK)
            if not ours and not iri.startswith(STANDARD):
                continue
            match = did_you_mean(curie(iri), [c for c in candidates if c != curie(iri)])
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


def ill_formed(batch: Batch) -> list[Problem]:
    """Typed literals whose form their datatype does not allow ("2024-02-30"^^xsd:date): a
    violation each, unless a shape's sh:datatype reports it (see :func:`merge_hints`)."""
    out = []
    for t in batch.triples:
        problem = literal_problem(t.object) if isinstance(t.object, ox.Literal) else None
        if problem is not None:
            place = batch.where(t.subject)
            out.append(Problem(
                "violation", curie(t.subject.value) if isinstance(t.subject, ox.NamedNode)
                else "a blank node", None, f"{problem} (on {curie(t.predicate.value)})",
                path=curie(t.predicate.value), value=rdflib_term(t.object).n3(),
                rule="ill-formed-literal", file=place[0] if place else None,
                line=place[1] if place else None))
    return out


def merge_hints(problems: list[Problem]) -> list[Problem]:
    """One report per unknown term or ill-formed literal: where a shape caught it too, the
    unknown term's hint joins that report, and the ill-formed literal is that report."""
    unknown = {(p.node, p.term): p for p in problems if p.rule == "unknown-term"}
    merged = set()
    for p in problems:
        u = unknown.get((p.node, p.value))
        if u is not None and p.rule != "unknown-term":
            p.hint = p.hint or u.hint
            merged.add((u.node, u.term))
    datatype = {(p.node, p.path, p.value) for p in problems
                if p.component == "DatatypeConstraintComponent"}
    return [p for p in problems if (p.rule != "unknown-term" or (p.node, p.term) not in merged)
            and (p.rule != "ill-formed-literal" or (p.node, p.path, p.value) not in datatype)]


def uncovered(batch: Batch, targeted: set, checked: set) -> list[Problem]:
    """Nothing the batch can affect is a focus node of any shape: an error. A subject of the
    batch that is none: a warning each.

    ``targeted``: the focus nodes of the batch's neighbourhood (blank nodes as skolem IRIs),
    so a node's types and properties in the graph count too: a batch adding a label to an
    existing person is checked by the person's shape. ``checked``: those the batch affects.
    """
    subjects = {t.subject for t in batch.triples}
    if batch.triples and not checked:
        raise UserError("no SHACL shape applies to any node of the batch, so nothing could be "
                        "checked: give each node its rdf:type from the ontology",
                        file=batch.files[0] if batch.files else None)
    out = []
    for node in sorted(subjects, key=str):
        if skolem(node) in targeted:
            continue
        place = batch.where(node)
        out.append(Problem("warning", curie(node.value) if isinstance(node, ox.NamedNode)
                           else "a blank node", None,
                           "no shape checks this node (does it lack an rdf:type?)",
                           rule="unchecked-node", file=place[0] if place else None,
                           line=place[1] if place else None))
    return out


@dataclass
class BatchNames:
    """What the name checks read of a batch: the names of its named nodes, their stated
    types, and the pairs judged the same or different (the judgements file and the batch).

    Read in one pass over the batch (:func:`batch_names`): for a local election's 588,014
    triples each pass costs a third of a second, and the two name checks made two each,
    plus one each for the judgements. The judgements file is read only when a check needs
    it, as before (a batch with no names never reads it).
    """

    names: dict[str, set[str]]
    types: dict[str, set[str]]
    #: The batch's own owl:sameAs / owl:differentFrom triples.
    judging: list[ox.Triple]
    judgements: Path | None

    @functools.cached_property
    def judged(self) -> set[frozenset[str]]:
        return read_judgements(self.judgements, self.judging)


def batch_names(batch: Batch, judgements: Path | None) -> BatchNames:
    """The :class:`BatchNames` of ``batch``, with the judgements of the file ``judgements``."""
    names: dict[str, set[str]] = {}
    types: dict[str, set[str]] = {}
    judging = []
    name_predicates = frozenset(NAME_PREDICATES)
    for t in batch.triples:
        p = t.predicate.value
        if p in name_predicates:
            if isinstance(t.subject, ox.NamedNode) and isinstance(t.object, ox.Literal):
                names.setdefault(t.subject.value, set()).add(t.object.value)
        elif p == RDF_TYPE:
            if isinstance(t.subject, ox.NamedNode):
                types.setdefault(t.subject.value, set()).add(lexical(t.object))
        elif p in JUDGEMENT_PREDICATES:
            judging.append(t)
    return BatchNames(names, types, judging, judgements)


def duplicates(store: Store, batch: Batch, named: BatchNames, name_index: NameIndex | None,
               absent: Set[str] = frozenset()) -> list[Problem]:
    """New entities whose names match existing ones under romanization variants (warnings).

    ``absent``: IRIs known to be in no triple of the store (the walk asked already), which
    are new without another lookup.
    """
    names_new = named.names
    if not names_new:
        return []
    existing = {k[0].value for k in store.present([(ox.NamedNode(s),) for s in names_new
                                                    if s not in absent])}
    names_new = {s: n for s, n in names_new.items() if s not in existing}
    types = {t for s in names_new for t in named.types.get(s, ())}
    if not names_new or not types:
        return []
    if name_index is not None:
        entries = name_index.lookup(name_key(n) for ns in names_new.values() for n in ns)
    else:
        entries = named_nodes(store, (n for ns in names_new.values() for n in ns))
    typed = of_types(store, {iri for iri, _ in entries}, types)
    names_existing: dict[str, set[str]] = {}
    for iri, name in entries:
        if iri in typed:
            names_existing.setdefault(iri, set()).add(name)
    # One warning per new node, however many namesakes it has: a common name in a list of
    # 28,000 deputies would otherwise give hundreds of thousands of lines.
    out = []
    for new, matches in namesakes(names_new, names_existing, named.judged).items():
        first = list(islice(in_iri_order(matches), 3))
        namesake, namesake_name, new_name = first[0]
        more = sum(len(entries) for _, entries in matches) - 1
        place = batch.where(ox.NamedNode(new))
        others = "".join(f", <{x[0]}>" for x in first[1:]) + (" ..." if more > 2 else "")
        out.append(Problem(
            "warning", curie(new), new_name,
            f"looks like the existing {curie(namesake)} ({namesake_name})"
            + (f" and {more} other(s) of that name" if more else ""),
            hint=f"{new_name} looks like the existing {namesake_name} (<{namesake}>"
                 f"{others}): use that IRI, or mark them as different (owl:differentFrom in "
                 "the judgements file)",
            rule="likely-duplicate", file=place[0] if place else None,
            line=place[1] if place else None))
    return out


def name_collisions(store: Store, batch: Batch, named: BatchNames,
                    name_index: NameIndex | None, absent: Set[str] = frozenset()
                    ) -> list[Problem]:
    """Names a batch gives to nodes the graph already has, that another node of the same type
    bears (warnings): an altLabel "North Hamgyong Province" added to South Hamgyong makes a
    search for the one find the other. New nodes are :func:`duplicates`' business
    (``absent``: IRIs known to be in no triple of the store, as there).
    """
    given = named.names
    known = {k[0].value for k in store.present([(ox.NamedNode(s),) for s in given
                                                 if s not in absent])}
    types = _types_of(store, known)
    given = {s: n for s, n in given.items() if s in types}  # only nodes the graph has
    if not given:
        return []
    keys = {name_key(n) for ns in given.values() for n in ns}
    entries = name_index.lookup(keys) if name_index is not None else \
        named_nodes(store, (n for ns in given.values() for n in ns))
    others = _types_of(store, {iri for iri, _ in entries} - set(given)) | \
        {s: types[s] for s in given}
    bearers: dict[str, list[tuple[str, str]]] = {}
    for iri, name in entries:
        bearers.setdefault(name_key(name), []).append((iri, name))
    judged = named.judged
    out, seen = [], set()
    for node, names in sorted(given.items()):
        for name in sorted(names):
            for other, other_name in sorted(bearers.get(name_key(name), [])):
                pair = frozenset((node, other))
                if other == node or pair in judged or (node, other) in seen \
                        or not types[node] & others.get(other, set()):
                    continue
                seen.add((node, other))
                place = batch.where(ox.NamedNode(node))
                out.append(Problem(
                    "warning", curie(node), name,
                    f"the name {name!r} is already borne by {curie(other)} ({other_name})",
                    hint=f"a search for {other_name} would find {curie(node)} too: check that "
                         f"the name belongs to it; if both really bear it, record owl:differentFrom "
                         f"between <{node}> and <{other}> in the judgements file",
                    rule="name-collision", file=place[0] if place else None,
                    line=place[1] if place else None))
    return out


def _types_of(store: Store, iris: set[str]) -> dict[str, set[str]]:
    """The stated types of those of ``iris`` the graph has (nodes without a type are left out)."""
    found: dict[str, set[str]] = {}
    nodes = sorted(iris)
    for i in range(0, len(nodes), 500):
        chunk = values(ox.NamedNode(n) for n in nodes[i:i + 500])
        for r in store.select(f"SELECT ?s ?type WHERE {{ VALUES ?s {{ {chunk} }} ?s a ?type }}").rows:
            found.setdefault(lexical(r["s"]), set()).add(lexical(r["type"]))
    return found
