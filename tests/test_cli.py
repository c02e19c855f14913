"""The command line, run in process: each command, each output format, each error path."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg import build, cli, namespaces, resources

FIXTURES = Path(__file__).parent / "fixtures" / "queries"


@pytest.fixture
def fixture_queries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resources, "queries_dir", lambda: FIXTURES)


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_build_then_up_to_date_then_force(store_dir: Path, capsys) -> None:
    code, out, _ = run(capsys, "build")
    assert code == 0 and f"built {store_dir}" in out
    assert run(capsys, "build")[1].startswith("the store is up to date")
    assert run(capsys, "build", "--force")[1].startswith(f"built {store_dir}")


def test_queries_lists_names_summaries_and_parameters(store_dir: Path, fixture_queries, capsys) -> None:
    code, out, _ = run(capsys, "queries", "--format", "json")
    listed = {q["name"]: q for q in json.loads(out)}
    assert code == 0 and set(listed) == {p.stem for p in FIXTURES.glob("*.rq")}
    assert listed["people-by-label"]["params"][0] == {
        "name": "text", "type": "string", "required": True, "default": None,
        "description": "part of the English label to look for (case-insensitive)", "allowed": None}
    code, out, _ = run(capsys, "queries")
    assert code == 0 and "people-by-label" in out and "text (string, required)" in out


def test_query_in_every_format(store_dir: Path, fixture_queries, capsys) -> None:
    args = ("query", "people-by-label", "--param", "text=people's", "-p", "class=owl:Class")
    code, out, _ = run(capsys, *args, "--format", "json")
    parsed = ox.parse_query_results(out.encode(), format=ox.QueryResultsFormat.JSON)
    rows = [(s["thing"], s["label"]) for s in parsed]
    assert code == 0 and rows and all("people's" in label.value.lower() for _, label in rows)
    tsv = run(capsys, *args, "--format", "tsv")[1]
    assert [(s["thing"], s["label"]) for s in
            ox.parse_query_results(tsv.encode(), format=ox.QueryResultsFormat.TSV)] == rows
    csv_lines = run(capsys, *args, "--format", "csv", "--no-labels")[1].split("\r\n")
    assert csv_lines[0] == "thing,label" and csv_lines[1].startswith(rows[0][0].value + ",")
    table = run(capsys, *args)[1]
    assert rows[0][1].value in table and rows[0][0].value not in table  # labels, not IRIs
    assert f"{len(rows)} rows" in table


@pytest.mark.parametrize("args,message", [
    (("query", "people-by-label"), "needs --param text=VALUE"),
    (("query", "people-by-label", "-p", "text"), "--param wants KEY=VALUE"),
    (("query", "classes-since", "-p", "date=yesterday"), "parameter date must be an xsd:date"),
    (("query", "no-such-query"), "no named query 'no-such-query'"),
    (("sparql", "DELETE WHERE { ?s ?p ?o }"), "updates are refused (DELETE)"),
    (("sparql",), "give the query text or --file FILE"),
    (("sparql", "--file", "/nonexistent/q.rq"), "/nonexistent/q.rq: cannot read"),
    (("sparql", "SELECT ?x WHERE {"), "SPARQL syntax error"),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(args, message, store_dir: Path, fixture_queries, capsys) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == ""
    assert err.startswith("dprk-kg: error: ") and message in err and err.count("\n") == 1


def test_debug_adds_the_traceback(store_dir: Path, capsys) -> None:
    code, _, err = run(capsys, "--debug", "sparql", "CLEAR ALL")
    assert code == 2 and "Traceback" in err and err.rstrip().endswith("use `dprk-kg add` to add facts")


def test_usage_errors_exit_2(store_dir: Path, capsys) -> None:
    assert run(capsys, "query", "x", "--format", "xml")[0] == 2
    assert run(capsys, "--no-such-option")[0] == 2


def test_sparql_from_a_file_and_stats(store_dir: Path, tmp_path: Path, capsys) -> None:
    q = tmp_path / "count.rq"
    q.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    code, out, _ = run(capsys, "sparql", "--file", str(q), "--format", "csv")
    assert code == 0
    n = int(out.split("\r\n")[1])
    code, out, _ = run(capsys, "stats", "--format", "json")
    numbers = json.loads(out)
    assert code == 0 and numbers["triples"] == n == sum(numbers["graphs"].values())
    assert set(numbers["graphs"]) == {namespaces.ONTOLOGY_GRAPH + p.stem for p in resources.ontology_files()} | {
        namespaces.BASE_GRAPH + resources.graph_key(p) for p in resources.graph_files()}
    code, out, _ = run(capsys, "stats")
    assert code == 0 and f"triples  {n}" in out
    assert run(capsys, "sparql", "ASK { ?s ?p ?o }")[1] == "yes\n"


def test_a_stale_store_is_rebuilt_before_answering(store_dir: Path, capsys) -> None:
    run(capsys, "build")
    (build.batches_dir(store_dir) / "late.nq").write_text(
        f"<http://example.org/late> <http://example.org/p> \"added\" <{namespaces.BATCH_GRAPH}late> .\n")
    code, out, _ = run(capsys, "sparql", "SELECT ?o WHERE { <http://example.org/late> ?p ?o }", "--format", "csv")
    assert code == 0 and out == "o\r\nadded\r\n"
    assert json.loads(run(capsys, "stats", "--format", "json")[1])["batches"] == {"late": 1}


def test_python_m_and_the_console_script(store_dir: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "dprk_kg", "sparql", "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
                           "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0 and len(json.loads(done.stdout)["results"]["bindings"]) == 1
    bad = subprocess.run([sys.executable, "-m", "dprk_kg", "sparql", "LOAD <http://e/x>"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.startswith("dprk-kg: error: updates are refused")


def test_heavy_libraries_stay_off_the_query_path(store_dir: Path) -> None:
    """A query must start fast: rdflib, pyshacl, networkx load only for the commands needing them."""
    code = ("import sys; from dprk_kg import cli; cli.run(['sparql', 'ASK {}']); "
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'networkx', 'pandas') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip().endswith("[]"), done.stdout + done.stderr


def test_timeout_stops_a_long_query(store_dir: Path) -> None:
    """Run in a child process: the abandoned evaluation ends with it."""
    heavy = ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?p ?o } LIMIT 400 } "
             "{ SELECT ?b WHERE { ?b ?q ?r } LIMIT 400 } { SELECT ?c WHERE { ?c ?s ?t } LIMIT 400 } }")
    done = subprocess.run([sys.executable, "-m", "dprk_kg", "--timeout", "0.05", "sparql", heavy],
                          capture_output=True, text=True)
    assert done.returncode == 2 and "longer than the 0.05 s timeout" in done.stderr


def test_a_bug_is_one_line_too_and_not_a_failed_check(store_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self):
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(cli.api.KnowledgeGraph, "stats", broken)
    code, _, err = run(capsys, "stats")
    assert code == cli.INTERNAL_ERROR not in (0, 1, 2)
    assert err.count("\n") == 1 and "internal error: RuntimeError: something unexpected" in err
    code, _, err = run(capsys, "--debug", "stats")
    assert code == cli.INTERNAL_ERROR and "Traceback" in err


def test_the_table_prints_values_as_given(store_dir: Path, capsys) -> None:
    """A quote with brackets or colons is text, not rich markup or an emoji code."""
    value = "[bold]KCNA[/bold] said :smile: [1]"
    code, out, _ = run(capsys, "sparql", f'SELECT ?quote WHERE {{ VALUES ?quote {{ "{value}" }} }}')
    assert code == 0 and value in out
