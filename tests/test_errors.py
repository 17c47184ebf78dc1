"""Unexpected errors on the page: a short line with an id, the details in the server log, no traceback and no
server path in the browser; hostile link values never reach SQL."""

from __future__ import annotations

import logging

from apptest import APP, start
from streamlit.testing.v1 import AppTest

from components import errors
from components.pages import dashboard_view as views

SECRET_PATH = "/srv/conflict-monitor/private/store/events.duckdb"


def test_an_unexpected_error_shows_an_id_and_logs_the_details(monkeypatch, caplog):
    """A view that fails with a server path in its message: the page says 'error <id>', the log has the rest."""

    def broken(*args, **kwargs):
        raise RuntimeError(f"cannot read {SECRET_PATH}")

    monkeypatch.setattr(views, "render_header", broken)
    at = AppTest.from_file(APP, default_timeout=60)
    with caplog.at_level(logging.ERROR, logger=errors.LOG.name):
        at.run()
    assert not at.exception, "no traceback reaches the page"
    [shown] = [e.value for e in at.error]
    assert "drawing the page" in shown and SECRET_PATH not in shown and "RuntimeError" not in shown
    error_id = shown.split("error ")[1].split(")")[0]
    assert len(error_id) == 8
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert logged and SECRET_PATH in str(logged[0].exc_info[1]), "the log has what the page left out"


def test_the_message_never_carries_the_details():
    """The line for the page names what was being done and the id, nothing of the error itself."""
    said = errors.log_unexpected(ValueError(SECRET_PATH), "importing the file")
    assert SECRET_PATH not in said and "importing the file" in said


def test_hostile_link_values_run_no_sql():
    """Link values written as SQL are values compared as text: nothing runs, every event is still there."""
    hostile = "x'); DROP TABLE events; --"
    at = start({"actor": hostile, "place": f'Sirte"; {hostile}', "type": hostile, "from": "2020-01-01'; --"})
    again = start()
    assert not at.exception and not again.exception
    shown = [m.value for m in again.markdown if "Events shown" in m.value]
    assert shown and ">11<" in shown[0], "the store still has every event"
