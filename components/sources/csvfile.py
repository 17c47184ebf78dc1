"""A CSV file as analysts download it, read into DuckDB: UTF-8 checked, every record with its physical line.

DuckDB parses the file (fast, in parallel, all cells as text) and sets aside the rows it cannot parse. It does not
say on which physical line each good row starts, and a quoted note may span several lines. A vectorised scan of the
bytes finds every record boundary (a newline outside quotes: an even count of `"` before it), so each record gets
its line; two counts cross-check the scan against DuckDB's parse, so a file they read differently is refused
rather than misnumbered. The file is read in chunks, so memory stays bounded whatever its size.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from components.progress import Report, quiet

CHUNK = 64 << 20  # bytes scanned at a time: bounded memory whatever the file's size
QUOTE, NEWLINE, CR = 34, 10, 13
LINE, WIDTH = "_line", "_fields"  # columns added to every raw table: the record's first line, and its field count
_tables = itertools.count()


class SourceFileError(Exception):
    """A file that cannot be read at all: one line naming the file and where it fails."""


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> object:
    """The one value a query returns (its result read to the end, as DuckDB wants before the next statement)."""
    return con.execute(sql, params or []).fetchall()[0][0]


def check_utf8(path: Path, progress: Report = quiet) -> None:
    """Raise SourceFileError naming the byte offset of the first byte that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, size = 0, max(path.stat().st_size, 1)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            progress("checking encoding", offset / size)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                at = offset + err.start - len(decoder.getstate()[0])
                raise SourceFileError(
                    f"{path}: not UTF-8 text: byte {at:,} is {chunk[err.start : err.start + 1]!r}; "
                    "save the file as UTF-8 (as ACLED and UCDP publish it) and import it again"
                ) from None
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise SourceFileError(f"{path}: not UTF-8 text: the file ends inside a character") from None


@dataclass(frozen=True)
class Records:
    """Every record of a file, blank ones included, in order: where it starts and which lines it spans."""

    starts: np.ndarray  # byte offset
    lines: np.ndarray  # physical line it starts on (1-based)
    blank: np.ndarray  # an empty line, which no reader counts as a row
    inner_newlines: int  # line breaks inside quoted cells, over the whole file


def scan(path: Path, progress: Report = quiet) -> Records:
    """Find every record boundary: a newline with an even number of quotes before it in the file."""
    size = path.stat().st_size
    ends, end_lines, before_end = [], [], []  # boundary newlines, the line each ends, the byte before each
    parity, newlines, last = 0, 0, NEWLINE
    with path.open("rb") as f:
        offset = 0
        while chunk := f.read(CHUNK):
            progress("finding rows", offset / max(size, 1))
            data = np.frombuffer(chunk, dtype=np.uint8)
            quotes = np.flatnonzero(data == QUOTE)
            breaks = np.flatnonzero(data == NEWLINE)
            outside = (np.searchsorted(quotes, breaks) + parity) % 2 == 0
            local = breaks[outside]
            ends.append(local + offset)
            end_lines.append(np.flatnonzero(outside) + newlines + 1)
            previous = np.concatenate([[last], data])  # the byte before each position, across chunk edges
            before_end.append(previous[local])
            parity = (parity + len(quotes)) % 2
            newlines += len(breaks)
            last = data[-1]
            offset += len(chunk)
    if parity:
        raise SourceFileError(f"{path}: a quote is opened and never closed, so the end of the file is unreadable")
    boundary = np.concatenate(ends) if ends else np.zeros(0, np.int64)
    starts = np.concatenate([[0], boundary + 1])
    lines = np.concatenate([[1], np.concatenate(end_lines) + 1]) if ends else np.ones(1, np.int64)
    length = np.concatenate([boundary, [size]]) - starts
    last_byte = np.concatenate([*before_end, [last]]) if ends else np.array([last])
    blank = (length == 0) | ((length == 1) & (last_byte == CR))  # an empty line, or a lone carriage return
    return Records(starts, lines, blank, newlines - len(boundary))


def read_header(path: Path) -> list[str]:
    """The first record's cells (a BOM dropped), read with the csv module: one row only."""
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as f:
            return next(csv.reader(f), [])
    except (UnicodeDecodeError, csv.Error) as err:  # not UTF-8, or a first record no CSV reader takes
        raise SourceFileError(f"{path}: its first row cannot be read ({err})") from None


