"""Countries: ISO codes for the names sources use, and a bounding box per country from the map's Natural Earth file.

A coordinate inside the range of latitudes and longitudes can still be impossible: latitude and longitude swapped
put Sirte in Sudan. Each point is checked against the box of the country its row names. The boxes come from the
Natural Earth file the map already serves (static/topojson/africa_50m.json, see SOURCE.md there): countries
outside that file are not checked, and are not claimed to be.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

TOPOJSON = Path(__file__).resolve().parent.parent / "static" / "topojson" / "africa_50m.json"
MARGIN = 0.25  # degrees around each box: Natural Earth's 1:50m outline is simplified, a coastal town may poke out
# Names the datasets write that ISO 3166 (as pycountry holds it) does not: ACLED and UCDP spellings.
ALIASES = {
    "democratic republic of congo": "COD",
    "dr congo (zaire)": "COD",
    "republic of congo": "COG",
    "congo": "COG",
    "ivory coast": "CIV",
    "cape verde": "CPV",
    "madagascar (malagasy)": "MDG",
    "zimbabwe (rhodesia)": "ZWE",
    "swaziland": "SWZ",
    "russia": "RUS",
    "turkey": "TUR",
}

Box = tuple[float, float, float, float]  # south, west, north, east in degrees


@lru_cache(maxsize=1024)
def iso3(name: str) -> str | None:
    """The ISO 3166 alpha-3 code of a country as a source names it, or None when it is not known."""
    key = name.strip().lower()
    if key in ALIASES:
        return ALIASES[key]
    try:
        return pycountry.countries.lookup(name.strip()).alpha_3
    except LookupError:
        return None


def number(name: str) -> int | None:
    """The ISO 3166 numeric code of a country as a source names it (events.csv's `iso`), or None."""
    code = iso3(name)
    found = pycountry.countries.get(alpha_3=code) if code else None
    return int(found.numeric) if found else None


@lru_cache(maxsize=1)
def boxes() -> dict[str, Box]:
    """The bounding box of every country in the map's Natural Earth file, by ISO alpha-3 code, with a margin."""
    topology = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    scale, shift = topology["transform"]["scale"], topology["transform"]["translate"]
    arc_boxes = []
    for arc in topology["arcs"]:  # quantized and delta-encoded: positions are running sums
        points = np.cumsum(np.asarray(arc, dtype=float), axis=0) * scale + shift
        (west, south), (east, north) = points.min(axis=0), points.max(axis=0)
        arc_boxes.append((south, west, north, east))
    found: dict[str, Box] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = geometry.get("id")
        if not code or "arcs" not in geometry:
            continue
        used = [arc_boxes[i if i >= 0 else ~i] for i in _arc_indices(geometry["arcs"])]
        south, west = min(b[0] for b in used) - MARGIN, min(b[1] for b in used) - MARGIN
        north, east = max(b[2] for b in used) + MARGIN, max(b[3] for b in used) + MARGIN
        found[code] = (float(south), float(west), float(north), float(east))
    return found


def _arc_indices(nested: list) -> list[int]:
    """The arc indices of a Polygon or MultiPolygon's nested lists, flattened."""
    return [i for item in nested for i in (_arc_indices(item) if isinstance(item, list) else [item])]


def box(country: str) -> Box | None:
    """The box of a country named as a source names it, or None when the map's file does not hold it."""
    code = iso3(country)
    return boxes().get(code) if code else None


def describe(found: Box) -> str:
    """A box in words, for a problem message."""
    south, west, north, east = found
    return f"latitude {south:.1f} to {north:.1f}, longitude {west:.1f} to {east:.1f}"


# The country-box check, stated once for both paths (cells.check_in_country over the curated files, and the
# datasets' SQL in formats/base.py): a named country's box and the words of its problem come from `box_table`.
EXPECTED = "a point in {country} ({box}, from Natural Earth); are latitude and longitude swapped?"
BOX_COLUMNS = ("country", "south", "west", "north", "east", "expected")


def box_table(names: Iterable[str]) -> pd.DataFrame:
    """One row per named country the map's file holds: its box and the expected text of a point outside it."""
    rows = []
    for name in dict.fromkeys(names):  # the distinct countries a file names: a few, not one per row
        found = box(name)
        if found:
            rows.append((name, *found, EXPECTED.format(country=name, box=describe(found))))
    return pd.DataFrame(rows, columns=list(BOX_COLUMNS))
