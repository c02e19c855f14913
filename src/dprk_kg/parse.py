"""Read the files a user wants to add, safely, into one batch of triples.

Formats: Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML (chosen by extension or named),
and the CSV template for the two commonest facts (see docs/ingest.md). Every problem is one
:class:`~dprk_kg.errors.UserError` naming the file, and the line and column where known.

Why each guard is here:

- pyoxigraph parses as it reads, so a huge file is streamed from disk and held once (as the
  triples), never also as text; a progress bar shows on a terminal.
- pyoxigraph's RDF/XML reader expands internal entities ("billion laughs"), so any DOCTYPE or
  ENTITY declaration is refused before the parser sees the bytes.
- Nothing is fetched: JSON-LD remote contexts are refused by pyoxigraph (no document loader is
  set) and ``owl:imports`` is kept as a fact, never followed, so a file can never make the tool
  reach a network.
- Ill-formed typed literals ("2024-02-30"^^xsd:date) are read as written: validation reports
  them (as SHACL ``sh:datatype`` violations where a shape asks for the type, and as
  violations of their own otherwise; see :func:`literal_problem`), so a bad date is never a
  silently unmatched fact.
- Blank nodes are renamed to fresh ids, so a batch's ``_:b0`` never merges with another's.
- RDF 1.2 triple terms are refused: the checks and pyshacl read none.

>>> batch = read_text('@prefix person: <https://w3id.org/dprk-kg/id/person/> .\\n'
...                   'person:a <http://e/p> "x" .', "turtle", name="a.ttl")
>>> len(batch.triples), batch.where(batch.triples[0].subject)
(1, ('a.ttl', 2))
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Literal, Union, overload

import pyoxigraph as ox

from dprk_kg import namespaces
from dprk_kg.errors import UserError
from dprk_kg.files import Progress

XSD = namespaces.PREFIXES["xsd"]
RDF_TYPE = ox.NamedNode(namespaces.PREFIXES["rdf"] + "type")
#: A triple's subject as pyoxigraph's stubs type it (its parsers give no triple as subject).
Subject = Union[ox.NamedNode, ox.BlankNode, ox.Triple]

#: Format names a user may give with ``--format``, and the extensions that imply them.
FORMATS: dict[str, ox.RdfFormat | str] = {
    "turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG,
    "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML, "csv": "csv",
}
EXTENSIONS = {
    ".ttl": "turtle", ".trig": "trig", ".nt": "ntriples", ".nq": "nquads",
    ".jsonld": "jsonld", ".json": "jsonld", ".rdf": "rdfxml", ".owl": "rdfxml",
    ".xml": "rdfxml", ".csv": "csv",
}

#: Files larger than this get a progress bar (on a terminal) and no subject→line scan.
PROGRESS_BYTES = 8 * 1024 * 1024
LINE_SCAN_BYTES = 32 * 1024 * 1024
_CHUNK = 1 << 20


@dataclass
class Batch:
    """The triples read from one or more files, and where each subject was written."""

    triples: list[ox.Triple] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    lines: dict[Subject, tuple[str, int]] = field(default_factory=dict)
    #: Prefixes the files declared (used to find subjects' lines and in reports).
    prefixes: dict[str, str] = field(default_factory=dict)

    def where(self, node: Subject) -> tuple[str, int] | None:
        """(file, line) where ``node`` was written as a subject, if the parser could tell."""
        return self.lines.get(node)

    def extend(self, other: Batch) -> None:
        self.triples.extend(other.triples)
        self.files.extend(other.files)
        for node, place in other.lines.items():
            self.lines.setdefault(node, place)
        for prefix, iri in other.prefixes.items():
            self.prefixes.setdefault(prefix, iri)


def format_of(path: Path, fmt: str | None = None) -> str:
    """The format name for ``path``: ``fmt`` if given, else from the extension."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise UserError(f"unknown input format {fmt!r}: use one of {', '.join(FORMATS)}")
        return fmt
    name = EXTENSIONS.get(path.suffix.lower())
    if name is None:
        raise UserError(f"unknown format (extension {path.suffix or 'missing'!r}): name it with "
                        f"--input-format, one of {', '.join(FORMATS)}", file=str(path))
    return name


