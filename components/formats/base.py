"""What a dataset format declares, and the one SQL pipeline that turns its raw rows into events and problems.

A format (acled.py, ucdp.py) declares, once: its column names and their older names, how to parse its cells, the
checks a row must pass (each naming the column, the value and what was expected), and how each column of the model
(schema.Model) is computed. Everything runs as SQL over whole columns in DuckDB; a row with any problem is kept out
of the events and listed, so rows read = events + problem rows. A row repeating an event (its id, and for ACLED its
timestamp) of an earlier line of the same file is a problem too: one event is counted once. The one exception is a
file of one row per actor (ACLED's monadic export, `ActorRows`): there an event's second row is merged into its
first, so rows read = events + merged rows + problem rows.

The SQL text holds only what the project declares: the formats' column names (through `ident`) and expressions. The
file's own column names are never SQL: a declared column is found by name in Python and read from its position (see
csvfile.RawTable); the file's name and every cell go as parameters or as data.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import duckdb
import pandas as pd

from components import countries
from components.formats.csvfile import ECHO, LINE, RawTable
from components.schema import (
    INT,
    SQL_TYPES,
    TEXT,
    Col,
    Events,
    Model,
    StoredProblems,
    outside_box,
    sql_number,
    sql_whole,
)
from components.sql import execute, ident

_steps = itertools.count()
LATEST_YEAR_AHEAD = 1  # a date up to a year after today may be a typo, but later ones surely are
# Past 2**53 a double no longer holds every whole number, and no id or timestamp comes near this: a larger one is
# "not a whole number from 0 to MAX_WHOLE", a problem of its row.
MAX_WHOLE = 10**15


@dataclass(frozen=True)
class Check:
    """One rule a row must pass: when `bad` is true, `column` holds `value` and `expected` says why (all SQL)."""

    column: str
    bad: str
    expected: str  # SQL text: lit("a whole number"), or an expression naming what was expected for this row
    value: str = ""  # SQL for the value to show; the column itself when empty
    # All four are declared by a format (project text, never a file's): the column is also shown as written.


def lit(text: str) -> str:
    """A SQL string literal, for the project's own constants only: values from a file or a user go as parameters."""
    return "'" + text.replace("'", "''") + "'"


def by_rule(column: str, rule: Col, expected: str = "", required: bool | None = None, value: str = "") -> Check:
    """The check of a column by a rule declared as a schema.Col: its compiled condition (Col.invalid) and its words,
    unless the format words the same rule its own way. `required`: whether an empty cell is a problem, when the
    format's files need not give the column; `value`: a parsed helper holding the cell read by `rule.value` (read
    once; a test holds the helpers to it)."""
    return Check(column, rule.invalid(column, required, value), lit(expected or rule.expected()))


def declared(column: str, expected: str = "", required: bool | None = None, value: str = "") -> Check:
    """The check of a column the curated events declare too (schema.Events, same name): the one rule of that column,
    for events.csv and every dataset."""
    return by_rule(column, Events.spec(column), expected, required, value)


def required(*columns: str) -> tuple[Check, ...]:
    """A check per column that must not be empty (a required text column's rule)."""
    return tuple(by_rule(c, Col()) for c in columns)


def in_history(column: str, parsed: str) -> Check:
    """The parsed date of a column lies between 1900 and the last day a file may report (year 0025 is a typo)."""
    return Check(column, f"{parsed} NOT BETWEEN DATE '1900-01-01' AND {latest_day()}",
                 f"'a date from 1900 to ' || {latest_day()}")  # fmt: skip


def coordinates() -> tuple[Check, ...]:
    """latitude and longitude (both formats name them so, and parse them as _lat and _lon), each by its rule in
    schema.Events."""
    return declared(Events.latitude, value="_lat"), declared(Events.longitude, value="_lon")


@dataclass(frozen=True)
class ActorRows:
    """A shape of one row per actor of an event (ACLED's monadic export, docs/codebooks.md), told by the file lacking
    every column of `second`. The rows of one event (same id and version) agree on every column but `own`; the first
    (by line) gives the event's first actor, the second's `own` columns fill `second`; a later row is a problem."""

    own: tuple[str, ...]  # the columns of the row's actor, in the order of `second`
    second: tuple[str, ...]  # the columns of the event's second actor, which such a file lacks
    most: int = 2  # rows per event: the model has two actors (and a monadic export one row per actor of an event)


@dataclass(frozen=True)
class Loaded:
    """What a file gave: temporary tables of model rows and of problems, and the rows merged into an earlier row's
    event (an event's second row in a file of one row per actor; none in any other file)."""

    events: str
    problems: str
    merged: int = 0


