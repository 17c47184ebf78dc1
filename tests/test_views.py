"""The pure build_* functions of every view, on the tiny dataset and on the article's data."""

import pandas as pd
import pytest
from builders import tiny

from components import dates, events, filters, forces, headline, legend, places_map, timeline
from components.loader import load

TS = pd.Timestamp


@pytest.fixture
def small(tmp_path):
    """The tiny dataset, its anchors and a context."""
    dataset = tiny(tmp_path)
    anchors = dates.anchors(dataset.events)
    return dataset, anchors, headline.context(dataset.sources, anchors, "No filters: all events")


@pytest.fixture(scope="module")
def article():
    """The shipped data of the source article."""
    dataset = load()
    return dataset, dates.anchors(dataset.events)


def test_month_precision_spans_its_month(small):
    """A February event runs from 1 to 28 February and reads 'February 2021'."""
    dataset, _, _ = small
    truce = dataset.events[dataset.events["event_id_cnty"] == "T3"]
    assert dates.starts(truce).iloc[0] == TS("2021-02-01")
    assert dates.ends(truce).iloc[0] == TS("2021-02-28")
    assert dates.labels(truce).iloc[0] == "February 2021"


def test_ongoing_events_read_as_of_their_report(small):
    """An event dated to its report says so."""
    dataset, _, _ = small
    assert dates.labels(dataset.events[dataset.events["event_id_cnty"] == "T1"]).iloc[0] == "as of 2 Mar 2021"


def test_anchors_and_the_window_range(small):
    """With a ceasefire known to the month, the window is a range of days, never one false number."""
    _, anchors, _ = small
    assert anchors.deadline == TS("2021-03-01") and anchors.latest_report == TS("2021-03-02")
    assert anchors.days_overdue == 1
    assert anchors.window_days == (1, 28)


def test_article_anchors(article):
    """October 2020 ceasefire, 23 Jan 2021 deadline, 6 days overdue on 29 Jan 2021."""
    _, anchors = article
    assert anchors.ceasefire_label == "October 2020"
    assert anchors.deadline == TS("2021-01-23")
    assert anchors.days_overdue == 6
    assert anchors.window_days == (84, 114)


def test_timeline_draws_a_month_as_a_span_and_days_as_points(small):
    """The truce is a line over February; no point sits on any day of February."""
    dataset, anchors, ctx = small
    fig = timeline.build_timeline(dataset.events, dataset.actors, anchors, filters.ALL, ctx)
    spans = [t for t in fig.data if t.mode == "lines" and t.x[0] is not None]
    assert [(TS(t.x[0]), TS(t.x[1])) for t in spans] == [(TS("2021-02-01"), TS("2021-03-01"))]
    points = [TS(x) for t in fig.data if t.mode == "markers" and t.x[0] is not None for x in t.x]
    assert points and not any(x.month == 2 for x in points)


def test_timeline_marks_window_deadline_and_overdue(article):
    """The window is a span from the ceasefire month to the deadline; the deadline a line; the overdue days written."""
    dataset, anchors = article
    ctx = headline.context(dataset.sources, anchors, "x")
    fig = timeline.build_timeline(dataset.events, dataset.actors, anchors, filters.WINDOW, ctx)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert (TS(rects[0].x0), TS(rects[0].x1)) == (TS("2020-10-01"), TS("2021-01-23"))
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert [TS(s.x0) for s in lines] == [TS("2021-01-23")]
    text = " ".join(a.text for a in fig.layout.annotations)
    assert "6 days overdue as of 29 Jan 2021" in text
    assert "84–114 days" in text
    assert "1 event outside this window" in text  # the June 2020 photo caption, before the ceasefire
    assert "Middle East Monitor, 29 Jan 2021" in text


def test_timeline_of_nothing_still_draws(small):
    """No events: the anchors remain and the figure says what happened."""
    dataset, anchors, ctx = small
    fig = timeline.build_timeline(dataset.events.iloc[:0], dataset.actors, anchors, filters.WINDOW, ctx)
    assert "No events match the filters." in " ".join(a.text for a in fig.layout.annotations)
    assert any(s.type == "line" for s in fig.layout.shapes)
    assert fig.layout.xaxis.type == "date"  # not a bare numeric axis


