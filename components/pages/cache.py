"""Streamlit caching: one event store per server process, and what it answers per version of its data.

Nothing large is pickled per rerun: the store is a shared resource, and the small results built from it are shared
too (cache_resource: never copied, never changed once built), keyed by the store's version and the filters.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from components import corroboration, progress, text
from components.charts import changes as changes_chart
from components.charts import events
from components.charts.problems import build_problems
from components.config import data_dir, seeds_dir, store_path
from components.filter_types import Filters
from components.queries import changes, problems
from components.queries import events as events_query
from components.snapshot import Prepared, Selection, prepare, select
from components.store import Store, StoreError


@st.cache_resource(show_spinner="Opening the event store…")
def _open(data: str, seeds: str, path: str) -> Store:
    """The store of these folders, opened once per server process."""
    return Store(Path(data), Path(seeds), Path(path))


def store() -> Store:
    """The store, brought in step with the files; a bar while a file is read, never a blank page."""
    data = data_dir()
    try:
        opened = _open(str(data), str(seeds_dir()), str(store_path(data)))
    except StoreError as err:
        st.error(text.md(str(err)))
        st.stop()
    bar = []

    def show(stage: str, fraction: float, rows: int | None = None) -> None:
        """Draw (or move) the bar: only when a file is actually being read."""
        if not bar:
            bar.append(st.empty())
        bar[0].progress(progress.overall(stage, fraction), text=f"Building the event store: {stage}…")

    opened.refresh(show)
    if bar:
        bar[0].empty()
    return opened


def warm() -> bool:
    """Open the store and count its filter options before the server takes its first page (`conflict-monitor serve`),
    so that the first analyst after a restart does not wait for them; True when done. A store the files have moved
    on from (or that cannot be opened) is left to the first page, which shows its progress bar or its error."""
    data = data_dir()
    # The caches are Streamlit's own, filled before its runtime exists: it warns, once per call, that no script runs.
    bare = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level = bare.level
    bare.setLevel(logging.ERROR)
    try:
        opened = _open(str(data), str(seeds_dir()), str(store_path(data)))
        if not opened.current():
            return False
        prepared(opened, opened.key)
    except StoreError:
        return False
    finally:
        bare.setLevel(level)
    return True


@st.cache_resource(max_entries=4, show_spinner="Counting the events…")
def prepared(_store: Store, key: str) -> Prepared:
    """Filter options, anchors and sources: once per store and version (`key`: Store.key)."""
    return prepare(_store)


@st.cache_resource(max_entries=64, show_spinner=False)
def selection(_prepared: Prepared, key: str, chosen: Filters) -> Selection:
    """What every view draws for these filters, the map and timeline figures built: once per store, version and
    choice of filters (a rerun with the same filters only draws them)."""
    return select(_prepared, chosen, draw=True)


@st.cache_resource(max_entries=64, show_spinner=False)
def events_page(_view: Selection, _prepared: Prepared, key: str, chosen: Filters, number: int) -> pd.DataFrame:
    """A page of the events table, its article events with the dataset events that agree: once per page of a
    selection (`chosen` and `number` make the key; `_view` is the selection of `chosen`)."""
    store = _prepared.store
    page = _view.page(store, number)
    agreeing = corroboration.corroborate(store, page[page["dataset"] == "article"], _prepared.registry)
    return events.build_events_table(page, agreeing)


@st.cache_resource(max_entries=4, show_spinner=False)
def data_problems(_prepared: Prepared, key: str) -> tuple[problems.ProblemsData, pd.DataFrame]:
    """The data issues panel: the problems per file and the table of the first rows, once per version of the store."""
    found = problems.problems_data(_prepared.store, _prepared.checked)
    return found, build_problems(found.first)


@st.cache_resource(max_entries=16, show_spinner="Finding what changed…")
def changed(_prepared: Prepared, key: str, chosen: Filters) -> tuple[str, str, pd.DataFrame]:
    """The Changes panel of a view (its `since`, counting mode and as-of day): its window in words, its summary and
    its lines; once per store version and filters."""
    where = changes.view_where(chosen, _prepared.options, _prepared.registry, _prepared.names)
    found = changes.changes(_prepared.store, where, chosen.since, chosen.counted, chosen.as_of)
    return changes_chart.window(found), changes_chart.build_summary(found), changes_chart.build_lines(found)


@st.cache_resource(max_entries=16, show_spinner=False)
def counted_events(_prepared: Prepared, key: str, uids: tuple[str, ...], until: object) -> pd.DataFrame:
    """The events a line of the Changes panel counts, as the events table shows them (each by its latest version)."""
    where = changes.counted(list(uids), until)
    return events.build_events_table(events_query.page(_prepared.store, where, 0, events.PAGE_ROWS))
