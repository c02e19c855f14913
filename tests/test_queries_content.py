"""Each named query's answer on the base graph, checked against what the sources say.

Figures are also checked against the article texts themselves where a row's source has a
local copy, so that a wrong number in the graph fails here even if the query is right.
The as-of-date logic (tenures, memberships, the front's dissolution) is checked on small
graphs built in the test, where the dates are chosen to hit each case.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

import dprk_kg
from dprk_kg import catalog, query
from dprk_kg.api import Rows
from dprk_kg.namespaces import BASE_GRAPH, DPRK, KG
from dprk_kg.store import Store
from dprk_kg.standing import STALE_YEARS, TenureDates

from conftest import SOURCES_DIR
from support import memory_store

JAPAN_TIMES = KG + "source/japantimes-2019-07-22-kim-votes"
NK_NEWS = KG + "source/nknews-2019-06-10-local-elections"
ELECTION_2015 = KG + "election/2015-07-19-local"
ELECTION_2019 = KG + "election/2019-07-21-local"


@pytest.fixture(scope="module")
def kg(built_store: Path):
    with dprk_kg.open(built_store) as graph:
        yield graph


def local_text(source: str) -> str | None:
    """The article text behind a source IRI, if it is one of the shared local copies."""
    copies = {JAPAN_TIMES: "000_81971dffd7f31c83.txt", NK_NEWS: "004_100648a6718b532a.txt"}
    path = SOURCES_DIR / copies.get(source, "-")
    return path.read_text(encoding="utf-8") if path.is_file() else None


#: Values for the parameters that a query requires, as a user would give them.
REQUIRED = {"person": "Kim Jong Un", "post": "kg:post/south-hamgyong-chief-secretary"}


def run_with_required(kg, name: str, named: catalog.NamedQuery) -> Rows:
    return kg.query(name, **{p.name: REQUIRED[p.name] for p in named.params if p.required})


def test_every_named_query_declares_its_columns_and_runs(kg):
    for name, named in kg.queries().items():
        rows = run_with_required(kg, name, named)
        assert list(rows.variables) == list(named.columns), name


def test_every_row_of_every_query_carries_a_source(kg):
    for name, named in kg.queries().items():
        for row in run_with_required(kg, name, named):
            assert any("source" in k and v for k, v in row.items()), (name, row)


# -- the two articles ------------------------------------------------------------------------

def test_kim_vote_2019(kg):
    rows = kg.query("kim-vote-2019")
    assert {r["candidate"] for r in rows} == {KG + "person/ju-song-ho", KG + "person/jong-song-sik"}
    assert {r["place"] for r in rows} == {KG + "unit/south-hamgyong"}
    assert {r["date"] for r in rows} == {dt.date(2019, 7, 21)}
    assert {r["source"] for r in rows} == {JAPAN_TIMES}


def test_turnout_by_source_keeps_both_2015_figures_with_their_own_sources(kg):
    rows = kg.query("turnout-by-source", election=ELECTION_2015)
    reported = {(r["turnout"], r["source"]) for r in rows}
    assert {(Decimal("99.9"), JAPAN_TIMES), (Decimal("99.97"), NK_NEWS)} <= reported
    assert {value for value, _ in reported} == {Decimal("99.9"), Decimal("99.97")}
    for row in rows:
        text = local_text(row["source"])
        if text is not None:
            assert f"{row['turnout']} percent" in text


def test_turnout_2019_is_kcnas_9998(kg):
    rows = kg.query("turnout-by-source", election=ELECTION_2019)
    assert {r["turnout"] for r in rows} == {Decimal("99.98")}
    assert {r["claimant"] for r in rows} == {KG + "organization/kcna"}
    assert JAPAN_TIMES in {r["source"] for r in rows}


def test_deputies_elected_2015(kg):
    rows = kg.query("deputies-elected", election=ELECTION_2015)
    assert {(r["deputies"], r["claimant"]) for r in rows if r["source"] == NK_NEWS} == {
        (28452, KG + "person/minyoung-lee")}
    text = local_text(NK_NEWS)
    if text is not None:
        assert "28,452" in text


def test_source_disagreements_finds_the_2015_turnout(kg):
    rows = kg.query("source-disagreements")
    pairs = [{(r["value_a"], r["source_a"]), (r["value_b"], r["source_b"])} for r in rows
             if r["election"] == ELECTION_2015 and r["figure"] == DPRK + "turnoutPercent"]
    assert {(Decimal("99.9"), JAPAN_TIMES), (Decimal("99.97"), NK_NEWS)} in pairs
    for r in rows:
        assert r["value_a"] != r["value_b"]
    # 2019's turnout is reported by several sources, all 99.98: no disagreement.
    assert not [r for r in rows if r["election"] == ELECTION_2019 and r["figure"] == DPRK + "turnoutPercent"]


def test_source_disagreements_compares_only_results_about_the_same_assemblies(kg):
    """2023: 0.09 % against (provincial) and 0.13 % (city and county) are not a disagreement."""
    rows = kg.query("source-disagreements", election="kg:election/2023-11-26-local")
    assert rows == []


def test_candidate_preselection_in_2019(kg):
    rows = kg.query("candidate-preselection", date="2019-07-21")
    # The WPK's membership is attested by the Japan Times in 2019 and ends with the front.
    wpk = {(r["as_of"], r.get("last_attested")) for r in rows if r["agent"] == KG + "organization/wpk"}
    assert wpk == {("holding", dt.date(2024, 3, 1))}
    preselects = [r for r in rows if r["row_kind"] == "preselects"]
    assert {(r["front"], r["agent"], r["source"]) for r in preselects} >= {
        (KG + "organization/dfrf", KG + "organization/freedom-house", JAPAN_TIMES)}
    assert all(r["front_status"] == "active" for r in rows)
    assert not [r for r in rows if r["row_kind"] == "dissolution"]
    members = {r["agent"] for r in rows if r["row_kind"] == "member"}
    assert KG + "organization/wpk" in members


def test_candidate_preselection_after_the_dfrf_was_dissolved(kg):
    rows = kg.query("candidate-preselection", date="2025-01-01")
    dfrf = [r for r in rows if r["front"] == KG + "organization/dfrf"]
    assert dfrf and all(r["front_status"].startswith("dissolved 2024-03-23") for r in dfrf)
    assert not [r for r in dfrf if r["row_kind"] == "member"]
    # The dissolution is stated with the sources that report it, not only as a status.
    dissolution_sources = {r["source"] for r in dfrf if r["row_kind"] == "dissolution"}
    reported = kg.sparql(
        "SELECT ?s WHERE { ?d a <%sDissolution> ; <http://www.w3.org/ns/org#originalOrganization> <%s> ;"
        " <http://purl.org/dc/terms/source> ?s }" % (DPRK, KG + "organization/dfrf"))
    assert dissolution_sources and dissolution_sources == {r["s"] for r in reported}


def test_post_selection_shows_de_jure_and_de_facto(kg):
    rows = kg.query("post-selection")
    lankov = {(r.get("mode"), r["method"]) for r in rows if r["claimant"] == KG + "person/andrei-lankov"}
    assert lankov == {(DPRK + "DeJure", DPRK + "ElectionByAssembly"),
                      (DPRK + "DeFacto", DPRK + "AppointmentByParty")}
    for row in rows:
        text = local_text(row["source"])
        if text is not None and "quote" in row:
            assert row["quote"] in text


def test_assembly_functions(kg):
    rows = kg.query("assembly-functions")
    functions = {r["function"] for r in rows if "function" in r}
    assert functions >= {DPRK + "DecideBudget", DPRK + "DecideRegionalIssues", DPRK + "ChooseUnitHeads"}
    sessions = {(r["sessions_min"], r["sessions_max"]) for r in rows if "sessions_min" in r}
    assert (1, 2) in sessions  # "meet once or twice a year"


def test_voting_rules(kg):
    rows = kg.query("voting-rules")
    assert {r["minimum_age"] for r in rows if "minimum_age" in r} == {17}
    ford = {r["ballot_option"] for r in rows
            if r["claimant"] == KG + "person/glyn-ford" and "ballot_option" in r}
    assert ford == {DPRK + "CastUnmarked", DPRK + "CrossOutName"}
    assert DPRK + "MobileVoting" in {r["topic"] for r in rows}
    assert {r["candidates_per_seat"] for r in rows if "candidates_per_seat" in r} == {1}


def test_claims_by_source_has_every_quoted_analyst(kg):
    rows = kg.query("claims-by-source", source=NK_NEWS)
    claimants = {r["claimant"] for r in rows}
    assert {KG + f"person/{p}" for p in ("glyn-ford", "minyoung-lee", "fyodor-tertitskiy",
                                          "andrei-lankov")} <= claimants
    freedom_house = kg.query("claims-by-source", claimant=KG + "organization/freedom-house")
    assert freedom_house and {r["source"] for r in freedom_house} == {JAPAN_TIMES}
    text = local_text(NK_NEWS)
    if text is not None:
        assert all(r["quote"] in text for r in rows if "quote" in r)


def test_dual_power_names_the_party_secretary_as_de_facto(kg):
    rows = kg.query("dual-power", unit=KG + "unit/south-hamgyong")
    assert {r["side"]: r.get("de_facto") for r in rows} == {"party": DPRK + "ChiefSecretary", "state": None}
    party = next(r for r in rows if r["side"] == "party")
    assert KG + "person/andrei-lankov" in party["de_facto_claimants"].split(" | ")


def test_dual_power_covers_every_first_level_unit_with_both_posts(kg):
    rows = kg.query("dual-power", date="2021-01-01")
    units = {r["unit"] for r in rows}
    assert {KG + f"unit/{u}" for u in ("pyongyang", "rason", "nampo", "south-hamgyong")} <= units
    assert len(units) >= 12 and {r["level"] for r in rows} == {DPRK + "ProvincialLevel"}
    sides = [(r["unit"], r["side"]) for r in rows]
    assert len(sides) == len(set(sides)) == 2 * len(units), "one row per unit and side on this date"


def test_dual_power_never_names_a_stale_holder(kg):
    """Today, no holder whose last attestation is more than three years old is named as one."""
    today = dt.date.today()
    for row in kg.query("dual-power"):
        if "holder" in row:
            assert row["as_of"] == "holding"
            assert row["last_attested"] >= today.replace(year=today.year - 3) or "tenure_status" in row
        if "unconfirmed_holder" in row:
            assert row["as_of"].startswith(("unconfirmed since ", "uncertain: "))
    # The governor of South Hamgyong appointed in June 2010 is not attested again before his
    # successor's first report (November 2020): in mid-2020 he is not named as the holder.
    state = [r for r in kg.query("dual-power", unit="kg:unit/south-hamgyong", date="2020-06-01")
             if r["side"] == "state"]
    assert [(r.get("holder"), r["unconfirmed_holder"], r["as_of"]) for r in state] == [
        (None, KG + "person/ryu-hyon-sik", "unconfirmed since 2010-06")]


@pytest.mark.parametrize("date, secretary, status", [
    ("2019-07-21", "kim-song-il", DPRK + "Ended"),   # the day Kim Jong Un voted there
    ("2021-01-01", "ri-jong-nam", DPRK + "Current"),
])
def test_dual_power_south_hamgyong_secretary_on_a_date(kg, date, secretary, status):
    rows = kg.query("dual-power", unit=KG + "unit/south-hamgyong", date=date)
    assert {(r.get("holder"), r.get("tenure_status"), r.get("as_of")) for r in rows if r["side"] == "party"} == {
        (KG + f"person/{secretary}", status, "holding")}


def test_chain_of_command_reaches_the_party_and_the_cabinet(kg):
    rows = kg.query("chain-of-command", unit=KG + "unit/south-hamgyong")
    party = [r["organ"] for r in sorted(rows, key=lambda r: r["depth"]) if r["side"] == "party"]
    state = [r["organ"] for r in sorted(rows, key=lambda r: r["depth"]) if r["side"] == "state"]
    assert party == [KG + "organization/south-hamgyong-party-committee",
                     KG + "organization/wpk-central-committee", KG + "organization/wpk"]
    assert state == [KG + "organization/south-hamgyong-peoples-committee", KG + "organization/cabinet"]
    assert all(r["sources"] for r in rows)


def test_election_timeline_is_in_date_order_with_both_2015_figures(kg):
    rows = kg.query("election-timeline")
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    turnout_2015 = {r["turnout"] for r in rows if r["election"] == ELECTION_2015 and "turnout" in r}
    assert {Decimal("99.9"), Decimal("99.97")} <= turnout_2015
    local = kg.query("election-timeline", level="dprk:LocalElection", **{"from": "2015-01-01", "to": "2019-12-31"})
    assert {r["election"] for r in local} == {ELECTION_2015, ELECTION_2019}


# -- the as-of-date logic, on graphs made for it ---------------------------------------------

PREFIXES = f"""
@prefix dprk: <{DPRK}> . @prefix kg: <{KG}> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""

