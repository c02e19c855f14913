"""The named queries: ``queries/*.rq`` files with grlc-style headers (docs/queries.md).

Reading the catalog never runs a query: a tool can list each query's summary, parameters
and columns from the headers alone. The reader is strict, because a typo in a header
(``sumary:``, a default for a parameter the query does not have) would otherwise show up
only as a wrong answer; each problem is a :class:`~dprk_kg.errors.UserError` naming the
file and line.

>>> from pathlib import Path
>>> q = load(Path("tests/fixtures/queries/people-by-label.rq"))
>>> q.name, [(p.name, p.kind, p.required) for p in q.params]
('people-by-label', [('text', 'string', True), ('class', 'iri', False)])
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dprk_kg import namespaces, resources
from dprk_kg.errors import UserError
from dprk_kg.sparqltext import check_read_only, tokens

XSD = namespaces.PREFIXES["xsd"]
#: Literal parameter types, as written after ``_xsd_`` in a parameter's variable name.
XSD_TYPES = ("date", "integer", "decimal", "boolean", "gYear", "string")
KNOWN_KEYS = {"summary", "description", "tags", "params", "defaults", "enumerate", "columns", "table"}
NAME = re.compile(r"[a-z0-9][a-z0-9-]*")
# ?_name or ?__name, then an optional type suffix _iri / _xsd_<type>.
PARAM_VAR = re.compile(r"[?$](?P<opt>__?)(?P<name>[a-z0-9_]+?)(?:_(?P<kind>iri|xsd_[A-Za-z]+))?")


@dataclass(frozen=True)
class Param:
    """One parameter of a named query, from its variable name and the header."""

    name: str
    variable: str  # without '?': "_date_xsd_date"
    kind: str  # "iri", "string", or an XSD local name ("date", "integer", ...)
    required: bool
    description: str | None = None
    default: str | None = None
    allowed: tuple[str, ...] | None = None

    @property
    def datatype(self) -> str | None:
        """The XSD datatype IRI of a literal parameter; None for an IRI parameter."""
        return None if self.kind == "iri" else XSD + self.kind


@dataclass(frozen=True)
class NamedQuery:
    """A ``queries/NAME.rq`` file, read."""

    name: str
    path: Path
    form: str  # SELECT, ASK, CONSTRUCT or DESCRIBE
    summary: str
    text: str
    description: str | None = None
    tags: tuple[str, ...] = ()
    params: tuple[Param, ...] = ()
    columns: tuple[str, ...] = field(default=())
    #: The few columns the terminal table shows by default (``--wide``: all); empty: all.
    table: tuple[str, ...] = field(default=())


def catalog(directory: Path | None = None) -> dict[str, NamedQuery]:
    """Every named query in ``directory`` (default: the shipped ``queries/``), by name."""
    directory = directory or resources.queries_dir()
    return {q.name: q for q in map(load, sorted(directory.glob("*.rq")))}


def get(name: str, directory: Path | None = None) -> NamedQuery:
    """The named query ``name``; an unknown name suggests the closest ones."""
    directory = directory or resources.queries_dir()
    path = directory / f"{name}.rq"
    if NAME.fullmatch(name) and path.is_file():
        return load(path)
    known = sorted(p.stem for p in directory.glob("*.rq"))
    close = difflib.get_close_matches(name, known, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else "; `dprk-kg queries` lists them"
    raise UserError(f"no named query {name!r}{hint}")


def load(path: Path) -> NamedQuery:
    """Read one query file and its header; every problem names the file and line."""
    import yaml

    if not NAME.fullmatch(path.stem):
        raise UserError("a query's file name must be lowercase letters, digits and '-'", file=str(path))
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header, first = _header_lines(lines, path)
    try:
        meta = yaml.safe_load("\n".join(header)) if header else None
    except yaml.MarkedYAMLError as e:
        line = first + 1 + (e.problem_mark.line if e.problem_mark else 0)
        raise UserError(f"header is not valid YAML: {e.problem}", file=str(path), line=line) from e
    if not isinstance(meta, dict):
        raise UserError("the query needs a '#+ summary: ...' header (see docs/queries.md)",
                        file=str(path), line=first + 1)
    return _build(path, text, meta, first + 1)


def _header_lines(lines: list[str], path: Path) -> tuple[list[str], int]:
    """The YAML text of the ``#+`` block at the top, and the index of its first line."""
    header: list[str] = []
    first = None
    for i, line in enumerate(lines):
        if line.startswith("#+"):
            if first is not None and i != first + len(header):
                raise UserError("'#+' header lines must form one block at the top",
                                file=str(path), line=i + 1)
            first = i if first is None else first
            header.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif first is None and line.strip() and not line.startswith("#"):
            first = i  # the query started before any header: there is none
            break
    return header, first if first is not None else 0


#: How a header check reports a problem: a UserError naming the file and the header's line.
Fail = Callable[[str], UserError]


