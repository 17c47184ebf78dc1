"""A seeded generator of ACLED-shaped files for the benchmarks and the scale tests: every row is synthetic.

    .venv/bin/python tests/generate.py 1000000 /tmp/acled-1m.csv [--seed 0]

Rows follow the current ACLED export (31 columns, docs/codebooks.md): Libyan places (towns and numbered spots near
them), actor names written the way ACLED writes them, mixed time precisions dated as ACLED dates them (a week on its
Wednesday, a month on its 15th), notes with a line break in one row of fifty. DuckDB writes the file (a million rows
in seconds); every choice is a hash of the row number and the seed, so the same arguments give the same bytes. Ids
start at LBY5000000 so they cannot be mistaken for real ACLED events.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from components.formats.acled import CURRENT

# Towns of Libya with approximate coordinates and their admin1, for synthetic rows only (never shown as facts).
TOWNS = [
    ("Tripoli", 32.8872, 13.1913, "Tripoli"), ("Sirte", 31.2089, 16.5887, "Surt"), ("Misrata", 32.3754, 15.0925,
    "Misrata"), ("Benghazi", 32.1167, 20.0667, "Benghazi"), ("Hun", 29.1268, 15.9477, "Al Jufrah"), ("Tarhuna",
    32.4350, 13.6332, "Al Marqab"), ("Gharyan", 32.1722, 13.0203, "Al Jabal al Gharbi"), ("Sabha", 27.0377, 14.4283,
    "Sabha"), ("Derna", 32.7648, 22.6392, "Derna"), ("Zawiya", 32.7571, 12.7276, "Az Zawiyah"), ("Ajdabiya", 30.7554,
    20.2263, "Al Wahat"), ("Tobruk", 32.0836, 23.9764, "Al Butnan"), ("Al Watiya", 32.4770, 11.8960,
    "An Nuqat al Khams"), ("Ras Lanuf", 30.5000, 18.5667, "Surt"), ("Brega", 30.4167, 19.5667, "Al Wahat"), ("Kufra",
    24.1833, 23.2833, "Al Kufrah"), ("Ubari", 26.5903, 12.7751, "Wadi al Hayat"), ("Ghadames", 30.1333, 9.5000,
    "Nalut"), ("Bani Walid", 31.7566, 13.9942, "Misrata"), ("Ain Zara", 32.8000, 13.2300, "Tripoli"),
]  # fmt: skip
# Actor names as ACLED writes them (docs/codebooks.md), with their inter code in words and a weight.
ACTORS = [
    ("Military Forces of Libya (2016-) Government of National Accord", "State forces", 8),
    ("Military Forces of Libya (2014-) Libyan National Army", "State forces", 8),
    ("Military Forces of Turkey (2016-)", "External/Other forces", 3),
    ("Wagner Group", "External/Other forces", 3),
    ("Military Forces of the United Arab Emirates (2004-)", "External/Other forces", 1),
    ("Military Forces of Russia (2000-)", "External/Other forces", 1),
    ("Military Forces of Egypt (2014-)", "External/Other forces", 1),
    ("Protesters (Libya)", "Protesters", 6),
    ("Unidentified Armed Group (Libya)", "Political militia", 4),
    ("Civilians (Libya)", "Civilians", 4),
    ("Islamic State (Libya)", "Rebel group", 1),
]
TYPES = [
    ("Political violence", "Battles", "Armed clash", 6),
    ("Political violence", "Explosions/Remote violence", "Air/drone strike", 3),
    ("Political violence", "Explosions/Remote violence", "Shelling/artillery/missile attack", 3),
    ("Political violence", "Violence against civilians", "Attack", 2),
    ("Demonstrations", "Protests", "Peaceful protest", 5),
    ("Strategic developments", "Strategic developments", "Headquarters or base established", 1),
    ("Strategic developments", "Strategic developments", "Change to group/activity", 2),
]
FIRST_DAY, DAYS = "2016-01-01", 3288  # to the end of 2024
SPOTS = 2000  # distinct places: the towns, then numbered spots near them


def _weighted(items: list[tuple], draw: str) -> str:
    """SQL: the index into items chosen by `draw` (a number in 0..99999), in proportion to their last field."""
    total = sum(i[-1] for i in items)
    cases, edge = [], 0
    for index, item in enumerate(items[:-1]):
        edge += item[-1]
        cases.append(f"WHEN {draw} < {edge * 100000 // total} THEN {index}")
    return f"(CASE {' '.join(cases)} ELSE {len(items) - 1} END)"


def _pick(items: list, index: str, field: int) -> str:
    """SQL: one field of the item at `index`."""
    values = ", ".join("'" + str(item[field]).replace("'", "''") + "'" for item in items)
    return f"[{values}][({index})::BIGINT + 1]"


def write(path: Path, rows: int, seed: int = 0, first_id: int = 5_000_000) -> Path:
    """Write `rows` synthetic ACLED events to `path` as a CSV (the current export's columns and order), their ids
    numbered from `first_id`."""

    def draw(salt: str) -> str:
        """SQL: a number in 0..99999, fixed by the row, the seed and the salt."""
        return f"(hash(i, {seed}, '{salt}') % 100000)"

    spot = f"(hash(i, {seed}, 'spot') % {SPOTS})"
    town = f"({spot} % {len(TOWNS)})"
    near = f"({spot} >= {len(TOWNS)})"
    jitter = "(((hash({0}, {1}, '{2}') % 8001)::BIGINT - 4000) / 10000.0)"  # up to 0.4 degrees from the town

    def coordinate(field: int, salt: str) -> str:
        """SQL: the town's coordinate, moved a little for a spot near it."""
        moved = f"CASE WHEN {near} THEN {jitter.format(spot, seed, salt)} ELSE 0 END"
        return f"round({_pick(TOWNS, town, field)}::DOUBLE + {moved}, 4)"

    lat, lon = coordinate(1, "lat"), coordinate(2, "lon")
    place = f"CASE WHEN {near} THEN {_pick(TOWNS, town, 0)} || ' - area ' || {spot} ELSE {_pick(TOWNS, town, 0)} END"
    a1, a2 = _weighted(ACTORS, draw("a1")), _weighted(ACTORS, draw("a2"))
    kind = _weighted(TYPES, draw("type"))
    precision = f"(CASE WHEN {draw('tp')} < 85000 THEN 1 WHEN {draw('tp')} < 95000 THEN 2 ELSE 3 END)"
    day = f"(DATE '{FIRST_DAY}' + (hash(i, {seed}, 'day') % {DAYS})::INTEGER)"  # isodow: Monday 1
    dated = (
        f"(CASE {precision} WHEN 1 THEN {day} WHEN 2 THEN {day} + (2 - isodow({day}) + 1)::INTEGER "
        f"ELSE date_trunc('month', {day})::DATE + 14 END)"  # a week on its Wednesday, a month on its 15th
    )
    solo = f"({draw('solo')} < 30000)"
    columns = {
        "event_id_cnty": f"'LBY' || ({int(first_id)} + i)",
        "event_date": f"strftime({dated}, '%Y-%m-%d')",
        "year": f"year({dated})",
        "time_precision": precision,
        "disorder_type": _pick(TYPES, kind, 0),
        "event_type": _pick(TYPES, kind, 1),
        "sub_event_type": _pick(TYPES, kind, 2),
        "actor1": _pick(ACTORS, a1, 0),
        "assoc_actor_1": f"CASE WHEN {draw('assoc')} < 10000 THEN {_pick(ACTORS, a2, 0)} ELSE '' END",
        "inter1": _pick(ACTORS, a1, 1),
        "actor2": f"CASE WHEN {solo} THEN '' ELSE {_pick(ACTORS, a2, 0)} END",
        "assoc_actor_2": "''",
        "inter2": f"CASE WHEN {solo} THEN '' ELSE {_pick(ACTORS, a2, 1)} END",
        "interaction": f"CASE WHEN {solo} THEN {_pick(ACTORS, a1, 1)} || ' only' ELSE '' END",
        "civilian_targeting": "''",
        "iso": "434",
        "region": "'Northern Africa'",
        "country": "'Libya'",
        "admin1": _pick(TOWNS, town, 3),
        "admin2": "''",
        "admin3": "''",
        "location": place,
        "latitude": lat,
        "longitude": lon,
        "geo_precision": f"1 + (hash(i, {seed}, 'geo') % 3)",
        "source": "'Synthetic Source'",
        "source_scale": "'National'",
        "notes": f"'On ' || strftime({dated}, '%d %B %Y') || ', a synthetic event was reported at ' || {place} "
        f"|| '. It involved ' || {_pick(ACTORS, a1, 0)} || ' in a ' || lower({_pick(TYPES, kind, 2)}) || '.' "
        f"|| CASE WHEN {draw('multi')} < 2000 THEN chr(10) || 'A second line of the note.' ELSE '' END",
        "fatalities": f"CASE WHEN {draw('dead')} < 70000 THEN 0 ELSE hash(i, {seed}, 'n') % 12 END",
        "tags": "''",
        "timestamp": f"1700000000 + hash(i, {seed}, 'ts') % 10000000",
    }
    assert list(columns) == list(CURRENT)
    select = ", ".join(f"{sql} AS {name}" for name, sql in columns.items())
    con = duckdb.connect()
    con.execute("SET preserve_insertion_order = true")
    con.execute(f"COPY (SELECT {select} FROM range({rows}) t(i) ORDER BY i) TO '{path}' (HEADER, DELIMITER ',')")
    con.close()
    return path


def main() -> None:
    """Command line: rows, output file, seed."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("rows", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write(args.out, args.rows, args.seed)
    print(f"wrote {args.rows:,} rows to {args.out}")


if __name__ == "__main__":
    main()
