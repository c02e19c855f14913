"""The person and elections views drawn on a time axis, as Graphviz DOT with fixed positions.

A person's posts and memberships over the years read as bars on a time axis, the party's
above the axis and the state's below (a tangle of nodes hides exactly that); an election's
figures read as one row per source, each figure at its election's date, so that sources
disagreeing on one election stand one above the other. Positions are computed here and
pinned (Graphviz's neato engine draws them as given), so the picture is the same each time.

>>> import networkx as nx
>>> g = nx.MultiDiGraph(view="person", person="A")
>>> g.add_node("t", kind="tenure", label="t", start="2015-01-01", end="2019-12-31")
>>> "2015" in to_dot(g)
True
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from dprk_kg import clock, palette
from dprk_kg.dot import FONT, _attrs, footer, quote, title
from dprk_kg.views import display_date

#: Inches per year on the axis, at most and at least (a long career is squeezed to fit).
YEAR_WIDTH = (1.4, 0.3)
#: The width the axis aims at, in inches.
AXIS = 14.0
MOMENT = 2.0  # inches: the box of a dated fact (a vote, a reported result), from its date


@dataclass(frozen=True)
class Bar:
    """One span (or, with ``start == end``, one moment) on the axis."""

    node: str
    label: str
    start: float  # fractional years
    end: float
    side: str  # "party", "state" or "" (other facts, drawn below the state)
    fill: str
    style: str  # "filled" or "filled,dashed" (open, or its end only an upper bound: not confirmed to the end)


def year(date: str) -> float | None:
    """``2019-07-21`` as 2019.55; None for what is not a date."""
    try:
        d = dt.date.fromisoformat(str(date)[:10])
    except ValueError:
        return None
    return d.year + (d.timetuple().tm_yday - 1) / 366


def _side_of(g: nx.MultiDiGraph, node: str) -> tuple[str, str]:
    """The side and name of what a tenure is in: its post or organization."""
    for _, target, d in g.out_edges(node, data=True):
        if d.get("relation") in ("dprk:post", "org:organization"):
            data = g.nodes[target]
            return str(data.get("side", "")), str(data.get("label", ""))
    return "", ""


def person_bars(g: nx.MultiDiGraph, today: float) -> list[Bar]:
    """Each tenure of the person view as a bar, each dated fact (a candidacy, a vote) as a moment."""
    bars = []
    for node, d in g.nodes(data=True):
        start = year(d.get("start", "")) or year(d.get("date", ""))
        if start is None or d.get("kind") in ("source", "person"):
            continue
        side, where = _side_of(g, node)
        end = year(d.get("end", ""))
        open_ended = end is None and "start" in d and d.get("status") != "ended"
        bounded = end is not None and bool(d.get("end_qualifier"))  # the end only an upper bound
        what = where or str(d.get("label", node))
        span = (f"{display_date(d, 'start')}–{display_date(d, 'end')}" if "start" in d
                 else display_date(d, "date"))
        if bounded and d.get("last_attested"):
            span += f" (last attested {d['last_attested']})"
        if open_ended:
            span = f"{display_date(d, 'start')}– ({d.get('status', 'open')}" + (
                f", last attested {d['last_attested']})" if d.get("last_attested") else ")")
        kind = palette.KINDS_BY_NAME.get(str(d.get("kind")), palette.OTHER)
        bars.append(Bar(node, f"{what}\n{span}", start, end if end is not None else (today if open_ended else start),
                        side, kind.fill, "filled,dashed" if open_ended or bounded else "filled"))
    return sorted(bars, key=lambda b: (b.start, b.end, b.node))


def election_bars(g: nx.MultiDiGraph) -> tuple[list[Bar], list[str]]:
    """Each reported result as a moment in its claimant's row; the rows (claimants), in order."""
    dates = {n: when for n, d in g.nodes(data=True)
             if d.get("kind") == "election" and (when := year(d.get("date", ""))) is not None}
    bars, rows = [], set()
    for node, d in g.nodes(data=True):
        if d.get("kind") != "reported result":
            continue
        election = next((t for _, t in g.out_edges(node) if t in dates), None)
        claimant = next((g.nodes[t].get("label", t) for _, t, e in g.out_edges(node, data=True)
                         if e.get("relation") == "dprk:claimant"), "source not named")
        if election is None:
            continue
        figures = [f"{_words(k)} {v}" for k, v in sorted(d.items()) if isinstance(v, (int, float))]
        disputed = f"\ndisputed: {d['disputed']}" if d.get("disputed") else ""
        fill = "#fecaca" if disputed else palette.KINDS_BY_NAME["reported result"].fill
        label = f"{g.nodes[election].get('label', '')}\n" + "\n".join(figures) + disputed
        bars.append(Bar(node, label, dates[election], dates[election], str(claimant), fill, "filled"))
        rows.add(str(claimant))
    return sorted(bars, key=lambda b: (b.start, b.side, b.node)), sorted(rows)


def _words(name: str) -> str:
    """``turnoutPercent`` → ``turnout percent``."""
    return "".join(" " + c.lower() if c.isupper() else c for c in name).strip()


