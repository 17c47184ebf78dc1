"""The foreign forces table: who is present, where, for whom, their status at the deadline, and the evidence.

The store gathers, per force, the events that name it (through any of its names), and the few that the status and
the evidence rest on; the table is then built from a dozen rows, whatever the number of events.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import dates, evidence, legend
from components.actors import FORCE as FORCE_ROLE
from components.actors import STATE as STATE_ROLE
from components.actors import Registry
from components.dates import Anchors
from components.filters import Where
from components.schema import Actors, Model, Places

FORCE, KIND, SPONSOR, SIDE = "Force", "Kind", "Sponsor state", "Supports (Libyan side)"
WHERE, STATUS, AS_OF, EVIDENCE = "Where", "Status at the withdrawal deadline", "Last reported", "Evidence"
LATEST = "Latest dataset report"
COLUMNS = [FORCE, KIND, SPONSOR, SIDE, WHERE, STATUS, AS_OF, EVIDENCE, LATEST]
NAMED_STATE = "state named as intervening"

NOT_WITHDRAWN = "not withdrawn"
BEFORE_ONLY = "present before the deadline; no later report"
WITHDRAWN = "withdrawal reported"
NOT_REPORTED = "no presence reported"
NO_DEADLINE = "no withdrawal deadline in the data"
PRESENT = (NOT_WITHDRAWN, BEFORE_ONLY)
# Article events of these kinds report a force on the ground; every dataset event does (ACLED and UCDP code events
# where they happen, so an actor of one is active there).
ON_THE_GROUND = ("presence", "ground activity", "deadline")
NOWHERE = "no location in the sources"
NO_DATASET = "none in the datasets"
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


def forces_data(store: object, where: Where, registry: Registry, only: set[str] | None, deadline: object) -> ForcesData:
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
    condition, named = where.with_names()  # the filters' $name parameters, next to this query's own
    # An event's forces are curated actors it names: when each has a bit, the bits rule out most rows for a fraction
    # of what reading the lists costs.
    bits = [registry.bit.get(name) for name in wanted]
    prefilter = f"({Model.actor_bits} & {sum(bits)}) <> 0 AND" if wanted and all(bits) else ""
    with store.session() as cursor:
        cursor.execute(
            f"""CREATE OR REPLACE TEMP TABLE groups AS
                SELECT force, location, min(geo_precision) AS geo_precision, count(*) AS n,
                       max(reported) AS last_reported, {picks}
                FROM (SELECT rowid AS rid, unnest(forces) AS force, dataset, event_type, end_date, reported, location,
                             geo_precision, (reported - DATE '1970-01-01') * 100000
                             + (end_date - DATE '1970-01-01') AS k  -- newest report, then latest day
                      FROM {Model.file} WHERE {condition} AND {prefilter} list_has_any(forces, $wanted))
                WHERE list_contains($wanted, force) GROUP BY ALL""",
            _joined(named, {"wanted": wanted, "deadline": deadline.date() if deadline is not None else None}),
        )
        chosen = ", ".join(f"arg_max({b}, k_{b}) AS {b}" for b in bases)
        summary = cursor.execute(
            f"SELECT force, sum(n)::BIGINT AS events, max(last_reported) AS last_reported, {chosen} FROM groups "
            "GROUP BY force"
        ).df()
        places = cursor.execute(
            f"""SELECT force, location, geo_precision, n, count(*) OVER (PARTITION BY force) AS places FROM groups
                WHERE location <> '' QUALIFY row_number() OVER (PARTITION BY force ORDER BY n DESC, location)
                <= {PLACES_SHOWN} ORDER BY force, n DESC, location"""
        ).df()
        rowids = sorted({int(r) for b in bases for r in summary[b].dropna()})
        details = cursor.execute(
            f"SELECT rowid AS rid, {EVENT} AS ev FROM {Model.file} WHERE rowid IN (SELECT unnest(?::BIGINT[]))",
            [rowids],
        ).df()
    event = dict(zip(details["rid"], details["ev"]))
    for basis in bases:  # the row id of each basis, replaced by the event itself
        summary[basis] = [event.get(int(r)) if pd.notna(r) else None for r in summary[basis]]
    return ForcesData(summary, places)


def _joined(filters: dict, own: dict) -> dict:
    """The filters' named parameters and this query's: a filter named like one of ours would change its meaning."""
    if clash := filters.keys() & own.keys():
        raise ValueError(f"a filter's parameter has the name of one of the query's: {sorted(clash)}")
    return {**filters, **own}


def _where(places: pd.DataFrame, country_wide: set[str]) -> str:
    """The places of a force's events, as precisely as the events give them, the most frequent first."""
    total = int(places["places"].max()) if len(places) else 0
    found = []
    for place, precision in zip(places[Model.location], places[Model.geo_precision]):
        if place in country_wide:
            found.append(f"{place} (country-wide)")
        elif precision == 2:
            found.append(f"near {place}")
        elif precision == 3:
            found.append(f"{place} (area)")
        else:
            found.append(place)
    found = list(dict.fromkeys(found))
    more = f"; and {dates.plural(total - len(places), 'more place')}" if total > len(places) else ""
    return "; ".join(found) + more if found else NOWHERE


