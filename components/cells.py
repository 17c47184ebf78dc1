"""The cells of a curated file checked against its declared columns (schema.Col, compiled to SQL: the rules the
datasets' checks run too), over whole columns; each bad cell a Problem naming its file, line, column and value."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cache

import duckdb
import numpy as np
import pandas as pd

from components import countries
from components.schema import DATE, FLOAT, INT, LINE, LIST, REPEATED, TEXT, Table, outside_box
from components.sql import execute, ident

POSITION = "_position"  # a row's place in its frame, for the checks' SQL (a declared name never starts with _)


@dataclass(frozen=True)
class Problem:
    """One bad cell: where it is, what it holds and what was expected."""

    file: str
    line: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, column {self.column}: {self.value!r} — expected {self.expected}"


_LOCK = threading.Lock()


@cache
def _database() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for the checks: each check runs on a cursor of its own (opening a connection takes some
    30 ms, a cursor well under one; a cursor is one thread's, so two sessions loading at once do not meet)."""
    return duckdb.connect()


def _cursor() -> duckdb.DuckDBPyConnection:
    """A cursor of the checks' database, for one check."""
    with _LOCK:
        return _database().cursor()


def check_cells(raw: pd.DataFrame, table: type[Table], file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Check every declared column by its rules (schema.Col, compiled to SQL: the rules the datasets' checks run too),
    in one query over whole columns; return the typed frame and the problems found.

    The cells go to DuckDB as data; the SQL names only the declared columns."""
    problems: list[Problem] = []
    typed = raw.copy()
    width = len([c for c in raw.columns if c not in (LINE, "_width")])

    def flag(mask: np.ndarray, col: str, expected: str) -> None:
        if not mask.any():
            return
        for line, value in zip(raw.loc[mask, LINE], raw.loc[mask, col]):  # only the bad cells: few
            problems.append(Problem(file, int(line), col, value, expected))

    bad_width = raw["_width"] != width
    for line, n in zip(raw.loc[bad_width, LINE], raw.loc[bad_width, "_width"]):
        problems.append(Problem(file, int(line), "(row)", f"{n} fields", f"{width} fields, as in the header"))

    columns = table.columns()
    text = {col.name: raw[col.name].str.strip() for col in columns}  # a cell is its text, trimmed
    cells = pd.DataFrame(text).reset_index(drop=True)
    cells[POSITION] = np.arange(len(raw))
    values, checks = ["*"], []  # each cell read once as its kind (values), then checked and typed by its rules
    for i, col in enumerate(columns):
        cell, value = ident(col.name), ident(f"value{i}")
        if col.reads():
            values.append(f"{col.value(cell)} AS {value}")
        checks.append(f"{col.invalid(cell, value=value)} AS {ident(f'invalid{i}')}")
        if col.kind not in (TEXT, LIST):  # a text cell is its own value
            checks.append(f"{col.typed(cell, value)} AS {ident(f'typed{i}')}")
        if col.unique:
            checks.append(f"{col.repeated(cell, ident(POSITION))} AS {ident(f'repeated{i}')}")
    con = _cursor()
    try:
        con.register("cells", cells)
        found = execute(
            con, f"SELECT {', '.join(checks)} FROM (SELECT {', '.join(values)} FROM cells) ORDER BY {ident(POSITION)}"
        ).df()
    finally:
        con.close()

    for i, col in enumerate(columns):
        invalid = found[f"invalid{i}"].to_numpy(dtype=bool)
        if invalid.any():
            empty = (cells[col.name] == "").to_numpy(dtype=bool)
            flag(invalid & empty, col.name, col.expected())  # empty and required first, then the rule's other cells
            flag(invalid & ~empty, col.name, col.expected())
        if col.unique:
            flag(found[f"repeated{i}"].to_numpy(dtype=bool), col.name, REPEATED)
        typed[col.name] = text[col.name] if col.kind in (TEXT, LIST) else _as_pandas(found[f"typed{i}"], col.kind, raw)
    return typed, problems


def _as_pandas(values: pd.Series, kind: str, raw: pd.DataFrame) -> pd.Series:
    """A typed column from DuckDB as the frames hold it, indexed as the raw frame: nullable numbers, dates, booleans
    (False unless yes)."""
    values = values.set_axis(raw.index)
    if kind == INT:
        return values.astype("Int64")
    if kind == FLOAT:
        return values.astype("Float64")
    if kind == DATE:
        return values.astype("datetime64[us]")
    return values.astype("boolean").fillna(False).astype(bool)


def check_in_country(frame: pd.DataFrame, file: str, country: str, lat: str, lon: str) -> list[Problem]:
    """A point must lie in the box of the country its row names (countries.box_table, by schema.outside_box: the
    datasets' check): this catches swapped latitude and longitude."""
    located = frame[lat].notna() & frame[lon].notna()
    boxes = countries.box_table(frame.loc[located, country]).rename(columns=lambda c: f"_{c}")
    if boxes.empty:
        return []  # no point in a country the map's file holds
    coordinates = {name: pd.array(frame[c], dtype="Float64") for name, c in (("_lat", lat), ("_lon", lon))}  # NA: NULL
    points = pd.DataFrame({POSITION: np.arange(len(frame)), "_country": frame[country].to_numpy(), **coordinates})
    con = _cursor()
    try:
        con.register("points", points)
        con.register("boxes", boxes)
        outside = execute(
            con,
            f"""SELECT p.{ident(POSITION)}, b._expected FROM points p JOIN boxes b USING (_country)
                WHERE coalesce({outside_box("p._lat", "p._lon")}, false) ORDER BY 1""",
        ).fetchall()
    finally:
        con.close()
    rows = [(frame[LINE].iloc[i], frame[lat].iloc[i], frame[lon].iloc[i], words) for i, words in outside]  # few
    return [Problem(file, int(line), f"{lat}, {lon}", f"{y:g}, {x:g}", words) for line, y, x, words in rows]