#: A province with its two posts: the chairman (state) and the chief secretary (party).
UNIT = PREFIXES + """
<http://example.org/u> a dprk:Province ; dprk:divisionLevel dprk:ProvincialLevel .
<http://example.org/asm> dprk:jurisdiction <http://example.org/u> . <http://example.org/pc> dprk:jurisdiction <http://example.org/u> ; dprk:electedBy <http://example.org/asm> .
<http://example.org/chair> a dprk:PeoplesCommitteeChairman ; org:postIn <http://example.org/pc> .
<http://example.org/ppc> dprk:jurisdiction <http://example.org/u> . <http://example.org/sec> a dprk:ChiefSecretary ; org:postIn <http://example.org/ppc> .
"""

DUAL = UNIT + """
<http://example.org/h1> dprk:post <http://example.org/chair> ; org:member <http://example.org/a> ; dprk:startDate "2010-01-01"^^xsd:date ;
    dprk:endDate "2015-01-01"^^xsd:date ; dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
<http://example.org/h2> dprk:post <http://example.org/chair> ; org:member <http://example.org/b> ; dprk:startDate "2015-02-01"^^xsd:date ;
    dprk:tenureStatus dprk:EndUnknown ; dprk:lastAttested "2020-06-15"^^xsd:date ; dcterms:source <http://example.org/s> .
<http://example.org/h3> dprk:post <http://example.org/sec> ; org:member <http://example.org/c> ; dprk:startDate "2012-01-01"^^xsd:date ;
    dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
<http://example.org/h4> dprk:post <http://example.org/sec> ; org:member <http://example.org/d> ; dprk:startDate "2024-12-01"^^xsd:date ;
    dprk:startPrecision dprk:MonthPrecision ; dprk:tenureStatus dprk:Current ; dprk:lastAttested "2025-03-01"^^xsd:date ;
    dcterms:source <http://example.org/s> .
"""


