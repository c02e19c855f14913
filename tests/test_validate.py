"""Validation of a batch against the graph: what a person sees, and that incremental == full."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dprk_kg import namespaces
from dprk_kg.errors import UserError
from dprk_kg.parse import read_text
from dprk_kg.store import Store
from dprk_kg.validation import curie, load_shapes, validate_batch, validate_store
from fixtures.ingest.helpers import (FIX, PREFIXES, SHACL_ONLY, memory_store, shacl_keys,
                                     shapes)

OK_HOLDING = PREFIXES + """
f:holding\\/kim-2024 a dprk:PostHolding ;
    org:member f:person\\/kim-jong-un ; dprk:post f:post\\/nh-chief-secretary ;
    dprk:startDate "2024-03-01"^^xsd:date ; dprk:tenureStatus dprk:Current ;
    dcterms:source f:source\\/kcna-2024 .
"""


def check(text: str, store: Store | None = None):
    return validate_batch(store or memory_store(), read_text(text, "turtle", name="new.ttl"),
                          shapes=shapes())


def test_the_fixture_base_graph_conforms():
    assert validate_store(memory_store(), shapes=shapes()).conforms


def test_a_valid_batch_conforms_and_says_what_was_checked():
    report = check(OK_HOLDING)
    assert report.conforms and report.exit_code == 0
    assert report.focus_nodes > 0
    assert "conforms" in report.to_text()


def test_a_violation_names_file_line_label_rule_and_value():
    report = check(PREFIXES + """
f:holding\\/x a dprk:PostHolding ;
    org:member f:person\\/ri-il-hwan ; dprk:post f:post\\/nh-chief-secretary ;
    dprk:startDate "2024" ; dprk:tenureStatus dprk:Current ;
    dcterms:source f:source\\/kcna-2024 .
""")
    assert not report.conforms and report.exit_code == 1
    [p] = [p for p in report.problems if p.path == "dprk:startDate"]
    assert (p.file, p.line) == ("new.ttl", 9)
    assert p.message == "dprk:startDate must be a literal of type xsd:date"
    assert p.value == '"2024"'


def test_overlap_with_an_existing_holding_is_caught_on_both_sides():
    report = check(PREFIXES + """
f:holding\\/y a dprk:PostHolding ;
    org:member f:person\\/kim-jong-un ; dprk:post f:post\\/nh-chief-secretary ;
    dprk:startDate "2022-01-01"^^xsd:date ; dprk:tenureStatus dprk:Current ;
    dcterms:source f:source\\/kcna-2024 .
""")
    overlap = [p for p in report.problems if "same time" in p.message]
    assert {p.node for p in overlap} == {"kg:fixture/holding/y", "kg:fixture/holding/ri-il-hwan-nh-2020"}
    assert any(p.value == "kg:fixture/holding/ri-il-hwan-nh-2020" for p in overlap)


def test_unknown_term_of_the_project_namespace_is_a_violation_with_a_hint():
    report = check(OK_HOLDING.replace("org:member", "dprk:heldby"))
    [p] = [p for p in report.problems if p.rule == "unknown-term"]
    assert p.severity == "violation"
    assert p.hint == "unknown term dprk:heldby: did you mean org:heldBy?"


def test_a_triple_term_is_refused_with_a_message_not_a_crash():
    """RDF 1.2 allows a triple term as any object (a class too); the unknown-term check read
    every class as an IRI and pyshacl's bridge every object as an IRI or a literal, and
    validating such a batch failed with an AttributeError."""
    with pytest.raises(UserError, match="triple term"):
        check(PREFIXES + """
f:person\\/q a dprk:Person, <<( f:person\\/a org:memberOf f:org\\/b )>> ; rdfs:label "Q"@en ;
    dcterms:source f:source\\/kcna-2024 .
""")


def test_a_likely_duplicate_is_a_warning_naming_the_existing_iri():
    report = check(PREFIXES + """
f:person\\/kim-2 a dprk:Person ; rdfs:label "Kim Jŏng-ŭn"@en ; dcterms:source f:source\\/kcna-2024 .
""")
    assert report.conforms
    [p] = [p for p in report.problems if p.rule == "likely-duplicate"
           and FIX + "person/kim-jong-un" in (p.hint or "")]
    assert p.severity == "warning" and p.label == "Kim Jŏng-ŭn"
    assert "use that IRI, or mark them as different" in p.hint


def test_a_judgement_in_the_batch_silences_the_duplicate_warning():
    report = check(PREFIXES + """
