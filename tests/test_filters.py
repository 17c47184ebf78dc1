"""Filters as SQL on the store: actors with the forces they sponsor, places with a radius, dates at their precision,
countries and datasets, and URL round trips."""

import dataclasses
import datetime as dt
import warnings

import numpy as np
import pytest
from builders import ACTORS, EVENTS, kept_ids, tiny_store
from geopy.distance import geodesic

from components import filter_types, filters, snapshot
from components.filter_types import Filters


@pytest.fixture
def data(tmp_path):
    """The tiny dataset's store, prepared (options, names, registry)."""
    return snapshot.prepare(tiny_store(tmp_path))


def test_a_state_includes_the_forces_it_sponsors(data):
    """Choosing Ruritania selects its armed forces and its military company too."""
    assert data.options.sponsored["Ruritania"] == ["Ruritanian armed forces", "Rur Security Services"]
    assert kept_ids(data, Filters(actors=("Ruritania",))) == ["T1", "T2", "T3"]


def test_a_force_alone_does_not_include_its_sponsor(data):
    """Choosing the company keeps only its own events."""
    assert kept_ids(data, Filters(actors=("Rur Security Services",))) == ["T2"]


def test_states_whose_forces_appear_are_offered(tmp_path):
    """A sponsor is offered even when only its forces are named in events."""
    prepared = snapshot.prepare(tiny_store(tmp_path, events=EVENTS[:2]))
    assert {"Ruritania", "Ruritanian armed forces", "Rur Security Services"} == set(prepared.options.actors)


def test_curated_actors_come_first_then_dataset_names_by_events(tmp_path):
    """An actor actors.csv does not know is offered as written, after the curated ones, most events first."""
    extra = [
        {**EVENTS[3], "event_id_cnty": f"X{i}", "actor1": "Syldavia", "actor2": ""} for i in range(2)
    ]  # two more events of a curated actor, to see that curated ones still come first
    prepared = snapshot.prepare(tiny_store(tmp_path, events=EVENTS + extra))
    curated = [a["name"] for a in ACTORS]
    offered = prepared.options.actors
    assert offered[: len(set(offered) & set(curated))] == [a for a in curated if a in offered]
    assert prepared.options.counts[filter_types.ACTOR]["Syldavia"] == 3


@pytest.mark.parametrize(("radius", "expected"), [(0, ["T1"]), (30, ["T1"]), (50, ["T1", "T2"])])
def test_place_radius_uses_ellipsoidal_distance(data, radius, expected):
    """Beta is about 37.6 km from Alpha: inside 50 km, outside 30 km."""
    assert 30 < geodesic((32.0, 13.0), (32.3, 13.2)).km < 50
    assert kept_ids(data, Filters(places=("Alpha",), radius_km=radius)) == expected


