"""Named-query headers: read strictly, every mistake reported with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from dprk_kg import catalog, resources
from dprk_kg.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures" / "queries"
BODY = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?x WHERE { ?x rdfs:label ?_text }\n"


def test_fixture_headers_are_read() -> None:
    found = catalog.catalog(FIXTURES)
    q = found["classes-since"]
    assert q.form == "SELECT" and q.columns == ("kind", "n", "date")
    date, limit = q.params
    assert (date.name, date.kind, date.required, date.default) == ("date", "date", False, "today")
    assert (limit.name, limit.kind, limit.required, limit.allowed) == ("limit", "integer", False, ("1", "2", "10"))
    other = found["people-by-label"]
    assert other.tags == ("fixture",) and other.description.startswith("A fixture")
    assert [p.description for p in other.params][0].startswith("part of the English label")


@pytest.mark.parametrize("path", sorted(resources.queries_dir().glob("*.rq")), ids=lambda p: p.stem)
def test_every_shipped_query_has_a_valid_header(path: Path) -> None:
    q = catalog.load(path)
    assert q.summary and (q.form != "SELECT" or q.columns)
    assert all(p.description for p in q.params), "describe every parameter under '#+ params:'"


MALFORMED = {
    "unknown-key": ("#+ summary: s\n#+ sumary: typo\n#+ columns: x\n" + BODY, 1, "unknown header key"),
    "no-summary": ("#+ description: d\n#+ columns: x\n" + BODY, 1, "'summary' is required"),
    "no-header": (BODY, 1, r"needs a '#\+ summary"),
    "bad-yaml": ("#+ summary: s\n#+ columns: [x\n#+ tags: [a]\n" + BODY, 3, "not valid YAML"),
    "split-header": ("#+ summary: s\n#+ columns: x\n\n#+ tags: [a]\n" + BODY, 4, "one block"),
    "columns-mismatch": ("#+ summary: s\n#+ columns: [y]\n" + BODY, 1, "selects x"),
    "no-columns": ("#+ summary: s\n" + BODY, 1, "'columns' is required"),
    "default-not-param": ("#+ summary: s\n#+ columns: x\n#+ defaults:\n#+   date: today\n" + BODY, 1,
                          "not a parameter"),
    "unknown-type": ("#+ summary: s\n#+ columns: x\nSELECT ?x WHERE { ?x ?p ?_d_xsd_datetime }\n", 1,
                     "unknown parameter type"),
    "bad-param-name": ("#+ summary: s\n#+ columns: x\nSELECT ?x WHERE { ?x ?p ?_Date }\n", 1,
                       "looks like a parameter"),
    "update": ("#+ summary: s\nDELETE WHERE { ?s ?p ?o }\n", 1, "updates are refused"),
    "empty-enumerate": ("#+ summary: s\n#+ columns: x\n#+ enumerate:\n#+   text: []\n" + BODY, 1, "non-empty list"),
    "null-enumerate": ("#+ summary: s\n#+ columns: x\n#+ enumerate:\n#+   text: [a, ~]\n" + BODY, 1, "non-empty list of values"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_header_is_an_error_naming_file_and_line(case: str, tmp_path: Path) -> None:
    text, line, message = MALFORMED[case]
    path = tmp_path / f"{case}.rq"
    path.write_text(text)
    with pytest.raises(UserError, match=message) as caught:
        catalog.load(path)
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_a_bad_file_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "Bad Name.rq"
    path.write_text("#+ summary: s\n#+ columns: x\n" + BODY)
    with pytest.raises(UserError, match="lowercase"):
        catalog.load(path)


def test_an_unknown_query_name_suggests_close_ones() -> None:
    with pytest.raises(UserError, match="did you mean people-by-label"):
        catalog.get("people-by-labels", FIXTURES)
    with pytest.raises(UserError, match="dprk-kg queries"):
        catalog.get("../etc/passwd", FIXTURES)


def _as_of_blocks(text: str) -> list[tuple[str, ...]]:
    """Each as-of block's lines, without their indentation (a block may sit deeper)."""
    start, end = "# -- as of the date", "# -- end of the as-of block --"
    return [tuple(line.strip() for line in part.split(end)[0].splitlines())
            for part in text.split(start)[1:]]


def test_the_as_of_rules_are_written_the_same_in_every_query_that_uses_them() -> None:
    """SPARQL cannot share a block of BINDs: the date rules (precision, staleness) are copied,
    and a copy that drifts would make two queries disagree about who held a post."""
    blocks = {(q.name, i): block for q in catalog.catalog().values()
              for i, block in enumerate(_as_of_blocks(q.text))}
    assert {name for name, _ in blocks} >= {"dual-power", "interlocks", "post-holders", "candidate-preselection"}
    assert len(set(blocks.values())) == 1, sorted(blocks)
