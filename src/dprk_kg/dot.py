"""A view as Graphviz DOT, and its rendering to SVG and PNG by Graphviz's ``dot``.

Every id and label is a quoted DOT string (a ``:`` in a bare id would be read as a port), with
``"`` and ``\\`` escaped so that a hostile label stays text. The layout: the state and party
chains in clusters of their own (per unit when the view has several), colours by kind of node
(:mod:`dprk_kg.palette`), a legend, and a font with Hangul glyphs (Noto Sans CJK).
"""

from __future__ import annotations

import html
import shutil
import subprocess
import textwrap
from collections import defaultdict
from pathlib import Path

import networkx as nx

from dprk_kg import palette
from dprk_kg.errors import UserError

#: Fonts with Korean glyphs, best first; fontconfig takes the first one installed
#: (Debian: fonts-noto-cjk).
FONT = "Noto Sans CJK KR,Noto Sans CJK,NanumGothic,sans-serif"
#: Beyond this many nodes a picture is an unreadable hairball: refuse and suggest a view.
MAX_DRAWN_NODES = 250
SIDE_STYLE = {"state": ("state (de jure)", "#eff6ff", "#60a5fa"), "party": ("party (de facto)", "#fef2f2", "#f87171")}
WRAP = 30


def quote(text: str) -> str:
    """A DOT quoted string.

    >>> print(quote('kg:unit/a "b" \\\\ c'))
    "kg:unit/a \\"b\\" \\\\ c"
    """
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _node_label(data: dict) -> str:
    lines = textwrap.wrap(str(data.get("label_en") or data.get("label", "")), WRAP) or [""]
    ko = data.get("label_ko")
    if ko and ko != data.get("label"):
        lines.append(str(ko))
    return "\n".join(lines)


def _attrs(**values: object) -> str:
    return ", ".join(f"{k}={quote(str(v))}" for k, v in values.items() if v not in (None, ""))


def _node_line(node: str, data: dict) -> str:
    kind = palette.KINDS_BY_NAME.get(str(data.get("kind")), palette.OTHER)
    style = "dashed,rounded" if kind is palette.UNKNOWN else "filled,rounded"
    return f"{quote(node)} [{_attrs(label=_node_label(data), fillcolor=kind.fill, shape=kind.shape, style=style)}];"


def _edge_line(a: str, b: str, data: dict) -> str:
    kind = palette.EDGE_KINDS.get(str(data.get("kind")), palette.EDGE_KINDS["relation"])
    label = "\n".join(textwrap.wrap(str(data.get("label", "")), 24))
    bold = kind.name in ("de facto", "disagreement")
    return (f"{quote(a)} -> {quote(b)} [{_attrs(label=label, color=kind.color, fontcolor=kind.color, style=kind.style, penwidth=kind.width, fontsize=11 if bold else None, constraint='false' if kind.name == 'disagreement' else None)}];")


def _heading(g: nx.MultiDiGraph) -> str:
    """The picture's title and, under it, a legend of the kinds of node it uses (one row)
    and of the lines it uses, each with what it means (one row each): an HTML-like label,
    in one place at the top whatever the layout does."""
    kinds = sorted({str(d.get("kind")) for _, d in g.nodes(data=True)})
    edges = sorted({str(d.get("kind")) for *_, d in g.edges(data=True)})
    cells = []
    for name in kinds:
        k = palette.KINDS_BY_NAME.get(name, palette.OTHER)
        cells.append(f'<TD BGCOLOR="{k.fill}" BORDER="1" COLOR="#6b7280" WIDTH="18"> </TD><TD ALIGN="LEFT">{html.escape(name)}  </TD>')
    stroke = {"dashed": "╍ ╍ ╍", "dotted": "┈┈┈┈", "solid": "━━━━"}
    lines = []
    for name in edges:
        e = palette.EDGE_KINDS.get(name, palette.EDGE_KINDS["relation"])
        mark = f'<FONT COLOR="{e.color}">{"<B>" if e.width >= 2 else ""}{stroke.get(e.style, "━━━━")}{"</B>" if e.width >= 2 else ""}</FONT>'
        lines.append(f'<TR><TD ALIGN="RIGHT">{mark}</TD><TD ALIGN="LEFT">'
                     f'{html.escape(name)}: {html.escape(e.meaning)}</TD></TR>')
    # Each part a table of its own, so that no part's columns stretch another's.
    inner = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="1">'
    rows = [f'<FONT POINT-SIZE="22">{html.escape(title(g))}</FONT>']
    rows += [f'{inner}<TR>{"".join(cells)}</TR></TABLE>'] if cells else []
    rows += [f'{inner}{"".join(lines)}</TABLE>'] if lines else []
    return '<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="1" CELLPADDING="2">' + "".join(
        f"<TR><TD>{r}</TD></TR>" for r in rows) + "</TABLE>>"


def footer(g: nx.MultiDiGraph) -> str:
    """What a published picture must say under it: what it shows and as of when, whose
    sources it draws on, and what made it (an HTML-like label, lines wrapped)."""
    shows = title(g).removeprefix("dprk-kg: ")  # names the "as of" date where the view has one
    if not g.graph.get("as_of"):
        shows += f" · drawn {g.graph.get('drawn', '')}"
    publishers = [p for p in str(g.graph.get("publishers", "")).split(" | ") if p]
    cited = "Sources: " + (", ".join(publishers) if publishers else "none cited in this view")
    rows = [shows, *textwrap.wrap(cited, 110), "Made with dprk-kg: every fact drawn is a sourced statement of the graph."]
    body = "".join(f'<TR><TD ALIGN="LEFT">{html.escape(r)}</TD></TR>' for r in rows)
    return f'<<FONT POINT-SIZE="11" COLOR="#374151"><TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE></FONT>>'


