"""Map of the events: a mark per place and foreign state, or per grid cell past a few thousand; drawn offline.

The store does the work (components/store.py): the page gets one row per mark, with the latest few events of each
for its hover, never the events themselves. The map's countries come from Natural Earth files served by the app.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from components import countries, dates, evidence, legend, text
from components.canvas import Canvas
from components.filters import Where
from components.headline import Context, title_height, title_layout
from components.schema import Model

TOPOJSON_URL = "app/static/topojson/"  # served by Streamlit's static serving: no CDN, no internet
LIBYA = {"lat": (18.5, 34.8), "lon": (6.5, 27.5)}  # view extent, a little wider than Libya's borders
NEIGHBOURS = {  # label points for the map's furniture, placed by eye inside each country on the Natural Earth map
    "TUNISIA": (33.6, 9.3),
    "ALGERIA": (27.5, 7.9),
    "NIGER": (19.6, 11.0),
    "CHAD": (19.6, 19.5),
    "SUDAN": (19.6, 25.6),
    "EGYPT": (27.0, 26.4),
    "Mediterranean Sea": (34.1, 19.0),
}
GEO = {  # Libya and its neighbours, from the Natural Earth layers plotly.js draws itself
    "scope": "africa",
    "resolution": 50,
    "projection_type": "mercator",
    "showcountries": True,
    "countrycolor": "#7a7a7a",
    "countrywidth": 1.2,
    "showcoastlines": True,
    "coastlinecolor": "#5a6f80",
    "showland": True,
    "landcolor": "#f3f1ea",
    "showocean": True,
    "oceancolor": "#dfeaf2",
    "showlakes": False,
    "showframe": False,
}
LABEL_POSITIONS = ("top right", "bottom right", "top left", "bottom left")
HEIGHT = 640
MAP_CREDIT = "Map: Natural Earth"
KEY_GREY = "#444444"
MAX_MARKS = 2000  # past this many places a page would carry megabytes of marks: aggregate by grid cell instead
CELL_DEGREES = 0.25  # a grid cell: about 28 km north to south
LABELLED = 15  # at scale, the places with most events are named; every place is, below this
HOVER_BUDGET = 600  # events listed in full across all hovers: a map of many places lists fewer per place
POINT = f"{Model.latitude} IS NOT NULL AND {Model.longitude} IS NOT NULL"


@dataclass(frozen=True)
class MapData:
    """What the map draws: its marks (one row each), and the counts of what it cannot draw."""

    marks: pd.DataFrame  # backer, location, latitude, longitude, n, approx, samples (place marks) or places (cells)
    labels: pd.DataFrame  # location, latitude, longitude: the places named on the map
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


def map_data(store: object, where: Where, shown: list[str] | tuple[str, ...]) -> MapData:
    """Query the store for the map's marks: by place, or by grid cell when there are more than MAX_MARKS.

    One pass over the events counts them per state and place into a small temporary table; every count the map
    shows comes from it. Then a map of places reads the latest few events of each (by row id), and a map of cells
    counts its event types in one more pass.
    """
    view = extent(shown)
    (lat0, lat1), (lon0, lon1) = view["lat"], view["lon"]
    inside = f"latitude BETWEEN {lat0} AND {lat1} AND longitude BETWEEN {lon0} AND {lon1}"
    with store.session() as cursor:
        cursor.execute(  # grouping by few columns keeps this pass cheap: an event's type is counted apart
            f"""CREATE OR REPLACE TEMP TABLE marks AS SELECT backer, location, latitude, longitude, count(*) AS n,
                       min(geo_precision) AS finest, arg_max(rowid, start_date) AS latest
                FROM {Model.file} WHERE {where} GROUP BY ALL""",
            where.params,
        )
        counted = f"SELECT coalesce(sum(n), 0), count(*) FILTER ({POINT}) FROM marks"
        total, places = cursor.execute(counted).fetchall()[0]
        unmapped = cursor.execute(
            f"SELECT location, sum(n)::BIGINT FROM marks WHERE NOT ({POINT}) GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        outside = cursor.execute(
            f"SELECT location, sum(n)::BIGINT FROM marks WHERE {POINT} AND NOT ({inside}) GROUP BY 1 ORDER BY 2 DESC, 1"
        ).fetchall()
        labels = cursor.execute(  # one label a place, at the point most of its events use
            f"""SELECT location, arg_max(latitude, n) AS latitude, arg_max(longitude, n) AS longitude, sum(n) AS n
                FROM (SELECT location, latitude, longitude, sum(n) AS n FROM marks WHERE {POINT} AND location <> ''
                      GROUP BY ALL) GROUP BY location ORDER BY n DESC, location LIMIT {LABELLED}"""
        ).df()
        aggregated = places > MAX_MARKS
        marks = _cells(cursor, where) if aggregated else _places(cursor, where)
    return MapData(marks, labels, view, aggregated, int(total), unmapped, outside)


def _places(cursor: object, where: Where) -> pd.DataFrame:
    """One row per foreign state and place, with its latest few events for the hover (read by row id: cheap)."""
    marks = cursor.execute(  # hollow where every event is approximate (or of unknown precision)
        f"""SELECT backer, location, latitude, longitude, n, coalesce(finest, 3) >= 2 AS approx, [latest] AS rids
            FROM marks WHERE {POINT} ORDER BY latitude DESC, location, backer"""
    ).df()
    each = min(max(HOVER_BUDGET // max(len(marks), 1), 1), legend.HOVER_EVENTS)
    if each > 1:  # few places: read their latest few events (the first pass kept only the latest of each)
        latest = cursor.execute(
            f"""SELECT backer, location, latitude, longitude, max_by(rowid, start_date, {each}) AS rids
                FROM {Model.file} WHERE {where} AND {POINT} GROUP BY ALL""",
            where.params,
        ).df()
        key = [Model.backer, Model.location, Model.latitude, Model.longitude]
        marks = marks.drop(columns="rids").merge(latest, on=key, how="left")
    samples = evidence.samples(cursor, [r for rids in marks["rids"] for r in rids])
    return marks.assign(samples=[[samples[r] for r in rids] for rids in marks["rids"]]).drop(columns="rids")


def _cells(cursor: object, where: Where) -> pd.DataFrame:
    """One row per grid cell: its events by foreign state and its main event types, for the hover."""
    cell = f"floor({{}} / {CELL_DEGREES}) * {CELL_DEGREES} + {CELL_DEGREES / 2}"
    lat, lon = cell.format("latitude"), cell.format("longitude")
    cursor.execute(
        f"""CREATE OR REPLACE TEMP TABLE kinds AS SELECT {lat} AS lat, {lon} AS lon, event_type, count(*) AS n
            FROM {Model.file} WHERE {where} AND {POINT} GROUP BY ALL""",
        where.params,
    )
    return cursor.execute(
        f"""WITH c AS (SELECT {lat} AS lat, {lon} AS lon, * FROM marks WHERE {POINT}),
                 states AS (SELECT lat, lon, backer, sum(n) AS n FROM c GROUP BY ALL),
                 spots AS (SELECT lat, lon, location, sum(n) AS n FROM c GROUP BY ALL)
            SELECT s.lat AS latitude, s.lon AS longitude, arg_max(s.backer, s.n) AS backer, sum(s.n)::BIGINT AS n,
                   any_value(p.places) AS places, any_value(p.location) AS location,
                   string_agg(coalesce(nullif(s.backer, ''), '{legend.NONE}') || ' ' || format('{{:,}}', s.n::BIGINT),
                              ' · ' ORDER BY s.n DESC) AS backers,
                   any_value(k.types) AS types
            FROM states s
            JOIN (SELECT lat, lon, count(*) AS places, arg_max(location, n) AS location FROM spots GROUP BY ALL) p
                 USING (lat, lon)
            JOIN (SELECT lat, lon, string_agg(event_type || ' ' || format('{{:,}}', n::BIGINT), ' · ' ORDER BY n DESC)
                         AS types FROM kinds GROUP BY ALL) k USING (lat, lon)
            GROUP BY s.lat, s.lon"""
    ).df()


def _label_positions(
    points: pd.DataFrame, frame: dict[str, tuple[float, float]] = LIBYA, drop: bool = False
) -> list[str | None]:
    """Place each name, in the order given (most events first), inside the map's frame where it overlaps no name
    placed before it; else where it overlaps none (cut by the frame); else, with `drop`, leave it out (None): at
    scale a dozen names in one city would be read as none. Without `drop` every place the events name is named."""
    box_w, box_h = 0.42, 0.9  # degrees per character and per line at this map's scale
    placed: list[tuple[float, float, float, float]] = []
    chosen: list[str | None] = []
    for p in points.to_dict("records"):
        width = box_w * len(p[Model.location]) + 0.5
        boxes = {}
        for position in LABEL_POSITIONS:
            dx = 0.3 if "right" in position else -0.3 - width
            dy = 0.2 if "top" in position else -0.2 - box_h
            boxes[position] = (p[Model.longitude] + dx, p[Model.latitude] + dy, width, box_h)
        free = [pos for pos, box in boxes.items() if not any(_overlap(box, other) for other in placed)]
        framed = [pos for pos in free if _inside(boxes[pos], frame)]
        position = (framed or free or [None if drop else LABEL_POSITIONS[-1]])[0]
        if position is not None:
            placed.append(boxes[position])
        chosen.append(position)
    return chosen


def _inside(box: tuple[float, float, float, float], frame: dict[str, tuple[float, float]]) -> bool:
    """True when an (x, y, width, height) box lies within the map's frame."""
    (south, north), (west, east) = frame["lat"], frame["lon"]
    return west <= box[0] and box[0] + box[2] <= east and south <= box[1] and box[1] + box[3] <= north


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """True when two (x, y, width, height) boxes intersect."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _marks(geo: str, own: pd.DataFrame, name: str, marker: dict, hovers: list[str]) -> dict:
    """A trace of marks at their points, each with its hover."""
    return dict(type="scattergeo", geo=geo, lat=own[Model.latitude].tolist(), lon=own[Model.longitude].tolist(),
                mode="markers", name=name, marker=marker, hovertext=hovers, hoverinfo="text")  # fmt: skip


def _key(geo: str, name: str, marker: dict) -> dict:
    """A legend entry with no point of its own: it explains how the marks are drawn."""
    return dict(type="scattergeo", geo=geo, lat=[None], lon=[None], mode="markers", name=name, marker=marker)


def _place_traces(fig: Canvas, marks: pd.DataFrame, actors: pd.DataFrame, geo: str) -> None:
    """A trace per foreign state: a marker per place, hollow where every event there is approximate."""
    for _, name, colour, own in legend.per_state(marks, actors):
        marker = {
            "size": [legend.marker_size(int(n), 18, 6) for n in own["n"]],
            "color": colour,
            "symbol": ["circle-open" if a else "circle" for a in own["approx"]],  # hollow: approximate
            "line": {"width": 3, "color": colour},
            "opacity": 0.9,
        }
        hovers = [evidence.hover(list(s), int(n)) for s, n in zip(own["samples"], own["n"])]
        fig.add_trace(_marks(geo, own, name, marker, hovers))
    hollow = {"size": 14, "symbol": "circle-open", "color": KEY_GREY, "line": {"width": 3}}
    fig.add_trace(_key(geo, "Hollow: approximate place (near it, or a wider area)", hollow))


def _cell_traces(fig: Canvas, marks: pd.DataFrame, actors: pd.DataFrame, geo: str) -> None:
    """A trace per foreign state: a square per grid cell it leads, sized by the cell's events."""
    for _, name, colour, own in legend.per_state(marks, actors):
        hovers = [
            f"<b>{n:,} events</b> in {dates.plural(int(p), 'place')} around {text.plot(loc)}<br>"
            f"{text.lines(who, 70)}<br><i>{text.lines(what, 70)}</i>"
            for n, p, loc, who, what in zip(own["n"], own["places"], own[Model.location], own["backers"], own["types"])
        ]
        marker = {"size": [legend.count_size(int(n)) for n in own["n"]], "color": colour, "symbol": "square",
                  "opacity": 0.75, "line": {"width": 0}}  # fmt: skip
        fig.add_trace(_marks(geo, own, f"{name}: most events of the cell", marker, hovers))
    square = {"size": 12, "symbol": "square", "color": KEY_GREY}
    fig.add_trace(_key(geo, f"Square: a {CELL_DEGREES}° cell (about 28 km), sized by its events", square))


