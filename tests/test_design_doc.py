"""docs/design.md names every module of the package with its job (issue 15): a module added
without a line there fails here, so the map a newcomer reads cannot fall behind the code."""

from __future__ import annotations

from pathlib import Path

import dprk_kg

PACKAGE = Path(dprk_kg.__file__).parent
DESIGN = (PACKAGE.parent.parent / "docs" / "design.md").read_text(encoding="utf-8")


def modules() -> list[str]:
    """Every module, as design.md names it: ``build``, ``validation.engine``, ``web``'s ``app``."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            continue
        found.append(".".join(parts[1:]) if parts[0] == "web" else ".".join(parts))
    return found


def test_design_doc_names_every_module() -> None:
    missing = [m for m in modules() if f"`{m}`" not in DESIGN]
    assert not missing, f"docs/design.md's module table lacks: {', '.join(missing)}"
