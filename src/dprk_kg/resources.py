"""Where the shipped content lives.

In a checkout (or an editable install) the ontology, graph and queries are the top-level
folders of the repository, so edits show at once. In a wheel they are copied into
``dprk_kg/_data`` (see ``pyproject.toml``), so a plain ``pip install .`` works anywhere.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SHIPPED = _PACKAGE / "_data"
_CHECKOUT = _PACKAGE.parent.parent


def content_root() -> Path:
    """The folder holding ``ontology/``, ``graph/`` and ``queries/``."""
    if (_SHIPPED / "ontology").is_dir():
        return _SHIPPED
    return _CHECKOUT


def ontology_dir() -> Path:
    return content_root() / "ontology"


def graph_dir() -> Path:
    return content_root() / "graph"


def queries_dir() -> Path:
    return content_root() / "queries"


def ontology_files() -> list[Path]:
    """Vocabulary and concept files; the shapes are kept apart (they are not data)."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def graph_files() -> list[Path]:
    """Every Turtle file of the base graph, in sub-folders too (graph/units/, graph/central/):
    the graph is split by theme and level so that each file stays reviewable."""
    return sorted(graph_dir().rglob("*.ttl"))


def graph_key(path: Path) -> str:
    """A base-graph file's name relative to graph/, without its suffix: 'units/kangwon' for
    graph/units/kangwon.ttl. It names the file's named graph and its entry in the manifest."""
    try:
        relative = path.relative_to(graph_dir())
    except ValueError:  # a file from elsewhere (a test's own base file): its name alone
        relative = Path(path.name)
    return relative.with_suffix("").as_posix()
