"""The briefing: one 16:9 frame with title, as-of date, filters, map, timeline, forces and source.

`conflict-monitor briefing --actor Russia --place Sirte --radius-km 50 --out briefing.png` (also
`python -m components.briefing ...`) writes the same frame the app exports (PNG or PDF by extension), or the filtered
events as .csv or .geojson, with no browser window and no Streamlit server: see components/cli.py.

A PNG cannot scroll, so the frame is laid out in pixels before plotly draws it: every text is wrapped to the width it
is given and its lines counted, the legend's rows are worked out as plotly packs them, and each block is given its
height, so that nothing runs into anything whatever the data. The forces table shows the rows that fit and says how
many more the dashboard has. tests/test_briefing_boxes.py measures every element in Chromium to prove it.
"""

from __future__ import annotations

import html
import math
import re
import sys
import unicodedata
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from components import dates, text
from components.charts import forces, places_map, timeline
from components.charts.canvas import Canvas
from components.snapshot import Selection

WIDTH, HEIGHT = 1920, 1080
MARGIN = {"l": 40, "r": 40, "t": 30, "b": 20}
PAPER_W = WIDTH - MARGIN["l"] - MARGIN["r"]
PAPER_H = HEIGHT - MARGIN["t"] - MARGIN["b"]
# Arial's metrics (Liberation Sans has the same widths), named first so that the text measured here is the text
# drawn: plotly's default ("Open Sans", verdana, arial) is Verdana on Windows and Mac, which is far wider.
FONT = "Arial, 'Liberation Sans', Helvetica, sans-serif"
LINE = 1.3  # plotly's line spacing, in font sizes
GLYPHS = 1.15  # the height of one line's letters (ascent and descent), in font sizes
GREY = "#555"

LEFT_W = 620.0  # the map's column, from the left margin
GUTTER = 40.0
RIGHT_X = MARGIN["l"] + LEFT_W + GUTTER  # the timeline's and the table's column
RIGHT_W = WIDTH - MARGIN["r"] - RIGHT_X
TICK_SIZE = 14  # the timeline's tick labels
LANE_PX = 19.0  # a lane's height: its name's line and a little air
LANE_NAME_W = 280.0  # a lane's name is cut to this many pixels, so that the map's column stays clear
TICKS_PX = 46.0  # the date ticks under the timeline: two lines
MIN_PLOT_PX = 110.0
NOTE_SIZE = 15
MAP_NOTE_LINES, TIMELINE_NOTE_LINES, SOURCE_LINES, FILTER_LINES, TITLE_LINES = 6, 4, 2, 3, 2
FILTER_SIZES = (24, 20, 17)  # the filters in words: smaller, line by line, before anything of them is cut

LEGEND_SIZE = 15
LEGEND_SYMBOL_PX = 40.0  # plotly's item width (30) and its two gaps (5) before an entry's text
LEGEND_GAP_PX = 5.0  # plotly's gap between entries, and around the rows
TABLE_COLUMNS = [forces.FORCE, forces.SPONSOR, forces.SIDE, forces.WHERE, forces.STATUS, forces.AS_OF, forces.EVIDENCE]
COLUMN_WIDTHS = [1.3, 1.0, 1.3, 1.45, 1.2, 0.8, 4.5]
SHORT = {
    forces.SPONSOR: "Sponsor",
    forces.SIDE: "Supports",
    forces.STATUS: "At the deadline",
    forces.AS_OF: "Last report",
}
HEADER_SIZE, CELL_SIZE = 16, 15
NO_FORCES = "No foreign force is named in the events shown."
CELL_PAD = 8.0  # plotly's padding inside a table cell, on every side
CELL_LINES = 3  # a cell's text is cut at this many lines (with its citation kept), so no row grows past the room
LINES_OF = {forces.FORCE: 5, forces.STATUS: 4}  # but what the row is, and its status, get more before being cut
WORD_BACKOFF = 15  # characters given up to end a cut text on a whole word
MIN_CELL_PX = 24.0

# Advance widths of Arial (and Liberation Sans) per 1000 units of font size, for the printable ASCII characters from
# the space on; other characters are measured by the letter they are built on, or taken as a full em.
_ARIAL = [278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 278, 278, 584,
          584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778,
          722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
          556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334,
          584]  # fmt: skip
_ARIAL_BOLD = [278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, *[556] * 10, 333, 333,
               584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667,
               778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556,
               333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500,
               389, 280, 389, 584]  # fmt: skip
