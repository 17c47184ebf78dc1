"""Filters: actors with the forces they sponsor, places with a radius, dates at their precision, URL round trips."""

import datetime as dt

import pytest
from builders import tiny
from geopy.distance import geodesic

from components import filters
from components.filters import Filters


@pytest.fixture
def data(tmp_path):
    """The tiny dataset and its filter options."""
    dataset = tiny(tmp_path)
    return dataset, filters.options(dataset.events, dataset.actors)


def ids(frame):
    """The event ids of a frame, sorted."""
    return sorted(frame["event_id_cnty"])


def test_a_state_includes_the_forces_it_sponsors(data):
    """Choosing Ruritania selects its armed forces and its military company too."""
    dataset, opts = data
    assert opts.sponsored["Ruritania"] == ["Ruritanian armed forces", "Rur Security Services"]
    shown = filters.apply(dataset.events, dataset.places, Filters(actors=("Ruritania",)), opts)
    assert ids(shown) == ["T1", "T2", "T3"]


def test_a_force_alone_does_not_include_its_sponsor(data):
    """Choosing the company keeps only its own events."""
    dataset, opts = data
    shown = filters.apply(dataset.events, dataset.places, Filters(actors=("Rur Security Services",)), opts)
    assert ids(shown) == ["T2"]


def test_states_whose_forces_appear_are_offered(tmp_path):
    """A sponsor is offered even when only its forces are named in events."""
    dataset = tiny(tmp_path)
    names = set(filters.options(dataset.events.iloc[:2], dataset.actors).actors)
    assert {"Ruritania", "Ruritanian armed forces", "Rur Security Services"} == names


@pytest.mark.parametrize(("radius", "expected"), [(0, ["T1"]), (30, ["T1"]), (50, ["T1", "T2"])])
def test_place_radius_uses_geodesic_distance(data, radius, expected):
    """Beta is about 37.6 km from Alpha: inside 50 km, outside 30 km."""
    dataset, opts = data
    assert 30 < geodesic((32.0, 13.0), (32.3, 13.2)).km < 50
    chosen = Filters(places=("Alpha",), radius_km=radius)
    assert ids(filters.apply(dataset.events, dataset.places, chosen, opts)) == expected


def test_type_filter(data):
    """Only the chosen kinds of event remain."""
    dataset, opts = data
    assert ids(filters.apply(dataset.events, dataset.places, Filters(types=("agreement",)), opts)) == ["T3"]


def test_a_month_event_counts_if_any_day_of_its_month_is_in_range(data):
    """The February truce is in a range that starts on 20 February, and out of one that ends in January."""
    dataset, opts = data
    late_feb = Filters(start=dt.date(2021, 2, 20), end=dt.date(2021, 2, 25))
    assert ids(filters.apply(dataset.events, dataset.places, late_feb, opts)) == ["T3"]
    january = Filters(end=dt.date(2021, 1, 31))
    assert ids(filters.apply(dataset.events, dataset.places, january, opts)) == []


def test_describe_in_words(data):
    """The filters read as a sentence for titles and briefings."""
    _, opts = data
    chosen = Filters(actors=("Ruritania",), places=("Alpha",), radius_km=50)
    assert filters.describe(chosen, opts) == (
        "Actor: Ruritania (incl. Ruritanian armed forces, Rur Security Services) · Place: within 50 km of Alpha"
    )
    assert filters.describe(Filters(), opts) == "No filters: all events"


def test_query_round_trip(data):
    """A link written from filters reads back as the same filters."""
    _, opts = data
    chosen = Filters(
        actors=("Ruritania", "Syldavia"),
        places=("Alpha",),
        types=("presence",),
        start=dt.date(2021, 2, 1),
        end=dt.date(2021, 3, 1),
        radius_km=25,
        view="briefing",
        extent="all",
    )
    query = filters.to_query(chosen)
    assert query["actor"] == ["Ruritania", "Syldavia"] and query["from"] == "2021-02-01" and query["radius_km"] == "25"
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    assert filters.from_query(as_lists, opts) == (chosen, [])


def test_default_filters_make_an_empty_query():
    """Nothing chosen, nothing in the link."""
    assert filters.to_query(Filters()) == {}


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"actor": ["Nobody"]}, "actor='Nobody'"),
        ({"place": ["Atlantis"]}, "place='Atlantis'"),
        ({"type": ["picnic"]}, "type='picnic'"),
        ({"from": ["2021-13-01"]}, "from='2021-13-01'"),
        ({"from": ["2021-03-01"], "to": ["2021-02-01"]}, "is after"),
        ({"radius_km": ["far"]}, "radius_km='far'"),
        ({"radius_km": ["-5"]}, "radius_km='-5'"),
        ({"view": ["poster"]}, "view='poster'"),
        ({"from": ["20210101"]}, "from='20210101'"),
        ({"from": ["2021-W03-1"]}, "from='2021-W03-1'"),
        ({"from": ["2030-01-01"]}, "after the last day of the data"),
        ({"to": ["2000-01-01"]}, "before the first day of the data"),
        ({"radius_km": ["50"]}, "needs a place"),
    ],
)
def test_unknown_values_in_a_link_are_dropped_with_a_notice(data, query, notice):
    """A value that matches nothing is dropped and named in a notice, never an error."""
    _, opts = data
    chosen, notices = filters.from_query({**query, "actor": query.get("actor", []) + ["Syldavia"]}, opts)
    assert chosen.actors == ("Syldavia",)  # the valid value next to it survives
    assert len(notices) == 1 and notice in notices[0]


def test_an_empty_result_says_what_to_widen():
    """Each active filter is named; with none, the data itself is empty."""
    chosen = Filters(actors=("Syldavia",), places=("Alpha",), radius_km=5, end=dt.date(2020, 1, 1))
    assert filters.widen(chosen) == (
        "No events match the filters. Widen actor (Syldavia); place (Alpha), or a larger radius; the dates."
    )
    assert filters.widen(Filters()) == "No events in the data."


def test_options_span_every_day_an_event_may_fall_on(data):
    """From the first day of the February truce's month to the last report."""
    _, opts = data
    assert opts.days == (dt.date(2021, 2, 1), dt.date(2021, 3, 2))
