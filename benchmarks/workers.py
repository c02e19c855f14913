"""The two sides of the benchmark, each run in its own process by ``run.py``.

``python benchmarks/workers.py project`` is dprk-kg's way (the public API: build, the
embedded store the CLI uses, the named queries, validation, export);
``python benchmarks/workers.py naive`` is what a user gets from the packages out of the box
(an rdflib ``Graph`` parsed from Turtle, rdflib's SPARQL engine, pyshacl over the whole graph).

Both speak the same protocol: one JSON command a line on stdin, one JSON answer a line on
stdout (``{"ok": ...}`` or ``{"error": ...}``). A process of its own per side means a runaway
step can be killed at the cap without taking the benchmark down, and ``ru_maxrss`` measures
each side's own peak memory. A piece of dprk-kg that is not there yet answers
``{"missing": why}``, which the report shows as "not available".
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
import traceback
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long",
                             "nonNegativeInteger", "positiveInteger", "short", "byte")}
SH = "http://www.w3.org/ns/shacl#"
GROUP_SEPARATOR = " | "
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402  (a sibling script, not a package)


class Missing(Exception):
    """A piece of dprk-kg the measurement needs is not there (yet)."""


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(call: Callable[[], Any], repeat: int, budget: float) -> tuple[list[float], Any]:
    """Run ``call`` up to ``repeat`` times (fewer once ``budget`` seconds are spent)."""
    times, result, spent = [], None, 0.0
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
        spent += times[-1]
        if spent > budget:
            break
    return times, result


def canonical(kind: str, value: str, datatype: str | None, lang: str | None) -> str:
    """One spelling for a term from either engine, so rows can be compared.

    Numbers compare by value ("1.0" and "1.00" are the same decimal), a plain literal is an
    xsd:string, blank nodes compare equal (their labels are engine-local), and the parts of a
    GROUP_CONCAT (the named queries join with " | ") compare as a set: SPARQL leaves their
    order to the engine.
    """
    if kind == "iri":
        return f"<{value}>"
    if kind == "blank":
        return "_:"
    if lang:
        return f'"{value}"@{lang.lower()}'
    if datatype in NUMERIC:
        try:
            return f"{Decimal(value).normalize()}^^number"
        except InvalidOperation:
            pass
    if GROUP_SEPARATOR in value:
        value = GROUP_SEPARATOR.join(sorted(value.split(GROUP_SEPARATOR)))
    return f'"{value}"^^<{datatype or XSD + "string"}>'


def ox_key(term: Any) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return canonical("iri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return canonical("blank", term.value, None, None)
    return canonical("literal", term.value, term.datatype.value if term.datatype else None, term.language)


def rdflib_key(term: Any) -> str:
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, URIRef):
        return canonical("iri", str(term), None, None)
    if isinstance(term, BNode):
        return canonical("blank", str(term), None, None)
    assert isinstance(term, Literal)
    return canonical("literal", str(term), str(term.datatype) if term.datatype else None, term.language)


def row_keys(rows: list[dict[str, str]]) -> list[str]:
    """Rows as sorted strings: the same answer in any order compares equal."""
    return sorted(json.dumps(sorted(r.items())) for r in rows)


def problem_key(focus: str, path: str | None, component: str, severity: str) -> list[str]:
    """A validation problem, the same from pyshacl's report and from dprk-kg's."""
    return [focus, path or "", component.rsplit("#", 1)[-1], severity.rsplit("#", 1)[-1]]


def report_problems(report: Any) -> list[list[str]]:
    """The problems of a SHACL report graph (rdflib), sorted."""
    from rdflib import RDF, Namespace

    ns = Namespace(SH)
    found = []
    for result in report.subjects(RDF.type, ns.ValidationResult):
        path = report.value(result, ns.resultPath)
        found.append(problem_key(rdflib_key(report.value(result, ns.focusNode)),
                                 rdflib_key(path) if path is not None else None,
                                 str(report.value(result, ns.sourceConstraintComponent)),
                                 str(report.value(result, ns.resultSeverity))))
    return sorted(found)


# -- the naive side: rdflib + pyshacl ------------------------------------------------------

class Naive:
    """An rdflib Graph parsed from Turtle, rdflib's SPARQL, pyshacl over the whole graph."""

    def __init__(self) -> None:
        self.graph = None

    def parse(self, files: list[str]) -> dict:
        from rdflib import Graph

        start = time.perf_counter()
        graph = Graph()
        for f in files:
            graph.parse(f, format="turtle")
        self.graph = graph
        return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb(), "triples": len(graph)}

    def query(self, text: str, repeat: int, budget: float) -> dict:
        def run() -> list[dict[str, str]]:
            result = self.graph.query(text)
            if result.type != "SELECT":
                raise Missing(f"only SELECT queries are compared, not {result.type}")
            return [{str(k): rdflib_key(v) for k, v in row.asdict().items()} for row in result]

        times, rows = timed(run, repeat, budget)
        return {"times": times, "rows": row_keys(rows)}

    def validate(self, shapes: str, batch: str | None) -> dict:
        import pyshacl
        from rdflib import Graph

        shapes_graph = Graph().parse(shapes, format="turtle")
        if batch:
            self.graph.parse(batch, format="turtle")  # the union of the graph and the batch
        start = time.perf_counter()
        # Warnings inform, violations block: the verdict dprk-kg gives too.
        conforms, report, _ = pyshacl.validate(self.graph, shacl_graph=shapes_graph, inference="none",
                                               advanced=True, allow_warnings=True)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "conforms": bool(conforms), "problems": report_problems(report)}

    def validate_files(self, shapes: str, files: list[str]) -> dict:
        """pyshacl over a graph of ``files`` alone (N-Triples or Turtle), not the loaded graph:
        for a batch too big for pyshacl over the whole store (see ``run.py --pyshacl-deputies``)."""
        import pyshacl
        from rdflib import Graph

        shapes_graph = Graph().parse(shapes, format="turtle")
        graph = Graph()
        for f in files:
            graph.parse(f, format="nt" if f.endswith(".nt") else "turtle")
        start = time.perf_counter()
        conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes_graph, inference="none",
                                               advanced=True, allow_warnings=True)
        return {"seconds": time.perf_counter() - start, "conforms": bool(conforms),
                "problems": report_problems(report), "triples": len(graph)}


