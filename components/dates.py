"""Event dates at the precision the source gives: spans, labels, and the ceasefire and deadline anchors."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components import precision
from components.schema import Events, Model

DAY = pd.Timedelta(days=1)


def starts(events: pd.DataFrame) -> pd.Series:
    """First day each event of events.csv may have happened on, by the one rule of components/precision.py."""
    return precision.starts(events[Events.event_date], events[Events.time_precision])


def ends(events: pd.DataFrame) -> pd.Series:
    """Last day each event of events.csv may have happened on, by the one rule of components/precision.py."""
    return precision.ends(events[Events.event_date], events[Events.time_precision])


def day(date: dt.date | pd.Timestamp) -> str:
    """A day, written for people: '29 Jan 2021'."""
    return f"{date.day} {date:%b %Y}"


def span(start: dt.date, end: dt.date) -> str:
    """Dates written exactly as precise as the span: '23 Jan 2021', 'October 2020', '2020', '8–14 Jun 2020'."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    if start == end:
        return day(start)
    if start.day == 1 and end == start + pd.offsets.MonthEnd(0):
        return f"{start:%B %Y}"
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return f"{start.year}"
    if start.year != end.year:
        return f"{day(start)} – {day(end)}"
    if start.month != end.month:
        return f"{start.day} {start:%b} – {day(end)}"
    return f"{start.day}–{day(end)}"


def label(start: dt.date, end: dt.date, basis: str = "event") -> str:
    """An event's dates; an ongoing situation reads 'as of' its report."""
    return f"as of {span(start, end)}" if basis == "report" else span(start, end)


MONTHS = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FULL_MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")  # fmt: skip


def spans(start: pd.Series, end: pd.Series) -> pd.Series:
    """`span` over whole columns: each start and end written exactly as precise as they are (names of months looked
    up, not strftime'd: strftime costs a millisecond per hundred rows)."""
    start, end = pd.to_datetime(start), pd.to_datetime(end)
    s_day, s_month, s_year = start.dt.day, start.dt.month, start.dt.year
    e_day, e_month, e_year = end.dt.day, end.dt.month, end.dt.year
    s_mon, e_mon = s_month.map(MONTHS.__getitem__).astype(str), e_month.map(MONTHS.__getitem__).astype(str)
    s_text, s_year_text = s_day.astype(str), s_year.astype(str)
    end_day = e_day.astype(str) + " " + e_mon + " " + e_year.astype(str)
    whole_month = (s_day == 1) & (end == start + pd.offsets.MonthEnd(0))
    whole_year = (s_month == 1) & (s_day == 1) & (e_month == 12) & (e_day == 31) & (s_year == e_year)
    written = np.select(
        [start == end, whole_month, whole_year, s_year != e_year, s_month != e_month],
        [
            s_text + " " + s_mon + " " + s_year_text,
            s_month.map(FULL_MONTHS.__getitem__).astype(str) + " " + s_year_text,
            s_year_text,
            s_text + " " + s_mon + " " + s_year_text + " – " + end_day,
            s_text + " " + s_mon + " – " + end_day,
        ],
        default=s_text + "–" + end_day,
    )
    return pd.Series(written, index=start.index, dtype=object)


def labels(events: pd.DataFrame) -> pd.Series:
    """The label of every event of a model frame, as `label` writes it, over whole columns."""
    said = spans(events[Model.start_date], events[Model.end_date])
    return said.where(events[Model.date_basis] != "report", "as of " + said)


def plural(count: int, noun: str) -> str:
    """'1 day', '6 days', '1,234 events'."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {noun}s"


@dataclass(frozen=True)
class Anchors:
    """The ceasefire, the withdrawal deadline and the latest report, read from the whole store."""

    ceasefire_start: pd.Timestamp | None
    ceasefire_end: pd.Timestamp | None
    ceasefire_label: str
    deadline: pd.Timestamp | None
    latest_report: pd.Timestamp | None

    @property
    def days_overdue(self) -> int | None:
        """Days from the deadline to the latest report, if both are known and the deadline has passed."""
        if self.deadline is None or self.latest_report is None:
            return None
        return max((self.latest_report - self.deadline).days, 0)

    @property
    def window_days(self) -> tuple[int, int] | None:
        """Fewest and most days from the ceasefire to the deadline (a range when the ceasefire is a month)."""
        if self.deadline is None or self.ceasefire_start is None:
            return None
        return (self.deadline - self.ceasefire_end).days, (self.deadline - self.ceasefire_start).days


def window(anchors: Anchors) -> list[pd.Timestamp] | None:
    """The timeline's default extent: from a week before the ceasefire to a week after the latest report, when both
    are known."""
    if anchors.ceasefire_start is None or anchors.latest_report is None:
        return None
    return [anchors.ceasefire_start - 7 * DAY, anchors.latest_report + 7 * DAY]


def anchors(milestones: pd.DataFrame, latest_report: dt.date | None) -> Anchors:
    """The timeline's anchors: the events marked as milestones (model rows), and the newest report in the store."""
    ceasefire = milestones[milestones[Model.milestone] == "ceasefire"].sort_values(Model.start_date).head(1)
    deadline = milestones[milestones[Model.milestone] == "withdrawal deadline"]
    first = ceasefire.iloc[0] if len(ceasefire) else None
    return Anchors(
        ceasefire_start=pd.Timestamp(first[Model.start_date]) if first is not None else None,
        ceasefire_end=pd.Timestamp(first[Model.end_date]) if first is not None else None,
        ceasefire_label=span(first[Model.start_date], first[Model.end_date]) if first is not None else "",
        deadline=pd.Timestamp(deadline[Model.start_date].min()) if len(deadline) else None,
        latest_report=pd.Timestamp(latest_report) if latest_report is not None else None,
    )
