"""What each mark says (issue 15): shapes by what happened, colours by who, marks of one day side by side, a key for
each shape drawn and no other, the window named where its name fits, anchors always named, and a map that grows to
hold its legend and notes."""

from pathlib import Path

import pandas as pd
import pytest
import realshaped
from builders import shipped, store_of

from components import legend, snapshot
from components.charts import labels, places_map, timeline
from components.filter_types import ALL, Filters

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def view(prepared, **chosen):
    """What every view gets for these filters."""
    return snapshot.select(prepared, Filters(**chosen))


def drawn_points(fig):
    """(x, y, symbol, colour, text) of every marker the timeline draws (legend keys, with no point, aside)."""
    found = []
    for t in fig.data:
        if t.type == "scatter" and t.mode in ("markers", "markers+text") and t.x and t.x[0] is not None:
            symbols = t.marker.symbol if isinstance(t.marker.symbol, (list, tuple)) else [t.marker.symbol] * len(t.x)
            texts = t.text or [""] * len(t.x)
            found += [(x, y, s, t.marker.color, label) for x, y, s, label in zip(t.x, t.y, symbols, texts)]
    return found


def keys(fig):
    """The legend's entries that explain a shape (grey, no point of their own): (name, symbol)."""
    return {(t.name, t.marker.symbol) for t in fig.data
            if t.x == (None,) and t.mode == "markers" and t.marker.color == timeline.KEY_GREY}  # fmt: skip


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """The article's data with two real-shaped ACLED files imported: the current export and the 2016 API shape."""
    root = tmp_path_factory.mktemp("imported")
    store = store_of(*shipped(root), root)
    for name in ("acled_current.csv", "acled_2016.csv"):
        store.import_file(FIXTURES / name)
    return snapshot.prepare(store)


def test_a_statement_is_drawn_once_in_the_colour_of_the_state_that_speaks(article):
    """LBY-MEMO-0006 and -0007: the US ambassador's two calls of 28 January name Russia, Turkey and the UAE. They are
    one diamond in the United States' colour, labelled 2, not two diamonds in the colours of the states named."""
    shown = view(article)
    fig = timeline.build_timeline(shown.timeline, article.registry.actors, article.anchors, shown.ctx)
    colours = legend.colours(article.registry.actors)
    statements = [p for p in drawn_points(fig) if p[2] == timeline.SYMBOLS["statement"]]
    assert [(p[0], p[3], p[4]) for p in statements] == [("2021-01-28", colours["United States"], "2")]
    assert colours["United States"] not in (colours["Turkey"], colours["Russia"])


def test_a_turkey_view_has_no_russian_key(article):
    """Events naming Turkey, the US statements among them: the legend lists Turkey and the United States, and no
    state that none of its marks is drawn for."""
    shown = view(article, actors=("Turkey",))
    fig = timeline.build_timeline(shown.timeline, article.registry.actors, article.anchors, shown.ctx)
    states = {t.name for t in fig.data if t.legendrank is not None and t.legendrank < 1000 and t.x == (None,)}
    assert states == {"Turkey and its forces", "United States"}


def test_marks_of_one_lane_and_day_are_set_side_by_side(article):
    """Wagner Group on 29 January: two presence reports (Sirte, Jufra) and the trenches (ground activity). Two
    shapes, at one date, apart on the lane's height, each within its lane."""
    shown = view(article)
    fig = timeline.build_timeline(shown.timeline, article.registry.actors, article.anchors, shown.ctx)
    lane = shown.timeline.lanes[::-1].index("Wagner Group")
    wagner = [p for p in drawn_points(fig) if abs(p[1] - lane) < 0.5]
    assert {p[0] for p in wagner} == {"2021-01-29"}
    assert {p[2] for p in wagner} == {timeline.SYMBOLS["presence"], timeline.SYMBOLS["ground activity"]}
    heights = sorted(p[1] for p in wagner)
    assert heights[1] - heights[0] >= timeline.TITLED_DODGE - 1e-9
    assert all(abs(h - lane) <= timeline.TITLED_SPREAD for h in heights)


