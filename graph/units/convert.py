"""Write the Turtle files of the second-level units from their two tables.

``units.csv`` (one row a city, county, district or ward) and ``periods.csv`` (one row a dated
status or parent that differs from, or dates, the current one) are the source of truth. This
script writes ``graph/units/<first-level slug>.ttl``, one file per first-level unit, holding its
second-level units with the dual structure the sources give their kind (docs/design.md, "The
dual system"), and the status periods of those units. Re-running it reproduces the committed
files byte for byte (tests/test_units.py checks it), so a reviewer edits a row and re-runs::

    python graph/units/convert.py           # write the files
    python graph/units/convert.py --check   # exit 1, naming the files, if one differs

Why organs depend on the kind: the DPRK's local power organs (people's assembly, people's
committee) are organized by province (directly governed city), city (ward) and county
(source:kass-local-power-organs-ja), and the party rules give party committees to provinces,
cities and counties (source:koreaworldtimes-wpk-rules-2021-chapter-4). So a city and a county
get both chains. A ward (guyok) gets both too, typed as a city's: local power organs are
organized by "city (ward)", and party committees of wards are named in the press (the
Tongdaewon ward's of Pyongyang, source:rodong-2021-07-22-tongdaewon-party-committee; the
Kaephung ward's of Kaesong with its chief secretary, source:kcna-2025-12-27-kaephung-ko), so
the rules' "city" committee is read as covering the ward, the same reading the state side has.
A district (ku) or area (chigu) gets none.

A row marked ``defined_elsewhere`` names a unit another file of graph/ describes: only its
organs are written here, and those listed in ``organs_elsewhere`` ("state", "party") not even
those, so no label is stated twice.

Bad input is one line naming the file, the line and the column; the exit code is 2 and nothing
is written. The output is plain text built here (not an RDF serializer) so that it is stable
and laid out one block per entity, as the rest of graph/ is.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
GRAPH = HERE.parent
UNITS_CSV = HERE / "units.csv"
PERIODS_CSV = HERE / "periods.csv"

DPRK = "https://w3id.org/dprk-kg/ontology#"
SOURCE = "https://w3id.org/dprk-kg/id/source/"

#: The first-level units (their files are named after these slugs) and their English names,
#: used in the file headers only.
FIRST_LEVEL = {
    "pyongyang": "Pyongyang", "south-phyongan": "South Phyongan Province",
    "north-phyongan": "North Phyongan Province", "jagang": "Jagang Province",
    "south-hwanghae": "South Hwanghae Province", "north-hwanghae": "North Hwanghae Province",
    "kangwon": "Kangwon Province", "south-hamgyong": "South Hamgyong Province",
    "north-hamgyong": "North Hamgyong Province", "ryanggang": "Ryanggang Province",
    "rason": "Rason", "nampo": "Nampo",
}

STATE_SOURCES = ("kass-local-power-organs", "kass-local-power-organs-ja")
PARTY_SOURCES = ("kbs-2016-05-16-local-party-titles", "koreaworldtimes-wpk-rules-2021-chapter-4",
                 "tiwn-2021-03-city-county-party-committees", "nklw-city-county-party-committees")
SECRETARY_SOURCES = ("kbs-2016-05-16-local-party-titles", "weblio-wpk-8th-congress-rules",
                     "tiwn-2021-03-city-county-party-committees", "nklw-city-county-party-committees")


@dataclass(frozen=True)
class Kind:
    """What a kind of unit (the table's ``kind``) is, and which organs the sources give it."""

    cls: str            # the unit's class (dprk:City ...)
    noun: str           # "County" in "Kumya County"; "" for a city
    singular: str       # for the file header
    plural: str
    assembly: str | None = None    # the class of its people's assembly, if it has one
    committee: str | None = None   # the class of its people's committee
    party: str | None = None       # the class of its party committee, if it has one
    note: str = ""      # why its organs are what they are (a comment on the unit or assembly)
    party_note: str = ""    # why it has a party committee, where the party rules do not say
    party_sources: tuple[str, ...] = ()   # the sources of that reading, cited on the committee


WARD_NOTE = ("A ward's organs are typed as a city's: local power organs are organized on the "
             "unit of the city (ward) (source:kass-local-power-organs-ja).")
WARD_PARTY_NOTE = ("The party rules name province, city and county committees; a ward's party "
                   "committee is named in the press (the Tongdaewon District Party Committee of "
                   "Pyongyang, Rodong Sinmun, 22 July 2021; the Kaephung District Party Committee "
                   "of Kaesong and its chief secretary, KCNA, 27 December 2025), so a ward is "
                   "given one, typed as a city's, as its state organs are.")
WARD_PARTY_SOURCES = ("rodong-2021-07-22-tongdaewon-party-committee", "kcna-2025-12-27-kaephung-ko",
                      "vok-2025-12-26-kaephung")
DISTRICT_NOTE = ("No source read gives a district (ku) or area (chigu) a people's assembly or a "
                 "party committee of its own (local power organs are organized by province, city "
                 "(ward) and county), so no organ is recorded.")

KINDS = {
    "si": Kind("City", "", "city", "cities", "CityPeoplesAssembly", "CityPeoplesCommittee",
               "CityPartyCommittee"),
    "kun": Kind("County", "County", "county", "counties", "CountyPeoplesAssembly",
                "CountyPeoplesCommittee", "CountyPartyCommittee"),
    "guyok": Kind("District", "District", "ward (guyok)", "wards (guyok)", "CityPeoplesAssembly",
                  "CityPeoplesCommittee", "CityPartyCommittee", WARD_NOTE, WARD_PARTY_NOTE,
                  WARD_PARTY_SOURCES),
    "ku": Kind("District", "District", "district (ku)", "districts (ku)", note=DISTRICT_NOTE),
    "chigu": Kind("District", "District", "area (chigu)", "areas (chigu)", note=DISTRICT_NOTE),
}

UNIT_COLUMNS = ("slug", "parent", "kind", "name_en", "hangul", "hanja", "mr", "rr",
                "defined_elsewhere", "organs_elsewhere", "sources", "comment")
PERIOD_COLUMNS = ("id", "unit", "kind", "within", "start", "end", "sources", "label", "comment")

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
HANGUL = re.compile(r"^[\uac00-\ud7a3]+$")
HANJA = re.compile(r"^[\u3400-\u9fff\uf900-\ufaff]+$")
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
PRECISION = {1: "YearPrecision", 2: "MonthPrecision"}


class InputError(Exception):
    """Bad input: the message names the file, the line and the column."""


@dataclass(frozen=True)
class Unit:
    slug: str
    parent: str
    kind: str
    name_en: str
    hangul: str
    hanja: str
    mr: str
    rr: str
    defined_elsewhere: bool
    organs_elsewhere: frozenset[str]
    sources: tuple[str, ...]
    comment: str

    @property
    def label_en(self) -> str:
        noun = KINDS[self.kind].noun
        return f"{self.name_en} {noun}" if noun else self.name_en

    @property
    def organ_name_en(self) -> str:
        """The unit's name as it begins its organs' names: "Anju City", "Kumya County"."""
        return f"{self.name_en} {KINDS[self.kind].noun or 'City'}"


@dataclass(frozen=True)
class Period:
    id: str
    unit: str
    kind: str
    within: str
    start: str
    end: str
    sources: tuple[str, ...]
    label: str
    comment: str


# -------------------------------------------------------------------------------------------
# Reading the tables
# -------------------------------------------------------------------------------------------

def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV file with exactly ``columns``, each with its line number."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path.name}: no such file") from None
    reader = csv.DictReader(text.splitlines())
    if tuple(reader.fieldnames or ()) != columns:
        raise InputError(f"{path.name}:1: the header must be {','.join(columns)}")
    for row in reader:
        if None in row or any(v is None for v in row.values()):
            raise InputError(f"{path.name}:{reader.line_num}: the row does not have "
                             f"{len(columns)} cells")
        yield reader.line_num, {k: v.strip() for k, v in row.items()}