def run_on(turtle: str | list[str], name: str, **params: str) -> Rows:
    """Run a named query on the ontology plus ``turtle`` only (each text its own named graph)."""
    texts = [turtle] if isinstance(turtle, str) else turtle
    store = memory_store({f"test{i}": [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]
                          for i, text in enumerate(texts)})
    return Rows(query.run_named(store, catalog.get(name), params))


@pytest.mark.parametrize("date, holder, unconfirmed, as_of, status", [
    ("2012-06-01", "http://example.org/a", None, "holding", DPRK + "Ended"),   # within an ended tenure
    ("2015-01-20", None, None, "no holder on record", None),                   # between two tenures: nobody
    ("2022-01-01", "http://example.org/b", None, "holding", DPRK + "EndUnknown"),  # attested 2020-06: recent
    ("2023-06-14", "http://example.org/b", None, "holding", DPRK + "EndUnknown"),  # the last day within 3 years
    ("2023-06-16", None, "http://example.org/b", "unconfirmed since 2020-06", DPRK + "EndUnknown"),
    ("2030-01-01", None, "http://example.org/b", "unconfirmed since 2020-06", DPRK + "EndUnknown"),
])
def test_dual_power_holder_as_of_a_date(date, holder, unconfirmed, as_of, status):
    rows = run_on(DUAL, "dual-power", unit="http://example.org/u", date=date)
    state = [r for r in rows if r["side"] == "state"]
    assert len(state) == 1 and state[0]["post"] == "http://example.org/chair"
    assert (state[0].get("holder"), state[0].get("unconfirmed_holder"), state[0].get("as_of"),
            state[0].get("tenure_status")) == (holder, unconfirmed, as_of, status)
    assert state[0]["post_sources"] == "" and state[0].get("sources", "http://example.org/s") == "http://example.org/s"


