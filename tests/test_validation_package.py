"""The validation package keeps one job a module and imports without a cycle (issue 15).

A cycle means two modules that can only be read (and changed) together; the import graph is
read from the sources, so an import hidden inside a function counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

import dprk_kg

PACKAGE = Path(dprk_kg.__file__).parent


def imports(path: Path) -> set[str]:
    """The dprk_kg modules ``path`` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dprk_kg"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("dprk_kg"))
    return found


def module_graph() -> nx.DiGraph:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        names[name] = path
    graph = nx.DiGraph()
    graph.add_nodes_from(names)
    for name, path in names.items():
        for target in imports(path):
            # "from dprk_kg import build" names a module; "from dprk_kg.x import f" names x.
            if target in names and target != name and not name.startswith(target + "."):
                graph.add_edge(name, target)
    return graph


def test_no_import_cycle_in_the_package() -> None:
    graph = module_graph()
    assert "dprk_kg.validation.engine" in graph  # the graph is read from the real package
    cycles = list(nx.simple_cycles(graph))
    assert cycles == [], f"import cycles: {cycles}"


def test_each_validation_module_says_its_job() -> None:
    for path in sorted((PACKAGE / "validation").glob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text()))
        assert doc and len(doc.splitlines()[0]) <= 100, f"{path.name}: no one-line job"