f:person\\/kim-2 a dprk:Person ; rdfs:label "Kim Jŏng-ŭn"@en ; dcterms:source f:source\\/kcna-2024 ;
    owl:differentFrom f:person\\/kim-jong-un .
""")
    assert not [p for p in report.problems if FIX + "person/kim-jong-un" in (p.hint or "")]


def test_a_blank_node_is_named_through_the_node_holding_it():
    report = check(PREFIXES + """
f:holding\\/z a dprk:PostHolding ;
    org:member [ a dprk:Person ; rdfs:label "Nameless"@en ] ;
    dprk:post f:post\\/nh-chief-secretary ; dprk:startDate "2025-01-01"^^xsd:date ;
    dprk:tenureStatus dprk:Current ; dcterms:source f:source\\/kcna-2024 .
""")
    problems = [p for p in report.problems if p.path == "dcterms:source" and p.label == "Nameless"]
    assert problems and problems[0].node == "a node inside kg:fixture/holding/z"
    assert problems[0].line == 9


def test_json_and_turtle_reports():
    report = check(OK_HOLDING.replace('"2024-03-01"^^xsd:date', '"soon"'))
    data = json.loads(report.to_json())
    assert data["conforms"] is False and data["problems"]
    import rdflib

    g = rdflib.Graph().parse(data=report.to_turtle(), format="turtle")
    sh = rdflib.Namespace(namespaces.PREFIXES["sh"])
    assert (None, sh.conforms, rdflib.Literal(False)) in g


def test_a_batch_no_shape_applies_to_is_an_error_not_a_pass():
    with pytest.raises(UserError, match="no SHACL shape applies"):
        check(PREFIXES + "f:thing\\/x rdfs:label \"x\" .")


def test_shapes_that_do_not_load_are_an_error(tmp_path):
    bad = tmp_path / "shapes.ttl"
    bad.write_text("this is not turtle")
    with pytest.raises(UserError, match="failed to load"):
        load_shapes(bad)
    with pytest.raises(UserError, match="missing"):
        load_shapes(tmp_path / "none.ttl")
    empty = tmp_path / "empty.ttl"
    empty.write_text("@prefix x: <http://x/> . x:a x:b x:c .")
    with pytest.raises(UserError, match="no shape"):
        load_shapes(empty)


def test_removing_what_others_depend_on_is_a_violation():
    store = memory_store()
    person = ox.NamedNode(FIX + "person/ri-il-hwan")
    gone = [q.triple for q in store.quads(namespaces.BASE_GRAPH + "fixture")
            if q.subject == person]
    from dprk_kg.parse import Batch

    report = validate_batch(store, Batch(), shapes=shapes(), removed=gone)
    assert any(p.node == "kg:fixture/holding/ri-il-hwan-nh-2020" and p.path == "org:member"
               for p in report.problems if p.severity == "violation")


def test_the_shapes_reach_follows_inverse_sequence_and_sparql_paths():
    reach = shapes().reach
    dprk, org = namespaces.DPRK, namespaces.PREFIXES["org"]
    assert dprk + "post" in reach.inverse  # ^dprk:post, and ?other dprk:post ?post
    assert org + "postIn" in reach.forward  # ( dprk:post org:postIn )
    assert reach.depth == 3  # sh:node through ^dprk:post, then org:member


# -- incremental == full, on generated batches ------------------------------------------------

N = FIX
T = lambda s, p, o: (s, p, o)  # noqa: E731  (a readable triple literal in the pool below)
DATES = ['"2019-01-01"^^xsd:date', '"2021-06-01"^^xsd:date', '"2024-01-01"^^xsd:date',
         '"2021"', '"2021-06-01"^^xsd:string']
SUBJECTS = ["f:holding\\/g1", "f:holding\\/g2", "f:holding\\/ri-il-hwan-nh-2020",
            "f:post\\/nh-chief-secretary", "f:post\\/g3", "f:person\\/ri-il-hwan",
            "f:person\\/g4", "f:source\\/kcna-2024", "f:organ\\/nh-ppc"]
OBJECTS = {
    "a": ["dprk:PostHolding", "dprk:Person", "dprk:ChiefSecretary", "dprk:Post",
          "dprk:SourceDocument"],
    "org:member": ["f:person\\/ri-il-hwan", "f:person\\/kim-jong-un", "f:person\\/g4",
                   "f:post\\/g3"],
    "dprk:post": ["f:post\\/nh-chief-secretary", "f:post\\/g3", "f:person\\/g4"],
    "dprk:startDate": DATES, "dprk:endDate": DATES,
    "dprk:tenureStatus": ["dprk:Current", "dprk:Ended", "dprk:PostHolding"],
    "dcterms:source": ["f:source\\/kcna-2024", "f:person\\/g4"],
    "org:postIn": ["f:organ\\/nh-ppc"],
    "rdfs:label": ['"Somebody"@en'],
    "dcterms:date": DATES,
}
triples = st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(sorted(OBJECTS))).flatmap(
    lambda sp: st.sampled_from(OBJECTS[sp[1]]).map(lambda o: (sp[0], sp[1], o)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(triples, min_size=1, max_size=12, unique=True))
# Failed 1 run in 5: an end written "2021" (a string) is an error to compare in SPARQL, but
# rdflib's engine compared it; the test shapes now compare dates only.
@example([("f:holding\\/g1", "a", "dprk:PostHolding"),
          ("f:holding\\/g1", "dprk:post", "f:post\\/nh-chief-secretary"),
          ("f:holding\\/g1", "dprk:startDate", DATES[0]), ("f:holding\\/g1", "dprk:endDate", DATES[3])])
def test_incremental_validation_equals_full_validation(batch_triples):
    text = PREFIXES + "\n".join(f"{s} {p} {o} ." for s, p, o in batch_triples)
    batch = read_text(text, "turtle", name="gen.ttl")
    store = memory_store()
    try:
        incremental = validate_batch(store, batch, shapes=shapes())
    except UserError as e:  # nothing would be checked: never a silent pass
        assert "no SHACL shape applies" in str(e)
        return
    full = validate_store(memory_store(batch.triples), shapes=shapes(), reference=True)
    assert shacl_keys(incremental.problems) == shacl_keys(full.problems)
    assert incremental.conforms == (full.conforms and not any(
        p.severity == "violation" for p in incremental.problems if p.rule == "unknown-term"))


def test_the_generated_pool_reaches_violations_of_every_kind():
    """The equivalence test above is only worth something if its batches break rules: a batch
    the pool can draw breaks each kind."""
    drawn = [("f:holding\\/g1", "a", "dprk:PostHolding"),
             ("f:holding\\/g1", "dprk:post", "f:post\\/nh-chief-secretary"),
             ("f:holding\\/g1", "dprk:startDate", '"2021-06-01"^^xsd:date'),
             ("f:post\\/g3", "a", "dprk:ChiefSecretary"),
             ("f:holding\\/g2", "a", "dprk:PostHolding"), ("f:holding\\/g2", "dprk:post", "f:post\\/g3"),
             ("f:holding\\/g2", "dprk:startDate", '"2021"')]
    assert [t for t in drawn if t[0] not in SUBJECTS or t[2] not in OBJECTS[t[1]]] == []
    text = PREFIXES + "\n".join(f"{s} {p} {o} ." for s, p, o in drawn)
    full = validate_store(memory_store(read_text(text, "turtle").triples), shapes=shapes())
    components = {p.message for p in full.problems}
    assert any("same time" in m for m in components)
    assert any("xsd:date" in m for m in components)
    assert any("org:member" in m for m in components)  # through ^dprk:post from the post


DATE_PREDICATES = {namespaces.DPRK + p for p in ("startDate", "endDate", "date")}
XSD_DATE = namespaces.PREFIXES["xsd"] + "date"
DATE_RULES = {"TenureEndsBeforeStart", "SingleHolderOverlap", "AfterDissolution"}


@pytest.mark.slow
@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(triples, min_size=1, max_size=10, unique=True))
# Found by a random run: a second English label on an existing node was shown in place of the
# first by one side only (label order), so the same problem read as two.
@example([("f:organ\\/nh-ppc", "a", "dprk:PostHolding"), ("f:organ\\/nh-ppc", "dprk:tenureStatus", "dprk:Current"),
          ("f:organ\\/nh-ppc", "org:member", "f:person\\/g4"), ("f:organ\\/nh-ppc", "rdfs:label", '"Somebody"@en')])
# Found by a random run: rdflib's engine dates an end before a start written "2021" (see below).
@example([("f:holding\\/g1", "a", "dprk:PostHolding"), ("f:holding\\/g1", "dprk:endDate", DATES[0]),
          ("f:holding\\/g1", "dprk:startDate", DATES[1]), ("f:holding\\/g1", "dprk:startDate", DATES[3])])
def test_with_the_project_shapes_incremental_finds_every_new_problem_and_no_other(batch_triples):
    """The project's shapes (SPARQL rules with variable predicates included): what the batch
    breaks is all reported, and nothing is reported that a full validation would not."""
    project = load_shapes()
    text = PREFIXES + "\n".join(f"{s} {p} {o} ." for s, p, o in batch_triples)
    batch = read_text(text, "turtle", name="gen.ttl")
    try:
        incremental = shacl_keys(validate_batch(memory_store(), batch, shapes=project).problems)
    except UserError as e:
        assert "no SHACL shape applies" in str(e)
        return
    before = shacl_keys(validate_store(memory_store(), shapes=project, reference=True).problems)
    after = shacl_keys(validate_store(memory_store(batch.triples), shapes=project,
                                      reference=True).problems)
    # rdflib's engine compares an xsd:date with a string ("2019-01-01"^^xsd:date < "2021" is
    # true there, a type error in SPARQL and on pyoxigraph): the plain side's date rules fire
    # on such values; a counterexample of a random run. Those nodes' date-rule rows are left out.
    ill_dated = {curie(t.subject.value) for t in batch.triples
                 if t.predicate.value in DATE_PREDICATES
                 and getattr(t.object, "datatype", None) != ox.NamedNode(XSD_DATE)}

    def comparable(keys: set) -> set:
        return {k for k in keys if not (k[4].split(":")[0] in DATE_RULES and (
            k[1] in ill_dated or any(n in (k[3] or "") for n in ill_dated)))}

    assert comparable(after - before) <= incremental
    assert comparable(incremental) <= after


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(triples, min_size=1, max_size=12, unique=True))
def test_full_validation_with_sparql_on_the_store_equals_plain_pyshacl(batch_triples):
    """The whole-graph path (SPARQL rules once, $this unbound) finds what pyshacl finds."""
    text = PREFIXES + "\n".join(f"{s} {p} {o} ." for s, p, o in batch_triples)
    store = memory_store(read_text(text, "turtle").triples)
    fast = validate_store(store, shapes=shapes())
    plain = validate_store(store, shapes=shapes(), reference=True)
    assert shacl_keys(fast.problems) == shacl_keys(plain.problems)
    assert fast.conforms == plain.conforms


def test_the_name_cache_and_the_store_search_find_the_same_duplicates(built_store, tmp_path):
    """A validation right after a build searches the store (no cache is built on its way);
    once the cache is filled, the same likely duplicate is found by a lookup."""
    import shutil

    from dprk_kg import api
    from dprk_kg.build import index_stamp
    from dprk_kg.names import NameIndex, fill_name_index, name_index_for
    from dprk_kg.validation import validate

    store_dir = tmp_path / "store"
    shutil.copytree(built_store, store_dir, symlinks=True)
    batch = tmp_path / "new.ttl"
    batch.write_text(PREFIXES + """
