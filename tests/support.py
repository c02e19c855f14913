"""What many test files need: the ontology in a memory store, and the benchmark scripts.

``tests/`` is on the import path of every test (pytest puts the folder of the root
``conftest.py`` there), so a test writes ``from support import memory_store, generate``.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from types import ModuleType

import pyoxigraph as ox
import rdflib

from dprk_kg import namespaces, resources
from dprk_kg.store import Store

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@cache
def ontology_graphs() -> dict[str, list[ox.Triple]]:
    """The ontology's files, each as the named graph a build loads it into."""
    return {namespaces.ONTOLOGY_GRAPH + p.stem: [q.triple for q in ox.parse(path=p)]
            for p in resources.ontology_files()}


def memory_store(graphs: Mapping[str, Iterable[ox.Triple]] | None = None) -> Store:
    """The ontology and ``graphs`` (a name under the base graphs, e.g. ``"fixture"``, to its
    triples) in a memory store, each in its own named graph as a build holds them."""
    store = Store.memory()
    store.replace_graphs({**ontology_graphs(),
                          **{namespaces.BASE_GRAPH + name: list(triples)
                             for name, triples in (graphs or {}).items()}})
    return store


def benchmark_script(name: str) -> ModuleType:
    """A script of ``benchmarks/`` (not a package) imported as the module ``name``."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while it is loading
        spec.loader.exec_module(module)
    return sys.modules[name]


#: The synthetic graph generator (benchmarks/generate.py).
generate = benchmark_script("generate")


def turtle_graph(paths: Iterable[Path]) -> rdflib.Graph:
    """The Turtle files ``paths`` read into one rdflib graph (the base graph's tests read it
    as rdflib does, a second reader beside the store)."""
    graph = rdflib.Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph
