"""What each kind of node and edge is called and how it looks, for every drawing format.

One table, so that the Graphviz picture, the HTML viewer, Gephi's GEXF colours and the
Cytoscape classes agree: a party organ is red everywhere, the de facto authority edge is the
same bold dashed red line in every picture.
"""

from __future__ import annotations

from dataclasses import dataclass

from dprk_kg.namespaces import DPRK, PREFIXES

ORG, FOAF = PREFIXES["org"], PREFIXES["foaf"]


@dataclass(frozen=True)
class NodeKind:
    """A coarse category of node: what users colour, filter and collapse by."""

    name: str
    fill: str  # background colour, #rrggbb
    shape: str  # Graphviz shape
    side: str = ""  # "state" or "party" for the two chains of the dual system, else ""


#: Checked in order; a node takes the first kind one of whose classes it is an instance of.
#: Claims and tenures come first because they are also prov:Entity / org:Membership.
NODE_KINDS: list[tuple[str, NodeKind]] = [
    (DPRK + "ReportedResult", NodeKind("reported result", "#fde68a", "note")),
    (DPRK + "Claim", NodeKind("claim", "#fef3c7", "note")),
    (DPRK + "Tenure", NodeKind("tenure", "#e5e7eb", "box")),
    (DPRK + "Assembly", NodeKind("assembly", "#60a5fa", "box3d", "state")),
    (DPRK + "StateOrgan", NodeKind("state organ", "#bfdbfe", "box", "state")),
    (DPRK + "PartyOrgan", NodeKind("party organ", "#f87171", "box", "party")),
    (DPRK + "PoliticalParty", NodeKind("party", "#ef4444", "box3d", "party")),
    (DPRK + "PartyPost", NodeKind("party post", "#fecaca", "octagon", "party")),
    (DPRK + "StatePost", NodeKind("state post", "#93c5fd", "octagon", "state")),
    (ORG + "Post", NodeKind("post", "#f3f4f6", "octagon")),
    (DPRK + "Publisher", NodeKind("publisher", "#d1d5db", "component")),
    (DPRK + "UnitedFront", NodeKind("front or mass organization", "#fdba74", "box")),
    (DPRK + "MassOrganization", NodeKind("front or mass organization", "#fdba74", "box")),
    (DPRK + "Organization", NodeKind("organization", "#fed7aa", "box")),
    (ORG + "Organization", NodeKind("organization", "#fed7aa", "box")),
    (DPRK + "AdministrativeDivision", NodeKind("unit", "#a8a29e", "house")),
    (FOAF + "Person", NodeKind("person", "#fde68a", "ellipse")),
    (DPRK + "Election", NodeKind("election", "#a7f3d0", "cds")),
    (DPRK + "Candidacy", NodeKind("candidacy", "#ccfbf1", "box")),
    (DPRK + "Nomination", NodeKind("candidacy", "#ccfbf1", "box")),
    (DPRK + "BallotCast", NodeKind("candidacy", "#ccfbf1", "box")),
    (DPRK + "Constituency", NodeKind("candidacy", "#ccfbf1", "box")),
    (DPRK + "SourceDocument", NodeKind("source", "#f5f5f4", "note")),
    (ORG + "ChangeEvent", NodeKind("change over time", "#e0e7ff", "cds")),
    (DPRK + "NameUse", NodeKind("change over time", "#e0e7ff", "cds")),
    (DPRK + "StatusPeriod", NodeKind("change over time", "#e0e7ff", "cds")),
]
OTHER = NodeKind("other", "#ffffff", "box")
#: A placeholder for what the graph does not know (no holder on record as of the date).
UNKNOWN = NodeKind("not on record", "#ffffff", "ellipse")

KINDS_BY_NAME: dict[str, NodeKind] = {k.name: k for _, k in NODE_KINDS} | {OTHER.name: OTHER, UNKNOWN.name: UNKNOWN}


@dataclass(frozen=True)
class EdgeKind:
    """How a family of relations is drawn, and what the legend says it means."""

    name: str
    color: str
    style: str  # Graphviz style: solid, dashed, dotted, bold
    width: float = 1.2
    meaning: str = ""


#: Colours and dashes a reader tells apart, with colour-blind eyes too (tests/test_palette.py
#: checks them under a simulation of protanopia and deuteranopia): the de facto line is a
#: thick red dash, guidance a violet dot, a doubtful holder grey or dotted.
EDGE_KINDS: dict[str, EdgeKind] = {e.name: e for e in [
    EdgeKind("structure", "#6b7280", "solid", 1.2, "organ of, post in"),
    EdgeKind("de jure", "#1d4ed8", "solid", 1.6, "elects, as the law says"),
    EdgeKind("holder", "#111827", "solid", 1.6, "held by (since; last attested)"),
    EdgeKind("holder (unconfirmed)", "#9ca3af", "dashed", 1.6,
             "held by, but no source names the holder in the last 3 years"),
    EdgeKind("holder (uncertain)", "#111827", "dotted", 1.6,
             "held by, with a start or end known only to the month or year of the date"),
    EdgeKind("de facto", "#dc2626", "dashed", 3.0,
             "holds real authority, as sources claim (the count: how many sources)"),
    EdgeKind("guides", "#7c3aed", "dotted", 2.0, "guides, as the party's rules say"),
    EdgeKind("source", "#a8a29e", "dotted", 1.2, "cited from"),
    EdgeKind("disagreement", "#dc2626", "dashed", 2.2, "sources give different figures"),
    EdgeKind("relation", "#9ca3af", "solid", 1.2, "other relation"),
]}


def hex_rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as a triple of ints (GEXF's viz:color wants them apart).

    >>> hex_rgb("#dc2626")
    (220, 38, 38)
    """
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)
