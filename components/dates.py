"""Event dates at the precision the source gives: spans, labels, and the ceasefire and deadline anchors."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.schema import REPORTED, Events

DAY = pd.Timedelta(days=1)


def starts(events: pd.DataFrame) -> pd.Series:
    """First day each event may have happened on."""
    dates = events[Events.event_date]
    month = events[Events.time_precision] == 3
    return dates.where(~month, dates.dt.to_period("M").dt.start_time)


def ends(events: pd.DataFrame) -> pd.Series:
    """Last day each event may have happened on (a month-precision event spans its whole month)."""
    dates = events[Events.event_date]
    precision = events[Events.time_precision]
    month_end = dates.dt.to_period("M").dt.end_time.dt.normalize()
    return dates.where(precision == 1, dates + 6 * DAY).where(precision != 3, month_end)


def label(date: pd.Timestamp, precision: int) -> str:
    """A date written as precisely as the source gives it: '23 Jan 2021', 'October 2020'."""
    if precision == 3:
        return date.strftime("%B %Y")
    if precision == 2:
        return f"week of {date.day} {date:%b %Y}"
    return f"{date.day} {date:%b %Y}"


def labels(events: pd.DataFrame) -> pd.Series:
    """Each event's date label; an ongoing situation reads 'as of' its report."""
    text = [label(d, p) for d, p in zip(events[Events.event_date], events[Events.time_precision])]
    as_of = events[Events.date_basis] == "report"
    return pd.Series(text, index=events.index).where(~as_of, "as of " + pd.Series(text, index=events.index))


def plural(count: int, noun: str) -> str:
    """'1 day', '6 days'."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def day(date: pd.Timestamp) -> str:
    """A day, written for people: '29 Jan 2021'."""
    return label(date, 1)


@dataclass(frozen=True)
class Anchors:
    """The ceasefire, the withdrawal deadline and the latest report, read from the whole dataset."""

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


def anchors(events: pd.DataFrame) -> Anchors:
    """Find the timeline's anchors: the events marked as milestones, and the newest report date."""
    ceasefire = events[events[Events.milestone] == "ceasefire"]
    deadline = events[events[Events.milestone] == "withdrawal deadline"]
    first = ceasefire.sort_values(Events.event_date).head(1)
    return Anchors(
        ceasefire_start=starts(first).iloc[0] if len(first) else None,
        ceasefire_end=ends(first).iloc[0] if len(first) else None,
        ceasefire_label=labels(first).iloc[0] if len(first) else "",
        deadline=deadline[Events.event_date].min() if len(deadline) else None,
        latest_report=events[REPORTED].max() if len(events) else None,
    )
