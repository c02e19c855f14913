"""What a user types, resolved to a node of the graph: one resolver for every command.

``query -p unit=...``, ``export --unit/--person``, ``find`` and the web explorer all name
things the same way: a label in any script or romanization (McCune-Reischauer with or without
breves, the DPRK's own spellings, South Korean Revised Romanization and press habits such as
Choi, Lee, Park or Pyeongyang, Hangul), a unit's name without "Province" or "City", a slug
(``south-hamgyong``), a prefixed name (``kg:unit/south-hamgyong``) or a full IRI.

Names are compared by :func:`dprk_kg.names.name_key`, read from the embedded store's
name-key cache (``<store>/name-keys.sqlite``, filled by ``build``, kept by ``add``, and filled
on first use where missing): a lookup then reads a few rows at any size of graph. A remote
server's or an in-memory store's names are read from the store, once per call.

Which of a node's labels to show is :mod:`dprk_kg.labels`' one rule.

>>> from dprk_kg.store import Store
>>> store = Store.memory()
>>> store.native.add(ox.Quad(ox.NamedNode(KG + "unit/south-hamgyong"), ox.NamedNode(RDFS_LABEL),
...                          ox.Literal("South Hamgyong Province", language="en")))
>>> resolve(store, "South Hamgyŏng").value
'https://w3id.org/dprk-kg/id/unit/south-hamgyong'
>>> [h.label for h in search(store, "South Hamgyung")]
['South Hamgyong Province']
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Union

import pyoxigraph as ox

from dprk_kg.errors import UserError
from dprk_kg.labels import display_labels
from dprk_kg.names import NAME_PREDICATES, NameIndex, name_key, stamp_of
from dprk_kg.namespaces import KG, PREFIXES
from dprk_kg.results import curie
from dprk_kg.store import EmbeddedStore, Store, lexical

if TYPE_CHECKING:
    from dprk_kg.api import KnowledgeGraph

RDFS_LABEL = PREFIXES["rdfs"] + "label"
RDF_TYPE = PREFIXES["rdf"] + "type"
#: Words a user may leave off a unit's name ("South Hamgyong" for "South Hamgyong Province").
UNIT_WORDS = ("Province", "Special City", "City", "County", "District")
_UNIT_KEYS = sorted((name_key(w) for w in UNIT_WORDS), key=len, reverse=True)
#: A value meant as an IRI (<...> or scheme://), never looked up as a name.
_LOOKS_LIKE_IRI = re.compile(r"<|[a-zA-Z][a-zA-Z0-9+.-]*://")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
#: Below this fuzzy score (0-100, rapidfuzz's ratio of the name keys) a name is no suggestion.
FUZZY_CUTOFF = 72.0

Graph = Union["KnowledgeGraph", Store]


def kind_of(iri: str) -> str:
    """The kind an IRI names, from its path (``kg:<kind>/<slug>``): "person", "unit", "post"...

    >>> kind_of("https://w3id.org/dprk-kg/id/unit/south-hamgyong"), kind_of(PREFIXES["dprk"] + "Province")
    ('unit', 'term')
    """
    if iri.startswith(KG) and "/" in iri[len(KG):]:
        return iri[len(KG):].split("/", 1)[0]
    return "term" if iri.startswith(PREFIXES["dprk"]) else "other"


# -- where names are read from --------------------------------------------------------------

class Names(Protocol):
    """The (IRI, name) pairs of a graph, looked up by name key."""

    def by_keys(self, keys: Iterable[str]) -> list[tuple[str, str]]: ...
    def containing(self, key: str, limit: int) -> list[tuple[str, str]]: ...
    def ending(self, suffix: str) -> list[str]: ...
    def cores(self) -> dict[str, list[str]]: ...


class CachedNames:
    """Names from the store's name-key cache: indexed lookups, a scan only for fragments."""

    def __init__(self, index: NameIndex) -> None:
        self.index = index

    def by_keys(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        return self.index.lookup(k for k in keys if k)

    def containing(self, key: str, limit: int) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = self.index.db.execute(
            "SELECT iri, name FROM names WHERE instr(key, ?) > 0 LIMIT ?", (key, limit)).fetchall()
        return rows

    def ending(self, suffix: str) -> list[str]:
        return [r[0] for r in self.index.db.execute(
            "SELECT DISTINCT iri FROM names WHERE substr(iri, -?) = ?", (len(suffix), suffix))]

    def cores(self) -> dict[str, list[str]]:
        return _cores_of(self.index)


_CORES: dict[tuple[int, str], dict[str, list[str]]] = {}


def _cores_of(index: NameIndex) -> dict[str, list[str]]:
    """The cache's keys by their core (:func:`_core`), read once per process and stamp: a
    server searches often, and a million-triple graph has about 100,000 keys."""
    token = (id(index.db), index.stamp)
    if token not in _CORES:
        _CORES.clear()
        _CORES[token] = _by_core(r[0] for r in index.db.execute("SELECT DISTINCT key FROM names"))
    return _CORES[token]


def _by_core(keys: Iterable[str]) -> dict[str, list[str]]:
    cores: dict[str, list[str]] = {}
    for k in keys:
        cores.setdefault(_core(k), []).append(k)
    return cores


class ScannedNames:
    """Names read from the store itself, on first need: a store in memory, a server."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._by_key: dict[str, list[tuple[str, str]]] | None = None

    @property
    def by_key(self) -> dict[str, list[tuple[str, str]]]:
        if self._by_key is None:
            self._by_key = {}
            for iri, name in scan_names(self.store):
                self._by_key.setdefault(name_key(name), []).append((iri, name))
        return self._by_key

    def by_keys(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        return [e for k in set(keys) if k for e in self.by_key.get(k, [])]

    def containing(self, key: str, limit: int) -> list[tuple[str, str]]:
        return [e for k, es in self.by_key.items() if key in k for e in es][:limit]

    def ending(self, suffix: str) -> list[str]:
        return sorted({iri for es in self.by_key.values() for iri, _ in es if iri.endswith(suffix)})

    def cores(self) -> dict[str, list[str]]:
        return _by_core(self.by_key)


def scan_names(store: Store) -> Iterator[tuple[str, str]]:
    """(IRI, name) of every named IRI of ``store``: from the embedded store's index, one
    pattern per name predicate (a SPARQL query over them takes many times as long), else
    by a query."""
    native = getattr(store, "native", None)
    if native is None:
        preds = " ".join(f"<{p}>" for p in NAME_PREDICATES)
        for r in store.select(f"SELECT DISTINCT ?x ?l WHERE {{ VALUES ?p {{ {preds} }} ?x ?p ?l "
                              "FILTER(isIRI(?x) && isLiteral(?l)) }").rows:
            yield lexical(r["x"]), lexical(r["l"])
        return
    for p in NAME_PREDICATES:
        for q in native.quads_for_pattern(None, ox.NamedNode(p), None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.Literal):
                yield q.subject.value, q.object.value


def _store_of(kg: Graph) -> Store:
    return kg if isinstance(kg, Store) else kg.store


def names_of(store: Store) -> Names:
    """The names of an embedded store on disk from its name-key cache, filled first if it
    is missing or stale (``build`` fills it; this covers a store built before the cache
    existed, or whose cache was deleted); of any other store, read from the store.

    The cache sits beside the store's current generation (``<store>/name-keys.sqlite``) and
    is stamped with that generation's build manifest.
    """
    path = getattr(store, "path", None) if isinstance(store, EmbeddedStore) else None
    if path is not None:
        generation = Path(path)
        stamp = stamp_of(generation.with_name(generation.name + ".json"))
        if stamp:
            try:
                return CachedNames(NameIndex.load(generation.parent, stamp, lambda: scan_names(store)))
            except sqlite3.Error:
                pass  # an unreadable cache: the names are read from the store instead
    return ScannedNames(store)


# -- matching -------------------------------------------------------------------------------

def _fold(text: str) -> str:
    """Case, accents, apostrophes, hyphens and spaces folded: "Hamgyŏng-namdo" → "hamgyongnamdo"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum())


