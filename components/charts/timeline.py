"""Timeline from the ceasefire to the missed withdrawal deadline: a day is a point, a month is a span.

Lanes are actors (queries/timeline.py): the dozen with most events, the rest folded into one.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from components import dates, evidence, legend, text
from components.charts.canvas import Canvas
from components.charts.headline import Context, title_height, title_layout
from components.dates import DAY, Anchors
from components.queries.timeline import LANES, TimelineData, others
from components.schema import Model

WINDOW_FILL, OVERDUE_FILL, DEADLINE_RED = "rgba(230, 159, 0, 0.16)", "rgba(213, 94, 0, 0.14)", "#B2182B"
WINDOW_KEY = "rgba(230, 159, 0, 0.45)"  # the band's colour as a legend key: a small square needs it stronger
WINDOW_NAME = "Three-month withdrawal window"
WINDOW_LABELLED = 0.3  # the band's share of the axis from which its name fits inside it (at the narrowest width)
KEY_GREY = "#555555"
SYMBOLS = {  # one marker shape per kind of event, so that colour can say who and shape what happened
    # the article's kinds
    "presence": "circle",
    "ground activity": "triangle-up",
    "deadline": "x",
    "statement": "diamond",
    "decision": "square",
    "agreement": "star",
    "withdrawal": "triangle-down",
    # ACLED's event types (docs/codebooks.md)
    "Battles": "hexagram",
    "Explosions/Remote violence": "star-triangle-up",
    "Violence against civilians": "pentagon",
    "Protests": "hourglass",
    "Riots": "bowtie",
    "Strategic developments": "hexagon",
    # UCDP's types of violence
    "State-based conflict": "cross",
    "Non-state conflict": "triangle-left",
    "One-sided violence": "triangle-right",
}
FAMILIES = {"Battle": "Battles", "Remote violence": "Explosions/Remote violence"}  # ACLED's pre-2019 names
OTHER, OTHER_SYMBOL = "another event type (in the hover)", "circle-x"
DODGE = 0.4  # lane heights between marks of one lane and day: side by side, never one under another
SPREAD = 0.38  # how far from its lane's line a dodged mark may go: the lanes' marks never mix
# With the lane's name above it (the page): a lane is LANE_PX high, its name from TITLE_OFFSET of a lane above the
# line, and the marks within TITLED_SPREAD of it (plus half a marker), so that a name never touches a mark.
LANE_PX, TITLE_OFFSET, TITLED_SPREAD, TITLED_DODGE = 64, 0.36, 0.2, 0.28
SPAN_LABELS = 12  # spans labelled on the chart itself; beyond, their hover says what they are
LABEL_CHAR = 6.6  # pixels of a character of a span's label (12 px font), on average
COUNT_WIDTHS = (4, 8, 12, 16)  # line widths of counted bins, by quartile of their counts
LANE_LABEL = 34  # characters of a lane's name on the axis: the plot keeps most of the width
PAGE_WIDTH = 510  # pixels: the timeline's column at its narrowest (a 1280-wide window; measured in Chromium)
LEGEND_WIDTH = PAGE_WIDTH - 40  # the plot's width there: the legend's rows and the spans' labels are measured on it
LEGEND_CHAR, LEGEND_ROW = 6.8, 24  # pixels of a legend character (12 px font) and of a row of the legend
LEGEND_GAP = 45  # pixels of an entry besides its text: its symbol, the gaps
TICKS_PX = 48  # the date ticks under the plot: two lines
NOTE_LINE, NOTE_CHARS = 15, 80  # a line of the notes (11 px font): its pixels, and its characters at most


def _hovers(marks: pd.DataFrame, unit: str) -> list[str]:
    """Each mark's hover: its latest events in full, or for a count, how many events of which types."""
    found = []
    written = dates.spans(marks["start"], marks["stop"]) if len(marks) else pd.Series(dtype=object)
    for samples, n, types, counted, when in zip(marks["samples"], marks["n"], marks["types"], marks["counted"],
                                                written):  # fmt: skip
        if isinstance(samples, (list, tuple)) or hasattr(samples, "__array__"):
            found.append(evidence.hover(list(samples), int(n)))
            continue
        how = f"counted per {unit}: each known to within this {unit}" if counted else "known to these dates only"
        found.append(
            f"<b>{text.plot(when)}: {dates.plural(int(n), 'event')}</b><br>{text.lines(types, 70)}<br><i>{how}</i>"
        )
    return found


