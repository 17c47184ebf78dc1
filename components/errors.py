"""Unexpected errors: the details (traceback, paths) go to the server log under a short id; the page shows the id only.

An analyst who sees "Something went wrong (error 3f9a1c2e)" can hand the id to whoever runs the server, who finds
the whole story with `grep 3f9a1c2e` in the log. Nothing of the server (paths, code, library versions) reaches the
browser.
"""

from __future__ import annotations

import logging
import secrets
import sys

LOG = logging.getLogger("conflict_monitor")
UNEXPECTED = "Something went wrong while {what} (error {id}); the server log has the details under that id."


class _ServerLog(logging.StreamHandler):
    """To standard error as it is when a record is written (a test runner or a server may have replaced it)."""

    @property
    def stream(self) -> object:
        """The process's standard error now."""
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        """Ignored: the stream is looked up at each record."""


def log_unexpected(err: BaseException, what: str) -> str:
    """Log an unexpected error with its traceback under a new id; return the one line the page may show."""
    error_id = secrets.token_hex(4)
    if not LOG.handlers:  # the server's own output, with the time, whether started by `serve` or `streamlit run`
        handler = _ServerLog()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOG.addHandler(handler)
    LOG.error("error %s while %s", error_id, what, exc_info=(type(err), err, err.__traceback__))
    return UNEXPECTED.format(what=what, id=error_id)
