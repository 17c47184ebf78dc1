"""Watchlists (issue 17): named views the analyst follows, each with the day of its last digest, in one small text
file of the data folder, `watchlists.csv`, editable by hand and on the digest page:

    name,link,last_digest
    Wagner around Sirte,actor=Wagner+Group&place=Sirte&radius_km=50,2021-03-08

`link` is the dashboard link's query string (what follows `?`; a whole link is read from its `?`). The file is
read like any input: sizes bounded, every line checked (the name, the link through the filter table's own reading,
`filters.from_query`, so that only known filters and values pass, the day), and a bad line is a problem with its
line, column, value and what was expected, never a crash; the good lines are used. It is written whole or not at
all (a temporary file renamed over it) under the lock the curated files' writes take (data/.review.lock).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from components import filters, text
from components.cells import Problem
from components.files import locked, write_atomic
from components.filter_types import AS_OF, COUNTED, SINCE, VIEW, Filters, Options

FILE = "watchlists.csv"
LOCK = ".review.lock"  # components/review.py's LOCK: the one lock of the analyst's files (not imported: it is heavy)
NAME, LINK, LAST = COLUMNS = ("name", "link", "last_digest")
MAX_BYTES = 256 * 1024  # a few hundred watchlists are a few kilobytes
MAX_WATCHLISTS = 500
MAX_NAME = 80
MAX_LINK = 2000  # what a browser's address bar holds comfortably
MAX_FIELDS = 100  # values in one link
FORMULA = ("=", "+", "-", "@")  # a spreadsheet would run a cell starting with one (exports.FORMULA_STARTS)
# A watchlist is a view's filters: not a page, nor a day (its digest's first day is its last digest; the digest
# says as of when, and how it counts).
LINK_KEYS = {f.key for f in filters.FILTERS} - {VIEW, SINCE, AS_OF, COUNTED}


@dataclass(frozen=True)
class Watch:
    """One watchlist: its name, its link (as written), the filters it reads as, and the day of its last digest."""

    name: str
    link: str
    last_digest: dt.date | None
    line: int = 0  # in the file (0: not read from it)
    chosen: Filters = Filters()


@dataclass(frozen=True)
class Watchlists:
    """The file as read: the good watchlists, the problems of the others, and every row as written (for the editor,
    and for a rewrite that keeps lines it could not use)."""

    watches: list[Watch]
    problems: list[Problem]
    rows: list[tuple[int, dict[str, str]]]  # (line, {name, link, last_digest}) of each record of 3 fields, bad ones too
    readable: bool = True  # False when a record could not be read whole (the file is then never rewritten)
    header: tuple[str, ...] = COLUMNS  # as the file orders its columns
    records: tuple[tuple[int, tuple[str, ...]], ...] = ()  # every record's fields as written: a rewrite keeps them

    def named(self, name: str) -> Watch | None:
        """The watchlist of this name (any case), or None."""
        wanted = name.strip().casefold()
        return next((w for w in self.watches if w.name.casefold() == wanted), None)


def path_of(data: Path) -> Path:
    """data/watchlists.csv."""
    return Path(data) / FILE


def query_of(link: str) -> str:
    """The query string of a link as written: after its `?` when it has one, else the whole of it."""
    link = link.strip()
    return link.split("?", 1)[1] if "?" in link else link


def read_link(link: str, opts: Options) -> tuple[Filters, list[str]]:
    """The filters a link chooses, and what in it is wrong (unknown filters, values the data lacks), in words."""
    if len(link) > MAX_LINK:
        return Filters(), [f"a link of at most {MAX_LINK:,} characters (it has {len(link):,})"]
    try:
        given = urllib.parse.parse_qs(query_of(link), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError:
        return Filters(), [f"a link of at most {MAX_FIELDS} values"]
    wrong = [f"a filter of a view ({', '.join(sorted(LINK_KEYS))}), not {text.short(key)}"
             for key in given if key not in LINK_KEYS]  # fmt: skip
    chosen, refused = filters.read({k: v for k, v in given.items() if k in LINK_KEYS}, opts)
    return chosen, wrong + [f"values the data holds ({r.cli.rstrip('.')})" for r in refused]


def _day(value: str, today: dt.date) -> tuple[dt.date | None, str]:
    """A last_digest cell: empty, or a day YYYY-MM-DD not after today; what is wrong, if anything."""
    if not value:
        return None, ""
    if not filters.ISO_DAY.fullmatch(value):
        return None, "a date YYYY-MM-DD, or nothing"
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None, "a date YYYY-MM-DD that exists, or nothing"
    if not dt.date(1900, 1, 1) <= day <= today:
        return None, f"a date from 1900-01-01 to today ({today})"
    return day, ""


def _name_problem(name: str) -> str:
    """What is wrong with a watchlist's name ('' when nothing)."""
    if not name:
        return "a name: this column must not be empty"
    if len(name) > MAX_NAME:
        return f"a name of at most {MAX_NAME} characters (it has {len(name):,})"
    if not name.isprintable():
        return "a name without line breaks, tabs or other control characters"
    if name.startswith(FORMULA):
        return "a name that does not start with = + - or @ (a spreadsheet would run it)"
    return ""


