"""Exports and the briefing command: CSV safe for spreadsheets, valid GeoJSON, a real PNG and PDF, clear errors."""

import io
import json
import sys

import pandas as pd
import pytest
from builders import run_entry

from components import briefing, exports, filters, snapshot
from components.filter_types import Filters
from components.pages import briefing_view

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rReturn", "plain = fine"]


def read_back(data: bytes) -> pd.DataFrame:
    """An exported CSV as a spreadsheet program would read it: every cell as text."""
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def where(prepared, **chosen):
    """The SQL of these filters."""
    return filters.where(Filters(**chosen), prepared.options, prepared.registry, prepared.names)


def test_csv_round_trips_every_filtered_row_with_provenance(small):
    """The CSV holds exactly the filtered rows, in file order, with dataset, file, line, quote and report date."""
    back = read_back(exports.to_bytes(exports.write_csv, small.store, where(small, places=("Beta", "Gamma"))))
    assert list(back.columns) == exports.CSV_COLUMNS
    assert list(back["event_id"]) == ["T2", "T4"]
    assert list(back["line"]) == ["3", "5"]  # their lines in events.csv
    assert list(back["evidence"]) == ["Rur Security Services contractors guard Beta.",
                                      "Syldavia sent advisers to Gamma on 1 March."]  # fmt: skip
    assert set(back["dataset"]) == {"article"} and set(back["source_file"]) == {"events.csv"}
    assert set(back["article"]) == {"tiny.txt"} and set(back["reported"]) == {"2021-03-02"}


def test_csv_neutralises_formulas():
    """Cells starting with = + - @ tab or return become text; other cells and numbers are untouched."""
    frame = pd.DataFrame({"notes": HOSTILE, "longitude": -13.5})
    back = read_back(exports.csv_bytes(frame))
    assert list(back["notes"]) == ["'" + cell for cell in HOSTILE[:-1]] + ["plain = fine"]
    assert set(back["longitude"]) == {"-13.5"}  # a number, not a formula
    assert exports.neutralise("=1") == "'=1" and exports.neutralise(-1.5) == -1.5


def test_geojson_is_valid_and_matches_the_rows(small):
    """One feature per row, points as [lon, lat], a null geometry where there is no single point."""
    collection = json.loads(exports.to_bytes(exports.write_geojson, small.store, where(small)))
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["event_id"]: f for f in collection["features"]}
    assert list(features) == ["T1", "T2", "T3", "T4"]  # the order of events.csv
    assert features["T1"]["geometry"] == {"type": "Point", "coordinates": [13.0, 32.0]}
    assert features["T3"]["geometry"] is None
    assert (features["T3"]["properties"]["start_date"], features["T3"]["properties"]["end_date"]) == (
        "2021-02-01", "2021-02-28")  # fmt: skip
    assert set(features["T1"]["properties"]) == set(exports.CSV_COLUMNS)


def test_file_names_say_what_they_are():
    """Kind, as-of date and filters, lower case, no spaces."""
    as_of = pd.Timestamp("2021-01-29")
    assert (
        exports.file_name("map", as_of, Filters(actors=("Russia",)), "png") == "libya-map-2021-01-29-actor-russia.png"
    )
    chosen = Filters(actors=("Wagner Group",), places=("Sirte",), radius_km=50)
    assert (
        exports.file_name("events", as_of, chosen, "") == "libya-events-2021-01-29-actor-wagner-group-place-sirte-50km"
    )


def test_chart_toolbar_saves_at_twice_the_scale():
    """The image button: PNG at 2x with the given name; the selection tools analysts do not use are gone."""
    config = exports.toolbar("libya-map-2021-01-29")
    assert config["toImageButtonOptions"] == {"format": "png", "filename": "libya-map-2021-01-29", "scale": 2}
    assert "lasso2d" in config["modeBarButtonsToRemove"] and config["displaylogo"] is False


def captured_figure(monkeypatch, call) -> dict:
    """Run call with rendering replaced by a recorder; return the figure it would have rendered."""
    seen = []
    monkeypatch.setattr(exports, "render", lambda fig, fmt: seen.append(json.loads(fig.to_json())) or b"")
    call()
    return seen[0]


def test_the_app_and_the_command_render_the_same_figure(monkeypatch, tmp_path, article):
    """The CLI's PNG and the app's export come from the same figure for the same filters."""
    chosen = Filters(actors=("Russia",), places=("Sirte",), radius_km=50)
    view = snapshot.select(article, chosen)
    actors = article.registry.actors
    from_app = captured_figure(
        monkeypatch, lambda: briefing_view._image.__wrapped__(briefing.build_briefing(view, actors).to_json(), "png")
    )
    argv = ["--actor", "Russia", "--place", "Sirte", "--radius-km", "50", "--out", str(tmp_path / "b.png")]
    from_cli = captured_figure(monkeypatch, lambda: briefing.run(argv))
    assert json.dumps(from_app, sort_keys=True, default=str) == json.dumps(from_cli, sort_keys=True, default=str)


