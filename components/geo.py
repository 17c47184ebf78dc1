"""Distances on the WGS 84 ellipsoid, written once and run both as DuckDB macros and over numpy arrays."""

from __future__ import annotations

import math
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np

from components.schema import Model

# Lambert's formula for the WGS 84 ellipsoid (a test checks it against geopy's geodesic to 0.1%; it is closer than
# that). The formula is written once, below, over a namespace of functions: numpy's for arrays (corroboration), or
# one that writes SQL text, from which the store's macros are made (the radius filter runs in SQL, not a Python loop).
AXIS_KM, FLATTENING = 6378.137, 1 / 298.257223563


def _beta(m: Any, phi: Any) -> Any:
    """Reduced latitude, in radians, of a latitude in degrees."""
    return m.atan((1 - FLATTENING) * m.tan(m.radians(phi)))


def _sigma(m: Any, b1: Any, b2: Any, dlon: Any) -> Any:
    """Central angle between two reduced latitudes dlon radians apart (haversine, clipped for rounding)."""
    return 2 * m.asin(m.least(1, m.sqrt(m.sin((b2 - b1) / 2) ** 2 + m.cos(b1) * m.cos(b2) * m.sin(dlon / 2) ** 2)))


def _lambert(m: Any, b1: Any, b2: Any, s: Any) -> Any:
    """Lambert's ellipsoidal correction of the central angle s, in km."""
    return AXIS_KM * (s - FLATTENING / 2 * (
        (s - m.sin(s)) * m.sin((b1 + b2) / 2) ** 2 * m.cos((b2 - b1) / 2) ** 2 / m.cos(s / 2) ** 2
        + (s + m.sin(s)) * m.cos((b1 + b2) / 2) ** 2 * m.sin((b2 - b1) / 2) ** 2 / m.sin(s / 2) ** 2
    ))  # fmt: skip