def check(rows: Iterable[tuple[int, dict[str, str]]], opts: Options, today: dt.date | None = None) -> Watchlists:
    """Check rows (line, {name, link, last_digest}): the good ones as watchlists, a problem for each bad cell."""
    today = today or dt.date.today()
    watches, problems, kept, seen = [], [], [], {}
    for line, row in rows:
        cells = {c: (row.get(c) or "").strip() for c in COLUMNS}
        kept.append((line, cells))
        found = []
        if wrong := _name_problem(cells[NAME]):
            found.append(Problem(FILE, line, NAME, text.short(cells[NAME]), wrong))
        elif cells[NAME].casefold() in seen:
            found.append(Problem(FILE, line, NAME, text.short(cells[NAME]),
                                 f"a name not already used on line {seen[cells[NAME].casefold()]}"))  # fmt: skip
        chosen, refused = read_link(cells[LINK], opts)
        found += [Problem(FILE, line, LINK, text.short(cells[LINK]), why) for why in refused]
        day, wrong = _day(cells[LAST], today)
        if wrong:
            found.append(Problem(FILE, line, LAST, text.short(cells[LAST]), wrong))
        if not found:
            seen[cells[NAME].casefold()] = line
            watches.append(Watch(cells[NAME], cells[LINK], day, line, chosen))
        problems += found
    return Watchlists(watches, problems, kept)


def read(data: Path, opts: Options, today: dt.date | None = None) -> Watchlists:
    """The watchlists file as read and checked; none when there is no file."""
    path = path_of(data)
    if not path.exists():
        return Watchlists([], [], [])
    whole = Problem(FILE, 1, "(file)", "", "")
    size = path.stat().st_size
    if size > MAX_BYTES:
        return Watchlists([], [replace(whole, value=f"{size:,} bytes", expected=f"at most {MAX_BYTES:,} bytes")], [],
                          readable=False)  # fmt: skip
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Watchlists([], [replace(whole, value=f"byte {err.start:,}", expected="text in UTF-8")], [],
                          readable=False)  # fmt: skip
    records, problems, raw = [], [], []
    reader = csv.reader(io.StringIO(content, newline=""), strict=True)  # a quote left open is an error
    try:
        header = [h.strip() for h in next(reader, [])]
        if sorted(header) != sorted(COLUMNS):
            shown = text.short(",".join(header))
            return Watchlists([], [replace(whole, column="(header)", value=shown, expected=",".join(COLUMNS))], [],
                              readable=False)  # fmt: skip
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if not any(f.strip() for f in fields):
                continue  # a blank line
            if len(raw) >= MAX_WATCHLISTS:
                problems.append(Problem(FILE, line, "(file)", "", f"at most {MAX_WATCHLISTS} watchlists"))
                break
            raw.append((line, tuple(fields)))
            if len(fields) != len(COLUMNS):  # its cells cannot be told apart: the line is a problem as a whole
                problems.append(Problem(FILE, line, "(row)", f"{len(fields)} fields", f"{len(COLUMNS)} fields"))
                continue
            records.append((line, dict(zip(header, fields))))
    except csv.Error as err:  # a quote left open, a field past csv's limit: the records before it stand
        problems.append(Problem(FILE, reader.line_num, "(row)", "", f"a CSV record ({err})"))
        readable = False
    else:
        readable = not any(p.column == "(file)" for p in problems)  # past MAX_WATCHLISTS, the rest was not read
    found = check(records, opts, today)
    return Watchlists(found.watches, sorted(problems + found.problems, key=lambda p: p.line), found.rows, readable,
                      tuple(header), tuple(raw))  # fmt: skip


def to_csv(rows: list[dict[str, str]] | list[tuple[str, ...]], header: tuple[str, ...] = COLUMNS) -> bytes:
    """Rows (dicts, or fields in the header's order) as the file's bytes: the header, then one line a watchlist
    (quoted where needed)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([row.get(c, "") for c in header] if isinstance(row, dict) else row for row in rows)
    return out.getvalue().encode("utf-8")


def save(data: Path, rows: list[dict[str, str]], opts: Options) -> list[Problem]:
    """Check the rows (the editor's whole table) and, when every one is good, write them as the file; the problems
    otherwise (nothing written). Lines are counted as in the file written: the header is line 1."""
    cleaned = [{c: str(row.get(c) or "").strip() for c in COLUMNS} for row in rows]
    cleaned = [row for row in cleaned if any(row.values())]  # the editor's empty rows
    if len(cleaned) > MAX_WATCHLISTS:
        return [Problem(FILE, 1, "(file)", f"{len(cleaned)} watchlists", f"at most {MAX_WATCHLISTS} watchlists")]
    found = check(enumerate(cleaned, start=2), opts)
    if found.problems:
        return found.problems
    with locked(Path(data) / LOCK):
        write_atomic(path_of(data), to_csv(cleaned))
    return []


def mark(data: Path, names: list[str], day: dt.date, opts: Options) -> list[str]:
    """Set these watchlists' last digest to `day`, every other record kept as written (a bad cell too), under the
    lock; return the names changed. A file with a record that could not be read whole is left alone."""
    wanted = {n.casefold() for n in names}
    with locked(Path(data) / LOCK):
        current = read(data, opts)
        if not current.readable:
            return []
        good = {w.line: w.name for w in current.watches if w.name.casefold() in wanted}
        at = current.header.index(LAST)
        rows = [fields[:at] + (day.isoformat(),) + fields[at + 1 :] if line in good else fields
                for line, fields in current.records]  # fmt: skip
        if good:
            write_atomic(path_of(data), to_csv(rows, current.header))
    return list(good.values())
