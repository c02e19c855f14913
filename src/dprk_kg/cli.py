"""``dprk-kg``: the command line, a thin shell over :mod:`dprk_kg.api`.

Each command parses its options, makes one API call and prints. Errors are
:class:`~dprk_kg.errors.UserError`: one line on stderr and exit code 2 (a traceback only with
``--debug``); a check that did not hold exits 1.

Sections below are owned by different engineers: toolkit (queries, query, sparql, build,
stats), ingest (validate, add, batches, remove), export (export). Inside a command, call
:func:`graph` for the :class:`~dprk_kg.api.KnowledgeGraph` the global options describe, and
:func:`emit` / :func:`warn` to print.
"""

from __future__ import annotations

import json
import sys
import traceback
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from dprk_kg import api, namespaces
from dprk_kg.errors import UserError

app = typer.Typer(
    name="dprk-kg", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    help="A sourced knowledge graph of North Korea's dual state and party governance: "
         "named and ad hoc SPARQL queries, validated additions, visual exports.")


@dataclass
class Options:
    """The global options of this run."""

    store: Path | None = None
    endpoint: str | None = None
    update_endpoint: str | None = None
    timeout: float | None = None
    debug: bool = False


_options = Options()
_graph: api.KnowledgeGraph | None = None


def graph() -> api.KnowledgeGraph:
    """The knowledge graph the global options point at (opened once per run)."""
    global _graph
    if _graph is None:
        _graph = api.open(_options.store, _options.endpoint,
                          update_endpoint=_options.update_endpoint, timeout=_options.timeout)
    return _graph


