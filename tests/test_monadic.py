"""ACLED's monadic export (one row per actor of an event, no actor2 columns): merged into one event per id with both
actors, counted (rows read = events + merged rows + problem rows), the same store as the dyadic file of the same
events, and a hostile monadic file's conflicts listed as problems of their lines.

The fixtures (tests/fixtures/acled_monadic.csv and its dyadic twin) are described in tests/fixtures/README.md; the
shape in docs/codebooks.md, *Monadic files*.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from builders import Recording, kept_ids, shipped, store_of

from components import filter_types, snapshot
from components.datafiles import SIDECAR, SOURCES
from components.eventrows import CONTENT, DERIVED
from components.filter_types import Filters
from components.formats import csvfile
from components.formats.base import Loaded
from components.formats.detect import detect

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MONADIC, DYADIC = FIXTURES / "acled_monadic.csv", FIXTURES / "acled_monadic_dyadic.csv"
LNA = "Military Forces of Libya (2014-) Libyan National Army"
SAME = "the rows of one event differ only in their actor"
INJECTION = "Wagner Group'); DROP TABLE events; --"


def load(path: Path, con: object = None) -> tuple[pd.DataFrame, pd.DataFrame, csvfile.RawTable, Loaded]:
    """Read, check and map one file as an import does: its model rows, its problems, its raw table, what it gave."""
    con = con or duckdb.connect()
    csvfile.check_utf8(path)
    found = detect(path)
    raw = csvfile.read(con, path, found.names)
    loaded = found.format.run(con, raw, path.name)
    events = con.execute(f"SELECT * FROM {loaded.events}").df()
    return events, con.execute(f"SELECT * FROM {loaded.problems}").df(), raw, loaded


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """A fixture's header and rows."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    """Write rows as the export does (LF, quotes where needed)."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def by_id(events: pd.DataFrame) -> dict[str, dict]:
    """The model rows by event id."""
    return {row["event_id"]: row for row in events.to_dict("records")}


def comparable(store: object) -> pd.DataFrame:
    """The ACLED events of a store as they say what they are: every stored column but file and line (and the import
    order), lists as tuples."""
    columns = [*CONTENT, *DERIVED, "row_hash", "current"]
    frame = store.df(f"SELECT {', '.join(columns)} FROM events WHERE dataset = 'ACLED' ORDER BY uid")
    for column in ("actors", "forces"):
        frame[column] = frame[column].map(tuple)
    return frame


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """Two stores of the shipped data: one with the monadic fixture imported, one with its dyadic twin."""
    made = {}
    for name, path in (("monadic", MONADIC), ("dyadic", DYADIC)):
        root = tmp_path_factory.mktemp(name)
        store = store_of(*shipped(root), root)
        made[name] = (store, store.import_file(path))
    return made


# -- the merge -----------------------------------------------------------------------------------------------------


def test_a_monadic_file_is_one_event_per_id_with_both_actors():
    """10 rows, 6 events: each second row's actor, associated actors and inter code become the event's second actor;
    the rows of LBY92003 and LBY92004 interleave and are still paired by id; one-actor events keep no actor2."""
    events, problems, raw, loaded = load(MONADIC)
    assert problems.empty, problems
    assert (raw.rows, len(events), loaded.merged) == (10, 6, 4)
    got = by_id(events)
    assert sorted(got) == [f"LBY9200{i}" for i in range(1, 7)]
    first = got["LBY92001"]
    assert (first["actor1"], first["assoc_actor_1"], first["inter1"]) == (
        "Military Forces of Libya (2016-) Government of National Accord", "Military Forces of Turkey (2016-)",
        "State forces")  # fmt: skip
    assert (first["actor2"], first["assoc_actor_2"], first["inter2"]) == (LNA, "Wagner Group", "State forces")
    assert list(first["actors"]) == [first["actor1"], first["assoc_actor_1"], LNA, "Wagner Group"]
    assert (got["LBY92003"]["line"], got["LBY92003"]["actor2"]) == (5, LNA)  # its second row is line 7
    assert (got["LBY92004"]["actor2"], got["LBY92004"]["inter2"]) == ("Civilians (Libya)", "Civilians")
    assert (got["LBY92005"]["actor2"], got["LBY92005"]["inter2"]) == ("Wagner Group", "External/Other forces")
    for one_actor in ("LBY92002", "LBY92006"):
        assert (got[one_actor]["actor2"], got[one_actor]["assoc_actor_2"], got[one_actor]["inter2"]) == ("", "", "")
        assert len(got[one_actor]["actors"]) == 1


