"""Single facts of the base graph pinned to the source that gives them.

Each of these was once wrong in the shipped graph (issue 11, "Errors found"), or is a holder a
user asks for by name. A test here reads the fact as a user would (the holding's dates, the
claim's claimant) and checks that the source the fact names is the one that says it, so that
a later edit cannot quietly bring the error back.
"""

from __future__ import annotations

import datetime as dt

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS

from dprk_kg import resources
from dprk_kg.namespaces import DPRK, KG

D = rdflib.Namespace(DPRK)
K = rdflib.Namespace(KG)
SCHEMA_URL = rdflib.URIRef("https://schema.org/url")


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in resources.graph_files():
        g.parse(path, format="turtle")
    return g


def date_of(graph: rdflib.Graph, node: rdflib.URIRef, prop: rdflib.URIRef) -> dt.date | None:
    value = graph.value(node, prop)
    return None if value is None else value.toPython()


def sources_of(graph: rdflib.Graph, node: rdflib.URIRef) -> set[str]:
    return {str(s) for s in graph.objects(node, DCTERMS.source)}


def test_kwak_pom_gi_starts_when_kcna_first_named_him_as_yonhap_reports(graph):
    holding = K["holding/kwak-pom-gi-south-hamgyong"]
    assert date_of(graph, holding, D.startDate) == dt.date(2010, 6, 30)
    yonhap = K["source/yonhap-2010-07-08-kwak-pom-gi"]
    assert str(yonhap) in sources_of(graph, holding)
    assert graph.value(yonhap, DCTERMS.publisher) == K["organization/yonhap"]
    assert str(graph.value(yonhap, SCHEMA_URL)) == "https://en.yna.co.kr/view/AEN20100706004800325"
    assert "30 June 2010" in str(graph.value(holding, RDFS.comment))


def test_the_vice_director_of_the_ogd_is_the_appointee_ri_jong_nam(graph):
    comment = str(graph.value(K["holding/ri-jong-nam-south-hamgyong"], RDFS.comment))
    assert comment.startswith("A vice director of the Central Committee's Organization and Guidance Department, appointed")
    kim_song_il = str(graph.value(K["holding/kim-song-il-south-hamgyong"], RDFS.comment))
    assert "Organization and Guidance" not in kim_song_il
    assert str(K["source/koreaherald-2020-10-15-ri-jong-nam"]) in sources_of(graph, K["holding/ri-jong-nam-south-hamgyong"])


def test_no_nomination_of_the_2019_candidates_is_inferred_from_a_general_sentence(graph):
    """The Japan Times article says all candidates are preselected by the front; it names no
    nominator for Ju Song Ho or Jong Song Sik. The general statement stays a claim."""
    for slug in ("ju-song-ho", "jong-song-sik"):
        candidacy = K[f"candidacy/2019-local-{slug}"]
        assert (candidacy, RDF.type, D.Candidacy) in graph
        assert list(graph.subjects(D.nominated, candidacy)) == []
        assert (K[f"nomination/2019-local-{slug}"], None, None) not in graph
    claim = K["claim/freedom-house-deputies-preselected"]
    assert graph.value(claim, D.selectingBody) == K["organization/dfrf"]
    assert sources_of(graph, claim) == {str(K["source/japantimes-2019-07-22-kim-votes"])}


def test_every_nomination_names_a_nominator_its_source_reports(graph):
    """The nominations left are those a source names: Kim Jong Un's by his electors' meeting."""
    nomination = K["nomination/2014-spa-kim-jong-un"]
    assert graph.value(nomination, D.nominatedBy) == K["organization/2014-paektusan-111-electors-meeting"]
    assert sources_of(graph, nomination) == {str(K["source/kcna-2014-02-04-paektusan-111-letter"])}
    assert "decided with a unanimous approval to nominate Kim Jong Un" in str(graph.value(nomination, RDFS.comment))


def test_the_overall_responsibility_claim_is_daily_nks_own(graph):
    claim = K["claim/dailynk-provincial-secretary-overall-responsibility"]
    assert graph.value(claim, D.claimant) == K["organization/daily-nk"]
    source = graph.value(claim, DCTERMS.source)
    assert graph.value(source, DCTERMS.publisher) == K["organization/daily-nk"]
    assert (K["claim/yonhap-provincial-secretary-overall-responsibility"], None, None) not in graph
