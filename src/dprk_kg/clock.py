"""What "today" is for every "as of" answer: the system's date, or ``$DPRK_KG_TODAY``.

A holder is "unconfirmed" once no source has named them for three years before the asked
date, so an answer for "today" changes as days pass. Setting ``DPRK_KG_TODAY=2026-12-02``
pins it: the README's examples, a test, or a report re-run as of the day it was written
then read the same on any later day.

>>> import os
>>> os.environ["DPRK_KG_TODAY"] = "2019-07-21"
>>> today().isoformat()
'2019-07-21'
>>> del os.environ["DPRK_KG_TODAY"]
"""

from __future__ import annotations

import datetime as dt
import os

from dprk_kg.errors import UserError

ENV = "DPRK_KG_TODAY"


def today() -> dt.date:
    """The date "today" stands for (``$DPRK_KG_TODAY`` when set, else the system's date)."""
    pinned = os.environ.get(ENV, "").strip()
    if not pinned:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(pinned)
    except ValueError:
        raise UserError(f"{ENV} must be a date such as 2026-12-02, not {pinned!r}") from None
