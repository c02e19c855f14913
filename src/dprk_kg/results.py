r"""Write query results: a table for people, SPARQL 1.1 CSV / TSV / JSON for programs.

The machine formats follow the W3C specifications exactly (so other SPARQL tools read them);
the table shows each IRI by its label, falling back to a prefixed name.

>>> from pyoxigraph import NamedNode, Literal
>>> from dprk_kg.store import SelectResult
>>> r = SelectResult(["x", "n"], [{"x": NamedNode("https://w3id.org/dprk-kg/id/unit/a"), "n": Literal("1")}])
>>> to_csv(r)
'x,n\r\nhttps://w3id.org/dprk-kg/id/unit/a,1\r\n'
>>> to_tsv(r)
'?x\t?n\n<https://w3id.org/dprk-kg/id/unit/a>\t"1"\n'
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, TextIO

import pyoxigraph as ox

from dprk_kg.namespaces import PREFIXES, XSD_STRING
from dprk_kg.store import SelectResult, Store, Term

FORMATS = ("table", "csv", "tsv", "json")


def term_json(term: Term) -> dict[str, Any]:
    """One term in the SPARQL 1.1 Query Results JSON shape."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": term_json(term.subject),
                                        "predicate": term_json(term.predicate),
                                        "object": term_json(term.object)}}


def to_json(result: SelectResult | bool) -> str:
    """SPARQL 1.1 Query Results JSON for a SELECT or an ASK."""
    if isinstance(result, bool):
        return json.dumps({"head": {}, "boolean": result})
    bindings = [{k: term_json(v) for k, v in row.items()} for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1)


def to_csv(result: SelectResult) -> str:
    """SPARQL 1.1 CSV: plain values (IRIs bare, literals without type), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(row.get(v)) for v in result.variables])
    return out.getvalue()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return term.value
    return str(term)


def to_tsv(result: SelectResult) -> str:
    """SPARQL 1.1 TSV: ``?var`` header, terms in Turtle syntax, unbound cells empty."""
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join(str(row[v]) if v in row else "" for v in result.variables)
              for row in result.rows]
    return "\n".join(lines) + "\n"


# -- the table for people ------------------------------------------------------------------

def curie(iri: str, *, bracket: bool = False) -> str:
    """``iri`` as a prefixed name when a known prefix fits; else as is, or ``<iri>`` (bracket).

    >>> curie("https://w3id.org/dprk-kg/id/person/kim-jong-un")
    'kg:person/kim-jong-un'
    >>> curie("http://example.org/x", bracket=True)
    '<http://example.org/x>'
    """
    best = max((p for p in PREFIXES.items() if iri.startswith(p[1])), key=lambda p: len(p[1]), default=None)
    if best:
        return f"{best[0]}:{iri[len(best[1]):]}"
    return f"<{iri}>" if bracket else iri


#: How queries gather several IRIs in one cell (GROUP_CONCAT(...; separator=" | ")).
LIST_SEPARATOR = " | "


def iri_list(term: Term | None) -> list[str]:
    """The IRIs of a literal that lists only IRIs (a gathered ``sources`` cell), else [].

    >>> iri_list(ox.Literal("https://a.example/x | https://a.example/y"))
    ['https://a.example/x', 'https://a.example/y']
    >>> iri_list(ox.Literal("dissolved 2024-03-23"))
    []
    """
    if not isinstance(term, ox.Literal) or "://" not in term.value:
        return []
    parts = term.value.split(LIST_SEPARATOR)
    return parts if all(re.fullmatch(r"[a-z][a-z0-9+.-]*://\S+", p) for p in parts) else []


def cell(term: Term | None, names: dict[str, str]) -> str:
    """How one value reads in the table: IRIs, alone or gathered in a list, by their labels."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return names.get(term.value) or curie(term.value)
    if isinstance(term, ox.Literal):
        listed = iri_list(term)
        if listed:
            return "; ".join(names.get(i) or curie(i) for i in listed)
        return term.value
    return str(term)


def _names(result: SelectResult, store: Store | None) -> dict[str, str]:
    """The display labels of every IRI in ``result``, alone or gathered in a list cell."""
    from dprk_kg.labels import display_labels

    iris = {t.value for row in result.rows for t in row.values() if isinstance(t, ox.NamedNode)}
    iris |= {i for row in result.rows for t in row.values() for i in iri_list(t)}
    return display_labels(store, iris) if store is not None and iris else {}


