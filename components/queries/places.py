"""The map's query: one row per mark (a place and foreign state, or a grid cell past a few thousand places).

The store does the work: the page gets one row per mark, with the latest few events of each for its hover, never the
events themselves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from components import countries, legend
from components.filter_types import Where
from components.queries import summaries
from components.queries.reader import Reader
from components.queries.samples import samples
from components.queries.summaries import MAP
from components.schema import Model

LIBYA = {"lat": (18.5, 34.8), "lon": (6.5, 27.5)}  # view extent, a little wider than Libya's borders
MAX_MARKS = 2000  # past this many places a page would carry megabytes of marks: aggregate by grid cell instead
CELL_DEGREES = 0.25  # a grid cell: about 28 km north to south
LABELLED = 15  # at scale, the places with most events are named; every place is, below this
HOVER_BUDGET = 600  # events listed in full across all hovers: a map of many places lists fewer per place
POINT = f"{Model.latitude} IS NOT NULL AND {Model.longitude} IS NOT NULL"


@dataclass(frozen=True)
class MapData:
    """What the map draws: its marks (one row each), and the counts of what it cannot draw."""

    marks: pd.DataFrame  # backer, location, latitude, longitude, n, approx, samples (place marks) or places (cells)
    labels: pd.DataFrame  # location, latitude, longitude, n, anchor: the places to name, the most wanted first
    extent: dict[str, tuple[float, float]]
    aggregated: bool = False
    total: int = 0
    unmapped: list[tuple[str, int]] = field(default_factory=list)  # no single point: place (or ""), events
    outside: list[tuple[str, int]] = field(default_factory=list)  # a point beyond the extent: place, events


def extent(shown: list[str] | tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """The view: Libya's, or the boxes of the countries shown, together (countries the map's file lacks aside)."""
    boxes = [b for b in (countries.box(c) for c in shown) if b]
    if not boxes or set(shown) == {"Libya"}:
        return LIBYA
    margin = 1.0
    return {
        "lat": (min(b[0] for b in boxes) - margin, max(b[2] for b in boxes) + margin),
        "lon": (min(b[1] for b in boxes) - margin, max(b[3] for b in boxes) + margin),
    }


def map_data(
    reader: Reader, where: Where, shown: list[str] | tuple[str, ...], anchors: tuple[str, ...] = ()
) -> MapData:
    """Query the store for the map's marks: by place, or by grid cell when there are more than MAX_MARKS.

    One pass over the events counts them per state and place into a small temporary table; every count the map
    shows comes from it. Then a map of places reads the latest few events of each (by row id), and a map of cells
    counts its event types in one more pass.
    """
    view = extent(shown)
    (lat0, lat1), (lon0, lon1) = view["lat"], view["lon"]
    inside = "latitude BETWEEN $lat0 AND $lat1 AND longitude BETWEEN $lon0 AND $lon1"
    frame = {"lat0": lat0, "lat1": lat1, "lon0": lon0, "lon1": lon1}
    src, params = summaries.source(MAP, where)
    with reader.session() as db:
        db.keep(  # grouping by few columns keeps this pass cheap: an event's type is counted apart
            "marks", f"SELECT {MAP.keys}, {MAP.combine} FROM {src} GROUP BY ALL", params
        )
        total, places = db.rows(f"SELECT coalesce(sum(n), 0), count(*) FILTER ({POINT}) FROM marks")[0]
        unmapped = db.rows(
            f"SELECT location, sum(n)::BIGINT FROM marks WHERE NOT ({POINT}) GROUP BY 1 ORDER BY 2 DESC, 1"
        )
        outside = db.rows(
            f"SELECT location, sum(n)::BIGINT FROM marks WHERE {POINT} AND NOT ({inside}) "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            frame,
        )
        labels = db.df(  # one label a place, at the point most of its events use (a tie: the northernmost, then the
            # easternmost, both coordinates of one point); the anchors first, when shown
            f"""SELECT location, arg_max(latitude, (n, latitude, longitude)) AS latitude,
                       arg_max(longitude, (n, latitude, longitude)) AS longitude, sum(n) AS n,
                       list_contains($anchors::VARCHAR[], location) AS anchor
                FROM (SELECT location, latitude, longitude, sum(n) AS n FROM marks WHERE {POINT} AND location <> ''
                      GROUP BY ALL) GROUP BY location
                ORDER BY list_contains($anchors::VARCHAR[], location) DESC, n DESC, location LIMIT {LABELLED}""",
            {"anchors": list(anchors)},
        )
        aggregated = places > MAX_MARKS
        marks = _cells(db, src, params) if aggregated else _places(db, where)
    return MapData(marks, labels, view, aggregated, int(total), unmapped, outside)


def _places(db: Reader, where: Where) -> pd.DataFrame:
    """One row per foreign state and place, with its latest few events for the hover (read by row id: cheap)."""
    marks = db.df(  # hollow where every event is approximate (or of unknown precision)
        f"""SELECT backer, location, latitude, longitude, n, coalesce(finest, 3) >= 2 AS approx, [latest] AS rids
            FROM marks WHERE {POINT} ORDER BY latitude DESC, location, backer"""
    )
    each = min(max(HOVER_BUDGET // max(len(marks), 1), 1), legend.HOVER_EVENTS)
    if each > 1:  # few places: read their latest few events (the first pass kept only the latest of each)
        latest = db.df(
            f"""SELECT backer, location, latitude, longitude, max_by(rowid, (start_date, rowid), $each) AS rids
                FROM {Model.file} WHERE {where} AND {POINT} GROUP BY ALL""",
            where.bind(each=each),
        )
        key = [Model.backer, Model.location, Model.latitude, Model.longitude]
        marks = marks.drop(columns="rids").merge(latest, on=key, how="left")
    found = samples(db, [r for rids in marks["rids"] for r in rids])
    return marks.assign(samples=[[found[r] for r in rids] for rids in marks["rids"]]).drop(columns="rids")


def _cells(db: Reader, src: str, params: dict) -> pd.DataFrame:
    """One row per grid cell: its events by foreign state and its main event types, for the hover (ties in the order
    of the names, never to chance)."""
    cell = f"floor({{}} / {CELL_DEGREES}) * {CELL_DEGREES} + {CELL_DEGREES / 2}"
    lat, lon = cell.format("latitude"), cell.format("longitude")
    db.keep(
        "kinds",
        f"""SELECT {lat} AS lat, {lon} AS lon, event_type, sum(n) AS n FROM {src} WHERE {POINT} GROUP BY ALL""",
        params,
    )
    return db.df(
        f"""WITH c AS (SELECT {lat} AS lat, {lon} AS lon, * FROM marks WHERE {POINT}),
                 states AS (SELECT lat, lon, backer, sum(n) AS n FROM c GROUP BY ALL),
                 spots AS (SELECT lat, lon, location, sum(n) AS n FROM c GROUP BY ALL)
            SELECT s.lat AS latitude, s.lon AS longitude, arg_max(s.backer, (s.n, s.backer)) AS backer,
                   sum(s.n)::BIGINT AS n,
                   any_value(p.places) AS places, any_value(p.location) AS location,
                   string_agg(coalesce(nullif(s.backer, ''), '{legend.NONE}') || ' ' || format('{{:,}}', s.n::BIGINT),
                              ' · ' ORDER BY s.n DESC, s.backer) AS backers,
                   any_value(k.types) AS types
            FROM states s
            JOIN (SELECT lat, lon, count(*) AS places, arg_max(location, (n, location)) AS location FROM spots
                  GROUP BY ALL) p USING (lat, lon)
            JOIN (SELECT lat, lon, string_agg(event_type || ' ' || format('{{:,}}', n::BIGINT),
                                              ' · ' ORDER BY n DESC, event_type) AS types
                  FROM kinds GROUP BY ALL) k USING (lat, lon)
            GROUP BY s.lat, s.lon ORDER BY s.lat DESC, s.lon"""  # drawn in the same order at each rerun
    )
