"""The views' summaries (components/queries/summaries.py): the store builds them with each generation, the views
read them when the filters allow, and what they draw is the same as from the events themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest
import realshaped

from components import filters, snapshot
from components.filter_types import ALL, Filters
from components.queries import forces, places, summaries, timeline

VIEWS = {
    "default": Filters(),
    "turkey": Filters(actors=("Turkey",)),
    "battles": Filters(types=("Battles",)),
    "every country": Filters(countries=()),
    "every country, every event": Filters(countries=(), extent=ALL),
    "acled": Filters(datasets=("ACLED",)),
    "tunisia, protests": Filters(countries=("Tunisia",), types=("Protests",)),
}


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The article's data with the real-shaped multi-country export imported (tests/realshaped.py)."""
    return realshaped.big(tmp_path_factory.mktemp("big"))


def same(one: object, other: object) -> bool:
    """Two views' data alike, field by field (frames compared whatever their row order)."""
    for name, value in vars(one).items():
        theirs = getattr(other, name)
        if isinstance(value, pd.DataFrame):
            ordered = [v.astype(str).sort_values(list(v.columns)).reset_index(drop=True) for v in (value, theirs)]
            if not ordered[0].equals(ordered[1]):
                return False
        elif value != theirs:
            return False
    return True


def views(prepared: snapshot.Prepared, where: filters.Where, chosen: Filters) -> tuple[object, object, object]:
    """The map's, the timeline's and the forces table's data for a condition."""
    store, shown = prepared.store, prepared.options.countries_of(chosen) or tuple(prepared.options.countries)
    return (
        places.map_data(store, where, shown, prepared.anchor_places),
        timeline.timeline_data(store, where, prepared.anchors, chosen.extent),
        forces.forces_data(store, where, prepared.registry, None, prepared.anchors.deadline),
    )


def test_the_store_builds_the_summaries_with_the_anchors_they_depend_on(big):
    """Every generation has them, recorded with the timeline's window and the deadline the page computes; every
    current event is counted once in the map's and the timeline's, and once per list of forces in the forces'."""
    window = big.anchors.ceasefire_start - pd.Timedelta(days=7), big.anchors.latest_report + pd.Timedelta(days=7)
    assert big.summaries == {"first_day": window[0].date(), "last_day": window[1].date(),
                             "deadline": big.anchors.deadline.date()}  # fmt: skip
    current = big.store.value("SELECT count(*) FROM events WHERE current")
    with_forces = big.store.value("SELECT count(*) FROM events WHERE current AND actor_bits <> 0")
    assert current > 3000
    assert big.store.value(f"SELECT sum(n) FROM {summaries.MAP.table}") == current
    assert big.store.value(f"SELECT sum(n) FROM {summaries.TIMELINE.table}") == current
    assert big.store.value(f"SELECT sum(n) FROM {summaries.FORCES.table} WHERE actor_bits <> 0") == with_forces


@pytest.mark.parametrize("chosen", VIEWS.values(), ids=VIEWS.keys())
def test_each_view_draws_the_same_from_its_summary_as_from_the_events(big, chosen):
    """Map, timeline and forces table alike, read from the summaries or from the events, for filters the summaries
    serve; and the summaries are what the selection reads."""
    where = filters.where(chosen, big.options, big.registry, big.names)
    assert where.summable
    summarised = replace(where, summaries=big.summaries)
    assert summaries.source(summaries.MAP, summarised)[0].startswith(f"(SELECT * FROM {summaries.MAP.table}")
    for raw, read in zip(views(big, where, chosen), views(big, summarised, chosen)):
        assert same(raw, read), type(raw).__name__


@pytest.mark.parametrize(
    "chosen",
    [Filters(places=("Sirte",)), Filters(places=("Sirte",), radius_km=50.0), Filters(start=dt.date(2020, 6, 1)),
     Filters(as_of=dt.date(2020, 12, 1)), Filters(actors=("Turkey",), types=("Battles",), end=dt.date(2020, 9, 1))],
    ids=["place", "radius", "from", "as of", "with a day"],
)  # fmt: skip
def test_filters_on_other_columns_read_the_events(big, chosen):
    """A place, a distance, a day or a version as of a day are not in the summaries: the views read the events."""
    assert not filters.where(chosen, big.options, big.registry, big.names).summable


def test_a_summary_built_with_other_anchors_is_not_read(big):
    """A window or a deadline other than the summaries': the timeline and the forces table read the events; the
    timeline of every event (no window) and the map still read theirs."""
    where = filters.where(Filters(), big.options, big.registry, big.names)
    other = replace(where, summaries={**big.summaries, "first_day": dt.date(2020, 1, 1), "deadline": None})
    wanted = {"first_day": big.summaries["first_day"], "last_day": big.summaries["last_day"]}
    assert summaries.source(summaries.TIMELINE, other, wanted)[0].startswith("(SELECT *, ")
    assert summaries.source(summaries.TIMELINE, other, wanted, reads=())[0].startswith("(SELECT * FROM summary")
    assert summaries.source(summaries.FORCES, other, {"deadline": big.summaries["deadline"]})[0].startswith(
        "(SELECT *, "
    )
    assert summaries.source(summaries.MAP, other)[0].startswith("(SELECT * FROM summary")


def test_the_selection_reads_the_summaries_and_draws_what_the_events_give(big):
    """snapshot.select sets the summaries on a condition they serve; the headline counts agree with the events."""
    shown = snapshot.select(big, Filters())
    assert shown.where.summaries == big.summaries
    assert shown.total == big.store.value(f"SELECT count(*) FROM events WHERE {shown.where}", shown.where.params)
    narrowed = snapshot.select(big, Filters(places=("Sirte",), radius_km=50.0))
    assert narrowed.where.summaries is None and narrowed.total > 0