def _core(key: str) -> str:
    """A name key without the generic word a unit's name ends with ("...province")."""
    for word in _UNIT_KEYS:
        if key.endswith(word) and len(key) > len(word):
            return key[: -len(word)]
    return key


#: How well a name matches what was typed, best first; resolution takes the best tier found.
EXACT, FOLDED, SAME_KEY, WITHOUT_UNIT_WORD, PART = 100.0, 97.0, 94.0, 90.0, 80.0


def _tier(typed: str, name: str) -> float:
    """The tier of a name that shares a key (or a unit-word-less key) with ``typed``."""
    if name == typed:
        return EXACT
    if _fold(name) == _fold(typed):
        return FOLDED
    return SAME_KEY if name_key(name) == name_key(typed) else WITHOUT_UNIT_WORD


@dataclass(frozen=True)
class Hit:
    """One node a search found: what it is, how it is shown, and which of its names matched."""

    iri: str
    kind: str  # from the IRI: "person", "unit", "post", "organization", "source", ...
    label: str  # its display label (else its prefixed name)
    matched: str  # the name of the node that matched what was typed
    score: float  # 100 the very name; lower for other spellings, parts and typos
    type: str = ""  # the label of its class ("Province"), where the graph gives one


def _candidates(names: Names, text: str) -> dict[str, tuple[float, str]]:
    """Nodes whose name is ``text`` under some spelling, each with its best tier and name."""
    key = name_key(text)
    keys = {key} | {name_key(f"{text} {w}") for w in UNIT_WORDS}
    found: dict[str, tuple[float, str]] = {}
    for iri, name in names.by_keys(keys):
        _keep(found, iri, _tier(text, name), name)
    return found


