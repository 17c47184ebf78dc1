"""Every table's columns, declared once: the three curated files, and the event store's tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

TEXT, INT, FLOAT, DATE, LIST, BOOL = "text", "int", "float", "date", "list", "bool"
LIST_SEP = ";"  # ACLED separates several associated actors with a semicolon
REPEATED = "a value not already used on an earlier line"  # what a repeated cell of a unique column breaks
DATE_FORM = "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"  # YYYY-MM-DD; a month or day of one digit is read too (2020-6-1)
GROUPED = 10_000  # a bound from here on is written with thousands separators: 1,000,000, not 1e+06
KIND_WORDS = {  # what a valid cell of each kind is, in a problem's words
    TEXT: "a value: this column must not be empty",  # text breaks no rule but being empty
    INT: "a whole number",
    FLOAT: "a number",
    DATE: "a date YYYY-MM-DD",
    LIST: f"names separated by '{LIST_SEP}'",
    BOOL: "yes or no",
}


def split_list(cell: str) -> list[str]:
    """The names in a LIST cell, in order."""
    return [part.strip() for part in cell.split(LIST_SEP) if part.strip()]


def sql_number(cell: str) -> str:
    """SQL: a text cell as a number (DOUBLE), NULL when empty or not a number. DuckDB reads what pandas reads ('1e3',
    '.5', '+5', 'inf') but for digits grouped by '_' ('1_000'), refused here as the curated files always refused it;
    'nan' is no number."""
    return f"nullif(try_cast(CASE WHEN NOT contains({cell}, '_') THEN {cell} END AS DOUBLE), 'NaN'::DOUBLE)"


def sql_whole(cell: str) -> str:
    """SQL: a text cell as a whole number (BIGINT), NULL when empty, not a number, not whole, or beyond BIGINT (1e19
    overflowed the cast: try_cast makes it NULL, so the column's rule lists it)."""
    return f"CASE WHEN {sql_number(cell)} % 1 = 0 THEN try_cast({sql_number(cell)} AS BIGINT) END"


def _constant(value: Any) -> str:
    """A declared constant (a bound or a choice: project text, never a file's) as SQL."""
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value) if isinstance(value, float) else str(int(value))


def _bound(value: float) -> str:
    """A bound in words: -90, 2100, 1,000,000."""
    return f"{value:,.0f}" if abs(value) >= GROUPED and value % 1 == 0 else f"{value:g}"


@dataclass
class Col:
    """One column: declared as a class attribute of a Table, read back as the column's name.

    Its rules (kind, required, choices, low..high, unique) are stated here once and compiled to SQL over a cell's
    trimmed text (`invalid`, `typed`, `repeated`): the loader runs them over the curated files (cells.check_cells)
    and the datasets' checks over a column the curated events declare too (formats/base.py), in DuckDB."""

    kind: str = TEXT
    required: bool = True  # a required cell must not be empty
    choices: tuple[Any, ...] = ()
    low: float | None = None
    high: float | None = None
    unique: bool = False
    doc: str = ""
    words: str = ""  # what a valid cell is, when the kind's words say too little: "a latitude", not "a number"
    name: str = field(default="", init=False)

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: object, owner: type) -> str:
        return self.name  # Events.event_date == "event_date", so frames are indexed by declared names

    def expected(self) -> str:
        """Say in words what a valid cell of this column looks like."""
        if self.choices:
            return "one of " + ", ".join(str(c) for c in self.choices)
        words = self.words or KIND_WORDS[self.kind]
        if self.low is not None and self.high is not None:
            words += f" from {_bound(self.low)} to {_bound(self.high)}"
        return words

    def value(self, cell: str) -> str:
        """SQL: a text cell read as this column's kind (BIGINT, DOUBLE, DATE, BOOLEAN, text); NULL when empty or not
        of that kind. Ranges and choices are not applied: see `allows`."""
        return {
            INT: sql_whole(cell),
            FLOAT: sql_number(cell),
            DATE: f"CASE WHEN regexp_full_match({cell}, '{DATE_FORM}') THEN try_strptime({cell}, '%Y-%m-%d')::DATE END",
            BOOL: f"CASE lower({cell}) WHEN 'yes' THEN true WHEN 'no' THEN false END",
        }.get(self.kind, f"nullif({cell}, '')")

    def allows(self, value: str) -> str:
        """SQL over a value read as this column's kind: true when within low..high and among the choices (NULL for a
        NULL value); '' when the column declares neither."""
        rules = []
        if self.low is not None and self.high is not None:
            rules.append(f"{value} BETWEEN {_constant(self.low)} AND {_constant(self.high)}")
        elif self.low is not None:
            rules.append(f"{value} >= {_constant(self.low)}")
        elif self.high is not None:
            rules.append(f"{value} <= {_constant(self.high)}")
        if self.choices:
            rules.append(f"{value} IN ({', '.join(_constant(c) for c in self.choices)})")
        return " AND ".join(rules)

    def invalid(self, cell: str, required: bool | None = None, value: str = "") -> str:
        """SQL: true when a trimmed text cell breaks this column's rule: empty when required; not a number, not whole,
        outside low..high, not among the choices, not a date YYYY-MM-DD, not yes or no.

        `required` overrides the declaration for a dataset whose files need not give the column (an empty cell is then
        no problem); `value` names the cell already read by `value(cell)` (a column computed before), read once."""
        required = self.required if required is None else required
        if not self.reads():  # any text is text: only an empty cell can break the rule
            return f"({cell} = '')" if required else "false"
        value = value or self.value(cell)
        given = f"NOT coalesce({self.allows(value) or f'{value} IS NOT NULL'}, false)"
        return f"(CASE WHEN {cell} = '' THEN {str(required).lower()} ELSE {given} END)"

    def reads(self) -> bool:
        """Whether a cell's rule reads its value (a number, date, yes or no, a choice), not only whether it is empty."""
        return self.kind not in (TEXT, LIST) or bool(self.choices)

    def typed(self, cell: str, value: str = "") -> str:
        """SQL: the cell as this column's kind, NULL when empty or invalid; a text cell is itself, as written.
        `value`: as for `invalid`."""
        if self.kind in (TEXT, LIST):
            return cell
        value = value or self.value(cell)
        return f"CASE WHEN NOT {self.invalid(cell, value=value)} THEN {value} END"

    def repeated(self, cell: str, order: str) -> str:
        """SQL: true when a unique column's cell repeats one of an earlier row (by `order`); false for any other."""
        if not self.unique:
            return "false"
        return f"({cell} <> '' AND row_number() OVER (PARTITION BY {cell} ORDER BY {order}) > 1)"


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
# A coordinate's rule, for events.csv and places.csv alike (and the datasets' latitude and longitude, through Events).
LATITUDE = {"kind": FLOAT, "required": False, "low": -90, "high": 90, "words": "a latitude"}
LONGITUDE = {"kind": FLOAT, "required": False, "low": -180, "high": 180, "words": "a longitude"}


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
    iso = Col(INT, low=0, high=999, words="an ISO 3166 numeric country code: a whole number",
              doc="ISO 3166 numeric code of the country concerned")  # fmt: skip
    region = Col()
    country = Col()
    admin1 = Col(required=False, doc="empty: taken from places.csv")
    admin2 = Col(required=False)
    location = Col(required=False, doc="a place in places.csv; empty when the source names none")
    latitude = Col(**LATITUDE, doc="empty: taken from places.csv")
    longitude = Col(**LONGITUDE, doc="empty: taken from places.csv")
    geo_precision = Col(INT, required=False, choices=tuple(GEO_PRECISION), doc="1, 2 or 3; empty with no location")
    source = Col()
    source_scale = Col(required=False)
    notes = Col(required=False)
    fatalities = Col(INT, low=0, high=1_000_000, words="a whole number of deaths", doc="in one event: more is a typo")
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
    part_of = Col(required=False, doc="the force the sources say this one belongs to: counted once, as that force")
    part_of_quote = Col(required=False, doc="a verbatim span of the article stating that link")