def test_the_store_distance_matches_geopy(data):
    """The SQL distance (Lambert's formula on WGS 84) is within 0.1% of geopy's geodesic, near and far."""
    rng = np.random.default_rng(7)
    points = [(rng.uniform(-60, 60), rng.uniform(-170, 170)) for _ in range(300)]
    spreads = [0.01, 0.5, 5, 20] * 75  # degrees: from about a kilometre to a few thousand
    pairs = [(a, (a[0] + rng.uniform(-d, d), a[1] + rng.uniform(-d, d))) for a, d in zip(points, spreads)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # geopy warns about nothing here but its own policy
        exact = [geodesic(a, b).km for a, b in pairs]
    ours = [data.store.value("SELECT distance_km(?, ?, ?, ?)", [*a, *b]) for a, b in pairs]
    assert max(abs(o - e) / e for o, e in zip(ours, exact) if e > 0) < 0.001


@pytest.mark.parametrize("radius", [1, 37, 120, 499, 800])
def test_the_radius_filter_keeps_exactly_the_points_within(tmp_path, radius):
    """The boxes that spare most distance computations change nothing: the same events as the distance alone."""
    rng = np.random.default_rng(radius)
    near = [{**EVENTS[3], "event_id_cnty": f"R{i}", "location": f"P{i}", "latitude": "", "longitude": ""}
            for i in range(300)]  # fmt: skip
    spread = radius / 80 + 0.05
    places = [{"name": "Gamma", "latitude": "29.0", "longitude": "16.0", "precision": "town", "coord_source": "t"}] + [
        {"name": f"P{i}", "latitude": f"{29.0 + rng.uniform(-spread, spread):.5f}",
         "longitude": f"{16.0 + rng.uniform(-spread, spread):.5f}", "precision": "town", "coord_source": "t"}
        for i in range(300)
    ]  # fmt: skip
    prepared = snapshot.prepare(tiny_store(tmp_path, events=near, places=places))
    kept = kept_ids(prepared, Filters(places=("Gamma",), radius_km=radius))  # measured on the store's points
    in_sql = dataclasses.replace(prepared, options=dataclasses.replace(prepared.options, points=None))
    exact = prepared.store.rows(
        "SELECT event_id FROM events WHERE distance_km(latitude, longitude, 29.0, 16.0) <= ? ORDER BY 1", [radius]
    )
    assert kept == sorted(r[0] for r in exact) and 0 < len(kept) < 300
    assert kept_ids(in_sql, Filters(places=("Gamma",), radius_km=radius)) == kept  # on every event, in SQL


def test_type_filter(data):
    """Only the chosen kinds of event remain."""
    assert kept_ids(data, Filters(types=("agreement",))) == ["T3"]


def test_a_month_event_counts_if_any_day_of_its_month_is_in_range(data):
    """The February truce is in a range that starts on 20 February, and out of one that ends in January."""
    assert kept_ids(data, Filters(start=dt.date(2021, 2, 20), end=dt.date(2021, 2, 25))) == ["T3"]
    assert kept_ids(data, Filters(end=dt.date(2021, 1, 31))) == []


def test_country_filter_defaults_to_the_articles_countries(tmp_path):
    """By default the article's countries; `country=all` every country; a chosen one only it."""
    events = [*EVENTS, {**EVENTS[3], "event_id_cnty": "E1", "country": "Egypt", "iso": "818", "location": ""}]
    prepared = snapshot.prepare(tiny_store(tmp_path, events=events))
    assert prepared.options.default_countries == ("Egypt", "Libya")  # both are the article's own
    assert kept_ids(prepared, Filters(countries=("Egypt",))) == ["E1"]
    assert len(kept_ids(prepared, Filters(countries=()))) == 5


def test_dataset_filter(data):
    """Only the article here: choosing it keeps everything, another dataset nothing."""
    assert len(kept_ids(data, Filters(datasets=("article",)))) == 4
    assert kept_ids(data, Filters(datasets=("ACLED",))) == []


def test_describe_in_words(data):
    """The filters read as a sentence for titles and briefings."""
    chosen = Filters(actors=("Ruritania",), places=("Alpha",), radius_km=50)
    assert filters.describe(chosen, data.options) == (
        "Actor: Ruritania (incl. Ruritanian armed forces, Rur Security Services) · Place: within 50 km of Alpha"
    )
    assert filters.describe(Filters(), data.options) == "No filters: all events"
    assert filters.describe(Filters(countries=()), data.options) == "Country: every country"


def test_query_round_trip(data):
    """A link written from filters reads back as the same filters."""
    chosen = Filters(
        actors=("Ruritania", "Syldavia"),
        places=("Alpha",),
        types=("presence",),
        start=dt.date(2021, 2, 1),
        end=dt.date(2021, 3, 1),
        radius_km=25,
        countries=("Libya",),
        datasets=("article",),
        view="briefing",
        extent="all",
    )
    query = filters.to_query(chosen)
    assert query["actor"] == ["Ruritania", "Syldavia"] and query["from"] == "2021-02-01" and query["radius_km"] == "25"
    as_lists = {k: v if isinstance(v, list) else [v] for k, v in query.items()}
    assert filters.from_query(as_lists, data.options) == (chosen, [])
    every = filters.to_query(Filters(countries=()))
    assert every == {"country": "all"} and filters.from_query({"country": ["all"]}, data.options)[0].countries == ()


def test_default_filters_make_an_empty_query():
    """Nothing chosen, nothing in the link."""
    assert filters.to_query(Filters()) == {}


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ({"actor": ["Nobody"]}, "actor='Nobody'"),
        ({"place": ["Atlantis"]}, "place='Atlantis'"),
        ({"type": ["picnic"]}, "type='picnic'"),
        ({"country": ["Narnia"]}, "country='Narnia'"),
        ({"dataset": ["GDELT"]}, "dataset='GDELT'"),
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
    chosen, notices = filters.from_query({**query, "actor": query.get("actor", []) + ["Syldavia"]}, data.options)
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
    assert data.options.days == (dt.date(2021, 2, 1), dt.date(2021, 3, 2))
