"""What a batch may state: facts about the world, with names that do not pass for another entity's.

Run through the command line on the shipped graph, as a user adds facts.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dprk_kg import cli

PREFIXES = """@prefix dprk: <https://w3id.org/dprk-kg/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix unit: <https://w3id.org/dprk-kg/id/unit/> .
@prefix person: <https://w3id.org/dprk-kg/id/person/> .
"""


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.run(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def batch(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "batch.ttl"
    path.write_text(PREFIXES + body)
    return path


VOCABULARY = {
    "a subclass axiom on the project's terms":
        ("\n\ndprk:StateLeader rdfs:subClassOf dprk:Claim .\n", 10, "rdfs:subClassOf"),
    "a coined term with its own definition":
        ('\n\n\ndprk:heldby a owl:ObjectProperty ;\n    skos:definition "held by"@en .\n', 11,
         "dprk:heldby"),
    "a class of one's own under the project's":
        ("\nperson:x-class rdfs:subClassOf dprk:Person .\n", 9, "rdfs:subClassOf dprk:Person"),
    "an axiom about a standard term":
        ("\n<http://www.w3.org/ns/org#member> rdfs:range dprk:Person .\n", 9, "rdfs:range"),
    "a shape on the project's terms":
        ("\nperson:shape a sh:NodeShape ; sh:targetClass dprk:Person .\n", 9, "sh:targetClass"),
}


@pytest.mark.parametrize("command", ["validate", "add"])
@pytest.mark.parametrize("name", sorted(VOCABULARY))
def test_statements_about_the_vocabulary_are_refused_with_their_line(store_dir, capsys, tmp_path,
                                                                       command, name):
    body, line, shown = VOCABULARY[name]
    path = batch(tmp_path, body)
    code, out, err = run(capsys, command, str(path))
    assert code == 2, out + err
    assert err.startswith(f"dprk-kg: error: {path}:{line}: a batch states facts about the world")
    assert shown in err
    assert not list((store_dir / "batches").glob("*.trig"))


def test_a_name_another_entity_bears_is_a_warning_naming_it(store_dir, capsys, tmp_path):
    path = batch(tmp_path, '\nunit:south-hamgyong skos:altLabel "North Hamgyong Province"@en .\n')
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0, out
    warning = [line for line in out.splitlines() if "name-collision" in line or "borne by" in line]
    assert len(warning) == 1 and "unit/north-hamgyong" in warning[0], out
    assert f"{path}:9: warning" in warning[0]


def test_a_name_the_entity_already_bears_in_another_spelling_is_no_collision(store_dir, capsys,
                                                                             tmp_path):
    path = batch(tmp_path, '\nunit:south-hamgyong skos:altLabel "South Hamgyŏng Province"@en .\n')
    code, out, _ = run(capsys, "validate", str(path))
    assert code == 0 and "borne by" not in out, out


# -- rules follow the dates the graph implies -------------------------------------------------

IMPLIED = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix organization: <https://w3id.org/dprk-kg/id/organization/> .

<https://w3id.org/dprk-kg/synthetic/election/test-2026> a dprk:Election ;
    rdfs:label "Synthetic test election of 2026"@en ;
    dprk:date "2026-11-15"^^xsd:date ;
    dprk:electionLevel dprk:LocalElection ;
    dprk:electsBodyType dprk:ProvincialPeoplesAssembly .

<https://w3id.org/dprk-kg/synthetic/candidacy/test-2026> a dprk:Candidacy ;
    dprk:inElection <https://w3id.org/dprk-kg/synthetic/election/test-2026> ;
    dprk:forAssembly organization:pyongyang-peoples-assembly .

<https://w3id.org/dprk-kg/synthetic/nomination/test-2026> a dprk:Nomination ;
    dprk:nominated <https://w3id.org/dprk-kg/synthetic/candidacy/test-2026> ;
    dprk:nominatedBy organization:{nominator} .
"""


@pytest.mark.parametrize("nominator, dated_after", [("dfrf", True), ("pyongyang-peoples-assembly", False)])
def test_a_fact_dated_only_through_its_election_is_checked_against_a_dissolution(
        store_dir, capsys, tmp_path, nominator, dated_after):
    """The DFRF was dissolved in March 2024: a nomination by it for a candidacy in a 2026
    election has no date of its own, but the graph dates it by its election."""
    path = batch(tmp_path, IMPLIED.replace("{nominator}", nominator))
    code, out, _ = run(capsys, "validate", str(path))
    flagged = [line for line in out.splitlines() if "AfterDissolution" in line]
    assert code == 1  # the synthetic facts lack sources either way
    assert bool(flagged) is dated_after, out
    if dated_after:
        assert "nomination/test-2026" in flagged[0] and "2026-11-15" in flagged[0]


# -- a batch of blank nodes -------------------------------------------------------------------

BLANK = """@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .

[] a dprk:PostHolding ;
   org:member [ a dprk:Person ; rdfs:label "Synthetic blank person"@en , "합성 사람"@ko ;
                dcterms:source _:source ] ;
   dprk:post <https://w3id.org/dprk-kg/id/post/pyongyang-chief-secretary> ;
   dprk:startDate "1901-01-01"^^xsd:date ; dprk:endDate "1901-02-01"^^xsd:date ;
   dprk:tenureStatus dprk:Ended ;
   dcterms:source _:source .

_:source a dprk:SourceDocument ;
   dcterms:title "Synthetic blank source (not a real document)"@en ;
   dcterms:publisher <https://w3id.org/dprk-kg/id/organization/kcna> ;
   dcterms:date "1901-02-02"^^xsd:date ;
   schema:url "https://example.org/synthetic/blank-source"^^xsd:anyURI .
"""


def test_a_batch_of_blank_nodes_does_not_land(store_dir, capsys, tmp_path):
    """Fully described, but nothing in it could be cited or shown: each blank entity, fact
    and source is a violation, and nothing is added."""
    path = batch(tmp_path, BLANK)
    code, out, err = run(capsys, "add", str(path))
    assert code == 1 and "nothing was added" in err, out + err
    assert sum("IdentifiedByIri" in line for line in out.splitlines()) == 3, out
    assert not list((store_dir / "batches").glob("*.trig"))


def test_a_new_person_with_many_namesakes_gets_one_warning_naming_them():
    """Homonyms are common in a deputies list: one warning per new person, not one per pair."""
    from dprk_kg.parse import read_text
    from dprk_kg.validation import validate_batch
    from fixtures.ingest.helpers import memory_store, shapes

    person = "<https://w3id.org/dprk-kg/id/fixture/person/namesake-{}>"
    existing = read_text(PREFIXES + "".join(
        f'{person.format(i)} a dprk:Person ; rdfs:label "Kim Myong Sik"@en .\n'
        for i in range(3)), "turtle").triples
    batch = read_text(PREFIXES + f'{person.format("new")} a dprk:Person ; '
                      'rdfs:label "Kim Myŏng-sik"@en .\n', "turtle", name="new.ttl")
    report = validate_batch(memory_store(existing), batch, shapes=shapes())
    found = [p for p in report.problems if p.rule == "likely-duplicate"]
    assert len(found) == 1 and "and 2 other(s) of that name" in found[0].message
    assert all(person.format(i)[1:-1] in found[0].message + (found[0].hint or "")
               for i in range(3))
