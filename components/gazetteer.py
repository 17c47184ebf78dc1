"""Fill missing coordinates in places.csv with a geopy geocoder: `python -m components.gazetteer geocode`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from geopy.exc import GeopyError

from components.config import data_dir
from components.files import write_atomic
from components.schema import Places

USER_AGENT = "conflict-monitor/0.1 (Libya foreign forces dashboard)"  # Nominatim's policy asks for an identifying agent
NOT_FOUND = "not found by {service} on {day}"  # written back so the same name is never asked again

Geocode = Callable[[str], Any]  # geopy's geocode: query -> Location (address, latitude, longitude, raw) or None


def nominatim() -> Geocode:
    """Nominatim behind geopy's RateLimiter (one request a second); errors are raised, not swallowed."""
    from geopy.extra.rate_limiter import RateLimiter
    from geopy.geocoders import Nominatim

    return RateLimiter(
        Nominatim(user_agent=USER_AGENT, timeout=10).geocode,
        min_delay_seconds=1,
        max_retries=0,
        swallow_exceptions=False,
    )


def pending(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Places with no coordinate that were never asked for: a country is not a point, so it is never asked."""
    return [
        row
        for row in rows
        if not row[Places.latitude].strip()
        and not row[Places.coord_source].strip()
        and row[Places.precision] != "country"
    ]


def geocode_rows(rows: list[dict[str, str]], geocode: Geocode, service: str, today: dt.date) -> int:
    """Look up each pending place once per distinct query; fill rows in place; return how many were found."""
    answers: dict[str, Any] = {}
    for row in pending(rows):
        query = f"{row[Places.name]}, {row[Places.country]}"
        if query.lower() not in answers:
            answers[query.lower()] = geocode(query)  # raises GeopyError when the service cannot be reached
    found = 0
    for row in pending(rows):
        location = answers[f"{row[Places.name]}, {row[Places.country]}".lower()]
        if location is None:
            row[Places.coord_source] = NOT_FOUND.format(service=service, day=today.isoformat())
            continue
        row[Places.latitude] = f"{location.latitude:.5f}"
        row[Places.longitude] = f"{location.longitude:.5f}"
        raw = getattr(location, "raw", {}) or {}
        ident = f" {raw['osm_type']}/{raw['osm_id']}" if "osm_type" in raw and "osm_id" in raw else ""
        row[Places.coord_source] = f"{service}{ident}, geocoded {today.isoformat()}: {location.address}"
        found += 1
    return found


def geocode_file(path: Path, geocode: Geocode, service: str = "Nominatim (OpenStreetMap)") -> str:
    """Geocode the pending places of one places.csv and rewrite it; on a network error change nothing."""
    if not path.is_file():
        raise SystemExit(f"{path}: file not found")
    with path.open(encoding="utf-8-sig", newline="") as f:  # a BOM from Excel is harmless, as in the loader
        reader = csv.DictReader(f)
        header, rows = list(reader.fieldnames or []), list(reader)
    todo = len(pending(rows))
    if not todo:
        return f"{path}: every place has a coordinate or was already looked up; nothing to ask"
    try:
        found = geocode_rows(rows, geocode, service, dt.date.today())
    except GeopyError as err:
        reason = " ".join(str(err).split("(Caused by")[0].split())[:120]  # geopy's text repeats urllib3's whole chain
        raise SystemExit(f"{path}: unchanged; cannot reach the geocoder ({type(err).__name__}: {reason})") from None
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    write_atomic(path, out.getvalue().encode("utf-8"))  # a kill midway leaves the old file, never half of it
    return f"{path}: {found} of {todo} place(s) geocoded; the rest are marked not found"


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(prog="python -m components.gazetteer", description=__doc__)
    parser.add_argument("command", choices=["geocode"])
    parser.add_argument(
        "--data", type=Path, default=None, help="data directory (default: $CONFLICT_MONITOR_DATA or data/)"
    )
    args = parser.parse_args(argv)
    print(geocode_file((args.data or data_dir()) / Places.file, nominatim()))


if __name__ == "__main__":
    main(sys.argv[1:])
