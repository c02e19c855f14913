"""Output people can read and reuse: the narrow table, one record per block, label columns,
a CSV Excel opens, a query's header explained."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox
import pytest
from rich.cells import cell_len

from dprk_kg import catalog, cli
from dprk_kg.errors import UserError
from dprk_kg.namespaces import KG


@pytest.fixture
def shipped(built_store, monkeypatch):
    monkeypatch.setenv("DPRK_KG_STORE", str(built_store))
    monkeypatch.setenv("COLUMNS", "80")


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_every_named_query_declares_a_short_table_of_its_own_columns():
    for q in catalog.catalog().values():
        if q.form == "SELECT":
            assert q.table and set(q.table) <= set(q.columns) and len(q.table) < len(q.columns), q.name


def test_a_table_column_the_query_lacks_is_refused(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("#+ summary: s\n#+ columns: [a]\n#+ table: [a, b]\nSELECT ?a WHERE { ?a ?p ?o }\n")
    with pytest.raises(UserError, match="q.rq:1: 'table' names b, not a column"):
        catalog.load(path)


def test_the_default_table_fits_80_columns_with_labels(shipped, capsys):
    code, out, _ = run(capsys, "query", "dual-power")
    lines = out.splitlines()
    assert code == 0 and max(map(cell_len, lines)) <= 80
    assert lines[1].split() == ["┃", "unit", "┃", "side", "┃", "holder", "┃", "as_of", "┃"]
    assert "South Hamgyong Province" in out and KG not in out
    assert lines[-1].endswith(f"(4 of {len(catalog.get('dual-power').columns)} columns; --wide shows all)")


def test_wide_rows_that_cannot_fit_print_one_record_per_block(shipped, capsys):
    code, out, _ = run(capsys, "query", "dual-power", "--wide", "-p", "unit=South Hamgyong")
    lines = out.splitlines()
    assert code == 0 and max(map(cell_len, lines)) <= 80
    assert lines[0].startswith("── 1 ") and "┃" not in out
    fields = {line.split()[0] for line in lines[1:-1] if not line.startswith(" ")}
    assert {"unit", "side", "post", "as_of", "de_facto_sources"} <= fields
    assert "unit                South Hamgyong Province" in out and lines[-1] == "2 rows"  # a side each


def test_a_wide_terminal_keeps_the_table(shipped, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")
    out = run(capsys, "query", "dual-power", "--wide")[1]
    assert "┃ unit" in out and "post_sources" in out and "── 1 " not in out


IRI_COLUMNS = ("unit", "post")


def test_label_columns_in_every_machine_format(shipped, capsys):
    args = ("query", "dual-power", "-p", "unit=South Hamgyong")
    rows = list(csv.DictReader(io.StringIO(run(capsys, *args, "--format", "csv")[1])))
    assert rows[0]["unit"] == KG + "unit/south-hamgyong" and rows[0]["unit_label"] == "South Hamgyong Province"
    assert all(rows[0][c + "_label"] and not rows[0][c + "_label"].startswith("http") for c in IRI_COLUMNS)
    header = run(capsys, *args, "--format", "csv")[1].splitlines()[0].split(",")
    assert header.index("unit_label") == header.index("unit") + 1

    tsv = run(capsys, *args, "--format", "tsv")[1]
    parsed = list(ox.parse_query_results(tsv.encode(), format=ox.QueryResultsFormat.TSV))
    assert parsed[0]["unit_label"] == ox.Literal("South Hamgyong Province")

    plain = json.loads(run(capsys, *args, "--format", "json")[1])
    assert "unit_label" not in plain["head"]["vars"]  # JSON: off by default, for programs
    labelled = json.loads(run(capsys, *args, "--format", "json", "--labels")[1])
    assert labelled["results"]["bindings"][0]["unit_label"] == {"type": "literal", "value": "South Hamgyong Province"}
    bare = run(capsys, *args, "--format", "csv", "--no-labels")[1]
    assert "_label" not in bare.splitlines()[0]


def test_a_list_of_sources_gets_its_labels_in_the_same_order(shipped, capsys):
    rows = list(csv.DictReader(io.StringIO(run(capsys, "query", "dual-power", "-p", "unit=South Hamgyong",
                                               "--format", "csv")[1])))
    party = next(r for r in rows if r["de_facto_sources"])  # the side whose post claims say rules
    sources, labels = party["de_facto_sources"].split(" | "), party["de_facto_sources_label"].split(" | ")
    assert len(sources) == len(labels) >= 2 and all(not label.startswith("http") for label in labels)


def test_excel_gets_utf8_with_a_byte_order_mark(shipped, capsysbinary):
    assert cli.run(["query", "dual-power", "-p", "unit=South Hamgyong", "--excel"]) == 0
    raw = capsysbinary.readouterr().out
    assert raw.startswith(b"\xef\xbb\xbfunit,unit_label,")
    assert cli.run(["query", "dual-power", "--excel", "--format", "json"]) == 2
    assert b"--excel writes CSV" in capsysbinary.readouterr().err


def test_explain_says_how_to_read_the_columns_before_the_rows(shipped, capsys):
    code, out, _ = run(capsys, "query", "turnout-by-source", "--explain")
    q = catalog.get("turnout-by-source")
    assert code == 0 and out.startswith(f"turnout-by-source: {q.summary}")
    assert " ".join(q.description.split())[:60] in " ".join(out.split())
    assert out.index("columns: election, date") < out.index("┃ election")
    code, out, err = run(capsys, "query", "turnout-by-source", "--explain", "--format", "csv")
    assert out.startswith("election,") and err.startswith("turnout-by-source: ")


def test_queries_name_prints_the_whole_header(shipped, capsys):
    code, out, _ = run(capsys, "queries", "dual-power")
    q = catalog.get("dual-power")
    assert code == 0 and out.startswith(f"dual-power: {q.summary}")
    for p in q.params:
        assert f"{p.name} ({p.kind}" in out and p.description in out
    assert f"columns: {', '.join(q.columns)}" in out and "table shows: unit, side, holder, as_of" in out
    described = json.loads(run(capsys, "queries", "dual-power", "--format", "json")[1])
    assert described["table"] == list(q.table) and described["description"] == q.description
    assert run(capsys, "queries", "dual-powr")[0] == 2