def kind_of(event_type: str) -> str:
    """The legend's kind of an event type: its own, its family's (ACLED's old 'Battle-No change of territory' is a
    battle), or OTHER."""
    if event_type in SYMBOLS:
        return event_type
    return next((kind for prefix, kind in FAMILIES.items() if event_type.startswith(prefix)), OTHER)


def symbol(event_type: str) -> str:
    """The marker shape of an event type."""
    return SYMBOLS.get(kind_of(event_type), OTHER_SYMBOL)


def dodged(lanes: np.ndarray, xs: np.ndarray, titled: bool = False) -> np.ndarray:
    """Each mark's offset from its lane's line: marks of one lane and day sit side by side above and below the line
    (DODGE apart, closer when many share the lane's height), so that none hides another; a lone mark stays on it.
    Under a lane's title (`titled`) they keep to less of the lane's height."""
    lanes, xs = np.asarray(lanes, dtype=float), np.asarray(xs)
    if not len(lanes):
        return np.zeros(0)
    order = np.lexsort((np.arange(len(lanes)), xs, lanes))  # by lane and day, the marks of one in their order
    lane, x = lanes[order], xs[order]
    starts = np.r_[True, (lane[1:] != lane[:-1]) | (x[1:] != x[:-1])]  # where each lane and day starts
    first, group = np.flatnonzero(starts), np.cumsum(starts) - 1
    nth, count = np.empty(len(order)), np.empty(len(order))
    nth[order] = np.arange(len(order)) - first[group]
    count[order] = np.diff(np.r_[first, len(order)])[group]
    spread, dodge = (TITLED_SPREAD, TITLED_DODGE) if titled else (SPREAD, DODGE)
    step = np.minimum(2 * spread / np.maximum(count - 1, 1), dodge)
    return (nth - (count - 1) / 2) * step


def _span_label(kind: str, start: object, stop: object) -> str:
    """What a span says on the chart: 'agreement (October 2020)'."""
    return f"{kind} ({dates.span(start, stop)})"


def _span_labels(spans: pd.DataFrame, x_range: list[pd.Timestamp] | None, plot_px: float) -> set:
    """The spans (by index) whose label fits: centred on its bar, inside the plot, clear of the labels already kept in
    its lane (left to right). A few spans at most (SPAN_LABELS): one pass each."""
    if not x_range:
        return set()
    first, days = pd.Timestamp(x_range[0]), max((pd.Timestamp(x_range[1]) - pd.Timestamp(x_range[0])) / DAY, 1)
    kept: set = set()
    ends: dict[float, float] = {}  # lane -> right edge of its last label, pixels
    for i, row in spans.sort_values("start").iterrows():
        middle = pd.Timestamp(row["start"]) + (pd.Timestamp(row["stop"]) + DAY - pd.Timestamp(row["start"])) / 2
        centre = (middle - first) / DAY / days * plot_px
        half = LABEL_CHAR * len(_span_label(row["kind"], row["start"], row["stop"])) / 2
        if centre - half >= 0 and centre + half <= plot_px and centre - half > ends.get(row["lane"], -1e9) + 6:
            kept.add(i)
            ends[row["lane"]] = centre + half
    return kept


def _days(days: pd.Series) -> np.ndarray:
    """Days as 'YYYY-MM-DD', over a whole column (numpy's own formatting: pandas' strftime is ten times slower)."""
    return pd.to_datetime(days).to_numpy().astype("datetime64[D]").astype(str).astype(object)


