"""The rows of a generation's events table as the builder writes them: each with its import order and a hash of what
it says, its columns derived from the curated actors, one current version per event, and a file's rows removed."""

from __future__ import annotations

import duckdb
import pandas as pd

from components.actors import Registry
from components.schema import Actors, Model, StoredFiles, StoredProblems
from components.sql import execute, ident, idents

# Derived from actors.csv: recomputed when it changes, never re-imported.
DERIVED = (Model.backer, Model.lane, Model.forces, Model.actor_bits)
# Columns that say what an event is (not where it was read): a changed one makes a re-import an update.
CONTENT = [c for c in Model.names() if c not in (Model.source_file, Model.line, *DERIVED)]
EXTRA = {"seq": "BIGINT", "current": "BOOLEAN", "row_hash": "UBIGINT"}  # bookkeeping beside the model


def insert_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, seq: int) -> None:
    """Insert model rows given as a frame."""
    con.register("incoming", frame)
    insert(con, "incoming", seq)
    con.unregister("incoming")


def insert(con: duckdb.DuckDBPyConnection, table: str, seq: int) -> None:
    """Insert model rows from a table, with their import order and a hash of what they say."""
    execute(
        con,
        f"INSERT INTO {Model.file} SELECT {idents(Model.names())}, ?, NULL, hash({idents(CONTENT)}) "
        f"FROM {ident(table)}",
        [seq],
    )


def derive(con: duckdb.DuckDBPyConnection, registry: Registry | None, source: str | None) -> None:
    """Set each event's backer and lane from the curated actors, per distinct list of names, not per row: for
    one source file (`article` for the curated events), or every event (None)."""
    where, params = ("true", []) if source is None else (
        ("dataset = 'article'", []) if source == "article" else ("source_file = ?", [source]))  # fmt: skip
    combos = execute(con, f"SELECT DISTINCT actors, actor1 FROM {Model.file} WHERE {where}", params).df()
    registry = registry or Registry(pd.DataFrame(columns=Actors.names()))
    combos[Model.backer] = [registry.backer(list(names)) or "" for names in combos[Model.actors]]
    combos[Model.lane] = [registry.lane(name) for name in combos[Model.actor1]]
    combos[Model.forces] = [registry.military(list(names)) for names in combos[Model.actors]]
    combos[Model.actor_bits] = [registry.bits(list(names)) for names in combos[Model.actors]]
    con.register("combos", combos)
    execute(
        con,
        f"""UPDATE {Model.file} e SET backer = c.backer, lane = c.lane, forces = c.forces::VARCHAR[],
            actor_bits = c.actor_bits FROM combos c
            WHERE e.actors = c.actors AND e.actor1 = c.actor1 AND ({where})""",
        params,
    )
    con.unregister("combos")


def mark_current(con: duckdb.DuckDBPyConnection, uids: str) -> None:
    """Mark, for each of these events, the one version the views show: latest timestamp, then latest import."""
    execute(
        con,
        f"""UPDATE {Model.file} e SET current = (r.rank = 1) FROM (
                SELECT rowid AS rid, row_number() OVER (
                    PARTITION BY uid ORDER BY version DESC, seq DESC, line DESC) AS rank
                FROM {Model.file} WHERE uid IN ({uids})) r
            WHERE e.rowid = r.rid""",
    )


def forget(con: duckdb.DuckDBPyConnection, rel: str) -> None:
    """Remove a file's events and problems; the versions it hid become current again."""
    execute(con, f"CREATE OR REPLACE TEMP TABLE touched AS SELECT uid FROM {Model.file} WHERE source_file = ?",
            [rel])  # fmt: skip
    for table in (Model, StoredProblems, StoredFiles):
        execute(con, f"DELETE FROM {ident(table.file)} WHERE source_file = ?", [rel])
    mark_current(con, "SELECT uid FROM touched")