def _fail(path: Path, line: int, column: str, message: str) -> InputError:
    return InputError(f"{path.name}:{line}: column {column}: {message}")


def _sources(path: Path, line: int, cell: str, known: set[str]) -> tuple[str, ...]:
    ids = tuple(cell.split())
    if not ids:
        raise _fail(path, line, "sources", "every row needs at least one source")
    for sid in ids:
        if sid not in known:
            raise _fail(path, line, "sources", f"{sid!r} is not a dprk:SourceDocument of graph/")
    return ids


def read_units(path: Path, known_sources: set[str]) -> list[Unit]:
    """The table of units, checked: unique slugs, known kinds, parents and sources."""
    units: list[Unit] = []
    seen: set[str] = set()
    for line, row in _rows(path, UNIT_COLUMNS):
        slug = row["slug"]
        if not SLUG.match(slug):
            raise _fail(path, line, "slug", f"{slug!r} is not a lowercase ASCII slug")
        if slug in seen or slug in FIRST_LEVEL:
            raise _fail(path, line, "slug", f"{slug!r} is already used")
        seen.add(slug)
        if row["parent"] not in FIRST_LEVEL:
            raise _fail(path, line, "parent", f"{row['parent']!r} is not a first-level unit "
                        f"({', '.join(FIRST_LEVEL)})")
        if row["kind"] not in KINDS:
            raise _fail(path, line, "kind", f"{row['kind']!r} is not one of {', '.join(KINDS)}")
        if not row["name_en"].isascii() or not row["name_en"]:
            raise _fail(path, line, "name_en", "the English name is required, in ASCII")
        if row["hangul"] and not HANGUL.match(row["hangul"]):
            raise _fail(path, line, "hangul", f"{row['hangul']!r} is not Hangul")
        if row["hanja"] and not HANJA.match(row["hanja"]):
            raise _fail(path, line, "hanja", f"{row['hanja']!r} is not Hanja")
        if row["defined_elsewhere"] not in ("", "yes"):
            raise _fail(path, line, "defined_elsewhere", "write yes or leave it empty")
        elsewhere = frozenset(row["organs_elsewhere"].split())
        if not elsewhere <= {"state", "party"}:
            raise _fail(path, line, "organs_elsewhere", "write state, party or both")
        units.append(Unit(slug, row["parent"], row["kind"], row["name_en"], row["hangul"],
                          row["hanja"], row["mr"], row["rr"], row["defined_elsewhere"] == "yes",
                          elsewhere, _sources(path, line, row["sources"], known_sources),
                          row["comment"]))
    return units


