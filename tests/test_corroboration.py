"""The article checked against the datasets: one rule (components/corroboration.py), a test for each clause."""

import csv
import datetime as dt

import pandas as pd
import pytest
from builders import shipped, store_of

from components import corroboration, snapshot
from components.actors import Registry
from components.formats.acled import CURRENT
from components.loader import load

TRIPOLI = (32.88743, 13.18733)


@pytest.fixture(scope="module")
def registry():
    """The shipped actors."""
    return Registry(load().actors)


def article(**fields) -> pd.Series:
    """An article event: Turkish forces at Tripoli itself, on 15 June 2020, unless told otherwise."""
    base = {"uid": "article:A", "start_date": dt.date(2020, 6, 15), "end_date": dt.date(2020, 6, 15),
            "date_basis": "event", "actors": ["Turkish armed forces"], "latitude": TRIPOLI[0],
            "longitude": TRIPOLI[1], "geo_precision": 1, "admin1": "Tripoli", "country": "Libya"}  # fmt: skip
    return pd.Series({**base, **fields})


def dataset(*rows: dict) -> pd.DataFrame:
    """Dataset events whose dates already overlap (the store's join): Turkey's military at Tripoli unless told."""
    base = {"uid": "ACLED:Libya:X", "dataset": "ACLED", "event_id": "X", "start_date": dt.date(2020, 6, 15),
            "end_date": dt.date(2020, 6, 15), "actors": ["Military Forces of Turkey (2016-)"],
            "latitude": TRIPOLI[0], "longitude": TRIPOLI[1], "geo_precision": 1, "admin1": "Tripoli",
            "country": "Libya"}  # fmt: skip
    return pd.DataFrame([{**base, "event_id": f"X{i}", **row} for i, row in enumerate(rows)])


def agreeing(event: pd.Series, rows: pd.DataFrame, registry: Registry) -> list[str]:
    """The ids of the rows that agree."""
    return list(corroboration.agrees(event, rows, registry)["event_id"])


def test_an_actor_in_common_through_any_of_its_names(registry):
    """'Military Forces of Turkey (2016-)' is Turkish armed forces; Wagner Group is not."""
    rows = dataset({}, {"actors": ["Wagner Group"]})
    assert agreeing(article(), rows, registry) == ["X0"]


def test_the_same_state_behind_the_actors(registry):
    """An article naming Turkey agrees with an event of Turkey's military: the state behind it."""
    assert agreeing(article(actors=["Turkey"]), dataset({}), registry) == ["X0"]
    assert agreeing(article(actors=["Russia"]), dataset({}), registry) == []


def test_exact_places_within_near_km(registry):
    """Both exact places: 40 km apart agree, 60 km apart do not (nearly due south of Tripoli)."""
    rows = dataset({"latitude": TRIPOLI[0] - 40 / 111.0}, {"latitude": TRIPOLI[0] - 60 / 111.0, "admin1": "Tripoli"})
    assert agreeing(article(), rows, registry) == ["X0"]


def test_an_approximate_place_within_area_km_or_the_same_admin1(registry):
    """Near Tripoli: 90 km agrees; 130 km agrees only in the same admin1."""
    rows = dataset(
        {"latitude": TRIPOLI[0] - 90 / 111.0, "admin1": "Elsewhere"},
        {"latitude": TRIPOLI[0] - 130 / 111.0, "admin1": "tripoli"},
        {"latitude": TRIPOLI[0] - 130 / 111.0, "admin1": "Elsewhere"},
    )
    assert agreeing(article(geo_precision=2), rows, registry) == ["X0", "X1"]


def test_no_single_point_means_the_same_country(registry):
    """A country-wide article event agrees with events in its country only."""
    rows = dataset({"country": "Libya"}, {"country": "Tunisia"})
    event = article(latitude=None, longitude=None, geo_precision=3)
    assert agreeing(event, rows, registry) == ["X0"]


def test_dates_overlap_at_each_precision_and_a_report_covers_the_month_before():
    """October 2020 overlaps 9 Oct; 'as of' 29 Jan 2021 covers the 30 days before, not December 15."""
    month = article(start_date=dt.date(2020, 10, 1), end_date=dt.date(2020, 10, 31))
    report = article(start_date=dt.date(2021, 1, 29), end_date=dt.date(2021, 1, 29), date_basis="report")
    first, last = corroboration.window(pd.DataFrame([month, report]))
    assert (first[0].date(), last[0].date()) == (dt.date(2020, 10, 1), dt.date(2020, 10, 31))
    assert (first[1].date(), last[1].date()) == (dt.date(2020, 12, 30), dt.date(2021, 1, 29))


def test_the_article_is_checked_against_an_acled_file(tmp_path):
    """End to end: the de-miner south of Tripoli (15 Jun 2020) and Turkey's military 12 km away that day."""
    row = dict.fromkeys(CURRENT, "")
    row.update({"event_id_cnty": "LBY99001", "event_date": "2020-06-15", "year": "2020", "time_precision": "1",
                "event_type": "Strategic developments", "actor1": "Military Forces of Turkey (2016-)",
                "country": "Libya", "iso": "434", "location": "Ain Zara", "latitude": str(TRIPOLI[0] - 0.105),
                "longitude": str(TRIPOLI[1]), "geo_precision": "1", "notes": "Demining near Ain Zara.",
                "fatalities": "0", "timestamp": "1600000000"})  # fmt: skip
    path = tmp_path / "one.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, CURRENT)
        writer.writeheader()
        writer.writerow(row)
    store = store_of(*shipped(tmp_path), tmp_path)
    store.import_file(path)
    prepared = snapshot.prepare(store)
    events = store.df("SELECT * FROM events WHERE dataset = 'article'")
    found = corroboration.corroborate(store, events, prepared.registry)
    assert found == {"article:LBY-MEMO-0001": "also in ACLED: LBY99001, 15 Jun 2020, 12 km"}
