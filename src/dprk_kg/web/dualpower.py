"""The dual-power pages: every first-level unit's two heads on a date, and one unit's chains.

The rows come from the ``dual-power`` named query (the same answer as ``dprk-kg query
dual-power``); this module adds what a reader needs to trust them: since when each head
holds the post, when a source last named them in it, and whether that is too long ago, as
the query's ``as_of`` column says (a holder whom no source has named in the post for
``stale_after`` years, :data:`STALE_YEARS` by default, is "unconfirmed since" that
attestation; a start or end known only to the month or year that contains the date is
"uncertain"). A unit's page
adds the chains of command above it and the diagram that ``dprk-kg export --view dual-power
--unit`` draws.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from dprk_kg import catalog, namespaces, query, standing
from dprk_kg.labels import display_labels
from dprk_kg.results import curie, iri_list
from dprk_kg.store import SelectResult, Store, Term, lexical
from dprk_kg.web.pages import local_path, status_text

STALE_YEARS = standing.STALE_YEARS


@dataclass
class Head:
    """One side's head of a unit on the date, or the lack of one."""

    post: str | None
    post_label: str
    holder: str | None = None
    holder_label: str = ""
    since: str | None = None
    status: str = ""
    last_attested: str | None = None
    sources: list[tuple[str, str | None]] = field(default_factory=list)
    note: str = ""  # "held by, since ... · last attested ..." (views.holder_note)
    certainty: str = ""  # "", "unconfirmed" or "uncertain"

    @property
    def holder_href(self) -> str | None:
        return local_path(self.holder) if self.holder else None

    @property
    def state(self) -> str:
        """"known", "stale" (unconfirmed for years) or "unknown" (no holder on record)."""
        return "unknown" if not self.holder else "stale" if self.certainty else "known"


@dataclass
class UnitRow:
    unit: str
    label: str
    state: list[Head]
    party: list[Head]
    de_facto: str = ""

    @property
    def slug(self) -> str:
        return self.unit.rsplit("/", 1)[-1]

    @property
    def href(self) -> str | None:
        """This unit's dual-power page, for a unit of the graph's own namespace (kg:unit/...)."""
        return f"/dual-power/{self.slug}" if local_path(self.unit) == f"/id/unit/{self.slug}" else None


def heads(store: Store, date: str, unit: str | None = None) -> list[UnitRow]:
    """The ``dual-power`` rows for ``date`` (all first-level units, or ``unit``), one per unit.

    Whether a head is confirmed, unconfirmed or uncertain on the date is the query's own
    ``as_of`` column: the page shows the rule the query applies, not a second copy of it.
    """
    given = {"date": date, **({"unit": unit} if unit else {})}
    result = query.run_named(store, catalog.get("dual-power"), given)
    assert isinstance(result, SelectResult)  # dual-power is a SELECT query
    rows = result.rows
    iris = {t.value for r in rows for t in r.values() if isinstance(t, ox.NamedNode)}
    iris |= {i for r in rows for i in iri_list(r.get("sources"))}
    names = display_labels(store, iris)
    units: dict[str, UnitRow] = {}
    for r in rows:
        u = lexical(r["unit"])
        row = units.setdefault(u, UnitRow(u, names.get(u) or curie(u), [], []))
        if "de_facto" in r:
            row.de_facto = names.get(lexical(r["de_facto"])) or curie(lexical(r["de_facto"]))
        post = r.get("post")
        head = Head(lexical(post) if post else None,
                    names.get(lexical(post), curie(lexical(post))) if post else "no such post on record")
        person = r.get("holder") or r.get("unconfirmed_holder")
        if person is not None:
            head.holder, head.holder_label = lexical(person), names.get(lexical(person)) or curie(lexical(person))
            head.since = _text(r, "start")
            head.status = status_text(lexical(r["tenure_status"])) if "tenure_status" in r else ""
            head.last_attested = _text(r, "last_attested")
            as_of = _text(r, "as_of") or ""
            head.certainty = standing.certainty(as_of)
            since = f"held by, since {head.since}" if head.since else "held by"
            head.note = " · ".join(part for part in (
                since, as_of if head.certainty else "",
                f"last attested {head.last_attested}" if head.last_attested else "") if part)
            head.sources = [(names.get(s) or curie(s), local_path(s)) for s in iri_list(r.get("sources"))]
        heads_ = row.state if lexical(r["side"]) == "state" else row.party
        if not any((h.post, h.holder) == (head.post, head.holder) for h in heads_):
            heads_.append(head)
    return sorted(units.values(), key=lambda u: u.label)


def _text(row: Mapping[str, Term], column: str) -> str | None:
    return lexical(row[column]) if column in row else None


def below(store: Store, unit: str) -> list[tuple[str, str]]:
    """The units directly within ``unit`` (its cities and counties), as (label, page path)."""
    rows = store.select(namespaces.sparql_prefixes() + "SELECT DISTINCT ?u WHERE { ?u dprk:withinDivision ?_unit }",
                        {"_unit": ox.NamedNode(unit)}).rows
    names = display_labels(store, {lexical(r["u"]) for r in rows})
    return sorted((names.get(lexical(r["u"])) or curie(lexical(r["u"])), lexical(r["u"]).rsplit("/", 1)[-1]) for r in rows)


def chains(store: Store, unit: str) -> list[dict]:
    """The organs above the unit's own organs on each side (the ``chain-of-command`` query)."""
    result = query.run_named(store, catalog.get("chain-of-command"), {"unit": unit})
    assert isinstance(result, SelectResult)  # chain-of-command is a SELECT query
    names = display_labels(store, {t.value for r in result.rows for t in r.values() if isinstance(t, ox.NamedNode)})
    return [{"side": lexical(r["side"]), "depth": int(lexical(r["depth"])),
             "organ": names.get(lexical(r["organ"])) or curie(lexical(r["organ"])), "href": local_path(lexical(r["organ"]))}
            for r in result.rows if "organ" in r and "side" in r and "depth" in r]


def diagram(store: Store, unit: str, date: str) -> bytes:
    """The SVG the export command draws for this unit on ``date`` (needs Graphviz)."""
    from dprk_kg import export

    folder = Path(tempfile.mkdtemp(prefix="dprk-kg-serve-"))
    try:
        path = export.export_store(store, "svg", folder / "unit.svg", view="dual-power", unit=unit, as_of=date)
        return path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
