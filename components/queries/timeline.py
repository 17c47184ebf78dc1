"""The timeline's query: a mark per event while a lane is sparse, counts per week or month once it is busy.

Only events known to within a bin are counted in it: a month is never put on a day.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import dates, legend
from components.dates import DAY, Anchors
from components.filter_types import WINDOW, Where
from components.queries import summaries
from components.queries.reader import Reader
from components.queries.samples import SAMPLE
from components.queries.summaries import TIMELINE
from components.schema import Model

LANES = 12  # lanes with their own actor; the rest share one
LANE_MARKS = 40  # past this many marks, a lane draws counts per week or month
WEEKS_UP_TO_DAYS = 730  # a timeline of up to two years counts by week, a longer one by month
TYPES_SHOWN = 3  # a count's hover names its most frequent event types, with their counts
MARK_COLUMNS = ["lane", "backer", "counted", "start", "stop", "n", "kind", "samples", "types"]


@dataclass(frozen=True)
class TimelineData:
    """What the timeline draws: one row per mark, the lanes in order, and what it leaves out."""

    marks: pd.DataFrame  # lane, backer, start, stop, n, kind, counted, samples, types ('Battles 1,204 · …')
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
    window = dates.window(anchors) if extent == WINDOW else None
    bounds = {"first_day": window[0].date(), "last_day": window[1].date()} if window else {}
    # The window's rows are the summary's `inside`; every event's, when the axis shows them all.
    src, params = summaries.source(
        TIMELINE, where, {"first_day": None, "last_day": None, **bounds}, reads=TIMELINE.needs if window else ()
    )
    inside = "inside" if window else "true"
    lanes = reader.df(
        f"""SELECT lane, sum(n) FILTER (WHERE {inside}) AS n, sum(n) AS everywhere, min(earliest) AS first,
                   max(latest) AS last
            FROM {src} GROUP BY lane ORDER BY n DESC, lane""",
        params,
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
    within = "(end_date >= $first_day AND start_date <= $last_day)" if window else "true"
    marks = pd.concat(
        [_single(reader, where, within, bounds, sparse)]
        + ([_counted(reader, src, params, inside, own, shared, unit)] if counted else []),
        ignore_index=True,
    )
    first = marks.groupby("lane")["start"].min().sort_values(kind="stable") if len(marks) else pd.Series()
    order = [x for x in first.index if x != shared] + ([shared] if shared in first.index else [])
    return TimelineData(marks, order, unit, x_range, hidden, total, len(rest))


def _single(reader: Reader, where: Where, inside: str, bounds: dict, lanes: list[str]) -> pd.DataFrame:
    """The marks of sparse lanes: one per span of days, foreign state and event type (a shape each), with its latest
    events for the hover (read from the events: a few dozen of them)."""
    if not lanes:
        return pd.DataFrame(columns=MARK_COLUMNS)
    return reader.df(
        f"""SELECT lane, backer, false AS counted, start_date AS start, end_date AS stop, count(*) AS n,
                   event_type AS kind, max_by({SAMPLE}, (start_date, rowid), {legend.HOVER_EVENTS}) AS samples,
                   NULL AS types
            FROM {Model.file} WHERE {where} AND {inside} AND list_contains($lanes::VARCHAR[], lane)
            GROUP BY ALL ORDER BY start, lane, backer, kind, stop""",  # every key: the same order at each rerun
        where.bind(**bounds, lanes=lanes),
    )


def _counted(
    reader: Reader, src: str, params: dict, inside: str, own: pd.DataFrame, shared: str, unit: str
) -> pd.DataFrame:
    """The marks of busy lanes: counts per bin of the events known to within it; coarser events at their span.

    Counted per lane, bin (or span), state and type first (a few thousand rows), then per mark: the busiest state of
    a mark colours it, and ties go to the first in order (never to chance).
    """
    busy = [lane for lane, n in zip(own["lane"], own["n"]) if n > LANE_MARKS]
    mine = list(own["lane"])
    spans = f"spans_{unit}"
    key = "lane, counted, start, stop"
    marks = reader.df(
        f"""WITH g AS (
                SELECT lane, backer, event_type, {unit} AS bin, CASE WHEN {spans} THEN own_start END AS own_start,
                       CASE WHEN {spans} THEN own_stop END AS own_stop, sum(n) AS n
                FROM {src} WHERE {inside} GROUP BY ALL),
            r AS (
                SELECT CASE WHEN list_contains($mine::VARCHAR[], lane) THEN lane ELSE $shared END AS lane, backer,
                       own_start IS NULL AS counted, coalesce(own_start, bin) AS start,
                       coalesce(own_stop, (bin + INTERVAL 1 {unit} - INTERVAL 1 DAY)::DATE) AS stop, event_type,
                       sum(n) AS n
                FROM g WHERE list_contains($busy::VARCHAR[], lane)  -- busy lanes, or others
                             OR NOT list_contains($mine::VARCHAR[], lane)
                GROUP BY ALL),
            states AS (SELECT {key}, backer, sum(n) AS n FROM r GROUP BY ALL),
            busiest AS (SELECT {key}, arg_max(backer, (n, backer)) AS backer FROM states GROUP BY ALL),
            kinds AS (SELECT {key}, event_type, sum(n) AS n FROM r GROUP BY ALL)
            SELECT lane, b.backer, counted, start, stop, sum(n)::BIGINT AS n,
                   arg_max(event_type, (n, event_type)) AS kind, NULL AS samples,
                   array_to_string(list_slice(list(event_type || ' ' || format('{{:,}}', n::BIGINT)
                                                   ORDER BY n DESC, event_type), 1, {TYPES_SHOWN}), ' · ')
                   || CASE WHEN count(*) > {TYPES_SHOWN} THEN ' · …' ELSE '' END AS types
            FROM kinds JOIN busiest b USING (lane, counted, start, stop)
            GROUP BY lane, b.backer, counted, start, stop ORDER BY lane, start, stop, counted""",
        {**params, "mine": mine, "shared": shared, "busy": busy},
    )
    return marks[MARK_COLUMNS]


def _extent(lanes: pd.DataFrame, anchors: Anchors) -> list[pd.Timestamp] | None:
    """Every event, and the ceasefire and the deadline too, so they keep their context (None: nothing to place)."""
    pad = 14 * DAY
    known = [t for t in (anchors.ceasefire_start, anchors.deadline) if t is not None]
    found = [pd.Timestamp(t) for t in (*lanes["first"].dropna(), *lanes["last"].dropna())]
    if not found and not known:
        return None
    return [min([*found, *known]) - pad, max([*found, *known]) + pad]
