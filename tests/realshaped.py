"""A real-shaped ACLED export built in code with a fixed seed: 3,000 invented events in Libya, Tunisia and Egypt,
written the way ACLED writes them (actor names, types, inter codes, places with their admin1 and coordinates), and an
invented wire article naming more foreign forces than the source article does (so that the forces table has more
rows than a briefing holds). Used by the box tests of the briefing and of the dashboard's charts, and by
tests/screenshots.py. Every row is invented (tests/fixtures/README.md's rule): ids from LBY93000 up.

    .venv/bin/python tests/realshaped.py OUT.csv   # writes the export
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path

from builders import copy_seeds, shipped, store_of

from components import snapshot
from components.snapshot import Prepared

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = 20200427  # the generated file is the same at every run
ROWS = 3_000

# An invented article naming more foreign forces than the source article does (fixtures are invented: README there).
WIRE = "001_boxes_wire.txt"
WIRE_TEXT = (
    "Boxes Wire, 10 May 2020.\n"
    "Syrian mercenaries recruited by Turkey fight beside the forces of the Libyan government south of Tripoli.\n"
    "Sudanese mercenaries paid by the UAE guard oil sites for Haftar.\n"
    "Russian military aircraft landed at Jufra.\n"
    "Egyptian troops massed on the border with Libya.\n"
    "Chadian fighters joined the offensive of Haftar.\n"
)
MORE_ACTORS = [
    {"name": "Syrian mercenaries", "kind": "mercenaries", "country": "Syria", "sponsor": "Turkey",
     "supports": "Libyan government", "military_role": "force", "quote": "Syrian mercenaries recruited by Turkey",
     "dataset_names": "Mercenaries (Syria)"},
    {"name": "Sudanese mercenaries", "kind": "mercenaries", "country": "Sudan", "sponsor": "United Arab Emirates",
     "supports": "Forces of Khalifa Haftar", "military_role": "force", "quote": "Sudanese mercenaries paid by the UAE",
     "dataset_names": "Mercenaries (Sudan)"},
    {"name": "Russian armed forces", "kind": "state armed forces", "country": "Russia", "sponsor": "Russia",
     "military_role": "force", "quote": "Russian military aircraft landed at Jufra",
     "dataset_names": "Military Forces of Russia (2000-)"},
    {"name": "Egypt", "kind": "state", "country": "Egypt", "military_role": "intervening state",
     "quote": "Egyptian troops massed on the border"},
    {"name": "Egyptian armed forces", "kind": "state armed forces", "country": "Egypt", "sponsor": "Egypt",
     "military_role": "force", "quote": "Egyptian troops massed on the border with Libya",
     "dataset_names": "Military Forces of Egypt (2014-)"},
    {"name": "Chadian fighters", "kind": "mercenaries", "country": "Chad", "supports": "Forces of Khalifa Haftar",
     "military_role": "force", "quote": "Chadian fighters joined the offensive of Haftar",
     "dataset_names": "FACT: Front for Change and Concord in Chad"},
]  # fmt: skip

# Places with their coordinates (GeoNames, rounded), and how often events fall there: Tripoli's suburbs crowd the map.
PLACES = {
    "Libya": [
        ("Tripoli", "Tripoli", 32.8872, 13.1913, 30), ("Ain Zara", "Tripoli", 32.7900, 13.2300, 14),
        ("Abu Salim", "Tripoli", 32.8400, 13.1800, 12), ("Qasr Bin Ghashir", "Jafara", 32.6833, 13.1833, 10),
        ("Al Aziziyah", "Jafara", 32.5308, 13.0175, 8), ("Tajoura", "Tripoli", 32.8817, 13.3506, 8),
        ("Janzour", "Tripoli", 32.8167, 13.0167, 6), ("Al Watiyah", "Nuqat al Khams", 32.4747, 11.8977, 6),
        ("Gharyan", "Jabal al Gharbi", 32.1722, 13.0203, 8), ("Tarhunah", "Al Murqub", 32.4350, 13.6332, 8),
        ("Misrata", "Misrata", 32.3754, 15.0925, 8), ("Abu Grein", "Misrata", 31.4400, 15.2400, 5),
        ("Sirte", "Sirte", 31.2089, 16.5887, 12), ("Al Qardabiyah", "Sirte", 31.0900, 16.6600, 4),
        ("Harawa", "Sirte", 31.0500, 17.0000, 3), ("Hun", "Al Jufrah", 29.1268, 15.9477, 5),
        ("Waddan", "Al Jufrah", 29.1614, 16.1390, 3), ("Benghazi", "Benghazi", 32.1167, 20.0667, 8),
        ("Ajdabiya", "Al Wahat", 30.7554, 20.2263, 3), ("Brega", "Al Wahat", 30.4066, 19.5739, 2),
        ("Ras Lanuf", "Sirte", 30.5000, 18.5458, 2), ("Sabha", "Sabha", 27.0377, 14.4283, 3),
        ("Ubari", "Wadi al Hayat", 26.5903, 12.7751, 2), ("Zawiya", "Az Zawiyah", 32.7571, 12.7278, 4),
        ("Sabratha", "An Nuqat al Khams", 32.7932, 12.4885, 3), ("Bani Walid", "Misrata", 31.7566, 13.9942, 3),
        ("Tobruk", "Al Butnan", 32.0836, 23.9764, 2), ("Derna", "Derna", 32.7670, 22.6367, 2),
        ("Kufra", "Al Kufrah", 24.1833, 23.2833, 1), ("Ghadames", "Nalut", 30.1337, 9.5007, 1),
    ],
    "Tunisia": [
        ("Tunis", "Tunis", 36.8190, 10.1658, 10), ("Sfax", "Sfax", 34.7406, 10.7603, 5),
        ("Medenine", "Medenine", 33.3549, 10.5055, 4), ("Ben Guerdane", "Medenine", 33.1389, 11.2192, 4),
        ("Tataouine", "Tataouine", 32.9297, 10.4518, 2), ("Gafsa", "Gafsa", 34.4250, 8.7840, 2),
        ("Kasserine", "Kasserine", 35.1676, 8.8365, 3), ("Sousse", "Sousse", 35.8254, 10.6084, 3),
    ],
    "Egypt": [
        ("Cairo", "Cairo", 30.0444, 31.2357, 10), ("Alexandria", "Alexandria", 31.2001, 29.9187, 5),
        ("Marsa Matruh", "Matruh", 31.3543, 27.2373, 3), ("Sallum", "Matruh", 31.5525, 25.1594, 3),
        ("Sidi Barrani", "Matruh", 31.6104, 25.9256, 2), ("Al Arish", "North Sinai", 31.1316, 33.7984, 5),
        ("Rafah", "North Sinai", 31.2803, 34.2400, 3), ("Giza", "Giza", 30.0131, 31.2089, 3),
    ],
}  # fmt: skip
ISO = {"Libya": "434", "Tunisia": "788", "Egypt": "818"}
SHARE = {"Libya": 0.6, "Tunisia": 0.2, "Egypt": 0.2}

# (actor1, its ACLED actor type, actor2 or "", its type, associated actor of actor1, weight) as ACLED writes them.
GNA = "Military Forces of Libya (2016-) Government of National Accord"
LNA = "Military Forces of Libya (2014-) Libyan National Army"
PAIRS = {
    "Libya": [
        (GNA, "State forces", LNA, "Political militias", "Military Forces of Turkey (2016-)", 8),
        (LNA, "Political militias", GNA, "State forces", "Wagner Group", 6),
        (LNA, "Political militias", GNA, "State forces", "Mercenaries (Sudan)", 3),
        (GNA, "State forces", LNA, "Political militias", "Mercenaries (Syria)", 4),
        ("Military Forces of the United Arab Emirates (2004-)", "External/Other forces", GNA, "State forces", "", 3),
        ("Military Forces of Turkey (2016-)", "External/Other forces", LNA, "Political militias", "", 4),
        ("Military Forces of Russia (2000-)", "External/Other forces", "", "", "", 2),
        ("FACT: Front for Change and Concord in Chad", "Rebel groups", LNA, "Political militias", "", 1),
        ("Military Forces of Egypt (2014-)", "External/Other forces", "", "", "", 1),
        ("Protesters (Libya)", "Protesters", "", "", "", 4),
        ("Unidentified Armed Group (Libya)", "Political militias", "Civilians (Libya)", "Civilians", "", 3),
        (LNA, "Political militias", "Civilians (Libya)", "Civilians", "", 2),
    ],
    "Tunisia": [
        ("Protesters (Tunisia)", "Protesters", "", "", "", 6),
        ("Police Forces of Tunisia (2015-)", "State forces", "Protesters (Tunisia)", "Protesters", "", 2),
        ("Military Forces of Tunisia (2015-)", "State forces", "", "", "", 2),
    ],
    "Egypt": [
        ("Protesters (Egypt)", "Protesters", "", "", "", 4),
        ("Military Forces of Egypt (2014-)", "State forces", "Islamic State (Egypt)", "Rebel groups", "", 4),
        ("Police Forces of Egypt (2014-)", "State forces", "", "", "", 2),
    ],
}
TYPES = {  # ACLED's event type of a pair: by its second actor's kind
    "Political militias": ("Political violence", "Battles", "Armed clash"),
    "State forces": ("Political violence", "Explosions/Remote violence", "Air/drone strike"),
    "Rebel groups": ("Political violence", "Battles", "Armed clash"),
    "Civilians": ("Political violence", "Violence against civilians", "Attack"),
    "Protesters": ("Demonstrations", "Protests", "Protest with intervention"),
    "": ("Strategic developments", "Strategic developments", "Other"),
}
PROTEST = ("Demonstrations", "Protests", "Peaceful protest")


def acled_rows(count: int = ROWS, seed: int = SEED) -> list[dict[str, str]]:
    """An ACLED export of `count` invented events in Libya, Tunisia and Egypt, 2020, as ACLED writes them."""
    rng = random.Random(seed)
    prefix = {"Libya": "LBY", "Tunisia": "TUN", "Egypt": "EGY"}
    first = dt.date(2020, 1, 1)
    rows = []
    for i in range(count):
        country = rng.choices(list(SHARE), weights=list(SHARE.values()))[0]
        place, admin1, lat, lon, _ = rng.choices(PLACES[country], weights=[p[-1] for p in PLACES[country]])[0]
        pair = rng.choices(PAIRS[country], weights=[p[-1] for p in PAIRS[country]])[0]
        actor1, inter1, actor2, inter2, assoc, _ = pair
        disorder, kind, sub = PROTEST if inter1 == "Protesters" else TYPES[inter2]
        day = first + dt.timedelta(days=rng.randrange(390))
        interaction = f"{inter1}-{inter2}" if inter2 else f"{inter1} only"
        rows.append({
            "event_id_cnty": f"{prefix[country]}{93000 + i}", "event_date": day.isoformat(), "year": str(day.year),
            "time_precision": rng.choice("1111112"), "disorder_type": disorder, "event_type": kind,
            "sub_event_type": sub, "actor1": actor1, "assoc_actor_1": assoc, "inter1": inter1, "actor2": actor2,
            "inter2": inter2, "interaction": interaction, "iso": ISO[country], "region": "Northern Africa",
            "country": country, "admin1": admin1, "location": place, "latitude": f"{lat:.4f}",
            "longitude": f"{lon:.4f}", "geo_precision": rng.choice("1112"), "source": "Invented Wire",
            "source_scale": "National", "notes": f"On {day:%d %B %Y}, an invented {sub.lower()} near {place}.",
            "fatalities": str(rng.choice([0, 0, 0, 1, 2, 5])),
            "timestamp": str(int(dt.datetime(2021, 2, 1).timestamp()) + i),
        })  # fmt: skip
    return rows


def write_acled(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows with the header of the multi-country fixture (ACLED's current export)."""
    with (FIXTURES / "acled_multicountry.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in header} for row in rows)
    return path


def add_forces(data: Path, seeds: Path) -> None:
    """Put the invented wire article beside the source article and its forces in actors.csv (whatever its columns)."""
    (seeds / WIRE).write_text(WIRE_TEXT, encoding="utf-8")
    meta = {"article": WIRE, "publisher": "Boxes Wire", "headline": "More forces", "published": "2020-05-10T09:00",
            "language": "en", "sha256": hashlib.sha256(WIRE_TEXT.encode()).hexdigest()}  # fmt: skip
    (seeds / "001_boxes_wire.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with (data / "actors.csv").open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    with (data / "actors.csv").open("a", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, header, lineterminator="\n")
        writer.writerows({c: {"foreign": "yes", "article": WIRE, **a}.get(c, "") for c in header} for a in MORE_ACTORS)


def big(root: Path) -> Prepared:
    """The shipped data, the wire article's forces, and the generated ACLED rows imported, prepared, under root."""
    data, _ = shipped(root)
    seeds = copy_seeds(root / "seeds")
    add_forces(data, seeds)
    store = store_of(data, seeds, root)
    store.import_file(write_acled(root / "2020-01-01-2021-01-25-Libya-Tunisia-Egypt.csv", acled_rows()))
    return snapshot.prepare(store)


if __name__ == "__main__":
    print(write_acled(Path(sys.argv[1]), acled_rows()))
