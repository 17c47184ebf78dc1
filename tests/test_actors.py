"""Actor names as datasets write them, resolved to curated actors: aliases, dataset names, one rule; the rest kept."""

from pathlib import Path

import pandas as pd
import pytest
from builders import shipped, store_of

from components import snapshot
from components.actors import Registry
from components.filter_types import Filters
from components.filters import where
from components.loader import load

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def registry():
    """The shipped actors.csv."""
    return Registry(load().actors)


@pytest.mark.parametrize(
    ("written", "curated"),
    [
        ("Turkish forces", "Turkish armed forces"),  # an alias, as the article writes it
        ("turkish FORCES", "Turkish armed forces"),  # any case
        ("Military Forces of Turkey (2016-)", "Turkish armed forces"),  # a dataset name
        ("Military Forces of Turkey (2002-2016)", "Turkish armed forces"),  # the rule: another period
        ("Military Forces of the United Arab Emirates (2022-)", "United Arab Emirates"),  # the rule, no armed forces
        ("Military Forces of Russia (2000-)", "Russia"),
        ("Wagner Group", "Wagner Group"),
        ("Military Forces of Libya (2016-) Government of National Accord", "Libyan government"),
        ("Forces of Khalifa al-Haftar", "Forces of Khalifa Haftar"),
    ],
)
def test_written_names_resolve_to_curated_actors(registry, written, curated):
    """Name, alias or dataset name in any case, or a state's military by the rule."""
    assert registry.canonical(written) == curated


@pytest.mark.parametrize(
    "written",
    ["Protesters (Libya)", "Police Forces of Turkey (2016-)", "Military Forces of Atlantis (1999-)", "Pro-Haftar"],
)
def test_other_names_are_kept_as_written(registry, written):
    """A name actors.csv does not know (or a military of a state it does not know) stays uncurated."""
    assert registry.canonical(written) is None


def test_backer_and_military_of_an_event(registry):
    """The state behind the first force named, else the first intervening state; the forces it names, once each."""
    names = ["Military Forces of Libya (2016-) Government of National Accord", "Military Forces of Turkey (2016-)"]
    assert registry.backer(names) == "Turkey"
    assert registry.military(["Wagner Group", "Russia", "Wagner Group"]) == ["Wagner Group", "Russia"]
    assert registry.backer(["Protesters (Libya)"]) is None


@pytest.fixture(scope="module")
def with_acled(tmp_path_factory):
    """The shipped data with ACLED's current export and UCDP's release imported."""
    root = tmp_path_factory.mktemp("actors")
    store = store_of(*shipped(root), root)
    store.import_file(FIXTURES / "acled_current.csv")
    store.import_file(FIXTURES / "ucdp_ged.csv")
    return snapshot.prepare(store)


def ids(prepared, chosen):
    """The ids of the events these filters keep, by dataset."""
    w = where(chosen, prepared.options, prepared.registry, prepared.names)
    frame = prepared.store.df(f"SELECT dataset, event_id FROM events WHERE {w}", w.params)
    return {d: set(g["event_id"]) for d, g in frame.groupby("dataset")}


def test_choosing_turkey_finds_its_military_in_every_dataset(with_acled):
    """'Military Forces of Turkey (2016-)' is under Turkey wherever ACLED names it (actor1 or associated)."""
    found = ids(with_acled, Filters(actors=("Turkey",)))
    acled = with_acled.store.df("SELECT event_id, actors FROM events WHERE dataset = 'ACLED'")
    turkish = {i for i, names in zip(acled["event_id"], acled["actors"]) if "Military Forces of Turkey (2016-)" in
               list(names)}  # fmt: skip
    assert turkish and found["ACLED"] == turkish
    assert "LBY-MEMO-0008" in found["article"]


def test_choosing_russia_finds_the_wagner_group(with_acled):
    """The Wagner Group is Russia's: its ACLED events come with Russia."""
    found = ids(with_acled, Filters(actors=("Russia",)))
    wagner = set(
        with_acled.store.df(
            "SELECT event_id FROM events WHERE dataset = 'ACLED' AND list_contains(actors, 'Wagner Group')"
        )["event_id"]
    )
    assert wagner and wagner <= found["ACLED"]


def test_uncurated_dataset_actors_are_offered_and_filter(with_acled):
    """An actor only the dataset names is offered as written after the curated ones, and choosing it works."""
    offered = with_acled.options.actors
    assert "Protesters (Libya)" in offered
    curated = set(with_acled.registry.actors["name"])
    assert offered.index("Protesters (Libya)") > max(offered.index(a) for a in offered if a in curated)
    found = ids(with_acled, Filters(actors=("Protesters (Libya)",)))
    assert set(found) == {"ACLED"} and len(found["ACLED"]) >= 1


def test_the_forces_table_gains_the_latest_dataset_report(with_acled):
    """Wagner Group's row: its latest ACLED event, with id, dates, place, notes and where it was read."""
    from components.charts import forces

    table = snapshot.select(with_acled, Filters()).forces.set_index(forces.FORCE)
    latest = table.loc["Wagner Group", forces.LATEST]
    assert latest.startswith("ACLED LBY9") and "ACLED notes:" in latest and "line" in latest
    assert pd.notna(table.loc["Turkish armed forces", forces.LATEST])
