"""``dprk-kg``: the command line, a thin shell over :mod:`dprk_kg.api`.

Each command parses its options, makes one API call and prints. Errors are
:class:`~dprk_kg.errors.UserError`: one line on stderr and exit code 2 (a traceback only with
``--debug``); a check that did not hold exits 1.

Commands are grouped in sections by job: toolkit (queries, query, sparql, build,
stats), ingest (validate, add, batches, remove), export (export). Inside a command, call
:func:`graph` for the :class:`~dprk_kg.api.KnowledgeGraph` the global options describe, and
:func:`emit` / :func:`warn` to print.
"""

from __future__ import annotations

import io
import json
import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from dprk_kg import api, namespaces
from dprk_kg.errors import UserError
from dprk_kg.store import SelectResult

if TYPE_CHECKING:  # read for their types only: each command imports what it runs
    import pyoxigraph as ox

    from dprk_kg.catalog import NamedQuery, Param
    from dprk_kg.validation import Report

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


def _print_version(given: bool) -> None:
    if given:
        from dprk_kg import __version__

        emit(f"dprk-kg {__version__}")
        raise typer.Exit(0)


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
    version: Annotated[bool, typer.Option(
        "--version", is_eager=True, callback=lambda given: _print_version(given),
        help="Print the version and exit.")] = False,
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
def queries(
    name: Annotated[Optional[str], typer.Argument(help="One query: print its header in full.", show_default=False)] = None,
    fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """List the named queries with their summary and parameters, or describe one."""
    if name is not None:
        from dprk_kg import catalog

        one = catalog.get(name)
        emit(json.dumps(_describe(one), ensure_ascii=False, indent=1) if fmt is ListFormat.json else _header_text(one))
        return
    found = graph().queries()
    if fmt is ListFormat.json:
        emit(json.dumps([_describe(q) for q in found.values()], ensure_ascii=False, indent=1))
        return
    _print_box(["name", "summary", "parameters"],
               [[q.name, q.summary, "\n".join(_param_text(p) for p in q.params)] for q in found.values()])


def _param_text(p: Param) -> str:
    flags = "required" if p.required else f"default {p.default}" if p.default else "optional"
    return f"{p.name} ({p.kind}, {flags})"


def _describe(q: NamedQuery) -> dict[str, object]:
    return {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
            "columns": list(q.columns), "table": list(q.table or q.columns),
            "params": [{"name": p.name, "type": p.kind, "required": p.required, "default": p.default,
                        "description": p.description, "allowed": list(p.allowed) if p.allowed else None}
                       for p in q.params]}


def _header_text(q: NamedQuery, *, full: bool = True) -> str:
    """A query's header for people: what it answers and how to read its columns."""
    import textwrap

    lines = [f"{q.name}: {q.summary}"]
    if q.description:
        lines += ["", *textwrap.wrap(" ".join(q.description.split()), 88)]
    if full:
        lines += ["", f"tags: {', '.join(q.tags) or '-'}"]
        lines += ["parameters:"] + [f"  {_param_text(p)}" + (f": {p.description}" if p.description else "")
                                    + (f" (one of {', '.join(p.allowed)})" if p.allowed else "")
                                    for p in q.params] if q.params else ["parameters: none"]
    if q.columns:
        lines += ["", f"columns: {', '.join(q.columns)}"]
        if q.table and q.table != q.columns:
            lines.append(f"table shows: {', '.join(q.table)} (--wide: all)")
    return "\n".join(lines)


def _print_result(result: api.Rows | bool | list[ox.Triple], fmt: ResultFormat, *, columns: list[str] | None = None,
                  labels: bool | None = None, excel: bool = False) -> None:
    from dprk_kg import results

    raw = result.result if isinstance(result, api.Rows) else result
    if isinstance(raw, SelectResult) and raw.row_cap:
        warn(f"the server returned {len(raw.rows)} rows, which looks like its row cap ({raw.row_cap}): "
             "the result may be cut; add LIMIT/OFFSET or ask the server's admin")
    if labels is None:  # names beside IRIs where people read them: the table, CSV, TSV
        labels = fmt is not ResultFormat.json
    store = graph().store if labels or fmt is ResultFormat.table else None
    if excel:  # Excel reads a CSV as the local code page unless it starts with a BOM
        buffer = io.StringIO()
        results.write(raw, fmt.value, buffer, store, columns=columns, labels=labels)
        sys.stdout.flush()
        sys.stdout.buffer.write(buffer.getvalue().encode("utf-8-sig"))
        sys.stdout.buffer.flush()
        return
    results.write(raw, fmt.value, sys.stdout, store, columns=columns, labels=labels)


def _format(fmt: ResultFormat | None, excel: bool) -> ResultFormat:
    """The output format: --excel writes CSV, and only CSV."""
    if excel and fmt not in (None, ResultFormat.csv):
        raise UserError(f"--excel writes CSV; it does not go with --format {fmt.value}")
    return ResultFormat.csv if excel else fmt or ResultFormat.table


FormatOption = Annotated[Optional[ResultFormat], typer.Option(
    "--format", help="Output format (default: table).", show_default=False)]
LabelsOption = Annotated[Optional[bool], typer.Option(
    "--labels/--no-labels", help="A <column>_label column beside each IRI column (default: on for CSV/TSV, off for JSON).",
    show_default=False)]
ExcelOption = Annotated[bool, typer.Option(
    "--excel", help="CSV that Excel opens with Hangul intact (UTF-8 with a byte-order mark).")]
WideOption = Annotated[bool, typer.Option("--wide", help="The table shows every column, not the query's chosen few.")]


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A named query (see `dprk-kg queries`).")],
    param: Annotated[Optional[list[str]], typer.Option(
        "--param", "-p", help="A parameter as KEY=VALUE (repeatable).")] = None,
    fmt: FormatOption = None, wide: WideOption = False, labels: LabelsOption = None, excel: ExcelOption = False,
    explain: Annotated[bool, typer.Option("--explain", help="First say what the query answers and how to read its columns.")] = False,
) -> None:
    """Run a named query; parameters are checked against their declared types."""
    fmt = _format(fmt, excel)
    given: dict[str, str] = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UserError(f"--param wants KEY=VALUE, not {item!r}")
        given[key.strip()] = value
    from dprk_kg import catalog

    named = catalog.get(name)
    result = graph().query(named, **given)
    if explain:  # on stderr beside a machine format, which stays parseable
        print(_header_text(named, full=False) + "\n", file=sys.stdout if fmt is ResultFormat.table else sys.stderr)
    columns = None if wide else list(named.table) or None
    _print_result(result, fmt, columns=columns, labels=labels, excel=excel)


