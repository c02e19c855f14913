"""The views' content: what each picture shows is what the graph says, and nothing else."""

from __future__ import annotations

import pytest

from dprk_kg import views
from dprk_kg.errors import UserError
from dprk_kg.store import Store
from export_support import fixture_store, iri

DPRK = "https://w3id.org/dprk-kg/ontology#"


@pytest.fixture(scope="module")
def store() -> Store:
    return fixture_store("dual.ttl")


def edges(g, kind: str | None = None) -> set[tuple[str, str]]:
    return {(a, b) for a, b, d in g.edges(data=True) if kind is None or d["kind"] == kind}


def test_full_view_has_every_entity_and_relation_but_no_ontology_term(store):
    g = views.build_view(store, "full")
    assert iri("unit/south-hamgyong") in g and iri("holding/c-secretary") in g and iri("source/two") in g
    assert not [n for n in g if n.startswith(DPRK)], "classes and concepts are values, not nodes"
    sh = g.nodes[iri("unit/south-hamgyong")]
    # literals and controlled values became attributes
    assert sh["isoCode"] == "KP-08" and sh["label_ko"] == "함경남도" and sh["level"] == "provincial"
    assert "Hamgyŏng-namdo" in sh["alt_labels"] and sh["type"] == "dprk:Province"
    holding = g.nodes[iri("holding/c-secretary")]
    assert holding["start"] == "2018-05-01" and holding["status"] == "end unknown"
    assert "Report two" in holding["sources"]
    assert (iri("post/south-hamgyong-chairman"), iri("org/south-hamgyong-committee")) in edges(g)
    relations = {d["relation"] for *_, d in g.edges(data=True)}
    assert {"org:postIn", "dprk:electedBy", "dcterms:source", "dprk:guides"} <= relations
    assert "rdf:type" not in relations


@pytest.mark.parametrize("view,options", [
    ("full", {}), ("dual-power", {}), ("hierarchy", {}), ("person", {"person": "Person A"}), ("elections", {})])
def test_every_attribute_is_flat(store, view, options):
    g = views.build_view(store, view, **options)
    assert g.number_of_nodes() > 0
    values = [v for _, d in g.nodes(data=True) for v in d.values()]
    values += [v for *_, d in g.edges(data=True) for v in d.values()]
    values += list(g.graph.values())
    assert all(isinstance(v, (str, int, float)) for v in values), {type(v) for v in values}


def test_dual_power_of_south_hamgyong_holds_both_chains_and_the_de_facto_edge(store):
    g = views.build_view(store, "dual-power", unit="함경남도", as_of="2021-01-01")
    assembly, committee = iri("org/south-hamgyong-assembly"), iri("org/south-hamgyong-committee")
    chair, party, secretary = iri("post/south-hamgyong-chairman"), iri("org/south-hamgyong-party"), iri("post/south-hamgyong-secretary")
    # state chain: assembly → people's committee → chairman → holder on the date
    assert (assembly, committee) in edges(g, "de jure")
    assert (committee, chair) in edges(g, "structure")
    assert (chair, iri("person/person-b")) in edges(g, "holder")
    # party chain: party committee → chief secretary → holder
    assert (party, secretary) in edges(g, "structure")
    assert (secretary, iri("person/person-c")) in edges(g, "holder")
    # the de facto authority, drawn distinctly, with who says so and where
    (claim,) = [d for a, b, d in g.edges(data=True) if d["kind"] == "de facto"]
    assert (secretary, chair) in edges(g, "de facto")
    assert claim["claimant"] == "Analyst" and "Report two" in claim["sources"] and claim["quote"]
    assert {g.nodes[n].get("side") for n in (assembly, committee, chair)} == {"state"}
    assert {g.nodes[n].get("side") for n in (party, secretary)} == {"party"}
    assert iri("person/person-a") not in g, "Person A's chairmanship ended in 2019"


def test_dual_power_as_of_an_earlier_date_shows_that_date_s_holders(store):
    g = views.build_view(store, "dual-power", unit="south-hamgyong", as_of="2017-06-01")
    chair, secretary = iri("post/south-hamgyong-chairman"), iri("post/south-hamgyong-secretary")
    assert {b for a, b in edges(g, "holder") if a == chair} == {iri("person/person-a")}
    (gap,) = [b for a, b in edges(g, "holder") if a == secretary]
    assert g.nodes[gap]["kind"] == "not on record" and "2017-06-01" in g.nodes[gap]["label"]


def test_dual_power_of_all_units_keeps_each_unit_apart(store):
    g = views.build_view(store, "dual-power", as_of="2021-01-01")
    units = {d.get("unit") for _, d in g.nodes(data=True)}
    assert units == {"South Hamgyong", "North Hamgyong"}
    north = [n for n, d in g.nodes(data=True) if d.get("unit") == "North Hamgyong"]
    assert {g.nodes[n]["kind"] for n in north} == {"unit", "party organ"}  # its state side is not on record


