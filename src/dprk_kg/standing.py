"""A tenure's standing on a date: the rule of the as-of queries, for what Python draws itself.

The named as-of queries (dual-power, interlocks, post-holders, candidate-preselection) state
the rule in SPARQL, in their as-of block; the pictures and web pages that read tenures from
the graph themselves apply it here, so that no picture calls current a holder whom the
queries call unconfirmed (tests/test_queries_content.py checks the two agree, date by date).

On a date a tenure is one of: not covering it (None: not begun, over, or ended at an unknown
date); "uncertain: began 2024-12" / "uncertain: ended 2024" (the start or end is known only to
the month or year, and that month or year holds the date); "holding" (a source confirms it: a
reported end after the date, or an attestation within ``stale_after`` years before it); or
"unconfirmed since 2010-06" (its last attestation is older). An end that is only an upper
bound (dprk:endQualifier dprk:NoLaterThan: the date a successor is first named) confirms
nothing: before it the tenure stands on its last attestation, as an open one does.

>>> bounded = TenureDates(start="2010-02-01", start_precision="month", end="2022-04-08",
...                       end_is_bound=True, ended=True, last_attested="2010-02-17")
>>> bounded.standing("2012-01-01"), bounded.standing("2015-01-01"), bounded.standing("2022-04-09")
('holding', 'unconfirmed since 2010-02', None)
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass

from dprk_kg import namespaces

DPRK = namespaces.PREFIXES["dprk"]

#: An open tenure no source has named for longer than this before the date is not current:
#: it is "unconfirmed since" its last attestation (the queries' stale_after default).
STALE_YEARS = 3

_PRECISIONS = {DPRK + "DayPrecision": "day", DPRK + "MonthPrecision": "month", DPRK + "YearPrecision": "year"}
#: How many characters of an ISO date a precision keeps ("2024", "2024-12").
_SHOWN = {"year": 4, "month": 7}


@dataclass(frozen=True)
class TenureDates:
    """What the as-of rule reads of a tenure. Dates are ISO strings; a precision is "day",
    "month" or "year" (a month or year is stored as its first day)."""

    start: str | None
    start_precision: str = "day"
    end: str | None = None
    end_precision: str = "day"
    end_is_bound: bool = False  # dprk:endQualifier dprk:NoLaterThan
    ended: bool = False  # dprk:tenureStatus dprk:Ended
    last_attested: str | None = None

    @classmethod
    def read(cls, value: Callable[[str], str | None]) -> TenureDates:
        """From a tenure's statements: ``value(property IRI)`` is one of its values (a date's
        lexical form, a term's IRI) or None."""
        def date(name: str) -> str | None:
            found = value(DPRK + name)
            return found[:10] if found else None
        return cls(start=date("startDate"),
                   start_precision=_PRECISIONS.get(value(DPRK + "startPrecision") or "", "day"),
                   end=date("endDate"),
                   end_precision=_PRECISIONS.get(value(DPRK + "endPrecision") or "", "day"),
                   end_is_bound=value(DPRK + "endQualifier") == DPRK + "NoLaterThan",
                   ended=value(DPRK + "tenureStatus") == DPRK + "Ended",
                   last_attested=date("lastAttested"))

    @property
    def last_seen(self) -> str | None:
        """The latest date a source shows the tenure running: dprk:lastAttested, or the start
        when none is later."""
        if self.last_attested and (not self.start or self.last_attested > self.start):
            return self.last_attested
        return self.start

    def standing(self, as_of: str, stale_after: int = STALE_YEARS) -> str | None:
        """The tenure on ``as_of`` (an ISO date), as the queries' as_of column says it; None
        when it does not cover the date."""
        if not self.start or self.start > as_of:
            return None
        if self.end is None and self.ended:
            return None  # ended at an unknown date: no date is surely inside it but its start
        if self.end is not None and _last_day(self.end, self.end_precision) < as_of:
            return None
        if _last_day(self.start, self.start_precision) > as_of:
            return "uncertain: began " + self.start[:_SHOWN.get(self.start_precision, 7)]
        if self.end is not None and self.end < as_of:
            return "uncertain: ended " + self.end[:_SHOWN.get(self.end_precision, 7)]
        seen = self.last_seen or self.start
        stale_before = f"{int(as_of[:4]) - stale_after}{as_of[4:]}"
        if (self.end is not None and not self.end_is_bound) or seen >= stale_before:
            return "holding"
        year_only = seen == self.start and self.start_precision == "year"
        return "unconfirmed since " + seen[:4 if year_only else 7]


def certainty(standing: str) -> str:
    """A standing as a picture's certainty: "" (holding), "uncertain" or "unconfirmed".

    >>> certainty("holding"), certainty("uncertain: began 2024-12"), certainty("unconfirmed since 2010-06")
    ('', 'uncertain', 'unconfirmed')
    """
    return "" if standing == "holding" else "uncertain" if standing.startswith("uncertain") else "unconfirmed"


def _last_day(date: str, precision: str) -> str:
    """The last day of the month or year a stored date stands for (the date itself for a day)."""
    if precision == "year":
        return date[:4] + "-12-31"
    if precision == "month":
        year, month = int(date[:4]), int(date[5:7])
        return f"{date[:7]}-{calendar.monthrange(year, month)[1]:02d}"
    return date
