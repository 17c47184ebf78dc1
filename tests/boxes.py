"""The boxes of what a plotly figure shows, measured in Chromium, and the boxes that leave the frame or overlap.

A figure is drawn at its own width and height by the plotly.js that the installed plotly package bundles (the one
kaleido draws the exported PNG with), on a page whose every request is answered from local files: plotly.min.js
from the package, the map's topojson from static/topojson (as exports.start_renderer points kaleido at it). Any other
request is refused and recorded, so a frame that would need another host says so.

`measure` returns the boxes, each with what it is, its text and the box allowed to hold it; `problems` lists the
boxes outside the frame and the pairs that overlap, in words.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from pathlib import Path

import plotly
import plotly.graph_objects as go

REPO = Path(__file__).resolve().parent.parent
PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
TOPOJSON_DIR = REPO / "static" / "topojson"
HOST = "http://boxes.invalid"  # never resolved: Playwright answers its requests from the files above
PAGE = (
    "<!doctype html><html><head><meta charset='utf-8'><style>html, body {margin: 0; padding: 0}</style>"
    "<script src='plotly.min.js'></script></head><body><div id='figure'></div></body></html>"
)
TOUCH_PX = 1.0  # boxes that share an edge (table rows, a row's cells) meet within a pixel of anti-aliasing
FRAME_PX = 0.5  # sub-pixel rounding at the frame's edge
# Drawn under a clip of their parent's shape: outside it they are cut or hidden (a table's scroll area clips its rows,
# a legend's box its entries, a map's frame its place names, a subplot its marks' text), so they must lie inside it.
CLIPPED = {"legend entry", "table header", "table row", "table cell", "cell text", "map text", "mark text"}

# Draw the figure (staticPlot, as kaleido does: no modebar) and wait until every promise of the plot has settled,
# the topojson fetch among them; then the map's land must be drawn, or the boxes would be those of an empty map.
DRAW = """async ([figure, topojson]) => {
    const gd = document.getElementById('figure');
    Plotly.purge(gd);
    await Plotly.newPlot(gd, figure.data, figure.layout, {staticPlot: true, topojsonURL: topojson});
    const geos = Object.keys(gd._fullLayout).filter((k) => /^geo\\d*$/.test(k)).length;
    if (geos && document.querySelectorAll('.geolayer .geo .layer path').length === 0) {
        throw new Error('the map was drawn without its topojson');
    }
}"""

# Every element that shows something, as [id, kind, text, parent id, left, top, right, bottom]. The parent is the box
# the element is allowed to sit in (problems() explains each allowance); null when it must touch nothing.
COLLECT = """() => {
    const gd = document.getElementById('figure');
    const full = gd._fullLayout;
    const found = [];
    const seen = new Set();
    const box = (r) => [r.left, r.top, r.right, r.bottom];
    const shown = (el) => {
        for (let e = el; e && e !== gd; e = e.parentElement) {
            const style = getComputedStyle(e);
            if (style.display === 'none' || style.visibility === 'hidden' || parseFloat(style.opacity) === 0) {
                return false;
            }
        }
        return true;
    };
    const add = (id, kind, text, parent, rect, el) => {
        if (el) seen.add(el);
        if (rect[2] - rect[0] <= 0 || rect[3] - rect[1] <= 0) return;
        found.push([id, kind, text, parent, ...rect]);
    };
    const lines = (el) => {  // a text's lines (plotly draws each as a tspan.line), with a space between them
        const parts = el.querySelectorAll('tspan.line');
        return parts.length ? [...parts].map((t) => t.textContent).join(' ') : el.textContent;
    };
    const words = (el) => [...(el.matches('text') ? [el] : el.querySelectorAll('text'))].map(lines).join(' ')
        .replace(/\\s+/g, ' ').trim();
    const union = (rects) => [Math.min(...rects.map((r) => r[0])), Math.min(...rects.map((r) => r[1])),
                              Math.max(...rects.map((r) => r[2])), Math.max(...rects.map((r) => r[3]))];

    // Plot areas: each cartesian subplot's axes rectangle, and each map's frame (its background layer).
    const areas = {};
    for (const [name, plot] of Object.entries(full._plots || {})) {
        const x = plot.xaxis, y = plot.yaxis;
        areas[x._id] = areas[y._id] = 'plot ' + name;
        add('plot ' + name, 'plot area', name, null, [x._offset, y._offset, x._offset + x._length,
            y._offset + y._length]);
    }
    document.querySelectorAll('.geolayer .geo').forEach((g, i) => {
        const bg = g.querySelector('.layer.bg rect');
        if (bg) add('plot geo' + (i || ''), 'plot area', 'map', null, box(bg.getBoundingClientRect()));
    });

    // The legend's box, and each entry (its symbol and its text together).
    document.querySelectorAll('.infolayer .legend').forEach((legend, i) => {
        const id = 'legend' + (i || '');
        const bg = legend.querySelector('rect.bg');
        if (!shown(legend) || !bg) return;
        add(id, 'legend', '', null, box(bg.getBoundingClientRect()), bg);
        legend.querySelectorAll('.traces').forEach((entry, j) => {
            const parts = [...entry.querySelectorAll('.legendtext, .legendsymbols path')].filter(shown);
            parts.forEach((p) => seen.add(p));
            if (!parts.length || !words(entry)) return;
            add(`${id} entry ${j}`, 'legend entry', words(entry), id,
                union(parts.map((p) => box(p.getBoundingClientRect()))));
        });
        legend.querySelectorAll('text').forEach((t) => {  // a legend title
            if (!seen.has(t) && words(t) && shown(t)) add(`${id} text`, 'legend title', words(t), id,
                box(t.getBoundingClientRect()), t);
        });
    });

    // Tables: the area rows are drawn in (the scroll area plotly clips them to), each row (its cells' union,
    // header first), each cell (plotly clips a cell's text to its column) and the cell's text. The rows of the
    // data are counted, so that rows not drawn at all are known.
    const tables = [];
    document.querySelectorAll('.table').forEach((table, i) => {
        const id = 'table' + (i || '');
        const area = table.querySelector('.scroll-background');
        add(id, 'table', '', null, box(area.getBoundingClientRect()), area);
        const rows = new Map();
        table.querySelectorAll('.column-cell').forEach((cell) => {
            const r = box(cell.querySelector('.cell-rect').getBoundingClientRect());
            const key = Math.round(r[1]);  // the cells of a row share their top, column after column
            if (!rows.has(key)) rows.set(key, {cells: []});
            const text = cell.querySelector('.cell-text');
            rows.get(key).cells.push([cell, text && words(text) ? text : null, r]);
        });
        [...rows.keys()].sort((a, b) => a - b).forEach((key, j) => {
            const row = rows.get(key);
            const rowId = `${id} row ${j}`;
            const first = row.cells.length ? words(row.cells[0][1] || row.cells[0][0]) : '';
            add(rowId, j === 0 ? 'table header' : 'table row', first, id, union(row.cells.map((c) => c[2])));
            row.cells.forEach(([cell, text, rect], k) => {
                const cellId = `${rowId} cell ${k}`;
                add(cellId, 'table cell', text ? words(text) : '', rowId, rect);
                if (text) add(`${cellId} text`, 'cell text', words(text), cellId, box(text.getBoundingClientRect()),
                              text);
            });
        });
        const trace = gd._fullData.filter((t) => t.type === 'table')[i];
        tables.push([id, trace.cells.values.length ? trace.cells.values[0].length : 0, rows.size - 1]);
    });

    // Annotations: one on an axis belongs to that subplot (a label of the chart), one on the paper to the frame.
    document.querySelectorAll('.infolayer .annotation').forEach((a) => {
        const index = Number(a.getAttribute('data-index'));
        const spec = full.annotations[index] || {};
        const text = a.querySelector('.annotation-text');
        if (!text || !words(text) || !shown(a)) return;
        const axis = (ref) => areas[String(ref).replace(' domain', '')];
        const parent = axis(spec.xref) || axis(spec.yref) || null;
        add(`annotation ${index}`, 'annotation', words(text), parent, box(text.getBoundingClientRect()), text);
    });

    // Text drawn by traces: the map's place names, a timeline mark's count. Such text is a mark of its subplot.
    document.querySelectorAll('.geolayer .geo').forEach((g, i) => {
        g.querySelectorAll('text').forEach((t, j) => {
            if (words(t) && shown(t)) add(`map text ${i}.${j}`, 'map text', words(t), 'plot geo' + (i || ''),
                box(t.getBoundingClientRect()), t);
        });
    });
    document.querySelectorAll('.cartesianlayer .subplot').forEach((s) => {
        const name = [...s.classList].find((c) => c !== 'subplot');
        s.querySelectorAll('.overplot text, .plot text').forEach((t, j) => {
            if (words(t) && shown(t)) add(`mark text ${name}.${j}`, 'mark text', words(t), 'plot ' + name,
                box(t.getBoundingClientRect()), t);
        });
    });

    // Axis tick labels and every other text (titles...): each must stand clear of everything.
    document.querySelectorAll('.main-svg text').forEach((t, j) => {
        if (seen.has(t) || !words(t) || !shown(t)) return;
        const tick = t.closest('.xtick, .ytick');
        add(`text ${j}`, tick ? 'tick label' : 'text', words(t), null, box(t.getBoundingClientRect()), t);
    });
    return {boxes: found, tables: tables};
}"""


@dataclass(frozen=True)
class Box:
    """One element's box in CSS pixels of the frame, what it is and its text."""

    id: str
    kind: str
    text: str
    parent: str | None  # the box this one may sit in (its legend, row, table, plot area); None: it touches nothing
    x0: float
    y0: float
    x1: float
    y1: float

    def __str__(self) -> str:
        """The box as a report names it."""
        words = self.text if len(self.text) <= 60 else self.text[:57] + "..."
        return f"{self.kind} {words!r} [{self.x0:.0f}, {self.y0:.0f}, {self.x1:.0f}, {self.y1:.0f}]"

    def inside(self, other: Box, slack: float = TOUCH_PX) -> bool:
        """Whether this box lies within the other."""
        return (self.x0 >= other.x0 - slack and self.y0 >= other.y0 - slack and self.x1 <= other.x1 + slack
                and self.y1 <= other.y1 + slack)  # fmt: skip

    def overlaps(self, other: Box) -> bool:
        """Whether the two boxes share more than an edge."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        return width > TOUCH_PX and height > TOUCH_PX


@dataclass(frozen=True)
class Drawn:
    """A figure as Chromium drew it: its size, its boxes, its tables' rows, the requests refused."""

    width: int
    height: int
    boxes: list[Box]
    tables: dict[str, tuple[int, int]]  # table id -> (rows of data, rows drawn)
    refused: list[str] = field(default_factory=list)

    def texts(self, kind: str) -> list[str]:
        """The texts of the boxes of one kind."""
        return [b.text for b in self.boxes if b.kind == kind]


