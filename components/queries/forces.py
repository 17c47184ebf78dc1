"""The foreign forces table's query: per force, the events that name it (through any of its names), and the few
that its status and evidence rest on; the table is then built from a dozen rows, whatever the number of events."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from components.actors import FORCE as FORCE_ROLE
from components.actors import STATE as STATE_ROLE
from components.actors import Registry
from components.filter_types import Where
from components.queries import summaries
from components.queries.reader import Reader
from components.queries.summaries import FORCES
from components.schema import Actors, Model

# Article events of these kinds report a force on the ground; every dataset event does (ACLED and UCDP code events
# where they happen, so an actor of one is active there).
ON_THE_GROUND = ("presence", "ground activity", "deadline")
PLACES_SHOWN = 5
PLACE_COLUMNS = [Model.location, Model.geo_precision, "n"]  # of each place a force's row lists
EVENT = (
    "struct_pack(start := start_date, stop := end_date, basis := date_basis, reported := reported, "
    "dataset := dataset, id := event_id, evidence := evidence, kind := evidence_kind, source := source, "
    "source_file := source_file, line := line, location := location)"
)


@dataclass(frozen=True)
class ForcesData:
    """Per curated force or state: its events' count, last report and the events its status rests on; its places."""

    summary: pd.DataFrame
    places: pd.DataFrame


def candidates(registry: Registry, only: set[str] | None) -> list[str]:
    """The curated actors that can be rows: foreign forces and intervening states (those chosen, when chosen)."""
    actors = registry.actors
    wanted = actors[actors[Actors.foreign] & actors[Actors.military_role].isin([FORCE_ROLE, STATE_ROLE])]
    return [a for a in wanted[Actors.name] if only is None or a in only]


def forces_data(
    reader: Reader, where: Where, registry: Registry, only: set[str] | None, deadline: pd.Timestamp | None
) -> ForcesData:
    """Query the store: per force or state, its events' count and last report, and the events its status rests on.

    The store keeps each event's curated forces (columns derived from actors.csv) and, per generation, the events
    counted per list of forces, place and deadline (queries/summaries.py FORCES). Two passes count them per list
    and place, and per list and basis (keeping the newest event of each); the lists are split into their forces,
    whose first places are listed; only the events cited are read in full.
    """
    wanted = candidates(registry, only)
    ground = f"(dataset <> 'article' OR event_type IN {ON_THE_GROUND})"
    bases = {
        "withdrawal": "dataset = 'article' AND event_type = 'withdrawal'",
        "after": f"{ground} AND after",  # on or after the deadline (the summary's column)
        "ground": ground,
        "newest": "true",
        "latest_dataset": "dataset <> 'article'",
    }
    flags = ", ".join(f"({c}) AS is_{b}" for b, c in bases.items())
    picks = ", ".join(f"(max(k) FILTER (WHERE is_{b})).rid AS {b}" for b in bases)
    # The events are counted per list of forces (as its actors' bits when every curated force has one: an integer,
    # where grouping by the lists themselves costs four times as much), and per place or per basis: millions of rows
    # in, thousands out (the summary has done most of it). Each list is then split into the forces it names: by
    # bits, a force is named when any of its names' bits is set (so an event naming two of them counts once).
    by_bits = bool(wanted) and all(registry.bit.get(name) for name in _military(registry))
    day = {"deadline": deadline.date() if deadline is not None else None}
    if by_bits:
        masks = [_mask(registry, [force]) for force in wanted]
        key, named = Model.actor_bits, f"({Model.actor_bits} & {sum(masks)}) <> 0"
        split = (
            "{} JOIN (SELECT unnest($wanted::VARCHAR[]) AS force, unnest($masks::BIGINT[]) AS mask) ON key & mask <> 0"
        )
        src, params = summaries.source(FORCES, where, day)
        params = {**params, "wanted": wanted, "masks": masks}
    else:  # the summary keeps the bits, not the lists
        key, named = Model.forces, "list_has_any(forces, $wanted)"
        split = "(SELECT unnest(key) AS force, * FROM {}) WHERE list_contains($wanted, force)"
        src, params = summaries.source(FORCES, replace(where, summaries=None), day)
        params = {**params, "wanted": wanted}
    with reader.session() as db:
        summary = db.df(
            f"""WITH placed AS (SELECT {key} AS key, location, min(finest) AS geo_precision, sum(n) AS n
                                FROM {src} WHERE {named} GROUP BY ALL),
                     groups AS (SELECT force, location, min(geo_precision) AS geo_precision, sum(n) AS n
                                FROM {split.format("placed")} GROUP BY ALL),
                     based AS (SELECT {key} AS key, {flags}, max(last_reported) AS last_reported, max(k) AS k
                               FROM {src} WHERE {named} GROUP BY ALL)
                SELECT force, events, last_reported, {", ".join(bases)}, coalesce(places, 0) AS places,
                       coalesce(top, []) AS top
                FROM (SELECT force, sum(n)::BIGINT AS events FROM groups GROUP BY force)
                JOIN (SELECT force, max(last_reported) AS last_reported, {picks} FROM {split.format("based")}
                      GROUP BY force) USING (force)
                LEFT JOIN (SELECT force, count(*) AS places,  -- its first places, the most frequent first
                                  list(struct_pack(location := location, geo_precision := geo_precision, n := n)
                                       ORDER BY n DESC, location)[1:{PLACES_SHOWN}] AS top
                           FROM groups WHERE location <> '' GROUP BY force) USING (force)
                ORDER BY force""",
            params,
        )
        places = pd.DataFrame(
            [(force, *(p[c] for c in PLACE_COLUMNS), total)
             for force, top, total in zip(summary["force"], summary["top"], summary["places"])
             for p in top],
            columns=["force", *PLACE_COLUMNS, "places"],
        )  # fmt: skip
        summary = summary.drop(columns=["places", "top"])
        rowids = sorted({int(r) for b in bases for r in summary[b].dropna()})
        details = db.df(
            f"SELECT rowid AS rid, {EVENT} AS ev FROM {Model.file} WHERE rowid IN (SELECT unnest($rids::BIGINT[]))",
            {"rids": rowids},
        )
    event = dict(zip(details["rid"], details["ev"]))
    for basis in bases:  # the row id of each basis, replaced by the event itself
        summary[basis] = [event.get(int(r)) if pd.notna(r) else None for r in summary[basis]]
    return ForcesData(summary, places)


def _military(registry: Registry) -> list[str]:
    """Every curated force and intervening state (the actors an event's list of forces is made of)."""
    roles = registry.actors[Actors.military_role]
    return list(registry.actors.loc[roles.isin([FORCE_ROLE, STATE_ROLE]), Actors.name])


def _mask(registry: Registry, wanted: list[str]) -> int:
    """The bits of the wanted forces and of every actor counted as one of them."""
    return sum(registry.bit[n] for n in _military(registry) if registry.identity(n) in wanted)
