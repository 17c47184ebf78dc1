"""The dated digest (issue 17): what changed since a day, for everything and per watchlist, as HTML, Markdown, PDF or
JSON, from the command line (`conflict-monitor digest`) and the digest page alike.

Each view: its changes in words with the evidence of each (components/charts/changes.py), the map of its new events
(the dashboard's map, places_map.build_map, rendered to PNG by kaleido as the briefing is) and its weekly counts
against their baseline. The same data gives the same digest, byte for byte, but for the line saying when it was made.
The PDF is the HTML printed by the same Chromium kaleido uses (headless, offline: the page holds every image itself).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from components import dates, exports, text, watchlists
from components.charts import changes as words
from components.charts import headline, places_map
from components.filter_types import REPORTED, Filters
from components.filters import countries_in_words, describe, to_query
from components.queries import changes, places
from components.snapshot import Prepared

FORMATS = (".html", ".md", ".pdf", ".json")
LISTED = 200  # lines of a section written in words (HTML, Markdown, PDF); the JSON lists every one
EVERYTHING = "Everything"  # the view of no watchlist: every event the default filters keep
PRINT_SECONDS = 120
Renderer = Callable[[go.Figure, str], bytes]


class DigestError(Exception):
    """The digest cannot be made as asked (an unknown watchlist, no day to start from, no browser for the PDF)."""


@dataclass(frozen=True)
class View:
    """One view of the digest: a watchlist (None: everything), its filters, and its changes."""

    watch: str | None
    link: str
    described: str  # the filters in words
    chosen: Filters
    data: changes.ChangesData
    lines: pd.DataFrame  # charts.changes.build_lines

    @property
    def title(self) -> str:
        """The watchlist's name, else 'Everything' or, filtered, 'This view'."""
        return self.watch or (EVERYTHING if self.chosen == Filters() else "This view")


@dataclass(frozen=True)
class Digest:
    """Every view, with the day it starts from, the as-of day and the counting, and when it was made."""

    since: dt.date | None  # None: each watchlist from its own last digest
    as_of: dt.date | None
    mode: str
    views: list[View]
    made: str  # UTC, to the second: the one thing that differs between two digests of the same data
    problems: list[str]  # the watchlists file's bad lines, in words


def bare(chosen: Filters) -> Filters:
    """A view's filters without the digest's own choices (its day, as-of day and counting are the digest's)."""
    return replace(chosen, since=None, as_of=None, counted=REPORTED, view=Filters().view, extent=Filters().extent)


def made_now() -> str:
    """This moment, UTC, to the second."""
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(
    prepared: Prepared,
    since: dt.date | None,
    mode: str = REPORTED,
    as_of: dt.date | None = None,
    watch: list[str] | None = None,
    everything: bool | None = None,
    limit: int | None = None,
    base: Filters | None = None,
) -> Digest:
    """The digest's views: everything, or the view `base` (unless watchlists are named), then each watchlist named
    (or every one of data/watchlists.csv), each from `since` or else its last digest; `limit` lines a list (None:
    all of them)."""
    opts, registry, names = prepared.options, prepared.registry, prepared.names
    found = watchlists.read(prepared.store.data, opts, today=dt.date.today())
    wanted = found.watches
    if watch:
        missing = [n for n in watch if found.named(n) is None]
        if missing:
            bad = {p.line for p in found.problems}
            why = " (its line has a problem)" if any(r[watchlists.NAME].casefold() == missing[0].casefold()
                                                     for line, r in found.rows if line in bad) else ""  # fmt: skip
            raise DigestError(f"no watchlist named {text.short(missing[0])}{why}: see {watchlists.FILE}")
        wanted = [found.named(n) for n in watch]
    whole = not watch if everything is None else everything
    first = bare(base or Filters())
    plan = [(None, link_of(first), first, since)] if whole else []
    plan += [(w.name, w.link, w.chosen, since or w.last_digest) for w in wanted]
    views = []
    for name, link, chosen, start in plan:
        if start is None:
            which = f"the watchlist {text.short(name)} has no last digest" if name else "the digest of everything"
            raise DigestError(f"{which}: give --since YYYY-MM-DD")
        where = changes.view_where(chosen, opts, registry, names)
        data = changes.changes(prepared.store, where, start, mode, as_of, limit)
        views.append(View(name, link, describe(chosen, opts), chosen, data, words.build_lines(data)))
    return Digest(since, as_of, mode, views, made_now(), [str(p) for p in found.problems])


