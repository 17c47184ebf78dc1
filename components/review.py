"""Candidate events of the ingested articles, and the analyst's decision on each: accept or reject.

Accepting writes the event to data/events.csv only once the loader has validated the whole file with it, under a
lock (two tabs accepting at once never lose a row), atomically (a temporary file renamed over), keeping the version
before in data/history/. An event at a place that data/places.csv lacks but an imported dataset gives a point adds
that place's row to places.csv the same way, its coord_source naming the file and line; a place or an actor that only
the knowledge files know (components/knowledge.py) adds its row to places.csv (its cited point) or actors.csv (the
accepted quote as its evidence) the same way. Each decision is remembered in
data/reviews.csv: a rejected candidate is not proposed again, and each candidate of a quote that names several places
is decided on its own.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pandas as pd

from components import access, audit, cells, countries, extracted, knowledge, loader, precision
from components.extract import Candidate
from components.files import appended, copy_atomic, locked, write_atomic
from components.gazetteer import Place, UnknownPlace, curated_places, with_place
from components.loader import DataFileError, Dataset
from components.review_notes import notes_of
from components.schema import LINE, LIST_SEP, TIME_PRECISION, Actors, ArticleMeta, Events, Places, Reviews

DATASET_PLACES = 300  # the datasets' places offered and found in articles: those the most events are located at
HISTORY = "history"  # data/history/: every version of events.csv (and places.csv) an accept replaced
LOCK = ".review.lock"
PRECISION_CODE = {word: code for code, word in TIME_PRECISION.items()}  # events.csv keeps day, week or month
DEFAULT_COUNTRY = "Libya"  # the monitor's country: an event whose text names no place is put there, as the seed's are
# How an accepted candidate is coded in ACLED's terms: an article's event is a strategic development, as the
# hand-coded events of the seed article are; an agreement is ACLED's "Agreement" sub-event, the rest "Other".
DISORDER = EVENT_TYPE = "Strategic developments"
SUB_EVENT = {"agreement": "Agreement"}
PENDING, ACCEPTED, REJECTED, CODED = "pending", "accepted", "rejected", "already an event"
# reviews.csv keeps a quote verbatim up to QUOTE_KEPT characters (far above any sentence); a longer one by its start
# and its sha256. Python's CSV reader refuses a field over 131,072 characters: one such quote, written whole, once made
# the file unreadable, and with it every load of the data page and every ingest.
QUOTE_KEPT = 4_096
QUOTE_PREFIX = 200  # characters of a long quote kept before its checksum: enough to tell which sentence it was
LONG_QUOTE = "{prefix}… [sha256 {digest} of {length} characters]"


class ReviewError(Exception):
    """A decision that could not be recorded: the event is invalid, or the candidate was decided meanwhile."""


@dataclass(frozen=True)
class Article:
    """An ingested article: its file in seeds/, what its sidecar says, and its text."""

    name: str
    headline: str
    publisher: str
    published: pd.Timestamp
    text: str


@dataclass(frozen=True)
class Proposal:
    """A candidate and where it stands: pending, accepted, rejected, or already an event of events.csv."""

    candidate: Candidate
    status: str
    event_id: str = ""


@dataclass(frozen=True)
class Edit:
    """The fields of a candidate the analyst may correct before accepting it."""

    start: date
    precision: str
    date_basis: str
    actor1: str
    assoc_actor_1: tuple[str, ...]
    actor2: str
    location: str
    geo_precision: int | None
    event_kind: str


def articles(curated: Dataset, seeds: Path) -> list[Article]:
    """The articles in seeds/ the loader accepted, newest publication first."""
    found = []
    for row in curated.articles.sort_values(ArticleMeta.published, ascending=False).itertuples(index=False):
        text = (seeds / row.article).read_bytes().decode("utf-8")  # as stored: quotes are offsets into these bytes
        found.append(Article(row.article, row.headline or "", row.publisher or "", row.published, text))
    return found


def candidates(article: Article, curated: Dataset, data: Path | None = None,
               located: pd.DataFrame | None = None) -> list[Candidate]:  # fmt: skip
    """The candidate events of an article, by the declared rules of components/extract.py: extracted once per article
    checksum, kept in memory and, given the data folder, on disk beside the store (components/extracted.py).
    `located`: the places the imported datasets give a point (datapage.dataset_places), found in the text too."""
    published = article.published.to_pydatetime()
    return extracted.candidates(article.text, published, curated.actors, curated.places, article.headline, data,
                                located)  # fmt: skip


def key(article: str, candidate: Candidate) -> tuple[str, int, str, str]:
    """What identifies a candidate across runs: its article, where its quote starts, the quote and its place."""
    return article, candidate.offset, candidate.quote, candidate.location


def read_decisions(data: Path) -> pd.DataFrame:
    """data/reviews.csv as text cells (no file yet: no decision); rows the loader's checks reject are left out."""
    path = data / Reviews.file
    if not path.exists():
        return pd.DataFrame(columns=Reviews.names(), dtype=str)
    try:
        raw = loader.read_csv(path, Reviews)
    except DataFileError as err:  # damaged by hand, say: one line naming the file, never the server's folders
        raise ReviewError(
            f"{str(err).replace(str(path), path.name)}; the decisions on candidates cannot be read until that line "
            f"of {Reviews.file} is corrected or removed"
        ) from None
    valid, problems = cells.check_cells(raw, Reviews, Reviews.file)
    bad = {p.line for p in problems}
    return raw[~valid[LINE].isin(bad)][Reviews.names()].reset_index(drop=True)


