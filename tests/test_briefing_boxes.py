"""The briefing frame fits 1920x1080 whatever the data: no element's box leaves the frame or overlaps another.

Each frame is drawn by the plotly.js that kaleido exports with, in the system Chromium, and every element that shows
something is measured (tests/boxes.py: titles, notes, legend and its entries, tick labels, the table's rows and cells,
place names, plot areas). The data shapes: the article alone; the article with the multi-country ACLED fixture; the
article with a 3,000-row ACLED file in Libya, Tunisia and Egypt built here with a fixed seed (and a second article
naming more foreign forces, so that the forces table has more rows than the frame holds); views for actor=Turkey and
place=Sirte within 50 km; many filters at once; a view where nothing matches; and a forces table of forty rows
with long cells.
"""

from __future__ import annotations

import dataclasses
import re

import pandas as pd
import pytest
import realshaped
from boxes import Box, Drawn, Renderer, problems
from builders import shipped, store_of

from components import briefing, snapshot
from components.charts import forces
from components.filter_types import ALL, Filters
from components.snapshot import Prepared, Selection

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def multicountry(tmp_path_factory) -> Prepared:
    """The shipped data with the multi-country ACLED fixture imported."""
    root = tmp_path_factory.mktemp("multicountry")
    store = store_of(*shipped(root), root)
    store.import_file(realshaped.FIXTURES / "acled_multicountry.csv")
    return snapshot.prepare(store)


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Prepared:
    """The shipped data, the wire article's forces, and 3,000 generated ACLED rows in three countries imported."""
    return realshaped.big(tmp_path_factory.mktemp("big"))


def frame(prepared: Prepared, chosen: Filters, renderer: Renderer) -> tuple[Selection, Drawn]:
    """The view of these filters and its briefing, drawn and measured."""
    view = snapshot.select(prepared, chosen)
    return view, renderer.measure(briefing.build_briefing(view, prepared.registry.actors))


def rows_said(drawn: Drawn) -> int:
    """The forces the frame accounts for: the table's rows, and those it says the dashboard has."""
    more = [re.search(r"and ([\d,]+) more forces?: see the dashboard", t) for t in drawn.texts("annotation")]
    return len(drawn.texts("table row")) + sum(int(m.group(1).replace(",", "")) for m in more if m)


# Overlaps drawn inside the map and the timeline (components/charts/places_map.py, labels.py, timeline.py), not by
# the briefing's layout: strict, so that the mark must go when the chart is fixed.
MANY = Filters(  # twelve actors, ten places, five types, every country: the filters in words take lines
    actors=("Turkey", "Turkish armed forces", "Russia", "Russian mercenaries", "Wagner Group", "United Arab Emirates",
            "United States", "Richard Mills", "Libyan government", "Forces of Khalifa Haftar", "Syrian mercenaries",
            "Sudanese mercenaries"),
    places=("Tripoli", "Cairo", "Tunis", "Sirte", "Ain Zara", "Abu Salim", "Al Arish", "Alexandria", "Ben Guerdane",
            "Sfax"),
    types=("Battles", "Protests", "Explosions/Remote violence", "Strategic developments", "Violence against civilians"),
    countries=(),
)  # fmt: skip
CASES = {
    "article": ("article", Filters()),
    "article-russia-sirte-50km": ("article", Filters(actors=("Russia",), places=("Sirte",), radius_km=50.0)),
    "article-nothing-matches": ("article", Filters(actors=("Russia",), types=("agreement",), extent=ALL)),
    "multicountry-every-country": ("multicountry", Filters(countries=())),
    "big": ("big", Filters()),
    "big-every-country-every-event": ("big", Filters(countries=(), extent=ALL)),
    "big-turkey": ("big", Filters(actors=("Turkey",))),
    "big-sirte-50km": ("big", Filters(places=("Sirte",), radius_km=50.0)),
    "big-many-filters": ("big", MANY),
}


@pytest.mark.parametrize("case", list(CASES))
def test_no_box_leaves_the_frame_or_overlaps_another(case: str, renderer: Renderer, request) -> None:
    """Every element of the briefing inside 1920x1080, none on another, every force in the table or counted under it,
    nothing fetched from anywhere."""
    source, chosen = CASES[case]
    view, drawn = frame(request.getfixturevalue(source), chosen, renderer)
    assert (drawn.width, drawn.height) == (briefing.WIDTH, briefing.HEIGHT)
    assert drawn.texts("tick label") and drawn.texts("table header")
    assert rows_said(drawn) == len(view.forces)
    assert not drawn.refused, drawn.refused
    found = problems(drawn)
    assert not found, "\n".join(found)


