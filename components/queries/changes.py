"""What changed since a day (issue 17): new, revised and deleted events, the foreign forces' new places, moves and
status, actors new to the view, and weekly counts per admin1 against their baseline; and the events as known on a
day (`known_by`).

Every section is SQL over whole columns of the store; the page and the digest get only the lines they draw, each
with the events it counts and the row id of the one whose evidence it quotes. Two ways of counting (`mode`):

- REPORTED ("reported and entered"): an event counts from the day the monitor could know it: its first version's
  `known` day (ACLED's timestamp, an article's publication, a UCDP file's import: UCDP gives no report day), or, for
  an article event the analyst accepted, the day of the decision when that is later (the monitor does not know an
  article's event before it is coded). An event is *new* when it counts on or after `since`, and *known before*
  when its first version came before `since` (a revision since does not make it new).
- HAPPENED: an event counts from its first possible day (`start_date`): *new* when it started on or after `since`.

In both modes a revision and a deletion are counted on the day the source made them (the revised version's day as
REPORTED counts it; ACLED's `deleted_timestamp`), a force's latest place and status are those of the event that
happened last (among those known before `since`, and among all), and the weekly counts are by the week events
happened in (ACLED's way: a week, or a month, of uncertain date counts in no single week).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from components import filters
from components.actors import Registry
from components.eventrows import CONTENT
from components.filter_types import COUNTINGS, HAPPENED, REPORTED, Filters, Names, Options, Params, Where
from components.queries.events import SHOWN
from components.queries.forces import ON_THE_GROUND
from components.queries.history import DELETIONS, EVENTS, RANK, deletion_day, known_by
from components.queries.reader import Reader, Session
from components.schema import Model
from components.sql import ident

MODES = COUNTINGS  # a change counted by when it was reported and entered, or by when it happened
LIMIT = 200  # lines listed per section on the panel, and events listed per line (the totals count every one)
ENTERED = "(CASE WHEN dataset = 'article' AND arrived IS NOT NULL THEN greatest(known, arrived::DATE) ELSE known END)"
DAY = {REPORTED: ENTERED, HAPPENED: "start_date"}  # the day a version counts on, in each mode
GROUND = f"(dataset <> 'article' OR event_type IN {ON_THE_GROUND})"  # a report of a force on the ground (forces.py)
WITHDRAWAL = "(dataset = 'article' AND event_type = 'withdrawal')"
# Revisions: every column that says what the event is, but the ids and the version (a new ACLED timestamp with
# nothing else changed is no revision of substance, and is not listed).
COMPARED = [c for c in CONTENT if c not in (Model.uid, Model.dataset, Model.event_id, Model.version)]
EVENT_REF = "struct_pack(uid := uid, dataset := dataset, event_id := event_id)"  # an event a line counts
# The latest of a force's events: the one that happened last (start, then end), then the store's order (row id), as
# one BIGINT (17 bits a day from 1900, 29 bits of row id): arg_max over one number is three times as fast as over a
# struct, and a tie is never left to the order the rows happen to be read in.
_DAYS = "least(greatest({0} - DATE '1900-01-01', 0), 131071)::BIGINT"
LATEST = f"(({_DAYS.format('start_date')} << 46) | ({_DAYS.format('end_date')} << 29) | (rid & 536870911))"
_PLACED, _EITHER = "ground AND location <> ''", "(ground OR withdrawal)"
LATEST_PICKS = {  # a force's latest event on the ground at a named place, and bearing on its status: before, now
    "place_before": f"FILTER (WHERE {_PLACED} AND early)",
    "place_now": f"FILTER (WHERE {_PLACED})",
    "status_before": f"FILTER (WHERE {_EITHER} AND early)",
    "status_now": f"FILTER (WHERE {_EITHER})",
}
FORCE_CHANGES = ("first in admin1", "first at place", "moved", "withdrawn", "back")
FORCE_ORDER = "CASE change " + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(FORCE_CHANGES)) + " END"
# Weekly counts: ACLED's bands of change against a baseline average, and the rule for admin1s with few events.
FLAG_PERCENT = 100.0  # flagged: this week at least double the previous 4 weeks' average...
FLAG_MIN_WEEK = 5  # ...with at least this many events this week...
FLAG_MIN_BASELINE = 1.0  # ...and an average of at least one event a week before (0 -> 5 is news, not a rate)
BANDS = ("≤ −25%", "−25 to −10%", "±10%", "+10 to +25%", "≥ +25%")
NO_BASELINE = "no baseline"
WEEKS_SHORT, WEEKS_LONG = 4, 52
SURGE_COLUMNS = ["admin1", "week", "avg4", "avg52", "change4", "change52", "band4", "band52", "flagged", "events"]
# what a line says of the event it quotes: the events table's columns, and its precision, forces and deaths
DETAILS = [*SHOWN, Model.precision, Model.forces, Model.fatalities]


@dataclass(frozen=True)
class ChangesData:
    """The changes of one view since a day: each section's lines with the details of the event each quotes (DETAILS
    columns), and the totals of the three lists of events."""

    since: dt.date
    until: dt.date | None  # the as-of day: the state known then, and every window ending there (None: now)
    mode: str
    week_end: dt.date | None  # the last day of the week counted (None: no event to count)
    new: pd.DataFrame  # + day (it counts on), newest first
    new_total: int
    revised: pd.DataFrame  # the version now, + day, changes {field: [old, new]}, before_file, before_line
    revised_total: int
    deleted: pd.DataFrame  # the last version, + day (of the deletion), deletion_file, deletion_line
    deleted_total: int
    forces: pd.DataFrame  # force, change (FORCE_CHANGES), place, before, after, day, n, events
    actors: pd.DataFrame  # actor, day (first), n, events
    surges: pd.DataFrame  # SURGE_COLUMNS: this week's count, the averages, changes in per cent, bands, flag, events

    @property
    def empty(self) -> bool:
        """Nothing changed (the weekly counts aside: a count against a baseline is no change in itself)."""
        return not (self.new_total or self.revised_total or self.deleted_total or len(self.forces) or len(self.actors))


def known_by_where(as_of: dt.date) -> Where:
    """`known_by` as a condition of its own, with its parameter."""
    bind = Params()
    return Where(known_by(as_of, bind), bind.values)


def counted(uids: list[str], until: dt.date | None = None) -> Where:
    """The events a line counts, as a condition for the events table: each one's latest version (known by `until`),
    so that a deleted event shows its last version."""
    known = " AND known <= $counted_until" if until else ""
    sql = (
        f"rowid IN (SELECT rowid FROM {EVENTS} WHERE uid IN (SELECT unnest($counted_uids::VARCHAR[])){known} "
        f"QUALIFY row_number() OVER (PARTITION BY uid ORDER BY {RANK}) = 1)"
    )
    return Where(sql, {"counted_uids": list(uids), **({"counted_until": until} if until else {})})


def new_where(where: Where, since: dt.date, mode: str, until: dt.date | None = None) -> Where:
    """The new events of a view as one condition of its own (the map of new events, the events table's link): the
    rule of `new_events`, with no table of a session."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    shown = known_by(until, lambda name, value: "$new_until") if until else "current"
    day = DAY[mode]
    sql = f"{shown} AND {others(where)} AND {day} >= $new_since"
    if until:
        sql += f" AND {day} <= $new_until"
    if mode == REPORTED:  # no version of it came before `since`
        sql += f" AND uid NOT IN (SELECT uid FROM {EVENTS} WHERE NOT current AND {ENTERED} < $new_since)"
    return Where(sql, where.bind(new_since=since, **({"new_until": until} if until else {})), where.costly)


def view_where(chosen: Filters, opts: Options, registry: Registry, names: Names) -> Where:
    """The condition `changes` takes for a view's filters: filters.where's, without the as-of day (it is `until`:
    a deleted event's last version must pass the other filters, and as of a day the versions are chosen here)."""
    return filters.where(replace(chosen, as_of=None), opts, registry, names)


def others(where: Where) -> str:
    """The view's conditions but `current` (filters.where puts it first), for the versions each section reads: so
    that a deleted event's last version, or an earlier version, passes the view's other filters."""
    head, _, rest = where.sql.partition(" AND ")
    if head.strip() != "current":
        raise ValueError("changes() takes the view's condition as filters.where writes it (`current` first); give an "
                         "as-of day as `until`")  # fmt: skip
    return f"({rest})" if rest else "true"


PARAM = re.compile(r"\$([A-Za-z_]\w*)")


def used(sql: str, params: dict) -> dict:
    """The parameters a statement names (DuckDB refuses one it does not use)."""
    return {name: params[name] for name in dict.fromkeys(PARAM.findall(sql)) if name in params}


class Ask:
    """One view's statements on one session: what it shows, what counts as known before `since`, and each statement
    given only its own parameters."""

    def __init__(
        self, db: Session, where: Where, since: dt.date, mode: str, until: dt.date | None, limit: int | None = LIMIT
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self.db, self.mode, self.until, self.limit = db, mode, until, limit
        self.filters = others(where)
        self.params = where.bind(cm_since=since, cm_cap=limit, cm_until=until)
        if where.costly:  # a radius or a list of names: matched once, over every version, then joined on
            self.keep("cm_chosen", f"SELECT rowid AS rid FROM {EVENTS} WHERE {self.filters}")
            self.filters = "rowid IN (SELECT rid FROM cm_chosen)"
        shown = "current"
        if until:  # known_by's ranked part once (the versions shown then that are not current), not in every section
            ranked = known_by(until, lambda name, value: "$cm_until")
            self.keep("cm_asof", f"SELECT rowid AS rid FROM {EVENTS} WHERE {ranked} AND NOT current")
            then = "known <= $cm_until AND start_date <= $cm_until"
            shown = f"({then} AND (current OR rowid IN (SELECT rid FROM cm_asof)))"
        self.view = f"{shown} AND {self.filters}"  # the versions the view shows, and its filters
        self.day = DAY[mode]
        # A line's list of events: its first `limit` (numbered `nth` in their group), or all of them (None). Making
        # Python objects of a list of structs is what costs (60,000 in a week at a million events: 0.1 s).
        self.cap = " FILTER (WHERE nth <= $cm_cap)" if limit is not None else ""
        self.keep(  # the events shown whose version came since and that had a version before: revised, not new
            "cm_after",
            f"SELECT rowid AS rid, uid, {ENTERED} AS day FROM {EVENTS} WHERE {self.view} AND {ENTERED} >= $cm_since"
            f"{self.upto(ENTERED)} AND uid IN (SELECT uid FROM {EVENTS} WHERE NOT current AND {ENTERED} < $cm_since)",
        )
        # Known before `since`, per mode (an earlier version is never current: only rows that are not are read).
        self.early = (f"({ENTERED} < $cm_since OR rowid IN (SELECT rid FROM cm_after))" if mode == REPORTED
                      else "start_date < $cm_since")  # fmt: skip

    def upto(self, expr: str) -> str:
        """SQL: ` AND expr <= until`, when the view is as of a day."""
        return f" AND {expr} <= $cm_until" if self.until else ""

    def keep(self, table: str, sql: str, **more: object) -> None:
        """A temporary table of this session."""
        self.db.keep(table, sql, used(sql, {**self.params, **more}))

    def df(self, sql: str, **more: object) -> pd.DataFrame:
        """A query's result."""
        return self.db.df(sql, used(sql, {**self.params, **more}))

    def value(self, sql: str, **more: object) -> object:
        """A query's one value."""
        return self.db.value(sql, used(sql, {**self.params, **more}))

    def with_details(self, lines: pd.DataFrame) -> pd.DataFrame:
        """Lines with the details of the event each quotes (its row id, `rid`), in their order (read by row id)."""
        found = self.df(
            f"SELECT rowid AS rid, {', '.join(ident(c) for c in DETAILS)} FROM {EVENTS} "
            "WHERE rowid IN (SELECT unnest($cm_rids::BIGINT[]))",
            cm_rids=sorted({int(r) for r in lines["rid"].dropna()}) if "rid" in lines else [],
        )
        own = [c for c in lines.columns if c not in DETAILS]
        joined = lines[own].merge(found, on="rid", how="left").drop(columns=["rid"]).reset_index(drop=True)
        if "events" in joined:  # DuckDB's lists arrive as arrays: plain lists of {uid, dataset, event_id}
            joined["events"] = [list(e) if isinstance(e, (list, np.ndarray)) else [] for e in joined["events"]]
        return joined


def changes(
    reader: Reader, where: Where, since: dt.date, mode: str, until: dt.date | None = None, limit: int | None = LIMIT
) -> ChangesData:
    """The changes of the view `where` (as filters.where writes it) since `since`, counted by `mode` (REPORTED or
    HAPPENED), as known on `until` (None: now); at most `limit` lines a list and events a line (None: all)."""
    with reader.session() as db:
        ask = Ask(db, where, since, mode, until, limit)
        new, new_total = new_events(ask)
        revised, revised_total = revised_events(ask)
        deleted, deleted_total = deleted_events(ask)
        forces = force_changes(ask)
        actors = new_actors(ask)
        week_end, surges = surge_counts(ask)
    return ChangesData(since, until, mode, week_end, new, new_total, revised, revised_total, deleted, deleted_total,
                       forces, actors, surges)  # fmt: skip


def _top(ask: Ask, table: str, order: str) -> tuple[pd.DataFrame, int]:
    """A kept table's first lines by `order`, with their events' details, and how many it holds."""
    total = int(ask.value(f"SELECT count(*) FROM {table}"))
    cap = f" LIMIT {int(ask.limit)}" if ask.limit is not None else ""
    return ask.with_details(ask.df(f"SELECT * FROM {table} ORDER BY {order}{cap}")), total


def new_events(ask: Ask) -> tuple[pd.DataFrame, int]:
    """Events the view shows that are not known before `since` (see the module's docstring), newest first."""
    ask.keep(
        "cm_new",
        f"SELECT rowid AS rid, uid, {ask.day} AS day, start_date FROM {EVENTS} WHERE {ask.view} AND NOT {ask.early}"
        f"{ask.upto(ask.day)}",
    )
    lines, total = _top(ask, "cm_new", "day DESC, start_date DESC, uid")
    return lines, total


def revised_events(ask: Ask) -> tuple[pd.DataFrame, int]:
    """Events the view shows whose version now came on or after `since` and that had a version before it: the
    fields that differ from that version's (the latest before `since`), old and new, compared in SQL over whole
    columns; only the changed pairs come out, as JSON."""
    ask.keep(  # the version shown before `since`: the latest of those that came before it
        "cm_before",
        f"SELECT uid, rowid AS rid, source_file, line FROM {EVENTS} WHERE NOT current AND {ENTERED} < $cm_since "
        f"AND uid IN (SELECT uid FROM cm_after) QUALIFY row_number() OVER (PARTITION BY uid ORDER BY {RANK}) = 1",
    )
    columns = ", ".join(ident(c) for c in COMPARED)
    pairs = []
    for column in COMPARED:
        name, col = json.dumps(column), ident(column)
        pairs.append(f"CASE WHEN a.{col} IS DISTINCT FROM b.{col} THEN '{name}: [' || coalesce(to_json(b.{col}), "
                     f"'null') || ', ' || coalesce(to_json(a.{col}), 'null') || ']' END")  # fmt: skip
    changed = " OR ".join(f"a.{ident(c)} IS DISTINCT FROM b.{ident(c)}" for c in COMPARED)
    ask.keep(
        "cm_revised",
        f"""SELECT x.rid, x.uid, x.day, y.source_file AS before_file, y.line AS before_line,
                   '{{' || concat_ws(', ', {", ".join(pairs)}) || '}}' AS changes
            FROM cm_after x JOIN cm_before y USING (uid)
            JOIN (SELECT rowid AS rid, {columns} FROM {EVENTS} WHERE rowid IN (SELECT rid FROM cm_after)) a
                 ON a.rid = x.rid
            JOIN (SELECT rowid AS rid, {columns} FROM {EVENTS} WHERE rowid IN (SELECT rid FROM cm_before)) b
                 ON b.rid = y.rid
            WHERE {changed}""",
    )
    lines, total = _top(ask, "cm_revised", "day DESC, uid")
    return lines.assign(changes=[json.loads(c) for c in lines["changes"]]), total


def deleted_events(ask: Ask) -> tuple[pd.DataFrame, int]:
    """Events the store holds that a deletion dated on or after `since` took out of the views (their last version
    came before it), their last version passing the view's filters."""
    gone = deletion_day()
    known = " AND known <= $cm_until" if ask.until else ""
    ask.keep(
        "cm_gone",
        f"""WITH d AS (SELECT dataset, event_id, max(deleted) AS deleted,
                              -- file and line of one deletion: the latest, a tie to the file and line last in order
                              arg_max(source_file, (deleted, source_file, line)) AS deletion_file,
                              arg_max(line, (deleted, source_file, line)) AS deletion_line
                       FROM {DELETIONS} WHERE {gone} >= $cm_since{ask.upto(gone)} GROUP BY dataset, event_id),
                 last AS (SELECT rowid AS rid, uid, dataset, event_id, version FROM {EVENTS}
                          WHERE (dataset, event_id) IN (SELECT dataset, event_id FROM d){known}
                          QUALIFY row_number() OVER (PARTITION BY uid ORDER BY {RANK}) = 1)
            SELECT l.rid, l.uid, {deletion_day("d.deleted")} AS day, d.deletion_file, d.deletion_line
            FROM last l JOIN d USING (dataset, event_id) WHERE d.deleted >= l.version""",
    )
    ask.keep(  # the view's filters on the last version (not current: only its other conditions apply)
        "cm_deleted",
        f"SELECT * FROM cm_gone WHERE rid IN (SELECT rowid FROM {EVENTS} WHERE rowid IN (SELECT rid FROM cm_gone) "
        f"AND {ask.filters})",
    )
    return _top(ask, "cm_deleted", "day DESC, uid")


def force_changes(ask: Ask) -> pd.DataFrame:
    """Per foreign force of the view (the `forces` column): first reports in an admin1, or at a place of an admin1
    where it was reported before, where no event known before `since` reported it (reports on the ground:
    forces.ON_THE_GROUND); a change of its latest place; a change of status (an article reporting it withdrawn after
    a report of it present, or present again after a withdrawal).

    Three passes over the events naming a force, none of them kept (at a million events keeping them costs more than
    reading them again): whether each force and place was known before, the latest events per force before and now,
    and the events since of the places first reported since."""
    rows = (f"SELECT rowid AS rid, uid, dataset, event_id, unnest(forces) AS force, coalesce(admin1, '') AS admin1, "
            f"coalesce(location, '') AS location, {ask.day} AS day, start_date, end_date, {GROUND} AS ground, "
            f"{WITHDRAWAL} AS withdrawal, {ask.early} AS early FROM {EVENTS} WHERE {ask.view} AND len(forces) > 0"
            f"{ask.upto(ask.day)}")  # fmt: skip
    ask.keep(
        "cm_spots",
        f"SELECT force, admin1, location, bool_or(early) AS seen FROM ({rows}) WHERE ground GROUP BY ALL",
    )
    ask.keep(  # the admin1s, then the places in the other admin1s, where no event known before reported a force
        "cm_firsts",
        """WITH a AS (SELECT force, admin1 FROM cm_spots WHERE admin1 <> '' GROUP BY ALL HAVING NOT bool_or(seen))
           SELECT force, 'first in admin1' AS change, admin1, NULL AS location FROM a
           UNION ALL SELECT force, 'first at place', admin1, location FROM cm_spots
           WHERE location <> '' AND NOT seen AND (force, admin1) NOT IN (SELECT force, admin1 FROM a)""",
    )
    ask.keep(
        "cm_latest",
        f"""SELECT force, {", ".join(f"arg_max(rid, k) {cut} AS {name}" for name, cut in LATEST_PICKS.items())}
            FROM (SELECT *, {LATEST} AS k FROM ({rows})) GROUP BY force""",
    )
    picked = " UNION ".join(f"SELECT {name} FROM cm_latest" for name in LATEST_PICKS)
    lines = ask.df(
        f"""WITH e AS (SELECT rowid AS rid, location, {WITHDRAWAL} AS withdrawal, {ask.day} AS day,
                              {EVENT_REF} AS ref FROM {EVENTS} WHERE rowid IN ({picked})),
                 firsts AS (
                    SELECT force, change, place, NULL::VARCHAR AS before, place AS after, min(day) AS day,
                           count(*) AS n, list({EVENT_REF} ORDER BY day, uid){ask.cap} AS events,
                           arg_min(rid, (day, uid)) AS rid
                    FROM (SELECT f.force, f.change, f.admin1, f.location, coalesce(f.location, f.admin1) AS place,
                                 r.rid, r.uid, r.dataset, r.event_id, r.day, row_number() OVER (
                                     PARTITION BY f.force, f.change, f.admin1, f.location ORDER BY r.day, r.uid) AS nth
                          FROM cm_firsts f JOIN ({rows}) r ON r.ground AND NOT r.early AND r.force = f.force
                               AND r.admin1 = f.admin1 AND (f.location IS NULL OR r.location = f.location))
                    GROUP BY force, change, admin1, location, place),
                 moved AS (
                    SELECT l.force, 'moved' AS change, n.location AS place, b.location AS before, n.location AS after,
                           n.day, 1 AS n, [n.ref, b.ref] AS events, n.rid
                    FROM cm_latest l JOIN e n ON n.rid = l.place_now JOIN e b ON b.rid = l.place_before
                    WHERE b.location <> n.location),
                 status AS (
                    SELECT l.force, CASE WHEN n.withdrawal THEN 'withdrawn' ELSE 'back' END AS change, NULL AS place,
                           CASE WHEN b.withdrawal THEN 'withdrawn' WHEN b.rid IS NOT NULL THEN 'present' END AS before,
                           CASE WHEN n.withdrawal THEN 'withdrawn' ELSE 'present' END AS after, n.day, 1 AS n,
                           list_filter([n.ref, b.ref], lambda r: r IS NOT NULL) AS events, n.rid
                    FROM cm_latest l JOIN e n ON n.rid = l.status_now LEFT JOIN e b ON b.rid = l.status_before
                    WHERE n.withdrawal IS DISTINCT FROM coalesce(b.withdrawal, false))
            SELECT * FROM (SELECT * FROM firsts UNION ALL SELECT * FROM moved UNION ALL SELECT * FROM status)
            ORDER BY force, {FORCE_ORDER}, day, place NULLS FIRST"""
    )
    return ask.with_details(lines)


def new_actors(ask: Ask) -> pd.DataFrame:
    """Actor names (as the sources write them) of the view that no event known before `since` names; each with its
    events and its first event's evidence."""
    rows = (f"SELECT rowid AS rid, uid, dataset, event_id, unnest(actors) AS name, {ask.day} AS day, {ask.early} AS "
            f"early FROM {EVENTS} WHERE {ask.view}{ask.upto(ask.day)}")  # fmt: skip
    names = ask.df(f"SELECT name FROM ({rows}) GROUP BY name HAVING NOT bool_or(early) ORDER BY name")["name"]
    lines = ask.df(
        f"""SELECT name AS actor, min(day) AS day, count(*) AS n,
                   list({EVENT_REF} ORDER BY day, uid){ask.cap} AS events, arg_min(rid, (day, uid)) AS rid
            FROM (SELECT *, row_number() OVER (PARTITION BY name ORDER BY day, uid) AS nth FROM ({rows}
                  AND list_has_any(actors, $cm_names)) WHERE list_contains($cm_names, name))
            GROUP BY name ORDER BY day, actor""",
        cm_names=names.tolist(),
    )
    return ask.with_details(lines)


def band(change: pd.Series) -> pd.Series:
    """ACLED's band of each change in per cent: ≤ −25%, −25 to −10%, ±10%, +10 to +25%, ≥ +25% (NaN: no baseline)."""
    c = change.to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        said = np.select([c <= -25, c <= -10, c < 10, c < 25, c >= 25], list(BANDS), default=NO_BASELINE)
    return pd.Series(said, index=change.index, dtype=object)


def surge_counts(ask: Ask) -> tuple[dt.date | None, pd.DataFrame]:
    """Per admin1, the events of the view that happened in the week (the seven days) ending on `until`, or on the
    latest day an event of the store started on, against the averages of the 4 and 52 weeks before it (of the weeks
    the data covers whole). An event counts in a week when its whole span lies in it (a month counts in none)."""
    first, last = ask.db.rows(f"SELECT min(start_date), max(start_date) FROM {EVENTS} WHERE current")[0]
    end = ask.until or last
    if end is None or first is None:
        return None, pd.DataFrame(columns=SURGE_COLUMNS)
    covered = ((end - first).days + 1) // 7 - 1  # whole weeks of data before the week counted
    short, long = min(max(covered, 0), WEEKS_SHORT), min(max(covered, 0), WEEKS_LONG)
    rows = (f"SELECT coalesce(admin1, '') AS admin1, ($cm_end - start_date) // 7 AS w{{more}} FROM {EVENTS} "
            f"WHERE {ask.view} AND end_date <= $cm_end AND start_date > $cm_end - {{days}} "
            f"AND ($cm_end - end_date) // 7 = ($cm_end - start_date) // 7")  # fmt: skip
    weekly = ask.df(  # events per admin1 and week: a few thousand numbers, whatever the number of events
        f"SELECT admin1, w, count(*) AS n FROM ({rows.format(more='', days=7 * (long + 1))}) GROUP BY ALL", cm_end=end
    )
    per = {name: weekly[weekly["w"].between(low, high)].groupby("admin1")["n"].sum()
           for name, low, high in (("week", 0, 0), ("prev4", 1, short), ("prev52", 1, long))}  # fmt: skip
    counts = pd.DataFrame(per).reindex(columns=list(per)).fillna(0).astype(int).rename_axis("admin1").reset_index()
    counts = counts[(counts["week"] > 0) | (counts["prev4"] > 0)]
    refs = ask.df(  # the events of the week, per admin1
        f"SELECT admin1, list({EVENT_REF} ORDER BY uid){ask.cap} AS events FROM (SELECT *, row_number() OVER ("
        f"PARTITION BY admin1 ORDER BY uid) AS nth FROM ({rows.format(more=', uid, dataset, event_id', days=7)})) "
        "GROUP BY admin1",
        cm_end=end,
    )
    counts = counts.merge(refs, on="admin1", how="left")
    avg4 = counts["prev4"] / short if short else pd.Series(np.nan, index=counts.index)
    avg52 = counts["prev52"] / long if long else pd.Series(np.nan, index=counts.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        change4 = ((counts["week"] - avg4) / avg4 * 100).where(avg4 > 0)
        change52 = ((counts["week"] - avg52) / avg52 * 100).where(avg52 > 0)
    found = pd.DataFrame({
        "admin1": counts["admin1"], "week": counts["week"], "avg4": avg4.astype(float), "avg52": avg52.astype(float),
        "change4": change4.astype(float), "change52": change52.astype(float), "band4": band(change4),
        "band52": band(change52),
        "flagged": (change4 >= FLAG_PERCENT) & (counts["week"] >= FLAG_MIN_WEEK) & (avg4 >= FLAG_MIN_BASELINE),
        "events": [list(e) if isinstance(e, (list, np.ndarray)) else [] for e in counts["events"]],
    })  # fmt: skip
    found = found.sort_values(["flagged", "change4", "week", "admin1"], ascending=[False, False, False, True],
                              na_position="last", kind="mergesort")  # fmt: skip
    return end, found.reset_index(drop=True)[SURGE_COLUMNS]
