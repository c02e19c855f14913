"""dprk-kg against the plain rdflib + pyshacl stack, in one run, on a synthetic graph.

    .venv/bin/python benchmarks/run.py --size 100k [--cap 600] [--json OUT]

Generates the graph (benchmarks/generate.py), then measures each step on both sides, each
side in a process of its own (benchmarks/workers.py): build time and peak memory, every
named query (median latency, and whether both sides return the same rows), a CLI call end
to end, validating a 100-triple batch (same verdict, same problems), validating the whole
graph, and each export format of the dual-power and hierarchy views. A naive step that runs
past ``--cap`` seconds is killed and reported as "> cap"; a piece of dprk-kg that is not
written yet is reported as "not available", never as a number. Prints a markdown table and
writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import queue
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "src")]  # generate.py, and the dprk-kg of this tree

import generate  # noqa: E402  (a sibling script, not a package)

#: Export formats measured for each view.
EXPORT_FORMATS = ["graphml", "gexf", "dot", "cytoscape", "html", "svg", "png"]
EXPORT_VIEWS = ["dual-power", "hierarchy"]
#: Formats drawn as pictures: exported for one province where the view takes a unit.
PICTURES = {"svg", "png"}
UNIT_VIEWS = {"dual-power"}
#: Seconds spent repeating one query or export before taking the median of what ran.
REPEAT_BUDGET = 20.0


@dataclass
class Row:
    """One line of the table: a measurement on both sides."""

    group: str
    measure: str
    project: float | str | None = None  # seconds or MB, "timeout", or None (not measured)
    naive: float | str | None = None  # a number, "timeout", or None (not measured)
    unit: str = "s"
    note: str = ""
    same: bool | None = None  # both sides gave the same answer

    @property
    def ratio(self) -> float | None:
        if isinstance(self.naive, (int, float)) and isinstance(self.project, (int, float)) and self.project:
            return self.naive / self.project
        return None


@dataclass
class Answer:
    ok: Any = None
    missing: str | None = None
    error: str | None = None
    timeout: bool = False

    @property
    def problem(self) -> str | None:
        if self.missing:
            return f"not available: {self.missing}"
        if self.error and self.error.startswith("UserError: "):  # dprk-kg declined, by design
            return f"refused: {self.error.removeprefix('UserError: ')}"
        if self.error:
            return f"error: {self.error}"
        return None


class Side:
    """One worker process (benchmarks/workers.py), restarted after a step is killed.

    ``setup`` commands are replayed, untimed, whenever the process is (re)started, so that a
    step after a killed one finds the graph loaded again.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.setup: list[dict] = []
        self.process: subprocess.Popen | None = None
        self.lines: queue.Queue[str | None] = queue.Queue()

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "workers.py"), self.name], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=sys.stderr, text=True, start_new_session=True,
            cwd=ROOT)
        self.lines = queue.Queue()
        threading.Thread(target=self._read, args=(self.process, self.lines), daemon=True).start()
        for command in self.setup:
            self._send(command, None)

    @staticmethod
    def _read(process: subprocess.Popen, lines: queue.Queue) -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    def _send(self, command: dict, timeout: float | None) -> Answer:
        assert self.process is not None and self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(command) + "\n")
            self.process.stdin.flush()
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.stop()
            return Answer(timeout=True)
        except BrokenPipeError:
            line = None
        if line is None:
            self.stop()
            return Answer(error=f"the {self.name} worker died (see stderr)")
        return Answer(**json.loads(line))

    def call(self, timeout: float | None = None, **command: Any) -> Answer:
        if self.process is None:
            self.start()
        return self._send(command, timeout)

    def stop(self) -> None:
        if self.process is not None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait()
            self.process = None


class NoSide(Side):
    """The naive side left out (``--skip naive``): every step says so instead of a figure.

    For sizes where only dprk-kg's absolute figures are asked for (every query under 1 s at
    3M), since rdflib needs hours and many GB there.
    """

    def call(self, timeout: float | None = None, **command: Any) -> Answer:
        return Answer(missing="the naive side was skipped (--skip naive)")


