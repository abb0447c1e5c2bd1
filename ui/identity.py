"""Who is at the keyboard: the signed-in user, else the name this browser typed last, kept in a cookie so the
next visit (another day, another review) starts with it instead of asking again."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import unquote

import streamlit as st

from core.schema import MAX_REVIEWER
from core.store import clean_scenario_name
from ui.auth import current_user
from ui.logs import log

COOKIE = "airr_reviewer"
COOKIE_DAYS = 365
CONTROLLER_KEY = "airr_cookie_controller"


def _clean(name: object) -> str:
    # A cookie is typed by whoever holds the browser: control, bidi and zero-width characters go, as in scenario names.
    return clean_scenario_name(name or "")[:MAX_REVIEWER]


def load() -> None:
    """Once per session: the remembered name into session state (read from the cookie the browser sent)."""
    ss = st.session_state
    if ss.get("reviewer_loaded"):
        return
    ss.reviewer_loaded = True
    if ss.get("reviewer"):
        return
    try:
        raw = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser behind this session (a test run, a script): nothing remembered
        raw = None
    ss.reviewer = _clean(unquote(raw)) if isinstance(raw, str) and raw else ""
    ss.reviewer_saved = ss.reviewer  # already in the cookie: nothing to write


def name() -> str:
    """The name decisions, task changes and scenarios are recorded under: signed in, else remembered."""
    return current_user()[0] or st.session_state.get("reviewer", "")


def remember(typed: object) -> None:
    """Keep a typed name for the session and, from the next page drawn, in this browser (may run in a callback)."""
    ss = st.session_state
    cleaned = _clean(typed)
    if not cleaned:
        return
    ss.reviewer = cleaned
    if cleaned != ss.get("reviewer_saved"):
        ss.reviewer_to_save = cleaned
        ss.pop("reviewer_cookie_expires", None)


def write_pending(where: object = None) -> None:
    """Write a name typed in this session into this browser's cookie (a component, drawn on each rerun from then on).

    Reading needs no component (the browser sends the cookie with every new session: st.context.cookies); writing
    does. It stays drawn, with the same arguments, for the rest of the session: a component removed by the next
    rerun (the facilitator typing on into the next field) can vanish before its script has run, and with its
    arguments unchanged the browser keeps the one frame instead of loading it again."""
    ss = st.session_state
    pending = ss.get("reviewer_to_save")
    if not pending:
        return
    expires = ss.setdefault("reviewer_cookie_expires", datetime.now() + timedelta(days=COOKIE_DAYS))
    # The controller keeps its copy of the browser's cookies under its key; the component reports null there at
    # times (seen in Chromium), and its set() then fails after the write was sent. An empty copy keeps it working.
    if CONTROLLER_KEY in ss and not isinstance(ss[CONTROLLER_KEY], dict):
        del ss[CONTROLLER_KEY]
    try:
        from streamlit_cookies_controller import CookieController

        with where if where is not None else st.container():
            # The value as typed: the component encodes it for the cookie, and the reader decodes it (unquote).
            CookieController(key=CONTROLLER_KEY).set(COOKIE, pending, expires=expires, same_site="lax")
    except Exception:  # noqa: BLE001 - the name still holds for this session; the next visit asks once more
        log.warning("the reviewer's name could not be kept in the browser", exc_info=True)
        ss.pop("reviewer_to_save", None)
