"""The foreign forces table: who is present, where, for whom, their status at the deadline, and the evidence."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import dates, legend
from components.dates import Anchors
from components.filters import event_actors
from components.schema import GEO_PRECISION, REPORTED, Actors, Events, Places

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


def _where(events: pd.DataFrame, places: pd.DataFrame) -> str:
    """The places of these events, as precisely as the events give them."""
    country_wide = set(places.loc[places[Places.precision] == "country", Places.name])
    found = []
    for place, precision in zip(events[Events.location], events[Events.geo_precision]):
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


def _status(events: pd.DataFrame, anchors: Anchors) -> tuple[str, pd.DataFrame]:
    """Status against the deadline, and the events it rests on (newest first)."""
    newest = events.sort_values([REPORTED, Events.event_date], ascending=False)
    if anchors.deadline is None:
        return NO_DEADLINE, newest
    withdrawn = newest[newest[Events.event_kind] == "withdrawal"]
    if len(withdrawn):
        return WITHDRAWN, withdrawn
    ground = newest[newest[Events.event_kind].isin(ON_THE_GROUND)]
    after = ground[dates.ends(ground) >= anchors.deadline]
    if len(after):
        return NOT_WITHDRAWN, after
    if len(ground):
        return BEFORE_ONLY, ground
    return NOT_REPORTED, newest


def build_forces(
    events: pd.DataFrame, actors: pd.DataFrame, places: pd.DataFrame, anchors: Anchors, only: set[str] | None = None
) -> pd.DataFrame:
    """One row per foreign force named in these events, and per intervening state none of whose forces is named.

    `only`, when given, limits the rows to those actors (the actor filter with the forces it includes).
    """
    registry = actors.set_index(Actors.name)
    named = event_actors(events)
    mentioned = set().union(*named) if len(named) else set()
    foreign = actors[actors[Actors.foreign] & actors[Actors.name].isin(mentioned if only is None else mentioned & only)]
    forces = foreign[foreign[Actors.military_role] == "force"]
    with_forces = set(forces[Actors.sponsor])
    states = foreign[(foreign[Actors.military_role] == "intervening state") & ~foreign[Actors.name].isin(with_forces)]
    order = {state: i for i, state in enumerate(legend.states(actors))}
    rows = []
    for actor in pd.concat([forces, states]).itertuples(index=False):
        name = getattr(actor, Actors.name)
        own = events[named.map(lambda names, name=name: name in names)]
        status, basis = _status(own, anchors)
        evidence = basis.iloc[0]
        sponsor = getattr(actor, Actors.sponsor)
        side = getattr(actor, Actors.supports) or (
            f"{registry.at[sponsor, Actors.supports]} (through {sponsor})"
            if sponsor in registry.index and registry.at[sponsor, Actors.supports]
            else "not stated"
        )
        is_state = getattr(actor, Actors.military_role) == "intervening state"
        rows.append(
            {
                FORCE: name,
                KIND: NAMED_STATE if is_state else getattr(actor, Actors.kind),
                SPONSOR: sponsor or ("—" if is_state else "not stated"),
                SIDE: side,
                WHERE: _where(own, places),
                STATUS: status,
                AS_OF: dates.day(own[REPORTED].max()),
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
    st.table(forces.set_index(FORCE))
    st.caption(
        f"Status compares the latest report with the withdrawal deadline. Where: {GEO_PRECISION[2]} reads 'near'; "
        "'(area)' is a larger region mapped at one point."
    )
