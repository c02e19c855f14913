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

# Name characters (in variables and prefixed names) are word characters and every character
# from U+00B7 up. They are written as the classes of what they exclude: the same characters,
# but a class spanning U+00B7-U+FFFF costs about 10 ms to compile, on every start of the CLI.
_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][^\x00-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\xa9\xab-\xb1\xb4\xb6]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>[^\x00-\x2c\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\xa9\xab-\xb1\xb4\xb6]*:[^\x00-\x24\x26-\x2c\x2f\x3b-\x40\x5b\x5d\x5e\x60\x7b-\xa9\xab-\xb1\xb4\xb6]*)
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


def with_prefixes(text: str, known: Mapping[str, str]) -> str:
    """``text`` with a PREFIX line for each ``known`` prefix it uses without declaring it.

    A prefix the query uses that it neither declares nor finds in ``known`` is refused by name
    (the parser would list every token it expected instead).

    >>> print(with_prefixes("SELECT * { ?x a foaf:Person }", {"foaf": "http://xmlns.com/foaf/0.1/"}))
    PREFIX foaf: <http://xmlns.com/foaf/0.1/>
    SELECT * { ?x a foaf:Person }
    >>> with_prefixes("SELECT * { ?x a foo:Bar }", {})
    Traceback (most recent call last):
    ...
    dprk_kg.errors.UserError: line 1, column 17: unknown prefix foo: (declare it with PREFIX foo: <...>)
    """
    declared: set[str] = set()
    used: dict[str, int] = {}
    previous = ""
    for t in tokens(text):
        if t.kind == "pname":
            prefix = t.text.split(":", 1)[0]
            if previous == "PREFIX":
                declared.add(prefix)
            elif prefix != "_":  # _:b is a blank node
                used.setdefault(prefix, t.start)
        previous = t.text.upper() if t.kind == "word" else ""
    missing = [p for p in used if p not in declared]
    unknown = [p for p in missing if p not in known]
    if unknown:
        start = used[unknown[0]]
        line = text.count("\n", 0, start) + 1
        column = start - (text.rfind("\n", 0, start) + 1) + 1
        raise UserError(f"line {line}, column {column}: unknown prefix {unknown[0]}: "
                        f"(declare it with PREFIX {unknown[0]}: <...>)")
    if not missing:
        return text
    # One line for all, so that a parser's "error at LINE:COLUMN" is one line off, no more.
    return " ".join(f"PREFIX {p}: <{known[p]}>" for p in missing) + "\n" + text


def bind_values(text: str, bindings: Mapping[str, Any]) -> str:
    """``text`` with a VALUES block opening each WHERE group that uses ``bindings``.

    The bindings travel as data in a VALUES block (never pasted into the query's
    expressions), which every SPARQL 1.1 engine understands. Placed first in the WHERE group
    of the query and of each sub-SELECT that mentions them, it is joined before any FILTER
    there is evaluated, and a sub-SELECT sees the parameter too (it would not see an outer
    binding). A group that does not mention a parameter does not get it: rdflib evaluates a
    sub-SELECT inside the outer solution and then hides the outer bindings from the
    sub-SELECT's FILTERs, so a parameter bound both outside and inside would read as unbound
    there (the sub-SELECT would filter out every row).

    >>> from pyoxigraph import Literal
    >>> bind_values("SELECT ?x WHERE { ?x ?p ?_d }", {"_d": Literal("a'b")})
    'SELECT ?x WHERE { VALUES (?_d) { ("a\\'b") }  ?x ?p ?_d }'
    >>> bind_values("SELECT * WHERE { { SELECT ?x WHERE { ?x ?p ?_d } } }", {"_d": Literal("1")})
    'SELECT * WHERE { { SELECT ?x WHERE { VALUES (?_d) { ("1") }  ?x ?p ?_d } } }'
    """
    from pyoxigraph import BlankNode

    if any(isinstance(v, BlankNode) for v in bindings.values()):
        raise UserError("a blank node cannot be bound to a query parameter")
    for brace, used in reversed(where_groups(text)):
        names = [k for k in bindings if k in used]
        if names:
            block = (f" VALUES ({' '.join(f'?{k}' for k in names)}) "
                     f"{{ ({' '.join(str(bindings[k]) for k in names)}) }} ")
            text = text[:brace + 1] + block + text[brace + 1:]
    return text


FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def where_groups(text: str) -> list[tuple[int, set[str]]]:
    """The ``{`` opening the WHERE group of the query and of each sub-SELECT, each with the
    variables (names without ``?``) that its own query uses outside its sub-SELECTs.

    >>> q = "SELECT ?b WHERE { ?b ?q ?c { SELECT ?a WHERE { ?a ?p ?o } } } ORDER BY ?d"
    >>> [(q[i:i + 3], sorted(used)) for i, used in where_groups(q)]
    [('{ ?', ['b', 'c', 'd', 'q']), ('{ ?', ['a', 'o', 'p'])]
    """
    found: list[tuple[int, set[str]]] = []
    depth = 0
    waiting: dict[int, str] = {}  # depth -> state of a query form seen at that depth
    scopes: list[tuple[int, set[str]]] = [(0, set())]  # (depth of its form, variables used)
    for t in tokens(text):
        upper = t.text.upper() if t.kind == "word" else ""
        if t.kind == "var":
            scopes[-1][1].add(t.text[1:])
        elif upper in FORMS:
            waiting[depth] = "construct" if upper == "CONSTRUCT" else "form"
            if depth > 0:
                scopes.append((depth, set()))
        elif upper == "WHERE" and depth in waiting:
            waiting[depth] = "where"
        elif t.text == "{":
            state = waiting.get(depth)
            if state == "where" or state == "form":
                found.append((t.start, scopes[-1][1]))
                del waiting[depth]
            depth += 1
        elif t.text == "}":
            depth -= 1
            waiting.pop(depth + 1, None)
            if len(scopes) > 1 and depth < scopes[-1][0]:
                scopes.pop()
    if not found:
        raise UserError("cannot find the query's WHERE clause to bind parameters")
    return found