def proposals(
    article: Article, found: list[Candidate], events: pd.DataFrame, decisions: pd.DataFrame
) -> list[Proposal]:
    """Each candidate with its status: decided in reviews.csv, else already an event (same article, one quote
    within the other), else pending."""
    mine = decisions[decisions[Reviews.article] == article.name]  # this article's decisions: the file grows with all
    columns = (Reviews.offset, Reviews.quote, Reviews.location, Reviews.decision, Reviews.event_id)
    decided = {
        (int(offset), quote_cell(quote), location): (decision, event_id)  # a later decision wins, as before
        for offset, quote, location, decision, event_id in zip(*(mine[c] for c in columns))
    }
    # An event accepted here stands for its own candidate only (reviews.csv names it, place included): it never codes
    # a twin of its quote, whatever place the analyst gave it. Hand-coded events are matched by their quote.
    reviewed = set(mine.loc[mine[Reviews.decision] == "accepted", Reviews.event_id])
    coded = events[(events[Events.article] == article.name) & ~events[Events.event_id_cnty].isin(reviewed)]
    coded_rows = list(zip(coded[Events.location], coded[Events.event_id_cnty], coded[Events.quote]))  # a handful
    places_of: dict[str, set[str]] = {}  # the places each quote gives candidates at, found once, not per candidate
    for candidate in found:
        places_of.setdefault(candidate.quote, set()).add(candidate.location)
    result = []
    for candidate in found:
        decision = decided.get((candidate.offset, quote_cell(candidate.quote), candidate.location))
        if decision is not None:
            status, event_id = decision
            result.append(Proposal(candidate, ACCEPTED if status == "accepted" else REJECTED, event_id or ""))
            continue
        # An event of the same words codes the candidate, unless it is the event of another place these words
        # name ("Sirte and Tripoli": the Sirte event does not code the Tripoli candidate).
        siblings = places_of[candidate.quote] - {candidate.location}
        same = [
            (location == candidate.location, event_id)
            for location, event_id, quote in coded_rows
            if (candidate.quote in quote or quote in candidate.quote) and location not in siblings
        ]
        if same:
            result.append(Proposal(candidate, CODED, max(same)[1]))  # the event at the same place, if one is
        else:
            result.append(Proposal(candidate, PENDING))
    return result


def proposed(candidate: Candidate) -> Edit:
    """The fields as the extraction proposes them; a year-precision date has no code in events.csv: the analyst
    narrows it from the text or rejects it, so it is proposed as is and refused on accept."""
    actors = candidate.actors
    return Edit(
        start=candidate.start,
        precision=candidate.precision,
        date_basis=candidate.date_basis,
        actor1=actors[0] if actors else "",
        assoc_actor_1=tuple(actors[1:]),
        actor2="",
        location=candidate.location,
        geo_precision=candidate.geo_precision,
        event_kind=candidate.event_kind,
    )


