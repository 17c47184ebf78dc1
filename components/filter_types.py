"""What an analyst chose and what the data offers for it: the types every layer shares (filters.py declares each
filter once; queries/options.py counts what the data offers)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from components import text
from components.actors import Registry

# Query-string names, as shared in links.
ACTOR, PLACE, TYPE, FROM, TO, RADIUS, VIEW = "actor", "place", "type", "from", "to", "radius_km", "view"
COUNTRY, DATASET, TIMELINE = "country", "dataset", "timeline"
SINCE, AS_OF, COUNTED = "since", "as_of", "changes"
REPORTED, HAPPENED = COUNTINGS = ("reported", "happened")  # a change counted by when it was reported, or happened
EVERY_COUNTRY = "all"  # country=all: no country filter (the default is the article's countries)
WINDOW, ALL = EXTENTS = ("deadline", "all")  # the timeline from the ceasefire to the deadline, or every event
DASHBOARD, BRIEFING, REVIEW, DIGEST = VIEWS = ("dashboard", "briefing", "review", "digest")
MAX_RADIUS_KM = 2000.0


@dataclass(frozen=True)
class Filters:
    """What the analyst narrowed the events to; empty means everything."""

    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    radius_km: float = 0.0
    countries: tuple[str, ...] | None = None  # None: the article's countries; (): every country
    datasets: tuple[str, ...] = ()
    view: str = DASHBOARD
    extent: str = WINDOW  # of the timeline; not a filter of the events, but part of a shared view
    since: dt.date | None = None  # the Changes panel: what changed since this day
    counted: str = REPORTED  # ... counted by when it was reported (and entered), or by when it happened
    as_of: dt.date | None = None  # every view as the sources had reported it by this day


@dataclass(frozen=True)
class Options:
    """The values the data offers for each filter, with how many events each has."""

    actors: list[str]  # the curated actors first, then the datasets' actors by number of events
    places: list[str]
    types: list[str]
    countries: list[str]
    datasets: list[str]
    default_countries: tuple[str, ...] = ()  # the countries of the article's events
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # filter -> value -> events
    sponsored: dict[str, list[str]] = field(default_factory=dict)  # state -> the forces it sponsors
    centres: dict[str, tuple[float, float]] = field(default_factory=dict)  # place -> the point a radius starts at
    days: tuple[dt.date, dt.date] = (dt.date.min, dt.date.max)  # first and last day any event may fall on
    # every distinct point any version of an event has (latitudes, longitudes): a radius is measured on these, not
    # on every event (None: on every event, in SQL)
    points: tuple[np.ndarray, np.ndarray] | None = field(default=None, compare=False, repr=False)
    # the countries of each actor's and each place's events: filter key -> value -> countries (what the sidebar
    # offers when countries are chosen)
    found_in: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def offered(self, key: str, values: list[str], countries: tuple[str, ...] | list[str]) -> list[str]:
        """The values of a filter found in these countries (all of them when none is chosen), in their order."""
        where = self.found_in.get(key)
        if not countries or where is None:
            return values
        wanted = set(countries)
        return [v for v in values if wanted.intersection(where.get(v, ()))]

    def countries_of(self, filters: Filters) -> tuple[str, ...]:
        """The countries a view is limited to: those chosen, else the default; () for every country."""
        return self.default_countries if filters.countries is None else filters.countries


@dataclass(frozen=True)
class Names:
    """Every actor name the store holds, as written, with the curated actor it stands for (or None)."""

    canonical: dict[str, str | None]

    def written(self, actors: set[str]) -> list[str]:
        """Every name as written in the store that stands for one of these actors (or is one of them)."""
        return sorted(name for name, curated in self.canonical.items() if name in actors or curated in actors)


def focus(filters: Filters, registry: Registry) -> set[str] | None:
    """The curated actors a view is limited to: the chosen ones and their forces, or None for all."""
    return registry.expand(filters.actors) if filters.actors else None


@dataclass(frozen=True)
class Where:
    """A SQL condition on the events table (current versions only) and its values, each a `$name` parameter."""

    sql: str
    params: dict = field(default_factory=dict)
    costly: bool = False  # a distance or a list of names: worth computing once per selection (Store.narrowed)
    reads: frozenset[str] | None = None  # the columns it reads (None: not known, or the versions' history)
    summaries: dict | None = None  # what the store's summaries were built with (None: none to read)
    whole: Where | None = None  # for the row ids a costly condition kept: that condition (a summary may evaluate it)
    kept: str | None = None  # ... and the table of those rows, with the columns of summaries.KEPT

    def __str__(self) -> str:
        return self.sql

    def bind(self, **own: object) -> dict:
        """The condition's parameters and a query's own: a filter named like one of the query's would change it."""
        if clash := self.params.keys() & own.keys():
            raise ValueError(f"a filter's parameter has the name of one of the query's: {sorted(clash)}")
        return {**self.params, **own}


class Params:
    """The parameters of a condition as it is written: each value becomes `$name`, its name made unique."""

    def __init__(self) -> None:
        self.values: dict = {}
        self.costly = False  # set by a clause that is worth computing once per selection
        self.reads: set[str] = set()  # columns a clause reads besides those its entry declares

    def __call__(self, name: str, value: object) -> str:
        """The placeholder of a value."""
        unique, n = f"f_{name}", 0  # f_: a filter's, never one of a query's own names
        while unique in self.values:
            n += 1
            unique = f"f_{name}_{n}"
        self.values[unique] = value
        return f"${unique}"


