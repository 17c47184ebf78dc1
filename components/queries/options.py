"""What each filter offers, counted in the store: the actor names resolved once, the places, types and days.

Counted from the views' summaries (queries/summaries.py), each a few thousand rows where the events are millions:
the same counts, read from the events when the store has no summaries."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from components.actors import Registry
from components.filter_types import ACTOR, COUNTRY, DATASET, PLACE, TYPE, Names, Options, Where
from components.queries import summaries
from components.queries.reader import Reader
from components.queries.summaries import ACTORS, MAP, TIMELINE
from components.schema import Model, Places


def _current(built: dict | None) -> Where:
    """Every current event, as the summaries built with `built` hold them (None: read from the events)."""
    return Where("current", reads=frozenset({"current"}), summaries=built)


def names(reader: Reader, registry: Registry, built: dict | None = None) -> Names:
    """Resolve every distinct actor name of the store once (thousands of names, not millions of rows)."""
    src, params = summaries.source(ACTORS, _current(built))
    written = reader.df(f"SELECT DISTINCT name FROM {src}", params)["name"]
    return Names({name: registry.canonical(name) for name in written})


def options(
    reader: Reader, registry: Registry, places: pd.DataFrame, resolved: Names, built: dict | None = None
) -> Options:
    """What each filter offers, counted in the store (computed once per version of the data)."""
    every = _current(built)
    marks, marks_params = summaries.source(MAP, every)
    by = "SELECT {0}, sum(n)::BIGINT FROM {1} GROUP BY 1 ORDER BY 2 DESC, 1"
    columns = (Model.event_type, Model.country, Model.dataset, Model.location)
    count = {c: dict(reader.rows(by.format(c, marks), marks_params)) for c in columns}
    written, written_params = summaries.source(ACTORS, every)
    per_name = reader.df(
        f"SELECT name, sum(n)::BIGINT AS n FROM {written} GROUP BY name ORDER BY n DESC, name", written_params
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
    spans, spans_params = summaries.source(TIMELINE, every, dict.fromkeys(TIMELINE.needs), reads=())
    first, last = reader.rows(f"SELECT min(earliest), max(latest) FROM {spans}", spans_params)[0]
    today = dt.date.today()
    defaults = tuple(
        c for (c,) in reader.rows(f"SELECT DISTINCT country FROM {marks} WHERE dataset = 'article'", marks_params)
    )
    found_in = {ACTOR: _found_in(reader, written, written_params, "name", resolved),
                PLACE: _found_in(reader, marks, marks_params, Model.location)}  # fmt: skip
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
        centres=_centres(reader, marks, marks_params, places),
        days=(first or today, last or today),
        points=_points(reader),
    )


def _points(reader: Reader) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct point of every version of an event (a radius as of a day measures the versions known then)."""
    found = reader.df(
        f"SELECT DISTINCT {Model.latitude}, {Model.longitude} FROM {Model.file} "
        f"WHERE {Model.latitude} IS NOT NULL AND {Model.longitude} IS NOT NULL"
    )
    return found[Model.latitude].to_numpy(dtype=float), found[Model.longitude].to_numpy(dtype=float)


def _centres(reader: Reader, marks: str, params: dict, places: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """The point each place's radius is measured from: the gazetteer's, else the point its events use most (counted
    in the map's rows)."""
    used = reader.df(
        f"""SELECT location, latitude, longitude FROM (SELECT location, latitude, longitude, sum(n) AS n
            FROM {marks} WHERE latitude IS NOT NULL AND location <> '' GROUP BY ALL)
            QUALIFY row_number() OVER (PARTITION BY location ORDER BY n DESC, latitude, longitude) = 1""",
        params,
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


def _found_in(
    reader: Reader, src: str, params: dict, value: str, resolved: Names | None = None
) -> dict[str, tuple[str, ...]]:
    """The countries of each value's events (a curated actor: of every name that stands for it), in one pass."""
    rows = reader.df(
        f"SELECT {value} AS name, list(DISTINCT country ORDER BY country) AS countries FROM {src} GROUP BY 1", params
    )
    found = {name: tuple(countries) for name, countries in zip(rows["name"], rows["countries"])}
    if resolved is not None:  # a curated actor is found wherever any of its written names is
        for name, countries in list(found.items()):
            curated = resolved.canonical.get(name)
            if curated:
                found[curated] = tuple(sorted(set(found.get(curated, ())) | set(countries)))
    return found
