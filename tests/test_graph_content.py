"""The base graph as data: it parses, it names every node, it uses only defined terms, every
fact carries a source, and every quote is the source's own words.

These are the promises a reader of a query answer relies on: that a quote can be found in the
article it is attributed to, and that no fact stands without a document behind it.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF

from dprk_kg import resources
from dprk_kg.namespaces import DPRK, KG
from support import turtle_graph

D = rdflib.Namespace(DPRK)
GRAPH_FILES = resources.graph_files()

#: Classes whose nodes state a fact and so must cite a source (docs/design.md, "Sources").
FACT_CLASSES = [D.Tenure, D.PostHolding, D.Membership, D.Mandate, D.Claim, D.ReportedResult,
                D.ExpertStatement, D.Assessment, D.SelectionClaim, D.AuthorityClaim,
                D.RuleClaim, D.Candidacy, D.Nomination, D.BallotCast, D.StatusPeriod,
                D.NameUse, D.Founding, D.Dissolution, D.Renaming]


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return turtle_graph(GRAPH_FILES)


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in resources.ontology_files():
        g.parse(path, format="turtle")
    return g


def test_there_is_a_graph():
    assert len(GRAPH_FILES) >= 4


@pytest.mark.parametrize("path", GRAPH_FILES, ids=lambda p: p.name)
def test_file_parses_in_rdflib_and_pyoxigraph(path: Path):
    in_rdflib = rdflib.Graph().parse(path, format="turtle")
    in_oxigraph = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(in_rdflib) == len(set(in_oxigraph)) > 0


def test_no_blank_nodes(graph: rdflib.Graph):
    blank = {t for triple in graph for t in triple if isinstance(t, rdflib.BNode)}
    assert not blank


def test_every_project_term_is_defined_in_the_ontology(graph, ontology):
    defined = {s for s in ontology.subjects() if str(s).startswith(DPRK)}
    used = {t for triple in graph for t in triple
            if isinstance(t, rdflib.URIRef) and str(t).startswith(DPRK)}
    assert used - defined == set()


def test_every_entity_referenced_is_described(graph):
    """A kg: IRI that is used but has no type is a typo or a missing entity."""
    nodes = {t for s, _, o in graph for t in (s, o)
             if isinstance(t, rdflib.URIRef) and str(t).startswith(KG)}
    untyped = sorted(str(n) for n in nodes if (n, RDF.type, None) not in graph)
    assert untyped == []


def test_every_fact_node_cites_a_source_document(graph):
    facts = {s for cls in FACT_CLASSES for s in graph.subjects(RDF.type, cls)}
    assert facts, "the graph holds no fact nodes"
    unsourced = sorted(str(f) for f in facts
                       if not any((src, RDF.type, D.SourceDocument) in graph
                                  for src in graph.objects(f, DCTERMS.source)))
    assert unsourced == []


def test_every_source_document_has_publisher_and_a_date_or_says_it_is_unknown(graph):
    docs = set(graph.subjects(RDF.type, D.SourceDocument))
    assert docs
    for doc in docs:
        assert graph.value(doc, DCTERMS.publisher) is not None, doc
        date = graph.value(doc, DCTERMS.date)
        if date is None:
            assert "date unknown" in str(graph.value(doc, rdflib.RDFS.comment)), doc
        else:
            assert date.datatype == rdflib.XSD.date, doc


def test_local_copies_exist(sources_dir):
    g = rdflib.Graph()
    for path in GRAPH_FILES:
        g.parse(path, format="turtle")
    copies = [str(c) for c in g.objects(None, D.localCopy)]
    assert copies
    for name in copies:
        assert (sources_dir / name).is_file(), name


def test_every_quote_is_verbatim_in_its_local_copy(graph, sources_dir):
    """Each quote must appear word for word (curly quotes included) in the text of one of
    its sources; claims whose sources have no local copy cannot be checked here."""
    checked, missing = 0, []
    for claim, quote in graph.subject_objects(D.quote):
        texts = [(sources_dir / str(copy)).read_text(encoding="utf-8")
                 for src in graph.objects(claim, DCTERMS.source)
                 for copy in graph.objects(src, D.localCopy)]
        if not texts:
            continue
        checked += 1
        if not any(str(quote) in text for text in texts):
            missing.append(f"{claim}: {quote}")
    assert checked >= 20, "too few quotes were checkable: are the local copies linked?"
    assert missing == []


def test_each_article_is_cited_with_its_url_and_without_an_invented_title(graph):
    """The two articles do not show their titles: no dcterms:title, and a comment says so."""
    for doc in graph.subjects(D.localCopy, None):
        assert graph.value(doc, DCTERMS.title) is None, doc
        assert "Title not shown" in str(graph.value(doc, rdflib.RDFS.comment)), doc
        assert str(graph.value(doc, rdflib.URIRef("https://schema.org/url"))).startswith("https://")


def test_misspelt_analyst_is_named_correctly_and_findable_by_the_texts_spelling(graph):
    person = rdflib.URIRef(KG + "person/fyodor-tertitskiy")
    assert graph.value(person, rdflib.RDFS.label) == rdflib.Literal("Fyodor Tertitskiy", lang="en")
    assert rdflib.Literal("Fyodor Tertiskiy", lang="en") in set(
        graph.objects(person, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#altLabel")))