def test_map_marks_approximate_places_and_names_every_place(small):
    """Alpha (near) is hollow, Beta (the town) is filled; the labels name each place; no-place events are listed."""
    dataset, _, ctx = small
    fig = places_map.build_map(dataset.events, dataset.actors, ctx)
    symbols = {}
    for trace in fig.data:
        if trace.mode == "markers" and trace.lat[0] is not None:
            symbols.update(zip(trace.lat, trace.marker.symbol))
    assert symbols == {32.0: "circle-open", 32.3: "circle", 29.0: "circle"}
    labels = next(t for t in fig.data if t.mode == "text" and "Alpha" in "".join(t.text))
    assert sorted(labels.text) == ["<b>Alpha</b>", "<b>Beta</b>", "<b>Gamma</b>"]
    note = fig.layout.annotations[0].text
    assert "no place named: 1 event" in note and "Tiny Times, 2 Mar 2021" in note


def test_map_is_offline(article):
    """The map is a scatter_geo on plotly's own Natural Earth layers: no tile or style server."""
    dataset, anchors = article
    fig = places_map.build_map(dataset.events, dataset.actors, headline.context(dataset.sources, anchors, "x"))
    assert {t.type for t in fig.data} == {"scattergeo"}
    assert fig.layout.geo.scope == "africa" and fig.layout.geo.resolution == 50
    names = {name for t in fig.data if t.mode == "text" for name in t.text}
    assert {"<b>Tripoli</b>", "<b>Sirte</b>", "<b>Jufra</b>"} <= names


def test_map_labels_do_not_overlap_for_close_places():
    """Two places a few kilometres apart get labels on different sides."""
    points = pd.DataFrame({"location": ["Tripoli", "Tajura"], "latitude": [32.89, 32.88], "longitude": [13.19, 13.35]})
    first, second = places_map._label_positions(points)
    assert first != second


def test_map_of_nothing_still_draws(small):
    """An empty selection draws the empty map with a message."""
    dataset, _, ctx = small
    fig = places_map.build_map(dataset.events.iloc[:0], dataset.actors, ctx)
    assert "No events match the filters." in fig.layout.annotations[0].text


def test_forces_rows_status_and_evidence(article):
    """Each foreign force with its sponsor, side, place, status and verbatim evidence."""
    dataset, anchors = article
    table = forces.build_forces(dataset.events, dataset.actors, dataset.places, anchors).set_index(forces.FORCE)
    assert list(table.index) == ["Turkish armed forces", "Russian mercenaries", "Wagner Group", "United Arab Emirates"]
    wagner = table.loc["Wagner Group"]
    assert wagner[forces.SPONSOR] == "Russia"
    assert wagner[forces.SIDE] == "Forces of Khalifa Haftar (through Russia)"
    assert "near Sirte" in wagner[forces.WHERE] and "Jufra" in wagner[forces.WHERE]
    assert wagner[forces.STATUS] == forces.NOT_WITHDRAWN
    assert "Wagner Group have been\xa0digging huge trenches" in wagner[forces.EVIDENCE]
    assert "Middle East Monitor, 29 Jan 2021" in wagner[forces.EVIDENCE]
    uae = table.loc["United Arab Emirates"]
    assert uae[forces.KIND] == forces.NAMED_STATE
    assert uae[forces.WHERE] == forces.NOWHERE
    assert uae[forces.STATUS] == forces.NOT_REPORTED
    assert forces.present_count(table) == 3


def test_forces_limited_to_the_chosen_actors(article):
    """With Russia chosen, only its forces are rows."""
    dataset, anchors = article
    only = {"Russia", "Russian mercenaries", "Wagner Group"}
    table = forces.build_forces(dataset.events, dataset.actors, dataset.places, anchors, only)
    assert list(table[forces.FORCE]) == ["Russian mercenaries", "Wagner Group"]


def test_forces_before_the_deadline_only(small):
    """A force last reported before the deadline is not called 'not withdrawn'."""
    dataset, anchors, _ = small
    early = dataset.events.assign(event_date=TS("2021-02-15"), reported=TS("2021-02-15"))
    table = forces.build_forces(early, dataset.actors, dataset.places, anchors).set_index(forces.FORCE)
    assert table.loc["Rur Security Services", forces.STATUS] == forces.BEFORE_ONLY


