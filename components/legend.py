"""Which foreign state stands behind each event, and one colour per state shared by every chart."""

from __future__ import annotations

import pandas as pd

from components.filters import named_actors
from components.schema import Actors

NONE = "No foreign force named"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
GREY = "#6b6b6b"


def states(actors: pd.DataFrame) -> list[str]:
    """Foreign states with a military role, in registry order (so colours never shift with filters)."""
    involved = actors[Actors.foreign] & (actors[Actors.military_role] != "")
    named = actors.loc[involved, Actors.sponsor].where(actors[Actors.sponsor] != "", actors[Actors.name])
    return list(dict.fromkeys(named))


def colours(actors: pd.DataFrame) -> dict[str, str]:
    """Colour of each foreign state, and grey for events with none."""
    return {state: PALETTE[i % len(PALETTE)] for i, state in enumerate(states(actors))} | {NONE: GREY}


def backers(events: pd.DataFrame, actors: pd.DataFrame) -> pd.Series:
    """For each event, the foreign state behind the first force or intervening state it names."""
    role = dict(zip(actors[Actors.name], actors[Actors.military_role]))
    state = {name: sponsor or name for name, sponsor in zip(actors[Actors.name], actors[Actors.sponsor])}

    def backer(names: list[str]) -> str:
        """The first force, else the first intervening state, of one event."""
        for wanted in ("force", "intervening state"):
            for name in names:
                if role.get(name) == wanted:
                    return state[name]
        return NONE

    return pd.Series([backer(names) for names in named_actors(events)], index=events.index, dtype=object)


def legend_label(state: str, actors: pd.DataFrame) -> str:
    """'Russia and its forces' where the state sponsors forces, else the state's name."""
    sponsors = set(actors.loc[actors[Actors.military_role] == "force", Actors.sponsor])
    return f"{state} and its forces" if state in sponsors else state


HOVER_EVENTS = 5  # events listed in full in one mark's hover; the rest are counted
MAX_MARKER = 40  # pixels: a mark for many events stays a mark, not a blot over the map


def marker_size(count: int, base: float, step: float) -> float:
    """Size of a mark for `count` events: grows with the count, never past MAX_MARKER."""
    return min(base + step * (count - 1), MAX_MARKER)


def more(hidden: int) -> str:
    """The end of a hover that lists only the first events: 'and 12 more'."""
    return f"<br><br><i>and {hidden:,} more</i>" if hidden > 0 else ""
