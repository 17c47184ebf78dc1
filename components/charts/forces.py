"""The foreign forces table: who is present, where, for whom, their status at the deadline, and the evidence."""

from __future__ import annotations

import pandas as pd

from components import dates, evidence, legend
from components.actors import FORCE as FORCE_ROLE
from components.actors import STATE as STATE_ROLE
from components.actors import Registry
from components.dates import Anchors
from components.queries.forces import ForcesData
from components.schema import Actors, Model, Places

FORCE, KIND, SPONSOR, SIDE = "Force", "Kind", "Sponsor state", "Supports (Libyan side)"
WHERE, STATUS, AS_OF, EVIDENCE = "Where", "Status at the withdrawal deadline", "Last reported", "Evidence"
LATEST, ALSO = "Latest dataset report", "Also reported as"
COLUMNS = [FORCE, ALSO, KIND, SPONSOR, SIDE, WHERE, STATUS, AS_OF, EVIDENCE, LATEST]
NAMED_STATE = "state named as intervening"

NOT_WITHDRAWN = "not withdrawn"
BEFORE_ONLY = "present before the deadline; no later report"
WITHDRAWN = "withdrawal reported"
NOT_REPORTED = "no presence reported"
NO_DEADLINE = "no withdrawal deadline in the data"
PRESENT = (NOT_WITHDRAWN, BEFORE_ONLY)
NOWHERE = "no location in the sources"
LIST_JOIN = "; "
NO_DATASET = "none in the datasets"


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


def _links(members: list[str], actors: dict[str, dict]) -> str:
    """The source's words that link each actor counted as a force to it, for the force's evidence."""
    return "".join(f" · Counted with {m}: “{actors[m][Actors.part_of_quote]}”" for m in members)


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
                ALSO: LIST_JOIN.join(registry.members(name)),
                KIND: NAMED_STATE if is_state else actor[Actors.kind],
                SPONSOR: sponsor or ("—" if is_state else "not stated"),
                SIDE: side,
                WHERE: _where(data.places[data.places["force"] == name], country_wide),
                STATUS: status,
                AS_OF: dates.day(pd.Timestamp(row["last_reported"])),
                EVIDENCE: _cite(basis) + _links(registry.members(name), actors),
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


def counted_once(forces: pd.DataFrame) -> str:
    """How the count treats forces the sources link: 'Russian mercenaries counted as Wagner Group, as the source
    says', or '' when no row counts another actor."""
    linked = forces[forces[ALSO] != ""]
    said = [f"{also.replace(LIST_JOIN, ' and ')} counted as {name}" for name, also in zip(linked[FORCE], linked[ALSO])]
    return "; ".join(said) + ", as the source says" if said else ""
