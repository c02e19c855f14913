"""The project's IRIs in one place, so no module spells a namespace twice."""

from __future__ import annotations

DPRK = "https://w3id.org/dprk-kg/ontology#"
KG = "https://w3id.org/dprk-kg/id/"
SHAPES = "https://w3id.org/dprk-kg/shapes#"
GRAPH = "https://w3id.org/dprk-kg/graph/"

ONTOLOGY_GRAPH = GRAPH + "ontology/"
BASE_GRAPH = GRAPH + "base/"
BATCH_GRAPH = GRAPH + "batch/"
BATCHES_META_GRAPH = GRAPH + "batches"

#: Prefixes known to every query and every Turtle file the tool writes.
PREFIXES: dict[str, str] = {
    "dprk": DPRK,
    "kg": KG,
    "dprksh": SHAPES,
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "sh": "http://www.w3.org/ns/shacl#",
}

#: The datatype of a plain string literal (RDF 1.1: a literal with no datatype written).
XSD_STRING = PREFIXES["xsd"] + "string"

#: The XSD integer types, each with the range of values it allows (None: unbounded). One list
#: for every module that reads numbers: table values, views, and the SHACL checks.
XSD_INTEGERS = {PREFIXES["xsd"] + t: r for t, r in {
    "integer": (None, None), "int": (-2**31, 2**31 - 1), "long": (-2**63, 2**63 - 1),
    "short": (-2**15, 2**15 - 1), "byte": (-128, 127), "nonNegativeInteger": (0, None),
    "positiveInteger": (1, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "unsignedLong": (0, 2**64 - 1), "unsignedInt": (0, 2**32 - 1), "unsignedShort": (0, 65535),
    "unsignedByte": (0, 255)}.items()}


def sparql_prefixes() -> str:
    """The PREFIX lines for :data:`PREFIXES`, for queries built in code."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
