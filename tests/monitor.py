"""The monitor's fixtures (tests/fixtures/monitor/) laid out as an analyst's folders would hold them after a fortnight:
each dataset file under data/sources/ with a sidecar giving its import time, the article accepted later in seeds/,
events.csv and reviews.csv; then the store built from them (tests/test_changes.py, tests/test_digest.py)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from builders import copy_data, copy_seeds, store_of

from components.store import Store

MONITOR = Path(__file__).resolve().parent / "fixtures" / "monitor"
ARTICLE = "900_monitor_fixture"
# Each file, its format's folder and when it was imported (the sidecar's imported_at: a UCDP version is known from
# its file's import day; the others carry their own days). In this order they were imported.
FILES = [
    ("ucdp_candidate_1.csv", "ucdp", "2021-03-01T12:00:00+00:00"),
    ("acled_week_1.csv", "acled", "2021-03-08T09:00:00+00:00"),
    ("ucdp_candidate_2.csv", "ucdp", "2021-03-10T12:00:00+00:00"),
    ("acled_week_2.csv", "acled", "2021-03-15T09:00:00+00:00"),
    ("acled_deletions.csv", "acled-deletions", "2021-03-15T09:05:00+00:00"),
]
WEEK_1 = ("ucdp_candidate_1.csv", "acled_week_1.csv")  # what the store held before the second week's files
SINCE = dt.date(2021, 3, 8)  # the day of the first ACLED snapshot: the digest's "since"
BEFORE_SECOND = dt.date(2021, 3, 7)  # an as-of day before anything of the second week was known


def lay_out(root: Path, files: tuple[str, ...] | None = None, accepted: bool = True) -> tuple[Path, Path]:
    """The shipped data and article, the monitor's article and its accepted event (with the decision), and the
    dataset files (all, or those named) under data/sources/ with their sidecars; return the data and seeds folders."""
    data, seeds = copy_data(root / "data"), copy_seeds(root / "seeds")
    if accepted:
        for suffix in (".txt", ".meta.json"):
            shutil.copyfile(MONITOR / f"{ARTICLE}{suffix}", seeds / f"{ARTICLE}{suffix}")
        row = (MONITOR / "events_accepted.csv").read_text(encoding="utf-8").splitlines()[1]
        with (data / "events.csv").open("a", encoding="utf-8", newline="") as out:
            out.write(row + "\n")
        shutil.copyfile(MONITOR / "reviews.csv", data / "reviews.csv")
    for name, fmt, imported in FILES:
        if files is not None and name not in files:
            continue
        folder = data / "sources" / fmt
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(MONITOR / name, folder / name)
        sidecar = {"format": fmt, "imported_at": imported, "original": f"tests/fixtures/monitor/{name}"}
        (folder / f"{name}.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    return data, seeds


def monitor_store(root: Path, files: tuple[str, ...] | None = None, accepted: bool = True) -> Store:
    """A store of the monitor's fixtures (every file, or those named), in root."""
    data, seeds = lay_out(root, files, accepted)
    return store_of(data, seeds, root)