def _status(row: pd.Series, anchors: Anchors) -> tuple[str, dict]:
    """Status against the deadline, and the event it rests on."""
    if anchors.deadline is None:
        return NO_DEADLINE, row["newest"]
    for status, basis in ((WITHDRAWN, "withdrawal"), (NOT_WITHDRAWN, "after"), (BEFORE_ONLY, "ground")):
        if isinstance(row[basis], dict):
            return status, row[basis]
    return NOT_REPORTED, row["newest"]


def _cite(event: dict) -> str:
    """An event's evidence with where it was read: the quote, or the dataset's text, and the id."""
    if event["dataset"] == "article":
        return f"{evidence.words(event['evidence'], event['kind'])} — {event['source']}, " \
               f"{dates.day(pd.Timestamp(event['reported']))} ({event['id']})"  # fmt: skip
    where = f", {event['location']}" if event["location"] else ""
    return (
        f"{event['dataset']} {event['id']}, {dates.label(event['start'], event['stop'], event['basis'])}{where}: "
        f"{evidence.words(event['evidence'], event['kind'])} ({event['source_file']} line {event['line']})"
    )


def build_forces(data: ForcesData, registry: Registry, places: pd.DataFrame, anchors: Anchors) -> pd.DataFrame:
    """One row per foreign force named in the events, and per intervening state none of whose forces is named."""
    found = data.summary.set_index("force")
    actors = {a[Actors.name]: a for a in registry.actors.to_dict("records")}
    named = [a for a in actors.values() if a[Actors.name] in found.index]
    forces = [a for a in named if a[Actors.military_role] == FORCE_ROLE]
    with_forces = {a[Actors.sponsor] for a in forces}
    states = [a for a in named if a[Actors.military_role] == STATE_ROLE and a[Actors.name] not in with_forces]
    country_wide = set(places.loc[places[Places.precision] == "country", Places.name])
    order = {state: i for i, state in enumerate(legend.states(registry.actors))}
    rows = []
    for actor in forces + states:
        name, sponsor = actor[Actors.name], actor[Actors.sponsor]
        row = found.loc[name]
        status, basis = _status(row, anchors)
        backer_side = actors.get(sponsor, {}).get(Actors.supports)
        side = actor[Actors.supports] or (f"{backer_side} (through {sponsor})" if backer_side else "not stated")
        is_state = actor[Actors.military_role] == STATE_ROLE
        latest = row["latest_dataset"]
        rows.append(
            {
                FORCE: name,
                KIND: NAMED_STATE if is_state else actor[Actors.kind],
                SPONSOR: sponsor or ("—" if is_state else "not stated"),
                SIDE: side,
                WHERE: _where(data.places[data.places["force"] == name], country_wide),
                STATUS: status,
                AS_OF: dates.day(pd.Timestamp(row["last_reported"])),
                EVIDENCE: _cite(basis),
                LATEST: _cite(latest) if isinstance(latest, dict) else NO_DATASET,
                "_order": (order.get(sponsor or name, len(order)), name),
            }
        )
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    return pd.DataFrame(rows).sort_values("_order").drop(columns="_order").reset_index(drop=True)


def present_count(forces: pd.DataFrame) -> int:
    """How many rows the sources place in Libya and do not report withdrawn."""
    return int(forces[STATUS].isin(PRESENT).sum())
