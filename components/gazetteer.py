"""The gazetteer: the places an analyst may choose (data/places.csv's, then those the imported datasets give a point),
each with where its coordinate comes from, and the places.csv row of a dataset's place; and filling missing
coordinates in places.csv with a geopy geocoder: `python -m components.gazetteer geocode`."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd
from geopy.exc import GeopyError

from components.config import data_dir
from components.files import appended, write_atomic
from components.schema import Places

USER_AGENT = "conflict-monitor/0.1 (Libya foreign forces dashboard)"  # Nominatim's policy asks for an identifying agent
NOT_FOUND = "not found by {service} on {day}"  # written back so the same name is never asked again

Geocode = Callable[[str], Any]  # geopy's geocode: query -> Location (address, latitude, longitude, raw) or None
NO_SOURCE = "no coordinate source given"  # a places.csv row whose coord_source is empty
DATASET_SOURCE = "{dataset} file {file} line {line}"  # where a dataset's place was read: its point's first row
SOURCE_SHOWN = 90  # characters of a coord_source shown beside a place in a list


@dataclass(frozen=True)
class Place:
    """A place the analyst may choose: where it lies, how precise it is, and where its coordinate comes from."""

    name: str
    country: str
    admin1: str
    latitude: float | None
    longitude: float | None
    precision: str  # places.csv's word: town, district, area or country
    source: str  # places.csv's coord_source, or DATASET_SOURCE with what the files say of the point
    curated: bool  # a row of data/places.csv already; else read from an imported dataset
    cited: str = ""  # the source as a list shows it (a dataset's: its file's name and line), else `source`

    def label(self) -> str:
        """The place as a list shows it: its name and where its coordinate comes from (plain text)."""
        where = self.cited or self.source
        return f"{self.name} — {where if len(where) <= SOURCE_SHOWN else where[: SOURCE_SHOWN - 1] + '…'}"


def curated_places(places: pd.DataFrame) -> list[Place]:
    """The places of data/places.csv (as the loader kept them), in the file's order, each with its coord_source."""
    found = []
    for row in places.itertuples(index=False):
        lat, lon = getattr(row, Places.latitude), getattr(row, Places.longitude)
        point = pd.notna(lat) and pd.notna(lon)
        found.append(Place(
            name=str(getattr(row, Places.name)), country=str(getattr(row, Places.country) or ""),
            admin1=str(getattr(row, Places.admin1) or ""), latitude=float(lat) if point else None,
            longitude=float(lon) if point else None, precision=str(getattr(row, Places.precision) or ""),
            source=str(getattr(row, Places.coord_source) or "") or NO_SOURCE, curated=True,
        ))  # fmt: skip
    return found


def dataset_places(located: pd.DataFrame, known: list[Place], aliases: list[str] = ()) -> list[Place]:
    """The places the imported datasets give a point (components/queries/datapage.py's rows, most events first) that
    places.csv does not name (by name or alias, any case: the article's extraction would find both)."""
    taken = {p.name.casefold() for p in known} | {a.casefold() for a in aliases}
    found = []
    for row in located.itertuples(index=False):
        if not row.location or row.location.casefold() in taken:
            continue
        taken.add(row.location.casefold())
        source = DATASET_SOURCE.format(dataset=row.dataset, file=row.source_file, line=row.line)
        cited = DATASET_SOURCE.format(dataset=row.dataset, file=PurePosixPath(row.source_file).name, line=row.line)
        exact = pd.notna(row.finest) and row.finest <= 2  # the place itself or near it; else a region's point
        share = ("its one event uses" if row.events == 1 else f"all {row.events:,} of its events use"
                 if row.points == 1 else f"{row.events_here:,} of its {row.events:,} events use")  # fmt: skip
        found.append(Place(
            name=row.location, country=row.country or "", admin1=row.admin1 or "", latitude=float(row.latitude),
            longitude=float(row.longitude), precision="town" if exact else "district",
            source=f"{source} (the point {share})", curated=False, cited=cited,
        ))  # fmt: skip
    return found


def offered_places(places: pd.DataFrame, located: pd.DataFrame) -> list[Place]:
    """Every place the analyst may choose: places.csv's first, then the datasets' it does not name."""
    known = curated_places(places)
    aliases = [a for cell in places[Places.aliases] for a in _aliases(cell)] if Places.aliases in places else []
    return known + dataset_places(located, known, aliases)


def _aliases(cell: object) -> list[str]:
    """A places.csv aliases cell as a list (the loader gives a list; a raw file gives text separated by ';')."""
    if isinstance(cell, (list, tuple)):
        return [str(a) for a in cell]
    if cell is None or (not isinstance(cell, str) and pd.isna(cell)):
        return []
    return [a.strip() for a in str(cell).split(";") if a.strip()]


class UnknownPlace(ValueError):
    """A chosen place that places.csv lacks and that no imported dataset gives a point: it is never made up."""


def with_place(raw: bytes, location: str, place: Place | None, today: dt.date) -> tuple[bytes, int] | None:
    """places.csv's bytes with the chosen place's row appended, and the line that row starts on; None when the file
    names the place already (or none is chosen). Raise UnknownPlace when it does not and `place` gives no point."""
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or Places.names())
    if not location or any(row.get(Places.name) == location for row in reader):
        return None
    if place is None or place.name != location or place.latitude is None or place.longitude is None:
        raise UnknownPlace(
            f"{location[:100]!r} is not a place of {Places.file} and no imported dataset gives it a point: choose a "
            f"listed place, or add it to {Places.file} with its coordinate and where the coordinate comes from"
        )
    row = place_row(place, today)
    grown, [line] = appended(raw, [[row.get(column, "") for column in header]])
    return grown, line


def place_row(place: Place, today: dt.date) -> dict[str, str]:
    """The places.csv row of a dataset's place, as the files give it: its point written back exactly as read (the
    shortest text of the number), and coord_source saying which file and line it came from."""
    if place.latitude is None or place.longitude is None:
        raise ValueError(f"{place.name}: no coordinate to write")  # never a made-up point
    return {
        Places.name: place.name,
        Places.aliases: "",
        Places.country: place.country,
        Places.admin1: place.admin1,
        Places.latitude: repr(float(place.latitude)),
        Places.longitude: repr(float(place.longitude)),
        Places.precision: place.precision,
        Places.coord_source: f"{place.source}; added to places.csv by review on {today.isoformat()}",
    }


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
