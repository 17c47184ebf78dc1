"""The app through Streamlit's AppTest: filters change every view, the URL follows, bad links and data explain."""

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from builders import write_dataset
from streamlit.testing.v1 import AppTest

from components import briefing_view, exports, text
from components.loader import DATA_ENV, SEEDS_ENV

APP = str(Path(__file__).resolve().parent.parent / "dashboard.py")


def start(query: dict | None = None) -> AppTest:
    """Run the app once, with query parameters as if opened from a link."""
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return ok(at.run())


def ok(at: AppTest) -> AppTest:
    """The app after a run, which must have raised nothing."""
    assert not at.exception, [e.value for e in at.exception]
    return at


FIGURE = re.compile(r'<div class="figure-label">(.*?)</div><div class="figure-value">(.*?)</div>')


def metrics(at: AppTest) -> dict[str, str]:
    """The headline figures by label."""
    return dict(match.groups() for m in at.markdown if (match := FIGURE.search(m.value)))


class _Cells(HTMLParser):
    """The rows of the HTML tables in a piece of markdown, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._in_cell = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        """A new row, or a new cell in the current row."""
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self._in_cell = True

    def handle_data(self, data: str) -> None:
        """Text inside the current cell."""
        if self.rows and self.rows[-1] and self._in_cell:
            self.rows[-1][-1] += data

    def handle_endtag(self, tag: str) -> None:
        """Text after a cell closes is not the cell's."""
        if tag in ("td", "th"):
            self._in_cell = False


def shown(markdown: str) -> str:
    """Markdown as the reader sees it: escapes resolved, invisible word joiners dropped (see components.text)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace(text.WORD_JOINER, "")


def table(at: AppTest, name: str) -> list[dict[str, str]]:
    """The rows of the page's table of class cm-<name>, as dicts keyed by the header."""
    body = next(h.proto.body for h in at.get("html") if f'cm-table cm-{name}"' in h.proto.body)
    parser = _Cells()
    parser.feed(body)
    header, *rows = parser.rows
    return [dict(zip((h.strip() for h in header), (c.strip() for c in row))) for row in rows]


def forces_table(at: AppTest) -> list[str]:
    """The forces in the foreign forces table."""
    return [row["Force"] for row in table(at, "forces")]


def params(at: AppTest) -> dict[str, list[str]]:
    """The page's query parameters, each as a list of values."""
    return {k: v if isinstance(v, list) else [v] for k, v in at.query_params.items()}


def charts(at: AppTest) -> list[dict]:
    """The plotly figures on the page, as JSON."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


@pytest.fixture(scope="module")
def default() -> AppTest:
    """The app with no filters."""
    return start()


def test_default_page(default):
    """Title with as-of date, three figures, map and timeline, forces and events tables, no data issues."""
    assert default.title[0].value == "Foreign military forces in Libya — as of 29 Jan 2021"
    assert metrics(default) == {"Foreign forces present": "3", "Days since the deadline": "6", "Events shown": "11"}
    assert len(charts(default)) == 2
    assert "Wagner Group" in forces_table(default)
    assert len(table(default, "events")) == 11
    assert default.expander[0].label == "Data issues: none"
    assert params(default) == {}


def test_actor_filter_changes_every_view_and_the_url(default):
    """Russia with its forces: fewer events, only its forces, a note on sponsorship, the URL says so."""
    at = start()
    ok(at.sidebar.multiselect(key="actor").set_value(["Russia"]).run())
    assert params(at)["actor"] == ["Russia"]
    assert forces_table(at) == ["Russian mercenaries", "Wagner Group"]
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
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(SEEDS_ENV, str(seeds))
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
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(SEEDS_ENV, str(seeds))
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
    briefing_view._image.clear()  # a frame rendered by an earlier test must not hide the failure
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
    briefing_view._image.clear()
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
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(Path(APP).parent / "data", data)
    shutil.copytree(Path(APP).parent / "seeds", seeds)
    if broken == "seeds":
        shutil.rmtree(seeds)
    else:
        (data / broken).write_text((data / broken).read_text(encoding="utf-8").split("\n")[0] + "\n")
    monkeypatch.setenv(DATA_ENV, str(data))
    monkeypatch.setenv(SEEDS_ENV, str(seeds))
    at = start()
    [error] = [shown(e.value) for e in at.error]
    assert named in error
    assert len(table(at, "problems")) == rows if rows else at.expander[0].label == "Data issues: none"
    assert len(charts(at)) == 2
