"""The timeline's query: a mark per event while a lane is sparse, counts per week or month once it is busy.

Only events known to within a bin are counted in it: a month is never put on a day.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import dates, legend
from components.dates import DAY, Anchors
from components.filter_types import WINDOW, Where
from components.queries.reader import Reader
from components.queries.samples import SAMPLE
from components.schema import Model

LANES = 12  # lanes with their own actor; the rest share one
LANE_MARKS = 40  # past this many marks, a lane draws counts per week or month
WEEKS_UP_TO_DAYS = 730  # a timeline of up to two years counts by week, a longer one by month
MARK_COLUMNS = ["lane", "backer", "counted", "start", "stop", "n", "kind", "samples", "types"]


@dataclass(frozen=True)
class TimelineData:
    """What the timeline draws: one row per mark, the lanes in order, and what it leaves out."""

    marks: pd.DataFrame  # lane, backer, start, stop, n, kind, counted, samples, types
    lanes: list[str]
    unit: str  # "week" or "month": the bin of lanes that count
    x_range: list[pd.Timestamp] | None
    hidden: int = 0  # events outside x_range
    total: int = 0
    folded: int = 0  # actors in the shared lane


def others(folded: int) -> str:
    """The name of the lane shared by the actors with fewest events."""
    return f"Others ({dates.plural(folded, 'actor')})"


def timeline_data(reader: Reader, where: Where, anchors: Anchors, extent: str) -> TimelineData:
    """Query the store for the timeline's marks: per event while a lane is sparse, counts per bin once it is not."""
    window = _window(anchors) if extent == WINDOW else None
    inside = "(end_date >= $first_day AND start_date <= $last_day)" if window else "true"
    bounds = {"first_day": window[0].date(), "last_day": window[1].date()} if window else {}
    lanes = reader.df(
        f"""SELECT lane, count(*) FILTER (WHERE {inside}) AS n, count(*) AS everywhere,
                   min(start_date) AS first, max(end_date) AS last
            FROM {Model.file} WHERE {where} GROUP BY lane ORDER BY n DESC, lane""",
        where.bind(**bounds),
    )
    total = int(lanes["everywhere"].sum())
    x_range = window or _extent(lanes, anchors)
    hidden = total - int(lanes["n"].sum())
    lanes = lanes[lanes["n"] > 0]
    own, rest = lanes.head(LANES), lanes.iloc[LANES:]
    shared = others(len(rest))
    sparse = [lane for lane, n in zip(own["lane"], own["n"]) if n <= LANE_MARKS]
    span_days = (x_range[1] - x_range[0]).days if x_range else 0
    unit = "week" if span_days <= WEEKS_UP_TO_DAYS else "month"
    counted = len(sparse) < len(own) or len(rest)  # busy lanes, or others: the counting pass has rows to count
    marks = pd.concat(
        [_single(reader, where, inside, bounds, sparse)]
        + ([_counted(reader, where, inside, bounds, own, shared, unit)] if counted else []),
        ignore_index=True,
    )
    first = marks.groupby("lane")["start"].min().sort_values(kind="stable") if len(marks) else pd.Series()
    order = [x for x in first.index if x != shared] + ([shared] if shared in first.index else [])
    return TimelineData(marks, order, unit, x_range, hidden, total, len(rest))


def _single(reader: Reader, where: Where, inside: str, bounds: dict, lanes: list[str]) -> pd.DataFrame:
    """The marks of sparse lanes: one per span of days, foreign state and event type (a shape each), with its latest
    events for the hover."""
    if not lanes:
        return pd.DataFrame(columns=MARK_COLUMNS)
    return reader.df(
        f"""SELECT lane, backer, false AS counted, start_date AS start, end_date AS stop, count(*) AS n,
                   event_type AS kind, max_by({SAMPLE}, start_date, {legend.HOVER_EVENTS}) AS samples,
                   NULL AS types
            FROM {Model.file} WHERE {where} AND {inside} AND list_contains($lanes::VARCHAR[], lane)
            GROUP BY ALL ORDER BY start, lane, backer""",
        where.bind(**bounds, lanes=lanes),
    )


def _counted(
    reader: Reader, where: Where, inside: str, bounds: dict, own: pd.DataFrame, shared: str, unit: str
) -> pd.DataFrame:
    """The marks of busy lanes: counts per bin of the events known to within it; coarser events at their span.

    The store counts per lane, bin (or span), state and type first (a few thousand rows), then per mark: the busiest
    state of a mark colours it.
    """
    busy = [lane for lane, n in zip(own["lane"], own["n"]) if n > LANE_MARKS]
    mine = list(own["lane"])
    fits = f"date_trunc('{unit}', start_date) = date_trunc('{unit}', end_date)"
    bin_end = f"(date_trunc('{unit}', start_date) + INTERVAL 1 {unit} - INTERVAL 1 DAY)::DATE"
    key = "lane, counted, start, stop"
    # The rows are first counted by their own columns (a plain grouping: millions of rows in, thousands out); the
    # bins and the lanes' names are then worked out on those counts, not on every row.
    marks = reader.df(
        f"""WITH g AS (
                SELECT lane, backer, start_date, end_date, event_type, count(*) AS n
                FROM {Model.file} WHERE {where} AND {inside} GROUP BY ALL),
            r AS (
                SELECT CASE WHEN list_contains($mine::VARCHAR[], lane) THEN lane ELSE $shared END AS lane, backer,
                       {fits} AS counted,
                       CASE WHEN {fits} THEN date_trunc('{unit}', start_date)::DATE ELSE start_date END AS start,
                       CASE WHEN {fits} THEN {bin_end} ELSE end_date END AS stop,
                       event_type, sum(n) AS n
                FROM g WHERE list_contains($busy::VARCHAR[], lane)  -- busy lanes, or others
                             OR NOT list_contains($mine::VARCHAR[], lane)
                GROUP BY ALL),
            states AS (SELECT {key}, backer, sum(n) AS n FROM r GROUP BY ALL),
            busiest AS (SELECT {key}, arg_max(backer, n) AS backer FROM states GROUP BY ALL),
            kinds AS (SELECT {key}, event_type, sum(n) AS n FROM r GROUP BY ALL)
            SELECT lane, b.backer, counted, start, stop, sum(n)::BIGINT AS n, arg_max(event_type, n) AS kind,
                   NULL AS samples, list(struct_pack(type := event_type, n := n) ORDER BY n DESC) AS types
            FROM kinds JOIN busiest b USING (lane, counted, start, stop)
            GROUP BY lane, b.backer, counted, start, stop""",
        where.bind(**bounds, mine=mine, shared=shared, busy=busy),
    )
    return marks[MARK_COLUMNS]


def _window(anchors: Anchors) -> list[pd.Timestamp] | None:
    """From a week before the ceasefire to a week after the latest report, when both are known."""
    if anchors.ceasefire_start is None or anchors.latest_report is None:
        return None
    return [anchors.ceasefire_start - 7 * DAY, anchors.latest_report + 7 * DAY]


def _extent(lanes: pd.DataFrame, anchors: Anchors) -> list[pd.Timestamp] | None:
    """Every event, and the ceasefire and the deadline too, so they keep their context (None: nothing to place)."""
    pad = 14 * DAY
    known = [t for t in (anchors.ceasefire_start, anchors.deadline) if t is not None]
    found = [pd.Timestamp(t) for t in (*lanes["first"].dropna(), *lanes["last"].dropna())]
    if not found and not known:
        return None
    return [min([*found, *known]) - pad, max([*found, *known]) + pad]
