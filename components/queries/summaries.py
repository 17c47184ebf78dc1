"""The views' summaries: each view's first pass over the current events (counts per place, per lane and bin, per force
and place), done once per generation by the writer instead of at every rerun.

A summary keeps, beside the view's own columns, the columns most filters read (FILTERED), and some keep the places
too (`serves`), so a condition on those runs on it unchanged. A condition on anything else (days, names, versions as
of a day; places, for the timeline) reads the events themselves through the same per-event columns
(`Summary.rows`), so that one query text serves both: a summary is only the events grouped ahead of time, never a
second way of counting them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from components import dates
from components.dates import Anchors
from components.filter_types import Where
from components.schema import Model

# What a condition may read to run on any summary: `current` (a summary holds current versions only, and says so).
FILTERED = ("current", Model.country, Model.dataset, Model.event_type, Model.actor_bits)
# The anchors, read the same way by the page (snapshot.prepare) and by the writer that builds the summaries.
MILESTONES = f"SELECT * FROM {Model.file} WHERE current AND milestone <> ''"
LATEST = f"SELECT max(reported) FROM {Model.file} WHERE current"
META = "summaries"  # the key of the meta table that records what the summaries were built with


@dataclass(frozen=True)
class Summary:
    """One view's first pass: per-event columns (`rows`), grouped by `keys` and FILTERED, combined by `combine`."""

    table: str
    keys: str  # the view's own columns that a group keeps (an expression of `rows`, named as the column it keeps)
    rows: str  # SQL select list over an event's columns: the view's computed columns and measures, one event each
    combine: str  # SQL aggregates over `rows` (or over a summary's groups): the same text combines either
    needs: tuple[str, ...] = ()  # the parameters `rows` reads, fixed when the summary is built
    serves: tuple[str, ...] = ()  # its keys that are the events' own columns, which a condition may read as well
    reads: tuple[str, ...] | None = None  # the events' columns `keys` and `rows` read (None: not declared)

    def build(self) -> str:
        """The SELECT that makes the summary from the current events (its parameters: `bind`)."""
        return (f"SELECT true AS current, {', '.join(FILTERED[1:])}, {self.keys}, {self.combine} "
                f"FROM (SELECT *, {self.rows} FROM {Model.file} WHERE current) GROUP BY ALL")  # fmt: skip

    def bind(self, built: dict[str, dt.date | None]) -> dict[str, dt.date | None]:
        """The parameters this summary's rows read."""
        return {name: built[name] for name in self.needs}