def test_forces_of_nothing(small):
    """No events, an empty table with its columns."""
    dataset, anchors, _ = small
    table = forces.build_forces(dataset.events.iloc[:0], dataset.actors, dataset.places, anchors)
    assert table.empty and list(table.columns) == forces.COLUMNS


def test_events_table(small):
    """Dates at their precision, places with theirs, actors together, quotes in quotation marks."""
    dataset, _, _ = small
    table = events.build_events_table(dataset.events).set_index(events.ID)
    assert table.loc["T3", events.DATE] == "February 2021"
    assert table.loc["T3", events.PLACE] == "not stated"
    assert table.loc["T3", events.ACTORS] == "Borduria; Ruritania"
    assert table.loc["T1", events.PLACE] == "Alpha (near or part of the place)"
    assert table.loc["T2", events.PLACE] == "Beta"
    assert table.loc["T2", events.QUOTE] == "“Rur Security Services contractors guard Beta.”"
    assert list(table.index) == ["T3", "T4", "T1", "T2"]  # oldest first


def test_headline_figures(article):
    """Forces present, days since the deadline, events shown."""
    dataset, anchors = article
    table = forces.build_forces(dataset.events, dataset.actors, dataset.places, anchors)
    figures = headline.build_headline(dataset.events, table, anchors).set_index(headline.FIGURE)[headline.VALUE]
    assert figures.to_dict() == {
        "Foreign forces present": "3",
        "Days since the deadline": "6",
        "Events shown": str(len(dataset.events)),
    }


def test_source_line(article):
    """Publisher, headline and date of the article."""
    dataset, _ = article
    assert headline.source_line(dataset.sources) == (
        "Source: Middle East Monitor, “US calls on Turkey, Russia to withdraw forces from Libya”, 29 Jan 2021"
    )


def test_events_table_of_nothing(small):
    """No events: an empty table with its columns, not an error."""
    dataset, _, _ = small
    table = events.build_events_table(dataset.events.iloc[:0])
    assert table.empty and list(table.columns) == events.COLUMNS


def test_a_crowded_place_caps_its_marker_and_its_hover(small):
    """Ninety events at one place: one marker no larger than the cap, a hover with five events and 'and 85 more'."""
    dataset, _, ctx = small
    crowd = pd.concat([dataset.events[dataset.events["event_id_cnty"] == "T2"]] * 90, ignore_index=True)
    fig = places_map.build_map(crowd, dataset.actors, ctx)
    [marker] = [t for t in fig.data if t.mode == "markers" and t.lat[0] is not None]
    assert max(marker.marker.size) <= legend.MAX_MARKER
    assert marker.hovertext[0].count("Rur Security Services contractors guard Beta") == legend.HOVER_EVENTS
    assert "and 85 more" in marker.hovertext[0]
    anchors = dates.anchors(crowd)
    line = timeline.build_timeline(crowd, dataset.actors, anchors, filters.ALL, ctx)
    [points] = [t for t in line.data if t.mode == "markers" and t.x[0] is not None]
    assert max(points.marker.size) <= legend.MAX_MARKER and "and 85 more" in points.hovertext[0]


def test_points_beyond_the_map_are_counted(small):
    """An event with a point outside the map's extent is said, not silently lost off the edge."""
    dataset, _, ctx = small
    far = dataset.events.assign(latitude=5.0)
    fig = places_map.build_map(far, dataset.actors, ctx)
    assert "Beyond this map's extent: 3 events" in fig.layout.annotations[0].text.replace("<br>", " ")


def test_empty_views_keep_their_axes_with_no_anchors(small):
    """No events and no milestones: the timeline still has a date axis; the map says what to widen."""
    dataset, _, ctx = small
    none = dataset.events.iloc[:0]
    anchors = dates.anchors(none)
    fig = timeline.build_timeline(none, dataset.actors, anchors, filters.ALL, ctx)
    assert fig.layout.xaxis.type == "date"
    widen = headline.Context("as of x", "f", "s", "s", empty="No events match the filters. Widen the dates.")
    assert "Widen the dates." in places_map.build_map(none, dataset.actors, widen).layout.annotations[0].text