def test_a_claim_for_another_level_draws_no_de_facto_edge():
    store = fixture_store("dual.ttl", extra="""
        <https://w3id.org/dprk-kg/id/claim/secretary-rules> dprk:appliesToLevel dprk:CityCountyLevel .""")
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2021-01-01")
    assert len(edges(g, "de facto")) == 1  # the claim lists both levels now: still applies
    store = fixture_store("dual.ttl", extra="""
        <https://w3id.org/dprk-kg/id/claim/other> a dprk:AuthorityClaim ; dprk:deFactoAuthority dprk:ChiefSecretary ;
            dprk:subordinatePost dprk:PeoplesCommitteeChairman ; dprk:appliesToLevel dprk:CityCountyLevel .""")
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2021-01-01")
    assert {d["claim"] for *_, d in g.edges(data=True) if d["kind"] == "de facto"} == {iri("claim/secretary-rules")}


def test_hierarchy_draws_two_trees_from_the_centre_down(store):
    g = views.build_view(store, "hierarchy")
    party = {n for n, d in g.nodes(data=True) if d.get("side") == "party"}
    state = {n for n, d in g.nodes(data=True) if d.get("side") == "state"}
    assert party | state == set(g)
    assert not [(a, b) for a, b in g.edges() if (a in party) != (b in party)], "the two trees do not mix"
    assert (iri("org/wpk"), iri("org/wpk-cc")) in edges(g) and (iri("org/wpk-cc"), iri("org/south-hamgyong-party")) in edges(g)
    assert (iri("org/cabinet"), iri("org/south-hamgyong-committee")) in edges(g)
    assert (iri("org/spa"), iri("org/cabinet")) in edges(g, "de jure")
    roots = {n for n in g if g.in_degree(n) == 0}
    assert iri("org/wpk") in roots and iri("org/south-hamgyong-party") not in roots


def test_hierarchy_as_of_leaves_out_a_dissolved_organ():
    store = fixture_store("dual.ttl", extra="""
        <https://w3id.org/dprk-kg/id/event/nh-dissolved> a dprk:Dissolution ; dprk:date "2020-03-01"^^xsd:date ;
            org:originalOrganization <https://w3id.org/dprk-kg/id/org/north-hamgyong-party> .""")
    assert iri("org/north-hamgyong-party") in views.build_view(store, "hierarchy", as_of="2020-02-01")
    assert iri("org/north-hamgyong-party") not in views.build_view(store, "hierarchy", as_of="2020-03-01")


def test_person_view_shows_posts_memberships_and_candidacies_with_sources(store):
    g = views.build_view(store, "person", person="Eul")  # a romanization of 을
    b = iri("person/person-b")
    facts = {a for a, t in edges(g) if t == b}
    assert facts == {iri("holding/b-chairman"), iri("mandate/b-assembly"), iri("candidacy/b-2019")}
    assert g.nodes[iri("holding/b-chairman")]["start"] == "2020-01-01"
    assert (iri("holding/b-chairman"), iri("post/south-hamgyong-chairman")) in edges(g)
    assert (iri("post/south-hamgyong-chairman"), iri("org/south-hamgyong-committee")) in edges(g)
    assert (iri("nomination/b-2019"), iri("org/dfrf")) in edges(g)
    for fact in facts:
        assert edges(g, "source") & {(fact, s) for s in (iri("source/one"), iri("source/two"))}


def test_elections_view_keeps_disagreeing_figures_side_by_side(store):
    g = views.build_view(store, "elections")
    one, two = iri("result/local-2015-one"), iri("result/local-2015-two")
    assert g.nodes[one]["turnoutPercent"] == 99.97 and g.nodes[two]["turnoutPercent"] == 99.9
    (label,) = [d["label"] for a, b, d in g.edges(data=True) if d["kind"] == "disagreement"]
    assert "99.97" in label and "99.9" in label
    assert "turnout" in g.nodes[iri("election/local-2015")]["disputed"]
    assert "disputed" not in g.nodes[iri("election/local-2019")]
    assert (one, iri("source/one")) in edges(g, "source") and (two, iri("source/two")) in edges(g, "source")
    assert (iri("source/one"), iri("publisher/state-agency")) in edges(g)
    assert iri("election/local-2019") not in views.build_view(store, "elections", as_of="2019-01-01")


@pytest.mark.parametrize("view,options,message", [
    ("dual-power", {"unit": "Atlantis"}, "no unit is called 'Atlantis'"),
    ("person", {}, "needs --person"),
    ("person", {"person": "Person"}, "names several persons"),
    ("hierarchy", {"unit": "South Hamgyong"}, "does not use --unit"),
    ("dual-power", {"as_of": "21 July 2019"}, "YYYY-MM-DD"),
    ("map", {}, "unknown view"),
])
def test_bad_options_are_refused_with_a_clear_message(store, view, options, message):
    with pytest.raises(UserError, match=message):
        views.build_view(store, view, **options)


