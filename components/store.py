"""The event store: one embedded DuckDB database holding every event of every file, in one model.

The files are the truth: data/events.csv with actors.csv, places.csv and the articles in seeds/, and the dataset
files imported under data/sources/<format>/, each kept byte for byte beside a sidecar saying what it gave. The
database (default <data>/.store/events.duckdb, or $CONFLICT_MONITOR_STORE) is a cache derived from them: deleting
it loses nothing, and each file is read again only when its checksum changes.

Every row of every file is either an event or a problem; an event keeps its file and line. ACLED revises events
under the same id: all versions are kept, and the one with the latest timestamp (then the latest import) is
`current`, which is what the views show.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from components import loader
from components.actors import Registry
from components.files import copy_atomic, write_atomic
from components.loader import Dataset, Problem
from components.progress import Report, quiet
from components.schema import SQL_TYPES, Actors, Model, Places, StoredFiles, StoredProblems
from components.sources import article, csvfile
from components.sources.base import lit
from components.sources.csvfile import SourceFileError
from components.sources.detect import Detected, detect

STORE_ENV = "CONFLICT_MONITOR_STORE"
SOURCES = "sources"  # data/sources/<format>/<file>: the analyst's files, never edited
SIDECAR = ".meta.json"
DATABASE = "events.duckdb"
# Bump when the model or a format's mapping changes: a store built by other code is rebuilt from the files.
SCHEMA_VERSION = "5"
# Derived from actors.csv: recomputed when it changes, never re-imported.
DERIVED = (Model.backer, Model.lane, Model.forces, Model.actor_bits)
# Columns that say what an event is (not where it was read): a changed one makes a re-import an update.
CONTENT = [c for c in Model.names() if c not in (Model.source_file, Model.line, *DERIVED)]
EXTRA = {"seq": "BIGINT", "current": "BOOLEAN", "row_hash": "UBIGINT"}  # bookkeeping beside the model
CURATED = (loader.Events.file, Actors.file, Places.file)
MEMORY_LIMIT = "1GB"


# distance_km(lat1, lon1, lat2, lon2): Lambert's formula for the WGS 84 ellipsoid, over whole columns (a test checks
# it against geopy's geodesic to 0.1%; it is closer than that): the radius filter runs in SQL, not a Python loop.
AXIS_KM, FLATTENING = 6378.137, 1 / 298.257223563
DISTANCE_MACROS = (
    f"CREATE OR REPLACE MACRO _beta(phi) AS atan((1 - {FLATTENING}) * tan(radians(phi)))",
    "CREATE OR REPLACE MACRO _sigma(b1, b2, dlon) AS "
    "2 * asin(least(1, sqrt(pow(sin((b2 - b1) / 2), 2) + cos(b1) * cos(b2) * pow(sin(dlon / 2), 2))))",
    f"""CREATE OR REPLACE MACRO _lambert(b1, b2, s) AS {AXIS_KM} * (s - {FLATTENING} / 2 * (
        (s - sin(s)) * pow(sin((b1 + b2) / 2), 2) * pow(cos((b2 - b1) / 2), 2) / pow(cos(s / 2), 2)
        + (s + sin(s)) * pow(cos((b1 + b2) / 2), 2) * pow(sin((b2 - b1) / 2), 2) / pow(sin(s / 2), 2)))""",
    """CREATE OR REPLACE MACRO distance_km(lat1, lon1, lat2, lon2) AS CASE WHEN lat1 = lat2 AND lon1 = lon2 THEN 0.0
        ELSE _lambert(_beta(lat1), _beta(lat2), _sigma(_beta(lat1), _beta(lat2), radians(lon2 - lon1))) END""",
)


class StoreError(Exception):
    """The store cannot be opened or written: one line saying why and what to do."""


@dataclass
class Imported:
    """What one file gave: rows read = events + problem rows, and how the events changed the store."""

    file: str
    format: str
    rows_read: int = 0
    events: int = 0
    problem_rows: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    copied: bool = True  # False when the same bytes were already imported

    def line(self) -> str:
        """The command's one line per file."""
        again = "" if self.copied else " (the same bytes were imported before: nothing copied)"
        return (
            f"{self.file}: {self.format}, {self.rows_read:,} rows read: {self.events:,} events "
            f"({self.added:,} added, {self.updated:,} updated, {self.unchanged:,} unchanged), "
            f"{self.problem_rows:,} rows with problems{again}"
        )


