"""The briefing: one 16:9 frame with title, as-of date, filters, map, timeline, forces and source; and its CLI.

`python -m components.briefing --actor Russia --place Sirte --radius-km 50 --out briefing.png` writes the same
frame the app exports (PNG or PDF by extension), or the filtered events as .csv or .geojson, with no browser
window and no Streamlit server.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

import plotly.graph_objects as go
import streamlit as st

from components import dates, exports, filters, forces, headline, places_map, timeline
from components.loader import DataFileError, Dataset, data_dir, load, seeds_dir
from components.selection import Selection, select

WIDTH, HEIGHT = 1920, 1080
MAX_ROWS = 6  # forces rows that fit the frame; more are counted, not hidden silently
TABLE_COLUMNS = [forces.FORCE, forces.SPONSOR, forces.SIDE, forces.WHERE, forces.STATUS, forces.AS_OF, forces.EVIDENCE]
COLUMN_WIDTHS = [1.2, 0.8, 1.4, 1.3, 1.1, 0.9, 5.0]
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


def _wrap(text: str, width: int) -> str:
    """Wrap a table cell onto lines (plotly tables do not wrap by themselves)."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def build_briefing(view: Selection, dataset: Dataset) -> go.Figure:
    """The briefing frame, 1920x1080: everything a slide needs to explain itself."""
    fig = go.Figure()
    map_notes = places_map.draw_map(fig, view.events, dataset.actors)
    fig.update_layout(geo={"domain": {"x": [0.0, 0.33], "y": [0.17, 0.80]}})
    timeline_notes = timeline.draw_timeline(fig, view.events, dataset.actors, view.anchors, view.filters.extent)
    fig.update_layout(
        xaxis={"domain": [0.46, 0.99], "anchor": "y", "tickfont": {"size": 15}},
        yaxis={"domain": [0.615, 0.80], "anchor": "x", "tickfont": {"size": 14}},
    )
    rows = view.forces.head(MAX_ROWS)
    widths = [int(w * 14) for w in COLUMN_WIDTHS]  # characters per line, in proportion to the column
    cells = [[_wrap(str(v), w) for v in rows[col]] for col, w in zip(TABLE_COLUMNS, widths)]
    fig.add_trace(
        go.Table(
            domain={"x": [0.36, 0.99], "y": [0.095, 0.475]},
            columnwidth=COLUMN_WIDTHS,
            header={
                "values": [f"<b>{SHORT.get(c, c)}</b>" for c in TABLE_COLUMNS],
                "font": {"size": 15},
                "align": "left",
                "fill": {"color": "#ececec"},
                "line": {"color": "#ccc"},
            },
            cells={
                "values": cells,
                "font": {"size": 14, "color": "#111"},
                "align": "left",
                "height": 24,
                "fill": {"color": "white"},
                "line": {"color": "#ccc"},
            },
        )  # fmt: skip
    )
    seen: set[str] = set()
    for trace in fig.data:  # map and timeline share a colour key: list each entry once
        if getattr(trace, "showlegend", False) is not False and trace.name:
            trace.showlegend = trace.name not in seen
            seen.add(trace.name)
    figures = headline.build_headline(view.events, view.forces, view.anchors).set_index(headline.FIGURE)
    counts = " · ".join(f"{row[headline.VALUE]} {label.lower()}" for label, row in figures.iterrows())
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
        legend={"x": 0.0, "y": 0.088, "yanchor": "top", "orientation": "h", "font": {"size": 14}},
        annotations=[
            *fig.layout.annotations,
            _note(f"<b>{headline.TITLE} — {view.ctx.as_of}</b>", 0, 1.0, 38, color="#111"),
            _note(f"<b>{view.ctx.filters}</b>", 0, 0.935, 24, color="#111"),
            _note(counts, 0, 0.885, 20, color="#333"),
            _note("<b>Where</b>", 0, 0.835, 20),
            _note("<b>When</b>", 0.40, 0.835, 20),
            _note(f"<b>{table_title}</b>", 0.36, 0.51, 20),
            _note(headline.wrap_notes(timeline_notes, 120), 0.46, 0.555, 13, color=GREY),
            _note(headline.wrap_notes(map_notes, 75), 0.0, 0.16, 13, color=GREY),
            _note(f"{view.ctx.source} · {places_map.MAP_CREDIT}", 0, 0.035, 15, color="#333"),
        ],
    )
    return fig