def test_dual_power_stale_after_is_a_parameter():
    rows = run_on(DUAL, "dual-power", unit="http://example.org/u", date="2030-01-01", stale_after="10")
    assert [(r.get("holder"), r["as_of"]) for r in rows if r["side"] == "state"] == [("http://example.org/b", "holding")]


@pytest.mark.parametrize("date, holder, unconfirmed, as_of", [
    ("2024-11-30", None, None, "no holder on record"),  # before the month of the appointment
    ("2024-12-15", None, "http://example.org/d", "uncertain: began 2024-12"),  # within it
    ("2024-12-31", "http://example.org/d", None, "holding"),  # its last day: begun whatever the day
    ("2025-01-10", "http://example.org/d", None, "holding"),
])
def test_dual_power_reads_a_month_precision_start_as_an_interval(date, holder, unconfirmed, as_of):
    rows = run_on(DUAL, "dual-power", unit="http://example.org/u", date=date)
    party = [r for r in rows if r["side"] == "party"]
    # The secretary whose tenure ended at an unknown date is never shown as holding the post.
    assert [(r.get("holder"), r.get("unconfirmed_holder"), r.get("as_of")) for r in party] == [(holder, unconfirmed, as_of)]


YEAR_AND_LEAP = PREFIXES + """
<http://example.org/h> dprk:post <http://example.org/chair> ; org:member <http://example.org/e> ; dprk:startDate "2020-02-01"^^xsd:date ;
    dprk:startPrecision dprk:MonthPrecision ; dprk:endDate "2023-01-01"^^xsd:date ; dprk:endPrecision dprk:YearPrecision ;
    dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
"""