def store_path(data: Path) -> Path:
    """The database file: $CONFLICT_MONITOR_STORE (a folder), else <data>/.store/."""
    return Path(os.environ.get(STORE_ENV) or data / ".store") / DATABASE


def sha256(path: Path) -> str:
    """The file's checksum, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 24):
            digest.update(chunk)
    return digest.hexdigest()


def _table_sql(name: str, columns: list[tuple[str, str]]) -> str:
    """CREATE TABLE for declared columns."""
    return f"CREATE TABLE IF NOT EXISTS {name} (" + ", ".join(f'"{c}" {t}' for c, t in columns) + ")"


class Reader:
    """Queries on one cursor, in turn: they share its temporary tables (see Store.narrowed)."""

    CHOSEN = f"{Model.file}.rowid IN (SELECT rid FROM chosen)"

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self.cursor = cursor

    def df(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """A query's result as a frame."""
        return self.cursor.execute(sql, params or []).df()

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        """A query's result as tuples."""
        return self.cursor.execute(sql, params or []).fetchall()

    def value(self, sql: str, params: list | dict | None = None) -> object:
        """A query's single value."""
        return self.rows(sql, params)[0][0]

    def session(self) -> contextlib.AbstractContextManager:
        """The same cursor (left open: it is the reader's)."""
        return contextlib.nullcontext(self.cursor)


