"""The session's roadmap file and the few session-state keys that describe what is on screen."""

from __future__ import annotations

import hashlib
from pathlib import Path

import streamlit as st

from core.store import portfolio_name

ROOT = Path(__file__).parent.parent  # the project folder (this file is ui/session.py)


SAMPLES_DIR = ROOT / "sample_portfolios"


DEFAULT_SAMPLE = "bank.csv"


def samples() -> list[str]:
    """The sample portfolios a user can pick (the template is not one)."""
    return sorted(p.name for p in SAMPLES_DIR.iterdir()
                  if p.suffix in (".csv", ".xlsx") and not p.name.startswith("template"))


def sample_bytes(name: str) -> bytes:
    return (SAMPLES_DIR / name).read_bytes()


def set_source(name: str, data: bytes, origin: str, portfolio: str | None = None) -> None:
    """Make a file the current roadmap; the column mapping starts afresh for it."""
    st.session_state.source = {"name": name, "data": data, "origin": origin,
                               "key": hashlib.sha1(data).hexdigest()[:12],
                               "portfolio": portfolio or portfolio_name(name)}
    st.session_state.mapping = {}
    # Task changes and saved scenarios belong to a review: another file starts without them.
    st.session_state.tasks = {}
    st.session_state.scenarios = {}


def screen_state() -> tuple:
    ss = st.session_state
    return tuple(sorted(ss.mapping.items())), tuple(sorted(ss.overrides.items()))


def clear_assumption_widgets() -> None:
    # The Assumptions page seeds its widgets from the overrides once; another review brings other values.
    for key in [k for k in st.session_state if str(k).startswith("assume_")]:
        del st.session_state[key]
