"""The filters, each declared once (FILTERS): from the table come the SQL condition, the link in both directions, the
command line's options, the sidebar's widgets, the header's words and the export names."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

import pandas as pd

from components import dates, geo
from components.actors import Registry
from components.filter_types import (
    ACTOR,
    AS_OF,
    COUNTED,
    COUNTINGS,
    COUNTRIES,
    COUNTRY,
    DATASET,
    DAY,
    DAYS,
    EVERY_COUNTRY,
    EXTENTS,
    FROM,
    HAPPENED,
    KM,
    MAX_RADIUS_KM,
    NAMES,
    PLACE,
    RADIUS,
    SINCE,
    SWITCH,
    TIMELINE,
    TO,
    TYPE,
    VIEW,
    VIEWS,
    Filter,
    Filters,
    Names,
    Options,
    Params,
    Refusal,
    Scope,
    Where,
    Widget,
    in_column,
    nothing,
    read_choice,
    read_known,
    slugs,
)  # fmt: skip
from components.queries import history
from components.schema import Model


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
        bind.reads.add(Model.actors)
    return f"({' OR '.join(either)})" if either else "false"


def _actors_words(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Actor: Russia (incl. Wagner Group)': a state's forces are named, unless chosen too."""
    named = []
    for name in filters.actors:
        extra = [force for force in opts.sponsored.get(name, []) if force not in filters.actors]
        named.append(f"{name} (incl. {', '.join(extra)})" if extra else name)
    return f"{f.label}: " + ", ".join(named) if named else None


def _actors_note(chosen: list, opts: Options) -> str | None:
    """Under the actor list: what each chosen actor includes besides itself ('Russia includes Wagner Group.')."""
    included = [f"{a} includes {', '.join(opts.sponsored[a])}." for a in chosen if opts.sponsored.get(a)]
    if not included:
        return None
    return "A state includes the forces it sponsors, and a force the names the sources give it: " + " ".join(included)


