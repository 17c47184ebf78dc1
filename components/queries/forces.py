"""The foreign forces table's query: per force, the events that name it (through any of its names), and the few
that its status and evidence rest on; the table is then built from a dozen rows, whatever the number of events."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components.actors import FORCE as FORCE_ROLE
from components.actors import STATE as STATE_ROLE
from components.actors import Registry
from components.filter_types import Where
from components.queries.reader import Reader
from components.schema import Actors, Model

# Article events of these kinds report a force on the ground; every dataset event does (ACLED and UCDP code events
# where they happen, so an actor of one is active there).
ON_THE_GROUND = ("presence", "ground activity", "deadline")
PLACES_SHOWN = 5
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

    The store keeps each event's curated forces (a column derived from actors.csv). One pass counts them per force
    and place, keeping per group the row of the newest event of each basis; then, per force, the newest of those
    wins and its first places are listed; only the events cited are read in full.
    """
    wanted = candidates(registry, only)
    ground = f"(dataset <> 'article' OR event_type IN {ON_THE_GROUND})"
    bases = {
        "withdrawal": "dataset = 'article' AND event_type = 'withdrawal'",
        "after": f"{ground} AND end_date >= $deadline",
        "ground": ground,
        "newest": "true",
        "latest_dataset": "dataset <> 'article'",
    }
    picks = ", ".join(f"max_by(rid, k) FILTER (WHERE {c}) AS {b}, max(k) FILTER (WHERE {c}) AS k_{b}"
                      for b, c in bases.items())  # fmt: skip
    # An event's forces are curated actors it names: when each has a bit, the bits rule out most rows for a fraction
    # of what reading the lists costs.
    bits = [registry.bit.get(name) for name in wanted]
    prefilter = f"({Model.actor_bits} & {sum(bits)}) <> 0 AND" if wanted and all(bits) else ""
    with reader.session() as db:
        db.keep(
            "groups",
            f"""SELECT force, location, min(geo_precision) AS geo_precision, count(*) AS n,
                       max(reported) AS last_reported, {picks}
                FROM (SELECT rowid AS rid, unnest(forces) AS force, dataset, event_type, end_date, reported, location,
                             geo_precision, (reported - DATE '1970-01-01') * 100000
                             + (end_date - DATE '1970-01-01') AS k  -- newest report, then latest day
                      FROM {Model.file} WHERE {where} AND {prefilter} list_has_any(forces, $wanted))
                WHERE list_contains($wanted, force) GROUP BY ALL""",
            where.bind(wanted=wanted, deadline=deadline.date() if deadline is not None else None),
        )
        chosen = ", ".join(f"arg_max({b}, k_{b}) AS {b}" for b in bases)
        summary = db.df(
            f"SELECT force, sum(n)::BIGINT AS events, max(last_reported) AS last_reported, {chosen} FROM groups "
            "GROUP BY force"
        )
        places = db.df(
            f"""SELECT force, location, geo_precision, n, count(*) OVER (PARTITION BY force) AS places FROM groups
                WHERE location <> '' QUALIFY row_number() OVER (PARTITION BY force ORDER BY n DESC, location)
                <= {PLACES_SHOWN} ORDER BY force, n DESC, location"""
        )
        rowids = sorted({int(r) for b in bases for r in summary[b].dropna()})
        details = db.df(
            f"SELECT rowid AS rid, {EVENT} AS ev FROM {Model.file} WHERE rowid IN (SELECT unnest($rids::BIGINT[]))",
            {"rids": rowids},
        )
    event = dict(zip(details["rid"], details["ev"]))
    for basis in bases:  # the row id of each basis, replaced by the event itself
        summary[basis] = [event.get(int(r)) if pd.notna(r) else None for r in summary[basis]]
    return ForcesData(summary, places)
