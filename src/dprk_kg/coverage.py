"""What the graph covers, level by level, and how current it is: the table of ``dprk-kg stats``.

For each level (national, first level, second level): the units, their organs (organizations
whose ``dprk:jurisdiction`` is one of the units), the posts in those organs, the posts whose
holder is confirmed on the date (the ``post-holders`` named query, so that "confirmed" means
what it means in ``dual-power``: not stale, not uncertain), the median age of the last
attestation of the posts that have a holder, confirmed or not, on the date (how old what we
know is), the tenures of those posts and seats in those organs, how many of them rest only
on wikis (every source's publisher of kind ``dprk:Wiki``), and their sources by publisher
kind. Everything is counted as a set: a fact stated in two files counts once.
"""

from __future__ import annotations

import datetime as dt
import statistics
import textwrap
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TypedDict

from dprk_kg import catalog, clock, query
from dprk_kg.namespaces import DPRK
from dprk_kg.store import SelectResult, Store, lexical

#: The levels reported, in order, with the name the table shows.
LEVELS = (("national", DPRK + "NationalLevel"), ("first level", DPRK + "ProvincialLevel"),
          ("second level", DPRK + "CityCountyLevel"))

_PREFIXES = """PREFIX dprk: <https://w3id.org/dprk-kg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
_UNITS = _PREFIXES + "SELECT ?level (COUNT(DISTINCT ?unit) AS ?n) WHERE { ?unit dprk:divisionLevel ?level } GROUP BY ?level"
_ORGANS = _PREFIXES + """SELECT ?level (COUNT(DISTINCT ?organ) AS ?n) WHERE {
  ?unit dprk:divisionLevel ?level . ?organ dprk:jurisdiction ?unit } GROUP BY ?level"""
# Every tenure of a post in, or a seat in, an organ of the level, with each source's publisher
# kind (a path rather than a UNION: Virtuoso drops a UNION's rows in such a join).
_TENURES = _PREFIXES + """SELECT DISTINCT ?level ?tenure ?source ?kind WHERE {
  ?unit dprk:divisionLevel ?level .
  ?organ dprk:jurisdiction ?unit .
  ?tenure dprk:post/org:postIn|org:organization ?organ ;
          dcterms:source ?source .
  OPTIONAL { ?source dcterms:publisher ?publisher . ?publisher dprk:publisherKind ?kind }
}"""


@dataclass
class LevelCoverage:
    """One line of the coverage table."""

    level: str
    units: int = 0
    organs: int = 0
    posts: int = 0
    posts_held: int = 0
    median_attestation_age_days: float | None = None
    tenures: int = 0
    tenures_wiki_only: int = 0
    sources_by_kind: dict[str, int] = field(default_factory=dict)


class CoverageRow(TypedDict):
    """A :class:`LevelCoverage` as a dict (``dataclasses.asdict``), as the stats give it."""

    level: str
    units: int
    organs: int
    posts: int
    posts_held: int
    median_attestation_age_days: float | None
    tenures: int
    tenures_wiki_only: int
    sources_by_kind: dict[str, int]


def coverage(store: Store, date: dt.date | None = None, stale_after: int = 3) -> list[LevelCoverage]:
    """The coverage of each level as of ``date`` (today by default)."""
    date = date or clock.today()
    lines = {iri: LevelCoverage(name) for name, iri in LEVELS}
    for text, attribute in ((_UNITS, "units"), (_ORGANS, "organs")):
        for row in store.select(text).rows:
            if lexical(row["level"]) in lines:
                setattr(lines[lexical(row["level"])], attribute, int(lexical(row["n"])))
    _posts(store, lines, date, stale_after)
    _tenures(store, lines)
    return [lines[iri] for _, iri in LEVELS]


def _posts(store: Store, lines: dict[str, LevelCoverage], date: dt.date, stale_after: int) -> None:
    """Posts, posts held, and the median age of the last attestation, from ``post-holders``."""
    named = catalog.get("post-holders")
    result = query.run_named(store, named, {"date": date.isoformat(), "stale_after": str(stale_after)})
    assert isinstance(result, SelectResult)  # post-holders is a SELECT query
    rows = result.rows
    posts: dict[str, set[str]] = defaultdict(set)
    held: dict[str, set[str]] = defaultdict(set)
    attested: dict[tuple[str, str], dt.date] = {}
    for row in rows:
        level, post = lexical(row["level"]), lexical(row["post"])
        posts[level].add(post)
        if "holder" in row:
            held[level].add(post)
        if "last_attested" in row:
            seen = dt.date.fromisoformat(lexical(row["last_attested"]))
            attested[level, post] = max(seen, attested.get((level, post), seen))
    for level, line in lines.items():
        line.posts, line.posts_held = len(posts[level]), len(held[level])
        ages = [(date - seen).days for (lv, _), seen in attested.items() if lv == level]
        line.median_attestation_age_days = statistics.median(ages) if ages else None


def _tenures(store: Store, lines: dict[str, LevelCoverage]) -> None:
    """Tenures, those resting only on wikis, and their sources by publisher kind."""
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)  # (level, tenure) -> kinds of its sources
    sources: dict[str, dict[str, str]] = defaultdict(dict)  # level -> source -> kind
    for row in store.select(_TENURES).rows:
        level = lexical(row["level"])
        kind = lexical(row["kind"]).removeprefix(DPRK) if "kind" in row else "unknown"
        kinds[level, lexical(row["tenure"])].add(kind)
        sources[level][lexical(row["source"])] = kind
    for level, line in lines.items():
        mine = [k for (lv, _), k in kinds.items() if lv == level]
        line.tenures = len(mine)
        line.tenures_wiki_only = sum(1 for k in mine if k == {"Wiki"})
        line.sources_by_kind = dict(sorted(Counter(sources[level].values()).items()))


def table(lines: list[LevelCoverage], width: int = 80) -> list[str]:
    """The coverage as lines of text at most ``width`` wide: one row of counts per level (the
    median age in days), then the sources by kind of publisher per level, wrapped, since a
    list of kinds does not fit beside the counts."""
    out = [f"  {'level':<13}{'units':>6}{'organs':>7}{'posts':>6}{'held':>6}{'median age':>11}"
           f"{'tenures':>8}{'wiki only':>10}"]
    for c in lines:
        age = "-" if c.median_attestation_age_days is None else f"{c.median_attestation_age_days:g} d"
        out.append(f"  {c.level:<13}{c.units:>6}{c.organs:>7}{c.posts:>6}{c.posts_held:>6}{age:>11}"
                   f"{c.tenures:>8}{c.tenures_wiki_only:>10}")
    out.append("  sources of the tenures, by kind of publisher:")
    for c in lines:
        kinds = ", ".join(f"{k} {n}" for k, n in c.sources_by_kind.items()) or "-"
        out += textwrap.wrap(kinds, width, initial_indent=f"  {c.level:<13}", subsequent_indent=" " * 15,
                             break_on_hyphens=False)
    return out
