"""The app through Streamlit's AppTest: filters change every view, the URL follows, bad links and data explain."""

import json
import shutil
from pathlib import Path

import pytest
from apptest import APP, charts, forces_table, metrics, ok, params, shown, start, table
from builders import copy_data, copy_seeds, store_of, use_data, write_dataset
from streamlit.testing.v1 import AppTest

from components import exports
from components.pages import briefing_view


@pytest.fixture(scope="module")
def default() -> AppTest:
    """The app with no filters."""
    return start()


def test_default_page(default):
    """Title with as-of date, three figures, map and timeline, forces and events tables, no data issues."""
    assert default.title[0].value == "Foreign military forces in Libya — as of 29 Jan 2021"
    assert metrics(default) == {"Foreign forces present": "2", "Days since the deadline": "6", "Events shown": "11"}
    assert len(charts(default)) == 2
    assert "Wagner Group" in forces_table(default)
    assert len(table(default, "events")) == 11
    assert default.expander[0].label == "Data issues: none"
    assert params(default) == {}


def test_the_sidebar_has_a_widget_for_each_entry_of_the_filter_table(default):
    """The sidebar is drawn from the filter table: one widget per entry that declares one, with the entry's label."""
    from components.pages.sidebar import WIDGETS

    drawn = {w.key: w.label for kind in ("multiselect", "number_input", "date_input", "toggle")
             for w in getattr(default.sidebar, kind)}  # fmt: skip
    assert {f.state_key: f.widget.label for f in WIDGETS}.items() <= drawn.items()
    assert len(WIDGETS) == 11 and set(drawn) - {f.state_key for f in WIDGETS} == {"briefing"}


def test_events_outside_the_window_are_announced_with_a_way_to_show_them():
    """Above the timeline: how many events its window leaves out, and one click that shows every event."""
    at = start()
    [note] = [i.value for i in at.info if "outside the timeline's window" in i.value]
    hidden = int(note.split(" ")[0].replace(",", ""))
    assert hidden > 0
    ok(at.button(key="show_every_event").click().run())
    assert at.sidebar.toggle(key="extent").value is True and params(at)["timeline"] == ["all"]
    assert not [i for i in at.info if "outside the timeline's window" in i.value]


def test_actor_filter_changes_every_view_and_the_url(default):
    """Russia with its forces: fewer events, only its forces, a note on sponsorship, the URL says so."""
    at = start()
    ok(at.sidebar.multiselect(key="actor").set_value(["Russia"]).run())
    assert params(at)["actor"] == ["Russia"]
    assert forces_table(at) == ["Wagner Group"]  # its Russian mercenaries counted with it
    assert int(metrics(at)["Events shown"]) < 11
    assert len(table(at, "events")) == int(metrics(at)["Events shown"])
    assert any("Russia includes Russian mercenaries, Wagner Group" in shown(c.value) for c in at.sidebar.caption)
    assert "Actor: Russia (incl. Russian mercenaries, Wagner Group)" in shown(at.markdown[1].value)
    map_before, map_after = charts(default)[0], charts(at)[0]
    assert map_before["data"] != map_after["data"]
    assert "Actor: Russia" in map_after["layout"]["title"]["text"]


def test_place_filter_with_radius(default):
    """Tripoli alone, then within 400 km of Tripoli, which reaches Sirte (371 km) but not Jufra."""
    at = start()
    ok(at.sidebar.multiselect(key="place").set_value(["Tripoli"]).run())
    assert metrics(at)["Events shown"] == "2"
    ok(at.sidebar.number_input(key="radius_km").set_value(400.0).run())
    assert metrics(at)["Events shown"] == "3"
    assert params(at) == {"place": ["Tripoli"], "radius_km": ["400"]}
    assert "Place: within 400 km of Tripoli" in shown(at.markdown[1].value)


def test_type_and_date_filters():
    """Statements only; then a date range that excludes them."""
    at = start()
    ok(at.sidebar.multiselect(key="type").set_value(["statement"]).run())
    assert metrics(at)["Events shown"] == "2"
    ok(at.sidebar.date_input(key="dates").set_value(("2021-01-29", "2021-01-29")).run())
    assert metrics(at)["Events shown"] == "0"
    assert params(at)["from"] == ["2021-01-29"] and "to" not in params(at)  # the last day of the data is no limit
    widen = "No events match the filters. Widen event type (statement); the dates."
    assert any(widen in shown(i.value) for i in at.info)
    assert len(charts(at)) == 2  # the empty views still draw