@dataclass(frozen=True)
class Scope:
    """What a clause needs besides the filters: the data's options, the curated actors and the names written."""

    opts: Options
    registry: Registry
    resolved: Names


@dataclass(frozen=True)
class Refusal:
    """A value of a link or of the command line that is not used: said on the page, or as the command's error."""

    link: str
    cli: str


NAMES, COUNTRIES, KM, DAYS, SWITCH, DAY = "names", "countries", "km", "days", "switch", "day"  # the kinds of widget


@dataclass(frozen=True)
class Widget:
    """How the sidebar offers a filter: pages/sidebar.py draws each kind, and reads it back into Filters."""

    kind: str  # NAMES: a multiselect of what the data offers; COUNTRIES: the same, the default filled in; KM: a
    # number; DAYS: both ends of the dates (the entry's field and the next entry's); SWITCH: on is the last choice
    label: str
    key: str = ""  # in the page's state (the entry's link key when empty)
    placeholder: str = ""
    help: str = ""
    counted: bool = False  # each option with its number of events: 'ACLED (12,345)'
    note: Callable[[list, Options], str | None] | None = None  # words under the widget about what it holds
    step_days: int = 0  # DAY: buttons that move the day by this many days back and forth (0: none)


def read_known(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """Keep the values the data offers (Options has a list named as the Filters field); refuse the others."""
    allowed = set(getattr(opts, f.field))
    values = list(dict.fromkeys(values))
    refused = [f.refuse(v, f"no such {f.what} in the data") for v in values if v not in allowed]
    return replace(chosen, **{f.field: tuple(v for v in values if v in allowed)}), refused


def read_choice(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """One of the entry's choices (the first value only)."""
    for value in values[:1]:
        if value not in f.choices:
            return chosen, [f.refuse(value, f"expected one of {', '.join(f.choices)}")]
        chosen = replace(chosen, **{f.field: value})
    return chosen, []


def write_value(f: Filter, filters: Filters) -> list[str] | str | None:
    """The value for a link: a list of names, or one word; None when it is the default (links stay short)."""
    value = getattr(filters, f.field)
    if isinstance(value, tuple):
        return list(value) or None
    return None if value == default(f) else str(value)


def default(f: Filter) -> object:
    """The value of an entry's field in Filters() (nothing chosen)."""
    return getattr(Filters(), f.field)


def in_column(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """The column's value is one of those chosen."""
    values = getattr(filters, f.field)
    return f"list_contains({bind(f.field, list(values))}::VARCHAR[], {f.column})" if values else None


def listed(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Type: presence, withdrawal'."""
    values = getattr(filters, f.field)
    return f"{f.label}: " + ", ".join(values) if values else None


def loosen_listed(f: Filter, filters: Filters) -> str | None:
    """'event type (presence)'."""
    values = getattr(filters, f.field)
    return f"{f.what} ({', '.join(values)})" if values else None


def slugs(f: Filter, filters: Filters) -> list[str]:
    """'actor-russia' for each value: a file name says what it holds."""
    return [f"{f.key}-{v}" for v in getattr(filters, f.field)]


def nothing(*_: object) -> None:
    """No part of this kind: the entry takes no part in this."""
    return None


def no_slug(*_: object) -> list[str]:
    """No part of the file name."""
    return []


@dataclass(frozen=True)
class Filter:
    """One filter, declared once: its Filters field, link key, command-line flag, SQL clause, words and file name."""

    field: str  # of Filters (and, for a list of names, of Options: what the data offers)
    key: str  # in links
    label: str  # in the header's words
    what: str = ""  # a value's kind, in notices: 'no such event type in the data'
    flag: str | None = None  # on the command line (None: not there)
    help: str = ""  # of the flag
    many: bool = False  # repeated: a list in the link, the flag given once per value
    choices: tuple[str, ...] = ()
    column: str = ""  # of the events, for a list of names
    reads: tuple[str, ...] | None = None  # the columns its clause reads (None: not said, or the versions' history)
    widget: Widget | None = None  # in the sidebar (None: not there)
    read: Callable[[Filter, list[str], Options, Filters], tuple[Filters, list[Refusal]]] = read_known
    write: Callable[[Filter, Filters], list[str] | str | None] = write_value
    clause: Callable[[Filter, Filters, Scope, Params], str | None] = nothing
    words: Callable[[Filter, Filters, Options], str | None] = listed
    loosen: Callable[[Filter, Filters], str | None] = loosen_listed
    slug: Callable[[Filter, Filters], list[str]] = no_slug

    def refuse(self, value: str, why: str) -> Refusal:
        """A value not used, echoed short (links can be long and hostile), worded for the page and the command."""
        shown = text.short(value)
        return Refusal(f"Ignored {self.key}={shown} from the link: {why}.", f"unknown {self.key}={shown}: {why}.")

    @property
    def state_key(self) -> str:
        """The key of its widget in the page's state."""
        return self.widget.key or self.key if self.widget else self.key