def test_base_graph_full_view_has_every_labelled_entity(built_store):
    from dprk_kg.build import open_store

    with open_store(built_store) as store:
        g = views.build_view(store, "full")
        rows = store.select(
            "SELECT DISTINCT ?x WHERE { GRAPH ?g { ?x <http://www.w3.org/2000/01/rdf-schema#label> ?l } "
            "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/dprk-kg/graph/base/')) }").rows
    labelled = {r["x"].value for r in rows} - {n for n in (r["x"].value for r in rows) if n.startswith(DPRK)}
    assert labelled and labelled <= set(g)
    assert not [n for n in g if n.startswith(DPRK)]


def test_base_graph_dual_power_of_south_hamgyong(built_store):
    from dprk_kg.build import open_store

    with open_store(built_store) as store:
        g = views.build_view(store, "dual-power", unit="South Hamgyong")
    kinds = {d["kind"] for _, d in g.nodes(data=True)}
    assert {"unit", "assembly", "state organ", "state post", "party organ", "party post"} <= kinds
    assert edges(g, "de facto"), "the base graph's authority claim covers provinces"


def test_dual_power_says_so_when_no_unit_has_local_organs():
    with pytest.raises(UserError, match="no unit in the graph has local organs"):
        views.build_view(fixture_store(), "dual-power")


def test_results_about_different_assemblies_do_not_disagree():
    store = fixture_store("dual.ttl", extra="""
        <https://w3id.org/dprk-kg/id/result/2019-provincial> a dprk:ReportedResult ;
            dprk:inElection <https://w3id.org/dprk-kg/id/election/local-2019> ;
            dprk:concernsBodyType dprk:ProvincialPeoplesAssembly ; dprk:votesForPercent 99.91 .
        <https://w3id.org/dprk-kg/id/result/2019-county> a dprk:ReportedResult ;
            dprk:inElection <https://w3id.org/dprk-kg/id/election/local-2019> ;
            dprk:concernsBodyType dprk:CountyPeoplesAssembly ; dprk:votesForPercent 99.87 .
        <https://w3id.org/dprk-kg/id/result/2019-county-other> a dprk:ReportedResult ;
            dprk:inElection <https://w3id.org/dprk-kg/id/election/local-2019> ;
            dprk:concernsBodyType dprk:CountyPeoplesAssembly ; dprk:votesForPercent 99.5 .""")
    g = views.build_view(store, "elections")
    pairs = {(a, b) for a, b, d in g.edges(data=True) if d["kind"] == "disagreement"}
    assert pairs == {(iri("result/2019-county"), iri("result/2019-county-other")),
                     (iri("result/local-2015-one"), iri("result/local-2015-two"))}
    assert "county people's assembly" in g.nodes[iri("election/local-2019")]["disputed"]


def test_hierarchy_names_each_organ_as_it_was_called_on_the_date():
    store = fixture_store("dual.ttl", extra="""
        <https://w3id.org/dprk-kg/id/name/cc-old> a dprk:NameUse ; rdfs:label "Old Committee"@en , "옛 위원회"@ko ;
            dprk:nameOf <https://w3id.org/dprk-kg/id/org/wpk-cc> ;
            dprk:startDate "1990-01-01"^^xsd:date ; dprk:endDate "2016-05-01"^^xsd:date .
        <https://w3id.org/dprk-kg/id/name/cc-new> a dprk:NameUse ; rdfs:label "Central Committee"@en ;
            dprk:nameOf <https://w3id.org/dprk-kg/id/org/wpk-cc> ; dprk:startDate "2016-05-01"^^xsd:date .""")
    before = views.build_view(store, "hierarchy", as_of="2010-01-01").nodes[iri("org/wpk-cc")]
    assert (before["label"], before["label_ko"], before["label_current"]) == ("Old Committee", "옛 위원회", "Central Committee")
    on_the_day = views.build_view(store, "hierarchy", as_of="2016-05-01").nodes[iri("org/wpk-cc")]
    assert on_the_day["label"] == "Central Committee"
    assert "label_current" not in views.build_view(store, "hierarchy", as_of="1980-01-01").nodes[iri("org/wpk-cc")]


@pytest.mark.parametrize("view,options", [
    ("dual-power", {}), ("dual-power", {"unit": "South Hamgyong", "as_of": "2016-01-01"}),
    ("hierarchy", {}), ("person", {"person": "Kim Jong Un"}), ("elections", {})])
def test_reading_only_what_a_view_touches_draws_the_same_as_reading_everything(built_store, view, options):
    """Views read the embedded store lazily (so that they stay fast at millions of triples):
    every node, attribute and edge must be what a model read whole gives."""
    from dprk_kg.build import open_store
    from dprk_kg.resolve import resolve

    with open_store(built_store) as store:
        lazy = views.build_view(store, view, **options)
        named = {k: resolve(store, v).value if k in ("unit", "person") else v for k, v in options.items()}
        whole = views.draw(views.Model.load(store, whole=True), view, views.ViewOptions(**named))
    assert lazy.number_of_nodes() > 5
    assert dict(lazy.nodes(data=True)) == dict(whole.nodes(data=True))
    assert sorted(lazy.edges(keys=True, data=True), key=str) == sorted(whole.edges(keys=True, data=True), key=str)
    assert lazy.graph == whole.graph
