"""Named queries as forms: inputs from the ``#+`` headers, results with labels, downloads.

Each parameter becomes an input of its declared type (a date picker, a number, a yes/no
choice, a list of the allowed values, a text box with the graph's units to pick from for a
unit). The form is sent with GET, so the page's address is its permalink. Downloads carry a
label column after every column that holds IRIs, and the CSV is safe to open in Excel: a
byte-order mark so Hangul reads right, and a cell that a spreadsheet would run as a formula
(``=``, ``+``, ``-``, ``@`` first) is prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from dprk_kg import catalog, namespaces, query
from dprk_kg.labels import display_labels
from dprk_kg.results import cell, curie, iri_list, term_json
from dprk_kg.store import SelectResult, Store, Term, lexical
from dprk_kg.web.pages import href_for

INPUT_TYPES = {"date": "date", "integer": "number", "decimal": "number", "gYear": "number"}
_FORMULA = re.compile(r"^[=+\-@\t\r]")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


@dataclass
class Field:
    """One input of a query's form."""

    name: str
    input_type: str  # text, date, number, select
    required: bool
    description: str | None
    default: str | None
    value: str
    choices: tuple[str, ...] | None = None
    picker: str | None = None  # the id of a datalist to pick from


def fields(q: catalog.NamedQuery, given: Mapping[str, str]) -> list[Field]:
    """The form's inputs, filled with what the user gave (else empty: the default applies)."""
    out = []
    for p in q.params:
        choices = p.allowed or (("true", "false") if p.kind == "boolean" else None)
        out.append(Field(p.name, "select" if choices else INPUT_TYPES.get(p.kind, "text"), p.required,
                         p.description, p.default, given.get(p.name, ""), choices,
                         "units" if p.kind == "iri" and "unit" in p.name else None))
    return out


def given_params(q: catalog.NamedQuery, params: Mapping[str, str]) -> dict[str, str]:
    """The parameters the user filled in (empty boxes mean "use the default")."""
    known = {p.name for p in q.params}
    return {k: v for k, v in params.items() if k in known and v.strip()}


def run(store: Store, q: catalog.NamedQuery, given: Mapping[str, str]) -> SelectResult | bool | list[ox.Triple]:
    """Run ``q`` with ``given``; a bad value raises the UserError that names the parameter."""
    return query.run_named(store, q, given)


@dataclass
class Table:
    """A SELECT answer as the page and the downloads show it."""

    columns: list[str]
    rows: list[list[list[tuple[str, str | None]]]]  # row → column → [(text, link)]
    labelled: list[str]  # the columns holding IRIs (they get a label column in downloads)
    result: SelectResult
    names: dict[str, str]


def table(store: Store, result: SelectResult) -> Table:
    """Labels for every IRI of ``result``, alone or in a gathered list, with links to pages."""
    iris = {t.value for row in result.rows for t in row.values() if isinstance(t, ox.NamedNode)}
    iris |= {i for row in result.rows for t in row.values() for i in iri_list(t)}
    names = display_labels(store, iris) if iris else {}
    rows = []
    for row in result.rows:
        cells = []
        for v in result.variables:
            term = row.get(v)
            listed = [term.value] if isinstance(term, ox.NamedNode) else iri_list(term)
            if listed:
                cells.append([(names.get(i) or cell(ox.NamedNode(i), names), href_for(i)) for i in listed])
            else:
                cells.append([(cell(term, names), None)])
        rows.append(cells)
    labelled = [v for v in result.variables
                if any(isinstance(r.get(v), ox.NamedNode) or iri_list(r.get(v)) for r in result.rows)]
    return Table(list(result.variables), rows, labelled, result, names)


def _excel_safe(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs (numbers stay numbers).

    >>> _excel_safe("=HYPERLINK(1)"), _excel_safe("-5"), _excel_safe("Kim")
    ("'=HYPERLINK(1)", '-5', 'Kim')
    """
    return "'" + text if _FORMULA.match(text) and not _NUMBER.match(text) else text


def _label_of(term: Term | None, names: dict[str, str]) -> str:
    if term is None:
        return ""
    listed = [term.value] if isinstance(term, ox.NamedNode) else iri_list(term)
    return "; ".join(names.get(i, "") for i in listed)


def to_csv(t: Table) -> str:
    """CSV for a spreadsheet: each IRI column followed by ``COLUMN_label``, BOM first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    header = []
    for v in t.columns:
        header += [v, f"{v}_label"] if v in t.labelled else [v]
    writer.writerow(header)
    for row in t.result.rows:
        line = []
        for v in t.columns:
            term = row.get(v)
            line.append(_excel_safe(lexical(term) if term is not None else ""))
            if v in t.labelled:
                line.append(_excel_safe(_label_of(term, t.names)))
        writer.writerow(line)
    return "\ufeff" + out.getvalue()


def to_json(t: Table, name: str, given: Mapping[str, str]) -> str:
    """The rows as SPARQL JSON terms, each IRI column with its label beside it."""
    rows = []
    for row in t.result.rows:
        item: dict[str, dict[str, str] | str] = {}
        for v in t.columns:
            if v in row:
                item[v] = term_json(row[v])
                if v in t.labelled:
                    item[f"{v}_label"] = _label_of(row[v], t.names)
        rows.append(item)
    return json.dumps({"query": name, "parameters": dict(given), "columns": t.columns, "rows": rows},
                      ensure_ascii=False, indent=1)


def units(store: Store) -> list[tuple[str, str]]:
    """Every administrative unit as (label, prefixed name), for the unit picker."""
    rows = store.select(namespaces.sparql_prefixes() + "SELECT ?u ?l WHERE { ?u a/rdfs:subClassOf* "
                        "dprk:AdministrativeDivision ; rdfs:label ?l FILTER(LANG(?l) = 'en') }").rows
    return sorted({(lexical(r["l"]), curie(lexical(r["u"]))) for r in rows})
