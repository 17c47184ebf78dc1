"""The views' summaries (components/queries/summaries.py): the store builds them with each generation, the views
read them when the filters allow, and what they draw is the same as from the events themselves."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import realshaped
from builders import shipped, store_of

from components import filters, snapshot
from components.charts.forces import EVIDENCE
from components.filter_types import ALL, Filters
from components.queries import events, forces, places, summaries, timeline

FIXTURES = Path(__file__).resolve().parent / "fixtures"
VIEWS = {
    "default": Filters(),
    "turkey": Filters(actors=("Turkey",)),
    "battles": Filters(types=("Battles",)),
    "every country": Filters(countries=()),
    "every country, every event": Filters(countries=(), extent=ALL),
    "acled": Filters(datasets=("ACLED",)),
    "tunisia, protests": Filters(countries=("Tunisia",), types=("Protests",)),
    "sirte": Filters(places=("Sirte",)),
    "sirte 50 km": Filters(places=("Sirte",), radius_km=50.0),
    "turkey near tripoli": Filters(actors=("Turkey",), places=("Tripoli",), radius_km=100.0),
}
SERVED = {  # the summaries that hold the columns of each view's condition
    name: {summaries.MAP, summaries.FORCES} if chosen.places else set(summaries.SUMMARIES)
    for name, chosen in VIEWS.items()
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


@pytest.mark.parametrize("name", VIEWS)
def test_each_view_draws_the_same_from_its_summary_as_from_the_events(big, name):
    """Map, timeline and forces table alike, read from the summaries or from the events, for filters the summaries
    serve (a place and a distance: the map's and the forces table's, not the timeline's)."""
    chosen = VIEWS[name]
    where = filters.where(chosen, big.options, big.registry, big.names)
    summarised = replace(where, summaries=big.summaries)
    assert {s for s in summaries.SUMMARIES if summaries.serves(s, summarised)} == SERVED[name]
    assert summaries.source(summaries.MAP, summarised)[0].startswith(f"(SELECT * FROM {summaries.MAP.table}")
    for raw, read in zip(views(big, where, chosen), views(big, summarised, chosen)):
        assert same(raw, read), type(raw).__name__


@pytest.mark.parametrize(
    "chosen",
    [Filters(start=dt.date(2020, 6, 1)), Filters(as_of=dt.date(2020, 12, 1)),
     Filters(actors=("Turkey",), types=("Battles",), end=dt.date(2020, 9, 1)), Filters(actors=("Protesters (Libya)",))],
    ids=["from", "as of", "with a day", "a name"],
)  # fmt: skip
def test_filters_on_other_columns_read_the_events(big, chosen):
    """A day, a version as of a day or an actor matched by its name are in no summary: the views read the events."""
    where = replace(filters.where(chosen, big.options, big.registry, big.names), summaries=big.summaries)
    assert not any(summaries.serves(s, where) for s in summaries.SUMMARIES)


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
    near = Filters(places=("Sirte",), radius_km=50.0)
    narrowed = snapshot.select(big, near)
    unsummarised = snapshot.select(replace(big, summaries=None), near)
    assert narrowed.total == unsummarised.total > 0
    for one, other in [(narrowed.map, unsummarised.map), (narrowed.timeline, unsummarised.timeline)]:
        assert same(one, other)
    assert narrowed.forces.astype(str).equals(unsummarised.forces.astype(str))


@pytest.mark.parametrize(
    "chosen",
    [Filters(places=("Sirte",), radius_km=50.0), Filters(actors=("Protesters (Libya)",)),
     Filters(actors=("Turkey",), places=("Tripoli",), radius_km=100.0, extent=ALL)],
    ids=["a distance", "a name", "a name near a place, every event"],
)  # fmt: skip
def test_a_costly_condition_s_kept_rows_give_the_timeline_and_the_table_the_events_give(big, chosen):
    """The rows a costly condition kept carry what the timeline groups and the events table sorts: the timeline and
    the first page of the table read from them are those read from the events with the whole condition."""
    shown = snapshot.select(big, chosen)
    where = shown.where
    assert where.costly
    direct = timeline.timeline_data(big.store, where, shown.anchors, chosen.extent)
    assert same(shown.timeline, direct) and len(direct.marks) > 0
    first = events.page(big.store, where, 0, events.PAGE_ROWS)
    assert shown.first_page.astype(str).equals(first.astype(str)) and len(first) > 0


def test_row_ids_the_summaries_keep_survive_rows_deleted_before_them(tmp_path):
    """A dataset file imported after the article's events, then the curated events changed (they are deleted and
    written again, and the generation's checkpoint compacts what the deletion left, which renumbers row ids): every
    row id a summary keeps is still the current event it was, and the views read from the summaries are the same."""
    data, seeds = shipped(tmp_path)
    store = store_of(data, seeds, tmp_path)
    store.import_file(FIXTURES / "acled_current.csv")
    events = data / "events.csv"
    last = events.read_text(encoding="utf-8").splitlines()[-1]
    with events.open("a", encoding="utf-8") as out:  # one more hand-coded event, as an analyst's accept adds one
        out.write(last.replace(last.split(",", 1)[0], "LBY-MEMO-0099", 1) + "\n")
    store.refresh()
    prepared = snapshot.prepare(store)
    assert prepared.summaries is not None
    kept = {
        summaries.MAP.table: "latest",
        summaries.FORCES.table: "k.rid",
    }
    for table, rowid in kept.items():
        astray = store.value(
            f"SELECT count(*) FROM {table} s WHERE NOT EXISTS "
            f"(SELECT 1 FROM events e WHERE e.rowid = s.{rowid} AND e.current AND e.country = s.country)"
        )
        assert astray == 0, table
    where = filters.where(Filters(), prepared.options, prepared.registry, prepared.names)
    summarised = replace(where, summaries=prepared.summaries)
    for raw, read in zip(views(prepared, where, Filters()), views(prepared, summarised, Filters())):
        assert same(raw, read), type(raw).__name__
    assert snapshot.select(prepared, Filters()).forces[EVIDENCE].str.len().min() > 0