def test_query_parameters_restore_a_view():
    """A shared link reopens the same filters."""
    at = start({"actor": ["Turkey"], "type": ["presence", "ground activity"], "timeline": "all"})
    assert at.sidebar.multiselect(key="actor").value == ["Turkey"]
    assert at.sidebar.multiselect(key="type").value == ["presence", "ground activity"]
    assert at.sidebar.toggle(key="extent").value is True
    assert forces_table(at) == ["Turkish armed forces"]
    assert metrics(at)["Events shown"] == "2"


def test_unknown_values_in_a_link_are_noticed_not_fatal():
    """Values that match nothing are dropped and named; the rest of the link still applies."""
    at = start({"actor": ["Russia", "Atlantis Navy"], "from": "someday"})
    notices = " ".join(shown(w.value) for w in at.warning)
    assert "actor='Atlantis Navy'" in notices and "from='someday'" in notices
    assert at.sidebar.multiselect(key="actor").value == ["Russia"]
    assert params(at)["actor"] == ["Russia"]  # the URL is cleaned


def test_a_rejected_row_is_shown_in_the_data_issues_panel(tmp_path, monkeypatch):
    """A bad row leaves the views and appears in the panel with its file, line and reason."""
    data, seeds = write_dataset(tmp_path)
    events_csv = data / "events.csv"
    events_csv.write_text(events_csv.read_text().replace("2021-03-01", "2021-02-30"), encoding="utf-8")
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    at = start()
    assert at.expander[0].label == "Data issues: 1 row(s) rejected"
    [rejected] = table(at, "problems")
    assert (rejected["File"], rejected["Line"]) == ("events.csv", "5")
    assert "'2021-02-30'" in rejected["Problems"]
    assert metrics(at)["Events shown"] == "3"


def test_an_unreadable_file_is_one_clear_error(tmp_path, monkeypatch):
    """A missing file is named in one error; the events that needed it are listed, the rest still shown."""
    data, seeds = write_dataset(tmp_path)
    (data / "places.csv").unlink()
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    at = start()
    assert len(at.error) == 1 and "places.csv: file not found" in shown(at.error[0].value)
    assert {row["File"] for row in table(at, "problems")} == {"events.csv"}  # the located events, listed
    assert metrics(at)["Events shown"] == "1"  # the truce names no place


@pytest.mark.browser
def test_briefing_view_is_one_image_that_states_its_filters(chromium_path):
    """view=briefing shows the rendered 16:9 frame, described in words for screen readers and searches."""
    at = start({"view": "briefing", "actor": "Russia"})
    frame = at.get("html")[0].proto.body
    assert 'class="briefing-frame" src="data:image/png;base64,' in frame
    assert "Actor: Russia (incl. Russian mercenaries, Wagner Group)" in frame
    assert not at.get("plotly_chart")  # the frame only: no dashboard below it
    assert at.sidebar.toggle(key="briefing").value is True


def test_briefing_view_without_a_renderer_falls_back_to_the_live_frame(monkeypatch):
    """With no Chromium for kaleido the page says so and still shows the frame."""

    def fail(fig, fmt):
        raise exports.RenderError("no Chromium")

    monkeypatch.setattr(exports, "render", fail)
    briefing_view._image.cache_clear()  # a frame rendered by an earlier test must not hide the failure
    at = start({"view": "briefing"})
    assert "no Chromium" in at.warning[0].value
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert spec["layout"]["width"] == 1920 and spec["layout"]["height"] == 1080


def test_briefing_toggle_writes_the_view_to_the_url():
    """The sidebar toggle and the URL's view=briefing are the same switch."""
    at = start()
    ok(at.sidebar.toggle(key="briefing").set_value(True).run())
    assert params(at)["view"] == ["briefing"]


