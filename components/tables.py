"""Tables as plain HTML: every cell in full and wrapped (quotes are evidence), styled for screenshots, light to load."""

from __future__ import annotations

import pandas as pd
import streamlit as st

STYLE = """<style>
table.cm-table {width: 100%; border-collapse: collapse; font-size: 0.9rem; line-height: 1.35}
table.cm-table th {text-align: left; background: #f0f2f6; font-weight: 600}
table.cm-table th, table.cm-table td {border: 1px solid #e2e4ea; padding: 0.35rem 0.5rem; vertical-align: top}
table.cm-forces td:last-child, table.cm-events td:nth-child(5) {width: 38%}
table.cm-problems td {white-space: pre-line}
</style>"""  # the evidence and quote columns get the room; the rest wrap around them


def to_html(frame: pd.DataFrame, name: str) -> str:
    """The frame as an HTML table of class cm-table and cm-<name>, every cell escaped."""
    return frame.to_html(index=False, escape=True, border=0, classes=["cm-table", f"cm-{name}"], na_rep="")


def render_table(frame: pd.DataFrame, name: str) -> None:
    """Draw the table (st.table would pull in Arrow and a grid bundle the page does not otherwise need)."""
    st.markdown(STYLE + to_html(frame, name), unsafe_allow_html=True)
