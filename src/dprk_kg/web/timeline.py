"""A person's tenures on one time axis: party posts above it, state posts below.

The layout is computed here (years to x, one lane per tenure) and drawn by a template as
SVG, so the picture needs no script and every label goes through the template's escaping.
An open tenure runs to the "as of" date (or today) and is drawn open-ended; a tenure whose
start is unknown is listed under the picture rather than placed at a guessed date.

>>> from dprk_kg.web.pages import Fact
>>> t = layout([Fact("h", "Chairman", "Tenures", "tenure", "state", start="2019-04-11", end="2021-01-01")], "2022-01-01")
>>> [(b.label, b.side, b.open) for b in t.bars], t.ticks[0][1]
([('Chairman', 'state', False)], '2019')
>>> ended = Fact("h", "Secretary", "Tenures", "tenure", "party", start="2010-08-02",
...             status="https://w3id.org/dprk-kg/ontology#Ended")
>>> bar = layout([ended], "2022-01-01").bars[0]
>>> bar.span, bar.open, bar.width
('from 2010-08-02, ended (date unknown)', False, 6)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from dprk_kg.web.pages import Fact

WIDTH, LANE, LABEL_ROOM, MARGIN = 880, 26, 14, 20
#: Room between the axis and the first state lane (the year labels sit there).
BELOW_AXIS = 40
#: The width of one character of a bar's label (12 px sans-serif), to keep labels inside.
CHAR_WIDTH = 6.6
LONGEST_LABEL = 90


@dataclass
class Bar:
    """One tenure as drawn: its lane's y, its x span, and what it says."""

    label: str
    side: str
    x: float
    width: float
    y: float
    open: bool
    href: str | None
    span: str

    @property
    def text(self) -> str:
        """The label drawn above the bar, cut to fit the picture (the tooltip has it whole)."""
        text = f"{self.label} · {self.span}"
        return text if len(text) <= LONGEST_LABEL else text[:LONGEST_LABEL - 1] + "…"

    @property
    def text_x(self) -> float:
        """Where the label starts: above the bar, moved left as far as it must to fit."""
        return max(MARGIN / 2, min(self.x, WIDTH - MARGIN / 2 - len(self.text) * CHAR_WIDTH))


@dataclass
class Timeline:
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    axis_y: float
    height: float
    undated: list[Fact]
    width: int = WIDTH


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


def _start(fact: Fact) -> str:
    """The start of a fact on the axis: only facts with one are laid out."""
    assert fact.start
    return fact.start


def layout(tenures: list[Fact], as_of: str, holder: str = "") -> Timeline:
    """Bars for ``tenures``: party above the axis, everything else (state, other) below.

    A tenure's label that starts with the ``holder``'s name ("Kim Jong Un, Chairman of ...")
    is drawn without it: the page is the holder's.
    """
    dated = [f for f in tenures if f.start]
    undated = [f for f in tenures if not f.start]
    end_of_view = _day(as_of)
    if not dated:
        return Timeline([], [], MARGIN, 2 * MARGIN, undated)
    first = min(_day(_start(f)) for f in dated)
    last = max([end_of_view] + [_day(f.end) for f in dated if f.end])
    first_year, last_year = first.year, last.year + 1
    span_days = max((dt.date(last_year, 1, 1) - dt.date(first_year, 1, 1)).days, 1)

    def x(day: dt.date) -> float:
        return MARGIN + (WIDTH - 2 * MARGIN) * (day - dt.date(first_year, 1, 1)).days / span_days

    above = [f for f in dated if f.side == "party"]
    below = [f for f in dated if f.side != "party"]
    axis_y = MARGIN + len(above) * (LANE + LABEL_ROOM)
    bars = []
    for lane, fact in enumerate(sorted(above, key=_start, reverse=True)):
        bars.append(_bar(fact, x, axis_y - (lane + 1) * (LANE + LABEL_ROOM) + LABEL_ROOM, end_of_view, holder))
    for lane, fact in enumerate(sorted(below, key=_start)):
        bars.append(_bar(fact, x, axis_y + BELOW_AXIS + lane * (LANE + LABEL_ROOM) + LABEL_ROOM, end_of_view, holder))
    years = range(first_year, last_year + 1)
    step = max(1, len(years) // 12)
    ticks = [(x(dt.date(y, 1, 1)), str(y)) for y in years if (y - first_year) % step == 0]
    height = axis_y + BELOW_AXIS + len(below) * (LANE + LABEL_ROOM) + MARGIN
    return Timeline(bars, ticks, axis_y, height, undated)


def _bar(fact: Fact, x: Callable[[dt.date], float], y: float, end_of_view: dt.date, holder: str) -> Bar:
    """A tenure's bar: to its end date; if open, to the date shown; if ended at an unknown
    date, only a mark at its start (drawing it longer would claim dates no source gives). An
    end that is only an upper bound is drawn to it, open (not confirmed to the end)."""
    start = _day(_start(fact))
    ended_unknown = fact.end is None and (fact.status or "").endswith("#Ended")
    stop = _day(fact.end) if fact.end else start if ended_unknown else max(end_of_view, start)
    left = x(start)
    label = fact.label.removeprefix(f"{holder}, ") if holder else fact.label
    if fact.end and fact.end_qualifier:
        span = f"{fact.start} – {fact.end_qualifier} {fact.end}" + (
            f", last attested {fact.last_attested}" if fact.last_attested else "")
    elif fact.end:
        span = f"{fact.start} – {fact.end}"
    elif ended_unknown:
        span = f"from {fact.start}, ended (date unknown)"
    else:
        span = f"since {fact.start}" + (f", last attested {fact.last_attested}" if fact.last_attested else "")
    return Bar(label=label, side=fact.side or "other", x=left, width=max(x(stop) - left, 6), y=y,
               open=(fact.end is None and not ended_unknown) or bool(fact.end and fact.end_qualifier),
               href=fact.href, span=span)
