"""The digest page (`?view=digest`) and the watchlists' editor, drawn with Streamlit: what the command
`conflict-monitor digest` writes (components/digest.py), for everything and per watchlist, with its downloads; and
data/watchlists.csv as a table to edit (an editor only; checked whole before it is written).

The page takes the filters the link chose (components/filters.py: `since`, `counted`, `as_of`); without a `since`
each watchlist starts from its last digest, and everything from the week before the latest day of the data.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
import streamlit as st

from components import access, audit, digest, exports, tables, text, watchlists
from components.access import Access
from components.charts import changes as words
from components.charts import places_map
from components.filter_types import Filters, Options
from components.snapshot import Prepared

EDITOR_KEY, SAID_KEY, NEW_NAME_KEY = "watchlists_editor", "_watchlists_said", "watchlist_new_name"
# The digest's look on the page, scoped to its own block (the file's STYLE sets the page's body: not here).
PAGE_STYLE = """<style>
.cm-digest {line-height: 1.4} .cm-digest h3 {font-size: 1.05rem; margin: 1rem 0 .3rem}
.cm-digest .meta, .cm-digest .source, .cm-digest .ids {color: #555; font-size: .9em}
.cm-digest .summary {font-weight: 600}
.cm-digest li {margin-bottom: .45rem}
.cm-digest blockquote {margin: .15rem 0 0 0; padding-left: .6rem; border-left: 3px solid #ccc}
.cm-digest table {border-collapse: collapse; font-size: .9em}
.cm-digest td, .cm-digest th {border: 1px solid #ccc; padding: .2rem .4rem}
.cm-digest tr.flagged td {background: #fde2d2; font-weight: 600}
</style>"""
DEFAULT_DAYS = 7  # without a `since`: the week before the latest day of the data


@st.cache_resource(max_entries=8, show_spinner="Finding what changed…")
def _digest(_prepared: Prepared, key: str, since: dt.date | None, mode: str, as_of: dt.date | None, base: Filters,
            stamp: tuple) -> digest.Digest:  # fmt: skip
    """The digest of these choices: once per store version (`key`), choice and state of the watchlists file."""
    return digest.build(_prepared, since, mode, as_of, everything=True, limit=digest.LISTED, base=base)


def _stamp(data: Path) -> tuple:
    """The watchlists file's size and time (a change, by hand or by the editor, computes the digest again)."""
    path = watchlists.path_of(data)
    found = path.stat() if path.exists() else None
    return (found.st_size, found.st_mtime_ns) if found else ()


def default_since(prepared: Prepared, as_of: dt.date | None) -> dt.date:
    """The week before the as-of day, or before the latest report of the data."""
    latest = prepared.anchors.latest_report
    end = as_of or (latest.date() if latest is not None else dt.date.today())
    return end - dt.timedelta(days=DEFAULT_DAYS)


def render_digest(prepared: Prepared, chosen: Filters, user: Access, back: str) -> None:
    """The digest page: for everything and each watchlist, what changed since `chosen.since` (else each
    watchlist's last digest, and the week before the data's end for everything), counted by `chosen.counted`, as
    known on `chosen.as_of`; the same content as the command's digest, with its downloads; then the watchlists."""
    st.title("What changed")
    st.html(f'<a href="?{html.escape(back)}" target="_self">Back to the dashboard</a>')
    since = chosen.since or default_since(prepared, chosen.as_of)
    data = prepared.store.data
    try:
        made = _digest(prepared, prepared.store.key, since, chosen.counted, chosen.as_of, digest.bare(chosen),
                       _stamp(data))  # fmt: skip
    except digest.DigestError as err:
        st.error(text.md(str(err)))
        return
    note = "" if chosen.since else " (no day chosen: the week before the latest report; choose one in the sidebar)"
    st.caption(text.md(f"{words.MODE_WORDS[made.mode].capitalize()}.{note} {words.SURGE_RULE}"))
    _render_downloads(prepared, made)
    for problem in made.problems:
        st.warning(text.md(f"Not used: {problem}"))
    for number, view in enumerate(made.views):
        _render_view(prepared, view, number)
    render_watchlists(data, prepared.options, user, digest.bare(chosen), since_used=since)


def _render_view(prepared: Prepared, view: digest.View, number: int) -> None:
    """One view: its words, its map of new events (drawn live, from the app's own map files), its lines."""
    fig = digest.new_map(prepared, view)
    body = digest.view_html(view)
    head, _, rest = body.partition("<h3>")  # the map between the summary and the sections
    st.html(f"{PAGE_STYLE}<div class='cm-digest'>{head}</div>")
    if fig is not None:
        config = {**exports.toolbar("digest-map"), "topojsonURL": places_map.TOPOJSON_URL}
        st.plotly_chart(fig, config=config, width="content", theme=None, key=f"digest_map_{number}")
    if rest:
        st.html(f"{PAGE_STYLE}<div class='cm-digest'><h3>{rest}</div>")


def _render_downloads(prepared: Prepared, made: digest.Digest) -> None:
    """The digest as the command writes it: JSON, Markdown, HTML, PDF (built on click, not on every rerun). The
    page's digest lists at most digest.LISTED lines a section: the command's JSON lists every one."""
    columns = st.columns(4)
    kinds = ((".json", "application/json"), (".md", "text/markdown"), (".html", "text/html"),
             (".pdf", "application/pdf"))  # fmt: skip
    for column, (suffix, mime) in zip(columns, kinds):
        column.download_button(
            f"Digest {suffix[1:].upper()}",
            data=lambda suffix=suffix: digest.render_bytes(prepared, made, suffix),
            file_name=digest.file_name(made, suffix),
            mime=mime,
            key=f"digest_{suffix[1:]}",
            on_click="ignore",  # no rerun (see briefing_view.render_exports)
        )


def render_watchlists(data: Path, opts: Options, user: Access, current: Filters | None = None,
                      since_used: dt.date | None = None) -> None:  # fmt: skip
    """data/watchlists.csv: its lines that are not used (line, column, value, expected), and a table to edit (an
    editor only): checked whole when saved, written atomically under the lock, and recorded in the audit log.
    `current`: the view the page was opened with, offered as a new watchlist."""
    st.header("Watchlists")
    st.caption(text.md(f"{watchlists.FILE} in the data folder: one line a watchlist (name, the dashboard link's "
                       "query string, the day of its last digest). It can be edited here or by hand."))  # fmt: skip
    said = st.session_state.pop(SAID_KEY, None)
    if said:
        (st.success if said[0] else st.error)(text.md(said[1]))
    found = watchlists.read(data, opts)
    if found.problems:
        st.warning(f"{len(found.problems):,} problem(s) in {watchlists.FILE}: those lines are not used until fixed.")
        st.html(tables.STYLE + tables.to_html(_problems(found.problems), "watchlist-problems"))
    frame = pd.DataFrame([row for _, row in found.rows], columns=list(watchlists.COLUMNS))
    if user.read_only:
        st.caption(text.md(user.says))
        st.html(tables.STYLE + tables.to_html(frame, "watchlists"))
        return
    edited = st.data_editor(
        frame,
        num_rows="dynamic",
        key=EDITOR_KEY,
        hide_index=True,
        width="stretch",
        column_config={
            watchlists.NAME: st.column_config.TextColumn("name", max_chars=watchlists.MAX_NAME, required=True),
            watchlists.LINK: st.column_config.TextColumn("link", max_chars=watchlists.MAX_LINK,
                                                         help="e.g. actor=Wagner+Group&place=Sirte"),
            watchlists.LAST: st.column_config.TextColumn("last_digest", max_chars=10, help="YYYY-MM-DD, or empty"),
        },
    )  # fmt: skip
    save, mark = st.columns(2)
    if save.button("Save the watchlists", key="watchlists_save"):
        _save(data, edited.to_dict("records"), opts, user)
    if since_used and found.watches and mark.button("Mark every watchlist digested today", key="watchlists_mark"):
        who = access.require(user, "mark the watchlists digested")
        done = watchlists.mark(data, [w.name for w in found.watches], dt.date.today(), opts)
        audit.record(data, who, "watchlists", watchlists.FILE, detail=f"last digest set for {len(done)}")
        st.session_state[SAID_KEY] = (bool(done), f"Last digest set to today for {len(done)} watchlist(s)."
                                      if done else f"{watchlists.FILE} has a line to fix first.")  # fmt: skip
        st.rerun()
    if current is not None:
        link = digest.link_of(current)
        st.caption(text.md(f"This view's link: ?{link}" if link else "This view has no filter: everything."))
        name = st.text_input("Save this view as a watchlist named", key=NEW_NAME_KEY, max_chars=watchlists.MAX_NAME)
        if st.button("Add the watchlist", key="watchlists_add", disabled=not name.strip()):
            rows = [row for _, row in found.rows] + [{watchlists.NAME: name, watchlists.LINK: link,
                                                       watchlists.LAST: ""}]  # fmt: skip
            _save(data, rows, opts, user)


def _save(data: Path, rows: list[dict], opts: Options, user: Access) -> None:
    """Check and write the watchlists (an editor only, checked again here), then say how it went."""
    who = access.require(user, "save the watchlists")
    problems = watchlists.save(data, rows, opts)
    if problems:
        st.error(f"Not saved: {len(problems):,} problem(s). Line numbers count the file as it would be written.")
        st.html(tables.STYLE + tables.to_html(_problems(problems), "watchlist-problems"))
        return
    audit.record(data, who, "watchlists", watchlists.FILE, detail=f"{len(rows)} watchlists saved")
    st.session_state[SAID_KEY] = (True, f"Saved {len(rows)} watchlist(s).")
    st.session_state.pop(EDITOR_KEY, None)
    st.rerun()


def _problems(problems: list) -> pd.DataFrame:
    """Problems as the data issues table shows them: line, column, value, expected."""
    return pd.DataFrame([(p.line, p.column, p.value, p.expected) for p in problems],
                        columns=["Line", "Column", "Value", "Expected"])  # fmt: skip
