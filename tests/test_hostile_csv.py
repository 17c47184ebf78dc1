"""Hostile dataset files (tests/hostile/): no text of a file, its header or its name ever becomes SQL, every input is
bounded, and each bad input is one line or a problem of its row, never a traceback, never a server path."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import hostile
import pandas as pd
import pytest
from builders import Recording, store_of, write_dataset

from components.formats import csvfile, records
from components.formats.detect import detect
from components.formats.refusal import UnreadableFile


def load(path: Path, con: object = None, source_file: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame, object]:
    """Read, check and map one file in a DuckDB of its own: its model rows, its problems and its raw table."""
    con = con or duckdb.connect()
    csvfile.check_utf8(path)
    found = detect(path)
    raw = csvfile.read(con, path, found.names)
    events, problems = found.format.load(con, raw, source_file or path.name)
    return con.execute(f"SELECT * FROM {events}").df(), con.execute(f"SELECT * FROM {problems}").df(), raw


def refusal(path: Path) -> str:
    """The one-line message a file is refused with, from the same steps as an import (encoding, format, reading)."""
    with pytest.raises(UnreadableFile) as err:
        load(path)
    message = str(err.value)
    assert "\n" not in message and message.startswith(path.name + ": "), message
    assert str(path.parent) not in message, f"a server folder in {message!r}"
    return message


def accounted(events: pd.DataFrame, problems: pd.DataFrame, raw: object) -> None:
    """Rows read = events + problem rows."""
    assert raw.rows == len(events) + problems["line"].nunique()


@pytest.fixture
def store(tmp_path):
    """A store of the tiny dataset (4 article events), ready to import into."""
    return store_of(*write_dataset(tmp_path / "site"), tmp_path / "site")


# -- 1. nothing from a file becomes SQL ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["drop", "copy"])
def test_a_column_name_made_of_sql_runs_nothing(store, tmp_path, kind):
    """A header name that ends a statement and starts another (drop the events; write a file) is read as a name:
    the import loads its seven rows, the events table keeps its rows, no file appears."""
    pwned = tmp_path / "pwned.csv"
    name = hostile.DROP if kind == "drop" else hostile.copy_to(pwned)
    path = hostile.extra_first_column(tmp_path / "upload.csv", name)
    result = store.import_file(path)
    assert (result.rows_read, result.events, result.problem_rows) == (7, 7, 0)
    assert store.value("SELECT count(*) FROM events") == 4 + 7
    assert not pwned.exists() and not list(tmp_path.rglob("pwned*"))


def test_cells_of_sql_are_stored_exactly_as_written(store, tmp_path):
    """Notes, places, sources and actors holding quotes, statement ends, comments and placeholders are data: stored
    as written; a date holding SQL is a problem whose value is the text as written."""
    result = store.import_file(hostile.hostile_cells(tmp_path / "cells.csv"))
    assert (result.rows_read, result.events, result.problem_rows) == (7, 6, 1)
    assert store.value("SELECT count(*) FROM events") == 4 + 6
    stored = store.rows("SELECT evidence, location, source, actors FROM events WHERE dataset = 'ACLED' ORDER BY line")
    for (evidence, location, source, actors), cell in zip(stored, hostile.SQL_CELLS):
        assert evidence == location == source == cell
        assert cell in list(actors)
    [problem] = result.problems
    # line 10: the row before spans five lines (a line break in each of its four hostile cells)
    assert (problem.line, problem.column, problem.value) == (10, "event_date", hostile.SQL_CELLS[0])


def test_a_file_name_of_sql_is_stored_as_written(store, tmp_path):
    """A file named with quotes, a semicolon and a comment is kept and named as written, with its events."""
    path = hostile.hostile_cells(tmp_path / hostile.HOSTILE_NAME)
    result = store.import_file(path)
    assert result.file == f"sources/acled/{hostile.HOSTILE_NAME}" and result.events == 6
    assert (store.data / result.file).read_bytes() == path.read_bytes()
    assert store.value("SELECT count(*) FROM events WHERE source_file = ?", [result.file]) == 6
    assert store.value("SELECT count(*) FROM problems WHERE source_file = ?", [result.file]) == 1
    assert store.value("SELECT count(*) FROM events") == 4 + 6


def test_no_text_of_the_file_reaches_the_sql(tmp_path):
    """Every statement the read and the mapping run holds only the project's own names: not the file's header
    names, cells or name (the rows are read into positional columns; values go as parameters)."""
    path = hostile.extra_first_column(tmp_path / "upload.csv", hostile.DROP, hostile.SQL_CELLS * 2)
    recording = Recording(duckdb.connect())
    events, problems, raw = load(path, recording, source_file=hostile.HOSTILE_NAME)
    assert len(events) == 7 and problems.empty
    assert set(events["source_file"]) == {hostile.HOSTILE_NAME}
    assert raw.columns[0] == hostile.DROP.lower()  # the name is kept, in Python only
    text = "\n".join(recording.sql).lower()
    for outside in ("drop table events", "select 'z'", "delete from", "/* comment */", hostile.HOSTILE_NAME.lower()):
        assert outside not in text, f"{outside!r} reached the SQL"


# -- 2. bounded inputs ---------------------------------------------------------------------------------------------


def test_too_many_columns_is_one_line(tmp_path):
    """501 columns (ACLED has 31, UCDP 49) is refused, naming the count and the limit; 1,001 and 5,000 too,
    quickly; 500 load."""
    for count in (501, 1_001, 5_000):
        started = time.perf_counter()
        message = refusal(hostile.columns(tmp_path / f"wide{count}.csv", count))
        assert f"{count:,} columns" in message and "at most 500" in message
        assert time.perf_counter() - started < 2
    events, problems, raw = load(hostile.columns(tmp_path / "wide500.csv", 500))
    assert len(events) == 7 and problems.empty and len(raw.columns) == 500


@pytest.mark.parametrize("size", [100_001, 131_073, 1_000_000])
def test_a_header_cell_too_large_is_one_line(tmp_path, size):
    """A column name of more than 100,000 characters (131,072 and more crashed the csv module) is refused."""
    message = refusal(hostile.long_header_cell(tmp_path / "long.csv", size))
    assert "column 1" in message and f"{size:,} characters" in message and "at most 100,000" in message
    assert len(message) < 300


def test_a_cell_too_large_is_a_problem_of_its_row(tmp_path):
    """A notes cell of 100,001 characters: its row is a problem naming the column, the value shortened; the rest
    load."""
    events, problems, raw = load(hostile.big_cell(tmp_path / "big.csv", 100_001))
    accounted(events, problems, raw)
    assert len(events) == 6 and 4 not in set(events["line"])
    [problem] = problems.to_dict("records")
    assert (problem["line"], problem["column"]) == (4, "notes")
    assert "100,001 characters" in problem["value"] and len(problem["value"]) < 200
    assert "at most 100,000 characters" in problem["expected"]


@pytest.mark.parametrize(("column", "lines"), [("source", False), ("notes", True)])
def test_a_cell_of_tens_of_megabytes_says_the_cell_is_too_large(tmp_path, column, lines):
    """A 25 MB cell (over the 20 MB a row may hold), plain or quoted over 25,000 lines, is reported as a cell too
    large, not as missing fields; the rows after it keep their lines."""
    events, problems, raw = load(hostile.big_cell(tmp_path / "huge.csv", 25_000_000, column=column, lines=lines))
    accounted(events, problems, raw)
    assert sorted(events["line"])[-1] == 8 + (25_000 if lines else 0)
    [problem] = problems.to_dict("records")
    assert (problem["line"], problem["column"]) == (4, column)
    assert "25,000,000 characters" in problem["value"] and len(problem["value"]) < 200
    assert "at most 100,000 characters" in problem["expected"] and "fields" not in problem["expected"]


def test_a_large_cell_in_a_row_of_the_wrong_width(tmp_path):
    """A 200,000-character cell in a row with one field too many: a problem of its line, no traceback."""
    events, problems, raw = load(hostile.big_cell(tmp_path / "both.csv", 200_000, extra_field=True))
    accounted(events, problems, raw)
    assert set(problems["line"]) == {4} and len(events) == 6
    assert problems["value"].str.len().max() < 200


def test_duplicate_column_names_take_linear_time():
    """5,000 equal names are made unique in well under the time a quadratic loop takes (39 s for 3,000)."""
    started = time.perf_counter()
    names = csvfile.column_names(["x"] * 5_000 + ["x_2", "X", ""])
    assert time.perf_counter() - started < 2
    assert len(set(names)) == len(names) == 5_003 and names[:2] == ["x", "x_2"]
    assert names[5_000:] == ["x_2_2", "x_5001", "_column5002"]


def test_cells_are_measured_across_chunk_edges(tmp_path, monkeypatch):
    """The byte scan that measures a record counts its cells and finds its largest as the csv module reads them,
    with quotes, commas and line breaks inside cells, multi-byte characters, and chunks of 5 bytes."""
    monkeypatch.setattr(records, "SMALL_CHUNK", 5)
    cells = ["a", 'say "hi", twice', "", "Ṭarābulus, ليبيا", "x" * 23, "line\r\nbreak", "b,c"]
    path = hostile.write(tmp_path / "one.csv", None, [cells, ["next", "row"]], newline="\r\n")
    end = path.read_bytes().index(b"\r\nnext")  # the line break inside "line\r\nbreak" does not end the record
    measured = records.measure(path, 0)
    assert (measured.count, measured.largest, measured.largest_chars) == (7, 4, 23)
    assert not measured.cr_only and measured.end == end
    assert csvfile.read_header(path) == cells
    quoted = records.measure(path, len("a,"), len('a,"say ""hi"", twice"'))
    assert (quoted.count, quoted.largest_chars) == (1, len('"say ""hi"", twice"'))


def test_a_file_of_3000_duplicate_names_is_refused_at_once(tmp_path):
    """3,000 columns named x in a 13 KB file: refused for its width in well under a second."""
    path = hostile.duplicate_names(tmp_path / "dups.csv", 3_000, rows=1)
    assert path.stat().st_size < 20_000
    started = time.perf_counter()
    assert "3,031 columns" in refusal(path)
    assert time.perf_counter() - started < 1


def test_duplicate_column_names_within_the_limit_load(tmp_path):
    """400 extra columns all named x beside ACLED's: the rows load (the first of equal names is the one used)."""
    events, problems, _ = load(hostile.duplicate_names(tmp_path / "dups.csv", 400))
    assert len(events) == 7 and problems.empty