def _bars(marks: dict[str, np.ndarray], rows: np.ndarray, axes: tuple[str, str], width: int, colour: str,
          opacity: float, name: str, backer: str) -> dict:  # fmt: skip
    """One trace of horizontal bars over the rows' spans (or counting bins), each with its hover: line segments from
    start to the end of stop, broken by gaps (one trace draws them all; a segment's hover at both its ends, none at
    the gap after it, which is never hovered)."""
    path = np.full((len(rows), 3), None, dtype=object)
    xs, ys, hovers = path.copy(), path.copy(), path.copy()
    xs[:, 0], xs[:, 1] = marks["x0"][rows], marks["x1"][rows]
    ys[:, 0] = ys[:, 1] = marks["lane"][rows]
    hovers[:, 0] = hovers[:, 1] = marks["hover"][rows]
    hovers[:, 2] = ""
    return dict(type="scatter", x=xs.ravel().tolist(), y=ys.ravel().tolist(), xaxis=axes[0], yaxis=axes[1],
                mode="lines", line={"width": width, "color": colour}, opacity=opacity,
                hovertext=hovers.ravel().tolist(), hoverinfo="text", name=name, legendgroup=backer,
                showlegend=False)  # fmt: skip


def _quartiles(counts: np.ndarray, levels: int) -> np.ndarray:
    """Each count's level out of `levels` (0 the lowest), as pandas' qcut of their ranks puts them: equal counts in
    their order, so that every level has its share of the marks."""
    rank = np.empty(len(counts))
    rank[np.argsort(counts, kind="stable")] = np.arange(1, len(counts) + 1)
    if levels <= 1:
        return np.zeros(len(counts), dtype=int)
    edges = np.quantile(rank, np.linspace(0, 1, levels + 1))
    return np.clip(np.searchsorted(edges, rank, side="left") - 1, 0, levels - 1)


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


