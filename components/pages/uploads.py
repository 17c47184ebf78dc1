"""Importing a dataset file from the data page (`view=review`): what `conflict-monitor import` does, in the browser,
with the file's problem rows listed right under it; and the audit log of every change, latest first.

While the dashboard runs it holds the event store, so a file can also be imported here; it is kept and loaded the
same way (byte for byte under data/sources/, with its sidecar), and the dashboard shows its events. Only an editor
(components/access.py) sees the uploader, and the import checks again on the server before it changes anything.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from components import access, audit, errors, exports, progress, tables, text
from components.access import Access
from components.files import upload_name
from components.filter_types import REVIEW, VIEW
from components.formats.refusal import UnreadableFile
from components.pages import signin
from components.queries import datapage
from components.queries.reader import Reader
from components.store import Store

UPLOAD_KEY, ROUND_KEY, SAID_KEY = "import_upload", "_import_round", "_import_said"
IMPORTED_KEY = "_import_file"  # the file this session imported last: its problem rows stay listed under the uploader
PROBLEM_ROWS = 50  # problem rows listed under an import; the download has every one
PROBLEM_COLUMNS = {"source_file": "File", "line": "Line", "column": "Column", "value": "Value", "expected": "Expected"}
CHUNK = 1 << 20  # bytes copied at a time from the upload to the temporary file: no second copy of a large upload
AUDIT_PAGE = 50  # audit records a page
AUDIT_PAGE_KEY = "audit_page"


def render_link() -> None:
    """The sidebar's data section: where new data comes in (the page is left out of the dashboard itself, whose first
    page would otherwise load the file uploader's bundle: 0.1 s)."""
    side = st.sidebar
    side.header("Data")
    side.html(f'<a href="?{VIEW}={REVIEW}" target="_self">Import dataset files, ingest and review articles</a>')


@dataclass(frozen=True)
class ImportProblems:
    """The problem rows of one imported file: how many, and the first ones with file, line, column, value, expected."""

    file: str  # as stored: sources/<format>/<name>
    rows: int  # rows with problems (not loaded)
    problems: int  # problems in them (a row may have several)
    table: pd.DataFrame  # File, Line, Column, Value, Expected: every problem of the first PROBLEM_ROWS rows

    @property
    def more(self) -> int:
        """Problem rows not listed (the download has them)."""
        return max(self.rows - self.table["Line"].nunique(), 0)


def build_import_problems(reader: Reader, file: str, rows: int = PROBLEM_ROWS) -> ImportProblems:
    """What the data page lists under an import: the file's problem rows, the first `rows` of them in full."""
    first, count, problems = datapage.file_problems(reader, file, rows)
    return ImportProblems(file, count, problems, first.rename(columns=PROBLEM_COLUMNS)[list(PROBLEM_COLUMNS.values())])


def render_import_problems(found: ImportProblems, reader: Reader) -> None:
    """The imported file's problem rows, where it was imported: listed (the first ones), counted, and downloadable."""
    name = PurePosixPath(found.file).name
    if not found.rows:
        st.caption(text.md(f"{found.file}: every row loaded, none with a problem."))
        return
    st.warning(text.md(
        f"{found.file}: {found.rows:,} row(s) with {found.problems:,} problem(s) are not loaded. Each is listed with "
        "its line, column, value and what was expected: fix them in the file and import it again."
    ))  # fmt: skip
    st.html(tables.STYLE + tables.to_html(found.table, "import-problems"))
    if found.more:
        st.caption(f"… and {found.more:,} more row(s) with problems: the CSV below has every one.")
    st.download_button(
        f"Problems of {name} (CSV)",
        data=lambda: exports.csv_bytes(datapage.all_file_problems(reader, found.file)),  # built when clicked
        file_name=f"problems-{PurePosixPath(name).stem}.csv",
        mime="text/csv",
        key="import_problems_csv",
        on_click="ignore",  # no rerun (see briefing_view.render_exports)
    )


def render_import(store: Store, user: Access | None = None) -> None:
    """The imported files, and for an editor a file uploader; an upload is imported once, then the page reruns with
    its events and an empty uploader (the upload's memory is released)."""
    user = user or signin.current()
    st.header("Dataset files")
    said = st.session_state.pop(SAID_KEY, None)
    if said:
        (st.success if said[0] else st.error)(text.md(said[1]))
    imported = st.session_state.get(IMPORTED_KEY)
    if imported:  # the problem rows of the file just imported, here rather than at the bottom of the dashboard
        try:
            render_import_problems(build_import_problems(store, imported), store)
        except Exception as err:  # one line with an id, the traceback to the server log only
            st.error(text.md(errors.log_unexpected(err, "listing the imported file's problem rows")))
    _render_files(store)
    if user.read_only:
        st.caption(text.md(f"{user.says} Importing dataset files needs an editor."))
        return
    # A new key after each import: the page shows an empty uploader, and the old one's state can be dropped whole.
    round_ = st.session_state.get(ROUND_KEY, 0)
    uploaded = st.file_uploader(
        "Import an ACLED or UCDP file (CSV)",
        type=["csv"],
        key=f"{UPLOAD_KEY}-{round_}",
        help="Kept byte for byte under data/sources/ and loaded, as `conflict-monitor import` does.",
    )
    if uploaded is None:
        return
    try:
        st.session_state[SAID_KEY] = import_upload(store, uploaded, user)
    finally:
        st.session_state[ROUND_KEY] = round_ + 1  # imported or not, this upload is done with
        # Its widget state goes now, not at the end of a later run that ends normally (st.rerun below ends this one
        # early): a failed upload never stays in the session.
        st.session_state.pop(f"{UPLOAD_KEY}-{round_}", None)
        _release(uploaded)
    st.rerun()