def draw_map(fig: Canvas, data: MapData, actors: pd.DataFrame, empty: str, geo: str = "geo") -> list[str]:
    """Draw the marks on one geo subplot of a figure ("geo", or "geo2"...); return notes for under it.

    `empty` is what the map says when no event matches: which filters to widen.
    """
    if data.aggregated:
        _cell_traces(fig, data.marks, actors, geo)
    else:
        _place_traces(fig, data.marks, actors, geo)
    positions = _label_positions(data.labels, data.extent, drop=data.aggregated)  # most events first
    labels = data.labels.iloc[[i for i, p in enumerate(positions) if p is not None]]
    fig.add_trace(
        dict(
            type="scattergeo",
            geo=geo,
            lat=labels[Model.latitude].tolist(),
            lon=labels[Model.longitude].tolist(),
            mode="text",
            text=[f"<b>{text.plot(p)}</b>" for p in labels[Model.location]],
            textposition=[p for p in positions if p is not None],
            textfont={"size": 15, "color": "#1a1a1a"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    fig.add_trace(
        dict(
            type="scattergeo",
            geo=geo,
            lat=[v[0] for v in NEIGHBOURS.values()],
            lon=[v[1] for v in NEIGHBOURS.values()],
            mode="text",
            text=list(NEIGHBOURS),
            textfont={"size": 11, "color": "#8a8a8a"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    axes = {"lataxis_range": list(data.extent["lat"]), "lonaxis_range": list(data.extent["lon"])}
    fig.update_layout({geo: {**GEO, **axes}})
    if not data.total:
        return [empty]
    notes = [_unmapped_note(data.unmapped)]
    if data.outside:
        notes.append(_list_note("Beyond this map's extent", data.outside))
    if data.aggregated:
        notes.append(f"{data.total:,} events at too many places to mark one by one: aggregated by grid cell.")
    named = sum(p is not None for p in positions)
    if named < len(data.labels):
        notes.append(f"Named: {named} of the places with most events (a name that would cover another is left out).")
    elif named == LABELLED:
        notes.append(f"Named: the {LABELLED} places with most events.")
    return notes


def _unmapped_note(unmapped: list[tuple[str, int]]) -> str:
    """Say which events have no point on the map, so none is hidden without a word."""
    if not unmapped:
        return "Every event shown has a place on the map."
    return _list_note("Not on the map (no single point)", unmapped)


def _list_note(what: str, places: list[tuple[str, int]], shown: int = 5) -> str:
    """'What — Libya: 3 events; no place named: 2 events. They are in the events table.', the first few places."""
    parts = [f"{place or 'no place named'}: {dates.plural(n, 'event')}" for place, n in places[:shown]]
    if len(places) > shown:
        parts.append(f"and {dates.plural(sum(n for _, n in places[shown:]), 'event')} elsewhere")
    return f"{what} — " + "; ".join(parts) + ". They are in the events table."


def build_map(data: MapData, actors: pd.DataFrame, ctx: Context) -> go.Figure:
    """A figure of the marks, coloured by the foreign state involved, sized by the number of events."""
    fig = Canvas()
    notes = draw_map(fig, data, actors, ctx.empty) + [ctx.source_short + " · " + MAP_CREDIT]
    title = ctx.title("Where", 55)
    top, bottom = title_height(title) + 12, 170  # pixels: title above; legend, then notes, below the map
    plot = HEIGHT - top - bottom
    fig.update_layout(
        title=title_layout(title),
        height=HEIGHT,
        margin={"l": 10, "r": 10, "t": top, "b": bottom},
        legend={"x": 0.01, "y": -6 / plot, "yanchor": "top", "font": {"size": 12}},
    )
    fig.add_annotation(  # at the very bottom, under the legend
        text=text.notes(notes, 62),
        xref="paper",
        yref="paper",
        x=0.01,
        y=-(bottom - 6) / plot,
        yanchor="bottom",
        showarrow=False,
        align="left",
        xanchor="left",
        font={"size": 11, "color": "#555"},
    )
    return fig.figure()
