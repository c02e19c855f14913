"""Run the README's console examples and (with --write) put their real output back.

A console example is a fenced block tagged ``console`` whose ``$ dprk-kg ...`` lines are
commands and whose other lines are that command's output. A command that should fail ends
with ``# exit N``. Commands run in process, in a fresh store built from the shipped files,
from the repository root, in README order (so an `add` example is seen by later ones).

    .venv/bin/python scripts/readme_examples.py --write   # refresh the outputs after a change
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DEFAULT_STORE_SHOWN = "~/.local/share/dprk-kg"
EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


@dataclass
class Example:
    command: str  # without the leading "$ dprk-kg"
    exit_code: int
    output: list[str]
    line: int  # 1-based line of the command in the README


def examples(text: str) -> list[Example]:
    """The console examples of a README, in order."""
    found: list[Example] = []
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            inside = line.strip() == "```console" if not inside else False
            continue
        if not inside:
            continue
        if line.startswith("$ "):
            command = line[2:]
            m = EXIT.search(command)
            code = int(m[1]) if m else 0
            command = EXIT.sub("", command)
            if not command.startswith("dprk-kg"):
                raise ValueError(f"README.md:{number}: console examples run dprk-kg only")
            found.append(Example(command[len("dprk-kg"):].strip(), code, [], number))
        elif found:
            found[-1].output.append(line)
    return found


def run(example: Example) -> tuple[int, list[str]]:
    """Run one example in process; its stdout and stderr, as the README shows them."""
    from dprk_kg import cli

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = cli.run(shlex.split(example.command))
    # The sandbox's store stands in for the default one a reader would have.
    text = buffer.getvalue().replace(os.environ["DPRK_KG_STORE"], DEFAULT_STORE_SHOWN)
    return code, [line.rstrip() for line in text.rstrip("\n").splitlines()]


@contextlib.contextmanager
def sandbox():
    """A fresh store, the repository root as working folder, a fixed table width."""
    saved = dict(os.environ), os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(DPRK_KG_STORE=str(Path(tmp) / "store"), COLUMNS="100")
        os.environ.pop("DPRK_KG_ENDPOINT", None)
        os.chdir(ROOT)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved[0])
            os.chdir(saved[1])


def refresh(text: str) -> str:
    """``text`` with every console example's output replaced by what it prints now."""
    lines = text.splitlines()
    found = examples(text)
    with sandbox():
        outputs = [run(e) for e in found]
    for example, (code, output) in reversed(list(zip(found, outputs))):
        if code != example.exit_code:
            raise SystemExit(f"README.md:{example.line}: `dprk-kg {example.command}` exited {code}, "
                             f"not {example.exit_code}:\n" + "\n".join(output))
        start = example.line  # index of the first output line (0-based)
        lines[start:start + len(example.output)] = output
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    new = refresh(README.read_text(encoding="utf-8"))
    if "--write" in sys.argv:
        README.write_text(new, encoding="utf-8")
    else:
        sys.stdout.write(new)
