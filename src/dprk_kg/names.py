"""Korean names under their many romanizations, and likely duplicates among entities.

The same person or place is written Kim Jong Un, Kim Jong-un, Kim Jŏng-ŭn, Gim Jeong-eun or
김정은; Ryanggang or Yanggang; P'yŏngan, Phyongan or Pyongan. :func:`name_key` folds all of
these (McCune-Reischauer, the DPRK's own system, Revised Romanization, Hangul, press habits)
to one key, so a new entity whose name matches an existing one can be flagged.

A match is only ever a *warning*: homonyms are real (two SPA deputies named Kim Myong Sik),
so nothing is merged on a name. A person settles it in the judgements file
(``<store>/judgements.ttl``): ``owl:sameAs`` or ``owl:differentFrom`` between the two IRIs
silences the warning for that pair.

>>> name_key("Kim Jong Un") == name_key("Kim Jong-un") == name_key("Kim Jŏng-ŭn") \\
...     == name_key("김정은") == name_key("Gim Jeong-eun")
True
>>> name_key("Ryanggang") == name_key("Yanggang") == name_key("량강")
True
>>> name_key("P'yŏngan") == name_key("Phyongan") == name_key("Pyongan")
True
>>> name_key("North Hamgyong") == name_key("North Hamgyŏng")
True
>>> name_key("Ri Sol Ju") == name_key("Lee Sol-ju") == name_key("리설주")
True
>>> name_key("Pak Pong Ju") == name_key("Park Bong-ju") == name_key("박봉주")
True
>>> name_key("Choe Ryong Hae") == name_key("Choi Ryong-hae") == name_key("최룡해")
True
>>> name_key("Kim Jong Un") == name_key("Kim Jong Il")
False
>>> name_key("Deputy 00042") == name_key("Deputy 00422"), name_key("Ri 1 2") == name_key("Ri 12")
(False, False)
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.files import replacing
from dprk_kg.store import Store, lexical

OWL = namespaces.PREFIXES["owl"]
RDF_TYPE = namespaces.PREFIXES["rdf"] + "type"
#: What a person records in the judgements file about two IRIs (either order).
JUDGEMENT_PREDICATES = frozenset({OWL + "sameAs", OWL + "differentFrom"})
NAME_PREDICATES = tuple(namespaces.PREFIXES[p] + local for p, local in (
    ("rdfs", "label"), ("skos", "prefLabel"), ("skos", "altLabel"), ("foaf", "name")))

# Hangul syllable = initial * 588 + medial * 28 + final, from U+AC00 (Unicode ch. 3.12).
_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
_MEDIALS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
_FINALS = ("- k k k n n n t l l l l l l l l m p p t t ng t t k t p t".split())

#: Spelling differences that carry no meaning between systems, applied in this order.
_FOLDS = [
    (r"eo", "o"), (r"eu", "u"), (r"oi", "oe"), (r"oo", "u"), (r"ee", "i"),
    (r"tch", "c"), (r"ch", "c"), (r"j", "c"), (r"sh", "s"),
    (r"ph", "p"), (r"th", "t"), (r"kh", "k"),
    (r"g", "k"), (r"d", "t"), (r"b", "p"), (r"l", "r"), (r"w(?=[ou])", ""),
    (r"([a-z])\1+", r"\1"),
]
_FOLDS_COMPILED = [(re.compile(p), r) for p, r in _FOLDS]
_APOSTROPHES = re.compile(r"['’ʼ`‘]")
#: Words of a name, letters and digits apart: "kim2" is the word "kim" and the number 2.
_WORDS = re.compile(r"[a-z]+|[0-9]+")
_SILENT_R = re.compile(r"ar(?=[^aeiouyr]|$)")
_INITIAL_R = re.compile(r"[rln][iy]")


def romanize_hangul(text: str) -> str:
    """Hangul syllables spelled out in Latin letters, one token per syllable."""
    out = []
    for ch in text:
        code = ord(ch) - 0xAC00
        if 0 <= code < 11172:
            initial, medial, final = code // 588, (code % 588) // 28, code % 28
            syllable = _INITIALS[initial] + _MEDIALS[medial] + _FINALS[final]
            out.append(" " + syllable.replace("-", "") + " ")
        else:
            out.append(ch)
    return "".join(out)


#: Spellings of the surname 리/이 (Ri, Rhee, Lee, Yi, I), which no rule below would join.
_RI = frozenset({"ri", "rhee", "lee", "li", "yi", "i", "rhie"})


def _initial(token: str) -> str:
    """Word-initial r/l/n: the North writes Ri, Ryanggang, Rodong; the South Yi, Yanggang, Nodong.

    English habits are undone here too: the silent r of Park, the surname Lee.
    """
    if token in _RI:
        return "i"
    token = _SILENT_R.sub("a", token)
    if _INITIAL_R.match(token):
        return token[1:]
    if token[:1] in "ln":
        return "r" + token[1:]
    return token


@functools.lru_cache(maxsize=1 << 18)
def name_key(name: str) -> str:
    """The spelling-insensitive key of a Korean name (see the module docstring).

    Compiled patterns, and no Unicode normalization of plain ASCII (it changes nothing
    there): the key of every name in a store is computed when its cache is filled.
    """
    if name.isascii():
        text = name.lower()
    else:
        text = unicodedata.normalize("NFKD", romanize_hangul(unicodedata.normalize("NFC", name)))
        text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = _APOSTROPHES.sub("", text)
    # Numbers are kept whole and fenced, so that no fold joins 00042 and 00422 or 1 2 and 12.
    key = "".join(f"#{t}#" if t.isdigit() else _initial(t) for t in _WORDS.findall(text))
    for pattern, replacement in _FOLDS_COMPILED:
        key = pattern.sub(replacement, key)
    return key


#: One name of a node: (IRI, name). Types are asked of the store at lookup: reading them for
#: every node would double the cost of filling the cache.
Entry = tuple[str, str]


class LikelyDuplicate(NamedTuple):
    """A new node whose name matches an existing node's under romanization variants.

    A named tuple, not a dataclass: a local election's 28,000 new persons bring some 357,000
    pairs of namesakes, which a frozen dataclass takes twice as long to make (0.3 s against
    0.15 s).
    """

    new: str
    new_name: str
    existing: str
    existing_name: str


def judgements_file(store_dir: Path) -> Path:
    """Where same / not-same judgements live: ``<store>/judgements.ttl`` (plain Turtle)."""
    return Path(store_dir) / "judgements.ttl"


def read_judgements(path: Path | None, extra: Iterable[ox.Triple] = ()) -> set[frozenset[str]]:
    """Pairs of IRIs a person has judged (owl:sameAs or owl:differentFrom), either order."""
    triples = list(extra)
    if path is not None and path.is_file():
        from dprk_kg.parse import read_file

        triples += read_file(path, progress=False).triples
    return {frozenset((lexical(t.subject), t.object.value)) for t in triples
            if t.predicate.value in JUDGEMENT_PREDICATES and isinstance(t.object, ox.NamedNode)}


def likely_duplicates(names_new: dict[str, set[str]], names_existing: dict[str, set[str]],
                      judged: set[frozenset[str]]) -> list[LikelyDuplicate]:
    """Pairs (new, existing) whose names share a key, minus pairs already judged.

    >>> likely_duplicates({"kg:a": {"Kim Jong-un"}}, {"kg:b": {"Kim Jong Un"}}, set())
    [LikelyDuplicate(new='kg:a', new_name='Kim Jong-un', existing='kg:b', existing_name='Kim Jong Un')]
    >>> likely_duplicates({"kg:a": {"Kim Jong-un"}}, {"kg:b": {"Kim Jong Un"}},
    ...                   {frozenset({"kg:a", "kg:b"})})
    []
    """
    return [LikelyDuplicate(new, new_name, existing, existing_name)
            for new, matches in namesakes(names_new, names_existing, judged).items()
            for existing, existing_name, new_name in in_iri_order(matches)]


#: A new node's namesakes: for each of its names that matches (in sort order), the existing
#: nodes that name matches and no earlier one did, as (IRI, name) in IRI order.
Matches = list[tuple[str, list[Entry]]]


def namesakes(names_new: dict[str, set[str]], names_existing: dict[str, set[str]],
              judged: set[frozenset[str]]) -> dict[str, Matches]:
    """The :class:`Matches` of each new node that has namesakes, by new node in IRI order:
    the pairs of :func:`likely_duplicates`, kept as lists of the existing nodes that bear
    each key.

    Why: a local election's 28,000 new persons share their Hangul names with some 357,000
    existing namesakes. Each key's bearers are listed once (a node under its first name of
    that key), and a new node whose names match one key takes that list as it is, where
    making, sorting and grouping 357,000 pairs took seconds.
    """
    bearers: dict[str, list[Entry]] = {}
    for node, names in sorted(names_existing.items()):
        for name in sorted(names):  # the same name shown whichever way they were found
            found = bearers.setdefault(name_key(name), [])
            if not found or found[-1][0] != node:
                found.append((node, name))
    out: dict[str, Matches] = {}
    for node in sorted(names_new):
        matches: Matches = []
        seen: set[str] = set()
        for name in sorted(names_new[node]):
            key = name_key(name)
            entries = bearers.get(key) if key else None
            if not entries:
                continue
            if seen or judged or node in names_existing:  # pairs to leave out
                entries = [(other, other_name) for other, other_name in entries
                           if other != node and other not in seen
                           and not (judged and frozenset((node, other)) in judged)]
            if entries:
                matches.append((name, entries))
                seen.update(other for other, _ in entries)
        if matches:
            out[node] = matches
    return out


def in_iri_order(matches: Matches) -> Iterator[tuple[str, str, str]]:
    """(existing IRI, its name, the new node's name) of each pair of ``matches``, in the
    order of the existing IRIs; lazily, so that the first few cost no more than they."""
    return heapq.merge(*(((other, other_name, name) for other, other_name in entries)
                         for name, entries in matches))


class NameIndex:
    """The name keys of every named node in a store, cached in ``<store>/name-keys.sqlite``.

    Why a cache: finding existing names that match a new one means folding every name in the
    graph (90,000 at a million triples: seconds), which no SPARQL index can do. The cache is
    an SQLite table indexed on the key, so a lookup reads a few rows; it is stamped with the
    store's build manifest, rebuilt when the stamp no longer matches, and extended in place
    by ``add`` so that adding does not invalidate it. Deleting it is always safe.
    """

    #: Bumped when the table changes: a cache of another layout is rebuilt, not misread.
    LAYOUT = "3"

    def __init__(self, connection: Any, stamp: str) -> None:
        self.db, self.stamp = connection, stamp

    @staticmethod
    def file(store_dir: Path) -> Path:
        return Path(store_dir) / "name-keys.sqlite"

    @classmethod
    def current(cls, store_dir: Path, stamp: str) -> NameIndex | None:
        """The cached index if it exists and its stamp matches, else None."""
        import sqlite3

        path = cls.file(store_dir)
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(path)
            found = db.execute("SELECT value FROM meta WHERE name = 'stamp'").fetchone()
        except sqlite3.Error:
            return None
        if found and found[0] == f"{cls.LAYOUT}:{stamp}":
            return cls(db, stamp)
        db.close()
        return None

    @classmethod
    def load(cls, store_dir: Path, stamp: str, scan: Callable[[], Iterable[Entry]]) -> NameIndex:
        """The cached index if its stamp matches, else one rebuilt from ``scan``."""
        import sqlite3

        index = cls.current(store_dir, stamp)
        if index is not None:
            return index
        entries = list(scan())
        try:  # readers see the old cache or the new one, whole
            with replacing(cls.file(store_dir)) as tmp:
                db = sqlite3.connect(tmp)
                try:
                    cls(db, stamp).fill(entries)
                finally:
                    db.close()
        except (OSError, sqlite3.Error):  # a store folder we may not write: keep it in memory
            index = cls(sqlite3.connect(":memory:"), stamp)
            index.fill(entries)
            return index
        return cls(sqlite3.connect(cls.file(store_dir)), stamp)

    def fill(self, entries: Iterable[Entry]) -> None:
        """Create the tables of an empty database and fill them."""
        self.db.executescript("CREATE TABLE names (key TEXT, iri TEXT, name TEXT);"
                              "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT);")
        self.extend(entries)
        self.db.execute("CREATE INDEX by_key ON names (key)")
        self.db.commit()

    def lookup(self, keys: Iterable[str]) -> list[Entry]:
        """The entries whose key is one of ``keys`` (asked in slices: one query per key
        would cost a second per 50,000 new names)."""
        keys = sorted(set(keys))
        found: list[Entry] = []
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            found += self.db.execute(f"SELECT iri, name FROM names WHERE key IN "
                                     f"({', '.join('?' * len(part))})", part)
        return found

    def extend(self, entries: Iterable[Entry]) -> None:
        """Add entries and stamp the cache with :attr:`stamp` (one transaction)."""
        with self.db:
            self.db.executemany("INSERT INTO names VALUES (?, ?, ?)",
                                ((name_key(n), i, n) for i, n in entries))
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('stamp', ?)",
                            (f"{self.LAYOUT}:{self.stamp}",))


def stamp_of(manifest: Path) -> str:
    """What a cache derived from the store must match: the contents of the store's files
    (their hashes in the build manifest). Not their times: a file touched but unchanged gets
    its new time recorded, and the cache stays good. Not the manifest's path either: a store
    copied or moved elsewhere, or rebuilt from the same files, holds the same names."""
    try:
        files = json.loads(manifest.read_text())["files"]
        contents = json.dumps({key: entry["sha256"] for key, entry in files.items()}, sort_keys=True)
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    return hashlib.sha256(contents.encode()).hexdigest()


# -- the name-key cache's lifecycle, and the search without it --------------------------------

def name_index_for(store_dir: Path, stamp: str | None) -> NameIndex | None:
    """The cached name keys of the embedded store in ``store_dir``, if they match ``stamp``
    (the store's :func:`dprk_kg.build.index_stamp`; None: no built store).

    A stale or missing cache is not rebuilt here: that costs seconds at a million triples
    (every name's key), while the duplicate check answers from the store without it in a
    fraction of that (:func:`named_nodes`). :func:`fill_name_index` builds it.
    """
    return None if stamp is None else NameIndex.current(Path(store_dir), stamp)


def fill_name_index(store_dir: Path, store: Store, stamp: str | None) -> NameIndex | None:
    """Build the name-key cache of a freshly built store (for the build, or later), so that
    each validation's duplicate check is a lookup."""
    return None if stamp is None else NameIndex.load(Path(store_dir), stamp,
                                                     lambda: named_nodes(store))


def refresh_name_index(names: NameIndex, stamp: str | None, entries: Iterable[Entry]) -> None:
    """After an add: the names the batch brought join the cache, stamped with the new manifest.

    The entries come from the batch itself, not from the store: asking the store for the
    names of 28,000 new subjects took most of an add's time.
    """
    import sqlite3

    if stamp is None:
        return
    names.stamp = stamp
    try:
        names.extend(entries)
    except sqlite3.Error:
        # The batch is committed by now; the cache is only an index of its names. A reader
        # that saw the new manifest first (a search in ``serve``) may hold the file or have
        # rebuilt it: left stale, the cache is rebuilt on next use, and the add still holds.
        pass


def names_in(triples: Iterable[ox.Triple]) -> list[Entry]:
    """(IRI, name) of each name triple of a named node in ``triples``."""
    return list(dict.fromkeys(
        (t.subject.value, t.object.value) for t in triples
        if t.predicate.value in NAME_PREDICATES and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.Literal)))


def named_nodes(store: Store, names: Iterable[str] | None = None) -> list[Entry]:
    """(IRI, name) of the named nodes of ``store``: all, or those whose names share a key with
    one of ``names``.

    The names are read straight from the store's index where it is embedded (a scan of the
    name predicates, where a SPARQL join takes several times as long), and their keys
    computed here (about a second for 90,000 names). Without a name-key cache this is the
    search; it never depends on how many names are asked for.
    """
    found = dict.fromkeys(_names(store))
    if names is None:
        return list(found)
    keys = {k for k in map(name_key, names) if k}
    return [(s, n) for s, n in found if name_key(n) in keys]


def of_types(store: Store, iris: set[str], types: set[str]) -> set[str]:
    """Those of ``iris`` that are of one of ``types`` (as stated, not inferred; a type is an
    IRI, never a literal).

    Index reads, not a SPARQL join: a name shared by thousands of deputies brings that
    many candidates, which a join materializes several times slower. On the embedded store
    the nodes of each type are read in one pass of the type index where they are few
    enough (:func:`_typed_by_scan`), else each IRI's types in one lookup; elsewhere one
    lookup per IRI and type (:meth:`dprk_kg.store.Store.present`).
    """
    rdf_type = ox.NamedNode(RDF_TYPE)
    native = getattr(store, "native", None)
    if native is not None:
        scanned = _typed_by_scan(native, iris, types)
        if scanned is not None:
            return scanned
        return {i for i in iris if any(
            isinstance(q.object, ox.NamedNode) and q.object.value in types
            and not isinstance(q.graph_name, ox.DefaultGraph)
            for q in native.quads_for_pattern(ox.NamedNode(i), rdf_type, None))}
    wanted = [ox.NamedNode(t) for t in sorted(types)]
    return {k[0].value for k in store.present([(ox.NamedNode(i), rdf_type, t)
                                               for i in sorted(iris) for t in wanted])}


#: A step of a scan of the type index costs about an eighth of a lookup of one node's types.
_SCAN_STEPS_PER_LOOKUP = 8


def _typed_by_scan(native: ox.Store, iris: set[str], types: set[str]) -> set[str] | None:
    """Those of ``iris`` among the nodes of ``types``, read type by type from the index, or
    None when the types have more nodes than a scan would beat lookups for.

    Why: a local election's 28,000 new persons have 28,000 namesakes in the store, whose
    types cost 1.1 s of lookups and 0.3 s as one pass over every person; a batch with a
    few namesakes stops scanning early and looks them up instead.
    """
    rdf_type = ox.NamedNode(RDF_TYPE)
    budget = _SCAN_STEPS_PER_LOOKUP * len(iris)
    found: set[str] = set()
    for t in sorted(types):
        try:
            node = ox.NamedNode(t)
        except ValueError:  # not an IRI, so no node's type
            continue
        for q in native.quads_for_pattern(None, rdf_type, node):
            budget -= 1
            if budget < 0:
                return None
            if isinstance(q.subject, ox.NamedNode) and q.subject.value in iris \
                    and not isinstance(q.graph_name, ox.DefaultGraph):
                found.add(q.subject.value)
    return found


def _names(store: Store) -> list[Entry]:
    """(IRI, name) of every named IRI in ``store``."""
    native = getattr(store, "native", None)
    if native is None:
        preds = " ".join(f"<{p}>" for p in NAME_PREDICATES)
        return [(lexical(r["s"]), lexical(r["name"])) for r in store.select(
            f"SELECT DISTINCT ?s ?name WHERE {{ VALUES ?p {{ {preds} }} ?s ?p ?name "
            f"FILTER(isIRI(?s)) }}").rows]
    return [(q.subject.value, q.object.value) for p in NAME_PREDICATES
            for q in native.quads_for_pattern(None, ox.NamedNode(p), None)
            if isinstance(q.subject, ox.NamedNode) and q.graph_name != ox.DefaultGraph()]