def _distance(m: Any, lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> Any:
    """Distance in km between points in degrees (not defined for a point and itself: the callers give 0 there)."""
    b1, b2 = m.beta(lat1), m.beta(lat2)
    return m.lambert(b1, b2, m.sigma(b1, b2, m.radians(lon2 - lon1)))


class Sql:
    """SQL text that composes with arithmetic, so that the functions above also write SQL."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def _op(self, op: str, other: object, flipped: bool = False) -> Sql:
        """Self op other (or other op self), parenthesised."""
        left, right = (other, self) if flipped else (self, other)
        return Sql(f"({left} {op} {right})")

    def __add__(self, other: object) -> Sql:
        return self._op("+", other)

    def __radd__(self, other: object) -> Sql:
        return self._op("+", other, True)

    def __sub__(self, other: object) -> Sql:
        return self._op("-", other)

    def __rsub__(self, other: object) -> Sql:
        return self._op("-", other, True)

    def __mul__(self, other: object) -> Sql:
        return self._op("*", other)

    def __rmul__(self, other: object) -> Sql:
        return self._op("*", other, True)

    def __truediv__(self, other: object) -> Sql:
        return self._op("/", other)

    def __pow__(self, other: object) -> Sql:
        return Sql(f"pow({self}, {other})")


def _sql(name: str) -> Any:
    """A SQL function (or macro) of that name, applied to SQL arguments."""
    return lambda *args: Sql(f"{name}({', '.join(str(a) for a in args)})")


SQL = SimpleNamespace(**{f: _sql(f) for f in ("sin", "cos", "tan", "atan", "asin", "sqrt", "radians", "least")})
SQL_MACROS = SimpleNamespace(**vars(SQL), beta=_sql("_beta"), sigma=_sql("_sigma"), lambert=_sql("_lambert"))
NUMPY = SimpleNamespace(
    sin=np.sin, cos=np.cos, tan=np.tan, atan=np.arctan, asin=np.arcsin, sqrt=np.sqrt, radians=np.radians,
    least=np.minimum,
)  # fmt: skip
NUMPY.beta = lambda phi: _beta(NUMPY, phi)
NUMPY.sigma = lambda b1, b2, dlon: _sigma(NUMPY, b1, b2, dlon)
NUMPY.lambert = lambda b1, b2, s: _lambert(NUMPY, b1, b2, s)

_LAT1, _LON1, _LAT2, _LON2, _B1, _B2, _S, _PHI, _DLON = (
    Sql(n) for n in ("lat1", "lon1", "lat2", "lon2", "b1", "b2", "s", "phi", "dlon")
)
# distance_km(lat1, lon1, lat2, lon2) for the store, over whole columns; the helpers keep each step's text short.
DISTANCE_MACROS = (
    f"CREATE OR REPLACE MACRO _beta(phi) AS {_beta(SQL, _PHI)}",
    f"CREATE OR REPLACE MACRO _sigma(b1, b2, dlon) AS {_sigma(SQL, _B1, _B2, _DLON)}",
    f"CREATE OR REPLACE MACRO _lambert(b1, b2, s) AS {_lambert(SQL, _B1, _B2, _S)}",
    f"""CREATE OR REPLACE MACRO distance_km(lat1, lon1, lat2, lon2) AS CASE WHEN lat1 = lat2 AND lon1 = lon2 THEN 0.0
        ELSE {_distance(SQL_MACROS, _LAT1, _LON1, _LAT2, _LON2)} END""",
)


def km(lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """distance_km over numpy arrays: the same formula as the store's macro, 0 for a point and itself."""
    lat1, lon1, lat2, lon2 = np.broadcast_arrays(*(np.asarray(a, dtype=float) for a in (lat1, lon1, lat2, lon2)))
    same = (lat1 == lat2) & (lon1 == lon2)
    with np.errstate(divide="ignore", invalid="ignore"):  # the same point divides by sin(0): replaced by 0 below
        return np.where(same, 0.0, _distance(NUMPY, lat1, lon1, lat2, lon2))


KM_PER_DEGREE_LAT = (110.5, 111.7)  # fewest and most km in a degree of latitude (equator, poles)


INNER_BOX_UP_TO_KM = 500.0  # a flat square inside the circle is safe well within this; beyond, distances only


def _box(lat: float, lon: float, km: float, outer: bool) -> list[float]:
    """South, north, west and east of a box that holds (outer) or fits inside (not outer) a circle of `km`."""
    per_degree = KM_PER_DEGREE_LAT[0] if outer else KM_PER_DEGREE_LAT[1]
    dlat = km / per_degree
    # a degree of longitude is shortest at the box's highest latitude (outer: widest box), longest at its lowest
    edge = min(abs(lat) + dlat, 89.9) if outer else max(abs(lat) - dlat, 0.0)
    dlon = km / (per_degree * max(math.cos(math.radians(edge)), 0.01))
    return [lat - dlat, lat + dlat, lon - dlon, lon + dlon]


def within_sql(
    centre: tuple[float, float],
    radius_km: float,
    bind: Callable[[str, object], str],
    points: tuple[np.ndarray, np.ndarray] | None = None,
) -> str:
    """Within radius_km of a point: a box that holds the circle first (cheap), then the distance.

    Given the store's distinct `points`, the distance is measured on each of them here (the same formula as the
    store's macro: there are thousands of points where there are millions of events) and the events are matched on
    the points within. Without them, in SQL: inside the square the circle holds, a point is surely within; the
    ellipsoidal distance is computed only for the points between the two."""
    lat, lon = centre

    def box(edges: list[float]) -> str:
        """Between the edges (south, north, west, east)."""
        south, north, west, east = (bind("near", edge) for edge in edges)
        return f"{Model.latitude} BETWEEN {south} AND {north} AND {Model.longitude} BETWEEN {west} AND {east}"

    def distance() -> str:
        """Ellipsoidal distance to the point, within the radius."""
        to = f"{bind('near', lat)}, {bind('near', lon)}"
        return f"distance_km({Model.latitude}, {Model.longitude}, {to}) <= {bind('near', radius_km)}"

    edges = _box(lat, lon, radius_km, outer=True)
    outer = box(edges)
    if points is not None:
        lats, lons = points
        boxed = (lats >= edges[0]) & (lats <= edges[1]) & (lons >= edges[2]) & (lons <= edges[3])
        near = km(lats[boxed], lons[boxed], lat, lon) <= radius_km
        kept = bind("near", lats[boxed][near].tolist()), bind("near", lons[boxed][near].tolist())
        within = f"SELECT unnest({kept[0]}::DOUBLE[]), unnest({kept[1]}::DOUBLE[])"  # each point, paired
        return f"({outer} AND ({Model.latitude}, {Model.longitude}) IN ({within}))"
    if radius_km > INNER_BOX_UP_TO_KM:
        return f"({outer} AND {distance()})"
    inner = box(_box(lat, lon, radius_km / math.sqrt(2) * 0.99, outer=False))
    return f"({outer} AND (({inner}) OR {distance()}))"
