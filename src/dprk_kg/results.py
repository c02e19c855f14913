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
from collections.abc import Iterable
from typing import Any, TextIO

import pyoxigraph as ox

from dprk_kg.namespaces import PREFIXES
from dprk_kg.store import SelectResult, Store, Term

FORMATS = ("table", "csv", "tsv", "json")
XSD_STRING = PREFIXES["xsd"] + "string"
RDFS_LABEL = PREFIXES["rdfs"] + "label"


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

def labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The English label (else an untagged one, else any) of each IRI that has one."""
    wanted = sorted(set(iris))
    rank: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), 400):
        values = " ".join(f"<{i}>" for i in wanted[start:start + 400])
        rows = store.select(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x <{RDFS_LABEL}> ?l }}").rows
        for row in rows:
            lang = row["l"].language or ""
            score = 0 if lang == "en" else 1 if lang == "" else 2
            best = rank.get(row["x"].value)
            if best is None or (score, row["l"].value) < best:
                rank[row["x"].value] = (score, row["l"].value)
    return {iri: label for iri, (_, label) in rank.items()}


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


def print_table(result: SelectResult | bool, store: Store | None, out: TextIO) -> None:
    """A rich table with labels for IRIs; ASK answers print as yes / no."""
    from rich.table import Table
    from rich.text import Text

    if isinstance(result, bool):
        out.write("yes\n" if result else "no\n")
        return
    iris = {t.value for row in result.rows for t in row.values() if isinstance(t, ox.NamedNode)}
    iris |= {i for row in result.rows for t in row.values() for i in iri_list(t)}
    names = labels(store, iris) if store is not None and iris else {}
    table = Table(header_style="bold")
    for v in result.variables:
        table.add_column(v, overflow="fold")  # fold, not crop: a URL must stay whole
    for row in result.rows:  # as Text: a value is shown as is, never read as rich markup
        table.add_row(*(Text(cell(row.get(v), names)) for v in result.variables))
    plain_console(out).print(table)
    out.write(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}\n")


def console_width(out: TextIO) -> int | None:
    """Terminal width on a terminal or with $COLUMNS; wide in a pipe, so no cell is cut."""
    return None if out.isatty() or "COLUMNS" in os.environ else 200


def plain_console(out: TextIO) -> Any:
    """A rich console that prints text as given: no markup, emoji codes or highlighting.

    A quote such as "[1]" or ":flag:" stays as the source printed it, and skipping the
    highlighter's regular expressions makes a big table print faster.
    """
    from rich.console import Console

    return Console(file=out, width=console_width(out), markup=False, emoji=False, highlight=False)


def write(result: SelectResult | bool | list[ox.Triple], fmt: str, out: TextIO,
          store: Store | None = None) -> None:
    """Write ``result`` in ``fmt``; CONSTRUCT / DESCRIBE results are always N-Triples."""
    if isinstance(result, list):
        out.write("".join(f"{t.subject} {t.predicate} {t.object} .\n" for t in result))
    elif fmt == "table":
        print_table(result, store, out)
    elif fmt == "json":
        out.write(to_json(result) + "\n")
    elif isinstance(result, bool):
        out.write("true\n" if result else "false\n")
    else:
        out.write(to_csv(result) if fmt == "csv" else to_tsv(result))
