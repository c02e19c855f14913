"""What an entity page shows, read from the store with SPARQL (so a remote server works too).

An entity's page gathers its names (every label and romanization, each tagged by system),
its own statements, the facts about it (tenures, memberships, candidacies, claims: the nodes
that point at it through the properties in :data:`FACT_LINKS`), every source with its
publisher, title, date, canonical URL and the copy read, and the other things that link to
it. Nothing here builds HTML: the templates do, and they escape every value.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from dprk_kg import namespaces, palette, standing
from dprk_kg.errors import UserError
from dprk_kg.labels import display_labels
from dprk_kg.results import curie
from dprk_kg.store import Store, Term, lexical

P = namespaces.PREFIXES
DPRK, ORG, RDF, RDFS, SKOS, DCT, SCHEMA = (P[k] for k in ("dprk", "org", "rdf", "rdfs", "skos", "dcterms", "schema"))
LABEL, ALT, TYPE, SOURCE = RDFS + "label", SKOS + "altLabel", RDF + "type", DCT + "source"

#: What each language tag of a name says, in the project's conventions (README: Names).
NAME_SYSTEMS = {
    "en": "English", "ko": "Hangul", "ko-latn-x-mr": "McCune–Reischauer",
    "ko-latn-x-dprk": "DPRK official romanization", "ko-latn-x-rr": "Revised Romanization (South Korea)",
    "": "untagged",
}
#: Properties through which a fact node points at the person, post or unit it is about.
FACT_LINKS = [ORG + "member", DPRK + "post", DPRK + "candidate", DPRK + "claimant", DPRK + "voter",
              DPRK + "about", DPRK + "nameOf", DPRK + "statusOf", ORG + "organization"]
#: How facts are grouped on a page, first match wins (classes as in the ontology).
FACT_GROUPS = [(DPRK + "PostHolding", "Tenures"), (DPRK + "Mandate", "Mandates"),
               (DPRK + "Membership", "Memberships"), (DPRK + "Candidacy", "Candidacies"),
               (DPRK + "Nomination", "Candidacies"), (DPRK + "BallotCast", "Votes"),
               (DPRK + "Claim", "Claims"), (DPRK + "NameUse", "Names over time"),
               (DPRK + "StatusPeriod", "Status over time")]
#: The order of the groups on a page (then "Other facts").
GROUP_ORDER = list(dict.fromkeys(name for _, name in FACT_GROUPS))
#: Properties shown apart (names, types, sources), not in the list of statements.
SHOWN_APART = {LABEL, ALT, TYPE, SOURCE}
KG_PATH = "/id/"


def local_path(iri: str) -> str | None:
    """The path of the page of ``iri`` on this server, if it is one of the graph's entities.

    >>> local_path("https://w3id.org/dprk-kg/id/person/kim-jong-un")
    '/id/person/kim-jong-un'
    >>> local_path("https://schema.org/url") is None
    True
    """
    return KG_PATH + iri[len(namespaces.KG):] if iri.startswith(namespaces.KG) else None


def web_link(url: str | None) -> str | None:
    """``url`` if a browser may follow it (http or https), else None: a source's URL is data,
    and ``javascript:`` or ``data:`` there must not become a link.

    >>> web_link("https://kcna.kp/x"), web_link("javascript:alert(1)")
    ('https://kcna.kp/x', None)
    """
    return url if url and url.lower().startswith(("http://", "https://")) else None


def href_for(iri: str) -> str | None:
    """Where a link to ``iri`` goes: its page here, else the web address itself."""
    return local_path(iri) or web_link(iri)


@dataclass
class Value:
    """One value as a page shows it: a text, and a link when it is an entity of the graph."""

    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None


@dataclass
class Source:
    """A source document as cited under a fact."""

    iri: str
    title: str | None = None
    label: str | None = None
    publisher: str | None = None
    publisher_kind: str | None = None
    date: str | None = None
    url: str | None = None
    copy_read: str | None = None
    retrieved: str | None = None

    @property
    def href(self) -> str | None:
        return local_path(self.iri)


@dataclass
class Fact:
    """A fact node about the entity (a tenure, a membership, a claim...) with its sources."""

    iri: str
    label: str
    group: str
    kind: str
    side: str
    start: str | None = None
    end: str | None = None
    status: str | None = None
    last_attested: str | None = None
    links: list[tuple[str, Value]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    end_qualifier: str | None = None  # the label of dprk:endQualifier ("no later than")
    dates: standing.TenureDates | None = None
    #: On the page's "as of" date: None (not in post), "holding", "unconfirmed since 2010-06"
    #: or "uncertain: ...", by the as-of queries' rule (dprk_kg.standing).
    standing: str | None = None

    @property
    def href(self) -> str | None:
        return local_path(self.iri)

    @property
    def active(self) -> bool:
        """Whether the tenure may cover the page's "as of" date (confirmed or not)."""
        return self.standing is not None


