"""Where things are: the data folder, the source articles and the event store, each overridable by one environment
variable. Every other module asks here; nothing else reads these variables."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "CONFLICT_MONITOR_DATA"  # the curated files, imports under sources/, the audit log
SEEDS_ENV = "CONFLICT_MONITOR_SEEDS"  # the source articles and their sidecars
STORE_ENV = "CONFLICT_MONITOR_STORE"  # the event store's folder (derived: safe to delete)
EDITORS_ENV = "CONFLICT_MONITOR_EDITORS"  # e-mails of the editors, comma-separated (README "Team use")
READ_ONLY_ENV = "CONFLICT_MONITOR_READ_ONLY"  # any value but empty, 0, false or no: nobody edits
DATABASE = "events.duckdb"  # the name a store folder is known by (its generations are events-NNNNNN.duckdb)


def data_dir() -> Path:
    """The data directory: $CONFLICT_MONITOR_DATA, else data/ beside this project."""
    return Path(os.environ.get(DATA_ENV) or ROOT / "data")


def seeds_dir() -> Path:
    """The source articles: $CONFLICT_MONITOR_SEEDS, else seeds/ beside this project."""
    return Path(os.environ.get(SEEDS_ENV) or ROOT / "seeds")


def store_path(data: Path) -> Path:
    """The store's name: $CONFLICT_MONITOR_STORE (a folder), else <data>/.store/, and DATABASE in it."""
    return Path(os.environ.get(STORE_ENV) or Path(data) / ".store") / DATABASE
