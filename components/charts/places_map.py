"""The map of the events, drawn offline: a mark per place and foreign state, or per grid cell (queries/places.py).

The map's countries come from Natural Earth files served by the app.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components import dates, evidence, legend, text
from components.charts.canvas import Canvas
from components.charts.headline import Context, title_height, title_layout
from components.queries.places import CELL_DEGREES, LABELLED, LIBYA, MapData
from components.schema import Model

TOPOJSON_URL = "app/static/topojson/"  # served by Streamlit's static serving: no CDN, no internet
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


def _marks(geo: str, own: pd.DataFrame, name: str, marker: dict, hovers: list[str], rank: int) -> dict:
    """A trace of marks at their points, each with its hover, at its rank in the legend."""
    return dict(type="scattergeo", geo=geo, lat=own[Model.latitude].tolist(), lon=own[Model.longitude].tolist(),
                mode="markers", name=name, marker=marker, hovertext=hovers, hoverinfo="text",
                legendrank=rank)  # fmt: skip


def _key(geo: str, name: str, marker: dict) -> dict:
    """A legend entry with no point of its own: it explains how the marks are drawn."""
    return dict(type="scattergeo", geo=geo, lat=[None], lon=[None], mode="markers", name=name, marker=marker)


def _place_traces(fig: Canvas, marks: pd.DataFrame, actors: pd.DataFrame, geo: str) -> None:
    """A trace per foreign state: a marker per place, hollow where every event there is approximate."""
    for _, name, colour, own, rank in legend.per_state(marks, actors):
        marker = {
            "size": [legend.marker_size(int(n), 18, 6) for n in own["n"]],
            "color": colour,
            "symbol": ["circle-open" if a else "circle" for a in own["approx"]],  # hollow: approximate
            "line": {"width": 3, "color": colour},
            "opacity": 0.9,
        }
        hovers = [evidence.hover(list(s), int(n)) for s, n in zip(own["samples"], own["n"])]
        fig.add_trace(_marks(geo, own, name, marker, hovers, rank))
    hollow = {"size": 14, "symbol": "circle-open", "color": KEY_GREY, "line": {"width": 3}}
    fig.add_trace(_key(geo, "Hollow: approximate place (near it, or a wider area)", hollow))


def _cell_traces(fig: Canvas, marks: pd.DataFrame, actors: pd.DataFrame, geo: str) -> None:
    """A trace per foreign state: a square per grid cell it leads, sized by the cell's events."""
    for _, name, colour, own, rank in legend.per_state(marks, actors):
        hovers = [
            f"<b>{n:,} events</b> in {dates.plural(int(p), 'place')} around {text.plot(loc)}<br>"
            f"{text.lines(who, 70)}<br><i>{text.lines(what, 70)}</i>"
            for n, p, loc, who, what in zip(own["n"], own["places"], own[Model.location], own["backers"], own["types"])
        ]
        marker = {"size": [legend.count_size(int(n)) for n in own["n"]], "color": colour, "symbol": "square",
                  "opacity": 0.75, "line": {"width": 0}}  # fmt: skip
        fig.add_trace(_marks(geo, own, f"{name}: most events of the cell", marker, hovers, rank))
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