@dataclass
class Entity:
    """Everything an entity page shows."""

    iri: str
    label: str
    kind: str
    side: str
    types: list[Value]
    names: list[tuple[str, str, str]]  # (text, language tag, what the tag says)
    statements: list[tuple[str, list[Value]]]
    sources: list[Source]
    facts: dict[str, list[Fact]]
    incoming: list[tuple[Value, str]]
    as_of: str | None = None

    @property
    def curie(self) -> str:
        return curie(self.iri)


class NotFound(LookupError):
    """No statement in the graph has this entity as subject or object."""


def _select(store: Store, text: str, **bindings: Term) -> list[dict[str, Term]]:
    return store.select(namespaces.sparql_prefixes() + text, bindings).rows


def kinds(store: Store, iris: list[str]) -> dict[str, palette.NodeKind]:
    """The palette kind of each IRI (its first class in :data:`palette.NODE_KINDS` order)."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in set(iris))
    rows = _select(store, f"SELECT DISTINCT ?x ?c WHERE {{ VALUES ?x {{ {values} }} ?x a/rdfs:subClassOf* ?c }}")
    classes: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        classes[lexical(r["x"])].add(lexical(r["c"]))
    return {iri: next((k for c, k in palette.NODE_KINDS if c in classes[iri]), palette.OTHER) for iri in iris}


def value(term: Term, names: dict[str, str]) -> Value:
    """``term`` as a page shows it: an IRI by its label (or prefixed name), linked if local."""
    if isinstance(term, ox.NamedNode):
        return Value(names.get(term.value) or curie(term.value), local_path(term.value), term.value)
    if isinstance(term, ox.Literal):
        return Value(term.value, lang=term.language)
    return Value(str(term))


def sources(store: Store, iris: set[str]) -> dict[str, Source]:
    """The citation of each source document: title, publisher and its kind, date, URLs."""
    if not iris:
        return {}
    values = " ".join(f"<{i}>" for i in sorted(iris))
    rows = _select(store, f"""
        SELECT ?s ?title ?label ?publisher ?kind ?date ?url ?copy ?retrieved WHERE {{
          VALUES ?s {{ {values} }}
          OPTIONAL {{ ?s dcterms:title ?title }}
          OPTIONAL {{ ?s rdfs:label ?label }}
          OPTIONAL {{ ?s dcterms:publisher ?publisher OPTIONAL {{ ?publisher dprk:publisherKind ?kind }} }}
          OPTIONAL {{ ?s dcterms:date ?date }}
          OPTIONAL {{ ?s schema:url ?url }}
          OPTIONAL {{ ?s dprk:copyRead ?copy }}
          OPTIONAL {{ ?s dprk:retrieved ?retrieved }}
        }}""")
    names = display_labels(store, {lexical(r[k]) for r in rows for k in ("publisher", "kind") if k in r})
    found = {i: Source(i) for i in iris}
    for r in rows:
        s = found[lexical(r["s"])]
        get = lambda k: lexical(r[k]) if k in r else None  # noqa: E731
        s.title = s.title or get("title")
        s.label = s.label or get("label")
        s.publisher = s.publisher or (names.get(lexical(r["publisher"])) or lexical(r["publisher"])
                                      if "publisher" in r else None)
        s.publisher_kind = s.publisher_kind or (names.get(lexical(r["kind"])) or curie(lexical(r["kind"]))
                                                if "kind" in r else None)
        s.date, s.url = s.date or get("date"), s.url or get("url")
        s.copy_read, s.retrieved = s.copy_read or get("copy"), s.retrieved or get("retrieved")
    return found


def describe(store: Store, iri: str, as_of: str | None = None) -> Entity:
    """The page of ``iri``; NotFound when the graph says nothing about it."""
    node = ox.NamedNode(iri)
    out = _select(store, "SELECT ?p ?o WHERE { ?_x ?p ?o }", _x=node)
    facts_in = _select(store, f"""
        SELECT ?f ?link WHERE {{ ?f ?link ?_x
          VALUES ?link {{ {' '.join(f'<{p}>' for p in FACT_LINKS)} }} }}""", _x=node)
    incoming = _select(store, "SELECT DISTINCT ?s ?p WHERE { ?s ?p ?_x FILTER(isIRI(?s)) } LIMIT 500", _x=node)
    if not out and not incoming:
        raise NotFound(iri)
    fact_iris = sorted({lexical(r["f"]) for r in facts_in} - {iri})
    fact_rows = _fact_rows(store, fact_iris)
    mentioned = {t.value for r in out for t in r.values() if isinstance(t, ox.NamedNode)}
    mentioned |= {lexical(t) for r in incoming for t in r.values()} | set(fact_iris) | {iri}
    mentioned |= {t.value for rows in fact_rows.values() for _, t in rows if isinstance(t, ox.NamedNode)}
    names = display_labels(store, mentioned)
    kind_of = kinds(store, [iri, *fact_iris] + [t.value for rows in fact_rows.values() for p, t in rows
                                                 if p in (DPRK + "post", ORG + "organization") and isinstance(t, ox.NamedNode)])
    own_sources = {lexical(r["o"]) for r in out if lexical(r["p"]) == SOURCE}
    cited = sources(store, own_sources | {lexical(t) for rows in fact_rows.values() for p, t in rows if p == SOURCE})

    labels = [r["o"] for r in out if lexical(r["p"]) in (LABEL, ALT)]
    names_list = sorted(((o.value, o.language or "", NAME_SYSTEMS.get((o.language or "").lower(), o.language or ""))
                         for o in labels if isinstance(o, ox.Literal)),
                        key=lambda n: (list(NAME_SYSTEMS).index(n[1].lower()) if n[1].lower() in NAME_SYSTEMS else 99, n[0]))
    statements: dict[str, list[Value]] = defaultdict(list)
    for r in out:
        if lexical(r["p"]) not in SHOWN_APART:
            statements[names.get(lexical(r["p"])) or curie(lexical(r["p"]))].append(value(r["o"], names))
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in fact_iris:
        fact = _fact(f, fact_rows[f], names, kind_of, cited, iri)
        if as_of and fact.dates:
            fact.standing = fact.dates.standing(as_of)
        groups[fact.group].append(fact)
    for facts in groups.values():
        facts.sort(key=lambda x: (x.start or x.end or "", x.label))
    shown = set(fact_iris)
    kind = kind_of.get(iri, palette.OTHER)
    return Entity(
        iri=iri, label=names.get(iri) or curie(iri), kind=kind.name, side=kind.side,
        types=[value(r["o"], names) for r in out if lexical(r["p"]) == TYPE],
        names=names_list, statements=sorted(statements.items()),
        sources=sorted((cited[s] for s in own_sources), key=lambda s: (s.date or "", s.iri)),
        facts=dict(sorted(groups.items(), key=lambda g: GROUP_ORDER.index(g[0]) if g[0] in GROUP_ORDER else 99)),
        incoming=[(value(r["s"], names), names.get(lexical(r["p"])) or curie(lexical(r["p"])))
                  for r in incoming if lexical(r["s"]) not in shown],
        as_of=as_of)


def _fact_rows(store: Store, facts: list[str]) -> dict[str, list[tuple[str, Term]]]:
    """Each fact node's own statements, read in slices (a person may have hundreds)."""
    found: dict[str, list[tuple[str, Term]]] = defaultdict(list)
    for start in range(0, len(facts), 300):
        values = " ".join(f"<{f}>" for f in facts[start:start + 300])
        for r in _select(store, f"SELECT ?f ?p ?o WHERE {{ VALUES ?f {{ {values} }} ?f ?p ?o }}"):
            found[lexical(r["f"])].append((lexical(r["p"]), r["o"]))
    return found


