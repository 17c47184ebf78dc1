"""A CSV file as analysts download it, read into DuckDB: UTF-8 checked, bounded, every record with its physical line.

DuckDB parses the file (fast, in parallel, all cells as text) and sets aside the rows it cannot parse. It does not
say on which physical line each good row starts, and a quoted note may span several lines. A vectorised scan of the
bytes (components/formats/records.py) finds every record boundary (a newline outside quotes: an even count of `"`
before it), so each record gets its line; two counts cross-check the scan against DuckDB's parse, so a file they
read differently is refused rather than misnumbered. The file is read in chunks, so memory stays bounded whatever
its size.

No text of the file reaches SQL: DuckDB reads the cells into positional columns the project names (c0, c1, ...),
and the header's names stay in Python, where a format maps its declared columns onto those positions. Inputs are
bounded: at most MAX_COLUMNS columns and MAX_CELL characters a cell (a bigger cell makes its row a problem).
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

from components.formats.records import CHUNK, CR_ONLY, Cells, Records, field_count, measure, scan
from components.formats.refusal import UnreadableFile, refuse
from components.progress import Report, quiet
from components.sql import execute, ident

LINE, WIDTH = "_line", "_fields"  # columns added to every raw table: the record's first line, and its field count
MAX_COLUMNS = 500  # ACLED has 31 columns, UCDP 49: ten times more is no dataset file
MAX_CELL = 100_000  # characters in a cell; ACLED's notes and UCDP's headlines are far below
MAX_LINE = 20_000_000  # bytes DuckDB holds of one record; a longer one is set aside and measured here
ECHO = 60  # characters of an oversized cell repeated in its problem
TOO_LARGE = f"a cell of at most {MAX_CELL:,} characters"
_tables = itertools.count()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list | dict | None = None) -> object:
    """The one value a query returns (its result read to the end, as DuckDB wants before the next statement)."""
    return execute(con, sql, params).fetchall()[0][0]


def check_utf8(path: Path, progress: Report = quiet) -> None:
    """Raise UnreadableFile naming the byte offset of the first byte that is not UTF-8."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, size = 0, max(path.stat().st_size, 1)
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            progress("checking encoding", offset / size)
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as err:
                at = offset + err.start - len(decoder.getstate()[0])
                raise refuse(
                    path,
                    f"not UTF-8 text: byte {at:,} is {chunk[err.start : err.start + 1]!r}; "
                    "save the file as UTF-8 (as ACLED and UCDP publish it) and import it again",
                ) from None
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise refuse(path, "not UTF-8 text: the file ends inside a character") from None


def cell_text(path: Path, cells: Cells) -> tuple[str, int]:
    """The first characters of a record's largest cell and its length, its quotes left out, to name it in a message."""
    with path.open("rb") as f:
        f.seek(cells.largest_start)
        head = f.read(ECHO * 4 + 1).decode("utf-8", errors="ignore")
    quoted = head.startswith('"')
    return head[quoted:][:ECHO], cells.largest_chars - 2 * quoted


def read_header(path: Path) -> list[str]:
    """The first record's cells (a BOM dropped), measured first so that no row too wide or cell too large is read."""
    cells = measure(path, 0)
    if cells.cr_only:
        raise refuse(path, CR_ONLY)
    if cells.count > MAX_COLUMNS:
        raise refuse(path, f"its first row has {cells.count:,} columns; a file may have at most {MAX_COLUMNS:,}")
    if cells.largest_chars > MAX_CELL + 2:  # measured with its quotes, if any; the exact check follows
        raise _header_cell(path, cells.largest, cells.largest_chars)
    with path.open("rb") as f:
        first = f.read(cells.end)
    try:  # every cell is now below the csv module's own limit (131,072 characters)
        header = next(csv.reader(io.StringIO(first.decode("utf-8-sig"), newline="")), [])
    except (UnicodeDecodeError, csv.Error) as err:  # not UTF-8, or a first record no CSV reader takes
        raise refuse(path, f"its first row cannot be read ({err})") from None
    for i, cell in enumerate(header):
        if len(cell) > MAX_CELL:
            raise _header_cell(path, i, len(cell))
    return header


def _header_cell(path: Path, index: int, chars: int) -> UnreadableFile:
    """The refusal of a first row holding a cell over MAX_CELL."""
    return refuse(path, f"column {index + 1} of its first row is {chars:,} characters; a cell may hold at most "
                  f"{MAX_CELL:,}")  # fmt: skip


