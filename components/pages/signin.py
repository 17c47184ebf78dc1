"""Sign-in and the user's line, read from Streamlit: who this browser session is (components/access.py decides
what they may do) and the Sign in / Sign out buttons."""

from __future__ import annotations

import os

import streamlit as st
from streamlit.errors import StreamlitAuthError

from components import errors, text
from components.access import (
    SECTION,
    Access,
    decide,
    editors_from,
    forced_read_only,
    forwarded,
    os_user,
)
from components.config import EDITORS_ENV, READ_ONLY_ENV


def current() -> Access:
    """The decision for this browser session, read from Streamlit (its server address, secrets and st.user)."""
    secrets = st.secrets if st.secrets.load_if_toml_exists() else {}
    auth_configured = bool(secrets.get("auth"))
    section = secrets.get(SECTION) or {}
    logged_in = bool(auth_configured and st.user.get("is_logged_in"))
    email = st.user.get("email") if logged_in else None
    return decide(
        address=str(st.get_option("server.address") or ""),
        auth_configured=auth_configured,
        logged_in=logged_in,
        email=str(email) if email else None,
        editors=editors_from(os.environ.get(EDITORS_ENV), section.get("editors")),
        read_only=forced_read_only(os.environ.get(READ_ONLY_ENV)),
        os_user=os_user(),
        proxied=forwarded(st.context.headers),
    )


def _provider() -> str | None:
    """The provider to sign in with: None when [auth] holds one provider's settings, else the only named one."""
    auth = st.secrets.get("auth") or {}
    if "client_id" in auth:
        return None
    named = [name for name, value in auth.items() if hasattr(value, "get")]  # [auth.google], [auth.microsoft]...
    return named[0] if len(named) == 1 else None


def render_status(user: Access, place: object = None) -> None:
    """The user's line, with a sign-in or sign-out button when sign-in is configured (in the sidebar or the page)."""
    where = place or st
    (where.caption if user.editor else where.info)(text.md(user.says))
    key = "sidebar" if place is st.sidebar else "page"
    if user.sign_in and where.button("Sign in", key=f"sign-in-{key}"):
        try:
            st.login(_provider())
        except StreamlitAuthError as err:  # Authlib missing, [auth] incomplete: one line, the details to the log
            where.error(text.md(errors.log_unexpected(err, "starting the sign-in")))
    if user.signed_in and where.button("Sign out", key=f"sign-out-{key}"):
        st.logout()
