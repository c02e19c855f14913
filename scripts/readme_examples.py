"""Run the README's console examples and (with --write) put their real output back.

A console example is a fenced block tagged ``console`` whose ``$ dprk-kg ...`` lines are
commands and whose other lines are that command's output. A command that should fail ends
with ``# exit N``. Commands run in process, in a fresh store built from the shipped files,
from the repository root, in README order (so an `add` example is seen by later ones).

    .venv/bin/python scripts/readme_examples.py --write   # refresh the outputs after a change
    .venv/bin/python scripts/readme_examples.py --check   # exit 1 if any output is stale

"Today" is pinned (:data:`TODAY`, through ``$DPRK_KG_TODAY``) so that an "as of today" answer
in the README reads the same on every later day; outputs are compared whole, with only batch
ids and times masked, so a change of the graph or of a command's output is a stale README
until it is refreshed.
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
BATCH_PLACEHOLDER = "<batch-id>"
BATCH_ID = re.compile(r"\b\d{8}-\d{6}-[a-z0-9-]+-[0-9a-f]{4}\b")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")
_seen_batch_ids: list[str] = []


#: The date the README's "as of today" examples are run as of.
TODAY = "2026-12-02"


def stable(line: str) -> str:
    """``line`` with what no README can spell in advance masked: batch ids and times (both
    hold the moment a command ran)."""
    return TIMESTAMP.sub("<time>", BATCH_ID.sub(BATCH_PLACEHOLDER, line))
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
    """Run one example in process; its stdout and stderr, as the README shows them.

    ``<batch-id>`` in a command stands for the newest batch id printed so far (ids hold the
    time, so no README can spell them in advance).
    """
    from dprk_kg import cli

    buffer = io.StringIO()
    command = example.command.replace(BATCH_PLACEHOLDER, _seen_batch_ids[-1] if _seen_batch_ids else "")
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(buffer):
        code = cli.run(shlex.split(command))
    _seen_batch_ids.extend(BATCH_ID.findall(buffer.getvalue()))
    # The sandbox's store stands in for the default one a reader would have.
    text = buffer.getvalue().replace(os.environ["DPRK_KG_STORE"], DEFAULT_STORE_SHOWN)
    return code, [line.rstrip() for line in text.rstrip("\n").splitlines()]


@contextlib.contextmanager
def sandbox():
    """A fresh store, a fixed table width, and a working folder that looks like the
    repository root (its top-level entries linked in), so that files an example writes
    land in a temporary folder."""
    saved = dict(os.environ), os.getcwd()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        work.mkdir()
        for entry in ROOT.iterdir():
            if entry.name not in (".git", ".venv"):
                (work / entry.name).symlink_to(entry)
        os.environ.update(DPRK_KG_STORE=str(Path(tmp) / "store"), COLUMNS="100", DPRK_KG_TODAY=TODAY)
        os.environ.pop("DPRK_KG_ENDPOINT", None)
        _seen_batch_ids.clear()
        os.chdir(work)
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


def stale(text: str, fresh: str) -> list[str]:
    """Where ``text``'s examples differ from ``fresh``'s (batch ids and times aside)."""
    return [f"README.md:{old.line}: dprk-kg {old.command}"
            for old, new in zip(examples(text), examples(fresh))
            if [stable(x) for x in old.output] != [stable(x) for x in new.output]]


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    new = refresh(text)
    if "--write" in sys.argv:
        README.write_text(new, encoding="utf-8")
    elif "--check" in sys.argv:
        differing = stale(text, new)
        print("\n".join(differing) or "README examples are current")
        sys.exit(1 if differing else 0)
    else:
        sys.stdout.write(new)
