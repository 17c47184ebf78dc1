"""Map of Libya: one marker per place and foreign state, drawn from Natural Earth files served by the app."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import dates, exports, legend, text
from components.canvas import Canvas
from components.headline import Context, title_height, title_layout
from components.schema import Events

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
    "lataxis_range": list(LIBYA["lat"]),
    "lonaxis_range": list(LIBYA["lon"]),
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
COLUMNS = [Events.location, Events.latitude, Events.longitude, Events.geo_precision, Events.event_date,
           Events.event_kind, Events.actor1, Events.actor2, Events.quote]  # fmt: skip


def _hover(group: list[dict]) -> str:
    """Hover text for one marker: the first few events' date, actors and quote, then how many more."""
    shown = sorted(group, key=lambda event: event[Events.event_date])[: legend.HOVER_EVENTS]
    parts = []
    for row in shown:
        actors = ", ".join(a for a in (row[Events.actor1], row[Events.actor2]) if a)
        precision = "approximate: " if row[Events.geo_precision] in (2, 3) else ""
        parts.append(
            f"<b>{text.plot(row['_date'])}</b> · {text.plot(row[Events.event_kind])} · {text.plot(actors)}<br>"
            f"<i>{text.plot(precision + row[Events.location])}</i><br>{text.lines('“' + row[Events.quote] + '”', 70)}"
        )
    return "<br><br>".join(parts) + legend.more(len(group) - len(shown))


def _label_positions(points: pd.DataFrame) -> list[str]:
    """Place each name where it overlaps no name placed before it (greedy, north to south)."""
    box_w, box_h = 0.42, 0.9  # degrees per character and per line at this map's scale
    placed: list[tuple[float, float, float, float]] = []
    chosen = []
    for p in points.to_dict("records"):
        width = box_w * len(p[Events.location]) + 0.5
        for position in LABEL_POSITIONS:
            dx = 0.3 if "right" in position else -0.3 - width
            dy = 0.2 if "top" in position else -0.2 - box_h
            box = (p[Events.longitude] + dx, p[Events.latitude] + dy, width, box_h)
            if not any(_overlap(box, other) for other in placed):
                break
        placed.append(box)
        chosen.append(position)
    return chosen


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """True when two (x, y, width, height) boxes intersect."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def draw_map(fig: Canvas, events: pd.DataFrame, actors: pd.DataFrame, empty: str, geo: str = "geo") -> list[str]:
    """Draw the places on one geo subplot of a figure ("geo", or "geo2"...); return notes for under it.

    `empty` is what the map says when no event matches: which filters to widen.
    """
    colours = legend.colours(actors)
    has_point = events[Events.latitude].notna() & events[Events.longitude].notna()
    located = events[has_point]  # the frame's wide rows are copied once, for the two helpers below
    located = located[COLUMNS].assign(_backer=legend.backers(located, actors), _date=dates.labels(located))
    markers: dict[tuple[str, str], list[dict]] = {}
    for event in located.to_dict("records"):  # plain Python: a few rows, where groupby costs milliseconds
        markers.setdefault((event["_backer"], event[Events.location]), []).append(event)
    for backer in [s for s in colours if s in {key[0] for key in markers}]:
        groups = [g for key, g in markers.items() if key[0] == backer]
        approx = [all(e[Events.geo_precision] in (2, 3) for e in g) for g in groups]
        fig.add_trace(
            dict(
                type="scattergeo",
                geo=geo,
                lat=[g[0][Events.latitude] for g in groups],
                lon=[g[0][Events.longitude] for g in groups],
                mode="markers",
                name=text.plot(legend.legend_label(backer, actors)),
                marker={
                    "size": [legend.marker_size(len(g), 18, 6) for g in groups],
                    "color": colours[backer],
                    "symbol": ["circle-open" if a else "circle" for a in approx],  # hollow: approximate place
                    "line": {"width": 3, "color": colours[backer]},
                    "opacity": 0.9,
                },
                hovertext=[_hover(g) for g in groups],
                hoverinfo="text",
            )
        )
    places = located.drop_duplicates(Events.location).sort_values(Events.latitude, ascending=False)
    fig.add_trace(
        dict(
            type="scattergeo",
            geo=geo,
            lat=places[Events.latitude],
            lon=places[Events.longitude],
            mode="text",
            text=[f"<b>{text.plot(p)}</b>" for p in places[Events.location]],
            textposition=_label_positions(places),
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
    fig.add_trace(  # a legend entry explaining hollow markers; it has no point of its own
        dict(
            type="scattergeo",
            geo=geo,
            lat=[None],
            lon=[None],
            mode="markers",
            name="Hollow: approximate place (near it, or a wider area)",
            marker={"size": 14, "symbol": "circle-open", "color": KEY_GREY, "line": {"width": 3}},
        )
    )
    notes = [_unmapped_note(events.loc[~has_point, Events.location]), *_outside_note(located)]
    if events.empty:
        notes = [empty]
    fig.update_layout({geo: GEO})
    return notes


def build_map(events: pd.DataFrame, actors: pd.DataFrame, ctx: Context) -> go.Figure:
    """A figure of the events' places, coloured by the foreign state involved, sized by the number of events."""
    fig = Canvas()
    notes = draw_map(fig, events, actors, ctx.empty) + [ctx.source_short + " · " + MAP_CREDIT]
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


def _unmapped_note(unmapped: pd.Series) -> str:
    """Say which events have no point on the map, so none is hidden without a word."""
    if unmapped.empty:
        return "Every event shown has a place on the map."
    counts = unmapped.value_counts()
    parts = [f"{place or 'no place named'}: {dates.plural(n, 'event')}" for place, n in counts.items()]
    return "Not on the map (no single point) — " + "; ".join(parts) + ". They are in the events table."


def _outside_note(located: pd.DataFrame) -> list[str]:
    """Say how many events have a point beyond the map's extent, so none leaves the map without a word."""
    lat, lon = located[Events.latitude], located[Events.longitude]
    inside = lat.between(*LIBYA["lat"]) & lon.between(*LIBYA["lon"])
    outside = located.loc[~inside, Events.location]
    if outside.empty:
        return []
    places = ", ".join(outside.drop_duplicates().head(5))
    count = dates.plural(len(outside), "event")
    return [f"Beyond this map's extent: {count} ({places}). They are in the events table."]


def render_map(fig: go.Figure, file_name: str) -> None:
    """Draw the map; its country outlines come from this app's own static files."""
    config = {**exports.toolbar(file_name), "topojsonURL": TOPOJSON_URL}
    st.plotly_chart(fig, config=config, width="stretch", theme=None)