def test_offsets_spread_many_marks_within_the_lane():
    """Five marks of one day: evenly spread, none on another, all within the lane's band; a lone mark stays put."""
    lanes = pd.Series([3.0] * 5 + [1.0])
    xs = pd.Series(["2021-01-29"] * 5 + ["2021-01-29"])
    offsets = timeline.dodged(lanes, xs, titled=True)
    assert offsets[5] == 0
    assert list(offsets[:5]) == sorted(offsets[:5])  # side by side in the order they come
    five = sorted(offsets[:5])
    assert len(set(five)) == 5 and max(abs(o) for o in five) <= timeline.TITLED_SPREAD + 1e-9
    assert five == pytest.approx([-o for o in reversed(five)])  # centred on the lane's line


def test_dataset_events_get_the_shape_of_their_event_type(imported):
    """ACLED battles, explosions, strategic developments...: each its own shape and key, none the article's
    'presence' circle; ACLED's old names (2016) take their family's shape."""
    shown = view(imported, extent=ALL)
    fig = timeline.build_timeline(shown.timeline, imported.registry.actors, imported.anchors, shown.ctx)
    drawn = drawn_points(fig)
    shapes = {p[2] for p in drawn}
    found = keys(fig)
    types = set(shown.timeline.marks["kind"])
    assert "Battles" in types and "Battle-No change of territory" in types
    assert ("Battles", timeline.SYMBOLS["Battles"]) in found
    assert timeline.symbol("Battle-No change of territory") == timeline.SYMBOLS["Battles"]
    assert timeline.symbol("Headquarters or base established") == timeline.OTHER_SYMBOL
    assert {symbol for _, symbol in found} == shapes  # a key for every shape drawn, and a shape for every key
    assert ("presence", "circle") in found  # the article's own presence reports: the circle is theirs alone
    assert {p[2] for p in drawn if p[0] < "2020-10-01"} & {"circle"} == set()  # the datasets' events before them


def test_a_long_axis_names_the_window_in_its_legend(imported):
    """Every event from 2016: the window is a thin band, so its name is a legend key, not a label cut at the edge;
    the default window names it in its band."""
    wide = view(imported, extent=ALL)
    fig = timeline.build_timeline(wide.timeline, imported.registry.actors, imported.anchors, wide.ctx)
    names = {t.name for t in fig.data}
    assert "shaded: withdrawal window" in names
    assert timeline.WINDOW_NAME not in {a.text for a in fig.layout.annotations}
    narrow = view(imported)
    fig = timeline.build_timeline(narrow.timeline, imported.registry.actors, imported.anchors, narrow.ctx)
    assert timeline.WINDOW_NAME in {a.text for a in fig.layout.annotations}


def test_each_lane_is_named_above_it_on_the_page_and_beside_it_in_the_briefing(article):
    """The page's narrow column gives the plot its whole width: a lane's whole name stands above it."""
    shown = view(article)
    fig = timeline.build_timeline(shown.timeline, article.registry.actors, article.anchors, shown.ctx)
    titles = {a.text: a.y for a in fig.layout.annotations if a.yref == "y"}
    for i, lane in enumerate(shown.timeline.lanes[::-1]):
        assert titles[f"<b>{lane}</b>"] == pytest.approx(i + timeline.TITLE_OFFSET)
    assert list(fig.layout.yaxis.tickvals) == []


def test_an_anchor_is_named_even_over_other_marks():
    """Tripoli amid a grid of cells: an ordinary name that would cover a mark is left out, an anchor is written
    (with a halo) wherever it covers no other name and stays in the frame."""
    frame = labels.Frame((27.0, 35.0), (9.0, 19.0))
    cells = [(32.9 + dy, 13.2 + dx, 12.0) for dy in (-0.5, -0.25, 0, 0.25, 0.5) for dx in (-0.5, -0.25, 0, 0.25, 0.5)]
    wanted = pd.DataFrame({"location": ["Tripoli"], "latitude": [32.9], "longitude": [13.2], "size": [12.0]})
    assert labels.place(wanted, cells, frame) == [None]
    assert labels.place(wanted, cells, frame, frozenset({"Tripoli"})) == ["top right"]


