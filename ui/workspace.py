"""The workspace on screen and what Home lists in it.

With sign-in configured, a signed-in person works in the workspace the AIRR_WORKSPACES setting (or
`[workspaces]` in .streamlit/secrets.toml) gives their e-mail (core.workspace), and Home lists that workspace's
reviews. Without sign-in (or before signing in) everyone who can reach the server shares one workspace, and Home
lists only the reviews opened in this browser: kept server-side in the store (opened_reviews), keyed by a hash of
the browser's XSRF cookie (ui.auth.browser_key), so the list survives a restart but not a new browser.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core import labels, workspace
from core.schema import DEFAULT_WORKSPACE
from core.store import SECRETS_FILE, Review, StoreError
from ui.auth import browser_key, current_user, login_configured
from ui.logs import log
from ui.storage import store, store_in_use


def settle_workspace() -> None:
    """Set this run's workspace (session key `workspace`); when it changes (signing in or out), the review on
    screen belongs to the other workspace and is put away."""
    ss = st.session_state
    email = current_user()[1] if login_configured() else ""
    found = workspace.workspace_for(email, workspace.rules(SECRETS_FILE)) if email else DEFAULT_WORKSPACE
    previous = ss.get("workspace")
    ss.workspace = found
    if previous is not None and previous != found and ss.get("review_id"):
        ss.review_id = None
        ss.pop("source", None)
        st.query_params.pop("review", None)


def signed_in() -> bool:
    return login_configured() and bool(current_user()[1])


def note_opened() -> None:
    """Remember that this browser opened the review on screen (once per review and session)."""
    ss = st.session_state
    review_id = ss.get("review_id")
    if not review_id or ss.get("noted_review") == review_id:
        return
    ss.noted_review = review_id
    try:
        store().remember_opened(browser_key(), review_id)
    except StoreError as exc:  # the list on Home is a convenience: the review itself is open
        log.warning("opened review not remembered: %s", exc)


def home_reviews(limit: int = 8) -> tuple[list[Review], str]:
    """The reviews Home lists, and one line saying which they are (raises StoreError)."""
    if not store_in_use():
        return [], ""
    note_opened()  # a review saved further down this run is listed at once
    if signed_in():
        return store().recent_reviews(limit=limit), "The latest reviews of your workspace."
    return store().opened_by(browser_key(), limit), "Reviews opened in this browser (everyone who can reach this " \
                                                    "server shares one workspace; a review's link opens it anywhere)."


def review_history(review_id: str) -> pd.DataFrame:
    """The review's event log as a table, newest first (raises StoreError)."""
    rows = store().events(review_id)
    frame = pd.DataFrame(rows, columns=["at", "who", "what", "detail"])
    frame["at"] = frame["at"].map(lambda v: f"{v:%Y-%m-%d %H:%M} UTC" if v is not None else "")
    frame["what"] = labels.column(frame["what"], "review_events")
    return frame.iloc[::-1].reset_index(drop=True)
