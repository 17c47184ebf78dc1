"""Every table's columns, declared once: the three curated files, and the event store's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

TEXT, INT, FLOAT, DATE, LIST, BOOL = "text", "int", "float", "date", "list", "bool"
LIST_SEP = ";"  # ACLED separates several associated actors with a semicolon


def split_list(cell: str) -> list[str]:
    """The names in a LIST cell, in order."""
    return [part.strip() for part in cell.split(LIST_SEP) if part.strip()]


@dataclass
class Col:
    """One column: declared as a class attribute of a Table, read back as the column's name."""

    kind: str = TEXT
    required: bool = True  # a required cell must not be empty
    choices: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    unique: bool = False
    doc: str = ""
    name: str = field(default="", init=False)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type) -> str:
        return self.name  # Events.event_date == "event_date", so frames are indexed by declared names

    def expected(self) -> str:
        """Say in words what a valid cell of this column looks like."""
        if self.choices:
            return "one of " + ", ".join(str(c) for c in self.choices)
        words = {
            TEXT: "text",
            INT: "a whole number",
            FLOAT: "a number",
            DATE: "a date YYYY-MM-DD",
            LIST: f"names separated by '{LIST_SEP}'",
            BOOL: "yes or no",
        }[self.kind]
        if self.low is not None and self.high is not None:
            words += f" from {self.low:g} to {self.high:g}"
        return words


class Table:
    """A CSV file in the data directory and its declared columns."""

    file: ClassVar[str]

    @classmethod
    def columns(cls) -> list[Col]:
        """The declared columns, in file order."""
        return [v for v in vars(cls).values() if isinstance(v, Col)]

    @classmethod
    def spec(cls, name: str) -> Col:
        """The declaration of one column, by name."""
        return vars(cls)[name]

    @classmethod
    def names(cls) -> list[str]:
        """The declared column names, in file order."""
        return [c.name for c in cls.columns()]


TIME_PRECISION = {1: "day", 2: "week", 3: "month"}  # ACLED's codes
GEO_PRECISION = {1: "the place itself", 2: "near or part of the place", 3: "somewhere in a larger region"}
EVENT_KINDS = ("agreement", "deadline", "presence", "decision", "statement", "ground activity", "withdrawal")
DATE_BASES = ("event", "report")  # "report": the source states it as ongoing on its publication date
MILESTONES = ("ceasefire", "withdrawal deadline")
ACTOR_KINDS = (
    "state",
    "state armed forces",
    "private military company",
    "mercenaries",
    "proxy force",
    "government",
    "armed group",
    "international body",
    "diplomat",
)
MILITARY_ROLES = ("force", "intervening state")  # who belongs in the foreign forces table
PLACE_PRECISIONS = ("town", "district", "area", "country")


class Events(Table):
    """data/events.csv: one row per event; ACLED's column names, then provenance and our own columns."""

    file = "events.csv"
    event_id_cnty = Col(unique=True, doc="identifier, unique across all sources")
    event_date = Col(DATE, doc="the date; a week on its middle day, a month on its first day")
    year = Col(INT, low=1900, high=2100)
    time_precision = Col(INT, choices=tuple(TIME_PRECISION), doc="1 day, 2 week, 3 month")
    disorder_type = Col()
    event_type = Col()
    sub_event_type = Col()
    actor1 = Col(doc="an actor in actors.csv")
    assoc_actor_1 = Col(LIST, required=False)
    inter1 = Col(required=False)
    actor2 = Col(required=False)
    assoc_actor_2 = Col(LIST, required=False)
    inter2 = Col(required=False)
    interaction = Col(required=False)
    iso = Col(INT, low=0, high=999, doc="ISO 3166 numeric code of the country concerned")
    region = Col()
    country = Col()
    admin1 = Col(required=False, doc="empty: taken from places.csv")
    admin2 = Col(required=False)
    location = Col(required=False, doc="a place in places.csv; empty when the source names none")
    latitude = Col(FLOAT, required=False, low=-90, high=90, doc="empty: taken from places.csv")
    longitude = Col(FLOAT, required=False, low=-180, high=180, doc="empty: taken from places.csv")
    geo_precision = Col(INT, required=False, choices=tuple(GEO_PRECISION), doc="1, 2 or 3; empty with no location")
    source = Col()
    source_scale = Col(required=False)
    notes = Col(required=False)
    fatalities = Col(INT, low=0, high=1_000_000)
    article = Col(doc="the source file in seeds/")
    quote = Col(doc="a verbatim span of the article that states the event")
    event_kind = Col(choices=EVENT_KINDS, doc="what the dashboard's type filter offers")
    date_basis = Col(choices=DATE_BASES, doc="report: ongoing as of the source's date, start not stated")
    milestone = Col(required=False, choices=MILESTONES, doc="anchors of the timeline")


