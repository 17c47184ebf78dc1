"""Sidebar filters, drawn from the filter table (components/filters.py): seeded from the URL on a session's first
run, read back into Filters on every run, and written to the URL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from components import text
from components.filter_types import (
    BRIEFING,
    COUNTRIES,
    DASHBOARD,
    DAY,
    DAYS,
    DIGEST,
    KM,
    MAX_RADIUS_KM,
    NAMES,
    REVIEW,
    SWITCH,
    Filter,
    Filters,
    Options,
)
from components.filters import FILTERS, from_query, to_query

WIDGETS = [f for f in FILTERS if f.widget is not None]  # in the table's order
COUNTRIES_KEY = next(f.state_key for f in WIDGETS if f.widget.kind == COUNTRIES)
EXTENT_KEY = next(f.state_key for f in WIDGETS if f.field == "extent")  # the timeline's "every event" switch
BRIEFING_KEY = "briefing"  # the page's view (not a filter of the events): a toggle, and the review page by its link
LINKED_KEY = "_linked_view"  # no widget: the data page and the digest are opened by their links, left by the link back
LINKED = (REVIEW, DIGEST)
SEEDED, NOTICES, BOUNDS = "_seeded_from_url", "_url_notices", "_date_bounds"


def _ends(f: Filter) -> tuple[str, str]:
    """The two Filters fields a DAYS widget stands for: its entry's, and the next entry's (the table says so)."""
    return f.field, FILTERS[FILTERS.index(f) + 1].field


def _to_state(f: Filter, filters: Filters, opts: Options) -> object:
    """A filter's value as its widget holds it."""
    kind = f.widget.kind
    if kind == DAYS:  # both ends: an open end is the data's first or last day
        first, last = _ends(f)
        return (getattr(filters, first) or opts.days[0], getattr(filters, last) or opts.days[1])
    if kind == COUNTRIES:
        return list(opts.countries_of(filters))  # the default, filled in
    if kind == SWITCH:
        return getattr(filters, f.field) == f.choices[-1]
    value = getattr(filters, f.field)
    if kind == DAY:  # a day or none
        return value
    return float(value) if kind == KM else list(value)


def _from_state(f: Filter, value: object, opts: Options) -> dict:
    """The Filters fields a widget's value stands for."""
    kind = f.widget.kind
    if kind == DAYS:
        bounds = opts.days
        start, end = (tuple(value) + (None, None))[:2] if isinstance(value, tuple) else (value, value)
        first, last = _ends(f)
        return {  # the full span is no filter at all
            first: start if start and start > bounds[0] else None,
            last: end if end and end < bounds[1] else None,
        }
    if kind == COUNTRIES:  # the default stays out of links
        return {f.field: None if tuple(value) == opts.default_countries else tuple(value)}
    if kind == SWITCH:
        return {f.field: f.choices[-1] if value else f.choices[0]}
    if kind == DAY:
        return {f.field: value or None}
    return {f.field: float(value) if kind == KM else tuple(value)}


def _seed(opts: Options) -> None:
    """Copy the link's filters into the widgets' state once per session; keep what could not be used as notices."""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    filters, notices = from_query(query, opts)
    for f in WIDGETS:
        st.session_state[f.state_key] = _to_state(f, filters, opts)
    st.session_state[BRIEFING_KEY] = filters.view == BRIEFING
    st.session_state[LINKED_KEY] = filters.view if filters.view in LINKED else None
    st.session_state[NOTICES] = notices
    st.session_state[BOUNDS] = opts.days
    st.session_state[SEEDED] = True


def current(opts: Options) -> Filters:
    """This run's filters: from the link on a session's first run, then from the widgets' state; the URL follows."""
    if SEEDED not in st.session_state:
        _seed(opts)
    state = st.session_state
    if state.get(BOUNDS) != opts.days:  # new data (an import): an untouched full span follows it, a chosen one stays
        for f in (f for f in WIDGETS if f.widget.kind == DAYS):
            if tuple(state[f.state_key]) == tuple(state.get(BOUNDS, ())):
                state[f.state_key] = opts.days
        state[BOUNDS] = opts.days
    fields = {name: value for f in WIDGETS for name, value in _from_state(f, state[f.state_key], opts).items()}
    view = state[LINKED_KEY] or (BRIEFING if state[BRIEFING_KEY] else DASHBOARD)
    filters = Filters(**fields, view=view)
    if not filters.places:  # a radius needs a place to measure from
        filters = replace(filters, radius_km=0.0)
    st.query_params.from_dict(to_query(filters))
    for notice in state[NOTICES]:
        st.warning(text.md(notice))
    return filters


