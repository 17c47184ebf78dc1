"""The data. The live data/ and seeds/ load clean, quote verbatim and resolve their names, whatever the analysts have
accepted, ingested or imported since: those checks never pin their contents. The source article's coding, read from
its frozen copy (tests/fixtures/curated and tests/fixtures/seeds), resolves its relative dates right. The shipped
article is the committed bytes."""

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from builders import FROZEN_DATA, FROZEN_SEEDS

from components import loader

REPO = Path(__file__).resolve().parent.parent
DATA, SEEDS = REPO / "data", REPO / "seeds"  # the live folders: checked for validity, never for their contents
ARTICLE = "000_a73a2923047b2e61.txt"
SIDECAR = "000_a73a2923047b2e61.meta.json"
LIBYA_BOX = {"latitude": (19.5, 33.5), "longitude": (9.3, 25.2)}  # Libya's bounding box, with a little margin
BOTH = pytest.mark.parametrize(("data", "seeds"), [(DATA, SEEDS), (FROZEN_DATA, FROZEN_SEEDS)], ids=["live", "frozen"])


def rows(file, data=FROZEN_DATA):
    """The rows of a data file (of the frozen copy unless told) as plain dicts of text, read with the csv module."""
    with (data / file).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def names(cell):
    """The names in a ';' separated cell."""
    return [part.strip() for part in cell.split(";") if part.strip()]


