"""Load events, actors, places and the articles' metadata, validate every cell, and keep bad rows with their
reasons."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from components.cells import Problem, check_cells, check_in_country
from components.config import data_dir, seeds_dir
from components.schema import (
    LINE,
    LIST,
    LIST_SEP,
    PROBLEMS,
    REPORTED,
    Actors,
    ArticleMeta,
    Events,
    Places,
    Table,
    split_list,
)

META_SUFFIX = ".meta.json"


class DataFileError(Exception):
    """A file that cannot be read at all: missing, empty, not UTF-8, not CSV, or missing columns."""


NO_ROWS = "{path}: no rows, only the header"


@dataclass
class Dataset:
    """Everything the dashboard shows: valid typed frames, and the rows rejected with their problems."""

    events: pd.DataFrame
    actors: pd.DataFrame
    places: pd.DataFrame
    articles: pd.DataFrame  # one row per article of seeds/ (its .meta.json)
    problems: list[Problem] = field(default_factory=list)
    file_problems: list[str] = field(default_factory=list)  # files or folders that could not be used, one line each

    def raise_for_files(self) -> Dataset:
        """This dataset, or DataFileError with the first file problem (for commands, where a gap is an error)."""
        if self.file_problems:
            raise DataFileError(self.file_problems[0])
        return self

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


def _aliases(registry: pd.DataFrame, name_col: str, alias_col: str) -> dict[str, str]:
    """Map each alias (lower case) to its canonical name, for a helpful message."""
    return {a.lower(): n for n, cell in zip(registry[name_col], registry[alias_col]) for a in split_list(cell)}


def names_in(frame: pd.DataFrame, column: str, is_list: bool) -> pd.Series:
    """Every name of a column, one per entry, indexed like the frame's rows (a LIST cell gives several)."""
    cells = frame[column]
    names = cells.str.split(LIST_SEP).explode().str.strip() if is_list else cells
    return names[names.notna() & (names != "")]


def rejected_rows(frame: pd.DataFrame, key: str, problems: list[Problem], file: str) -> dict[str, str]:
    """The key of every rejected row of a registry, with where and why it was rejected."""
    reasons: dict[int, str] = {}
    for p in problems:
        if p.file == file:
            reasons.setdefault(p.line, f"line {p.line}, {p.column}: {p.value!r}, expected {p.expected}")
    lines = frame[LINE].astype(int)
    return {name: reasons[line] for name, line in zip(frame[key], lines) if line in reasons}


def check_references(
    frame: pd.DataFrame,
    table: type[Table],
    columns: list[str],
    registry: pd.DataFrame,
    kind: type[Actors | Places],
    rejected: dict[str, str] | None = None,
) -> list[Problem]:
    """Every name in these columns of a table must be a canonical name in the registry (actors or places).

    `rejected` holds the registry's own rejected rows, so that a name that is there but unusable says why.
    """
    known = set(registry[kind.name])
    aliases = _aliases(registry, kind.name, kind.aliases)
    rejected = rejected or {}
    problems = []
    for column in columns:
        names = names_in(frame, column, table.spec(column).kind == LIST)
        unknown = names[~names.isin(known)]
        for line, name in zip(frame.loc[unknown.index, LINE], unknown):  # only the bad names: few
            if name in rejected:
                expected = (
                    f"a usable name in {kind.file}: {name!r} is there, but its row was rejected ({rejected[name]})"
                )
            elif name.lower() in aliases:
                expected = f"a name in {kind.file} ({name!r} is an alias of {aliases[name.lower()]!r})"
            else:
                expected = f"a name in {kind.file}"
            problems.append(Problem(table.file, int(line), column, name, expected))
    return problems