@pytest.mark.parametrize("date, as_of", [
    ("2020-02-28", "uncertain: began 2020-02"), ("2020-02-29", "holding"),  # 2020 is a leap year
    ("2022-12-31", "holding"), ("2023-07-01", "uncertain: ended 2023"), ("2024-01-01", "no holder on record"),
])
def test_dual_power_month_and_year_precision_at_the_interval_edges(date, as_of):
    turtle = DUAL.replace("<http://example.org/h1> dprk:post <http://example.org/chair>",
                          "<http://example.org/h1> dprk:post <http://example.org/other>")
    turtle = turtle.replace("<http://example.org/h2> dprk:post <http://example.org/chair>",
                            "<http://example.org/h2> dprk:post <http://example.org/other>")
    rows = run_on([turtle, YEAR_AND_LEAP], "dual-power", unit="http://example.org/u", date=date)
    assert [r.get("as_of") for r in rows if r["side"] == "state"] == [as_of]


# -- an end that is only an upper bound (dprk:endQualifier dprk:NoLaterThan) -------------------

#: Person e chairs the committee from 2010, last named in post on 2012-05-10; the end is the
#: day successor f is first named (2020-06-30), an upper bound. e also sits in the Politburo
#: throughout, so that interlocks pairs the two. BOUND_IN_MONTH has the bound known to the
#: month only, REPORTED the same end reported as such (no qualifier).
BOUNDED = UNIT + """
<http://example.org/e> a dprk:Person . <http://example.org/pb> a dprk:Politburo .
<http://example.org/h5> dprk:post <http://example.org/chair> ; org:member <http://example.org/e> ; dprk:startDate "2010-03-01"^^xsd:date ;
    dprk:endDate "2020-06-30"^^xsd:date ; dprk:endQualifier dprk:NoLaterThan ; dprk:lastAttested "2012-05-10"^^xsd:date ;
    dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
<http://example.org/h6> dprk:post <http://example.org/chair> ; org:member <http://example.org/f> ; dprk:startDate "2020-06-30"^^xsd:date ;
    dprk:tenureStatus dprk:Current ; dprk:lastAttested "2024-01-01"^^xsd:date ; dcterms:source <http://example.org/s> .
<http://example.org/m5> a dprk:Membership ; org:member <http://example.org/e> ; org:organization <http://example.org/pb> ;
    dprk:startDate "2000-01-01"^^xsd:date ; dprk:tenureStatus dprk:Current ; dprk:lastAttested "2030-01-01"^^xsd:date ;
    dcterms:source <http://example.org/s2> .
"""
BOUND_IN_MONTH = BOUNDED.replace('dprk:endDate "2020-06-30"^^xsd:date ;',
                                 'dprk:endDate "2020-06-01"^^xsd:date ; dprk:endPrecision dprk:MonthPrecision ;')
REPORTED = BOUNDED.replace("dprk:endQualifier dprk:NoLaterThan ; ", "")
E, H5 = "http://example.org/e", "http://example.org/h5"


def standing_in(name: str, turtle: str, date: str, **params: str) -> str | None:
    """Person e's chairmanship on ``date`` as the as-of query ``name`` reads it (None: no row)."""
    rows = run_on(turtle, name, date=date, **params)
    if name == "interlocks":
        found = [r["state_as_of"] for r in rows if r["person"] == E]
    elif name == "dual-power":
        found = [r["as_of"] for r in rows if E in (r.get("holder"), r.get("unconfirmed_holder"))]
    else:  # post-holders
        found = [r["as_of"] for r in rows if r.get("tenure") == H5]
    assert len(found) <= 1, (name, found)
    return found[0] if found else None


def standing_in_python(turtle: str, date: str, tenure: str = H5, **params: str) -> str | None:
    """The same, by the rule the pictures and web pages apply (dprk_kg.standing)."""
    graph = ox.Store()
    graph.load(PREFIXES + turtle.removeprefix(PREFIXES), format=ox.RdfFormat.TURTLE)

    def value(p: str) -> str | None:
        return next((q.object.value for q in graph.quads_for_pattern(ox.NamedNode(tenure), ox.NamedNode(p), None)), None)
    return TenureDates.read(value).standing(date, int(params.get("stale_after", STALE_YEARS)))


@pytest.mark.parametrize("name", ["dual-power", "post-holders", "interlocks", "python"])
@pytest.mark.parametrize("turtle, date, expected", [
    (BOUNDED, "2011-01-01", "holding"),                    # a source names e in post later (2012)
    (BOUNDED, "2015-05-10", "holding"),                    # the last day within 3 years of it
    (BOUNDED, "2015-05-11", "unconfirmed since 2012-05"),  # stale: the bound confirms nothing
    (BOUNDED, "2020-06-29", "unconfirmed since 2012-05"),  # the day before the bound
    (BOUNDED, "2020-06-30", "unconfirmed since 2012-05"),  # the bound: f is first named that day
    (BOUNDED, "2020-07-01", None),                         # after the bound: ended
    (BOUND_IN_MONTH, "2020-05-31", "unconfirmed since 2012-05"),
    (BOUND_IN_MONTH, "2020-06-15", "uncertain: ended 2020-06"),  # the bound's month holds the date
    (BOUND_IN_MONTH, "2020-07-01", None),
    (REPORTED, "2015-05-11", "holding"),                   # a reported end confirms the tenure up to it
    (REPORTED, "2020-06-30", "holding"),
    (REPORTED, "2020-07-01", None),
], ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None)
def test_an_upper_bound_end_confirms_nothing_before_it(name, turtle, date, expected):
    """Every as-of query, and the Python rule, read an upper-bound end alike: before the bound
    the holder stands on the last attestation and the stale period, after it the tenure is over."""
    found = standing_in_python(turtle, date) if name == "python" else standing_in(name, turtle, date)
    assert found == expected