# -- the map of new events --------------------------------------------------------------------------------------------


def new_map(prepared: Prepared, view: View) -> go.Figure | None:
    """The dashboard's map of a view's new events (None when there are none)."""
    if not view.data.new_total:
        return None
    opts = prepared.options
    where = changes.new_where(changes.view_where(view.chosen, opts, prepared.registry, prepared.names),
                              view.data.since, view.data.mode, view.data.until)  # fmt: skip
    shown = opts.countries_of(view.chosen) or tuple(opts.countries)
    data = places.map_data(prepared.store, where, shown, prepared.anchor_places)
    ctx = headline.context(prepared.curated.articles, prepared.anchors, view.described, "No new event.",
                           countries_in_words(view.chosen, opts), prepared.datasets)  # fmt: skip
    upto = f", as known on {words.day(view.data.until)}" if view.data.until else ""
    ctx = replace(ctx, as_of=f"new since {words.day(view.data.since)}{upto}")
    return places_map.build_map(data, prepared.registry.actors, ctx)


def maps(prepared: Prepared, digest: Digest, render: Renderer | None = None) -> list[bytes | None]:
    """Each view's map of new events as PNG (None where it has none), by kaleido unless told otherwise."""
    render = render or exports.render
    return [render(fig, "png") if (fig := new_map(prepared, v)) is not None else None for v in digest.views]


# -- JSON ------------------------------------------------------------------------------------------------------------


def to_json(digest: Digest) -> bytes:
    """The digest as JSON: every line with the ids of the events behind it, for a script to check."""
    content = {
        "made": digest.made,
        "since": digest.since.isoformat() if digest.since else None,
        "as_of": digest.as_of.isoformat() if digest.as_of else None,
        "mode": digest.mode,
        "rules": {"counting": words.MODE_WORDS[digest.mode], "weekly": words.SURGE_RULE},
        "watchlist_problems": digest.problems,
        "views": [words.view_json(v.data, v.watch, v.link, v.described) for v in digest.views],
    }
    # One view a line: the C encoder (an indented dump is pure Python, ten times as slow on thousands of events).
    views = [json.dumps(v, ensure_ascii=False, separators=(",", ":")) for v in content.pop("views")]
    head = json.dumps(content, ensure_ascii=False, indent=1)[:-2]
    return (head + ',\n "views": [\n' + ",\n".join(views) + "\n ]\n}\n").encode("utf-8")


# -- Markdown --------------------------------------------------------------------------------------------------------


def _more(total: int, shown: int) -> str:
    """'… and 12 more (every one is in the JSON digest)'."""
    return f"… and {total - shown:,} more (every one is in the JSON digest)." if total > shown else ""


def _sections(view: View) -> list[tuple[str, str, pd.DataFrame, int]]:
    """Each section of a view: key, title, its lines (at most LISTED), how many there are in all."""
    data, lines = view.data, view.lines
    totals = {"new": data.new_total, "revised": data.revised_total, "deleted": data.deleted_total}
    out = []
    for key, title in words.SECTIONS.items():
        own = lines[lines["section"] == key]
        out.append((key, title, own.head(LISTED), max(totals.get(key, len(own)), len(own))))
    return out


def _ids(events: list[dict]) -> str:
    """'ACLED LBY96109, UCDP GED 900203' (the first ones; the JSON has them all)."""
    shown = [f"{e['dataset']} {e['event_id']}" for e in events[:20]]
    return ", ".join(shown) + (f" and {len(events) - 20:,} more" if len(events) > 20 else "")


def to_markdown(digest: Digest) -> bytes:
    """The digest as Markdown: every value from the data escaped (text.md), so no link or image is made of it."""
    out = [f"# What changed — {text.md(_heading(digest))}", "", text.md(f"Made {digest.made}."), ""]
    out += [text.md(words.MODE_WORDS[digest.mode].capitalize() + "."), "", text.md(words.SURGE_RULE), ""]
    for problem in digest.problems:
        out.append(f"- {text.md('Watchlist file: ' + problem)}")
    for view in digest.views:
        out += ["", f"## {text.md(view.title)}", "", text.md(view.described)]
        if view.link:
            out += ["", text.md(f"Link: ?{view.link}")]
        out += ["", text.md(words.window(view.data)), "", f"**{text.md(words.build_summary(view.data))}**"]
        if view.data.new_total:
            out += ["", text.md("The map of the new events is in the HTML and PDF digests.")]
        for key, title, lines, total in _sections(view):
            out += ["", f"### {text.md(title)} ({total:,})", ""]
            if lines.empty:
                out.append(text.md("None."))
            for row in lines.itertuples():
                out.append(f"1. {text.md(row.what)}  ")
                if row.evidence:
                    out.append(f"   {text.md(row.evidence)}  ")
                    out.append(f"   {text.md('— ' + row.source)}  ")
                if key not in ("new", "revised", "deleted") and row.events:
                    out.append(f"   {text.md('Events: ' + _ids(row.events))}")
            if more := _more(total, len(lines)):
                out += ["", text.md(more)]
    return ("\n".join(out) + "\n").encode("utf-8")