def read_periods(path: Path, units: dict[str, Unit], known_sources: set[str]) -> list[Period]:
    """The table of status periods, checked against the units."""
    periods: list[Period] = []
    seen: set[str] = set()
    for line, row in _rows(path, PERIOD_COLUMNS):
        if not SLUG.match(row["id"]) or row["id"] in seen:
            raise _fail(path, line, "id", f"{row['id']!r} is not a new lowercase ASCII slug")
        seen.add(row["id"])
        if row["unit"] not in units:
            raise _fail(path, line, "unit", f"{row['unit']!r} is not a unit of units.csv")
        if row["kind"] not in KINDS:
            raise _fail(path, line, "kind", f"{row['kind']!r} is not one of {', '.join(KINDS)}")
        if row["within"] not in FIRST_LEVEL and row["within"] not in units:
            raise _fail(path, line, "within", f"{row['within']!r} is not a unit")
        for column in ("start", "end"):
            if (row[column] or column == "start") and not DATE.match(row[column]):
                raise _fail(path, line, column, f"{row[column]!r} is not YYYY, YYYY-MM or "
                            "YYYY-MM-DD")
        if not row["label"]:
            raise _fail(path, line, "label", "every period needs a label")
        periods.append(Period(row["id"], row["unit"], row["kind"], row["within"], row["start"],
                              row["end"], _sources(path, line, row["sources"], known_sources),
                              row["label"], row["comment"]))
    return periods


