"""Many events: the views draw aggregates whose counts add up, keep the precision rules, fold the smallest lanes into
one; an export of a million rows holds a batch at a time. The files are synthetic (tests/generate.py, seeded)."""

import datetime as dt
import tracemalloc

import pytest
from builders import shipped, store_of
from generate import write

from components import exports, filter_types, filters, snapshot
from components.filter_types import Filters
from components.queries import timeline as timeline_query


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The article's events and 200,000 synthetic ACLED events, prepared."""
    root = tmp_path_factory.mktemp("many")
    store = store_of(*shipped(root), root)
    store.import_file(write(root / "acled-200k.csv", 200_000, seed=3))
    return snapshot.prepare(store)


def test_map_marks_add_up_to_the_events_shown(many):
    """Aggregated marks and the events with no single point (or beyond the map) count every filtered event once."""
    view = snapshot.select(many, Filters(countries=()))
    drawn = view.map
    assert drawn.aggregated and len(drawn.marks) <= 5400  # a 0.25° grid over Libya, not one mark per event
    on_map = int(drawn.marks["n"].sum())
    assert on_map + sum(n for _, n in drawn.unmapped) == view.total == 200_011


@pytest.mark.parametrize("extent", [filter_types.ALL, filter_types.WINDOW])
def test_timeline_marks_add_up_and_the_rest_are_outside(many, extent):
    """Every event is in one mark, or outside the window and counted as such."""
    view = snapshot.select(many, Filters(extent=extent))
    assert int(view.timeline.marks["n"].sum()) + view.timeline.hidden == view.total


def test_no_event_is_counted_finer_than_its_precision(many):
    """A counted bin holds only events known to within it: no month-precision event in a week, none on a day."""
    view = snapshot.select(many, Filters(start=dt.date(2020, 1, 1), end=dt.date(2021, 6, 30), extent=filter_types.ALL))
    lanes = view.timeline
    assert lanes.unit == "week"
    marks = lanes.marks
    counted = marks[marks["counted"]]
    assert len(counted) and ((counted["stop"] - counted["start"]).dt.days == 6).all()  # Monday to Sunday
    fits = many.store.value(
        f"""SELECT count(*) FROM events WHERE {view.where} AND precision = 'month'
            AND date_trunc('week', start_date) = date_trunc('week', end_date)""",
        view.where.params,
    )
    assert fits == 0  # a month never lies within a week: so no month is counted in a week's bin
    points = marks[~marks["counted"] & (marks["start"] == marks["stop"])]
    assert int(points["n"].sum()) <= many.store.value(
        f"SELECT count(*) FROM events WHERE {view.where} AND precision = 'day'", view.where.params
    )
    months = marks[~marks["counted"] & ((marks["stop"] - marks["start"]).dt.days >= 27)]
    assert len(months)  # the months are drawn over their month


def test_the_smallest_lanes_share_one(many):
    """At most LANES actors have a lane of their own; 'Others' holds exactly the rest of the events."""
    view = snapshot.select(many, Filters(extent=filter_types.ALL))
    lanes = view.timeline
    assert len(lanes.lanes) <= timeline_query.LANES + 1 and lanes.folded > 0
    shared = timeline_query.others(lanes.folded)
    assert lanes.lanes[-1] == shared
    per_lane = lanes.marks.groupby("lane")["n"].sum()
    own = many.store.df(
        f"SELECT lane, count(*) AS n FROM events WHERE {view.where} GROUP BY lane ORDER BY n DESC, lane",
        view.where.params,
    )
    assert per_lane[shared] == own["n"].iloc[timeline_query.LANES :].sum()
    assert set(per_lane.index) - {shared} == set(own["lane"].head(timeline_query.LANES))


def test_an_export_holds_a_batch_at_a_time(tmp_path, monkeypatch):
    """A CSV of every event is written in batches: Python never holds more than a few batches' worth, whatever the
    number of rows. Shown on 200,000 events in batches of 10,000 (the export's own batches are 50,000 rows, so a
    million events hold the same few batches as this file holds)."""
    store = store_of(*shipped(tmp_path), tmp_path)
    store.import_file(write(tmp_path / "acled-200k.csv", 200_000, seed=5))
    prepared = snapshot.prepare(store)
    where = filters.where(Filters(countries=()), prepared.options, prepared.registry, prepared.names)
    monkeypatch.setattr(exports._batches, "__defaults__", (10_000,))  # 20 batches instead of 4
    out = tmp_path / "all.csv"
    tracemalloc.start()
    with out.open("wb") as f:
        rows = exports.write_csv(store, where, f)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == 200_011
    size = out.stat().st_size
    assert size > 80_000_000  # the file is big...
    assert peak < size / 8, f"held {peak:,} bytes of a {size:,}-byte file"  # ...but never more than a few batches