def median(times: list[float]) -> float:
    return statistics.median(times)


class Benchmark:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.cap = args.cap
        # dprk-kg's own steps: past this they are a bug, not a slow baseline (see --project-cap).
        self.project_cap = args.project_cap or args.cap
        self.rows: list[Row] = []
        # The generator's own hash in the name: data from an older generator is never reused.
        version = hashlib.sha256(Path(generate.__file__).read_bytes()).hexdigest()[:8]
        self.work = Path(args.workdir) / f"size-{args.size}-seed-{args.seed}-{version}"
        self.store = self.work / "store"
        self.info: dict[str, Any] = {}

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        print(f"  {row.group} / {row.measure}: project={fmt(row.project, row.unit, self.project_cap)} "
              f"naive={fmt(row.naive, row.unit, self.cap)} {row.note}", file=sys.stderr, flush=True)
        return row

    # -- data ------------------------------------------------------------------------------
    def generate(self) -> None:
        nq, ttl, batch = (self.work / n for n in ("synthetic.nq", "synthetic.ttl", "batch.ttl"))
        start = time.perf_counter()
        if not (nq.exists() and ttl.exists() and batch.exists()):
            count = generate.generate(self.args.size, [nq, ttl], self.args.seed)
            generate.generate_batch(self.args.size, batch, self.args.seed)
            (self.work / "count").write_text(str(count))
        self.info["synthetic_triples"] = int((self.work / "count").read_text())
        self.info["generate_seconds"] = time.perf_counter() - start
        self.nq, self.ttl, self.batch = nq, ttl, batch

    def shipped_turtle(self) -> list[str]:
        """The ontology and base graph files that the store also holds (both sides load them)."""
        from dprk_kg import resources

        return [str(p) for p in [*resources.ontology_files(), *resources.graph_files()]]

    # -- steps -----------------------------------------------------------------------------
    def build(self, project: Side, naive: Side) -> None:
        """The store built from the files (each input format) against rdflib's parse."""
        files = [*self.shipped_turtle(), str(self.ttl)]
        parsed = naive.call(self.cap, op="parse", files=files)
        naive.setup = [{"op": "parse", "files": files}]  # replayed if the worker is restarted
        if parsed.ok:
            self.info["triples"] = parsed.ok["triples"]
        for data, label in [(self.ttl, "Turtle"), (self.nq, "N-Quads")]:
            builder = Side("project")  # a fresh process, so its peak memory is the build's
            built = builder.call(self.project_cap, op="build", store_dir=str(self.store), data=str(data))
            builder.stop()
            note = built.problem or ("> cap" if built.timeout else "")
            self.add(Row("build", f"build the store, data in {label} (rdflib: parse Turtle)",
                         project=_value(built, "seconds"), naive=_value(parsed, "seconds", self.cap),
                         note=note or (parsed.problem or "")))
            self.add(Row("build", "peak memory of that build (rdflib: of its parse)",
                         project=_value(built, "peak_mb"), naive=_value(parsed, "peak_mb"), unit="MB"))
        opened = project.call(self.project_cap, op="open", store_dir=str(self.store))
        project.setup = [{"op": "open", "store_dir": str(self.store)}]
        self.add(Row("build", "open the built store (first use)", project=_value(opened, "seconds"),
                     note=opened.problem or f"{opened.ok['triples']:,} triples"))
        if opened.ok:  # the store's count, when rdflib did not parse (or was skipped)
            self.info.setdefault("triples", opened.ok["triples"])

    def queries(self, project: Side, naive: Side) -> None:
        listed = project.call(self.project_cap, op="queries", size=self.args.size, seed=self.args.seed)
        if listed.problem or listed.timeout:
            self.add(Row("queries", "named queries", note=listed.problem or "> cap"))
            return
        if not listed.ok:
            self.add(Row("queries", "named queries", note="not available: queries/ holds no named query yet"))
        for name, q in listed.ok.items():
            if "missing" in q:
                self.add(Row("queries", name, note=f"not run: {q['missing']}"))
                continue
            mine = project.call(self.project_cap, op="query", name=name, given=q["given"],
                                repeat=self.args.repeat, budget=REPEAT_BUDGET)
            theirs = naive.call(self.cap, op="query", text=q["text"],
                                repeat=self.args.repeat, budget=REPEAT_BUDGET)
            row = Row("queries", name, project=_median(mine, self.project_cap), naive=_median(theirs, self.cap))
            if mine.ok and theirs.ok:
                row.same = mine.ok["rows"] == theirs.ok["rows"]
                row.note = (f"{len(mine.ok['rows'])} rows, same on both sides" if row.same else
                            f"ROWS DIFFER: {len(mine.ok['rows'])} vs {len(theirs.ok['rows'])}")
            else:
                row.note = "; ".join(filter(None, [mine.problem, theirs.problem]))
            if mine.timeout:
                row.note += " dprk-kg past the cap (a plan that explodes is a bug)"
            self.add(row)

    def cli(self) -> None:
        """Commands end to end, as a user types them: process wall time, median of 3.

        The batch validation runs first after the build here, so its figure includes any
        cache the store fills on first use. It exits 1: the batch holds injected errors.
        """
        narrow = {"COLUMNS": "80"}  # the table laid out for a terminal, as a user sees it
        commands = [("`dprk-kg --version` (start-up alone)", ["--version"], 0, {}),
                    ("`dprk-kg query dual-power`", ["query", "dual-power"], 0, {}),
                    ("`dprk-kg query dual-power` at 80 columns", ["query", "dual-power"], 0, narrow),
                    ("`dprk-kg query dual-power --wide` at 80 columns (records)",
                     ["query", "dual-power", "--wide"], 0, narrow),
                    ("`dprk-kg find` a misspelt name", ["find", "South Hamgyung"], 0, narrow),
                    ("`dprk-kg validate` a 100-triple batch", ["validate", str(self.batch)], 1, {})]
        # `python -m dprk_kg` is the `dprk-kg` script, pinned to this tree's code.
        for label, args, expected, extra in commands:
            env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **extra}
            command = [sys.executable, "-m", "dprk_kg", "--store", str(self.store), *args]
            times, status, err = [], expected, ""
            for _ in range(3):
                start = time.perf_counter()
                try:
                    done = subprocess.run(command, capture_output=True, text=True, timeout=self.project_cap, env=env)
                except (OSError, subprocess.TimeoutExpired) as e:
                    err = str(e)
                    break
                times.append(time.perf_counter() - start)
                status, err = done.returncode, " ".join(done.stderr.strip().splitlines()[-1:])
                if status != expected:
                    break
            row = Row("cli", f"{label} (process wall time)")
            if times and status == expected:
                row.project, row.note = median(times), f"first run {times[0]:.2f} s"
            else:
                row.note = f"not available: exit {status}: {err}"
            self.add(row)

    def validation(self, project: Side, naive: Side) -> None:
        """The whole graph, then the graph plus the batch: verdicts and problems compared.

        A batch's problems are those of the union that the graph alone does not have (pyshacl's
        full validation of the graph is the baseline; the generated graph conforms, so it is
        normally empty).
        """
        shapes = ROOT / "ontology" / "shapes.ttl"
        if not shapes.exists():
            for label in ("validate the whole graph", "validate a 100-triple batch"):
                self.add(Row("validation", label, note="not available: ontology/shapes.ttl does not exist yet"))
            return
        full_mine = project.call(self.project_cap, op="validate", batch=None)
        full_theirs = naive.call(self.cap, op="validate", shapes=str(shapes), batch=None)
        self.add(self._compare("validate the whole graph", full_mine, full_theirs))
        baseline = {tuple(p) for p in (full_theirs.ok or full_mine.ok or {}).get("problems", [])}
        batch_mine = project.call(self.project_cap, op="validate", batch=str(self.batch))
        batch_theirs = naive.call(self.cap, op="validate", shapes=str(shapes), batch=str(self.batch))
        for answer in (batch_mine, batch_theirs):
            if answer.ok:
                answer.ok["problems"] = [p for p in answer.ok["problems"] if tuple(p) not in baseline]
        row = self.add(self._compare("validate a 100-triple batch against the graph",
                                     batch_mine, batch_theirs))
        injected = json.loads(self.batch.with_suffix(".json").read_text())["errors"]
        if batch_mine.ok:
            flagged = set(batch_mine.ok["nodes"])
            missed = [e["kind"] for e in injected if f"<{e['node']}>" not in flagged]
            row.note += f"; dprk-kg flagged {len(injected) - len(missed)}/{len(injected)} injected errors"
            if missed:
                row.note += f" (missed: {', '.join(missed)})"

    def _compare(self, label: str, mine: Answer, theirs: Answer) -> Row:
        row = Row("validation", label, project=_value(mine, "seconds", self.project_cap),
                  naive=_value(theirs, "seconds", self.cap))
        notes = [a.problem for a in (mine, theirs) if a.problem]
        if mine.ok and theirs.ok:
            row.same = (mine.ok["conforms"] == theirs.ok["conforms"]
                        and mine.ok["problems"] == theirs.ok["problems"])
            verdict = "conforms" if mine.ok["conforms"] else "does not conform"
            count = f"{len(mine.ok['problems'])} problems"
            notes.append(f"same verdict ({verdict}) and problems ({count})" if row.same else
                         f"DIFFERENT: dprk-kg {verdict}, {count}; pyshacl "
                         f"{'conforms' if theirs.ok['conforms'] else 'does not conform'}, "
                         f"{len(theirs.ok['problems'])} problems")
        elif mine.ok:
            notes.append(("conforms" if mine.ok["conforms"] else "does not conform")
                         + f", {len(mine.ok['problems'])} problems")
        row.note = "; ".join(notes)
        return row

    def exports(self, project: Side) -> None:
        """Every format of both views; dual-power pictures of one province (a whole view is
        too big to draw legibly, and dprk-kg refuses it: that refusal is reported as such)."""
        out = self.work / "exports"
        out.mkdir(exist_ok=True)
        province = generate.unit_iri("Province", self.args.size, self.args.seed)
        for view in EXPORT_VIEWS:
            for fmt_name in EXPORT_FORMATS:
                unit = province if fmt_name in PICTURES and view in UNIT_VIEWS else None
                answer = project.call(self.project_cap, op="export", view=view, fmt=fmt_name, unit=unit,
                                      out=str(out / f"{view}.{fmt_name}"), repeat=3, budget=REPEAT_BUDGET)
                note = answer.problem or ("> cap" if answer.timeout else f"{answer.ok['bytes']:,} bytes")
                label = f"{view} as {fmt_name}" + (" (one province)" if unit else "")
                self.add(Row("export", label, project=_median(answer, self.project_cap), note=note))
                if answer.missing:
                    return  # the module is missing: one row says so

    def deputies(self, project: Side, naive: Side) -> None:
        """A whole local election's deputies (``--deputies``, 28,000 by default) validated and
        added through the CLI on a copy of the store, each command a fresh process (its wall
        time and its own peak memory); pyshacl validates the same batch over the whole graph.

        Around the add: a named query before and after it (an add must not slow the reads
        that follow), and a store copied elsewhere must keep its caches (its first validate
        as fast as the original's). With ``--baseline REV`` the same validate and add run
        with the code of REV too, each on its own copy of the store, in turns with this
        tree's, and each row of this tree says its ratio to the baseline's.
        """
        batch = self.work / f"deputies-{self.args.deputies}.ttl"
        count = batch.with_suffix(".count")
        if not (batch.exists() and count.exists()):
            count.write_text(str(generate.generate_deputies(self.args.size, self.args.deputies,
                                                            batch, self.args.seed)))
        triples = int(count.read_text())
        what = f"{self.args.deputies:,} deputies ({triples:,} triples)"
        store = self.fresh_copy("store-deputies")
        baseline = self.baseline_tree() if self.args.baseline else None
        old_store = self.fresh_copy("store-deputies-baseline") if baseline else None

        def cli(args: list[str], at: Path = store, src: Path = ROOT / "src"
                ) -> tuple[float | None, float | None, str]:
            return run_process([sys.executable, "-m", "dprk_kg", "--store", str(at), *args],
                               {**os.environ, "PYTHONPATH": str(src)}, self.project_cap)

        def against_baseline(label: str, args: list[str]) -> tuple[Row, Row]:
            """``args`` run with the baseline's code (if any), then with this tree's."""
            old = None
            if baseline is not None:
                seconds, peak, note = cli(args, old_store, baseline[0])
                old = (self.add(Row("deputies", f"{label}, baseline {baseline[1]}",
                                    project=seconds, note=note)), peak)
                self.add(Row("deputies", f"peak memory of that {args[0]}, baseline {baseline[1]}",
                             project=peak, unit="MB"))
            seconds, peak, note = cli(args)
            row = self.add(Row("deputies", label, project=seconds, note=note))
            memory = self.add(Row("deputies", f"peak memory of that {args[0]}", project=peak,
                                  unit="MB"))
            if old is not None:
                for mine, theirs in ((row, old[0].project), (memory, old[1])):
                    if isinstance(mine.project, float) and isinstance(theirs, float):
                        mine.note = "; ".join(filter(None, [
                            mine.note, f"{theirs / mine.project:.2f}× the baseline's"]))
            return row, memory

        before, _, note = cli(["query", "dual-power"])
        self.add(Row("deputies", "`dprk-kg query dual-power` before the add", project=before, note=note))
        row, _ = against_baseline(f"`dprk-kg validate` {what}", ["validate", str(batch)])
        if "naive" not in self.args.skip:
            theirs = naive.call(self.cap, op="validate",
                                shapes=str(ROOT / "ontology" / "shapes.ttl"), batch=str(batch))
            row.naive = _value(theirs, "seconds", self.cap)
            if theirs.ok:
                verdict = "conforms" if theirs.ok["conforms"] else "does not conform"
                row.same = (theirs.ok["conforms"] == row.note.startswith("exit 0"))
                row.note += f"; pyshacl: {verdict}" + ("" if row.same else " (DIFFERENT VERDICT)")
            elif theirs.timeout:
                row.note += "; pyshacl past the cap"
        against_baseline(f"`dprk-kg add` {what}", ["add", str(batch)])
        after, _, note = cli(["query", "dual-power"])
        self.add(Row("deputies", "`dprk-kg query dual-power` right after the add", project=after,
                     note=note))
        ask, _, note = cli(["sparql", "ASK {}"])
        self.add(Row("deputies", "`dprk-kg sparql 'ASK {}'` after the add", project=ask, note=note))
        copy = self.fresh_copy("store-moved")
        original, _, note = cli(["validate", str(self.batch)], self.store)
        moved, _, moved_note = cli(["validate", str(self.batch)], copy)
        self.add(Row("deputies", "first `validate` of the 100-triple batch on the store",
                     project=original, note=note))
        self.add(Row("deputies", "the same on a copy of the store moved elsewhere",
                     project=moved, note=moved_note))
        for path in (copy, store, old_store):
            if path is not None:
                shutil.rmtree(path, ignore_errors=True)
        if self.args.pyshacl_deputies:
            self.pyshacl_slice(project, batch)

    def pyshacl_slice(self, project: Side, batch: Path) -> None:
        """pyshacl beside dprk-kg on the first ``--pyshacl-deputies`` deputies of the batch.

        pyshacl over the whole store and the batch does not finish (past 900 s at 1M; about
        0.7 s a deputy over the slice alone), so it is given the slice, the ontology and the
        stored triples the slice's stored nodes reach in two steps forward; dprk-kg validates
        the same slice against the whole store. The problems compared are those of the
        slice: each side's minus those pyshacl reports on that context alone.
        """
        n = self.args.pyshacl_deputies
        part, context = self.work / f"deputies-first-{n}.ttl", self.work / f"deputies-first-{n}-context.nt"
        made = project.call(self.project_cap, op="deputies_slice", batch=str(batch), deputies=n,
                            out=str(part), context=str(context), hops=2)
        if not made.ok:
            self.add(Row("deputies", "pyshacl beside dprk-kg", note=made.problem or "> cap"))
            return
        shapes = str(ROOT / "ontology" / "shapes.ttl")
        pyshacl = Side("naive")  # its own process: no whole graph parsed, its own peak memory
        try:
            alone = pyshacl.call(self.cap, op="validate_files", shapes=shapes, files=[str(context)])
            theirs = pyshacl.call(self.cap, op="validate_files", shapes=shapes,
                                  files=[str(context), str(part)])
        finally:
            pyshacl.stop()
        mine = project.call(self.project_cap, op="validate", batch=str(part))
        baseline = {tuple(p) for p in (alone.ok or {}).get("problems", [])}
        for answer in (mine, theirs):
            if answer.ok:
                answer.ok["problems"] = [p for p in answer.ok["problems"] if tuple(p) not in baseline]
        row = self.add(self._compare(
            f"validate the first {n:,} deputies of that batch ({made.ok['triples']:,} triples; "
            f"pyshacl: with the ontology and the {made.ok['context']:,} stored triples they "
            "reach in two steps, not the whole store)", mine, theirs))
        row.group = "deputies"
        if alone.ok:
            row.note += (f"; pyshacl on that context alone: {alone.ok['seconds']:.1f} s, "
                         f"{len(baseline)} problems (left out on both sides)")

    def fresh_copy(self, name: str) -> Path:
        """A copy of the built store under ``name`` in the work folder (replacing any)."""
        copy = self.work / name
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(self.store, copy, symlinks=True)
        return copy

    def baseline_tree(self) -> tuple[Path, str]:
        """The ``src`` folder of ``--baseline`` (a git revision of this repository, exported
        whole, once, into the work folder: the code reads its shapes and ontology beside it),
        and the revision's short hash."""
        sha = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--verify",
                              f"{self.args.baseline}^{{commit}}"], capture_output=True, text=True,
                             check=True).stdout.strip()[:12]
        tree = self.work / f"baseline-{sha}"
        if not (tree / "src").is_dir():
            tree.mkdir(parents=True, exist_ok=True)
            archive = subprocess.run(["git", "-C", str(ROOT), "archive", sha],
                                     capture_output=True, check=True).stdout
            subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
        return tree / "src", sha

    def run(self) -> None:
        self.work.mkdir(parents=True, exist_ok=True)
        print(f"generating {self.args.size} triples in {self.work} ...", file=sys.stderr, flush=True)
        self.generate()
        project = Side("project")
        naive = NoSide("naive") if "naive" in self.args.skip else Side("naive")
        steps = {"build": lambda: self.build(project, naive),
                 "queries": lambda: self.queries(project, naive), "cli": self.cli,
                 "validation": lambda: self.validation(project, naive),
                 "export": lambda: self.exports(project),
                 "deputies": lambda: self.deputies(project, naive)}
        try:
            for name, step in steps.items():
                if name in self.args.skip and name != "build":  # the others need the store
                    self.add(Row(name, "all", note="skipped (--skip)"))
                else:
                    step()
        finally:
            project.stop()
            naive.stop()


