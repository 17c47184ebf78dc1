"""The data issues panel's queries: every row that is not an event, counted per file, the first ones listed."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.queries.reader import Reader
from components.schema import StoredProblems

FILE, ROWS, COUNT = "File", "Rows with problems", "Problems"
LISTED = 200  # rows listed on the page; all of them are in the CSV


@dataclass(frozen=True)
class ProblemsData:
    """Problem rows per file, the first LISTED rows with their problems, and how many rows were checked."""

    per_file: pd.DataFrame  # File, Rows with problems, Problems
    first: pd.DataFrame  # source_file, line, column, value, expected: every problem of the first LISTED rows
    checked: int  # rows read in every file: events + problem rows


def problems_data(reader: Reader, checked: int) -> ProblemsData:
    """Count the problems per file and fetch those of the first rows (curated files first, then by import)."""
    per_file = reader.df(
        f"""SELECT source_file AS "{FILE}", count(DISTINCT line) AS "{ROWS}", count(*) AS "{COUNT}"
            FROM {StoredProblems.file} GROUP BY source_file ORDER BY min(seq), source_file"""
    )
    first = reader.df(
        f"""WITH rows AS (SELECT source_file, line, min(seq) AS seq FROM {StoredProblems.file} GROUP BY ALL
                          ORDER BY seq, source_file, line LIMIT {LISTED})
            SELECT p.source_file, p.line, p."column", p.value, p.expected FROM {StoredProblems.file} p
            JOIN rows USING (source_file, line) ORDER BY rows.seq, p.source_file, p.line, p."column\""""
    )
    return ProblemsData(per_file, first, checked)


def all_problems(reader: Reader) -> pd.DataFrame:
    """Every problem of every file, in the order they were read."""
    frame = reader.df(
        f'SELECT source_file AS file, line, "column", value, expected FROM {StoredProblems.file} '
        "ORDER BY seq, source_file, line"
    )
    return frame