def test_the_map_grows_to_hold_its_legend_and_notes(imported):
    """However many legend entries and notes, the figure gives each its height: the notes start below the last
    legend line."""
    shown = view(imported, extent=ALL)
    fig = places_map.build_map(shown.map, imported.registry.actors, shown.ctx)
    entries = [t for t in fig.data if t.showlegend is not False and t.name]
    notes = fig.layout.annotations[-1].text
    needed = places_map.LEGEND_LINE * len(entries) + places_map.NOTE_LINE * (notes.count("<br>") + 1)
    assert fig.layout.margin.b >= needed
    assert fig.layout.height == fig.layout.margin.t + places_map.PLOT + fig.layout.margin.b


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """The article's data with the real-shaped multi-country export (tests/realshaped.py) and its forces."""
    return realshaped.big(tmp_path_factory.mktemp("big"))


@pytest.mark.parametrize("chosen", [Filters(), Filters(actors=("Turkey",)), Filters(countries=(), extent=ALL)],
                         ids=["default", "turkey", "everything"])  # fmt: skip
def test_on_a_real_shaped_export_foreign_forces_are_on_top_and_the_legend_is_what_is_drawn(big, chosen):
    """Map and timeline: every grey trace (no foreign force named) is drawn before every coloured one; each state in
    the legend has marks drawn in its colour; each shape key has marks of its shape."""
    shown = snapshot.select(big, chosen, draw=True)
    for fig in shown.figures:
        drawn = [t for t in fig.data if t.mode in ("markers", "markers+text", "lines") and t.showlegend is False
                 or (getattr(t, "lat", None) or getattr(t, "x", None) or (None,))[0] is not None]  # fmt: skip
        colour = [t.marker.color if t.mode != "lines" else t.line.color for t in drawn]
        grey = [i for i, c in enumerate(colour) if c == legend.GREY]
        coloured = [i for i, c in enumerate(colour) if isinstance(c, str) and c in legend.PALETTE]
        assert coloured, "the export names foreign forces"
        assert not grey or max(grey) < min(coloured)
        states = {t.name for t in fig.data if t.showlegend is not False and t.legendrank is not None
                  and t.legendrank < 999}  # fmt: skip
        assert states <= {t.name for t in drawn}
    timeline_fig = shown.figures[1]
    assert {s for _, s in keys(timeline_fig)} == {p[2] for p in drawn_points(timeline_fig)}


def test_marks_of_several_states_at_one_place_are_set_around_it():
    """Three states at Sirte: three marks around it, each at least its width from the others (in pixels), their
    reach the whole cluster's; a lone mark at Tripoli stays on its point."""
    frame = labels.Frame((27.0, 35.0), (9.0, 19.0), 370.0, 420.0)
    points = pd.DataFrame({"latitude": [31.2, 31.2, 31.2, 32.9], "longitude": [16.6, 16.6, 16.6, 13.2]})
    sizes = pd.Series([30.0, 20.0, 14.0, 18.0])
    drawn = labels.spread(points, sizes, frame)
    assert (drawn.loc[3, "latitude"], drawn.loc[3, "longitude"]) == (32.9, 13.2) and drawn.loc[3, "reach"] == 18.0
    at = frame.pixels_of(drawn["latitude"].to_numpy()[:3], drawn["longitude"].to_numpy()[:3])
    apart = [((at[i] - at[j]) ** 2).sum() ** 0.5 for i in range(3) for j in range(i + 1, 3)]
    assert min(apart) >= 30.0  # the widest mark's width apart: none covers another
    assert drawn["reach"][:3].round(6).nunique() == 1 and drawn.loc[0, "reach"] >= 30.0 + 2 * 30.0 / 3**0.5
