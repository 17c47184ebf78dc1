"""A snapshot of the monitor for a choice of filters: every view's query run at once on the store, and what the
views are built from (for the page, the briefing and the commands alike)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from components import dates, filter_types, filters
from components.actors import Registry
from components.charts import forces, headline, places_map, timeline
from components.charts.headline import Context
from components.dates import Anchors
from components.filter_types import Filters, Names, Options, Where
from components.loader import Dataset
from components.queries import events, options, places, summaries
from components.queries import forces as forces_query
from components.queries import timeline as timeline_query
from components.queries.places import MapData
from components.queries.reader import Reader
from components.queries.timeline import TimelineData
from components.schema import Places as PlaceCols
from components.store import Store


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
    file_problems: tuple[str, ...]  # curated files, and files under data/sources/, that could not be used
    anchor_places: tuple[str, ...] = ()  # the curated places (not a whole country): named first on the map
    summaries: dict | None = None  # what the store's summaries of the views were built with (None: none to read)


def prepare(store: Store) -> Prepared:
    """The filter options, the anchors from all events (the deadline stays drawn whatever the filters), the sources."""
    curated, registry = store.curated, store.registry
    built = store.summaries()
    resolved = options.names(store, registry, built)
    opts = options.options(store, registry, curated.places, resolved, built)
    milestones, latest = store.df(summaries.MILESTONES), store.value(summaries.LATEST)
    files = store.files(dated=False)
    datasets = tuple(
        f"{name}: {dates.plural(len(group), 'file')}, {dates.plural(int(group['events'].sum()), 'event')}"
        for name, group in files.assign(name=files["format"].map({"acled": "ACLED", "ucdp": "UCDP GED"})).groupby(
            "name", sort=True
        )
    )
    curated_rows = len(curated.events) + len(curated.actors) + len(curated.places) + len(curated.rejected)
    checked = curated_rows + int(files["rows_read"].sum())
    unusable = (*curated.file_problems, *store.unreadable.values())
    places = curated.places
    anchor_places = tuple(places.loc[places[PlaceCols.precision] != "country", PlaceCols.name])
    return Prepared(store, curated, registry, resolved, opts, dates.anchors(milestones, latest), datasets, checked,
                    unusable, anchor_places, built)  # fmt: skip


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
    first_page: pd.DataFrame  # the oldest PAGE_ROWS events: the events table's first page
    figures: tuple[go.Figure, go.Figure] | None = None  # the page's map and timeline, when drawn
    circles: tuple[tuple[str, float, float, float], ...] = ()  # the radius filter's: place, lat, lon, km

    def page(self, reader: Reader, number: int) -> pd.DataFrame:
        """A page of the events table: the first was queried with the rest; another is asked of the store."""
        return self.first_page if number == 0 else events.page(reader, self.where, number, events.PAGE_ROWS)


def select(prepared: Prepared, chosen: Filters, draw: bool = False) -> Selection:
    """Query the store for every view of the chosen filters; with `draw`, also build the page's map and timeline
    figures, each as soon as its query returns (while the other queries run: they release the GIL)."""
    store, opts, registry = prepared.store, prepared.options, prepared.registry
    where = filters.where(chosen, opts, registry, prepared.names)
    where = replace(where, summaries=prepared.summaries)  # the views start from them where they can
    anchors = prepared.anchors
    if chosen.as_of and anchors.latest_report is not None:  # as of a day: its latest report is no later than it
        anchors = replace(anchors, latest_report=min(anchors.latest_report, pd.Timestamp(chosen.as_of)))
    shown = opts.countries_of(chosen) or tuple(opts.countries)
    focus = filter_types.focus(chosen, registry)
    centres = opts.centres if chosen.radius_km else {}
    circles = tuple((p, *centres[p], chosen.radius_km) for p in chosen.places if p in centres)
    ctx = headline.context(
        prepared.curated.articles,
        anchors,
        filters.describe(chosen, opts),
        filters.widen(chosen),
        filters.countries_in_words(chosen, opts),
        prepared.datasets,
    )
    actors = registry.actors

    def map_view(db: Reader, condition: Where) -> tuple[MapData, go.Figure | None]:
        """The map's marks, and its figure when drawn."""
        data = places.map_data(db, condition, shown, prepared.anchor_places)
        return data, places_map.build_map(data, actors, ctx, circles) if draw else None

    def timeline_view(db: Reader, condition: Where) -> tuple[TimelineData, go.Figure | None]:
        """The timeline's marks, and its figure when drawn."""
        data = timeline_query.timeline_data(db, condition, anchors, chosen.extent)
        return data, timeline.build_timeline(data, actors, anchors, ctx) if draw else None

    def forces_view(db: Reader, condition: Where) -> pd.DataFrame:
        """The foreign forces table."""
        found = forces_query.forces_data(db, condition, registry, focus, anchors.deadline)
        return forces.build_forces(found, registry, prepared.curated.places, anchors)

    views = (  # each with the summary it starts from, when it has one
        (map_view, summaries.MAP),
        (timeline_view, summaries.TIMELINE),
        (forces_view, summaries.FORCES),
        (partial(events.page, number=0, size=events.PAGE_ROWS), None),  # the page most reruns show
    )
    # The four queries on cursors of their own, side by side (DuckDB releases the GIL while it works), all on one
    # generation. A costly condition (a radius, a list of names) is evaluated whole by the summaries that hold its
    # columns; for the other views its rows are matched once, meanwhile, and they join on the rows it kept.
    reader = store.pinned()
    direct = [not where.costly or (kept is not None and summaries.serves(kept, where)) for _, kept in views]
    with ThreadPoolExecutor(max_workers=len(views)) as pool:
        running = {i: pool.submit(view, reader, where) for i, (view, _) in enumerate(views) if direct[i]}
        if not all(direct):
            with store.narrowed(reader, where.sql, where.params) as (sql, table):
                # a summary that holds the condition's columns evaluates it whole; the timeline and the events table
                # read the kept rows themselves
                narrowed = Where(sql, summaries=where.summaries, whole=where, kept=table)
                running.update({i: pool.submit(view, reader, narrowed) for i, (view, _) in enumerate(views)
                                if not direct[i]})  # fmt: skip
                wait(running.values())  # the kept rows are dropped once every view has read them
        drawn, lanes, table, first = (running[i].result() for i in range(len(views)))
    (marks, where_chart), (lane_marks, when_chart) = drawn, lanes
    figures = (where_chart, when_chart) if draw else None
    return Selection(chosen, opts, anchors, where, marks.total, table, ctx, marks, lane_marks, first,
                     figures, circles)  # fmt: skip