def draw_timeline(
    fig: Canvas,
    data: TimelineData,
    actors: pd.DataFrame,
    anchors: Anchors,
    empty: str,
    axes: str = "xy",
    titled: bool = False,
    plot_px: float = LEGEND_WIDTH,
) -> list[str]:
    """Draw the timeline on one pair of axes of a figure ("xy", or "x2y2" in a briefing); return notes for it.

    `empty` is what the timeline says when no event matches: which filters to widen. `titled` writes each lane's
    name above it, over the plot's whole width (the page's narrow column), instead of beside it as an axis tick
    (the briefing, where the lanes are low). `plot_px`: the plot's width in pixels at its narrowest, where the spans'
    labels are measured (one that would run into another of its lane, or off the plot, is left to the hover).
    """
    x, y = axes[: axes.index("y")], axes[axes.index("y") :]
    # Lanes are numbers (the first lane on top), so that marks of one day can be set side by side within a lane.
    height = {lane: i for i, lane in enumerate(data.lanes[::-1])}
    found = data.marks.reset_index(drop=True)  # a mark's index is its position
    marks = {  # the marks' columns as arrays: each state's marks are taken by position, never by a frame's index
        "lane": np.array(found["lane"].map(height), dtype=float),  # a copy: the dodged marks move
        "hover": np.array(_hovers(found, data.unit), dtype=object),
        # days as plotly reads them, 'YYYY-MM-DD': strings are copied and sent for less than timestamps
        "x0": _days(found["start"]),
        "x1": _days(pd.to_datetime(found["stop"]) + DAY),
        "n": found["n"].to_numpy(dtype=int),
        "kind": found["kind"].to_numpy(dtype=object),
    }
    start, stop = (pd.to_datetime(found[c]).to_numpy().astype("datetime64[D]") for c in ("start", "stop"))
    counted = found["counted"].to_numpy(dtype=bool)
    spanning, single = ~counted & (stop > start), ~counted & (stop == start)
    marks["lane"][single] += dodged(marks["lane"][single], start[single], titled)
    spans = found[spanning].assign(lane=marks["lane"][spanning]) if spanning.sum() <= SPAN_LABELS else None
    labelled = _span_labels(spans, data.x_range, plot_px) if spans is not None else set()
    for backer, name, colour, rows, rank in legend.per_state_rows(found[Model.backer], actors):
        own = np.zeros(len(found), dtype=bool)
        own[rows] = True
        points = np.flatnonzero(own & single)
        if len(points):
            n = marks["n"][points]
            fig.add_trace(
                dict(
                    type="scatter",
                    x=marks["x0"][points].tolist(),
                    y=marks["lane"][points].tolist(),
                    xaxis=x,
                    yaxis=y,
                    mode="markers+text",  # a mark that stands for several events says how many
                    text=[f"{k}" if k > 1 else "" for k in n.tolist()],
                    textposition="middle right",
                    textfont={"size": 11, "color": "#333"},
                    marker={
                        "size": [legend.marker_size(k, 14, 4) for k in n.tolist()],
                        "color": colour,
                        "symbol": [symbol(k) for k in marks["kind"][points]],
                        "line": {"width": 1, "color": "white"},
                    },
                    hovertext=marks["hover"][points].tolist(),
                    hoverinfo="text",
                    name=name,
                    legendgroup=backer,
                    showlegend=False,
                )
            )
        own_spans = np.flatnonzero(own & spanning)
        if len(own_spans):  # an event known to a week, month or year: a bar over it, never a false day
            fig.add_trace(_bars(marks, own_spans, (x, y), 12, colour, 0.75, name, backer))
            for i in (i for i in own_spans.tolist() if i in labelled):
                fig.add_annotation(
                    x=pd.Timestamp(start[i]) + (pd.Timestamp(stop[i]) + DAY - pd.Timestamp(start[i])) / 2,
                    y=float(marks["lane"][i]),
                    xref=x,
                    yref=y,
                    text=text.plot(_span_label(marks["kind"][i], start[i], stop[i])),
                    yshift=15,
                    showarrow=False,
                    font={"size": 12},
                )
        bins = np.flatnonzero(own & counted)
        if len(bins):  # many events: counts per bin, thicker for more
            level = _quartiles(marks["n"][bins], min(len(COUNT_WIDTHS), len(bins)))
            for width in sorted(set(level.tolist())):
                fig.add_trace(_bars(marks, bins[level == width], (x, y), COUNT_WIDTHS[width], colour, 0.55, name,
                                    backer))  # fmt: skip
        fig.add_trace(key_trace(name, "circle", colour, group=backer, rank=rank))  # a plain dot, whatever the shapes
    shown_kinds = {kind_of(k) for k in marks["kind"][single]}  # a key for each shape drawn, and no other
    for kind in [k for k in SYMBOLS if k in shown_kinds] + ([OTHER] if OTHER in shown_kinds else []):
        fig.add_trace(key_trace(kind, symbol(kind) if kind != OTHER else OTHER_SYMBOL, KEY_GREY))
    if spanning.any():
        fig.add_trace(line_key("dated to a week, month or year", 10))
    if counted.any():
        fig.add_trace(line_key(f"counts per {data.unit} (thicker: more)", 6, 0.55))
    notes = _draw_anchors(fig, anchors, x, y, data.x_range)
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
                "type": "linear",  # stated, so that an empty timeline keeps its date axis and no numbers
                "automargin": True,
                "showgrid": False,
                "zeroline": False,
                # A dataset's actor can be named at length ("Military Forces of Libya (2014-) Libyan National
                # Army"): the tick says the first words, the lane keeps its whole name (hovers and the table).
                "tickmode": "array",
                "tickvals": [] if titled else list(range(len(data.lanes))),
                "ticktext": [] if titled else [text.plot(tick) for tick in _ticks(data.lanes[::-1])],
                "range": [-0.6, max(len(data.lanes), 1) - 0.3] if titled else [-0.7, max(len(data.lanes), 1) - 0.2],
            },
        }
    )
    for i, lane in enumerate(data.lanes[::-1] if titled else ()):  # a dozen lanes at most: a title each
        fig.add_annotation(x=0, y=i + TITLE_OFFSET, xref=f"{x} domain", yref=y, text=f"<b>{text.plot(lane)}</b>",
                           showarrow=False, xanchor="left", yanchor="bottom", font={"size": 13, "color": "#333"},
                           bgcolor="rgba(255, 255, 255, 0.85)", borderpad=1)  # fmt: skip
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


