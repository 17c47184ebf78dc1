"""The events table's query: one page of the filtered events, oldest first."""

from __future__ import annotations

import pandas as pd

from components.filter_types import Where
from components.queries.reader import Reader
from components.schema import Model

PAGE_ROWS = 200  # the rows of one page of the data grid (what a screen shows in a few scrolls)
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


def page(reader: Reader, where: Where, number: int, size: int) -> pd.DataFrame:
    """One page of the filtered events, oldest first (the store sorts; the page gets only its rows)."""
    order = "ORDER BY start_date, end_date, rowid"
    # The page's rows first, by their sort keys alone (of the rows a costly condition kept, when it did); then only
    # those rows are read in full (reading every column of a million rows to keep 500 cost three times as long).
    if where.kept is not None:
        keys = f"SELECT rid FROM {where.kept} ORDER BY start_date, end_date, rid LIMIT $size OFFSET $skip"
        chosen = reader.df(keys, {"size": size, "skip": number * size})["rid"].tolist()
    else:
        chosen = reader.df(f"SELECT rowid AS rid FROM {Model.file} WHERE {where} {order} LIMIT $size OFFSET $skip",
                           where.bind(size=size, skip=number * size))["rid"].tolist()  # fmt: skip
    return reader.df(
        f"SELECT {', '.join(SHOWN)} FROM {Model.file} WHERE rowid IN (SELECT unnest($rids::BIGINT[])) {order}",
        {"rids": chosen},
    )
