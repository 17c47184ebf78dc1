"""Helpers for the AppTest tests: run the app, and read what a reader sees of its page."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from streamlit.testing.v1 import AppTest

from components import text

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
