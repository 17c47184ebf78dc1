"""The view's filters: what the data offers, a SQL condition on the store, and a URL query in both directions."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from components import dates, text
from components.actors import Registry
from components.schema import Model, Places

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


def names(store: object, registry: Registry) -> Names:
    """Resolve every distinct actor name of the store once (thousands of names, not millions of rows)."""
    written = store.df(f"SELECT DISTINCT unnest({Model.actors}) AS name FROM {Model.file} WHERE current")["name"]
    return Names({name: registry.canonical(name) for name in written})


def options(store: object, registry: Registry, places: pd.DataFrame, resolved: Names) -> Options:
    """What each filter offers, counted in the store (computed once per version of the data)."""
    by = "SELECT {0}, count(*) FROM events WHERE current GROUP BY 1 ORDER BY 2 DESC, 1"
    columns = (Model.event_type, Model.country, Model.dataset, Model.location)
    count = {c: dict(store.rows(by.format(c))) for c in columns}
    per_name = store.df(
        f"SELECT name, count(*) AS n FROM (SELECT unnest({Model.actors}) AS name FROM {Model.file} WHERE current) "
        "GROUP BY name ORDER BY n DESC, name"
    )
    curated_counts: dict[str, int] = {}
    for name, n in zip(per_name["name"], per_name["n"]):
        curated = resolved.canonical.get(name)
        if curated:
            curated_counts[curated] = curated_counts.get(curated, 0) + int(n)
    # A state whose forces appear is offered too, since choosing it selects them.
    named = set(curated_counts) | {s for s, forces in registry.sponsored.items() if set(forces) & set(curated_counts)}
    curated = [a for a in registry.actors["name"] if a in named]
    others = [n for n in per_name["name"] if not resolved.canonical.get(n)]
    # A curated actor's count is every name that stands for it: it wins over the count of its name as written.
    actor_counts = {**dict(zip(per_name["name"], per_name["n"].astype(int))), **curated_counts}
    first, last = store.rows(f"SELECT min(start_date), max(end_date) FROM {Model.file} WHERE current")[0]
    today = dt.date.today()
    defaults = tuple(
        c for (c,) in store.rows(f"SELECT DISTINCT country FROM {Model.file} WHERE current AND dataset = 'article'")
    )
    return Options(
        actors=curated + others,
        places=[p for p in count[Model.location] if p],
        types=[t for t in count[Model.event_type] if t],
        countries=[c for c in count[Model.country] if c],
        datasets=[d for d in count[Model.dataset]],
        default_countries=tuple(sorted(defaults)),
        counts={ACTOR: actor_counts, PLACE: count[Model.location], TYPE: count[Model.event_type],
                COUNTRY: count[Model.country], DATASET: count[Model.dataset]},  # fmt: skip
        sponsored=registry.sponsored,
        centres=_centres(store, places),
        days=(first or today, last or today),
    )


def _centres(store: object, places: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The point each place's radius is measured from: the gazetteer's, else the point its events use most."""
    used = store.df(
        f"""SELECT location, latitude, longitude FROM (SELECT location, latitude, longitude, count(*) AS n
            FROM {Model.file} WHERE current AND latitude IS NOT NULL AND location <> '' GROUP BY ALL)
            QUALIFY row_number() OVER (PARTITION BY location ORDER BY n DESC, latitude, longitude) = 1"""
    )
    centres = {p: (y, x) for p, y, x in zip(used["location"], used["latitude"], used["longitude"])}
    located = places[places[Places.latitude].notna() & places[Places.longitude].notna()]
    centres.update(
        {p: (float(y), float(x)) for p, y, x in zip(located[Places.name], located[Places.latitude],
                                                     located[Places.longitude])}  # fmt: skip
    )
    return centres


def focus(filters: Filters, registry: Registry) -> set[str] | None:
    """The curated actors a view is limited to: the chosen ones and their forces, or None for all."""
    return registry.expand(filters.actors) if filters.actors else None


@dataclass(frozen=True)
class Where:
    """A SQL condition on the events table (current versions only) and its parameters."""

    sql: str
    params: list
    costly: bool = False  # a distance or a list of names: worth computing once per selection (Store.narrowed)

    def __str__(self) -> str:
        return self.sql


