"""Who is reading: the sign-in that ``dashboard.auth`` asks for, before any data is shown.

``oidc``: Streamlit's own st.login (OpenID Connect; the provider's client is in
.streamlit/secrets.toml). ``proxy``: a reverse proxy signs people in and sends who in a
header (only trustworthy when the dashboard listens on 127.0.0.1 behind it). The person
signed in is who a correction or a mention review is recorded under.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import streamlit as st

from dashboard.render import md, one_line
from presswatch.config import AuthConfig

Translate = Callable[..., str]


@dataclass(frozen=True)
class Reader:
    """The person reading: their name (None without sign-in) and whether they may correct."""

    name: str | None
    may_edit: bool


def request_headers() -> Mapping[str, str]:
    """The headers of the browser's request for this session (the proxy's included)."""
    return st.context.headers


def _oidc_user(auth: AuthConfig, t: Translate) -> str | None:
    """The signed-in person's e-mail (else name, else subject); None after asking to sign in."""
    try:
        configured = "auth" in st.secrets
    except FileNotFoundError:
        configured = False
    if not configured:
        st.error(
            t(
                "Sign-in is on (dashboard.auth.mode: oidc) but .streamlit/secrets.toml has "
                "no [auth] section: add the provider's client there (see the README's "
                "Security section), then restart the dashboard."
            )
        )
        return None
    # Absent (no identity cookie read yet) is not signed in.
    if not st.user.get("is_logged_in", False):
        st.info(t("Sign in to read this dashboard."))
        arguments = (auth.provider,) if auth.provider else ()
        st.button(t("Sign in"), on_click=st.login, args=arguments, key="sign_in")
        return None
    for claim in ("email", "preferred_username", "name", "sub"):
        value = st.user.get(claim)
        if isinstance(value, str) and value.strip():
            return one_line(value).strip()
    return None


def _proxy_user(auth: AuthConfig, t: Translate) -> str | None:
    """The person the proxy names in its header; None (and a message) without one."""
    value = request_headers().get(auth.header)
    if value and value.strip():
        return one_line(value).strip()
    st.error(
        t(
            "Sign-in is on (dashboard.auth.mode: proxy) but the request has no {header} "
            "header: open the dashboard through the sign-in proxy.",
            header=md(auth.header),
        )
    )
    return None


def sign_in(auth: AuthConfig, t: Translate) -> Reader:
    """The reader, once signed in and allowed; otherwise ask to sign in and stop the page
    (no data is read before this returns)."""
    if not auth.enabled:
        return Reader(None, may_edit=True)
    user = _oidc_user(auth, t) if auth.mode == "oidc" else _proxy_user(auth, t)
    if user is None:
        st.stop()
    if not auth.may_read(user):
        st.error(
            t(
                "{user} may not read this dashboard: ask whoever runs it to add you under "
                "dashboard.auth.readers in config.yaml.",
                user=md(user),
            )
        )
        if auth.mode == "oidc":
            st.button(t("Sign out"), on_click=st.logout, key="sign_out_refused")
        st.stop()
    with st.sidebar:
        st.caption(t("Signed in as {user}", user=md(user)))
        if auth.mode == "oidc":
            st.button(t("Sign out"), on_click=st.logout, key="sign_out")
    return Reader(user, may_edit=auth.may_edit(user))
