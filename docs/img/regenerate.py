"""Regenerate the README's pictures with the tool itself: ``python docs/img/regenerate.py``.

Each picture is written as DOT source and as PNG, from a store built afresh from the shipped
files (so that batches added to a personal store never leak into the README). The test
``tests/test_export.py::test_readme_pictures_are_current`` renders the DOT again and fails when
the stored ``.dot`` differs: then run this script and commit ``docs/img/``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: A fixed date, so that the pictures change when the graph does, not when the calendar does.
AS_OF = "2024-06-01"
#: name → export options (``dprk-kg export`` arguments after the format and output).
PICTURES: dict[str, list[str]] = {
    "dual-power": ["--view", "dual-power", "--unit", "South Hamgyong", "--as-of", AS_OF],
    "hierarchy": ["--view", "hierarchy", "--as-of", AS_OF],
}


def export_args(store: Path, name: str, fmt: str, folder: Path) -> list[str]:
    """The command line that draws picture ``name`` as ``fmt`` into ``folder``."""
    return ["--store", str(store), "export", "--format", fmt, "-o", str(folder / f"{name}.{fmt}"), *PICTURES[name]]


def main() -> int:
    from dprk_kg import cli

    with tempfile.TemporaryDirectory() as tmp:
        for name in PICTURES:
            for fmt in ("dot", "png"):
                code = cli.run(export_args(Path(tmp) / "store", name, fmt, HERE))
                if code:
                    return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