<https://w3id.org/dprk-kg/id/person/kim-2> a dprk:Person ; rdfs:label "Kim Jŏng-ŭn"@en ;
    dcterms:source <https://w3id.org/dprk-kg/id/source/kcna-2019-07-22> .
""")
    kg = api.open(store_dir)

    def duplicates() -> list[str]:
        report = validate(kg, [batch], progress=False)
        return [p.message for p in report.problems if p.rule == "likely-duplicate"]

    NameIndex.file(store_dir).unlink(missing_ok=True)
    searched = duplicates()
    stamp = index_stamp(store_dir)
    assert name_index_for(store_dir, stamp) is None  # validating built no cache
    assert fill_name_index(store_dir, kg.store, stamp) is not None
    assert name_index_for(store_dir, stamp) is not None
    # Which of the person's names the message quotes is the first in sort order (with the
    # Revised Romanization labels, "Gim Jeong-eun"): what matters is that both paths find it.
    assert duplicates() == searched
    assert len(searched) == 1 and searched[0].startswith("looks like the existing kg:person/kim-jong-un (")


# -- blank nodes stored by an earlier batch ------------------------------------------------------

FIRST_BATCH = PREFIXES + """
f:person\\/kim-bn a dprk:Person ; rdfs:label "Kim Bn"@en ;
    dcterms:source [ a dprk:SourceDocument ; rdfs:label "A report"@en ;
                     dcterms:date "2024-01-01"^^xsd:date ] .
