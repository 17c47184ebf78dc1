"""A hostile corpus of dataset files, written in code into a test's folder: SQL in names and cells, oversized
headers, cells and numbers, repeated ids, old line endings and files that are not CSV at all.

Every file starts from the invented rows of tests/fixtures/acled_current.csv and ucdp_ged.csv (never real events),
changed in one way each, so a test can say exactly which row and column must be named.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# A column name that ends the statement it is pasted into and starts one of its own: it emptied the store once.
DROP = "a\"), 0)), 0) from (select 'z' as a); drop table events; --"
# Cells and file names that would be SQL if pasted: quotes of both kinds, statement ends, comments, placeholders.
SQL_CELLS = [
    "x'); drop table events; --",
    'say "hi"; delete from events where true; -- "',
    "$source_file ? ?; /* comment */ select 1",
    "line one\nline two'; --",
]
HOSTILE_NAME = "a'; drop table events; --\".csv"


def copy_to(target: Path) -> str:
    """A column name that, pasted into SQL, would write a file of the attacker's choosing at `target`."""
    return f"a\"), 0)), 0) from (select 'z' as a); copy (select 1) to '{target}'; --"


def rows_of(name: str) -> tuple[list[str], list[list[str]]]:
    """A fixture's header and rows, as the csv module reads them."""
    with (FIXTURES / name).open(encoding="utf-8-sig", newline="") as f:
        header, *rows = csv.reader(f)
    return header, rows


def acled() -> tuple[list[str], list[dict[str, str]]]:
    """The seven invented ACLED rows of acled_current.csv, each a dict by column."""
    header, rows = rows_of("acled_current.csv")
    return header, [dict(zip(header, row)) for row in rows]


def ucdp() -> tuple[list[str], list[dict[str, str]]]:
    """The invented UCDP GED rows of ucdp_ged.csv, each a dict by column."""
    header, rows = rows_of("ucdp_ged.csv")
    return header, [dict(zip(header, row)) for row in rows]


def write(path: Path, header: list[str] | None, rows: list[list[str]], newline: str = "\n") -> Path:
    """Write a CSV as a spreadsheet or pandas would (quoting only where needed); no header row when None."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8", newline="")
    return path


def write_dicts(path: Path, header: list[str], rows: list[dict[str, str]], newline: str = "\n") -> Path:
    """Write rows given as dicts, in the header's order."""
    return write(path, header, [[row.get(c, "") for c in header] for row in rows], newline)


def extra_first_column(path: Path, name: str, cells: list[str] | None = None) -> Path:
    """acled_current.csv with one more column in front, named `name`: the file is still ACLED by its header."""
    header, rows = rows_of("acled_current.csv")
    cells = cells or ["extra"] * len(rows)
    return write(path, [name, *header], [[cell, *row] for cell, row in zip(cells, rows)])


def hostile_cells(path: Path) -> Path:
    """ACLED rows whose notes, actor, place and source are SQL text, and one whose date is (a problem of its line)."""
    header, rows = acled()
    for row, cell in zip(rows, SQL_CELLS):
        row.update(notes=cell, location=cell, source=cell, actor2=cell)
    rows[4]["event_date"] = SQL_CELLS[0]
    return write_dicts(path, header, rows)


def columns(path: Path, count: int) -> Path:
    """acled_current.csv widened to `count` columns by extra ones, each named differently."""
    header, rows = rows_of("acled_current.csv")
    extra = count - len(header)
    return write(path, header + [f"extra_{i}" for i in range(extra)], [row + [""] * extra for row in rows])


def duplicate_names(path: Path, count: int, rows: int = 7) -> Path:
    """An ACLED header followed by `count` columns all named x, and its first `rows` rows (small: 13 KB for 3,000
    names and one row)."""
    header, data = rows_of("acled_current.csv")
    return write(path, header + ["x"] * count, [row + [""] * count for row in data[:rows]])


def long_header_cell(path: Path, size: int) -> Path:
    """acled_current.csv with one more column whose name is `size` characters long."""
    return extra_first_column(path, "n" * size)


def big_cell(
    path: Path, size: int, column: str = "notes", row: int = 2, extra_field: bool = False, lines: bool = False
) -> Path:
    """acled_current.csv with one cell of `size` characters (row index `row`, so line row + 2); with `lines`, a line
    break ends each thousand (so the cell is quoted and spans lines); with `extra_field`, that row also has one field
    too many."""
    header, rows = rows_of("acled_current.csv")
    rows[row][header.index(column)] = ("z" * 999 + "\n") * (size // 1000) if lines else "y" * size
    if extra_field:
        rows[row].append("surplus")
    return write(path, header, rows)


def number(path: Path, column: str, value: str, dataset: str = "acled") -> Path:
    """The fixture with `value` in `column` of its first row (line 2)."""
    header, rows = acled() if dataset == "acled" else ucdp()
    rows[0][column] = value
    return write_dicts(path, header, rows)


def cr_only(path: Path) -> Path:
    """acled_current.csv with old Mac line ends: a carriage return alone ends each line."""
    header, rows = rows_of("acled_current.csv")
    return write(path, header, rows, newline="\r")


def same_id(path: Path, count: int, timestamps: list[str] | None = None) -> Path:
    """`count` rows all with the id and timestamp of the first fixture row (or the given timestamps in turn)."""
    header, rows = acled()
    copies = [dict(rows[0]) for _ in range(count)]
    for i, row in enumerate(copies):
        row["notes"] = f"copy {i + 1}"
        if timestamps:
            row["timestamp"] = timestamps[i % len(timestamps)]
    return write_dicts(path, header, copies)


def same_ucdp_id(path: Path) -> Path:
    """The UCDP fixture with its first row repeated at the end (another headline)."""
    header, rows = ucdp()
    return write_dicts(path, header, [*rows, {**rows[0], "source_headline": "again"}])


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def not_csv(folder: Path) -> dict[str, Path]:
    """Files that are no CSV at all, each named by its kind: an image, a spreadsheet, JSON, an empty file."""
    files = {"png": folder / "picture.csv", "xlsx": folder / "book.csv", "json": folder / "data.csv",
             "empty": folder / "empty.csv"}  # fmt: skip
    files["png"].write_bytes(PNG)
    with zipfile.ZipFile(files["xlsx"], "w") as book:  # an .xlsx is a zip of XML parts
        book.writestr("xl/workbook.xml", "<workbook/>")
    files["json"].write_text('{"event_id_cnty": "LBY1", "notes": "x"}\n', encoding="utf-8")
    files["empty"].write_bytes(b"")
    return files


def unclosed_quote(path: Path) -> Path:
    """acled_current.csv whose last row opens a quote that never closes."""
    text = (FIXTURES / "acled_current.csv").read_text(encoding="utf-8")
    path.write_text(text + 'LBY99999,"2020-06-04\n', encoding="utf-8")
    return path
