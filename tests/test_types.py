"""The public API type-checks: mypy, configured in pyproject.toml's ``[tool.mypy]``, reports
no error on the modules it lists, and a notebook's wrong call to the API is caught.

mypy runs as a process in the repository, as a developer would run it (``mypy`` with no
arguments); its cache goes to a temporary folder shared by the tests of this file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def mypy_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def mypy(cache: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(cache), *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_public_modules_are_clean(mypy_cache: Path) -> None:
    done = mypy(mypy_cache)
    assert done.returncode == 0, f"mypy reports errors:\n{done.stdout}{done.stderr}"
    checked = len(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"])
    assert f"no issues found in {checked} source files" in done.stdout, done.stdout  # all were read


def test_wrong_calls_to_the_api_are_reported(mypy_cache: Path, tmp_path: Path) -> None:
    """The methods have real signatures and return types: a wrong argument or a wrong use of
    an answer is an error, where ``(*args, **kwargs) -> Any`` let everything through."""
    notebook = tmp_path / "notebook.py"
    notebook.write_text(textwrap.dedent("""\
        from pathlib import Path

        import dprk_kg.api

        kg = dprk_kg.api.open()
        kg.remove(42)
        kg.add([Path("facts.ttl")], sorce="KCNA")
        written: str = kg.export("graphml", "out.graphml")
        graph: Path = kg.export(view="hierarchy")
        ids: list[str] = kg.batches()
        kg.store.select(42)
        kg.query("dual-power", unit=["kg:unit/kangwon"])
        triples: int = kg.stats()["tripels"]
        """), encoding="utf-8")
    done = mypy(mypy_cache, "--config-file", str(ROOT / "pyproject.toml"), str(notebook))
    errors = {int(line.split(":")[1]) for line in done.stdout.splitlines()
              if line.startswith(str(notebook)) and ": error:" in line}
    assert errors == {6, 7, 8, 9, 10, 11, 12, 13}, done.stdout


def test_the_package_says_it_is_typed() -> None:
    """Without the PEP 561 marker, a user's type checker ignores the package's annotations."""
    import dprk_kg

    assert (Path(dprk_kg.__file__).parent / "py.typed").is_file()
