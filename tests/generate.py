"""A seeded generator of ACLED-shaped files for the benchmarks and the scale tests: every row is synthetic.

    .venv/bin/python tests/generate.py 1000000 /tmp/acled-1m.csv [--seed 0]

Rows follow the current ACLED export (31 columns, docs/codebooks.md): Libyan places, actor names written the way
ACLED writes them, mixed time precisions dated as ACLED dates them (a week on its Wednesday, a month on its 15th),
notes with line breaks in some rows. Ids start at LBY5000000 so they cannot be mistaken for real ACLED events.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from components.sources.acled import CURRENT

COLUMNS = list(CURRENT)  # the current export's 31 columns, in order
# Towns of Libya with approximate coordinates, for synthetic rows only (never shown as facts).
TOWNS = {
    "Tripoli": (32.8872, 13.1913, "Tripoli"), "Sirte": (31.2089, 16.5887, "Surt"), "Misrata": (32.3754, 15.0925,
    "Misrata"), "Benghazi": (32.1167, 20.0667, "Benghazi"), "Hun": (29.1268, 15.9477, "Al Jufrah"), "Tarhuna": (
    32.4350, 13.6332, "Al Marqab"), "Ain Zara": (32.8000, 13.2300, "Tripoli"), "Gharyan": (32.1722, 13.0203,
    "Al Jabal al Gharbi"), "Sabha": (27.0377, 14.4283, "Sabha"), "Derna": (32.7648, 22.6392, "Derna"), "Zawiya": (
    32.7571, 12.7276, "Az Zawiyah"), "Ajdabiya": (30.7554, 20.2263, "Al Wahat"), "Tobruk": (32.0836, 23.9764,
    "Al Butnan"), "Al Watiya": (32.4770, 11.8960, "An Nuqat al Khams"), "Ras Lanuf": (30.5000, 18.5667, "Surt"),
    "Brega": (30.4167, 19.5667, "Al Wahat"), "Kufra": (24.1833, 23.2833, "Al Kufrah"), "Ubari": (26.5903, 12.7751,
    "Wadi al Hayat"), "Ghadames": (30.1333, 9.5000, "Nalut"), "Bani Walid": (31.7566, 13.9942, "Misrata"),
}  # fmt: skip
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
FIRST, LAST = np.datetime64("2016-01-01"), np.datetime64("2024-12-31")


def frame(rows: int, seed: int = 0, places: int = 2000) -> pd.DataFrame:
    """`rows` synthetic ACLED events: `places` distinct locations (a town, or a numbered spot near one)."""
    rng = np.random.default_rng(seed)
    towns = list(TOWNS)
    spot = rng.integers(0, places, rows)
    town_of = np.array([towns[i % len(towns)] for i in range(places)])
    town = town_of[spot]
    lat0 = np.array([TOWNS[t][0] for t in town_of])
    lon0 = np.array([TOWNS[t][1] for t in town_of])
    near = np.arange(places) >= len(towns)  # the first spots are the towns themselves
    spot_lat = np.round(lat0 + near * rng.uniform(-0.4, 0.4, places), 4)
    spot_lon = np.round(lon0 + near * rng.uniform(-0.4, 0.4, places), 4)
    spot_name = np.where(near, np.char.add(np.char.add(town_of.astype(str), " - area "), np.arange(places).astype(str)),
                         town_of)  # fmt: skip
    weights = np.array([a[2] for a in ACTORS], float)
    a1, a2 = (rng.choice(len(ACTORS), rows, p=weights / weights.sum()) for _ in range(2))
    names = np.array([a[0] for a in ACTORS])
    inter = np.array([a[1] for a in ACTORS])
    solo = rng.random(rows) < 0.3
    assoc = np.where(rng.random(rows) < 0.1, names[rng.integers(0, len(ACTORS), rows)], "")
    kinds = np.array([t[3] for t in TYPES], float)
    t = rng.choice(len(TYPES), rows, p=kinds / kinds.sum())
    day = FIRST + rng.integers(0, int((LAST - FIRST).astype(int)) + 1, rows).astype("timedelta64[D]")
    precision = rng.choice([1, 2, 3], rows, p=[0.85, 0.1, 0.05])
    weekday = (day.astype(int) + 3) % 7  # 0 = Monday
    wednesday = day + (2 - weekday).astype("timedelta64[D]")
    fifteenth = day.astype("datetime64[M]").astype("datetime64[D]") + np.timedelta64(14, "D")
    day = np.where(precision == 2, wednesday, np.where(precision == 3, fifteenth, day))
    dates = pd.to_datetime(day)
    fatalities = rng.poisson(0.6, rows)
    multi = rng.random(rows) < 0.02
    where = spot_name[spot]
    notes = pd.Series(
        np.char.add(np.char.add(np.char.add("On ", dates.strftime("%d %B %Y").to_numpy().astype(str)),
                                ", an event was reported at "), where.astype(str))
    ) + np.where(multi, ".\nSynthetic second line.", ".")  # fmt: skip
    return pd.DataFrame(
        {
            "event_id_cnty": np.char.add("LBY", (5_000_000 + np.arange(rows)).astype(str)),
            "event_date": dates.strftime("%Y-%m-%d"),
            "year": dates.year,
            "time_precision": precision,
            "disorder_type": np.array([x[0] for x in TYPES])[t],
            "event_type": np.array([x[1] for x in TYPES])[t],
            "sub_event_type": np.array([x[2] for x in TYPES])[t],
            "actor1": names[a1],
            "assoc_actor_1": assoc,
            "inter1": inter[a1],
            "actor2": np.where(solo, "", names[a2]),
            "assoc_actor_2": "",
            "inter2": np.where(solo, "", inter[a2]),
            "interaction": np.where(solo, np.char.add(inter[a1].astype(str), " only"), ""),
            "civilian_targeting": "",
            "iso": 434,
            "region": "Northern Africa",
            "country": "Libya",
            "admin1": pd.Series(town).map({k: v[2] for k, v in TOWNS.items()}).to_numpy(),
            "admin2": "",
            "admin3": "",
            "location": where,
            "latitude": spot_lat[spot],
            "longitude": spot_lon[spot],
            "geo_precision": rng.choice([1, 2, 3], rows, p=[0.7, 0.2, 0.1]),
            "source": "Synthetic Source",
            "source_scale": "National",
            "notes": notes,
            "fatalities": fatalities,
            "tags": "",
            "timestamp": 1_700_000_000 + rng.integers(0, 10_000_000, rows),
        },
        columns=COLUMNS,
    )  # fmt: skip


def write(path: Path, rows: int, seed: int = 0, chunk: int = 250_000) -> Path:
    """Write the file in chunks (bounded memory), with the same rows whatever the chunk size."""
    with path.open("w", encoding="utf-8", newline="") as f:
        for i, start in enumerate(range(0, rows, chunk)):
            part = frame(min(chunk, rows - start), seed=seed * 1000 + i)
            part["event_id_cnty"] = np.char.add("LBY", (5_000_000 + start + np.arange(len(part))).astype(str))
            part.to_csv(f, index=False, header=i == 0, lineterminator="\n")
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
