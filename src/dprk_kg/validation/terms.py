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
    return ox.NamedNode(SKOLEM + term.value) if isinstance(term, ox.BlankNode) else term


def rdflib_term(term: Any) -> Any:
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


def to_rdflib(triples: Iterable[ox.Triple]) -> Any:
    import rdflib

    graph = rdflib.Graph()
    for t in triples:
        graph.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
    return graph


def ox_node(term: Any) -> Any:
    text = str(term)
    if text.startswith(SKOLEM):
        return ox.BlankNode(text[len(SKOLEM):])
    return ox.NamedNode(text) if text else None
