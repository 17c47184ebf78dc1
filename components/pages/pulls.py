"""Pulling from ACLED's and UCDP's APIs on the data page (`view=review`): what `conflict-monitor pull` does, for an
editor, with its progress shown as it goes.

The pull runs in the page's process with the server's credentials (environment variables or the owner-only file,
README "Pulling from the APIs"); nothing secret is shown (the pull redacts its own lines) and no server folder is
named (the data folder is written `data`). Only an editor sees the form, and the pull checks again on the server.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import streamlit as st

from components import access, audit, errors, text
from components.access import Access
from components.formats.refusal import UnreadableFile
from components.pages import signin
from components.store import Store, StoreError

APIS = {"ACLED": "acled", "UCDP": "ucdp"}
COUNTRY = re.compile(r"^[A-Za-z][A-Za-z .'()-]{1,58}$|^\d{1,3}$")  # a name, or UCDP's numeric code
VERSION = re.compile(r"^\d{1,2}\.\d{1,2}(\.\d{1,2})?$")  # 25.1, or a Candidate's 26.0.10
SAID_KEY = "_pull_said"


class Lines(io.TextIOBase):
    """A text stream whose whole lines are shown in a status box as they come, each without the server's folder."""

    def __init__(self, box: object, data: Path) -> None:
        self.box, self.data, self.kept, self.part = box, str(data), [], ""

    def write(self, chunk: str) -> int:
        """Show each whole line; keep it for the summary."""
        self.part += chunk
        *whole, self.part = self.part.split("\n")
        for line in whole:
            if line.strip():
                shown = line.replace(self.data, "data")
                self.kept.append(shown)
                self.box.write(text.md(shown))
        return len(chunk)


def options_of(api: str, country: str, since: object, version: str) -> tuple[dict | None, str]:
    """The pull's options from the form, checked (None and why when one is not usable)."""
    country = country.strip()
    if country and not COUNTRY.match(country):
        return None, "Country: a country's name (letters, spaces), or UCDP's numeric code."
    if api == "acled":
        if not country:
            return None, "Country: ACLED is pulled one country at a time."
        return {"country": country, "since": since.isoformat() if since else None, "page_size": None}, ""
    if not VERSION.match(version.strip()):
        return None, "Version: UCDP's release, as 25.1 (GED) or 26.0.10 (Candidate)."
    return {"country": country or None, "version": version.strip(), "page_size": None}, ""


def pull_now(store: Store, api: str, options: dict, user: Access, box: object) -> tuple[bool, str]:
    """Run one pull for an editor (refused for a viewer, whatever the page showed), importing what it brings into
    the page's store and recording each import in the audit log; (success, the line to show)."""
    from components.pull import run
    from components.pull.client import FAILED, PullError

    try:
        who = access.require(user, "pulling from an API")
    except access.NotAllowed as err:
        return False, str(err)

    def load(path: Path, fmt: str, origin: str) -> object:
        """Import one finished pull into the page's store (a refusal is the pull's one-line error)."""
        try:
            result = store.import_file(path, fmt, origin=origin)
        except (UnreadableFile, StoreError, OSError) as err:
            raise PullError(f"the store refused {path.name} ({err})", FAILED) from None
        audit.imported(store.data, who, result, getattr(result, "sha256", "") or audit.digest(path))
        return result

    lines = Lines(box, store.data)
    try:
        code = run.pull(api, options, store.data, load, err=lines, out=lines)
    except Exception as err:  # noqa: BLE001  (one line on the page, the traceback in the server log)
        return False, errors.log_unexpected(err, "pulling from the API")
    last = lines.kept[-1] if lines.kept else ""
    return code == run.OK, last or ("Pulled." if code == run.OK else "The pull stopped.")


def render_pull(store: Store, user: Access | None = None) -> None:
    """The form of a pull for an editor; the last pull's outcome."""
    user = user or signin.current()
    st.header("Pull from the APIs")
    said = st.session_state.pop(SAID_KEY, None)
    if said:
        (st.success if said[0] else st.error)(text.md(said[1]))
    if user.read_only:
        st.caption(text.md(f"{user.says} Pulling from the APIs needs an editor."))
        return
    with st.form("pull"):
        name = st.radio("API", list(APIS), horizontal=True)
        country = st.text_input("Country", value="Libya", max_chars=60)
        since = st.date_input("ACLED: events since (empty: every one, then only what changed)", value=None)
        version = st.text_input("UCDP: version (25.1, or a Candidate 26.0.10)", max_chars=12)
        go = st.form_submit_button("Pull", help="As `conflict-monitor pull`: resumable; imported as a file is.")
    if not go:
        return
    api = APIS[name]
    options, why = options_of(api, country, since, version)
    if options is None:
        st.session_state[SAID_KEY] = (False, why)
    else:
        with st.status(f"Pulling from {name}…", expanded=True) as box:
            st.session_state[SAID_KEY] = pull_now(store, api, options, user, box)
            box.update(state="complete" if st.session_state[SAID_KEY][0] else "error")
    st.rerun()
