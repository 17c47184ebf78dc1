"""Conflict Monitor: foreign military forces in Libya. Wiring only: page config, store, filters, one call per view."""

import streamlit as st

st.set_page_config(page_title="Conflict Monitor — Libya", layout="wide", initial_sidebar_state="expanded")

from components import errors, exports, filter_types  # noqa: E402  (set_page_config comes first)
from components.charts import headline  # noqa: E402
from components.pages import briefing_view, cache, dashboard_view, sidebar, signin, uploads  # noqa: E402
from components.queries import problems  # noqa: E402


def main() -> None:
    """The page: the data page, the briefing frame, or the dashboard and its sidebar."""
    store = cache.store()
    prepared = cache.prepared(store, store.key)
    actors = prepared.registry.actors
    chosen = sidebar.current(prepared.options)

    user = signin.current()  # editor or viewer: every change is checked against it again before it runs

    if chosen.view == filter_types.REVIEW:  # new data: no views, no filters, no sidebar
        from components.pages import pulls, review_view  # noqa: E402  (its text tools load only when the data page opens: -0.2 s)

        back = sidebar.dashboard_link(chosen)
        review_view.render_review(store.curated, store.data, store.seeds, back=back, user=user, reader=store)
        uploads.render_import(store, user)
        pulls.render_pull(store, user)
        uploads.render_audit(store.data)
        return  # not st.stop(): a run that ends normally lets Streamlit release the widgets (and uploads) it left

    if chosen.view == filter_types.DIGEST:  # what changed, per watchlist: a page of its own
        from components.pages import digest_view  # noqa: E402  (loaded when that page opens)

        digest_view.render_digest(prepared, chosen, user, back=sidebar.dashboard_link(chosen))
        return

    view = cache.selection(prepared, store.key, chosen)
    if view.filters.view == filter_types.BRIEFING:
        briefing_view.render_briefing(view, actors, back=sidebar.dashboard_link(view.filters))
    else:
        as_of = view.anchors.latest_report
        dashboard_view.render_header(view.ctx)
        dashboard_view.render_file_problems(list(prepared.file_problems))
        dashboard_view.render_headline(headline.build_headline(view.total, view.forces, view.anchors))
        changed = cache.changed(prepared, store.key, chosen) if chosen.since else None  # above the views
        dashboard_view.render_changes(
            changed, lambda uids: cache.counted_events(prepared, store.key, uids, chosen.as_of)
        )
        where_chart, when_chart = view.figures
        dashboard_view.render_hidden(view.timeline.hidden)
        map_column, timeline_column = st.columns([1, 1.3])
        with map_column:
            dashboard_view.render_map(where_chart, exports.file_name("map", as_of, view.filters, ""))
        with timeline_column:
            dashboard_view.render_timeline(when_chart, exports.file_name("timeline", as_of, view.filters, ""))
        dashboard_view.render_forces(view.forces)
        number = dashboard_view.page_number(view.total)
        table = cache.events_page(view, prepared, store.key, view.filters, number)
        dashboard_view.render_events_table(table, view.total, number, view.ctx.empty)
        found, listed = cache.data_problems(prepared, store.key)
        dashboard_view.render_problems(found, listed, lambda: exports.csv_bytes(problems.all_problems(store)))

    # The sidebar comes last: the charts reach the browser first, and their plotly bundle is the page's long pole.
    sidebar.render_sidebar(prepared.options)
    briefing_view.render_exports(view, store, actors)
    uploads.render_link()
    signin.render_status(user, st.sidebar)


try:
    main()
except Exception as err:  # st.stop and st.rerun are BaseExceptions: they pass through
    st.error(errors.log_unexpected(err, "drawing the page"))
