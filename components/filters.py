"""The view's filters: what the data offers, a SQL condition on the store, and a URL query in both directions."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from components import dates, text
from components.actors import Registry
from components.schema import Model

# Query-string names, as shared in links.
ACTOR, PLACE, TYPE, FROM, TO, RADIUS, VIEW = "actor", "place", "type", "from", "to", "radius_km", "view"
COUNTRY, DATASET, TIMELINE = "country", "dataset", "timeline"
EVERY_COUNTRY = "all"  # country=all: no country filter (the default is the article's countries)
WINDOW, ALL = EXTENTS = ("deadline", "all")  # the timeline from the ceasefire to the deadline, or every event
DASHBOARD, BRIEFING, REVIEW = VIEWS = ("dashboard", "briefing", "review")
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


def _read_known(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """Keep the values the data offers (Options has a list named as the Filters field); refuse the others."""
    allowed = set(getattr(opts, f.field))
    values = list(dict.fromkeys(values))
    refused = [f.refuse(v, f"no such {f.what} in the data") for v in values if v not in allowed]
    return replace(chosen, **{f.field: tuple(v for v in values if v in allowed)}), refused


def _read_choice(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """One of the entry's choices (the first value only)."""
    for value in values[:1]:
        if value not in f.choices:
            return chosen, [f.refuse(value, f"expected one of {', '.join(f.choices)}")]
        chosen = replace(chosen, **{f.field: value})
    return chosen, []


def _write(f: Filter, filters: Filters) -> list[str] | str | None:
    """The value for a link: a list of names, or one word; None when it is the default (links stay short)."""
    value = getattr(filters, f.field)
    if isinstance(value, tuple):
        return list(value) or None
    return None if value == _default(f) else str(value)


def _default(f: Filter) -> object:
    """The value of an entry's field in Filters() (nothing chosen)."""
    return getattr(Filters(), f.field)