def _build(path: Path, text: str, meta: dict[str, Any], line: int) -> NamedQuery:
    def fail(message: str) -> UserError:
        return UserError(message, file=str(path), line=line)

    unknown = set(meta) - KNOWN_KEYS
    if unknown:
        raise fail(f"unknown header key(s) {', '.join(sorted(map(str, unknown)))} "
                   f"(known: {', '.join(sorted(KNOWN_KEYS))})")
    summary = meta.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise fail("'summary' is required and must be one line of text")
    try:
        check_read_only(text)
    except UserError as e:
        raise fail(str(e)) from None
    form = next((t.text.upper() for t in tokens(text) if t.kind == "word"
                 and t.text.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")), None)
    if form is None:
        raise fail("the file holds no SELECT, ASK, CONSTRUCT or DESCRIBE query")

    params = _params(text, fail)
    names = {p.name for p in params}
    descriptions = _mapping(meta, "params", fail)
    defaults = _mapping(meta, "defaults", fail)
    allowed = _mapping(meta, "enumerate", fail)
    for key, given in (("params", descriptions), ("defaults", defaults), ("enumerate", allowed)):
        extra = set(given) - names
        if extra:
            raise fail(f"'{key}' names {', '.join(sorted(extra))}, not a parameter of the query "
                       f"(its parameters: {', '.join(sorted(names)) or 'none'})")
    for name, values in allowed.items():
        if not isinstance(values, list) or not values or None in values:
            raise fail(f"'enumerate' for {name} must be a non-empty list of values")
    params = tuple(
        Param(p.name, p.variable, p.kind, p.required and p.name not in defaults,
              _text(descriptions.get(p.name)), _text(defaults.get(p.name)),
              tuple(map(_scalar, allowed[p.name])) if p.name in allowed else None)
        for p in params)

    columns = _columns(meta.get("columns"), fail)
    if form == "SELECT":
        if not columns:
            raise fail("'columns' is required for a SELECT query")
        projected = projection(text)
        if projected is not None and list(columns) != projected:
            raise fail(f"'columns' says {', '.join(columns)} but the query selects "
                       f"{', '.join(projected)}")
    table = _columns(meta.get("table"), fail, "table")
    if set(table) - set(columns):
        raise fail(f"'table' names {', '.join(c for c in table if c not in columns)}, not a column "
                   f"of the query (its columns: {', '.join(columns) or 'none'})")
    description = meta.get("description")
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise fail("'tags' must be a list")
    return NamedQuery(path.stem, path, form, summary.strip(), text,
                      description.strip() if isinstance(description, str) else None,
                      tuple(map(str, tags)), params, columns, table)


def _text(value: object) -> str | None:
    """A YAML scalar or null as the text a user would type (see :func:`_scalar`)."""
    return None if value is None else _scalar(value)


def _scalar(value: object) -> str:
    """A YAML scalar as the text a user would type (YAML reads 2019-03-10 as a date)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _mapping(meta: dict[str, Any], key: str, fail: Fail) -> dict[str, Any]:
    """A header mapping; grlc's list of one-key mappings is accepted too."""
    value = meta.get(key) or {}
    if isinstance(value, list) and all(isinstance(v, dict) and len(v) == 1 for v in value):
        value = {k: v for item in value for k, v in item.items()}
    if not isinstance(value, dict):
        raise fail(f"'{key}' must be a mapping of parameter name to value")
    return {str(k): v for k, v in value.items()}


def _columns(value: Any, fail: Fail, key: str = "columns") -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [c.strip() for c in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(c, str) and c for c in value):
        raise fail(f"'{key}' must be a list of column names")
    return tuple(c.lstrip("?") for c in value)


def _params(text: str, fail: Fail) -> tuple[Param, ...]:
    """The parameters the query's variables declare, in order of first use."""
    found: dict[str, Param] = {}
    for t in tokens(text):
        if t.kind != "var" or not t.text[1:].startswith("_"):
            continue
        m = PARAM_VAR.fullmatch(t.text)
        if m is None:
            raise fail(f"{t.text} looks like a parameter but is not ?_name or ?__name with "
                       "a lowercase name and an optional _iri / _xsd_TYPE suffix")
        kind = m["kind"] or "string"
        if kind.startswith("xsd_"):
            kind = kind[4:]
            if kind not in XSD_TYPES:
                raise fail(f"{t.text}: unknown parameter type xsd_{kind} "
                           f"(known: iri, {', '.join('xsd_' + k for k in XSD_TYPES)})")
        param = Param(m["name"], t.text[1:], kind, m["opt"] == "_")
        other = found.setdefault(param.name, param)
        if other.variable != param.variable:
            raise fail(f"parameter {param.name} is written both ?{other.variable} and ?{param.variable}")
    return tuple(found.values())


def projection(text: str) -> list[str] | None:
    """The variables a SELECT projects, in order; None for ``SELECT *``.

    >>> projection("SELECT ?a (COUNT(?b) AS ?n) ?c WHERE { ?a ?b ?c }")
    ['a', 'n', 'c']
    """
    out: list[str] = []
    depth = 0
    started = False
    previous = ""
    for t in tokens(text):
        upper = t.text.upper()
        if not started:
            started = t.kind == "word" and upper == "SELECT"
            continue
        if t.text == "*" and depth == 0:
            return None
        if depth == 0 and (t.text == "{" or upper in ("WHERE", "FROM")):
            break
        if t.text == "(":
            depth += 1
        elif t.text == ")":
            depth -= 1
        elif t.kind == "var" and (depth == 0 or previous == "AS"):
            out.append(t.text[1:])
        previous = upper
    return out
