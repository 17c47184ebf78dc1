"""The event store: files copied in byte for byte and loaded, counts that add up, revisions, and a cache that is
derived from the files (rebuilt per changed file, never on a plain restart, and safe to delete)."""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from builders import store_of, write_dataset

from components.datafiles import SIDECAR, SOURCES
from components.files import write_atomic
from components.formats import csvfile
from components.formats.refusal import UnreadableFile
from components.store import Store

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def store(tmp_path):
    """A store of the tiny dataset, ready to import into."""
    return store_of(*write_dataset(tmp_path), tmp_path)


def current(store: Store, uid: str) -> dict:
    """The version of an event the views show."""
    frame = store.df("SELECT * FROM events WHERE current AND uid = ?", [uid])
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_an_import_is_copied_byte_for_byte_with_its_sidecar(store):
    """The file lands in data/sources/acled/, identical; its sidecar says what it gave."""
    result = store.import_file(FIXTURES / "acled_spreadsheet.csv")
    kept = store.data / SOURCES / "acled" / "acled_spreadsheet.csv"
    assert kept.read_bytes() == (FIXTURES / "acled_spreadsheet.csv").read_bytes()  # BOM and CRLF kept
    meta = json.loads(kept.with_name(kept.name + SIDECAR).read_text())
    assert meta["sha256"] == hashlib.sha256(kept.read_bytes()).hexdigest() and meta["format"] == "acled"
    assert (meta["rows_read"], meta["events"], meta["problem_rows"]) == (7, 7, 0)
    assert meta["countries"] == ["Libya"] and meta["first_day"] <= meta["last_day"] and meta["imported_at"]
    assert (result.rows_read, result.events, result.added) == (7, 7, 7)
    assert (store.data / SOURCES / "README.md").exists()


def test_rows_read_are_events_plus_problem_rows(store):
    """A file with bad lines: every row is an event or a listed problem with file, line, column, value, expected."""
    result = store.import_file(FIXTURES / "bad_lines.csv")
    assert result.rows_read == result.events + result.problem_rows == 9
    assert result.problem_rows == 6
    lines = {p.line for p in result.problems}
    assert lines == {3, 4, 5, 7, 8, 9}
    stored = store.df("SELECT * FROM problems WHERE source_file = ?", [result.file])
    assert set(stored["line"]) == lines and all(stored["expected"] != "")


def test_importing_the_same_file_twice_adds_nothing(store):
    """The same bytes again: nothing copied, nothing added, every event unchanged."""
    store.import_file(FIXTURES / "acled_current.csv")
    before = store.value("SELECT count(*) FROM events")
    again = store.import_file(FIXTURES / "acled_current.csv")
    assert (again.added, again.updated, again.unchanged, again.copied) == (0, 0, 7, False)
    assert store.value("SELECT count(*) FROM events") == before
    assert len(list((store.data / SOURCES / "acled").glob("*.csv"))) == 1


def test_a_later_timestamp_revises_an_event(store):
    """ACLED revised LBY90801 (later timestamp, 5 deaths); LBY90802 repeated unchanged; LBY90804 new."""
    store.import_file(FIXTURES / "acled_revision_1.csv")
    second = store.import_file(FIXTURES / "acled_revision_2.csv")
    assert (second.added, second.updated, second.unchanged) == (1, 1, 1)
    revised = current(store, "ACLED:Libya:LBY90801")
    assert revised["fatalities"] == 5 and revised["source_file"].endswith("acled_revision_2.csv")
    assert store.value("SELECT count(*) FROM events WHERE uid = 'ACLED:Libya:LBY90801'") == 2  # both versions kept
    assert current(store, "ACLED:Libya:LBY90803")["source_file"].endswith("acled_revision_1.csv")


def test_an_older_file_does_not_undo_a_revision(store):
    """Importing the earlier download after the later one keeps the later timestamp's version."""
    store.import_file(FIXTURES / "acled_revision_2.csv")
    older = store.import_file(FIXTURES / "acled_revision_1.csv")
    assert current(store, "ACLED:Libya:LBY90801")["fatalities"] == 5
    assert (older.added, older.updated) == (1, 0)  # only LBY90803 is new


def test_files_of_no_known_format_or_encoding_are_refused_and_not_copied(store):
    """An unrelated CSV and a cp1252 file: an error naming the file, nothing under data/sources/."""
    for name in ("unknown_format.csv", "not_utf8.csv"):
        with pytest.raises(UnreadableFile, match=name):
            store.import_file(FIXTURES / name)
    assert list(store.data.glob(f"{SOURCES}/*/*")) == []