"""


def test_a_source_stored_as_a_blank_node_is_read_when_a_later_batch_touches_its_holder():
    """The issue's case with the shipped shapes: a person whose source is an inline
    ``[ a dprk:SourceDocument ]`` was added; a second batch adds a label to that person. The
    stored blank node's own triples must reach the check (they did not: a false
    "SourceIsDocument"), and the batch's report is the full report's new part."""
    project = load_shapes()
    first = read_text(FIRST_BATCH, "turtle", name="first.ttl")
    second = read_text(PREFIXES + 'f:person\\/kim-bn '
                       '<http://www.w3.org/2004/02/skos/core#altLabel> "Kim B. N."@en .',
                       "turtle", name="second.ttl")
    report = validate_batch(memory_store(first.triples), second, shapes=project)
    assert not [p for p in report.problems if p.message.startswith("SourceIsDocument")]
    before = validate_store(memory_store(first.triples), shapes=project)
    after = validate_store(memory_store(first.triples, second.triples), shapes=project)
    new = shacl_keys(after.problems) - shacl_keys(before.problems)
    assert new <= shacl_keys(report.problems) <= shacl_keys(after.problems)


STORED = PREFIXES + """
f:holding\\/bn a dprk:PostHolding ; org:member f:person\\/ri-il-hwan ;
    dprk:post f:post\\/nh-chief-secretary ; dprk:startDate "2018-01-01"^^xsd:date ;
    dprk:endDate "2019-06-30"^^xsd:date ; dprk:tenureStatus dprk:Ended ;
    dcterms:source [ a dprk:SourceDocument ; dcterms:date "2019-07-01"^^xsd:date ] .