@dataclass(frozen=True)
class Format:
    """A dataset's file format, declared once: columns, parsing, checks and the mapping into the model."""

    name: str  # as on the command line and in data/sources/<name>/
    dataset: str  # as in the model's dataset column
    columns: tuple[str, ...]  # every column name the format knows, current names
    required: tuple[str, ...]  # the columns a file must have to be this format
    old_names: dict[str, str] = field(default_factory=dict)  # a column's older name -> its current name
    parsed: dict[str, str] = field(default_factory=dict)  # helper columns, SQL over the columns
    checks: tuple[Check, ...] = ()
    mapping: dict[str, str] = field(default_factory=dict)  # model column -> SQL over columns and helpers
    country: str = "country"  # the column naming the country a point must lie in
    point: tuple[str, str] = ("_lat", "_lon")  # parsed coordinates, checked against the country's box
    headerless: tuple[str, ...] = ()  # the column order of a release published without a header row
    id_column: str = "id"  # the column holding the event's id, named when a row repeats an earlier one
    actor_rows: ActorRows | None = None  # the format's shape of one row per actor, if it has one
    removes: bool = False  # a list of deletions (event_id, version = when deleted), not of events

    def recognises(self, header: list[str]) -> bool:
        """True when every required column is in the header (names matched case-insensitively, in any order)."""
        names = {h.strip().lower() for h in header}
        return all(c in names or self.older(c) & names for c in self.required)

    def older(self, column: str) -> set[str]:
        """The older names of a column."""
        return {old for old, new in self.old_names.items() if new == column}

    def missing(self, header: list[str]) -> list[str]:
        """The required columns a header lacks, for the message naming the formats tried."""
        names = {h.strip().lower() for h in header}
        return [c for c in self.required if c not in names and not self.older(c) & names]

    def load(self, con: duckdb.DuckDBPyConnection, raw: RawTable, source_file: str) -> tuple[str, str]:
        """Check and map a raw table: the names of a temporary table of model rows and one of problems."""
        loaded = self.run(con, raw, source_file)
        return loaded.events, loaded.problems

    def run(self, con: duckdb.DuckDBPyConnection, raw: RawTable, source_file: str) -> Loaded:
        """Check and map a raw table (merging the rows of one event in a file of one row per actor)."""
        n = next(_steps)
        norm, typed, checked, events, problems = (
            f"{k}_{n}" for k in ("norm", "typed", "checked", "events", "problems")
        )
        line = ident(LINE)
        select = [line]
        for column in self.columns:
            found = self.found(raw, column)
            select.append(
                f"trim(coalesce({ident(found)}, '')) AS {ident(column)}" if found else f"'' AS {ident(column)}"
            )
        # A row holding a cell too large is already a problem (csvfile): it is left out before any check reads it.
        unless = f"WHERE {line} NOT IN (SELECT line FROM {ident(raw.problems)})" if raw.oversized else ""
        execute(  # a view: the text is read once, by the typed table below
            con,
            f"""CREATE TEMP VIEW {ident(norm)} AS SELECT {", ".join(select)} FROM
                (SELECT rowid AS ord, * FROM {ident(raw.table)}) r JOIN {ident(raw.lines)} USING (ord) {unless}""",
        )
        boxes = _boxes(con, raw, self)
        con.register(f"boxes_{n}", boxes)
        helpers = ", ".join(f"{expr} AS {ident(name)}" for name, expr in self.parsed.items())
        execute(
            con,
            f"""CREATE TEMP TABLE {ident(typed)} AS SELECT * FROM (SELECT *, {helpers} FROM {ident(norm)}) t
                LEFT JOIN {ident(f"boxes_{n}")} b ON b._country = t.{ident(self.country)}""",
        )
        con.unregister(f"boxes_{n}")
        execute(con, f"DROP VIEW {ident(norm)}")
        execute(con, f"DROP TABLE {ident(raw.table)}")  # the text now lives in the typed table only
        checks = [*self.checks, _point_check(*self.point)]
        union = " UNION ALL ".join(
            f"""SELECT {line} AS line, {lit(c.column)} AS "column", CAST({c.value or ident(c.column)} AS VARCHAR)
                AS value, {c.expected} AS expected FROM {ident(typed)} WHERE coalesce({c.bad}, false)"""
            for c in checks
        )
        execute(
            con,
            f"""CREATE TEMP TABLE {ident(checked)} AS SELECT $source_file AS {ident(StoredProblems.source_file)},
                line::BIGINT AS line, "column", value, expected FROM ({union}
                UNION ALL SELECT line, "column", value, expected FROM {ident(raw.problems)})""",
            {"source_file": source_file},
        )
        execute(con, f"DROP TABLE {ident(raw.problems)}")
        merged, skipped = self._merge_actor_rows(con, raw, typed, checked, source_file)
        mapping = {**self.mapping, Model.source_file: "$source_file", Model.line: line}
        columns = ", ".join(f"{mapping.get(c, _empty(c))} AS {ident(c)}" for c in Model.names())
        besides = f"AND {line} NOT IN (SELECT line FROM {ident(skipped)} WHERE nth > 1)" if skipped else ""
        execute(
            con,
            f"""CREATE TEMP TABLE {ident(events)} AS SELECT {columns} FROM {ident(typed)}
                WHERE {line} NOT IN (SELECT line FROM {ident(checked)}) {besides} ORDER BY {line}""",
            {"source_file": source_file},
        )
        for table in (typed, raw.lines, *([skipped] if skipped else [])):
            execute(con, f"DROP TABLE {ident(table)}")
        self._repeats(con, events, checked, source_file)
        execute(con, f"CREATE TEMP TABLE {ident(problems)} AS SELECT * FROM {ident(checked)} ORDER BY 2, 3")
        execute(con, f"DROP TABLE {ident(checked)}")
        return Loaded(events, problems, merged)

    def found(self, raw: RawTable, column: str) -> str | None:
        """The raw table's (positional) column holding a declared column, under its current name or an older one."""
        if column in raw.columns:
            return raw.field(column)
        older = sorted(self.older(column) & set(raw.columns))
        return raw.field(older[0]) if older else None

    def _merge_actor_rows(
        self, con: duckdb.DuckDBPyConnection, raw: RawTable, typed: str, checked: str, source_file: str
    ) -> tuple[int, str | None]:
        """In a file of one row per actor (`actor_rows`): fill each event's first row with its second row's actor,
        and list as problems a second row that differs from the first in another column and every row past the
        `most`-th. Returns the rows merged and a table of the rows of events of several rows (`nth` > 1: not read
        as events), or (0, None) for any other file. Rows that already have a problem take no part."""
        shape = self.actor_rows
        if shape is None or any(self.found(raw, c) for c in shape.second):
            return 0, None
        line, event_id = ident(LINE), ident(self.id_column)
        rows, differ = f"{typed}_rows", f"{typed}_differ"
        # One window over the rows: only the events of several rows are kept (an event of one row is just an event).
        execute(
            con,
            f"""CREATE TEMP TABLE {ident(rows)} AS SELECT line, id, nth, first, second FROM (
                SELECT {line} AS line, {event_id} AS id, row_number() OVER w AS nth,
                       first_value({line}) OVER w AS first, nth_value({line}, 2) OVER w AS second, count(*) OVER w AS n
                FROM {ident(typed)} WHERE {line} NOT IN (SELECT line FROM {ident(checked)})
                WINDOW w AS (PARTITION BY {event_id}, {self.mapping[Model.version]} ORDER BY {line}
                             ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)) WHERE n > 1""",
        )
        execute(
            con,
            f"""INSERT INTO {ident(checked)} SELECT $source_file, line, $column, id, $expected || id
                || ' is already on lines ' || first || ' and ' || second FROM {ident(rows)} WHERE nth > {shape.most}""",
            {"source_file": source_file, "column": self.id_column,
             "expected": f"one row per actor, at most {shape.most} rows per event: "},
        )  # fmt: skip
        own = set(shape.own)
        compared = [c for c in self.columns if c not in own and self.found(raw, c)]
        # A second row that differs from its first in any column but its actor's: found in one pass (usually none),
        # then only those rows are read column by column to name each difference.
        unequal = " OR ".join(f"s.{ident(c)} <> f.{ident(c)}" for c in compared) or "false"
        execute(
            con,
            f"""CREATE TEMP TABLE {ident(differ)} AS SELECT r.line, r.first, r.id FROM {_pairs(rows, typed)}
                WHERE r.nth = 2 AND ({unequal})""",
        )
        if execute(con, f"SELECT count(*) FROM {ident(differ)}").fetchall()[0][0]:
            union = " UNION ALL ".join(
                f"""SELECT r.line, {lit(c)} AS "column", {_cut("s." + ident(c))} AS value, {_echo("f." + ident(c))}
                    || ', as on line ' || r.first || ' (the first row of ' || r.id
                    || ': the rows of one event differ only in their actor)' AS expected
                    FROM {_pairs(differ, typed)} WHERE s.{ident(c)} <> f.{ident(c)}"""
                for c in compared
            )
            execute(con, f"INSERT INTO {ident(checked)} SELECT $source_file, * FROM ({union})",
                    {"source_file": source_file})  # fmt: skip
        carried = ", ".join(f"s.{ident(a)} AS {ident('_second_' + b)}" for a, b in zip(shape.own, shape.second))
        filled = ", ".join(f"{ident(b)} = m.{ident('_second_' + b)}" for b in shape.second)
        execute(
            con,
            f"""UPDATE {ident(typed)} t SET {filled} FROM (
                    SELECT r.first, {carried} FROM {_pairs(rows, typed)}
                    WHERE r.nth = 2 AND r.line NOT IN (SELECT line FROM {ident(differ)})) m
                WHERE t.{line} = m.first""",
        )
        merged = execute(
            con,
            f"SELECT count(*) FROM {ident(rows)} WHERE nth = 2 AND line NOT IN (SELECT line FROM {ident(differ)})",
        ).fetchall()[0][0]
        execute(con, f"DROP TABLE {ident(differ)}")
        return int(merged), rows

    def _repeats(self, con: duckdb.DuckDBPyConnection, events: str, problems: str, source_file: str) -> None:
        """Move each event that repeats one of an earlier line of the file (same uid and version) from the events to
        the problems, naming that line. Grouping finds the repeats; only they are joined back (usually none)."""
        uid, version, line, event_id = (ident(c) for c in (Model.uid, Model.version, Model.line, Model.event_id))
        repeats = f"{events}_repeats"
        execute(
            con,
            f"""CREATE TEMP TABLE {ident(repeats)} AS SELECT e.{line} AS line, e.{event_id} AS value, f.first
                FROM {ident(events)} e JOIN (
                    SELECT {uid}, {version}, min({line}) AS first FROM {ident(events)} GROUP BY ALL HAVING count(*) > 1
                ) f USING ({uid}, {version}) WHERE e.{line} > f.first""",
        )
        if execute(con, f"SELECT count(*) FROM {ident(repeats)}").fetchall()[0][0]:
            execute(
                con,
                f"""INSERT INTO {ident(problems)} SELECT $source_file, line, $column, value,
                    'a unique event id: ' || value || ' is already on line ' || first FROM {ident(repeats)}""",
                {"source_file": source_file, "column": self.id_column},
            )
            execute(con, f"DELETE FROM {ident(events)} WHERE {line} IN (SELECT line FROM {ident(repeats)})")
        execute(con, f"DROP TABLE {ident(repeats)}")