def test_the_article_and_the_datasets_share_one_model(store):
    """The article's events and ACLED's and UCDP's side by side, each with its dataset and provenance."""
    store.import_file(FIXTURES / "acled_current.csv")
    store.import_file(FIXTURES / "ucdp_ged.csv")
    counts = dict(store.rows("SELECT dataset, count(*) FROM events WHERE current GROUP BY 1"))
    assert counts == {"article": 4, "ACLED": 7, "UCDP GED": 6}
    assert store.value("SELECT count(*) FROM events WHERE source_file = '' OR line IS NULL") == 0


def test_a_restart_with_unchanged_files_reads_nothing(store, monkeypatch):
    """Reopened on the same files: no file is read again, no row re-checked."""
    store.import_file(FIXTURES / "acled_current.csv")
    version = store.version
    store.close()

    def refuse(*args, **kwargs):
        raise AssertionError("a file was read again")

    monkeypatch.setattr(csvfile, "read", refuse)
    reopened = Store(store.data, store.seeds, store.path)
    assert reopened.refresh() is False and reopened.version == version


def test_deleting_the_store_loses_nothing(store):
    """The database is rebuilt from the files: the same events, revisions applied in import order."""
    for name in ("acled_revision_1.csv", "acled_revision_2.csv", "ucdp_ged.csv"):
        store.import_file(FIXTURES / name)
    query = "SELECT uid, fatalities, source_file, line FROM events WHERE current ORDER BY uid"
    before = store.rows(query)
    store.close()
    shutil.rmtree(store.path.parent)
    rebuilt = store_of(store.data, store.seeds, store.path.parent.parent)
    assert rebuilt.rows(query) == before


def test_a_changed_file_is_read_again_and_a_removed_one_forgotten(store):
    """A file whose checksum changed is reloaded; a file removed from data/sources/ takes its events with it."""
    result = store.import_file(FIXTURES / "acled_revision_2.csv")
    kept = store.data / result.file
    store.import_file(FIXTURES / "acled_revision_1.csv")
    kept.unlink()
    assert store.refresh() is True
    assert current(store, "ACLED:Libya:LBY90801")["fatalities"] == 2  # the earlier version shows again
    assert store.value("SELECT count(*) FROM events WHERE uid = 'ACLED:Libya:LBY90804'") == 0


def test_a_store_built_from_other_folders_is_rebuilt(tmp_path):
    """Two data folders pointed at one store folder never mix: the store starts again from the files it is for."""
    one = store_of(*write_dataset(tmp_path / "one"), tmp_path)
    one.close()
    data, seeds = write_dataset(tmp_path / "two", events=[])
    other = store_of(data, seeds, tmp_path)
    assert other.value("SELECT count(*) FROM events") == 0


def test_another_process_reads_and_imports_while_this_one_holds_the_store(store):
    """Two processes on one store (two `serve` replicas, or a command while the dashboard runs): the other reads
    the same events, imports a file, and this one shows it at its next refresh."""
    before = store.value("SELECT count(*) FROM events WHERE current")
    code = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
from pathlib import Path
from components.store import Store
other = Store(Path({str(store.data)!r}), Path({str(store.seeds)!r}), Path({str(store.path)!r}))
other.refresh()
print(other.value("SELECT count(*) FROM events WHERE current"))
print(other.import_file(Path({str(FIXTURES / "acled_current.csv")!r})).added)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(before), "7"]
    assert store.value("SELECT count(*) FROM events WHERE current") == before, "a reader keeps its generation"
    assert store.refresh() is True
    assert store.value("SELECT count(*) FROM events WHERE current") == before + 7


def test_readers_in_many_threads_never_fail_while_a_writer_publishes(store):
    """Sessions querying at once while files are imported: no query fails, each sees a whole generation. Every reader
    has read before the first publish and reads once more after the last, so each races all three."""
    import threading

    readers_count = 4  # each busy reader slows the writer (the GIL): 20 took 12 s, for the same races
    errors, counts, last = [], set(), {}
    ready, stop = threading.Barrier(readers_count + 1, timeout=60), threading.Event()

    def read(reader: int) -> None:
        first = True
        while True:
            finished = stop.is_set()  # a whole read after the last publish: it must see that generation
            try:
                store.refresh()
                last[reader] = store.value("SELECT count(*) FROM events WHERE current")
                counts.add(last[reader])
            except Exception as err:  # noqa: BLE001 - any failure is what the test looks for
                errors.append(repr(err))
                finished = True
            if first:
                first = False
                ready.wait()
            if finished:
                return

    readers = [threading.Thread(target=read, args=(n,)) for n in range(readers_count)]
    for thread in readers:
        thread.start()
    try:
        ready.wait()  # every reader is reading
        published = [store.value("SELECT count(*) FROM events WHERE current")]
        for name in ("acled_revision_1.csv", "acled_current.csv", "ucdp_ged.csv"):
            store.import_file(FIXTURES / name)
            published.append(store.value("SELECT count(*) FROM events WHERE current"))
    finally:
        stop.set()
        for thread in readers:
            thread.join(timeout=60)
    assert errors == []
    final = published[-1]
    assert len(set(published)) == 4 and published[0] in counts
    assert counts <= set(published), f"a reader saw {counts}, the generations were {published}"
    assert last == dict.fromkeys(range(readers_count), final), "each reader ends on the last generation"
    generations = sorted(p.name for p in store.folder.glob("events-*.duckdb"))
    assert len(generations) <= 2, f"old generations are removed: {generations}"


