"""Exports: events as spreadsheet-safe CSV and as GeoJSON, written in batches; figures as PNG or PDF; file names."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pyarrow as pa
import pyarrow.compute as pc
from pyarrow import csv as pa_csv

from components.filter_types import Filters, Where
from components.filters import name_parts
from components.queries.reader import Reader
from components.schema import Model

TOPOJSON_DIR = Path(__file__).resolve().parent.parent / "static" / "topojson"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what Excel and LibreOffice may run as a formula
# A spreadsheet set to another separator (';' in many European locales, or a tab) splits a cell where we would not,
# and the part after the split starts a new cell: a formula character there is neutralised too.
AFTER_SEPARATOR = re.compile(r"([,;\t])(?=[=+\-@])")
# Every model column but the two derived from actors.csv (they change with it), with a readable list of actors.
CSV_COLUMNS = [c for c in Model.names() if c not in (Model.backer, Model.lane)]
BATCH_ROWS = 50_000  # rows written at a time: an export of a million rows never holds them all
GEOJSON_ROWS = 10_000
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


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Dates as ISO days, lists joined, text neutralised; numbers stay numbers (a negative longitude is no formula)."""
    frame = frame.copy()
    for col in frame.columns:
        values = frame[col]
        if pd.api.types.is_datetime64_any_dtype(values):
            frame[col] = values.dt.strftime("%Y-%m-%d")
        elif pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        else:
            as_text = values.map(lambda v: "; ".join(v) if isinstance(v, (list, tuple)) else v)
            frame[col] = as_text.map(neutralise)
    return frame


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A small frame as spreadsheet-safe CSV: UTF-8 with a BOM for Excel, CRLF as RFC 4180 and Excel expect."""
    return _safe(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _batches(reader: Reader, where: Where, rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    """The filtered events in the order of their files (the article's, then each import's), as Arrow batches:
    unsorted, so that the store streams them; a sort would hold every row first."""
    columns = ", ".join(CSV_COLUMNS)
    with reader.session() as db:
        yield from db.batches(f"SELECT {columns} FROM {Model.file} WHERE {where}", where.params, rows)


FORMULA_START = r"^[=+\-@\t\r]"  # FORMULA_STARTS and AFTER_SEPARATOR again, for Arrow's regular expressions
SEPARATED_FORMULA = r"([,;\t])([=+\-@])"


def _safe_batch(batch: pa.RecordBatch) -> pa.Table:
    """A batch as spreadsheet-safe columns, in Arrow (no Python object per cell): lists joined, formulas disarmed."""
    columns = []
    for column in batch.columns:
        if pa.types.is_list(column.type):
            column = pc.binary_join(column, "; ")
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            column = pc.replace_substring_regex(column, pattern=SEPARATED_FORMULA, replacement=r"\1'\2")
            column = pc.if_else(pc.match_substring_regex(column, FORMULA_START), pc.binary_join_element_wise(
                "'", column, ""), column)  # fmt: skip
        columns.append(column)
    return pa.Table.from_arrays(columns, names=batch.schema.names)


def write_csv(reader: Reader, where: Where, out: BinaryIO) -> int:
    """Write the filtered events with their provenance as spreadsheet-safe CSV, batch by batch; return the rows."""
    out.write("\ufeff".encode())  # the BOM once, so that Excel reads UTF-8
    rows = 0
    for batch in _batches(reader, where):
        options = pa_csv.WriteOptions(include_header=rows == 0, eol="\r\n")  # CRLF, as RFC 4180 and Excel expect
        pa_csv.write_csv(_safe_batch(batch), out, write_options=options)
        rows += batch.num_rows
    if rows == 0:
        out.write((",".join(f'"{c}"' for c in CSV_COLUMNS) + "\r\n").encode("utf-8"))
    return rows


def features(rows: list[dict]) -> list[dict]:
    """One GeoJSON feature per event; an event with no single point has a null geometry."""
    found = []
    for props in rows:
        for key, value in props.items():
            if isinstance(value, dt.date):
                props[key] = value.isoformat()
        lat, lon = props[Model.latitude], props[Model.longitude]
        geometry = {"type": "Point", "coordinates": [lon, lat]} if lat is not None and lon is not None else None
        found.append({"type": "Feature", "id": props[Model.uid], "geometry": geometry, "properties": props})
    return found


def write_geojson(reader: Reader, where: Where, out: BinaryIO) -> int:
    """Write the filtered events as a GeoJSON FeatureCollection, batch by batch; return the rows."""
    out.write(b'{"type": "FeatureCollection", "features": [\n')
    rows = 0
    for batch in _batches(reader, where, GEOJSON_ROWS):  # a dict per row here: smaller batches
        for feature in features(batch.to_pylist()):
            out.write((",\n" if rows else "").encode() + json.dumps(feature, ensure_ascii=False).encode("utf-8"))
            rows += 1
    out.write(b"\n]}\n")
    return rows


def to_bytes(writer: Callable[[Reader, Where, BinaryIO], int], reader: Reader, where: Where) -> bytes:
    """An export held in memory, for a download button (the command line writes to a file instead)."""
    buffer = io.BytesIO()
    writer(reader, where, buffer)
    return buffer.getvalue()


def file_name(what: str, as_of: pd.Timestamp | None, chosen: Filters, extension: str) -> str:
    """'libya-map-2021-01-29-actor-russia.png': what, as of when, with which filters."""
    parts = ["libya", what, as_of.date().isoformat() if as_of is not None else "no-data"]
    parts += name_parts(chosen)
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