@pytest.mark.parametrize(
    "query",
    [
        {"actor": "Russia", "type": "agreement", "timeline": "all"},
        {"actor": "Russia", "type": "agreement", "timeline": "all", "view": "briefing"},
        {"from": "2021-01-29", "type": "agreement", "timeline": "all"},
    ],
    ids=["every event", "briefing", "dates"],
)
def test_an_empty_result_draws_every_view(query, monkeypatch):
    """Nothing matches: no traceback; the charts keep their axes and say which filters to widen."""
    monkeypatch.setattr(exports, "render", lambda fig, fmt: (_ for _ in ()).throw(exports.RenderError("no image")))
    briefing_view._image.cache_clear()
    at = start(query)
    figures = charts(at)
    notes = " ".join(a["text"] for f in figures for a in f["layout"].get("annotations", [])).replace("<br>", " ")
    assert "Widen" in notes and "event type (agreement)" in notes
    for figure in figures:
        axes = [v for k, v in figure["layout"].items() if k.startswith("xaxis")]
        assert all(axis["type"] == "date" and len(axis["range"]) == 2 for axis in axes)


@pytest.mark.parametrize(
    ("broken", "named", "rows"),
    [("actors.csv", "actors.csv: no rows", 11), ("events.csv", "events.csv: no rows", 0), ("seeds", "folder", 21)],
)
def test_an_empty_file_or_missing_folder_is_named_and_its_rows_listed(tmp_path, monkeypatch, broken, named, rows):
    """An actors.csv or events.csv with only its header, or no seeds folder: one message, the rejected rows listed."""
    data, seeds = copy_data(tmp_path / "data"), copy_seeds(tmp_path / "seeds")
    if broken == "seeds":
        shutil.rmtree(seeds)
    else:
        (data / broken).write_text((data / broken).read_text(encoding="utf-8").split("\n")[0] + "\n")
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    at = start()
    [error] = [shown(e.value) for e in at.error]
    assert named in error
    assert len(table(at, "problems")) == rows if rows else at.expander[0].label == "Data issues: none"
    assert len(charts(at)) == 2


@pytest.fixture
def imported(tmp_path, monkeypatch):
    """The app on a copy of the shipped data with ACLED's current export and a file of bad lines imported."""
    from builders import shipped, store_of

    data, seeds = shipped(tmp_path)
    store = store_of(data, seeds, tmp_path)
    for name in ("acled_current.csv", "bad_lines.csv"):
        store.import_file(Path(__file__).resolve().parent / "fixtures" / name)
    store.close()
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    return tmp_path


def test_imported_events_show_with_their_provenance(imported):
    """Dataset events beside the article's: counted, in the table with their file and line, in the source line."""
    at = start({"timeline": "all"})
    assert metrics(at)["Events shown"] == "21"  # the article's 11, ACLED's 7 and bad_lines' 3 good rows
    rows = {row["ID"]: row for row in table(at, "events")}
    assert rows["LBY90001"]["Source"] == "ACLED (Libya Observer; Libya Herald) · sources/acled/acled_current.csv line 2"
    assert rows["LBY90001"]["Evidence"].startswith("ACLED notes: On 4 June 2020")
    assert "ACLED: 2 files, 10 events" in shown(at.markdown[1].value)
    assert "ACLED (10)" in at.sidebar.multiselect(key="dataset").options


def test_dataset_and_country_filters_come_from_the_link(imported):
    """?dataset=ACLED shows only ACLED's events; the title names the countries shown."""
    at = start({"dataset": "ACLED", "timeline": "all"})
    assert metrics(at)["Events shown"] == "10"
    assert {row["ID"][:3] for row in table(at, "events")} == {"LBY"}
    assert at.title[0].value.startswith("Foreign military forces in Libya")


def test_actors_and_places_are_offered_for_the_countries_chosen(tmp_path, monkeypatch):
    """With Libya chosen (the default) the actor and place lists hold Libya's; with Tunisia, Tunisia's (curated
    actors first); a value already chosen stays offered."""
    from builders import shipped, store_of

    data, seeds = shipped(tmp_path)
    store = store_of(data, seeds, tmp_path)
    store.import_file(Path(__file__).resolve().parent / "fixtures" / "acled_multicountry.csv")
    store.close()
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    at = start()
    actors, places = at.sidebar.multiselect(key="actor").options, at.sidebar.multiselect(key="place").options
    assert "Protesters (Libya)" in actors and "Protesters (Tunisia)" not in actors and "Turkey" in actors
    assert "Benghazi" in places and "Tunis" not in places and "Al Arish" not in places
    ok(at.sidebar.multiselect(key="actor").set_value(["Turkey"]).run())
    ok(at.sidebar.multiselect(key="country").set_value(["Tunisia"]).run())
    actors, places = at.sidebar.multiselect(key="actor").options, at.sidebar.multiselect(key="place").options
    assert actors == ["Turkey", "Protesters (Tunisia)"], actors  # the chosen one kept, first as curated
    assert sorted(places) == ["Medenine", "Tunis"]


