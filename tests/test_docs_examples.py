"""The CSV template documented in docs/ingest.md is a working example, not a sketch.

A user copies the documented row; it must be the shipped example file, and that file must
pass validation together with the Turtle file that describes its (synthetic) person and source.
"""

from __future__ import annotations

import re
from pathlib import Path

import dprk_kg

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"


def documented_holdings_csv() -> str:
    text = (ROOT / "docs" / "ingest.md").read_text(encoding="utf-8")
    section = text[text.index("### Post holdings"):]
    return re.search(r"```csv\n(.*?)```", section, re.S).group(1)


def test_documented_holdings_row_is_the_example_file() -> None:
    assert documented_holdings_csv() == (EXAMPLES / "example-holdings.csv").read_text(encoding="utf-8")


def test_documented_holdings_example_validates(built_store: Path) -> None:
    with dprk_kg.open(built_store) as kg:
        report = kg.validate([EXAMPLES / "example-holding.ttl", EXAMPLES / "example-holdings.csv"],
                             progress=False)
        assert report.conforms, [p for p in report.problems]
        assert report.focus_nodes > 0
        # Alone, the row names a person and a document the graph does not have: refused.
        alone = kg.validate([EXAMPLES / "example-holdings.csv"], progress=False)
        assert not alone.conforms
