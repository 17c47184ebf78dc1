"""The days a coded date stands for at each ACLED time_precision, declared once for pandas and for SQL."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd


class Span(NamedTuple):
    """What a coded date stands for: its calendar `unit` ("day" or "month"), then the first and last day as offsets
    (in days) from the coded day, or from the first and last day of its month."""

    unit: str
    first: int
    last: int


DAY, WEEK, MONTH = 1, 2, 3  # ACLED's time_precision codes (schema.TIME_PRECISION words them)
# The ACLED codebook, "Time precision codes" (docs/codebooks.md, [A1] https://acleddata.com/knowledge-base/codebook/):
# 2 is an event "sometime during the week ... the middle of the period is used as the reference date (i.e., with an
# event occurring last week, the Event date would be recorded on either Wednesday or Thursday of that week)"; 3 is
# "sometime during a month ... the month midpoint is chosen. If the beginning or end of the month is noted, the first
# and last date is used". So a week is the 7 days around its coded (middle) day, and a month is its calendar month
# whichever of its days is coded. data/events.csv uses ACLED's codes, so its rows follow this rule too.
SPANS: dict[int, Span] = {
    DAY: Span("day", 0, 0),
    WEEK: Span("day", -3, 3),
    MONTH: Span("month", 0, 0),
}


def _bound(dates: pd.Series, codes: pd.Series, end: bool) -> pd.Series:
    """The first (or last) day of each coded date at its precision, over whole columns; NaT for an unknown code."""
    dates = pd.to_datetime(dates)
    months = dates.dt.to_period("M")
    month_bound = (months.dt.end_time.dt.normalize() if end else months.dt.start_time).to_numpy()
    choices = []
    for span in SPANS.values():  # one vectorised choice per precision code, not per row
        base = month_bound if span.unit == "month" else dates.to_numpy()
        choices.append(base + np.timedelta64(span.last if end else span.first, "D"))
    codes = pd.to_numeric(codes, errors="coerce")
    conditions = [(codes == code).fillna(False).to_numpy(bool) for code in SPANS]
    chosen = np.select(conditions, choices, default=np.datetime64("NaT", "ns"))
    return pd.Series(pd.to_datetime(chosen), index=dates.index)


def starts(dates: pd.Series, codes: pd.Series) -> pd.Series:
    """The first day each coded date may stand for, at its time_precision code."""
    return _bound(dates, codes, end=False)


def ends(dates: pd.Series, codes: pd.Series) -> pd.Series:
    """The last day each coded date may stand for, at its time_precision code."""
    return _bound(dates, codes, end=True)


def _sql_bound(day: str, code: str, end: bool) -> str:
    """SQL: the first (or last) day of a DATE at its precision code; NULL for an unknown code."""
    month = f"last_day({day})" if end else f"date_trunc('month', {day})::DATE"
    cases = []
    for number, span in SPANS.items():
        offset = span.last if end else span.first
        base = month if span.unit == "month" else day
        shifted = base if offset == 0 else f"{base} {'+' if offset > 0 else '-'} {abs(offset)}"
        cases.append(f"WHEN {number} THEN {shifted}")
    return f"CASE {code} {' '.join(cases)} END"


def sql_start(day: str, code: str) -> str:
    """SQL over whole columns: the first day a DATE column stands for at its precision code column."""
    return _sql_bound(day, code, end=False)


def sql_end(day: str, code: str) -> str:
    """SQL over whole columns: the last day a DATE column stands for at its precision code column."""
    return _sql_bound(day, code, end=True)


def coded(start: dt.date, code: int) -> dt.date:
    """The date to write for a span that starts on `start` at this precision code, so that the rule above gives that
    start back (a week starting on a Monday is written on its Thursday; a month on its first day, as events.csv has
    it). Writers of events.csv (review.py) need this: writing the start itself would shift a week 3 days early."""
    span = SPANS[code]
    return start.replace(day=1) if span.unit == "month" else start - dt.timedelta(days=span.first)