def known_source_ids(graph_dir: Path, outputs: Iterable[Path]) -> set[str]:
    """The ids of every dprk:SourceDocument described in graph/ (outside the files written here)."""
    skip = {p.resolve() for p in outputs}
    doc = ox.NamedNode(DPRK + "SourceDocument")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    ids: set[str] = set()
    for path in sorted(graph_dir.rglob("*.ttl")):
        if path.resolve() in skip:
            continue
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if (triple.predicate == rdf_type and triple.object == doc
                    and triple.subject.value.startswith(SOURCE)):
                ids.add(triple.subject.value[len(SOURCE):])
    return ids


# -------------------------------------------------------------------------------------------
# Writing Turtle
# -------------------------------------------------------------------------------------------

PREFIXES = """@prefix dprk:         <https://w3id.org/dprk-kg/ontology#> .
@prefix organization: <https://w3id.org/dprk-kg/id/organization/> .
@prefix post:         <https://w3id.org/dprk-kg/id/post/> .
@prefix source:       <https://w3id.org/dprk-kg/id/source/> .
@prefix status:       <https://w3id.org/dprk-kg/id/status/> .
@prefix unit:         <https://w3id.org/dprk-kg/id/unit/> .
@prefix org:          <http://www.w3.org/ns/org#> .
@prefix dcterms:      <http://purl.org/dc/terms/> .
@prefix rdfs:         <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:         <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:          <http://www.w3.org/2001/XMLSchema#> .
"""


def lit(text: str, lang: str) -> str:
    """A Turtle literal with a language tag."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{lang}'


def block(subject: str, pairs: list[tuple[str, list[str]]]) -> str:
    """One subject block, one predicate a line; predicates without objects are left out."""
    lines = [f"{p} {' , '.join(objs)}" for p, objs in pairs if objs]
    return subject + "\n    " + " ;\n    ".join(lines) + " .\n"


def sources(ids: Iterable[str]) -> list[str]:
    return [f"source:{i}" for i in ids]


def labels(en: str, ko: str) -> list[str]:
    return [lit(en, "en")] + ([lit(ko, "ko")] if ko else [])


def unit_block(u: Unit) -> str:
    kind = KINDS[u.kind]
    alt = ([lit(u.mr, "ko-Latn-x-mr")] if u.mr else []) + \
          ([lit(u.rr, "ko-Latn-x-rr")] if u.rr else []) + \
          ([lit(u.hanja, "ko-Hani")] if u.hanja else [])
    comment = " ".join(c for c in (u.comment, kind.note if kind.assembly is None else "") if c)
    return block(f"unit:{u.slug}", [
        ("a", [f"dprk:{kind.cls}"]),
        ("rdfs:label", labels(u.label_en, u.hangul)),
        ("skos:altLabel", alt),
        ("rdfs:comment", [lit(comment, "en")] if comment else []),
        ("dprk:divisionLevel", ["dprk:CityCountyLevel"]),
        ("dprk:withinDivision", [f"unit:{u.parent}"]),
        ("dcterms:source", sources(u.sources)),
    ])


def state_blocks(u: Unit) -> list[str]:
    """The people's assembly, the people's committee it elects, and the chairman's post."""
    kind = KINDS[u.kind]
    name, ko = u.organ_name_en, u.hangul
    assembly, committee = f"organization:{u.slug}-peoples-assembly", f"organization:{u.slug}-peoples-committee"
    mayor = [lit(f"Mayor of {u.name_en}", "en")] if u.kind == "si" else []
    return [
        block(assembly, [
            ("a", [f"dprk:{kind.assembly}"]),
            ("rdfs:label", labels(f"{name} People's Assembly", ko and f"{ko}인민회의")),
            ("rdfs:comment", [lit(kind.note, "en")] if kind.note else []),
            ("dprk:jurisdiction", [f"unit:{u.slug}"]),
            ("dcterms:source", sources(STATE_SOURCES)),
        ]),
        block(committee, [
            ("a", [f"dprk:{kind.committee}"]),
            ("rdfs:label", labels(f"{name} People's Committee", ko and f"{ko}인민위원회")),
            ("dprk:jurisdiction", [f"unit:{u.slug}"]),
            ("dprk:electedBy", [assembly]),
            ("dprk:accountableTo", [assembly]),
            ("org:subOrganizationOf", [f"organization:{u.parent}-peoples-committee"]),
            ("dcterms:source", sources(STATE_SOURCES)),
        ]),
        block(f"post:{u.slug}-peoples-committee-chairman", [
            ("a", ["dprk:PeoplesCommitteeChairman"]),
            ("rdfs:label", labels(f"Chairman of the {name} People's Committee",
                                  ko and f"{ko}인민위원회 위원장")),
            ("skos:altLabel", mayor),
            ("org:postIn", [committee]),
            ("dcterms:source", sources(STATE_SOURCES)),
        ]),
    ]


