"""The briefing in the app: the 16:9 frame as the page (`view=briefing`), and the sidebar's export buttons."""

from __future__ import annotations

import base64
import functools
import html
import json
import shlex

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from components import dates, exports, text
from components.briefing import build_briefing
from components.charts import places_map
from components.filter_types import Filters
from components.filters import flags
from components.snapshot import Selection
from components.store import Store

COMMAND_STYLE = "display:block;white-space:pre-wrap;word-break:break-all;font-family:monospace;font-size:0.8rem"
IN_BROWSER_ROWS = 200_000  # about 80 MB of CSV held in memory for one download; more goes through the command

LIVE_FRAME = {"topojsonURL": places_map.TOPOJSON_URL, "displaylogo": False}  # the live frame, when no image renders
BRIEFING_STYLE = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header, [data-testid="stToolbar"],
[data-testid="stDecoration"] {display: none !important}
.block-container {padding: 0 !important; max-width: 100% !important}
img.briefing-frame {display: block; margin: 0 auto; max-width: 100vw; max-height: 100vh; width: auto; height: auto}
a.briefing-exit {position: fixed; top: 6px; right: 10px; z-index: 1000; font-size: 12px}
</style>"""  # the frame alone, no sidebar, header or toolbar, scaled down whole to fit any screen


@functools.lru_cache(maxsize=16)
def _image(figure_json: str, fmt: str) -> bytes:
    """Render a figure given as JSON (the cache key) to PNG or PDF. Not st.cache_data: a download renders it in a
    thread of the server's own, with no script run (Streamlit's cache would log a warning there)."""
    return exports.render(go.Figure(json.loads(figure_json)), fmt)


def briefing_bytes(view: Selection, actors: pd.DataFrame, fmt: str) -> bytes:
    """The briefing frame as PNG or PDF, cached per figure."""
    return _image(build_briefing(view, actors).to_json(), fmt)


def render_briefing(view: Selection, actors: pd.DataFrame, back: str) -> None:
    """The page as one 16:9 frame: the same image the export writes, so what is seen is what is sent."""
    exit_link = f'<a class="briefing-exit" href="?{html.escape(back)}" target="_self">Back to the dashboard</a>'
    alt = html.escape(f"{view.ctx.heading}. {view.ctx.filters}. {view.ctx.source}")
    fig = build_briefing(view, actors)
    try:
        with st.spinner("Rendering the briefing…"):
            png = base64.b64encode(_image(fig.to_json(), "png")).decode("ascii")
    except exports.RenderError as err:  # no Chromium for kaleido: show the live figure rather than nothing
        st.warning(text.md(f"The briefing image cannot be rendered here ({err}); showing the live frame instead."))
        # At its own 1920x1080: the frame is laid out in pixels, and a stretched one would set its text anew. The
        # map's files from the app itself, as on the dashboard: a live map would otherwise ask plotly's CDN.
        st.plotly_chart(fig, theme=None, width="content", height="content", config=LIVE_FRAME)
        return
    # One element, so no gap adds to the frame's height; inline, since st.image caps images at 1460 px wide.
    frame = f'<img class="briefing-frame" src="data:image/png;base64,{png}" alt="{alt}">'
    st.html(BRIEFING_STYLE + exit_link + frame)


def command(filters: Filters, out: str) -> str:
    """The command line that writes the same export: for an export too large for the browser."""
    return shlex.join(["conflict-monitor", "briefing", *flags(filters), "--out", out])


def render_exports(view: Selection, store: Store, actors: pd.DataFrame) -> None:
    """Sidebar downloads: the briefing as PNG and PDF, the filtered events as CSV and GeoJSON."""
    side = st.sidebar
    side.header("Export")
    name = exports.file_name("briefing", view.anchors.latest_report, view.filters, "")
    events_name = exports.file_name("events", view.anchors.latest_report, view.filters, "")
    for fmt, mime in (("png", "image/png"), ("pdf", "application/pdf")):
        side.download_button(
            f"Briefing image ({fmt.upper()}, 1920×1080)",
            data=lambda fmt=fmt: briefing_bytes(view, actors, fmt),  # rendered on click, not on every rerun
            file_name=f"{name}.{fmt}",
            mime=mime,
            key=f"export_{fmt}",
            on_click="ignore",  # no rerun: a rerun replaces the file id, and a click meanwhile would spin forever
        )
    if view.total > IN_BROWSER_ROWS:  # a download is held in the server's memory: past this, the command streams it
        side.caption(
            text.md(f"{view.total:,} events: too many to download through the browser. The same export, written "
                    "in batches to a file:")
        )  # fmt: skip
        # Plain HTML, not st.code: its syntax highlighter is a 1.5 MB bundle the first page would download.
        line = html.escape(command(view.filters, f"{events_name}.csv"))
        side.html(f'<code class="cm-command" style="{COMMAND_STYLE}">{line}</code>')
        return
    side.download_button(
        f"Events CSV ({dates.plural(view.total, 'row')})",
        data=lambda: exports.to_bytes(exports.write_csv, store, view.where),
        file_name=f"{events_name}.csv",
        mime="text/csv",
        key="export_csv",
        on_click="ignore",  # no rerun: a rerun replaces the button's file id, and a click meanwhile would spin forever
    )
    side.download_button(
        "Events GeoJSON (QGIS, ArcGIS)",
        data=lambda: exports.to_bytes(exports.write_geojson, store, view.where),
        file_name=f"{events_name}.geojson",
        mime="application/geo+json",
        key="export_geojson",
        on_click="ignore",  # no rerun: a rerun replaces the button's file id, and a click meanwhile would spin forever
    )
