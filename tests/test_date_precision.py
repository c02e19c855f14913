"""Dates of month or year precision are intervals: the order and overlap rules fire only when
the problem is certain whatever the real days were (ontology/shapes.ttl, at its top).

Each rule is compared, on random dates and precisions, with the plain interval reading: a
date stored as its first day with a month or year precision covers that whole month or year.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import support
from dprk_kg.parse import read_text
from dprk_kg.validation import load_shapes, validate_store

PRECISIONS = ["DayPrecision", "MonthPrecision", "YearPrecision"]
PREFIXES = """@prefix dprk: <https://w3id.org/dprk-kg/ontology#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix f: <https://w3id.org/dprk-kg/id/fixture/> .
"""


@cache
def shapes():
    return load_shapes()


def stored(day: dt.date, precision: str) -> dt.date:
    """What is written: the first day of the month or year for an imprecise date."""
    if precision == "YearPrecision":
        return day.replace(month=1, day=1)
    return day.replace(day=1) if precision == "MonthPrecision" else day


def latest(first: dt.date, precision: str) -> dt.date:
    """The last day an imprecise date may stand for."""
    if precision == "YearPrecision":
        return first.replace(month=12, day=31)
    if precision == "MonthPrecision":
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first


dates = st.dates(dt.date(2019, 11, 1), dt.date(2021, 2, 28))
precisions = st.sampled_from(PRECISIONS)


def rules_fired(turtle: str) -> set[str]:
    batch = read_text(PREFIXES + turtle, "turtle")
    report = validate_store(support.memory_store({"case": batch.triples}), shapes=shapes())
    return {p.message.split(":")[0] for p in report.problems}


def holding(name: str, person: str, start: dt.date, start_p: str, end: dt.date | None = None,
            end_p: str = "DayPrecision") -> str:
    text = (f"f:{name} a dprk:PostHolding ; dprk:post f:post ; org:member f:{person} ;\n"
            f'  dprk:startDate "{start}"^^xsd:date ; dprk:startPrecision dprk:{start_p} ;\n')
    if end is not None:
        text += f'  dprk:endDate "{end}"^^xsd:date ; dprk:endPrecision dprk:{end_p} ;\n'
    return text + f"  dprk:tenureStatus dprk:{'Ended' if end else 'Current'} .\n"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dates, precisions, dates, precisions)
def test_an_end_before_the_start_is_reported_only_when_certain(start, start_p, end, end_p):
    start, end = stored(start, start_p), stored(end, end_p)
    fired = "TenureEndsBeforeStart" in rules_fired(holding("h", "a", start, start_p, end, end_p))
    assert fired == (latest(end, end_p) < start)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dates, precisions, dates, precisions, dates, precisions)
def test_two_holders_of_one_post_overlap_only_when_certain(a_start, a_p, a_end, a_end_p,
                                                           b_start, b_p):
    """Holder A from a_start to a_end, holder B from b_start on (still in post)."""
    a_start, a_end, b_start = stored(a_start, a_p), stored(a_end, a_end_p), stored(b_start, b_p)
    if latest(a_end, a_end_p) < a_start:
        return  # that is the other rule's case
    text = ("f:post a dprk:ChiefSecretary .\n" + holding("h1", "a", a_start, a_p, a_end, a_end_p)
            + holding("h2", "b", b_start, b_p))
    fired = "SingleHolderOverlap" in rules_fired(text)
    # Certain: B surely began before A surely ended (A's end is no earlier than its first
    # day); B has not ended, so A surely began before B's end. Ending on the day the other
    # starts is a handover, not an overlap.
    certain = latest(b_start, b_p) < a_end
    assert fired == certain