def party_blocks(u: Unit) -> list[str]:
    """The party committee (under the first-level committee) and its chief secretary's post."""
    kind = KINDS[u.kind]
    name, ko = f"{u.organ_name_en} Committee of the WPK", u.hangul
    committee = f"organization:{u.slug}-party-committee"
    return [
        block(committee, [
            ("a", [f"dprk:{kind.party}"]),
            ("rdfs:label", labels(name, ko and f"조선로동당 {ko}위원회")),
            ("rdfs:comment", [lit(kind.party_note, "en")] if kind.party_note else []),
            ("dprk:jurisdiction", [f"unit:{u.slug}"]),
            ("org:subOrganizationOf", [f"organization:{u.parent}-party-committee"]),
            ("dprk:guides", [f"organization:{u.slug}-peoples-committee"]),
            ("dcterms:source", sources(PARTY_SOURCES + kind.party_sources)),
        ]),
        block(f"post:{u.slug}-chief-secretary", [
            ("a", ["dprk:ChiefSecretary"]),
            ("rdfs:label", labels(f"Chief Secretary of the {name}",
                                  ko and f"조선로동당 {ko}위원회 책임비서")),
            ("skos:altLabel", [lit(f"Chairman of the {name} (title used May 2016 - January 2021)",
                                   "en")]),
            ("org:postIn", [committee]),
            ("dcterms:source", sources(SECRETARY_SOURCES)),
        ]),
    ]


def date(value: str) -> tuple[str, str | None]:
    """A table date as an xsd:date literal (first day of a month or year) and its precision."""
    parts = value.split("-")
    full = "-".join(parts + ["01"] * (3 - len(parts)))
    precision = PRECISION.get(len(parts))
    return f'"{full}"^^xsd:date', precision and f"dprk:{precision}"


def period_block(p: Period) -> str:
    start, start_precision = date(p.start)
    end, end_precision = date(p.end) if p.end else (None, None)
    return block(f"status:{p.id}", [
        ("a", ["dprk:StatusPeriod"]),
        ("rdfs:label", [lit(p.label, "en")]),
        ("rdfs:comment", [lit(p.comment, "en")] if p.comment else []),
        ("dprk:statusOf", [f"unit:{p.unit}"]),
        ("dprk:status", [f"dprk:{KINDS[p.kind].cls}"]),
        ("dprk:periodWithin", [f"unit:{p.within}"]),
        ("dprk:startDate", [start]),
        ("dprk:startPrecision", [start_precision] if start_precision else []),
        ("dprk:endDate", [end] if end else []),
        ("dprk:endPrecision", [end_precision] if end_precision else []),
        ("dcterms:source", sources(p.sources)),
    ])