def test_a_file_without_actor2_and_no_repeated_id_is_no_merge():
    """A reduced field set (no actor2, assoc_actor_2, inter2) whose ids are all different: nothing merged, and its
    import line is as it always was."""
    events, problems, raw, loaded = load(FIXTURES / "acled_reduced.csv")
    assert (loaded.merged, len(events), raw.rows) == (0, 5, 5) and problems.empty


def test_a_file_with_actor2_keeps_a_repeated_id_a_problem(tmp_path):
    """A dyadic file repeating an id is not monadic: the later row is a problem, as before (no merge)."""
    header, rows = rows_of(DYADIC)
    path = write(tmp_path / "dyadic.csv", header, [*rows, {**rows[4], "actor1": "Civilians (Libya)"}])
    events, problems, _, loaded = load(path)
    assert loaded.merged == 0 and len(events) == 6
    assert list(problems["expected"]) == ["a unique event id: LBY92005 is already on line 6"]


# -- what the import says, and keeps -----------------------------------------------------------------------------


def test_the_import_line_says_monadic_and_the_counts_add_up(stores):
    """The line names the merged rows; rows read = events + merged rows + problem rows; the sidecar and the files
    table keep the count, and importing the same bytes again says the same."""
    store, result = stores["monadic"]
    assert result.line() == (
        "sources/acled/acled_monadic.csv: acled, 10 rows read: 6 events (6 added, 0 updated, 0 unchanged), "
        "4 rows merged into their events (monadic: 10 rows, 6 events), 0 rows with problems"
    )
    assert result.rows_read == result.events + result.merged_rows + result.problem_rows
    kept = store.data / SOURCES / "acled" / "acled_monadic.csv"
    meta = json.loads(kept.with_name(kept.name + SIDECAR).read_text(encoding="utf-8"))
    assert (meta["rows_read"], meta["events"], meta["merged_rows"], meta["problem_rows"]) == (10, 6, 4, 0)
    assert store.value("SELECT merged_rows FROM files WHERE source_file = ?", [result.file]) == 4
    again = store.import_file(MONADIC)
    assert again.line().startswith(result.line().split(" (6 added")[0])
    assert "4 rows merged into their events (monadic: 10 rows, 6 events)" in again.line()


def test_a_dyadic_file_s_line_is_unchanged(stores):
    """The dyadic twin's line says nothing of merging, and its files row counts none."""
    store, result = stores["dyadic"]
    assert result.line() == (
        "sources/acled/acled_monadic_dyadic.csv: acled, 6 rows read: 6 events (6 added, 0 updated, 0 unchanged), "
        "0 rows with problems"
    )
    assert store.value("SELECT merged_rows FROM files WHERE source_file = ?", [result.file]) == 0


def test_a_store_rebuilt_from_the_files_counts_the_same(stores, tmp_path):
    """The store is a cache: rebuilt from data/sources/, the monadic file gives the same events and counts."""
    store, result = stores["monadic"]
    rebuilt = store_of(store.data, store.seeds, tmp_path)
    counts = "SELECT rows_read, events, merged_rows, problem_rows FROM files WHERE source_file = ?"
    assert rebuilt.rows(counts, [result.file]) == [(10, 6, 4, 0)]
    assert comparable(rebuilt).equals(comparable(store))


# -- monadic and dyadic: the same store ----------------------------------------------------------------------------


def test_a_monadic_and_a_dyadic_file_of_the_same_events_give_the_same_store(stores):
    """Every column but file and line is the same (actors, their lists and bits, backers, lanes, hashes), and so are
    the actors the filter offers with their counts (Model.actors)."""
    monadic, dyadic = (comparable(stores[k][0]) for k in ("monadic", "dyadic"))
    assert len(monadic) == 6
    pd.testing.assert_frame_equal(monadic, dyadic)
    offered = {k: snapshot.prepare(stores[k][0]).options for k in ("monadic", "dyadic")}
    assert offered["monadic"].actors == offered["dyadic"].actors
    assert offered["monadic"].counts[filter_types.ACTOR] == offered["dyadic"].counts[filter_types.ACTOR]
    assert LNA in offered["monadic"].actors


