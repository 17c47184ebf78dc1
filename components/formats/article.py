"""The curated events of data/events.csv, as the loader validated them, in the store's model."""

from __future__ import annotations

import pandas as pd

from components import dates
from components.loader import Dataset
from components.schema import LINE, REPORTED, TIME_PRECISION, ArticleMeta, Events, Model, split_list

FILE = Events.file
SAME_NAME = (  # columns of events.csv that the model holds as they are, under the same name
    Events.sub_event_type, Events.actor1, Events.assoc_actor_1, Events.actor2, Events.assoc_actor_2, Events.inter1,
    Events.inter2, Events.interaction, Events.country, Events.admin1, Events.admin2, Events.location,
)  # fmt: skip


def to_model(dataset: Dataset) -> pd.DataFrame:
    """One model row per valid article event: the quote is its evidence, the article's date its report."""
    events = dataset.events
    published = dataset.articles.set_index(ArticleMeta.article)[ArticleMeta.published]
    lists = [events[c].map(split_list) for c in (Events.assoc_actor_1, Events.assoc_actor_2)]
    names = [
        [a1, *x1, *([a2] if a2 else []), *x2]
        for a1, x1, a2, x2 in zip(events[Events.actor1], lists[0], events[Events.actor2], lists[1])
    ]  # an article has a few dozen events: a list per row is cheap, and keeps the actors in their order
    frame = pd.DataFrame(
        {
            Model.uid: "article:" + events[Events.event_id_cnty],
            Model.dataset: "article",
            Model.event_id: events[Events.event_id_cnty],
            Model.source_file: FILE,
            Model.line: events[LINE].astype("int64"),
            Model.version: 0,
            Model.start_date: dates.starts(events).dt.date,
            Model.end_date: dates.ends(events).dt.date,
            Model.precision: events[Events.time_precision].map(TIME_PRECISION),
            Model.date_basis: events[Events.date_basis],
            Model.reported: events[REPORTED].dt.date,
            Model.event_type: events[Events.event_kind],
            Model.actors: names,
            **{column: events[column] for column in SAME_NAME},
            Model.latitude: events[Events.latitude].astype("float64"),
            Model.longitude: events[Events.longitude].astype("float64"),
            Model.geo_precision: events[Events.geo_precision].astype("Int64"),
            Model.fatalities: events[Events.fatalities].astype("Int64"),
            Model.fatalities_low: pd.array([pd.NA] * len(events), dtype="Int64"),
            Model.fatalities_high: pd.array([pd.NA] * len(events), dtype="Int64"),
            Model.evidence: events[Events.quote],
            Model.evidence_kind: "article quote",
            Model.source: events[Events.source],
            Model.source_date: pd.to_datetime(events[Events.article].map(published)).dt.strftime("%Y-%m-%d %H:%M"),
            Model.source_article: "",
            Model.article: events[Events.article],
            Model.milestone: events[Events.milestone],
            Model.backer: "",  # derived by the store from actors.csv
            Model.lane: "",
            Model.forces: [[] for _ in range(len(events))],
            Model.actor_bits: 0,
        },
        index=events.index,
    )
    return frame[Model.names()].reset_index(drop=True)
