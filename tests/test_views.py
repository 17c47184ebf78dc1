"""The views' pure build_* functions, on what the store answers for the tiny dataset and for the article's data."""

import dataclasses
import datetime as dt
import random

import pandas as pd
import pytest
from builders import EVENTS, store_of, tiny_store, write_dataset
from geopy.distance import geodesic

from components import dates, filter_types, legend, snapshot
from components.charts import events, forces, headline, labels, places_map, timeline
from components.filter_types import Filters
from components.queries import events as events_query
from components.queries import places as places_query

TS = pd.Timestamp


def view(prepared, **chosen):
    """What every view gets for these filters."""
    return snapshot.select(prepared, Filters(**chosen))


def test_month_precision_spans_its_month(small):
    """A February event runs from 1 to 28 February and reads 'February 2021'."""
    row = small.store.df("SELECT start_date, end_date, precision FROM events WHERE event_id = 'T3'").iloc[0]
    assert (TS(row["start_date"]), TS(row["end_date"])) == (TS("2021-02-01"), TS("2021-02-28"))
    assert row["precision"] == "month"
    assert dates.span(row["start_date"], row["end_date"]) == "February 2021"


def test_date_labels_are_as_precise_as_the_span():
    """A day, a month, a year, a week: each written as what it is, never as one false day."""
    assert dates.span(dt.date(2021, 1, 23), dt.date(2021, 1, 23)) == "23 Jan 2021"
    assert dates.span(dt.date(2020, 1, 1), dt.date(2020, 12, 31)) == "2020"
    assert dates.span(dt.date(2020, 6, 7), dt.date(2020, 6, 13)) == "7–13 Jun 2020"
    assert dates.span(dt.date(2020, 6, 28), dt.date(2020, 7, 4)) == "28 Jun – 4 Jul 2020"
    assert dates.label(dt.date(2021, 3, 2), dt.date(2021, 3, 2), "report") == "as of 2 Mar 2021"