def event_row(article: Article, candidate: Candidate, edit: Edit, event_id: str, places: pd.DataFrame,
              events: pd.DataFrame) -> dict[str, str]:  # fmt: skip
    """The events.csv row of an accepted candidate: its quote verbatim, the corrected fields, how it was coded."""
    if edit.precision not in PRECISION_CODE:
        raise ReviewError(
            f"precision {edit.precision!r}: events.csv records day, week or month; narrow the date from the text, "
            "or reject the candidate"
        )
    country = country_of(edit.location, places)
    regions = events.loc[events[Events.country] == country, Events.region]
    iso = countries.number(country)
    written = precision.coded(edit.start, PRECISION_CODE[edit.precision])
    row = {
        Events.event_id_cnty: event_id,
        Events.event_date: written.isoformat(),  # a week on its middle day, as ACLED codes it (components/precision.py)
        Events.year: str(written.year),
        Events.time_precision: str(PRECISION_CODE[edit.precision]),
        Events.disorder_type: DISORDER,
        Events.event_type: EVENT_TYPE,
        Events.sub_event_type: SUB_EVENT.get(edit.event_kind, "Other"),
        Events.actor1: edit.actor1,
        Events.assoc_actor_1: f"{LIST_SEP} ".join(edit.assoc_actor_1),
        Events.actor2: edit.actor2,
        Events.iso: "" if iso is None else str(iso),
        Events.region: regions.mode().iloc[0] if len(regions) else "",  # as the file's own rows of that country
        Events.country: country,
        Events.location: edit.location,
        Events.geo_precision: "" if edit.geo_precision is None or not edit.location else str(edit.geo_precision),
        Events.source: article.publisher,
        Events.source_scale: "",
        Events.notes: notes_of(article.name, candidate, proposed(candidate), edit),
        Events.fatalities: "0",
        Events.article: article.name,
        Events.quote: candidate.quote,
        Events.event_kind: edit.event_kind,
        Events.date_basis: edit.date_basis,
    }
    return {name: row.get(name, "") for name in Events.names()}


def country_of(location: str, places: pd.DataFrame) -> str:
    """The country of a gazetteer place; with no place, the monitor's country."""
    place = places[places[Places.name] == location]
    return place[Places.country].iloc[0] if len(place) else DEFAULT_COUNTRY


def _next_id(events: pd.DataFrame, prefix: str) -> str:
    """The next free id with this prefix: one more than the highest number after it."""
    ids = events[Events.event_id_cnty]
    numbers = ids[ids.str.startswith(prefix)].str.removeprefix(prefix)
    highest = pd.to_numeric(numbers, errors="coerce").max()
    return f"{prefix}{(0 if pd.isna(highest) else int(highest)) + 1:04d}"


def _validated(data: Path, seeds: Path, content: bytes, line: int, event_id: str,
               places: tuple[bytes, int] | None = None,
               actors: tuple[bytes, list[int]] | None = None) -> None:  # fmt: skip
    """Load the curated files with this events.csv (and this places.csv and actors.csv and their new rows' lines, when
    a place or actors are added) in a scratch folder; raise ReviewError with the loader's words unless the row at
    `line` is a valid event."""
    with tempfile.TemporaryDirectory(prefix="conflict-monitor-review-") as scratch:
        folder = Path(scratch)
        for table in (Actors, Places):
            if (data / table.file).exists():
                copy_atomic(data / table.file, folder / table.file)
        if places is not None:
            (folder / Places.file).write_bytes(places[0])
        if actors is not None:
            (folder / Actors.file).write_bytes(actors[0])
        (folder / Events.file).write_bytes(content)
        checked = loader.load(folder, seeds)
    if event_id in set(checked.events[Events.event_id_cnty]):
        return  # a problem elsewhere (another article's sidecar, say) is the data issues panel's, not this event's
    ours = {(Events.file, line), (Places.file, places[1] if places else 0)}  # the new rows: the event, and its place
    ours |= {(Actors.file, n) for n in (actors[1] if actors else [])}  # and the actors it names
    found = [str(p) for p in checked.problems if (p.file, p.line) in ours] + checked.file_problems
    raise ReviewError("the loader rejects this event: " + ("; ".join(found) or "it is not among the events"))


def knowledge_place(name: str) -> Place | None:
    """A place of the knowledge files (components/knowledge.py) with its cited coordinate, as a place to choose; None
    when the knowledge lacks it or gives it no point (a site listed without one is never given a made-up point)."""
    row = knowledge.place_of(name) if name else None
    if row is None or not row["latitude"] or not row["longitude"]:
        return None
    source = f"data/knowledge: {row['source']}"
    return Place(name=name, country=row["country"], admin1="", latitude=float(row["latitude"]),
                 longitude=float(row["longitude"]), precision=row["precision"], source=source, curated=False,
                 cited=f"knowledge: {row['source']}")  # fmt: skip


