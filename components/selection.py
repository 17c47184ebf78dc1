"""Everything one view shows, computed once from the dataset and the chosen filters (page, briefing and CLI)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from components import dates, filters, forces, headline
from components.dates import Anchors
from components.filters import Filters, Options
from components.headline import Context
from components.loader import Dataset


@dataclass(frozen=True)
class Selection:
    """The filtered events and what every view derives from them."""

    filters: Filters
    options: Options
    anchors: Anchors
    events: pd.DataFrame
    forces: pd.DataFrame
    ctx: Context


def select(dataset: Dataset, chosen: Filters, options: Options) -> Selection:
    """Apply the filters and derive the forces table and the context every chart states."""
    anchors = dates.anchors(dataset.events)  # from all events: the deadline stays drawn whatever the filters
    shown = filters.apply(dataset.events, dataset.places, chosen, options)
    table = forces.build_forces(shown, dataset.actors, dataset.places, anchors, filters.focus(chosen, options))
    ctx = headline.context(dataset.sources, anchors, filters.describe(chosen, options))
    return Selection(chosen, options, anchors, shown, table, ctx)