def test_writes_are_atomic(tmp_path, monkeypatch):
    """A write that fails midway leaves the old file as it was and no stray temporary file."""
    target = tmp_path / "sidecar.json"
    target.write_text("old")

    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["sidecar.json"]


def test_a_bad_file_left_in_the_sources_folder_is_named_and_the_others_still_load(store, tmp_path):
    """A file put under data/sources/ by hand that is not UTF-8, or of no known format, does not stop the store:
    it is named (the page lists it with the files it could not use), the good files load, and it is not read
    again until it changes."""
    folder = store.data / SOURCES / "acled"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "latin1.csv").write_bytes((FIXTURES / "not_utf8.csv").read_bytes())
    (folder / "other.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    shutil.copyfile(FIXTURES / "acled_current.csv", folder / "good.csv")
    assert store.refresh() is True
    assert sorted(store.unreadable) == ["sources/acled/latin1.csv", "sources/acled/other.csv"]
    assert "not UTF-8" in store.unreadable["sources/acled/latin1.csv"]
    assert "not a known format" in store.unreadable["sources/acled/other.csv"]
    assert store.value("SELECT count(*) FROM events WHERE source_file = 'sources/acled/good.csv'") == 7
    assert store.refresh() is False, "an unchanged bad file is not tried again"
    from components import snapshot

    assert len(snapshot.prepare(store).file_problems) == 2
    (folder / "other.csv").unlink()
    assert store.refresh() is True and list(store.unreadable) == ["sources/acled/latin1.csv"]


def test_an_import_reports_its_stages_and_rows(store):
    """The import's progress: every stage in order, fractions within each, and the file's rows once counted."""
    seen = []
    store.import_file(FIXTURES / "acled_multiline.csv", progress=lambda stage, done, rows=None: seen.append(
        (stage, done, rows)))  # fmt: skip
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["checking encoding", "finding rows", "reading", "checking rows", "storing"]
    assert all(0.0 <= done <= 1.0 for _, done, _ in seen)
    assert [rows for _, _, rows in seen if rows is not None] == [4]


def test_the_terminal_bar_says_rows_rate_and_time_left():
    """On a terminal the bar is redrawn in place with the stage, rows, rate and time left."""
    import io

    from components.progress import Bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    bar = Bar("big.csv", out)
    bar.start -= 10  # ten seconds in: the rate and the time left can be said
    bar("reading", 0.0, rows=1_000_000)
    bar("checking rows", 0.5)
    last = out.getvalue().split("\r")[-1]
    assert "checking rows" in last and "1,000,000 rows" in last and "rows/s" in last and "s left" in last


@pytest.mark.parametrize("name", [".hidden.csv", "x" * 236 + ".csv", "..csv"])
def test_a_hidden_or_long_name_is_kept_readable_and_stays(store, tmp_path, name):
    """Hidden names and names too long for a sidecar: the import keeps the file under a name the store reads as a
    dataset, its sidecar beside it, and its events are still there after a refresh."""
    odd = tmp_path / "odd"
    odd.mkdir()
    shutil.copyfile(FIXTURES / "acled_current.csv", odd / name)
    result = store.import_file(odd / name)
    kept = store.data / result.file
    assert kept.read_bytes() == (FIXTURES / "acled_current.csv").read_bytes()
    assert kept.with_name(kept.name + SIDECAR).exists() and not kept.name.startswith(".")
    assert store.refresh() is False, "nothing on disk differs from what the store holds"
    assert store.value("SELECT count(*) FROM events WHERE source_file = ?", [result.file]) == 7


@pytest.mark.parametrize("name", ["acled_current.csv.meta.json", "README.md", ".x.csv.1a2b.tmp", "write.lock"])
def test_a_name_the_store_uses_for_its_own_files_is_refused(store, tmp_path, name):
    """A file named like a sidecar, the folder's README or a temporary file: refused in one line, nothing copied,
    and the kept file of that name and its sidecar unchanged."""
    first = store.import_file(FIXTURES / "acled_current.csv")
    sidecar = store.data / (first.file + SIDECAR)
    before = sorted((p.name, p.read_bytes()) for p in store.data.glob(f"{SOURCES}/**/*") if p.is_file())
    odd = tmp_path / name
    shutil.copyfile(FIXTURES / "acled_revision_1.csv", odd)
    with pytest.raises(UnreadableFile, match="a name the store uses for its own files") as refused:
        store.import_file(odd)
    assert "\n" not in str(refused.value) and str(tmp_path) not in str(refused.value)
    assert sorted((p.name, p.read_bytes()) for p in store.data.glob(f"{SOURCES}/**/*") if p.is_file()) == before
    assert sidecar.exists()


def test_what_a_killed_import_left_is_cleaned_at_the_next_write(store):
    """A half-copied hidden temporary file (a kill during the copy) is removed by the next import."""
    folder = store.data / SOURCES / "acled"
    folder.mkdir(parents=True, exist_ok=True)
    left = folder / ".acled_current.csv.abc123.tmp"
    left.write_bytes(b"x" * 1000)
    store.import_file(FIXTURES / "acled_current.csv")
    assert not left.exists()


def test_a_command_reading_while_another_holds_the_store_leaves_no_temporary_store(store, tmp_path, monkeypatch):
    """`sources` while a dashboard holds the store reads the same store: nothing is built elsewhere."""
    import tempfile

    from components import cli

    scratch = tmp_path / "system-tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("CONFLICT_MONITOR_STORE", str(store.folder))
    with pytest.raises(SystemExit) as done:
        cli.main(["--data", str(store.data), "--seeds", str(store.seeds), "sources"])
    assert done.value.code == 0 and list(scratch.iterdir()) == []


def test_an_import_killed_midway_leaves_the_store_as_it_was(store, tmp_path):
    """`kill -9` of an import while it builds the next generation: readers keep the last whole one, the next
    import succeeds, and nothing the killed one left (a half-built generation, a half-copied file) remains."""
    import signal
    import time

    import generate

    before = store.value("SELECT count(*) FROM events WHERE current")
    big = generate.write(tmp_path / "big.csv", 300_000)
    code = f"""
import sys
sys.path.insert(0, {str(REPO)!r})
from pathlib import Path
from components.store import Store
Store(Path({str(store.data)!r}), Path({str(store.seeds)!r}), Path({str(store.path)!r})).import_file(Path({str(big)!r}))
"""
    child = subprocess.Popen([sys.executable, "-c", code])
    current = store.generation
    deadline = time.monotonic() + 60
    while not [p for p in store.folder.glob("events-*.duckdb") if p.name > current] and time.monotonic() < deadline:
        time.sleep(0.01)  # polling a condition: the next generation exists once the child is building it
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert store.value("SELECT count(*) FROM events WHERE current") == before, "readers keep the last whole one"
    store.refresh()
    kept = [p for p in store.data.glob(f"{SOURCES}/*/big*.csv")]  # copied whole before the kill: loaded as found
    assert store.value("SELECT count(*) FROM events WHERE current") == before + (300_000 if kept else 0)
    store.import_file(FIXTURES / "acled_current.csv")
    assert store.value("SELECT count(*) FROM events WHERE current") == before + (300_000 if kept else 0) + 7
    left = [p.name for p in store.folder.glob("events-*") if p.name != store.generation]
    assert len(left) <= 1, f"only the generation the new one replaced is kept: {left}"
    assert not list((store.data / SOURCES).glob("*/.*.tmp")), "no half-copied file is left"


def test_two_imports_at_once_both_land(store):
    """Two analysts import different files at the same moment: one waits for the other, both files are loaded."""
    import threading

    results, failures = {}, []

    def load(name: str) -> None:
        try:
            results[name] = store.import_file(FIXTURES / name)
        except Exception as err:  # noqa: BLE001 - any failure is what the test looks for
            failures.append(repr(err))

    threads = [threading.Thread(target=load, args=(n,)) for n in ("acled_current.csv", "ucdp_ged.csv")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == [] and {r.added for r in results.values()} == {7, 6}
    counts = dict(store.rows("SELECT dataset, count(*) FROM events WHERE current GROUP BY 1"))
    assert counts == {"article": 4, "ACLED": 7, "UCDP GED": 6}