def read_files(paths: Iterable[Path], fmt: str | None = None, *, progress: bool = True) -> Batch:
    """Read every file into one batch; the first bad file stops it with a UserError."""
    batch = Batch()
    for path in paths:
        batch.extend(read_file(Path(path), fmt, progress=progress))
    return batch


def read_file(path: Path, fmt: str | None = None, *, progress: bool = True) -> Batch:
    """Read one file (see the module docstring for what is checked)."""
    name = format_of(path, fmt)
    if not path.exists():
        raise UserError("no such file", file=str(path))
    if not path.is_file():
        raise UserError("not a file", file=str(path))
    size = path.stat().st_size
    if size == 0:
        raise UserError("the file is empty", file=str(path))
    try:
        with path.open("rb") as raw:
            _check_encoding_start(raw.read(4), str(path))
            raw.seek(0)
            if name == "csv":
                return read_csv(_utf8_text(raw, str(path)), name=str(path))
            with Progress(size, "reading " + path.name, enabled=progress and size > PROGRESS_BYTES,
                          delay=0) as bar:
                reader = _GuardedReader(raw, str(path), xml=name == "rdfxml", on_read=bar.advance)
                batch = _read_rdf(reader, FORMATS[name], str(path))  # type: ignore[arg-type]  # not csv: an RdfFormat
    except OSError as e:
        raise UserError(f"cannot read the file: {e.strerror or e}", file=str(path)) from e
    if size <= LINE_SCAN_BYTES and name != "csv":
        _scan_subject_lines(path, batch)
    return batch


def read_text(text: str, fmt: str, *, name: str = "<text>") -> Batch:
    """Read RDF or CSV given as text (tests, notebooks); same checks as :func:`read_file`."""
    fmt = format_of(Path(name), fmt)
    if not text.strip():
        raise UserError("the file is empty", file=name)
    if fmt == "csv":
        batch = read_csv(io.StringIO(text), name=name)
    else:
        reader = _GuardedReader(io.BytesIO(text.encode()), name, xml=fmt == "rdfxml")
        batch = _read_rdf(reader, FORMATS[fmt], name)  # type: ignore[arg-type]  # not csv: an RdfFormat
        _subject_lines(text.splitlines(), batch, name)
    return batch


# -- RDF --------------------------------------------------------------------------------------

def _read_rdf(reader: IO[bytes], fmt: ox.RdfFormat, name: str) -> Batch:
    batch = Batch(files=[name])
    parser = ox.parse(reader, format=fmt, rename_blank_nodes=True)
    try:
        for quad in parser:
            if isinstance(quad.object, ox.Triple):  # the checks and pyshacl read none
                raise UserError(f"a triple term (RDF 1.2) is not supported: {quad.object}; state "
                                "the fact as a triple of its own", file=name)
            batch.triples.append(quad.triple)
    except SyntaxError as e:
        raise _syntax_error(e, name) from e
    if not batch.triples:
        raise UserError("the file holds no facts (only prefixes, comments or nothing)", file=name)
    batch.prefixes = dict(parser.prefixes)
    return batch


def _syntax_error(e: SyntaxError, name: str) -> UserError:
    message = str(e.msg if hasattr(e, "msg") else e)
    message = re.sub(r"^Parser error at line \d+ (?:column \d+|between columns \d+ and \d+): ",
                     "", message)
    message = re.sub(r" \(line \d+\)$", "", message)
    if "LoadDocumentCallback" in message:
        message = ("a remote JSON-LD @context is not fetched (dprk-kg does no network "
                   "access): put the context inline in the file")
    message = message.replace("\r", "\\r").replace("\n", "\\n")  # one line, always
    return UserError(f"syntax error: {message}", file=name, line=e.lineno, column=e.offset)


