"""Many events: the views draw aggregates whose counts add up, keep the precision rules, fold the smallest lanes into
one; an export of a million rows holds a batch at a time. The files are synthetic (tests/generate.py, seeded).

ROWS is the fewest that still cross every threshold the views switch at (more than places_map's MAX_MARKS places,
lanes past LANE_MARKS events and more than LANES actors), with room to spare; the export shrinks its batches in
proportion, so that it holds as many batches as a million rows do."""

import csv
import datetime as dt
import tracemalloc

import pytest
from builders import FROZEN_DATA, shipped, store_of
from generate import write

from components import exports, filter_types, filters, snapshot
from components.filter_types import Filters
from components.queries import places as places_query
from components.queries import timeline as timeline_query
from components.schema import Events

ROWS = 20_000  # synthetic events: about 5,600 places to mark (MAX_MARKS is 2,000) and a 12 MB export
with (FROZEN_DATA / Events.file).open(encoding="utf-8", newline="") as frozen:
    ARTICLE_EVENTS = sum(1 for _ in csv.DictReader(frozen))  # the shipped article's, in the store beside them


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """The article's events and ROWS synthetic ACLED events, prepared."""
    root = tmp_path_factory.mktemp("many")
    store = store_of(*shipped(root), root)
    store.import_file(write(root / "acled-many.csv", ROWS, seed=3))
    return snapshot.prepare(store)


def test_map_marks_add_up_to_the_events_shown(many):
    """Aggregated marks and the events with no single point (or beyond the map) count every filtered event once."""
    view = snapshot.select(many, Filters(countries=()))
    places = many.store.value(
        f"""SELECT count(*) FROM (SELECT DISTINCT backer, location, latitude, longitude FROM events
            WHERE {view.where} AND {places_query.POINT})""",
        view.where.params,
    )
    assert places > places_query.MAX_MARKS  # too many places to mark one by one...
    drawn = view.map
    assert drawn.aggregated and len(drawn.marks) <= 5400  # ...so a 0.25° grid over Libya, not one mark per place
    on_map = int(drawn.marks["n"].sum())
    assert on_map + sum(n for _, n in drawn.unmapped) == view.total == ROWS + ARTICLE_EVENTS


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


def test_an_export_holds_a_batch_at_a_time(many, tmp_path, monkeypatch):
    """A CSV of every event is written in batches: Python never holds more than a few batches' worth, whatever the
    number of rows. Shown on ROWS events in 20 batches, as many as a million rows fill in the export's own batches
    of 50,000: the peak of Python's allocations is held to an eighth of the file, two and a half batches."""
    where = filters.where(Filters(countries=()), many.options, many.registry, many.names)
    monkeypatch.setattr(exports._batches, "__defaults__", (ROWS // 20,))
    out = tmp_path / "all.csv"
    tracemalloc.start()
    with out.open("wb") as f:
        rows = exports.write_csv(many.store, where, f)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert rows == ROWS + ARTICLE_EVENTS
    size = out.stat().st_size
    assert size > ROWS * 500  # the file is big (over 500 bytes a row)...
    assert peak < size / 8, f"held {peak:,} bytes of a {size:,}-byte file"  # ...but never more than a few batches
