"""The first call on every page: page config, session state, the page links and sign-in."""

from __future__ import annotations

import streamlit as st

from ui import identity
from ui.auth import browser_key, current_user, login_configured, login_returns
from ui.format import safe
from ui.nav import PAGES, page_link
from ui.reviews import ensure_review, open_review
from ui.scenarios import scenario_badge
from ui.session import DEFAULT_SAMPLE, SAMPLES_DIR, screen_state, set_source
from ui.workspace import note_opened, settle_workspace


def init_state() -> None:
    # The few session keys the app uses, initialised in one place.
    ss = st.session_state
    ss.setdefault("mapping", {})
    ss.setdefault("overrides", {})
    ss.setdefault("tasks", {})  # tasks set on this review: project id -> {"task", "by", "at"} (core.store)
    ss.setdefault("review_id", None)  # the saved review on screen; None for the untouched default sample
    ss.setdefault("reviewer", "")  # the name typed last, in this session or (a cookie) this browser
    identity.load()
    ss.setdefault("pending_save", False)  # a file loaded but not yet read: saved as a review once it is
    settle_workspace()  # session key "workspace": every store call of this run stays inside it
    return_after_login()
    wanted = st.query_params.get("review")
    # A store that cannot be reached is not asked again on every rerun for the same link.
    if wanted and wanted != ss.review_id and wanted != ss.get("review_failed"):
        open_review(wanted)
    if "source" not in ss:
        path = SAMPLES_DIR / DEFAULT_SAMPLE
        set_source(path.name, path.read_bytes(), "sample")
        ss.saved_state = screen_state()
    ss.setdefault("scenarios", {})  # the review's saved scenarios: name -> overrides (kept in the store)
    # Links that came without it (a bookmark of a page, the browser's back button) get it back.
    if ss.review_id and st.query_params.get("review") != ss.review_id:
        st.query_params["review"] = ss.review_id
    note_opened()


NAV_CSS = """<style>
@media (max-width: 640px) {
  .st-key-page_links {flex-wrap: nowrap !important; overflow-x: auto; gap: 0.25rem 0.9rem !important;
    scrollbar-width: thin; padding-bottom: 2px}
  .st-key-page_links > div {flex: 0 0 auto !important; width: auto !important}
  .st-key-page_links a, .st-key-page_links p {white-space: nowrap; font-size: 0.9rem}
}
</style>"""


def setup(title: str) -> None:
    """First call on every page: page config, session state and the page links."""
    st.set_page_config(page_title=f"{title} · AI Roadmap Review", page_icon=":material/explore:", layout="wide",
                       initial_sidebar_state="collapsed")
    init_state()
    # A row that wraps on a phone instead of stacking five lines of links.
    # On a phone the links are one row that scrolls sideways (it took three rows at 390 px); CSS of our own, no
    # user text in it.
    st.html(NAV_CSS)
    nav = st.container(horizontal=True, gap="medium", vertical_alignment="center", key="page_links")
    for path, label in PAGES:
        if label == title:
            # The current page as plain bold text: a disabled link is greyed below readable contrast.
            nav.markdown(f"**{label}**", width="content")
        else:
            page_link(path, label, container=nav)
    # Drawn on every run, empty or not: a notice or the cookie writer appearing in it never moves what follows, so
    # text being typed into the page's fields is not lost to a remount while they appear (one start of a meeting
    # in three lost its attendees when the facilitator's name, just typed, drew the cookie writer above them).
    slot = st.container()
    if notice := st.session_state.pop("review_notice", None):
        slot.warning(safe(notice))
    identity.write_pending(slot)
    scenario_badge()


def sign_in_panel() -> None:
    """Sign in / out when OIDC login is configured; the review on screen is where the browser comes back to."""
    if not login_configured():
        return
    name, email = current_user()
    if name:
        c1, c2 = st.columns([4, 1])
        c1.caption(safe(f"Signed in as {name} ({email}); decisions are recorded under this name."))
        if c2.button("Sign out", key="sign_out"):
            st.logout()
        return
    if st.button("Sign in", key="sign_in", help="Decisions are then recorded under your name and e-mail."):
        ss = st.session_state
        # A file not read as a roadmap is not saved, so there is no review to come back to.
        review_id = ensure_review() if ss.get("source") and not ss.get("pending_save") else None
        if review_id:
            login_returns().remember(browser_key(), review_id)
        st.login()


def return_after_login() -> None:
    # A new session straight after signing in, with no review in the URL: back to the one it left.
    ss = st.session_state
    if ss.get("login_checked") or st.query_params.get("review") or not login_configured():
        return
    ss.login_checked = True
    if current_user()[0] and (review_id := login_returns().recall(browser_key())):
        open_review(review_id)
