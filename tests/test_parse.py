"""Reading user files: every format, the CSV templates, and one clear error for each bad input."""

from __future__ import annotations

import socket
from pathlib import Path

import pyoxigraph as ox
import pytest

from dprk_kg import namespaces, parse
from dprk_kg.errors import UserError
from dprk_kg.parse import literal_problem, read_file, read_text

KG, DPRK = namespaces.KG, namespaces.DPRK
XSD = namespaces.PREFIXES["xsd"]
TTL = """@prefix dprk: <https://w3id.org/dprk-kg/ontology#> .
@prefix person: <https://w3id.org/dprk-kg/id/person/> .

person:kim-jong-un a dprk:Person ;
    dprk:role "chairman" .
"""
EXPECTED = {
    ox.Triple(ox.NamedNode(KG + "person/kim-jong-un"), ox.NamedNode(namespaces.PREFIXES["rdf"] + "type"),
              ox.NamedNode(DPRK + "Person")),
    ox.Triple(ox.NamedNode(KG + "person/kim-jong-un"), ox.NamedNode(DPRK + "role"), ox.Literal("chairman")),
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any attempt to open a connection fails the test: parsing must never fetch."""
    def refuse(*args, **kwargs):
        raise AssertionError("the parser tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", refuse)


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def error(path: Path, fmt: str | None = None) -> UserError:
    with pytest.raises(UserError) as info:
        read_file(path, fmt)
    assert "Traceback" not in str(info.value) and "\n" not in str(info.value)
    return info.value


@pytest.mark.parametrize("name, fmt", [("a.ttl", ox.RdfFormat.TURTLE), ("a.trig", ox.RdfFormat.TRIG),
                                       ("a.nt", ox.RdfFormat.N_TRIPLES), ("a.nq", ox.RdfFormat.N_QUADS),
                                       ("a.jsonld", ox.RdfFormat.JSON_LD), ("a.rdf", ox.RdfFormat.RDF_XML)])
def test_every_format_reads_the_same_facts(tmp_path, name, fmt):
    text = ox.serialize([ox.Quad(t.subject, t.predicate, t.object) for t in EXPECTED], format=fmt)
    batch = read_file(write(tmp_path, name, text))
    assert set(batch.triples) == EXPECTED


def test_format_named_explicitly_overrides_the_extension(tmp_path):
    assert set(read_file(write(tmp_path, "facts.txt", TTL), "turtle").triples) == EXPECTED


def test_subjects_are_traced_to_their_line(tmp_path):
    batch = read_file(write(tmp_path, "a.ttl", TTL))
    assert batch.where(ox.NamedNode(KG + "person/kim-jong-un")) == (str(tmp_path / "a.ttl"), 4)
    nt = "".join(f"{t} .\n" for t in sorted(EXPECTED, key=str))
    batch = read_file(write(tmp_path, "a.nt", "# header\n" + nt))
    assert batch.where(ox.NamedNode(KG + "person/kim-jong-un"))[1] == 2


def test_syntax_error_names_file_line_and_column(tmp_path):
    e = error(write(tmp_path, "bad.ttl", TTL.replace("a dprk:Person ;", "a dprk:Person } ;")))
    assert (e.file, e.line, e.column) == (str(tmp_path / "bad.ttl"), 4, 34)
    assert "syntax error" in str(e)


def test_wrong_encoding(tmp_path):
    e = error(write(tmp_path, "latin.ttl", TTL.replace("chairman", "chairmän").encode("latin-1")))
    assert "not UTF-8" in str(e) and e.line == 5
    e = error(write(tmp_path, "wide.ttl", TTL.encode("utf-16")))
    assert "UTF-16" in str(e)


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    assert set(read_file(write(tmp_path, "bom.ttl", b"\xef\xbb\xbf" + TTL.encode())).triples) == EXPECTED


@pytest.mark.parametrize("content", ["", "   \n", "# only a comment\n@prefix a: <http://a/> .\n"])
def test_empty_file(tmp_path, content):
    assert "empty" in str(error(write(tmp_path, "e.ttl", content))) or \
        "no facts" in str(error(write(tmp_path, "e.ttl", content)))


def test_unknown_format_and_missing_file(tmp_path):
    assert "unknown format" in str(error(write(tmp_path, "a.docx", "x")))
    assert "unknown input format" in str(error(write(tmp_path, "a.ttl", TTL), "excel"))
    e = error(tmp_path / "nope.ttl")
    assert "no such file" in str(e) and e.file == str(tmp_path / "nope.ttl")
    assert "not a file" in str(error(tmp_path.joinpath("dir.ttl").mkdir() or tmp_path / "dir.ttl"))


@pytest.mark.parametrize("literal, words", [
    ('"2024-02-30"^^xsd:date', "not a valid xsd:date"),
    ('"March 2024"^^xsd:date', "YYYY-MM-DD"),
    ('"2024/03/01"^^xsd:date', "not a valid xsd:date"),
    ('"many"^^xsd:nonNegativeInteger', "whole number"),
    ('"-3"^^xsd:nonNegativeInteger', "0 or more"),
    ('"99,9"^^xsd:decimal', "decimal"),
])
def test_ill_formed_typed_literals_are_read_as_written_and_named(tmp_path, literal, words):
    """Read as written, so that validation can report them (tests/test_validate.py)."""
    text = TTL.replace('"chairman"', literal).replace(
        "@prefix dprk:", "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n@prefix dprk:")
    [found] = [t.object for t in read_file(write(tmp_path, "d.ttl", text)).triples
               if isinstance(t.object, ox.Literal) and t.object.datatype.value.startswith(XSD)]
    assert str(found).startswith(literal.split("^^")[0])
    assert words in literal_problem(found)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">
  <rdf:Description rdf:about="http://e/x"><e:p>&lol3;</e:p></rdf:Description>
</rdf:RDF>"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:e="http://e/">
  <rdf:Description rdf:about="http://e/x"><e:p>&secret;</e:p></rdf:Description>
</rdf:RDF>"""


@pytest.mark.parametrize("xml", [BILLION_LAUGHS, XXE])
def test_rdf_xml_with_a_doctype_is_refused(tmp_path, xml):
    assert "DOCTYPE" in str(error(write(tmp_path, "x.rdf", xml)))


def test_a_doctype_split_across_read_chunks_is_still_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(parse, "_CHUNK", 7)
    padding = "<!-- " + "x" * 50 + " -->\n"
    xml = BILLION_LAUGHS.replace("<!DOCTYPE", padding + "<!DOCTYPE")
    assert "DOCTYPE" in str(error(write(tmp_path, "x.rdf", xml)))


def test_remote_jsonld_context_is_not_fetched(tmp_path):
    doc = '{"@context": "https://schema.org/", "@id": "http://e/x", "name": "x"}'
    assert "not fetched" in str(error(write(tmp_path, "a.jsonld", doc)))


def test_owl_imports_is_a_fact_never_followed(tmp_path):
    imported = tmp_path / "o.ttl"
    imported.write_text("<http://e/secret> <http://e/p> <http://e/o> .\n")
    text = TTL + f"<http://e/o> <http://www.w3.org/2002/07/owl#imports> <{imported.as_uri()}> .\n"
    batch = read_file(write(tmp_path, "i.ttl", text))
    assert any(t.predicate.value.endswith("#imports") for t in batch.triples)
    assert not any(t.subject.value == "http://e/secret" for t in batch.triples)


def test_relative_iris_are_refused_rather_than_resolved_against_the_file(tmp_path):
    assert "syntax error" in str(error(write(tmp_path, "r.ttl", "<a> <http://e/p> <b> .")))


def test_a_big_file_is_streamed_in_chunks_with_progress(tmp_path, monkeypatch):
    lines = "".join(f"<http://e/s{i}> <http://e/p> \"{i}\" .\n" for i in range(60000))
    path = write(tmp_path, "big.nt", lines)
    reads: list[int] = []
    monkeypatch.setattr(parse, "_CHUNK", 64 * 1024)
    monkeypatch.setattr(parse.Progress, "advance", lambda self, n: reads.append(n))
    batch = read_file(path)
    assert len(batch.triples) == 60000
    assert len(reads) > 10 and sum(reads) == path.stat().st_size  # read piecewise, once


def test_blank_nodes_get_fresh_ids_per_file(tmp_path):
    a = read_file(write(tmp_path, "a.ttl", "_:b <http://e/p> \"1\" ."))
    b = read_file(write(tmp_path, "b.ttl", "_:b <http://e/p> \"1\" ."))
    assert a.triples[0].subject != b.triples[0].subject


# -- the CSV templates ------------------------------------------------------------------------

HOLDINGS = """person,person_label_en,post,start_date,end_date,status,source
kg:person/pak-jong-nam,Pak Jong Nam,kg:post/nh-chief-secretary,2024-03,,current,kg:source/kcna-2024-03-02
kg:person/ri-il-hwan,,kg:post/nh-chief-secretary,2020,2024-02-15,ended,kg:source/kcna-2024-03-02
"""


def test_holdings_csv_maps_to_post_holdings_with_precision():
    batch = read_text(HOLDINGS, "csv", name="h.csv")
    by_subject: dict[str, dict[str, set[str]]] = {}
    for t in batch.triples:
        by_subject.setdefault(t.subject.value, {}).setdefault(t.predicate.value, set()).add(
            t.object.value)
    h = by_subject[KG + "holding/pak-jong-nam-nh-chief-secretary-2024-03-01"]
    assert h[namespaces.PREFIXES["org"] + "member"] == {KG + "person/pak-jong-nam"}
    assert h[DPRK + "startPrecision"] == {DPRK + "MonthPrecision"}
    assert h[DPRK + "tenureStatus"] == {DPRK + "Current"}
    ended = by_subject[KG + "holding/ri-il-hwan-nh-chief-secretary-2020-01-01"]
    assert ended[DPRK + "startPrecision"] == {DPRK + "YearPrecision"}
    assert ended[DPRK + "endDate"] == {"2024-02-15"} and DPRK + "endPrecision" not in ended
    person = by_subject[KG + "person/pak-jong-nam"]
    assert person[namespaces.PREFIXES["rdfs"] + "label"] == {"Pak Jong Nam"}
    assert batch.where(ox.NamedNode(KG + "person/pak-jong-nam")) == ("h.csv", 2)
    assert KG + "person/ri-il-hwan" not in by_subject  # no label given: not redeclared


def test_results_csv_maps_to_reported_results():
    batch = read_text("election,source,claimant,turnout_percent,votes_for_percent\n"
                      "kg:election/local-2023,kg:source/kcna-2023-11-27,kg:org/kcna,99.63,99.91\n",
                      "csv", name="r.csv")
    values = {t.predicate.value: t.object for t in batch.triples}
    assert values[DPRK + "turnoutPercent"] == ox.Literal("99.63", datatype=ox.NamedNode(XSD + "decimal"))
    assert values[DPRK + "inElection"] == ox.NamedNode(KG + "election/local-2023")


@pytest.mark.parametrize("text, line, column, words", [
    (HOLDINGS.replace("2024-03,", "March 2024,"), 2, 4, "not a date"),
    (HOLDINGS.replace(",current,", ",acting,"), 2, 6, "not one of"),
    (HOLDINGS.replace("kg:person/ri-il-hwan", "somebody"), 3, 1, "not an IRI"),
    (HOLDINGS.replace(",kg:source/kcna-2024-03-02\nkg:person/ri", ",\nkg:person/ri"), 2, 7, "required"),
    (HOLDINGS.replace("person_label_en", "nickname"), 1, 2, "unknown column"),
    ("a,b\n1,2\n", 1, None, "unknown CSV template"),
    ("election,source,turnout_percent\nkg:e/1,kg:s/1,ninety\n", 2, 3, "decimal"),
    (HOLDINGS + "kg:person/x,X,kg:post/y\n", 4, None, "cells"),
])
def test_csv_errors_name_line_and_column(text, line, column, words):
    with pytest.raises(UserError) as info:
        read_text(text, "csv", name="t.csv")
    e = info.value
    assert words in str(e) and (e.file, e.line, e.column) == ("t.csv", line, column)


def test_csv_header_only_is_empty(tmp_path):
    assert "no rows" in str(error(write(tmp_path, "h.csv", HOLDINGS.splitlines()[0] + "\n")))


def test_csv_in_the_wrong_encoding(tmp_path):
    e = error(write(tmp_path, "h.csv", HOLDINGS.replace("Pak Jong Nam", "Pák").encode("latin-1")))
    assert "not UTF-8" in str(e) and e.line == 2