def _empty(column: str) -> str:
    """SQL for a model column a format does not fill: empty text, or NULL of the column's type."""
    kind = Model.spec(column).kind
    return "''" if kind == TEXT else f"NULL::{SQL_TYPES[kind]}"


def _pairs(rows: str, typed: str) -> str:
    """SQL FROM: each row of a table of later rows (line, first, id) as `r`, with its own cells as `s` and those of
    its event's first row as `f`."""
    line = ident(LINE)
    return f"{ident(rows)} r JOIN {ident(typed)} s ON s.{line} = r.line JOIN {ident(typed)} f ON f.{line} = r.first"


def _cut(cell: str) -> str:
    """SQL: a cell cut to its first ECHO characters (and '…') when longer, as a problem repeats it: the problems of a
    file stay small whatever its cells."""
    return f"CASE WHEN length({cell}) > {ECHO} THEN left({cell}, {ECHO}) || '…' ELSE {cell} END"


def _echo(cell: str) -> str:
    """SQL: a cell as a message names it: cut (`_cut`), and `empty` for an empty one."""
    return f"CASE WHEN {cell} = '' THEN 'empty' ELSE {_cut(cell)} END"


def _boxes(con: duckdb.DuckDBPyConnection, raw: RawTable, fmt: Format) -> pd.DataFrame:
    """The box and problem text of each country the file names (a few): countries.box_table, as the loader uses."""
    column = fmt.found(raw, fmt.country)
    names = []
    if column is not None:
        distinct = f"SELECT DISTINCT trim(coalesce({ident(column)}, '')) FROM {ident(raw.table)}"
        names = [row[0] for row in execute(con, distinct).fetchall()]
    return countries.box_table(names).rename(columns=lambda c: f"_{c}")


def _point_check(lat: str, lon: str) -> Check:
    """A point must lie in the box of the country its row names: this catches swapped latitude and longitude."""
    return Check(
        "latitude, longitude",
        outside_box(lat, lon),  # the curated files' check too (cells.check_in_country)
        "_expected",  # countries.EXPECTED, written per country in the box table: the loader's words
        f"{lat}::VARCHAR || ', ' || {lon}::VARCHAR",
    )


# SQL snippets shared by the formats: what a number is, and a whole number in a range, by schema.Col's rules.
def number(column: str) -> str:
    """A cell as a number, NULL when empty or not a number."""
    return sql_number(column)


def whole(column: str) -> str:
    """A cell as a whole number, NULL when empty, not a number, not whole, or beyond BIGINT."""
    return sql_whole(column)


def not_whole_in(column: str, low: int, high: int) -> str:
    """True when a non-empty cell is not a whole number from low to high."""
    return Col(INT, required=False, low=low, high=high).invalid(column)


def latest_day() -> str:
    """The last plausible day of an event, as a SQL date."""
    return f"DATE '{dt.date.today().replace(day=1) + dt.timedelta(days=366 * LATEST_YEAR_AHEAD)}'"