class Actors(Table):
    """data/actors.csv: every actor the events name, with what the sources say of it."""

    file = "actors.csv"
    name = Col(unique=True)
    aliases = Col(LIST, required=False, doc="as the sources write it")
    kind = Col(choices=ACTOR_KINDS)
    country = Col(required=False)
    sponsor = Col(required=False, doc="the actor (a state) behind a force, company or diplomat")
    supports = Col(required=False, doc="the Libyan side it supports, as stated")
    foreign = Col(BOOL, doc="foreign to Libya")
    military_role = Col(required=False, choices=MILITARY_ROLES)
    article = Col(doc="the source file in seeds/")
    quote = Col(doc="a verbatim span stating what this row says of the actor")
    dataset_names = Col(LIST, required=False, doc="the actor as ACLED and UCDP name it (outside knowledge)")
    dataset_names_source = Col(required=False, doc="where those names were read")


class Places(Table):
    """data/places.csv: the gazetteer; coordinates are outside knowledge, so each names its source."""

    file = "places.csv"
    name = Col(unique=True)
    aliases = Col(LIST, required=False, doc="as the sources write it")
    country = Col()
    admin1 = Col(required=False)
    latitude = Col(FLOAT, required=False, low=-90, high=90, doc="empty until geocoded; always for a country")
    longitude = Col(FLOAT, required=False, low=-180, high=180)
    precision = Col(choices=PLACE_PRECISIONS)
    coord_source = Col(required=False, doc="where the coordinate came from, e.g. a GeoNames id")


DECISIONS = ("accepted", "rejected")


class Reviews(Table):
    """data/reviews.csv: the analyst's decision on each candidate event of an ingested article."""

    file = "reviews.csv"
    article = Col(doc="the article in seeds/")
    offset = Col(INT, low=0, doc="where the candidate's quote starts in the article's text")
    quote = Col(doc="the candidate's quote, verbatim")
    location = Col(required=False, doc="the candidate's place: one quote may give a candidate per place")
    decision = Col(choices=DECISIONS)
    event_id = Col(required=False, doc="accepted: the event written to events.csv")
    decided = Col(doc="when, in UTC")


class Sources:
    """Fields of a seeds/*.meta.json sidecar, one per article."""

    article = "article"
    publisher = "publisher"
    headline = "headline"
    published = "published"
    language = "language"
    sha256 = "sha256"


# Columns the loader adds to a valid events frame.
REPORTED = "reported"  # publication date of the event's article
PROBLEMS = "problems"  # on rejected rows: the reasons, one per line
LINE = "line"  # on rejected rows: the row's line in its file


SQL_TYPES = {TEXT: "VARCHAR", INT: "BIGINT", FLOAT: "DOUBLE", DATE: "DATE", LIST: "VARCHAR[]", BOOL: "BOOLEAN"}
DATASETS = ("article", "ACLED", "UCDP GED")
PRECISIONS = ("day", "week", "month", "year")  # the span start..end is the fact; the word says how coarse it is
EVIDENCE_KINDS = ("article quote", "ACLED notes", "UCDP source headlines")