@pytest.mark.parametrize("name", ["dual-power", "post-holders", "interlocks", "python"])
def test_an_upper_bound_end_within_a_longer_stale_period_is_holding(name):
    args = (BOUNDED, "2020-06-29")
    found = standing_in_python(*args, stale_after="10") if name == "python" else standing_in(name, *args, stale_after="10")
    assert found == "holding"


def test_every_end_the_graph_calls_an_upper_bound_is_marked_as_one(kg):
    """The graph's files say in a tenure's comment when its end is only an upper bound
    (graph/provinces/country.ttl): the as-of queries read it as one only when it is marked."""
    unmarked = kg.sparql("""
        PREFIX dprk: <https://w3id.org/dprk-kg/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT DISTINCT ?tenure WHERE {
          ?tenure dprk:endDate ?end ; rdfs:comment ?comment .
          FILTER(CONTAINS(STR(?comment), "an upper bound"))
          FILTER NOT EXISTS { ?tenure dprk:endQualifier dprk:NoLaterThan ; dprk:lastAttested ?seen } }""")
    assert [r["tenure"] for r in unmarked] == [], "add dprk:endQualifier dprk:NoLaterThan and dprk:lastAttested"


def test_dual_power_names_the_successor_after_an_upper_bound():
    rows = run_on(BOUNDED, "dual-power", unit="http://example.org/u", date="2020-07-01")
    assert [(r.get("holder"), r["as_of"]) for r in rows if r["side"] == "state"] == [("http://example.org/f", "holding")]
    assert [(r.get("holder"), r["as_of"]) for r in rows if r["side"] == "party"] == [(None, "no holder on record")]


def _dates_around(turtle: str) -> list[str]:
    """Dates that hit every edge of the rules for the tenures of ``turtle``: each stored date,
    the days beside it, the last days of its month and year, and the days where an attestation
    of it turns stale (three years on)."""
    found = set()
    for text in set(re.findall(r'"(\d{4}-\d{2}-\d{2})"\^\^xsd:date', turtle)):
        day = dt.date.fromisoformat(text)
        stale = day.replace(year=day.year + 3) if (day.month, day.day) != (2, 29) else dt.date(day.year + 3, 3, 1)
        month_end = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        for d in (day, stale, month_end, dt.date(day.year, 12, 31)):
            found |= {d - dt.timedelta(days=1), d, d + dt.timedelta(days=1)}
    return sorted(d.isoformat() for d in found)


@pytest.mark.parametrize("turtle", [DUAL, BOUNDED, BOUND_IN_MONTH, REPORTED, UNIT + YEAR_AND_LEAP.removeprefix(PREFIXES).replace(
    "<http://example.org/chair>", "<http://example.org/sec>")], ids=["dual", "bounded", "bound-in-month", "reported", "year-and-leap"])
def test_the_python_rule_reads_every_tenure_as_the_queries_do(turtle):
    """The pictures and web pages (dprk_kg.standing) and post-holders agree on every tenure
    on every date where a rule could tip: one rule, written in SPARQL and in Python."""
    tenures = re.findall(r"^(<http://example.org/h\d*>) dprk:post", turtle, re.M)
    for date in _dates_around(turtle):
        rows = run_on(turtle, "post-holders", date=date)
        by_query = {r["tenure"]: r["as_of"] for r in rows if "tenure" in r}
        by_python = {t.strip("<>"): standing_in_python(turtle, date, t.strip("<>")) for t in tenures}
        assert by_query == {t: s for t, s in by_python.items() if s is not None}, date


COUNTY = DUAL.replace("<http://example.org/u> a dprk:Province ; dprk:divisionLevel dprk:ProvincialLevel",
                      "<http://example.org/u> a dprk:County ; dprk:divisionLevel dprk:CityCountyLevel")