def _heading(digest: Digest) -> str:
    """'since 8 Mar 2021, as known on 15 Mar 2021' (or since each watchlist's last digest)."""
    start = f"since {words.day(digest.since)}" if digest.since else "since each watchlist's last digest"
    return start + (f", as known on {words.day(digest.as_of)}" if digest.as_of else "")


# -- HTML and PDF ----------------------------------------------------------------------------------------------------

STYLE = """<style>
@page {size: A4; margin: 14mm}
body {font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; color: #1a1a1a; max-width: 60rem;
      margin: 1.5rem auto; padding: 0 1rem; line-height: 1.35}
h1 {font-size: 1.5rem} h2 {font-size: 1.25rem; border-top: 2px solid #444; padding-top: .6rem; margin-top: 2rem}
h3 {font-size: 1.05rem; margin: 1.1rem 0 .3rem}
.meta, .source, .ids {color: #555; font-size: .9em}
.summary {font-weight: 600}
li {margin-bottom: .45rem; break-inside: avoid}
blockquote {margin: .15rem 0 0 0; padding-left: .6rem; border-left: 3px solid #ccc}
img.map {max-width: 100%; display: block; margin: .6rem 0}
table {border-collapse: collapse; font-size: .9em} td, th {border: 1px solid #ccc; padding: .2rem .4rem}
tr.flagged td {background: #fde2d2; font-weight: 600}
</style>"""


def _surge_table(view: View) -> str:
    """The weekly counts against their baseline, a row per admin1 (flagged first)."""
    f = view.data.surges
    if f.empty:
        return "<p>No event in the weeks counted.</p>"
    head = ("<tr><th>admin1</th><th>this week</th><th>4-week average</th><th>band</th><th>52-week average</th>"
            "<th>band</th><th>flagged</th></tr>")  # fmt: skip
    rows = []
    for r in f.itertuples():
        cells = [r.admin1 or "no admin1", f"{r.week:,}", _avg(r.avg4), f"{r.band4} {words._percent(r.change4)}",
                 _avg(r.avg52), f"{r.band52} {words._percent(r.change52)}", "yes" if r.flagged else ""]  # fmt: skip
        flagged = ' class="flagged"' if r.flagged else ""
        rows.append(f"<tr{flagged}>" + "".join(f"<td>{text.plot(c)}</td>" for c in cells) + "</tr>")
    end = words.day(view.data.week_end)
    return f"<p class='meta'>The week to {text.plot(end)}.</p><table>{head}{''.join(rows)}</table>"


def _avg(value: float) -> str:
    """An average per week: '0.25', or '—' with no baseline."""
    return "—" if pd.isna(value) else f"{value:.2f}"


def view_html(view: View, png: bytes | None = None) -> str:
    """One view as HTML (the digest's section, and the digest page's): its filters, window and summary, its map
    when given, each section's lines with their evidence, and the weekly counts' table."""
    out = [f"<h2>{text.plot(view.title)}</h2>", f"<p class='meta'>{text.plot(view.described)}"
           + (f" · link: ?{text.plot(view.link)}" if view.link else "") + "</p>",
           f"<p class='meta'>{text.plot(words.window(view.data))}</p>",
           f"<p class='summary'>{text.plot(words.build_summary(view.data))}</p>"]  # fmt: skip
    if png:
        encoded = base64.b64encode(png).decode("ascii")
        out.append(f'<img class="map" alt="Map of the new events" src="data:image/png;base64,{encoded}">')
    for key, title, lines, total in _sections(view):
        out.append(f"<h3>{text.plot(title)} ({total:,})</h3>")
        if key == "surges":
            out.append(_surge_table(view))
            continue
        if lines.empty:
            out.append("<p>None.</p>")
            continue
        out.append("<ol>")
        for row in lines.itertuples():
            item = f"<li><span class='what'>{text.plot(row.what)}</span>"
            if row.evidence:
                item += (f"<blockquote>{text.plot(row.evidence)}<br><span class='source'>— "
                         f"{text.plot(row.source)}</span></blockquote>")  # fmt: skip
            if key not in ("new", "revised", "deleted") and row.events:
                item += f"<div class='ids'>Events: {text.plot(_ids(row.events))}</div>"
            out.append(item + "</li>")
        out.append("</ol>")
        if more := _more(total, len(lines)):
            out.append(f"<p class='meta'>{text.plot(more)}</p>")
    return "\n".join(out)


