"""The data page alone (`view=review` without the dashboard around it), for tests/test_access.py: the calls the
dashboard makes, with the user decided by components/access.py from this run's settings."""

from components.pages import cache, pulls, review_view, signin, uploads

store = cache.store()
user = signin.current()
review_view.render_review(store.curated, store.data, store.seeds, back="", user=user, reader=store)
uploads.render_import(store, user)
pulls.render_pull(store, user)
uploads.render_audit(store.data)