def where(filters: Filters, opts: Options, registry: Registry, resolved: Names) -> Where:
    """The filters as one SQL condition: every clause runs over whole columns in the store."""
    clauses, params = ["current"], []
    if filters.actors:  # curated actors by their bit (cheap), any other by the names written in the store
        wanted = registry.expand(filters.actors)
        mask = sum(registry.bit.get(a, 0) for a in wanted)
        by_name = resolved.written({a for a in wanted if a not in registry.bit})
        either = [f"({Model.actor_bits} & ?) <> 0"] if mask else []
        either += [f"list_has_any({Model.actors}, ?::VARCHAR[])"] if by_name else []
        clauses.append(f"({' OR '.join(either)})" if either else "false")
        params += ([mask] if mask else []) + ([by_name] if by_name else [])
    if filters.places:
        at = f"list_contains(?::VARCHAR[], {Model.location})"
        params.append(list(filters.places))
        radius = filters.radius_km
        near = [_within(opts.centres[p], radius, params) for p in filters.places if radius and p in opts.centres]
        clauses.append(f"({' OR '.join([at, *near])})")
    if filters.types:
        clauses.append(f"list_contains(?::VARCHAR[], {Model.event_type})")
        params.append(list(filters.types))
    # An event counts if any day it may have happened on is in range: a month is never wrongly left out.
    if filters.start:
        clauses.append(f"{Model.end_date} >= ?")
        params.append(filters.start)
    if filters.end:
        clauses.append(f"{Model.start_date} <= ?")
        params.append(filters.end)
    countries = opts.countries_of(filters)
    if countries:
        clauses.append(f"list_contains(?::VARCHAR[], {Model.country})")
        params.append(list(countries))
    if filters.datasets:
        clauses.append(f"list_contains(?::VARCHAR[], {Model.dataset})")
        params.append(list(filters.datasets))
    costly = bool(filters.places and filters.radius_km) or f"list_has_any({Model.actors}" in " ".join(clauses)
    return Where(" AND ".join(clauses), params, costly)


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


def _within(centre: tuple[float, float], radius_km: float, params: list) -> str:
    """Within radius_km of a point: a box that holds the circle first (cheap); inside the square the circle holds,
    a point is surely within; the ellipsoidal distance is computed only for the points between the two."""
    lat, lon = centre
    box = f"{Model.latitude} BETWEEN ? AND ? AND {Model.longitude} BETWEEN ? AND ?"
    distance = f"distance_km({Model.latitude}, {Model.longitude}, ?, ?) <= ?"
    params += _box(lat, lon, radius_km, outer=True)
    if radius_km > INNER_BOX_UP_TO_KM:
        params += [lat, lon, radius_km]
        return f"({box} AND {distance})"
    params += [*_box(lat, lon, radius_km / math.sqrt(2) * 0.99, outer=False), lat, lon, radius_km]
    return f"({box} AND (({box}) OR {distance}))"


def describe(filters: Filters, opts: Options) -> str:
    """The active filters in words, for titles and briefings: 'Actor: Russia (incl. Wagner Group) · ...'."""
    parts = []
    if filters.actors:
        named = []
        for name in filters.actors:
            extra = [f for f in opts.sponsored.get(name, []) if f not in filters.actors]
            named.append(f"{name} (incl. {', '.join(extra)})" if extra else name)
        parts.append("Actor: " + ", ".join(named))
    if filters.places:
        where_ = " or ".join(filters.places)
        parts.append(f"Place: within {filters.radius_km:g} km of {where_}" if filters.radius_km else f"Place: {where_}")
    if filters.types:
        parts.append("Type: " + ", ".join(filters.types))
    if filters.start or filters.end:
        start = dates.day(pd.Timestamp(filters.start)) if filters.start else "the first event"
        end = dates.day(pd.Timestamp(filters.end)) if filters.end else "the latest event"
        parts.append(f"Dates: {start} to {end}")
    if filters.countries is not None:
        parts.append("Country: " + (", ".join(filters.countries) if filters.countries else "every country"))
    if filters.datasets:
        parts.append("Dataset: " + ", ".join(filters.datasets))
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
    loosen = [f"actor ({', '.join(filters.actors)})"] if filters.actors else []
    if filters.places:
        loosen.append(f"place ({', '.join(filters.places)}), or a larger radius")
    if filters.types:
        loosen.append(f"event type ({', '.join(filters.types)})")
    if filters.start or filters.end:
        loosen.append("the dates")
    if filters.countries:
        loosen.append(f"country ({', '.join(filters.countries)})")
    if filters.datasets:
        loosen.append(f"dataset ({', '.join(filters.datasets)})")
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


