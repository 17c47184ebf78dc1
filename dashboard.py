"""Conflict Monitor: foreign military forces in Libya. Wiring only: page config, load, filters, one call per view."""

import streamlit as st

st.set_page_config(page_title="Conflict Monitor — Libya", layout="wide", initial_sidebar_state="expanded")

from components import (  # noqa: E402  (set_page_config must come first)
    briefing_view,
    cache,
    events,
    exports,
    filters,
    forces,
    headline,
    places_map,
    problems,
    selection,
    sidebar,
    timeline,
)

prepared = cache.load_dataset()
dataset = prepared.dataset
view = selection.select(prepared, sidebar.current(prepared.options))

if view.filters.view == filters.BRIEFING:
    briefing_view.render_briefing(view, dataset, back=sidebar.dashboard_link(view.filters))
else:
    as_of = view.anchors.latest_report
    headline.render_header(view.ctx)
    problems.render_file_problems(dataset.file_problems)
    headline.render_headline(headline.build_headline(view.events, view.forces, view.anchors))
    map_column, timeline_column = st.columns([1, 1.3])
    with map_column:
        places_map.render_map(
            places_map.build_map(view.events, dataset.actors, view.ctx),
            exports.file_name("map", as_of, view.filters, ""),
        )
    with timeline_column:
        timeline.render_timeline(
            timeline.build_timeline(view.events, dataset.actors, view.anchors, view.filters.extent, view.ctx),
            exports.file_name("timeline", as_of, view.filters, ""),
        )
    forces.render_forces(view.forces)
    events.render_events_table(events.build_events_table(view.events), filters.widen(view.filters))
    problems.render_problems(problems.build_problems(dataset), checked=len(dataset.events) + len(dataset.problems))

# The sidebar comes last: the charts reach the browser first, and their plotly bundle is the page's long pole.
sidebar.render_sidebar(prepared.options)
briefing_view.render_exports(view, dataset)
