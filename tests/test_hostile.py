"""Hostile links and data: every outside value reaches the page as plain text, on every surface that shows it."""

import csv
import html
import io
import json
import re

import pandas as pd
import pytest
from apptest import APP, charts, ok, shown, start, table
from builders import EVIL_FORCE, EVIL_PLACE, EVIL_PUBLISHER, EVIL_STATE, OTHER_HOST, store_of, use_data, write_hostile
from streamlit.testing.v1 import AppTest

from components import briefing, exports, snapshot, text
from components.filter_types import Filters

# Markdown syntax that would make a link, an image, HTML, emphasis or maths: never unescaped in an outside value.
UNESCAPED = re.compile(r"(?<!\\)[\[\]()!<>`$_]")
LINK = {
    "actor": f"![x](http://{OTHER_HOST}/pix.png)",
    "place": f"[bait](http://{OTHER_HOST}/)",
    "type": "**x**",
    "view": "<img src=x>",
    "timeline": "$x$",
    "radius_km": "_5_",
}


def assert_plain_markdown(markdown: str, value: str) -> None:
    """The markdown shows `value` as written and holds no markdown syntax that was not escaped."""
    assert value in shown(markdown), markdown
    assert not UNESCAPED.search(markdown), f"unescaped markdown in {markdown!r}"


def strings(node: object) -> list[str]:
    """Every string in a figure's JSON: labels, names, hovers, ticks and titles."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        node = list(node.values())
    return [s for item in node for s in strings(item)] if isinstance(node, list) else []


def assert_plain_plotly(figure: dict, value: str) -> None:
    """A figure (as JSON) shows `value` escaped for plotly, and holds none of its HTML as markup."""
    raw = "\n".join(strings(figure))
    assert text.plot(value) in raw
    for markup in ("<a ", "<b>Bold", "<img"):
        assert markup not in raw, f"{markup} reaches plotly as markup"


def test_markdown_escaping_keeps_the_text():
    """Escaped markdown reads back as the value, punctuation and line breaks included."""
    value = "a*b_c [d](e) ![f](g) <h> `i` $j$ :red[k] #l 1. m\nnext"
    assert shown(text.md(value)).replace("  \n", "\n") == value
    assert not UNESCAPED.search(text.md(value))


def test_plotly_escaping():
    """Plotly's HTML subset is escaped; plain text is unchanged."""
    assert text.plot('<a href="x">y</a> & <b>') == '&lt;a href="x"&gt;y&lt;/a&gt; &amp; &lt;b&gt;'
    assert text.lines("<b>" + "word " * 30, 40).count("<br>") >= 3
    assert "<b>" not in text.lines("<b>" + "word " * 30, 40)


def test_a_long_value_is_echoed_short():
    """A 10,000-character value is cut, with its length said, wherever it is echoed."""
    echoed = text.short("x" * 10_000)
    assert len(echoed) < 120 and "10,000 characters" in echoed


def test_every_notice_of_a_hostile_link_is_plain_text():
    """Each link value is named in a notice as written, with no markdown taking effect."""
    at = start({**LINK, "from": "y" * 10_000})
    notices = [w.value for w in at.warning]
    for key, value in LINK.items():
        [notice] = [n for n in notices if f"Ignored {key}=" in shown(n)]
        assert_plain_markdown(notice, value)
    [long] = [n for n in notices if "Ignored from=" in shown(n)]
    assert len(long) < 300 and "10,000 characters" in shown(long)


@pytest.fixture(scope="module")
def hostile_env(tmp_path_factory):
    """The hostile dataset's folders, for the app and the views."""
    return write_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.fixture
def hostile_app(hostile_env, monkeypatch):
    """The app on the hostile dataset, with the evil state chosen (header, caption and legend show it)."""
    data, seeds = hostile_env
    use_data(monkeypatch, data, seeds, data.parent / "store")
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["actor"] = EVIL_STATE
    return ok(at.run())


def test_header_names_hostile_data_as_text(hostile_app):
    """The filters and the source line in the header: the state and the publisher as written."""
    header = next(m.value for m in hostile_app.markdown if "Actor" in shown(m.value))
    assert_plain_markdown(header.replace("**", ""), EVIL_STATE)  # the header's own bold is the only markup
    assert_plain_markdown(header.replace("**", ""), EVIL_PUBLISHER)


