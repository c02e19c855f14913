"""Add, list and remove batches of facts: validated first, committed all or nothing.

A batch is one TriG file in ``<store>/batches/<id>.trig`` holding its facts outside any
GRAPH block (the build puts them in the file's own named graph, ``.../graph/batch/<id>``) and
its metadata (``dprk:Batch``: when, by which OS user, from which files, on which source) in
``GRAPH <.../graph/batches>``. The files are the truth; the store is
an index that :mod:`dprk_kg.build` rebuilds from them, so ``build --force`` gives the same graph.

Why the steps are in this order (all under the store's write lock, so writers queue):

1. validate the batch against the store (nothing changes if it fails), and leave out the
   triples the graph already holds (a fact is a fact once; a batch of nothing new adds none);
2. write the file to a temporary name in ``batches/``, flush and fsync it;
3. ``rename`` it to ``<id>.trig`` and fsync the folder: **the commit point**. A crash before
   it leaves only a ``.part`` file, which the build ignores and the next writer deletes;
4. load that file into the index (the bulk loader, then a flush: see
   :meth:`dprk_kg.store.EmbeddedStore.add_file`);
5. record the new file in the build manifest, compacting the index first when the writes
   since its last compaction call for it (:func:`dprk_kg.build.record_inputs`).

A crash after 3 but before 5 leaves the index behind the files, or half-updated; either way
the manifest does not list the new file yet, so the build's staleness check
sees a file the manifest lacks and rebuilds the index from the files on the next start, so
the graph is exactly "after". Removing is the mirror image: the file is deleted (the commit
point), then the index and the manifest follow.
"""

from __future__ import annotations

import datetime
import getpass
import re
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, cast

import pyoxigraph as ox

from dprk_kg import build as builder
from dprk_kg import namespaces
from dprk_kg.errors import UserError
from dprk_kg.files import fsync_folder, write_atomically
from dprk_kg.gcpause import gc_paused
from dprk_kg.parse import Batch, expand_iri, read_files
from dprk_kg.store import EmbeddedStore, Store, lexical, row_triple
from dprk_kg.names import (NameIndex, judgements_file, name_index_for, names_in,
                            refresh_name_index)
from dprk_kg.validation import Report, Shapes, load_shapes, validate_batch

if TYPE_CHECKING:  # the API calls this module; the import would be a cycle at run time
    from dprk_kg.api import KnowledgeGraph

XSD = namespaces.PREFIXES["xsd"]
DCTERMS = namespaces.PREFIXES["dcterms"]
META = ox.NamedNode(namespaces.BATCHES_META_GRAPH)
#: Prefixes of batch files. Entity IRIs are written in full: ``kg:person\/x`` (Turtle must
#: escape the slash) would be harder to read and to grep than the IRI itself.
FILE_PREFIXES = {p: iri for p, iri in namespaces.PREFIXES.items()
                 if p not in ("kg", "sh", "dprksh")}
#: Tries at getting an up-to-date index under the lock before giving up (another process
#: keeps changing the files under us).
_ATTEMPTS = 3


@dataclass
class BatchInfo:
    """One added batch, as ``dprk-kg batches`` lists it."""

    id: str
    created: str
    user: str
    files: list[str]
    source: str | None
    triples: int


@dataclass
class Outcome:
    """What ``add`` or ``remove`` did: the validation report, and the batch if it landed.

    ``known`` counts the batch's triples the graph already held: a fact is a fact once, so
    they are not stored again. A conforming batch of nothing but known facts adds no batch,
    and that is not a failure.
    """

    report: Report
    batch: BatchInfo | None
    known: int = 0

    @property
    def nothing_new(self) -> bool:
        return self.batch is None and self.report.conforms and self.known > 0

    @property
    def exit_code(self) -> int:
        return 0 if self.batch is not None or self.nothing_new else 1

    @property
    def summary(self) -> str:
        """One line for the user: what landed, or why nothing did."""
        if self.nothing_new:
            return (f"nothing new: the graph already holds all {self.known} triples of the "
                    "batch; no batch was added")
        if self.batch is None:
            return "nothing was added"
        known = f"; {self.known} already in the graph, not stored again" if self.known else ""
        return f"added batch {self.batch.id} ({self.batch.triples} triples{known})"


