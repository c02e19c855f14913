"""Cut a big RDF file into pieces that parse on their own, so that the build loads them in parallel.

Why: Oxigraph's bulk loader reads one file on one core and holds up to a million quads in
memory per batch. Pieces of a few MB, loaded by one thread per core, use every core and bound
the memory by the piece size instead of the file size.

Why it is safe: a piece is cut only at a newline that ends a statement, and restates the
directives (``@prefix``, ``@base``) seen before it. A parser that starts at a statement
boundary with the same prefixes and base is in the same state as one that read the file from
the top; so each piece yields exactly the triples the whole file yields there. A cut in the
wrong place would leave a piece that ends inside a statement, which does not parse (Turtle has
no statement without its final "."): never a piece that parses to other triples. The build
then loads the file whole. One thing is not carried over: the loader gives each
load's blank-node labels fresh names, so ``_:x`` in two pieces would be two nodes. The cutting
therefore stops at the first ``_:``.

What is cut:

- N-Triples and N-Quads: one statement per line, any newline is a boundary.
- Turtle: a line ends a statement when, with its strings, IRIs and comment taken out, it ends
  in ``.``; each piece restates the directives before it. The cutting stops at the first long
  string (three quotes, single or double: the only token that can span lines) and at the
  first directive that is not alone at the start of its line (it could not be restated).
- Anything else (TriG, JSON-LD, RDF/XML, N3) is one piece.

Where the cutting stops, the rest of the file is one piece.

The file is read a piece at a time, so cutting it never holds more than a piece in memory.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

#: The size a piece aims at. Small enough that a few in flight stay far below the memory
#: target; large enough that the loader's fixed cost per piece is noise.
PIECE_BYTES = 16 << 20
#: Syntaxes that may be cut.
CUTTABLE = ("ntriples", "nquads", "turtle")

#: What a Turtle line may hold that could contain a "." or "#" which is not punctuation.
_TOKENS = re.compile(rb'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^>\s]*>|#[^\n]*')
#: Something a parser could read as a directive, matched where a keyword was found.
_DIRECTIVE_LIKE = re.compile(rb'(?i)@prefix|@base|prefix\s+[^\s:<>"]*:\s*<|base\s+<')
#: A directive the splitter can restate: alone at the start of a line (it may span lines).
_DIRECTIVE = re.compile(rb'(?i)[ \t]*(?P<kw>@prefix\s+[^\s:]*:\s*<[^>\s]*>\s*\.'
                        rb'|@base\s+<[^>\s]*>\s*\.'
                        rb'|prefix\s+[^\s:]*:\s*<[^>\s]*>|base\s+<[^>\s]*>)')
_NAME_CHAR = re.compile(rb"[\w:.-]")
#: How far past a piece's end a directive is looked for, so that one is never cut in two.
_TAIL = 1 << 16


@dataclass(frozen=True)
class Piece:
    """Bytes ``start:end`` of a file, to be parsed after ``header`` (directives restated)."""

    start: int
    end: int
    header: bytes = b""

    def open(self, path: Path) -> io.BufferedReader:
        """The piece as a stream: its header, then its bytes of the file."""
        return io.BufferedReader(_Stream(path, self), 1 << 20)

    def read(self, path: Path) -> bytes:
        with open(path, "rb") as f:
            return self.header + os.pread(f.fileno(), self.end - self.start, self.start)


def cut(path: Path, syntax: str, size: int | None = None) -> Iterator[Piece]:
    """Pieces of about ``size`` bytes (:data:`PIECE_BYTES`) covering the file, in order.

    ``syntax`` is ntriples, nquads or turtle for a file that may be cut; a small file, or one
    of another syntax, is one piece. Pieces come as they are found, so that loading the
    first ones overlaps with cutting the rest.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "a.ttl"
    >>> _ = f.write_bytes(b'@prefix ex: <http://e/> .\\nex:a ex:p "x",\\n  "y ." .\\nex:b ex:p ex:c .\\n')
    >>> [p.read(f) for p in cut(f, "turtle", size=30)]  # the second restates the prefix
    [b'@prefix ex: <http://e/> .\\nex:a ex:p "x",\\n  "y ." .\\n', b'@prefix ex: <http://e/> .\\nex:b ex:p ex:c .\\n']
    """
    total, size = Path(path).stat().st_size, size or PIECE_BYTES
    turtle, header, at = syntax == "turtle", b"", 0
    if syntax not in CUTTABLE:
        yield Piece(0, total)
        return
    with open(path, "rb") as f:
        for end, data in _regions(f, total, size, turtle):
            piece = data[:end - at]
            if b"_:" in piece:
                break  # the rest cannot be cut safely: it is one piece
            if turtle:
                directives = _directives(data, end - at)
                if directives is None or b'"""' in piece or b"'''" in piece:
                    break
            yield Piece(at, end, header)
            if turtle:
                assert directives is not None  # else the loop stopped above
                header += b"".join(d + b"\n" for d in directives)
            at = end
    yield Piece(at, total, header)