def knowledge_places(places: pd.DataFrame) -> list[Place]:
    """The knowledge's places with a cited point that places.csv does not name (by name or alias, any case)."""
    taken = {p.name.casefold() for p in curated_places(places)}
    if Places.aliases in places:
        taken |= {a.casefold() for cell in places[Places.aliases] for a in knowledge.aliases_of(cell)}
    found = [knowledge_place(name) for name in knowledge.known_places()["name"] if name.casefold() not in taken]
    return [p for p in found if p is not None]


def knowledge_actors(actors: pd.DataFrame) -> list[str]:
    """The knowledge's actors that actors.csv lacks: an accept writes the one it names (see _with_actors)."""
    curated = set(actors[Actors.name])
    return [n for n in knowledge.known_actors()["name"] if n not in curated]


def _with_actors(raw: bytes, names: list[str], article: str, quote: str) -> tuple[bytes, list[int], list[str]] | None:
    """actors.csv's bytes with a row for each named actor it lacks that the knowledge knows (its quote: the accepted
    event's, from the article being reviewed), the lines those rows start on and their sources; None when none is
    missing. An actor neither file knows is left to the loader, which refuses the event naming it."""
    text = raw.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or Actors.names())
    curated = {row.get(Actors.name, "") for row in reader}
    rows, sources = [], []
    for name in dict.fromkeys(n for n in names if n and n not in curated):
        row = knowledge.actor_row(name, article, quote, curated)
        if row is not None:
            rows.append(row)
            known = knowledge.known_actors()
            source = known.loc[known["name"] == name, "source"].iloc[0]
            sources.append(f"{name} added to {Actors.file} from data/knowledge ({source})")
    if not rows:
        return None
    out, lines = appended(raw, [[row.get(column, "") for column in header] for row in rows])
    return out, lines, sources


def quote_cell(quote: str) -> str:
    """A quote as reviews.csv keeps it: verbatim up to QUOTE_KEPT characters, else its start and its sha256 (a kept
    cell is its own cell: reading an older file's long verbatim quote through this gives the same key)."""
    if len(quote) <= QUOTE_KEPT:
        return quote
    digest = hashlib.sha256(quote.encode("utf-8")).hexdigest()
    return LONG_QUOTE.format(prefix=quote[:QUOTE_PREFIX], digest=digest, length=len(quote))


def _record(data: Path, article: str, candidate: Candidate, decision: str, event_id: str) -> None:
    """Add a decision to data/reviews.csv (whole file rewritten atomically; the caller holds the lock)."""
    path = data / Reviews.file
    before = path.read_bytes() if path.exists() else appended(b"", [Reviews.names()])[0]
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    cell = quote_cell(candidate.quote)  # bounded: the file stays readable whatever the article
    values = [article, str(candidate.offset), cell, candidate.location, decision, event_id, stamp]
    write_atomic(path, appended(before, [values])[0])


def _decided(data: Path, article: str, candidate: Candidate) -> str | None:
    """How the candidate was decided already (by another tab, say), or None."""
    decisions = read_decisions(data)
    same = decisions[
        (decisions[Reviews.article] == article)
        & (decisions[Reviews.offset] == str(candidate.offset))
        & (decisions[Reviews.location] == candidate.location)
    ]
    # The few rows of this candidate's place and offset: a quote is compared as kept (verbatim, or start and sha256;
    # an older file may hold a long quote verbatim).
    same = same[same[Reviews.quote].map(quote_cell) == quote_cell(candidate.quote)]
    if same.empty:
        return None
    row = same.iloc[-1]
    return f"{row[Reviews.decision]} {row[Reviews.event_id]}".strip()


