"""The events table: a page of the filtered events, oldest first, each with its date and place at their precision.

Up to FULL_TEXT_ROWS events the table is plain HTML with every quote in full, as a screenshot needs it; past that, a
page of PAGE_ROWS rows in Streamlit's data grid (Arrow), with the total and the export for all rows.
"""

from __future__ import annotations

import pandas as pd

from components import dates, evidence
from components.filters import Where
from components.schema import Model

DATE, PLACE, ACTORS, TYPE, EVIDENCE, SOURCE, ID = "Date", "Place", "Actors", "Type", "Evidence", "Source", "ID"
ALSO = "Also in the datasets"
COLUMNS = [DATE, PLACE, ACTORS, TYPE, EVIDENCE, SOURCE, ID]
PAGE_ROWS = 200  # the rows of one page of the data grid (what a screen shows in a few scrolls)
FULL_TEXT_ROWS = PAGE_ROWS  # a list that fits on one page is an HTML table instead, every quote in full
PAGE_KEY = "events_page"
SHOWN = [
    Model.uid,
    Model.dataset,
    Model.event_id,
    Model.start_date,
    Model.end_date,
    Model.date_basis,
    Model.location,
    Model.geo_precision,
    Model.latitude,
    Model.longitude,
    Model.admin1,
    Model.country,
    Model.actors,
    Model.event_type,
    Model.evidence,
    Model.evidence_kind,
    Model.source,
    Model.source_file,
    Model.line,
    Model.reported,
]  # fmt: skip, what the table and the corroboration of its article rows need


def page(store: object, where: Where, number: int, size: int) -> pd.DataFrame:
    """One page of the filtered events, oldest first (the store sorts; the page gets only its rows)."""
    order = "ORDER BY start_date, end_date, rowid"
    # The page's rows first, by their sort keys alone; then only those rows are read in full (reading every column of
    # a million rows to keep 500 cost three times as long).
    chosen = store.df(f"SELECT rowid AS rid FROM {Model.file} WHERE {where} {order} LIMIT ? OFFSET ?",
                      [*where.params, size, number * size])["rid"].tolist()  # fmt: skip
    return store.df(
        f"SELECT {', '.join(SHOWN)} FROM {Model.file} WHERE rowid IN (SELECT unnest(?::BIGINT[])) {order}", [chosen]
    )


def build_events_table(events: pd.DataFrame, corroborated: dict[str, str] | None = None) -> pd.DataFrame:
    """The events as analysts read them; `corroborated` adds, per article event, the dataset events that agree."""
    table = pd.DataFrame(
        {
            DATE: dates.labels(events),
            PLACE: evidence.places(events),
            ACTORS: ["; ".join(names) for names in events[Model.actors]],  # a page: a few hundred rows at most
            TYPE: events[Model.event_type],
            EVIDENCE: [evidence.words(e, k) for e, k in zip(events[Model.evidence], events[Model.evidence_kind])],
            SOURCE: evidence.cite(events),
            ID: events[Model.event_id],
        },
        columns=COLUMNS,
    )
    if corroborated:  # only when some article event on the page is also in a dataset
        table[ALSO] = [corroborated.get(uid, "") for uid in events[Model.uid]]
    return table.reset_index(drop=True)


def pages(total: int) -> int:
    """How many pages the events take (one at least)."""
    return max(-(-total // PAGE_ROWS), 1)
