"""One colour per foreign state, shared by every chart, and how marks encode counts."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd

from components import text
from components.schema import Actors, Model

NONE = "No foreign force named"
# Okabe-Ito: distinguishable with the common colour-vision deficiencies, and in greyscale print.
PALETTE = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442")
GREY = "#6b6b6b"


def states(actors: pd.DataFrame) -> list[str]:
    """Foreign states with a military role, then the other foreign states (the United States, which speaks), in
    registry order (so colours never shift with filters): every state an event's backer can be (actors.backer)."""
    involved = actors[Actors.foreign] & (actors[Actors.military_role] != "")
    named = actors.loc[involved, Actors.sponsor].where(actors[Actors.sponsor] != "", actors[Actors.name])
    speaking = actors.loc[actors[Actors.foreign] & (actors[Actors.kind] == "state"), Actors.name]
    return list(dict.fromkeys([*named, *speaking]))


def colours(actors: pd.DataFrame) -> dict[str, str]:
    """Colour of each foreign state, in legend order, then grey for events with none (their backer is empty)."""
    return {state: PALETTE[i % len(PALETTE)] for i, state in enumerate(states(actors))} | {"": GREY}


def legend_label(state: str, actors: pd.DataFrame) -> str:
    """'Russia and its forces' where the state sponsors forces, else the state's name; NONE for no state."""
    sponsors = set(actors.loc[actors[Actors.military_role] == "force", Actors.sponsor]) - {""}  # a force may have none
    return f"{state} and its forces" if state in sponsors else state or NONE


HOVER_EVENTS = 5  # events listed in full in one mark's hover; the rest are counted
MAX_MARKER = 40  # pixels: a mark for many events stays a mark, not a blot over the map


def marker_size(count: int, base: float, step: float) -> float:
    """Size of a mark for `count` events: grows with the count, never past MAX_MARKER."""
    return min(base + step * (count - 1), MAX_MARKER)


def place_size(count: int) -> float:
    """Size of a place's mark on the map: grows with the order of magnitude of its events (1 event 14 px, 10 about
    22 px, 100 about 30 px), so that neighbouring places of a busy area stay apart rather than merge into a blot."""
    return min(14.0 + 8.0 * math.log10(max(count, 1)), MAX_MARKER)


def more(hidden: int) -> str:
    """The end of a hover that lists only the first events: 'and 12 more'."""
    return f"<br><br><i>and {hidden:,} more</i>" if hidden > 0 else ""


def count_size(count: int, base: float = 4.0) -> float:
    """Size of a grid cell's mark: grows with the order of magnitude of its count (1 event 4 px, 10 000 about 24 px),
    so that neighbouring cells of a busy city stay apart instead of merging into one blot."""
    return min(base + 5.0 * math.log10(max(count, 1)), MAX_MARKER)


@dataclass(frozen=True)
class Key:
    """The legend of one registry's actors: each state's colour, label (as plotly text) and rank, in drawing order."""

    colours: dict[str, str]
    labels: dict[str, str]
    ranks: dict[str, int]


_LAST: tuple[pd.DataFrame | None, Key | None] = (None, None)  # the registry's actors a rerun draws with, and its key


def key(actors: pd.DataFrame) -> Key:
    """The legend of the registry's actors: worked out once per registry (every chart of every rerun asks for it)."""
    global _LAST
    seen, found = _LAST  # one read: another session's thread may replace it meanwhile
    if seen is actors and found is not None:
        return found
    palette = colours(actors)
    ranks = {backer: rank for rank, backer in enumerate([b for b in palette if b], start=1)} | {"": len(palette)}
    found = Key(palette, {b: text.plot(legend_label(b, actors)) for b in palette}, ranks)
    _LAST = (actors, found)
    return found


def per_state_rows(backers: pd.Series, actors: pd.DataFrame) -> Iterator[tuple[str, str, str, np.ndarray, int]]:
    """Each foreign state (and 'none named') that marks are of, in drawing order: 'none named' first, so that every
    foreign force is drawn above it. Each with its label as plotly text, its colour, its marks' positions and its
    legend rank (the legend lists the states first, in registry order, then 'none named')."""
    legend = key(actors)
    rows = backers.groupby(backers.to_numpy(), sort=False).indices  # each state's positions, in one pass
    for backer in sorted((b for b in legend.colours if b in rows), key=lambda b: b != ""):
        yield backer, legend.labels[backer], legend.colours[backer], rows[backer], legend.ranks[backer]


def per_state(marks: pd.DataFrame, actors: pd.DataFrame) -> Iterator[tuple[str, str, str, pd.DataFrame, int]]:
    """per_state_rows, with each state's marks."""
    for backer, name, colour, rows, rank in per_state_rows(marks[Model.backer], actors):
        yield backer, name, colour, marks.take(rows), rank