_PUNCTUATION = {"“": (333, 500), "”": (333, 500), "‘": (222, 278), "’": (222, 278), "—": (1000, 1000),
                "–": (556, 556), "·": (278, 278), "…": (1000, 1000), "\u00a0": (278, 278)}  # fmt: skip
_CITATION = re.compile(r"\s*(\([^()]*\))\s*$")  # the event id or file and line that ends an evidence cell
_MORE_PLACES = re.compile(r"; and ([\d,]+) more places?$")  # how the forces table's Where ends a long list


def char_width(char: str, bold: bool = False) -> float:
    """One character's advance in Arial, in font sizes."""
    code = ord(char)
    if 32 <= code < 127:
        return (_ARIAL_BOLD if bold else _ARIAL)[code - 32] / 1000
    if char in _PUNCTUATION:
        return _PUNCTUATION[char][bold] / 1000
    base = unicodedata.normalize("NFKD", char)[:1]  # é -> e
    if base and 32 <= ord(base) < 127:
        return char_width(base, bold)
    return 1.0  # a script Arial lacks: its fallback font's letters, taken at their widest


def text_width(value: str, size: float, bold: bool = False) -> float:
    """The width in pixels of a line of text at a font size."""
    return sum(char_width(c, bold) for c in value) * size


def wrap(value: str, width: float, size: float, bold: bool = False) -> list[str]:
    """The text broken into lines no wider than `width` pixels: at spaces, and inside a word only when it alone is
    wider than a line (a file path, a link), as textwrap does: such a word fills the line it starts on."""
    lines: list[str] = []
    for paragraph in str(value).split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if text_width(word, size, bold) > width:  # a word longer than a line fills this one, then the next
                word = candidate
                while text_width(word, size, bold) > width:
                    cut = max(1, _fits(word, width, size, bold))
                    lines.append(word[:cut].rstrip())
                    word = word[cut:].lstrip()
            elif line:
                lines.append(line)
            line = word
        lines.append(line)
    return lines


def _fits(value: str, width: float, size: float, bold: bool) -> int:
    """How many of the text's first characters fit in `width` pixels."""
    used = 0.0
    for i, char in enumerate(value):
        used += char_width(char, bold) * size
        if used > width:
            return i
    return len(value)


def fit(value: str, width: float, size: float, most: int, bold: bool = False, keep_tail: bool = False) -> list[str]:
    """The text wrapped to `width` in at most `most` lines; cut with '…' when longer (after a whole word when that
    loses little). With `keep_tail`, a citation in brackets that ends the text (the event id, or the file and line)
    is kept after the cut."""
    lines = wrap(value, width, size, bold)
    if len(lines) <= most:
        return lines
    tail = _CITATION.search(value) if keep_tail else None
    ending = f"… {tail.group(1)}" if tail else "…"
    body = value[: tail.start()] if tail else value

    def fits(length: int) -> bool:
        """Whether the first `length` characters and the ending fit in `most` lines."""
        return len(wrap(body[:length].rstrip() + ending, width, size, bold)) <= most

    low, high = 0, len(body)  # the most characters that fit with the ending: found by bisection
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    space = body.rfind(" ", 0, low + 1)
    if space > 0 and low - space <= WORD_BACKOFF and fits(space):
        low = space
    return wrap(body[:low].rstrip() + ending, width, size, bold)[:most]


def fit_places(value: str, width: float, size: float, most: int) -> list[str]:
    """A '; '-separated list of places in at most `most` lines: the last places give way to a count of them
    ('Tripoli; Sirte; and 12 more places'), so that the count stays true."""
    lines = wrap(value, width, size)
    if len(lines) <= most:
        return lines
    said = _MORE_PLACES.search(value)
    extra = int(said.group(1).replace(",", "")) if said else 0
    places = (value[: said.start()] if said else value).split("; ")
    while len(places) > 1:
        places.pop()
        extra += 1
        lines = wrap(f"{'; '.join(places)}; and {dates.plural(extra, 'more place')}", width, size)
        if len(lines) <= most:
            return lines
    return fit(" ".join(lines), width, size, most)


def block_px(lines: int, size: float) -> float:
    """The height an annotation of this many lines takes, its letters and the gaps between its lines."""
    return (max(lines, 1) - 1) * LINE * size + GLYPHS * size + 4  # and plotly's 1-pixel border padding, twice


