"""Loading the shapes graph: read, checked for at least one shape, split for the engine."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dprk_kg import resources
from dprk_kg.errors import UserError
from dprk_kg.validation.compile import Compiled, compile_shapes, shapes_of, target_pattern
from dprk_kg.validation.reach import SH, Reach, reach_of
from dprk_kg.validation.sparql import SparqlCheck, split_sparql
from dprk_kg.validation.terms import ox_node


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
    #: A SPARQL pattern binding ?this to the targets of each shape that has targets
    #: (deactivated ones included: a node a deactivated shape targets was not forgotten).
    targets: list[str]
    #: Predicates whose objects are targets (their triples join a batch's neighbourhood).
    target_objects_of: set[str]
    #: Literals named by sh:targetNode (as pyoxigraph terms, as written): focus nodes of
    #: every batch.
    literal_targets: set[ox.Literal]
    terms: set[str]
    #: The shapes graph's name where a SHACL-SPARQL query reads it (``$shapesGraph``): the
    #: file it was read from.
    name: ox.NamedNode


def load_shapes(path: Path | None = None) -> Shapes:
    """Read and analyse the shapes; any failure is a UserError (never an empty pass)."""
    import rdflib

    path = Path(path) if path is not None else resources.shapes_file()
    graph = rdflib.Graph()
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    boolean = rdflib.term._toPythonMapping[rdflib.XSD.boolean]
    # Literals as written, and only "true" true (as pyshacl reads shapes): sh:uniqueLang
    # "1"^^xsd:boolean does not turn the constraint on.
    rdflib.term._toPythonMapping[rdflib.XSD.boolean] = lambda text: text.lower() == "true"
    try:
        graph.parse(path, format="turtle")
    except FileNotFoundError:
        raise UserError("the SHACL shapes are missing: nothing could be checked",
                        file=str(path)) from None
    except Exception as e:  # rdflib raises many kinds; all mean "the shapes did not load"
        raise UserError(f"the SHACL shapes failed to load: {e}", file=str(path)) from None
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
        rdflib.term._toPythonMapping[rdflib.XSD.boolean] = boolean
    sh = rdflib.Namespace(SH)
    shapes = shapes_of(graph)
    if not shapes:
        raise UserError("the shapes file defines no shape: nothing could be checked",
                        file=str(path))
    reach = reach_of(graph, shapes, path)

    core, checks = split_sparql(graph)
    patterns = [p for p in (target_pattern(graph, s) for s in shapes) if p is not None]
    literals = {ox_node(o) for o in graph.objects(None, sh.targetNode)
                if isinstance(o, rdflib.Literal)}
    terms = {str(t) for triple in graph for t in triple if isinstance(t, rdflib.URIRef)}
    return Shapes(graph, core, checks, compile_shapes(core), reach, patterns,
                  {str(o) for o in graph.objects(None, sh.targetObjectsOf)},
                  literals, terms, ox.NamedNode(path.resolve().as_uri()))


@cache
def project_terms() -> frozenset[str]:
    """The IRIs the project's own shapes mention: terms the project uses, also when other
    shapes (``--shapes``) check a batch, so that ``skos:altLabel`` is not an unknown term there."""
    return frozenset(t.value for q in ox.parse(path=resources.shapes_file())
                     for t in (q.subject, q.predicate, q.object) if isinstance(t, ox.NamedNode))