def _counted(opts: Options, key: str) -> object:
    """Show each option with its number of events: 'ACLED (12,345)'."""
    counts = opts.counts.get(key, {})
    return lambda value: f"{value} ({counts[value]:,})" if value in counts else value


def _countries(opts: Options) -> list[str]:
    """The countries the country widget holds now (empty: every country)."""
    return list(st.session_state.get(COUNTRIES_KEY, []))


def _draw(side: object, f: Filter, opts: Options) -> None:
    """One filter's widget, of its kind, bound to its key in the page's state."""
    w, key = f.widget, f.state_key
    if w.kind in (NAMES, COUNTRIES):
        extra = {"format_func": _counted(opts, f.key)} if w.counted else {}
        shown = w.help
        if w.kind == COUNTRIES:
            shown += f" ({', '.join(opts.default_countries) or 'none'})."
        # select_all=False: typing a name and pressing Enter takes the first match, not every match ('Turkey' would
        # take Protesters (Turkey), Police Forces of Turkey, ... too)
        offered = getattr(opts, f.field)
        if w.kind == NAMES:  # the actors and places of the countries chosen, and those already chosen
            keep = set(st.session_state.get(key, [])) | set(opts.offered(f.key, offered, _countries(opts)))
            offered = [v for v in offered if v in keep]
        side.multiselect(w.label, offered, key=key, placeholder=w.placeholder,
                         help=text.md(shown) if shown else None, select_all=False, **extra)  # fmt: skip
        note = w.note(list(st.session_state[key]), opts) if w.note else None
        if note:
            side.caption(text.md(note))
    elif w.kind == KM:
        side.number_input(w.label, min_value=0.0, max_value=MAX_RADIUS_KM, step=10.0, format="%.0f", key=key,
                          help=w.help)  # fmt: skip
    elif w.kind == DAYS:
        bounds, chosen = opts.days, st.session_state[key]
        low, high = min(bounds[0], chosen[0]), max(bounds[1], chosen[-1])
        side.date_input(w.label, min_value=low, max_value=high, key=key, format="YYYY-MM-DD")
    elif w.kind == SWITCH:
        side.toggle(w.label, key=key, help=w.help)
    elif w.kind == DAY:
        side.date_input(w.label, value=None, min_value=dt.date(1900, 1, 1), max_value=max(opts.days[1], _today()),
                        key=key, format="YYYY-MM-DD", help=w.help)  # fmt: skip
        if w.step_days:  # a week back or forward, from the day shown (from the data's last day when none is)
            back, forward = side.columns(2)
            back.button(f"◀ {w.step_days} days", key=f"{key}_back", on_click=_step, args=(key, -w.step_days, opts),
                        width="stretch")  # fmt: skip
            forward.button(f"{w.step_days} days ▶", key=f"{key}_forward", on_click=_step,
                           args=(key, w.step_days, opts), width="stretch")  # fmt: skip


def _today() -> dt.date:
    """Today, the latest day a date widget offers besides the data's own."""
    return dt.date.today()


def _step(key: str, days: int, opts: Options) -> None:
    """Move a day widget's state by `days`, before the next run draws it."""
    start = st.session_state.get(key) or opts.days[1]
    if start == dt.date.max:
        return
    st.session_state[key] = start + dt.timedelta(days=days)


def render_sidebar(opts: Options) -> None:
    """Draw the filter widgets, bound to the state `current` read (drawn last, so the charts load first)."""
    side = st.sidebar
    side.header("Filters")
    for f in WIDGETS:
        _draw(side, f, opts)
    side.toggle("Briefing view", key=BRIEFING_KEY, help="One 16:9 frame for slides: no sidebar, no toolbars.")


def dashboard_link(filters: Filters) -> str:
    """The query string of the same view as a dashboard, for the briefing's way back."""
    return urlencode(to_query(replace(filters, view=DASHBOARD)), doseq=True)