def plot_text(lines: list[str], bold: bool = False) -> str:
    """Lines as plotly text: each escaped (and bold), joined by line breaks."""
    escaped = [text.plot(line) for line in lines]
    return "<br>".join(f"<b>{line}</b>" if bold and line else line for line in escaped)


def px_x(x: float) -> float:
    """A pixel column of the frame as plotly's paper x."""
    return (x - MARGIN["l"]) / PAPER_W


def px_y(y: float) -> float:
    """A pixel row of the frame (from the top) as plotly's paper y."""
    return 1 - (y - MARGIN["t"]) / PAPER_H


def _note(lines: list[str], x: float, y: float, size: int, bold: bool = False, **style: object) -> dict:
    """A block of text whose top left corner is at pixel (x, y) of the frame."""
    return {"text": plot_text(lines, bold), "x": px_x(x), "y": px_y(y), "xref": "paper", "yref": "paper",
            "showarrow": False, "align": "left", "xanchor": "left", "yanchor": "top",
            "font": {"size": size, **style}}  # fmt: skip


@dataclass(frozen=True)
class Table:
    """The forces table as it fits: its cells, its rows' heights, and the rows left for the dashboard."""

    cells: list[list[str]]
    header: list[str]
    height: float  # the header and the rows shown, in pixels
    shown: int
    more: int


def _column_px() -> list[float]:
    """Each table column's width in pixels (plotly shares the table's width in proportion)."""
    return [RIGHT_W * w / sum(COLUMN_WIDTHS) for w in COLUMN_WIDTHS]


def row_px(lines: int, size: float) -> float:
    """A table row's height: plotly sets it to the height of the tallest cell's text and the cell's padding."""
    return max(MIN_CELL_PX, math.ceil((max(lines, 1) - 1) * LINE * size + GLYPHS * size + 2 * CELL_PAD))


def forces_table(rows: pd.DataFrame, room: float, note_px: float) -> Table:
    """The header and as many whole rows as fit in `room` pixels (leaving `note_px` for 'and N more' if some do not),
    each cell wrapped to its column and cut at CELL_LINES lines."""
    inner = [w - 2 * CELL_PAD for w in _column_px()]
    header = [fit(SHORT.get(c, c), w, HEADER_SIZE, 2, bold=True) for c, w in zip(TABLE_COLUMNS, inner)]
    used = row_px(max(len(h) for h in header), HEADER_SIZE)
    cells: list[list[str]] = [[] for _ in TABLE_COLUMNS]
    heights = []
    for row in rows[TABLE_COLUMNS].itertuples(index=False):
        wrapped = [
            fit_places(str(v), w, CELL_SIZE, CELL_LINES) if c == forces.WHERE
            else fit(str(v), w, CELL_SIZE, LINES_OF.get(c, CELL_LINES), keep_tail=True)
            for c, v, w in zip(TABLE_COLUMNS, row, inner)
        ]  # fmt: skip
        heights.append(row_px(max(len(c) for c in wrapped), CELL_SIZE))
        for column, lines in zip(cells, wrapped):
            column.append(plot_text(lines))
    shown = len(heights)
    while shown and used + sum(heights[:shown]) + (note_px if shown < len(heights) else 0) > room:
        shown -= 1  # the last row does not fit: it goes, and the note says so
    header_text = [plot_text(h, bold=True) for h in header]
    return Table([c[:shown] for c in cells], header_text, used + sum(heights[:shown]), shown, len(heights) - shown)


def legend_names(traces: list[dict]) -> list[str]:
    """The legend's entries, each name once (map and timeline share a colour key): the traces after the first of a
    name are taken out of the legend."""
    seen: dict[str, None] = {}
    for i, trace in enumerate(traces):
        if trace.get("type") == "table" or trace.get("visible") is False:
            continue
        name = trace.get("name") or f"trace {i}"
        if trace.get("showlegend") is not False:
            trace["showlegend"] = name not in seen
            seen[name] = None
    return [html.unescape(re.sub(r"<[^>]*>", "", name)) for name in seen]


def legend_rows(names: list[str], entry_px: float, width: float = PAPER_W) -> int:
    """Rows of a horizontal legend whose entries are all `entry_px` wide (its `entrywidth`), packed as plotly.js
    packs them (legend/draw.js): on one row when all fit, else in columns of the widest entry and its gap."""
    if not names:
        return 0
    item = LEGEND_SYMBOL_PX + entry_px
    if len(names) * item + (len(names) - 1) * LEGEND_GAP_PX < width:
        return 1
    rows, used = 1, 0.0
    for _ in names:
        if used and used + item >= width:
            rows, used = rows + 1, 0.0
        used += item + LEGEND_GAP_PX
    return rows


