"""The second-level units (graph/units/) hold what an analyst relies on when asking about a
county, a city or a ward.

- The table is the truth: re-running graph/units/convert.py gives the committed Turtle files
  byte for byte, bad input is refused with one line naming the file, line and column, and the
  written files pass the checks a user's batch passes (dprk-kg validate).
- Every city and county of the table has both chains (assembly -> committee it elects ->
  chairman's post; party committee -> chief secretary's post), hung under its first-level
  unit's organs; a ward has both, typed as a city's, and a district (ku, chigu) none, as the
  sources on local organs and the reports naming ward party committees say
  (graph/units/convert.py explains why).
- Every unit lies within a first-level unit, every row cites a source, and a unit described
  in another file (the cities of graph/provinces or divisions.ttl) is not described again.
- A unit that moved answers "within which first-level unit, on date D" from its status periods.
"""

from __future__ import annotations

import csv
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS

import dprk_kg
from dprk_kg import resources
from dprk_kg.namespaces import DPRK, KG
from support import turtle_graph

D = rdflib.Namespace(DPRK)
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
UNITS_DIR = resources.graph_dir() / "units"


def _load_converter():
    spec = importlib.util.spec_from_file_location("units_convert", UNITS_DIR / "convert.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    return module


convert = _load_converter()


def table() -> list[dict[str, str]]:
    with (UNITS_DIR / "units.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def unit(slug: str) -> rdflib.URIRef:
    return rdflib.URIRef(f"{KG}unit/{slug}")


@pytest.fixture(scope="module")
def graph() -> rdflib.Graph:
    return turtle_graph(resources.graph_files())


@pytest.fixture(scope="module")
def unit_files_graph() -> rdflib.Graph:
    """Only what the converter wrote."""
    return turtle_graph(convert.outputs().values())


# --- the table and its converter -----------------------------------------------------------

def test_rerunning_the_converter_reproduces_the_committed_files():
    for path, text in convert.build().items():
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.name} is not what units.csv and periods.csv give: run graph/units/convert.py")
    assert convert.main(["--check"]) == 0


def test_check_reports_a_stale_file(tmp_path, capsys):
    for name in ("units.csv", "periods.csv"):
        shutil.copy(UNITS_DIR / name, tmp_path / name)
    for path in convert.outputs(UNITS_DIR).values():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "rason.ttl").write_text("# edited by hand\n", encoding="utf-8")
    assert convert.main(["--check"], tmp_path) == 1
    assert "rason.ttl differs" in capsys.readouterr().err
    assert (tmp_path / "rason.ttl").read_text(encoding="utf-8") == "# edited by hand\n"


