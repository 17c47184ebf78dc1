"""The data issues panel: every row that is not an event, grouped by file with counts, the first ones listed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import exports
from components.loader import Problem
from components.schema import StoredProblems

FILE, ROW_LINE, REASONS = "File", "Line", "Problems"
ROWS, COUNT = "Rows with problems", "Problems"
LISTED = 200  # rows listed on the page; all of them are in the CSV


@dataclass(frozen=True)
class ProblemsData:
    """Problem rows per file, the first LISTED rows with their problems, and how many rows were checked."""

    per_file: pd.DataFrame  # File, Rows with problems, Problems
    first: pd.DataFrame  # source_file, line, column, value, expected: every problem of the first LISTED rows
    checked: int  # rows read in every file: events + problem rows


def problems_data(store: object, checked: int) -> ProblemsData:
    """Count the problems per file and fetch those of the first rows (curated files first, then by import)."""
    per_file = store.df(
        f"""SELECT source_file AS "{FILE}", count(DISTINCT line) AS "{ROWS}", count(*) AS "{COUNT}"
            FROM {StoredProblems.file} GROUP BY source_file ORDER BY min(seq), source_file"""
    )
    first = store.df(
        f"""WITH rows AS (SELECT source_file, line, min(seq) AS seq FROM {StoredProblems.file} GROUP BY ALL
                          ORDER BY seq, source_file, line LIMIT {LISTED})
            SELECT p.source_file, p.line, p."column", p.value, p.expected FROM {StoredProblems.file} p
            JOIN rows USING (source_file, line) ORDER BY rows.seq, p.source_file, p.line, p."column\""""
    )
    return ProblemsData(per_file, first, checked)


def build_problems(first: pd.DataFrame) -> pd.DataFrame:
    """One row per rejected row: file, line, and every reason it was rejected, one per line."""
    said = [str(Problem(*row)) for row in first.itertuples(index=False)]  # at most LISTED rows' problems
    frame = first[["source_file", "line"]].assign(reasons=said)
    grouped = frame.groupby(["source_file", "line"], sort=False, as_index=False)["reasons"].agg("\n".join)
    return grouped.rename(columns={"source_file": FILE, "line": ROW_LINE, "reasons": REASONS})


def all_problems_csv(store: object) -> bytes:
    """Every problem of every file, as a spreadsheet-safe CSV."""
    frame = store.df(
        f'SELECT source_file AS file, line, "column", value, expected FROM {StoredProblems.file} '
        "ORDER BY seq, source_file, line"
    )
    return exports.csv_bytes(frame)
