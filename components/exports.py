"""Exports: events as spreadsheet-safe CSV and as GeoJSON, figures as PNG or PDF, and names that say what they are."""

from __future__ import annotations

import json
import re
import threading
import warnings
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

from components.filters import Filters
from components.schema import REPORTED, Events

TOPOJSON_DIR = Path(__file__).resolve().parent.parent / "static" / "topojson"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel and LibreOffice may run as a formula
# A spreadsheet set to another separator (';' in many European locales, or a tab) splits a cell where we would not,
# and the part after the split starts a new cell: a formula character there is neutralised too.
AFTER_SEPARATOR = re.compile(r"([,;\t])(?=[=+\-@])")
CSV_COLUMNS = [*Events.names(), REPORTED]
_renderer = {"started": False}  # one browser for every export of this process
_lock = threading.Lock()  # Streamlit runs sessions on threads; kaleido's server takes one figure at a time


class RenderError(RuntimeError):
    """An image could not be rendered (most often: no Chromium for kaleido)."""


def neutralise(cell: object) -> object:
    """A text cell a spreadsheet cannot run as a formula: a quote before = + - @ at its start or after a separator."""
    if not isinstance(cell, str):
        return cell
    cell = AFTER_SEPARATOR.sub(r"\1'", cell)
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def build_csv(events: pd.DataFrame) -> bytes:
    """The events with their provenance, one row each, safe to open in a spreadsheet (UTF-8 with BOM for Excel)."""
    frame = events.reindex(columns=CSV_COLUMNS)
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            frame[col] = frame[col].dt.strftime("%Y-%m-%d")
        elif not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].map(neutralise)  # numbers stay numbers: a negative longitude is not a formula
    # CRLF as RFC 4180 and Excel expect; it also makes the writer quote cells holding a bare carriage return.
    return frame.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _plain(value: object) -> object:
    """A JSON-ready value: dates as ISO strings, missing as null, numpy numbers as Python numbers."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return value.item() if hasattr(value, "item") else value


def build_geojson(events: pd.DataFrame) -> dict:
    """A FeatureCollection with one feature per event; an event with no single point has a null geometry."""
    features = []
    for _, row in events.reindex(columns=CSV_COLUMNS).iterrows():
        props = {col: _plain(row[col]) for col in CSV_COLUMNS}
        lat, lon = props[Events.latitude], props[Events.longitude]
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        features.append(
            {"type": "Feature", "id": props[Events.event_id_cnty], "geometry": geometry, "properties": props}
        )
    return {"type": "FeatureCollection", "features": features}


def geojson_bytes(events: pd.DataFrame) -> bytes:
    """The GeoJSON as UTF-8 bytes."""
    return json.dumps(build_geojson(events), ensure_ascii=False, indent=1).encode("utf-8")


def file_name(what: str, as_of: pd.Timestamp | None, chosen: Filters, extension: str) -> str:
    """'libya-map-2021-01-29-actor-russia.png': what, as of when, with which filters."""
    parts = ["libya", what, as_of.date().isoformat() if as_of is not None else "no-data"]
    for key, values in (("actor", chosen.actors), ("place", chosen.places), ("type", chosen.types)):
        parts += [f"{key}-{v}" for v in values]
    if chosen.places and chosen.radius_km:
        parts.append(f"{chosen.radius_km:g}km")
    if chosen.start:
        parts.append(f"from-{chosen.start.isoformat()}")
    if chosen.end:
        parts.append(f"to-{chosen.end.isoformat()}")
    slug = re.sub(r"[^a-z0-9.]+", "-", "-".join(parts).lower()).strip("-")
    return f"{slug[:150]}.{extension}" if extension else slug[:150]


def start_renderer() -> None:
    """Start kaleido's browser once and point plotly at the app's own map files, so exports need no internet."""
    if _renderer["started"]:
        return
    import kaleido

    pio.defaults.topojson = TOPOJSON_DIR.as_uri() + "/"
    try:
        kaleido.start_sync_server(silence_warnings=True)
    except Exception as err:  # kaleido raises several types when no browser can start
        raise RenderError(f"cannot start Chromium for image export ({type(err).__name__}: {err})") from None
    _renderer["started"] = True


def render(fig: go.Figure, fmt: str) -> bytes:
    """The figure as PNG or PDF bytes at its own width and height."""
    try:
        with _lock, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="The kopts argument")  # plotly's note on the shared server
            start_renderer()
            return pio.to_image(fig, format=fmt, width=fig.layout.width, height=fig.layout.height)
    except RenderError:
        raise
    except Exception as err:
        raise RenderError(f"cannot render the {fmt.upper()} ({type(err).__name__}: {err})") from None


def toolbar(name: str, scale: int = 2) -> dict:
    """Plotly config: the image button saves at 2x with a telling file name; only the buttons analysts use."""
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": scale},
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d", "toggleSpikelines", "hoverClosestGeo",
                                   "hoverClosestCartesian", "hoverCompareCartesian"],
    }  # fmt: skip