def title(g: nx.MultiDiGraph) -> str:
    """What the picture shows: "dprk-kg: dual-power view · South Hamgyong · as of 2024-06-01"."""
    info = g.graph
    parts = [f"dprk-kg: {info.get('view', '')} view"]
    parts += [str(info[k]) for k in ("unit", "person") if info.get(k)]
    if info.get("as_of"):
        parts.append(f"as of {info['as_of']}")
    return " · ".join(parts)


def to_dot(g: nx.MultiDiGraph) -> str:
    """The DOT source of ``g`` (deterministic: the same graph gives the same text)."""
    units = {d.get("unit") for _, d in g.nodes(data=True)} - {None}
    # Trees and long lists read best left to right; so do many units, stacked one under another.
    rankdir = "LR" if g.graph.get("view") in ("hierarchy", "person", "elections") or len(units) > 2 else "TB"
    # The footer is the root graph's label (at the bottom); the title and legend label a
    # borderless cluster around everything (at its top): Graphviz gives a graph one label.
    out = [f"digraph {quote('dprk-kg')} {{",
           f"graph [{_attrs(fontname=FONT, rankdir=rankdir, newrank='true', nodesep=0.3, ranksep=0.55, fontsize=12, labelloc='b', labeljust='l', pad=0.3, bgcolor='white')}, label={footer(g)}];",
           f"node [{_attrs(fontname=FONT, fontsize=12, margin='0.14,0.06', penwidth=0.8, color='#4b5563')}];",
           f"edge [{_attrs(fontname=FONT, fontsize=10, arrowsize=0.7)}];",
           f'subgraph "cluster_picture" {{ graph [{_attrs(labelloc="t", labeljust="c", color="white", penwidth=0)}, label={_heading(g)}];']
    groups: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    loose: list[str] = []
    for node, data in sorted(g.nodes(data=True)):
        unit, side = str(data.get("unit", "")), str(data.get("side", ""))
        if unit or side:
            groups[unit][side].append(_node_line(node, data))
        else:
            loose.append(_node_line(node, data))
    for i, (unit, sides) in enumerate(sorted(groups.items())):
        if unit:
            out += [f'subgraph "cluster_unit_{i}" {{', f"graph [{_attrs(label=unit, fontsize=16, style='rounded', color='#9ca3af')}];"]
        for j, (side, lines) in enumerate(sorted(sides.items())):
            if side in SIDE_STYLE:
                label, fill, border = SIDE_STYLE[side]
                out += [f'subgraph "cluster_{i}_{j}" {{',
                        f"graph [{_attrs(label=label, style='rounded,filled', fillcolor=fill, color=border, fontsize=14)}];"]
                out += lines + ["}"]
            else:
                out += lines
        if unit:
            out.append("}")
    out += loose
    out.append("}")
    # Parallel edges that read the same (two claims of one authority) are drawn once, with
    # how many sources say so.
    drawn: dict[tuple[str, str, str, str], list[dict]] = defaultdict(list)
    for a, b, _, d in sorted(g.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
        drawn[(a, b, str(d.get("kind")), str(d.get("label", "")))].append(d)
    # A label that a node's outgoing edges repeat ("has sub-organization" to each of twelve
    # committees) is written on the first of them only.
    labelled: set[tuple[str, str]] = set()
    for (a, b, _, label), same in drawn.items():
        text = label + _count(same)
        out.append(_edge_line(a, b, {**same[0], "label": "" if (a, text) in labelled else text}))
        labelled.add((a, text))
    out.append("}")
    return "\n".join(out) + "\n"


def _count(same: list[dict]) -> str:
    """For edges drawn as one: " (4 sources)" where each cites its sources, else " (×2)"."""
    if len(same) < 2:
        return ""
    if not all(d.get("sources") for d in same):
        return f" (×{len(same)})"
    sources = {c for d in same for c in str(d["sources"]).split(" | ") if c}
    return f" ({len(sources)} source{'s' if len(sources) > 1 else ''})"


def check_drawable(g: nx.MultiDiGraph) -> None:
    """Refuse a picture that would be a hairball; say which views draw well."""
    n = g.number_of_nodes()
    if n > MAX_DRAWN_NODES:
        raise UserError(
            f"the {g.graph.get('view')} view has {n} nodes, too many for a legible picture "
            f"(at most {MAX_DRAWN_NODES}): pick a smaller view (--view dual-power --unit UNIT, "
            "hierarchy, person --person PERSON, elections) or export html, gexf or graphml")


def render(dot_source: str, fmt: str, target: Path) -> None:
    """Run Graphviz ``dot`` to write ``target`` as ``fmt`` (svg or png)."""
    exe = shutil.which("dot")
    if exe is None:
        raise UserError("svg and png need Graphviz's `dot` (Debian/Ubuntu: apt-get install graphviz "
                        "fonts-noto-cjk); dot, graphml, gexf, cytoscape and html work without it")
    args = [exe, f"-T{fmt}", "-o", str(target)] + (["-Gdpi=110"] if fmt == "png" else [])
    done = subprocess.run(args, input=dot_source.encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"Graphviz dot failed: {message[-1] if message else done.returncode}")