class Renderer:
    """One Chromium page with plotly.js loaded, reused for figure after figure (loading plotly.js costs a second)."""

    def __init__(self, browser: object) -> None:
        self.refused: list[str] = []
        self.page = browser.new_page()
        self.page.route("**/*", self._answer)
        self.page.goto(f"{HOST}/index.html")
        self.page.wait_for_function("() => typeof Plotly !== 'undefined'")

    def _answer(self, route: object) -> None:
        """Answer the page from local files; refuse and record anything else."""
        url = route.request.url
        name = url.rsplit("/", 1)[-1]
        if url == f"{HOST}/index.html":
            route.fulfill(body=PAGE, content_type="text/html")
        elif url == f"{HOST}/plotly.min.js":
            route.fulfill(path=str(PLOTLY_JS), content_type="text/javascript")
        elif url.startswith(f"{HOST}/topojson/") and (TOPOJSON_DIR / name).is_file():
            route.fulfill(path=str(TOPOJSON_DIR / name), content_type="application/json")
        else:
            self.refused.append(url)
            route.abort()

    def measure(self, figure: go.Figure) -> Drawn:
        """Draw the figure at its own width and height and measure every element that shows something."""
        width, height = int(figure.layout.width), int(figure.layout.height)
        self.page.set_viewport_size({"width": width, "height": height})
        self.refused.clear()
        self.page.evaluate(DRAW, [json.loads(figure.to_json()), f"{HOST}/topojson/"])
        found = self.page.evaluate(COLLECT)
        boxes = [Box(*row[:4], *(float(v) for v in row[4:])) for row in found["boxes"]]
        tables = {name: (int(rows), int(drawn)) for name, rows, drawn in found["tables"]}
        return Drawn(width, height, boxes, tables, list(self.refused))

    def close(self) -> None:
        """Close the page."""
        self.page.close()


