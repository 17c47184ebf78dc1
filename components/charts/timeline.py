"""Timeline from the ceasefire to the missed withdrawal deadline: a day is a point, a month is a span.

Lanes are actors (queries/timeline.py): the dozen with most events, the rest folded into one.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components import dates, evidence, legend, text
from components.charts.canvas import Canvas
from components.charts.headline import Context, title_height, title_layout
from components.dates import DAY, Anchors
from components.queries.timeline import LANES, TimelineData, others
from components.schema import Model

WINDOW_FILL, OVERDUE_FILL, DEADLINE_RED = "rgba(230, 159, 0, 0.16)", "rgba(213, 94, 0, 0.14)", "#B2182B"
KEY_GREY = "#555555"
SYMBOLS = {  # one marker shape per kind of article event, so colour can say who; dataset events are circles
    "presence": "circle",
    "ground activity": "triangle-up",
    "deadline": "x",
    "statement": "diamond",
    "decision": "square",
    "agreement": "star",
    "withdrawal": "triangle-down",
}
SPAN_LABELS = 12  # spans labelled on the chart itself; beyond, their hover says what they are
COUNT_WIDTHS = (4, 8, 12, 16)  # line widths of counted bins, by quartile of their counts
LANE_LABEL = 34  # characters of a lane's name on the axis: the plot keeps most of the width


def _hovers(marks: pd.DataFrame, unit: str) -> list[str]:
    """Each mark's hover: its latest events in full, or for a count, how many events of which types."""
    found = []
    written = dates.spans(marks["start"], marks["stop"]) if len(marks) else pd.Series(dtype=object)
    for samples, n, types, counted, when in zip(marks["samples"], marks["n"], marks["types"], marks["counted"],
                                                written):  # fmt: skip
        if isinstance(samples, (list, tuple)) or hasattr(samples, "__array__"):
            found.append(evidence.hover(list(samples), int(n)))
            continue
        types = list(types)  # most frequent first
        what = " · ".join(f"{t['type']} {int(t['n']):,}" for t in types[:3]) + (" · …" if len(types) > 3 else "")
        how = f"counted per {unit}: each known to within this {unit}" if counted else "known to these dates only"
        found.append(
            f"<b>{text.plot(when)}: {dates.plural(int(n), 'event')}</b><br>{text.lines(what, 70)}<br><i>{how}</i>"
        )
    return found


def _days(days: pd.Series) -> list[str]:
    """Days as 'YYYY-MM-DD', over a whole column (numpy's own formatting: pandas' strftime is ten times slower)."""
    return pd.to_datetime(days).to_numpy().astype("datetime64[D]").astype(str).tolist()


def _bars(rows: pd.DataFrame, axes: tuple[str, str], width: int, colour: str, opacity: float, name: str,
          backer: str) -> dict:  # fmt: skip
    """One trace of horizontal bars over the rows' spans (or counting bins), each with its hover."""
    xs, ys = _path(rows)
    return dict(type="scatter", x=xs, y=ys, xaxis=axes[0], yaxis=axes[1], mode="lines",
                line={"width": width, "color": colour}, opacity=opacity, hovertext=_path_hovers(rows["hover"].tolist()),
                hoverinfo="text", name=name, legendgroup=backer, showlegend=False)  # fmt: skip


def _path(rows: pd.DataFrame) -> tuple[list, list]:
    """x and y of line segments from start to the end of stop, broken by gaps: one trace draws them all."""
    xs, ys = [], []
    for lane, x0, x1 in zip(rows["lane"], rows["x0"], rows["x1"]):
        xs += [x0, x1, None]
        ys += [lane, lane, None]
    return xs, ys


def _shortened(lane: str, limit: int = LANE_LABEL) -> str:
    """A long lane name with its middle words left out: the start says what kind of actor, the end which one
    ("Military Forces of … Libyan National Army")."""
    words = lane.split()
    if len(lane) <= limit or len(words) < 3:
        return lane
    head, tail = [words[0]], [words[-1]]
    for word in words[1:-1]:  # the head takes words while the whole stays short, then the tail from the end
        if len(" ".join([*head, word, "…", *tail])) > limit // 2 + len(" ".join(tail)):
            break
        head.append(word)
    for word in reversed(words[len(head) : -1]):
        if len(" ".join([*head, "…", word, *tail])) > limit:
            break
        tail.insert(0, word)
    return " ".join([*head, "…", *tail])


def _ticks(lanes: list[str]) -> list[str]:
    """The lanes' names on the axis: shortened, unless two would then read the same."""
    short = [_shortened(lane) for lane in lanes]
    return [s if short.count(s) == 1 else lane for s, lane in zip(short, lanes)]


def _path_hovers(hovers: list[str]) -> list[str]:
    """A path's hover texts: each segment's at both its ends, none at the gap after it (never hovered: 1/3 less)."""
    return [h for hover in hovers for h in (hover, hover, "")]