def _places_clause(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """At one of the places, or within the radius of one."""
    if not filters.places:
        return None
    at = f"list_contains({bind('places', list(filters.places))}::VARCHAR[], {Model.location})"
    radius, centres = filters.radius_km, scope.opts.centres
    near = [
        geo.within_sql(centres[p], radius, bind, scope.opts.points) for p in filters.places if radius and p in centres
    ]
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


def _read_day(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """One day, YYYY-MM-DD, from 1900 on (a day after the data's last one is kept: nothing changed since then)."""
    for value in values[:1]:
        parsed = _date(value)
        if parsed is None or parsed.year < 1900:
            return chosen, [f.refuse(value, "expected a date as YYYY-MM-DD")]
        chosen = replace(chosen, **{f.field: parsed})
    return chosen, []


def _since_words(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'Changes since 1 Jan 2021 (by report)'."""
    if not filters.since:
        return None
    by = "event date" if filters.counted == HAPPENED else "report"
    return f"{f.label} {dates.day(pd.Timestamp(filters.since))} (by {by})"


def _as_of_words(f: Filter, filters: Filters, opts: Options) -> str | None:
    """'As reported by 23 Jan 2021'."""
    return f"{f.label} {dates.day(pd.Timestamp(filters.as_of))}" if filters.as_of else None


def _as_of_clause(f: Filter, filters: Filters, scope: Scope, bind: Params) -> str | None:
    """The views as the sources had reported them by the day: per event, the latest version reported by then, unless
    the dataset had deleted it by then (in place of `current`, which is the latest version known now)."""
    if not filters.as_of:
        return None
    bind.costly = True  # the versions known then are chosen once per selection, not once per view
    return history.known_by(filters.as_of, bind)


def _read_countries(f: Filter, values: list[str], opts: Options, chosen: Filters) -> tuple[Filters, list[Refusal]]:
    """The countries chosen; 'all' for every one; none given: the article's (None)."""
    if EVERY_COUNTRY in values:
        return replace(chosen, countries=()), []
    chosen, refused = read_known(f, values, opts, chosen)
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
FILTERS: list[Filter] = [  # in the order of the header's words, file names and the sidebar; a place before its radius
    Filter("actors", ACTOR, "Actor", "actor", "--actor", "repeat for several; a state includes its forces", True,
           clause=_actors_clause, words=_actors_words, slug=slugs, reads=(Model.actor_bits,),
           widget=Widget(NAMES, "Actor", placeholder="All actors", note=_actors_note,
                         help="The curated actors first, then the datasets' actors by number of events. "
                              "Type to search.")),
    Filter("places", PLACE, "Place", "place", "--place", "repeat for several", True, clause=_places_clause,
           words=_places_words, loosen=_places_loosen, slug=slugs,
           reads=(Model.location, Model.latitude, Model.longitude),
           widget=Widget(NAMES, "Place", placeholder="All places", help="Most events first. Type to search.")),
    Filter("radius_km", RADIUS, "Radius", flag="--radius-km", help="with --place: events within this distance",
           read=_read_radius, write=_write_radius, words=nothing, loosen=nothing, slug=_radius_slug,
           widget=Widget(KM, "Within km of the place",
                         help="0 keeps only events at the place itself; distances are on the WGS 84 ellipsoid.")),
    Filter("types", TYPE, "Type", "event type", "--type", "event type; repeat for several", True,
           column=Model.event_type, clause=in_column, slug=slugs, reads=(Model.event_type,),
           widget=Widget(NAMES, "Event type", placeholder="All types", counted=True)),
    Filter("start", FROM, "Dates", flag="--from", help="first day, YYYY-MM-DD", read=_read_from,
           write=_write_day, clause=_from_clause, words=_dates_words, loosen=_dates_loosen, slug=_day_slug,
           reads=(Model.start_date, Model.end_date),
           widget=Widget(DAYS, "Dates", key="dates")),
    Filter("end", TO, "Dates", flag="--to", help="last day, YYYY-MM-DD", read=_read_to,
           write=_write_day, clause=_to_clause, words=nothing, loosen=nothing, slug=_day_slug,
           reads=(Model.start_date, Model.end_date)),
    Filter("countries", COUNTRY, "Country", "country", "--country", f"repeat; {EVERY_COUNTRY!r}: every one", True,
           column=Model.country, read=_read_countries, write=_write_countries, clause=_countries_clause,
           words=_countries_words, reads=(Model.country,),
           widget=Widget(COUNTRIES, "Country", placeholder="Every country", counted=True,
                         help="By default the article's countries")),
    Filter("datasets", DATASET, "Dataset", "dataset", "--dataset", "article, ACLED or UCDP GED; repeat", True,
           column=Model.dataset, clause=in_column, reads=(Model.dataset,),
           widget=Widget(NAMES, "Dataset", placeholder="Every dataset", counted=True)),
    Filter("view", VIEW, "View", choices=VIEWS, read=read_choice, words=nothing, loosen=nothing),
    Filter("as_of", AS_OF, "As reported by", flag="--as-of", help="YYYY-MM-DD: every view as the sources had "
           "reported it by that day", read=_read_day, write=_write_day, clause=_as_of_clause, words=_as_of_words,
           loosen=nothing, slug=_day_slug,
           widget=Widget(DAY, "As reported by", key="as_of", step_days=7,
                         help="Every view as the sources had reported it by this day: the latest version known "
                              "then, and no event deleted by then. Empty: as known today.")),
    Filter("since", SINCE, "Changes since", flag="--since", help="YYYY-MM-DD: the Changes panel's first day",
           read=_read_day, write=_write_day, words=_since_words, loosen=nothing, slug=_day_slug,
           widget=Widget(DAY, "Changes since", key="since",
                         help="What is new, revised or deleted since this day, above the views. Empty: no panel.")),
    Filter("counted", COUNTED, "Changes counted", flag="--changes", help="reported: by when reported and entered; "
           "happened: by the event's date", choices=COUNTINGS, read=read_choice, words=nothing, loosen=nothing,
           widget=Widget(SWITCH, "Changes by event date", key="counted",
                         help="Off: a change counts when it was reported and entered; on: when it happened.")),
    Filter("extent", TIMELINE, "Timeline", flag="--timeline", help="deadline: from the ceasefire; all: every event",
           choices=EXTENTS, read=read_choice, words=nothing, loosen=nothing,
           widget=Widget(SWITCH, "Timeline: every event", key="extent",
                         help="Off: from the ceasefire to the latest report.")),
]  # fmt: skip


def where(filters: Filters, opts: Options, registry: Registry, resolved: Names) -> Where:
    """The filters as one SQL condition, every clause over whole columns, every value a `$name` parameter."""
    bind = Params()
    scope = Scope(opts, registry, resolved)
    clauses = [(f, c) for f in FILTERS if (c := f.clause(f, filters, scope, bind))]
    written = [c for _, c in clauses]
    sql = " AND ".join(written if filters.as_of else ["current", *written])  # as of a day: the versions known then
    declared = [f.reads for f, _ in clauses]
    reads = None if None in declared else frozenset({"current", *bind.reads}.union(*declared))
    return Where(sql, bind.values, bind.costly, reads)


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