#: The suffix of the label column written beside each IRI column (``unit``, ``unit_label``).
LABEL_SUFFIX = "_label"


def with_labels(result: SelectResult, store: Store) -> SelectResult:
    """``result`` with a ``<column>_label`` column after each column that holds IRIs, so
    that a spreadsheet shows names beside the identifiers (a list cell gets its labels,
    " | "-joined). A column the query already names so is left alone.

    >>> r = SelectResult(["x", "n"], [{"x": ox.NamedNode("https://w3id.org/dprk-kg/id/unit/a"), "n": ox.Literal("1")}])
    >>> from dprk_kg.store import Store
    >>> with_labels(r, Store.memory()).variables
    ['x', 'x_label', 'n']
    """
    names = _names(result, store)
    has_iris = {v for row in result.rows for v, t in row.items() if isinstance(t, ox.NamedNode) or iri_list(t)}
    variables: list[str] = []
    for v in result.variables:
        variables.append(v)
        if v in has_iris and v + LABEL_SUFFIX not in result.variables:
            variables.append(v + LABEL_SUFFIX)
    rows = []
    for row in result.rows:
        labelled = dict(row)
        for v in has_iris:
            if v + LABEL_SUFFIX in variables and v in row:
                term = row[v]
                listed = iri_list(term) or ([term.value] if isinstance(term, ox.NamedNode) else [])
                labelled[v + LABEL_SUFFIX] = ox.Literal(LIST_SEPARATOR.join(names.get(i) or curie(i) for i in listed))
        rows.append(labelled)
    return SelectResult(variables, rows)


#: A column narrower than this (or than its longest value) is not readable in a table.
READABLE = 24