def accept(data: Path, seeds: Path, article: Article, candidate: Candidate, edit: Edit, who: str | None = None,
           place: Place | None = None) -> str:  # fmt: skip
    """Write the candidate, as edited, to data/events.csv once the loader accepts it; return its event id. `who` goes
    to the audit log (the page passes the editor; a script or test in-process is its OS user, as the command line).
    `place`: the chosen place as an imported dataset gives it, written to places.csv when that file lacks it."""
    path, gazetteer, registry = data / Events.file, data / Places.file, data / Actors.file
    with locked(data / LOCK):
        _clean(data)
        if (already := _decided(data, article.name, candidate)) is not None:
            raise ReviewError(f"this candidate was decided meanwhile ({already})")
        before = path.read_bytes()
        try:
            text = before.decode("utf-8-sig")
            events = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
            known = gazetteer.read_bytes()
            places = pd.read_csv(io.StringIO(known.decode("utf-8-sig")), dtype=str, keep_default_na=False)
            named = [edit.actor1, *edit.assoc_actor_1, edit.actor2]
            grown_actors = _with_actors(registry.read_bytes(), named, article.name, candidate.quote)
        except (OSError, ValueError, pd.errors.ParserError) as err:  # UnicodeDecodeError is a ValueError
            raise ReviewError(f"{path.name}, {Places.file} or {Actors.file} cannot be read ({err}): fix it, then "
                              "accept") from None  # fmt: skip
        if place is None and edit.location and edit.location not in set(places[Places.name]):
            place = knowledge_place(edit.location)  # a known place with its cited point, written as a dataset's is
        try:
            grown = with_place(known, edit.location, place, datetime.now(timezone.utc).date())
        except UnknownPlace as err:
            raise ReviewError(str(err)) from None
        if grown is not None:  # the new place's country, as the row written says
            places = pd.read_csv(io.StringIO(grown[0].decode("utf-8-sig")), dtype=str, keep_default_na=False)
        code = countries.iso3(country_of(edit.location, places)) or "XXX"
        event_id = _next_id(events, f"{code}-A{Path(article.name).stem.split('_')[0]}-")  # LBY-A001-0001
        row = event_row(article, candidate, edit, event_id, places, events)
        content, [line] = appended(before, [list(row.values())])  # line: where the new row starts
        _validated(data, seeds, content, line, event_id, grown, grown_actors[:2] if grown_actors else None)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        if grown_actors is not None:  # the actors first: a kill midway leaves valid actors no event names yet
            copy_atomic(registry, data / HISTORY / f"{registry.stem}.{stamp}{registry.suffix}")
            write_atomic(registry, grown_actors[0])
        if grown is not None:  # the place first: a kill between the two leaves a valid place no event uses yet
            copy_atomic(gazetteer, data / HISTORY / f"{gazetteer.stem}.{stamp}{gazetteer.suffix}")
            write_atomic(gazetteer, grown[0])
        copy_atomic(path, data / HISTORY / f"{path.stem}.{stamp}{path.suffix}")
        write_atomic(path, content)
        _record(data, article.name, candidate, "accepted", event_id)
        added = f"; {edit.location} added to {Places.file}, its point from {place.source}" if grown and place else ""
        added += "".join(f"; {said}" for said in (grown_actors[2] if grown_actors else []))
        _audit(data, who, audit.ACCEPT, article, candidate, hashlib.sha256(content).hexdigest(), event_id, added)
    return event_id


def reject(data: Path, article: Article, candidate: Candidate, who: str | None = None) -> None:
    """Remember that the analyst rejected this candidate: it is not proposed again (and who did, in the audit log)."""
    with locked(data / LOCK):
        _clean(data)
        if (already := _decided(data, article.name, candidate)) is not None:
            raise ReviewError(f"this candidate was decided meanwhile ({already})")
        _record(data, article.name, candidate, "rejected", "")
        _audit(data, who, audit.REJECT, article, candidate)


def _clean(data: Path) -> None:
    """Remove what a writer killed midway left (the hidden temporary files of an atomic write): under the review
    lock, no other decision is writing them."""
    for name in (Events.file, Places.file, Actors.file, Reviews.file):
        for left in data.glob(f".{name}.*.tmp"):
            left.unlink(missing_ok=True)
    for left in (data / HISTORY).glob(".*.tmp"):
        left.unlink(missing_ok=True)


def _audit(data: Path, who: str | None, action: str, article: Article, candidate: Candidate, sha256: str = "",
           event_id: str = "", added: str = "") -> None:  # fmt: skip
    """Record a decision in data/audit.csv: the candidate by article and offset, its quote and place in the detail
    (sha256: of events.csv as written by an accept; `added`: the place an accept wrote to places.csv)."""
    where = (candidate.location or "no place") + added
    audit.record(data, who or access.os_user(), action, f"{article.name} at character {candidate.offset}", sha256,
                 [event_id] if event_id else [], f"“{candidate.quote}” ({where})")  # fmt: skip