def test_briefing_frame_states_its_context(article):
    """Title with as-of date, filters in words, figures and the source are part of the frame itself."""
    view = snapshot.select(article, Filters(actors=("Russia",)))
    fig = briefing.build_briefing(view, article.registry.actors)
    text = " ".join(a.text for a in fig.layout.annotations)
    assert (fig.layout.width, fig.layout.height) == (1920, 1080)
    assert "Foreign military forces in Libya — as of 29 Jan 2021" in text
    assert "Actor: Russia (incl. Russian mercenaries, Wagner Group)" in text
    assert "1 foreign force present (Russian mercenaries counted as Wagner Group, as the source says)" in text
    assert "6 days since the deadline" in text
    assert "Source: Middle East Monitor" in text
    table = next(t for t in fig.data if t.type == "table")
    assert [cell.replace("<br>", " ") for cell in table.cells.values[0]] == ["Wagner Group"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--actor", "Nobody"], "unknown actor='Nobody'"),
        (["--from", "2021-02-01", "--to", "2021-01-01"], "is after"),
        (["--from", "yesterday"], "from='yesterday'"),
        (["--radius-km", "far"], "radius_km='far'"),
    ],
)
def test_bad_filters_are_one_clear_error(tmp_path, argv, message):
    """A filter that matches nothing, reversed dates or a bad number stop with one line naming it."""
    with pytest.raises(SystemExit) as stop:
        briefing.run([*argv, "--out", str(tmp_path / "x.csv")])
    assert message in str(stop.value) and "\n" not in str(stop.value)
    assert not (tmp_path / "x.csv").exists()


def test_unwritable_or_unknown_outputs_are_one_clear_error(tmp_path):
    """A missing folder, a file in the way and an unknown extension are refused."""
    for out, message in [
        (tmp_path / "missing" / "b.csv", "does not exist"),
        (tmp_path / "b.docx", "extension must be one of"),
    ]:
        with pytest.raises(SystemExit, match=message):
            briefing.run(["--out", str(out)])
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(SystemExit, match="cannot write"):
        briefing.run(["--out", str(tmp_path / "dir.csv")])


def test_command_line_exit_code_and_message(tmp_path, monkeypatch, capsys):
    """Run as the program runs it (`python -m components.briefing`): a non-zero exit and a single line on stderr."""
    monkeypatch.setattr(sys, "argv", ["briefing.py", "--actor", "Nobody", "--out", str(tmp_path / "x.csv")])
    code, out, err = run_entry(briefing.main, capsys)
    assert code != 0 and out == ""
    assert err.strip().count("\n") == 0 and "unknown actor='Nobody'" in err
    assert not (tmp_path / "x.csv").exists()


def test_usage_errors_are_one_line_too(monkeypatch, capsys):
    """A missing --out or an unknown option: one line naming it, exit code 2."""
    for argv, named in ((["--actor", "Russia"], "--out"), (["--out", "x.csv", "--colour", "red"], "--colour red")):
        monkeypatch.setattr(sys, "argv", ["briefing.py", *argv])
        code, out, err = run_entry(briefing.main, capsys)
        assert code == 2 and out == "" and err.count("\n") == 1 and named in err, (argv, err)


def test_command_line_writes_csv_and_geojson(tmp_path):
    """The same filters as the URL give the same rows in both formats."""
    briefing.run(["--actor", "Russia", "--out", str(tmp_path / "e.csv")])
    briefing.run(["--actor", "Russia", "--out", str(tmp_path / "e.geojson")])
    rows = read_back((tmp_path / "e.csv").read_bytes())
    features = json.loads((tmp_path / "e.geojson").read_text())["features"]
    assert list(rows["uid"]) == [f["id"] for f in features]
    assert len(rows) == 6 and "LBY-MEMO-0009" in set(rows["event_id"])


@pytest.mark.browser
def test_png_and_pdf_are_real_images(chromium_path, tmp_path):
    """Rendered with kaleido in the system Chromium: a 1920x1080 PNG that is not blank, and a one-page PDF."""
    from PIL import Image, ImageStat
    from pypdf import PdfReader

    briefing.run(["--actor", "Russia", "--out", str(tmp_path / "b.png")])
    briefing.run(["--actor", "Russia", "--out", str(tmp_path / "b.pdf")])
    image = Image.open(tmp_path / "b.png")
    assert image.size == (1920, 1080)
    assert max(ImageStat.Stat(image.convert("L")).var) > 500  # a blank or one-colour frame has next to none
    reader = PdfReader(tmp_path / "b.pdf")
    assert len(reader.pages) == 1
    assert "Foreign military forces in Libya" in reader.pages[0].extract_text()