def load_articles(seeds: Path) -> tuple[pd.DataFrame, dict[str, str], list[str]]:
    """Read every seeds/*.meta.json sidecar and the article beside it: the metadata, the texts, and what failed.

    An article that cannot be used is named in a file problem and left out, so its events are rejected and listed.
    """
    records, texts, failed = [], {}, []
    if not seeds.is_dir():
        failed.append(f"{seeds}: folder not found: no source articles, so every event and actor is rejected")
    elif not any(seeds.glob(f"*{META_SUFFIX}")):
        failed.append(f"{seeds}: no article with a {META_SUFFIX} sidecar, so every event and actor is rejected")
    for meta_path in sorted(seeds.glob(f"*{META_SUFFIX}")):
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            article = seeds / meta[ArticleMeta.article]
            raw = article.read_bytes()
            text = raw.decode("utf-8")  # a UnicodeDecodeError is a ValueError: reported below with the file
            published = pd.Timestamp(meta[ArticleMeta.published])
        except (OSError, ValueError, KeyError) as err:
            failed.append(f"{meta_path}: unreadable source metadata or article ({type(err).__name__}: {err})")
            continue
        if hashlib.sha256(raw).hexdigest() != meta.get(ArticleMeta.sha256):  # quotes are checked against this text
            failed.append(f"{article}: its sha256 differs from {meta_path.name}: the article was changed")
            continue
        meta[ArticleMeta.published] = published
        records.append(meta)
        texts[meta[ArticleMeta.article]] = text
    columns = [
        ArticleMeta.article,
        ArticleMeta.publisher,
        ArticleMeta.headline,
        ArticleMeta.published,
        ArticleMeta.language,
    ]
    return pd.DataFrame(records, columns=[*columns, ArticleMeta.sha256]), texts, failed