def legend_px(rows: int) -> float:
    """A legend's height: its rows (a line, or plotly's 16 pixels at least, and 3) and its padding."""
    return math.ceil(rows * (max(LINE * LEGEND_SIZE, 16) + 3) + 2 * LEGEND_GAP_PX) if rows else 0.0


def _lane_names(fig: Canvas) -> int:
    """Cut the timeline's lane names to LANE_NAME_W pixels; return how many lanes it has."""
    axis = fig.layout.get("yaxis", {})
    ticks = [html.unescape(t) for t in axis.get("ticktext", [])]
    axis["ticktext"] = [plot_text(fit(t, LANE_NAME_W, TICK_SIZE, 1)) for t in ticks]
    return len(ticks)


def _headroom(line: Canvas, lanes: int, pitch: float) -> float:
    """Lanes of room to add above the top lane, so that a label the timeline raises above a mark of that lane (by its
    `yshift`, in pixels) stays inside the plot at this lane height."""
    top = max(lanes, 1) - 1
    need = [a.get("yshift", 0) + LINE * a.get("font", {}).get("size", 12) / 2 + 2 for a in line.layout["annotations"]
            if str(a.get("yref", "")).startswith("y") and "domain" not in str(a.get("yref")) and a.get("yshift", 0) > 0
            and isinstance(a.get("y"), (int, float)) and a["y"] > top - 0.5]  # fmt: skip
    room = 0.8 * pitch  # the timeline's range ends 0.8 of a lane above the top lane's centre
    return max(0.0, (max(need, default=0.0) - room) / pitch)


def drawn_height(geo: dict, box_h: float) -> float:
    """The height the map takes in a box LEFT_W wide and `box_h` high: plotly fits the frame's ranges into the box
    keeping Mercator's proportions, so a wide frame leaves the box's bottom empty, and the notes move up into it."""
    lat, lon = geo.get("lataxis", {}).get("range"), geo.get("lonaxis", {}).get("range")
    if not lat or not lon or lon[1] <= lon[0]:
        return box_h

    def mercator(degrees: float) -> float:
        """Mercator's y of a latitude."""
        return math.log(math.tan(math.pi / 4 + math.radians(max(min(degrees, 85.0), -85.0)) / 2))

    ratio = (mercator(lat[1]) - mercator(lat[0])) / math.radians(lon[1] - lon[0])
    return min(box_h, math.ceil(LEFT_W * ratio) + 2)  # two pixels of slack for plotly's rounding


def _header(view: Selection) -> tuple[list[dict], float]:
    """Title, filters in words and counts from the top, each wrapped to the frame's width, then the columns'
    headings; and where the columns start."""
    overdue = view.anchors.days_overdue
    counts = " · ".join(
        [
            f"{dates.plural(forces.present_count(view.forces), 'foreign force')} present"
            + (f" ({linked})" if (linked := forces.counted_once(view.forces)) else ""),
            *([f"{dates.plural(overdue, 'day')} since the deadline"] if overdue is not None else []),
            f"{dates.plural(view.total, 'event')} shown",
        ]
    )
    notes = []
    y = float(MARGIN["t"])
    for value, sizes, most, bold, colour in (
        (view.ctx.heading, (38,), TITLE_LINES, True, "#111"),
        (view.ctx.filters, FILTER_SIZES, FILTER_LINES, True, "#111"),
        (counts, (20,), 2, False, "#333"),
    ):
        # many filters: a smaller font before any is cut (the last size cuts what is still too long)
        size = next((s for s in sizes if len(wrap(value, PAPER_W, s, bold)) <= most), sizes[-1])
        lines = fit(value, PAPER_W, size, most, bold)
        notes.append(_note(lines, MARGIN["l"], y, size, bold, color=colour))
        y += block_px(len(lines), size) + 10
    y += 6
    notes += [_note(["Where"], MARGIN["l"], y, 20, True), _note(["When"], RIGHT_X, y, 20, True)]
    return notes, y + block_px(1, 20) + 8


