"""The one rule for which of a node's labels to show: English, then untagged, then Korean,
then any other, the smallest first within one rank (so that the choice does not depend on the
order a store gives). Results, pictures, reports, search hits and web pages all show labels by it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from dprk_kg.namespaces import PREFIXES
from dprk_kg.store import Store, lexical

RDFS_LABEL = PREFIXES["rdfs"] + "label"
#: Rank of a label's language for display: English, untagged, Korean, then the rest.
_LANGUAGE_RANK = {"en": 0, "": 1, "ko": 2}


def display_label(labels: Iterable[Any]) -> str | None:
    """The label to show for a node among its ``labels``: English, untagged, Korean, other,
    the smallest first within one rank (so that the choice does not depend on the order the
    store gives). pyoxigraph and rdflib literals alike.

    >>> display_label([ox.Literal("김정은", language="ko"), ox.Literal("Kim Jong Un", language="en")])
    'Kim Jong Un'
    >>> display_label([]) is None
    True
    """
    best = min(((_LANGUAGE_RANK.get(getattr(lit, "language", None) or "", 3),
                 lit.value if isinstance(lit, ox.Literal) else str(lit)) for lit in labels), default=None)
    return best[1] if best else None


def display_labels(store: Store, iris: Iterable[str]) -> dict[str, str]:
    """The display label (:func:`display_label`) of each of ``iris`` that has an rdfs:label."""
    wanted = sorted(set(iris))
    found: dict[str, list[ox.Literal]] = {}
    for start in range(0, len(wanted), 400):
        values = " ".join(f"<{i}>" for i in wanted[start:start + 400])
        for row in store.select(f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {values} }} ?x <{RDFS_LABEL}> ?l }}").rows:
            if isinstance(row["l"], ox.Literal):
                found.setdefault(lexical(row["x"]), []).append(row["l"])
    return {iri: label for iri, lits in found.items() if (label := display_label(lits)) is not None}