def _lanes(bars: list[Bar], scale: float) -> dict[str, int]:
    """Lanes so that no two bars (with their labels) overlap: first lane with room."""
    ends: list[float] = []
    lane = {}
    for b in bars:
        right = b.start + max(b.end - b.start, (MOMENT + 0.2) / scale)  # room for a label
        for i, end in enumerate(ends):
            if end <= b.start:
                ends[i], lane[b.node] = right, i
                break
        else:
            lane[b.node] = len(ends)
            ends.append(right)
    return lane


def to_dot(g: nx.MultiDiGraph) -> str:
    """The timeline of a person or elections view as DOT (neato, pinned positions)."""
    drawn = year(str(g.graph.get("drawn") or clock.today().isoformat())) or 0.0
    if g.graph.get("view") == "elections":
        bars, rows = election_bars(g)
    else:
        bars, rows = person_bars(g, drawn), ["party", "state", ""]
    first = min((b.start for b in bars), default=drawn - 1)
    last = max((b.end for b in bars), default=drawn)
    first, last = int(first), int(last) + 1
    scale = min(YEAR_WIDTH[0], max(YEAR_WIDTH[1], AXIS / max(last - first, 1)))

    def x(t: float) -> float:
        return (t - first) * scale

    out = [f"digraph {quote('dprk-kg')} {{",
           f"graph [{_attrs(layout='neato', fontname=FONT, labelloc='b', labeljust='l', pad=0.4, bgcolor='white', splines='line', outputorder='edgesfirst')}, label={footer(g)}];",
           f"node [{_attrs(fontname=FONT, fontsize=10, shape='box', style='filled', penwidth=0.8, color='#4b5563', fixedsize='true', height=0.5, margin='0.04,0.02')}];",
           f"edge [{_attrs(arrowhead='none', color='#6b7280')}];"]
    # Rows from the top: for a person the party's lanes, the axis, the state's, then the rest;
    # for elections one row per source above the axis.
    y = 0.0
    placed: list[str] = []
    sides = rows if g.graph.get("view") == "elections" else ["party"]
    for side in sides:
        y = _row(out, [b for b in bars if b.side == side], side or "other facts", y, x, scale, placed)
    axis_y = y - 0.2
    step = 1 if last - first <= 15 else 2 if last - first <= 30 else 5
    ticks = [t for t in range(first, last + 1) if t % step == 0] or [first]
    for t in ticks:
        out.append(f"{quote(f'tick {t}')} [{_attrs(label=str(t), pos=f'{x(t):.2f},{axis_y:.2f}!', shape='plaintext', style='solid', fillcolor='white', fontsize=11)}];")
    for a, b in zip(ticks, ticks[1:]):
        out.append(f"{quote(f'tick {a}')} -> {quote(f'tick {b}')} [{_attrs(penwidth=1.5)}];")
    y = axis_y - 0.5
    if g.graph.get("view") != "elections":
        for side in ("state", ""):
            y = _row(out, [b for b in bars if b.side == side], side or "other facts", y, x, scale, placed)
    # Room between the last row and the footer (the graph's label, under everything drawn).
    out.append(f"{quote('end')} [{_attrs(label=' ', pos=f'{x(first):.2f},{y - 0.3:.2f}!', shape='plaintext', style='solid', fixedsize='false')}];")
    heading = f'<<FONT POINT-SIZE="20">{html.escape(title(g))}</FONT>>'
    out.append(f"{quote('title')} [label={heading}, {_attrs(pos=f'{x(first) + 3:.2f},1.0!', shape='plaintext', style='solid', fixedsize='false')}];")
    out.append("}")
    return "\n".join(out) + "\n"


def _row(out: list[str], bars: list[Bar], name: str, top: float, x: Callable[[float], float], scale: float,
         placed: list[str]) -> float:
    """Draw ``bars`` in lanes under ``top``, with the row's name at the left; return the
    height below the row. ``x`` places a date (fractional years) on the axis, in inches."""
    if not bars:
        return top
    lanes = _lanes(bars, scale)
    count = max(lanes.values()) + 1
    height = max(len(b.label.split("\n")) for b in bars) * 0.17 + 0.12  # inches, for its lines
    middle = top - (height + 0.12) * count / 2
    out.append(f"{quote('row ' + name)} [{_attrs(label=name, pos=f'{x(min(b.start for b in bars)) - 1.1:.2f},{middle:.2f}!', shape='plaintext', style='solid', fontsize=12, fixedsize='false')}];")
    for b in bars:
        lane_y = top - height / 2 - (height + 0.12) * lanes[b.node]
        moment = b.end == b.start  # a dated fact: a box from its date, a line marking the day
        width = MOMENT if moment else max((b.end - b.start) * scale, 0.12)
        label = "\n".join(textwrap.shorten(line, int(max(width, MOMENT) * 13)) for line in b.label.split("\n"))
        out.append(f"{quote(b.node)} [{_attrs(label=label, pos=f'{x(b.start) + width / 2:.2f},{lane_y:.2f}!', width=f'{width:.2f}', height=f'{height:.2f}', fillcolor=b.fill, style=b.style + (',rounded' if moment else ''))}];")
        placed.append(b.node)
    return top - (height + 0.12) * count - 0.2
