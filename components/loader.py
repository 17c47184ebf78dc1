"""Load events, actors, places and source metadata, validate every cell, and keep bad rows with their reasons."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from components.schema import (
    BOOL,
    DATE,
    FLOAT,
    INT,
    LINE,
    LIST,
    PROBLEMS,
    REPORTED,
    Actors,
    Events,
    Places,
    Sources,
    Table,
    split_list,
)

ROOT = Path(__file__).resolve().parent.parent
DATA_ENV = "CONFLICT_MONITOR_DATA"
SEEDS_ENV = "CONFLICT_MONITOR_SEEDS"
META_SUFFIX = ".meta.json"


def data_dir() -> Path:
    """The data directory: $CONFLICT_MONITOR_DATA, else data/ beside this project."""
    return Path(os.environ.get(DATA_ENV) or ROOT / "data")


def seeds_dir() -> Path:
    """The source articles: $CONFLICT_MONITOR_SEEDS, else seeds/ beside this project."""
    return Path(os.environ.get(SEEDS_ENV) or ROOT / "seeds")


class DataFileError(Exception):
    """A file that cannot be read at all: missing, empty, not UTF-8, not CSV, or missing columns."""


@dataclass(frozen=True)
class Problem:
    """One bad cell: where it is, what it holds and what was expected."""

    file: str
    line: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"{self.file}, line {self.line}, column {self.column}: {self.value!r} — expected {self.expected}"


@dataclass
class Dataset:
    """Everything the dashboard shows: valid typed frames, and the rows rejected with their problems."""

    events: pd.DataFrame
    actors: pd.DataFrame
    places: pd.DataFrame
    sources: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> pd.DataFrame:
        """One row per rejected row: file, line and its problems, one per line."""
        frame = pd.DataFrame([(p.file, p.line, str(p)) for p in self.problems], columns=["file", LINE, PROBLEMS])
        return frame.groupby(["file", LINE], as_index=False, sort=True)[PROBLEMS].agg("\n".join)


def read_csv(path: Path, table: type[Table]) -> pd.DataFrame:
    """Read a CSV as text cells with each row's line number; raise DataFileError if it cannot be read."""
    name = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")  # a BOM from Excel is harmless
    except FileNotFoundError:
        raise DataFileError(f"{path}: file not found") from None
    except UnicodeDecodeError as err:
        raise DataFileError(
            f"{path}: not UTF-8 text (byte {err.start}: {err.object[err.start : err.start + 1]!r})"
        ) from None
    except OSError as err:
        raise DataFileError(f"{path}: cannot be read ({err.strerror})") from None
    if not text.strip():
        raise DataFileError(f"{path}: the file is empty; expected a CSV header with {', '.join(table.names())}")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        rows, lines = [], []
        start = reader.line_num + 1
        for row in reader:
            if row:  # a blank line is not a row
                rows.append(row)
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as err:
        raise DataFileError(f"{path}, line {reader.line_num}: not valid CSV ({err})") from None
    header = [h.strip() for h in header]
    repeated = sorted({h for h in header if h in table.names() and header.count(h) > 1})
    if repeated:
        raise DataFileError(f"{path}, line 1: column(s) named more than once: {', '.join(repeated)}")
    missing = [c for c in table.names() if c not in header]
    if len(missing) == len(table.names()):
        raise DataFileError(f"{path}, line 1: not a CSV of {name}: none of its columns ({', '.join(table.names())})")
    if missing:
        raise DataFileError(f"{path}, line 1: missing required column(s) {', '.join(missing)}")
    width = len(header)
    frame = pd.DataFrame([(r + [""] * width)[:width] for r in rows], columns=header, dtype=str)
    frame[LINE] = lines
    frame["_width"] = [len(r) for r in rows]  # rows with too many or too few fields are reported, not cut
    return frame