def _legend_rows(names: list[str], width: float = LEGEND_WIDTH) -> int:
    """Rows a horizontal legend of these entries takes in a plot `width` pixels wide, packed as plotly.js packs them
    (legend/draw.js): one row when all fit in it, else every entry as wide as the widest, so many a row."""
    if not names:
        return 0
    entries = [LEGEND_GAP + LEGEND_CHAR * len(name) for name in names]
    if sum(entries) + 5 * (len(entries) - 1) < width:
        return 1
    return math.ceil(len(entries) / max(1, int(width // max(entries))))


def build_timeline(data: TimelineData, actors: pd.DataFrame, anchors: Anchors, ctx: Context) -> go.Figure:
    """The events on lanes by actor, with the withdrawal window, the deadline and the days overdue."""
    fig = Canvas()
    notes = draw_timeline(fig, data, actors, anchors, ctx.empty, titled=True) + [ctx.source_short]
    title = ctx.title("When", 70)
    written = text.notes(notes, NOTE_CHARS)
    # Pixels, all known before the browser draws: the lanes' names stand above the lanes, so the plot has the whole
    # width; below it come the ticks, the legend (its rows counted at the narrowest width) and the notes, each given
    # its height, so that none runs into the next.
    entries = [t["name"] for t in fig.data if t.get("showlegend", True) and t.get("name")]
    legend_px = LEGEND_ROW * _legend_rows(entries)
    top = title_height(title) + 40  # the title, then the two-line deadline label
    bottom = TICKS_PX + legend_px + NOTE_LINE * (written.count("<br>") + 1) + 14
    plot = LANE_PX * (max(len(data.lanes), 2) + 1)
    height = top + plot + bottom
    fig.add_annotation(  # at the very bottom, under the legend
        text=written,
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
        yaxis={"automargin": False},
        title=title_layout(title),
        height=height,
        margin={"l": 12, "r": 20, "t": top, "b": bottom},
        plot_bgcolor="white",
        # placed in the figure's pixels: a legend placed under the plot in paper units widens the left margin
        legend={
            "orientation": "h",
            "xref": "container",
            "yref": "container",
            "x": 0,
            "y": (bottom - TICKS_PX) / height,
            "yanchor": "top",
            "font": {"size": 12},
        },  # fmt: skip
        hoverlabel={"align": "left"},
    )
    return fig.figure()


def _share(start: pd.Timestamp, stop: pd.Timestamp, x_range: list[pd.Timestamp] | None) -> float:
    """The part of the date axis between two days (1.0 with no range: the window is the whole axis)."""
    if not x_range:
        return 1.0
    return (stop - start) / max(x_range[1] - x_range[0], DAY)


def _draw_anchors(fig: Canvas, anchors: Anchors, x: str, y: str, x_range: list[pd.Timestamp] | None) -> list[str]:
    """Draw the withdrawal window, the deadline and the overdue days; return notes for the caption.

    The window's name is written in its band while the band is wide enough for it; on a long axis (every event)
    the legend names it instead, so it is never cut. The deadline's label stands on the side with more room."""
    notes = []
    if anchors.ceasefire_start is not None and anchors.deadline is not None:
        fig.add_shape(_band(anchors.ceasefire_start, anchors.deadline, WINDOW_FILL, x, y))
        if _share(anchors.ceasefire_start, anchors.deadline, x_range) >= WINDOW_LABELLED:
            fig.add_annotation(
                x=anchors.ceasefire_start,
                y=0,
                xref=x,
                yref=f"{y} domain",
                text=WINDOW_NAME,
                showarrow=False,
                xanchor="left",
                yanchor="bottom",
                font={"size": 12, "color": "#7a5a00"},
            )
        else:
            key = {"symbol": "square", "size": 14, "color": WINDOW_KEY}
            fig.add_trace(dict(type="scatter", x=[None], y=[None], mode="markers", marker=key,
                               name="shaded: withdrawal window"))  # fmt: skip
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
            xanchor="right" if x_range is None or _share(x_range[0], anchors.deadline, x_range) > 0.5 else "left",
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
