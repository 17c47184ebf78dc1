"""What an imported file gave: the import's result, and the sidecar that keeps it beside the file (`<file>.meta.json`),
written after each load and read again when the store is rebuilt from the files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from components.cells import Problem
from components.datafiles import SIDECAR
from components.files import write_atomic
from components.schema import Model, StoredFiles
from components.sql import execute


@dataclass
class Imported:
    """What one file gave: rows read = events + merged rows + problem rows (merged rows: the second actor's row of an
    event in ACLED's monadic export, none in any other file), and how the events changed the store."""

    file: str
    format: str
    rows_read: int = 0
    events: int = 0
    problem_rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    copied: bool = True  # False when the same bytes were already imported
    sha256: str = ""
    merged_rows: int = 0
    deletions: int = 0  # a deletions list's rows read as deletions (rows read = deletions + problem rows)
    removed: int = 0  # events its deletions took out of the views (kept in the history)
    unknown: int = 0  # ids it deletes that the store does not hold

    def line(self) -> str:
        """The command's one line per file."""
        again = "" if self.copied else " (the same bytes were imported before: nothing copied)"
        if self.deletions or self.format.endswith("deletions"):
            return (
                f"{self.file}: {self.format}, {self.rows_read:,} rows read: {self.deletions:,} deletions "
                f"({self.removed:,} events removed from the views, kept in their history; {self.unknown:,} not in "
                f"the store), {self.problem_rows:,} rows with problems{again}"
            )
        merged, events = self.merged_rows, self.events
        # Said only when rows were merged, so that a dyadic file's line is as it always was.
        monadic = f"{merged:,} rows merged into their events (monadic: {events + merged:,} rows, {events:,} events), "
        return (
            f"{self.file}: {self.format}, {self.rows_read:,} rows read: {self.events:,} events "
            f"({self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged), "
            f"{monadic if merged else ''}{self.problem_rows:,} rows with problems{again}"
        )


def read_sidecar(path: Path) -> dict:
    """A source file's sidecar, or nothing when it has none (a file put there by hand) or it is not JSON."""
    meta = path.with_name(path.name + SIDECAR)
    try:
        found = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_sidecar(con: duckdb.DuckDBPyConnection, path: Path, result: Imported, digest: str, keep: dict) -> None:
    """What the file gave, beside it: checksum, format found, rows read, when imported, dates and countries (as the
    generation being built on `con` holds them)."""
    span = execute(
        con,
        f"SELECT min(start_date), max(end_date), list(DISTINCT country ORDER BY country) FROM {Model.file} "
        "WHERE source_file = ?",
        [result.file],
    ).fetchall()[0]
    imported_at = execute(
        con, f"SELECT imported_at FROM {StoredFiles.file} WHERE source_file = ?", [result.file]
    ).fetchall()[0][0]
    meta = {
        **keep,
        "file": path.name,
        "sha256": digest,
        "format": result.format,
        "rows_read": result.rows_read,
        "events": result.events,
        "problem_rows": result.problem_rows,
        "merged_rows": result.merged_rows,
        "imported_at": imported_at,
        "first_day": str(span[0]) if span[0] else None,
        "last_day": str(span[1]) if span[1] else None,
        "countries": span[2] or [],
    }
    write_atomic(path.with_name(path.name + SIDECAR), json.dumps(meta, indent=1).encode("utf-8"))
