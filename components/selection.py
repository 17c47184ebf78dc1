"""Everything one view shows, queried once from the store for the chosen filters (page, briefing and commands)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import dates, filters, forces, headline, places_map, timeline
from components.actors import Registry
from components.dates import Anchors
from components.filters import Filters, Names, Options, Where
from components.headline import Context
from components.loader import Dataset
from components.places_map import MapData
from components.schema import Model
from components.store import Store
from components.timeline import TimelineData


@dataclass(frozen=True)
class Prepared:
    """What does not depend on the filters: computed once per version of the store."""

    store: Store
    curated: Dataset
    registry: Registry
    names: Names
    options: Options
    anchors: Anchors
    datasets: tuple[str, ...]  # 'ACLED: 2 files, 1,000,000 events', for the source line
    checked: int  # rows read in every file: events and rows with problems
    version: int


def prepare(store: Store) -> Prepared:
    """The filter options, the anchors from all events (the deadline stays drawn whatever the filters), the sources."""
    curated, registry = store.curated, store.registry
    resolved = filters.names(store, registry)
    opts = filters.options(store, registry, curated.places, resolved)
    milestones = store.df(f"SELECT * FROM {Model.file} WHERE current AND milestone <> ''")
    latest = store.value(f"SELECT max(reported) FROM {Model.file} WHERE current")
    files = store.sources()
    datasets = tuple(
        f"{name}: {dates.plural(len(group), 'file')}, {dates.plural(int(group['events'].sum()), 'event')}"
        for name, group in files.assign(name=files["format"].map({"acled": "ACLED", "ucdp": "UCDP GED"})).groupby(
            "name", sort=True
        )
    )
    curated_rows = len(curated.events) + len(curated.actors) + len(curated.places) + len(curated.rejected)
    checked = curated_rows + int(files["rows_read"].sum())
    return Prepared(store, curated, registry, resolved, opts, dates.anchors(milestones, latest), datasets, checked,
                    store.version)  # fmt: skip


@dataclass(frozen=True)
class Selection:
    """The filters, their SQL, and what every view draws for them (small frames, never the events themselves)."""

    filters: Filters
    options: Options
    anchors: Anchors
    where: Where
    total: int
    forces: pd.DataFrame
    ctx: Context
    map: MapData
    timeline: TimelineData
    focus: set[str] | None


def select(prepared: Prepared, chosen: Filters) -> Selection:
    """Query the store for every view of the chosen filters."""
    store, opts, registry = prepared.store, prepared.options, prepared.registry
    where = filters.where(chosen, opts, registry, prepared.names)
    shown = opts.countries_of(chosen) or tuple(opts.countries)
    drawn = places_map.map_data(store, where, shown)
    lanes = timeline.timeline_data(store, where, prepared.anchors, chosen.extent)
    focus = filters.focus(chosen, registry)
    found = forces.forces_data(store, where, registry, focus, prepared.anchors.deadline)
    table = forces.build_forces(found, registry, prepared.curated.places, prepared.anchors)
    ctx = headline.context(
        prepared.curated.sources,
        prepared.anchors,
        filters.describe(chosen, opts),
        filters.widen(chosen),
        filters.countries_in_words(chosen, opts),
        prepared.datasets,
    )
    return Selection(chosen, opts, prepared.anchors, where, drawn.total, table, ctx, drawn, lanes, focus)