def test_dual_power_works_for_a_county_as_for_a_province():
    by_unit = run_on(COUNTY, "dual-power", unit="http://example.org/u", date="2022-01-01")
    by_level = run_on(COUNTY, "dual-power", level="dprk:CityCountyLevel", date="2022-01-01")
    assert by_unit == by_level and {r["side"] for r in by_unit} == {"state", "party"}
    assert [r["holder"] for r in by_unit if r["side"] == "state"] == ["http://example.org/b"]
    assert run_on(COUNTY, "dual-power", date="2022-01-01") == []  # the first level by default


INTERLOCK = PREFIXES + """
<http://example.org/b> a dprk:Person . <http://example.org/pb> a dprk:Politburo .
<http://example.org/m1> a dprk:Membership ; org:member <http://example.org/b> ; org:organization <http://example.org/pb> ;
    dprk:startDate "2016-05-09"^^xsd:date ; dprk:endDate "2021-01-10"^^xsd:date ; dprk:tenureStatus dprk:Ended ;
    dcterms:source <http://example.org/s2> .
"""


@pytest.mark.parametrize("date, expected", [
    ("2016-05-08", []),                                                     # before the Politburo seat
    ("2019-01-01", [("http://example.org/pb", "holding", "http://example.org/chair", "holding")]),
    ("2021-01-11", []),                                                     # the seat ended the day before
])
def test_interlocks_pairs_a_party_seat_with_a_state_post_on_the_date(date, expected):
    rows = run_on(DUAL + INTERLOCK, "interlocks", date=date)
    assert [(r["party_body"], r["party_as_of"], r["state_body"], r["state_as_of"]) for r in rows] == expected
    assert all(r["person"] == "http://example.org/b" and r["party_sources"] == "http://example.org/s2"
               and r["state_sources"] == "http://example.org/s" for r in rows)


def test_interlocks_on_the_graph_finds_kim_jong_un_and_confirms_only_recent_tenures(kg):
    date = dt.date(2025, 6, 1)
    rows = kg.query("interlocks", date=date.isoformat())
    pairs = {(r["person"], r["party_body"], r["state_body"]) for r in rows}
    assert (KG + "person/kim-jong-un", KG + "post/wpk-leader", KG + "post/state-affairs-commission-chairman") in pairs
    for row in rows:  # "holding" means a source within three years, or a reported end after the date
        for side in ("party", "state"):
            if row[f"{side}_as_of"] == "holding":
                assert (row[f"{side}_last_attested"] >= date.replace(year=date.year - 3)
                        or row.get(f"{side}_end", dt.date.min) >= date), row
            else:
                assert row[f"{side}_as_of"].startswith(("unconfirmed since ", "uncertain: ")), row


def test_person_history_by_any_spelling_in_order(kg):
    by_iri = kg.query("person-history", person="kg:person/kim-jong-un")
    assert by_iri == kg.query("person-history", person="Kim Jong Un")
    starts = [r["start"] for r in by_iri if "start" in r]
    assert starts == sorted(starts) and len(by_iri) >= 4
    assert {r["body"] for r in by_iri} >= {KG + "post/wpk-leader", KG + "post/state-affairs-commission-chairman"}
    assert all(r["sources"] for r in by_iri)


def test_post_history_lists_the_holders_in_order_and_the_gaps():
    rows = run_on(DUAL, "post-history", post="http://example.org/chair")
    assert [(r["row_kind"], r.get("holder"), str(r["start"]), str(r.get("end", ""))) for r in rows] == [
        ("holder", "http://example.org/a", "2010-01-01", "2015-01-01"),
        ("gap", None, "2015-01-01", "2015-02-01"),
        ("holder", "http://example.org/b", "2015-02-01", "")]
    gap = rows[1]
    assert set(gap["sources"].split(" | ")) == {"http://example.org/s"}


def test_post_history_on_the_graph_south_hamgyong_secretaries(kg):
    rows = kg.query("post-history", post="kg:post/south-hamgyong-chief-secretary")
    holders = [r["holder"].rsplit("/", 1)[1] for r in rows if r["row_kind"] == "holder"]
    # Ri Jong Nam replaced Kim Song Il, dismissed on 5 September 2020 (KCNA, Korea Herald).
    assert holders[-2:] == ["kim-song-il", "ri-jong-nam"] and "kwak-pom-gi" in holders
    stored = kg.sparql("""PREFIX dprk: <https://w3id.org/dprk-kg/ontology#>
        SELECT DISTINCT ?h ?start ?end WHERE { ?h dprk:post <%spost/south-hamgyong-chief-secretary> ;
        dprk:startDate ?start OPTIONAL { ?h dprk:endDate ?end } } ORDER BY ?start""" % KG)
    assert [r["tenure"] for r in rows if r["row_kind"] == "holder"] == [r["h"] for r in stored]
    # A gap row exactly where a stored end comes before the next stored start.
    gaps = [(r["start"], r["end"]) for r in rows if r["row_kind"] == "gap"]
    assert gaps == [(a["end"], b["start"]) for a, b in zip(stored, stored[1:]) if "end" in a and a["end"] < b["start"]]


