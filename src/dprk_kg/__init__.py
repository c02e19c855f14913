"""dprk-kg: a sourced knowledge graph of North Korea's dual state and party governance.

The notebook entry point is :func:`dprk_kg.open`; the ``dprk-kg`` command is a thin shell
over the same calls.
"""

from typing import Any

__version__ = "0.1.0"

__all__ = ["KnowledgeGraph", "open", "__version__"]


def __getattr__(name: str) -> Any:
    """``dprk_kg.open`` and ``dprk_kg.KnowledgeGraph``, imported on first use: importing the
    package alone stays cheap, so that the command line can catch Ctrl-C from its start."""
    if name in ("open", "KnowledgeGraph"):
        from dprk_kg import api

        return getattr(api, name)
    raise AttributeError(f"module 'dprk_kg' has no attribute {name!r}")
