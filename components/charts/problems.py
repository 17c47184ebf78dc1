"""The data issues table: one row per rejected row, with every reason it was rejected."""

from __future__ import annotations

import pandas as pd

from components.cells import Problem
from components.queries.problems import FILE

ROW_LINE, REASONS = "Line", "Problems"


def build_problems(first: pd.DataFrame) -> pd.DataFrame:
    """One row per rejected row: file, line, and every reason it was rejected, one per line."""
    said = [str(Problem(*row)) for row in first.itertuples(index=False)]  # at most LISTED rows' problems
    frame = first[["source_file", "line"]].assign(reasons=said)
    grouped = frame.groupby(["source_file", "line"], sort=False, as_index=False)["reasons"].agg("\n".join)
    return grouped.rename(columns={"source_file": FILE, "line": ROW_LINE, "reasons": REASONS})
