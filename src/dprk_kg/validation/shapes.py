"""Loading the shapes graph: read, checked for at least one shape, split for the engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dprk_kg import resources
from dprk_kg.errors import UserError
from dprk_kg.validation.compile import Compiled, compile_shapes, rewrite_closures, target_pattern
from dprk_kg.validation.reach import SH, Reach, reach_of


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
    reach = reach_of(graph, shapes, path)

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

