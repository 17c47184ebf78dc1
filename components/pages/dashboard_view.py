"""The dashboard's views drawn with Streamlit: each takes what its pure builder made (components/charts/) and only
draws it."""

from __future__ import annotations

import html
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import dates, exports, tables, text
from components.charts import events, headline, places_map
from components.charts.headline import Context
from components.pages.sidebar import EXTENT_KEY
from components.queries import problems
from components.queries.problems import ProblemsData
from components.schema import GEO_PRECISION


def render_table(frame: pd.DataFrame, name: str) -> None:
    """Draw the table as HTML, never through markdown (st.table would pull in Arrow and a grid bundle)."""
    st.html(tables.STYLE + tables.to_html(frame, name))


def render_header(ctx: Context) -> None:
    """Title with the as-of date, the active filters in words, and the source line."""
    st.markdown(headline.STYLE, unsafe_allow_html=True)
    st.title(text.md(ctx.heading))
    st.markdown(f"**{text.md(ctx.filters)}**  \n{text.md(ctx.source)}")


def render_headline(figures: pd.DataFrame) -> None:
    """The headline figures in one row (plain HTML: st.metric pulls in a charting bundle the page does not need)."""
    for column, (_, row) in zip(st.columns(len(figures)), figures.iterrows()):
        column.markdown(
            f'<div class="figure"><div class="figure-label">{html.escape(row[headline.FIGURE])}</div>'
            f'<div class="figure-value">{html.escape(row[headline.VALUE])}</div></div>',
            unsafe_allow_html=True,
        )
        column.caption(text.md(row[headline.NOTE]))


def render_map(fig: go.Figure, file_name: str) -> None:
    """Draw the map; its country outlines come from this app's own static files."""
    config = {**exports.toolbar(file_name), "topojsonURL": places_map.TOPOJSON_URL}
    st.plotly_chart(fig, config=config, width="stretch", theme=None)


def render_hidden(hidden: int) -> None:
    """Announce the events outside the timeline's window, with the one click that shows them: above the map and the
    timeline both, so that their titles stay level. Its place is kept when there is nothing to say (an empty
    container), so that the elements after it keep theirs from one run to the next (none is drawn twice meanwhile)."""
    slot = st.container()
    if hidden:
        note, button = slot.columns([4, 1], vertical_alignment="center")
        note.info(f"{dates.plural(hidden, 'event')} outside the timeline's window from the ceasefire to the latest "
                  "report.")  # fmt: skip
        button.button("Show every event", key="show_every_event", on_click=_show_every_event)


def render_timeline(fig: go.Figure, file_name: str) -> None:
    """Draw the timeline; its image button saves a 2x PNG named for what it shows."""
    st.plotly_chart(fig, config=exports.toolbar(file_name), width="stretch", theme=None)


def _show_every_event() -> None:
    """Turn on the sidebar's 'every event' switch (its state, before the next run draws it)."""
    st.session_state[EXTENT_KEY] = True


def render_forces(forces: pd.DataFrame) -> None:
    """Draw the table with Streamlit."""
    st.subheader("Foreign forces")
    if forces.empty:
        st.info("No foreign force is named in the events that match the filters.")
        return
    render_table(forces, "forces")
    st.caption(
        text.md(
            f"Status compares the latest report with the withdrawal deadline. Where: {GEO_PRECISION[2]} reads "
            "'near'; '(area)' is a larger region mapped at one point. A dataset event (ACLED, UCDP) that names a "
            "force counts as a report of it on the ground."
        )
    )


def render_events_table(table: pd.DataFrame, total: int, number: int, empty_hint: str) -> None:
    """Draw the page of events, or say what to widen when there is none."""
    st.subheader(f"Events ({total:,})")
    if table.empty:
        st.info(text.md(empty_hint))
        return
    if total <= events.FULL_TEXT_ROWS:  # every quote in full, wrapped, as a screenshot needs it
        render_table(table, "events")
        return
    first, pages = number * events.PAGE_ROWS, events.pages(total)
    st.number_input(f"Page (of {pages:,})", min_value=1, max_value=pages, step=1, key=events.PAGE_KEY)
    st.caption(f"Rows {first + 1:,} to {first + len(table):,} of {total:,}, oldest first. The export has them all.")
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={events.EVIDENCE: st.column_config.TextColumn(width="large")},
    )


def page_number(total: int) -> int:
    """The page the analyst chose (0-based), kept within the pages there are now (the filters may have changed)."""
    if total <= events.FULL_TEXT_ROWS:
        return 0
    current = min(max(int(st.session_state.get(events.PAGE_KEY, 1)), 1), events.pages(total))
    st.session_state[events.PAGE_KEY] = current  # the pager widget, drawn with the table, reads it
    return current - 1


def render_changes(found: tuple[str, str, pd.DataFrame] | None, show_events: Callable) -> None:
    """The Changes panel above the views: what changed since the chosen day (`found`: its window, summary and lines;
    None: no day chosen, its place kept empty), section by section, each line with its evidence and the events it
    counts (one click shows them)."""
    from components.charts.changes import SECTIONS

    slot = st.container()
    if found is None:
        return
    window, summary, lines = found
    with slot.container(border=True):
        st.subheader("Changes")
        st.caption(text.md(window))
        st.markdown(f"**{text.md(summary)}**")
        if lines.empty:
            st.info("Nothing changed in this view since that day.")
            return
        for key, title in SECTIONS.items():
            part = lines[lines["section"] == key]
            if part.empty:
                continue
            with st.expander(f"{title} ({len(part):,})", expanded=key in ("new", "forces")):
                shown = part[["what", "evidence", "source"]].rename(
                    columns={"what": "What changed", "evidence": "Evidence", "source": "Source"}
                )
                render_table(shown, f"changes-{key}")
                counted = {f"{w[:80]} ({len(u)} event{'s' * (len(u) != 1)})": tuple(u)
                           for w, u in zip(part["what"], part["uids"]) if len(u)}  # fmt: skip
                if counted:
                    chosen = st.selectbox("Show the events a line counts", ["—", *counted], key=f"changes-pick-{key}")
                    if chosen != "—":
                        render_table(show_events(counted[chosen]), f"changes-events-{key}")


def render_file_problems(messages: list[str]) -> None:
    """One error per file or folder that could not be used; the rows it rejected are listed under Data issues."""
    for message in messages:
        st.error(text.md(f"{message}. The rows this affects are listed under Data issues."))


def render_problems(data: ProblemsData, table: pd.DataFrame, download: object) -> None:
    """An expander that says how many rows have problems, per file, and lists the first ones."""
    rows = int(data.per_file[problems.ROWS].sum()) if len(data.per_file) else 0
    label = f"Data issues: {rows:,} row(s) rejected" if rows else "Data issues: none"
    with st.expander(label, expanded=bool(rows)):
        if not rows:
            st.caption(
                f"All {data.checked:,} rows passed validation (columns, dates, codes, coordinates, references, quotes)."
            )
            return
        st.warning(
            f"{rows:,} of {data.checked:,} rows read are not shown in the views until fixed: each is listed with "
            "its file, line, column, value and what was expected."
        )
        render_table(data.per_file, "problem-files")
        if rows > problems.LISTED:
            st.caption(f"The first {problems.LISTED} rows with problems; the CSV below has every one.")
        render_table(table, "problems")
        st.download_button(
            "All problems (CSV)",
            data=download,
            file_name="data-issues.csv",
            mime="text/csv",
            key="export_problems",
            on_click="ignore",  # no rerun (see briefing_view.render_exports)
        )
