"""Unexpected errors: the details (traceback, paths) go to the server log under a short id; the page shows the id only.

An analyst who sees "Something went wrong (error 3f9a1c2e)" can hand the id to whoever runs the server, who finds
the whole story with `grep 3f9a1c2e` in the log. Nothing of the server (paths, code, library versions) reaches the
browser.
"""

from __future__ import annotations

import logging
import secrets

LOG = logging.getLogger("conflict_monitor")
UNEXPECTED = "Something went wrong while {what} (error {id}); the server log has the details under that id."


def log_unexpected(err: BaseException, what: str) -> str:
    """Log an unexpected error with its traceback under a new id; return the one line the page may show."""
    error_id = secrets.token_hex(4)
    LOG.error("error %s while %s", error_id, what, exc_info=(type(err), err, err.__traceback__))
    return UNEXPECTED.format(what=what, id=error_id)