def check_cells(raw: pd.DataFrame, table: type[Table], file: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Check every declared column; return the typed frame and the problems found."""
    problems: list[Problem] = []
    typed = raw.copy()
    width = len([c for c in raw.columns if c not in (LINE, "_width")])

    def flag(mask: pd.Series, col: str, expected: str) -> None:
        for line, value in zip(raw.loc[mask, LINE], raw.loc[mask, col]):
            problems.append(Problem(file, int(line), col, value, expected))

    bad_width = raw["_width"] != width
    for line, n in zip(raw.loc[bad_width, LINE], raw.loc[bad_width, "_width"]):
        problems.append(Problem(file, int(line), "(row)", f"{n} fields", f"{width} fields, as in the header"))

    for col in table.columns():
        cells = raw[col.name].str.strip()
        empty = cells == ""
        if col.required:
            flag(empty, col.name, col.expected())
        present = ~empty
        if col.kind in (INT, FLOAT):
            numbers = pd.to_numeric(cells.where(present), errors="coerce")
            bad = present & numbers.isna()
            if col.kind == INT:
                bad |= present & numbers.notna() & (numbers % 1 != 0)
            if col.low is not None:
                bad |= present & ((numbers < col.low) | (numbers > col.high))
            if col.choices:
                bad |= present & ~numbers.isin(col.choices)
            flag(bad, col.name, col.expected())
            typed[col.name] = numbers.where(~bad).astype("Int64" if col.kind == INT else "Float64")
        elif col.kind == DATE:
            dates = pd.to_datetime(cells.where(present), format="%Y-%m-%d", errors="coerce")
            flag(present & dates.isna(), col.name, col.expected())
            typed[col.name] = dates
        elif col.kind == BOOL:
            lowered = cells.str.lower()
            flag(present & ~lowered.isin(["yes", "no"]), col.name, col.expected())
            typed[col.name] = lowered == "yes"
        else:
            if col.choices:
                flag(present & ~cells.isin(col.choices), col.name, col.expected())
            typed[col.name] = cells
        if col.unique:
            dup = present & cells.duplicated(keep="first")
            flag(dup, col.name, "a value not already used on an earlier line")
    return typed, problems


def _aliases(registry: pd.DataFrame, name_col: str, alias_col: str) -> dict[str, str]:
    """Map each alias (lower case) to its canonical name, for a helpful message."""
    return {a.lower(): n for n, cell in zip(registry[name_col], registry[alias_col]) for a in split_list(cell)}


def check_references(
    frame: pd.DataFrame, table: type[Table], columns: list[str], registry: pd.DataFrame, kind: type[Actors | Places]
) -> list[Problem]:
    """Every name in these columns of a table must be a canonical name in the registry (actors or places)."""
    known = set(registry[kind.name])
    aliases = _aliases(registry, kind.name, kind.aliases)
    problems = []
    for column in columns:
        is_list = table.spec(column).kind == LIST
        for line, cell in zip(frame[LINE], frame[column]):
            for name in split_list(cell) if is_list else [cell] if cell else []:
                if name not in known:
                    hint = f" ({name!r} is an alias of {aliases[name.lower()]!r})" if name.lower() in aliases else ""
                    problems.append(Problem(table.file, int(line), column, name, f"a name in {kind.file}{hint}"))
    return problems


def load_sources(seeds: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read every seeds/*.meta.json sidecar and the article beside it; return the metadata and the texts."""
    records, texts = [], {}
    for meta_path in sorted(seeds.glob(f"*{META_SUFFIX}")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            article = seeds / meta[Sources.article]
            raw = article.read_bytes()
            text = raw.decode("utf-8")  # a UnicodeDecodeError is a ValueError: reported below with the file
            published = pd.Timestamp(meta[Sources.published])
        except (OSError, ValueError, KeyError) as err:
            raise DataFileError(f"{meta_path}: unreadable source metadata ({type(err).__name__}: {err})") from None
        if hashlib.sha256(raw).hexdigest() != meta.get(Sources.sha256):  # quotes are checked against this text
            raise DataFileError(f"{article}: its sha256 differs from {meta_path.name}: the article was changed")
        meta[Sources.published] = published
        records.append(meta)
        texts[meta[Sources.article]] = text
    columns = [Sources.article, Sources.publisher, Sources.headline, Sources.published, Sources.language]
    return pd.DataFrame(records, columns=[*columns, Sources.sha256]), texts


def _checked(path: Path, table: type[Table]) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and cell-check one table."""
    raw = read_csv(path, table)
    return check_cells(raw, table, path.name)


def _keep(frame: pd.DataFrame, problems: list[Problem], file: str) -> pd.DataFrame:
    """The rows of a frame that have no problem."""
    bad_lines = {p.line for p in problems if p.file == file}
    return frame[~frame[LINE].isin(bad_lines)].drop(columns=["_width"]).reset_index(drop=True)


def load(data: Path | None = None, seeds: Path | None = None) -> Dataset:
    """Load and validate the data directory against the seeds; raise DataFileError for an unreadable file."""
    data = Path(data or data_dir())
    seeds = Path(seeds or seeds_dir())
    sources, texts = load_sources(seeds)

    actors, problems = _checked(data / Actors.file, Actors)
    places, place_problems = _checked(data / Places.file, Places)
    events, event_problems = _checked(data / Events.file, Events)
    problems += place_problems

    for file, frame in ((Actors.file, actors), (Events.file, events)):
        problems += check_quotes(frame, texts, file)
    problems += check_references(actors, Actors, [Actors.sponsor, Actors.supports], actors, Actors)
    actors = _keep(actors, problems, Actors.file)
    places = _keep(places, problems, Places.file)

    actor_cols = [Events.actor1, Events.assoc_actor_1, Events.actor2, Events.assoc_actor_2]
    event_problems += check_references(events, Events, actor_cols, actors, Actors)
    event_problems += check_references(events, Events, [Events.location], places, Places)
    event_problems += check_event_rows(events, event_problems)
    problems += event_problems
    events = with_places(_keep(events, problems, Events.file), places)
    published = sources.set_index(Sources.article)[Sources.published]
    events[REPORTED] = pd.to_datetime(events[Events.article].map(published)).dt.normalize()
    return Dataset(events=events, actors=actors, places=places, sources=sources, problems=problems)


def check_quotes(frame: pd.DataFrame, texts: dict[str, str], file: str) -> list[Problem]:
    """Each row's quote must stand verbatim in its article, and the article must be in seeds/."""
    problems = []
    for line, article, quote in zip(frame[LINE], frame["article"], frame["quote"]):
        if article not in texts:
            problems.append(Problem(file, int(line), "article", article, f"an article in seeds/ with a {META_SUFFIX}"))
        elif quote and quote not in texts[article]:
            hint = " (it matches once spaces are normalised: copy the article's own spaces, e.g. no-break spaces)"
            spaced = " ".join(quote.split()) in " ".join(texts[article].split())
            problems.append(Problem(file, int(line), "quote", quote, f"a verbatim span of {article}{hint * spaced}"))
    return problems


def check_event_rows(events: pd.DataFrame, found: Iterable[Problem] = ()) -> list[Problem]:
    """Rules across columns of one event: year matches the date, a location has a precision and vice versa."""
    flagged = {(p.line, p.column) for p in found}  # a cell already reported keeps its own message
    problems = []
    for row in events.itertuples(index=False):
        line, get = int(getattr(row, LINE)), row._asdict().get
        date, year = get(Events.event_date), get(Events.year)
        if pd.notna(date) and pd.notna(year) and date.year != year:
            problems.append(Problem(Events.file, line, Events.year, str(year), f"{date.year}, the year of event_date"))
        has_place = bool(get(Events.location))
        if has_place and pd.isna(get(Events.geo_precision)) and (line, Events.geo_precision) not in flagged:
            problems.append(Problem(Events.file, line, Events.geo_precision, "", "1, 2 or 3 for a located event"))
        if not has_place and (pd.notna(get(Events.latitude)) or pd.notna(get(Events.longitude))):
            problems.append(
                Problem(Events.file, line, Events.location, "", "a place for the coordinates given on this row")
            )
    return problems


def with_places(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Fill empty coordinates and admin1 of events from the gazetteer (ACLED rows bring their own)."""
    gazetteer = places.set_index(Places.name)
    for col in (Events.latitude, Events.longitude):  # numbers: missing is NA
        events[col] = events[col].fillna(events[Events.location].map(gazetteer[col]))
    from_places = events[Events.location].map(gazetteer[Events.admin1]).fillna("")  # text: missing is ""
    events[Events.admin1] = events[Events.admin1].mask(events[Events.admin1] == "", from_places)
    return events