def draw_timeline(
    fig: Canvas,
    data: TimelineData,
    actors: pd.DataFrame,
    anchors: Anchors,
    empty: str,
    axes: str = "xy",
) -> list[str]:
    """Draw the timeline on one pair of axes of a figure ("xy", or "x2y2" in a briefing); return notes for it.

    `empty` is what the timeline says when no event matches: which filters to widen.
    """
    x, y = axes[: axes.index("y")], axes[axes.index("y") :]
    marks = data.marks.assign(
        lane=data.marks["lane"].map(text.plot),  # a category of the axis: shown as written
        hover=_hovers(data.marks, data.unit),
        # days as plotly reads them, 'YYYY-MM-DD': strings are copied and sent for less than timestamps
        x0=_days(data.marks["start"]),
        x1=_days(pd.to_datetime(data.marks["stop"]) + DAY),
    )
    spans = marks[~marks["counted"] & (marks["stop"] > marks["start"])]
    labelled = len(spans) <= SPAN_LABELS
    for backer, name, colour, own, rank in legend.per_state(marks, actors):
        points = own[~own["counted"] & (own["stop"] == own["start"])]
        if len(points):
            fig.add_trace(
                dict(
                    type="scatter",
                    x=points["x0"].tolist(),
                    y=points["lane"].tolist(),
                    xaxis=x,
                    yaxis=y,
                    mode="markers+text",  # a mark that stands for several events says how many
                    text=[f"{int(n)}" if n > 1 else "" for n in points["n"]],
                    textposition="top center",
                    textfont={"size": 11, "color": "#333"},
                    marker={
                        "size": [legend.marker_size(int(n), 14, 4) for n in points["n"]],
                        "color": colour,
                        "symbol": [SYMBOLS.get(k, "circle") for k in points["kind"]],
                        "line": {"width": 1, "color": "white"},
                    },
                    hovertext=points["hover"].tolist(),
                    hoverinfo="text",
                    name=name,
                    legendgroup=backer,
                    showlegend=False,
                )
            )
        own_spans = spans[spans[Model.backer] == backer]
        if len(own_spans):  # an event known to a week, month or year: a bar over it, never a false day
            fig.add_trace(_bars(own_spans, (x, y), 12, colour, 0.75, name, backer))
            for row in own_spans.itertuples() if labelled else ():
                fig.add_annotation(
                    x=pd.Timestamp(row.start) + (pd.Timestamp(row.stop) + DAY - pd.Timestamp(row.start)) / 2,
                    y=row.lane,
                    xref=x,
                    yref=y,
                    text=text.plot(f"{row.kind} ({dates.span(row.start, row.stop)})"),
                    yshift=15,
                    showarrow=False,
                    font={"size": 12},
                )
        bins = own[own["counted"]]
        if len(bins):  # many events: counts per bin, thicker for more
            quartile = pd.qcut(bins["n"].rank(method="first"), min(len(COUNT_WIDTHS), len(bins)), labels=False)
            for level, part in bins.groupby(quartile):
                fig.add_trace(_bars(part, (x, y), COUNT_WIDTHS[int(level)], colour, 0.55, name, backer))
        fig.add_trace(key_trace(name, "circle", colour, group=backer, rank=rank))  # a plain dot, whatever the shapes
    shown_kinds = set(marks.loc[~marks["counted"] & (marks["stop"] == marks["start"]), "kind"])
    for kind in [k for k in SYMBOLS if k in shown_kinds]:
        fig.add_trace(key_trace(kind, SYMBOLS[kind], KEY_GREY))
    if len(spans):
        fig.add_trace(line_key("known to the week, month or year only", 10))
    if marks["counted"].any():
        fig.add_trace(line_key(f"events counted per {data.unit} (thicker: more)", 6, 0.55))
    notes = _draw_anchors(fig, anchors, x, y)
    if data.hidden:
        notes.append(f"{dates.plural(data.hidden, 'event')} outside this window: choose 'Every event' to see them.")
    if data.folded:
        notes.append(f"Lanes: the {LANES} actors with most events; {others(data.folded)} share the last lane.")
    if not data.total:
        notes.append(empty)
    fig.update_layout(
        {
            _layout_key(x): {
                "type": "date",
                "range": data.x_range,
                "showgrid": True,
                "gridcolor": "#eee",
                "tickformat": "%d %b<br>%Y",
            },
            _layout_key(y): {
                "type": "category",  # stated, so that an empty timeline keeps its date axis and no numbers
                "automargin": True,
                "categoryorder": "array",
                "categoryarray": [text.plot(lane) for lane in data.lanes[::-1]],
                # A dataset's actor can be named at length ("Military Forces of Libya (2014-) Libyan National
                # Army"): the tick says the first words, the lane keeps its whole name (hovers and the table).
                "tickmode": "array",
                "tickvals": [text.plot(lane) for lane in data.lanes[::-1]],
                "ticktext": [text.plot(tick) for tick in _ticks(data.lanes[::-1])],
                "range": [-0.7, max(len(data.lanes), 1) - 0.2],
            },
        }
    )
    return notes


def key_trace(name: str, symbol: str, colour: str, group: str | None = None, rank: int = 1000) -> dict:
    """A legend entry with no point of its own (plotly's default rank, 1000, lists it after the states)."""
    return dict(
        type="scatter",
        x=[None],
        y=[None],
        mode="markers",
        name=name,
        legendgroup=group,
        legendrank=rank,
        marker={"symbol": symbol, "color": colour, "size": 12},
    )


def line_key(name: str, width: int, opacity: float = 1.0) -> dict:
    """A legend entry for a kind of bar."""
    return dict(type="scatter", x=[None], y=[None], mode="lines", name=name, opacity=opacity,
                line={"width": width, "color": KEY_GREY})  # fmt: skip


def _layout_key(axis: str) -> str:
    """'x' -> 'xaxis', 'y2' -> 'yaxis2'."""
    return f"{axis[0]}axis{axis[1:]}"


def build_timeline(data: TimelineData, actors: pd.DataFrame, anchors: Anchors, ctx: Context) -> go.Figure:
    """The events on lanes by actor, with the withdrawal window, the deadline and the days overdue."""
    fig = Canvas()
    notes = draw_timeline(fig, data, actors, anchors, ctx.empty) + [ctx.source_short]
    title = ctx.title("When", 70)
    # pixels: the title, then the two-line deadline label, above; tick labels, legend and notes below
    top, bottom = title_height(title) + 40, 240
    height = 120 + 48 * max(len(data.lanes), 2) + top + bottom
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
