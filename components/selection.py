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


@dataclass(frozen=True)
class Prepared:
    """The dataset with what does not depend on the filters: computed once per version of the data."""

    dataset: Dataset
    options: Options
    anchors: Anchors


def prepare(dataset: Dataset) -> Prepared:
    """The filter options, and the anchors from all events: the deadline stays drawn whatever the filters."""
    return Prepared(dataset, filters.options(dataset.events, dataset.actors), dates.anchors(dataset.events))


def select(prepared: Prepared, chosen: Filters) -> Selection:
    """Apply the filters and derive the forces table and the context every chart states."""
    data, options, anchors = prepared.dataset, prepared.options, prepared.anchors
    shown = filters.apply(data.events, data.places, chosen, options)
    table = forces.build_forces(shown, data.actors, data.places, anchors, filters.focus(chosen, options))
    ctx = headline.context(data.sources, anchors, filters.describe(chosen, options), filters.widen(chosen))
    return Selection(chosen, options, anchors, shown, table, ctx)
