"""SPARQL text, read as tokens: the read-only guard and the VALUES binding for servers.

A regular expression over the raw text would be fooled by a keyword inside a string, an IRI
or a comment (``# no INSERT here``); reading tokens the way the SPARQL grammar does is not.

>>> check_read_only('SELECT * WHERE { ?s ?p "INSERT DATA" } # DROP ALL')
>>> check_read_only("DROP ALL")
Traceback (most recent call last):
...
dprk_kg.errors.UserError: updates are refused (DROP): dprk-kg only reads; use `dprk-kg add` to add facts
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from dprk_kg.errors import UserError

UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"})

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00B7-\uFFFF]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>[\w\u00B7-\uFFFF.-]*:[\w\u00B7-\uFFFF.:%\\-]*)
  | (?P<word>[A-Za-z_][\w-]*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` that carry meaning (whitespace and comments dropped)."""
    for m in _TOKEN.finditer(text):
        if m.lastgroup not in ("ws", "comment"):
            yield Token(m.lastgroup or "other", m.group(), m.start())


def keywords(text: str) -> Iterator[Token]:
    """Bare words: SPARQL keywords and function names (never inside strings, IRIs, names)."""
    return (t for t in tokens(text) if t.kind == "word")


def check_read_only(text: str) -> None:
    """Refuse an update or a SERVICE call: ad hoc queries may neither write nor reach out."""
    for word in keywords(text):
        upper = word.text.upper()
        if upper in UPDATE_KEYWORDS:
            raise UserError(f"updates are refused ({upper}): dprk-kg only reads; "
                            "use `dprk-kg add` to add facts")
        if upper == "SERVICE":
            raise UserError("SERVICE is refused: a query may not reach other servers")


def bind_values(text: str, bindings: Mapping[str, Any]) -> str:
    """``text`` with a VALUES block binding ``bindings`` opening each WHERE group.

    The bindings travel as data in a VALUES block (never pasted into the query's
    expressions), which every SPARQL 1.1 engine understands. Placed first in the WHERE group
    of the query and of each sub-SELECT, it is joined before any FILTER there is evaluated,
    and a sub-SELECT sees the parameter too (it would not see an outer binding).

    >>> from pyoxigraph import Literal
    >>> bind_values("SELECT ?x WHERE { ?x ?p ?_d }", {"_d": Literal("a'b")})
    'SELECT ?x WHERE { VALUES (?_d) { ("a\\'b") }  ?x ?p ?_d }'
    """
    from pyoxigraph import BlankNode

    if any(isinstance(v, BlankNode) for v in bindings.values()):
        raise UserError("a blank node cannot be bound to a query parameter")
    names = " ".join(f"?{k}" for k in bindings)
    values = " ".join(str(v) for v in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    for brace in reversed(where_braces(text)):
        text = text[:brace + 1] + block + text[brace + 1:]
    return text


FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def where_braces(text: str) -> list[int]:
    """Offsets of the ``{`` opening the WHERE group of the query and of each sub-SELECT.

    >>> q = "SELECT * WHERE { { SELECT ?a WHERE { ?a ?p ?o } } }"
    >>> [q[i:i + 3] for i in where_braces(q)]
    ['{ {', '{ ?']
    """
    found: list[int] = []
    depth = 0
    waiting: dict[int, str] = {}  # depth -> state of a query form seen at that depth
    for t in tokens(text):
        upper = t.text.upper() if t.kind == "word" else ""
        if upper in FORMS:
            waiting[depth] = "construct" if upper == "CONSTRUCT" else "form"
        elif upper == "WHERE" and depth in waiting:
            waiting[depth] = "where"
        elif t.text == "{":
            state = waiting.get(depth)
            if state == "where" or state == "form":
                found.append(t.start)
                del waiting[depth]
            depth += 1
        elif t.text == "}":
            depth -= 1
            waiting.pop(depth + 1, None)
    if not found:
        raise UserError("cannot find the query's WHERE clause to bind parameters")
    return found
