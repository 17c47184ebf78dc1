"""The event store: one embedded DuckDB database holding every event of every file, in one model, read by many.

The files are the truth: data/events.csv with actors.csv, places.csv and the articles in seeds/, and the dataset
files imported under data/sources/<format>/, each kept byte for byte beside a sidecar saying what it gave. The
database is a cache derived from them: deleting its folder (default <data>/.store/, or $CONFLICT_MONITOR_STORE)
loses nothing, and each file is read again only when its checksum changes.

Generations, so that a team can read while one of them writes: the folder holds numbered database files
(`events-000007.duckdb`) and `CURRENT`, which names the one to read. Every process (each `serve` replica, each
command) opens the current one read-only, and every query runs on a cursor of its own, so sessions never share
one. A change (a file imported, an accept, a file edited by hand) is made by the one process holding the folder's
write lock, on a copy of the current generation (components/importer.py); once the copy is whole it is named in
`CURRENT`, and every reader takes it at its next rerun. Readers never wait for a writer.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from components import loader
from components.actors import Registry
from components.config import DATABASE, store_path
from components.datafiles import (
    curated_change,
    curated_files,
    curated_stamp,
    dataset_changes,
    dataset_files,
    folders_key,
)
from components.files import try_locked, write_atomic
from components.importer import MEMORY_LIMIT, SCHEMA_VERSION, Builder, Imported, check
from components.loader import Dataset
from components.progress import Report, quiet
from components.queries import summaries
from components.schema import Model, StoredFiles, StoredUnreadable
from components.sql import execute, ident, single

CURRENT, WRITE_LOCK = "CURRENT", "write.lock"
GENERATION = re.compile(r"events-(\d{6,})\.duckdb")


@dataclass(frozen=True)
class Recorded:
    """What a generation records of itself: its meta table, its summaries' parameters, the files it holds (size,
    mtime, checksum) and those it could not read (size, mtime)."""

    meta: dict[str, str]
    summaries: dict | None
    known: dict[str, tuple]
    failed: dict[str, tuple]


class StoreError(Exception):
    """The store cannot be opened or written: one line saying why and what to do."""


class Session:
    """Queries on one cursor, in turn: they share its temporary tables (queries.reader.Reader, on one cursor)."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor

    def df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """A query's result as a frame."""
        return execute(self._cursor, sql, params).df()

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        """A query's result as tuples."""
        return execute(self._cursor, sql, params).fetchall()

    def value(self, sql: str, params: dict | None = None) -> object:
        """A query's single value."""
        return self.rows(sql, params)[0][0]

    def keep(self, table: str, sql: str, params: dict | None = None) -> None:
        """Keep a query's result as a temporary table of this cursor (`table` is the project's own name)."""
        execute(self._cursor, f"CREATE OR REPLACE TEMP TABLE {ident(table)} AS {sql}", params)

    def batches(self, sql: str, params: dict | None, rows: int) -> pa.RecordBatchReader:
        """A query's result as Arrow batches: a relation streams them, an executed result would be copied whole."""
        return self._cursor.sql(single(sql), params=params).to_arrow_reader(rows)

    def session(self) -> contextlib.AbstractContextManager[Session]:
        """This same session (left open: it is its owner's)."""
        return contextlib.nullcontext(self)


class Pinned:
    """A reader on one generation, whatever the store adopts meanwhile: each query on a cursor of its own."""

    def __init__(self, root: duckdb.DuckDBPyConnection, spawn: threading.Lock) -> None:
        self._root, self._spawn = root, spawn

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A session on a cursor of its own, for a reader's several statements (its temporary tables are its own)."""
        with self._spawn:
            cursor = self._root.cursor()
        with cursor:
            yield Session(cursor)

    def df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """A query's result as a frame, on a cursor of its own (sessions query from several threads)."""
        with self.session() as db:
            return db.df(sql, params)

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        """A query's result as tuples."""
        with self.session() as db:
            return db.rows(sql, params)

    def value(self, sql: str, params: dict | None = None) -> object:
        """A query's single value."""
        return self.rows(sql, params)[0][0]