def test_the_dyadic_twin_after_the_monadic_file_changes_nothing(tmp_path):
    """Imported into a store that has the monadic file, the dyadic twin's six events are all unchanged."""
    store = store_of(*shipped(tmp_path), tmp_path)
    store.import_file(MONADIC)
    result = store.import_file(DYADIC)
    assert (result.added, result.updated, result.unchanged) == (0, 0, 6)


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("Wagner Group", ["LBY92001", "LBY92002", "LBY92004", "LBY92005"]),  # LBY92005: only its second row's actor
        (LNA, ["LBY92001", "LBY92003", "LBY92004"]),  # the second actor of 92001 and 92003
        ("Civilians (Libya)", ["LBY92004"]),  # the second row of an event whose rows interleave with another's
    ],
)
def test_filtering_by_an_event_s_second_actor_finds_it(stores, actor, expected):
    """The actor filter, through the store's query path, finds a merged event by the actor of its second row."""
    prepared = snapshot.prepare(stores["monadic"][0])
    found = [e for e in kept_ids(prepared, Filters(actors=(actor,))) if e.startswith("LBY92")]
    assert found == expected


# -- hostile monadic files -----------------------------------------------------------------------------------------


def hostile_monadic(path: Path) -> tuple[Path, str, str]:
    """The monadic fixture with conflicts: LBY92001's second row (line 3) gives other fatalities and place; a third
    row of LBY92003 (line 12); a second row of LBY92006 (line 13) with other, very long notes; and LBY92005's second
    actor written as SQL. Returns the file, the long notes and LBY92006's own notes."""
    header, rows = rows_of(MONADIC)
    rows[1] = {**rows[1], "fatalities": "9", "location": "Misrata"}
    rows[8] = {**rows[8], "actor1": INJECTION}
    long_notes = "x" * 5_000
    third = {**rows[5], "actor1": "Unidentified Armed Group (Libya)", "inter1": "Political militia"}
    second = {**rows[9], "actor1": "Civilians (Libya)", "inter1": "Civilians", "notes": long_notes}
    return write(path, header, [*rows, third, second]), long_notes, rows[9]["notes"]


def test_a_hostile_monadic_file_lists_each_conflict_with_line_column_value_and_expected(tmp_path):
    """Rows of one event that disagree are problems of the later row, each column named with the first row's value
    (cut to 60 characters); a third row is a problem naming the first two lines; no conflicting row is merged;
    rows read = events + merged rows + problem rows."""
    path, long_notes, own_notes = hostile_monadic(tmp_path / "monadic.csv")
    events, problems, raw, loaded = load(path)
    assert raw.rows == 12 and raw.rows == len(events) + loaded.merged + problems["line"].nunique()
    assert (len(events), loaded.merged) == (6, 3)
    listed = [tuple(p) for p in problems[["line", "column", "value", "expected"]].itertuples(index=False)]
    assert listed == [
        (3, "fatalities", "9", f"4, as on line 2 (the first row of LBY92001: {SAME})"),
        (3, "location", "Misrata", f"Sirte, as on line 2 (the first row of LBY92001: {SAME})"),
        (12, "event_id_cnty", "LBY92003",
         "one row per actor, at most 2 rows per event: LBY92003 is already on lines 5 and 7"),
        (13, "notes", long_notes[:60] + "…", f"{own_notes[:60]}…, as on line 11 (the first row of LBY92006: {SAME})"),
    ]  # fmt: skip
    got = by_id(events)
    assert got["LBY92001"]["actor2"] == "" and got["LBY92001"]["fatalities"] == 4  # not silently merged
    assert got["LBY92003"]["actor2"] == LNA  # the third row took no part
    assert got["LBY92005"]["actor2"] == INJECTION  # a cell is data, stored as written
    assert got["LBY92006"]["actor2"] == ""


def test_no_cell_of_a_monadic_file_becomes_sql(tmp_path):
    """Every statement the merge runs holds only the project's names: no id, actor, place or note of the file."""
    path, long_notes, _ = hostile_monadic(tmp_path / "monadic.csv")
    recording = Recording(duckdb.connect())
    events, _, _, _ = load(path, recording)
    assert len(events) == 6
    text = "\n".join(recording.sql)
    for cell in ("LBY92003", INJECTION, "DROP TABLE events", "Misrata", "Unidentified Armed Group", long_notes[:20]):
        assert cell not in text, cell


def test_one_id_on_many_rows_of_a_monadic_file_is_one_event_of_two_actors(tmp_path):
    """10,000 rows of one id and timestamp: one event (the first two rows' actors), one merged row, 9,998 problems."""
    header, rows = rows_of(MONADIC)
    copies = [rows[i % 2] for i in range(10_000)]  # LBY92001's two rows, again and again
    events, problems, raw, loaded = load(write(tmp_path / "many.csv", header, copies))
    assert (len(events), loaded.merged, problems["line"].nunique()) == (1, 1, 9_998)
    assert events["actor2"].tolist() == [LNA]
    assert set(problems["expected"]) == {"one row per actor, at most 2 rows per event: LBY92001 is already on lines 2 "
                                         "and 3"}  # fmt: skip