class _GuardedReader(io.RawIOBase):
    """A byte stream that refuses non-UTF-8 text and XML DOCTYPEs as the parser reads it.

    Checking while reading keeps a huge file streamed once; the parser stops at the first
    refusal, before anything it read is used.
    """

    _DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)

    def __init__(self, raw: IO[bytes], name: str, *, xml: bool,
                 on_read: Callable[[int], None] | None = None) -> None:
        self.raw, self.name, self.xml, self.on_read = raw, name, xml, on_read
        self.decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.line = 1
        self.tail = b""
        self.first = True

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n if n and n > 0 else _CHUNK)
        if self.first:
            self.first = False
            if data.startswith(codecs.BOM_UTF8):
                data = data[len(codecs.BOM_UTF8):]
        try:
            self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as e:
            line = self.line + data[:e.start].count(b"\n")
            what = f"byte 0x{data[e.start]:02x}" if e.start < len(data) else "cut short"
            raise UserError(f"the file is not UTF-8 text ({what}): save it as UTF-8",
                            file=self.name, line=line) from None
        if self.xml and self._DOCTYPE.search(self.tail + data):
            raise UserError("RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity "
                            "expansion and external entities are unsafe): remove it",
                            file=self.name)
        self.line += data.count(b"\n")
        self.tail = data[-16:]
        if self.on_read is not None:
            self.on_read(len(data))
        return data

    # Narrower than io's Buffer, which typeshed gives no slicing: io hands a bytearray or memoryview.
    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _check_encoding_start(head: bytes, name: str) -> None:
    """Name the encoding when it is recognisably UTF-16/32, the usual "wrong encoding"."""
    for bom, encoding in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                          (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if head.startswith(bom):
            raise UserError(f"the file is {encoding}, not UTF-8: save it as UTF-8", file=name)


def _utf8_text(raw: IO[bytes], name: str) -> io.StringIO:
    """The whole of a (small, CSV) file as text, or a UserError naming the bad line."""
    data = raw.read()
    try:
        return io.StringIO(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise UserError(f"the file is not UTF-8 text (byte 0x{data[e.start]:02x}): save it as "
                        "UTF-8", file=name, line=line) from None


# -- where each subject was written -----------------------------------------------------------

def _scan_subject_lines(path: Path, batch: Batch) -> None:
    with path.open(encoding="utf-8-sig") as f:
        _subject_lines(f, batch, str(path))


_FIRST_TOKEN = re.compile(r'\s*(?:"@id"\s*:\s*"([^"]+)"|(<[^>\s]*>|[^\s;,.\[\]()]*:[^\s;,\[\]()]*'
                          r'|[^\s;,\[\]()]+))')


def _subject_lines(lines: Iterable[str], batch: Batch, name: str) -> None:
    """Record the first line where each subject opens a line (Turtle, N-Triples, JSON-LD @id).

    The parsers do not report positions of what they read, so the written forms of each
    subject (full IRI, prefixed names) are looked up at the start of each line. Blank nodes
    take the line of the node that holds them.
    """
    prefixes = {**namespaces.PREFIXES, **batch.prefixes}
    wanted: dict[str, ox.NamedNode] = {}
    for t in batch.triples:
        s = t.subject
        if isinstance(s, ox.NamedNode) and s not in batch.lines:
            wanted[f"<{s.value}>"] = s
            wanted[s.value] = s
            for p, ns in prefixes.items():
                if s.value.startswith(ns):
                    wanted[f"{p}:{s.value[len(ns):]}"] = s
    for number, line in enumerate(lines, 1):
        m = _FIRST_TOKEN.match(line)
        if m:
            token = re.sub(r"\\(.)", r"\1", m.group(1) or m.group(2))  # local-name escapes
            node = wanted.get(token)
            if node is not None and node not in batch.lines:
                batch.lines[node] = (name, number)
    _place_blank_nodes(batch)


def _place_blank_nodes(batch: Batch) -> None:
    parents: dict[Subject, Subject] = {t.object: t.subject for t in batch.triples
                                       if isinstance(t.object, ox.BlankNode)}
    for t in batch.triples:
        node, seen = t.subject, set()
        while node not in batch.lines and node in parents and node not in seen:
            seen.add(node)
            node = parents[node]
        if node in batch.lines:
            batch.lines.setdefault(t.subject, batch.lines[node])


# -- typed literals ---------------------------------------------------------------------------

def _is_date(text: str) -> bool:
    m = re.fullmatch(r"(-?\d{4,})-(\d\d)-(\d\d)(Z|[+-]\d\d:\d\d)?", text)
    if not m:
        return False
    try:
        datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False
    return True


def _is_datetime(text: str) -> bool:
    m = re.fullmatch(r"(-?\d{4,}-\d\d-\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", text)
    return m is not None and _is_date(m.group(1)) and int(m.group(2)) < 24 and int(m.group(3)) < 60 \
        and int(m.group(4)) < 61


_INTEGER = r"[+-]?\d+"
_LEXICAL: dict[str, tuple[Callable[[str], bool] | str, str]] = {
    "date": (_is_date, "a date written YYYY-MM-DD (a month or year alone is its first day, "
                       "with dprk:startPrecision / dprk:datePrecision saying so)"),
    "dateTime": (_is_datetime, "a date and time written YYYY-MM-DDThh:mm:ss"),
    "gYear": (r"-?\d{4,}(Z|[+-]\d\d:\d\d)?", "a year written YYYY"),
    "gYearMonth": (r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d\d:\d\d)?", "a month written YYYY-MM"),
    "integer": (_INTEGER, "a whole number"),
    "int": (_INTEGER, "a whole number"),
    "long": (_INTEGER, "a whole number"),
    "nonNegativeInteger": (r"\+?\d+|-0+", "a whole number, 0 or more"),
    "positiveInteger": (r"\+?0*[1-9]\d*", "a whole number, 1 or more"),
    "decimal": (r"[+-]?(\d+(\.\d*)?|\.\d+)", "a decimal number such as 99.98"),
    "double": (r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN", "a number"),
    "float": (r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN", "a number"),
    "boolean": (r"true|false|1|0", "true or false"),
    "anyURI": (r"[^\s<>\"{}|\\^`]*", "an IRI without spaces"),
}


def literal_problem(literal: ox.Literal) -> str | None:
    """What is wrong with a typed literal's form, or None when it is well formed.

    >>> literal_problem(ox.Literal("2024-02-30", datatype=ox.NamedNode(XSD + "date")))
    '"2024-02-30" is not a valid xsd:date: expected a date written YYYY-MM-DD (a month or year alone is its first day, with dprk:startPrecision / dprk:datePrecision saying so)'
    >>> literal_problem(ox.Literal("2024-02-29", datatype=ox.NamedNode(XSD + "date"))) is None
    True
    """
    dt = literal.datatype.value
    if not dt.startswith(XSD):
        return None
    check = _LEXICAL.get(dt[len(XSD):])
    if check is None:
        return None
    test, expected = check
    ok = test(literal.value) if callable(test) else re.fullmatch(test, literal.value.strip())
    if ok:
        return None
    shown = json.dumps(literal.value, ensure_ascii=False)
    return f"{shown} is not a valid xsd:{dt[len(XSD):]}: expected {expected}"


# -- the CSV template -------------------------------------------------------------------------

HOLDING_COLUMNS = ("person", "post", "start_date", "status", "source")
HOLDING_OPTIONAL = ("holding", "person_label_en", "person_label_ko", "end_date",
                    "last_attested", "selected_by", "elected_in")
RESULT_COLUMNS = ("election", "source")
RESULT_FIGURES = {"turnout_percent": ("turnoutPercent", "decimal"),
                  "votes_for_percent": ("votesForPercent", "decimal"),
                  "votes_against_percent": ("votesAgainstPercent", "decimal"),
                  "deputies_elected": ("deputiesElected", "nonNegativeInteger")}
RESULT_OPTIONAL = ("result", "claimant", *RESULT_FIGURES)
STATUSES = {"ended": "Ended", "current": "Current", "end unknown": "EndUnknown",
            "end-unknown": "EndUnknown", "unknown": "EndUnknown"}
PRECISIONS = {1: "YearPrecision", 2: "MonthPrecision"}


def read_csv(text: IO[str], *, name: str) -> Batch:
    """Map a CSV file in one of the two templates (post holdings, election results) to triples.

    The template is recognised from the header; docs/ingest.md documents both.
    """
    rows = csv.reader(text)
    known: tuple[str, ...]
    try:
        header = [h.strip().lower() for h in next(rows)]
    except StopIteration:
        raise UserError("the file is empty", file=name) from None
    except csv.Error as e:
        raise UserError(f"CSV error: {e}", file=name, line=1) from None
    if set(HOLDING_COLUMNS) <= set(header):
        mapper, known = _holding_triples, HOLDING_COLUMNS + HOLDING_OPTIONAL
    elif set(RESULT_COLUMNS) <= set(header) and set(RESULT_FIGURES) & set(header):
        mapper, known = _result_triples, RESULT_COLUMNS + RESULT_OPTIONAL
    else:
        raise UserError("unknown CSV template: a post-holding file needs the columns "
                        f"{', '.join(HOLDING_COLUMNS)}; an election-result file needs "
                        f"{', '.join(RESULT_COLUMNS)} and at least one of "
                        f"{', '.join(RESULT_FIGURES)} (see docs/ingest.md)", file=name, line=1)
    unknown = [h for h in header if h not in known]
    if unknown:
        raise UserError(f"unknown column {unknown[0]!r}: the columns are {', '.join(known)}",
                        file=name, line=1, column=header.index(unknown[0]) + 1)
    batch = Batch(files=[name])
    try:
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            line = rows.line_num
            if len(row) != len(header):
                raise UserError(f"{len(row)} cells where the header has {len(header)}",
                                file=name, line=line)
            cell = _Cells(dict(zip(header, (c.strip() for c in row))), header, name, line)
            subject, triples = mapper(cell)
            batch.triples.extend(triples)
            batch.lines.setdefault(subject, (name, line))
            for t in triples:
                batch.lines.setdefault(t.subject, (name, line))
    except csv.Error as e:
        raise UserError(f"CSV error: {e}", file=name, line=rows.line_num) from None
    if not batch.triples:
        raise UserError("the file holds a header and no rows", file=name)
    return batch


@dataclass
class _Cells:
    """One CSV row, read cell by cell with errors that name the line and column."""

    values: dict[str, str]
    header: list[str]
    file: str
    line: int

    def error(self, column: str, message: str) -> UserError:
        return UserError(f"column {column}: {message}", file=self.file, line=self.line,
                         column=self.header.index(column) + 1)

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    def required(self, column: str) -> str:
        value = self.get(column)
        if not value:
            raise self.error(column, "is empty; it is required")
        return value

    @overload
    def iri(self, column: str, *, required: Literal[True] = True) -> ox.NamedNode: ...
    @overload
    def iri(self, column: str, *, required: bool) -> ox.NamedNode | None: ...

    def iri(self, column: str, *, required: bool = True) -> ox.NamedNode | None:
        value = self.required(column) if required else self.get(column)
        if not value:
            return None
        try:
            return expand_iri(value)
        except ValueError as e:
            raise self.error(column, str(e)) from None

    @overload
    def date(self, column: str, *, required: Literal[True] = True) -> tuple[ox.Literal, str | None]: ...
    @overload
    def date(self, column: str, *, required: bool) -> tuple[ox.Literal, str | None] | None: ...

    def date(self, column: str, *, required: bool = True) -> tuple[ox.Literal, str | None] | None:
        """A date given as YYYY, YYYY-MM or YYYY-MM-DD, and the precision concept it implies."""
        value = self.required(column) if required else self.get(column)
        if not value:
            return None
        parts = value.split("-")
        full = "-".join(parts + ["01"] * (3 - len(parts)))
        if not (1 <= len(parts) <= 3 and re.fullmatch(r"\d{4}(-\d\d){0,2}", value)
                and _is_date(full)):
            raise self.error(column, f"{value!r} is not a date (write YYYY-MM-DD, YYYY-MM or YYYY)")
        return ox.Literal(full, datatype=ox.NamedNode(XSD + "date")), PRECISIONS.get(len(parts))

    def number(self, column: str, datatype: str) -> ox.Literal | None:
        value = self.get(column)
        if not value:
            return None
        literal = ox.Literal(value, datatype=ox.NamedNode(XSD + datatype))
        problem = literal_problem(literal)
        if problem is not None:
            raise self.error(column, problem)
        return literal


def expand_iri(value: str) -> ox.NamedNode:
    """A cell's IRI: ``<full>``, ``http(s)://...`` or a prefixed name with a project prefix.

    >>> expand_iri("kg:person/kim-jong-un").value
    'https://w3id.org/dprk-kg/id/person/kim-jong-un'
    """
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    elif not re.match(r"https?://", value):
        prefix, colon, local = value.partition(":")
        if not colon or prefix not in namespaces.PREFIXES:
            raise ValueError(f"{value!r} is not an IRI or a prefixed name "
                             f"({', '.join(p + ':' for p in namespaces.PREFIXES)})")
        value = namespaces.PREFIXES[prefix] + local
    try:
        return ox.NamedNode(value)
    except ValueError as e:
        raise ValueError(f"{value!r} is not a valid IRI ({e})") from None


def _slug(node: ox.NamedNode) -> str:
    return re.sub(r"[^a-z0-9]+", "-", node.value.rstrip("/").rsplit("/", 1)[-1].lower()).strip("-")


def _dprk(local: str) -> ox.NamedNode:
    return ox.NamedNode(namespaces.DPRK + local)


def _term(prefix: str, local: str) -> ox.NamedNode:
    return ox.NamedNode(namespaces.PREFIXES[prefix] + local)


def _holding_triples(cell: _Cells) -> tuple[ox.NamedNode, list[ox.Triple]]:
    person, post, source = cell.iri("person"), cell.iri("post"), cell.iri("source")
    start, start_precision = cell.date("start_date")
    status_text = cell.required("status").lower()
    if status_text not in STATUSES:
        raise cell.error("status", f"{status_text!r} is not one of ended, current, end unknown")
    holding = cell.iri("holding", required=False) or ox.NamedNode(
        f"{namespaces.KG}holding/{_slug(person)}-{_slug(post)}-{start.value}")
    source_p = _term("dcterms", "source")
    out: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (RDF_TYPE, _dprk("PostHolding")), (_term("org", "member"), person),
           (_dprk("post"), post), (_dprk("startDate"), start),
           (_dprk("tenureStatus"), _dprk(STATUSES[status_text])), (source_p, source)]
    if start_precision:
        out.append((_dprk("startPrecision"), _dprk(start_precision)))
    end = cell.date("end_date", required=False)
    if end is not None:
        out.append((_dprk("endDate"), end[0]))
        if end[1]:
            out.append((_dprk("endPrecision"), _dprk(end[1])))
    attested = cell.date("last_attested", required=False)
    if attested is not None:
        out.append((_dprk("lastAttested"), attested[0]))
    for column, prop in (("selected_by", "selectedBy"), ("elected_in", "electedIn")):
        value = cell.iri(column, required=False)
        if value is not None:
            out.append((_dprk(prop), value))
    triples = [ox.Triple(holding, p, o) for p, o in out]
    labels = [(cell.get("person_label_en"), "en"), (cell.get("person_label_ko"), "ko")]
    if any(text for text, _ in labels):
        triples += [ox.Triple(person, RDF_TYPE, _dprk("Person")),
                    ox.Triple(person, source_p, source)]
        triples += [ox.Triple(person, _term("rdfs", "label"), ox.Literal(text, language=lang))
                    for text, lang in labels if text]
    return holding, triples


def _result_triples(cell: _Cells) -> tuple[ox.NamedNode, list[ox.Triple]]:
    election, source = cell.iri("election"), cell.iri("source")
    result = cell.iri("result", required=False) or ox.NamedNode(
        f"{namespaces.KG}result/{_slug(election)}-{_slug(source)}")
    out: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
        (RDF_TYPE, _dprk("ReportedResult")), (_dprk("inElection"), election),
        (_term("dcterms", "source"), source)]
    claimant = cell.iri("claimant", required=False)
    if claimant is not None:
        out.append((_dprk("claimant"), claimant))
    figures = [(column, cell.number(column, dt)) for column, (_, dt) in RESULT_FIGURES.items()]
    if not any(value is not None for _, value in figures):
        raise cell.error("election", "the row gives no figure (turnout, votes, deputies)")
    out += [(_dprk(RESULT_FIGURES[c][0]), v) for c, v in figures if v is not None]
    return result, [ox.Triple(result, p, o) for p, o in out]