def unit_blocks(u: Unit) -> list[str]:
    """Everything written for one unit: the unit itself (unless described elsewhere), and the
    organs its kind has (unless described elsewhere)."""
    kind = KINDS[u.kind]
    out = [] if u.defined_elsewhere else [unit_block(u)]
    if kind.assembly and "state" not in u.organs_elsewhere:
        out += state_blocks(u)
    if kind.party and "party" not in u.organs_elsewhere:
        out += party_blocks(u)
    return out


def header(first: str, units: list[Unit], periods: list[Period]) -> str:
    counts = ", ".join(f"{n} {KINDS[k].singular if n == 1 else KINDS[k].plural}" for k in KINDS
                       if (n := sum(u.kind == k for u in units)))
    cited = sorted({s for u in units for s in u.sources} | {s for p in periods for s in p.sources}
                   | ({*STATE_SOURCES} if any(KINDS[u.kind].assembly for u in units) else set())
                   | ({*PARTY_SOURCES, *SECRETARY_SOURCES}
                      if any(KINDS[u.kind].party for u in units) else set())
                   | {s for u in units for s in KINDS[u.kind].party_sources})
    elsewhere = [u.slug for u in units if u.defined_elsewhere]
    lines = [
        f"The second-level units of {FIRST_LEVEL[first]}: {counts}.",
        "Each has the organs the sources give its kind: a city or county has a people's assembly,",
        "the people's committee it elects (under the first-level people's committee) with its",
        "chairman's post, and a party committee (under the first-level party committee) with its",
        "chief secretary's post; a ward has both, typed as a city's; a district (ku) or area",
        "(chigu) has none.",
    ]
    if elsewhere:
        lines.append("Described in another file, only their organs here: "
                     + ", ".join(f"unit:{s}" for s in elsewhere) + ".")
    if periods:
        lines.append("Status periods date the units' earlier statuses and parents.")
    lines += ["", "Written by graph/units/convert.py from units.csv and periods.csv: edit those "
              "and re-run it.", "", "Sources cited:"]
    lines += [f"  source:{s}" for s in cited]
    return "".join(f"# {line}".rstrip() + "\n" for line in lines)


def render(first: str, units: list[Unit], periods: list[Period]) -> str:
    """The Turtle text of one first-level unit's file."""
    parts = [header(first, units, periods), "\n", PREFIXES]
    for u in units:
        parts.append(f"\n# {'-' * 87}\n# {u.label_en}\n# {'-' * 87}\n")
        parts.append("\n".join(unit_blocks(u)))
    if periods:
        parts.append(f"\n# {'-' * 87}\n# Status periods\n# {'-' * 87}\n")
        parts.append("\n".join(period_block(p) for p in periods))
    return "".join(parts)


def outputs(directory: Path = HERE) -> dict[str, Path]:
    return {first: directory / f"{first}.ttl" for first in FIRST_LEVEL}


def build(directory: Path = HERE, graph_dir: Path = GRAPH) -> dict[Path, str]:
    """The text of every file this script writes, from the tables in ``directory``."""
    files = outputs(directory)
    known = known_source_ids(graph_dir, files.values())
    units = read_units(directory / UNITS_CSV.name, known)
    by_slug = {u.slug: u for u in units}
    periods = read_periods(directory / PERIODS_CSV.name, by_slug, known)
    return {path: render(first, [u for u in units if u.parent == first],
                         [p for p in periods if by_slug[p.unit].parent == first])
            for first, path in files.items()}


def main(argv: list[str] | None = None, directory: Path = HERE) -> int:
    """Write (or with --check, compare) the files; 0 ok, 1 a file differs, 2 bad input."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a committed file differs from the tables")
    args = parser.parse_args(argv)
    try:
        texts = build(directory)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    stale = [p for p, text in texts.items()
             if not p.is_file() or p.read_text(encoding="utf-8") != text]
    if args.check:
        for p in stale:
            print(f"{p.name} differs from what the tables give: re-run graph/units/convert.py",
                  file=sys.stderr)
        return 1 if stale else 0
    for p in stale:
        p.write_text(texts[p], encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