def _ancestors(box: Box, by_id: dict[str, Box]) -> set[str]:
    """The ids of the boxes that hold this one: its parent, the parent's parent..."""
    found: set[str] = set()
    parent = box.parent
    while parent and parent not in found:
        found.add(parent)
        parent = by_id[parent].parent if parent in by_id else None
    return found


def problems(drawn: Drawn) -> list[str]:
    """The boxes that leave the frame, the rows of a table not drawn, and the pairs of boxes that overlap, in words.

    Two boxes may overlap only when one lies wholly inside a box that holds it: its parent, or the parent's parent.
    The allowances, each what the element is drawn on by design:
    - a legend entry inside its own legend's box (the legend's background is drawn behind its entries);
    - a table row inside its own table's scroll area, a cell inside its own row, a cell's text inside its own cell
      (a cell is drawn on its row, a row in its table; a row cut by the table's edge, or a line of text running
      into the next column, is only partly inside, so it is reported);
    - an annotation placed on a subplot's axes, a place name on the map, a count beside a timeline mark, inside its own
      plot area (they label what the plot draws; one that sticks out of its plot area is reported).
    Anything else that overlaps anything is reported: text on text (even two place names of one map), a legend on a
    table, a note on a plot area, a tick label on another chart. Marks themselves (markers, bars, lines) are not
    measured: their placement inside a plot is the chart's, and the labels' tests check labels against marks.
    """
    found = []
    frame = Box("frame", "frame", "", None, 0.0, 0.0, float(drawn.width), float(drawn.height))
    for box in drawn.boxes:
        if not box.inside(frame, FRAME_PX):
            found.append(f"{box} leaves the {drawn.width}x{drawn.height} frame")
    for table, (rows, shown) in drawn.tables.items():
        if shown < rows:
            found.append(f"{table}: {rows - shown} of its {rows} rows are not drawn")
    by_id = {box.id: box for box in drawn.boxes}
    for box in drawn.boxes:
        holder = by_id.get(box.parent or "")
        if box.kind in CLIPPED and holder is not None and not box.inside(holder):
            found.append(f"{box} is cut by the edge of its {holder}")
    holders = {box.id: _ancestors(box, by_id) for box in drawn.boxes}
    for a, b in itertools.combinations(drawn.boxes, 2):
        if not a.overlaps(b):
            continue
        if b.id in holders[a.id] and a.inside(b) or a.id in holders[b.id] and b.inside(a):
            continue  # drawn on what holds it, wholly inside it: see the allowances above
        found.append(f"{a} overlaps {b}")
    return found
