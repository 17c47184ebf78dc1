"""Importing a dataset file from the page: what `conflict-monitor import` does, for an analyst at the browser.

While the dashboard runs it holds the event store, so a file can also be imported here; it is kept and loaded the
same way (byte for byte under data/sources/, with its sidecar), and the page reloads with its events.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from components import progress, text
from components.files import upload_name
from components.filters import REVIEW, VIEW
from components.sources.csvfile import SourceFileError

UPLOAD_KEY, DONE_KEY, SAID_KEY = "import_upload", "_imported_file", "_import_said"


def render_import(store: object) -> None:
    """The sidebar's data section: a link to the review page, and a file uploader whose upload is imported once,
    then the page reruns with its events."""
    side = st.sidebar
    side.header("Data")
    side.html(f'<a href="?{VIEW}={REVIEW}" target="_self">Ingest and review new articles</a>')
    said = st.session_state.pop(SAID_KEY, None)
    if said:
        (side.success if said[0] else side.error)(text.md(said[1]))
    uploaded = side.file_uploader(
        "Import an ACLED or UCDP file (CSV)",
        type=["csv"],
        key=UPLOAD_KEY,
        help="Kept byte for byte under data/sources/ and loaded, as `conflict-monitor import` does.",
    )
    if uploaded is None or st.session_state.get(DONE_KEY) == uploaded.file_id:
        return
    st.session_state[DONE_KEY] = uploaded.file_id  # a rerun keeps the upload: import it only once
    bar = side.progress(0.0, text="Importing…")
    with tempfile.TemporaryDirectory(prefix="conflict-monitor-upload-") as tmp:
        path = Path(tmp) / upload_name(uploaded.name, "upload.csv")
        path.write_bytes(uploaded.getvalue())
        try:
            result = store.import_file(
                path,
                progress=lambda stage, done: bar.progress(progress.overall(stage, done), text=f"Importing: {stage}…"),
                origin=f"uploaded through the dashboard as {uploaded.name}",
            )
            st.session_state[SAID_KEY] = (True, result.line())
        except (SourceFileError, OSError) as err:
            st.session_state[SAID_KEY] = (False, str(err).replace(tmp + "/", ""))
    st.rerun()