def to_html(digest: Digest, pngs: list[bytes | None] | None = None) -> bytes:
    """The digest as one HTML page holding everything it shows (maps inline as PNG): it asks nothing of any host.
    Every value from the data is escaped (text.plot), and none is put in an attribute."""
    title = f"What changed — {_heading(digest)}"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">', f"<title>{text.plot(title)}</title>",
           STYLE, "</head><body>", f"<h1>{text.plot(title)}</h1>",
           f"<p class='meta'>Made {text.plot(digest.made)}. {text.plot(words.MODE_WORDS[digest.mode].capitalize())}."
           f" {text.plot(words.SURGE_RULE)}</p>"]  # fmt: skip
    if digest.problems:
        out.append("<p>Lines of the watchlists file that are not used:</p><ul>")
        out += [f"<li>{text.plot(p)}</li>" for p in digest.problems] + ["</ul>"]
    out += [view_html(view, pngs[number] if pngs else None) for number, view in enumerate(digest.views)]
    out.append("</body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")


def browser() -> str:
    """The Chromium that kaleido drives (the system's: $CHROMIUM, /usr/bin/chromium, or one on the PATH)."""
    for found in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                  shutil.which("chromium-browser"), shutil.which("google-chrome")):  # fmt: skip
        if found and Path(found).exists():
            return found
    try:  # kaleido's own search, through choreographer
        from choreographer.browsers.chromium import Chromium

        if found := Chromium.find_browser(skip_local=False):
            return found
    except Exception:  # noqa: BLE001 (no browser is the one answer, whatever the library raises)
        pass
    raise DigestError("no Chromium to print the PDF: install it (apt-get install chromium) or set CHROMIUM")


def to_pdf(html: bytes) -> bytes:
    """The HTML page printed to PDF by headless Chromium, offline (the page holds its images; nothing is fetched)."""
    with tempfile.TemporaryDirectory(prefix="digest-") as folder:
        page, pdf = Path(folder) / "digest.html", Path(folder) / "digest.pdf"
        page.write_bytes(html)
        command = [browser(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-pdf-header-footer", f"--user-data-dir={Path(folder) / 'profile'}",
                   f"--print-to-pdf={pdf}", page.as_uri()]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=PRINT_SECONDS, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise DigestError(f"Chromium could not print the PDF ({type(err).__name__})") from None
        if not pdf.exists() or pdf.stat().st_size == 0:
            raise DigestError("Chromium could not print the PDF (no file written)")
        return pdf.read_bytes()


def render_bytes(prepared: Prepared, digest: Digest, suffix: str, render: Renderer | None = None) -> bytes:
    """The digest in the format of a file name's suffix (.html, .md, .pdf, .json)."""
    if suffix == ".json":
        return to_json(digest)
    if suffix == ".md":
        return to_markdown(digest)
    html = to_html(digest, maps(prepared, digest, render))
    return to_pdf(html) if suffix == ".pdf" else html


def file_name(digest: Digest, suffix: str) -> str:
    """'digest-since-2021-03-08-as-of-2021-03-15-reported.html'."""
    parts = ["digest", f"since-{digest.since}" if digest.since else "since-last", *(
        [f"as-of-{digest.as_of}"] if digest.as_of else []), digest.mode]  # fmt: skip
    return "-".join(parts) + suffix


def link_of(chosen: Filters) -> str:
    """A view's filters as a dashboard link's query string (for a new watchlist)."""
    return "&".join(f"{k}={v}" for k, values in to_query(chosen).items()
                    for v in (values if isinstance(values, list) else [values]))  # fmt: skip


def counted_days(digest: Digest) -> str:
    """'6 new events in 1 view' style words for the command's line."""
    new = sum(v.data.new_total for v in digest.views)
    return f"{dates.plural(len(digest.views), 'view')}, {dates.plural(new, 'new event')}"