def import_upload(store: Store, uploaded: UploadedFile, user: Access) -> tuple[bool, str]:
    """Import one upload for an editor (refused for a viewer, whatever the page showed); record it in the audit log.
    Return (success, the line to show): no server path in it."""
    try:
        who = access.require(user, "importing a dataset file")
    except access.NotAllowed as err:
        return False, str(err)
    bar, counted = st.progress(0.0, text="Importing…"), {}

    def show(stage: str, done: float, rows: int | None = None) -> None:
        """Move the bar; once the file's rows are counted, say how many."""
        counted.update({"rows": rows} if rows is not None else {})
        said = f" ({counted['rows']:,} rows)" if counted else ""
        bar.progress(progress.overall(stage, done), text=f"Importing: {stage}…{said}")

    name = upload_name(uploaded.name, "upload.csv")
    with tempfile.TemporaryDirectory(prefix="conflict-monitor-upload-") as tmp:
        path = Path(tmp) / name
        try:
            uploaded.seek(0)
            with path.open("wb") as out:
                shutil.copyfileobj(uploaded, out, CHUNK)
            result = store.import_file(path, progress=show, origin=f"uploaded through the dashboard as {name}")
            digest = getattr(result, "sha256", "") or audit.digest(path)  # the store's, once it gives it
        except UnreadableFile as err:
            return False, str(err).replace(tmp + "/", "")
        except OSError as err:  # its message names server folders: the reason alone
            return False, f"{name}: could not be stored ({err.strerror or type(err).__name__})."
        except Exception as err:  # noqa: BLE001  (the page says so in one line; the log has the traceback)
            return False, errors.log_unexpected(err, "importing the file")
    st.session_state[IMPORTED_KEY] = result.file  # its problem rows are listed under the uploader from now on
    try:
        audit.imported(store.data, who, result, digest)
    except OSError as err:  # imported, but not recorded: say so rather than claim a clean success
        return False, f"{result.line()}; but {errors.log_unexpected(err, 'recording the import in the audit log')}"
    return True, result.line()


def _release(uploaded: UploadedFile) -> None:
    """Drop the upload's bytes from Streamlit's in-memory upload store now, not when the browser tab closes (each
    failed 187 MB upload otherwise stayed: 257 → 2166 MB of server memory over four)."""
    from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    manager = getattr(ctx, "uploaded_file_mgr", None)
    if ctx is not None and isinstance(manager, MemoryUploadedFileManager):  # the one manager with remove_file
        manager.remove_file(session_id=ctx.session_id, file_id=uploaded.file_id)
    uploaded.close()


def _render_files(store: Store) -> None:
    """The dataset files loaded, for editors and viewers alike."""
    files = store.files()
    if files.empty:
        st.caption("No dataset file imported yet.")
        return
    shown = files[["file", "format", "rows_read", "events", "problem_rows", "first_day", "last_day", "imported_at"]]
    st.dataframe(shown, hide_index=True, width="stretch")


def render_audit(data: Path) -> None:
    """The audit log: who changed what and when, latest first, a page at a time, and the whole file to download."""
    st.header("Changes")
    entries = audit.read(data)
    st.download_button(
        "Download the audit log (CSV)", audit.raw(data), file_name=audit.FILE, mime="text/csv", on_click="ignore"
    )
    if not entries:
        st.caption("No change recorded yet: imports, ingested articles and review decisions are listed here.")
        return
    pages = math.ceil(len(entries) / AUDIT_PAGE)
    number = 1
    if pages > 1:
        number = int(st.number_input(f"Page (of {pages})", 1, pages, 1, key=AUDIT_PAGE_KEY))
    shown = entries[(number - 1) * AUDIT_PAGE : number * AUDIT_PAGE]
    st.caption(text.md(f"{len(entries):,} change(s), latest first; {len(shown)} on this page."))
    header = "| When (UTC) | Who | Action | What | Event ids | Detail | sha256 |\n|---|---|---|---|---|---|---|\n"
    rows = "".join(
        f"| {text.md(e.when)} | {text.md(e.who)} | {text.md(e.action)} | {text.md(e.what)} | {text.md(e.event_ids)} "
        f"| {text.md(e.detail)} | {text.md(e.sha256[:12])} |\n"
        for e in shown
    )
    st.markdown(header + rows)
