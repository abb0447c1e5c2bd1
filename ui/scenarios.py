"""Assumption scenarios: the current one's name and badge, and the review's saved scenarios that still fit."""

from __future__ import annotations

import streamlit as st

from core import config, scenario
from core.store import Scenario, StoreError
from ui.format import md_text, safe
from ui.logs import log
from ui.scoring import assumptions_for
from ui.storage import store


def reset_scenario() -> None:
    """Back to the default assumptions (the Assumptions page's inputs follow)."""
    ss = st.session_state
    ss.overrides = {}
    for key in [k for k in ss if isinstance(k, str) and k.startswith("assume_")]:
        del ss[key]


def scenario_name() -> str:
    """The saved name of the current assumptions, or "" when they are unsaved (or the defaults)."""
    ss = st.session_state
    return next((name for name, saved in ss.scenarios.items() if saved == ss.overrides and saved), "")


def scenario_badge() -> None:
    """When any assumption differs from its default: a badge naming the changes, with a one-click reset."""
    ss = st.session_state
    if not ss.overrides:
        return
    name = scenario_name()
    with st.container(border=True, key="scenario_badge"):
        text, reset = st.columns([6, 1], vertical_alignment="center")
        title = f"Scenario {safe(name)}" if name else "Scenario"
        text.markdown(f":orange-badge[{title}] {md_text(scenario.describe(ss.overrides))}")
        reset.button("Reset to defaults", key="scenario_reset", on_click=reset_scenario)


def _misfit(overrides: dict) -> str | None:
    try:
        assumptions_for(tuple(sorted(overrides.items())))
    except (config.ConfigError, TypeError) as exc:  # TypeError: a value that cannot be compared or hashed
        return str(exc) if isinstance(exc, config.ConfigError) else "a value is not a number or a word"
    return None


def usable_overrides(overrides: dict) -> tuple[dict, str | None]:
    """Saved assumption overrides that today's assumptions accept (a config change can leave a saved value out of
    range or a key unknown), and one sentence naming what was left out."""
    if not _misfit(overrides):
        return dict(overrides), None
    kept = {k: v for k, v in overrides.items() if not _misfit({k: v})}
    if _misfit(kept):
        kept = {}
    left_out = ", ".join(sorted(str(k) for k in overrides if k not in kept))[:200]
    return kept, (f"Saved assumptions that no longer fit this version of the app are left out ({left_out}): "
                  f"{_misfit(overrides)}")


def saved_scenarios() -> tuple[list[Scenario], str | None]:
    """The review's saved scenarios, read again from the store (a colleague may have saved one), and a sentence
    when the store cannot be read: the scenarios of this session are then shown instead."""
    ss = st.session_state
    in_session = [Scenario(n, o, "", None) for n, o in ss.get("scenarios", {}).items()]
    if ss.get("review_id") is None:
        return in_session, None
    try:
        found = store().scenarios(ss.review_id)
    except StoreError as exc:
        log.warning("scenarios unavailable: %s", exc)
        return in_session, f"Saved scenarios cannot be read right now: {exc}"
    usable, left_out = [], []
    for saved in found:
        problem = "its saved assumptions cannot be read" if saved.unreadable else _misfit(saved.overrides)
        if problem:
            left_out.append((saved.name, problem))
        else:
            usable.append(saved)
    ss.scenarios = {s.name: s.overrides for s in usable}
    if not left_out:
        return usable, None
    names = ", ".join(name for name, _ in left_out[:5]) + (f" and {len(left_out) - 5:,} more" if len(left_out) > 5 else "")
    return usable, (f"Saved scenarios that no longer fit this version of the app are left out ({names}); they stay "
                    f"in the database. The first: {left_out[0][1]}")
