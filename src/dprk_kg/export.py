"""Write a view (:mod:`dprk_kg.views`) in the format its consumer reads.

graphml and gexf for Gephi and Cytoscape desktop (flat attributes; GEXF with tenures' start and
end for Gephi's timeline and colours by kind), dot for Graphviz, svg and png drawn by Graphviz,
cytoscape for Cytoscape.js, html for a browser (one file, offline, no CDN). Every write is
atomic: the file appears complete or not at all, and a failed export leaves what was there.

An empty view is refused rather than written (an empty file is never what was wanted):

>>> import tempfile, pathlib
>>> from dprk_kg.store import Store
>>> out = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
>>> export_store(Store.memory(), "graphml", out)
Traceback (most recent call last):
...
dprk_kg.errors.UserError: the full view is empty: nothing in the graph fits it
>>> out.exists()
False
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx

from dprk_kg import dot, palette, views
from dprk_kg.errors import UserError
from dprk_kg.files import replacing
from dprk_kg.store import Store

if TYPE_CHECKING:  # the API calls this module; the import would be a cycle at run time
    from dprk_kg.api import KnowledgeGraph

#: Past this many nodes the HTML viewer starts collapsed into groups by kind and level.
COLLAPSE_THRESHOLD = 300
ASSETS = Path(__file__).resolve().parent / "assets"

N = TypeVar("N", bound=Hashable)


def flat(g: nx.MultiDiGraph[N]) -> nx.MultiDiGraph[N]:
    """A copy of ``g`` whose attribute values GraphML and GEXF can write and read back.

    Each attribute name keeps one type for all nodes (and one for all edges): a name that holds
    numbers on some nodes and text on others becomes text everywhere. None values are dropped.

    >>> g = nx.MultiDiGraph(); g.add_node("a", n=1); g.add_node("b", n="x", m=None)
    >>> sorted(flat(g).nodes(data=True))
    [('a', {'n': '1'}), ('b', {'n': 'x'})]
    """
    out: nx.MultiDiGraph[N] = nx.MultiDiGraph()
    out.graph.update({k: str(v) for k, v in g.graph.items() if v is not None})

    def types(items: list[dict]) -> dict[str, type]:
        found: dict[str, set[type]] = {}
        for data in items:
            for k, v in data.items():
                found.setdefault(k, set()).add(type(v))
        return {k: next(iter(t)) if len(t) == 1 and next(iter(t)) in (int, float, bool) else str
                for k, t in found.items()}

    node_types = types([d for _, d in g.nodes(data=True)])
    edge_types = types([d for *_, d in g.edges(data=True)])
    for n, d in g.nodes(data=True):
        out.add_node(n, **{k: node_types[k](v) for k, v in d.items() if v is not None})
    for a, b, key, d in g.edges(keys=True, data=True):
        out.add_edge(a, b, key=key, **{k: edge_types[k](v) for k, v in d.items() if v is not None})
    return out


def _write_graphml(g: nx.MultiDiGraph, target: Path) -> None:
    nx.write_graphml(flat(g), target, encoding="utf-8")


def _write_gexf(g: nx.MultiDiGraph, target: Path) -> None:
    """GEXF 1.2 with colours by kind; nodes and edges with start/end play on Gephi's timeline."""
    out = flat(g)
    for _, d in out.nodes(data=True):
        r, gr, b = palette.hex_rgb(palette.KINDS_BY_NAME.get(str(d.get("kind")), palette.OTHER).fill)
        d["viz"] = {"color": {"r": r, "g": gr, "b": b, "a": 1.0}}
    for i, (*_, d) in enumerate(out.edges(keys=True, data=True)):
        d["id"] = str(i)
    nx.write_gexf(out, target, encoding="utf-8", version="1.2draft")


#: Views drawn on a time axis (:mod:`dprk_kg.timeline`) rather than as a network.
TIMELINE_VIEWS = ("person", "elections")


def dot_source(g: nx.MultiDiGraph) -> str:
    """The DOT text of ``g``'s picture: a timeline for a person or the elections, else a network."""
    if g.graph.get("view") in TIMELINE_VIEWS:
        from dprk_kg import timeline

        return timeline.to_dot(g)
    return dot.to_dot(g)


def _write_dot(g: nx.MultiDiGraph, target: Path) -> None:
    target.write_text(dot_source(g), encoding="utf-8")


def _picture(fmt: str) -> Callable[[nx.MultiDiGraph, Path], None]:
    def write(g: nx.MultiDiGraph, target: Path) -> None:
        if g.graph.get("view") not in TIMELINE_VIEWS:
            dot.check_drawable(g)
        dot.render(dot_source(g), fmt, target)
    return write


