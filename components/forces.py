"""The foreign forces table: who is present, where, for whom, their status at the deadline, and the evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import dates, legend
from components.dates import Anchors
from components.filters import event_actors
from components.schema import GEO_PRECISION, REPORTED, Actors, Events, Places
from components.tables import render_table

FORCE, KIND, SPONSOR, SIDE = "Force", "Kind", "Sponsor state", "Supports (Libyan side)"
WHERE, STATUS, AS_OF, EVIDENCE = "Where", "Status at the withdrawal deadline", "Last reported", "Evidence"
COLUMNS = [FORCE, KIND, SPONSOR, SIDE, WHERE, STATUS, AS_OF, EVIDENCE]
NAMED_STATE = "state named as intervening"

NOT_WITHDRAWN = "not withdrawn"
BEFORE_ONLY = "present before the deadline; no later report"
WITHDRAWN = "withdrawal reported"
NOT_REPORTED = "no presence reported"
NO_DEADLINE = "no withdrawal deadline in the data"
PRESENT = (NOT_WITHDRAWN, BEFORE_ONLY)
ON_THE_GROUND = ("presence", "ground activity", "deadline")  # kinds that report a force in Libya
NOWHERE = "no location in the sources"


Record = dict  # one event as a plain dict: the table is built row by row, which pandas would only slow down


def _where(own: list[Record], country_wide: set[str]) -> str:
    """The places of these events, as precisely as the events give them."""
    found = []
    for event in own:
        place, precision = event[Events.location], event[Events.geo_precision]
        if not place:
            continue
        if place in country_wide:
            found.append(f"{place} (country-wide)")
        elif precision == 2:
            found.append(f"near {place}")
        elif precision == 3:
            found.append(f"{place} (area)")
        else:
            found.append(place)
    return "; ".join(dict.fromkeys(found)) or NOWHERE


def _status(own: list[Record], anchors: Anchors) -> tuple[str, list[Record]]:
    """Status against the deadline, and the events it rests on (newest first)."""
    newest = sorted(own, key=lambda e: (e[REPORTED], e[Events.event_date]), reverse=True)
    if anchors.deadline is None:
        return NO_DEADLINE, newest
    withdrawn = [e for e in newest if e[Events.event_kind] == "withdrawal"]
    if withdrawn:
        return WITHDRAWN, withdrawn
    ground = [e for e in newest if e[Events.event_kind] in ON_THE_GROUND]
    after = [e for e in ground if e["_end"] >= anchors.deadline]
    if after:
        return NOT_WITHDRAWN, after
    if ground:
        return BEFORE_ONLY, ground
    return NOT_REPORTED, newest


def build_forces(
    events: pd.DataFrame, actors: pd.DataFrame, places: pd.DataFrame, anchors: Anchors, only: set[str] | None = None
) -> pd.DataFrame:
    """One row per foreign force named in these events, and per intervening state none of whose forces is named.

    `only`, when given, limits the rows to those actors (the actor filter with the forces it includes).
    """
    named = event_actors(events).tolist()
    mentioned = set().union(*named) if named else set()
    if only is not None:
        mentioned &= only
    registry = {a[Actors.name]: a for a in actors.to_dict("records")}
    foreign = [a for a in registry.values() if a[Actors.foreign] and a[Actors.name] in mentioned]
    forces = [a for a in foreign if a[Actors.military_role] == "force"]
    with_forces = {a[Actors.sponsor] for a in forces}
    states = [
        a for a in foreign if a[Actors.military_role] == "intervening state" and a[Actors.name] not in with_forces
    ]
    records = events.assign(_end=dates.ends(events)).to_dict("records")
    country_wide = set(places.loc[places[Places.precision] == "country", Places.name])
    order = {state: i for i, state in enumerate(legend.states(actors))}
    rows = []
    for actor in forces + states:
        name, sponsor = actor[Actors.name], actor[Actors.sponsor]
        own = [event for event, names in zip(records, named) if name in names]
        status, basis = _status(own, anchors)
        evidence = basis[0]
        backer_side = registry.get(sponsor, {}).get(Actors.supports)
        side = actor[Actors.supports] or (f"{backer_side} (through {sponsor})" if backer_side else "not stated")
        is_state = actor[Actors.military_role] == "intervening state"
        rows.append(
            {
                FORCE: name,
                KIND: NAMED_STATE if is_state else actor[Actors.kind],
                SPONSOR: sponsor or ("—" if is_state else "not stated"),
                SIDE: side,
                WHERE: _where(own, country_wide),
                STATUS: status,
                AS_OF: dates.day(max(e[REPORTED] for e in own)),
                EVIDENCE: f"“{evidence[Events.quote]}” — {evidence[Events.source]}, "
                f"{dates.day(evidence[REPORTED])} ({evidence[Events.event_id_cnty]})",
                "_order": (order.get(sponsor or name, len(order)), name),
            }
        )
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    return pd.DataFrame(rows).sort_values("_order").drop(columns="_order").reset_index(drop=True)


def present_count(forces: pd.DataFrame) -> int:
    """How many rows the sources place in Libya and do not report withdrawn."""
    return int(forces[STATUS].isin(PRESENT).sum())


def render_forces(forces: pd.DataFrame) -> None:
    """Draw the table with Streamlit."""
    st.subheader("Foreign forces")
    if forces.empty:
        st.info("No foreign force is named in the events that match the filters.")
        return
    render_table(forces, "forces")
    st.caption(
        f"Status compares the latest report with the withdrawal deadline. Where: {GEO_PRECISION[2]} reads 'near'; "
        "'(area)' is a larger region mapped at one point."
    )
