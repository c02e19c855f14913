"""dprk-kg: a sourced knowledge graph of North Korea's dual state and party governance.

The notebook entry point is :func:`dprk_kg.open`; the ``dprk-kg`` command is a thin shell
over the same calls.
"""

__version__ = "0.1.0"

from dprk_kg.api import KnowledgeGraph, open  # noqa: E402  (the public entry point)

__all__ = ["KnowledgeGraph", "open", "__version__"]
