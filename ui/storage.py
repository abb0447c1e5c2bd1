"""The review store shared by every session, and the current decisions read from it."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from core import minutes
from core.schema import DEFAULT_WORKSPACE
from core.store import Store, StoreError, database_url, portfolio_name
from ui.logs import log


@st.cache_resource(max_entries=4)
def store_for(url: str) -> Store:
    return Store(url)


def workspace_now() -> str:
    """This run's workspace (set by ui.workspace.settle_workspace at the start of every page)."""
    return st.session_state.get("workspace", DEFAULT_WORKSPACE)


def store() -> Store:
    """The shared review store (one engine per database URL) seen from this session's workspace, so nothing of
    another workspace is read or changed; raises StoreError when it cannot be opened."""
    return store_for(database_url()).in_workspace(workspace_now())


def store_in_use() -> bool:
    """False while the default SQLite file does not exist yet: nothing is saved, so a first visit need not
    import SQLAlchemy or create the database just to list no reviews."""
    url = database_url()
    if not url.startswith("sqlite:///") or "?" in url:
        return True
    return Path(url.removeprefix("sqlite:///")).exists()


def portfolio_of_screen() -> str:
    src = st.session_state.source
    return src.get("portfolio") or portfolio_name(src["name"])


def decision_history(project_id: str | None = None) -> pd.DataFrame:
    """The portfolio's history, oldest first (raises StoreError)."""
    return store().history(portfolio_of_screen(), project_id)


CURRENT_KEYS = ["project_id", "decision", "reviewer", "note", "revisit"]


def decision_frame(project_ids: pd.Series, decisions: tuple) -> pd.DataFrame:
    current = pd.DataFrame([dict(zip(CURRENT_KEYS, d, strict=True)) for d in decisions],
                           columns=CURRENT_KEYS).set_index("project_id")
    return minutes.current_table(project_ids, current, date.today())


# The Kill list reads the decisions on every rerun (each filter click). A copy shared for a few seconds spares
# the database that read, while a colleague's decision still shows within DECISIONS_TTL_S; this session's
# own writes clear it (decisions_changed), so a decision recorded here shows on the next page at once.
DECISIONS_TTL_S = 3.0


@st.cache_data(max_entries=64, show_spinner=False)
def _decisions_of(url: str, portfolio: str, window: int, workspace: str = DEFAULT_WORKSPACE) -> tuple:
    """A portfolio's current decisions as a hashable tuple; `window` (time over the TTL) only ages the entry.
    A StoreError is raised, not cached, so an unavailable store is asked again on the next rerun."""
    current = store_for(url).in_workspace(workspace).current(portfolio)
    return tuple((pid, r.decision, r.reviewer, r.note, r.revisit) for pid, r in current.iterrows())


def decisions_changed() -> None:
    _decisions_of.clear()


def current_decisions() -> tuple[tuple, str | None]:
    """The current decision of each project as a hashable tuple (for cache keys), and an error sentence when
    the store is unavailable: a broken database costs the decision columns, never the page."""
    try:
        rows = _decisions_of(database_url(), portfolio_of_screen(), int(time.monotonic() // DECISIONS_TTL_S),
                             workspace_now())
    except StoreError as exc:
        log.warning("decisions unavailable: %s", exc)
        return (), f"Decisions cannot be shown right now: {exc}"
    return rows, None
