"""The briefing: one 16:9 frame with title, as-of date, filters, map, timeline, forces and source; and its CLI.

`python -m components.briefing --actor Russia --place Sirte --radius-km 50 --out briefing.png` writes the same
frame the app exports (PNG or PDF by extension), or the filtered events as .csv or .geojson, with no browser
window and no Streamlit server.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import plotly.graph_objects as go

from components import dates, exports, filters, forces, headline, places_map, text, timeline
from components.canvas import Canvas
from components.loader import DataFileError, Dataset, data_dir, load, seeds_dir
from components.selection import Selection, prepare, select

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


def build_briefing(view: Selection, dataset: Dataset) -> go.Figure:
    """The briefing frame, 1920x1080: everything a slide needs to explain itself."""
    fig = Canvas()
    map_notes = places_map.draw_map(fig, view.events, dataset.actors, view.ctx.empty)
    fig.update_layout(geo={"domain": {"x": [0.0, 0.33], "y": [0.17, 0.80]}})
    timeline_notes = timeline.draw_timeline(
        fig, view.events, dataset.actors, view.anchors, view.filters.extent, view.ctx.empty
    )
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
            f"{dates.plural(len(view.events), 'event')} shown",
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
            _note(f"<b>{headline.TITLE} — {view.ctx.as_of}</b>", 0, 1.0, 38, color="#111"),
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


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit code 2, like every other error of the command."""

    def error(self, message: str) -> None:
        """Stop with the message alone."""
        self.exit(2, f"error: {message} (see --help)\n")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line: the URL's filters, the data and seeds directories, and the output file."""
    parser = OneLineParser(prog="python -m components.briefing", description=__doc__.split("\n")[0])
    parser.add_argument("--actor", action="append", default=[], help="repeat for several; a state includes its forces")
    parser.add_argument("--place", action="append", default=[], help="repeat for several")
    parser.add_argument("--type", action="append", default=[], help="event type; repeat for several")
    parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
    parser.add_argument("--radius-km", help="with --place: events within this distance")
    parser.add_argument("--timeline", choices=filters.EXTENTS, default=filters.EXTENTS[0])
    parser.add_argument("--data", type=Path, help="data directory (default: $CONFLICT_MONITOR_DATA or data/)")
    parser.add_argument("--seeds", type=Path, help="articles directory (default: $CONFLICT_MONITOR_SEEDS or seeds/)")
    parser.add_argument("--out", type=Path, required=True, help="output file: .png, .pdf, .csv or .geojson")
    return parser.parse_args(argv)


WRITERS = {".png", ".pdf", ".csv", ".geojson"}


def run(argv: list[str]) -> str:
    """Write the requested file; return what was written, or raise SystemExit with one clear line."""
    args = parse_args(argv)
    suffix = args.out.suffix.lower()
    if suffix not in WRITERS:
        raise SystemExit(f"error: --out {args.out}: the extension must be one of {', '.join(sorted(WRITERS))}")
    if not args.out.parent.is_dir():
        raise SystemExit(f"error: --out {args.out}: the folder {args.out.parent} does not exist")
    try:
        dataset = load(args.data or data_dir(), args.seeds or seeds_dir()).raise_for_files()
    except DataFileError as err:
        raise SystemExit(f"error: {err}") from None
    prepared = prepare(dataset)
    opts = prepared.options
    query = {filters.ACTOR: args.actor, filters.PLACE: args.place, filters.TYPE: args.type,
             filters.TIMELINE: [args.timeline]}  # fmt: skip
    for key, value in ((filters.FROM, args.start), (filters.TO, args.end), (filters.RADIUS, args.radius_km)):
        if value is not None:
            query[key] = [value]
    chosen, notices = filters.from_query(query, opts)
    if notices:  # on the command line a value that matches nothing is an error, not a notice
        raise SystemExit("error: " + notices[0].replace("from the link", "").replace("Ignored ", "unknown "))
    view = select(prepared, chosen)
    if suffix == ".csv":
        data = exports.build_csv(view.events)
    elif suffix == ".geojson":
        data = exports.geojson_bytes(view.events)
    else:
        try:
            data = exports.render(build_briefing(view, dataset), suffix[1:])
        except exports.RenderError as err:
            raise SystemExit(f"error: {err}") from None
    try:
        args.out.write_bytes(data)
    except OSError as err:
        raise SystemExit(f"error: --out {args.out}: cannot write ({err.strerror})") from None
    skipped = f"; {len(dataset.problems)} data problem(s), see the dashboard" if dataset.problems else ""
    return f"wrote {args.out} ({dates.plural(len(view.events), 'event')}; {view.ctx.filters}){skipped}"


def main() -> None:
    """Command line entry point."""
    print(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