def test_a_fact_restated_in_two_graphs_gives_the_rows_it_gives_once():
    """The union of named graphs is a multiset: each query must still see a set."""
    for name, params in [("dual-power", {"unit": "http://example.org/u", "date": "2022-01-01"}),
                         ("person-history", {"person": "http://example.org/b"}),
                         ("post-history", {"post": "http://example.org/chair"}),
                         ("interlocks", {"date": "2019-01-01"})]:
        once = run_on(DUAL + INTERLOCK, name, **params)
        twice = run_on([DUAL + INTERLOCK, DUAL + INTERLOCK], name, **params)
        assert once and list(twice) == list(once), name


FRONT = PREFIXES + """
<http://example.org/claim> dprk:selectionMethod dprk:PreselectionByFront ; dprk:selectingBody <http://example.org/front> ;
    dprk:claimant <http://example.org/fh> ; dcterms:source <http://example.org/s> .
<http://example.org/front> a dprk:UnitedFront .
<http://example.org/start> a dprk:Founding ; org:resultingOrganization <http://example.org/front> ;
    dprk:date "1949-06-25"^^xsd:date .
<http://example.org/end> a dprk:Dissolution ; org:originalOrganization <http://example.org/front> ; dprk:date "2024-03-23"^^xsd:date .
<http://example.org/m1> a dprk:Membership ; org:organization <http://example.org/front> ; org:member <http://example.org/p1> ; dprk:startDate "1950-01-01"^^xsd:date ;
    dprk:tenureStatus dprk:EndUnknown ; dcterms:source <http://example.org/s> .
<http://example.org/m2> a dprk:Membership ; org:organization <http://example.org/front> ; org:member <http://example.org/p2> ; dprk:startDate "1950-01-01"^^xsd:date ;
    dprk:endDate "2000-01-01"^^xsd:date ; dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
<http://example.org/p1> a dprk:PoliticalParty . <http://example.org/p2> a dprk:MassOrganization .
"""


@pytest.mark.parametrize("date, members, status", [
    ("1940-01-01", set(), "not yet founded"),
    ("1990-01-01", {"http://example.org/p1", "http://example.org/p2"}, "active"),
    ("2010-01-01", {"http://example.org/p1"}, "active"),
    ("2024-03-23", set(), "dissolved 2024-03-23"),
])
def test_candidate_preselection_membership_as_of_a_date(date, members, status):
    rows = run_on(FRONT, "candidate-preselection", date=date)
    assert {r["agent"] for r in rows if r["row_kind"] == "member"} == members
    # p2's membership ends in 2000 (confirmed by its end); p1's, open, was never attested
    # after its start in 1950.
    assert {(r["agent"], r["as_of"]) for r in rows if r["row_kind"] == "member"} <= {
        ("http://example.org/p1", "unconfirmed since 1950-01"), ("http://example.org/p2", "holding")}
    assert {r["agent"] for r in rows if r["row_kind"] == "preselects"} == {"http://example.org/fh"}
    assert {r["front_status"] for r in rows} == {status}


@pytest.mark.parametrize("date, expected", [
    ("1992-01-01", "holding"), ("2000-01-01", "unconfirmed since 1990-06"), ("2010-01-02", None)])
def test_candidate_preselection_reads_an_upper_bound_end_as_dual_power_does(date, expected):
    bounded = FRONT + """
<http://example.org/m3> a dprk:Membership ; org:organization <http://example.org/front> ; org:member <http://example.org/p3> ;
    dprk:startDate "1950-01-01"^^xsd:date ; dprk:endDate "2010-01-01"^^xsd:date ; dprk:endQualifier dprk:NoLaterThan ;
    dprk:lastAttested "1990-06-01"^^xsd:date ; dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
<http://example.org/p3> a dprk:PoliticalParty .
"""
    rows = run_on(bounded, "candidate-preselection", date=date)
    assert [r["as_of"] for r in rows if r.get("agent") == "http://example.org/p3" and r["row_kind"] == "member"] == (
        [expected] if expected else [])


def test_stats_count_a_fact_stated_in_two_graphs_once(kg):
    triple = list(ox.parse("<http://example.org/x> <http://example.org/p> \"1\" .", format=ox.RdfFormat.N_TRIPLES))
    memory = Store.memory()
    memory.replace_graphs({BASE_GRAPH + "twice-a": triple, BASE_GRAPH + "twice-b": triple})
    shipped = kg.store
    try:
        kg._store = memory
        assert kg.stats()["triples"] == 1 and sum(kg.stats()["graphs"].values()) == 2
    finally:
        kg._store = shipped
