"""The events table: one row per event with its evidence, exactly as precise as its source."""

from __future__ import annotations

import pandas as pd

from components import dates, evidence
from components.queries.events import PAGE_ROWS
from components.schema import Model

DATE, PLACE, ACTORS, TYPE, EVIDENCE, SOURCE, ID = "Date", "Place", "Actors", "Type", "Evidence", "Source", "ID"
ALSO = "Also in the datasets"
COLUMNS = [DATE, PLACE, ACTORS, TYPE, EVIDENCE, SOURCE, ID]
FULL_TEXT_ROWS = PAGE_ROWS  # a list that fits on one page is an HTML table instead, every quote in full
PAGE_KEY = "events_page"


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
