"""The data issues panel: every row the loader rejected, with its reasons."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.loader import Dataset
from components.schema import LINE, PROBLEMS
from components.tables import render_table

FILE, ROW_LINE, REASONS = "File", "Line", "Problems"


def build_problems(dataset: Dataset) -> pd.DataFrame:
    """One row per rejected row: file, line, and every reason it was rejected."""
    return dataset.rejected.rename(columns={"file": FILE, LINE: ROW_LINE, PROBLEMS: REASONS})


def render_problems(problems: pd.DataFrame, checked: int) -> None:
    """An expander that says how many rows were rejected and lists them."""
    label = f"Data issues: {len(problems)} row(s) rejected" if len(problems) else "Data issues: none"
    with st.expander(label, expanded=bool(len(problems))):
        if problems.empty:
            st.caption(
                f"All {checked} rows passed validation (columns, dates, codes, coordinates, references, quotes)."
            )
        else:
            st.warning("These rows are not shown in the views until they are fixed.")
            render_table(problems, "problems")
