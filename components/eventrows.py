"""The rows of a generation's events table as the builder writes them: each with its import order and a hash of what
it says, its columns derived from the curated actors, one current version per event, and a file's rows removed."""

from __future__ import annotations

import duckdb
import pandas as pd

from components.actors import Registry
from components.schema import Actors, Model, StoredDeletions, StoredFiles, StoredProblems
from components.sql import execute, ident, idents

# Derived from actors.csv: recomputed when it changes, never re-imported.
DERIVED = (Model.backer, Model.lane, Model.forces, Model.actor_bits)
# Columns that say what an event is (not where it was read): a changed one makes a re-import an update.
CONTENT = [c for c in Model.names() if c not in (Model.source_file, Model.line, *DERIVED)]
# Bookkeeping beside the model: import order, the version the views show, a hash of what a row says, and the history:
# when a version entered the store (its file's import, or the analyst's accept; NULL for the article's hand-coded
# events, which came with the project) and the day its source reported it (ACLED's timestamp, an article's
# publication; else the day its file was imported: UCDP gives no report date).
EXTRA = {"seq": "BIGINT", "current": "BOOLEAN", "row_hash": "UBIGINT", "arrived": "TIMESTAMP", "known": "DATE"}
KNOWN = f"""CASE WHEN dataset = 'ACLED' AND version BETWEEN 1 AND {10**11} THEN make_timestamp(version * 1000000)::DATE
                 WHEN dataset = 'article' THEN reported ELSE $imported::TIMESTAMP::DATE END"""  # UTC; to year 5138


def insert_frame(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, seq: int) -> None:
    """Insert model rows given as a frame."""
    con.register("incoming", frame)
    insert(con, "incoming", seq)
    con.unregister("incoming")


def insert(con: duckdb.DuckDBPyConnection, table: str, seq: int, imported: str | None = None) -> None:
    """Insert model rows from a table, with their import order, a hash of what they say, when they entered the
    store (`imported`: their file's import time) and the day their source reported them."""
    execute(
        con,
        f"INSERT INTO {Model.file} SELECT {idents(Model.names())}, $seq, NULL, hash({idents(CONTENT)}), "
        f"$imported::TIMESTAMP, {KNOWN} FROM {ident(table)}",
        {"seq": seq, "imported": imported},
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
    """Mark, for each of these events, the one version the views show: latest timestamp, then latest import; none
    when the dataset deleted the event after that version (the rows stay: they are its history)."""
    execute(
        con,
        f"""UPDATE {Model.file} e SET current = (r.rank = 1 AND r.deleted IS DISTINCT FROM true) FROM (
                SELECT m.rowid AS rid, row_number() OVER (
                    PARTITION BY uid ORDER BY version DESC, seq DESC, line DESC) AS rank,
                    d.last >= max(version) OVER (PARTITION BY uid) AS deleted
                FROM {Model.file} m
                LEFT JOIN (SELECT dataset, event_id, max(deleted) AS last FROM {StoredDeletions.file} GROUP BY ALL) d
                     USING (dataset, event_id)
                WHERE uid IN ({uids})) r
            WHERE e.rowid = r.rid""",
    )


def deleted_uids(ids: str) -> str:
    """SQL: the uids of the events a table of deletions (dataset, event_id) names."""
    return f"SELECT DISTINCT uid FROM {Model.file} WHERE (dataset, event_id) IN (SELECT dataset, event_id FROM {ids})"


def forget(con: duckdb.DuckDBPyConnection, rel: str) -> None:
    """Remove a file's events and problems; the versions it hid become current again."""
    execute(con, f"CREATE OR REPLACE TEMP TABLE touched AS SELECT uid FROM {Model.file} WHERE source_file = ?",
            [rel])  # fmt: skip
    its = f"(SELECT * FROM {StoredDeletions.file} WHERE source_file = $rel)"  # a deletions file's: shown again
    execute(con, f"INSERT INTO touched {deleted_uids(its)}", {"rel": rel})
    for table in (Model, StoredProblems, StoredFiles, StoredDeletions):
        execute(con, f"DELETE FROM {ident(table.file)} WHERE source_file = ?", [rel])
    mark_current(con, "SELECT uid FROM touched")