def column_names(header: list[str]) -> list[str]:
    """Names DuckDB can hold: stripped, lower case (formats match names case-insensitively), unique, never empty."""
    names: list[str] = []
    for i, name in enumerate(header):
        clean = name.strip().lower() or f"_column{i}"
        while clean in names:
            clean += "_"
        names.append(clean)
    return names


@dataclass(frozen=True)
class RawTable:
    """A file read into a DuckDB table of text cells, one row per record that parsed, with its line."""

    table: str  # rows in file order: the n-th row (rowid n) is the n-th record that parsed
    lines: str  # a table (ord, _line): the line of the record at each rowid
    columns: list[str]  # the file's columns, in file order, as named in the table
    rows: int  # records in the file (not blank lines, not the header)
    rejected: list[tuple[int, int, str]]  # records that did not parse: line, fields, what DuckDB said


def read(
    con: duckdb.DuckDBPyConnection, path: Path, names: list[str] | None = None, progress: Report = quiet
) -> RawTable:
    """Read a CSV (checked as UTF-8 before: check_utf8) into a temporary table; `names` for a file without a header
    row."""
    records = scan(path, progress)
    has_header = names is None
    progress("reading", 0.0, rows=int((~records.blank).sum()) - has_header)
    columns = column_names(read_header(path)) if has_header else names
    if not columns:
        raise SourceFileError(f"{path}: the file is empty")
    n = next(_tables)
    table, rejects, scans = f"raw_{n}", f"rejects_{n}", f"scans_{n}"
    try:
        con.execute(
            f"""CREATE TEMP TABLE {table} AS SELECT * FROM read_csv(?, header = ?, columns = ?, auto_detect = false,
                delim = ',', quote = '"', escape = '"', store_rejects = true, rejects_table = '{rejects}',
                rejects_scan = '{scans}', max_line_size = 20000000)""",
            [str(path), has_header, dict.fromkeys(columns, "VARCHAR")],
        )
    except duckdb.Error as err:
        raise SourceFileError(f"{path}: not a readable CSV file ({str(err).splitlines()[0]})") from None
    # DuckDB numbers a rejected record by its place among all records, blank lines and the header included.
    bad = con.execute(
        f"SELECT line, any_value(csv_line), any_value(error_type) FROM {rejects} GROUP BY line ORDER BY line"
    ).fetchall()
    con.execute(f"DROP TABLE {rejects}")
    con.execute(f"DROP TABLE {scans}")
    bad_index = np.array([line - 1 for line, _, _ in bad], dtype=np.int64)
    data_index = np.flatnonzero(~records.blank)[1 if has_header else 0 :]
    good_index = np.setdiff1d(data_index, bad_index, assume_unique=True)
    parsed = scalar(con, f"SELECT count(*) FROM {table}")
    inner = _inner_newlines(con, table, columns)
    inner += sum(text.strip("\r\n").count("\n") for _, text, _ in bad)  # DuckDB's text keeps blank lines before
    if parsed != len(good_index) or not set(bad_index) <= set(data_index) or inner != records.inner_newlines:
        con.execute(f"DROP TABLE {table}")
        raise SourceFileError(
            f"{path}: its records could not be told apart with certainty ({parsed:,} rows parsed, "
            f"{len(good_index):,} found); check for quotes inside unquoted cells"
        )
    lines = f"lines_{n}"
    con.register("line_numbers", pa.table({"ord": np.arange(len(good_index)), LINE: records.lines[good_index]}))
    con.execute(f"CREATE TEMP TABLE {lines} AS SELECT * FROM line_numbers")
    con.unregister("line_numbers")
    rejected = [(int(records.lines[i]), _field_count(text), kind) for i, (_, text, kind) in zip(bad_index, bad)]
    return RawTable(table, lines, columns, len(data_index), rejected)


def _inner_newlines(con: duckdb.DuckDBPyConnection, table: str, columns: list[str]) -> int:
    """Line breaks inside the cells of every parsed row: must equal those the scan found inside quotes."""
    counts = " + ".join(f'coalesce(length("{c}") - length(replace("{c}", chr(10), \'\')), 0)' for c in columns)
    return int(scalar(con, f"SELECT coalesce(sum({counts}), 0) FROM {table}"))


def _field_count(text: str) -> int:
    """The number of fields of one raw record, for the message about a row of the wrong width."""
    return len(next(csv.reader(io.StringIO(text.lstrip("\r\n"), newline="")), []))