def _keep(found: dict[str, tuple[float, str]], iri: str, score: float, name: str) -> None:
    if iri not in found or (score, -len(name)) > (found[iri][0], -len(found[iri][1])):
        found[iri] = (score, name)


def _parts_and_typos(names: Names, text: str, limit: int) -> dict[str, tuple[float, str]]:
    """Nodes a name of which contains what was typed, or is close to it (a typo)."""
    from rapidfuzz import fuzz, process

    key = name_key(text)
    found: dict[str, tuple[float, str]] = {}
    if len(key) >= 3:
        for iri, name in names.containing(key, limit * 20):
            _keep(found, iri, PART - min(len(name_key(name)) - len(key), 20) / 4, name)
    cores = names.cores()
    close = process.extract(_core(key), list(cores), scorer=fuzz.ratio, limit=limit * 2,
                            score_cutoff=FUZZY_CUTOFF)
    scores = {k: score for core, score, _ in close for k in cores[core]}
    for iri, name in names.by_keys(scores):
        _keep(found, iri, 0.75 * scores[name_key(name)], name)
    return found


def _expand(text: str) -> str | None:
    """``text`` as a full IRI when it is written as one (<...>, http://..., prefix:local)."""
    from dprk_kg.parse import expand_iri  # the ingest parser's module: loaded only here

    try:
        return expand_iri(text).value
    except ValueError:
        return None


def _as_typed(store: Store, text: str) -> list[str]:
    """The nodes labelled exactly ``text`` (untagged, English or Korean), by the store's index:
    one query per form, since asked as one (a UNION) the store would read every label. This
    answers the usual case fast where no name-key cache is at hand (a server)."""
    terms = [ox.Literal(text), ox.Literal(text, language="en"), ox.Literal(text, language="ko")]
    return sorted({lexical(r["x"]) for term in terms for r in store.select(
        f"SELECT DISTINCT ?x WHERE {{ ?x <{RDFS_LABEL}> ?_label FILTER(isIRI(?x)) }} LIMIT 6",
        {"_label": term}).rows})


def _exists(store: Store, iri: str) -> bool:
    return store.ask("ASK { { ?_x ?p ?o } UNION { ?s ?p ?_x } }", {"_x": ox.NamedNode(iri)})


def _of_kinds(store: Store, iris: Iterable[str], kinds: Sequence[str] | None) -> set[str]:
    """Those of ``iris`` that are instances of one of ``kinds`` (classes, or their subclasses)."""
    iris = set(iris)
    if not kinds or not iris:
        return iris
    values = " ".join(f"<{i}>" for i in sorted(iris))
    classes = " ".join(f"<{_expand(k) or k}>" for k in kinds)
    rows = store.select(f"SELECT DISTINCT ?x WHERE {{ VALUES ?x {{ {values} }} VALUES ?c {{ {classes} }} "
                        f"?x <{RDF_TYPE}>/<{PREFIXES['rdfs']}subClassOf>* ?c }}").rows
    return {lexical(r["x"]) for r in rows}


# -- the API --------------------------------------------------------------------------------

def search(kg: Graph, text: str, limit: int = 20, *, kinds: Sequence[str] | None = None) -> list[Hit]:
    """The nodes ``text`` may name, best first: the very name, other spellings of it, a name
    without its unit word, names containing it, then names close to it (typos).

    ``kinds`` keeps only instances of those classes (IRIs or prefixed names).
    """
    store = _store_of(kg)
    text = text.strip()
    if not text:
        return []
    found: dict[str, tuple[float, str]] = {}
    iri = _expand(text)
    if iri is not None and _exists(store, iri):
        found[iri] = (EXACT, text)
    names = names_of(store)
    for node, (score, name) in _candidates(names, text).items():
        _keep(found, node, score, name)
    if _SLUG.fullmatch(text):
        for node in names.ending("/" + text):
            _keep(found, node, EXACT, text)
    for node, (score, name) in _parts_and_typos(names, text, limit).items():
        _keep(found, node, score, name)
    allowed = _of_kinds(store, found, kinds)
    # Vocabulary (classes, properties) a step below entities: people mostly look for things.
    ranked = sorted((node for node in found if node in allowed),
                    key=lambda n: (-found[n][0] + 10 * (kind_of(n) == "term"), len(found[n][1]), n))[:limit]
    return _hits(store, ranked, found)


