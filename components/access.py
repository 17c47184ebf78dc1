"""Who the user is and whether they may change data (import, ingest, accept, reject): editors and viewers.

The decision is a pure function of the server's settings and the signed-in user (`decide`), so it is tested without a
server; `current` reads those from Streamlit. Three ways to run:

- Sign-in configured (`[auth]` in .streamlit/secrets.toml, Streamlit's OpenID Connect): a signed-in user is an editor
  when their e-mail is listed in $CONFLICT_MONITOR_EDITORS or `[conflict_monitor] editors` in the secrets; anyone
  else is a viewer.
- No sign-in, server bound to a loopback address (`make run`) and reached directly: the one analyst on their own
  machine edits, named by their OS user. A request that came through a proxy (X-Forwarded-For, Forwarded or X-Real-IP
  set, as deploy/nginx-site.conf sets it) is someone else's, however the replica is bound.
- No sign-in, server reachable by others: read-only, and the page says so. $CONFLICT_MONITOR_READ_ONLY=1 forces
  read-only in every case.
"""

from __future__ import annotations

import getpass
import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from components.config import EDITORS_ENV, READ_ONLY_ENV  # noqa: F401 (EDITORS_ENV: the setting this module reads, by its name)

SECTION = "conflict_monitor"  # [conflict_monitor] in secrets.toml: editors = ["a@example.org", ...]
LOOPBACK_NAMES = {"localhost"}
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")  # what a reverse proxy adds to the request it passes
SHARED_WITHOUT_SIGN_IN = "Read-only: this server is shared without sign-in; see README 'Team use'."
FORCED = f"Read-only: {READ_ONLY_ENV} is set on this server."
SIGN_IN = "Read-only: sign in to import files, ingest articles or review candidates."
UNKNOWN_USER = "unknown"


class NotAllowed(PermissionError):
    """A viewer asked for a change: refused on the server whatever the page showed."""


@dataclass(frozen=True)
class Access:
    """What the user may do: edit or only view; who they are (for the audit log); the line the page shows."""

    editor: bool
    who: str  # e-mail when signed in, the OS user on a loopback server, "" for an anonymous viewer
    says: str  # one line for the page and the sidebar
    sign_in: bool = False  # sign-in is configured and the user has not signed in: offer the button
    signed_in: bool = False  # offer to sign out

    @property
    def read_only(self) -> bool:
        """Not an editor."""
        return not self.editor


def is_loopback(address: str) -> bool:
    """The server answers only this machine: 127.0.0.0/8, ::1 or localhost. Empty means every interface."""
    host = address.strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # "", "0.0.0.0"-like names, host names: reachable by others as far as we can tell
        return False


def editors_from(env_value: str | None, configured: Iterable[object] | str | None) -> set[str]:
    """The editors' e-mails, lower case: the environment's comma-separated list and the secrets' list (or string)."""
    listed = configured.split(",") if isinstance(configured, str) else (configured or [])
    named = [*(env_value or "").split(","), *(str(e) for e in listed)]
    return {e.strip().lower() for e in named if e.strip()}


def decide(
    address: str,
    auth_configured: bool,
    logged_in: bool,
    email: str | None,
    editors: set[str],
    read_only: bool,
    os_user: str,
    proxied: bool = False,
) -> Access:
    """Editor or viewer, from the server's address, whether sign-in is configured, who signed in, and the settings;
    `proxied`: the request came through a reverse proxy, so not from the analyst at this machine."""
    signed = bool(auth_configured and logged_in and email)
    who = (email or "").strip() if signed else ""
    if read_only:  # the operator's word is final: nobody edits, signed in or not
        return Access(False, who, FORCED, signed_in=signed)
    if auth_configured:
        if not signed:
            return Access(False, "", SIGN_IN, sign_in=True)
        if who.lower() in {e.lower() for e in editors}:
            return Access(True, who, f"Signed in as {who} (editor).", signed_in=True)
        return Access(False, who, f"Signed in as {who}: read-only (not listed as an editor).", signed_in=True)
    if is_loopback(address) and not proxied:  # the analyst's own machine: nobody else can reach the server
        return Access(True, os_user, f"Editing as {os_user} (served on this machine only).")
    return Access(False, "", SHARED_WITHOUT_SIGN_IN)


def require(user: Access, action: str) -> str:
    """Who may make this change, for the audit log; raise NotAllowed for a viewer (checked before every change)."""
    if not user.editor or not user.who:
        reason = (user.says[:1].lower() + user.says[1:]) or "the user has no name to record"
        raise NotAllowed(f"{action}: not allowed, {reason}")
    return user.who


def forwarded(headers: Mapping[str, str] | None) -> bool:
    """The request's headers name a proxy in between (a replica on localhost behind nginx, say)."""
    return any(str(name).lower() in PROXY_HEADERS for name in (headers or {}))


def os_user() -> str:
    """The OS user running this process: who changed data from the command line or a local server."""
    try:
        return getpass.getuser() or UNKNOWN_USER
    except (OSError, KeyError, ImportError):  # a container user with no passwd entry and no $USER
        return UNKNOWN_USER


def forced_read_only(value: str | None) -> bool:
    """$CONFLICT_MONITOR_READ_ONLY: set to anything but empty, 0, false or no."""
    return (value or "").strip().lower() not in ("", "0", "false", "no")
