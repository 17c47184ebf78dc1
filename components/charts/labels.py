"""Where the map looks and where its names go: a frame fitted to the marks, and labels placed in the figure's pixels.

Plotly's geo subplot fits the frame's ranges into its box keeping the projection's proportions (Mercator here), so
a degree is a known number of pixels: each label's box is measured in pixels, tried at four positions around its
point, and kept only where it covers no mark and no name already placed, inside the frame. A name that fits
nowhere is left out and listed in the map's note.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components.schema import Model

POSITIONS = ("top right", "bottom right", "top left", "bottom left")
FONT_PX = 15  # the names' font size
CHAR_PX = 0.62 * FONT_PX  # the width of a bold character of that font, on average (measured on the map's names)
LINE_PX = 1.3 * FONT_PX
MIN_SPAN = (8.0, 10.0)  # degrees of latitude and longitude a fitted frame shows at least: enough to place it in Libya
MARGIN = 0.15  # of the marks' span, added around them
EDGE_PX = 4.0  # a name keeps this far inside the frame: the text's drawn box differs from its estimate by a few pixels


@dataclass(frozen=True)
class Frame:
    """The ranges a geo subplot shows and the pixels of its box."""

    lat: tuple[float, float]
    lon: tuple[float, float]
    width: float = 420.0  # pixels: the narrowest the page's map column gets (a 1280-wide window)
    height: float = 420.0

    def _scale(self) -> float:
        """Pixels per projected unit: the ranges fitted into the box, proportions kept."""
        dx = math.radians(self.lon[1] - self.lon[0])
        dy = _mercator(self.lat[1]) - _mercator(self.lat[0])
        return min(self.width / max(dx, 1e-9), self.height / max(dy, 1e-9))

    def pixels(self, lat: float, lon: float) -> tuple[float, float]:
        """A point's place in the box, from its centre, in pixels (y up)."""
        scale = self._scale()
        x = (math.radians(lon) - math.radians(sum(self.lon) / 2)) * scale
        y = (_mercator(lat) - (_mercator(self.lat[0]) + _mercator(self.lat[1])) / 2) * scale
        return x, y

    def pixels_of(self, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
        """Many points' places in the box at once (as `pixels`), one row of x and y each."""
        scale = self._scale()
        x = (np.radians(lons) - math.radians(sum(self.lon) / 2)) * scale
        y = (np.log(np.tan(np.pi / 4 + np.radians(np.clip(lats, -85.0, 85.0)) / 2))
             - (_mercator(self.lat[0]) + _mercator(self.lat[1])) / 2) * scale  # fmt: skip
        return np.column_stack([x, y])

    def holds(self, box: tuple[float, float, float, float]) -> bool:
        """True when an (x, y, width, height) box in pixels lies inside the shown area."""
        scale = self._scale()
        half_w = min(self.width, math.radians(self.lon[1] - self.lon[0]) * scale) / 2
        half_h = min(self.height, (_mercator(self.lat[1]) - _mercator(self.lat[0])) * scale) / 2
        half_w, half_h = half_w - EDGE_PX, half_h - EDGE_PX
        return -half_w <= box[0] and box[0] + box[2] <= half_w and -half_h <= box[1] and box[1] + box[3] <= half_h


def spread(points: pd.DataFrame, sizes: pd.Series, frame: Frame) -> pd.DataFrame:
    """Where each mark is drawn: alone at its point, or with the other marks of its point around it (evenly, each
    its own size apart from the centre), so that none hides another; with `reach`, the pixels across all a point's
    marks take (a name is set off by that much). Whole columns at once: a map has thousands of marks."""
    lat, lon = points[Model.latitude].to_numpy(float), points[Model.longitude].to_numpy(float)
    key = pd.DataFrame({"lat": lat, "lon": lon, "size": sizes.to_numpy(float)})
    group = key.groupby(["lat", "lon"])
    nth, count = group.cumcount().to_numpy(), group["size"].transform("size").to_numpy()
    widest = group["size"].transform("max").to_numpy()
    # pixels from the point to each mark's centre: neighbours on the circle a mark's width apart (chord 2 r sin(pi/k))
    radius = np.where(count > 1, widest / (2 * np.sin(np.pi / np.maximum(count, 2))) + 1, 0.0)
    angle = np.pi / 2 + 2 * np.pi * nth / np.maximum(count, 1)
    scale = frame._scale()
    shifted_lon = lon + np.degrees(radius * np.cos(angle) / scale)
    y = np.log(np.tan(np.pi / 4 + np.radians(np.clip(lat, -85.0, 85.0)) / 2)) + radius * np.sin(angle) / scale
    shifted_lat = np.where(radius > 0, np.degrees(2 * np.arctan(np.exp(y)) - np.pi / 2), lat)  # a lone mark: as is
    return pd.DataFrame({Model.latitude: shifted_lat, Model.longitude: shifted_lon, "reach": 2 * radius + widest},
                        index=points.index)  # fmt: skip


def _mercator(lat: float) -> float:
    """Mercator's y of a latitude."""
    return math.log(math.tan(math.pi / 4 + math.radians(max(min(lat, 85.0), -85.0)) / 2))


def fit(lats: pd.Series, lons: pd.Series, bounds: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """The frame of the marks: their box with a margin, at least MIN_SPAN wide, inside `bounds` (the countries')."""
    inside = lats.between(*bounds["lat"]) & lons.between(*bounds["lon"])
    if not inside.any():
        return bounds
    frame = {}
    for axis, values, least in (("lat", lats[inside], MIN_SPAN[0]), ("lon", lons[inside], MIN_SPAN[1])):
        low, high = float(values.min()), float(values.max())
        pad = max((high - low) * MARGIN, (least - (high - low)) / 2, 0.5)
        low, high = low - pad, high + pad
        lo_bound, hi_bound = bounds[axis]
        if high - low >= hi_bound - lo_bound:
            frame[axis] = (lo_bound, hi_bound)
            continue
        shift = max(lo_bound - low, 0.0) - max(high - hi_bound, 0.0)  # slid back inside, its size kept
        frame[axis] = (low + shift, high + shift)
    return frame


def overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    """True when two (x, y, width, height) boxes intersect."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def boxes(name: str, at: tuple[float, float], marker_px: float) -> dict[str, tuple[float, float, float, float]]:
    """The box of a name at each position around its point. plotly.js sets a text off its point by r = (marker
    radius) / 0.8 + 1 pixels (drawing.textPointPosition: "a little more than the nominal marker size")."""
    width, height, off = CHAR_PX * len(name), LINE_PX, marker_px / 2 / 0.8 + 1
    x, y = at
    return {
        position: (
            x + off if "right" in position else x - off - width,
            y + off if "top" in position else y - off - height,
            width,
            height,
        )
        for position in POSITIONS
    }


def centred(name: str, at: tuple[float, float], font_px: float) -> tuple[float, float, float, float]:
    """The box of a name centred on its point, at a font size."""
    width, height = 0.62 * font_px * len(name), 1.3 * font_px
    return (at[0] - width / 2, at[1] - height / 2, width, height)


def _covers(box: tuple[float, float, float, float], left: np.ndarray, bottom: np.ndarray, right: np.ndarray,
            top: np.ndarray) -> bool:  # fmt: skip
    """True when a box covers any of the marks (given by their edges, as arrays)."""
    x, y, w, h = box
    return bool(((left < x + w) & (x < right) & (bottom < y + h) & (y < top)).any())


def place(
    labels: pd.DataFrame,
    marks: list[tuple[float, float, float]],
    frame: Frame,
    anchors: frozenset[str] = frozenset(),
    also: tuple[Frame, ...] = (),
) -> list[str | None]:
    """A position for each name in the order given (the first are the most wanted), or None where it would cover a
    mark or a name already placed, or leave the frame. `labels` has location, latitude, longitude and the size of
    the mark at that point (`size`, pixels); `marks` are (lat, lon, size) of every mark drawn (thousands at scale:
    they are tested as arrays). An anchor of the view (Tripoli, Sirte, Jufra) that finds no free position may lie
    over other marks (drawn with a halo, it stays legible): never over a name, never out of the frame.

    `also`: the same map at other sizes (a wider window draws it larger, the names as large as before): a position
    is kept only where it is free at every size."""
    table = np.array(marks, dtype=float).reshape(-1, 3)
    sizes = [frame, *also]
    edges = []
    for view in sizes:
        at, size = view.pixels_of(table[:, 0], table[:, 1]), table[:, 2]
        edges.append((at[:, 0] - size / 2, at[:, 1] - size / 2, at[:, 0] + size / 2, at[:, 1] + size / 2))
    placed: list[list[tuple[float, float, float, float]]] = [[] for _ in sizes]
    chosen: list[str | None] = []
    for name, lat, lon, own in zip(labels[Model.location], labels[Model.latitude], labels[Model.longitude],
                                   labels["size"]):  # fmt: skip
        options = [boxes(name, view.pixels(lat, lon), own) for view in sizes]
        free = [p for p in POSITIONS if all(view.holds(o[p]) and not any(overlap(o[p], b) for b in done)
                                            for view, o, done in zip(sizes, options, placed))]  # fmt: skip
        clear = [p for p in free if not any(_covers(o[p], *e) for o, e in zip(options, edges))]
        position = (clear or (free if name in anchors else []) or [None])[0]
        chosen.append(position)
        if position is not None:
            for done, o in zip(placed, options):
                done.append(o[position])
    return chosen