class Store:
    """The database of events, kept in step with the files; one per process, shared by its sessions."""

    def __init__(self, data: Path, seeds: Path, path: Path | None = None) -> None:
        self.data, self.seeds = Path(data), Path(seeds)
        self.path = path or store_path(self.data)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.IOException as err:
            held = re.search(r"PID (\d+)", str(err))
            by = f" by process {held[1]}" if held else ""
            raise StoreError(
                f"the event store {self.path} is in use{by} (a running dashboard?): stop it, or import from the "
                f"dashboard's data page (?view=review), or set {STORE_ENV} to another folder"
            ) from None
        self.con.execute("SET threads = 2")
        self.con.execute("SET enable_progress_bar = false")  # our own bar says what stage; DuckDB's would interleave
        self.con.execute("SET preserve_insertion_order = true")  # raw rows stay in file order: lines depend on it
        # A million-row import stays well under 2 GB: past this DuckDB spills to a folder beside the database.
        self.con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self.con.execute("SET temp_directory = ?", [str(self.path.parent / "tmp")])
        self.lock = threading.RLock()  # one writer at a time; readers use their own cursors
        self.curated: Dataset | None = None
        self.unreadable: dict[str, str] = {}  # files under data/sources/ that could not be loaded, and why
        self._failed: dict[str, tuple[int, int]] = {}  # their size and mtime: not tried again until they change
        self.registry: Registry | None = None
        self._curated_stamp: tuple = ()
        self._schema()

    # -- schema and bookkeeping -------------------------------------------------------------------------------

    def _schema(self) -> None:
        """Create the tables; a store written by other code (another schema version) is emptied and rebuilt."""
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        if self._meta("schema") not in (None, SCHEMA_VERSION):
            for table in (Model.file, StoredProblems.file, StoredFiles.file, "meta"):
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
            self.con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        if self._meta("folders") not in (None, self._folders()):  # made from other files: start again from these
            for table in (Model.file, StoredProblems.file, StoredFiles.file):
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
            self.con.execute("DELETE FROM meta")
        self._set_meta("folders", self._folders())
        model = [(c.name, SQL_TYPES[c.kind]) for c in Model.columns()] + list(EXTRA.items())
        self.con.execute(_table_sql(Model.file, model))
        problems = [(c.name, SQL_TYPES[c.kind]) for c in StoredProblems.columns()] + [("seq", "BIGINT")]
        self.con.execute(_table_sql(StoredProblems.file, problems))
        self.con.execute(_table_sql(StoredFiles.file, [(c.name, SQL_TYPES[c.kind]) for c in StoredFiles.columns()]))
        for macro in DISTANCE_MACROS:
            self.con.execute(macro)
        self._set_meta("schema", SCHEMA_VERSION)

    def _folders(self) -> str:
        """The folders this store is derived from: a store built from others is rebuilt, never mixed."""
        return json.dumps([str(self.data.resolve()), str(self.seeds.resolve())])

    def _meta(self, key: str) -> str | None:
        """A value of the meta table."""
        rows = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    def _set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    @property
    def version(self) -> int:
        """A number that changes whenever the events do: the key of every cache of query results. Read on a
        cursor of its own: sessions ask for it while another session's import holds the writer's connection."""
        return int(self.value("SELECT coalesce(max(value), '0') FROM meta WHERE key = 'version'"))

    @property
    def key(self) -> str:
        """Which store, at which version: the key of every cache of what it answers."""
        return f"{self.path}@{self.version}"

    def _bump(self) -> None:
        """Note that the events changed."""
        self._set_meta("version", str(self.version + 1))

    # -- reading ----------------------------------------------------------------------------------------------

    def df(self, sql: str, params: list | dict | None = None) -> pd.DataFrame:
        """A query's result as a frame, on a cursor of its own (sessions query from several threads)."""
        with self.con.cursor() as cursor:
            return cursor.execute(sql, params or []).df()

    def session(self) -> duckdb.DuckDBPyConnection:
        """A cursor of its own, for a reader's several statements (its temporary tables are its own): use `with`."""
        return self.con.cursor()

    @contextlib.contextmanager
    def narrowed(self, sql: str, params: list) -> Iterator[Reader]:
        """A reader whose `chosen` table holds the row ids matching a costly condition, computed once: the views'
        queries then join on it instead of computing the condition again in every pass."""
        with self.con.cursor() as cursor:
            cursor.execute(f"CREATE TEMP TABLE chosen AS SELECT rowid AS rid FROM {Model.file} WHERE {sql}", params)
            yield Reader(cursor)

    def rows(self, sql: str, params: list | dict | None = None) -> list[tuple]:
        """A query's result as tuples."""
        with self.con.cursor() as cursor:
            return cursor.execute(sql, params or []).fetchall()

    def value(self, sql: str, params: list | dict | None = None) -> object:
        """A query's single value."""
        return self.rows(sql, params)[0][0]

    def _all(self, sql: str, params: list | None = None) -> list[tuple]:
        """A query on the writer's own connection: it sees its temporary tables and its open transaction."""
        return self.con.execute(sql, params or []).fetchall()

    def _one(self, sql: str, params: list | None = None) -> object:
        """A single value, on the writer's connection."""
        return self._all(sql, params)[0][0]

    # -- keeping in step with the files -----------------------------------------------------------------------

    def refresh(self, progress: Report = quiet) -> bool:
        """Read what changed among the files since the store was written; True when the events changed."""
        with self.lock:
            changed = self._refresh_curated()
            changed |= self._refresh_sources(progress)
            if changed:
                self._bump()
            return changed

    def _curated_files(self) -> list[Path]:
        """The curated files and the articles: what the article's events are checked against."""
        articles = sorted(self.seeds.glob("*")) if self.seeds.is_dir() else []
        return [self.data / name for name in CURATED] + [p for p in articles if p.is_file() and p.name[0] != "."]

    def _refresh_curated(self) -> bool:
        """Reload the curated files when one of them changed; redo what depends on them."""
        files = self._curated_files()
        stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())
        if stamp == self._curated_stamp and self.curated is not None:
            return False
        self.curated = loader.load(self.data, self.seeds)
        self.registry = Registry(self.curated.actors)
        digest = hashlib.sha256(repr(sorted((str(p.name), sha256(p)) for p in files if p.exists())).encode())
        actors_sha = sha256(self.data / Actors.file) if (self.data / Actors.file).exists() else ""
        if self._meta("curated") == digest.hexdigest():
            self._curated_stamp = stamp
            return False  # a restart, or a touch: same bytes, nothing to redo
        self.con.execute("BEGIN")
        try:
            self.con.execute(f"DELETE FROM {Model.file} WHERE dataset = 'article'")
            self.con.execute(f"DELETE FROM {StoredProblems.file} WHERE seq = 0")
            frame = article.to_model(self.curated)
            self._insert(frame, seq=0)
            problems = pd.DataFrame(
                [(p.file, p.line, p.column, p.value, p.expected, 0) for p in self.curated.problems],
                columns=[*StoredProblems.names(), "seq"],
            )
            self.con.register("curated_problems", problems)
            self.con.execute(f"INSERT INTO {StoredProblems.file} SELECT * FROM curated_problems")
            self.con.unregister("curated_problems")
            everything = self._meta("actors") != actors_sha  # new aliases can change any event's backer
            self._derive("true" if everything else "dataset = 'article'")
            self._current(f"SELECT uid FROM {Model.file} WHERE dataset = 'article'")
            self._set_meta("curated", digest.hexdigest())
            self._set_meta("actors", actors_sha)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        self._curated_stamp = stamp  # only now: a failure above is tried again at the next refresh
        return True

    def source_files(self) -> list[Path]:
        """The imported files under data/sources/, sidecars and notes left out."""
        root = self.data / SOURCES
        if not root.is_dir():
            return []
        found = [p for p in root.glob("*/*") if p.is_file() and not p.name.endswith(SIDECAR)]
        return sorted(p for p in found if not p.name.startswith(".") and p.name.lower() != "readme.md")

    def _refresh_sources(self, progress: Report) -> bool:
        """Load new or changed files under data/sources/, forget removed ones; in the order they were imported."""
        stored = self.con.execute(f"SELECT source_file, size, mtime_ns, sha256 FROM {StoredFiles.file}").fetchall()
        known = {row[0]: row[1:] for row in stored}
        on_disk = {self._relative(p): p for p in self.source_files()}
        changed = False
        for gone in set(known) - set(on_disk):
            self._forget(gone)
            changed = True
        for gone in set(self.unreadable) - set(on_disk):
            self.unreadable.pop(gone)
            changed = True
        todo = []
        for rel, path in on_disk.items():
            stat = path.stat()
            if known.get(rel, (None, None))[:2] == (stat.st_size, stat.st_mtime_ns) or self._failed.get(rel) == (
                stat.st_size, stat.st_mtime_ns):  # fmt: skip
                continue  # the usual restart, or a file that failed and did not change: nothing read, nothing hashed
            digest = sha256(path)
            if rel in known and known[rel][2] == digest:
                self.con.execute(
                    f"UPDATE {StoredFiles.file} SET size = ?, mtime_ns = ? WHERE source_file = ?",
                    [stat.st_size, stat.st_mtime_ns, rel],
                )
                continue
            sidecar = self._sidecar(path)
            todo.append((sidecar.get("imported_at", ""), rel, path, digest, sidecar))
        for _, rel, path, digest, sidecar in sorted(todo, key=lambda t: t[:2]):  # a later import revises an earlier
            try:
                csvfile.check_utf8(path)  # a file put there by hand was never checked by an import
                detected = detect(path, sidecar.get("format"))
                result = self._load(path, rel, detected, digest, progress, sidecar.get("imported_at"))
            except SourceFileError as err:  # the file is named on the page; the others still load
                self.unreadable[rel] = str(err)
                self._failed[rel] = (path.stat().st_size, path.stat().st_mtime_ns)
                changed = True
                continue
            self.unreadable.pop(rel, None)
            self._write_sidecar(path, result, digest, sidecar)
            changed = True
        return changed

    def _relative(self, path: Path) -> str:
        """A source file's name as stored: its path under the data directory."""
        return path.relative_to(self.data).as_posix()

    @staticmethod
    def _sidecar(path: Path) -> dict:
        """A source file's sidecar, or nothing when it has none (a file put there by hand)."""
        meta = path.with_name(path.name + SIDECAR)
        try:
            return json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _forget(self, rel: str) -> None:
        """Remove a file's events and problems; the versions it hid become current again."""
        uids = f"SELECT uid FROM {Model.file} WHERE source_file = {lit(rel)}"
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE touched AS {uids}")
        self.con.execute(f"DELETE FROM {Model.file} WHERE source_file = ?", [rel])
        self.con.execute(f"DELETE FROM {StoredProblems.file} WHERE source_file = ?", [rel])
        self.con.execute(f"DELETE FROM {StoredFiles.file} WHERE source_file = ?", [rel])
        self._current("SELECT uid FROM touched")

    # -- importing --------------------------------------------------------------------------------------------

    def import_file(
        self, path: Path, forced: str | None = None, progress: Report = quiet, origin: str | None = None
    ) -> Imported:
        """Check, copy in byte for byte, and load one dataset file. Raise SourceFileError, copying nothing.

        `origin` says where the file came from, in its sidecar (by default the path it was imported from).
        """
        path = Path(path)
        csvfile.check_utf8(path, progress)
        detected = detect(path, forced)
        digest = sha256(path)
        with self.lock:
            self._refresh_curated()  # the derived columns need the curated actors
            same = f"SELECT source_file, rows_read, events, problem_rows FROM {StoredFiles.file} WHERE sha256 = ?"
            twin = self._all(same, [digest])
            if twin:  # the same bytes again: nothing to add, nothing to copy
                rel, rows, events, problem_rows = twin[0]
                uids = self._one(f"SELECT count(DISTINCT uid) FROM {Model.file} WHERE source_file = ?", [rel])
                return Imported(rel, detected.format.name, rows, events, problem_rows, unchanged=uids, copied=False)
            target = self._target(path, detected, digest)
            copy_atomic(path, target)
            try:
                result = self._load(target, self._relative(target), detected, digest, progress)
            except Exception:
                target.unlink(missing_ok=True)
                raise
            self._write_sidecar(target, result, digest, {"original": origin or str(path.resolve())})
            self._bump()
            return result

    def _target(self, path: Path, detected: Detected, digest: str) -> Path:
        """Where an imported file is kept: data/sources/<format>/<its name>, renamed if another file has it."""
        folder = self.data / SOURCES / detected.format.name
        target = folder / path.name
        if target.exists():
            target = folder / f"{path.stem}.{digest[:12]}{path.suffix}"
        readme = self.data / SOURCES / "README.md"
        if not readme.exists():
            write_atomic(readme, README.encode("utf-8"))
        return target

    def _load(
        self,
        path: Path,
        rel: str,
        detected: Detected,
        digest: str,
        progress: Report = quiet,
        imported_at: str | None = None,
    ) -> Imported:
        """Read, check and map one file, then replace its rows in the store in one transaction."""
        raw = csvfile.read(self.con, path, detected.names, progress)
        progress("checking rows", 0.0)
        events, problems = detected.format.load(self.con, raw, rel)
        progress("storing", 0.0)
        stat = path.stat()
        imported_at = imported_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.con.execute("BEGIN")
        try:
            existing = self._one(f"SELECT any_value(seq) FROM {StoredFiles.file} WHERE source_file = ?", [rel])
            seq = existing or int(self._one(f"SELECT coalesce(max(seq), 0) + 1 FROM {StoredFiles.file}"))
            self._forget(rel)
            self.con.execute(
                f"""CREATE OR REPLACE TEMP TABLE previous AS SELECT uid, row_hash FROM {Model.file}
                    WHERE current AND uid IN (SELECT uid FROM {events})"""
            )
            self._insert_table(events, seq)
            self.con.execute(f"INSERT INTO {StoredProblems.file} SELECT *, {seq} FROM {problems}")
            self._derive(f"source_file = {lit(rel)}")
            self._current(f"SELECT uid FROM {events}")
            added, updated = self._all(
                f"""SELECT count(*) FILTER (WHERE p.uid IS NULL),
                           count(*) FILTER (WHERE p.uid IS NOT NULL AND p.row_hash <> e.row_hash)
                    FROM (SELECT DISTINCT uid, row_hash FROM {Model.file} WHERE current AND source_file = ?) e
                    LEFT JOIN previous p USING (uid)""",
                [rel],
            )[0]
            uids = int(self._one(f"SELECT count(DISTINCT uid) FROM {events}"))
            result = Imported(
                file=rel,
                format=detected.format.name,
                rows_read=raw.rows,
                events=int(self._one(f"SELECT count(*) FROM {events}")),
                problem_rows=int(self._one(f"SELECT count(DISTINCT line) FROM {problems}")),
                added=int(added),
                updated=int(updated),
                unchanged=uids - int(added) - int(updated),
                problems=[Problem(*row) for row in self._all(f'SELECT * FROM {problems} ORDER BY line, "column"')],
            )
            self.con.execute(
                f"INSERT INTO {StoredFiles.file} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [rel, detected.format.name, digest, stat.st_size, stat.st_mtime_ns, seq, result.rows_read,
                 result.events, result.problem_rows, imported_at],
            )  # fmt: skip
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        finally:
            for table in (events, problems, "previous"):
                self.con.execute(f"DROP TABLE IF EXISTS {table}")
        progress("storing", 1.0)
        return result

    def _write_sidecar(self, path: Path, result: Imported, digest: str, keep: dict) -> None:
        """What the file gave, beside it: checksum, format found, rows read, when imported, dates and countries."""
        span = self._all(
            f"SELECT min(start_date), max(end_date), list(DISTINCT country ORDER BY country) FROM {Model.file} "
            "WHERE source_file = ?",
            [result.file],
        )[0]
        imported_at = self._one(f"SELECT imported_at FROM {StoredFiles.file} WHERE source_file = ?", [result.file])
        meta = {
            **keep,
            "file": path.name,
            "sha256": digest,
            "format": result.format,
            "rows_read": result.rows_read,
            "events": result.events,
            "problem_rows": result.problem_rows,
            "imported_at": imported_at,
            "first_day": str(span[0]) if span[0] else None,
            "last_day": str(span[1]) if span[1] else None,
            "countries": span[2] or [],
        }
        write_atomic(path.with_name(path.name + SIDECAR), json.dumps(meta, indent=1).encode("utf-8"))

    # -- writing rows -----------------------------------------------------------------------------------------

    def _insert(self, frame: pd.DataFrame, seq: int) -> None:
        """Insert model rows given as a frame."""
        self.con.register("incoming", frame)
        self._insert_table("incoming", seq)
        self.con.unregister("incoming")

    def _insert_table(self, table: str, seq: int) -> None:
        """Insert model rows from a table, with their import order and a hash of what they say."""
        columns = ", ".join(f'"{c}"' for c in Model.names())
        content = ", ".join(f'"{c}"' for c in CONTENT)
        self.con.execute(
            f"INSERT INTO {Model.file} SELECT {columns}, {seq}, NULL, hash({content}) FROM {table}"
        )

    def _derive(self, where: str) -> None:
        """Set each event's backer and lane from the curated actors: per distinct list of names, not per row."""
        combos = self.con.execute(
            f"SELECT DISTINCT actors, actor1 FROM {Model.file} WHERE {where}"
        ).df()
        registry = self.registry or Registry(pd.DataFrame(columns=Actors.names()))
        combos[Model.backer] = [registry.backer(list(names)) or "" for names in combos[Model.actors]]
        combos[Model.lane] = [registry.lane(name) for name in combos[Model.actor1]]
        combos[Model.forces] = [registry.military(list(names)) for names in combos[Model.actors]]
        combos[Model.actor_bits] = [registry.bits(list(names)) for names in combos[Model.actors]]
        self.con.register("combos", combos)
        self.con.execute(  # `where` names columns only the events table has
            f"""UPDATE {Model.file} e SET backer = c.backer, lane = c.lane, forces = c.forces::VARCHAR[],
                actor_bits = c.actor_bits FROM combos c
                WHERE e.actors = c.actors AND e.actor1 = c.actor1 AND ({where})"""
        )
        self.con.unregister("combos")

    def _current(self, uids: str) -> None:
        """Mark, for each of these events, the one version the views show: latest timestamp, then latest import."""
        self.con.execute(
            f"""UPDATE {Model.file} e SET current = (r.rank = 1) FROM (
                    SELECT rowid AS rid, row_number() OVER (
                        PARTITION BY uid ORDER BY version DESC, seq DESC, line DESC) AS rank
                    FROM {Model.file} WHERE uid IN ({uids})) r
                WHERE e.rowid = r.rid"""
        )

    # -- what the dashboard and the commands ask ---------------------------------------------------------------

    def sources(self) -> pd.DataFrame:
        """Each loaded file: format, rows, events, problem rows, date range and countries."""
        return self.df(
            f"""SELECT f.source_file AS file, f.format, f.rows_read, f.events, f.problem_rows, f.imported_at,
                       min(e.start_date) AS first_day, max(e.end_date) AS last_day,
                       string_agg(DISTINCT e.country, ', ' ORDER BY e.country) AS countries
                FROM {StoredFiles.file} f LEFT JOIN {Model.file} e USING (source_file)
                GROUP BY ALL ORDER BY any_value(f.seq)"""
        )

    def close(self) -> None:
        """Close the database (the next process may open it)."""
        self.con.close()


README = """# Imported dataset files

The ACLED and UCDP files imported with `conflict-monitor import` (or the dashboard's data page), kept byte for byte,
one folder per format. Beside each, `<file>.meta.json` says what it gave: its sha256, the format found, rows read,
events and problem rows, when it was imported, its dates and countries.

These files are the analyst's data, not the project's: git ignores this folder. The event store
(`../.store/events.duckdb`) is derived from them: delete it and the dashboard rebuilds it from here.
"""
