"""The bridge between pyoxigraph and rdflib terms, blank nodes skolemized to IRIs on the way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from dprk_kg import namespaces

#: Blank nodes are skolemized to IRIs with this prefix in the batch's neighbourhood store.
SKOLEM = "urn:dprk-kg:bnode:"


def values(nodes: Iterable[ox.NamedNode]) -> str:
    return " ".join(str(n) for n in nodes)


def skolem(term: Any) -> Any:
    """``term`` as the neighbourhood store holds it: a blank node as a skolem IRI."""
    return ox.NamedNode(SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term


def rdflib_term(term: Any) -> Any:
    """A pyoxigraph term as rdflib parses it from Turtle; a skolem IRI is a blank node again
    (with its id), so that reports and pyshacl see blank nodes as blank nodes."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        if term.value.startswith(SKOLEM):
            return rdflib.BNode(term.value[len(SKOLEM):])
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == namespaces.XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value),
                          normalize=False)  # as written: "01"^^xsd:integer is not "1"


def to_rdflib(triples: Iterable[ox.Triple]) -> Any:
    import rdflib

    graph = rdflib.Graph()
    for t in triples:
        graph.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
    return graph


def ox_node(term: Any) -> Any:
    """An rdflib term as pyoxigraph's (a blank node keeps its id; None stays None)."""
    import rdflib

    if term is None:
        return None
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype
                          else None)
    return ox.NamedNode(str(term))


def canonical(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """Each of ``literals`` as a pyoxigraph store gives it back (``"01"^^xsd:integer`` is
    ``"1"``, an ``xsd:byte`` an ``xsd:integer``): how the neighbourhood store answers.

    Strings and language-tagged strings come back as they are (the parser already wrote
    the language tag in lower case), so only the other literals go through a store: a
    local election's deputies bring 56,000 names and a handful of dates.
    """
    forms: dict[ox.Literal, ox.Literal] = {}
    others = []
    for lit in dict.fromkeys(literals):
        if lit.language is not None or lit.datatype.value == namespaces.XSD_STRING:
            forms[lit] = lit
        else:
            others.append(lit)
    scratch = ox.Store()
    predicate = ox.NamedNode(SKOLEM + "value")
    scratch.extend(ox.Quad(ox.NamedNode(f"{SKOLEM}{i}"), predicate, lit)
                   for i, lit in enumerate(others))
    forms.update((others[int(q.subject.value[len(SKOLEM):])], q.object) for q in scratch)
    return forms
