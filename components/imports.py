"""Importing a dataset file from the data page (`view=review`): what `conflict-monitor import` does, in the browser.

While the dashboard runs it holds the event store, so a file can also be imported here; it is kept and loaded the
same way (byte for byte under data/sources/, with its sidecar), and the dashboard shows its events.
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


def render_link() -> None:
    """The sidebar's data section: where new data comes in (the page is left out of the dashboard itself, whose first
    page would otherwise load the file uploader's bundle: 0.1 s)."""
    side = st.sidebar
    side.header("Data")
    side.html(f'<a href="?{VIEW}={REVIEW}" target="_self">Import dataset files, ingest and review articles</a>')


def render_import(store: object) -> None:
    """A file uploader on the data page; an upload is imported once, then the page reruns with its events."""
    st.header("Dataset files")
    said = st.session_state.pop(SAID_KEY, None)
    if said:
        (st.success if said[0] else st.error)(text.md(said[1]))
    uploaded = st.file_uploader(
        "Import an ACLED or UCDP file (CSV)",
        type=["csv"],
        key=UPLOAD_KEY,
        help="Kept byte for byte under data/sources/ and loaded, as `conflict-monitor import` does.",
    )
    if uploaded is None or st.session_state.get(DONE_KEY) == uploaded.file_id:
        return
    st.session_state[DONE_KEY] = uploaded.file_id  # a rerun keeps the upload: import it only once
    bar, counted = st.progress(0.0, text="Importing…"), {}

    def show(stage: str, done: float, rows: int | None = None) -> None:
        """Move the bar; once the file's rows are counted, say how many."""
        counted.update({"rows": rows} if rows is not None else {})
        said = f" ({counted['rows']:,} rows)" if counted else ""
        bar.progress(progress.overall(stage, done), text=f"Importing: {stage}…{said}")

    with tempfile.TemporaryDirectory(prefix="conflict-monitor-upload-") as tmp:
        path = Path(tmp) / upload_name(uploaded.name, "upload.csv")
        path.write_bytes(uploaded.getvalue())
        try:
            result = store.import_file(
                path,
                progress=show,
                origin=f"uploaded through the dashboard as {uploaded.name}",
            )
            st.session_state[SAID_KEY] = (True, result.line())
        except (SourceFileError, OSError) as err:
            st.session_state[SAID_KEY] = (False, str(err).replace(tmp + "/", ""))
    st.rerun()