HUGE = ["10000000000000000000", "1e19", "99999999999999999999999999", "-10000000000000000000", "1e400", "nan"]
ACLED_NUMBERS = {
    "fatalities": "a whole number of deaths from 0 to 1,000,000",
    "timestamp": "a Unix timestamp in seconds: a whole number from 0 to",
    "iso": "an ISO 3166 numeric country code: a whole number from 0 to 999",
    "geo_precision": "1, 2 or 3",
    "time_precision": "1 (day), 2 (week) or 3 (month)",
    "year": "the year of event_date, 2020",
    "latitude": "a latitude from -90 to 90",
    "longitude": "a longitude from -180 to 180",
}
UCDP_NUMBERS = {
    "id": "a whole number from 0 to",
    "best": "a whole number of deaths from 0 to 10,000,000",
    "low": "a whole number of deaths from 0 to 10,000,000",
    "high": "a whole number of deaths from 0 to 10,000,000",
    "date_prec": "1 to 5",
    "where_prec": "1 to 7",
    "type_of_violence": "1, 2 or 3",
}


@pytest.mark.parametrize(
    ("dataset", "column", "value"),
    [("acled", c, v) for c in ACLED_NUMBERS for v in HUGE] + [("ucdp", c, v) for c in UCDP_NUMBERS for v in HUGE[:3]],
)
def test_huge_numbers_are_problems_of_their_row(tmp_path, dataset, column, value):
    """1e19 and more in a numeric column (a traceback before): a problem of line 2 naming the column and what a
    value must be; the other rows load."""
    events, problems, raw = load(hostile.number(tmp_path / "n.csv", column, value, dataset))
    accounted(events, problems, raw)
    assert 2 not in set(events["line"]) and len(events) == raw.rows - 1
    at = problems[(problems["line"] == 2) & (problems["column"] == column)]
    assert list(at["value"]) == [value]
    expected = (ACLED_NUMBERS if dataset == "acled" else UCDP_NUMBERS)[column]
    assert at.iloc[0]["expected"].startswith(expected), at.iloc[0]["expected"]


