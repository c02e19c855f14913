"""The coverage table of `dprk-kg stats`: counts per level, on a graph made for it and on the
shipped graph (where it must agree with dual-power)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

import dprk_kg
from dprk_kg import coverage
from dprk_kg.store import Store
from support import memory_store
from test_queries_content import COUNTY, DUAL, PREFIXES

WIKI = PREFIXES + """
<http://example.org/s> dcterms:publisher <http://example.org/news> .
<http://example.org/news> dprk:publisherKind dprk:IndependentOutlet .
<http://example.org/w> dcterms:publisher <http://example.org/wiki> .
<http://example.org/wiki> dprk:publisherKind dprk:Wiki .
<http://example.org/county> a dprk:County ; dprk:divisionLevel dprk:CityCountyLevel .
<http://example.org/cpc> dprk:jurisdiction <http://example.org/county> .
<http://example.org/csec> a dprk:ChiefSecretary ; org:postIn <http://example.org/cpc> .
<http://example.org/ch> dprk:post <http://example.org/csec> ; org:member <http://example.org/f> ;
    dprk:startDate "2019-01-01"^^xsd:date ; dprk:tenureStatus dprk:EndUnknown ; dcterms:source <http://example.org/w> .
"""


def store_of(*texts: str) -> Store:
    return memory_store({f"test{i}": [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]
                         for i, text in enumerate(texts)})


def by_level(lines: list[coverage.LevelCoverage]) -> dict[str, coverage.LevelCoverage]:
    return {line.level: line for line in lines}


def test_coverage_counts_each_level_as_a_set():
    once = by_level(coverage.coverage(store_of(DUAL + WIKI), dt.date(2022, 1, 1)))
    twice = by_level(coverage.coverage(store_of(DUAL + WIKI, DUAL + WIKI), dt.date(2022, 1, 1)))
    assert once == twice
    first, second = once["first level"], once["second level"]
    assert (first.units, first.organs, first.posts) == (1, 3, 2)
    # The chairman attested 2020-06-15 is held; the secretary whose tenure ended is not.
    assert first.posts_held == 1 and first.median_attestation_age_days == (dt.date(2022, 1, 1) - dt.date(2020, 6, 15)).days
    assert (first.tenures, first.tenures_wiki_only, first.sources_by_kind) == (4, 0, {"IndependentOutlet": 1})
    # The county secretary rests on a wiki alone: counted, and held (attested within three years).
    assert (second.units, second.posts, second.posts_held, second.tenures, second.tenures_wiki_only) == (1, 1, 1, 1, 1)
    assert second.sources_by_kind == {"Wiki": 1}
    assert once["national"].units == 0


def test_a_stale_holder_is_not_counted_as_held():
    lines = by_level(coverage.coverage(store_of(DUAL + WIKI), dt.date(2030, 1, 1)))
    assert lines["first level"].posts_held == 0 and lines["second level"].posts_held == 0
    # The median of the chairman's (2020-06-15) and the secretary's (2025-03-01) ages.
    ages = [(dt.date(2030, 1, 1) - dt.date(2020, 6, 15)).days, (dt.date(2030, 1, 1) - dt.date(2025, 3, 1)).days]
    assert lines["first level"].median_attestation_age_days == sum(ages) / 2


def test_a_county_counts_at_the_second_level():
    lines = by_level(coverage.coverage(store_of(COUNTY), dt.date(2022, 1, 1)))
    assert lines["second level"].posts == 2 and lines["first level"].posts == 0


@pytest.fixture(scope="module")
def kg(built_store: Path):
    with dprk_kg.open(built_store) as graph:
        yield graph


def test_the_shipped_coverage_agrees_with_dual_power(kg):
    lines = by_level([coverage.LevelCoverage(**c) for c in kg.stats()["coverage"]])
    first = lines["first level"]
    assert first.units == len({r["unit"] for r in kg.query("dual-power")}) >= 12
    held = {r["post"] for r in kg.query("dual-power") if "holder" in r}
    assert first.posts_held == len(held)
    assert lines["national"].units == 1


def test_stats_prints_the_coverage_table(built_store: Path, monkeypatch, capsys):
    from dprk_kg import cli

    monkeypatch.setenv("DPRK_KG_STORE", str(built_store))
    assert cli.run(["stats"]) == 0
    out = capsys.readouterr().out
    assert "coverage as of today" in out and "first level" in out and "second level" in out
    assert max(len(line) for line in out.splitlines()) <= 80, "stats reads at 80 columns"