class Store:
    """The events as the current generation holds them, kept in step with the files; one per process, shared by its
    sessions (each query on a cursor of its own)."""

    def __init__(self, data: Path, seeds: Path, path: Path | None = None) -> None:
        self.data, self.seeds = Path(data), Path(seeds)
        self.path = Path(path or store_path(self.data))
        self.folder = self.path.parent
        self.folder.mkdir(parents=True, exist_ok=True)
        self._spawn = threading.Lock()  # cursors are made one at a time; queries then run side by side
        self._opening = threading.Lock()
        self._root: duckdb.DuckDBPyConnection | None = None  # never queried itself: it only makes cursors
        self.generation = ""
        self._same: set[tuple] = set()  # stamps seen to have the bytes this generation holds (a touch, a copy)
        self._curated: tuple[str, Dataset, Registry] | None = None
        self._recorded: tuple[str, Recorded | None] = ("", None)  # a generation, and what it records of itself
        self._adopt()

    # -- generations ------------------------------------------------------------------------------------------

    def _named(self) -> str:
        """The generation CURRENT names ('' before the first one is built, or when it names no file)."""
        try:
            name = (self.folder / CURRENT).read_text(encoding="utf-8").strip()
        except OSError:
            return ""
        return name if GENERATION.fullmatch(name) and (self.folder / name).is_file() else ""

    def _adopt(self) -> bool:
        """Read the generation CURRENT names, if it is not the one open already; True when it changed."""
        name = self._named()
        if not name or name == self.generation:
            return False
        with self._opening:  # sessions rerunning together open the new generation once
            if name == self.generation:
                return False
            return self._open(name)

    def _open(self, name: str) -> bool:
        """Open a generation read-only and make it the one queries run on."""
        self._temp().parent.mkdir(parents=True, exist_ok=True)
        config = {"threads": 2, "memory_limit": MEMORY_LIMIT, "temp_directory": str(self._temp())}
        try:
            root = duckdb.connect(str(self.folder / name), read_only=True, config=config)
            root.execute("ATTACH IF NOT EXISTS ':memory:' AS scratch (READ_WRITE)")  # Store.narrowed's row ids
        except duckdb.Error as err:
            raise StoreError(f"the event store cannot be read ({str(err).splitlines()[0]}): delete the folder "
                             f"{self.folder.name}/ and it is rebuilt from the files") from None  # fmt: skip
        with self._spawn:
            # The previous root is dropped, not closed: cursors still running on it keep it until they finish.
            self._root, self.generation = root, name
        self._same.clear()
        return True

    def _temp(self) -> Path:
        """Where this process's big queries may spill: a folder of its own (two readers never share a temp file)."""
        return self.folder / "tmp" / f"reader-{os.getpid()}"

    def _records(self) -> Recorded:
        """What the current generation records of itself: its meta table, the files it holds and those it could not
        read. Read once per generation: a published one never changes, and every rerun asks (`_stale`)."""
        name, found = self._recorded
        current = self.generation
        if found is None or name != current or not current:
            meta = dict(self.rows("SELECT key, value FROM meta")) if self._root else {}
            known, failed = {}, {}
            if meta.get("schema") == SCHEMA_VERSION:  # an older schema's tables may differ: it is rebuilt anyway
                files = f"SELECT source_file, size, mtime_ns, sha256 FROM {StoredFiles.file}"
                known = {r[0]: r[1:] for r in self.rows(files)}
                failed = {
                    r[0]: r[1:] for r in self.rows(f"SELECT source_file, size, mtime_ns FROM {StoredUnreadable.file}")
                }
            found = Recorded(meta, summaries.read_recorded(meta.get(summaries.META)), known, failed)
            if self.generation == current:  # kept unless another session's rerun took a newer one meanwhile
                self._recorded = (current, found)
        return found

    def summaries(self) -> dict | None:
        """What the current generation's summaries of the views were built with (None: it has none)."""
        return self._records().summaries if self._root else None

    def _stale(self) -> bool:
        """True when the files say something the current generation does not hold (cheap: stats, and what the
        generation records, read once)."""
        if self._root is None:
            return True
        recorded = self._records()
        meta = recorded.meta
        if meta.get("schema") != SCHEMA_VERSION or recorded.summaries is None:
            return True
        if meta.get("folders") != folders_key(self.data, self.seeds):
            return True
        curated = curated_change(self.data, self.seeds, meta.get("curated_stamp"), self._same)
        if curated is not None:
            if curated.digest != meta.get("curated"):
                return True
            self._same.add(curated.seen)
        for change in dataset_changes(self.data, recorded.known, recorded.failed, self._same):
            if not change.touched:
                return True
            self._same.add(change.seen)  # the same bytes, touched: not worth a generation
        return False

    @contextlib.contextmanager
    def _building(self, blocking: bool) -> Iterator[Builder | None]:
        """A builder on a copy of the current generation, under the write lock; published when the block ends
        without an error. None when another process is writing and `blocking` is false."""
        with try_locked(self.folder / WRITE_LOCK, blocking) as held:
            if not held:
                yield None
                return
            self._adopt()  # another process may have published while we waited
            base = self.folder / self.generation if self.generation else None
            numbers = [int(m[1]) for p in self.folder.iterdir() if (m := GENERATION.fullmatch(p.name))]
            name = f"events-{max(numbers, default=0) + 1:06d}.duckdb"
            target, temp = self.folder / name, self.folder / "tmp" / "writer"
            shutil.rmtree(temp, ignore_errors=True)  # a writer killed midway leaves its spill files
            temp.parent.mkdir(exist_ok=True)
            try:
                if base is not None:
                    shutil.copyfile(base, target)
                builder = Builder(self.data, self.seeds, target, temp)
                builder.clean()
                try:
                    yield builder
                    builder.finish()
                finally:
                    builder.close()
                if not builder.changed:  # the same files again: the copy says nothing new
                    target.unlink(missing_ok=True)
                    return
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            write_atomic(self.folder / CURRENT, (name + "\n").encode())
            self._adopt()
            self._clean(keep={name, base.name if base else name})

    def _clean(self, keep: set[str]) -> None:
        """Remove every generation but the new one and the one it replaced (a reader of that one may still be
        mid-query: the file lives on for processes that hold it open), the store of the code before, and spill
        folders of processes that are gone."""
        for old in self.folder.iterdir():
            name = old.name.removesuffix(".wal")
            if (GENERATION.fullmatch(name) and name not in keep) or name == DATABASE:
                old.unlink(missing_ok=True)
        for spill in (self.folder / "tmp").glob("reader-*"):
            with contextlib.suppress(ValueError):
                if not _alive(int(spill.name.removeprefix("reader-"))):
                    shutil.rmtree(spill, ignore_errors=True)

    @property
    def version(self) -> int:
        """A number that changes whenever the events do: the generation's."""
        return int(GENERATION.fullmatch(self.generation)[1]) if self.generation else 0

    @property
    def key(self) -> str:
        """Which store, at which generation: the key of every cache of what it answers."""
        return f"{self.folder}@{self.generation}"

    # -- reading ----------------------------------------------------------------------------------------------

    def pinned(self) -> Pinned:
        """A reader on the current generation, kept for a selection's several queries even if another is adopted."""
        if self._root is None:
            raise StoreError("the event store is not built yet: refresh it first")
        return Pinned(self._root, self._spawn)

    def session(self) -> contextlib.AbstractContextManager[Session]:
        """A session on a cursor of its own, for a reader's several statements (its temporary tables are its own)."""
        return self.pinned().session()

    def df(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """A query's result as a frame, on a cursor of its own (sessions query from several threads)."""
        return self.pinned().df(sql, params)

    def rows(self, sql: str, params: dict | None = None) -> list[tuple]:
        """A query's result as tuples."""
        return self.pinned().rows(sql, params)

    def value(self, sql: str, params: dict | None = None) -> object:
        """A query's single value."""
        return self.pinned().value(sql, params)

    @contextlib.contextmanager
    def narrowed(self, reader: Pinned, sql: str, params: dict) -> Iterator[tuple[str, str]]:
        """The rows matching a costly condition (a distance, a list of names), computed once into a table of the
        process's scratch database, which every cursor of the reader's generation sees: views then run side by side
        on it instead of computing the condition again. Yields the condition on the events (their row id among the
        kept), and the table, whose rows carry summaries.KEPT (what the timeline groups and the events table sorts)."""
        table = f"scratch.chosen_{uuid.uuid4().hex}"
        kept = ", ".join(summaries.KEPT)
        reader.rows(f"CREATE TABLE {table} AS SELECT rowid AS rid, {kept} FROM {Model.file} WHERE {sql}", params)
        try:
            yield f"{Model.file}.rowid IN (SELECT rid FROM {table})", table
        finally:
            reader.rows(f"DROP TABLE IF EXISTS {table}")

    @property
    def curated(self) -> Dataset:
        """The curated files as loaded and checked (the review page and the filters read them), per their stamp."""
        return self._curated_now()[1]

    @property
    def registry(self) -> Registry:
        """The curated actors' registry."""
        return self._curated_now()[2]

    def _curated_now(self) -> tuple[str, Dataset, Registry]:
        """The curated files, read again only when one of them changed."""
        stamp = curated_stamp(curated_files(self.data, self.seeds))
        if self._curated is None or self._curated[0] != stamp:
            dataset = loader.load(self.data, self.seeds)
            self._curated = (stamp, dataset, Registry(dataset.actors))
        return self._curated

    @property
    def unreadable(self) -> dict[str, str]:
        """Files under data/sources/ that could not be loaded, and why."""
        return dict(self.rows(f"SELECT source_file, reason FROM {StoredUnreadable.file} ORDER BY 1"))

    def files(self, dated: bool = True) -> pd.DataFrame:
        """Each loaded file: format, rows, events, problem rows, and (`dated`: a pass over its events) date range and
        countries."""
        if not dated:
            return self.df(
                f"SELECT source_file AS file, format, rows_read, events, problem_rows, imported_at "
                f"FROM {StoredFiles.file} ORDER BY seq"
            )
        return self.df(
            f"""SELECT f.source_file AS file, f.format, f.rows_read, f.events, f.problem_rows, f.imported_at,
                       min(e.start_date) AS first_day, max(e.end_date) AS last_day,
                       string_agg(DISTINCT e.country, ', ' ORDER BY e.country) AS countries
                FROM {StoredFiles.file} f LEFT JOIN {Model.file} e USING (source_file)
                GROUP BY ALL ORDER BY any_value(f.seq)"""
        )

    def dataset_files(self) -> list[Path]:
        """The imported files under data/sources/, the store's own files left out."""
        return dataset_files(self.data)

    # -- writing ----------------------------------------------------------------------------------------------

    def current(self) -> bool:
        """Whether the newest generation holds what the files say (nothing to build)."""
        self._adopt()
        return not self._stale()

    def refresh(self, progress: Report = quiet, wait: bool | None = None) -> bool:
        """Take the newest generation, and build the next one when the files changed; True when the events did.

        A rerun does not wait while another process writes (`wait` False): it reads the current generation and
        takes the new one at a later rerun. Before the first generation exists every caller waits for it.
        """
        changed = self._adopt()
        if not self._stale():
            return changed
        with self._building(blocking=wait if wait is not None else self._root is None) as builder:
            if builder is None:
                return changed
            builder.sync(progress)
            built = builder.changed
        return changed or built

    def import_file(
        self, path: Path, forced: str | None = None, progress: Report = quiet, origin: str | None = None
    ) -> Imported:
        """Check, copy in byte for byte, and load one dataset file into a new generation. Raise UnreadableFile,
        copying nothing. `origin` says where the file came from, in its sidecar (by default the path it was
        imported from)."""
        path = Path(path)
        detected, digest = check(path, forced, progress)
        with self._building(blocking=True) as builder:
            builder.sync()  # what changed on disk first: an import never hides an edit
            result = builder.twin(digest, detected.format.name) or builder.import_file(
                path, detected, digest, progress, origin or str(path.resolve())
            )
        return result

    def close(self) -> None:
        """Let go of the database (cursors still running finish first)."""
        with self._spawn:
            self._root, self.generation = None, ""


def _alive(pid: int) -> bool:
    """Whether a process of this machine is running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