def _fact(iri: str, rows: list[tuple[str, Term]], names: dict[str, str], kind_of: dict[str, palette.NodeKind],
          cited: dict[str, Source], subject: str) -> Fact:
    one = {p: lexical(t) for p, t in rows}
    types = {lexical(t) for p, t in rows if p == TYPE}
    group = next((name for cls, name in FACT_GROUPS if cls in types), None)
    if group is None:  # a subclass (an AuthorityClaim is a Claim): ask the palette's kind
        group = {"claim": "Claims", "reported result": "Claims", "tenure": "Tenures",
                 "candidacy": "Candidacies"}.get(kind_of.get(iri, palette.OTHER).name, "Other facts")
    target = next((t.value for p, t in rows if p in (DPRK + "post", ORG + "organization")
                   and isinstance(t, ox.NamedNode)), None)
    side = kind_of.get(target, palette.OTHER).side if target else ""
    links = [(names.get(p) or curie(p), value(t, names)) for p, t in rows
             if isinstance(t, ox.NamedNode) and p not in (TYPE, SOURCE, DPRK + "tenureStatus", DPRK + "endQualifier")
             and t.value != subject]
    status = one.get(DPRK + "tenureStatus")
    return Fact(iri=iri, label=names.get(iri) or curie(iri), group=group, kind=kind_of.get(iri, palette.OTHER).name,
                side=side, start=one.get(DPRK + "startDate") or one.get(DPRK + "date"),
                end=one.get(DPRK + "endDate"), status=status,
                last_attested=one.get(DPRK + "lastAttested"), links=links,
                end_qualifier=names.get(one.get(DPRK + "endQualifier") or ""),
                dates=standing.TenureDates.read(one.get),
                sources=sorted((cited[lexical(t)] for p, t in rows if p == SOURCE and lexical(t) in cited),
                               key=lambda s: (s.date or "", s.iri)))


def status_text(status: str | None) -> str:
    """A tenure status IRI as words (dprk:EndUnknown → "end unknown")."""
    if not status:
        return ""
    local = status.rsplit("#", 1)[-1]
    return "".join(" " + c.lower() if c.isupper() else c for c in local).strip()


def description(store: Store, iri: str) -> list[ox.Triple]:
    """The triples a machine gets for ``iri``: its own statements and those pointing at it."""
    return store.construct("CONSTRUCT { ?_x ?p ?o . ?s ?q ?_x } WHERE { { ?_x ?p ?o } UNION { ?s ?q ?_x } }",
                           {"_x": ox.NamedNode(iri)})


def check_date(text: str | None, name: str) -> str | None:
    """``text`` as an ISO date, None when empty; a UserError says which parameter is wrong.

    >>> check_date("2019-03-10", "as_of")
    '2019-03-10'
    >>> check_date("10/03/2019", "as_of")
    Traceback (most recent call last):
    ...
    dprk_kg.errors.UserError: as_of must be a date as YYYY-MM-DD, not '10/03/2019'
    """
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(f"{name} must be a date as YYYY-MM-DD, not {text!r}") from None