def test_cr_only_line_ends_are_named(tmp_path):
    """Old Mac files (a carriage return alone ends each line) are told how to save the file, not to check quotes."""
    message = refusal(hostile.cr_only(tmp_path / "mac.csv"))
    assert "lines end with CR only; save the file with LF or CRLF line endings" in message
    assert "quote" not in message


@pytest.mark.parametrize("chunk", [7, 50, 1 << 20])
def test_a_lone_cr_after_the_header_is_named_at_any_chunk_edge(tmp_path, monkeypatch, chunk):
    """A carriage return alone ending a later line is found wherever the scan's chunks end (and a CR inside quotes,
    or before a line feed, is no line end)."""
    monkeypatch.setattr(records, "CHUNK", chunk)
    header, rows = hostile.rows_of("acled_current.csv")
    body = [",".join(f'"{cell}"' for cell in row) for row in rows]
    good = tmp_path / "crlf.csv"
    good.write_bytes(("\r\n".join([",".join(header), *body]) + '\r\n"in\rquotes"\r\n').encode())
    assert len(records.scan(good).starts) == len(rows) + 3
    for at in range(1, len(rows)):
        bad = tmp_path / f"mixed{at}.csv"
        bad.write_bytes(("\n".join([",".join(header), *body[:at]]) + "\r" + "\n".join(body[at:]) + "\n").encode())
        with pytest.raises(UnreadableFile, match="lines end with CR only"):
            records.scan(bad)
    monkeypatch.setattr(records, "CHUNK", bad.read_bytes().index(b"\r") + 1)  # the CR is a chunk's last byte
    with pytest.raises(UnreadableFile, match="lines end with CR only"):
        records.scan(bad)