def test_the_column_labels_say_what_the_single_ones_say():
    """dates.spans (whole columns, for the views at scale) writes every span as dates.span does (seeded spans of
    every shape: a day, a week, a month, a year, across months and years)."""
    rng = random.Random(7)
    pairs = []
    for _ in range(2000):
        start = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randint(0, 2500))
        shape = rng.choice(["day", "week", "month", "year", "any"])
        if shape == "month":
            start = start.replace(day=1)
        if shape == "year":
            start = start.replace(month=1, day=1)
        end = {"day": start, "week": start + dt.timedelta(days=6), "year": start.replace(month=12, day=31),
               "month": (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date(),
               "any": start + dt.timedelta(days=rng.randint(0, 800))}[shape]  # fmt: skip
        pairs.append((start, end))
    written = dates.spans(pd.Series([s for s, _ in pairs]), pd.Series([e for _, e in pairs]))
    assert written.tolist() == [dates.span(s, e) for s, e in pairs]
    assert dates.spans(pd.Series([], dtype="datetime64[us]"), pd.Series([], dtype="datetime64[us]")).empty


def test_anchors_and_the_window_range(small):
    """With a ceasefire known to the month, the window is a range of days, never one false number."""
    anchors = small.anchors
    assert anchors.deadline == TS("2021-03-01") and anchors.latest_report == TS("2021-03-02")
    assert anchors.days_overdue == 1
    assert anchors.window_days == (1, 28)


def test_article_anchors(article):
    """October 2020 ceasefire, 23 Jan 2021 deadline, 6 days overdue on 29 Jan 2021."""
    anchors = article.anchors
    assert anchors.ceasefire_label == "October 2020"
    assert anchors.deadline == TS("2021-01-23")
    assert anchors.days_overdue == 6
    assert anchors.window_days == (84, 114)


def test_timeline_draws_a_month_as_a_span_and_days_as_points(small):
    """The truce is a line over February; no point sits on any day of February."""
    shown = view(small, extent=filter_types.ALL)
    fig = timeline.build_timeline(shown.timeline, small.registry.actors, small.anchors, shown.ctx)
    spans = [t for t in fig.data if t.mode == "lines" and t.x[0] is not None]
    assert [(TS(t.x[0]), TS(t.x[1])) for t in spans] == [(TS("2021-02-01"), TS("2021-03-01"))]
    points = [TS(x) for t in fig.data if t.mode in ("markers", "markers+text") and t.x[0] is not None for x in t.x]
    assert points and not any(x.month == 2 for x in points)


def test_timeline_marks_window_deadline_and_overdue(article):
    """The window is a span from the ceasefire month to the deadline; the deadline a line; the overdue days written."""
    shown = view(article)
    fig = timeline.build_timeline(shown.timeline, article.registry.actors, article.anchors, shown.ctx)
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
    """No events: the anchors remain and the figure says what to widen."""
    shown = view(small, types=("agreement",), start=dt.date(2021, 3, 2))
    fig = timeline.build_timeline(shown.timeline, small.registry.actors, small.anchors, shown.ctx)
    assert "Widen event type (agreement); the dates." in " ".join(a.text for a in fig.layout.annotations)
    assert any(s.type == "line" for s in fig.layout.shapes)
    assert fig.layout.xaxis.type == "date"  # not a bare numeric axis


def test_map_marks_approximate_places_and_names_every_place(small):
    """Alpha (near) is hollow, Beta (the town) is filled; the labels name each place; no-place events are listed."""
    shown = view(small)
    fig = places_map.build_map(shown.map, small.registry.actors, shown.ctx)
    symbols = {}
    for trace in fig.data:
        if trace.mode == "markers" and trace.lat[0] is not None:
            symbols.update(zip(trace.lat, trace.marker.symbol))
    assert symbols == {32.0: "circle-open", 32.3: "circle", 29.0: "circle"}
    labels = next(t for t in fig.data if "text" in t.mode and "Alpha" in "".join(t.text))
    assert sorted(labels.text) == ["<b>Alpha</b>", "<b>Beta</b>", "<b>Gamma</b>"]
    note = fig.layout.annotations[0].text
    assert "no place named: 1 event" in note and "Tiny Times, 2 Mar 2021" in note


@pytest.mark.parametrize("chart", ["map", "timeline"])
def test_foreign_forces_are_drawn_above_the_events_that_name_none(article, chart):
    """The grey marks of events naming no foreign force come first (plotly draws later traces on top); the legend
    still lists each state before them, and only what is drawn."""
    shown = view(article, extent="all", countries=())
    actors = article.registry.actors
    if chart == "map":  # the article's one event naming no force has no point: give one of Tripoli's marks none
        marks = shown.map.marks
        grey = marks.head(1).assign(backer="", latitude=marks["latitude"].iloc[0] + 0.01)
        drawn = dataclasses.replace(shown.map, marks=pd.concat([marks, grey], ignore_index=True))
        fig = places_map.build_map(drawn, actors, shown.ctx)
    else:
        fig = timeline.build_timeline(shown.timeline, actors, article.anchors, shown.ctx)
    points = [getattr(t, "lat", None) or getattr(t, "x", None) for t in fig.data]
    drawn = [
        t for t, p in zip(fig.data, points) if p and p != (None,) and t.mode in ("markers", "markers+text", "lines")
    ]
    colours = [t.marker.color if isinstance(t.marker.color, str) else t.line.color for t in drawn]
    grey = [i for i, c in enumerate(colours) if c == legend.GREY]
    assert grey and max(grey) < min(i for i, c in enumerate(colours) if c != legend.GREY)
    entries = sorted((t for t in fig.data if t.showlegend is not False and t.legendrank is not None
                      and t.legendrank < 1000), key=lambda t: t.legendrank)  # fmt: skip
    assert [t.name for t in entries][-1] == legend.NONE
    assert {t.name for t in entries} <= {t.name for t in drawn}


def test_a_mark_that_stands_for_several_events_says_how_many(article):
    """Events of one actor on one day are one mark: it is labelled with their count, never a lone symbol."""
    shown = view(article, extent="all", countries=())
    fig = timeline.build_timeline(shown.timeline, article.registry.actors, article.anchors, shown.ctx)
    marks = shown.timeline.marks
    several = marks[~marks["counted"] & (marks["start"] == marks["stop"]) & (marks["n"] > 1)]
    assert len(several)  # the article has such a day
    labelled = {(x, lane, label) for t in fig.data if t.mode == "markers+text"
                for x, lane, label in zip(t.x, t.y, t.text) if label}  # fmt: skip
    assert {str(int(n)) for n in several["n"]} <= {label for _, _, label in labelled}
    assert all(int(label) > 1 for _, _, label in labelled)


def test_map_is_offline(article):
    """The map is a scatter_geo on plotly's own Natural Earth layers: no tile or style server."""
    shown = view(article)
    fig = places_map.build_map(shown.map, article.registry.actors, shown.ctx)
    assert {t.type for t in fig.data} == {"scattergeo"}
    assert fig.layout.geo.scope == "africa" and fig.layout.geo.resolution == 50
    names = {name for t in fig.data if "text" in t.mode for name in t.text}
    assert {"<b>Tripoli</b>", "<b>Sirte</b>", "<b>Jufra</b>"} <= names


def test_map_labels_do_not_overlap_for_close_places():
    """Two places a few kilometres apart get labels on different sides, their boxes disjoint, in pixels."""
    points = pd.DataFrame({"location": ["Tripoli", "Tajura"], "latitude": [32.89, 32.88], "longitude": [13.19, 13.35],
                           "size": [18.0, 18.0]})  # fmt: skip
    frame = labels.Frame(*labels.fit(points["latitude"], points["longitude"], places_query.LIBYA).values())
    first, second = labels.place(points, [], frame)
    assert first and second and first != second
    rows = zip(points["location"], points["latitude"], points["longitude"], (first, second))
    boxes = [labels.boxes(n, frame.pixels(y, x), 18.0)[p] for n, y, x, p in rows]
    assert not labels.overlap(*boxes) and all(frame.holds(b) for b in boxes)


def test_map_of_nothing_still_draws(small):
    """An empty selection draws the empty map with what to widen."""
    shown = view(small, types=("agreement",), start=dt.date(2021, 3, 2))
    fig = places_map.build_map(shown.map, small.registry.actors, shown.ctx)
    assert "Widen event type (agreement)" in fig.layout.annotations[0].text.replace("<br>", " ")


def test_the_map_follows_the_countries_shown():
    """Libya's view by default; several countries' boxes together; a country the map's file lacks is left out."""
    assert places_query.extent(["Libya"]) == places_query.LIBYA
    both = places_query.extent(["Libya", "Egypt"])
    assert both["lon"][1] > 36 and both["lat"][0] < 20
    assert places_query.extent(["Atlantis"]) == places_query.LIBYA


def test_forces_rows_status_and_evidence(article):
    """Each foreign force with its sponsor, side, place, status and verbatim evidence."""
    table = view(article).forces.set_index(forces.FORCE)
    assert list(table.index) == ["Turkish armed forces", "Wagner Group", "United Arab Emirates"]
    wagner = table.loc["Wagner Group"]
    assert wagner[forces.SPONSOR] == "Russia"
    assert wagner[forces.SIDE] == "Forces of Khalifa Haftar (through Russia)"
    assert "near Sirte" in wagner[forces.WHERE] and "Jufra" in wagner[forces.WHERE]
    assert wagner[forces.STATUS] == forces.NOT_WITHDRAWN
    assert "Wagner Group have been\xa0digging huge trenches" in wagner[forces.EVIDENCE]
    assert "Middle East Monitor, 29 Jan 2021" in wagner[forces.EVIDENCE]
    assert wagner[forces.LATEST] == forces.NO_DATASET
    uae = table.loc["United Arab Emirates"]
    assert uae[forces.KIND] == forces.NAMED_STATE
    assert uae[forces.WHERE] == forces.NOWHERE
    assert uae[forces.STATUS] == forces.NOT_REPORTED
    assert forces.present_count(table) == 2


def test_a_force_the_source_links_to_another_is_counted_once_with_the_link(article):
    """'Russian mercenaries from the Kremlin-linked Wagner Group': the mercenaries Russia has not pulled out (LBY-MEMO-
    0005) are Wagner's, so Wagner is one row, citing the link, and the headline says how it counted."""
    shown = view(article)
    wagner = shown.forces.set_index(forces.FORCE).loc["Wagner Group"]
    assert wagner[forces.ALSO] == "Russian mercenaries"
    assert (
        "Counted with Russian mercenaries: “Russian mercenaries from the Kremlin-linked Wagner Group”"
        in (wagner[forces.EVIDENCE])
    )
    assert "Russian mercenaries" not in set(shown.forces[forces.FORCE])
    note = headline.build_headline(shown.total, shown.forces, article.anchors).set_index(headline.FIGURE)
    present = note.loc["Foreign forces present"]
    assert present[headline.VALUE] == "2"
    assert "Russian mercenaries counted as Wagner Group, as the source says" in present[headline.NOTE]
    # choosing either name finds the other's events: one force, two names
    by_member = view(article, actors=("Russian mercenaries",))
    assert list(by_member.forces[forces.FORCE]) == ["Wagner Group"]
    assert view(article, actors=("Wagner Group",)).total == 4  # LBY-MEMO-0005 and its three own events


def test_forces_limited_to_the_chosen_actors(article):
    """With Russia chosen, only its forces are rows."""
    assert list(view(article, actors=("Russia",)).forces[forces.FORCE]) == ["Wagner Group"]


def test_forces_before_the_deadline_only(tmp_path):
    """A force last reported before the deadline is not called 'not withdrawn'."""
    early = [{**e, "event_date": "2021-02-15", "time_precision": "1", "date_basis": "event"} if e["event_id_cnty"] in
             ("T1", "T2") else e for e in EVENTS]  # fmt: skip
    table = view(snapshot.prepare(tiny_store(tmp_path, events=early))).forces.set_index(forces.FORCE)
    assert table.loc["Rur Security Services", forces.STATUS] == forces.BEFORE_ONLY


def test_forces_of_nothing(small):
    """No events: an empty table with its columns."""
    table = view(small, types=("agreement",), start=dt.date(2021, 3, 2)).forces
    assert table.empty and list(table.columns) == forces.COLUMNS


def test_events_table(small):
    """Dates at their precision, places with theirs, actors together, quotes in quotation marks, oldest first."""
    shown = view(small)
    table = events.build_events_table(events_query.page(small.store, shown.where, 0, 50)).set_index(events.ID)
    assert table.loc["T3", events.DATE] == "February 2021"
    assert table.loc["T3", events.PLACE] == "no place named"
    assert table.loc["T3", events.ACTORS] == "Borduria; Ruritania"
    assert table.loc["T1", events.PLACE] == "Alpha (near or part of the place)"
    assert table.loc["T1", events.DATE] == "as of 2 Mar 2021"
    assert table.loc["T2", events.PLACE] == "Beta"
    assert table.loc["T2", events.EVIDENCE] == "“Rur Security Services contractors guard Beta.”"
    assert table.loc["T2", events.SOURCE] == "Tiny Times, 2 Mar 2021"
    assert list(table.index) == ["T3", "T4", "T1", "T2"]


def test_events_are_paged(small):
    """A page holds at most its size of rows; the next page goes on where it stopped."""
    where = view(small).where
    first, second = events_query.page(small.store, where, 0, 3), events_query.page(small.store, where, 1, 3)
    assert len(first) == 3 and len(second) == 1
    assert set(first["event_id"]).isdisjoint(second["event_id"])


def test_headline_figures(article):
    """Forces present, days since the deadline, events shown."""
    shown = view(article)
    figures = headline.build_headline(shown.total, shown.forces, article.anchors)
    assert figures.set_index(headline.FIGURE)[headline.VALUE].to_dict() == {
        "Foreign forces present": "2",
        "Days since the deadline": "6",
        "Events shown": "11",
    }


def test_source_line(article):
    """Publisher, headline and date of the article; a dataset by name and size."""
    assert headline.source_line(article.curated.articles) == (
        "Source: Middle East Monitor, “US calls on Turkey, Russia to withdraw forces from Libya”, 29 Jan 2021"
    )
    with_acled = headline.source_line(article.curated.articles, short=True, datasets=("ACLED: 1 file, 7 events",))
    assert with_acled == "Source: Middle East Monitor, 29 Jan 2021; ACLED"


def test_a_crowded_place_caps_its_marker_and_its_hover(tmp_path):
    """Ninety events at one place: one marker no larger than the cap, a hover with five events and 'and 85 more'."""
    crowd = [{**EVENTS[1], "event_id_cnty": f"C{i}"} for i in range(90)]
    prepared = snapshot.prepare(tiny_store(tmp_path, events=[*EVENTS, *crowd]))
    shown = view(prepared, places=("Beta",))
    fig = places_map.build_map(shown.map, prepared.registry.actors, shown.ctx)
    [marker] = [t for t in fig.data if t.mode == "markers" and t.lat[0] is not None]
    assert max(marker.marker.size) <= legend.MAX_MARKER
    assert marker.hovertext[0].count("Rur Security Services contractors guard Beta") == legend.HOVER_EVENTS
    assert "and 86 more" in marker.hovertext[0]
    line = timeline.build_timeline(shown.timeline, prepared.registry.actors, prepared.anchors, shown.ctx)
    counted = [t for t in line.data if t.mode == "lines" and t.x[0] is not None]  # a busy lane: counts per bin
    assert counted and "91 events" in " ".join(counted[0].hovertext)


def test_events_of_one_day_in_a_hover_are_the_last_read_never_chance(tmp_path):
    """Eight events at one place on one day: the map's and the timeline's hovers list the same five, the last rows
    read (ties on the day go to the row, as everywhere), whatever DuckDB's threads finish first."""
    crowd = [{**EVENTS[1], "event_id_cnty": f"C{i}"} for i in range(8)]
    prepared = snapshot.prepare(tiny_store(tmp_path, events=[*EVENTS, *crowd]))
    shown = view(prepared, places=("Beta",))
    fig = places_map.build_map(shown.map, prepared.registry.actors, shown.ctx)
    [marker] = [t for t in fig.data if t.mode == "markers" and t.lat[0] is not None]
    line = timeline.build_timeline(shown.timeline, prepared.registry.actors, prepared.anchors, shown.ctx)
    [mark] = [t for t in line.data if t.mode == "markers+text" and t.x[0] is not None]
    for hover in (marker.hovertext[0], mark.hovertext[0]):
        listed = {f"C{i}" for i in range(8) if f"article C{i}<" in hover}
        assert listed == {"C3", "C4", "C5", "C6", "C7"}, hover


def test_points_beyond_the_map_are_counted(tmp_path):
    """An event with a point outside the map's extent is said, not silently lost off the edge."""
    far = [{**EVENTS[3], "event_id_cnty": "F1", "location": "Gamma", "latitude": "", "longitude": ""}]
    places = [{"name": "Gamma", "latitude": "22.0", "longitude": "24.9", "precision": "town", "coord_source": "t"}]
    data, seeds = write_dataset(tmp_path, events=far, places=places)
    prepared = snapshot.prepare(store_of(data, seeds, tmp_path))
    shown = view(prepared, countries=())
    note = places_map.build_map(shown.map, prepared.registry.actors, shown.ctx).layout.annotations[0].text
    assert "Every event shown has a place on the map." in note.replace("<br>", " ")
    assert places_query.map_data(prepared.store, shown.where, ["Libya"]).outside == []  # Gamma is in Libya's box
    tight = {"lat": (30.0, 34.0), "lon": (10.0, 20.0)}
    drawn = places_query.MapData(shown.map.marks, shown.map.labels, tight, total=1, outside=[("Gamma", 1)])
    fig = places_map.build_map(drawn, prepared.registry.actors, shown.ctx)
    assert "Beyond this map's extent — Gamma: 1 event" in fig.layout.annotations[0].text.replace("<br>", " ")


def test_long_lane_names_are_shortened_on_the_axis_but_never_confused():
    """A long actor name keeps its first and last words on the axis; two that would read the same stay whole."""
    lnA = "Military Forces of Libya (2014-) Libyan National Army"
    assert timeline._shortened(lnA) == "Military … Libyan National Army"
    assert timeline._shortened("Russia") == "Russia"
    twins = ["Aaaa bbbb cccc dddd eeee ffff gggg hhhh", "Aaaa bbbb cccc dddd eeee ffff gggg hhhx"]
    assert len(set(timeline._ticks(twins))) == 2


def test_a_name_that_would_cover_another_is_left_out_and_said():
    """Names are placed in the order given and one that fits nowhere is dropped; none covers a mark or another."""
    names = [f"Town {i}" for i in range(6)]
    points = pd.DataFrame({"location": names, "latitude": [32.9] * 6, "longitude": [13.2] * 6, "size": [18.0] * 6})
    frame = labels.Frame((27.0, 35.0), (9.0, 19.0))
    positions = labels.place(points, [(32.9, 13.2, 18.0)], frame)
    assert positions[:4] == list(labels.POSITIONS) and positions[4:] == [None, None]
    near_edge = points.head(1).assign(longitude=18.9)  # east of it the frame ends: the name goes west
    assert labels.place(near_edge, [], frame) == ["top left"]


def test_the_map_frames_its_marks_and_draws_the_radius_circle(article):
    """Sirte within 50 km: the frame fits the events shown (not the whole of Libya), the circle is drawn, geodesic,
    in the legend, and every name placed lies inside the frame."""
    shown = view(article, places=("Sirte",), radius_km=50)
    fig = places_map.build_map(shown.map, article.registry.actors, shown.ctx, shown.circles)
    lat, lon = fig.layout.geo.lataxis.range, fig.layout.geo.lonaxis.range
    assert lat[1] - lat[0] < 10 and lon[1] - lon[0] < 12, "a frame around Sirte, not Libya's 16 by 21 degrees"
    assert lat[0] <= 31.2 <= lat[1] and lon[0] <= 16.6 <= lon[1]
    ring = next(t for t in fig.data if t.name == "Within 50 km of Sirte")
    centre = article.options.centres["Sirte"]
    assert all(abs(geodesic(centre, p).km - 50) < 0.01 for p in zip(ring.lat, ring.lon))
    assert ring.lat[0] == pytest.approx(ring.lat[-1]) and len(ring.lat) > 60


def test_count_widths_split_the_bins_as_quartiles_of_their_ranks():
    """The timeline's counted bins get their line widths by quartile of their counts, as pandas' qcut of the ranks
    (ties in their order) puts them, for any number of bins; seeded."""
    rng = random.Random(7)
    for size in [1, 2, 3, 4, 5, 7, 10, 33, 100, 1000]:
        counts = pd.Series([rng.choice([1, 1, 2, 5, 40, 300]) for _ in range(size)])
        levels = min(len(timeline.COUNT_WIDTHS), size)
        expected = pd.qcut(counts.rank(method="first"), levels, labels=False)
        assert timeline._quartiles(counts.to_numpy(), levels).tolist() == expected.tolist(), size