def _regions(f: io.BufferedReader, total: int, size: int, turtle: bool
             ) -> Iterator[tuple[int, bytes]]:
    """Each cut's end offset, with the bytes from the previous cut to a little past it."""
    at = 0
    while total - at > size:
        data = os.pread(f.fileno(), size + _TAIL, at)
        search = size
        while True:
            end = _boundary(data, search, turtle)
            if end is not None or at + len(data) >= total:
                break
            search = len(data)  # a line longer than the tail: read on
            data += os.pread(f.fileno(), _TAIL, at + len(data))
        if end is None or at + end >= total:
            return
        data += os.pread(f.fileno(), _TAIL, at + len(data))  # a directive across the cut
        yield at + end, data
        at += end


def _boundary(data: bytes, at: int, turtle: bool) -> int | None:
    """The first statement boundary (just after a newline) at or after ``at``, if in ``data``."""
    while True:
        nl = data.find(b"\n", at)
        if nl < 0:
            return None
        if not turtle or _ends_statement(data[data.rfind(b"\n", 0, nl) + 1:nl]):
            return nl + 1
        at = nl + 1


def _ends_statement(line: bytes) -> bool:
    """Whether a Turtle line (no long strings before it) ends with the "." of a statement."""
    bare = _TOKENS.sub(lambda m: b"" if m.group().startswith(b"#") else b"X", line)
    return bare.rstrip().endswith(b".")


def _directives(data: bytes, end: int) -> list[bytes] | None:
    """The directives starting before ``end`` in ``data``, in order; None if one cannot be restated.

    Keywords are found by a plain search (a regex over the whole piece costs seconds); each
    hit that reads as a directive must be one alone at the start of its line.
    """
    lower, found = data.lower(), {}
    for keyword in (b"prefix", b"base"):
        at = lower.find(keyword, 0, end)
        while at >= 0:
            start = at - 1 if data[at - 1:at] == b"@" else at
            if (start == at and at and _NAME_CHAR.match(data, at - 1)) or \
                    not _DIRECTIVE_LIKE.match(data, start):
                at = lower.find(keyword, at + 1, end)
                continue  # part of a name, or plain text
            line = data.rfind(b"\n", 0, start) + 1
            m = _DIRECTIVE.match(data, line)
            if m is None or m.start("kw") != start:
                return None
            found[start] = m.group("kw")
            at = lower.find(keyword, at + 1, end)
    return [found[k] for k in sorted(found)]


class _Stream(io.RawIOBase):
    """A piece read as a file: the header, then the bytes of the file it covers."""

    def __init__(self, path: Path, piece: Piece) -> None:
        self._file = open(path, "rb")
        self._head, self._at, self._end = piece.header, piece.start, piece.end

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = os.pread(self._file.fileno(), min(len(buffer), self._end - self._at), self._at)
        buffer[:len(data)] = data
        self._at += len(data)
        return len(data)

    def close(self) -> None:
        self._file.close()
        super().close()
