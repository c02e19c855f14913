"""The one resolver: what a user types in any command names the same node."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from dprk_kg import cli, labels, resolve
from dprk_kg.build import open_store
from dprk_kg.errors import UserError
from dprk_kg.namespaces import DPRK, KG, PREFIXES


@pytest.fixture(scope="module")
def store(built_store):
    with open_store(built_store) as s:
        yield s


UNIT = KG + "unit/south-hamgyong"
PERSON = KG + "person/choe-ryong-hae"


@pytest.mark.parametrize("text,expected", [
    ("South Hamgyong Province", UNIT),      # the English label
    ("South Hamgyong", UNIT),               # without the unit's generic word
    ("south hamgyong province", UNIT),      # any case
    ("Hamgyŏngnam-do", UNIT),               # McCune-Reischauer with breves
    ("Hamgyongnam-do", UNIT),               # ... and without
    ("Hamkyong-namdo", UNIT),               # a press spelling
    ("Hamkyeongnamto", UNIT),               # the DPRK's own romanization
    ("Hamgyeongnam-do", UNIT),              # South Korean Revised Romanization
    ("함경남도", UNIT),                      # Hangul
    ("south-hamgyong", UNIT),               # the slug
    ("kg:unit/south-hamgyong", UNIT),       # a prefixed name
    (UNIT, UNIT), (f"<{UNIT}>", UNIT),      # the IRI, bare or bracketed
    ("Choe Ryong Hae", PERSON), ("Choi Ryong-hae", PERSON), ("Ch'oe Ryong-hae", PERSON),
    ("최룡해", PERSON),
    ("Pyeongyang", KG + "unit/pyongyang"),  # South Korean press spelling
    ("P'yŏngyang", KG + "unit/pyongyang"),
    ("Yanggang", KG + "unit/ryanggang"),    # the South's initial-r habit
])
def test_every_spelling_names_the_same_node(store, text, expected):
    assert resolve.resolve(store, text) == ox.NamedNode(expected)


def test_a_typo_is_refused_with_the_nearest_names(store):
    with pytest.raises(UserError) as error:
        resolve.resolve(store, "South Hamgyung")
    message = str(error.value)
    assert "nothing is called 'South Hamgyung'" in message
    assert message.index("South Hamgyong Province (kg:unit/south-hamgyong)") < message.index("North Hamgyong")
    assert "\n" not in message


def test_a_kind_keeps_only_its_instances(store):
    unit = resolve.resolve(store, "Pyongyang", [DPRK + "AdministrativeDivision"], what="unit")
    assert unit.value == KG + "unit/pyongyang"
    with pytest.raises(UserError, match="nothing in the graph is .* not a person"):
        resolve.resolve(store, "kg:unit/pyongyang", ["foaf:Person"], what="person")
    with pytest.raises(UserError, match="no person is called 'Hamgyong-namdo'"):
        resolve.resolve(store, "Hamgyong-namdo", [PREFIXES["foaf"] + "Person"], what="person")


def test_several_equally_good_matches_are_listed_never_guessed(store):
    with pytest.raises(UserError, match="names several units: .*Hamgyong Province.*Hamgyong Province"):
        resolve.resolve(store, "Hamgyong", [DPRK + "AdministrativeDivision"], what="unit")


def test_search_ranks_the_very_name_first_and_forgives_typos(store):
    hits = resolve.search(store, "Pyongyang", 5)
    assert hits[0].iri == KG + "unit/pyongyang" and hits[0].kind == "unit" and hits[0].label == "Pyongyang"
    assert len(hits) == 5 and [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    typo = resolve.search(store, "Choe Ryong Hea", 3)
    assert typo[0].iri == PERSON and typo[0].score < resolve.EXACT
    hangul = resolve.search(store, "최룡해", 1)[0]
    assert (hangul.iri, hangul.label, hangul.matched) == (PERSON, "Choe Ryong Hae", "최룡해")


def test_the_cache_and_a_scan_of_the_store_find_the_same(store):
    """A server (no cache) answers as the embedded store with its cache does."""
    assert isinstance(resolve.names_of(store), resolve.CachedNames)
    scanned = resolve.ScannedNames(store)
    cached = resolve.names_of(store)
    for text in ("Choi Ryong-hae", "Hamkyong-namdo", "평양"):
        assert resolve._candidates(scanned, text) == resolve._candidates(cached, text)
    key = "hamkyon"
    assert sorted(scanned.containing(key, 10_000)) == sorted(cached.containing(key, 10_000))


def test_the_display_label_prefers_english_then_untagged_then_korean():
    lits = [ox.Literal("평양", language="ko"), ox.Literal("Pyongyang"), ox.Literal("P'yŏngyang", language="ko-Latn-x-mr")]
    assert labels.display_label(lits) == "Pyongyang"
    assert labels.display_label(lits + [ox.Literal("Pyongyang City", language="en")]) == "Pyongyang City"
    assert labels.display_label(lits[:1]) == "평양"
    import rdflib  # validation's reports name nodes from rdflib graphs by the same rule

    assert labels.display_label([rdflib.Literal("평양", lang="ko"), rdflib.Literal("Pyongyang"),
                                  rdflib.Literal("P'yŏngyang", lang="ko-Latn-x-mr")]) == "Pyongyang"


def test_query_and_export_read_a_name_the_same_way(built_store, monkeypatch, tmp_path, capsys):
    """The bug that made this module: query answered Hamkyong-namdo, export did not."""
    monkeypatch.setenv("DPRK_KG_STORE", str(built_store))
    assert cli.run(["query", "dual-power", "-p", "unit=Hamkyong-namdo", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["results"]["bindings"]
    assert {r["unit"]["value"] for r in rows} == {UNIT}
    out = tmp_path / "dp.graphml"
    assert cli.run(["export", "--format", "graphml", "--view", "dual-power", "--unit", "Hamkyong-namdo",
                    "-o", str(out)]) == 0
    assert UNIT in out.read_text()


def test_find_prints_hits_with_their_kind(built_store, monkeypatch, capsys):
    monkeypatch.setenv("DPRK_KG_STORE", str(built_store))
    assert cli.run(["find", "Choi Ryong-hae", "--format", "json", "--limit", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0] == {"iri": PERSON, "kind": "person", "type": hits[0]["type"], "label": "Choe Ryong Hae",
                       "matched": hits[0]["matched"], "score": hits[0]["score"]}
    assert cli.run(["find", "South Hamgyung"]) == 0
    table = capsys.readouterr().out
    assert "South Hamgyong Province" in table and "kg:unit/south-hamgyong" in table and "unit" in table
    assert cli.run(["find", "zzzzqqqq xxxx"]) == 1
    assert "nothing is called" in capsys.readouterr().out


def test_a_missing_name_cache_is_filled_once_and_found_by_any_path(store_dir, monkeypatch):
    """A store built before the cache existed (or whose cache was deleted) gets one on the
    first lookup; the same store named by a relative path finds that cache, not a stale one."""
    from dprk_kg import build
    from dprk_kg.names import NameIndex

    build.build(store_dir)
    cache = NameIndex.file(store_dir)
    cache.unlink()
    with open_store(store_dir) as s:
        assert isinstance(resolve.names_of(s), resolve.CachedNames) and cache.is_file()
        assert resolve.resolve(s, "Choi Ryong-hae").value == PERSON
    filled = cache.stat().st_mtime_ns
    monkeypatch.chdir(store_dir.parent)
    with open_store(store_dir.relative_to(store_dir.parent)) as s:
        assert resolve.resolve(s, "Hamkyong-namdo").value == UNIT
    assert cache.stat().st_mtime_ns == filled