@app.command()
def sparql(
    text: Annotated[Optional[str], typer.Argument(help="The query text.", show_default=False)] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from this file.")] = None,
    fmt: FormatOption = None, labels: LabelsOption = None, excel: ExcelOption = False,
) -> None:
    """Run an ad hoc read-only SPARQL query (updates and SERVICE are refused)."""
    fmt = _format(fmt, excel)
    if (text is None) == (file is None):
        raise UserError("give the query text or --file FILE (one of the two)")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as e:
            raise UserError(f"cannot read: {e.strerror}", file=str(file)) from None
    assert text is not None  # given, or read from the file
    _print_result(graph().sparql(text), fmt, labels=labels, excel=excel)


@app.command()
def find(
    name: Annotated[str, typer.Argument(help="A name in any script or romanization, a slug, a prefixed name or an IRI.")],
    limit: Annotated[int, typer.Option(min=1, help="At most this many hits.")] = 20,
    fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table,
) -> None:
    """Find nodes by any of their names (typos forgiven), best first, with their kind."""
    hits = graph().search(name, limit)
    if fmt is ListFormat.json:
        emit(json.dumps([{"iri": h.iri, "kind": h.kind, "type": h.type, "label": h.label,
                          "matched": h.matched, "score": h.score} for h in hits], ensure_ascii=False, indent=1))
        return
    if not hits:
        emit(f"nothing is called {name!r}")
        raise typer.Exit(1)
    from dprk_kg.results import curie

    _print_box(["kind", "label", "matched name", "iri"],
               [[h.kind, h.label, "" if h.matched == h.label else h.matched, curie(h.iri)] for h in hits])


