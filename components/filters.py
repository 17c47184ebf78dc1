"""The view's filters: apply them to events, read them from a URL query and write them back to one."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import pandas as pd
from geopy.distance import geodesic

from components import dates, text
from components.schema import Actors, Events, Places, split_list

# Query-string names, as shared in links.
ACTOR, PLACE, TYPE, FROM, TO, RADIUS, VIEW = "actor", "place", "type", "from", "to", "radius_km", "view"
TIMELINE = "timeline"
WINDOW, ALL = EXTENTS = ("deadline", "all")  # the timeline from the ceasefire to the deadline, or every event
ACTOR_COLUMNS = (Events.actor1, Events.assoc_actor_1, Events.actor2, Events.assoc_actor_2)
DASHBOARD, BRIEFING = VIEWS = ("dashboard", "briefing")


@dataclass(frozen=True)
class Filters:
    """What the analyst narrowed the events to; empty means everything."""

    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    radius_km: float = 0.0
    view: str = "dashboard"
    extent: str = "deadline"  # of the timeline; not a filter of the events, but part of a shared view


@dataclass(frozen=True)
class Options:
    """The values the data offers for each filter."""

    actors: list[str]
    places: list[str]
    types: list[str]
    sponsored: dict[str, list[str]] = field(default_factory=dict)  # state -> the forces it sponsors
    days: tuple[dt.date, dt.date] = (dt.date.min, dt.date.max)  # first and last day any event may fall on


def named_actors(events: pd.DataFrame) -> list[list[str]]:
    """Every actor each event names, in column order: actor1, its associates, actor2, its associates."""
    rows = zip(*(events[col] for col in ACTOR_COLUMNS))
    return [[name for cell in row for name in split_list(cell)] for row in rows]


def event_actors(events: pd.DataFrame) -> pd.Series:
    """Every actor an event names, as a set per event."""
    return pd.Series([set(names) for names in named_actors(events)], index=events.index, dtype=object)


def sponsored(actors: pd.DataFrame) -> dict[str, list[str]]:
    """For each actor, the actors it sponsors, directly or through others (Russia -> Wagner Group)."""
    children: dict[str, list[str]] = {}
    for name, sponsor in zip(actors[Actors.name], actors[Actors.sponsor]):
        if sponsor:
            children.setdefault(sponsor, []).append(name)

    def below(name: str, seen: frozenset[str]) -> list[str]:
        """All actors under one sponsor; `seen` stops a cycle in bad data."""
        found = []
        for child in children.get(name, []):
            if child not in seen:
                found += [child, *below(child, seen | {child})]
        return found

    return {name: below(name, frozenset({name})) for name in children}


def options(events: pd.DataFrame, actors: pd.DataFrame) -> Options:
    """Actors, places and types that occur in the events, in a stable order."""
    named = set().union(*event_actors(events)) if len(events) else set()
    # A state whose forces appear is offered too, since choosing it selects them.
    tree = sponsored(actors)
    named |= {state for state, forces in tree.items() if named & set(forces)}
    registry_order = [a for a in actors[Actors.name] if a in named]
    places = sorted({p for p in events[Events.location] if p})
    types = sorted(set(events[Events.event_kind]))
    today = dt.date.today()
    days = (dates.starts(events).min().date(), dates.ends(events).max().date()) if len(events) else (today, today)
    return Options(actors=registry_order, places=places, types=types, sponsored=tree, days=days)


def expand(chosen: Sequence[str], opts: Options) -> set[str]:
    """The chosen actors and every force they sponsor."""
    out = set(chosen)
    for name in chosen:
        out |= set(opts.sponsored.get(name, []))
    return out


def focus(filters: Filters, opts: Options) -> set[str] | None:
    """The actors a view should be limited to: the chosen ones and their forces, or None for all."""
    return expand(filters.actors, opts) if filters.actors else None


def near(events: pd.DataFrame, places: pd.DataFrame, chosen: Sequence[str], radius_km: float) -> pd.Series:
    """Events at one of the chosen places, or within radius_km of one (geodesic distance)."""
    at_place = events[Events.location].isin(chosen)
    if radius_km <= 0:
        return at_place
    gazetteer = places.set_index(Places.name)
    centres = [
        (gazetteer.at[p, Places.latitude], gazetteer.at[p, Places.longitude])
        for p in chosen
        if p in gazetteer.index and pd.notna(gazetteer.at[p, Places.latitude])
    ]
    located = events[Events.latitude].notna() & events[Events.longitude].notna()
    within = pd.Series(False, index=events.index)
    for idx in events.index[located]:
        point = (events.at[idx, Events.latitude], events.at[idx, Events.longitude])
        within[idx] = any(geodesic(point, centre).km <= radius_km for centre in centres)
    return at_place | within


def apply(events: pd.DataFrame, places: pd.DataFrame, filters: Filters, opts: Options) -> pd.DataFrame:
    """The events that pass every filter."""
    keep = pd.Series(True, index=events.index)
    wanted = focus(filters, opts)
    if wanted:
        keep &= event_actors(events).map(lambda names: bool(names & wanted))
    if filters.places:
        keep &= near(events, places, filters.places, filters.radius_km)
    if filters.types:
        keep &= events[Events.event_kind].isin(filters.types)
    # A month-precision event counts if any day of its month is in range: never a false exclusion.
    if filters.start:
        keep &= dates.ends(events) >= pd.Timestamp(filters.start)
    if filters.end:
        keep &= dates.starts(events) <= pd.Timestamp(filters.end)
    return events[keep]


def describe(filters: Filters, opts: Options) -> str:
    """The active filters in words, for titles and briefings: 'Actor: Russia (incl. Wagner Group) · ...'."""
    parts = []
    if filters.actors:
        names = []
        for name in filters.actors:
            extra = [f for f in opts.sponsored.get(name, []) if f not in filters.actors]
            names.append(f"{name} (incl. {', '.join(extra)})" if extra else name)
        parts.append("Actor: " + ", ".join(names))
    if filters.places:
        where = " or ".join(filters.places)
        parts.append(f"Place: within {filters.radius_km:g} km of {where}" if filters.radius_km else f"Place: {where}")
    if filters.types:
        parts.append("Type: " + ", ".join(filters.types))
    if filters.start or filters.end:
        start = dates.day(pd.Timestamp(filters.start)) if filters.start else "the first event"
        end = dates.day(pd.Timestamp(filters.end)) if filters.end else "the latest event"
        parts.append(f"Dates: {start} to {end}")
    return " · ".join(parts) if parts else "No filters: all events"


def widen(filters: Filters) -> str:
    """What to loosen when nothing matches: each active filter, named."""
    loosen = [f"actor ({', '.join(filters.actors)})"] if filters.actors else []
    if filters.places:
        loosen.append(f"place ({', '.join(filters.places)}), or a larger radius")
    if filters.types:
        loosen.append(f"event type ({', '.join(filters.types)})")
    if filters.start or filters.end:
        loosen.append("the dates")
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
        for value in values:
            if value not in allowed:
                ignore(key, value, f"no such {what} in the data")
        return tuple(v for v in values if v in allowed)

    filters = Filters(
        actors=known(ACTOR, opts.actors, "actor"),
        places=known(PLACE, opts.places, "place"),
        types=known(TYPE, opts.types, "event type"),
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
        if not 0 <= radius <= 2000:
            ignore(RADIUS, value, "expected kilometres from 0 to 2000")
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
    for key, values in ((ACTOR, filters.actors), (PLACE, filters.places), (TYPE, filters.types)):
        if values:
            query[key] = list(values)
    if filters.start:
        query[FROM] = filters.start.isoformat()
    if filters.end:
        query[TO] = filters.end.isoformat()
    if filters.radius_km:
        query[RADIUS] = f"{filters.radius_km:g}"
    if filters.view != VIEWS[0]:
        query[VIEW] = filters.view
    if filters.extent != EXTENTS[0]:
        query[TIMELINE] = filters.extent
    return query