def run_process(command: list[str], env: dict[str, str], cap: float
                ) -> tuple[float | None, float | None, str]:
    """Run ``command``: its wall time, its own peak memory (MB) and "exit N: last stderr line
    (CPU s)".

    ``os.wait4`` gives the process's own resource use, where ``RUSAGE_CHILDREN`` would
    give the largest of every child so far. Past ``cap`` seconds it is killed (time None).
    """
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tail: list[bytes] = []
    reader = threading.Thread(target=lambda: tail.extend(process.stderr.readlines()[-1:]), daemon=True)
    reader.start()
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() - start > cap:
            process.kill()
            os.wait4(process.pid, 0)
            return None, None, "> cap"
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join(5)
    last = tail[0].decode("utf-8", "replace").strip() if tail else ""
    cpu = usage.ru_utime + usage.ru_stime  # what a busy machine does not inflate
    return seconds, usage.ru_maxrss / 1024, f"exit {process.returncode}: {last[:160]} (CPU {cpu:.1f} s)"


def _value(answer: Answer, key: str, cap: float | None = None) -> float | str | None:
    if answer.timeout and cap is not None:
        return "timeout"
    return answer.ok[key] if answer.ok else None


def _median(answer: Answer, cap: float) -> float | str | None:
    if answer.timeout:
        return "timeout"
    return median(answer.ok["times"]) if answer.ok else None