def cytoscape_json(g: nx.MultiDiGraph) -> dict[str, Any]:
    """``g`` as Cytoscape JSON: Cytoscape.js elements, which Cytoscape desktop imports and
    networkx's ``cytoscape_graph`` reads back whole.

    Each node carries ``value`` (its id, which networkx reads) and ``name`` (its label, the
    name Cytoscape desktop shows); each edge its ``key``, so that parallel edges (two claims
    of the same authority) stay apart when read back.
    """
    g = flat(g)
    nodes = [{"data": {"id": n, "value": n, "name": d.get("label", n), **d}, "classes": str(d.get("kind", ""))}
             for n, d in sorted(g.nodes(data=True))]
    ordered = sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    edges = [{"data": {"id": f"e{i}", "source": a, "target": b, "key": key, **d}, "classes": str(d.get("kind", ""))}
             for i, (a, b, key, d) in enumerate(ordered)]
    return {"format_version": "1.0", "generated_by": "dprk-kg", "target_cytoscapejs_version": "~3",
            "directed": True, "multigraph": True,
            "data": dict(g.graph), "elements": {"nodes": nodes, "edges": edges}}


def _write_cytoscape(g: nx.MultiDiGraph, target: Path) -> None:
    target.write_text(json.dumps(cytoscape_json(g), ensure_ascii=False, indent=1), encoding="utf-8")


def script_json(value: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&``
    survives, so no label can close the script element or open a comment.

    >>> script_json({"label": "</script><img src=x>"})
    '{"label": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_page(g: nx.MultiDiGraph) -> str:
    """One self-contained page: the viewer's CSS and JS inline, the graph as JSON data."""
    payload = {
        "graph": cytoscape_json(g),
        "title": dot.title(g),
        "collapsed": g.number_of_nodes() > COLLAPSE_THRESHOLD,
        "nodeKinds": {k.name: {"fill": k.fill} for k in palette.KINDS_BY_NAME.values()},
        "edgeKinds": {e.name: {"color": e.color, "style": e.style, "width": e.width}
                      for e in palette.EDGE_KINDS.values()},
        "asOf": g.graph.get("as_of", ""),
    }
    page = (ASSETS / "viewer.html").read_text(encoding="utf-8")
    parts = {"/*CSS*/": (ASSETS / "viewer.css").read_text(encoding="utf-8"),
             "/*DAGRE*/": (ASSETS / "vendor" / "dagre.min.js").read_text(encoding="utf-8"),
             "/*JS*/": (ASSETS / "viewer.js").read_text(encoding="utf-8"),
             "/*DATA*/": script_json(payload)}
    for marker, text in parts.items():
        page = page.replace(marker, text.replace("</", "<\\/") if marker != "/*DATA*/" else text, 1)
    return page


def _write_html(g: nx.MultiDiGraph, target: Path) -> None:
    target.write_text(html_page(g), encoding="utf-8")


WRITERS: dict[str, Callable[[nx.MultiDiGraph, Path], None]] = {
    "graphml": _write_graphml, "gexf": _write_gexf, "dot": _write_dot, "svg": _picture("svg"),
    "png": _picture("png"), "cytoscape": _write_cytoscape, "html": _write_html,
}
FORMATS = tuple(WRITERS)


def write(g: nx.MultiDiGraph, fmt: str, path: Path | str) -> Path:
    """Write ``g`` to ``path`` as ``fmt`` atomically (temp file in the same folder, renamed)."""
    if fmt not in WRITERS:
        raise UserError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    target = Path(path)
    if g.number_of_nodes() == 0:
        raise UserError(f"the {g.graph.get('view', '')} view is empty: nothing in the graph fits it")
    if not target.parent.is_dir():
        raise UserError("the folder does not exist", file=str(target.parent))
    with replacing(target, mode=0o644) as temp:
        WRITERS[fmt](g, temp)
        if temp.stat().st_size == 0:
            raise UserError(f"the {fmt} writer produced an empty file", file=str(target))
    return target


def export_store(store: Store, fmt: str, path: Path | str, *, view: str = "full", unit: str | None = None,
                 person: str | None = None, as_of: str | None = None) -> Path:
    """Build ``view`` over ``store`` and write it to ``path`` as ``fmt``."""
    if fmt not in WRITERS:
        raise UserError(f"unknown format {fmt!r} (formats: {', '.join(FORMATS)})")
    return write(views.build_view(store, view, unit=unit, person=person, as_of=as_of), fmt, path)


def export(kg: KnowledgeGraph, fmt: str | None = None, path: Path | str | None = None, *, view: str = "full",
           unit: str | None = None, person: str | None = None, as_of: str | None = None) -> nx.MultiDiGraph | Path:
    """``KnowledgeGraph.export``: with ``fmt`` and ``path``, write the file and return its path;
    without them, return the view as a networkx graph (for a notebook)."""
    if fmt is None and path is None:
        return views.build_view(kg.store, view, unit=unit, person=person, as_of=as_of)
    if fmt is None or path is None:
        raise UserError("give both a format and a path, or neither (for a networkx graph)")
    return export_store(kg.store, fmt, path, view=view, unit=unit, person=person, as_of=as_of)
