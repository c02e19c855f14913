"""Generated input for the parsers and the validator: a result or a UserError, never a traceback,
and never a partial write."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dprk_kg import api, ingest
from dprk_kg.errors import UserError
from dprk_kg.parse import FORMATS, Batch, read_file, read_text
from dprk_kg.validation import validate_batch
from fixtures.ingest.helpers import BASE, PREFIXES, SHAPES, memory_store, shapes

#: Pieces of RDF and CSV syntax, so generated documents get past the first character.
TOKENS = ["f:holding\\/x", "f:person\\/kim-jong-un", "f:post\\/nh-chief-secretary", "dprk:post",
          "dprk:startDate", "org:member", "a", "dprk:PostHolding", "dprk:Person", "rdfs:label",
          '"2024-03-01"^^xsd:date', '"2024-02-30"^^xsd:date', '"x"@en', '"김정은"@ko', "_:b",
          "[", "]", "(", ")", ";", ",", ".", "{", "}", "GRAPH", "<http://e/x>", "<x>", "@prefix",
          "<!DOCTYPE x>", '{"@id":', '"@context":', "\"", "\n", " ", "owl:imports", "dprk:heldby",
          "person,post,start_date,status,source", "kg:person/a,kg:post/b,2024,current,kg:source/c",
          "election,source,turnout_percent", "kg:election/a,kg:source/b,99.9", "\x00", "\ufeff"]
documents = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(TOKENS), max_size=40).map(" ".join),
    st.lists(st.sampled_from(TOKENS), max_size=40).map(lambda ts: PREFIXES + " ".join(ts)),
)


@settings(max_examples=300, deadline=None)
@given(documents, st.sampled_from(sorted(FORMATS)))
def test_parsers_answer_or_refuse(text, fmt):
    try:
        batch = read_text(text, fmt, name=f"fuzz.{fmt}")
    except UserError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert isinstance(batch, Batch) and batch.triples


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.sampled_from([".ttl", ".nt", ".jsonld", ".rdf", ".csv", ".trig"]))
def test_file_bytes_answer_or_refuse(tmp_path_factory, data, suffix):
    path = Path(tmp_path_factory.mktemp("fuzz")) / f"f{suffix}"
    path.write_bytes(data)
    try:
        read_file(path)
    except UserError as e:
        assert e.file == str(path)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS[:17]), min_size=3, max_size=30))
def test_validator_answers_or_refuses(tokens):
    text = PREFIXES + " ".join(tokens) + " ."
    try:
        batch = read_text(text, "turtle")
        report = validate_batch(memory_store(), batch, shapes=shapes())
    except UserError:
        return
    assert report.exit_code in (0, 1)
    report.to_text(), report.to_json(), report.to_turtle()


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    store_dir = Path(tmp_path_factory.mktemp("fuzzstore")) / "store"
    kg = api.open(store_dir)
    assert ingest.add(kg, [BASE], shapes=SHAPES).exit_code == 0
    return store_dir


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(TOKENS[:17]), min_size=3, max_size=30))
def test_add_lands_whole_or_not_at_all(fuzz_store, tmp_path_factory, tokens):
    path = Path(tmp_path_factory.mktemp("in")) / "in.ttl"
    path.write_text(PREFIXES + " ".join(tokens) + " .")
    folder = fuzz_store / "batches"
    before = sorted(p.name for p in folder.iterdir())
    try:
        outcome = ingest.add(api.open(fuzz_store), [path], shapes=SHAPES)
    except UserError:
        outcome = None
    after = sorted(p.name for p in folder.iterdir())
    assert not [n for n in after if n.startswith(".")]  # no temporary file left behind
    if outcome is None or outcome.batch is None:
        assert after == before
    else:
        assert len(after) == len(before) + 1 and f"{outcome.batch.id}.trig" in after