def _map_column(
    view: Selection, actors: pd.DataFrame, line: Canvas, top: float, source_y: float
) -> tuple[Canvas, list[dict], float, float]:
    """The map in the left column from `top`, its notes under it, and the legend's place above the source line:
    the map, its notes, the legend's entry width and its top."""

    def drawn_map(note_lines: int, legend_top: float) -> tuple[Canvas, list[str], float]:
        """The map drawn in the box that leaves `note_lines` lines for its notes above the legend (its names are
        placed in the box's pixels), its notes, and the box's bottom."""
        canvas = Canvas()
        bottom = legend_top - 10 - note_lines * LINE * NOTE_SIZE - 8
        said = places_map.draw_map(canvas, view.map, actors, view.ctx.empty, circles=view.circles,
                                   box=(LEFT_W, max(bottom - top, 100.0)))  # fmt: skip
        return canvas, said, bottom

    # The legend's rows depend on the map's entries and the map's box on the legend: the first drawing gives the
    # entries (which traces are drawn does not depend on the box), the second is drawn in the box that is left.
    first, said, _ = drawn_map(2, source_y)
    names = legend_names([*first.data, *line.data])
    entry_px = max((text_width(n, LEGEND_SIZE) for n in names), default=0.0) + 8
    legend_top = source_y - 6 - legend_px(legend_rows(names, entry_px))
    guess = len(fit_notes(said, LEFT_W, MAP_NOTE_LINES))
    drawn, said, bottom = drawn_map(guess, legend_top)
    lines = fit_notes(said, LEFT_W, MAP_NOTE_LINES)
    if len(lines) > guess:  # a smaller box left more names out: draw it for the most notes there can be
        drawn, said, bottom = drawn_map(MAP_NOTE_LINES, legend_top)
        lines = fit_notes(said, LEFT_W, MAP_NOTE_LINES)
    bottom = top + drawn_height(drawn.layout.get("geo", {}), bottom - top)
    drawn.update_layout(geo={"domain": {"x": [0.0, px_x(MARGIN["l"] + LEFT_W)], "y": [px_y(bottom), px_y(top)]}})
    return drawn, [_note(lines, MARGIN["l"], bottom + 8, NOTE_SIZE, color=GREY)], entry_px, legend_top


def _timeline_area(fig: Canvas, line: Canvas, lanes: int, top: float, room: float) -> float:
    """Place the timeline's plot area at `top`, a lane's height per lane within `room` pixels (its lane names
    smaller when squeezed); return its height."""
    wanted = max(MIN_PLOT_PX, (lanes + 0.5 + _headroom(line, lanes, LANE_PX)) * LANE_PX)
    plot_px = max(MIN_PLOT_PX, min(wanted, room))
    extra = _headroom(line, lanes, plot_px / (lanes + 0.5 + _headroom(line, lanes, LANE_PX)))
    pitch = plot_px / (lanes + 0.5 + extra)
    fig.update_layout(
        xaxis={"domain": [px_x(RIGHT_X + LANE_NAME_W + 16), px_x(WIDTH - MARGIN["r"] - 20)], "anchor": "y",
               "tickfont": {"size": TICK_SIZE}},
        yaxis={"domain": [px_y(top + plot_px), px_y(top)], "anchor": "x", "automargin": False,
               "tickfont": {"size": min(TICK_SIZE, max(9, int(pitch / LINE)))}},
    )  # fmt: skip
    if extra:  # the lanes' names are the ticks plotly draws: automargin off, so the frame's layout stays as planned
        low, high = fig.layout["yaxis"].get("range", [-0.7, max(lanes, 1) - 0.2])
        fig.layout["yaxis"]["range"] = [low, high + extra]
    return plot_px


def _table_trace(table: Table, top: float) -> dict:
    """The forces table's trace, its rows from `top` down."""
    return dict(
        type="table",
        domain={"x": [px_x(RIGHT_X), px_x(WIDTH - MARGIN["r"])], "y": [px_y(top + table.height), px_y(top)]},
        columnwidth=COLUMN_WIDTHS,
        header={"values": table.header, "font": {"size": HEADER_SIZE}, "align": "left", "fill": {"color": "#ececec"},
                "line": {"color": "#ccc"}},
        cells={"values": table.cells, "font": {"size": CELL_SIZE, "color": "#111"}, "align": "left",
               "height": MIN_CELL_PX, "fill": {"color": "white"}, "line": {"color": "#ccc"}},
    )  # fmt: skip


