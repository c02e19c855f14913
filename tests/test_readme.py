"""The README cannot rot: its quick start, its command examples and its Python example."""

from __future__ import annotations

import doctest
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from dprk_kg import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _load_examples_module():
    spec = importlib.util.spec_from_file_location("readme_examples", ROOT / "scripts" / "readme_examples.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


readme_examples = _load_examples_module()
EXAMPLES = readme_examples.examples(README.read_text(encoding="utf-8"))


def _quickstart() -> list[str]:
    """The two quick-start commands (the same parsing as the project's hook)."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^#+\s*quick[ -]?start.*?\n(.*?)(?=^#+\s)", text, re.S | re.I | re.M)
    assert section, "README has no Quick start section"
    code = "\n".join(re.findall(r"```[^\n]*\n(.*?)```", section[1], re.S)).replace("\\\n", " ")
    return [line.strip().removeprefix("$ ") for line in code.splitlines()
            if line.strip() and not line.strip().startswith("#")]


def test_quick_start_has_two_commands_and_ci_runs_the_second() -> None:
    commands = _quickstart()
    assert len(commands) == 2
    assert "dprk-kg query" in commands[0]
    assert commands[1] in (ROOT / ".ci" / "run").read_text()


def test_every_command_has_help_and_a_readme_example() -> None:
    documented = {e.command.split()[0] for e in EXAMPLES if e.command}
    for command in cli.app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        assert command.callback.__doc__, f"{name} has no help text"
        assert name in documented, f"README has no `$ dprk-kg {name}` console example"


def test_readme_examples_run_as_documented() -> None:
    with readme_examples.sandbox():
        for example in EXAMPLES:
            code, output = readme_examples.run(example)
            where = f"README.md:{example.line}: dprk-kg {example.command}"
            assert code == example.exit_code, f"{where} exited {code}: {output}"
            # The whole output, as documented (batch ids and times aside), as of the pinned day.
            assert [readme_examples.stable(line) for line in output] == \
                [readme_examples.stable(line) for line in example.output], \
                f"{where}: refresh with scripts/readme_examples.py --write"


def test_the_python_example_runs(store_dir: Path) -> None:
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_pictures_the_readme_shows_exist() -> None:
    links = re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", README.read_text(encoding="utf-8"))
    assert links, "the README shows no picture"
    for link in links:
        assert link.startswith("http") or (ROOT / link).is_file(), f"README links a missing picture: {link}"