def fmt(value: float | str | None, unit: str, cap: float) -> str:
    if value is None:
        return "—"
    if value == "timeout":
        return f"> {cap:g} s"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if value < 1:
        return f"{value * 1000:.1f} ms"
    return f"{value:.2f} s"


def ratio_text(row: Row, cap: float) -> str:
    if row.ratio is not None:
        return f"{row.ratio:,.1f}×" if row.ratio >= 1 else f"{row.ratio:.2g}×"
    if row.naive == "timeout" and isinstance(row.project, (int, float)) and row.project:
        return f"> {cap / row.project:,.0f}×"
    return ""


def machine() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for package in ("pyoxigraph", "rdflib", "pyshacl", "networkx", "dprk-kg"):
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"nproc": os.cpu_count(), "ram_gb": round(memory, 1), "python": platform.python_version(),
            "load_average": os.getloadavg()[0],
            "platform": platform.platform(), "cpu": _cpu_model(), "packages": versions}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def table(bench: Benchmark) -> str:
    m = machine()
    info = bench.info
    lines = [f"Size {bench.args.size:,} requested: {info.get('synthetic_triples', 0):,} synthetic triples, "
             f"{info.get('triples', 0):,} loaded with the ontology and base graph; cap {bench.cap:g} s. "
             f"Machine: {m['nproc']} cores ({m['cpu']}), {m['ram_gb']} GB RAM, load average "
             f"{info.get('load_average_at_start', 0):.1f} at the start and {m['load_average']:.1f} at the end, "
             f"Python {m['python']}, "
             + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v) + ".", "",
             "| step | measurement | dprk-kg | rdflib + pyshacl | naive ÷ dprk-kg | note |",
             "|---|---|---:|---:|---:|---|"]
    for r in bench.rows:
        lines.append(f"| {r.group} | {r.measure} | {fmt(r.project, r.unit, bench.cap)} | "
                     f"{fmt(r.naive, r.unit, bench.cap)} | {ratio_text(r, bench.cap)} | {r.note} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=generate.parse_size, default=generate.SIZES["100k"],
                        help="100k, 1M, 3M or a number of triples")
    parser.add_argument("--cap", type=float, default=600, help="seconds a step may take (default 600)")
    parser.add_argument("--project-cap", type=float, help="seconds a step of dprk-kg's own may take "
                        "(default: --cap); a short --cap that keeps a smoke run's baseline steps brief "
                        "would otherwise cut dprk-kg's steps on a loaded machine")
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--skip", type=lambda v: set(v.split(",")), default=set(),
                        help="steps to leave out, comma-separated: queries,cli,validation,export,deputies; "
                             "naive leaves out the rdflib + pyshacl side")
    parser.add_argument("--deputies", type=int, default=28_000,
                        help="deputies in the batch of real size (default 28000: a local election)")
    parser.add_argument("--baseline", metavar="REV",
                        help="also run the deputies' validate and add with the code of this git "
                             "revision (e.g. main), in the same run, for before/after ratios")
    parser.add_argument("--pyshacl-deputies", type=int, default=0, metavar="N",
                        help="also validate the first N deputies of the batch with pyshacl (over "
                             "the slice, the ontology and the stored triples it reaches) beside "
                             "dprk-kg: about 0.7 s a deputy for pyshacl; off by default")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "dprk-kg-bench"),
                        help="where the generated data and the store go")
    args = parser.parse_args(argv)
    # A SIGTERM unwinds like an error, so the workers are stopped rather than orphaned.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    bench = Benchmark(args)
    bench.info["load_average_at_start"] = os.getloadavg()[0]
    bench.run()
    print(table(bench))
    if args.json:
        args.json.write_text(json.dumps({
            "size": args.size, "cap": args.cap, "machine": machine(), "info": bench.info,
            "rows": [{**asdict(r), "ratio": r.ratio} for r in bench.rows]}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
