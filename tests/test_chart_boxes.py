"""The dashboard's map and timeline at the widths a 1280- and a 1920-wide window give them: no element's box leaves the
figure or overlaps another (tests/boxes.py measures them in Chromium, drawn by the plotly.js the page uses), on the
article's data and on a real-shaped multi-country ACLED export (tests/realshaped.py), for the views the issue names."""

from __future__ import annotations

import pytest
import realshaped
from boxes import problems
from builders import shipped, store_of

from components import snapshot
from components.charts import places_map, timeline
from components.filter_types import ALL, Filters
from components.snapshot import Prepared

pytestmark = pytest.mark.browser

# The charts' widths in the page (measured in Chromium: map and timeline columns): 1280 wide, then 1920.
WIDTHS = {1280: (places_map.PAGE_WIDTH, timeline.PAGE_WIDTH), 1920: (places_map.WIDE_WIDTH, 871)}
VIEWS = {
    "article": ("article", Filters()),
    "article-every-event": ("article", Filters(extent=ALL)),
    "big": ("big", Filters()),
    "big-turkey": ("big", Filters(actors=("Turkey",))),
    "big-sirte-50km": ("big", Filters(places=("Sirte",), radius_km=50.0)),
    "big-every-country-every-event": ("big", Filters(countries=(), extent=ALL)),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict[str, Prepared]:
    """The article's data alone, and with the real-shaped export and its forces."""
    root = tmp_path_factory.mktemp("article")
    return {
        "article": snapshot.prepare(store_of(*shipped(root), root)),
        "big": realshaped.big(tmp_path_factory.mktemp("big")),
    }


@pytest.mark.parametrize("window", list(WIDTHS))
@pytest.mark.parametrize("case", list(VIEWS))
def test_no_box_of_the_charts_leaves_them_or_overlaps_another(case, window, data, renderer) -> None:
    """Titles, lane names, span labels, counts, place names, legends and notes: each inside its chart, none on
    another, at both widths."""
    prepared = data[VIEWS[case][0]]
    view = snapshot.select(prepared, VIEWS[case][1], draw=True)
    for figure, width in zip(view.figures, WIDTHS[window]):
        figure.update_layout(width=width)
        drawn = renderer.measure(figure)
        assert drawn.boxes and not drawn.refused
        assert problems(drawn) == [], f"{case} at {window}: {figure.layout.title.text[:40]}"
