"""The benchmark runs end to end at the smallest size (CI's smoke test; no timing asserted).

What is asserted is what a reader of the benchmark relies on: every step yields a figure or
says why not, and wherever both sides answered they gave the same rows, verdicts and problems.
"""

from __future__ import annotations

import json

import pytest

from dprk_kg import catalog

from support import benchmark_script

run = benchmark_script("run")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, str]:
    work = tmp_path_factory.mktemp("bench")
    out = work / "bench.json"
    # A short cap keeps the baseline's (pyshacl's, rdflib's) slow steps brief; dprk-kg's own
    # get a long one, so that a loaded machine (CI beside other jobs) does not cut them.
    run.main(["--size", "1000", "--cap", "5", "--project-cap", "300", "--repeat", "1", "--workdir", str(work),
              "--deputies", "40", "--baseline", "HEAD", "--json", str(out)])
    return json.loads(out.read_text()), str(work)


def test_every_row_has_a_figure_or_a_reason(report: tuple[dict, str]) -> None:
    rows = report[0]["rows"]
    assert rows
    for r in rows:
        assert r["project"] is not None or r["naive"] is not None or r["note"], r
        assert "error:" not in r["note"], r


def test_both_sides_agree_wherever_both_answered(report: tuple[dict, str]) -> None:
    assert [r["measure"] for r in report[0]["rows"] if r["same"] is False] == []


def test_every_named_query_is_measured(report: tuple[dict, str]) -> None:
    measured = {r["measure"] for r in report[0]["rows"] if r["group"] == "queries"}
    assert set(catalog.catalog()) <= measured


def test_build_is_measured_on_both_sides(report: tuple[dict, str]) -> None:
    """dprk-kg's build always has its figure; rdflib's parse has one or says it ran past the
    smoke test's short cap (5 s: on a machine loaded by other jobs, parsing the 30,000 triples
    can take that long), never an error or nothing."""
    builds = [r for r in report[0]["rows"] if r["group"] == "build" and r["unit"] == "s"
              and r["measure"].startswith("build")]
    assert builds and all(isinstance(r["project"], float) for r in builds), builds
    assert all(isinstance(r["naive"], float) or r["naive"] == "timeout" for r in builds), builds
    assert report[0]["info"]["triples"] > report[0]["info"]["synthetic_triples"]


def test_the_commands_end_to_end_exit_as_a_user_expects(report: tuple[dict, str]) -> None:
    """Start-up, the query (as a table, at 80 columns, as records), find answer (exit 0) and
    the batch with injected errors is refused (exit 1)."""
    rows = [r for r in report[0]["rows"] if r["group"] == "cli"]
    assert len(rows) == 6 and all(isinstance(r["project"], float) for r in rows), rows


def test_a_batch_of_deputies_is_validated_and_added_and_reads_stay_fast(report: tuple[dict, str]) -> None:
    """The batch of real size (here 40 deputies) conforms and lands; the reads around it and
    a moved store's first validation answer as they should."""
    rows = {r["measure"].split(" (")[0]: r for r in report[0]["rows"] if r["group"] == "deputies"}
    assert rows["`dprk-kg validate` 40 deputies"]["note"].startswith("exit 0")
    assert rows["`dprk-kg add` 40 deputies"]["note"].startswith("exit 0: added batch")
    for measure, row in rows.items():
        assert isinstance(row["project"], float), (measure, row)
    moved = next(r for m, r in rows.items() if "moved elsewhere" in m)
    assert moved["note"].startswith("exit 1")  # the batch's injected errors, found on the copy


def test_the_deputies_are_measured_beside_a_baseline_of_the_code(report: tuple[dict, str]) -> None:
    """``--baseline REV``: validate and add with that revision's code in the same run, and
    this tree's rows give their ratio to it."""
    rows = [r for r in report[0]["rows"] if r["group"] == "deputies"]
    baseline = [r for r in rows if ", baseline " in r["measure"]]
    assert len(baseline) == 4 and all(isinstance(r["project"], float) for r in baseline), baseline
    assert baseline[2]["note"].startswith("exit 0: added batch")
    add = next(r for r in rows if r["measure"].startswith("`dprk-kg add`") and r not in baseline)
    assert "× the baseline's" in add["note"], add