def test_data_issues_are_grouped_by_file(imported):
    """The panel counts problem rows per file, lists them with their reasons, and offers them all as CSV."""
    at = start()
    assert at.expander[0].label == "Data issues: 6 row(s) rejected"
    [per_file] = table(at, "problem-files")
    assert (per_file["File"], per_file["Rows with problems"]) == ("sources/acled/bad_lines.csv", "6")
    listed = table(at, "problems")
    assert [row["Line"] for row in listed] == ["3", "4", "5", "7", "8", "9"]
    assert "expected 31 fields, as in the header" in listed[0]["Problems"]
    assert any(b.label == "All problems (CSV)" for b in at.get("download_button"))


def test_too_many_rows_for_the_browser_give_the_command_instead(monkeypatch):
    """Past IN_BROWSER_ROWS the events export is the command that streams it (plain HTML: no code bundle)."""
    monkeypatch.setattr(briefing_view, "IN_BROWSER_ROWS", 5)
    at = start({"actor": "Russia"})
    labels = [b.label for b in at.get("download_button")]
    assert not any(label.startswith("Events") for label in labels)
    [line] = [h.proto.body for h in at.get("html") if "cm-command" in h.proto.body]
    assert "conflict-monitor briefing --actor Russia --out" in line and not at.get("code")


def test_since_a_day_a_changes_panel_stands_above_the_views_and_a_line_shows_its_events():
    """?since=: the panel says the window and how changes are counted, its summary and its lines; choosing a line
    shows the events it counts. The article's events were all reported on 29 January: new since the 25th."""
    at = start({"since": "2021-01-25"})
    assert [s.value for s in at.subheader][0] == "Changes"
    assert any("11 new events" in m.value for m in at.markdown)
    assert any("counted by when they were reported" in shown(c.value) for c in at.caption)
    pick = at.selectbox(key="changes-pick-new")
    line = next(option for option in pick.options if "LBY-MEMO-0009" in option or "Sirte" in option)
    ok(pick.set_value(line).run())
    assert any("changes-events-new" in h.proto.body for h in at.get("html"))
    assert "Changes since 25 Jan 2021 (by report)" in shown(at.markdown[1].value)
    later = start({"since": "2021-02-01"})
    assert any("0 new events" in m.value for m in later.markdown)


def test_the_digest_page_opens_from_its_link():
    """?view=digest: the digest of everything since a day, no error."""
    at = start({"view": "digest", "since": "2021-01-25"})
    assert [t.value for t in at.title] == ["What changed"]  # the digest's page, not the dashboard's
    assert "Watchlists" in [h.value for h in at.header]
    assert not at.get("plotly_chart") or all("When —" not in c.proto.spec for c in at.get("plotly_chart"))
    assert params(at)["view"] == ["digest"]


def test_serve_opens_the_store_and_counts_its_options_before_the_first_page(tmp_path, monkeypatch):
    """`conflict-monitor serve` fills the caches the first page reads (cache.warm): that page then counts no option
    again. A store its files have moved on from is left to the first page (which shows its bar): nothing is built."""
    from components.pages import cache

    data, seeds = copy_data(tmp_path / "data"), copy_seeds(tmp_path / "seeds")
    use_data(monkeypatch, data, seeds, tmp_path / "store")
    store_of(data, seeds, tmp_path)  # a team's store, built before the server restarts
    assert cache.warm()

    def counted_again(store: object) -> None:
        """The options of a store the server has already prepared."""
        raise AssertionError("the first page prepared the store again")

    monkeypatch.setattr(cache, "prepare", counted_again)
    assert metrics(ok(AppTest.from_file(APP, default_timeout=60).run()))["Events shown"] == "11"
    current = (tmp_path / "store" / "CURRENT").read_text()
    with (data / "events.csv").open("a", encoding="utf-8") as events:  # an analyst's edit, not yet in the store
        events.write((data / "events.csv").read_text(encoding="utf-8").splitlines()[-1].replace("LBY-", "LBY-X", 1))
        events.write("\n")
    assert not cache.warm() and (tmp_path / "store" / "CURRENT").read_text() == current
