"""The briefing: one 16:9 frame with title, as-of date, filters, map, timeline, forces and source.

`conflict-monitor briefing --actor Russia --place Sirte --radius-km 50 --out briefing.png` (also
`python -m components.briefing ...`) writes the same frame the app exports (PNG or PDF by extension), or the filtered
events as .csv or .geojson, with no browser window and no Streamlit server: see components/cli.py.
"""

from __future__ import annotations

import sys

import pandas as pd
import plotly.graph_objects as go

from components import dates, text
from components.charts import forces, places_map, timeline
from components.charts.canvas import Canvas
from components.snapshot import Selection

WIDTH, HEIGHT = 1920, 1080
MAX_ROWS = 6  # forces rows that fit the frame; more are counted, not hidden silently
TABLE_COLUMNS = [forces.FORCE, forces.SPONSOR, forces.SIDE, forces.WHERE, forces.STATUS, forces.AS_OF, forces.EVIDENCE]
COLUMN_WIDTHS = [1.2, 0.8, 1.4, 1.3, 1.05, 0.8, 5.3]
SHORT = {
    forces.SPONSOR: "Sponsor",
    forces.SIDE: "Supports",
    forces.STATUS: "At the deadline",
    forces.AS_OF: "Last report",
}
GREY = "#555"


def _note(text: str, x: float, y: float, size: int, **style: object) -> dict:
    """A text block placed on the frame (paper coordinates)."""
    return {"text": text, "x": x, "y": y, "xref": "paper", "yref": "paper", "showarrow": False, "align": "left",
            "xanchor": "left", "yanchor": "top", "font": {"size": size, **style}}  # fmt: skip


def build_briefing(view: Selection, actors: pd.DataFrame) -> go.Figure:
    """The briefing frame, 1920x1080: everything a slide needs to explain itself."""
    fig = Canvas()
    # the map's box: a third of 1920 wide, 0.63 of 1080 high
    map_notes = places_map.draw_map(fig, view.map, actors, view.ctx.empty, circles=view.circles, box=(620.0, 680.0))
    fig.update_layout(geo={"domain": {"x": [0.0, 0.33], "y": [0.17, 0.80]}})
    timeline_notes = timeline.draw_timeline(fig, view.timeline, actors, view.anchors, view.ctx.empty)
    fig.update_layout(
        xaxis={"domain": [0.46, 0.99], "anchor": "y", "tickfont": {"size": 16}},
        yaxis={"domain": [0.635, 0.80], "anchor": "x", "tickfont": {"size": 16}},
    )
    rows = view.forces.head(MAX_ROWS)
    widths = [int(w * 13) for w in COLUMN_WIDTHS]  # characters per line, in proportion to the column
    cells = [[text.lines(v, w) for v in rows[col]] for col, w in zip(TABLE_COLUMNS, widths)]
    fig.add_trace(
        dict(
            type="table",
            domain={"x": [0.36, 0.99], "y": [0.095, 0.49]},
            columnwidth=COLUMN_WIDTHS,
            header={
                "values": [f"<b>{SHORT.get(c, c)}</b>" for c in TABLE_COLUMNS],
                "font": {"size": 16},
                "align": "left",
                "fill": {"color": "#ececec"},
                "line": {"color": "#ccc"},
            },
            cells={
                "values": cells,
                "font": {"size": 15, "color": "#111"},
                "align": "left",
                "height": 24,
                "fill": {"color": "white"},
                "line": {"color": "#ccc"},
            },
        )  # fmt: skip
    )
    seen: set[str] = set()
    for trace in fig.data:  # map and timeline share a colour key: list each entry once
        if trace.get("showlegend") is not False and trace.get("name"):
            trace["showlegend"] = trace["name"] not in seen
            seen.add(trace["name"])
    overdue = view.anchors.days_overdue
    counts = " · ".join(
        [
            f"{dates.plural(forces.present_count(view.forces), 'foreign force')} present",
            *([f"{dates.plural(overdue, 'day')} since the deadline"] if overdue is not None else []),
            f"{dates.plural(view.total, 'event')} shown",
        ]
    )
    more = len(view.forces) - len(rows)
    table_title = "Foreign forces" + (
        f" (first {len(rows)} of {len(view.forces)}; all in the dashboard)" if more else ""
    )
    fig.update_layout(
        width=WIDTH,
        height=HEIGHT,
        margin={"l": 40, "r": 40, "t": 30, "b": 20},
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"size": 15},
        showlegend=True,
        legend={
            "x": 0.0,
            "y": 0.088,
            "yanchor": "top",
            "orientation": "h",
            "traceorder": "normal",
            "font": {"size": 16},
        },  # fmt: skip
        annotations=[
            *fig.layout["annotations"],
            _note(f"<b>{text.plot(view.ctx.heading)}</b>", 0, 1.0, 38, color="#111"),
            _note(f"<b>{text.plot(view.ctx.filters)}</b>", 0, 0.935, 24, color="#111"),
            _note(counts, 0, 0.885, 20, color="#333"),
            _note("<b>Where</b>", 0, 0.835, 20),
            _note("<b>When</b>", 0.40, 0.835, 20),
            _note(f"<b>{table_title}</b>", 0.36, 0.525, 20),
            _note(text.notes(timeline_notes, 110), 0.46, 0.575, 15, color=GREY),
            _note(text.notes(map_notes, 70), 0.0, 0.16, 15, color=GREY),
            _note(text.plot(f"{view.ctx.source} · {places_map.MAP_CREDIT}"), 0, 0.035, 17, color="#333"),
        ],
    )
    return fig.figure()


def run(argv: list[str]) -> str:
    """The briefing command with these arguments: what `conflict-monitor briefing` does (kept for old scripts)."""
    from components import cli

    return cli.briefing(cli.parse(["briefing", *argv]))


def main() -> None:
    """Command line entry point: `python -m components.briefing` and `conflict-briefing`."""
    from components import cli

    cli.main(["briefing", *sys.argv[1:]])


if __name__ == "__main__":
    main()