def from_query(query: Mapping[str, Sequence[str]], opts: Options) -> tuple[Filters, list[str]]:
    """Read filters from query parameters (each a list of values); say what was dropped and why."""
    notices: list[str] = []

    def ignore(key: str, value: str, why: str) -> None:
        """Note a value of the link that is not used, echoed short: links can be long and hostile."""
        notices.append(f"Ignored {key}={text.short(value)} from the link: {why}.")

    def known(key: str, allowed: list[str], what: str) -> tuple[str, ...]:
        """Keep the values the data has; note the others."""
        values = list(dict.fromkeys(query.get(key, [])))
        allowed_set = set(allowed)
        for value in values:
            if value not in allowed_set:
                ignore(key, value, f"no such {what} in the data")
        return tuple(v for v in values if v in allowed_set)

    countries = query.get(COUNTRY, [])
    filters = Filters(
        actors=known(ACTOR, opts.actors, "actor"),
        places=known(PLACE, opts.places, "place"),
        types=known(TYPE, opts.types, "event type"),
        countries=() if EVERY_COUNTRY in countries else known(COUNTRY, opts.countries, "country") or None,
        datasets=known(DATASET, opts.datasets, "dataset"),
    )
    first, last = opts.days
    for key in (FROM, TO):
        for value in query.get(key, [])[:1]:
            parsed = _date(value)
            if parsed is None:
                ignore(key, value, "expected a date as YYYY-MM-DD")
            elif key == FROM and parsed > last:
                ignore(key, value, f"it is after the last day of the data ({last}), so nothing would match")
            elif key == TO and parsed < first:
                ignore(key, value, f"it is before the first day of the data ({first}), so nothing would match")
            else:
                filters = replace(filters, **{"start" if key == FROM else "end": parsed})
    if filters.start and filters.end and filters.start > filters.end:
        notices.append(f"Ignored the dates from the link: {FROM} ({filters.start}) is after {TO} ({filters.end}).")
        filters = replace(filters, start=None, end=None)
    for value in query.get(RADIUS, [])[:1]:
        try:
            radius = float(value)
        except ValueError:
            radius = -1.0
        if not 0 <= radius <= MAX_RADIUS_KM:
            ignore(RADIUS, value, f"expected kilometres from 0 to {MAX_RADIUS_KM:g}")
        elif not filters.places:
            ignore(RADIUS, value, "a distance needs a place to measure from")
        else:
            filters = replace(filters, radius_km=radius)
    for key, field_name, allowed in ((VIEW, "view", VIEWS), (TIMELINE, "extent", EXTENTS)):
        for value in query.get(key, [])[:1]:
            if value in allowed:
                filters = replace(filters, **{field_name: value})
            else:
                ignore(key, value, f"expected one of {', '.join(allowed)}")
    return filters, notices


def to_query(filters: Filters) -> dict[str, list[str] | str]:
    """Query parameters for a link that reopens this view; defaults are left out to keep links short."""
    query: dict[str, list[str] | str] = {}
    for key, values in ((ACTOR, filters.actors), (PLACE, filters.places), (TYPE, filters.types),
                        (DATASET, filters.datasets)):  # fmt: skip
        if values:
            query[key] = list(values)
    if filters.countries is not None:
        query[COUNTRY] = list(filters.countries) or EVERY_COUNTRY
    if filters.start:
        query[FROM] = filters.start.isoformat()
    if filters.end:
        query[TO] = filters.end.isoformat()
    if filters.radius_km:
        query[RADIUS] = f"{filters.radius_km:g}"
    if filters.view != DASHBOARD:
        query[VIEW] = filters.view
    if filters.extent != WINDOW:
        query[TIMELINE] = filters.extent
    return query
