"""Each export format read back by its real consumer, and writes that are all or nothing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from dprk_kg import cli, dot, export, views
from dprk_kg.errors import UserError
from export_support import fixture_store, iri

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
VIEWS = [("full", {}), ("dual-power", {"as_of": "2021-01-01"}), ("hierarchy", {}),
         ("person", {"person": "Person B"}), ("elections", {})]
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def store():
    return fixture_store("dual.ttl", "xss.ttl")


@pytest.mark.parametrize("fmt,read", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
@pytest.mark.parametrize("view,options", VIEWS)
def test_graphml_and_gexf_read_back_with_every_attribute(store, tmp_path, fmt, read, view, options):
    g = views.build_view(store, view, **options)
    back = read(export.export_store(store, fmt, tmp_path / f"g.{fmt}", view=view, **options))
    assert set(back) == set(g) and back.number_of_edges() == g.number_of_edges()
    for n, data in g.nodes(data=True):
        got = {k: str(v) for k, v in back.nodes[n].items() if k != "viz"}
        assert got == {k: str(v) for k, v in data.items()}
    assert {d["relation"] for *_, d in back.edges(data=True)} == {d["relation"] for *_, d in g.edges(data=True)}
    if fmt == "gexf":  # Gephi colours nodes by kind
        assert all(set(back.nodes[n]["viz"]["color"]) >= {"r", "g", "b"} for n in back)


def test_gexf_carries_tenures_for_gephi_s_timeline(store, tmp_path):
    path = export.export_store(store, "gexf", tmp_path / "p.gexf", view="person", person="Person A")
    graph = ET.parse(path).getroot().find("{*}graph")
    assert graph.get("mode") == "dynamic" and graph.get("timeformat") == "date"
    back = nx.read_gexf(path)
    holding = back.nodes[iri("holding/a-chairman")]
    assert (holding["start"], holding["end"]) == ("2015-01-01", "2019-12-31")
    path = export.export_store(store, "gexf", tmp_path / "d.gexf", view="dual-power", unit="South Hamgyong",
                               as_of="2021-01-01")
    held = [d for a, b, d in nx.read_gexf(path).edges(data=True) if d.get("kind") == "holder" and "start" in d]
    assert {d["start"] for d in held} == {"2020-01-01", "2018-05-01"}


def test_flat_attributes_keep_one_type_per_name():
    g = nx.MultiDiGraph()
    g.add_node("a", figure=1, label="x")
    g.add_node("b", figure="n/a", label="y", empty=None)
    assert {n: d for n, d in export.flat(g).nodes(data=True)} == {"a": {"figure": "1", "label": "x"},
                                                                  "b": {"figure": "n/a", "label": "y"}}


@needs_dot
@pytest.mark.parametrize("view,options", VIEWS)
def test_dot_quotes_every_id_and_graphviz_renders_it(store, tmp_path, view, options):
    g = views.build_view(store, view, **options)
    path = export.export_store(store, "dot", tmp_path / "g.dot", view=view, **options)
    text = path.read_text(encoding="utf-8")
    if view in export.TIMELINE_VIEWS:  # a timeline draws the dated facts: tenures, reported results
        g = g.subgraph([n for n, d in g.nodes(data=True) if d["kind"] in ("tenure", "reported result")])
        assert g.number_of_nodes() >= 2
    for node in g:
        assert dot.quote(node) + " [" in text
    assert not re.search(r"^\s*(?!(graph|node|edge)\b)[^\s\"{}\[\]#]+\s*(->|\[)", text, re.M), "an unquoted id"
    done = subprocess.run(["dot", "-Tsvg", str(path)], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()
    svg = ET.fromstring(done.stdout)
    titles = {t.text for t in svg.iter("{http://www.w3.org/2000/svg}title")}
    assert set(g) <= titles  # every node drawn, under its own id


@needs_dot
def test_hostile_labels_stay_text_in_dot_and_svg(store, tmp_path):
    path = export.export_store(store, "svg", tmp_path / "p.svg", view="full")
    svg = ET.parse(path).getroot()
    texts = [t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert HOSTILE in texts
    assert not list(svg.iter("{http://www.w3.org/2000/svg}img")) and not list(svg.iter("img"))


@needs_dot
def test_svg_draws_hangul_with_a_korean_font(store, tmp_path):
    path = export.export_store(store, "svg", tmp_path / "d.svg", view="dual-power", unit="South Hamgyong",
                               as_of="2021-01-01")
    text = path.read_text(encoding="utf-8")
    assert "함경남도" in text and "cluster" in text and "de facto" in text  # the legend names the edge kinds
    korean = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True).stdout
    assert dot.FONT.split(",")[0] in korean, "install fonts-noto-cjk so Hangul renders"


@needs_dot
def test_png_is_a_sensible_image(store, tmp_path):
    from PIL import Image

    path = export.export_store(store, "png", tmp_path / "d.png", view="dual-power", unit="South Hamgyong",
                               as_of="2021-01-01")
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert 400 <= width <= 6000 and 400 <= height <= 6000
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
        assert colours is not None and len(colours) > 20, "a picture, not a blank page"


@needs_dot
@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_pictures_refuse_a_hairball_and_say_what_to_do(store, tmp_path, monkeypatch, fmt):
    monkeypatch.setattr(dot, "MAX_DRAWN_NODES", 10)
    target = tmp_path / f"full.{fmt}"
    with pytest.raises(UserError, match="pick a smaller view"):
        export.export_store(store, fmt, target, view="full")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_leaves_the_old_file_and_no_temp_file(store, tmp_path, monkeypatch):
    target = tmp_path / "g.html"
    target.write_text("the previous export")

    def broken(g, path):
        Path(path).write_text("half")
        raise OSError("disk full")

    monkeypatch.setitem(export.WRITERS, "html", broken)
    with pytest.raises(OSError):
        export.export_store(store, "html", target)
    assert target.read_text() == "the previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["g.html"]


def test_a_bad_unit_writes_nothing(store, tmp_path):
    with pytest.raises(UserError, match="no unit"):
        export.export_store(store, "graphml", tmp_path / "x.graphml", view="dual-power", unit="Atlantis")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("view,options", VIEWS)
def test_cytoscape_json_loads_with_elements(store, tmp_path, view, options):
    g = views.build_view(store, view, **options)
    data = json.loads(export.export_store(store, "cytoscape", tmp_path / "g.json", view=view, **options).read_text())
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    ids = [n["data"]["id"] for n in nodes]
    assert set(ids) == set(g) and len(ids) == len(set(ids))
    assert len(edges) == g.number_of_edges() and len({e["data"]["id"] for e in edges}) == len(edges)
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in edges)
    assert all(isinstance(v, (str, int, float)) for n in nodes for v in n["data"].values())


@pytest.mark.parametrize("view,options", VIEWS)
def test_networkx_reads_the_cytoscape_json_back_whole(store, tmp_path, view, options):
    """Every node and attribute, every edge (parallel ones apart, by their keys) come back."""
    g = export.flat(views.build_view(store, view, **options))
    data = json.loads(export.export_store(store, "cytoscape", tmp_path / "g.json", view=view, **options).read_text())
    back = nx.cytoscape_graph(data)
    assert back.is_directed() and back.is_multigraph() and back.graph == g.graph
    assert set(back) == set(g)
    for n, d in g.nodes(data=True):
        assert back.nodes[n] == {**d, "id": n, "value": n, "name": d["label"]}
    assert sorted(back.edges(keys=True)) == sorted(g.edges(keys=True))
    for a, b, key, d in g.edges(keys=True, data=True):
        assert {k: v for k, v in back.edges[a, b, key].items() if k not in ("id", "source", "target", "key")} == d


def test_parallel_edges_stay_apart_in_the_cytoscape_json(tmp_path):
    """Two claims of the same authority are two edges between the same posts: read back, both."""
    second = ("claim:secretary-rules-too a dprk:AuthorityClaim ; dprk:deFactoAuthority dprk:ChiefSecretary ; "
              "dprk:subordinatePost dprk:PeoplesCommitteeChairman ; dprk:appliesToLevel dprk:ProvincialLevel ; "
              "dprk:claimant person:analyst ; dcterms:source source:one .")
    two = fixture_store("dual.ttl", extra=f"@prefix claim: <{iri('claim/')}> .\n@prefix person: <{iri('person/')}> .\n"
                        f"@prefix source: <{iri('source/')}> .\n{second}")
    path = export.export_store(two, "cytoscape", tmp_path / "g.json", view="dual-power", as_of="2021-01-01")
    back = nx.cytoscape_graph(json.loads(path.read_text()))
    claims = [(a, b, k) for a, b, k, d in back.edges(keys=True, data=True) if d["kind"] == "de facto"]
    assert len(claims) == 2 and len({(a, b) for a, b, _ in claims}) == 1


def test_html_is_one_offline_file_with_escaped_data(store, tmp_path):
    page = export.export_store(store, "html", tmp_path / "g.html").read_text(encoding="utf-8")
    assert HOSTILE not in page and "</script><script>alert(2)" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page), "nothing is fetched from elsewhere"
    blob = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)[1]
    data = json.loads(blob)
    labels = {n["data"]["label"] for n in data["graph"]["elements"]["nodes"]}
    assert HOSTILE in labels


def test_html_of_a_large_graph_starts_collapsed(store, tmp_path, monkeypatch):
    def payload():
        page = export.export_store(store, "html", tmp_path / "g.html").read_text(encoding="utf-8")
        return json.loads(re.search(r'id="graph-data">(.*?)</script>', page, re.S)[1])

    assert payload()["collapsed"] is False
    monkeypatch.setattr(export, "COLLAPSE_THRESHOLD", 10)
    assert payload()["collapsed"] is True


def test_cli_export_writes_the_file_and_refuses_bad_input(built_store, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DPRK_KG_STORE", str(built_store))
    target = tmp_path / "g.graphml"
    assert cli.run(["export", "--format", "graphml", "-o", str(target)]) == 0
    assert nx.read_graphml(target).number_of_nodes() > 0 and "wrote" in capsys.readouterr().out
    bad = tmp_path / "bad.png"
    assert cli.run(["export", "--format", "png", "--view", "person", "--person", "Nobody At All", "-o", str(bad)]) == 2
    assert "no person is called" in capsys.readouterr().err and not bad.exists()
    assert cli.run(["export", "--format", "pdf", "-o", str(bad)]) == 2


def test_cli_offers_exactly_the_formats_and_views_there_are():
    assert [f.value for f in cli.ExportFormat] == list(export.FORMATS)
    assert [v.value for v in cli.ExportView] == list(views.VIEWS)


def test_notebook_export_returns_a_networkx_graph(built_store):
    import dprk_kg

    with dprk_kg.open(store=built_store) as kg:
        g = kg.export(view="hierarchy")
    assert isinstance(g, nx.MultiDiGraph) and g.graph["view"] == "hierarchy"


def _pictures_script():
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "docs" / "img" / "regenerate.py"
    spec = importlib.util.spec_from_file_location("regenerate_pictures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", list(_pictures_script().PICTURES))
def test_readme_pictures_are_current(built_store, tmp_path, name):
    """The README's pictures are the tool's own output for today's graph
    (if this fails: python docs/img/regenerate.py, and commit docs/img/)."""
    script = _pictures_script()
    assert cli.run(script.export_args(built_store, name, "dot", tmp_path)) == 0
    stored = script.HERE / f"{name}.dot"
    assert (tmp_path / f"{name}.dot").read_text(encoding="utf-8") == stored.read_text(encoding="utf-8"), \
        "docs/img is stale: run python docs/img/regenerate.py"
    assert (script.HERE / f"{name}.png").stat().st_size > 10_000
    readme = (script.HERE.parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"docs/img/{name}.png" in readme


def test_dot_draws_one_edge_for_two_claims_of_the_same_thing(tmp_path):
    store = fixture_store("dual.ttl", extra="""
        <https://w3id.org/dprk-kg/id/claim/second> a dprk:AuthorityClaim ; dprk:deFactoAuthority dprk:ChiefSecretary ;
            dprk:subordinatePost dprk:PeoplesCommitteeChairman .""")
    g = views.build_view(store, "dual-power", unit="South Hamgyong", as_of="2021-01-01")
    assert len([d for *_, d in g.edges(data=True) if d["kind"] == "de facto"]) == 2  # both claims in the data
    text = dot.to_dot(g)
    assert text.count("de facto authority") == 1 and "de facto authority (×2)" in text
