"""Timeline from the ceasefire to the missed withdrawal deadline: a day is a point, a month is a span."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import dates, legend
from components.dates import DAY, Anchors
from components.filters import EXTENTS
from components.headline import Context, wrap_notes
from components.schema import Events

WINDOW, ALL = EXTENTS  # the two extents the analyst can choose
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


def _hover(group: pd.DataFrame) -> str:
    """Hover text for the events drawn at one point or span."""
    parts = []
    for _, row in group.iterrows():
        place = row[Events.location] or "no place named"
        quote = "<br>".join(textwrap.wrap("“" + row[Events.quote] + "”", 70))
        parts.append(f"<b>{row['_date']}</b> · {row[Events.event_kind]} · {place}<br>{quote}")
    return "<br><br>".join(parts)


def _groups(events: pd.DataFrame) -> pd.DataFrame:
    """One row per lane and date span, counting the events that share it (they are drawn as one mark)."""
    frame = events.assign(
        _lane=events[Events.actor1], _start=dates.starts(events), _end=dates.ends(events), _date=dates.labels(events)
    )
    rows = []
    for (lane, start, end, backer), group in frame.groupby(["_lane", "_start", "_end", "_backer"], sort=False):
        rows.append(
            {
                "lane": lane,
                "start": start,
                "end": end,
                "backer": backer,
                "span": end > start,
                "kind": group[Events.event_kind].iloc[0],  # the symbol; the hover lists every event
                "count": len(group),
                "label": group["_date"].iloc[0],
                "hover": _hover(group),
            }
        )
    return pd.DataFrame(rows, columns=["lane", "start", "end", "backer", "span", "kind", "count", "label", "hover"])


def build_timeline(
    events: pd.DataFrame, actors: pd.DataFrame, anchors: Anchors, extent: str, ctx: Context
) -> go.Figure:
    """The events on lanes by actor, with the withdrawal window, the deadline and the days overdue."""
    colours = legend.colours(actors)
    marks = _groups(events.assign(_backer=legend.backers(events, actors)))
    lanes = list(dict.fromkeys(marks.sort_values("start")["lane"]))
    fig = go.Figure()
    for backer in [b for b in colours if b in set(marks["backer"])]:
        mine = marks[marks["backer"] == backer]
        points, spans = mine[~mine["span"]], mine[mine["span"]]
        name = legend.legend_label(backer, actors)
        fig.add_trace(
            go.Scatter(
                x=points["start"],
                y=points["lane"],
                mode="markers",
                marker={
                    "size": [14 + 4 * (n - 1) for n in points["count"]],
                    "color": colours[backer],
                    "symbol": [SYMBOLS.get(k, "circle") for k in points["kind"]],
                    "line": {"width": 1, "color": "white"},
                },
                hovertext=points["hover"],
                hoverinfo="text",
                name=name,
                legendgroup=backer,
                showlegend=False,
            )
        )
        for _, span in spans.iterrows():  # a month-precision event: a bar over its month, never a false day
            fig.add_trace(
                go.Scatter(
                    x=[span["start"], span["end"] + DAY],
                    y=[span["lane"], span["lane"]],
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
                text=f"{span['kind']} ({span['label']})",
                yshift=15,
                showarrow=False,
                font={"size": 12},
            )
        fig.add_trace(  # the colour's key, drawn as a plain dot whatever the shapes of its events
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=name,
                legendgroup=backer,
                marker={"symbol": "circle", "color": colours[backer], "size": 12},
            )
        )
    for kind in [k for k in SYMBOLS if k in set(marks.loc[~marks["span"], "kind"])]:  # a key to the symbols
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=kind,
                marker={"symbol": SYMBOLS[kind], "color": KEY_GREY, "size": 12},
            )
        )
    if marks["span"].any():
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="lines",
                name="known to the month only",
                line={"width": 10, "color": KEY_GREY},
            )
        )
    notes = _draw_anchors(fig, anchors)
    x_range, hidden = _extent(events, anchors, extent)
    if hidden:
        notes.append(f"{hidden} event(s) outside this window: choose 'every event' to see them.")
    if events.empty:
        notes.append("No events match the filters.")
    notes.append(ctx.source_short)
    top, bottom = 90, 240  # pixels: title above; tick labels, legend and notes below
    height = 120 + 48 * max(len(lanes), 2) + top + bottom
    plot = height - top - bottom
    fig.add_annotation(  # at the very bottom, under the legend, whatever the figure's height
        text=wrap_notes(notes, 72),
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
    fig.update_xaxes(range=x_range, showgrid=True, gridcolor="#eee", tickformat="%d %b<br>%Y", tickfont={"size": 12})
    fig.update_yaxes(
        automargin=True,
        categoryorder="array",
        categoryarray=lanes[::-1],
        tickfont={"size": 13},
        range=[-0.7, max(len(lanes), 1) - 0.2],
    )
    fig.update_layout(
        title={"text": ctx.title("When"), "x": 0.01, "font": {"size": 18}},
        height=height,
        margin={"l": 10, "r": 20, "t": top, "b": bottom},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -48 / plot, "yanchor": "top", "x": 0, "font": {"size": 12}},
        hoverlabel={"align": "left"},
    )
    return fig


def _draw_anchors(fig: go.Figure, anchors: Anchors) -> list[str]:
    """Draw the withdrawal window, the deadline and the overdue days; return notes for the caption."""
    notes = []
    if anchors.ceasefire_start is not None and anchors.deadline is not None:
        fig.add_vrect(
            x0=anchors.ceasefire_start,
            x1=anchors.deadline,
            fillcolor=WINDOW_FILL,
            line_width=0,
            layer="below",
            annotation_text="Three-month withdrawal window",
            annotation_position="bottom left",
            annotation_font_size=12,
        )
        low, high = anchors.window_days
        days = f"{low}–{high}" if low != high else f"{low}"
        notes.append(
            f"Ceasefire: {anchors.ceasefire_label} (the source gives the month only, so the window is {days} days)."
        )
    if anchors.deadline is not None:
        fig.add_vline(x=anchors.deadline, line={"color": DEADLINE_RED, "width": 2, "dash": "dash"})
        overdue = anchors.days_overdue
        late = f"<br>{overdue} days overdue as of {dates.day(anchors.latest_report)}" if overdue else ""
        fig.add_annotation(
            x=anchors.deadline,
            y=1,
            yref="paper",
            text=f"<b>Withdrawal deadline {dates.day(anchors.deadline)}{late}</b>",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"color": DEADLINE_RED, "size": 12},
        )
        if overdue:
            fig.add_vrect(
                x0=anchors.deadline, x1=anchors.latest_report, fillcolor=OVERDUE_FILL, line_width=0, layer="below"
            )
    return notes


def _extent(events: pd.DataFrame, anchors: Anchors, extent: str) -> tuple[list[pd.Timestamp], int]:
    """The x range to show and how many events fall outside it."""
    pad = 7 * DAY
    if extent == WINDOW and anchors.ceasefire_start is not None and anchors.latest_report is not None:
        lo, hi = anchors.ceasefire_start - pad, anchors.latest_report + pad
    elif len(events):  # every event, and the anchors too, so the deadline keeps its context
        known = [t for t in (anchors.ceasefire_start, anchors.latest_report) if t is not None]
        lo = min([dates.starts(events).min(), *known]) - 2 * pad
        hi = max([dates.ends(events).max(), *known]) + 2 * pad
    else:
        return [], 0
    outside = (dates.ends(events) < lo) | (dates.starts(events) > hi)
    return [lo, hi], int(outside.sum())


def render_timeline(fig: go.Figure) -> None:
    """Draw the timeline."""
    st.plotly_chart(fig, config={"displaylogo": False}, width="stretch", theme=None)
