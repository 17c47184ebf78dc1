"""The events table: each filtered event with its date at its precision, place, actors, type and quote."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import dates, text
from components.filters import named_actors
from components.schema import GEO_PRECISION, REPORTED, Events
from components.tables import render_table

DATE, PLACE, ACTORS, TYPE, QUOTE, SOURCE, ID = "Date", "Place", "Actors", "Type", "Quote", "Source", "ID"
COLUMNS = [DATE, PLACE, ACTORS, TYPE, QUOTE, SOURCE, ID]
FULL_TEXT_ROWS = 200  # up to this many rows the table shows whole quotes; beyond, a scrolling grid


def _place(location: str, precision: object) -> str:
    """A place with its precision in words."""
    if not location:
        return "not stated"
    return location if precision == 1 else f"{location} ({GEO_PRECISION.get(precision, 'precision unknown')})"


def build_events_table(events: pd.DataFrame) -> pd.DataFrame:
    """The events, oldest first, as analysts read them."""
    ordered = events.sort_values([Events.event_date, Events.event_id_cnty])
    return pd.DataFrame(
        {
            DATE: dates.labels(ordered),
            PLACE: [_place(loc, p) for loc, p in zip(ordered[Events.location], ordered[Events.geo_precision])],
            ACTORS: ["; ".join(names) for names in named_actors(ordered)],
            TYPE: ordered[Events.event_kind],
            QUOTE: "“" + ordered[Events.quote] + "”",
            SOURCE: [f"{s}, {dates.day(d)}" for s, d in zip(ordered[Events.source], ordered[REPORTED])],
            ID: ordered[Events.event_id_cnty],
        },
        columns=COLUMNS,
    ).reset_index(drop=True)


def render_events_table(table: pd.DataFrame, empty_hint: str) -> None:
    """Draw the events table, or say what to widen when it is empty."""
    st.subheader(f"Events ({len(table)})")
    if table.empty:
        st.info(text.md(empty_hint))
        return
    if len(table) <= FULL_TEXT_ROWS:  # every quote in full, wrapped, as a screenshot needs it
        render_table(table, "events")
    else:  # a scrollable, sortable grid for a large source such as an ACLED export
        st.dataframe(
            table, hide_index=True, width="stretch", column_config={QUOTE: st.column_config.TextColumn(width="large")}
        )