def _checked(path: Path, table: type[Table], failed: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Read and cell-check one table; a file that cannot be read, or has no rows, is noted in `failed`."""
    try:
        raw = read_csv(path, table)
    except DataFileError as err:
        failed.append(str(err))  # read as no rows: the rows that need this file are rejected, and listed
        raw = pd.DataFrame(columns=[*table.names(), LINE, "_width"], dtype=str)
    else:
        if raw.empty:
            failed.append(NO_ROWS.format(path=path))
    return check_cells(raw, table, path.name)


def _keep(frame: pd.DataFrame, problems: list[Problem], file: str) -> pd.DataFrame:
    """The rows of a frame that have no problem."""
    bad_lines = {p.line for p in problems if p.file == file}
    return frame[~frame[LINE].isin(bad_lines)].drop(columns=["_width"]).reset_index(drop=True)


def load(data: Path | None = None, seeds: Path | None = None) -> Dataset:
    """Load and validate the data directory against the seeds; a file that cannot be read is a file problem."""
    data = Path(data or data_dir())
    seeds = Path(seeds or seeds_dir())
    articles, texts, failed = load_articles(seeds)

    actors, problems = _checked(data / Actors.file, Actors, failed)
    places, place_problems = _checked(data / Places.file, Places, failed)
    events, event_problems = _checked(data / Events.file, Events, failed)
    problems += place_problems + check_in_country(
        places, Places.file, Places.country, Places.latitude, Places.longitude
    )

    for file, frame in ((Actors.file, actors), (Events.file, events)):
        problems += check_quotes(frame, texts, file)
    problems += check_quotes(actors, texts, Actors.file, Actors.part_of_quote)
    problems += check_references(actors, Actors, [Actors.sponsor, Actors.supports, Actors.part_of], actors, Actors)
    problems += check_links(actors)
    rejected_actors = rejected_rows(actors, Actors.name, problems, Actors.file)
    rejected_places = rejected_rows(places, Places.name, problems, Places.file)
    actors = _keep(actors, problems, Actors.file)
    places = _keep(places, problems, Places.file)

    actor_cols = [Events.actor1, Events.assoc_actor_1, Events.actor2, Events.assoc_actor_2]
    event_problems += check_references(events, Events, actor_cols, actors, Actors, rejected_actors)
    event_problems += check_references(events, Events, [Events.location], places, Places, rejected_places)
    event_problems += check_in_country(events, Events.file, Events.country, Events.latitude, Events.longitude)
    event_problems += check_event_rows(events, event_problems)
    problems += event_problems
    events = with_places(_keep(events, problems, Events.file), places)
    published = articles.set_index(ArticleMeta.article)[ArticleMeta.published]
    events[REPORTED] = pd.to_datetime(events[Events.article].map(published)).dt.normalize()
    return Dataset(events, actors, places, articles, problems, failed)


def check_quotes(frame: pd.DataFrame, texts: dict[str, str], file: str, column: str = "quote") -> list[Problem]:
    """Each row's quote (or another quote column) must stand verbatim in its article, and the article must be in
    seeds/ (said once, for the row's own quote)."""
    problems = []
    for line, article, quote in zip(frame[LINE], frame["article"], frame[column]):
        if article not in texts:
            if column == "quote":
                problems.append(
                    Problem(file, int(line), "article", article, f"an article in seeds/ with a {META_SUFFIX}")
                )
        elif quote and quote not in texts[article]:
            hint = " (it matches once spaces are normalised: copy the article's own spaces, e.g. no-break spaces)"
            spaced = " ".join(quote.split()) in " ".join(texts[article].split())
            problems.append(Problem(file, int(line), column, quote, f"a verbatim span of {article}{hint * spaced}"))
    return problems


def check_links(actors: pd.DataFrame) -> list[Problem]:
    """An actor counted as part of another says why (a quote), and names another actor, not itself."""
    linked = actors[Actors.part_of] != ""
    unquoted = linked & (actors[Actors.part_of_quote] == "")
    itself = linked & (actors[Actors.part_of] == actors[Actors.name])
    stray = ~linked & (actors[Actors.part_of_quote] != "")
    return [
        *(Problem(Actors.file, int(line), Actors.part_of_quote, "", "the article's words that link the two actors")
          for line in actors.loc[unquoted, LINE]),
        *(Problem(Actors.file, int(line), Actors.part_of, name, "another actor than the row's own")
          for line, name in zip(actors.loc[itself, LINE], actors.loc[itself, Actors.part_of])),
        *(Problem(Actors.file, int(line), Actors.part_of, "", "the actor the quote links this one to")
          for line in actors.loc[stray, LINE]),
    ]  # fmt: skip


def check_event_rows(events: pd.DataFrame, found: Iterable[Problem] = ()) -> list[Problem]:
    """Rules across columns of one event: year matches the date, a location has a precision and vice versa."""
    flagged = {p.line for p in found if p.column == Events.geo_precision}  # a bad cell keeps its own message
    date, year, lines = events[Events.event_date], events[Events.year], events[LINE].astype(int)
    has_place = events[Events.location] != ""
    wrong_year = date.notna() & year.notna() & (date.dt.year != year)
    no_precision = has_place & events[Events.geo_precision].isna() & ~lines.isin(flagged)
    stray_point = ~has_place & (events[Events.latitude].notna() | events[Events.longitude].notna())
    problems = [
        Problem(Events.file, line, Events.year, str(y), f"{d.year}, the year of event_date")
        for line, y, d in zip(lines[wrong_year], year[wrong_year], date[wrong_year])
    ]
    problems += [
        Problem(Events.file, line, Events.geo_precision, "", "1, 2 or 3 for a located event")
        for line in lines[no_precision]
    ]
    problems += [
        Problem(Events.file, line, Events.location, "", "a place for the coordinates given on this row")
        for line in lines[stray_point]
    ]
    return problems


def with_places(events: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Fill empty coordinates and admin1 of events from the gazetteer (ACLED rows bring their own)."""
    gazetteer = places.set_index(Places.name)
    for col in (Events.latitude, Events.longitude):  # numbers: missing is NA
        events[col] = events[col].fillna(events[Events.location].map(gazetteer[col]))
    from_places = events[Events.location].map(gazetteer[Events.admin1]).astype(object).fillna("")  # missing: ""
    events[Events.admin1] = events[Events.admin1].mask(events[Events.admin1] == "", from_places)
    return events
