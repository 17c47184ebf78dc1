"""The store's write side: one new generation of the database, built by the one process that holds the write lock.

A `Builder` starts from a copy of the current generation (or from nothing), brings it in step with the files
(the curated files and articles, and the dataset files under data/sources/) or imports one more file, and is
closed whole before components/store.py publishes it. Readers never see a half-built generation, and never wait
for one: they keep reading the previous one until the next rerun.

Every row of every file is either an event or a problem; an event keeps its file and line. ACLED revises events
under the same id: all versions are kept, and the one with the latest timestamp (then the latest import) is
`current`, which is what the views show. The rows themselves are written by components/eventrows.py; what each
file gave, kept beside it, is components/sidecars.py's.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from components import dates, eventrows, loader
from components.actors import Registry
from components.cells import Problem
from components.datafiles import (
    README,
    SIDECAR,
    SOURCES,
    accepted,
    curated_change,
    dataset_changes,
    folders_key,
    kept_name,
    reserved,
    sha256,
)
from components.eventrows import EXTRA
from components.files import copy_atomic, write_atomic
from components.formats import article, csvfile
from components.formats.detect import Detected, detect
from components.formats.refusal import UnreadableFile
from components.geo import DISTANCE_MACROS  # distance_km, for the radius filter
from components.loader import Dataset
from components.progress import Report, quiet
from components.queries import summaries
from components.schema import (
    SQL_TYPES,
    Actors,
    Model,
    StoredDeletions,
    StoredFiles,
    StoredProblems,
    StoredUnreadable,
    Table,
)
from components.sidecars import Imported, read_sidecar, write_sidecar
from components.sql import execute, ident

# Bump when the model or a format's mapping changes: a store built by other code is rebuilt from the files.
SCHEMA_VERSION = "10"
MEMORY_LIMIT = "1GB"


def _table_sql(table: type[Table], extra: dict[str, str] | None = None) -> str:
    """CREATE TABLE for a declared table (and bookkeeping columns beside it)."""
    columns = [(c.name, SQL_TYPES[c.kind]) for c in table.columns()] + list((extra or {}).items())
    return f"CREATE TABLE IF NOT EXISTS {ident(table.file)} (" + ", ".join(f"{ident(c)} {t}" for c, t in columns) + ")"


class Builder:
    """A read-write connection on one new generation file; `close` leaves it whole (checkpointed) for readers."""

    def __init__(self, data: Path, seeds: Path, path: Path, temp: Path) -> None:
        self.data, self.seeds, self.path = data, seeds, path
        self.con = duckdb.connect(str(path))
        for setting, value in (("threads", 2), ("enable_progress_bar", False), ("preserve_insertion_order", True),
                               ("memory_limit", MEMORY_LIMIT), ("temp_directory", str(temp))):  # fmt: skip
            # raw rows stay in file order (lines depend on it); a million-row import spills past the memory limit
            self.con.execute(f"SET {setting} = ?", [value])
        self.curated: Dataset | None = None
        self.registry: Registry | None = None
        self.changed = False  # whether this generation says anything its base did not: only then is it published
        self._schema()

    # -- schema and bookkeeping -------------------------------------------------------------------------------

    def _schema(self) -> None:
        """Create the tables; a copy written by other code (another schema version, other folders) starts empty."""
        self.con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
        if self.meta("schema") not in (None, SCHEMA_VERSION) or self.meta("folders") not in (None, self._folders()):
            for table in (Model, StoredProblems, StoredFiles, StoredUnreadable, StoredDeletions):
                self.con.execute(f"DROP TABLE IF EXISTS {ident(table.file)}")
            self.con.execute("DELETE FROM meta")
        self.changed |= self.meta("schema") is None  # a new store: published even when there is nothing to read
        self.set_meta("folders", self._folders())
        self.con.execute(_table_sql(Model, EXTRA))
        self.con.execute(_table_sql(StoredProblems, {"seq": "BIGINT"}))
        self.con.execute(_table_sql(StoredFiles))
        self.con.execute(_table_sql(StoredUnreadable))
        self.con.execute(_table_sql(StoredDeletions))
        for macro in DISTANCE_MACROS:
            self.con.execute(macro)
        self.set_meta("schema", SCHEMA_VERSION)

    def _folders(self) -> str:
        """This builder's folders, as the meta table records them."""
        return folders_key(self.data, self.seeds)

    def meta(self, key: str) -> str | None:
        """A value of the meta table."""
        rows = self.con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchall()
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Set a value of the meta table."""
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    def _all(self, sql: str, params: list | None = None) -> list[tuple]:
        """A query's rows on the writer's connection (it sees its temporary tables and open transaction)."""
        return execute(self.con, sql, params).fetchall()

    def _one(self, sql: str, params: list | None = None) -> object:
        """A single value, on the writer's connection."""
        return self._all(sql, params)[0][0]

    def clean(self) -> None:
        """Remove what a killed writer left under data/sources/ (half-copied files): only the writer puts them there,
        and this one holds the lock."""
        for left in (self.data / SOURCES).glob("*/.*.tmp"):
            left.unlink(missing_ok=True)

    def close(self) -> None:
        """Write everything into the file itself (no WAL left for readers) and close it."""
        self.con.execute("CHECKPOINT")
        self.con.close()

    def finish(self) -> None:
        """Summarise the events for the views when they changed (or the summaries are another code's)."""
        if self.changed or summaries.read_recorded(self.meta(summaries.META)) is None:
            # A checkpoint first: it may compact the rows that deletions left, which renumbers their row ids, and the
            # summaries keep row ids (an event's latest, a force's evidence). Nothing moves them afterwards.
            self.con.execute("CHECKPOINT")
            self.summarise()
            self.changed = True  # summaries of other code replaced: worth publishing

    def summarise(self) -> None:
        """The views' summaries of the current events (queries/summaries.py), with the anchors they depend on, which
        the meta table records: a reader uses a summary only for the same anchors."""
        milestones = execute(self.con, summaries.MILESTONES).df()
        built = summaries.parameters(dates.anchors(milestones, self._one(summaries.LATEST)))
        for summary in summaries.SUMMARIES:
            execute(
                self.con, f"CREATE OR REPLACE TABLE {ident(summary.table)} AS {summary.build()}", summary.bind(built)
            )
        self.set_meta(summaries.META, summaries.recorded(built))

    # -- keeping in step with the files -----------------------------------------------------------------------

    def sync(self, progress: Report = quiet) -> bool:
        """Read what changed among the files since this generation was written; True when the events changed."""
        changed = self._sync_curated()
        changed |= self._sync_sources(progress)
        self.changed |= changed
        return changed

    def load_curated(self) -> None:
        """The curated files, read and checked (the derived columns need their actors)."""
        if self.curated is None:
            self.curated = loader.load(self.data, self.seeds)
            self.registry = Registry(self.curated.actors)

    def _sync_curated(self) -> bool:
        """Reload the curated files when their bytes changed; redo what depends on them."""
        curated = curated_change(self.data, self.seeds, self.meta("curated_stamp"))
        if curated is None:
            return False
        self.load_curated()
        actors_sha = sha256(self.data / Actors.file) if (self.data / Actors.file).exists() else ""
        self.set_meta("curated_stamp", curated.stamp)
        if self.meta("curated") == curated.digest:
            return False  # a touch: same bytes, nothing to redo
        self.con.execute("BEGIN")
        try:
            execute(self.con, f"DELETE FROM {ident(Model.file)} WHERE dataset = 'article'")
            execute(self.con, f"DELETE FROM {ident(StoredProblems.file)} WHERE seq = 0")
            eventrows.insert_frame(self.con, article.to_model(self.curated), seq=0)
            self._arrivals()
            problems = pd.DataFrame(
                [(p.file, p.line, p.column, p.value, p.expected, 0) for p in self.curated.problems],
                columns=[*StoredProblems.names(), "seq"],
            )
            self.con.register("curated_problems", problems)
            execute(self.con, f"INSERT INTO {ident(StoredProblems.file)} SELECT * FROM curated_problems")
            self.con.unregister("curated_problems")
            everything = self.meta("actors") != actors_sha  # new aliases can change any event's backer
            eventrows.derive(self.con, self.registry, None if everything else "article")
            eventrows.mark_current(self.con, f"SELECT uid FROM {ident(Model.file)} WHERE dataset = 'article'")
            self.set_meta("curated", curated.digest)
            self.set_meta("actors", actors_sha)
            self.con.execute("COMMIT")
        except Exception:
            self.con.execute("ROLLBACK")
            raise
        return True

    def _arrivals(self) -> None:
        """When each accepted article event entered the store: the analyst's decision in data/reviews.csv (the
        hand-coded events have none: they came with the project)."""
        decided = accepted(self.data)
        self.con.register("decided", decided)
        execute(self.con, f"""UPDATE {Model.file} e SET arrived = try_cast(d.decided AS TIMESTAMP) FROM decided d
                              WHERE e.dataset = 'article' AND e.event_id = d.event_id""")  # fmt: skip
        self.con.unregister("decided")

    def _sync_sources(self, progress: Report) -> bool:
        """Load new or changed files under data/sources/, forget removed ones; in the order they were imported."""
        known = {r[0]: r[1:] for r in self._all(f"SELECT source_file, size, mtime_ns, sha256 FROM {StoredFiles.file}")}
        failed = {r[0]: r[1:] for r in self._all(f"SELECT source_file, size, mtime_ns FROM {StoredUnreadable.file}")}
        changed = False
        todo = []
        for change in dataset_changes(self.data, known, failed):
            rel, path = change.name, change.path
            if path is None:  # gone: its events and problems, or the note that it could not be read, go too
                if rel in known:
                    eventrows.forget(self.con, rel)
                if rel in failed:
                    execute(self.con, f"DELETE FROM {StoredUnreadable.file} WHERE source_file = ?", [rel])
                changed = True
            elif change.touched:
                execute(self.con, f"UPDATE {StoredFiles.file} SET size = ?, mtime_ns = ? WHERE source_file = ?",
                        [change.size, change.mtime_ns, rel])  # fmt: skip
            else:
                sidecar = read_sidecar(path)
                todo.append((str(sidecar.get("imported_at", "")), rel, path, change.digest, sidecar))
        for _, rel, path, digest, sidecar in sorted(todo, key=lambda t: t[:2]):  # a later import revises an earlier
            self.load_curated()  # the derived columns need the curated actors
            try:
                csvfile.check_utf8(path)  # a file put there by hand was never checked by an import
                detected = detect(path, sidecar.get("format"))
                result = self._load(path, rel, detected, digest, progress, sidecar.get("imported_at"))
            except UnreadableFile as err:  # the file is named on the page; the others still load
                stat = path.stat()
                execute(self.con, f"DELETE FROM {StoredUnreadable.file} WHERE source_file = ?", [rel])
                execute(self.con, f"INSERT INTO {StoredUnreadable.file} VALUES (?, ?, ?, ?)",
                        [rel, stat.st_size, stat.st_mtime_ns, str(err)])  # fmt: skip
                changed = True
                continue
            execute(self.con, f"DELETE FROM {StoredUnreadable.file} WHERE source_file = ?", [rel])
            write_sidecar(self.con, path, result, digest, sidecar)
            changed = True
        return changed

    def relative(self, path: Path) -> str:
        """A source file's name as stored: its path under the data directory."""
        return path.relative_to(self.data).as_posix()

    # -- importing --------------------------------------------------------------------------------------------

    def twin(self, digest: str, format_name: str) -> Imported | None:
        """What an earlier import of the same bytes gave, or None: the same file again adds and copies nothing."""
        same = f"""SELECT source_file, rows_read, events, problem_rows, merged_rows FROM {StoredFiles.file}
                   WHERE sha256 = ?"""
        found = self._all(same, [digest])
        if not found:
            return None
        rel, rows, events, problem_rows, merged = found[0]
        uids = self._one(f"SELECT count(DISTINCT uid) FROM {Model.file} WHERE source_file = ?", [rel])
        return Imported(rel, format_name, rows, events, problem_rows, unchanged=uids, copied=False, sha256=digest,
                        merged_rows=merged)  # fmt: skip

    def import_file(self, path: Path, detected: Detected, digest: str, progress: Report, origin: str) -> Imported:
        """Copy a checked file in byte for byte and load it; the copy is removed again if loading fails."""
        self.load_curated()
        target = self.target(path, detected, digest)
        copy_atomic(path, target)
        try:
            result = self._load(target, self.relative(target), detected, digest, progress)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        write_sidecar(self.con, target, result, digest, {"original": origin})
        self.changed = True
        return result

    def target(self, path: Path, detected: Detected, digest: str) -> Path:
        """Where an imported file is kept: data/sources/<format>/<its name>, made a name the store reads as a
        dataset, and renamed when another file has it."""
        folder = self.data / SOURCES / detected.format.name
        target = folder / kept_name(path.name)
        if target.exists() or target.with_name(target.name + SIDECAR).exists():
            target = folder / f"{target.stem}.{digest[:12]}{target.suffix}"
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
        loaded = detected.format.run(self.con, raw, rel)
        events, problems = loaded.events, loaded.problems
        progress("storing", 0.0)
        stat = path.stat()
        imported_at = imported_at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        self.con.execute("BEGIN")
        try:
            existing = self._one(f"SELECT any_value(seq) FROM {StoredFiles.file} WHERE source_file = ?", [rel])
            seq = int(existing or self._one(f"SELECT coalesce(max(seq), 0) + 1 FROM {StoredFiles.file}"))
            eventrows.forget(self.con, rel)
            if detected.format.removes:  # a deletions list: its rows go to the deletions table, the events stay
                execute(self.con, f"""INSERT INTO {StoredDeletions.file} SELECT source_file, line, dataset, event_id,
                                      version FROM {ident(events)}""")  # fmt: skip
                named = f"CREATE OR REPLACE TEMP TABLE named AS {eventrows.deleted_uids(ident(events))}"
                execute(self.con, named)
                shown = self._one(f"SELECT count(*) FROM {Model.file} WHERE current AND uid IN (SELECT uid FROM named)")
                eventrows.mark_current(self.con, "SELECT uid FROM named")
                still = self._one(f"SELECT count(*) FROM {Model.file} WHERE current AND uid IN (SELECT uid FROM named)")
                unknown = self._one(f"""SELECT count(DISTINCT event_id) FROM {ident(events)} WHERE (dataset, event_id)
                                        NOT IN (SELECT dataset, event_id FROM {Model.file})""")  # fmt: skip
                execute(self.con, "DROP TABLE named")
            execute(
                self.con,
                f"""CREATE OR REPLACE TEMP TABLE previous AS SELECT uid, row_hash FROM {Model.file}
                    WHERE current AND uid IN (SELECT uid FROM {ident(events)})""",
            )
            if not detected.format.removes:
                eventrows.insert(self.con, events, seq, imported_at)
                eventrows.derive(self.con, self.registry, rel)
                eventrows.mark_current(self.con, f"SELECT uid FROM {ident(events)}")
            execute(self.con, f"INSERT INTO {StoredProblems.file} SELECT *, ? FROM {ident(problems)}", [seq])
            added, updated = self._all(
                f"""SELECT count(*) FILTER (WHERE p.uid IS NULL),
                           count(*) FILTER (WHERE p.uid IS NOT NULL AND p.row_hash <> e.row_hash)
                    FROM (SELECT DISTINCT uid, row_hash FROM {Model.file} WHERE current AND source_file = ?) e
                    LEFT JOIN previous p USING (uid)""",
                [rel],
            )[0]
            uids = int(self._one(f"SELECT count(DISTINCT uid) FROM {ident(events)}"))
            result = Imported(
                file=rel,
                format=detected.format.name,
                rows_read=raw.rows,
                events=int(self._one(f"SELECT count(*) FROM {ident(events)}")),
                problem_rows=int(self._one(f"SELECT count(DISTINCT line) FROM {ident(problems)}")),
                added=int(added),
                updated=int(updated),
                unchanged=uids - int(added) - int(updated),
                problems=[
                    Problem(*row) for row in self._all(f'SELECT * FROM {ident(problems)} ORDER BY line, "column"')
                ],
                sha256=digest,
                merged_rows=loaded.merged,
            )
            if detected.format.removes:  # no event added or changed: deletions, and what they did to the views
                result.added = result.updated = result.unchanged = 0
                result.deletions, result.removed, result.unknown = result.events, int(shown) - int(still), int(unknown)
                result.events = 0
            execute(
                self.con,
                f"INSERT INTO {StoredFiles.file} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [rel, detected.format.name, digest, stat.st_size, stat.st_mtime_ns, seq, result.rows_read,
                 result.events, result.problem_rows, result.merged_rows, imported_at],
            )  # fmt: skip
            self.con.execute("COMMIT")
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        finally:
            for table in (events, problems, "previous"):
                self.con.execute(f"DROP TABLE IF EXISTS {ident(table)}")
        progress("storing", 1.0)
        return result


def check(path: Path, forced: str | None, progress: Report = quiet) -> tuple[Detected, str]:
    """A file's format and checksum, once it is known to be UTF-8 of a known format, under a name the store does
    not use for its own files (UnreadableFile otherwise)."""
    if reserved(path.name.lstrip(". ")):
        raise UnreadableFile(
            f"{path.name[:80]}: a name the store uses for its own files (sidecars, notes, temporary files); "
            "rename the file and import it again"
        )
    csvfile.check_utf8(path, progress)
    return detect(path, forced), sha256(path)
