"""The review on screen's zombies (core.comeback), read once a minute per review, and the join offer of an upload
(core.joining): whether it joined its portfolio, and the one-click answer that stays until given."""

from __future__ import annotations

import hashlib
import time

import streamlit as st

from core import comeback, joining
from core.loader import RoadmapError, load_roadmap
from core.store import Review, Store, StoreError, database_url
from ui.logs import log
from ui.scoring import scored_for
from ui.storage import decisions_changed, store, store_for, store_in_use, workspace_now

# Earlier reviews and their decisions change rarely while a review is on screen (this review's own decisions do
# not count), so the warnings are worked out at most once a minute per review, not on every rerun.
CAME_BACK_TTL_S = 60.0


@st.cache_data(max_entries=16, show_spinner=False)
def _came_back_of(url: str, workspace: str, review_id: str, window: int, key: str, name: str, mapping: tuple,
                  overrides: tuple, tasks: tuple, evidence: tuple, _data: bytes) -> tuple[tuple[str, str], ...]:
    """(project id, sentence) pairs for a review scored with the screen's inputs, against the earlier reviews and
    decisions of its workspace; `key` (the file's hash) stands for the file in the cache key, so the file's bytes
    are not hashed on every rerun."""
    s = store_for(url).in_workspace(workspace)
    review = s.review(review_id)
    scored = scored_for(_data, name, mapping, overrides, tasks, evidence)[1]
    if review is None or scored is None:
        return ()
    return tuple(sorted(comeback.for_review(s, review, scored).items()))


def came_back(inputs: tuple) -> dict[str, str]:
    """Project id -> "Came back: …" for the review on screen; empty when nothing came back or the store is away."""
    ss = st.session_state
    if not ss.get("review_id") or not store_in_use():
        return {}
    data, name, mapping, overrides, tasks, evidence = inputs
    try:
        pairs = _came_back_of(database_url(), workspace_now(), ss.review_id, int(time.monotonic() // CAME_BACK_TTL_S),
                              ss.source.get("key") or hashlib.sha1(data).hexdigest()[:12],
                              name, mapping, overrides, tasks, evidence, data)
    except StoreError as exc:
        log.warning("came-back warnings unavailable: %s", exc)
        return {}
    return dict(pairs)


def forget_came_back() -> None:
    """The portfolio of the review changed (joined or kept apart): its earlier review may be another one."""
    _came_back_of.clear()
    decisions_changed()


def choose_portfolio(s: Store, name: str, data: bytes, wanted: str, mapping: dict) -> tuple[str, dict | None]:
    """The portfolio an upload goes to, and the offer to keep with it (None when the name was free or the same
    file is already there). It joins `wanted` when it shares enough projects with that portfolio's latest review
    (core.joining); otherwise it takes `wanted (2)` and the offer is to join."""
    earlier = s.recent_reviews(limit=50, portfolio=wanted)
    sha1 = hashlib.sha1(data).hexdigest()
    if not earlier or any(r.file_sha1 == sha1 for r in earlier):
        return wanted, None
    apart = _free_name(wanted, s.portfolios())
    latest = s.review(earlier[0].id)
    found = _overlap(name, data, mapping, latest)
    offer = {"portfolio": wanted, "apart_as": apart, "overlap": found}
    return (wanted if found is not None and found.joins else apart), offer


def _overlap(name: str, data: bytes, mapping: dict, latest: Review | None) -> joining.Overlap | None:
    if latest is None or latest.data is None:
        return None
    try:
        new = load_roadmap(data, name=name, mapping=dict(mapping))
        old = load_roadmap(latest.data, name=latest.file_name, mapping=dict(latest.mapping))
    except RoadmapError:
        return None  # a file that cannot be read joins nothing; the page says what is wrong with it
    by_ids = joining.has_ids(new.report.mapping) and joining.has_ids(old.report.mapping)
    return joining.overlap(new.projects, old.projects, by_ids)


def _free_name(name: str, taken: list[str]) -> str:
    n = 2
    while f"{name} ({n})" in taken:
        n += 1
    return f"{name} ({n})"


def keep_offer(s: Store, review_id: str, chosen: str, offer: dict) -> None:
    """Store the offer of a review just made, so it stays on Home after a reload until someone answers it."""
    found = offer["overlap"] or joining.Overlap(0, 0, "ids")
    joining.keep(s, review_id, offer["portfolio"], offer["apart_as"], chosen == offer["portfolio"], found)


def open_offer() -> joining.Offer | None:
    """The unanswered offer of the review on screen (None when there is none, or the store is away)."""
    review_id = st.session_state.get("review_id")
    if not review_id or not store_in_use():
        return None
    try:
        return joining.open_offer(store(), review_id)
    except StoreError as exc:
        log.warning("portfolio offer unavailable: %s", exc)
        return None


def answer_offer(join: bool, who: str) -> None:
    """Join the portfolio, or keep the review apart; the screen follows (raises StoreError)."""
    ss = st.session_state
    ss.source["portfolio"] = joining.answer(store(), ss.review_id, join, who)
    ss.pop("portfolio_name", None)
    forget_came_back()