def test_one_id_on_many_rows_is_one_event(tmp_path, store):
    """10,000 rows with one event_id_cnty and timestamp: one event, 9,999 problem rows naming the first line."""
    path = hostile.same_id(tmp_path / "same.csv", 10_000)
    events, problems, raw = load(path)
    accounted(events, problems, raw)
    assert list(events["line"]) == [2] and len(problems) == 9_999
    assert set(problems["column"]) == {"event_id_cnty"} and set(problems["value"]) == {"LBY90001"}
    assert set(problems["expected"]) == {"a unique event id: LBY90001 is already on line 2"}
    result = store.import_file(path)
    assert (result.rows_read, result.events, result.problem_rows) == (10_000, 1, 9_999)
    assert store.value("SELECT count(*) FROM events WHERE uid = 'ACLED:Libya:LBY90001'") == 1


def test_one_id_with_two_timestamps_in_a_file_is_two_versions(tmp_path):
    """The same ACLED id with another timestamp is a revision, not a repeat: both rows are versions."""
    events, problems, _ = load(hostile.same_id(tmp_path / "two.csv", 4, ["1591699732", "1591799999"]))
    assert sorted(events["line"]) == [2, 3] and sorted(events["version"]) == [1591699732, 1591799999]
    assert list(problems["line"]) == [4, 5]
    assert list(problems["expected"]) == ["a unique event id: LBY90001 is already on line 2",
                                          "a unique event id: LBY90001 is already on line 3"]  # fmt: skip


def test_a_repeated_ucdp_id_is_a_problem(tmp_path):
    """A UCDP id on two rows: the second is a problem naming the first's line."""
    path = hostile.same_ucdp_id(tmp_path / "ged.csv")
    events, problems, raw = load(path)
    accounted(events, problems, raw)
    [problem] = problems.to_dict("records")
    assert (problem["column"], problem["value"]) == ("id", "900001")
    assert problem["expected"] == "a unique event id: 900001 is already on line 2"
    assert problem["line"] == raw.rows + 1


def test_revisions_across_files_still_load(store):
    """ACLED's revision files repeat an id with a later timestamp in another file: no problem, both versions kept."""
    fixtures = hostile.FIXTURES
    first = store.import_file(fixtures / "acled_revision_1.csv")
    second = store.import_file(fixtures / "acled_revision_2.csv")
    assert first.problem_rows == second.problem_rows == 0
    assert store.value("SELECT count(*) FROM events WHERE uid = 'ACLED:Libya:LBY90801'") == 2


# -- 3. refusals that name the file, not the server's folders ------------------------------------------------------


def test_files_that_are_not_csv_are_one_line(tmp_path):
    """An image, a spreadsheet, JSON and an empty file: each refused in one line naming it, never a traceback."""
    said = {kind: refusal(path) for kind, path in hostile.not_csv(tmp_path).items()}
    assert "not UTF-8 text" in said["png"] and "not UTF-8 text" in said["xlsx"]
    assert "not a known format" in said["json"] and "empty" in said["empty"]


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: hostile.cr_only(folder / "mac.csv"),
        lambda folder: hostile.unclosed_quote(folder / "open.csv"),
        lambda folder: hostile.columns(folder / "wide.csv", 600),
        lambda folder: hostile.long_header_cell(folder / "long.csv", 200_000),
        lambda folder: hostile.FIXTURES.joinpath("unknown_format.csv"),
        lambda folder: hostile.FIXTURES.joinpath("not_utf8.csv"),
    ],
    ids=["cr", "quote", "wide", "header", "format", "encoding"],
)
def test_refusals_name_the_file_and_no_folder(tmp_path, make, store):
    """Every refusal begins with the file's plain name and holds no folder of the server, from a test read or an
    import; nothing is copied."""
    path = make(tmp_path)
    refusal(path)
    with pytest.raises(UnreadableFile) as err:
        store.import_file(path)
    assert str(err.value).startswith(path.name + ": ") and str(path.parent) not in str(err.value)
    assert not list((store.data / "sources").glob("*/*.csv"))