def _print_box(columns: list[str], cells: list[list[str]]) -> None:
    from dprk_kg.results import box_table, terminal_width

    sys.stdout.write(box_table(columns, cells, terminal_width(sys.stdout)))


@app.command("build")
def build_command(force: Annotated[bool, typer.Option("--force", help="Rebuild even if up to date.")] = False) -> None:
    """(Re)build the store from ontology/, graph/ and added batches; with --endpoint, push there."""
    kg = graph()
    _on_interrupt_say(_store_unchanged(kg, lambda: kg.store_dir and _generation(kg)))
    written = kg.build(force=force)
    where = kg.endpoint or kg.store_dir
    if written is None:
        emit(f"the store is up to date: {where}")
    else:
        emit(f"built {where}: {written} triples in {len(kg.store.named_graphs())} named graphs")


@app.command()
def stats(fmt: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = ListFormat.table) -> None:
    """Triples, named graphs, entities per class, sources and added batches."""
    from dprk_kg import coverage
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
    lines += ["coverage as of today",
              "(held: a holder confirmed, not stale; median age: of the last attestation)"]
    lines += coverage.table([coverage.LevelCoverage(**c) for c in numbers["coverage"]])
    emit("\n".join(lines))


# ======================================================================================
# Ingest (dprk_kg.validation, dprk_kg.ingest): validate, add, batches, remove
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


def _show_report(report: Report, fmt: ReportFormat) -> None:
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
    from dprk_kg import ingest

    kg = graph()
    _on_interrupt_say(_store_unchanged(kg, lambda: ingest.batch_ids(kg.store)))
    outcome = kg.add(files, source=source, fmt=input_format, shapes=shapes)
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

    kg = graph()
    _on_interrupt_say(_store_unchanged(kg, lambda: ingest.batch_ids(kg.store)))
    outcome = ingest.remove(kg, batch, force=force, shapes=shapes)
    if outcome.report.problems:
        _show_report(outcome.report, fmt)
    if outcome.batch is not None:
        print(f"removed batch {batch}", file=sys.stderr)
    else:
        print(f"batch {batch} was NOT removed: facts left behind would break the rules above "
              "(--force to remove anyway)", file=sys.stderr)
    raise typer.Exit(outcome.exit_code)



# ======================================================================================
# Export (dprk_kg.export): export
# ======================================================================================

ExportFormat = Enum("ExportFormat", {"graphml": "graphml", "gexf": "gexf", "dot": "dot", "svg": "svg", "png": "png",
                                     "cytoscape": "cytoscape", "html": "html"}, type=str)
ExportView = Enum("ExportView", {"full": "full", "dual-power": "dual-power", "hierarchy": "hierarchy",
                                 "person": "person", "elections": "elections"}, type=str)


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
# Serve (dprk_kg.web): serve
# ======================================================================================

@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; loopback unless you mean to share it.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    row_cap: Annotated[int, typer.Option("--row-cap", min=1, help="Most rows /sparql and the query page send back.")] = 10_000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Processes answering requests (one per core serves most).")] = 1,
) -> None:
    """Serve a read-only web explorer and SPARQL endpoint (Ctrl-C stops it); --timeout bounds each query."""
    import uvicorn  # the web stack loads only here: other commands start without it

    from dprk_kg.web import app as web

    kg = graph()
    timeout = _options.timeout or web.DEFAULT_TIMEOUT
    kg.store  # built (or rebuilt) here, once, before any worker opens it
    if host not in ("127.0.0.1", "localhost", "::1"):
        warn(f"listening on {host}: whoever can reach this machine can read the graph (read-only)")
    print(f"dprk-kg: serving {kg.endpoint or kg.store_dir} at http://{host}:{port}/ (Ctrl-C stops)",
          file=sys.stderr)
    if workers == 1:
        uvicorn.run(web.create_app(kg, timeout=timeout, row_cap=row_cap), host=host, port=port, log_level="warning")
        return
    import os

    os.environ[web.WORKER_SETTINGS] = json.dumps(
        {"store": str(kg.store_dir), "endpoint": kg.endpoint, "update_endpoint": _options.update_endpoint,
         "timeout": timeout, "row_cap": row_cap})
    uvicorn.run("dprk_kg.web.app:app_from_environment", factory=True, workers=workers, host=host, port=port,
                log_level="warning")