class Places(Table):
    """data/places.csv: the gazetteer; coordinates are outside knowledge, so each names its source."""

    file = "places.csv"
    name = Col(unique=True)
    aliases = Col(LIST, required=False, doc="as the sources write it")
    country = Col()
    admin1 = Col(required=False)
    latitude = Col(**LATITUDE, doc="empty until geocoded; always for a country")
    longitude = Col(**LONGITUDE)
    precision = Col(choices=PLACE_PRECISIONS)
    coord_source = Col(required=False, doc="where the coordinate came from, e.g. a GeoNames id")


def outside_box(lat: str, lon: str) -> str:
    """SQL: true when a point lies outside the box of the country its row names: latitude and longitude swapped, say.
    The box is countries.box_table's, joined to the row with its columns prefixed (_south, _west, _north, _east; NULL
    for a country the map's file does not hold: not checked). The one statement of the check, for the curated files
    (cells.check_in_country) and the datasets (formats/base.py); a coordinate breaking its own rule (schema.Events
    latitude, longitude) is its own problem, not this one."""
    lat_rule, lon_rule = Events.spec(Events.latitude).allows(lat), Events.spec(Events.longitude).allows(lon)
    inside = f"{lat} BETWEEN _south AND _north AND {lon} BETWEEN _west AND _east"
    return f"(_south IS NOT NULL AND {lat_rule} AND {lon_rule} AND NOT ({inside}))"


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


class ArticleMeta:
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
    merged_rows = Col(INT, doc="rows merged into an earlier row's event (an ACLED monadic file's second actors)")
    imported_at = Col()


class StoredDeletions(Table):
    """The event store's `deletions` table: ACLED's deletions, read from a deletions file (components/formats/
    deletions.py). An event whose latest version is no later than its deletion leaves the views, not the history."""

    file = "deletions"
    source_file = Col(doc="the deletions file, under the data directory")
    line = Col(INT)
    dataset = Col(choices=DATASETS)
    event_id = Col(doc="the id as the dataset writes it (ACLED: event_id_cnty)")
    deleted = Col(INT, doc="when the dataset deleted it: ACLED's deleted_timestamp, Unix seconds")


class StoredUnreadable(Table):
    """The event store's `unreadable` table: files under data/sources/ that could not be loaded, and why (not
    tried again until their size or time changes)."""

    file = "unreadable"
    source_file = Col(doc="path under the data directory")
    size = Col(INT)
    mtime_ns = Col(INT)
    reason = Col()
