"""components.gazetteer with a fake geocoder: fills missing coordinates, asks each name once, never the network."""

import csv
from pathlib import Path
from types import SimpleNamespace

import pytest
from builders import copy_data, copy_seeds
from geopy.exc import GeocoderUnavailable

from components import config, gazetteer, loader

REPO = Path(__file__).resolve().parent.parent
SIRTE = (31.20892, 16.58866)


class FakeGeocoder:
    """Answers queries from a dict (None when unknown) and records every query; raises `error` if given."""

    def __init__(self, answers=None, error=None):
        self.answers = answers or {}
        self.error = error
        self.calls = []

    def __call__(self, query):
        self.calls.append(query)
        if self.error:
            raise self.error
        if query not in self.answers:
            return None
        lat, lon = self.answers[query]
        return SimpleNamespace(
            latitude=lat, longitude=lon, address=f"{query} (fake)", raw={"osm_type": "node", "osm_id": 42}
        )


def read(path):
    """The rows of a places.csv as dicts."""
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def by_name(path):
    """The rows of a places.csv keyed by name."""
    return {row["name"]: row for row in read(path)}


def write(path, rows):
    """Write rows as a places.csv with the real header."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, gazetteer.Places.names(), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def root(tmp_path):
    """A copy of the frozen data and seeds in which Sirte has lost its coordinate and its source."""
    copy_data(tmp_path / "data")
    copy_seeds(tmp_path / "seeds")
    path = tmp_path / "data" / "places.csv"
    rows = read(path)
    [sirte] = [row for row in rows if row["name"] == "Sirte"]
    sirte.update(latitude="", longitude="", coord_source="")
    write(path, rows)
    return tmp_path


@pytest.fixture
def places(root):
    """The path of the copy's places.csv."""
    return root / "data" / "places.csv"


def test_fills_coordinate_and_source(root, places):
    """A place without a coordinate gets the geocoder's coordinate and a source naming service, OSM id and address."""
    before = by_name(places)
    fake = FakeGeocoder({"Sirte, Libya": SIRTE})
    message = gazetteer.geocode_file(places, fake)
    after = by_name(places)
    assert fake.calls == ["Sirte, Libya"]
    assert (float(after["Sirte"]["latitude"]), float(after["Sirte"]["longitude"])) == SIRTE
    source = after["Sirte"]["coord_source"]
    assert "Nominatim" in source and "node/42" in source and "Sirte, Libya (fake)" in source
    assert {k: v for k, v in after.items() if k != "Sirte"} == {k: v for k, v in before.items() if k != "Sirte"}
    assert str(places) in message and "1 of 1" in message
    assert loader.load(root / "data", root / "seeds").problems == []  # the rewritten file is still valid


def test_same_name_asked_once(places):
    """Two rows with the same name and country (in any case) cost one query, and both are filled."""
    rows = read(places)
    [sirte] = [row for row in rows if row["name"] == "Sirte"]
    write(places, [*rows, {**sirte, "name": "SIRTE"}])
    fake = FakeGeocoder({"Sirte, Libya": SIRTE})
    gazetteer.geocode_file(places, fake)
    assert len(fake.calls) == 1
    filled = [row for row in read(places) if row["name"].lower() == "sirte"]
    assert len(filled) == 2
    assert all(float(row["latitude"]) == SIRTE[0] for row in filled)


def test_not_found_is_not_asked_again(places):
    """A place the geocoder does not know is marked not found, and a second run asks nothing and changes nothing."""
    first = FakeGeocoder()
    gazetteer.geocode_file(places, first)
    assert first.calls == ["Sirte, Libya"]
    sirte = by_name(places)["Sirte"]
    assert sirte["latitude"] == "" and sirte["longitude"] == ""
    assert sirte["coord_source"].startswith("not found by Nominatim")
    marked = places.read_bytes()
    second = FakeGeocoder({"Sirte, Libya": SIRTE})
    message = gazetteer.geocode_file(places, second)
    assert second.calls == []
    assert places.read_bytes() == marked
    assert "nothing to ask" in message


def test_country_is_never_asked(places):
    """A country-precision place without coordinate or source is not a point, so it is never asked for."""
    rows = read(places)
    [libya] = [row for row in rows if row["precision"] == "country"]
    libya["coord_source"] = ""
    write(places, rows)
    fake = FakeGeocoder({"Libya, Libya": (27.0, 17.0), "Sirte, Libya": SIRTE})
    gazetteer.geocode_file(places, fake)
    assert fake.calls == ["Sirte, Libya"]
    assert by_name(places)["Libya"] == libya


def test_unreachable_geocoder_changes_nothing(places):
    """When the service cannot be reached: SystemExit with a one-line message naming the file, file untouched."""
    before = places.read_bytes()
    fake = FakeGeocoder(error=GeocoderUnavailable("Max retries exceeded (Caused by NewConnectionError('refused'))"))
    with pytest.raises(SystemExit) as exit_:
        gazetteer.geocode_file(places, fake)
    message = str(exit_.value.code)
    assert str(places) in message
    assert "GeocoderUnavailable" in message
    assert "\n" not in message
    assert "Caused by" not in message
    assert places.read_bytes() == before


def test_missing_file_exits_with_its_path(tmp_path):
    """A places.csv that does not exist gives SystemExit naming the path, and no query."""
    fake = FakeGeocoder()
    with pytest.raises(SystemExit) as exit_:
        gazetteer.geocode_file(tmp_path / "places.csv", fake)
    assert str(tmp_path / "places.csv") in str(exit_.value.code)
    assert fake.calls == []


def test_main_geocode_with_data_option(root, places, monkeypatch, capsys):
    """`geocode --data DIR` geocodes DIR/places.csv with the geocoder nominatim() returns, and reports it."""
    fake = FakeGeocoder({"Sirte, Libya": SIRTE})
    monkeypatch.setattr(gazetteer, "nominatim", lambda: fake)
    gazetteer.main(["geocode", "--data", str(root / "data")])
    assert fake.calls == ["Sirte, Libya"]
    assert float(by_name(places)["Sirte"]["latitude"]) == SIRTE[0]
    assert str(places) in capsys.readouterr().out


def test_main_geocode_uses_data_environment(root, places, monkeypatch, capsys):
    """Without --data, `geocode` works on the directory named by CONFLICT_MONITOR_DATA."""
    fake = FakeGeocoder({"Sirte, Libya": SIRTE})
    monkeypatch.setattr(gazetteer, "nominatim", lambda: fake)
    monkeypatch.setenv(config.DATA_ENV, str(root / "data"))
    gazetteer.main(["geocode"])
    assert fake.calls == ["Sirte, Libya"]
    assert str(places) in capsys.readouterr().out


def test_file_with_bom(places):
    """A places.csv saved with a byte order mark, which the loader accepts, is geocoded too."""
    places.write_bytes(b"\xef\xbb\xbf" + places.read_bytes())
    fake = FakeGeocoder({"Sirte, Libya": SIRTE})
    gazetteer.geocode_file(places, fake)
    assert fake.calls == ["Sirte, Libya"]


def test_the_rewrite_is_atomic(places, monkeypatch):
    """A failure while places.csv is replaced leaves the old file whole and no temporary file beside it."""
    import os

    before, beside = places.read_bytes(), sorted(p.name for p in places.parent.iterdir())

    def refuse(src, dst):
        raise OSError("No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        gazetteer.geocode_file(places, FakeGeocoder({"Sirte, Libya": SIRTE}))
    assert places.read_bytes() == before
    assert sorted(p.name for p in places.parent.iterdir()) == beside