@pytest.mark.parametrize("column, value, message", [
    ("sources", "", "units.csv:3: column sources: every row needs at least one source"),
    ("sources", "no-such-source", "units.csv:3: column sources: 'no-such-source' is not a "
                                  "dprk:SourceDocument of graph/"),
    ("parent", "hamhung", "units.csv:3: column parent: 'hamhung' is not a first-level unit"),
    ("kind", "village", "units.csv:3: column kind: 'village' is not one of si, kun"),
    ("hangul", "Hwasong", "units.csv:3: column hangul: 'Hwasong' is not Hangul"),
    ("slug", "chung", "units.csv:3: column slug: 'chung' is already used"),
])
def test_bad_rows_are_refused_with_file_line_and_column(tmp_path, capsys, column, value, message):
    rows = table()
    rows[1][column] = value
    with (tmp_path / "units.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    shutil.copy(UNITS_DIR / "periods.csv", tmp_path / "periods.csv")
    assert convert.main([], tmp_path) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not list(tmp_path.glob("*.ttl")), "nothing is written when the input is bad"


def test_the_files_pass_the_checks_any_batch_passes(built_store):
    """The tables reach the graph as a user's batch would: the written files, with the units'
    sources and holdings, validate against the SHACL shapes and the rest of the graph."""
    files = [*convert.outputs().values(), UNITS_DIR / "sources.ttl", UNITS_DIR / "holdings.ttl"]
    with dprk_kg.open(built_store) as kg:
        report = kg.validate(files, progress=False)
    assert report.conforms, [p for p in report.problems if p.severity == "violation"]
    assert report.focus_nodes > 1000


def test_the_whole_country_views_stop_at_the_first_level_so_they_stay_drawable(built_store):
    """Two hundred units' organs would bury the README's pictures: the hierarchy and the
    dual-power view of every unit stop at the first level, and each county is drawn by the
    dual-power view of that county."""
    organ = f"{KG}organization/" + "{}"
    with dprk_kg.open(built_store) as kg:
        tree, country = kg.export(view="hierarchy"), kg.export(view="dual-power")
        county = kg.export(view="dual-power", unit=f"{KG}unit/kumya")
    for g in (tree, country):
        assert organ.format("south-hamgyong-party-committee") in g
        assert organ.format("kumya-party-committee") not in g
        assert organ.format("chongjin-peoples-committee") not in g
    assert {organ.format("kumya-party-committee"), organ.format("kumya-peoples-committee")} <= set(county)


# --- what the graph says of each unit --------------------------------------------------------

def _the_one(g: rdflib.Graph, subjects: set, cls: rdflib.URIRef) -> rdflib.URIRef | None:
    typed = [s for s in subjects if (s, RDF.type, cls) in g]
    assert len(typed) <= 1, typed
    return typed[0] if typed else None


def state_chain(g: rdflib.Graph, u: rdflib.URIRef) -> tuple | None:
    """(assembly, committee elected by it, chairman's post) of a unit, or None."""
    organs = set(g.subjects(D.jurisdiction, u))
    committees = [c for c in organs if (c, D.electedBy, None) in g]
    for committee in committees:
        assembly = g.value(committee, D.electedBy)
        if assembly not in organs:
            continue
        posts = [p for p in g.subjects(ORG.postIn, committee)
                 if (p, RDF.type, D.PeoplesCommitteeChairman) in g]
        if posts:
            return assembly, committee, posts[0]
    return None


def party_chain(g: rdflib.Graph, u: rdflib.URIRef) -> tuple | None:
    """(party committee, chief secretary's post) of a unit, or None."""
    for committee in g.subjects(D.jurisdiction, u):
        posts = [p for p in g.subjects(ORG.postIn, committee) if (p, RDF.type, D.ChiefSecretary) in g]
        if posts:
            return committee, posts[0]
    return None


@pytest.mark.parametrize("row", table(), ids=lambda r: r["slug"])
def test_each_unit_has_the_chains_its_kind_has_under_its_first_level_unit(graph, row):
    u, parent = unit(row["slug"]), unit(row["parent"])
    state, party = state_chain(graph, u), party_chain(graph, u)
    if row["kind"] in ("si", "kun", "guyok"):
        assert state, f"{row['slug']} has no assembly -> committee -> chairman chain"
        above = graph.value(state[1], ORG.subOrganizationOf)
        assert (above, D.jurisdiction, parent) in graph, f"{row['slug']}'s committee hangs wrong"
    else:
        assert state is None
    if row["kind"] in ("si", "kun", "guyok"):
        assert party, f"{row['slug']} has no party committee -> chief secretary chain"
        above = graph.value(party[0], ORG.subOrganizationOf)
        assert (above, D.jurisdiction, parent) in graph, f"{row['slug']}'s party committee hangs wrong"
    else:
        assert party is None


@pytest.mark.parametrize("row", table(), ids=lambda r: r["slug"])
def test_each_unit_lies_within_a_first_level_unit_and_cites_a_source(graph, row):
    u = unit(row["slug"])
    parent = graph.value(u, D.withinDivision)
    assert parent == unit(row["parent"])
    assert (parent, D.divisionLevel, D.ProvincialLevel) in graph
    assert (u, D.divisionLevel, D.CityCountyLevel) in graph
    assert row["sources"].split(), f"{row['slug']} cites no source"
    for organ in graph.subjects(D.jurisdiction, u):
        docs = list(graph.objects(organ, DCTERMS.source))
        assert docs and all((d, RDF.type, D.SourceDocument) in graph for d in docs), organ


def test_units_described_elsewhere_are_not_described_again(graph, unit_files_graph):
    """A row marked defined_elsewhere points at a unit another file types and labels; the
    files written here add its organs only. Every other unit is described here and nowhere else."""
    mine = {p.resolve() for p in convert.outputs().values()}
    others = turtle_graph(p for p in resources.graph_files() if p.resolve() not in mine)
    for row in table():
        u = unit(row["slug"])
        if row["defined_elsewhere"]:
            assert (u, RDF.type, D.City) in others, f"{u} is not described in another file"
            assert (u, RDFS.label, None) not in unit_files_graph, f"{u}'s labels are restated"
        else:
            assert (u, None, None) not in others, f"{u} is also described in another file"
    for s in set(unit_files_graph.subjects(RDFS.label, None)):
        assert (s, RDFS.label, None) not in others, f"{s} is labelled in two files"


def test_hangul_hanja_and_romanizations_are_tagged_as_the_table_gives_them(unit_files_graph):
    g, alt = unit_files_graph, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#altLabel")
    for row in table():
        if row["defined_elsewhere"]:
            continue
        u = unit(row["slug"])
        names = {(str(o), (o.language or "").lower()) for o in g.objects(u, RDFS.label)}
        names |= {(str(o), (o.language or "").lower()) for o in g.objects(u, alt)}
        for column, tag in (("hangul", "ko"), ("mr", "ko-latn-x-mr"), ("rr", "ko-latn-x-rr"),
                            ("hanja", "ko-hani")):
            if row[column]:
                assert (row[column], tag) in names, f"{u}: {row[column]} is not tagged {tag}"
        assert not any(tag == "ko-latn-x-mr" and "ǒ" in name for name, tag in names), (
            f"{u}: McCune-Reischauer writes the breve ŏ, not the caron ǒ")


# --- status over time ------------------------------------------------------------------------

WITHIN_ON = """
PREFIX dprk: <https://w3id.org/dprk-kg/ontology#>
SELECT ?within WHERE {
  ?period dprk:statusOf ?unit ; dprk:periodWithin ?within ; dprk:startDate ?start .
  OPTIONAL { ?period dprk:endDate ?end }
  FILTER(?start <= ?date && (!BOUND(?end) || ?end > ?date))
}"""


@pytest.mark.parametrize("slug, day, expected", [
    ("kangnam", "2010-06-01", {"north-hwanghae"}),
    ("kangnam", "2012-06-01", {"pyongyang"}),
    ("sungho", "2000-01-01", {"pyongyang"}),
    ("sungho", "2015-01-01", {"north-hwanghae"}),
    ("chunghwa", "1990-01-01", {"pyongyang"}),
    ("hyangsan", "2000-01-01", {"north-phyongan"}),
    ("hyangsan", "2024-01-01", {"jagang"}),
])
def test_a_moved_unit_answers_within_which_first_level_unit_on_a_date(graph, slug, day, expected):
    rows = graph.query(WITHIN_ON, initBindings={
        "unit": unit(slug), "date": rdflib.Literal(day, datatype=rdflib.XSD.date)})
    assert {str(r.within).rsplit("/", 1)[1] for r in rows} == expected


def test_samjiyon_is_a_county_before_the_decree_and_a_city_after(graph):
    statuses = {}
    for period in graph.subjects(D.statusOf, unit("samjiyon")):
        statuses[str(graph.value(period, D.startDate))] = graph.value(period, D.status)
    assert statuses == {"1961-01-01": D.County, "2019-12-10": D.City}
    assert (unit("samjiyon"), RDF.type, D.City) in graph
