"""The map of the events, drawn offline: a mark per place and foreign state, or per grid cell (queries/places.py).

The map's countries come from Natural Earth files served by the app.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from geopy.distance import geodesic

from components import dates, evidence, legend, text
from components.charts import labels
from components.charts.canvas import Canvas
from components.charts.headline import Context, title_height, title_layout
from components.queries.places import CELL_DEGREES, LABELLED, MapData
from components.schema import Model

TOPOJSON_URL = "app/static/topojson/"  # served by Streamlit's static serving: no CDN, no internet
NEIGHBOURS = {  # label points for the map's furniture, placed by eye inside each country on the Natural Earth map
    "TUNISIA": (33.6, 9.3),
    "ALGERIA": (27.5, 7.9),
    "NIGER": (19.6, 11.0),
    "CHAD": (19.6, 19.5),
    "SUDAN": (19.6, 25.6),
    "EGYPT": (27.0, 26.4),
    "LIBYA": (27.4, 17.6),
    "Mediterranean Sea": (34.1, 19.0),
}
GEO = {  # Libya and its neighbours, from the Natural Earth layers plotly.js draws itself
    "scope": "africa",
    "resolution": 50,
    "projection": {"type": "mercator"},  # nested, not projection_type: figures are built unvalidated (canvas.py)
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
PLOT = 420  # pixels: the map's own box; the legend and notes below it add to the figure's height
LEGEND_LINE = 21  # pixels an entry of the legend takes (font 12, its marker up to 14 px)
NOTE_LINE = 15  # pixels a line of the notes takes (font 11)
PAGE_WIDTH = 390  # pixels: the map column at its narrowest (a 1280-wide window; measured in Chromium), and where
WIDE_WIDTH = 669  # its map stops growing (a 1920-wide window: the map is as high as it gets): names fit at both
MAP_CREDIT = "Map: Natural Earth"
KEY_GREY = "#444444"


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
            "size": [legend.place_size(int(n)) for n in own["n"]],
            "color": colour,
            "symbol": ["circle-open" if a else "circle" for a in own["approx"]],  # hollow: approximate
            "line": {"width": 3, "color": colour},
            "opacity": 0.9,
        }
        hovers = [evidence.hover(list(s), int(n)) for s, n in zip(own["samples"], own["n"])]
        fig.add_trace(_marks(geo, own, name, marker, hovers, rank))
    if marks["approx"].any():  # a legend entry only for what is drawn
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


def _sizes(data: MapData) -> pd.Series:
    """The pixels of each mark, as its trace draws it."""
    if data.aggregated:
        return data.marks["n"].map(lambda n: legend.count_size(int(n)))
    return data.marks["n"].map(lambda n: legend.place_size(int(n)))


def circle(lat: float, lon: float, km: float, points: int = 72) -> tuple[list[float], list[float]]:
    """The points at `km` from a centre on the WGS 84 ellipsoid, the circle the radius filter keeps inside."""
    ring = [geodesic(kilometers=km).destination((lat, lon), bearing) for bearing in range(0, 361, 360 // points)]
    return [p.latitude for p in ring], [p.longitude for p in ring]


def draw_map(
    fig: Canvas,
    data: MapData,
    actors: pd.DataFrame,
    empty: str,
    geo: str = "geo",
    circles: tuple[tuple[str, float, float, float], ...] = (),
    box: tuple[float, float] = (420.0, 420.0),
    wider: tuple[float, float] | None = None,
) -> list[str]:
    """Draw the marks on one geo subplot of a figure ("geo", or "geo2"...); return notes for under it.

    `empty` is what the map says when no event matches: which filters to widen. `circles` (place, lat, lon, km) are
    the radius filter's; `box` the subplot's pixels at their fewest, where the names are measured, and `wider` at
    their most (a wider window): a name is placed where it fits at both.
    """
    rings = [(place, km, *circle(lat, lon, km)) for place, lat, lon, km in circles]
    points = data.marks[data.marks[Model.latitude].notna()]
    ring_lats = [y for _, _, lats, _ in rings for y in lats]
    ring_lons = [x for _, _, _, lons in rings for x in lons]
    frame = labels.fit(pd.concat([points[Model.latitude], pd.Series(ring_lats, dtype=float)], ignore_index=True),
                       pd.concat([points[Model.longitude], pd.Series(ring_lons, dtype=float)], ignore_index=True),
                       data.extent)  # fmt: skip
    view = labels.Frame(frame["lat"], frame["lon"], *box)
    views = (view, *([labels.Frame(frame["lat"], frame["lon"], *wider)] if wider else []))
    sizes = _sizes(data)
    # Marks of several states at one place are set around it, apart, not drawn on one another (cells never share).
    spread = labels.spread(points, sizes[points.index], view) if not data.aggregated else points.assign(reach=sizes)
    if data.aggregated:
        _cell_traces(fig, data.marks, actors, geo)
    else:
        _place_traces(fig, data.marks.assign(**{c: spread[c] for c in (Model.latitude, Model.longitude)}), actors, geo)
    for place, km, lats, lons in rings:
        fig.add_trace(dict(type="scattergeo", geo=geo, lat=lats, lon=lons, mode="lines", hoverinfo="skip",
                           name=text.plot(f"Within {km:g} km of {place}"), legendrank=999,
                           line={"width": 2, "color": KEY_GREY, "dash": "dash"}))  # fmt: skip
    # a place's name is set off by the whole of what is drawn there (its marks, spread or not)
    reach = points.assign(reach=spread["reach"]).groupby([Model.latitude, Model.longitude])["reach"].max()
    wanted = data.labels.assign(size=[float(reach.get((y, x), 0.0)) for y, x in
                                      zip(data.labels[Model.latitude], data.labels[Model.longitude])])  # fmt: skip
    marks = list(zip(spread[Model.latitude], spread[Model.longitude], sizes[points.index]))
    anchors = (
        frozenset(wanted.loc[wanted["anchor"].astype(bool), Model.location]) if "anchor" in wanted else frozenset()
    )
    positions = labels.place(wanted, marks, view, anchors, also=views[1:])
    named = wanted.iloc[[i for i, p in enumerate(positions) if p is not None]]
    fig.add_trace(
        dict(
            type="scattergeo",
            geo=geo,
            lat=named[Model.latitude].tolist(),
            lon=named[Model.longitude].tolist(),
            mode="markers+text",  # an unseen marker as large as the place's own: the name is set off beside it
            marker={"size": named["size"].tolist(), "opacity": 0},
            text=[f"<b>{text.plot(p)}</b>" for p in named[Model.location]],
            textposition=[p for p in positions if p is not None],
            textfont={"size": labels.FONT_PX, "color": "#1a1a1a", "shadow": "auto"},  # a halo: legible over marks
            hoverinfo="skip",
            showlegend=False,
        )
    )
    furniture = {  # a neighbour's name where it fits whole in the frame and covers no place's name, at every size
        name: at for name, at in NEIGHBOURS.items() if all(_fits(name, at, v, named, positions) for v in views)
    }
    fig.add_trace(
        dict(
            type="scattergeo",
            geo=geo,
            lat=[v[0] for v in furniture.values()],
            lon=[v[1] for v in furniture.values()],
            mode="text",
            text=list(furniture),  # the neighbours whose name fits whole in the frame
            textfont={"size": 11, "color": "#8a8a8a"},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    axes = {"lataxis": {"range": list(frame["lat"])}, "lonaxis": {"range": list(frame["lon"])}}
    fig.update_layout({geo: {**GEO, **axes}})
    if not data.total:
        return [empty]
    notes = [_unmapped_note(data.unmapped)]
    if data.outside:
        notes.append(_list_note("Beyond this map's extent", data.outside))
    if data.aggregated:
        notes.append(f"{data.total:,} events at too many places to mark one by one: aggregated by grid cell.")
    left_out = [name for name, p in zip(wanted[Model.location], positions) if p is None]
    if left_out:
        shown_names = ", ".join(left_out[:6]) + (f" and {len(left_out) - 6} more" if len(left_out) > 6 else "")
        notes.append(f"Not named, for want of room: {shown_names} (their marks are drawn).")
    if len(data.labels) == LABELLED:
        notes.append(f"Names: the {LABELLED} places with most events at most.")
    return notes


def _fits(name: str, at: tuple[float, float], view: labels.Frame, named: pd.DataFrame, positions: list) -> bool:
    """Whether a neighbour's name, centred on its point, fits whole in the frame and covers none of the places'."""
    box = labels.centred(name, view.pixels(*at), 11)
    taken = [labels.boxes(p, view.pixels(y, x), size)[where] for p, y, x, size, where in
             zip(named[Model.location], named[Model.latitude], named[Model.longitude], named["size"],
                 [p for p in positions if p is not None])]  # fmt: skip
    return view.holds(box) and not any(labels.overlap(box, t) for t in taken)


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


def build_map(
    data: MapData, actors: pd.DataFrame, ctx: Context, circles: tuple[tuple[str, float, float, float], ...] = ()
) -> go.Figure:
    """A figure of the marks, coloured by the foreign state involved, sized by the number of events."""
    fig = Canvas()
    title = ctx.title("Where", 55)
    top = title_height(title) + 12  # pixels: the title above the map
    margins = 20  # the figure's left and right margins: the map's box is the column less them
    notes = draw_map(fig, data, actors, ctx.empty, circles=circles, box=(PAGE_WIDTH - margins, PLOT),
                     wider=(WIDE_WIDTH - margins, PLOT))  # fmt: skip
    notes.append(ctx.source_short + " · " + MAP_CREDIT)
    written = text.notes(notes, 62)
    # Below the map, the legend (an entry a line) then the notes: the figure grows with them, so they never meet.
    entries = sum(1 for t in fig.data if t.get("showlegend", True) and t.get("name"))
    legend_px = 8 + LEGEND_LINE * entries
    bottom = legend_px + NOTE_LINE * (written.count("<br>") + 1) + 16
    plot = PLOT
    fig.update_layout(
        title=title_layout(title),
        height=top + plot + bottom,
        margin={"l": 10, "r": 10, "t": top, "b": bottom},
        legend={"x": 0.01, "y": -6 / plot, "yanchor": "top", "font": {"size": 12}},
    )
    fig.add_annotation(  # at the very bottom, under the legend
        text=written,
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
