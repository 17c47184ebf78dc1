"""Small tables as plain HTML: every cell in full and wrapped (quotes are evidence), escaped, light to load."""

from __future__ import annotations

import html

import pandas as pd

STYLE = """<style>
table.cm-table {width: 100%; border-collapse: collapse; font-size: 0.9rem; line-height: 1.35}
table.cm-table th {text-align: left; background: #f0f2f6; font-weight: 600}
table.cm-table th, table.cm-table td {border: 1px solid #e2e4ea; padding: 0.35rem 0.5rem; vertical-align: top}
table.cm-table td {white-space: pre-line}
table.cm-forces td:nth-child(8), table.cm-events td:nth-child(5) {width: 34%}
table.cm-forces td:nth-child(9) {width: 18%}
</style>"""  # line breaks in a cell are shown as breaks; the evidence and quote columns get the room


def _cell(value: object) -> str:
    """One cell as escaped HTML text; missing is empty."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def to_html(frame: pd.DataFrame, name: str) -> str:
    """The frame as an HTML table of class cm-table and cm-<name>, every header and cell escaped."""
    head = "".join(f"<th>{_cell(column)}</th>" for column in frame.columns)
    body = "".join(  # a few hundred rows at most: the large events table is a data grid, not HTML
        "<tr>" + "".join(f"<td>{_cell(value)}</td>" for value in row) + "</tr>" for row in frame.itertuples(index=False)
    )
    return f'<table class="cm-table cm-{name}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
