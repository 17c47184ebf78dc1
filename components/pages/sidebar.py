"""Sidebar filters, seeded from the URL on the first run and written back to it on every run."""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

import streamlit as st

from components import text
from components.filters import (
    ACTOR,
    ALL,
    BRIEFING,
    COUNTRY,
    DASHBOARD,
    DATASET,
    FROM,
    MAX_RADIUS_KM,
    PLACE,
    RADIUS,
    REVIEW,
    TIMELINE,
    TYPE,
    WINDOW,
    Filters,
    Options,
    entry,
    from_query,
    to_query,
)

# The widgets' labels are the filter table's; a filter's widget key is its link key (as are its counts in Options).
ACTORS, PLACES, TYPES, WITHIN, DAYS, COUNTRIES, DATASETS, EXTENTS = (
    entry(k) for k in (ACTOR, PLACE, TYPE, RADIUS, FROM, COUNTRY, DATASET, TIMELINE)
)
LISTS = (ACTORS, PLACES, TYPES, DATASETS)  # a multiselect holding the Filters field as it is
DATES, EXTENT = "dates", "extent"  # one widget for both ends of the dates; a toggle for the timeline
BRIEFING_KEY = "briefing"
REVIEW_KEY = "_review"  # no widget: the review page is opened by its link, and left by the link back
SEEDED, NOTICES, BOUNDS = "_seeded_from_url", "_url_notices", "_date_bounds"


def _seed(opts: Options) -> None:
    """Copy the link's filters into the widgets' state once per session; keep what could not be used as notices."""
    query = {key: st.query_params.get_all(key) for key in st.query_params}
    filters, notices = from_query(query, opts)
    for f in LISTS:
        st.session_state[f.key] = list(getattr(filters, f.field))
    st.session_state[COUNTRY] = list(opts.countries_of(filters))
    st.session_state[DATES] = (filters.start or opts.days[0], filters.end or opts.days[1])
    st.session_state[RADIUS] = float(filters.radius_km)
    st.session_state[EXTENT] = filters.extent == ALL
    st.session_state[BRIEFING_KEY] = filters.view == BRIEFING
    st.session_state[REVIEW_KEY] = filters.view == REVIEW
    st.session_state[NOTICES] = notices
    st.session_state[BOUNDS] = opts.days
    st.session_state[SEEDED] = True


def current(opts: Options) -> Filters:
    """This run's filters: from the link on a session's first run, then from the widgets' state; the URL follows."""
    bounds = opts.days
    if SEEDED not in st.session_state:
        _seed(opts)
    state = st.session_state
    if state.get(BOUNDS) != bounds:  # new data (an import): an untouched full span follows it, a chosen one stays
        if tuple(state[DATES]) == tuple(state.get(BOUNDS, ())):
            state[DATES] = bounds
        state[BOUNDS] = bounds
    chosen = state[DATES]
    start, end = (tuple(chosen) + (None, None))[:2] if isinstance(chosen, tuple) else (chosen, chosen)
    countries = tuple(state[COUNTRY])
    filters = Filters(
        **{f.field: tuple(state[f.key]) for f in LISTS},
        start=start if start and start > bounds[0] else None,  # the full span is no filter at all
        end=end if end and end < bounds[1] else None,
        radius_km=float(state[RADIUS]) if state[PLACE] else 0.0,
        countries=None if countries == opts.default_countries else countries,  # the default stays out of links
        extent=ALL if state[EXTENT] else WINDOW,
        view=REVIEW if state[REVIEW_KEY] else BRIEFING if state[BRIEFING_KEY] else DASHBOARD,
    )
    st.query_params.from_dict(to_query(filters))
    for notice in state[NOTICES]:
        st.warning(text.md(notice))
    return filters


def _counted(opts: Options, key: str) -> object:
    """Show each option with its number of events: 'ACLED (12,345)'."""
    counts = opts.counts.get(key, {})
    return lambda value: f"{value} ({counts[value]:,})" if value in counts else value


def render_sidebar(opts: Options) -> None:
    """Draw the filter widgets, bound to the state `current` read (drawn last, so the charts load first)."""
    bounds = opts.days
    side = st.sidebar
    side.header("Filters")
    actors = side.multiselect(
        ACTORS.label_shown, opts.actors, key=ACTORS.key, placeholder="All actors",
        help="The curated actors first, then the datasets' actors by number of events. Type to search.",
    )  # fmt: skip
    included = [f"{a} includes {', '.join(opts.sponsored[a])}." for a in actors if opts.sponsored.get(a)]
    if included:
        side.caption(text.md("A state includes the forces it sponsors: " + " ".join(included)))
    side.multiselect(
        PLACES.label_shown,
        opts.places,
        key=PLACES.key,
        placeholder="All places",
        help="Most events first. Type to search.",
    )
    side.number_input(
        WITHIN.label_shown,
        min_value=0.0,
        max_value=MAX_RADIUS_KM,
        step=10.0,
        format="%.0f",
        key=WITHIN.key,
        help="0 keeps only events at the place itself; distances are on the WGS 84 ellipsoid.",
    )
    side.multiselect(
        TYPES.label_shown, opts.types, key=TYPES.key, placeholder="All types", format_func=_counted(opts, TYPES.key)
    )
    low, high = min(bounds[0], st.session_state[DATES][0]), max(bounds[1], st.session_state[DATES][-1])
    side.date_input(DAYS.label_shown, min_value=low, max_value=high, key=DATES, format="YYYY-MM-DD")
    side.multiselect(
        COUNTRIES.label_shown, opts.countries, key=COUNTRIES.key, placeholder="Every country",
        format_func=_counted(opts, COUNTRIES.key),
        help=text.md(f"By default the article's countries ({', '.join(opts.default_countries) or 'none'})."),
    )  # fmt: skip
    side.multiselect(
        DATASETS.label_shown,
        opts.datasets,
        key=DATASETS.key,
        placeholder="Every dataset",
        format_func=_counted(opts, DATASETS.key),
    )
    side.toggle(EXTENTS.label_shown, key=EXTENT, help="Off: from the ceasefire to the latest report.")
    side.toggle("Briefing view", key=BRIEFING_KEY, help="One 16:9 frame for slides: no sidebar, no toolbars.")


def dashboard_link(filters: Filters) -> str:
    """The query string of the same view as a dashboard, for the briefing's way back."""
    return urlencode(to_query(replace(filters, view=DASHBOARD)), doseq=True)