f:person\\/g4 a dprk:Person ; rdfs:label "Somebody else"@en ;
    dcterms:source [ a dprk:SourceDocument ] .
"""
#: Batch triples about the holders of the stored blank nodes (and what those point to).
BLANK_HOLDERS = {
    "f:holding\\/bn": ["a dprk:Post", "a dprk:PostHolding", "dprk:startDate \"2019\"",
                       "dprk:endDate \"2018-01-01\"^^xsd:date", "org:member f:person\\/g4",
                       "dcterms:source f:person\\/g4", "dprk:post f:person\\/g4"],
    "f:person\\/g4": ["a dprk:Post", "a dprk:SourceDocument", "rdfs:label \"G4\"@en",
                      "dcterms:source f:source\\/kcna-2024", "dcterms:date \"2020\"",
                      "dcterms:source [ a dprk:SourceDocument ; dcterms:date \"x\" ]"],
    "f:post\\/nh-chief-secretary": ["org:postIn f:person\\/g4", "a dprk:Person"],
}
touching = st.sampled_from(sorted(BLANK_HOLDERS)).flatmap(
    lambda s: st.sampled_from(BLANK_HOLDERS[s]).map(lambda po: f"{s} {po} ."))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(touching, min_size=1, max_size=6, unique=True))
def test_batches_touching_stored_blank_nodes_get_the_full_verdict(lines):
    stored = read_text(STORED, "turtle", name="stored.ttl").triples
    batch = read_text(PREFIXES + "\n".join(lines), "turtle", name="gen.ttl")
    assert validate_store(memory_store(stored), shapes=shapes()).conforms
    incremental = validate_batch(memory_store(stored), batch, shapes=shapes())
    full = validate_store(memory_store(stored, batch.triples), shapes=shapes())
    assert shacl_keys(incremental.problems) == shacl_keys(full.problems)
    violations = {p.node for p in incremental.problems if p.severity == "violation"
                  and p.rule not in SHACL_ONLY}
    assert bool(violations) == (not full.conforms)


def test_an_ill_formed_literal_is_a_violation_once_with_its_file_and_line():
    """Read as written (not refused by the reader): where a shape asks for the datatype it is
    that shape's sh:datatype violation; elsewhere a violation of its own."""
    report = check(PREFIXES + """
f:holding\\/x a dprk:PostHolding ;
    org:member f:person\\/ri-il-hwan ; dprk:post f:post\\/nh-chief-secretary ;
    dprk:startDate "2024-02-30"^^xsd:date ; dprk:tenureStatus dprk:Current ;
    dcterms:source f:source\\/kcna-2024 .
f:person\\/ri-il-hwan dcterms:date "2024-13-01"^^xsd:date .
""")
    assert report.exit_code == 1
    dated = [p for p in report.problems if "2024-02-30" in (p.value or "")]
    assert [p.component for p in dated] == ["DatatypeConstraintComponent"]
    [own] = [p for p in report.problems if p.rule == "ill-formed-literal"]
    assert "is not a valid xsd:date" in own.message and (own.file, own.line) == ("new.ttl", 13)