def _in_column(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """The column's value is one of those chosen."""
    values = getattr(filters, f.field)
    return f"list_contains({bind(f.field, list(values))}::VARCHAR[], {f.column})" if values else None


def _listed(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Type: presence, withdrawal'."""
    values = getattr(filters, f.field)
    return f"{f.label}: " + ", ".join(values) if values else None


def _loosen_listed(f: Filter, filters: Filters) -> str | None:
    """'event type (presence)'."""
    values = getattr(filters, f.field)
    return f"{f.what} ({', '.join(values)})" if values else None


def _slugs(f: Filter, filters: Filters) -> list[str]:
    """'actor-russia' for each value: a file name says what it holds."""
    return [f"{f.key}-{v}" for v in getattr(filters, f.field)]


def _nothing(*_: object) -> None:
    """No part of this kind: the entry takes no part in this."""
    return None


def _no_slug(*_: object) -> list[str]:
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
    widget: str = ""  # the sidebar's label, when it says more than the header's
    read: Callable[[Filter, list[str], Options, Filters], tuple[Filters, list[Refusal]]] = _read_known
    write: Callable[[Filter, Filters], list[str] | str | None] = _write
    clause: Callable[[Filter, Filters, Scope, Params], str | None] = _nothing
    words: Callable[[Filter, Filters, Options], str | None] = _listed
    loosen: Callable[[Filter, Filters], str | None] = _loosen_listed
    slug: Callable[[Filter, Filters], list[str]] = _no_slug

    def refuse(self, value: str, why: str) -> Refusal:
        """A value not used, echoed short (links can be long and hostile), worded for the page and the command."""
        shown = text.short(value)
        return Refusal(f"Ignored {self.key}={shown} from the link: {why}.", f"unknown {self.key}={shown}: {why}.")

    @property
    def label_shown(self) -> str:
        """The sidebar's label."""
        return self.widget or self.label


def _actors_clause(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """Curated actors by their bit (cheap), any other by the names written in the store."""
    if not filters.actors:
        return None
    registry = scope.registry
    wanted = registry.expand(filters.actors)
    mask = sum(registry.bit.get(a, 0) for a in wanted)
    by_name = scope.resolved.written({a for a in wanted if a not in registry.bit})
    either = [f"({Model.actor_bits} & {bind('actor_bits', mask)}) <> 0"] if mask else []
    if by_name:
        either.append(f"list_has_any({Model.actors}, {bind('actor_names', by_name)}::VARCHAR[])")
        bind.costly = True
    return f"({' OR '.join(either)})" if either else "false"


def _actors_words(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Actor: Russia (incl. Wagner Group)': a state's forces are named, unless chosen too."""
    named = []
    for name in filters.actors:
        extra = [force for force in opts.sponsored.get(name, []) if force not in filters.actors]
        named.append(f"{name} (incl. {', '.join(extra)})" if extra else name)
    return f"{f.label}: " + ", ".join(named) if named else None


def _places_clause(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """At one of the places, or within the radius of one."""
    if not filters.places:
        return None
    at = f"list_contains({bind('places', list(filters.places))}::VARCHAR[], {Model.location})"
    radius, centres = filters.radius_km, scope.opts.centres
    near = [_within(centres[p], radius, bind) for p in filters.places if radius and p in centres]
    bind.costly = bind.costly or bool(radius)
    return f"({' OR '.join([at, *near])})"


def _places_words(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Place: within 50 km of Sirte or Tripoli'."""
    if not filters.places:
        return None
    where_ = " or ".join(filters.places)
    return f"{f.label}: within {filters.radius_km:g} km of {where_}" if filters.radius_km else f"{f.label}: {where_}"


def _places_loosen(f: Filter, filters: Filters) -> str | None:
    """'place (Sirte), or a larger radius'."""
    return f"{f.what} ({', '.join(filters.places)}), or a larger radius" if filters.places else None


def _read_radius(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """Kilometres from 0 to MAX_RADIUS_KM, with a place to measure from (read after the places)."""
    for value in values[:1]:
        try:
            radius = float(value)
        except ValueError:
            radius = -1.0
        if not 0 <= radius <= MAX_RADIUS_KM:
            return chosen, [f.refuse(value, f"expected kilometres from 0 to {MAX_RADIUS_KM:g}")]
        if not chosen.places:
            return chosen, [f.refuse(value, "a distance needs a place to measure from")]
        chosen = replace(chosen, radius_km=radius)
    return chosen, []


def _write_radius(f: Filter, filters: Filters) -> str | None:
    """'25', not '25.0'."""
    return f"{filters.radius_km:g}" if filters.radius_km else None


def _radius_slug(f: Filter, filters: Filters) -> list[str]:
    """'50km', with a place."""
    return [f"{filters.radius_km:g}km"] if filters.places and filters.radius_km else []


def _read_from(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """The first day: a date, not after the data's last day (nothing would match)."""
    for value in values[:1]:
        parsed, last = _date(value), opts.days[1]
        if parsed is None:
            return chosen, [f.refuse(value, "expected a date as YYYY-MM-DD")]
        if parsed > last:
            return chosen, [f.refuse(value, f"it is after the last day of the data ({last}), so nothing would match")]
        chosen = replace(chosen, start=parsed)
    return chosen, []


def _read_to(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """The last day: a date, not before the data's first day, nor before the first day chosen (read after it)."""
    for value in values[:1]:
        parsed, first = _date(value), opts.days[0]
        if parsed is None:
            return chosen, [f.refuse(value, "expected a date as YYYY-MM-DD")]
        if parsed < first:
            return chosen, [
                f.refuse(value, f"it is before the first day of the data ({first}), so nothing would match")
            ]
        if chosen.start and chosen.start > parsed:  # reversed dates: neither is kept
            return replace(chosen, start=None), [
                Refusal(
                    f"Ignored the dates from the link: {FROM} ({chosen.start}) is after {TO} ({parsed}).",
                    f"--from {chosen.start} is after --to {parsed}.",
                )
            ]
        chosen = replace(chosen, end=parsed)
    return chosen, []


def _write_day(f: Filter, filters: Filters) -> str | None:
    """YYYY-MM-DD."""
    day = getattr(filters, f.field)
    return day.isoformat() if day else None


def _day_slug(f: Filter, filters: Filters) -> list[str]:
    """'from-2021-01-01'."""
    day = getattr(filters, f.field)
    return [f"{f.key}-{day.isoformat()}"] if day else []


def _from_clause(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """An event counts if any day it may have happened on is in range: a month is never wrongly left out."""
    return f"{Model.end_date} >= {bind('start', filters.start)}" if filters.start else None


def _to_clause(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """As _from_clause, from the other end."""
    return f"{Model.start_date} <= {bind('end', filters.end)}" if filters.end else None


def _dates_words(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Dates: 1 Feb 2021 to the latest event': both ends in one part (the `to` entry says nothing of its own)."""
    if not (filters.start or filters.end):
        return None
    start = dates.day(pd.Timestamp(filters.start)) if filters.start else "the first event"
    end = dates.day(pd.Timestamp(filters.end)) if filters.end else "the latest event"
    return f"{f.label}: {start} to {end}"


def _dates_loosen(f: Filter, filters: Filters) -> str | None:
    """'the dates', once for both ends."""
    return "the dates" if filters.start or filters.end else None


def _read_countries(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """The countries chosen; 'all' for every one; none given: the article's (None)."""
    if EVERY_COUNTRY in values:
        return replace(chosen, countries=()), []
    chosen, refused = _read_known(f, values, opts, chosen)
    return replace(chosen, countries=chosen.countries or None), refused


def _write_countries(f: Filter, filters: Filters) -> list[str] | str | None:
    """The countries, 'all' for every one; nothing for the default."""
    return None if filters.countries is None else list(filters.countries) or EVERY_COUNTRY


def _countries_clause(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """The countries chosen, else the article's: a default that is a filter too."""
    countries = scope.opts.countries_of(filters)
    return f"list_contains({bind('countries', list(countries))}::VARCHAR[], {f.column})" if countries else None


def _countries_words(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Country: Libya', 'Country: every country'; nothing for the default."""
    if filters.countries is None:
        return None
    return f"{f.label}: " + (", ".join(filters.countries) if filters.countries else "every country")


# Links, the command line, the sidebar's labels, the header, the empty notice, file names, the command the page shows
# and the SQL are all derived from this table: a new filter is a Filters field and an entry here.
FILTERS: list[Filter] = [  # in the order of the header's words and file names; a place before its radius
    Filter("actors", ACTOR, "Actor", "actor", "--actor", "repeat for several; a state includes its forces", True,
           clause=_actors_clause, words=_actors_words, slug=_slugs),
    Filter("places", PLACE, "Place", "place", "--place", "repeat for several", True, clause=_places_clause,
           words=_places_words, loosen=_places_loosen, slug=_slugs),
    Filter("types", TYPE, "Type", "event type", "--type", "event type; repeat for several", True,
           column=Model.event_type, widget="Event type", clause=_in_column, slug=_slugs),
    Filter("radius_km", RADIUS, "Radius", flag="--radius-km", help="with --place: events within this distance",
           widget="Within km of the place", read=_read_radius, write=_write_radius, words=_nothing, loosen=_nothing,
           slug=_radius_slug),
    Filter("start", FROM, "Dates", flag="--from", help="first day, YYYY-MM-DD", widget="Dates", read=_read_from,
           write=_write_day, clause=_from_clause, words=_dates_words, loosen=_dates_loosen, slug=_day_slug),
    Filter("end", TO, "Dates", flag="--to", help="last day, YYYY-MM-DD", widget="Dates", read=_read_to,
           write=_write_day, clause=_to_clause, words=_nothing, loosen=_nothing, slug=_day_slug),
    Filter("countries", COUNTRY, "Country", "country", "--country", f"repeat; {EVERY_COUNTRY!r}: every one", True,
           column=Model.country, read=_read_countries, write=_write_countries, clause=_countries_clause,
           words=_countries_words),
    Filter("datasets", DATASET, "Dataset", "dataset", "--dataset", "article, ACLED or UCDP GED; repeat", True,
           column=Model.dataset, clause=_in_column),
    Filter("view", VIEW, "View", choices=VIEWS, read=_read_choice, words=_nothing, loosen=_nothing),
    Filter("extent", TIMELINE, "Timeline", flag="--timeline", help="deadline: from the ceasefire; all: every event",
           choices=EXTENTS, widget="Timeline: every event", read=_read_choice, words=_nothing, loosen=_nothing),
]  # fmt: skip


def entry(key: str) -> Filter:
    """The entry of a link key: for the sidebar's labels and keys."""
    return next(f for f in FILTERS if f.key == key)


def where(filters: Filters, opts: Options, registry: Registry, resolved: Names) -> Where:
    """The filters as one SQL condition, every clause over whole columns, every value a `$name` parameter."""
    bind = Params()
    sql = _condition(filters, Scope(opts, registry, resolved), bind)
    return Where(sql, bind.values, bind.costly)


def _condition(filters: Filters, scope: Scope, bind: Params) -> str:
    """Every entry's clause, and current versions only."""
    clauses = [c for f in FILTERS if (c := f.clause(f, filters, scope, bind))]
    return " AND ".join(["current", *clauses])


KM_PER_DEGREE_LAT = (110.5, 111.7)  # fewest and most km in a degree of latitude (equator, poles)


INNER_BOX_UP_TO_KM = 500.0  # a flat square inside the circle is safe well within this; beyond, distances only


def _box(lat: float, lon: float, km: float, outer: bool) -> list[float]:
    """South, north, west and east of a box that holds (outer) or fits inside (not outer) a circle of `km`."""
    per_degree = KM_PER_DEGREE_LAT[0] if outer else KM_PER_DEGREE_LAT[1]
    dlat = km / per_degree
    # a degree of longitude is shortest at the box's highest latitude (outer: widest box), longest at its lowest
    edge = min(abs(lat) + dlat, 89.9) if outer else max(abs(lat) - dlat, 0.0)
    dlon = km / (per_degree * max(math.cos(math.radians(edge)), 0.01))
    return [lat - dlat, lat + dlat, lon - dlon, lon + dlon]


def _within(centre: tuple[float, float], radius_km: float, bind: Params) -> str:
    """Within radius_km of a point: a box that holds the circle first (cheap); inside the square the circle holds,
    a point is surely within; the ellipsoidal distance is computed only for the points between the two."""
    lat, lon = centre

    def box(edges: list[float]) -> str:
        """Between the edges (south, north, west, east)."""
        south, north, west, east = (bind("near", edge) for edge in edges)
        return f"{Model.latitude} BETWEEN {south} AND {north} AND {Model.longitude} BETWEEN {west} AND {east}"

    def distance() -> str:
        """Ellipsoidal distance to the point, within the radius."""
        to = f"{bind('near', lat)}, {bind('near', lon)}"
        return f"distance_km({Model.latitude}, {Model.longitude}, {to}) <= {bind('near', radius_km)}"

    outer = box(_box(lat, lon, radius_km, outer=True))
    if radius_km > INNER_BOX_UP_TO_KM:
        return f"({outer} AND {distance()})"
    inner = box(_box(lat, lon, radius_km / math.sqrt(2) * 0.99, outer=False))
    return f"({outer} AND (({inner}) OR {distance()}))"


def describe(filters: Filters, opts: Options) -> str:
    """The active filters in words, for titles and briefings: 'Actor: Russia (incl. Wagner Group) · ...'."""
    parts = [w for f in FILTERS if (w := f.words(f, filters, opts))]
    return " · ".join(parts) if parts else "No filters: all events"


def countries_in_words(filters: Filters, opts: Options) -> str:
    """The countries a view shows, for its title: 'Libya', 'Libya and Tunisia', '3 countries'."""
    shown = opts.countries_of(filters) or tuple(opts.countries)
    if not shown:
        return "Libya"  # an empty store: the monitor's subject
    if len(shown) <= 2:
        return " and ".join(shown)
    return f"{len(shown)} countries"


def widen(filters: Filters) -> str:
    """What to loosen when nothing matches: each active filter, named."""
    loosen = [w for f in FILTERS if (w := f.loosen(f, filters))]
    return "No events match the filters. Widen " + "; ".join(loosen) + "." if loosen else "No events in the data."


ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")  # what the notice asks for; fromisoformat alone takes 20210101 too


def _date(value: str) -> dt.date | None:
    """A date written YYYY-MM-DD, or None."""
    if not ISO_DAY.fullmatch(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read(given: Mapping[str, Sequence[str]], opts: Options) -> tuple[Filters, list[Refusal]]:
    """Filters from values by link key (each a list), entry by entry in the table's order; what was refused."""
    chosen, refused = Filters(), []
    for f in FILTERS:
        chosen, more = f.read(f, list(given.get(f.key, [])), opts, chosen)
        refused += more
    return chosen, refused


def from_query(query: Mapping[str, Sequence[str]], opts: Options) -> tuple[Filters, list[str]]:
    """Read filters from query parameters (each a list of values); say what was dropped and why."""
    chosen, refused = read(query, opts)
    return chosen, [r.link for r in refused]


def to_query(filters: Filters) -> dict[str, list[str] | str]:
    """Query parameters for a link that reopens this view; defaults are left out to keep links short."""
    return {f.key: value for f in FILTERS if (value := f.write(f, filters))}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """A command-line option for each entry with a flag: repeated for a list, with its choices for a choice."""
    for f in FILTERS:
        if f.flag is None:
            continue
        options: dict = {"dest": f.field, "help": f.help}
        if not f.choices:  # named after the flag, not the Filters field it fills
            options["metavar"] = f.flag.lstrip("-").replace("-", "_").upper()
        if f.many:
            options.update(action="append", default=[])
        if f.choices:
            options["choices"] = f.choices
        parser.add_argument(f.flag, **options)


def from_arguments(args: argparse.Namespace, opts: Options) -> tuple[Filters, list[Refusal]]:
    """Filters from the options add_arguments declared: read as a link's values are, refused in the CLI's words."""
    given: dict[str, list[str]] = {}
    for f in FILTERS:
        if f.flag is not None:
            value = getattr(args, f.field, None)
            given[f.key] = list(value) if f.many else [] if value is None else [value]
    return read(given, opts)


def flags(filters: Filters) -> list[str]:
    """The command-line options that choose these filters: '--actor Russia --from 2021-01-01'."""
    words = []
    for f in FILTERS:
        value = f.write(f, filters) if f.flag is not None else None
        for one in value if isinstance(value, list) else [value] if value else []:
            words += [f.flag, one]
    return words


def name_parts(filters: Filters) -> list[str]:
    """Each entry's part of a file name: 'actor-russia', '50km', 'from-2021-01-01'."""
    return [part for f in FILTERS for part in f.slug(f, filters)]
