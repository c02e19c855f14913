"""Validation as users call it: a batch against the store (incremental), files, the whole store."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from dprk_kg.background import Background
from dprk_kg.build import index_stamp
from dprk_kg.gcpause import gc_paused
from dprk_kg.names import NameIndex, judgements_file, name_index_for
from dprk_kg.parse import Batch
from dprk_kg.store import Store
from dprk_kg.validation.checks import (batch_names, duplicates, ill_formed, merge_hints,
                                       name_collisions, refuse_vocabulary, uncovered,
                                       unknown_terms)
from dprk_kg.validation.engine import (finish, in_memory, mini_store, pyshacl_rest, run_core,
                                       run_sparql, selector)
from dprk_kg.validation.neighbourhood import Overlay, ontology_triples, walk
from dprk_kg.validation.report import Report, label_graph, shacl_problems
from dprk_kg.validation.shapes import Shapes, load_shapes, project_terms
from dprk_kg.validation.terms import canonical, skolem, to_rdflib

if TYPE_CHECKING:  # for the annotation only: the API imports this package
    from dprk_kg.api import KnowledgeGraph

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


# -- validation -------------------------------------------------------------------------------

@gc_paused()
def validate_batch(store: Store, batch: Batch, *, shapes: Shapes | None = None,
                   removed: Iterable[ox.Triple] = (), judgements: Path | None = None,
                   name_index: NameIndex | None = None, present: dict | None = None) -> Report:
    """Check ``batch`` (to add) and ``removed`` (to take away) against ``store``; change nothing.

    ``name_index`` (the store's cached name keys) makes the likely-duplicate check a lookup;
    without it the store is searched. ``present`` is filled with the walk's answers (node:
    whether the store has it in any triple), so that a caller committing the batch next does
    not ask the store again (:func:`dprk_kg.ingest.split_known`).
    """
    refuse_vocabulary(batch)
    shapes = shapes or load_shapes()
    ontology = ontology_triples(store)
    vocabulary = {t.subject.value for t in ontology if isinstance(t.subject, ox.NamedNode)}
    removed = set(removed)
    union = Overlay(store, batch.triples, removed, {} if present is None else present)
    reach = shapes.reach
    fwd = None if reach.any_forward else reach.forward | {RDF_TYPE}
    inv = None if reach.any_inverse else set(reach.inverse)
    changed = batch.triples + list(removed)
    seeds = {t.subject for t in changed} | {t.object for t in changed
                                           if inv is None or t.predicate.value in inv}
    seeds = {n for n in seeds if not isinstance(n, ox.Literal)}
    # Walk back along the steps the shapes take: a forward step is walked back against the
    # direction of its triples, an inverse step along it.
    focus = walk(union, seeds, reach.depth, inv, fwd, vocabulary)
    focus |= {t.object for t in batch.triples if not isinstance(t.object, ox.Literal)}
    reads = walk(union, focus, reach.depth, fwd, inv, vocabulary)
    reads = {n for n in reads if not (isinstance(n, ox.NamedNode) and n.value in vocabulary)}
    into = None if inv is None else inv | shapes.target_objects_of
    triples = list(dict.fromkeys(union.edges(reads, None, into) + union.hierarchy()))
    mini = mini_store(ontology + triples)
    select = selector(mini)
    targeted = focus_nodes(shapes, select)
    # Literal focus nodes: those sh:targetNode names, and objects of changed triples.
    forms = canonical([t.object for t in changed if isinstance(t.object, ox.Literal)]
                      + list(shapes.literal_targets))
    keep = {skolem(n) for n in focus} | (targeted & set(forms.values()))

    def shacl() -> Any:
        report_graph = pyshacl_rest(shapes, lambda: ontology + triples, keep)
        run_core(shapes, select, keep, report_graph, batch.triples)
        run_sparql(shapes, select, keep, report_graph, lambda: ontology + triples)
        return finish(report_graph, forms)

    # The SHACL checks in a thread of their own, beside the checks that are Python alone:
    # their queries release the GIL, so the two share the cores (a local election's
    # deputies: both take seconds). A daemon thread, so that Ctrl-C does not wait for the
    # whole of it; the compiled checks already handed to their own thread pool
    # (engine.run_core, sparql.run_sparql) are still finished before the process exits.
    shacl_report = Background(shacl)
    problems = unknown_terms(batch, vocabulary | shapes.terms | project_terms(), ontology)
    problems += ill_formed(batch)
    problems += uncovered(batch, targeted, keep & targeted)
    absent = union.absent()
    named = batch_names(batch, judgements)
    problems += duplicates(store, batch, named, name_index, absent)
    problems += name_collisions(store, batch, named, name_index, absent)
    report_graph = shacl_report.result()
    problems += shacl_problems(report_graph, label_graph(select, report_graph),
                               shapes.graph, batch)
    problems = merge_hints(problems)
    problems.sort(key=lambda p: ({"violation": 0, "warning": 1}.get(p.severity, 2),
                                 p.file or "~", p.line or 0, p.node, p.path or "", p.message))
    return Report(problems, len(keep & targeted), len(triples), reach.depth is not None,
                  report_graph)


def focus_nodes(shapes: Shapes, select: Any) -> set:
    """Every node a shape targets in the graph ``select`` answers over."""
    if not shapes.targets:
        return set()
    union = " UNION ".join(f"{{ {pattern} }}" for pattern in shapes.targets)
    return {r["this"] for r in select(f"SELECT DISTINCT ?this WHERE {{ {union} }}", None)}


@gc_paused()
def validate(kg: KnowledgeGraph, paths: Iterable[Path], *, fmt: str | None = None,
             shapes: Path | None = None, progress: bool = True) -> Report:
    """Validate files against the graph ``kg`` opens (the API's and CLI's ``validate``)."""
    from dprk_kg.parse import read_files

    batch = read_files(paths, fmt, progress=progress)
    rules = load_shapes(shapes)
    names = None if kg.remote else name_index_for(kg.store_dir, index_stamp(kg.store_dir))
    return validate_batch(kg.store, batch, shapes=rules,
                          judgements=judgements_file(kg.store_dir), name_index=names)



def validate_store(store: Store, *, shapes: Shapes | None = None, reference: bool = False,
                   written: Iterable[ox.Triple] | None = None) -> Report:
    """Full validation of everything in the store, on the store's own engine.

    Each core constraint runs as one SELECT over the store (:mod:`dprk_kg.validation.compile`) and
    each sh:sparql constraint once with ``$this`` unbound; only what the compiler leaves to
    pyshacl needs an rdflib copy of the graph. ``reference=True`` leaves everything to
    pyshacl over an rdflib copy (the slow, plain way: the yardstick of the tests).

    ``written``: the store's triples as written, for a store not built from files (a built
    store's are read from its files). The store keeps every integer subtype as xsd:integer,
    so without them an integer sh:datatype accepts a bare integer in range as the subtype.
    """
    shapes = shapes or load_shapes()
    if reference:
        from pyshacl import validate

        data = to_rdflib(q.triple for q in store.quads())
        _, report_graph, _ = validate(data, shacl_graph=shapes.graph, inference="none",
                                      allow_warnings=True, advanced=True)
        problems = shacl_problems(report_graph, data, shapes.graph, Batch())
        return Report(problems, -1, len(data), False, report_graph)
    report_graph = pyshacl_rest(shapes, lambda: [q.triple for q in store.quads()], None)
    predicates = {check.exact[0] for check in shapes.compiled.checks if check.exact}
    store, found = in_memory(store, predicates)
    if written is not None:
        found = list(written)
    select = selector(store)
    run_core(shapes, select, None, report_graph, found or [], complete=found is not None)
    run_sparql(shapes, select, None, report_graph, lambda: (q.triple for q in store.quads()))
    report_graph = finish(report_graph, canonical(shapes.literal_targets))
    problems = shacl_problems(report_graph, label_graph(select, report_graph, store),
                              shapes.graph, Batch())
    return Report(problems, -1, -1, False, report_graph)