def sha256(path):
    """The hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def sidecar():
    """The seed article's metadata sidecar, as committed (the frozen copy)."""
    return json.loads((FROZEN_SEEDS / SIDECAR).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def published(sidecar):
    """The article's publication day."""
    return dt.datetime.fromisoformat(sidecar["published"]).date()


def event_with(quote_part):
    """The one event of the source article's coding whose quote contains this text."""
    found = [row for row in rows("events.csv") if quote_part in row["quote"]]
    assert len(found) == 1, f"{len(found)} events quote {quote_part!r}"
    return found[0]


def day(row):
    """An event row's date."""
    return dt.date.fromisoformat(row["event_date"])


@BOTH
def test_loads_with_zero_problems(data, seeds):
    """The data loads with no rejected row, and every row of every file is kept."""
    dataset = loader.load(data, seeds)
    assert [str(p) for p in dataset.problems] == []
    assert dataset.rejected.empty
    assert len(dataset.events) == len(rows("events.csv", data)) > 0
    assert len(dataset.actors) == len(rows("actors.csv", data)) > 0
    assert len(dataset.places) == len(rows("places.csv", data)) > 0


@BOTH
@pytest.mark.parametrize("file", ["events.csv", "actors.csv"])
def test_every_quote_is_verbatim_in_its_article(file, data, seeds):
    """Each quote is a non-empty, exact substring of the article file it names."""
    table = rows(file, data)
    assert table
    for row in table:
        text = (seeds / row["article"]).read_text(encoding="utf-8")
        assert row["quote"], row
        assert row["quote"] in text, row["quote"]


def test_every_live_article_matches_its_sidecar_sha256():
    """Every article in the live seeds/, the shipped one and any ingested since, hashes to its sidecar's sha256."""
    sidecars = sorted(SEEDS.glob("*.meta.json"))
    assert SIDECAR in [p.name for p in sidecars]
    for path in sidecars:
        meta = json.loads(path.read_text(encoding="utf-8"))
        assert sha256(SEEDS / meta["article"]) == meta["sha256"], meta["article"]


def test_the_shipped_article_is_the_committed_bytes(sidecar):
    """The live seed article and its frozen copy are the same bytes, which hash to the sha256 the sidecar records."""
    assert sidecar["article"] == ARTICLE
    assert sha256(FROZEN_SEEDS / ARTICLE) == sidecar["sha256"]
    assert sha256(SEEDS / ARTICLE) == sidecar["sha256"]
    assert (SEEDS / ARTICLE).read_bytes() == (FROZEN_SEEDS / ARTICLE).read_bytes()
    assert (SEEDS / SIDECAR).read_bytes() == (FROZEN_SEEDS / SIDECAR).read_bytes()


def test_the_frozen_copy_matches_its_recorded_checksums():
    """Each file of tests/fixtures/curated and tests/fixtures/seeds hashes to the sha256 the fixtures' README
    records."""
    readme = (FROZEN_DATA.parent / "README.md").read_text(encoding="utf-8")
    recorded = {}
    for line in readme.splitlines():
        parts = line.split()
        if len(parts) == 2 and len(parts[0]) == 64 and parts[1].startswith(("curated/", "seeds/")):
            recorded[parts[1]] = parts[0]
    frozen = {f"{p.parent.name}/{p.name}": p for p in [*FROZEN_DATA.iterdir(), *FROZEN_SEEDS.iterdir()]}
    assert sorted(recorded) == sorted(frozen)
    for name, path in frozen.items():
        assert sha256(path) == recorded[name], name


def test_sidecar_metadata(sidecar, published):
    """The sidecar names the publisher, publication time, language and headline of the article."""
    assert sidecar["publisher"] == "Middle East Monitor"
    assert sidecar["published"] == "2021-01-29T15:40"
    assert sidecar["language"] == "en"
    assert sidecar["headline"] == "US calls on Turkey, Russia to withdraw forces from Libya"
    text = (FROZEN_SEEDS / ARTICLE).read_text(encoding="utf-8")
    assert sidecar["headline"] in text
    assert sidecar["published_as_printed"] in text
    assert published.weekday() == 4  # Friday 29 January 2021


def test_ceasefire_in_october_last_year():
    """'in October last year' (written January 2021) is October 2020 at month precision."""
    row = event_with("in October last year")
    assert (row["event_date"], row["time_precision"], row["year"]) == ("2020-10-01", "3", "2020")
    assert row["milestone"] == "ceasefire"


def test_decision_in_december():
    """'In December' (written January 2021) is December 2020 at month precision."""
    row = event_with("In December")
    assert (row["event_date"], row["time_precision"], row["year"]) == ("2020-12-01", "3", "2020")


def test_deadline_ended_on_saturday(published):
    """'That deadline ended on Saturday' is the Saturday before Friday 29 January 2021: 23 January, day precision."""
    row = event_with("That deadline ended on Saturday")
    assert (row["event_date"], row["time_precision"]) == ("2021-01-23", "1")
    assert day(row).weekday() == 5  # Saturday
    assert 1 <= (published - day(row)).days <= 7
    assert row["milestone"] == "withdrawal deadline"


def test_security_council_statements_yesterday(published):
    """The UN Security Council statements of 'yesterday' are dated the day before publication, 28 January 2021."""
    statements = [event_with("UN Security Council meeting yesterday"), event_with("Mills stressed")]
    for row in statements:
        assert (row["event_date"], row["time_precision"]) == ("2021-01-28", "1")
        assert day(row) == published - dt.timedelta(days=1)


def test_ongoing_presence_is_dated_to_the_report(published):
    """Presence stated as ongoing has date_basis 'report' and the publication date; report-dated rows are such."""
    presence = [row for row in rows("events.csv") if row["event_kind"] == "presence"]
    assert len(presence) >= 3
    for row in presence:
        assert row["date_basis"] == "report"
        assert day(row) == published
    for row in rows("events.csv"):
        if row["date_basis"] == "report":
            assert day(row) == published, row["event_id_cnty"]


def test_photo_caption_date():
    """The photo caption's printed date, June 15, 2020, is the de-miner event's date."""
    row = event_with("de-miner")
    assert "on June 15, 2020" in row["quote"]
    assert (row["event_date"], row["time_precision"], row["date_basis"]) == ("2020-06-15", "1", "event")


@BOTH
def test_event_year_matches_date(data, seeds):
    """Every event's year column is the year of its date."""
    for row in rows("events.csv", data):
        assert int(row["year"]) == day(row).year, row["event_id_cnty"]


@BOTH
def test_every_event_actor_is_in_actors(data, seeds):
    """Every name in actor1, actor2 and the associated actor lists is an actor in actors.csv."""
    actors = {row["name"] for row in rows("actors.csv", data)}
    named = {
        name
        for row in rows("events.csv", data)
        for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2")
        for name in names(row[column])
    }
    assert named
    assert named - actors == set()


@BOTH
def test_every_location_is_in_places(data, seeds):
    """Every event location is a place in places.csv."""
    places = {row["name"] for row in rows("places.csv", data)}
    located = {row["location"] for row in rows("events.csv", data) if row["location"]}
    assert located
    assert located - places == set()


@BOTH
def test_every_coordinate_names_its_source(data, seeds):
    """A place with a coordinate has both latitude and longitude and says where they came from."""
    for row in rows("places.csv", data):
        if row["latitude"] or row["longitude"]:
            assert row["latitude"] and row["longitude"], row["name"]
            assert row["coord_source"].strip(), row["name"]


@BOTH
def test_libyan_places_lie_in_libya(data, seeds):
    """Coordinates of places in Libya fall inside Libya's bounding box (catches swapped latitude and longitude)."""
    located = [row for row in rows("places.csv", data) if row["country"] == "Libya" and row["latitude"]]
    assert located
    for row in located:
        for column, (low, high) in LIBYA_BOX.items():
            assert low <= float(row[column]) <= high, (row["name"], column)


@BOTH
def test_sponsor_and_supports_resolve(data, seeds):
    """Every sponsor is an actor, and every supported side is an actor."""
    actors = {row["name"] for row in rows("actors.csv", data)}
    referenced = {row[column] for row in rows("actors.csv", data) for column in ("sponsor", "supports") if row[column]}
    assert referenced
    assert referenced - actors == set()
