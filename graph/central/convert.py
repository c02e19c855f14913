"""Write the Turtle of the central rosters from their CSV tables (re-runnable, deterministic).

Why tables: a roster (who sat in the Politburo elected on a date) is a list of rows, and a
reviewer checks rows against the source's list far more easily in a table than in Turtle.
Each table sits beside the Turtle it produces:

    graph/people/officials.csv   -> graph/people/officials.ttl   persons (names, birth years)
    graph/central/posts.csv      -> graph/central/posts.ttl      posts in the central organs
    graph/central/<body>.csv     -> graph/central/<body>.ttl     memberships and post holdings

A row of officials.csv or posts.csv with a `defined_in` file is described there (by its
owner) and only named here, for the labels of its tenures. Lines of a table that start with
'#' are its header comment: they are copied to the top of
the Turtle, so each file says what it holds and from which sources. Run it from anywhere:

    python graph/central/convert.py          # rewrite every .ttl from its .csv
    python graph/central/convert.py --check  # exit 1 if a committed .ttl differs from a re-run

A roster row's `status` is one of:

    ended        the end is reported: `end` (if known) is the day it ended
    ended-by     the end is only an upper bound (docs/design.md, "Ends that are only bounds"):
                 no source reports it, and `end` is the day a successor, or the holder in
                 another post, is first named. Writes dprk:tenureStatus dprk:Ended with
                 dprk:endQualifier dprk:NoLaterThan; needs `end` and `last_attested` (the
                 latest cited source naming the holder in post), which must lie between the
                 start and the bound (an imprecise bound stands for its whole month or year)
    current      open, and a source names the holder in post on `last_attested`
    end-unknown  open as far as the sources go: no end is reported (needs `last_attested`)

A bad row stops the run with one line naming the file, the line and what is wrong (exit 2),
and no file is written.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

GRAPH = Path(__file__).resolve().parent.parent
CENTRAL = GRAPH / "central"
PEOPLE = GRAPH / "people"

PREFIXES = """@prefix dprk:         <https://w3id.org/dprk-kg/ontology#> .
@prefix holding:      <https://w3id.org/dprk-kg/id/holding/> .
@prefix meeting:      <https://w3id.org/dprk-kg/id/meeting/> .
@prefix membership:   <https://w3id.org/dprk-kg/id/membership/> .
@prefix organization: <https://w3id.org/dprk-kg/id/organization/> .
@prefix person:       <https://w3id.org/dprk-kg/id/person/> .
@prefix post:         <https://w3id.org/dprk-kg/id/post/> .
@prefix source:       <https://w3id.org/dprk-kg/id/source/> .
@prefix org:          <http://www.w3.org/ns/org#> .
@prefix dcterms:      <http://purl.org/dc/terms/> .
@prefix rdfs:         <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:         <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:          <http://www.w3.org/2001/XMLSchema#> .
"""

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HANGUL = re.compile(r"^[\uac00-\ud7a3 ]+$")
PRECISIONS = {"": None, "day": None, "month": "dprk:MonthPrecision", "year": "dprk:YearPrecision"}
STATUSES = {"ended": "dprk:Ended", "ended-by": "dprk:Ended", "current": "dprk:Current",
            "end-unknown": "dprk:EndUnknown"}
#: Statuses of a tenure that is over (an end date is allowed); 'ended-by' marks the end an upper bound.
ENDED = {"ended", "ended-by"}
ROLES = {"": None, "full": "dprk:FullMember", "alternate": "dprk:AlternateMember"}
POST_CLASSES = {"state-leader": "dprk:StateLeader", "state": "dprk:StatePost",
                "state-single": "dprk:StatePost , dprk:SingleHolderPost",
                "party": "dprk:PartyPost", "party-single": "dprk:PartyPost , dprk:SingleHolderPost"}

# Revised Romanization of a Hangul syllable's parts (initial, medial, final), as the ROK's
# 2000 rules give them for names: syllables spelled one by one, no sound changes across them.
RR_INITIALS = "g kk n d tt r m b pp s ss - j jj ch k t p h".split()
RR_MEDIALS = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split()
RR_FINALS = "- k k ks n nj nh t l lk lm lb ls lt lp lh m p ps t t ng t t k t p t".split()


class RowError(ValueError):
    """A table row that cannot be converted: the message names the file and the line."""


def rr_syllable(ch: str) -> str:
    """One Hangul syllable transliterated in Revised Romanization, letter for letter: the
    name is spelled as the source writes it in Hangul (리 stays 'ri', the North's spelling)."""
    code = ord(ch) - 0xAC00
    initial, medial, final = code // 588, (code % 588) // 28, code % 28
    return (RR_INITIALS[initial] + RR_MEDIALS[medial] + RR_FINALS[final]).replace("-", "")


def revised_romanization(hangul: str) -> str:
    """A Korean name in RR as the ROK writes names: surname, space, given name with a hyphen
    between syllables ('최룡해' -> 'Choe Ryong-hae'). Only single-syllable surnames."""
    surname, given = hangul[0], hangul[1:]
    parts = [rr_syllable(c) for c in given]
    return rr_syllable(surname).capitalize() + " " + "-".join(parts).capitalize()


# The DPRK press form (KCNA's English) of a Hangul syllable's parts: McCune-Reischauer without
# breves or apostrophes (ㅓ/ㅗ -> o, ㅡ/ㅜ -> u, ㅊ -> ch, ㅌ -> th, ㅍ -> ph), syllables as words.
PRESS_INITIALS = "k kk n t tt r m p pp s ss - j jj ch kh th ph h".split()
PRESS_MEDIALS = "a ae ya yae o e yo ye o wa wae oe yo u wo we wi yu u ui i".split()
PRESS_FINALS = "- k k k n n n t l k m p l l p l m p p t t ng t t k t p t".split()
#: In a given name after its first syllable, KCNA writes ㄱ, ㄷ, ㅂ voiced: Ri Yong Gil,
#: Kim Rak Gyom, Pak Thae Dok; the first syllable and the surname keep k, t, p (Kim Tok Hun).
VOICED = {"k": "g", "t": "d", "p": "b"}


def press_syllable(ch: str, voiced: bool) -> str:
    code = ord(ch) - 0xAC00
    initial, medial, final = code // 588, (code % 588) // 28, code % 28
    head = PRESS_INITIALS[initial].replace("-", "")
    if voiced:
        head = VOICED.get(head, head)
    return (head + PRESS_MEDIALS[medial] + PRESS_FINALS[final].replace("-", "")).capitalize()


def dprk_press_form(hangul: str) -> str:
    """A Korean name as KCNA's English prints it, syllable by syllable ('리영길' -> 'Ri Yong
    Gil'). Used only where no English-language source read spells the name; such persons say so
    in a comment."""
    return " ".join(press_syllable(ch, voiced=i >= 2) for i, ch in enumerate(hangul))


def literal(text: str) -> str:
    """A Turtle string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_table(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The header comment lines and the numbered rows of a CSV table."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = [line[1:].strip() for line in lines if line.startswith("#")]
    body = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.startswith("#")]
    if not body:
        raise RowError(f"{path}: no column header line")
    reader = csv.DictReader([line for _, line in body])
    rows = []
    for (number, _), row in zip(body[1:], reader):
        if None in row or any(v is None for v in row.values()):
            raise RowError(f"{path}:{number}: wrong number of cells")
        rows.append((number, {k: v.strip() for k, v in row.items()}))
    return header, rows


def check(condition: bool, path: Path, number: int, what: str) -> None:
    if not condition:
        raise RowError(f"{path}:{number}: {what}")


def slugs(value: str) -> list[str]:
    return [s for s in value.split() if s]


def sources_of(row: dict[str, str], path: Path, number: int) -> str:
    found = slugs(row["sources"])
    check(bool(found) and all(SLUG.match(s) for s in found), path, number,
          "sources must be one or more source slugs separated by spaces")
    return " , ".join("source:" + s for s in found)


def date_cell(row: dict[str, str], key: str, path: Path, number: int, required: bool = False) -> str:
    value = row[key]
    check(bool(DATE.match(value)) if (value or required) else True, path, number,
          f"{key} must be a date YYYY-MM-DD, got {value!r}")
    return value


def file_text(header: list[str], blocks: list[str]) -> str:
    top = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return (top + "# Written by graph/central/convert.py from the .csv of the same name: edit the table,"
            " then re-run it.\n\n" + PREFIXES + "\n" + "\n".join(blocks))


@dataclass(frozen=True)
class Output:
    """A Turtle file and the text a run writes to it."""
    path: Path
    text: str


def persons(path: Path) -> Output:
    """Persons: an English label (the press form), the Hangul a source gives, Revised
    Romanization of it (@ko-Latn-x-rr), other spellings the sources use (@en), birth year."""
    header, rows = read_table(path)
    blocks = []
    for number, row in rows:
        check(bool(SLUG.match(row["slug"])), path, number, f"bad slug {row['slug']!r}")
        if row["defined_in"]:
            continue  # described in another file (its owner's); the row only names it here
        check(row["en_from"] in {"source", "hangul"}, path, number,
              "en_from must be 'source' (a source spells it so) or 'hangul' (romanized from the Hangul)")
        english = row["en"]
        if row["en_from"] == "hangul":
            check(bool(HANGUL.match(row["ko"])), path, number, "a name romanized from Hangul needs the Hangul")
            english = english or dprk_press_form(row["ko"])
            check(english == dprk_press_form(row["ko"]), path, number,
                  f"en {english!r} is not the press form of {row['ko']} ({dprk_press_form(row['ko'])!r})")
        check(bool(english), path, number, "an English label is required")
        names = [f"{literal(english)}@en"]
        alts = []
        if row["ko"]:
            check(bool(HANGUL.match(row["ko"])), path, number, f"ko must be Hangul, got {row['ko']!r}")
            names.append(f"{literal(row['ko'])}@ko")
            alts.append(f"{literal(revised_romanization(row['ko']))}@ko-Latn-x-rr")
        alts += [f"{literal(a.strip())}@en" for a in row["alt_en"].split("|") if a.strip()]
        lines = [f"person:{row['slug']}", "    a dprk:Person ;",
                 f"    rdfs:label {' , '.join(names)} ;"]
        if alts:
            lines.append(f"    skos:altLabel {' , '.join(alts)} ;")
        if row["birth_year"]:
            check(bool(re.match(r"^(19|20)\d\d$", row["birth_year"])), path, number, "birth_year must be a year")
            lines.append(f'    dprk:birthYear "{row["birth_year"]}"^^xsd:gYear ;')
        comments = []
        if row["en_from"] == "hangul":
            comments.append("The English form is romanized from the Hangul in the DPRK's press style; "
                            "no English-language source read spells it.")
        if row["note"]:
            comments.append(row["note"])
        if comments:
            lines.append(f"    rdfs:comment {literal(' '.join(comments))}@en ;")
        lines.append(f"    dcterms:source {sources_of(row, path, number)} .")
        blocks.append("\n".join(lines) + "\n")
    return Output(path.with_suffix(".ttl"), file_text(header, blocks))


def posts(path: Path) -> Output:
    """Posts in the central organs: label, Hangul, class, the organ it is in."""
    header, rows = read_table(path)
    blocks = []
    for number, row in rows:
        check(bool(SLUG.match(row["slug"])), path, number, f"bad slug {row['slug']!r}")
        if row["defined_in"]:
            continue  # described in another file; the row only names it here
        check(row["class"] in POST_CLASSES, path, number, f"class must be one of {sorted(POST_CLASSES)}")
        check(bool(SLUG.match(row["organization"])), path, number, "organization must be a slug")
        names = [f"{literal(row['en'])}@en"] + ([f"{literal(row['ko'])}@ko"] if row["ko"] else [])
        blocks.append("\n".join([
            f"post:{row['slug']}", f"    a {POST_CLASSES[row['class']]} ;",
            f"    rdfs:label {' , '.join(names)} ;",
            f"    org:postIn organization:{row['organization']} ;",
            f"    dcterms:source {sources_of(row, path, number)} ."]) + "\n")
    return Output(path.with_suffix(".ttl"), file_text(header, blocks))


def tenure_iri(row: dict[str, str]) -> str:
    """membership:<body>-<person>-<start> or holding:<post>-<person>-<start>: one per mandate."""
    if row["post"]:
        return f"holding:{row['post']}-{row['person']}-{row['start']}"
    return f"membership:{row['body']}-{row['person']}-{row['start']}"


def tenures(path: Path, labels: dict[str, str]) -> Output:
    """Memberships (body set) and post holdings (post set), one row each."""
    header, rows = read_table(path)
    blocks, seen = [], set()
    for number, row in rows:
        check(bool(SLUG.match(row["person"])), path, number, f"person must be a slug, got {row['person']!r}")
        # A minister appointed by decree, or on a date no reported meeting explains, has no
        # electing meeting: the cell is left empty and the comment says how the tenure began.
        check(not row["elected_at"] or bool(SLUG.match(row["elected_at"])), path, number,
              f"elected_at must be a meeting slug, got {row['elected_at']!r}")
        check(bool(row["elected_at"]) or bool(row["comment"]), path, number,
              "a tenure without elected_at needs a comment saying how it began")
        check(bool(row["body"]) != bool(row["post"]), path, number,
              "give either body (a membership) or post (a post holding), not both")
        check(row["role"] in ROLES, path, number, f"role must be one of {sorted(ROLES)}")
        check(not (row["post"] and row["role"]), path, number, "a post holding has no role")
        check(row["status"] in STATUSES, path, number, f"status must be one of {sorted(STATUSES)}")
        check(row["start_precision"] in PRECISIONS and row["end_precision"] in PRECISIONS, path, number,
              f"precisions must be one of {sorted(PRECISIONS)}")
        start = date_cell(row, "start", path, number, required=True)
        end = date_cell(row, "end", path, number)
        attested = date_cell(row, "last_attested", path, number)
        check(not end or row["status"] in ENDED, path, number, "an end date needs status 'ended' or 'ended-by'")
        check(row["status"] in ENDED or bool(attested), path, number,
              "an open tenure (current or end-unknown) needs last_attested")
        if row["status"] == "ended-by":
            check(bool(end), path, number,
                  "status 'ended-by' needs an end date (the day a successor is first named)")
            check(bool(attested), path, number,
                  "status 'ended-by' needs last_attested (the latest cited source naming the holder in post)")
            width = {"year": 4, "month": 7}.get(row["end_precision"], 10)  # the bound's whole year or month
            check(attested[:width] <= end[:width], path, number,
                  f"last_attested {attested} is after the upper bound {end}: a source names the holder "
                  "in post after the successor is first named")
            check(attested >= start, path, number, f"last_attested {attested} is before the start {start}")
        iri = tenure_iri(row)
        check(iri not in seen, path, number, f"{iri} is given twice")
        seen.add(iri)
        person = labels.get(row["person"], row["person"])
        where = labels.get("post:" + row["post"]) if row["post"] else labels.get("organization:" + row["body"])
        check(where is not None, path, number, f"unknown post or body {row['post'] or row['body']!r}")
        role = {"full": "", "alternate": "alternate member, "}.get(row["role"], "")
        since = start[:7] if row["start_precision"] == "month" else start
        until = f"no later than {end}" if row["status"] == "ended-by" else end
        label = f"{person}, {role}{where} ({since} to {until})" if end else f"{person}, {role}{where} (from {since})"
        lines = [iri, f"    a dprk:{'PostHolding' if row['post'] else 'Membership'} ;",
                 f"    rdfs:label {literal(label)}@en ;", f"    org:member person:{row['person']} ;"]
        if row["post"]:
            lines.append(f"    dprk:post post:{row['post']} ;")
        else:
            lines.append(f"    org:organization organization:{row['body']} ;")
            if ROLES[row["role"]]:
                lines.append(f"    org:role {ROLES[row['role']]} ;")
        lines.append(f'    dprk:startDate "{start}"^^xsd:date ;')
        if PRECISIONS[row["start_precision"]]:
            lines.append(f"    dprk:startPrecision {PRECISIONS[row['start_precision']]} ;")
        if row["elected_at"]:
            lines.append(f"    dprk:electedAt meeting:{row['elected_at']} ;")
        if end:
            lines.append(f'    dprk:endDate "{end}"^^xsd:date ;')
            if PRECISIONS[row["end_precision"]]:
                lines.append(f"    dprk:endPrecision {PRECISIONS[row['end_precision']]} ;")
        if row["ended_at"]:
            check(bool(SLUG.match(row["ended_at"])), path, number, "ended_at must be a meeting slug")
            lines.append(f"    dprk:endedAt meeting:{row['ended_at']} ;")
        lines.append(f"    dprk:tenureStatus {STATUSES[row['status']]} ;")
        if row["status"] == "ended-by":
            lines.append("    dprk:endQualifier dprk:NoLaterThan ;")
        if attested:
            lines.append(f'    dprk:lastAttested "{attested}"^^xsd:date ;')
        if row["comment"]:
            lines.append(f"    rdfs:comment {literal(row['comment'])}@en ;")
        lines.append(f"    dcterms:source {sources_of(row, path, number)} .")
        blocks.append("\n".join(lines) + "\n")
    return Output(path.with_suffix(".ttl"), file_text(header, blocks))


#: Short English names of the bodies, for the labels of the memberships in them.
BODIES = {
    "wpk-central-committee": "Central Committee of the WPK",
    "wpk-politburo": "Politburo of the WPK",
    "wpk-politburo-presidium": "Presidium of the Politburo",
    "wpk-secretariat": "Secretariat (Executive Policy Bureau 2016-2021) of the WPK",
    "wpk-central-military-commission": "Central Military Commission of the WPK",
    "wpk-central-auditing-commission": "Central Auditing Commission of the WPK",
    "state-affairs-commission": "State Affairs Commission",
    "spa-standing-committee": "Standing Committee of the SPA",
    "spa-legislation-committee": "Legislation Committee of the SPA",
    "spa-budget-committee": "Budget Committee of the SPA",
    "spa-foreign-affairs-committee": "Foreign Affairs Committee of the SPA",
    "kim-yang-gon-funeral-committee": "State Funeral Committee of Kim Yang Gon",
    "yon-hyong-muk-funeral-committee": "State Funeral Committee of Yon Hyong Muk",
}


def english_labels() -> dict[str, str]:
    """English names of persons ('slug'), posts ('post:slug') and bodies ('organization:slug'),
    from the tables alone, so that a run depends on nothing but the tables."""
    labels = {"organization:" + slug: name for slug, name in BODIES.items()}
    for _, row in read_table(PEOPLE / "officials.csv")[1]:
        labels[row["slug"]] = row["en"] or dprk_press_form(row["ko"])
    for _, row in read_table(CENTRAL / "posts.csv")[1]:
        labels["post:" + row["slug"]] = row["en"]
    return labels


def roster_tables() -> Iterator[Path]:
    """Every table under graph/central/ that is a roster (all but posts.csv)."""
    return (p for p in sorted(CENTRAL.glob("*.csv")) if p.name != "posts.csv")


def outputs() -> list[Output]:
    """Every Turtle file a run writes, computed before any is written."""
    labels = english_labels()
    return ([persons(PEOPLE / "officials.csv"), posts(CENTRAL / "posts.csv")]
            + [tenures(p, labels) for p in roster_tables()])


def main(argv: list[str]) -> int:
    try:
        results = outputs()
    except (RowError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if "--check" in argv:
        stale = [o.path for o in results
                 if not o.path.exists() or o.path.read_text(encoding="utf-8") != o.text]
        for path in stale:
            print(f"{path} differs from a re-run of graph/central/convert.py", file=sys.stderr)
        return 1 if stale else 0
    for output in results:
        output.path.write_text(output.text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