def print_table(result: SelectResult | bool, store: Store | None, out: TextIO,
                columns: list[str] | None = None) -> None:
    """A table with labels for IRIs, or one record per block where the table would not fit
    the terminal; ASK answers print as yes / no. ``columns``: the ones to show (default all).
    """
    if isinstance(result, bool):
        out.write("yes\n" if result else "no\n")
        return
    shown = [v for v in columns or result.variables if v in result.variables] or result.variables
    names = _names(result, store)
    cells = [[cell(row.get(v), names) for v in shown] for row in result.rows]
    width = terminal_width(out)
    if fits(shown, cells, width):
        out.write(box_table(shown, cells, width))
    else:
        print_records(shown, cells, width, out)
    count = f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}"
    hidden = len(result.variables) - len(shown)
    out.write(count + (f" ({len(shown)} of {len(result.variables)} columns; --wide shows all)" if hidden else "") + "\n")


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: East Asian wide characters (Hangul) take two.

    >>> cell_width("Kim"), cell_width("김정은")
    (3, 6)
    """
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in text)


def _floor(header: str, values: list[str]) -> int:
    """The narrowest a column may be and stay readable."""
    natural = max((cell_width(v) for v in values), default=0)
    return max(cell_width(header), min(natural, READABLE))


def fits(columns: list[str], cells: list[list[str]], width: int) -> bool:
    """Whether a table of ``cells`` can give each column its readable width in ``width``."""
    floors = [_floor(c, [r[i] for r in cells]) for i, c in enumerate(columns)]
    return sum(floors) + 3 * len(columns) + 1 <= width


def box_table(columns: list[str], cells: list[list[str]], width: int) -> str:
    """``cells`` under ``columns`` in a box, each column as wide as its longest line or, where
    they do not all fit in ``width``, the widest ones narrowed alike and their text wrapped
    (long words such as URLs folded, never cut).

    >>> print(box_table(["unit", "holder"], [["Rason", "Sin Yong Chol"]], 80), end="")
    ┏━━━━━━━┳━━━━━━━━━━━━━━━┓
    ┃ unit  ┃ holder        ┃
    ┡━━━━━━━╇━━━━━━━━━━━━━━━┩
    │ Rason │ Sin Yong Chol │
    └───────┴───────────────┘
    """
    n = len(columns)
    natural = [max([cell_width(line) for v in [c, *(r[i] for r in cells)] for line in v.split("\n")] or [0])
               for i, c in enumerate(columns)]
    floors = [min(natural[i], _floor(c, [r[i] for r in cells])) for i, c in enumerate(columns)]
    room = width - 3 * n - 1
    if sum(floors) > room:  # not readable anyway (a caller that has no other layout): fit
        floors = [min(natural[i], cell_width(c)) for i, c in enumerate(columns)]
    widths = natural
    if sum(natural) > room:  # the largest cap that fits: wide columns narrowed to it alike
        low, high = 1, max(natural)
        while low < high:
            cap = (low + high + 1) // 2
            if sum(min(w, max(cap, f)) for w, f in zip(natural, floors)) <= room:
                low = cap
            else:
                high = cap - 1
        widths = [min(w, max(low, f)) for w, f in zip(natural, floors)]

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (w + 2) for w in widths) + right + "\n"

    def row(values: list[str], bar: str) -> str:
        wrapped = [wrap(v, w) for v, w in zip(values, widths)]
        lines = []
        for k in range(max(map(len, wrapped))):
            parts = [(lines_[k] if k < len(lines_) else "") for lines_ in wrapped]
            lines.append(bar + bar.join(f" {p}{' ' * (w - cell_width(p))} " for p, w in zip(parts, widths)) + bar)
        return "\n".join(lines) + "\n"

    text = rule("┏", "━", "┳", "┓") + row(columns, "┃") + rule("┡", "━", "╇", "┩")
    text += "".join(row(r, "│") for r in cells)
    return text + rule("└", "─", "┴", "┘")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells: at spaces, a longer word folded.

    >>> wrap("Chief Secretary of the WPK", 10)
    ['Chief', 'Secretary', 'of the WPK']
    >>> wrap("https://example.org/abc", 10)
    ['https://ex', 'ample.org/', 'abc']
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if cell_width(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            for ch in word:  # a word wider than the column: folded
                if cell_width(line + ch) > width:
                    lines.append(line)
                    line = ""
                line += ch
        lines.append(line)
    return lines or [""]


def print_records(columns: list[str], cells: list[list[str]], width: int, out: TextIO) -> None:
    """One block per row: a rule with the row's number, then one ``column  value`` line per
    non-empty value, long values wrapped under themselves.

    >>> import sys
    >>> print_records(["unit", "holder"], [["South Hamgyong Province", ""]], 30, sys.stdout)
    ── 1 ────────────────────────
    unit    South Hamgyong
            Province
    """
    key_width = max(map(len, columns)) + 2
    room = max(width - key_width - 1, 20)
    lines: list[str] = []
    for number, row in enumerate(cells, 1):
        lines.append(f"── {number} ".ljust(width - 1, "─"))
        for name, value in zip(columns, row):
            if value:
                wrapped = wrap(value, room)
                lines.append(name.ljust(key_width) + wrapped[0])
                lines += [" " * key_width + more for more in wrapped[1:]]
    out.write("\n".join(lines) + ("\n" if lines else ""))


def terminal_width(out: TextIO) -> int:
    """The width to lay a table out in: the terminal's (or $COLUMNS); 200 in a pipe, so
    that no cell is cut where a program reads the table."""
    import shutil

    if out.isatty() or "COLUMNS" in os.environ:
        return shutil.get_terminal_size((80, 24)).columns
    return 200


def write(result: SelectResult | bool | list[ox.Triple], fmt: str, out: TextIO,
          store: Store | None = None, *, columns: list[str] | None = None, labels: bool = False) -> None:
    """Write ``result`` in ``fmt``; CONSTRUCT / DESCRIBE results are always N-Triples.

    The table shows ``columns`` (default all) by their labels; the other formats get a label
    column beside each IRI column with ``labels`` (and a ``store`` to read them from).
    """
    if isinstance(result, SelectResult) and labels and store is not None and fmt != "table":
        result = with_labels(result, store)
    if isinstance(result, list):
        out.write("".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in result))
    elif fmt == "table":
        print_table(result, store, out, columns)
    elif fmt == "json":
        out.write(to_json(result) + "\n")
    elif isinstance(result, bool):
        out.write("true\n" if result else "false\n")
    else:
        out.write(to_csv(result) if fmt == "csv" else to_tsv(result))