def build_briefing(view: Selection, actors: pd.DataFrame) -> go.Figure:
    """The briefing frame, 1920x1080: everything a slide needs to explain itself.

    Laid out from the edges in: the header from the top, the source line and the legend from the bottom, then the
    map's column on the left and, on the right, the timeline, its notes and the forces table in what is left."""
    notes, body_top = _header(view)
    source = fit(f"{view.ctx.source} · {places_map.MAP_CREDIT}", PAPER_W, 17, SOURCE_LINES)
    source_y = HEIGHT - MARGIN["b"] - block_px(len(source), 17)
    notes.append(_note(source, MARGIN["l"], source_y, 17, color="#333"))

    line = Canvas()  # the timeline first: its lanes and notes set its height, its entries join the legend
    plot_px = WIDTH - MARGIN["r"] - 20 - (RIGHT_X + LANE_NAME_W + 16)  # the timeline's x domain below, in pixels
    timeline_notes = timeline.draw_timeline(line, view.timeline, actors, view.anchors, view.ctx.empty, plot_px=plot_px)
    lanes = _lane_names(line)
    timeline_lines = fit_notes(timeline_notes, RIGHT_W, TIMELINE_NOTE_LINES)
    drawn, map_notes, entry_px, legend_top = _map_column(view, actors, line, body_top, source_y)
    notes += map_notes
    fig = Canvas()
    for part in (drawn, line):  # the map's traces first: their legend entries (hollow or filled marks) are kept
        fig.data += part.data
        fig.layout["shapes"] += part.layout.get("shapes", [])
        fig.layout["annotations"] += part.layout.get("annotations", [])
        fig.update_layout({k: v for k, v in part.layout.items() if k not in ("shapes", "annotations")})

    # The right column from the top of the timeline's plot area (the deadline's two-line label stands above it, level
    # with the heading) down to the legend: room is kept for the table's header and one row.
    body_bottom = legend_top - 10
    title_px = block_px(1, 20) + 6
    more_px = block_px(1, NOTE_SIZE) + 4
    below = TICKS_PX + len(timeline_lines) * LINE * NOTE_SIZE + 10 + title_px
    least_table = row_px(2, HEADER_SIZE) + row_px(max(CELL_LINES, *LINES_OF.values()), CELL_SIZE) + more_px
    y = body_top + _timeline_area(fig, line, lanes, body_top, body_bottom - body_top - below - least_table)
    y += TICKS_PX
    notes.append(_note(timeline_lines, RIGHT_X, y, NOTE_SIZE, color=GREY))
    y += len(timeline_lines) * LINE * NOTE_SIZE + 10
    table = forces_table(view.forces, body_bottom - y - title_px, more_px)
    notes.append(_note(["Foreign forces"], RIGHT_X, y, 20, True))
    y += title_px
    fig.add_trace(_table_trace(table, y))
    if table.more or not len(view.forces):
        more = f"and {dates.plural(table.more, 'more force')}: see the dashboard" if table.more else NO_FORCES
        notes.append(_note([more], RIGHT_X, y + table.height + 4, NOTE_SIZE, color="#333"))
    legend_names(fig.data)  # each name once in the legend
    fig.update_layout(
        width=WIDTH,
        height=HEIGHT,
        margin=MARGIN,
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"size": 15, "family": FONT},
        showlegend=True,
        legend={
            "x": 0.0,
            "y": px_y(legend_top),
            "yanchor": "top",
            "xanchor": "left",
            "orientation": "h",
            "traceorder": "normal",
            "font": {"size": LEGEND_SIZE},
            "entrywidth": entry_px,
            "entrywidthmode": "pixels",
        },  # fmt: skip
        annotations=[*fig.layout["annotations"], *notes],
    )
    return fig.figure()


def fit_notes(items: list[str], width: float, most: int) -> list[str]:
    """Notes under a chart, each wrapped to `width` at the notes' size, at most `most` lines in all (the last cut
    with '…': the dashboard shows them whole)."""
    lines = [line for item in items for line in wrap(item, width, NOTE_SIZE)]
    if len(lines) <= most:
        return lines
    return [*lines[: most - 1], fit(" ".join(lines[most - 1 :]), width, NOTE_SIZE, 1)[0]]


def run(argv: list[str]) -> str:
    """The briefing command with these arguments: what `conflict-monitor briefing` does (kept for old scripts)."""
    from components import cli

    return cli.briefing(cli.parse(["briefing", *argv]))


def main() -> None:
    """Command line entry point: `python -m components.briefing` and `conflict-briefing`."""
    from components import cli

    cli.main(["briefing", *sys.argv[1:]])


if __name__ == "__main__":
    main()
