"""Small datasets built in code: a tiny article, its sidecar, and events, actors and places written as CSV."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

from components.config import DATA_ENV, SEEDS_ENV, STORE_ENV
from components.loader import Dataset, load
from components.schema import Actors, Events, Places
from components.store import Store

ARTICLE = "tiny.txt"
TEXT = (
    "Tiny Times, 2 March 2021.\n"
    "Ruritanian troops are based near Alpha. Rur Security Services contractors guard Beta.\n"
    "In February, Borduria signed a truce with Ruritania.\n"
    "Syldavia sent advisers to Gamma on 1 March.\n"
)

ACTORS = [
    {"name": "Ruritania", "kind": "state", "country": "Ruritania", "military_role": "intervening state",
     "quote": "Ruritanian troops"},
    {"name": "Ruritanian armed forces", "aliases": "Ruritanian troops", "kind": "state armed forces",
     "country": "Ruritania", "sponsor": "Ruritania", "military_role": "force", "quote": "Ruritanian troops"},
    {"name": "Rur Security Services", "kind": "private military company", "country": "Ruritania",
     "sponsor": "Ruritania", "military_role": "force", "quote": "Rur Security Services contractors"},
    {"name": "Borduria", "kind": "state", "country": "Borduria", "foreign": "no", "quote": "Borduria"},
    {"name": "Syldavia", "kind": "state", "country": "Syldavia", "military_role": "intervening state",
     "quote": "Syldavia sent advisers"},
]  # fmt: skip

PLACES = [
    {"name": "Alpha", "latitude": "32.0", "longitude": "13.0", "precision": "town", "coord_source": "test"},
    {"name": "Beta", "latitude": "32.3", "longitude": "13.2", "precision": "town", "coord_source": "test"},
    {"name": "Gamma", "latitude": "29.0", "longitude": "16.0", "precision": "town", "coord_source": "test"},
    {"name": "Libya", "precision": "country"},
]

EVENTS = [
    {"event_id_cnty": "T1", "event_date": "2021-03-02", "actor1": "Ruritanian armed forces", "location": "Alpha",
     "geo_precision": "2", "quote": "Ruritanian troops are based near Alpha.", "event_kind": "presence",
     "date_basis": "report"},
    {"event_id_cnty": "T2", "event_date": "2021-03-02", "actor1": "Rur Security Services", "location": "Beta",
     "geo_precision": "1", "quote": "Rur Security Services contractors guard Beta.", "event_kind": "presence",
     "date_basis": "report"},
    {"event_id_cnty": "T3", "event_date": "2021-02-01", "time_precision": "3", "actor1": "Borduria",
     "actor2": "Ruritania", "quote": "In February, Borduria signed a truce with Ruritania.",
     "event_kind": "agreement", "milestone": "ceasefire"},
    {"event_id_cnty": "T4", "event_date": "2021-03-01", "actor1": "Syldavia", "location": "Gamma",
     "geo_precision": "1", "quote": "Syldavia sent advisers to Gamma on 1 March.", "event_kind": "ground activity",
     "milestone": "withdrawal deadline"},
]  # fmt: skip

EVENT_DEFAULTS = {
    "time_precision": "1",
    "disorder_type": "Strategic developments",
    "event_type": "Strategic developments",
    "sub_event_type": "Other",
    "iso": "434",
    "region": "Northern Africa",
    "country": "Libya",
    "source": "Tiny Times",
    "fatalities": "0",
    "article": ARTICLE,
    "date_basis": "event",
}


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> None:
    """Write rows as a CSV with the declared columns; missing cells are empty."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: row.get(c, "") for c in columns} for row in rows)