def emit(text: str) -> None:
    """Print a result to stdout."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def warn(text: str) -> None:
    """Print a one-line warning to stderr."""
    print(f"dprk-kg: warning: {text}", file=sys.stderr)


@app.callback()
def global_options(
    store: Annotated[Optional[Path], typer.Option(
        envvar="DPRK_KG_STORE", help="Store folder (default: a per-user data folder).")] = None,
    endpoint: Annotated[Optional[str], typer.Option(
        envvar="DPRK_KG_ENDPOINT", help="SPARQL query URL of a shared server, instead of the embedded store.")] = None,
    update_endpoint: Annotated[Optional[str], typer.Option(
        envvar="DPRK_KG_UPDATE_ENDPOINT",
        help="SPARQL update URL (default: derived from --endpoint as Oxigraph, Fuseki, GraphDB lay it out).")] = None,
    timeout: Annotated[Optional[float], typer.Option(
        min=0.001, help="Stop a query after this many seconds (sent to servers too).")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    global _options, _graph
    _options = Options(store, endpoint, update_endpoint, timeout, debug)
    _graph = None


# ======================================================================================
# Toolkit: queries, query, sparql, build, stats
# ======================================================================================

class ListFormat(str, Enum):
    table = "table"
    json = "json"


class ResultFormat(str, Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"


@app.command()
def queries(fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table) -> None:
    """List the named queries with their summary and parameters."""
    found = graph().queries()
    if fmt is ListFormat.json:
        emit(json.dumps([_describe(q) for q in found.values()], ensure_ascii=False, indent=1))
        return
    from rich.table import Table

    from dprk_kg.results import plain_console

    table = Table("name", "summary", "parameters", header_style="bold")
    for q in found.values():
        table.add_row(q.name, q.summary, "\n".join(_param_text(p) for p in q.params))
    plain_console(sys.stdout).print(table)


def _param_text(p) -> str:
    flags = "required" if p.required else f"default {p.default}" if p.default else "optional"
    return f"{p.name} ({p.kind}, {flags})"


def _describe(q) -> dict:
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
            "columns": list(q.columns),
            "params": [{"name": p.name, "type": p.kind, "required": p.required, "default": p.default,
                        "description": p.description, "allowed": list(p.allowed) if p.allowed else None}
                       for p in q.params]}


def _print_result(result, fmt: ResultFormat) -> None:
    from dprk_kg import results

    raw = result.result if isinstance(result, api.Rows) else result
    cap = getattr(raw, "row_cap", None)
    if cap:
        warn(f"the server returned {len(raw.rows)} rows, which looks like its row cap ({cap}): "
             "the result may be cut; add LIMIT/OFFSET or ask the server's admin")
    results.write(raw, fmt.value, sys.stdout, graph().store if fmt is ResultFormat.table else None)


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A named query (see `dprk-kg queries`).")],
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", help="A parameter as KEY=VALUE (repeatable).")] = None,
    fmt: Annotated[ResultFormat, typer.Option("--format", help="Output format.")] = ResultFormat.table,
) -> None:
    """Run a named query; parameters are checked against their declared types."""
    given: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--param wants KEY=VALUE, not {item!r}")
        given[key.strip()] = value
    _print_result(graph().query(name, **given), fmt)


@app.command()
def sparql(
    text: Annotated[Optional[str], typer.Argument(help="The query text.", show_default=False)] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from this file.")] = None,
    fmt: Annotated[ResultFormat, typer.Option("--format", help="Output format.")] = ResultFormat.table,
) -> None:
    """Run an ad hoc read-only SPARQL query (updates and SERVICE are refused)."""
    if (text is None) == (file is None):
        raise UserError("give the query text or --file FILE (one of the two)")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise UserError(f"cannot read: {e.strerror}", file=str(file)) from None
    _print_result(graph().sparql(text), fmt)


@app.command("build")
def build_command(force: Annotated[bool, typer.Option("--force", help="Rebuild even if up to date.")] = False) -> None:
    """(Re)build the store from ontology/, graph/ and added batches; with --endpoint, push there."""
    kg = graph()
    written = kg.build(force=force)
    where = kg.endpoint or kg.store_dir
    if written is None:
        emit(f"the store is up to date: {where}")
    else:
        emit(f"built {where}: {written} triples in {len(kg.store.named_graphs())} named graphs")


@app.command()
def stats(fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table) -> None:
    """Triples, named graphs, entities per class, sources and added batches."""
    from dprk_kg.results import curie

    numbers = graph().stats()
    if fmt is ListFormat.json:
        emit(json.dumps(numbers, ensure_ascii=False, indent=1))
        return
    lines = [f"store    {numbers['store']}", f"triples  {numbers['triples']}",
             f"sources  {numbers['sources']}", f"batches  {len(numbers['batches'])}", "named graphs:"]
    lines += [f"  {n:>8}  {g.removeprefix(namespaces.GRAPH)}" for g, n in numbers["graphs"].items()]
    lines.append("entities per class:")
    lines += [f"  {n:>8}  {curie(c)}" for c, n in numbers["classes"].items()]
    emit("\n".join(lines))


# ======================================================================================
# Ingest (owner: validate/ingest engineer): validate, add, batches, remove
# ======================================================================================

class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    turtle = "turtle"


InputFiles = Annotated[list[Path], typer.Argument(
    help="Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML, or a CSV template (docs/ingest.md).")]
InputFormat = Annotated[Optional[str], typer.Option(
    "--input-format", help="Format of the files when the extension does not say: turtle, trig, "
                           "ntriples, nquads, jsonld, rdfxml, csv.")]
ReportOption = Annotated[ReportFormat, typer.Option(
    "--format", help="Report as text, JSON, or the SHACL report graph in Turtle.")]
ShapesOption = Annotated[Optional[Path], typer.Option(
    help="SHACL shapes to check against (default: the project's ontology/shapes.ttl).")]


def _show_report(report, fmt: ReportFormat) -> None:
    if fmt is ReportFormat.json:
        emit(report.to_json())
    elif fmt is ReportFormat.turtle:
        emit(report.to_turtle())
    else:
        emit(report.to_text())


@app.command()
def validate(files: InputFiles, input_format: InputFormat = None,
             fmt: ReportOption = ReportFormat.text, shapes: ShapesOption = None) -> None:
    """Check new facts against the shapes and the existing graph; change nothing.

    Exit 0 when they conform (warnings shown), 1 on violations, 2 on unusable input.
    """
    report = graph().validate(files, fmt=input_format, shapes=shapes)
    _show_report(report, fmt)
    raise typer.Exit(report.exit_code)


@app.command()
def add(files: InputFiles,
        source: Annotated[Optional[str], typer.Option(
            help="The source of the batch: an IRI (kg:source/...) or a citation in words.")] = None,
        input_format: InputFormat = None, fmt: ReportOption = ReportFormat.text,
        shapes: ShapesOption = None) -> None:
    """Validate new facts and, if they conform, add them as one batch, all or nothing."""
    outcome = graph().add(files, source=source, fmt=input_format, shapes=shapes)
    _show_report(outcome.report, fmt)
    print(outcome.summary, file=sys.stderr)
    raise typer.Exit(outcome.exit_code)


@app.command()
def batches(fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table
            ) -> None:
    """List the batches added with `add`, oldest first."""
    from dataclasses import asdict

    from dprk_kg import ingest

    found = ingest.batches(graph())
    if fmt is ListFormat.json:
        emit(json.dumps([asdict(b) for b in found], ensure_ascii=False, indent=1))
        return
    if not found:
        emit("no batches added yet")
        return
    rows = [("batch", "added (UTC)", "triples", "by", "from", "source")]
    rows += [(b.id, b.created, str(b.triples), b.user, ", ".join(Path(f).name for f in b.files),
              b.source or "") for b in found]
    emit("\n".join("  ".join(row) for row in rows))


@app.command()
def remove(batch: Annotated[str, typer.Argument(help="The batch id (see `dprk-kg batches`).")],
           force: Annotated[bool, typer.Option(
               "--force", help="Remove even if facts left behind would break a shape.")] = False,
           fmt: ReportOption = ReportFormat.text, shapes: ShapesOption = None) -> None:
    """Take an added batch back, refused if what remains would break a shape."""
    from dprk_kg import ingest

    outcome = ingest.remove(graph(), batch, force=force, shapes=shapes)
    if outcome.report.problems:
        _show_report(outcome.report, fmt)
    if outcome.batch is not None:
        print(f"removed batch {batch}", file=sys.stderr)
    else:
        print(f"batch {batch} was NOT removed: facts left behind would break the rules above "
              "(--force to remove anyway)", file=sys.stderr)
    raise typer.Exit(outcome.exit_code)



# ======================================================================================
# Export (owner: export engineer): export
# ======================================================================================

ExportFormat = Enum("ExportFormat", {f: f for f in ("graphml", "gexf", "dot", "svg", "png", "cytoscape", "html")}, type=str)
ExportView = Enum("ExportView", {v: v for v in ("full", "dual-power", "hierarchy", "person", "elections")}, type=str)


@app.command("export")
def export_command(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="graphml/gexf (Gephi), dot/svg/png (Graphviz), cytoscape (Cytoscape.js JSON), html (offline browser viewer).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (written atomically).")],
    view: Annotated[ExportView, typer.Option("--view", help="What to draw.")] = ExportView["full"],
    unit: Annotated[Optional[str], typer.Option(help="dual-power: one unit (name in any romanization or Hangul, slug or IRI); default all.")] = None,
    person: Annotated[Optional[str], typer.Option(help="person: whose posts, memberships and candidacies.")] = None,
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="dual-power/hierarchy/elections: as of this date (YYYY-MM-DD; default today).")] = None,
) -> None:
    """Export a view of the graph for Gephi, Graphviz, Cytoscape or a browser."""
    written = graph().export(fmt.value, output, view=view.value, unit=unit, person=person, as_of=as_of)
    emit(f"wrote {written} ({fmt.value}, {view.value} view, {written.stat().st_size} bytes)")


# ======================================================================================
# Entry point
# ======================================================================================

#: Exit code of a bug (sysexits' EX_SOFTWARE), apart from 1 (a check failed) and 2 (bad input).
INTERNAL_ERROR = 70


def run(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit code (used by tests, in process)."""
    try:
        code = app(args=argv, prog_name="dprk-kg", standalone_mode=False)
        return code if isinstance(code, int) else 0
    except typer.TyperException as e:  # usage errors (exit 2), shown the way click shows them
        e.show() if hasattr(e, "show") else print(f"dprk-kg: error: {e.format_message()}", file=sys.stderr)
        return e.exit_code
    except typer.Exit as e:
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        print("aborted", file=sys.stderr)
        return 130
    except UserError as e:
        if _options.debug:
            traceback.print_exc()
        print(f"dprk-kg: error: {e}", file=sys.stderr)
        return e.exit_code
    except Exception as e:  # a bug, not bad input: say so in one line, keep the trace for --debug
        if _options.debug:
            traceback.print_exc()
        print(f"dprk-kg: internal error: {type(e).__name__}: {e} "
              "(rerun with --debug for the traceback, and please report it)", file=sys.stderr)
        return INTERNAL_ERROR
    finally:
        if _graph is not None:
            _graph.close()


def main() -> None:
    """The ``dprk-kg`` console script."""
    sys.exit(run())