class Model(Table):
    """The event store's `events` table: every event of every source in one model (components/store.py)."""

    file = "events"
    uid = Col(doc="dataset, country and id: one event whatever file or revision it came from")
    dataset = Col(choices=DATASETS)
    event_id = Col(doc="the id as the source writes it")
    source_file = Col(doc="the file the row was read from: data/events.csv, or a file in data/sources/")
    line = Col(INT, doc="the physical line of that file the row starts on")
    version = Col(INT, doc="ACLED's timestamp: a later one revises the event; 0 elsewhere")
    start_date = Col(DATE, doc="the first day the event may have happened on")
    end_date = Col(DATE, doc="the last day the event may have happened on")
    precision = Col(choices=PRECISIONS, doc="how coarse start..end is: a month stays a month")
    date_basis = Col(choices=DATE_BASES, doc="report: ongoing as of the source's date, start not stated")
    reported = Col(DATE, doc="the article's publication day; for a dataset row, its last possible day")
    event_type = Col(doc="what the type filter offers: the article's kind, ACLED's event type, UCDP's violence")
    sub_event_type = Col(required=False)
    actor1 = Col(doc="as the source writes it (UCDP: side_a)")
    assoc_actor_1 = Col(required=False, doc="as written: names separated by ';'")
    actor2 = Col(required=False, doc="UCDP: side_b")
    assoc_actor_2 = Col(required=False)
    actors = Col(LIST, doc="every name above, in that order: what the actor filter searches")
    inter1 = Col(required=False, doc="ACLED's actor type, in words")
    inter2 = Col(required=False)
    interaction = Col(required=False)
    country = Col()
    admin1 = Col(required=False)
    admin2 = Col(required=False)
    location = Col(required=False, doc="the place as the source names it")
    latitude = Col(FLOAT, required=False, doc="empty: no single point (a country, international waters)")
    longitude = Col(FLOAT, required=False)
    geo_precision = Col(INT, required=False, choices=tuple(GEO_PRECISION), doc="ACLED's 1-3; UCDP's where_prec mapped")
    fatalities = Col(INT, required=False, doc="ACLED fatalities; UCDP best")
    fatalities_low = Col(INT, required=False, doc="UCDP low")
    fatalities_high = Col(INT, required=False, doc="UCDP high")
    evidence = Col(doc="what states the event: the article's quote, ACLED's notes, UCDP's source headlines")
    evidence_kind = Col(choices=EVIDENCE_KINDS)
    source = Col(required=False, doc="publisher; ACLED source; UCDP source_office")
    source_date = Col(required=False, doc="UCDP source_date")
    source_article = Col(required=False, doc="UCDP source_article")
    article = Col(required=False, doc="the article in seeds/, for the article's events")
    milestone = Col(required=False, choices=MILESTONES)
    backer = Col(doc="derived from actors.csv: the foreign state behind the event, for colours")
    lane = Col(doc="derived from actors.csv: actor1 as curated, else as written; the timeline's lane")
    forces = Col(LIST, doc="derived from actors.csv: the foreign forces and intervening states the event names")
    actor_bits = Col(INT, doc="derived from actors.csv: bit i set when the event names curated actor i (a fast filter)")


class StoredProblems(Table):
    """The event store's `problems` table: every row of every file that is not an event, and why."""

    file = "problems"
    source_file = Col()
    line = Col(INT)
    column = Col()
    value = Col(required=False)
    expected = Col()


class StoredFiles(Table):
    """The event store's `files` table: every file loaded, with what it gave (the sidecar says the same)."""

    file = "files"
    source_file = Col(doc="path under the data directory")
    format = Col()
    sha256 = Col()
    size = Col(INT)
    mtime_ns = Col(INT)
    seq = Col(INT, doc="import order: a later file's revision wins a tie")
    rows_read = Col(INT)
    events = Col(INT)
    problem_rows = Col(INT)
    imported_at = Col()


class StoredUnreadable(Table):
    """The event store's `unreadable` table: files under data/sources/ that could not be loaded, and why (not
    tried again until their size or time changes)."""

    file = "unreadable"
    source_file = Col(doc="path under the data directory")
    size = Col(INT)
    mtime_ns = Col(INT)
    reason = Col()
