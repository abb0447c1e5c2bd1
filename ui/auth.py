"""Who is signed in (Streamlit's OIDC login), and where a browser was when it left to sign in."""

from __future__ import annotations

import hashlib
import time

import streamlit as st


def current_user() -> tuple[str, str]:
    """(name, email) of the signed-in user when Streamlit's OIDC login is configured and used, else blanks."""
    try:
        if st.user.is_logged_in:
            return str(st.user.get("name") or st.user.get("email") or ""), str(st.user.get("email") or "")
    except Exception:  # noqa: BLE001 - no [auth] secrets: there is simply nobody signed in
        return "", ""
    return "", ""


def login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


class LoginReturns:
    """Where each browser was when it went to sign in, so it comes back to that review.

    After st.login the identity provider sends the browser to "/", in a new session that has lost the
    review. Only the browser's cookies survive the trip, so the way back is kept here, server-side, keyed
    by a hash of the browser's XSRF cookie (or its address and user agent), for a few minutes.
    """

    def __init__(self, ttl_s: float = 600.0, limit: int = 1000):
        self.ttl_s, self.limit = ttl_s, limit
        self._by_browser: dict[str, tuple[str, float]] = {}

    def remember(self, browser: str, review_id: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._by_browser = {k: v for k, v in self._by_browser.items() if now - v[1] < self.ttl_s}
        if len(self._by_browser) < self.limit:
            self._by_browser[browser] = (review_id, now)

    def recall(self, browser: str, now: float | None = None) -> str | None:
        """The review this browser left for sign-in (once), or None."""
        now = time.monotonic() if now is None else now
        entry = self._by_browser.pop(browser, None)
        return entry[0] if entry and now - entry[1] < self.ttl_s else None


@st.cache_resource
def login_returns() -> LoginReturns:
    return LoginReturns()


def browser_key() -> str:
    ctx = st.context
    cookie = ctx.cookies.get("_streamlit_xsrf") or ""
    # Text only: outside a browser (AppTest, a bare run) the context's values are not strings.
    basis = cookie if isinstance(cookie, str) and cookie else f"{ctx.ip_address}|{ctx.headers.get('User-Agent', '')}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()
