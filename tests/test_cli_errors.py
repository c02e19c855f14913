"""Errors and signals: every usage error on one line, --version, Ctrl-C, SPARQL prefixes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from dprk_kg import __version__, cli


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("args,message", [
    (("qurey", "dual-power"), "No such command 'qurey'. Did you mean 'query'?"),
    (("query", "dual-power", "--format", "jsn"), "'jsn' is not one of 'table', 'csv', 'tsv', 'json'. Did you mean 'json'?"),
    (("query",), "query: Missing argument 'name'."),
    (("query", "dual-power", "--formt", "csv"), "No such option: --formt"),
    (("export", "-o", "x.svg"), "export: Missing option '--format'."),
    (("find",), "find: Missing argument 'name'."),
    (("--timeout", "zero", "stats"), "Invalid value for '--timeout'"),
])
def test_every_usage_error_is_one_line_with_exit_2(args, message, store_dir, capsys):
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert err.startswith("dprk-kg: error: ") and message in err and err.count("\n") == 1


def test_version(capsys):
    assert run(capsys, "--version") == (0, f"dprk-kg {__version__}\n", "")


def _ctrl_c_as_in_a_terminal() -> None:
    """In the child: Ctrl-C as a terminal delivers it, whatever this run inherited.

    A test run started in the background of a non-interactive shell (a CI script's ``&``,
    ``nohup``) inherits SIGINT ignored, and Python then installs no handler of its own: the
    command would rightly go on, as any Unix program started so does, and the test would
    check nothing about dprk-kg."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _interrupt_when(command: list[str], loaded: str, after: float = 0.0) -> tuple[subprocess.CompletedProcess, float]:
    """Run ``command``, press Ctrl-C ``after`` seconds after the shared library ``loaded`` is
    mapped (the imports are under way), and return what it did and the seconds it took to
    stop after the Ctrl-C (timed from the signal, so that a slow start on a loaded machine
    does not count)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               preexec_fn=_ctrl_c_as_in_a_terminal)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        with open(f"/proc/{process.pid}/maps") as maps:
            if loaded in maps.read():
                break
        time.sleep(0.001)
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    pressed = time.monotonic()
    out, err = process.communicate(timeout=30)
    return subprocess.CompletedProcess(command, process.returncode, out, err), time.monotonic() - pressed


NEEDS_PROC = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc to see the imports start")


@NEEDS_PROC
def test_ctrl_c_during_start_up_is_one_line_and_exit_130(built_store):
    command = [sys.executable, "-m", "dprk_kg", "--store", str(built_store), "query", "dual-power"]
    # On a loaded machine this process may not run again before the child has answered (in
    # under a second): then the Ctrl-C came too late to test anything, and the try is repeated.
    for _ in range(5):
        done, _ = _interrupt_when(command, "pyoxigraph")
        if done.returncode != 0:
            break
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "dprk-kg: interrupted\n")


@NEEDS_PROC
def test_ctrl_c_during_a_long_query_stops_it_at_once(built_store):
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    done, stopping = _interrupt_when([sys.executable, "-m", "dprk_kg", "--store", str(built_store), "sparql",
                                      endless], "pyoxigraph", after=3.0)
    assert (done.returncode, done.stderr) == (130, "dprk-kg: interrupted\n")
    assert stopping < 10  # the query alone would run for hours


def test_ctrl_c_in_a_writer_says_the_store_is_unchanged(store_dir, monkeypatch, capsys, tmp_path):
    """The interrupt lands inside the write (here: in its validation); the batches are as before."""
    from dprk_kg import build, ingest

    build.build(store_dir)
    batch = tmp_path / "b.ttl"
    batch.write_text("")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(ingest, "add", interrupted)
    old = signal.getsignal(signal.SIGINT)
    try:
        code, out, err = run(capsys, "add", str(batch))
    finally:
        signal.signal(signal.SIGINT, old)
    assert (code, err) == (130, "dprk-kg: interrupted: the store is unchanged\n")


def test_sparql_knows_the_project_prefixes(store_dir, capsys):
    code, out, _ = run(capsys, "sparql", "SELECT ?x WHERE { ?x a dprk:Province ; rdfs:label ?l } LIMIT 1",
                       "--format", "csv", "--no-labels")
    assert code == 0 and out.splitlines()[1].startswith("https://w3id.org/dprk-kg/id/unit/")
    # A query that declares a prefix itself keeps its own meaning of it.
    own = 'PREFIX dprk: <http://example.org/other#> ASK { ?x a dprk:Province }'
    assert run(capsys, "sparql", own)[1] == "no\n"


def test_an_unknown_prefix_is_named(store_dir, capsys):
    code, _, err = run(capsys, "sparql", "SELECT * WHERE {\n  ?x a foo:Bar }")
    assert code == 2 and err == ("dprk-kg: error: line 2, column 8: unknown prefix foo: "
                                 "(declare it with PREFIX foo: <...>)\n")


def test_a_syntax_error_keeps_the_position_as_typed_and_whole_tokens(store_dir, capsys):
    code, _, err = run(capsys, "sparql", "SELECT * WHERE { ?x a dprk:Province LIMIT 1")
    assert code == 2 and "error at 1:" in err and err.count("\n") == 1
    assert err.rstrip().endswith((", ...", "]")) or len(err) < 140