def _term(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(namespaces.PREFIXES[prefix] + local)


# -- the live index, under the lock -----------------------------------------------------------

@contextmanager
def writable(store_dir: Path) -> Iterator[EmbeddedStore]:
    """The store's live index opened for writing, under the write lock, up to date with the files.

    The build takes the same lock, so a stale index is rebuilt outside it and checked again
    inside, until it holds still.
    """
    store_dir = Path(store_dir)
    for _ in range(_ATTEMPTS):
        builder.ensure_built(store_dir)
        with builder.write_lock(store_dir):
            if builder.is_stale(store_dir):
                continue
            _remove_partial_files(store_dir)
            index = builder.current_index(store_dir)
            assert index is not None  # ensure_built made it
            store = EmbeddedStore(index)
            try:
                yield store
            finally:
                store.close()
            return
    raise UserError("the store's files kept changing while waiting to write; try again",
                    file=str(store_dir))


def _remove_partial_files(store_dir: Path) -> None:
    """Delete the temporary files of writers that crashed before their commit point."""
    for part in builder.batches_dir(store_dir).glob(".*.part"):
        part.unlink(missing_ok=True)


# -- add --------------------------------------------------------------------------------------

@gc_paused()
def add(kg: KnowledgeGraph, paths: Iterable[Path], *, source: str | None = None, fmt: str | None = None,
        shapes: Path | None = None, progress: bool = True) -> Outcome:
    """Validate the files and, if they conform, commit them as one new batch.

    ``kg`` is a :class:`dprk_kg.api.KnowledgeGraph`; on a remote server the batch file is kept
    locally and the server gets the same graphs in one update.
    """
    paths = list(paths)
    batch = read_files(paths, fmt, progress=progress)
    rules = load_shapes(shapes)
    store_dir = Path(kg.store_dir)
    if kg.remote:
        with builder.write_lock(store_dir):
            return _commit_add(kg.store, store_dir, batch, paths, source, rules)[0]
    with writable(store_dir) as store:
        names = name_index_for(store_dir, builder.index_stamp(store_dir))
        outcome, new = _commit_add(store, store_dir, batch, paths, source, rules, names)
        if outcome.batch is not None:
            builder.record_inputs(store_dir, store)
            if names is not None:  # keep the cache valid rather than rebuild it next time
                refresh_name_index(names, builder.index_stamp(store_dir), names_in(new))
        return outcome


def _commit_add(store: Store, store_dir: Path, batch: Batch, paths: list[Path],
                source: str | None, shapes: Shapes, names: NameIndex | None = None
                ) -> tuple[Outcome, list[ox.Triple]]:
    """Validate and commit; returns the outcome and the triples stored."""
    present: dict = {}  # the validation's answers: which nodes the store has
    report = validate_batch(store, batch, shapes=shapes, judgements=judgements_file(store_dir),
                            name_index=names, present=present)
    if not report.conforms:
        return Outcome(report, None), []
    new, known = split_known(store, batch.triples, present)
    if not new:
        return Outcome(report, None, len(known)), []
    batch_id = new_batch_id(paths)
    graph = ox.NamedNode(namespaces.BATCH_GRAPH + batch_id)
    info = BatchInfo(batch_id, datetime.datetime.now(datetime.timezone.utc).isoformat(
        timespec="seconds"), getpass.getuser(), [str(Path(p).resolve()) for p in paths], source,
        len(new))
    meta = [ox.Quad(t.subject, t.predicate, t.object, META) for t in metadata_triples(graph, info)]
    folder = builder.batches_dir(store_dir)
    folder.mkdir(parents=True, exist_ok=True)
    file = folder / f"{batch_id}.trig"
    # The facts outside any GRAPH block: the build puts them in the file's own graph, the
    # batch's; serialized as they are, with no Python object made per quad.
    # pyoxigraph's stubs: serialize takes triples or quads (it takes a mix), and returns bytes
    # when given no output (they say bytes or None).
    facts = cast("list[ox.Triple]", [*new, *meta])
    write_batch_file(file, cast(bytes, ox.serialize(facts, format=ox.RdfFormat.TRIG,
                                                    prefixes=FILE_PREFIXES)))
    store.add_file(file, graph.value)
    return Outcome(report, info, len(known)), new


def split_known(store: Store, triples: list[ox.Triple], present: dict | None = None
                ) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The batch's triples the graph does not hold yet, and those it holds (in any graph).

    Triples with a blank node are always new: a batch's blank nodes are fresh. Only the
    triples of subjects the graph already knows are looked up. ``present`` (node: whether
    the store has it in any triple, as the validation found) answers for the subjects it
    knows, so a batch of new entities needs no lookup at all; the others cost one each.
    """
    unique = list(dict.fromkeys(triples))
    present = present or {}
    ground = [t for t in unique if not isinstance(t.subject, ox.BlankNode)
              and not isinstance(t.object, ox.BlankNode) and present.get(t.subject) is not False]
    unasked = list({(t.subject,) for t in ground if t.subject not in present})
    subjects = {s for s, there in present.items() if there} | \
        {k[0] for k in store.present(unasked)}
    held = {ox.Triple(*k) for k in store.present([(t.subject, t.predicate, t.object)
                                                  for t in ground if t.subject in subjects])}
    if not held:
        return unique, []
    return [t for t in unique if t not in held], [t for t in unique if t in held]


def new_batch_id(paths: list[Path]) -> str:
    """A batch id that sorts by time and says where it came from: ``20240301-101500-holdings-3fa2``."""
    stem = re.sub(r"[^a-z0-9]+", "-", Path(paths[0]).stem.lower()).strip("-")[:40] or "batch"
    now = datetime.datetime.now(datetime.timezone.utc)
    return f"{now:%Y%m%d-%H%M%S}-{stem}-{secrets.token_hex(2)}"


def metadata_triples(graph: ox.NamedNode, info: BatchInfo) -> list[ox.Triple]:
    """The dprk:Batch description of a batch (its triples go to ``.../graph/batches``)."""
    out: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (_term("rdf", "type"), ox.NamedNode(namespaces.DPRK + "Batch")),
           (_term("dcterms", "created"), ox.Literal(info.created, datatype=ox.NamedNode(
               XSD + "dateTime"))),
           (_term("dcterms", "creator"), ox.Literal(info.user))]
    out += [(ox.NamedNode(namespaces.DPRK + "fromFile"), ox.Literal(f)) for f in info.files]
    if info.source:
        try:
            out.append((_term("dcterms", "source"), expand_iri(info.source)))
        except ValueError:
            out.append((_term("dcterms", "bibliographicCitation"), ox.Literal(info.source)))
    return [ox.Triple(graph, p, o) for p, o in out]


def write_batch_file(path: Path, data: bytes) -> None:
    """Write a batch file durably, whole or not at all (see :func:`dprk_kg.files.replacing`);
    a failure to write is one line saying nothing was added."""
    try:
        write_atomically(path, data, durable=True)
    except OSError as e:
        raise UserError(f"cannot write the batch file: {e.strerror or e}; nothing was "
                        "added", file=str(path)) from e


# -- list -------------------------------------------------------------------------------------

def batches(kg: KnowledgeGraph) -> list[BatchInfo]:
    """Every added batch, oldest first, from the metadata graph."""
    return batch_list(kg.store)


def batch_ids(store: Store) -> list[str]:
    """The ids of the added batches, from the metadata graph alone: unlike
    :func:`batch_list`, nothing is counted (at a million triples that scan takes a second)."""
    return sorted(lexical(r["b"])[len(namespaces.BATCH_GRAPH):] for r in store.select(
        f"SELECT ?b WHERE {{ GRAPH <{META.value}> {{ ?b a <{namespaces.DPRK}Batch> }} }}").rows)


def batch_list(store: Store) -> list[BatchInfo]:
    """The batches the metadata graph of ``store`` describes, oldest first."""
    rows = store.select(f"""
        PREFIX dcterms: <{DCTERMS}>
        SELECT ?b ?created ?user ?file ?source ?citation WHERE {{ GRAPH <{META.value}> {{
            ?b a <{namespaces.DPRK}Batch> ; dcterms:created ?created ; dcterms:creator ?user .
            OPTIONAL {{ ?b <{namespaces.DPRK}fromFile> ?file }}
            OPTIONAL {{ ?b dcterms:source ?source }}
            OPTIONAL {{ ?b dcterms:bibliographicCitation ?citation }} }} }}""").rows
    counts = {lexical(r["g"]): int(lexical(r["n"])) for r in store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{namespaces.BATCH_GRAPH}")) }} GROUP BY ?g').rows}
    found: dict[str, BatchInfo] = {}
    for r in rows:
        graph = lexical(r["b"])
        info = found.setdefault(graph, BatchInfo(
            graph[len(namespaces.BATCH_GRAPH):], lexical(r["created"]), lexical(r["user"]), [],
            lexical(r.get("source") or r.get("citation") or ox.Literal("")) or None,
            counts.get(graph, 0)))
        if "file" in r and lexical(r["file"]) not in info.files:
            info.files.append(lexical(r["file"]))
    return sorted(found.values(), key=lambda b: (b.created, b.id))


# -- remove -----------------------------------------------------------------------------------

def remove(kg: KnowledgeGraph, batch_id: str, *, force: bool = False, shapes: Path | None = None) -> Outcome:
    """Take a batch back, unless what is left would break a shape (``force`` overrides).

    Facts of other batches that depend on it (a holding of a person this batch introduced)
    show up as violations of the graph that would remain.
    """
    store_dir = Path(kg.store_dir)
    if not re.fullmatch(r"[A-Za-z0-9._-]+", batch_id):
        raise UserError(f"not a batch id: {batch_id!r} (see `dprk-kg batches`)")
    rules = load_shapes(shapes)
    if kg.remote:
        with builder.write_lock(store_dir):
            return _commit_remove(kg.store, store_dir, batch_id, force, rules)
    with writable(store_dir) as store:
        outcome = _commit_remove(store, store_dir, batch_id, force, rules)
        if outcome.batch is not None:
            builder.record_inputs(store_dir, store)
        return outcome


def _commit_remove(store: Store, store_dir: Path, batch_id: str, force: bool,
                   shapes: Shapes) -> Outcome:
    graph = namespaces.BATCH_GRAPH + batch_id
    file = builder.batches_dir(store_dir) / f"{batch_id}.trig"
    if graph not in store.named_graphs() and not file.exists():
        raise UserError(f"there is no batch {batch_id} (see `dprk-kg batches`)")
    # Only triples no other graph also states disappear from the union.
    gone = [row_triple(r["s"], r["p"], r["o"]) for r in store.select(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
        f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{graph}>) }} }}").rows]
    report = validate_batch(store, Batch(), shapes=shapes, removed=gone,
                            judgements=judgements_file(store_dir))
    if not report.conforms and not force:
        return Outcome(report, None)
    info = next((b for b in batch_list(store) if b.id == batch_id),
                BatchInfo(batch_id, "", "", [], None, 0))
    if file.exists():
        file.unlink()  # the commit point
        fsync_folder(file.parent)
    meta = [q.triple for q in store.quads(META.value) if lexical(q.subject) != graph]
    store.replace_graphs({META.value: meta}, drop=[graph])
    return Outcome(report, info)
