"""Conflict Monitor: foreign military forces in Libya. Wiring only: page config, load, filters, one call per view."""

import streamlit as st

st.set_page_config(page_title="Conflict Monitor — Libya", layout="wide", initial_sidebar_state="expanded")

from components import cache, dates, events, filters, forces, headline, places_map, problems, sidebar, timeline  # noqa: E402

dataset = cache.load_dataset()
anchors = dates.anchors(dataset.events)
options = filters.options(dataset.events, dataset.actors)
chosen = sidebar.render_sidebar(options, dataset.events)
shown = filters.apply(dataset.events, dataset.places, chosen, options)
ctx = headline.context(dataset.sources, anchors, filters.describe(chosen, options))
forces_table = forces.build_forces(shown, dataset.actors, dataset.places, anchors, filters.focus(chosen, options))

headline.render_header(ctx)
headline.render_headline(headline.build_headline(shown, forces_table, anchors))
map_column, timeline_column = st.columns([1, 1.3])
with map_column:
    places_map.render_map(places_map.build_map(shown, dataset.actors, ctx))
with timeline_column:
    timeline.render_timeline(timeline.build_timeline(shown, dataset.actors, anchors, chosen.extent, ctx))
forces.render_forces(forces_table)
events.render_events_table(events.build_events_table(shown))
problems.render_problems(problems.build_problems(dataset), checked=len(dataset.events) + len(dataset.problems))