MAP = Summary(
    "summary_map",
    keys="backer, location, latitude, longitude",
    rows="1 AS n, geo_precision AS finest, rowid AS latest, start_date AS latest_day",
    # a place's latest event: of its latest day, the row read last (a tie never goes to chance)
    combine="""sum(n) AS n, min(finest) AS finest, arg_max(latest, (latest_day, latest)) AS latest,
               max(latest_day) AS latest_day""",
    serves=(Model.location, Model.latitude, Model.longitude),
)
# A timeline bins an event by week or by month (the unit depends on the axis): both bins are kept, and an event's own
# days when it spans a bin of either (a query reads them only for the unit it counts in: it is then drawn at its days,
# never counted in a bin). Read from the events, an event's own days are always there: the unused unit costs nothing.
TIMELINE = Summary(
    "summary_timeline",
    keys="""lane, backer, inside, week, month, spans_week, spans_month,
            CASE WHEN spans_week OR spans_month THEN own_start END AS own_start,
            CASE WHEN spans_week OR spans_month THEN own_stop END AS own_stop""",
    rows="""1 AS n, start_date AS earliest, end_date AS latest, start_date AS own_start, end_date AS own_stop,
            coalesce(end_date >= $first_day AND start_date <= $last_day, $first_day IS NULL) AS inside,
            date_trunc('week', start_date)::DATE AS week, date_trunc('month', start_date)::DATE AS month,
            week <> date_trunc('week', end_date)::DATE AS spans_week,
            month <> date_trunc('month', end_date)::DATE AS spans_month""",
    combine="sum(n) AS n, min(earliest) AS earliest, max(latest) AS latest",
    needs=("first_day", "last_day"),
    reads=(Model.lane, Model.backer, Model.event_type, Model.start_date, Model.end_date),
)
# What the rows a costly condition kept carry besides their row id (Store.narrowed): the columns the timeline reads,
# the events table's sort keys among them, so that those two views group and sort the kept rows, not the events.
KEPT = TIMELINE.reads
# The forces table: per list of forces (as their bits), place and basis, the newest event: its report, then its last
# day, then the row read last (a struct compares field by field: ties never pick a row at random).
FORCES = Summary(
    "summary_forces",
    keys="location, latitude, longitude, after",
    rows="""1 AS n, geo_precision AS finest, reported AS last_reported, end_date >= $deadline AS after,
            struct_pack(k := (reported - DATE '1970-01-01') * 100000 + (end_date - DATE '1970-01-01'),
                        rid := rowid) AS k""",
    combine="sum(n) AS n, min(finest) AS finest, max(last_reported) AS last_reported, max(k) AS k",
    needs=("deadline",),
    serves=(Model.location, Model.latitude, Model.longitude),
)
# The filters' offers: every name an event's actors are written as (an event counted once per name).
ACTORS = Summary("summary_actors", keys="name", rows=f"unnest({Model.actors}) AS name, 1 AS n", combine="sum(n) AS n")
SUMMARIES = (MAP, TIMELINE, FORCES, ACTORS)
# The summaries' definitions, as recorded with them: a generation built by other code is summarised again.
DIGEST = hashlib.sha256("\n".join(s.build() for s in SUMMARIES).encode()).hexdigest()[:16]


def parameters(anchors: Anchors) -> dict[str, dt.date | None]:
    """What the summaries depend on besides the events: the timeline's default window and the deadline."""
    window = dates.window(anchors)
    return {
        "first_day": window[0].date() if window else None,
        "last_day": window[1].date() if window else None,
        "deadline": anchors.deadline.date() if anchors.deadline is not None else None,
    }


def recorded(built: dict[str, dt.date | None]) -> str:
    """The parameters as the meta table keeps them, after the definitions' digest."""
    return ";".join([DIGEST, *(f"{name}={value.isoformat() if value else ''}" for name, value in built.items())])


def read_recorded(text: str | None) -> dict[str, dt.date | None] | None:
    """The parameters the meta table recorded (None: no summaries in this generation, or summaries of other code)."""
    digest, *pairs = (text or "").split(";")
    if digest != DIGEST:
        return None
    return {name: dt.date.fromisoformat(value) if value else None for name, value in (p.split("=", 1) for p in pairs)}


def serves(summary: Summary, where: Where) -> bool:
    """Whether the summary holds every column the condition reads (for a costly condition's kept rows: that
    condition's), in a store that has summaries."""
    read = (where.whole or where).reads
    return where.summaries is not None and read is not None and read <= {*FILTERED, *summary.serves}


def source(
    summary: Summary,
    where: Where,
    wanted: dict[str, dt.date | None] | None = None,
    reads: tuple[str, ...] | None = None,
) -> tuple[str, dict]:
    """The rows a view's query groups, as a subquery: the summary when it serves the condition and was built with the
    parameters the query `reads` (by default all it needs), else the matching events with the summary's per-event
    columns. With the parameters the subquery reads."""
    built, wanted = where.summaries, wanted or {}
    if serves(summary, where) and all(built[n] == wanted[n] for n in summary.needs if reads is None or n in reads):
        condition = where.whole or where
        return f"(SELECT * FROM {summary.table} WHERE {condition})", dict(condition.params)
    if where.kept is not None and summary.reads is not None and set(summary.reads) <= set(KEPT):
        return f"(SELECT *, {summary.rows} FROM {where.kept})", summary.bind(wanted)  # the kept rows, whole
    return f"(SELECT *, {summary.rows} FROM {Model.file} WHERE {where})", where.bind(**summary.bind(wanted))