def test_the_data_shapes_are_what_the_cases_say(big: Prepared) -> None:
    """The generated file fills the forces table past the frame and the map with places; Turkey has its forces."""
    view = snapshot.select(big, Filters())
    assert len(view.forces) >= 6 and view.total > 1_500
    assert len(view.map.marks) >= 25
    turkey = snapshot.select(big, Filters(actors=("Turkey",))).forces[forces.FORCE]
    assert {"Turkish armed forces", "Syrian mercenaries"} <= set(turkey)


def test_a_table_too_long_for_the_frame_says_how_many_more(big: Prepared, renderer: Renderer) -> None:
    """Forty forces with long cells: the rows that fit are drawn whole, the rest counted in the frame, nothing cut."""
    view = snapshot.select(big, Filters())
    long = " ".join(["a long evidence quote that goes on"] * 12)
    places = "; ".join(f"Place {j}" for j in range(12))
    rows = [{**view.forces.iloc[i % len(view.forces)].to_dict(), forces.FORCE: f"Force {i} of a long name here",
             forces.WHERE: places, forces.EVIDENCE: long} for i in range(40)]  # fmt: skip
    crowded = dataclasses.replace(view, forces=pd.DataFrame(rows))
    drawn = renderer.measure(briefing.build_briefing(crowded, big.registry.actors))
    found = problems(drawn)
    assert not found, "\n".join(found)
    shown = len(drawn.texts("table row"))
    assert 1 <= shown < 40 and rows_said(drawn) == 40
    assert f"and {40 - shown} more forces: see the dashboard" in drawn.texts("annotation")
    where = [re.fullmatch(r"(Place .*); and (\d+) more places", t) for t in drawn.texts("cell text")]
    [first, *_] = [m for m in where if m]  # the places cut, and counted: the count stays true
    assert len(first.group(1).split("; ")) + int(first.group(2)) == 12


def test_the_rules_allow_only_a_box_drawn_wholly_on_what_holds_it() -> None:
    """The allowances are exact: text in its own cell, row or legend passes; the same text sticking out of it, on
    another row, or on other text is reported; so is a box past the frame or a table row not drawn."""
    legend = Box("legend", "legend", "", None, 0, 900, 800, 1000)
    table = Box("table", "table", "", None, 900, 500, 1800, 900)
    row = Box("table row 1", "table row", "A", "table", 900, 550, 1800, 620)
    other = Box("table row 2", "table row", "B", "table", 900, 620, 1800, 690)
    cell = Box("table row 1 cell 0", "table cell", "A", "table row 1", 900, 550, 1000, 620)
    ok = [
        legend,
        table,
        row,
        other,
        cell,
        Box("legend entry 0", "legend entry", "x", "legend", 10, 910, 200, 930),
        Box("table row 1 cell 0 text", "cell text", "A", "table row 1 cell 0", 908, 558, 990, 600),
    ]
    assert problems(Drawn(1920, 1080, ok, {"table": (2, 2)})) == []
    bad = [
        Box("legend entry 1", "legend entry", "cut", "legend", 700, 910, 850, 930),  # past its legend's edge
        Box("table row 1 cell 0 text", "cell text", "long", "table row 1 cell 0", 908, 558, 1100, 600),  # next cell
        Box("table row 1 cell 1 text", "cell text", "down", "table row 1 cell 0", 908, 600, 990, 640),  # next row
        Box("annotation 1", "annotation", "note", None, 100, 915, 300, 935),  # on the legend's entry
        Box("annotation 2", "annotation", "off", None, 1800, 1070, 1930, 1090),  # past the frame
    ]
    found = problems(Drawn(1920, 1080, [legend, table, row, other, cell, *bad], {"table": (3, 2)}))
    assert sum("cut by the edge" in f for f in found) == 3 and any("'off'" in f and "frame" in f for f in found)
    assert any("'note'" in f and "legend" in f for f in found) and any("'down'" in f and "'B'" in f for f in found)
    assert "table: 1 of its 3 rows are not drawn" in found