def _hits(store: Store, iris: list[str], found: dict[str, tuple[float, str]]) -> list[Hit]:
    shown = display_labels(store, iris)
    types: dict[str, str] = {}
    if iris:
        values = " ".join(f"<{i}>" for i in iris)
        rows = store.select(f"SELECT ?x ?t WHERE {{ VALUES ?x {{ {values} }} ?x <{RDF_TYPE}> ?t }}").rows
        by_node: dict[str, list[str]] = {}
        for r in rows:
            by_node.setdefault(lexical(r["x"]), []).append(lexical(r["t"]))
        class_labels = display_labels(store, {t for ts in by_node.values() for t in ts})
        types = {x: ", ".join(sorted({class_labels.get(t, curie(t)) for t in ts})) for x, ts in by_node.items()}
    return [Hit(i, kind_of(i), shown.get(i) or curie(i), found[i][1], round(found[i][0], 1), types.get(i, ""))
            for i in iris]


def resolve(kg: Graph, text: str, kinds: Sequence[str] | None = None, *, what: str = "thing") -> ox.NamedNode:
    """The one node ``text`` names (see the module docstring for what may be typed).

    An IRI or prefixed name must name something in the graph; a slug names the node whose IRI
    ends with it; a name is compared under every romanization, then without a unit's generic
    word, then as part of a longer name. ``kinds`` (class IRIs or prefixed names) keeps only
    their instances; ``what`` names them in messages ("unit", "person").

    Raises :class:`~dprk_kg.errors.UserError` when nothing matches (with the nearest names
    as suggestions) or when several nodes match equally well (listing them).
    """
    store = _store_of(kg)
    text = text.strip()
    iri = _expand(text)
    if iri is not None:
        if _exists(store, iri) and _of_kinds(store, [iri], kinds):
            return ox.NamedNode(iri)
        raise UserError(f"nothing in the graph is <{iri}>{_is_a(what)}; check the IRI, or give a name"
                        + _suggest(store, iri.rsplit("/", 1)[-1].replace("-", " "), kinds))
    elif _LOOKS_LIKE_IRI.match(text):
        raise UserError(f"{text!r} is not an IRI or a prefixed name (known prefixes: "
                        f"{', '.join(PREFIXES)})")
    names = names_of(store)
    tiers: list[Callable[[], dict[str, tuple[float, str]]]] = [
        lambda: {n: (EXACT, text) for n in _as_typed(store, text)},
        lambda: {n: (EXACT, text) for n in names.ending("/" + text)} if _SLUG.fullmatch(text) else {},
        lambda: _candidates(names, text)]
    for tier in tiers:
        found = tier()
        allowed = _of_kinds(store, found, kinds)
        best = max((found[n][0] for n in allowed), default=None)
        if best is not None:
            chosen = sorted((n for n in allowed if found[n][0] == best), key=lambda n: (len(found[n][1]), n))
            return _one(store, text, chosen, what)
    key = name_key(text)
    if len(key) >= 3:  # a part of a longer name: "Hamgyong" for North and South Hamgyong
        parts: dict[str, int] = {}
        for node, name in names.containing(key, 200):
            parts[node] = min(parts.get(node, 1 << 30), len(name))
        within = sorted(_of_kinds(store, parts, kinds), key=lambda n: (parts[n], n))
        if within:
            return _one(store, text, within, what)
    nothing = "nothing is" if what == "thing" else f"no {what} is"
    raise UserError(f"{nothing} called {text!r}" + _suggest(store, text, kinds))


def _is_a(what: str) -> str:
    return "" if what == "thing" else f" (or it is not a {what})"


def _one(store: Store, text: str, chosen: list[str], what: str) -> ox.NamedNode:
    if len(chosen) == 1:
        return ox.NamedNode(chosen[0])
    shown = display_labels(store, chosen[:5])
    listed = ", ".join(f"{shown.get(c, curie(c))} ({curie(c)})" for c in chosen[:5])
    more = f" and {len(chosen) - 5} more" if len(chosen) > 5 else ""
    raise UserError(f"{text!r} names several {what}s: {listed}{more}; give one's IRI or full name")


def _suggest(store: Store, text: str, kinds: Sequence[str] | None) -> str:
    hits = search(store, text, 3, kinds=kinds)
    if not hits:
        return ""
    return "; did you mean " + ", ".join(f"{h.label} ({curie(h.iri)})" for h in hits) + "?"