BARE_NUMBERS = PREFIXES + """
f:constituency\\/bare a dprk:Constituency ; dprk:constituencyNumber 12 .
f:constituency\\/typed a dprk:Constituency ; dprk:constituencyNumber "14"^^xsd:positiveInteger .
f:constituency\\/small a dprk:Constituency ; dprk:constituencyNumber "14"^^xsd:byte .
"""


def test_a_bare_integer_where_a_subtype_is_required_is_found_on_every_path(tmp_path):
    """The store keeps every integer subtype as xsd:integer; a batch is judged as written,
    and so is a full validation of a store built from files (its files are read again), so
    that both find the bare 12 and the xsd:byte, and neither the typed 14."""
    from dprk_kg import build

    def found(report) -> set[tuple[str, str | None]]:
        return {(p.node.rsplit("/", 1)[-1], p.value) for p in report.problems
                if p.message.startswith("ConstituencyNumberValue")}

    project = load_shapes()
    batch = read_text(BARE_NUMBERS, "turtle", name="bare.ttl")
    incremental = found(validate_batch(memory_store(), batch, shapes=project))
    store_dir = tmp_path / "store"
    build.batches_dir(store_dir).mkdir(parents=True)
    (build.batches_dir(store_dir) / "bare.ttl").write_text(BARE_NUMBERS)
    build.build(store_dir)
    with build.open_store(store_dir) as store:
        full = found(validate_store(store, shapes=project))
    assert {node for node, _ in incremental} == {"bare", "small"}
    assert full == incremental


def test_standard_terms_the_project_uses_are_known_whatever_shapes_check_the_batch(tmp_path):
    """With ``--shapes``, skos:altLabel (which the project's shapes check) is no unknown term;
    a standard term the project does not use is a warning that suggests another term, never
    the same one ("did you mean foaf:nick?" on foaf:nick)."""
    user = tmp_path / "shapes.ttl"
    user.write_text("<http://example.org/S> a <http://www.w3.org/ns/shacl#NodeShape> ;\n"
                    f"  <http://www.w3.org/ns/shacl#targetNode> <{FIX}person/kim-jong-un> .\n")
    text = PREFIXES + """f:person\\/kim-jong-un <http://www.w3.org/2004/02/skos/core#altLabel> "K"@en ;
        <http://xmlns.com/foaf/0.1/nick> "K" ."""
    report = validate_batch(memory_store(), read_text(text, "turtle", name="new.ttl"),
                            shapes=load_shapes(user))
    unknown = {p.term: p.hint for p in report.problems if p.rule == "unknown-term"}
    assert set(unknown) == {"foaf:nick"}
    assert unknown["foaf:nick"] is None or "foaf:nick?" not in unknown["foaf:nick"]
