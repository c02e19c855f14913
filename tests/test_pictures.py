"""Pictures worth publishing: a footer that says what, when and from whom; holders with
"since" and "last attested", stale and uncertain ones marked; a legend for every line."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from dprk_kg import catalog, dot, export, palette, query, standing, views
from export_support import fixture_store, iri

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")


@pytest.fixture(scope="module")
def store():
    return fixture_store("dual.ttl")


def svg_lines(path) -> list[str]:
    """The text lines of an SVG, in document order, as a reader of the picture sees them."""
    root = ET.parse(path).getroot()
    return [" ".join("".join(t.itertext()).split()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@needs_dot
def test_the_svg_footer_says_what_when_whose_sources_and_dprk_kg(store, tmp_path):
    path = export.export_store(store, "svg", tmp_path / "d.svg", view="dual-power", unit="South Hamgyong",
                               as_of="2021-01-01")
    lines = svg_lines(path)
    start = lines.index("dual-power view · South Hamgyong · as of 2021-01-01")  # the footer's first line
    footer = " ".join(lines[start:start + 4])
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2021-01-01")
    publishers = g.graph["publishers"].split(" | ")
    assert publishers and all(p in footer for p in publishers)
    assert "Sources: " in footer and "dprk-kg" in footer


@needs_dot
def test_a_view_without_a_date_says_when_it_was_drawn(store, tmp_path):
    path = export.export_store(store, "svg", tmp_path / "p.svg", view="person", person="Person A")
    assert any(re.search(r"person view · Person A · drawn \d{4}-\d{2}-\d{2}$", line) for line in svg_lines(path))


def _holder_edges(g):
    return {b: d for a, b, d in g.edges(data=True) if d["kind"].startswith("holder")}


def test_holders_show_since_and_last_attested(store):
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2021-01-01")
    held = _holder_edges(g)[iri("person/person-b")]
    assert held["kind"] == "holder" and held["label"] == "held by, since 2020-01-01 · last attested 2023-05-01"


def test_a_holder_unattested_for_three_years_is_unconfirmed_not_current(store):
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2027-01-01")
    held = _holder_edges(g)[iri("person/person-b")]
    assert held["kind"] == "holder (unconfirmed)" and held["certainty"] == "unconfirmed"
    assert "unconfirmed since 2023-05-01 (last attested)" in held["label"]
    assert _holder_edges(views.build_view(store, "dual-power", unit="South Hamgyong",
                                          as_of="2026-04-30"))[iri("person/person-b")]["kind"] == "holder"


def test_a_start_known_to_the_month_makes_that_month_uncertain(store):
    """Person C's start is "May 2018": on 2018-05-20 the source cannot say whether they had begun."""
    inside = _holder_edges(views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2018-05-20"))
    assert inside[iri("person/person-c")]["kind"] == "holder (uncertain)"
    assert "uncertain: the source gives the month only" in inside[iri("person/person-c")]["label"]
    after = _holder_edges(views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2018-06-02"))
    assert after[iri("person/person-c")]["kind"] == "holder"


def test_no_holder_on_record_is_drawn_as_unknown(store):
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2010-01-01")
    gaps = [d for n, d in g.nodes(data=True) if d["kind"] == palette.UNKNOWN.name]
    assert gaps and all(d["label"] == "no holder on record as of 2010-01-01" for d in gaps)


#: Person A's chairmanship (2015–2019) with its end only an upper bound: last named in post
#: on 2015-06-01, the end the day a successor is first named.
BOUNDED = """<https://w3id.org/dprk-kg/id/holding/a-chairman> dprk:endQualifier dprk:NoLaterThan ;
    dprk:lastAttested "2015-06-01"^^xsd:date ."""


@pytest.mark.parametrize("as_of", ["2016-01-01", "2018-06-01", "2018-06-02", "2019-12-31", "2020-01-01"])
def test_a_holder_whose_end_is_only_a_bound_is_drawn_as_the_query_reads_it(as_of):
    """Before the bound the picture follows the last attestation and the stale period, as the
    dual-power query does; after it, the holding is not drawn."""
    bounded = fixture_store("dual.ttl", extra=BOUNDED)
    rows = query.run_named(bounded, catalog.get("dual-power"), {"unit": "South Hamgyong", "date": as_of}).rows
    standings = {(r.get("holder") or r.get("unconfirmed_holder")).value: r["as_of"].value
                 for r in rows if r["side"].value == "state" and ("holder" in r or "unconfirmed_holder" in r)}
    drawn = _holder_edges(views.build_view(bounded, "dual-power", unit="South Hamgyong", as_of=as_of))
    person_a = iri("person/person-a")
    assert (person_a in drawn) == (person_a in standings)
    if person_a in drawn:
        assert drawn[person_a].get("certainty", "") == standing.certainty(standings[person_a])
        assert drawn[person_a]["label"].endswith("ended no later than 2019-12-31")
        assert ("unconfirmed since 2015-06-01 (last attested)" in drawn[person_a]["label"]) == (
            drawn[person_a].get("certainty") == "unconfirmed")


def test_the_timeline_draws_an_end_that_is_only_a_bound_open_and_says_so():
    text = export.dot_source(views.build_view(fixture_store("dual.ttl", extra=BOUNDED), "person", person="Person A"))
    bar = re.search(r'^"%s" \[.*$' % re.escape(iri("holding/a-chairman")), text, re.M)[0]
    assert "2015–no later than 2019-12-31 (last attested 2015-06-01)" in bar and "dashed" in bar
    reported = export.dot_source(views.build_view(fixture_store("dual.ttl"), "person", person="Person A"))
    assert "dashed" not in re.search(r'^"%s" \[.*$' % re.escape(iri("holding/a-chairman")), reported, re.M)[0]


def test_the_legend_explains_every_line_the_picture_draws(store):
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2027-01-01")
    text = dot.to_dot(g)
    for kind in {d["kind"] for *_, d in g.edges(data=True)}:
        assert f"{kind}: {palette.EDGE_KINDS[kind].meaning}" in text.replace("&#x27;", "'")


def _positions(text: str) -> dict[str, tuple[float, float]]:
    """Node → pinned (x, y) in a timeline's DOT (y grows upwards, as Graphviz reads it)."""
    return {m[1]: (float(m[2]), float(m[3]))
            for m in re.finditer(r'^"([^"]+)" \[.*?pos="(-?[\d.]+),(-?[\d.]+)!"', text, re.M)}


def test_the_person_view_is_a_timeline_party_above_state_below(store):
    g = views.build_view(store, "person", person="Person A")
    text = export.dot_source(g)
    pos = _positions(text)
    party, state = pos[iri("membership/a-cc")], pos[iri("holding/a-chairman")]
    axis = pos["tick 2016"][1]
    assert party[1] > axis > state[1]
    # Bars sit at their dates: the holding (2015-2019) starts left of the membership (2016-05).
    width = re.search(r'^"%s" \[.*?width="([\d.]+)"' % re.escape(iri("holding/a-chairman")), text, re.M)
    year = pos["tick 2016"][0] - pos["tick 2015"][0]
    assert state[0] - float(width[1]) / 2 == pytest.approx(pos["tick 2015"][0], abs=0.02)
    assert float(width[1]) == pytest.approx(5 * year, rel=0.02)
    assert "Chairman of the South Hamgyong" in text and "2015–2019" in text and "(end unknown)" in text


def test_the_elections_view_is_a_timeline_with_each_source_s_figures(store):
    text = export.dot_source(views.build_view(store, "elections"))
    pos = _positions(text)
    one, two = pos[iri("result/local-2015-one")], pos[iri("result/local-2015-two")]
    assert one[0] == two[0] and one[1] != two[1]  # one election, two sources: one above the other
    assert pos["row State Agency"][1] == pytest.approx(one[1], abs=0.5)
    assert "turnout percent 99.97" in text and re.search(r"turnout percent 99\.9(?!7)", text)


@needs_dot
@pytest.mark.parametrize("view,options", [("person", {"person": "Person A"}), ("elections", {})])
def test_timelines_render_with_their_footer(store, tmp_path, view, options):
    lines = svg_lines(export.export_store(store, "svg", tmp_path / "t.svg", view=view, **options))
    assert any(line.startswith(f"{view} view") for line in lines) and any("dprk-kg" in line for line in lines)
