"""SHACL validation of a batch against the graph it would join, or of the whole graph.

Why incremental: pyshacl over a whole 100k-triple graph takes minutes (its ``sh:sparql``
constraints run once per focus node on rdflib's engine), so a batch is checked only where it
can change a verdict, with the same result as a full validation of the union:

1. the shapes are read once for what they look at (:mod:`.reach`);
2. the focus nodes a change can affect, and everything they read, are pulled from the store
   and the batch (:mod:`.neighbourhood`);
3. the shapes run there (:mod:`.engine`): the constraints :mod:`.compile` writes as SPARQL
   on pyoxigraph, ``sh:sparql`` with ``$this`` pre-bound (:mod:`.sparql`), the rest on
   pyshacl in full mode, its results kept for the focus nodes the batch can affect.

Besides SHACL, the batch is checked for terms of the project's namespace that the ontology
does not define, for new entities whose names look like existing ones, and for nodes no shape
applies to (:mod:`.checks`). Validation never passes because nothing was checked: shapes that
fail to load, or a batch no shape applies to, are errors.

Modules, one job each: :mod:`.shapes` (loading), :mod:`.reach`, :mod:`.neighbourhood`,
:mod:`.compile`, :mod:`.sparql` (SHACL-SPARQL, pre-bound), :mod:`.engine`, :mod:`.terms`
(rdflib and pyoxigraph terms), :mod:`.report` (the report and its words), :mod:`.checks`,
:mod:`.run` (what users call).
"""

from dprk_kg.validation.report import Problem, Report, curie
from dprk_kg.validation.run import validate, validate_batch, validate_store
from dprk_kg.validation.shapes import Shapes, load_shapes

__all__ = ["Problem", "Report", "Shapes", "curie", "load_shapes", "validate", "validate_batch",
           "validate_store"]