def column_names(header: list[str]) -> list[str]:
    """Names the formats match: stripped, lower case (formats match names case-insensitively), unique (a repeat gets
    _2, _3, ...), never empty. Linear: each name's next free number is remembered, never searched from 1 again."""
    names: list[str] = []
    taken: set[str] = set()
    tried: dict[str, int] = {}
    for i, name in enumerate(header):
        clean = base = name.strip().lower() or f"_column{i}"
        while clean in taken:
            tried[base] = tried.get(base, 1) + 1
            clean = f"{base}_{tried[base]}"
        taken.add(clean)
        names.append(clean)
    return names


def positions(count: int) -> list[str]:
    """The project's names for a file's columns in the database: c0, c1, ... (never the file's own names)."""
    return [f"c{i}" for i in range(count)]


@dataclass(frozen=True)
class RawTable:
    """A file read into a DuckDB table of text cells, one row per record that parsed, with its line."""

    table: str  # rows in file order: the n-th row (rowid n) is the n-th record that parsed; columns c0, c1, ...
    lines: str  # a table (ord, _line): the line of the record at each rowid
    columns: list[str]  # the file's column names, in file order (Python only: never SQL text)
    rows: int  # records in the file (not blank lines, not the header)
    problems: str  # a table (line, column, value, expected): records that did not parse, or hold too large a cell
    oversized: int = 0  # rows of `table` that hold too large a cell (listed in `problems`, no event)

    @property
    def fields(self) -> list[str]:
        """The table's column names, position by position."""
        return positions(len(self.columns))

    def field(self, name: str) -> str | None:
        """The table's column holding the file's column `name`, or None when the file has no such column."""
        return f"c{self.columns.index(name)}" if name in self.columns else None


def read(
    con: duckdb.DuckDBPyConnection, path: Path, names: list[str] | None = None, progress: Report = quiet
) -> RawTable:
    """Read a CSV (checked as UTF-8 before: check_utf8) into a temporary table; `names` for a file without a header
    row."""
    records = scan(path, progress)
    has_header = names is None
    progress("reading", 0.0, rows=int((~records.blank).sum()) - has_header)
    columns = column_names(read_header(path)) if has_header else list(names)
    if not columns:
        raise refuse(path, "the file is empty")
    if len(columns) > MAX_COLUMNS:
        raise refuse(path, f"{len(columns):,} columns; a file may have at most {MAX_COLUMNS:,}")
    n = next(_tables)
    table, rejects, scans, lines, problems = (f"{kind}_{n}" for kind in ("raw", "rejects", "scans", "lines", "bad"))
    fields = positions(len(columns))
    try:
        execute(
            con,
            f"""CREATE TEMP TABLE {ident(table)} AS SELECT * FROM read_csv(?, header = ?, columns = ?,
                auto_detect = false, delim = ',', quote = '"', escape = '"', store_rejects = true, rejects_table = ?,
                rejects_scan = ?, max_line_size = {MAX_LINE})""",
            [str(path), has_header, dict.fromkeys(fields, "VARCHAR"), rejects, scans],
        )
    except duckdb.Error as err:
        said = str(err).splitlines()[0].replace(str(path), path.name)  # DuckDB names the file by its full path
        raise refuse(path, f"not a readable CSV file ({said})") from None
    # DuckDB numbers a rejected record by its place among all records, blank lines and the header included.
    bad = execute(
        con,
        f"""SELECT line, any_value(csv_line), any_value(error_type) FROM {ident(rejects)}
            GROUP BY line ORDER BY line""",
    ).fetchall()
    execute(con, f"DROP TABLE {ident(rejects)}")
    execute(con, f"DROP TABLE {ident(scans)}")
    bad_index = np.array([line - 1 for line, _, _ in bad], dtype=np.int64)
    data_index = np.flatnonzero(~records.blank)[1 if has_header else 0 :]
    good_index = np.setdiff1d(data_index, bad_index, assume_unique=True)
    parsed = scalar(con, f"SELECT count(*) FROM {ident(table)}")
    inner, wide = _columns_measured(con, table, fields)
    for i, (_, text, kind) in zip(bad_index, bad):  # DuckDB's text keeps blank lines before; a long one is cut
        inner += records.inner(i) if kind == "LINE SIZE OVER MAXIMUM" else text.strip("\r\n").count("\n")
    if parsed != len(good_index) or not set(bad_index) <= set(data_index) or inner != records.inner_newlines:
        execute(con, f"DROP TABLE {ident(table)}")
        raise refuse(
            path,
            f"its records could not be told apart with certainty ({parsed:,} rows parsed, {len(good_index):,} "
            "found); check for quotes inside unquoted cells",
        )
    con.register("line_numbers", pa.table({"ord": np.arange(len(good_index)), LINE: records.lines[good_index]}))
    execute(con, f"CREATE TEMP TABLE {ident(lines)} AS SELECT * FROM line_numbers")
    con.unregister("line_numbers")
    listed = [_rejected(path, records, i, text, kind, columns) for i, (_, text, kind) in zip(bad_index, bad)]
    rejected = pa.table(
        {name: [row[k] for row in listed] for k, name in enumerate(("line", "column", "value", "expected"))},
        schema=pa.schema([("line", pa.int64()), ("column", pa.string()), ("value", pa.string()),
                          ("expected", pa.string())]),
    )  # fmt: skip
    oversized = _oversized(con, table, lines, fields, columns, problems, rejected, wide)
    return RawTable(table, lines, columns, len(data_index), problems, oversized)