# ======================================================================================
# Entry point
# ======================================================================================

#: Exit code of a bug (sysexits' EX_SOFTWARE), apart from 1 (a check failed) and 2 (bad input).
INTERNAL_ERROR = 70


def run(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv``; return the exit code (used by tests, in process)."""
    global _after_interrupt
    _after_interrupt = None
    try:
        code = app(args=argv, prog_name="dprk-kg", standalone_mode=False)
        if code == INTERRUPTED:  # typer turns Ctrl-C inside a command into this exit code
            return interrupted()
        return code if isinstance(code, int) else 0
    except typer.TyperException as e:  # usage errors: one line, as every other error
        if type(e).__name__ == "NoArgsIsHelpError":  # plain `dprk-kg`: the help, as asked
            e.show()  # type: ignore[attr-defined]  # a click UsageError, which typer does not export
            return e.exit_code
        print(f"dprk-kg: error: {usage_message(e)}", file=sys.stderr)
        return e.exit_code
    except typer.Exit as e:
        return interrupted() if e.exit_code == INTERRUPTED else e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        return interrupted()
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


#: Exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2).
INTERRUPTED = 130
#: Set by a command that writes: what became of the store if Ctrl-C stops it.
_after_interrupt: Callable[[], str] | None = None


def _on_interrupt_say(message: Callable[[], str]) -> None:
    global _after_interrupt
    _after_interrupt = message


def _store_unchanged(kg: api.KnowledgeGraph, state: Callable[[], object]) -> Callable[[], str]:
    """What to say if Ctrl-C stops a writer: whether ``state`` (the batches, the store's
    generation) is what it was before the command began."""
    before = state()

    def outcome() -> str:
        kg.close()  # read the store as it is now, not the copy opened before
        return "the store is unchanged" if state() == before else "the change was made before the interrupt"
    return outcome


def _generation(kg: api.KnowledgeGraph) -> str:
    from dprk_kg.build import current_index

    return str(current_index(kg.store_dir)) if not kg.remote else ""


def interrupted() -> int:
    """Ctrl-C: one line (a second Ctrl-C is ignored while it is written), exit 130."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    outcome = ""
    if _after_interrupt is not None:
        try:
            outcome = f": {_after_interrupt()}"
        except Exception:  # the store cannot be read back: say nothing rather than guess
            outcome = ""
    print(f"dprk-kg: interrupted{outcome}", file=sys.stderr)
    return INTERRUPTED


def usage_message(e: typer.TyperException) -> str:
    """The framework's usage error as one line, with the nearest choice for a bad one."""
    import difflib
    import re

    message = " ".join(e.format_message().split())
    param = getattr(e, "param", None)
    choices = getattr(getattr(param, "type", None), "choices", None)
    typed = re.search(r"'([^']*)' is not one of", message)
    if choices and typed:
        close = difflib.get_close_matches(typed[1], [str(c) for c in choices], n=1, cutoff=0.4)
        if close:
            message += f" Did you mean {close[0]!r}?"
    ctx = getattr(e, "ctx", None)
    if ctx is not None and ctx.command_path != "dprk-kg" and "No such command" not in message:
        message = f"{ctx.command_path.removeprefix('dprk-kg ')}: {message}"
    return message


def main() -> None:
    """The command line, run by ``dprk-kg`` and ``python -m dprk_kg`` (see :mod:`dprk_kg.__main__`)."""
    code = run()
    try:
        sys.stdout.flush()
    except KeyboardInterrupt:
        code = interrupted()
    except BrokenPipeError:  # `dprk-kg query ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    sys.exit(code)