def write_dataset(
    root: Path,
    events: list[dict[str, str]] | None = None,
    actors: list[dict[str, str]] | None = None,
    places: list[dict[str, str]] | None = None,
    text: str = TEXT,
    publisher: str = "Tiny Times",
) -> tuple[Path, Path]:
    """Write a data directory and a seeds directory under root; return both."""
    data, seeds = root / "data", root / "seeds"
    data.mkdir(parents=True, exist_ok=True)
    seeds.mkdir(parents=True, exist_ok=True)
    (seeds / ARTICLE).write_text(text, encoding="utf-8")
    meta = {
        "article": ARTICLE,
        "publisher": publisher,
        "headline": "Tiny",
        "published": "2021-03-02T09:00",
        "language": "en",
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
    }
    (seeds / "tiny.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    rows = [{**EVENT_DEFAULTS, "year": e["event_date"][:4], **e} for e in (EVENTS if events is None else events)]
    write_csv(data / Events.file, Events.names(), rows)
    actor_rows = [{"foreign": "yes", "article": ARTICLE, **a} for a in (ACTORS if actors is None else actors)]
    write_csv(data / Actors.file, Actors.names(), actor_rows)
    place_rows = [{"country": "Libya", **p} for p in (PLACES if places is None else places)]
    write_csv(data / Places.file, Places.names(), place_rows)
    return data, seeds


def tiny(root: Path, **tables: list[dict[str, str]]) -> Dataset:
    """Write and load a tiny dataset."""
    return load(*write_dataset(root, **tables))


REPO = Path(__file__).resolve().parent.parent
# The shipped data and article of the source article, frozen as committed (tests/fixtures/README.md): the tests read
# these, never the live data/ and seeds/, which the analysts change in normal use (Accept, ingest, import).
FROZEN_DATA = Path(__file__).resolve().parent / "fixtures" / "curated"
FROZEN_SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"


def copy_data(data: Path) -> Path:
    """A writable copy of the frozen data files in the folder data."""
    data.mkdir(parents=True, exist_ok=True)
    for csv_file in FROZEN_DATA.glob("*.csv"):
        shutil.copyfile(csv_file, data / csv_file.name)
    return data


def copy_seeds(seeds: Path) -> Path:
    """A writable copy of the frozen article and its sidecar in the folder seeds."""
    shutil.copytree(FROZEN_SEEDS, seeds, copy_function=shutil.copyfile, dirs_exist_ok=True)
    return seeds


def shipped(root: Path) -> tuple[Path, Path]:
    """A copy of the frozen data files in root/data (imports land beside them), and the frozen seeds (read only:
    a test that ingests copies them with copy_seeds)."""
    return copy_data(root / "data"), FROZEN_SEEDS


def store_of(data: Path, seeds: Path, root: Path) -> Store:
    """A store of these folders, kept in root/store, in step with the files."""
    store = Store(data, seeds, root / "store" / "events.duckdb")
    store.refresh()
    return store


def tiny_store(root: Path, **tables: list[dict[str, str]]) -> Store:
    """Write a tiny dataset and open its store."""
    return store_of(*write_dataset(root, **tables), root)


def use_data(monkeypatch: object, data: Path, seeds: Path, store: Path) -> None:
    """Point the app and the commands at these folders and a store of their own."""
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(SEEDS_ENV, str(seeds))
    monkeypatch.setenv(STORE_ENV, str(store))


# Names no one has read, as ACLED and UCDP files may bring: markdown and plotly's HTML that would call another host.
OTHER_HOST = "other-host.invalid"
EVIL_STATE = f"![pix](http://{OTHER_HOST}/state.png) Evilland"
EVIL_FORCE = f'<a href="http://{OTHER_HOST}/">Evil</a> **Corp**'
EVIL_PLACE = "<b>Bold</b> [Town](http://other-host.invalid/town)"
EVIL_PUBLISHER = f"Pub ![pix](http://{OTHER_HOST}/pub.png)"
EVIL_TEXT = (
    f"{EVIL_PUBLISHER}, 2 March 2021.\n{EVIL_FORCE} fighters are based in {EVIL_PLACE}.\n{EVIL_STATE} sent them.\n"
)


def write_hostile(root: Path) -> tuple[Path, Path]:
    """A dataset whose publisher, state, force and place names are markdown and HTML pointing at another host."""
    actors = [
        {"name": EVIL_STATE, "kind": "state", "military_role": "intervening state", "quote": f"{EVIL_STATE} sent"},
        {"name": EVIL_FORCE, "kind": "private military company", "sponsor": EVIL_STATE, "military_role": "force",
         "quote": f"{EVIL_FORCE} fighters"},
    ]  # fmt: skip
    places = [{"name": EVIL_PLACE, "latitude": "32.0", "longitude": "13.0", "precision": "town", "coord_source": "t"}]
    events = [
        {"event_id_cnty": "H1", "event_date": "2021-03-02", "actor1": EVIL_FORCE, "assoc_actor_1": EVIL_STATE,
         "location": EVIL_PLACE, "geo_precision": "1", "quote": f"{EVIL_FORCE} fighters are based in {EVIL_PLACE}.",
         "event_kind": "presence", "date_basis": "report"},
        {"event_id_cnty": "H2", "event_date": "2021-03-01", "actor1": EVIL_STATE, "quote": f"{EVIL_STATE} sent them.",
         "event_kind": "statement"},
    ]  # fmt: skip
    return write_dataset(root, events, actors, places, text=EVIL_TEXT, publisher=EVIL_PUBLISHER)


def run_command(argv: list[str], capsys: object) -> tuple[int, str, str]:
    """Run `conflict-monitor` in this process: (exit code, stdout, stderr)."""
    import pytest

    from components import cli

    with pytest.raises(SystemExit) as done:
        cli.main(argv)
    out = capsys.readouterr()
    code = done.value.code
    return (code if isinstance(code, int) else 1), out.out, out.err + (code if isinstance(code, str) else "")


def run_entry(main: object, capsys: object, *args: object) -> tuple[int, str, str]:
    """Run a command-line entry point (components.cli.main, components.briefing.main) in this process as Python would
    run it as a program: (exit code, stdout, stderr). Returning is exit code 0; SystemExit with a message is exit
    code 1 with the message as a line on stderr."""
    try:
        main(*args)
        code = 0
    except SystemExit as done:
        code = done.code
    out = capsys.readouterr()
    if code is None or isinstance(code, int):
        return code or 0, out.out, out.err
    return 1, out.out, f"{out.err}{code}\n"


def kept_ids(prepared: object, chosen: object) -> list[str]:
    """The event ids the filters keep in a prepared store, sorted."""
    from components import filters

    where = filters.where(chosen, prepared.options, prepared.registry, prepared.names)
    return sorted(r[0] for r in prepared.store.rows(f"SELECT event_id FROM events WHERE {where}", where.params))


class Recording:
    """A DuckDB connection that keeps the text of every statement run on it (and every name registered)."""

    def __init__(self, con: object) -> None:
        """Wrap a connection."""
        self.con, self.sql = con, []

    def execute(self, sql: str, params: object = None) -> object:
        """Run a statement, keeping its text."""
        self.sql.append(sql)
        return self.con.execute(sql, params or [])

    def register(self, name: str, data: object) -> object:
        """Register a frame, keeping its name."""
        self.sql.append(name)
        return self.con.register(name, data)

    def __getattr__(self, name: str) -> object:
        """Everything else, from the connection."""
        return getattr(self.con, name)