def _rejected(
    path: Path, records: Records, i: int, text: str, kind: str, columns: list[str]
) -> tuple[int, str, str, str]:
    """The problem of a record DuckDB set aside: a cell too large to read, or the wrong number of fields."""
    line = int(records.lines[i])
    if kind == "LINE SIZE OVER MAXIMUM":  # DuckDB kept only its start: measure the record in the file itself
        cells = measure(path, int(records.starts[i]), int(records.starts[i] + records.sizes[i]))
        if cells.largest_chars > MAX_CELL:
            name = columns[cells.largest] if cells.largest < len(columns) else f"(field {cells.largest + 1})"
            head, chars = cell_text(path, cells)
            return line, name, f"{head}… ({chars:,} characters)", TOO_LARGE
        return line, "(row)", f"{int(records.sizes[i]):,} bytes", f"a row of at most {MAX_LINE:,} bytes"
    return line, "(row)", f"{field_count(text)} fields", f"{len(columns)} fields, as in the header"


def _oversized(
    con: duckdb.DuckDBPyConnection,
    table: str,
    lines: str,
    fields: list[str],
    columns: list[str],
    problems: str,
    rejected: pa.Table,
    wide: list[int],
) -> int:
    """Write the file's problems table: the records DuckDB set aside, and each row holding a cell over MAX_CELL
    (its first such column named, the value cut). Returns the number of such rows. Only the `wide` columns (some
    cell over MAX_CELL bytes) are looked at, usually none; characters are counted only for cells that many bytes."""
    con.register("rejected_rows", rejected)
    execute(con, f"CREATE TEMP TABLE {ident(problems)} AS SELECT * FROM rejected_rows")
    con.unregister("rejected_rows")
    if not wide:
        return 0
    first_big = " ".join(
        f"WHEN strlen({ident(fields[i])}) > {MAX_CELL} AND length({ident(fields[i])}) > {MAX_CELL} THEN {i + 1}"
        for i in wide
    )
    cells = f"[{', '.join(ident(c) for c in fields)}]"  # built only for the rows holding a large cell
    big = f"big_{table}"
    execute(
        con,
        f"""CREATE TEMP TABLE {ident(big)} AS
            SELECT l.{ident(LINE)}::BIGINT AS line, list_extract($names, b.i) AS "column", b.cell
            FROM (SELECT ord, i, list_extract(cells, i) AS cell FROM (
                    SELECT rowid AS ord, CASE {first_big} END AS i, {cells} AS cells FROM {ident(table)})
                  WHERE i IS NOT NULL) b
            JOIN {ident(lines)} l USING (ord)""",
        {"names": columns},
    )
    execute(
        con,
        f"""INSERT INTO {ident(problems)} SELECT line, "column",
            left(cell, {ECHO}) || '… (' || format('{{:,}}', length(cell)) || ' characters)', $expected
            FROM {ident(big)}""",
        {"expected": TOO_LARGE},
    )
    oversized = int(scalar(con, f"SELECT count(*) FROM {ident(big)}"))
    execute(con, f"DROP TABLE {ident(big)}")
    return oversized


def _columns_measured(con: duckdb.DuckDBPyConnection, table: str, fields: list[str]) -> tuple[int, list[int]]:
    """In one pass over the parsed rows: the line breaks inside their cells (which must equal those the scan found
    inside quotes), and the columns holding a cell over MAX_CELL bytes. One aggregate per column (a flat list, not
    one long expression), over byte lengths, which DuckDB knows without reading the text."""
    newlines = [f"sum(strlen({ident(c)}) - strlen(replace({ident(c)}, chr(10), '')))" for c in fields]
    longest = [f"max(strlen({ident(c)}))" for c in fields]
    row = execute(con, f"SELECT {', '.join(newlines + longest)} FROM {ident(table)}").fetchall()[0]
    inner = int(sum(v or 0 for v in row[: len(fields)]))
    return inner, [i for i, most in enumerate(row[len(fields) :]) if (most or 0) > MAX_CELL]