# -- dprk-kg's side ------------------------------------------------------------------------

def project_import(module: str) -> Any:
    """``dprk_kg.<module>``, or Missing when that module has not been written yet."""
    import importlib

    try:
        return importlib.import_module(f"dprk_kg.{module}")
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("dprk_kg"):
            raise Missing(f"dprk_kg.{module} does not exist yet") from None
        raise


class Project:
    """dprk-kg through its public API, on the embedded store the CLI uses."""

    def __init__(self) -> None:
        self.kg = None

    def build(self, store_dir: str, data: str) -> dict:
        """Build a fresh store from the shipped files plus ``data`` (as an added batch file)."""
        build = project_import("build")
        store = Path(store_dir)
        shutil.rmtree(store, ignore_errors=True)
        batches = build.batches_dir(store)
        batches.mkdir(parents=True)
        os.link(data, batches / ("synthetic" + Path(data).suffix))
        start = time.perf_counter()
        build.build(store, force=True)
        return {"seconds": time.perf_counter() - start, "peak_mb": peak_mb()}

    def open(self, store_dir: str) -> dict:
        api = project_import("api")
        start = time.perf_counter()
        self.kg = api.open(store_dir)
        self.kg.store  # opened on first use (after a staleness check of the files)
        seconds = time.perf_counter() - start
        return {"seconds": seconds, "triples": len(self.kg.store)}

    def queries(self, size: int, seed: int) -> dict:
        """Each named query's text with its parameters bound, as both sides will run it.

        Parameters take their header defaults; a required one without, a value from the
        synthetic graph; a query whose required parameter has neither is reported, not run.
        """
        catalog, query = project_import("catalog"), project_import("query")
        from dprk_kg.store import bind

        found = {}
        for name, q in sorted(catalog.catalog().items()):
            given = generate.query_params(q.params, size, seed)
            try:
                bindings = query.bind(q, given, self.kg.store)
            except Exception as e:  # a required parameter the benchmark has no value for
                found[name] = {"missing": str(e)}
                continue
            found[name] = {"form": q.form, "text": bind(q.text, bindings), "given": given}
        return found

    def query(self, name: str, given: dict[str, str], repeat: int, budget: float) -> dict:
        """Time ``name`` through the query API (parameter binding included)."""
        catalog, query = project_import("catalog"), project_import("query")
        named = catalog.get(name)

        def run() -> list[dict[str, str]]:
            result = query.run_named(self.kg.store, named, given)
            return [{k: ox_key(v) for k, v in row.items()} for row in result.rows]

        run()  # the first run warms RocksDB's block cache, as a CLI user's OS cache would be
        times, rows = timed(run, repeat, budget)
        return {"times": times, "rows": row_keys(rows)}

    def validate(self, batch: str | None) -> dict:
        """Validate ``batch`` against the graph, or the whole graph when ``batch`` is None.

        The problems compared are those of pyshacl's report graph (both sides run the same
        shapes); ``nodes`` adds the nodes of dprk-kg's own checks beyond SHACL.
        """
        validate = project_import("validation")
        start = time.perf_counter()
        if batch:
            report = validate.validate(self.kg, [Path(batch)], progress=False)
        else:
            report = validate.validate_store(self.kg.store)
        seconds = time.perf_counter() - start
        problems = [] if report.report_graph is None else report_problems(report.report_graph)
        nodes = {p[0] for p in problems} | {f"<{p.node}>" for p in report.problems}
        return {"seconds": seconds, "conforms": bool(report.conforms), "problems": problems,
                "nodes": sorted(nodes)}

    def deputies_slice(self, batch: str, deputies: int, out: str, context: str, hops: int) -> dict:
        """The first ``deputies`` deputies of ``batch`` (its first 2 + 4 × deputies subjects:
        the source, the election, then each deputy's person, candidacy, nomination and
        mandate, as ``generate.generate_deputies`` writes them) into ``out`` (Turtle), and into
        ``context`` (N-Triples) the ontology and every stored triple reached from the slice's
        stored nodes in up to ``hops`` steps forward (assemblies, the front, publishers ...):
        what pyshacl needs beside the slice to judge it without the whole store."""
        import pyoxigraph as ox

        triples = [q.triple for q in ox.parse(path=batch, format=ox.RdfFormat.TURTLE)]
        subjects = list(dict.fromkeys(t.subject for t in triples))[:2 + 4 * deputies]
        keep = set(subjects)
        part = [t for t in triples if t.subject in keep]
        Path(out).write_bytes(ox.serialize(part, format=ox.RdfFormat.TURTLE))
        native = self.kg.store.native
        ontology = [q.triple for g in self.kg.store.named_graphs() if "/graph/ontology" in g
                    for q in native.quads_for_pattern(None, None, None, ox.NamedNode(g))]
        vocabulary = {t.subject for t in ontology}
        frontier = {t.object for t in part if isinstance(t.object, ox.NamedNode)} - keep - vocabulary
        seen, found = set(frontier), []
        for _ in range(hops):
            step = set()
            for node in frontier:
                for q in native.quads_for_pattern(node, None, None):
                    if isinstance(q.graph_name, ox.DefaultGraph):
                        continue
                    found.append(q.triple)
                    o = q.object
                    if isinstance(o, ox.NamedNode) and o not in seen and o not in vocabulary:
                        seen.add(o)
                        step.add(o)
            frontier = step
        stored = list(dict.fromkeys(ontology + found))
        Path(context).write_bytes(ox.serialize(stored, format=ox.RdfFormat.N_TRIPLES))
        return {"triples": len(part), "context": len(stored)}

    def export(self, view: str, fmt: str, unit: str | None, out: str, repeat: int, budget: float) -> dict:
        export = project_import("export")

        def run() -> int:
            path = Path(out)
            export.export(self.kg, fmt, path, view=view, unit=unit)
            return path.stat().st_size if path.is_file() else sum(
                p.stat().st_size for p in path.rglob("*") if p.is_file())

        times, size = timed(run, repeat, budget)
        return {"times": times, "bytes": size}


def serve(side: Any) -> None:
    """Answer commands on stdin until it closes; stdout carries nothing but answers."""
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything a library prints goes to stderr, not into the protocol
    sys.stdout = sys.stderr
    for line in sys.stdin:
        command = json.loads(line)
        op = command.pop("op")
        try:
            answer = {"ok": getattr(side, op)(**command)}
        except Missing as e:
            answer = {"missing": str(e)}
        except Exception as e:
            traceback.print_exc()
            answer = {"error": f"{type(e).__name__}: {e}".splitlines()[0][:500]}
        out.write(json.dumps(answer) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))  # the dprk-kg of this tree, whatever is installed
    serve({"naive": Naive, "project": Project}[sys.argv[1]]())
