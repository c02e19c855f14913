"""Run named and ad hoc queries: parameters checked and bound as terms, updates refused.

A parameter value is what a user types (``2019-03-10``, ``kg:unit/south-hamgyong``,
``South Hamgyong``); it becomes an RDF term of the declared type here, or a one-line error
saying which parameter and why. It is never pasted into the query text.

>>> from dprk_kg.catalog import Param
>>> to_term(Param("date", "_date_xsd_date", "date", True), "2019-03-10")
<Literal value=2019-03-10 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
>>> to_term(Param("unit", "_unit_iri", "iri", True), "kg:unit/south-hamgyong")
<NamedNode value=https://w3id.org/dprk-kg/id/unit/south-hamgyong>
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Union

import pyoxigraph as ox

from dprk_kg import clock
from dprk_kg.catalog import NamedQuery, Param
from dprk_kg.errors import UserError
from dprk_kg.namespaces import PREFIXES
from dprk_kg.sparqltext import check_read_only, keywords, with_prefixes
from dprk_kg.store import SelectResult, Store, Term

Result = Union[SelectResult, bool, list[ox.Triple]]

def _literal(kind: str, value: str) -> str:
    """The canonical lexical form of ``value`` as XSD ``kind``; ValueError if it is not one."""
    if kind == "date":
        if value == "today":
            return clock.today().isoformat()
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        return dt.date.fromisoformat(value).isoformat()
    if kind == "integer":
        return str(int(value, 10))
    if kind == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValueError(value) from None
        if not number.is_finite():
            raise ValueError(value)
        return str(number)
    if kind == "boolean":
        return {"true": "true", "1": "true", "false": "false", "0": "false"}[value.lower()]
    if kind == "gYear":
        if not re.fullmatch(r"-?\d{4,}", value):
            raise ValueError(value)
        return value
    return value  # string


EXAMPLES = {"date": "2019-03-10 or today", "integer": "42", "decimal": "3.5",
            "boolean": "true or false", "gYear": "2019", "string": "any text",
            "iri": "kg:unit/south-hamgyong, a full IRI, or a label"}


def to_term(param: Param, value: str, store: Store | None = None, *, must_exist: bool = True) -> Term:
    """``value`` as the RDF term ``param`` declares; an IRI may be given by its label.

    With a store and ``must_exist``, an IRI must name something in the graph. A query's own
    default is exempt: it may name an entity a given graph lacks (a synthetic one, say), and
    then the answer is rightly empty.
    """
    if param.allowed is not None and value not in param.allowed:
        raise UserError(f"parameter {param.name} must be one of {', '.join(param.allowed)}, "
                        f"not {value!r}")
    if param.kind == "iri":
        return _iri(param, value, store, must_exist=must_exist)
    try:
        lexical = _literal(param.kind, value.strip())
    except (ValueError, KeyError):
        raise UserError(f"parameter {param.name} must be an xsd:{param.kind} "
                        f"(e.g. {EXAMPLES[param.kind]}), not {value!r}") from None
    if param.kind == "string":
        return ox.Literal(lexical)
    assert param.datatype is not None  # a literal parameter's kind (not "iri") names its type
    return ox.Literal(lexical, datatype=ox.NamedNode(param.datatype))


def _iri(param: Param, value: str, store: Store | None, *, must_exist: bool) -> ox.NamedNode:
    """An IRI, a prefixed name, or (with a store to look in) any name of the node.

    With a store, a value given by the user must name something in the graph: a typo such as
    ``kg:unit/south-hamgyoung`` would otherwise give an empty answer that reads as "no facts".
    Names are read by :func:`dprk_kg.resolve.resolve`, as every command reads them.
    """
    from dprk_kg.parse import expand_iri  # the ingest parser's module: loaded only for an IRI
    from dprk_kg.resolve import resolve

    if store is None or not must_exist:
        try:
            return expand_iri(value)
        except ValueError:
            if store is None:
                raise UserError(f"parameter {param.name} must be an IRI (e.g. {EXAMPLES['iri']}), "
                                f"not {value!r}") from None
    try:
        return resolve(store, value)
    except UserError as e:
        raise UserError(f"parameter {param.name}: {e}") from None


def bind(query: NamedQuery, given: Mapping[str, str], store: Store | None = None) -> dict[str, Term]:
    """The terms to bind for a run of ``query`` with the user's ``given`` values."""
    known = {p.name: p for p in query.params}
    unknown = set(given) - set(known)
    if unknown:
        listed = ", ".join(known) or "none"
        raise UserError(f"query {query.name} has no parameter {', '.join(sorted(unknown))} "
                        f"(its parameters: {listed})")
    bindings: dict[str, Term] = {}
    for p in query.params:
        value = given.get(p.name, p.default)
        if value is None:
            if p.required:
                raise UserError(f"query {query.name} needs --param {p.name}=VALUE "
                                f"({p.description or EXAMPLES[p.kind]})")
            continue
        bindings[p.variable] = to_term(p, str(value), store, must_exist=p.name in given)
    return bindings


def run_named(store: Store, query: NamedQuery, given: Mapping[str, str] | None = None) -> Result:
    """Run a named query with parameters ``given`` as ``{name: text}``."""
    return execute(store, query.text, bind(query, given or {}, store), form=query.form)


def run_sparql(store: Store, text: str) -> Result:
    """Run an ad hoc query: read-only, and nothing may reach another server. The project's
    prefixes (dprk:, kg:, org:, skos:...) need no PREFIX line unless the query redefines them."""
    check_read_only(text)
    full = with_prefixes(text, PREFIXES)
    try:
        return execute(store, full, None, form=_form(text))
    except UserError as e:
        if full is text or not str(e).startswith("SPARQL syntax error"):
            raise
        # The position in the text as the user wrote it, above the PREFIX line added.
        raise UserError(re.sub(r"(?<=at )(\d+)(?=:\d+)", lambda m: str(int(m[1]) - 1), str(e), count=1)) from None


def _form(text: str) -> str:
    for word in keywords(text):
        upper = word.text.upper()
        if upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return upper
    raise UserError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")


def execute(store: Store, text: str, bindings: Mapping[str, Term] | None, *, form: str) -> Result:
    """Send ``text`` to the store method for its query form."""
    if form == "SELECT":
        return store.select(text, bindings)
    if form == "ASK":
        return store.ask(text, bindings)
    return store.construct(text, bindings)
