"""The current roadmap as every page reads it: scored with the screen's mapping, assumptions and tasks."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from core import config
from core.loader import LoadReport
from ui.evidence import current_evidence
from ui.format import safe
from ui.logs import log
from ui.nav import page_link
from ui.reviews import save_state
from ui.scoring import assumptions_for, error_for, scored_for, task_key


@dataclass
class Portfolio:
    """What every page reads: the load report, the scored projects and the assumptions used."""

    report: LoadReport | None
    scored: pd.DataFrame | None
    cfg: config.Assumptions
    error: str | None
    headers: list[str]
    name: str
    inputs: tuple  # (data, name, mapping, overrides, tasks, evidence): the cache key of everything derived from it


def _inputs() -> tuple:
    ss = st.session_state
    src = ss.source
    # The portfolio's stored evidence applies to every page and download (SPEC §4e); unreadable, it is left out
    # with a sentence on Project review, and the roadmap's own columns decide.
    evidence, ss.evidence_error = current_evidence()
    return (src["data"], src["name"], tuple(sorted(ss.mapping.items())), tuple(sorted(ss.overrides.items())),
            task_key(ss.tasks), evidence)


def current() -> Portfolio:
    """The current roadmap, loaded and scored with the current mapping and assumptions (cached)."""
    inputs = _inputs()
    overrides = inputs[3]
    cfg = assumptions_for(overrides)
    src = st.session_state.source
    with st.spinner("Scoring the roadmap…"):
        try:
            report, scored, error, headers = scored_for(*inputs)
        except Exception:  # noqa: BLE001 - a user sees a sentence; the traceback goes to the log
            log.exception("scoring failed")
            report, scored, headers = None, None, []
            error = "Something went wrong while reading this file; it has been logged. Try another file or a sample."
    save_state(read=scored is not None)
    return Portfolio(report, scored, cfg, error, headers, src["name"], inputs)


@dataclass
class Inputs:
    """The assumptions and the cache key of everything derived from the current roadmap."""

    cfg: config.Assumptions
    inputs: tuple
    name: str


def require_inputs() -> Inputs:
    """Like require_portfolio, without fetching the scored frame (for pages that show cached views of it)."""
    inputs = _inputs()
    try:
        error = error_for(*inputs)
    except Exception:  # noqa: BLE001 - a user sees a sentence; the traceback goes to the log
        log.exception("scoring failed")
        error = "Something went wrong while reading this file; it has been logged. Try another file or a sample."
    save_state(read=not error)
    if error:
        st.error(safe(error))
        page_link("app.py", "Go to Home to load another roadmap or fix the column mapping")
        st.stop()
    return Inputs(assumptions_for(inputs[3]), inputs, inputs[1])


def require_portfolio() -> Portfolio:
    """The scored portfolio, or a message and a stop when the current file could not be read."""
    p = current()
    if p.scored is None:
        st.error(safe(p.error or "No roadmap is loaded."))
        page_link("app.py", "Go to Home to load another roadmap or fix the column mapping")
        st.stop()
    return p