BRIEFING_STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stToolbar"],
[data-testid="stDecoration"] {display: none !important}
.block-container {padding: 0 !important; max-width: 100% !important}
[data-testid="stMainBlockContainer"] img {max-height: 100vh; width: auto !important; max-width: 100%;
  display: block; margin: 0 auto}
.briefing-exit {position: fixed; top: 6px; right: 10px; z-index: 1000; font-size: 12px}
</style>"""  # the frame alone: no sidebar, header or toolbar, scaled to fit the screen whole


@st.cache_data(show_spinner="Rendering the briefing…", max_entries=16)
def _image(figure_json: str, fmt: str) -> bytes:
    """Render a figure given as JSON (the cache key) to PNG or PDF."""
    return exports.render(go.Figure(json.loads(figure_json)), fmt)


def briefing_bytes(view: Selection, dataset: Dataset, fmt: str) -> bytes:
    """The briefing frame as PNG or PDF, cached per figure."""
    return _image(build_briefing(view, dataset).to_json(), fmt)


def render_briefing(view: Selection, dataset: Dataset, back: str) -> None:
    """The page as one 16:9 frame: the same image the export writes, so what is seen is what is sent."""
    st.markdown(BRIEFING_STYLE, unsafe_allow_html=True)
    st.markdown(
        f'<a class="briefing-exit" href="?{back}" target="_self">Back to the dashboard</a>', unsafe_allow_html=True
    )
    alt = f"{headline.TITLE} — {view.ctx.as_of}. {view.ctx.filters}. {view.ctx.source}"
    try:
        st.image(briefing_bytes(view, dataset, "png"), alt=alt, width="stretch")
    except exports.RenderError as err:  # no Chromium for kaleido: show the live figure rather than nothing
        st.warning(f"The briefing image cannot be rendered here ({err}); showing the interactive frame instead.")
        st.plotly_chart(build_briefing(view, dataset), theme=None, width="stretch")


def render_exports(view: Selection, dataset: Dataset) -> None:
    """Sidebar downloads: the briefing as PNG and PDF, the filtered events as CSV and GeoJSON."""
    side = st.sidebar
    side.header("Export")
    name = exports.file_name("briefing", view.anchors.latest_report, view.filters, "")
    events_name = exports.file_name("events", view.anchors.latest_report, view.filters, "")
    for fmt, mime in (("png", "image/png"), ("pdf", "application/pdf")):
        side.download_button(
            f"Briefing image ({fmt.upper()}, 1920×1080)",
            data=lambda fmt=fmt: briefing_bytes(view, dataset, fmt),  # rendered on click, not on every rerun
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"export_{fmt}",
        )
    side.download_button(
        f"Events CSV ({dates.plural(len(view.events), 'row')})",
        data=lambda: exports.build_csv(view.events),
        file_name=f"{events_name}.csv",
        mime="text/csv",
        key="export_csv",
    )
    side.download_button(
        "Events GeoJSON (QGIS, ArcGIS)",
        data=lambda: exports.geojson_bytes(view.events),
        file_name=f"{events_name}.geojson",
        mime="application/geo+json",
        key="export_geojson",
    )


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line: the URL's filters, the data and seeds directories, and the output file."""
    parser = argparse.ArgumentParser(prog="python -m components.briefing", description=__doc__.split("\n")[0])
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
        dataset = load(args.data or data_dir(), args.seeds or seeds_dir())
    except DataFileError as err:
        raise SystemExit(f"error: {err}") from None
    opts = filters.options(dataset.events, dataset.actors)
    query = {filters.ACTOR: args.actor, filters.PLACE: args.place, filters.TYPE: args.type,
             filters.TIMELINE: [args.timeline]}  # fmt: skip
    for key, value in ((filters.FROM, args.start), (filters.TO, args.end), (filters.RADIUS, args.radius_km)):
        if value is not None:
            query[key] = [value]
    chosen, notices = filters.from_query(query, opts)
    if notices:  # on the command line a value that matches nothing is an error, not a notice
        raise SystemExit("error: " + notices[0].replace("from the link", "").replace("Ignored ", "unknown "))
    view = select(dataset, chosen, opts)
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
