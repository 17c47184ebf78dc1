"""What each filter offers, counted in the store: the actor names resolved once, the places, types and days."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from components.actors import Registry
from components.filter_types import ACTOR, COUNTRY, DATASET, PLACE, TYPE, Names, Options
from components.queries.reader import Reader
from components.schema import Model, Places


def names(reader: Reader, registry: Registry) -> Names:
    """Resolve every distinct actor name of the store once (thousands of names, not millions of rows)."""
    written = reader.df(f"SELECT DISTINCT unnest({Model.actors}) AS name FROM {Model.file} WHERE current")["name"]
    return Names({name: registry.canonical(name) for name in written})


def options(reader: Reader, registry: Registry, places: pd.DataFrame, resolved: Names) -> Options:
    """What each filter offers, counted in the store (computed once per version of the data)."""
    by = "SELECT {0}, count(*) FROM events WHERE current GROUP BY 1 ORDER BY 2 DESC, 1"
    columns = (Model.event_type, Model.country, Model.dataset, Model.location)
    count = {c: dict(reader.rows(by.format(c))) for c in columns}
    per_name = reader.df(
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
    first, last = reader.rows(f"SELECT min(start_date), max(end_date) FROM {Model.file} WHERE current")[0]
    today = dt.date.today()
    defaults = tuple(
        c for (c,) in reader.rows(f"SELECT DISTINCT country FROM {Model.file} WHERE current AND dataset = 'article'")
    )
    found_in = {ACTOR: _found_in(reader, f"unnest({Model.actors})", resolved), PLACE: _found_in(reader, Model.location)}
    return Options(
        actors=curated + others,
        places=[p for p in count[Model.location] if p],
        types=[t for t in count[Model.event_type] if t],
        countries=[c for c in count[Model.country] if c],
        datasets=[d for d in count[Model.dataset]],
        default_countries=tuple(sorted(defaults)),
        counts={
            ACTOR: actor_counts,
            PLACE: count[Model.location],
            TYPE: count[Model.event_type],
            COUNTRY: count[Model.country],
            DATASET: count[Model.dataset],
        },  # fmt: skip
        sponsored=registry.sponsored,
        found_in=found_in,
        centres=_centres(reader, places),
        days=(first or today, last or today),
    )


def _centres(reader: Reader, places: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The point each place's radius is measured from: the gazetteer's, else the point its events use most."""
    used = reader.df(
        f"""SELECT location, latitude, longitude FROM (SELECT location, latitude, longitude, count(*) AS n
            FROM {Model.file} WHERE current AND latitude IS NOT NULL AND location <> '' GROUP BY ALL)
            QUALIFY row_number() OVER (PARTITION BY location ORDER BY n DESC, latitude, longitude) = 1"""
    )
    centres = {p: (y, x) for p, y, x in zip(used["location"], used["latitude"], used["longitude"])}
    located = places[places[Places.latitude].notna() & places[Places.longitude].notna()]
    centres.update(
        {
            p: (float(y), float(x))
            for p, y, x in zip(located[Places.name], located[Places.latitude], located[Places.longitude])
        }  # fmt: skip
    )
    return centres


def _found_in(reader: Reader, value: str, resolved: Names | None = None) -> dict[str, tuple[str, ...]]:
    """The countries of each value's events (a curated actor: of every name that stands for it), in one pass."""
    rows = reader.df(
        f"SELECT name, list(DISTINCT country ORDER BY country) AS countries FROM (SELECT {value} AS name, country "
        f"FROM {Model.file} WHERE current) GROUP BY name"
    )
    found = {name: tuple(countries) for name, countries in zip(rows["name"], rows["countries"])}
    if resolved is not None:  # a curated actor is found wherever any of its written names is
        for name, countries in list(found.items()):
            curated = resolved.canonical.get(name)
            if curated:
                found[curated] = tuple(sorted(set(found.get(curated, ())) | set(countries)))
    return found
