"""The data issues panel: every row the loader rejected, with its reasons."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import text
from components.loader import Dataset
from components.schema import LINE, PROBLEMS
from components.tables import render_table

FILE, ROW_LINE, REASONS = "File", "Line", "Problems"


def build_problems(dataset: Dataset) -> pd.DataFrame:
    """One row per rejected row: file, line, and every reason it was rejected."""
    return dataset.rejected.rename(columns={"file": FILE, LINE: ROW_LINE, PROBLEMS: REASONS})


def render_file_problems(messages: list[str]) -> None:
    """One error per file or folder that could not be used; the rows it rejected are listed under Data issues."""
    for message in messages:
        st.error(text.md(f"{message}. The rows this affects are listed under Data issues."))


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
