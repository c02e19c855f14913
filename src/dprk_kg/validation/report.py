"""The report model (problems, verdict) and its rendering for people: labels, plain words."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.parse import Batch
from dprk_kg.store import Store
from dprk_kg.validation.terms import SKOLEM, ox_node, rdflib_term, skolem, values

SH = namespaces.PREFIXES["sh"]
RDFS_LABEL = namespaces.PREFIXES["rdfs"] + "label"


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
    #: The SHACL constraint component that found it (local name), for SHACL results.
    component: str | None = None

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



def curie(iri: str) -> str:
    """``dprk:startDate`` for the IRI, or ``<iri>`` when no project prefix fits."""
    from dprk_kg.results import curie as prefixed

    return prefixed(iri, bracket=True)


def _node_label(graph: Any, node: Any) -> str | None:
    import rdflib

    # Sorted, so that a node with two English labels is named the same way whichever graph
    # (the batch's neighbourhood or the whole store) the report was drawn from.
    labels = sorted(graph.objects(node, rdflib.RDFS.label), key=str)
    for lang in ("en", None, "ko"):
        for label in labels:
            if getattr(label, "language", None) == lang:
                return str(label)
    return str(labels[0]) if labels else None


def shacl_problems(report: Any, data: Any, shapes: Any, batch: Batch) -> list[Problem]:
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
        node, label = describe(data, focus)
        message = str(shapes.value(shape, sh.message) or "") or plain_words(
            shapes, shape, component, path, report.value(result, sh.resultMessage))
        place = batch.where(ox_node(focus))
        out.append(Problem(
            severity=severity, node=node, label=label, message=message,
            path=curie(str(path)) if isinstance(path, rdflib.URIRef) else None,
            value=show(data, value) if value is not None else None,
            rule=curie(str(shape)) if isinstance(shape, rdflib.URIRef) else
            curie(str(component)) if component is not None else None,
            file=place[0] if place else None, line=place[1] if place else None,
            component=str(component).rsplit("#", 1)[-1] if component is not None else None))
    return out


def describe(data: Any, node: Any) -> tuple[str, str | None]:
    """How to name a node to a person: its label; a blank node through the node holding it."""
    import rdflib

    label = _node_label(data, node)
    if isinstance(node, rdflib.BNode):
        holder = next(iter(data.subjects(None, node)), None)
        if holder is not None:
            name, holder_label = describe(data, holder)
            return f"a node inside {holder_label or name}", label
        return "a blank node", label
    return curie(str(node)) if isinstance(node, rdflib.URIRef) else str(node), label


def show(data: Any, value: Any) -> str:
    import rdflib

    if isinstance(value, rdflib.Literal):
        return value.n3()
    node, label = describe(data, value)
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


def plain_words(shapes: Any, shape: Any, component: Any, path: Any, fallback: Any) -> str:
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



def label_graph(select: Any, report: Any, store: Store | None = None) -> Any:
    """The labels of the report's nodes, and the holders of its blank nodes (with theirs):
    all :func:`describe` reads, as a small rdflib graph.

    ``select`` answers over the neighbourhood store (blank nodes as skolem IRIs) or, with
    ``store``, over the store itself, whose blank nodes are looked up through pyoxigraph.
    """
    import rdflib

    sh = rdflib.Namespace(SH)
    native = getattr(store, "native", None)
    out = rdflib.Graph()
    todo = {n for p in (sh.focusNode, sh.value) for n in report.objects(None, p)
            if not isinstance(n, rdflib.Literal)}
    seen: set = set()
    while todo:
        nodes = todo - seen
        seen |= nodes
        todo = set()
        found: list[ox.Triple] = []
        blanks = [n for n in nodes if isinstance(n, rdflib.BNode)]
        if native is not None:
            for b in map(ox_node, blanks):
                found += [q.triple for q in native.quads_for_pattern(
                    b, ox.NamedNode(RDFS_LABEL), None)]
                found += [q.triple for q in native.quads_for_pattern(None, None, b)]
            named = [ox_node(n) for n in nodes if isinstance(n, rdflib.URIRef)]
        else:
            named = [skolem(ox_node(n)) for n in nodes]
        for i in range(0, len(named), 500):
            chunk = values(named[i:i + 500])
            found += [ox.Triple(r["n"], ox.NamedNode(RDFS_LABEL), r["l"]) for r in select(
                f"SELECT ?n ?l WHERE {{ VALUES ?n {{ {chunk} }} ?n <{RDFS_LABEL}> ?l }}", None)]
            found += [ox.Triple(r["h"], r["p"], r["n"]) for r in select(
                f"SELECT ?h ?p ?n WHERE {{ VALUES ?n {{ {chunk} }} ?h ?p ?n "
                f'FILTER (STRSTARTS(STR(?n), "{SKOLEM}")) }}', None)]
        for t in found:
            out.add((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object)))
            if t.predicate.value != RDFS_LABEL:
                todo.add(rdflib_term(t.subject))
    return out

