"""Each named query's answer on the base graph, checked against what the sources say.

Figures are also checked against the article texts themselves where a row's source has a
local copy, so that a wrong number in the graph fails here even if the query is right.
The as-of-date logic (tenures, memberships, the front's dissolution) is checked on small
graphs built in the test, where the dates are chosen to hit each case.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

import dprk_kg
from dprk_kg import catalog, query, resources
from dprk_kg.api import Rows
from dprk_kg.namespaces import BASE_GRAPH, DPRK, KG, ONTOLOGY_GRAPH
from dprk_kg.store import Store

from conftest import SOURCES_DIR
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


def test_every_named_query_declares_its_columns_and_runs(kg):
    for name, named in kg.queries().items():
        rows = kg.query(name)
        assert list(rows.variables) == list(named.columns), name


def test_every_row_of_every_query_carries_a_source(kg):
    for name in kg.queries():
        for row in kg.query(name):
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
    assert rows
    assert {r["de_facto"] for r in rows} == {DPRK + "ChiefSecretary"}
    claimants = {c for r in rows for c in r["de_facto_claimants"].split(" | ")}
    assert KG + "person/andrei-lankov" in claimants


def test_dual_power_covers_every_first_level_unit_with_both_posts(kg):
    rows = kg.query("dual-power")
    units = {r["unit"] for r in rows}
    assert {KG + f"unit/{u}" for u in ("pyongyang", "rason", "nampo", "south-hamgyong")} <= units
    assert len(units) >= 12
    assert len(rows) == len(units), "one row per unit: claims must not multiply the rows"
    for row in rows:
        assert row["state_post"] and row["party_post"], row


@pytest.mark.parametrize("date, secretary, status", [
    ("2019-07-21", "kim-song-il", DPRK + "Ended"),   # the day Kim Jong Un voted there
    ("2021-01-01", "ri-jong-nam", DPRK + "Current"),
])
def test_dual_power_south_hamgyong_secretary_on_a_date(kg, date, secretary, status):
    rows = kg.query("dual-power", unit=KG + "unit/south-hamgyong", date=date)
    assert {(r.get("party_holder"), r.get("party_status")) for r in rows} == {(KG + f"person/{secretary}", status)}


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

DUAL = PREFIXES + """
<http://example.org/u> a dprk:Province ; dprk:divisionLevel dprk:ProvincialLevel .
<http://example.org/asm> dprk:jurisdiction <http://example.org/u> . <http://example.org/pc> dprk:jurisdiction <http://example.org/u> ; dprk:electedBy <http://example.org/asm> .
<http://example.org/chair> a dprk:PeoplesCommitteeChairman ; org:postIn <http://example.org/pc> .
<http://example.org/ppc> dprk:jurisdiction <http://example.org/u> . <http://example.org/sec> a dprk:ChiefSecretary ; org:postIn <http://example.org/ppc> .
<http://example.org/h1> dprk:post <http://example.org/chair> ; org:member <http://example.org/a> ; dprk:startDate "2010-01-01"^^xsd:date ;
    dprk:endDate "2015-01-01"^^xsd:date ; dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
<http://example.org/h2> dprk:post <http://example.org/chair> ; org:member <http://example.org/b> ; dprk:startDate "2015-02-01"^^xsd:date ;
    dprk:tenureStatus dprk:EndUnknown ; dcterms:source <http://example.org/s> .
<http://example.org/h3> dprk:post <http://example.org/sec> ; org:member <http://example.org/c> ; dprk:startDate "2012-01-01"^^xsd:date ;
    dprk:tenureStatus dprk:Ended ; dcterms:source <http://example.org/s> .
"""


def run_on(turtle: str, name: str, **params: str) -> Rows:
    """Run a named query on the ontology plus ``turtle`` only."""
    store = Store.memory()
    graphs = {ONTOLOGY_GRAPH + p.stem: list(ox.parse(path=str(p), format=ox.RdfFormat.TURTLE))
              for p in resources.ontology_files()}
    graphs[BASE_GRAPH + "test"] = list(ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    store.replace_graphs(graphs)
    return Rows(query.run_named(store, catalog.get(name), params))


@pytest.mark.parametrize("date, holder, status", [
    ("2012-06-01", "http://example.org/a", DPRK + "Ended"),       # within an ended tenure
    ("2015-01-20", None, None),                     # between two tenures: nobody
    ("2030-01-01", "http://example.org/b", DPRK + "EndUnknown"),   # end unknown is shown, with its status
])
def test_dual_power_holder_as_of_a_date(date, holder, status):
    rows = run_on(DUAL, "dual-power", unit="http://example.org/u", date=date)
    assert len(rows) == 1
    assert rows[0].get("state_holder") == holder
    assert rows[0].get("state_status") == status
    assert rows[0]["state_post"] == "http://example.org/chair" and rows[0]["party_post"] == "http://example.org/sec"
    # The secretary's tenure ended at an unknown date: never shown as holding the post.
    assert "party_holder" not in rows[0]


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
    assert {r["agent"] for r in rows if r["row_kind"] == "preselects"} == {"http://example.org/fh"}
    assert {r["front_status"] for r in rows} == {status}
