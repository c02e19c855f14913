"""Stores for the export tests: the ontology plus small fixture graphs (tests/fixtures/export).

The fixtures follow docs/design.md's model with fictional people, so that the views' content
can be asserted exactly, independent of how the base graph grows.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.store import Store
from support import memory_store

FIXTURES = Path(__file__).parent / "fixtures" / "export"
PREFIXES = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in namespaces.PREFIXES.items())
KG = namespaces.KG


def fixture_store(*names: str, extra: str = "") -> Store:
    """A memory store with the ontology, the named fixture files and ``extra`` Turtle
    (written with the project's prefixes), each in its own named graph as a build would."""
    def triples(**source) -> list[ox.Triple]:
        return [q.triple for q in ox.parse(format=ox.RdfFormat.TURTLE, **source)]

    graphs = {Path(n).stem: triples(path=FIXTURES / n) for n in names}
    if extra:
        graphs["extra"] = triples(input=(PREFIXES + extra).encode())
    return memory_store(graphs)


def iri(local: str) -> str:
    """A fixture entity's IRI: ``iri("unit/south-hamgyong")``."""
    return KG + local