def test_sidebar_caption_names_hostile_data_as_text(hostile_app):
    """'A state includes the forces it sponsors' with both names as written."""
    [caption] = [c.value for c in hostile_app.sidebar.caption if "includes" in shown(c.value)]
    assert_plain_markdown(caption, EVIL_FORCE)


def test_tables_escape_hostile_data(hostile_app):
    """The forces table shows the names as text: HTML-escaped, never parsed as markup or markdown."""
    [row] = table(hostile_app, "forces")
    assert row["Force"] == EVIL_FORCE and EVIL_PLACE in row["Where"]
    body = next(h.proto.body for h in hostile_app.get("html") if "cm-forces" in h.proto.body)
    assert "<a href" not in body and html.escape(EVIL_FORCE) in body


def test_widen_notice_names_hostile_data_as_text(hostile_env, monkeypatch):
    """The empty result's notice names the chosen actor as written."""
    data, seeds = hostile_env
    use_data(monkeypatch, data, seeds, data.parent / "store")
    at = start({"actor": EVIL_FORCE, "type": "statement"})
    [info] = [i.value for i in at.info if "Widen" in shown(i.value)]
    assert_plain_markdown(info, EVIL_FORCE)


def test_map_labels_legend_and_hover_escape_hostile_data(hostile_app):
    """Map: the place's label, the legend entry and the hover hold the names escaped for plotly."""
    figure = charts(hostile_app)[0]
    named = [t for t in figure["data"] if "text" in (t.get("mode") or "") and "Bold" in str(t.get("text"))]
    note = "".join(a["text"] for a in figure["layout"]["annotations"]).replace("<br>", " ")
    if named:  # named on the map, or, too long for its frame, listed in the note: escaped either way
        assert named[0]["text"] == [f"<b>{text.plot(EVIL_PLACE)}</b>"]
    else:
        assert text.plot(EVIL_PLACE).replace(" ", "") in note.replace(" ", "")
    assert any(text.plot(EVIL_STATE) in (t.get("name") or "") for t in figure["data"])
    assert any(text.plot(EVIL_FORCE) in "".join(t.get("hovertext") or []) for t in figure["data"])
    assert_plain_plotly(figure, EVIL_PLACE)


def test_timeline_axis_legend_and_title_escape_hostile_data(hostile_app):
    """Timeline: the lanes' names (written above them), the legend and the title's filters, escaped for plotly."""
    figure = charts(hostile_app)[1]
    lanes = [a["text"] for a in figure["layout"]["annotations"] if a.get("yref") == "y"]
    assert sorted(lanes) == sorted(f"<b>{text.plot(name)}</b>" for name in (EVIL_FORCE, EVIL_STATE))
    assert text.plot(EVIL_STATE) in figure["layout"]["title"]["text"]
    assert_plain_plotly(figure, EVIL_FORCE)


def test_briefing_escapes_hostile_data(hostile_env, tmp_path):
    """The briefing frame (PNG, PDF and the briefing view): title, table, labels and source line escaped."""
    prepared = snapshot.prepare(store_of(*hostile_env, tmp_path))
    view = snapshot.select(prepared, Filters(actors=(EVIL_STATE,)))
    figure = json.loads(briefing.build_briefing(view, prepared.registry.actors).to_json())
    assert_plain_plotly(figure, EVIL_STATE)  # the filters in words
    assert_plain_plotly(figure, EVIL_PUBLISHER)  # the source line
    [force] = next(t for t in figure["data"] if t["type"] == "table")["cells"]["values"][0]  # wrapped onto lines
    assert force.startswith("&lt;a href=") and "Evil&lt;/a&gt;" in force


def test_csv_export_neutralises_formulas_after_any_separator():
    """A spreadsheet that splits on ';' or a tab, where we wrote ',', still finds no cell that starts a formula."""
    events = pd.DataFrame({"event_id": ["H1"], "notes": ["ok;=1+5"], "source": ["ok\t@SUM(A1),-2"]})
    exported = exports.csv_bytes(events).decode("utf-8-sig")
    assert "ok;'=1+5" in exported and "ok\t'@SUM(A1),'-2" in exported
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(exported), delimiter=delimiter):
            assert not any(cell.startswith(exports.FORMULA_STARTS) for cell in row), (delimiter, row)
