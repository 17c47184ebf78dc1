"""Timeline from the ceasefire to the missed withdrawal deadline: a day is a point, a month is a span."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import dates, exports, legend, text
from components.canvas import Canvas
from components.dates import DAY, Anchors
from components.filters import WINDOW
from components.headline import Context, title_height, title_layout
from components.schema import Events

WINDOW_FILL, OVERDUE_FILL, DEADLINE_RED = "rgba(230, 159, 0, 0.16)", "rgba(213, 94, 0, 0.14)", "#B2182B"
KEY_GREY = "#555555"
SYMBOLS = {  # one marker shape per kind of event, so colour can say who
    "presence": "circle",
    "ground activity": "triangle-up",
    "deadline": "x",
    "statement": "diamond",
    "decision": "square",
    "agreement": "star",
    "withdrawal": "triangle-down",
}


def _hover(group: list[dict]) -> str:
    """Hover text for the events drawn at one point or span: the first few in full, then how many more."""
    parts = []
    for event in group[: legend.HOVER_EVENTS]:
        place = event[Events.location] or "no place named"
        quote = text.lines("“" + event[Events.quote] + "”", 70)
        what = text.plot(f"{event[Events.event_kind]} · {place}")
        parts.append(f"<b>{text.plot(event['_date'])}</b> · {what}<br>{quote}")
    return "<br><br>".join(parts) + legend.more(len(group) - legend.HOVER_EVENTS)


COLUMNS = [Events.actor1, Events.event_kind, Events.location, Events.quote]  # all the marks need of an event


def _marks(events: pd.DataFrame, actors: pd.DataFrame) -> list[dict]:
    """One mark per lane, date span and colour, with the events that share it (plain Python: a few rows)."""
    frame = events[COLUMNS].assign(
        _start=dates.starts(events),
        _end=dates.ends(events),
        _date=dates.labels(events),
        _backer=legend.backers(events, actors),
    )
    groups: dict[tuple, list[dict]] = {}
    for event in frame.to_dict("records"):
        groups.setdefault((event[Events.actor1], event["_start"], event["_end"], event["_backer"]), []).append(event)
    return [
        {
            "lane": text.plot(lane),  # a category of the axis: its tick shows it as written
            "start": start,
            "end": end,
            "backer": backer,
            "span": end > start,
            "kind": group[0][Events.event_kind],  # the symbol; the hover lists every event of the mark
            "count": len(group),
            "label": group[0]["_date"],
            "hover": _hover(group),
        }
        for (lane, start, end, backer), group in groups.items()
    ]


def draw_timeline(
    fig: Canvas,
    events: pd.DataFrame,
    actors: pd.DataFrame,
    anchors: Anchors,
    extent: str,
    empty: str,
    axes: str = "xy",
) -> list[str]:
    """Draw the timeline on one pair of axes of a figure ("xy", or "x2y2" in a briefing); return notes for it.

    `empty` is what the timeline says when no event matches: which filters to widen.
    """
    x, y = axes[: axes.index("y")], axes[axes.index("y") :]
    colours = legend.colours(actors)
    marks = _marks(events, actors)
    lanes = list(dict.fromkeys(m["lane"] for m in sorted(marks, key=lambda m: m["start"])))
    for backer in [b for b in colours if any(m["backer"] == b for m in marks)]:
        points = [m for m in marks if m["backer"] == backer and not m["span"]]
        spans = [m for m in marks if m["backer"] == backer and m["span"]]
        name = text.plot(legend.legend_label(backer, actors))
        fig.add_trace(
            dict(
                type="scatter",
                x=[m["start"] for m in points],
                y=[m["lane"] for m in points],
                xaxis=x,
                yaxis=y,
                mode="markers",
                marker={
                    "size": [legend.marker_size(m["count"], 14, 4) for m in points],
                    "color": colours[backer],
                    "symbol": [SYMBOLS.get(m["kind"], "circle") for m in points],
                    "line": {"width": 1, "color": "white"},
                },
                hovertext=[m["hover"] for m in points],
                hoverinfo="text",
                name=name,
                legendgroup=backer,
                showlegend=False,
            )
        )
        for span in spans:  # a month-precision event: a bar over its month, never a false day
            fig.add_trace(
                dict(
                    type="scatter",
                    x=[span["start"], span["end"] + DAY],
                    y=[span["lane"], span["lane"]],
                    xaxis=x,
                    yaxis=y,
                    mode="lines",
                    line={"width": 12, "color": colours[backer]},
                    opacity=0.75,
                    hovertext=span["hover"],
                    hoverinfo="text",
                    name=name,
                    legendgroup=backer,
                    showlegend=False,
                )
            )
            fig.add_annotation(
                x=span["start"] + (span["end"] + DAY - span["start"]) / 2,
                y=span["lane"],
                xref=x,
                yref=y,
                text=text.plot(f"{span['kind']} ({span['label']})"),
                yshift=15,
                showarrow=False,
                font={"size": 12},
            )
        fig.add_trace(key_trace(name, "circle", colours[backer], group=backer))  # a plain dot, whatever the shapes
    for kind in [k for k in SYMBOLS if any(m["kind"] == k and not m["span"] for m in marks)]:  # declared kinds only
        fig.add_trace(key_trace(kind, SYMBOLS[kind], KEY_GREY))
    if any(m["span"] for m in marks):
        fig.add_trace(
            dict(
                type="scatter",
                x=[None],
                y=[None],
                mode="lines",
                name="known to the month only",
                line={"width": 10, "color": KEY_GREY},
            )
        )
    notes = _draw_anchors(fig, anchors, x, y)
    x_range, hidden = _extent(events, anchors, extent)
    if hidden:
        notes.append(f"{dates.plural(hidden, 'event')} outside this window: choose 'Every event' to see them.")
    if events.empty:
        notes.append(empty)
    fig.update_layout(
        {
            _layout_key(x): {
                "type": "date",
                "range": x_range,
                "showgrid": True,
                "gridcolor": "#eee",
                "tickformat": "%d %b<br>%Y",
            },
            _layout_key(y): {
                "type": "category",  # stated, so that an empty timeline keeps its date axis and no numbers
                "automargin": True,
                "categoryorder": "array",
                "categoryarray": lanes[::-1],
                "range": [-0.7, max(len(lanes), 1) - 0.2],
            },
        }
    )
    return notes


def key_trace(name: str, symbol: str, colour: str, group: str | None = None) -> dict:
    """A legend entry with no point of its own."""
    return dict(
        type="scatter",
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        legendgroup=group,
        marker={"symbol": symbol, "color": colour, "size": 12},
    )


def lane_count(events: pd.DataFrame) -> int:
    """How many lanes (actors) the timeline of these events has."""
    return max(events[Events.actor1].nunique(), 2)


def _layout_key(axis: str) -> str:
    """'x' -> 'xaxis', 'y2' -> 'yaxis2'."""
    return f"{axis[0]}axis{axis[1:]}"


def build_timeline(
    events: pd.DataFrame, actors: pd.DataFrame, anchors: Anchors, extent: str, ctx: Context
) -> go.Figure:
    """The events on lanes by actor, with the withdrawal window, the deadline and the days overdue."""
    fig = Canvas()
    notes = draw_timeline(fig, events, actors, anchors, extent, ctx.empty) + [ctx.source_short]
    title = ctx.title("When", 70)
    # pixels: the title, then the two-line deadline label, above; tick labels, legend and notes below
    top, bottom = title_height(title) + 40, 240
    height = 120 + 48 * lane_count(events) + top + bottom
    plot = height - top - bottom
    fig.add_annotation(  # at the very bottom, under the legend, whatever the figure's height
        text=text.notes(notes, 72),
        xref="paper",
        yref="paper",
        x=0,
        y=-(bottom - 6) / plot,
        showarrow=False,
        align="left",
        xanchor="left",
        yanchor="bottom",
        font={"size": 11, "color": "#555"},
    )
    fig.update_layout(
        xaxis={"tickfont": {"size": 12}},
        yaxis={"tickfont": {"size": 13}},
        title=title_layout(title),
        height=height,
        margin={"l": 10, "r": 20, "t": top, "b": bottom},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -48 / plot, "yanchor": "top", "x": 0, "font": {"size": 12}},
        hoverlabel={"align": "left"},
    )
    return fig.figure()


def _draw_anchors(fig: Canvas, anchors: Anchors, x: str, y: str) -> list[str]:
    """Draw the withdrawal window, the deadline and the overdue days; return notes for the caption."""
    notes = []
    if anchors.ceasefire_start is not None and anchors.deadline is not None:
        fig.add_shape(_band(anchors.ceasefire_start, anchors.deadline, WINDOW_FILL, x, y))
        fig.add_annotation(
            x=anchors.ceasefire_start,
            y=0,
            xref=x,
            yref=f"{y} domain",
            text="Three-month withdrawal window",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"size": 12, "color": "#7a5a00"},
        )
        low, high = anchors.window_days
        days = f"{low}–{high}" if low != high else f"{low}"
        notes.append(
            f"Ceasefire: {anchors.ceasefire_label} (the source gives the month only, so the window is {days} days)."
        )
    if anchors.deadline is not None:
        fig.add_shape(
            type="line",
            x0=anchors.deadline,
            x1=anchors.deadline,
            y0=0,
            y1=1,
            xref=x,
            yref=f"{y} domain",
            line={"color": DEADLINE_RED, "width": 2, "dash": "dash"},
        )
        overdue = anchors.days_overdue
        late = f"<br>{dates.plural(overdue, 'day')} overdue as of {dates.day(anchors.latest_report)}" if overdue else ""
        fig.add_annotation(
            x=anchors.deadline,
            y=1,
            xref=x,
            yref=f"{y} domain",
            text=f"<b>Withdrawal deadline {dates.day(anchors.deadline)}{late}</b>",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"color": DEADLINE_RED, "size": 12},
        )
        if overdue:
            fig.add_shape(_band(anchors.deadline, anchors.latest_report, OVERDUE_FILL, x, y))
    return notes


def _band(x0: pd.Timestamp, x1: pd.Timestamp, colour: str, x: str, y: str) -> dict:
    """A shaded band over a span of dates, the full height of the plot."""
    return {
        "type": "rect",
        "x0": x0,
        "x1": x1,
        "y0": 0,
        "y1": 1,
        "xref": x,
        "yref": f"{y} domain",
        "fillcolor": colour,
        "line": {"width": 0},
        "layer": "below",
    }


def _extent(events: pd.DataFrame, anchors: Anchors, extent: str) -> tuple[list[pd.Timestamp] | None, int]:
    """The x range to show (None: let plotly choose) and how many events fall outside it."""
    pad = 7 * DAY
    known = [t for t in (anchors.ceasefire_start, anchors.latest_report) if t is not None]
    if extent == WINDOW and anchors.ceasefire_start is not None and anchors.latest_report is not None:
        lo, hi = anchors.ceasefire_start - pad, anchors.latest_report + pad
    elif len(events) or known:  # every event, and the anchors too, so the deadline keeps its context
        lo = min([*dates.starts(events).dropna(), *known]) - 2 * pad
        hi = max([*dates.ends(events).dropna(), *known]) + 2 * pad
    else:  # nothing to place on the axis: an empty date axis
        return None, 0
    outside = (dates.ends(events) < lo) | (dates.starts(events) > hi)
    return [lo, hi], int(outside.sum())


def render_timeline(fig: go.Figure, file_name: str) -> None:
    """Draw the timeline; its image button saves a 2x PNG named for what it shows."""
    st.plotly_chart(fig, config=exports.toolbar(file_name), width="stretch", theme=None)
